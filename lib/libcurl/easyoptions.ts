// curl_easy_option_by_name / by_id / next: libcurl's own table of easy options.
import { cNative, type CurlEasyOption } from './native-c';

export type { CurlEasyOption as curl_easyoption };

/** The option called `name` (without CURLOPT_, any case), or null. */
export function curl_easy_option_by_name(name: string): CurlEasyOption | null {
  return cNative.curl_easy_option_by_name(name);
}

/** The option with this CURLOPT_* id (not an alias), or null. */
export function curl_easy_option_by_id(id: number): CurlEasyOption | null {
  return cNative.curl_easy_option_by_id(id);
}

/** The option after `prev` (null: the first), or null at the end of the table. */
export function curl_easy_option_next(prev: CurlEasyOption | null): CurlEasyOption | null {
  return cNative.curl_easy_option_next(prev);
}
