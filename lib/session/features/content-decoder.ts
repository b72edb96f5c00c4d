// ContentDecoder: SoupContentDecoder. libcurl decodes (CURLOPT_ACCEPT_ENCODING ""), so the
// feature only says whether the session asks for compressed bodies: every encoding the
// linked libcurl supports (gzip, deflate, br, zstd here).
import type { SessionFeature } from './feature';
import type { Session } from '../session';
import { curl_version_info } from '../../libcurl/functions';
import { CURL_VERSION_BROTLI, CURL_VERSION_LIBZ, CURL_VERSION_ZSTD } from '../../libcurl/constants.generated';

/**
 * What libcurl sends for CURLOPT_ACCEPT_ENCODING "": every encoding it was built with, in
 * its own order (content_encoding.c: deflate, gzip, br, zstd), or "identity" without any.
 */
export function allContentEncodings(): string {
  const { features } = curl_version_info();
  const names: string[] = [];
  if (features & CURL_VERSION_LIBZ) names.push('deflate', 'gzip');
  if (features & CURL_VERSION_BROTLI) names.push('br');
  if (features & CURL_VERSION_ZSTD) names.push('zstd');
  return names.length > 0 ? names.join(', ') : 'identity';
}

export class ContentDecoder implements SessionFeature {
  /** Built in: the session consults it directly. */
  attach(_session: Session): void {}

  /** The Accept-Encoding libcurl sends: '' means every encoding it was built with. */
  readonly acceptEncoding: string;

  constructor(acceptEncoding = '') {
    this.acceptEncoding = acceptEncoding;
  }

  /**
   * @internal The request header line, as libcurl would format it. The session sends it
   * among the request's own headers, so libcurl does not format its own for every request
   * (its printf appends byte by byte: about 4,600 instructions a request); libcurl still
   * decodes, as CURLOPT_ACCEPT_ENCODING stays set.
   */
  get headerLine(): string {
    return (this.#headerLine ??= `Accept-Encoding: ${this.acceptEncoding === '' ? allContentEncodings() : this.acceptEncoding}`);
  }

  #headerLine: string | undefined = undefined;

  /** @internal [headerLine], the whole request header list of a message without headers of its own. */
  get headerLines(): readonly string[] {
    return (this.#headerLines ??= Object.freeze([this.headerLine]));
  }

  #headerLines: readonly string[] | undefined = undefined;
}
