// CookieJar: SoupCookieJar (libsoup 2.74 soup-cookie-jar.c and soup-cookie.c, RFC 6265).
// Cookies are kept per domain as libsoup keeps them: "host" for a host-only cookie,
// ".example.org" for one with a Domain attribute. A cookie for a public suffix (Domain=.org,
// co.uk, github.io) is refused with libpsl's list (binding/psl), as libsoup and libcurl do; an
// insecure origin can neither set a Secure cookie nor overwrite one (RFC 6265bis, "leave
// secure cookies alone"); the accept policies decide third parties by registrable domain.
import { isIP } from 'node:net';
import type { SessionFeature } from './feature';
import type { Message } from '../message';
import type { Session } from '../session';
import { native } from '../../native';

/** SoupSameSitePolicy. */
export const SameSitePolicy = { NONE: 0, LAX: 1, STRICT: 2 } as const;
export type SameSitePolicyValue = (typeof SameSitePolicy)[keyof typeof SameSitePolicy];

export interface Cookie {
  name: string;
  value: string;
  /** As libsoup keeps it: "host" (host-only) or ".example.org" (from a Domain attribute). */
  domain: string;
  /** No Domain attribute: sent to exactly `domain`. */
  hostOnly: boolean;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  /** ms since the epoch; null for a session cookie. */
  expires: number | null;
  /** SameSite (SameSitePolicy.NONE when absent or not Lax/Strict). */
  sameSitePolicy: SameSitePolicyValue;
}

/** SoupCookieJarAcceptPolicy. */
export const CookieJarAcceptPolicy = { ALWAYS: 0, NEVER: 1, NO_THIRD_PARTY: 2, GRANDFATHERED_THIRD_PARTY: 3 } as const;

export class CookieJar implements SessionFeature {
  /** domain → its cookies in insertion order (libsoup's domains table). */
  readonly #domains = new Map<string, Cookie[]>();
  /** Creation order, for cookies with paths of equal length. */
  readonly #serials = new WeakMap<Cookie, number>();
  #serial = 0;
  #acceptPolicy: number = CookieJarAcceptPolicy.ALWAYS;

  /** SoupCookieJar:accept-policy. */
  get acceptPolicy(): number {
    return this.#acceptPolicy;
  }
  set acceptPolicy(policy: number) {
    if (!Object.values(CookieJarAcceptPolicy).includes(policy as 0)) throw new TypeError(`Expected a CookieJarAcceptPolicy but received ${policy}`);
    this.#acceptPolicy = policy;
  }

  // --- the session's hooks (libsoup: msg_starting_cb, process_set_cookie_header) -----------

  /** The Cookie header of each (re)start, unless the application set its own. */
  prepareRequest(_session: Session, msg: Message, extraHeaders: string[]): void {
    if (this.#domains.size === 0 || msg.requestHeaders.has('Cookie')) return;
    const cookies = this.getCookieListWithSameSiteInfo(msg.uri, msg.firstParty, null, true, isSafe(msg.method), false);
    if (cookies.length > 0) extraHeaders.push(`Cookie: ${cookieHeader(cookies)}`);
  }

  /** Each response's Set-Cookie headers (redirects and authentication rounds too). */
  responseReceived(_session: Session, msg: Message): void {
    if (this.#acceptPolicy === CookieJarAcceptPolicy.NEVER) return;
    const lines = msg.responseHeaders.getList('Set-Cookie');
    if (lines.length === 0) return;
    const uri = msg.uri;
    for (const line of lines) {
      const cookie = parseCookie(line, uri);
      if (cookie !== null) this.addCookieFull(cookie, uri, msg.firstParty);
    }
  }

  // --- setting ------------------------------------------------------------------------------

  /**
   * soup_cookie_jar_set_cookie: one Set-Cookie value as received from `uri`. Under the
   * third-party policies a first party is needed: use setCookieWithFirstParty.
   */
  setCookie(uri: URL | string, setCookie: string): void {
    const u = toUrl(uri);
    if (u.hostname === '' || this.#acceptPolicy === CookieJarAcceptPolicy.NEVER) return;
    if (this.#acceptPolicy === CookieJarAcceptPolicy.NO_THIRD_PARTY || this.#acceptPolicy === CookieJarAcceptPolicy.GRANDFATHERED_THIRD_PARTY) {
      throw new Error('setCookie cannot tell a third party under this accept policy: use setCookieWithFirstParty');
    }
    const cookie = parseCookie(setCookie, u);
    if (cookie !== null) this.addCookieFull(cookie, u, null);
  }

  /** soup_cookie_jar_set_cookie_with_first_party: as received from `uri` for a page of `firstParty`. */
  setCookieWithFirstParty(uri: URL | string, firstParty: URL | string, setCookie: string): void {
    const u = toUrl(uri);
    if (u.hostname === '') return;
    const cookie = parseCookie(setCookie, u);
    if (cookie !== null) this.addCookieFull(cookie, u, toUrl(firstParty));
  }

  /** soup_cookie_jar_add_cookie: `cookie` as it is (no origin, no first party checks). */
  addCookie(cookie: Cookie): void {
    this.addCookieFull(cookie, null, null);
  }

  /** soup_cookie_jar_add_cookie_with_first_party. */
  addCookieWithFirstParty(firstParty: URL | string, cookie: Cookie): void {
    this.addCookieFull(cookie, null, toUrl(firstParty));
  }

  /**
   * soup_cookie_jar_add_cookie_full: adds (or replaces, or with a past expiry deletes)
   * `cookie`, received from `uri` (null: not from the network) for `firstParty` (null: no
   * third-party check).
   */
  addCookieFull(cookie: Cookie, uri: URL | string | null, firstParty: URL | string | null): void {
    cookie = { ...cookie };
    const u = uri === null ? null : toUrl(uri);
    // Never cookies for a public suffix.
    if (!isIpAddress(cookie.domain) && isPublicSuffix(cookie.domain)) return;
    if (firstParty !== null) {
      if (this.#acceptPolicy === CookieJarAcceptPolicy.NEVER || this.#isThirdParty(cookie, toUrl(firstParty))) return;
    }
    const fromInsecure = u !== null && !isHttps(u);
    // A Secure cookie cannot be set over http.
    if (fromInsecure && cookie.secure) return;
    const list = this.#domains.get(cookie.domain) ?? [];
    const i = list.findIndex((c) => c.name === cookie.name && c.path === cookie.path);
    if (i >= 0) {
      // An insecure origin leaves a secure cookie alone.
      if (list[i].secure && fromInsecure) return;
      if (isPast(cookie.expires)) list.splice(i, 1);
      else {
        list[i] = cookie;
        this.#serials.set(cookie, this.#serial++);
      }
      return;
    }
    if (isPast(cookie.expires)) return;
    list.push(cookie);
    this.#serials.set(cookie, this.#serial++);
    this.#domains.set(cookie.domain, list);
  }

  // incoming_cookie_is_third_party: by registrable domain (libpsl); under
  // GRANDFATHERED_THIRD_PARTY a domain already in the jar (visited directly) is let in.
  #isThirdParty(cookie: Cookie, firstParty: URL): boolean {
    const policy = this.#acceptPolicy;
    if (policy !== CookieJarAcceptPolicy.NO_THIRD_PARTY && policy !== CookieJarAcceptPolicy.GRANDFATHERED_THIRD_PARTY) return false;
    const firstHost = hostOf(firstParty);
    if (firstHost === '') return true;
    const normalized = cookie.domain.startsWith('.') ? cookie.domain.slice(1) : cookie.domain;
    const cookieBase = baseDomain(normalized) ?? cookie.domain;
    const firstBase = baseDomain(firstHost) ?? firstHost;
    if (hostMatchesHost(cookieBase, firstBase)) return false;
    if (policy === CookieJarAcceptPolicy.NO_THIRD_PARTY) return true;
    return (this.#domains.get(cookie.domain)?.length ?? 0) === 0;
  }

  // --- getting ------------------------------------------------------------------------------

  /** soup_cookie_jar_get_cookies: the Cookie header value for `uri`, or null. */
  getCookies(uri: URL | string, forHttp = true): string | null {
    const cookies = this.getCookieList(uri, forHttp);
    return cookies.length === 0 ? null : cookieHeader(cookies);
  }

  /** soup_cookie_jar_get_cookie_list: the cookies for `uri` (copies), longest path first. */
  getCookieList(uri: URL | string, forHttp = true): Cookie[] {
    return this.#get(toUrl(uri), null, null, true, forHttp, false);
  }

  /**
   * soup_cookie_jar_get_cookie_list_with_same_site_info: as getCookieList, SameSite Lax and
   * Strict cookies only for a request from their own site: `topLevel` is the first party
   * (null: no check), `siteForCookies` the site the request is made for.
   */
  getCookieListWithSameSiteInfo(uri: URL | string, topLevel: URL | string | null, siteForCookies: URL | string | null, forHttp: boolean, isSafeMethod: boolean, isTopLevelNavigation: boolean): Cookie[] {
    return this.#get(toUrl(uri), topLevel === null ? null : toUrl(topLevel), siteForCookies === null ? null : toUrl(siteForCookies), isSafeMethod, forHttp, isTopLevelNavigation);
  }

  // get_cookies: the cookies of ".www.foo.com", "www.foo.com", ".foo.com" and ".com" (in
  // that order, as Mozilla), expired ones dropped on the way.
  #get(uri: URL, topLevel: URL | null, siteForCookies: URL | null, isSafeMethod: boolean, forHttp: boolean, isTopLevelNavigation: boolean): Cookie[] {
    const host = hostOf(uri);
    if (host === '' || this.#domains.size === 0) return [];
    const out: Cookie[] = [];
    const keys = [`.${host}`, host];
    for (let i = host.indexOf('.', 1); i >= 0; i = host.indexOf('.', i + 1)) keys.push(host.slice(i));
    for (const key of keys) {
      const list = this.#domains.get(key);
      if (list === undefined) continue;
      for (let i = 0; i < list.length; i++) {
        const cookie = list[i];
        if (isPast(cookie.expires)) {
          list.splice(i--, 1);
          continue;
        }
        if (appliesToUri(cookie, uri) && sameSiteAllows(cookie, isSafeMethod, uri, topLevel, siteForCookies, isTopLevelNavigation, forHttp) && (forHttp || !cookie.httpOnly)) out.push(cookie);
      }
    }
    out.sort((a, b) => b.path.length - a.path.length || (this.#serials.get(a) ?? 0) - (this.#serials.get(b) ?? 0));
    return out.map((c) => ({ ...c }));
  }

  /** soup_cookie_jar_all_cookies (copies). */
  allCookies(): Cookie[] {
    const out: Cookie[] = [];
    for (const list of this.#domains.values()) for (const c of list) if (!isPast(c.expires)) out.push({ ...c });
    return out;
  }

  /** soup_cookie_jar_delete_cookie: the cookie of that domain, path and name. */
  deleteCookie(cookie: Pick<Cookie, 'name' | 'domain' | 'path'>): void {
    const list = this.#domains.get(cookie.domain);
    if (list === undefined) return;
    const i = list.findIndex((c) => c.name === cookie.name && c.path === cookie.path);
    if (i >= 0) list.splice(i, 1);
  }
}

// --- soup-cookie.c ----------------------------------------------------------------------------

/**
 * soup_cookie_parse: one Set-Cookie value as received from `origin` (null: none, the path
 * defaults to "/"). null when it is not a cookie `origin` may set (its Domain does not match).
 */
export function parseCookie(header: string, origin: URL | null): Cookie | null {
  if (typeof header !== 'string') throw new TypeError('Expected a string for the Set-Cookie value');
  let p = 0;
  const attrEnder = (c: string | undefined) => c === undefined || c < ' ' || c === ';' || c === ',' || c === '=';
  const valueEnder = (c: string | undefined) => c === undefined || c < ' ' || c === ';';
  const skipLws = (i: number) => {
    while (i < header.length && /\s/.test(header[i])) i++;
    return i;
  };
  const parseValue = (): string => {
    if (header[p] === '=') p++;
    const start = skipLws(p);
    for (p = start; !valueEnder(header[p]); p++);
    return header.slice(start, p).trimEnd();
  };
  const cookie: Cookie = { name: '', value: '', domain: '', hostOnly: true, path: '', secure: false, httpOnly: false, expires: null, sameSitePolicy: SameSitePolicy.NONE };
  let domain: string | null = null;
  let path: string | null = null;
  const start = skipLws(0);
  for (p = start; !attrEnder(header[p]); p++);
  if (header[p] === '=') cookie.name = header.slice(start, p).trimEnd();
  else p = start; // no name: the whole is the value
  cookie.value = parseValue();
  while (header[p] === ';') {
    const s = skipLws(p + 1);
    for (p = s; !attrEnder(header[p]); p++);
    const name = header.slice(s, p).trimEnd().toLowerCase();
    const hasValue = header[p] === '=';
    if (name === 'domain' && hasValue) {
      domain = parseValue() || null;
    } else if (name === 'expires' && hasValue) {
      const t = Date.parse(parseValue());
      cookie.expires = Number.isNaN(t) ? null : t;
    } else if (name === 'httponly') {
      cookie.httpOnly = true;
      if (hasValue) parseValue();
    } else if (name === 'max-age' && hasValue) {
      const v = parseValue();
      if (/^[+-]?\d+$/.test(v)) {
        const maxAge = Math.max(0, Number(v));
        // soup_cookie_set_max_age: 0 is a date far in the past (clock skew).
        cookie.expires = maxAge === 0 ? 0 : Date.now() + maxAge * 1000;
      }
    } else if (name === 'path' && hasValue) {
      const v = parseValue();
      path = v.startsWith('/') ? v : null;
    } else if (name === 'secure') {
      cookie.secure = true;
      if (hasValue) parseValue();
    } else if (name === 'samesite') {
      if (hasValue) {
        const v = parseValue().toLowerCase();
        // "None" is the default; unknown values are ignored (the latest draft).
        if (v === 'lax') cookie.sameSitePolicy = SameSitePolicy.LAX;
        else if (v === 'strict') cookie.sameSitePolicy = SameSitePolicy.STRICT;
      }
    } else if (hasValue) {
      parseValue();
    }
  }
  if (domain !== null) {
    // A Domain needs a dot past its first character; not an IP: a leading dot is added.
    if (!domain.slice(1).includes('.')) return null;
    if (!isIpAddress(domain) && !domain.startsWith('.')) domain = `.${domain}`;
    domain = domain.toLowerCase();
  }
  if (origin !== null) {
    const host = hostOf(origin);
    if (host === '') return null;
    if (domain !== null) {
      if (!hostMatchesHost(domain, host)) return null;
    } else domain = host;
    if (path === null) {
      const pathname = origin.pathname;
      const slash = pathname.lastIndexOf('/');
      path = slash <= 0 ? '/' : pathname.slice(0, slash);
    }
  } else if (path === null) {
    path = '/';
  }
  cookie.domain = domain ?? '';
  cookie.hostOnly = !cookie.domain.startsWith('.');
  cookie.path = path;
  return cookie;
}

/** soup_cookies_to_cookie_header. */
export function cookieHeader(cookies: readonly Cookie[]): string {
  return cookies.map((c) => (c.name === '' ? c.value : `${c.name}=${c.value}`)).join('; ');
}

// soup_cookie_applies_to_uri.
function appliesToUri(cookie: Cookie, uri: URL): boolean {
  if (cookie.secure && !isHttps(uri)) return false;
  if (isPast(cookie.expires)) return false;
  const cp = cookie.path;
  if (cp === '') return true;
  const path = uri.pathname;
  if (!path.startsWith(cp)) return false;
  return cp.endsWith('/') || path.length === cp.length || path[cp.length] === '/';
}

// cookie_is_valid_for_same_site_policy.
function sameSiteAllows(cookie: Cookie, isSafeMethod: boolean, uri: URL, topLevel: URL | null, siteForCookies: URL | null, isTopLevelNavigation: boolean, forHttp: boolean): boolean {
  const policy = cookie.sameSitePolicy;
  if (policy === SameSitePolicy.NONE || topLevel === null) return true;
  if (policy === SameSitePolicy.LAX && isTopLevelNavigation && (isSafeMethod || !forHttp)) return true;
  if (isTopLevelNavigation && siteForCookies === null) return false;
  return hostMatchesHost(hostOf(siteForCookies ?? topLevel), hostOf(uri));
}

// soup_host_matches_host: equal, or `host` is ".domain" and `compareWith` is it or under it.
function hostMatchesHost(host: string, compareWith: string): boolean {
  host = host.toLowerCase();
  compareWith = compareWith.toLowerCase();
  if (host === compareWith) return true;
  if (!host.startsWith('.')) return false;
  return host.slice(1) === compareWith || compareWith.endsWith(host);
}

// soup_tld_get_base_domain: the registrable domain, or null (an IP address, a public
// suffix, a name with no base domain).
function baseDomain(hostname: string): string | null {
  if (hostname === '' || hostname.startsWith('.') || isIpAddress(hostname)) return null;
  return native.pslRegistrableDomain(hostname) as string | null;
}

// soup_tld_domain_is_public_suffix (libpsl, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE).
function isPublicSuffix(domain: string): boolean {
  if (domain === '' || domain === '.') return true;
  return native.pslIsPublicSuffix(domain.toLowerCase()) as boolean;
}

function isIpAddress(host: string): boolean {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIP(h) !== 0;
}

/** The host as libsoup has it: lower case, IPv6 without brackets. */
function hostOf(uri: URL): string {
  const h = uri.hostname.toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

function isHttps(uri: URL): boolean {
  return uri.protocol === 'https:' || uri.protocol === 'wss:';
}

function isPast(expires: number | null): boolean {
  return expires !== null && expires <= Date.now();
}

// SOUP_METHOD_IS_SAFE.
function isSafe(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || method === 'PROPFIND' || method === 'TRACE';
}

function toUrl(uri: URL | string): URL {
  if (uri instanceof URL) return uri;
  if (typeof uri !== 'string') throw new TypeError(`Expected a string or URL but received ${typeof uri}`);
  return new URL(uri);
}
