// libsoup 2.74's redirect rules (soup-session.c: SOUP_SESSION_WOULD_REDIRECT_AS_GET / _AS_SAFE,
// redirection_uri, soup_session_redirect_message), as pure functions of a message; the
// session's redirect handler and wouldRedirect / redirectMessage use them; and libsoup's
// redirect handler itself, which Session runs at got-body.
import { kFlags, MessageFlags, type Message } from './message';

/** SOUP_METHOD_IS_SAFE (soup-misc-private.h). */
export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || method === 'PROPFIND' || method === 'TRACE';
}

/** SOUP_SESSION_WOULD_REDIRECT_AS_GET: 303; 302 with a method that is not safe; 301 with POST. */
export function wouldRedirectAsGet(status: number, method: string): boolean {
  return status === 303 || (status === 302 && !isSafeMethod(method)) || (status === 301 && method === 'POST');
}

/** SOUP_SESSION_WOULD_REDIRECT_AS_SAFE: 301, 302, 307, 308 with a safe method (sent again as it is). */
export function wouldRedirectAsSafe(status: number, method: string): boolean {
  return (status === 301 || status === 302 || status === 307 || status === 308) && isSafeMethod(method);
}

/** SOUP_STATUS_IS_REDIRECTION. */
export function isRedirection(status: number): boolean {
  return status >= 300 && status < 400;
}

/**
 * redirection_uri: the Location header resolved against the message's URI; null when there
 * is none, it does not parse, or it has no host (javascript:, mailto:, tel:, urn:).
 * Stricter than libsoup where a server could abuse it: two Location headers that disagree
 * are no target, and user:pass@ is dropped (libcurl's CURLOPT_FOLLOWLOCATION does the same),
 * so a server cannot choose an Authorization header for the next request.
 */
export function redirectionUri(msg: Message): URL | null {
  const locations = msg.responseHeaders.getList('Location');
  if (locations.length === 0) return null;
  const location = locations[0];
  for (let i = 1; i < locations.length; i++) if (locations[i] !== location) return null;
  if (/[\0\t\r\n]/.test(location)) return null;
  let target: URL;
  try {
    target = new URL(location, msg.uri);
  } catch {
    return null;
  }
  if (target.host === '') return null;
  if (target.username !== '' || target.password !== '') {
    target.username = '';
    target.password = '';
  }
  return target;
}

/**
 * soup_session_redirect_message's change to the message: GET without a body where the
 * status says so (HEAD stays HEAD), then the new URI. Credentials and cookies set by hand are
 * for the origin they were given to: dropped when the origin changes (libsoup leaves this
 * to its auth manager and cookie jar, which work per origin anyway).
 */
export function applyRedirect(msg: Message, uri: URL): void {
  if (wouldRedirectAsGet(msg.statusCode, msg.method)) {
    if (msg.method !== 'HEAD') msg.method = 'GET';
    msg.requestBody = null;
    msg.requestHeaders.remove('Content-Type');
    msg.requestHeaders.remove('Content-Length');
  }
  if (originOf(uri) !== originOf(msg.uri)) {
    msg.requestHeaders.remove('Authorization');
    msg.requestHeaders.remove('Cookie');
    msg.requestHeaders.remove('Proxy-Authorization');
  }
  msg.uri = uri;
}

/** scheme://host:port, also for aliases such as dav:// whose URL.origin is the opaque "null". */
export function originOf(uri: URL): string {
  return `${uri.protocol}//${uri.host}`;
}

/**
 * Where the message would go: the target of a redirect libsoup 2.74 follows by itself
 * (301/302/303/307/308, as GET or as a safe method) to a scheme the session `speaks`.
 */
export function wouldRedirectTo(msg: Message, speaks: (uri: URL) => boolean): URL | null {
  const status = msg.statusCode;
  const method = msg.method;
  if (!wouldRedirectAsGet(status, method) && !wouldRedirectAsSafe(status, method)) return null;
  const uri = redirectionUri(msg);
  return uri === null || !speaks(uri) ? null : uri;
}

/**
 * libsoup's redirect_handler at got-body: 'follow' (msg now points at the target), or
 * 'malformed' for a Location that is no URI with a host (libsoup's "Invalid Redirect
 * URL"), or 'none': the response stays as it is.
 */
export function redirectHandler(msg: Message, speaks: (uri: URL) => boolean): 'follow' | 'malformed' | 'none' {
  // libsoup's handler runs for a Location on any status (a 201 with a bad one would end
  // MALFORMED); here only 3xx responses are looked at: the status is known without parsing
  // the headers, which a 2xx then never needs (a quarter of a plain GET's cost).
  if (!isRedirection(msg.statusCode) || (msg[kFlags] & MessageFlags.NO_REDIRECT) !== 0 || !msg.responseHeaders.has('Location')) return 'none';
  const uri = wouldRedirectTo(msg, speaks);
  if (uri === null) return redirectionUri(msg) === null ? 'malformed' : 'none';
  // A streamed body cannot be sent again: the application decides (redirectMessage).
  const body = msg.requestBody;
  if (body !== null && !Buffer.isBuffer(body) && !wouldRedirectAsGet(msg.statusCode, msg.method)) return 'none';
  applyRedirect(msg, uri);
  return 'follow';
}
