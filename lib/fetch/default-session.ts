// The Session that fetch() and request() use unless they are given one: HTTP/2 over TLS
// (the Session's default), connections reused across calls, and connection limits a Node
// user expects rather than libsoup's 2 per host (Node's Agent and undici's Pool have none).
import { Session } from '../session/session';

/** The limits of the default session: per host as many as undici's fetch would open in practice. */
export const DEFAULT_MAX_CONNS = 256;
export const DEFAULT_MAX_CONNS_PER_HOST = 64;

let defaultSession: Session | null = null;

/**
 * The Session that `fetch` and `request` use when no `session` is given, made on first use.
 * It idles without keeping the process alive.
 *
 * @example
 * ```ts
 * import { getDefaultSession } from 'curlio';
 * getDefaultSession().sslCaFile = '/etc/my-ca.pem';   // every later fetch() trusts this CA
 * ```
 */
export function getDefaultSession(): Session {
  if (defaultSession === null) {
    defaultSession = new Session({ maxConns: DEFAULT_MAX_CONNS, maxConnsPerHost: DEFAULT_MAX_CONNS_PER_HOST, userAgent: 'node ' });
  }
  return defaultSession;
}

/**
 * Replaces the default Session (the previous one is left open: close it yourself), or with
 * `null` drops it so the next call makes a fresh one.
 *
 * @example
 * ```ts
 * import { Session, setDefaultSession } from 'curlio';
 * setDefaultSession(new Session({ maxConns: 32, maxConnsPerHost: 8, deadline: 30 }));
 * ```
 */
export function setDefaultSession(session: Session | null): void {
  if (session !== null && !(session instanceof Session)) throw new TypeError('Expected a Session or null for session');
  defaultSession = session;
}
