// CookieJar: SoupCookieJar — cookies from Set-Cookie kept per session (domain, path,
// Secure, HttpOnly, Expires / Max-Age) and sent back as one Cookie header.
import type { SessionFeature } from './feature';
import type { Message } from '../message';
import type { Session } from '../session';

export interface Cookie {
  name: string;
  value: string;
  domain: string;
  /** false: exactly `domain` (no Domain attribute was given). */
  hostOnly: boolean;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  /** ms since the epoch; null for a session cookie. */
  expires: number | null;
}

/** SoupCookieJarAcceptPolicy. */
export const CookieJarAcceptPolicy = { ALWAYS: 0, NEVER: 1, NO_THIRD_PARTY: 2 } as const;

export class CookieJar implements SessionFeature {
  #cookies: Cookie[] = [];
  acceptPolicy: number = CookieJarAcceptPolicy.ALWAYS;

  prepareRequest(_session: Session, msg: Message, extraHeaders: string[]): void {
    if (msg.requestHeaders.has('Cookie')) return;
    const header = this.getCookies(msg.uri, true);
    if (header !== null) extraHeaders.push(`Cookie: ${header}`);
  }

  responseReceived(_session: Session, msg: Message): void {
    if (this.acceptPolicy === CookieJarAcceptPolicy.NEVER) return;
    if (this.acceptPolicy === CookieJarAcceptPolicy.NO_THIRD_PARTY && msg.firstParty !== null && !sameSite(msg.firstParty, msg.uri)) return;
    for (const line of msg.responseHeaders.getList('Set-Cookie')) this.setCookie(msg.uri, line);
  }

  /** soup_cookie_jar_set_cookie: one Set-Cookie value, as received from `uri`. */
  setCookie(uri: URL | string, setCookie: string): void {
    const u = typeof uri === 'string' ? new URL(uri) : uri;
    const cookie = parseSetCookie(u, setCookie);
    if (cookie === null) return;
    this.#cookies = this.#cookies.filter((c) => !(c.name === cookie.name && c.domain === cookie.domain && c.path === cookie.path));
    if (cookie.expires === null || cookie.expires > Date.now()) this.#cookies.push(cookie);
  }

  /** soup_cookie_jar_get_cookies: the Cookie header value for `uri`, or null. */
  getCookies(uri: URL | string, forHttp = true): string | null {
    if (this.#cookies.length === 0) return null;
    const u = typeof uri === 'string' ? new URL(uri) : uri;
    const now = Date.now();
    const host = u.hostname.toLowerCase();
    const secure = u.protocol === 'https:';
    const matching = this.#cookies
      .filter((c) => (c.expires === null || c.expires > now) && (!c.secure || secure) && (forHttp || !c.httpOnly))
      .filter((c) => (c.hostOnly ? host === c.domain : host === c.domain || host.endsWith('.' + c.domain)))
      .filter((c) => pathMatches(u.pathname, c.path))
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length === 0 ? null : matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  /** soup_cookie_jar_all_cookies. */
  allCookies(): Cookie[] {
    const now = Date.now();
    return this.#cookies.filter((c) => c.expires === null || c.expires > now).map((c) => ({ ...c }));
  }

  /** soup_cookie_jar_delete_cookie (by name, domain and path). */
  deleteCookie(cookie: Pick<Cookie, 'name' | 'domain' | 'path'>): void {
    this.#cookies = this.#cookies.filter((c) => !(c.name === cookie.name && c.domain === cookie.domain && c.path === cookie.path));
  }
}

function parseSetCookie(uri: URL, line: string): Cookie | null {
  const parts = line.split(';');
  const first = parts[0];
  const eq = first.indexOf('=');
  if (eq <= 0) return null;
  const host = uri.hostname.toLowerCase();
  const cookie: Cookie = {
    name: first.slice(0, eq).trim(),
    value: first.slice(eq + 1).trim(),
    domain: host,
    hostOnly: true,
    path: defaultPath(uri.pathname),
    secure: false,
    httpOnly: false,
    expires: null,
  };
  for (const attr of parts.slice(1)) {
    const i = attr.indexOf('=');
    const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
    const value = i < 0 ? '' : attr.slice(i + 1).trim();
    if (key === 'domain' && value !== '') {
      const domain = value.replace(/^\./, '').toLowerCase();
      // A host may set cookies for itself and its parents, not for others.
      if (host !== domain && !host.endsWith('.' + domain)) return null;
      cookie.domain = domain;
      cookie.hostOnly = false;
    } else if (key === 'path' && value.startsWith('/')) cookie.path = value;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'max-age' && /^-?\d+$/.test(value)) cookie.expires = Date.now() + Number(value) * 1000;
    else if (key === 'expires' && cookie.expires === null) {
      const t = Date.parse(value);
      if (!Number.isNaN(t)) cookie.expires = t;
    }
  }
  return cookie;
}

function defaultPath(pathname: string): string {
  const i = pathname.lastIndexOf('/');
  return i <= 0 ? '/' : pathname.slice(0, i);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

function sameSite(a: URL, b: URL): boolean {
  const base = (h: string) => h.split('.').slice(-2).join('.');
  return base(a.hostname) === base(b.hostname);
}
