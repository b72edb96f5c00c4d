// ContentDecoder: SoupContentDecoder. libcurl decodes (CURLOPT_ACCEPT_ENCODING ""), so the
// feature only says whether the session asks for compressed bodies: every encoding the
// linked libcurl supports (gzip, deflate, br, zstd here).
import type { SessionFeature } from './feature';
import type { Session } from '../session';

export class ContentDecoder implements SessionFeature {
  /** Built in: the session consults it directly. */
  attach(_session: Session): void {}

  /** The Accept-Encoding libcurl sends: '' means every encoding it was built with. */
  readonly acceptEncoding: string;

  constructor(acceptEncoding = '') {
    this.acceptEncoding = acceptEncoding;
  }
}
