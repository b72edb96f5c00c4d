// CurlError: a libcurl failure with its code and the code's C name.
import { CURLcodeNames, CURLMcodeNames } from './constants.generated';
import { nativeFunctions } from './binding';

export type CurlErrorKind = 'easy' | 'multi';

export class CurlError extends Error {
  /** The CURLcode (kind 'easy') or CURLMcode (kind 'multi'). */
  readonly code: number;
  readonly kind: CurlErrorKind;

  constructor(kind: CurlErrorKind, code: number, detail?: string, options?: { cause?: unknown }) {
    const names = kind === 'easy' ? CURLcodeNames : CURLMcodeNames;
    const text = kind === 'easy' ? nativeFunctions.curl_easy_strerror(code) : nativeFunctions.curl_multi_strerror(code);
    super(detail ? `${text}: ${detail}` : text, options);
    this.code = code;
    this.kind = kind;
    // Like Node's system errors, the name is what users match on: 'CURLE_COULDNT_CONNECT'.
    this.name = names[code] ?? (kind === 'easy' ? `CURLE_${code}` : `CURLM_${code}`);
  }
}

/** Throws a CurlError of `kind` for a non-zero code; returns the code otherwise. */
export function check(kind: CurlErrorKind, code: number, detail?: string): number {
  if (code !== 0) throw new CurlError(kind, code, detail);
  return code;
}
