// The small C helpers libcurl exports for its users: curl_getdate, curl_getenv,
// curl_strequal / curl_strnequal, curl_slist_append / curl_slist_free_all. A C curl_slist
// is a JavaScript array of strings here, which every slist option takes.
import { cNative } from './native-c';

/** Seconds since the epoch for a date libcurl can parse (RFC 822, 850, 1123, asctime...), or -1. */
export function curl_getdate(datestring: string, now?: null): number {
  void now; // unused by libcurl too
  return cNative.curl_getdate(datestring);
}

export function curl_getenv(variable: string): string | null {
  return process.env[variable] ?? null;
}

/** Non-zero when equal, ignoring ASCII case (libcurl's own comparison). */
export function curl_strequal(s1: string, s2: string): number {
  return asciiLower(s1) === asciiLower(s2) ? 1 : 0;
}

export function curl_strnequal(s1: string, s2: string, n: number): number {
  return asciiLower(s1.slice(0, n)) === asciiLower(s2.slice(0, n)) ? 1 : 0;
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** Appends `string` to `list` (a new list when null) and returns the list, as C returns its head. */
export function curl_slist_append(list: string[] | null, string: string): string[] {
  if (typeof string !== 'string') throw new TypeError('Expected a string for curl_slist_append');
  const head = list ?? [];
  head.push(string);
  return head;
}

/** Nothing to free: the array is JavaScript's. Kept so that ports read as the C. */
export function curl_slist_free_all(list: string[] | null): void {
  void list;
}
