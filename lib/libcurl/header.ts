// The header API (libcurl 7.83+): curl_easy_header and curl_easy_nextheader over the
// headers of the easy handle's last transfer.
import { cNative, type CurlHeader } from './native-c';
import { easyArg, outArg } from './args';
import type { CURL, OutParam } from './functions';

export type CURLHcode = number;
export type { CurlHeader as curl_header };

const kPosition = Symbol('curlio.headerPosition');
type Positioned = CurlHeader & { [kPosition]?: number };

function toHeader(raw: CurlHeader & { _position: number }): CurlHeader {
  const { _position, ...header } = raw;
  Object.defineProperty(header, kPosition, { value: _position });
  return header;
}

/** The `index`th `name` header of `origin` (CURLH_*) in request `request` (-1: the last) into `hout.value`. */
export function curl_easy_header(easy: CURL, name: string, index: number, origin: number, request: number, hout: OutParam<CurlHeader | null>): CURLHcode {
  const out = outArg(hout, 'curl_easy_header', 'hout', true) as OutParam<CurlHeader | null>;
  const [code, header] = cNative.curl_easy_header(easyArg(easy), name, index, origin, request);
  if (header !== undefined) out.value = toHeader(header);
  return code;
}

/** The header after `prev` (null: the first), or null when there are no more. */
export function curl_easy_nextheader(easy: CURL, origin: number, request: number, prev: CurlHeader | null): CurlHeader | null {
  const position = prev === null || prev === undefined ? 0 : ((prev as Positioned)[kPosition] ?? 0);
  const header = cNative.curl_easy_nextheader(easyArg(easy), origin, request, position);
  return header === null ? null : toHeader(header);
}
