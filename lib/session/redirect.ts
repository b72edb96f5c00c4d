// libsoup 2.74's redirect rules (soup-session.c: SOUP_SESSION_WOULD_REDIRECT_AS_GET / _AS_SAFE,
// redirection_uri, soup_session_redirect_message), as pure functions of a message; the
// session's redirect handler and wouldRedirect / redirectMessage use them.
import type { Message } from './message';

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
