// CurlError: a libcurl failure, in Node's convention for system errors: `code` is the C
// name as a string ('CURLE_COULDNT_CONNECT'), `errno` the number (the CURLcode or CURLMcode).
import { CURLcodeNames, CURLMcodeNames } from './constants.generated';
import { nativeFunctions } from './binding';

export type CurlErrorKind = 'easy' | 'multi';

/**
 * A libcurl failure. As with Node's system errors (`err.code === 'ECONNREFUSED'`), `code`
 * is the string to match on and `errno` the number; `name` is the same C name, so a stack
 * trace starts with it. The message is libcurl's text for the code (curl_easy_strerror),
 * then the detail libcurl wrote in CURLOPT_ERRORBUFFER when there is one (the certificate
 * problem, the address that refused).
 *
 * @example
 * ```ts
 * import { CurlError, Easy, Multi, CURLOPT_URL } from 'curlio/libcurl';
 * try {
 *   await new Multi().perform(new Easy().setopt(CURLOPT_URL, 'http://127.0.0.1:9/'));
 * } catch (err) {
 *   if (err instanceof CurlError && err.code === 'CURLE_COULDNT_CONNECT') console.log(err.errno, err.message); // 7 "Couldn't connect to server: Failed to connect to 127.0.0.1 port 9 ..."
 * }
 * ```
 */
export class CurlError extends Error {
  /** The C name of the code: 'CURLE_COULDNT_CONNECT', 'CURLM_BAD_SOCKET'. */
  readonly code: string;
  /** The CURLcode (kind 'easy') or CURLMcode (kind 'multi') as a number. */
  readonly errno: number;
  readonly kind: CurlErrorKind;
  /** The URL of the transfer that failed, when one is known. */
  url?: string;

  constructor(kind: CurlErrorKind, errno: number, detail?: string, options?: { cause?: unknown; url?: string }) {
    const text = kind === 'easy' ? nativeFunctions.curl_easy_strerror(errno) : nativeFunctions.curl_multi_strerror(errno);
    const message = detail ? `${text}: ${detail}` : text;
    super(options?.url !== undefined ? `${message} (${options.url})` : message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = curlCodeName(kind, errno);
    this.errno = errno;
    this.kind = kind;
    if (options?.url !== undefined) this.url = options.url;
    this.name = this.code;
  }
}

/** The C name of a CURLcode ('easy') or CURLMcode ('multi'): 'CURLE_COULDNT_CONNECT'. */
export function curlCodeName(kind: CurlErrorKind, errno: number): string {
  const names = kind === 'easy' ? CURLcodeNames : CURLMcodeNames;
  return names[errno] ?? (kind === 'easy' ? `CURLE_${errno}` : `CURLM_${errno}`);
}

/** Throws a CurlError of `kind` for a non-zero code; returns the code otherwise. */
export function check(kind: CurlErrorKind, code: number, detail?: string): number {
  if (code !== 0) throw new CurlError(kind, code, detail);
  return code;
}
