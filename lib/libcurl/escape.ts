// curl_easy_escape / curl_easy_unescape (URL encoding), the legacy curl_escape /
// curl_unescape, and curl_free (a no-op here: results are JavaScript strings).
import { cNative } from './native-c';
import { easyArg, outArg } from './args';
import type { CURL, OutParam } from './functions';

/** `length` 0 (or omitted): all of `string`, as C's strlen. */
export function curl_easy_escape(easy: CURL | null, string: string | Buffer, length = 0): string | null {
  return cNative.curl_easy_escape(easy === null || easy === undefined ? null : easyArg(easy), string, length);
}

/** The decoded text; `outlength.value` gets its length in bytes. */
export function curl_easy_unescape(easy: CURL | null, input: string | Buffer, inlength = 0, outlength?: OutParam<number>): string | null {
  const out = outArg(outlength, 'curl_easy_unescape', 'outlength');
  const [text, n] = cNative.curl_easy_unescape(easy === null || easy === undefined ? null : easyArg(easy), input, inlength);
  if (out) out.value = n;
  return text;
}

/** @deprecated as in libcurl: curl_easy_escape(null, ...). */
export function curl_escape(string: string | Buffer, length = 0): string | null {
  return curl_easy_escape(null, string, length);
}

/** @deprecated as in libcurl: curl_easy_unescape(null, ...). */
export function curl_unescape(string: string | Buffer, length = 0): string | null {
  return curl_easy_unescape(null, string, length);
}

/** Nothing to free: strings are JavaScript's. Kept so that ports read as the C. */
export function curl_free(pointer: unknown): void {
  void pointer;
}
