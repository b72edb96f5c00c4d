// Status codes as libsoup has them: transport failures (1..10) next to HTTP's own codes,
// and the one table that turns a CURLcode into a transport status.
import { STATUS_CODES } from 'node:http';
import {
  CURLE_ABORTED_BY_CALLBACK,
  CURLE_AGAIN,
  CURLE_BAD_CONTENT_ENCODING,
  CURLE_COULDNT_CONNECT,
  CURLE_COULDNT_RESOLVE_HOST,
  CURLE_COULDNT_RESOLVE_PROXY,
  CURLE_GOT_NOTHING,
  CURLE_HTTP2,
  CURLE_HTTP2_STREAM,
  CURLE_OK,
  CURLE_OPERATION_TIMEDOUT,
  CURLE_PARTIAL_FILE,
  CURLE_PEER_FAILED_VERIFICATION,
  CURLE_PROXY,
  CURLE_READ_ERROR,
  CURLE_RECV_ERROR,
  CURLE_SEND_ERROR,
  CURLE_SSL_CACERT_BADFILE,
  CURLE_SSL_CERTPROBLEM,
  CURLE_SSL_CIPHER,
  CURLE_SSL_CONNECT_ERROR,
  CURLE_TOO_MANY_REDIRECTS,
  CURLE_UNSUPPORTED_PROTOCOL,
  CURLE_URL_MALFORMAT,
  CURLE_WEIRD_SERVER_REPLY,
  CURLE_WRITE_ERROR,
} from '../libcurl/constants.generated';

/** SoupStatus: libsoup's transport codes (1..10) and the HTTP status codes. */
export const Status = {
  NONE: 0,
  // Transport errors (libsoup 2.x SOUP_STATUS_*)
  CANCELLED: 1,
  CANT_RESOLVE: 2,
  CANT_RESOLVE_PROXY: 3,
  CANT_CONNECT: 4,
  CANT_CONNECT_PROXY: 5,
  SSL_FAILED: 6,
  IO_ERROR: 7,
  MALFORMED: 8,
  TRY_AGAIN: 9,
  TOO_MANY_REDIRECTS: 10,
  // HTTP
  CONTINUE: 100,
  SWITCHING_PROTOCOLS: 101,
  PROCESSING: 102,
  OK: 200,
  CREATED: 201,
  ACCEPTED: 202,
  NON_AUTHORITATIVE: 203,
  NO_CONTENT: 204,
  RESET_CONTENT: 205,
  PARTIAL_CONTENT: 206,
  MULTI_STATUS: 207,
  MULTIPLE_CHOICES: 300,
  MOVED_PERMANENTLY: 301,
  FOUND: 302,
  SEE_OTHER: 303,
  NOT_MODIFIED: 304,
  USE_PROXY: 305,
  TEMPORARY_REDIRECT: 307,
  PERMANENT_REDIRECT: 308,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  PAYMENT_REQUIRED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  PROXY_AUTHENTICATION_REQUIRED: 407,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  GONE: 410,
  LENGTH_REQUIRED: 411,
  PRECONDITION_FAILED: 412,
  REQUEST_ENTITY_TOO_LARGE: 413,
  REQUEST_URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  REQUESTED_RANGE_NOT_SATISFIABLE: 416,
  EXPECTATION_FAILED: 417,
  UNPROCESSABLE_ENTITY: 422,
  LOCKED: 423,
  FAILED_DEPENDENCY: 424,
  INTERNAL_SERVER_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  BAD_GATEWAY: 502,
  SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
  HTTP_VERSION_NOT_SUPPORTED: 505,
  INSUFFICIENT_STORAGE: 507,
  NOT_EXTENDED: 510,
} as const;

export type StatusCode = number;

/** SOUP_STATUS_IS_TRANSPORT_ERROR. */
export function statusIsTransportError(status: number): boolean {
  return status > 0 && status < 100;
}

/**
 * The transport status for a failed transfer's CURLcode (CURLE_OK gives Status.NONE: the
 * HTTP status then comes from the response). `viaProxy` tells connect failures to the
 * proxy (CANT_CONNECT_PROXY) from those to the origin.
 */
export function statusForCurlCode(code: number, viaProxy = false): number {
  switch (code) {
    case CURLE_OK:
      return Status.NONE;
    case CURLE_COULDNT_RESOLVE_HOST:
      return Status.CANT_RESOLVE;
    case CURLE_COULDNT_RESOLVE_PROXY:
      return Status.CANT_RESOLVE_PROXY;
    case CURLE_COULDNT_CONNECT:
      return viaProxy ? Status.CANT_CONNECT_PROXY : Status.CANT_CONNECT;
    case CURLE_PROXY:
      return Status.CANT_CONNECT_PROXY;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      return Status.SSL_FAILED;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
      return Status.MALFORMED;
    case CURLE_TOO_MANY_REDIRECTS:
      return Status.TOO_MANY_REDIRECTS;
    case CURLE_AGAIN:
      return Status.TRY_AGAIN;
    case CURLE_ABORTED_BY_CALLBACK:
      return Status.CANCELLED;
    // What libsoup reports for a connection that fails after it was made, a timeout
    // included (G_IO_ERROR_TIMED_OUT → SOUP_STATUS_IO_ERROR).
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_READ_ERROR:
    case CURLE_WRITE_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    default:
      return Status.IO_ERROR;
  }
}

const phrases: Record<number, string> = {
  1: 'Cancelled',
  2: 'Cannot resolve hostname',
  3: 'Cannot resolve proxy hostname',
  4: 'Cannot connect to destination',
  5: 'Cannot connect to proxy',
  6: 'SSL handshake failed',
  7: 'Connection terminated unexpectedly',
  8: 'Message Corrupt',
  9: 'Try again',
  10: 'Too many redirects',
};

/** soup_status_get_phrase for the transport codes; HTTP codes take Node's table. */
export function statusPhrase(status: number): string {
  if (status in phrases) return phrases[status];
  return STATUS_CODES[status] ?? 'Unknown Error';
}
