// The errors of the front door. One vocabulary for `code`, decided once: libcurl's own names
// ('CURLE_COULDNT_CONNECT', 'CURLE_PEER_FAILED_VERIFICATION'), never a guessed Node errno
// (one CURLcode covers several: CURLE_COULDNT_CONNECT is ECONNREFUSED, EHOSTUNREACH or
// ETIMEDOUT); libcurl's reason text (CURLOPT_ERRORBUFFER) says which. Errors that are not
// libcurl's use Node's codes: 'ABORT_ERR' (cancelled), 'ERR_SESSION_CLOSED'.
import { CurlError } from '../libcurl/errors';
import type { Message } from '../session/message';
import { SessionError } from '../session/session';
import { Status, statusPhrase } from '../session/status';

/**
 * A fetch() network error: a TypeError, as WHATWG fetch requires, with Node's string `code`.
 *
 * @example
 * ```ts
 * try {
 *   await fetch('https://self-signed.example/');
 * } catch (err) {
 *   // err.code: 'CURLE_PEER_FAILED_VERIFICATION'
 *   // err.message: 'fetch failed: SSL peer certificate or SSH remote key was not OK: SSL certificate problem: self-signed certificate (https://self-signed.example/)'
 *   // err.cause: the CurlError (errno 60)
 * }
 * ```
 */
export interface FetchNetworkError extends TypeError {
  /** 'CURLE_COULDNT_CONNECT', 'CURLE_SSL_CACERT', 'ERR_TOO_MANY_REDIRECTS', ... */
  code: string;
  /** The URL that failed. */
  url: string;
  /** The CurlError when libcurl failed (its `errno` is the CURLcode), else what failed. */
  cause?: unknown;
}

/** A TypeError('fetch failed: …') with `code`, `url` and `cause`. */
export function fetchFailed(detail: string, code: string, url: string, cause?: unknown): FetchNetworkError {
  const error = new TypeError(`fetch failed: ${detail} (${url})`, cause !== undefined ? { cause } : undefined) as FetchNetworkError;
  error.code = code;
  error.url = url;
  return error;
}

/**
 * What a message that ended without a usable response failed with: the CurlError when
 * libcurl failed (with libcurl's reason and the URL), else an Error named by the status.
 */
export function transportError(msg: Message, status: number, cause?: unknown): CurlError | (Error & { code: string; url: string }) {
  const curl = msg.error;
  if (curl !== null) return curl;
  // Refused before any transfer (a closed session: 'ERR_SESSION_CLOSED'): that error itself.
  if (cause instanceof Error && !(cause instanceof SessionError) && typeof (cause as { code?: unknown }).code === 'string') {
    return cause as Error & { code: string; url: string };
  }
  if (cause instanceof SessionError && cause.cause instanceof CurlError) return cause.cause;
  const url = msg.uri.href;
  const error = new Error(`${statusPhrase(status) || `status ${status}`} (${url})`, cause !== undefined ? { cause } : undefined) as Error & { code: string; url: string };
  error.code = status === Status.CANCELLED ? 'ABORT_ERR' : status === Status.TOO_MANY_REDIRECTS ? 'ERR_TOO_MANY_REDIRECTS' : 'ERR_SESSION_STATUS';
  error.url = url;
  return error;
}

/** Node's AbortError (code 'ABORT_ERR'), the reason in `cause`, as node:fs and node:events reject. */
export function abortError(reason: unknown): Error & { code: string } {
  const error = new Error('The operation was aborted', { cause: reason }) as Error & { code: string };
  error.name = 'AbortError';
  error.code = 'ABORT_ERR';
  return error;
}
