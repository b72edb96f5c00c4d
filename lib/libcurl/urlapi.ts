// The URL API: curl_url, curl_url_set, curl_url_get, curl_url_dup, curl_url_cleanup
// (curl_url_strerror is with the other strerrors), and CURLOPT_CURLU.
import { cNative, type NativeUrl } from './native-c';
import { describe, outArg } from './args';
import type { OutParam } from './functions';

export type CURLU = NativeUrl;
export type CURLUcode = number;

/** The Url class itself (curl_url makes one). */
export const Url = cNative.Url;

function urlArg(url: unknown): NativeUrl {
  if (!(url instanceof cNative.Url)) throw new TypeError(`Expected a CURLU handle (from curl_url) but received ${describe(url)}`);
  return url;
}

export function curl_url(): CURLU {
  return new cNative.Url();
}

/**
 * After curl_url_cleanup the handle answers CURLUE_BAD_HANDLE; its memory goes with the
 * object, because an easy handle that has it as CURLOPT_CURLU may still read it.
 */
export function curl_url_cleanup(url: CURLU | null): void {
  if (url === null || url === undefined) return;
  urlArg(url).cleanup();
}

export function curl_url_dup(url: CURLU): CURLU | null {
  return urlArg(url).dup();
}

/** `part` null clears that part, as a NULL pointer does in C. */
export function curl_url_set(url: CURLU, what: number, part: string | null, flags: number): CURLUcode {
  return urlArg(url).set(what, part, flags);
}

/** The part goes to `part.value` (a string; C's caller frees it, here nobody needs to). */
export function curl_url_get(url: CURLU, what: number, part: OutParam<string | null>, flags: number): CURLUcode {
  const out = outArg(part, 'curl_url_get', 'part', true) as OutParam<string | null>;
  const [code, value] = urlArg(url).get(what, flags);
  if (value !== undefined) out.value = value;
  return code;
}
