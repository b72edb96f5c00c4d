// AuthManager: SoupAuthManager — one Auth per protection space, shared by every message that
// goes there. Per host (scheme://host:port) a path map says which realm ("Scheme:realm")
// protects which paths, and the realm's Auth holds the credentials; a credential is never
// sent outside the paths its realm was seen on (Basic: the directory, Digest: its domain).
//
// The session calls two hooks, as libsoup connects to each message's signals:
// - requestStarted(msg, proxy) each time the message is about to be sent (libsoup's
//   "starting"): sets or clears Authorization from the cache, and returns the credentials
//   libcurl must run itself (NTLM, and the proxy's);
// - on a 401/407: gotUnauthorized(session, msg, proxy) (libsoup's got-headers handler: picks
//   the challenge, emits 'authenticate', in which the application may pause the message)
//   then, right away or once unpaused, shouldResend(msg) (libsoup's got-body handler: resend
//   when the Auth is ready, else the message finishes with its 401/407).
import type { SessionFeature, SessionFeatureType } from './feature';
import type { Session } from '../session';
import { Auth, type AuthType } from '../auth';
import { AuthBasic } from '../auth/basic';
import { AuthDigest } from '../auth/digest';
import { AuthNTLM } from '../auth/ntlm';
import { extractChallenge } from '../auth/challenge';
import { PathMap } from '../auth/path-map';
import { kFlags, kItem, MessageFlags, type Message } from '../message';
import type { AuthHooks, CurlCredentials, RequestCredentials } from '../auth-hooks';
import { CURLAUTH_BASIC, CURLAUTH_DIGEST, CURLAUTH_NTLM } from '../../libcurl/constants.generated';

/** @deprecated the name of RequestCredentials before the hooks moved to auth-hooks.ts. */
export type AuthCurlOptions = RequestCredentials;
export type { CurlCredentials };

/** SOUP_SESSION_MAX_RESEND_COUNT: a server that refuses every answer is not asked forever. */
const MAX_RESENDS = 20;

// SoupAuthHost: the realms of one host.
interface AuthHost {
  /** path → "Scheme:realm". */
  realms: PathMap<string>;
  /** "Scheme:realm" → its Auth. */
  auths: Map<string, Auth>;
}

// What libsoup keeps on the message (soup_message_get_auth / get_proxy_auth).
interface MessageAuth {
  auth: Auth | null;
  /** The host `auth` was for: after a redirect elsewhere it is not this message's any more. */
  origin: string;
  proxyAuth: Auth | null;
  /** Authorization on the request is ours (from a previous round), not the application's. */
  headerIsOurs: boolean;
  resends: number;
}


export class AuthManager implements SessionFeature, AuthHooks {
  readonly #hosts = new Map<string, AuthHost>();
  readonly #proxyAuths = new Map<string, Auth>();
  /** The schemes answered, weakest first (libsoup's auth_types): Basic and Digest by default. */
  readonly #types: AuthType[] = [AuthBasic, AuthDigest];
  readonly #messages = new WeakMap<Message, MessageAuth>();
  /**
   * How many entries #messages may hold (never fewer): while 0, the per-message hooks skip
   * the WeakMap (a lookup hashes the message, on every request of a session without auth).
   */
  #tracked = 0;
  /** Messages paused in 'authenticate': unauthorized()'s answer, given on unpause. */
  readonly #waiting = new WeakMap<Message, (again: boolean) => void>();
  #session: Session | null = null;

  attach(session: Session): void {
    this.#session = session;
  }

  detach(_session: Session): void {
    this.#session = null;
  }

  // --- the auth types as sub-features (soup_session_add_feature_by_type(SOUP_TYPE_AUTH_*)) ---

  /** Whether `type` is an Auth type this manager can take (AuthBasic, AuthDigest, AuthNTLM). */
  static isAuthType(type: SessionFeatureType | Function): type is AuthType {
    return typeof type === 'function' && type.prototype instanceof Auth;
  }

  /** soup_auth_manager_add_feature: answer challenges of `type` too. */
  addFeatureType(type: SessionFeatureType | Function): boolean {
    if (!AuthManager.isAuthType(type)) return false;
    if (!this.#types.includes(type)) {
      this.#types.push(type);
      this.#types.sort((a, b) => a.strength - b.strength);
    }
    return true;
  }

  /** soup_auth_manager_remove_feature: stop answering challenges of `type`. */
  removeFeatureType(type: SessionFeatureType | Function): boolean {
    if (!AuthManager.isAuthType(type)) return false;
    const i = this.#types.indexOf(type);
    if (i < 0) return false;
    this.#types.splice(i, 1);
    return true;
  }

  /** soup_auth_manager_has_feature. */
  hasFeatureType(type: SessionFeatureType | Function): boolean {
    return AuthManager.isAuthType(type) && this.#types.includes(type);
  }

  // --- the public API ---------------------------------------------------------------------

  /**
   * soup_auth_manager_use_auth: use `auth` under `uri` from now on, as though `uri` had
   * answered with its challenge (Basic or NTLM: Digest needs the server's nonce first).
   */
  useAuth(uri: URL | string, auth: Auth): void {
    if (!(auth instanceof Auth)) throw new TypeError('Expected an Auth for auth');
    this.#record(typeof uri === 'string' ? new URL(uri) : uri, auth, false);
  }

  /** soup_auth_manager_clear_cached_credentials. */
  clearCachedCredentials(): void {
    this.#hosts.clear();
    this.#proxyAuths.clear();
  }

  // --- the session's hooks ------------------------------------------------------------------

  requestUnqueued(_session: Session, msg: Message): void {
    if (this.#tracked > 0 && this.#messages.delete(msg)) this.#tracked--;
  }

  /**
   * auth_msg_starting: `msg` is about to be sent (first time or again). Puts the cached
   * credentials of its protection space on it (Authorization, or libcurl's for NTLM and the
   * proxy), or takes off ours from an earlier round.
   */
  requestStarted(msg: Message, proxy: string | null): RequestCredentials | null {
    let state = this.#tracked === 0 ? undefined : this.#messages.get(msg);
    if (state === undefined) {
      // Nothing cached and no earlier round of this message: nothing to do (the common case).
      if (this.#hosts.size === 0 && this.#proxyAuths.size === 0) return null;
      state = this.#stateOf(msg);
    }
    if ((msg[kFlags] & MessageFlags.DO_NOT_USE_AUTH_CACHE) !== 0) {
      // Not from the cache: what shouldResend put on the message stays as it is.
      const auth = this.#messageAuth(msg, state);
      return auth === null && state.proxyAuth === null ? null : { auth: curlCredentials(auth, msg), proxyAuth: proxyCredentials(state.proxyAuth, msg) };
    }
    let auth = this.#lookup(msg, state);
    if (auth !== null) {
      this.#authenticate(auth, msg, false, false);
      if (!auth.isReady(msg)) auth = null;
    }
    state.auth = auth;
    state.origin = originOf(msg.uri);
    this.#updateHeader(msg, state, auth);

    let proxyAuth: Auth | null = null;
    if (proxy !== null) {
      proxyAuth = state.proxyAuth !== null && state.proxyAuth.isReady(msg) ? state.proxyAuth : (this.#proxyAuths.get(proxy) ?? null);
      if (proxyAuth !== null && !proxyAuth.isReady(msg)) proxyAuth = null;
    }
    state.proxyAuth = proxyAuth;
    if (auth === null && proxyAuth === null) return null;
    return { auth: curlCredentials(auth, msg), proxyAuth: proxyCredentials(proxyAuth, msg) };
  }

  /** Each response: Digest's Authentication-Info (nextnonce) reaches the Auth that was used. */
  responseReceived(_session: Session, msg: Message): void {
    if (this.#tracked === 0) return;
    const state = this.#messages.get(msg);
    if (state === undefined) return;
    if (state.auth !== null) state.auth.authenticationInfo(msg);
    if (state.proxyAuth !== null) state.proxyAuth.authenticationInfo(msg);
  }

  /**
   * The session's 401/407 hook (auth-hooks.ts): libsoup's got-headers handler, then its
   * got-body one. true: send again with the credentials; false: finish with this response; a
   * Promise when the application paused the message in 'authenticate' (settled on unpause).
   */
  unauthorized(msg: Message, proxy: string | null): boolean | Promise<boolean> {
    const session = this.#session;
    if (session === null || !this.gotUnauthorized(session, msg, proxy)) return false;
    if ((msg[kItem] as { paused?: boolean } | null)?.paused !== true) return this.shouldResend(msg);
    return new Promise<boolean>((resolve) => this.#waiting.set(msg, resolve));
  }

  /** The application unpaused a message it paused in 'authenticate': decide now. */
  unpaused(msg: Message): void {
    const resolve = this.#waiting.get(msg);
    if (resolve === undefined) return;
    this.#waiting.delete(msg);
    resolve(this.shouldResend(msg));
  }

  /**
   * auth_got_headers / proxy_auth_got_headers: `msg` got a 401 (or, through `proxy`, a 407).
   * Finds the Auth of its protection space (one per realm, shared), and emits 'authenticate'
   * on `session` unless the Auth already has credentials (another message got them) or the
   * URI carries some. false: nothing to answer (no usable challenge); the message finishes.
   */
  gotUnauthorized(session: Session, msg: Message, proxy: string | null): boolean {
    const state = this.#stateOf(msg);
    const noCache = (msg[kFlags] & MessageFlags.DO_NOT_USE_AUTH_CACHE) !== 0;
    if (msg.statusCode === 407) {
      if (proxy === null) return false;
      const prior = state.proxyAuth;
      let priorFailed = false;
      if (prior !== null && this.#check(msg, prior) && !prior.isReady(msg)) priorFailed = true;
      let auth = noCache ? null : (this.#proxyAuths.get(proxy) ?? null);
      if (auth === null) {
        auth = this.#create(session, msg, new URL(proxy).hostname);
        if (auth === null) return false;
        if (!noCache) this.#proxyAuths.set(proxy, auth);
      }
      state.proxyAuth = auth;
      this.#authenticate(auth, msg, priorFailed, true, session);
      return true;
    }
    if (msg.statusCode !== 401) return false;
    const prior = this.#messageAuth(msg, state);
    let auth: Auth | null;
    let priorFailed = false;
    if (prior !== null && this.#check(msg, prior)) {
      auth = prior;
      if (!auth.isReady(msg)) priorFailed = true;
    } else {
      auth = this.#create(session, msg, msg.uri.hostname);
      if (auth === null) {
        // The message may have carried an Auth that this challenge no longer names.
        return prior !== null;
      }
    }
    if (!noCache) auth = this.#record(msg.uri, auth, priorFailed);
    // The URI's own credentials are used (and taken off it) before the application is asked.
    this.#authenticate(auth, msg, priorFailed, false, session);
    state.auth = auth;
    state.origin = originOf(msg.uri);
    return true;
  }

  /**
   * auth_got_body / proxy_auth_got_body: after gotUnauthorized (and after the message was
   * unpaused, if the application paused it): true when the message is to be sent again with
   * credentials, false when it finishes with its 401/407 (nothing given, or the resend limit).
   */
  shouldResend(msg: Message): boolean {
    const state = this.#messages.get(msg);
    if (state === undefined) return false;
    const noCache = (msg[kFlags] & MessageFlags.DO_NOT_USE_AUTH_CACHE) !== 0;
    let ready: boolean;
    if (msg.statusCode === 407) {
      const auth = state.proxyAuth;
      ready = auth !== null && auth.isReady(msg);
    } else {
      const auth = this.#lookup(msg, state);
      ready = auth !== null && auth.isReady(msg);
      // Without the cache, requestStarted leaves the request as it is: the header goes on now.
      if (ready && noCache) {
        state.auth = auth;
        state.origin = originOf(msg.uri);
        this.#updateHeader(msg, state, auth);
      }
    }
    if (!ready) return false;
    if (state.resends >= MAX_RESENDS) return false;
    state.resends++;
    return true;
  }

  // --- libsoup's internals ------------------------------------------------------------------

  // What the message carries (made on its first need: most messages never need it).
  #stateOf(msg: Message): MessageAuth {
    let state = this.#messages.get(msg);
    if (state === undefined) {
      state = { auth: null, origin: '', proxyAuth: null, headerIsOurs: false, resends: 0 };
      this.#messages.set(msg, state);
      this.#tracked++;
    }
    return state;
  }

  // The message's own Auth, while it is still for the host the message goes to.
  #messageAuth(msg: Message, state: MessageAuth): Auth | null {
    return state.auth !== null && state.origin === originOf(msg.uri) ? state.auth : null;
  }

  // lookup_auth: the message's ready Auth, else the cached Auth of its path's realm.
  #lookup(msg: Message, state: MessageAuth): Auth | null {
    const own = this.#messageAuth(msg, state);
    if (own !== null && own.isReady(msg)) return own;
    if ((msg[kFlags] & MessageFlags.DO_NOT_USE_AUTH_CACHE) !== 0) return null;
    const host = this.#hosts.get(originOf(msg.uri));
    if (host === undefined) return null;
    const realm = host.realms.lookup(msg.uri.pathname || '/');
    return realm === undefined ? null : (host.auths.get(realm) ?? null);
  }

  // check_auth: does the new challenge still fit the Auth the message carried (same scheme
  // and realm)? Updating it forgets refused credentials (or takes Digest's stale nonce).
  #check(msg: Message, auth: Auth): boolean {
    const header = challengeHeader(msg);
    const challenge = header === null ? null : extractChallenge(header, auth.scheme);
    if (challenge === null) {
      auth.update(msg, auth.scheme);
      return false;
    }
    return auth.update(msg, challenge);
  }

  // create_auth: the strongest scheme offered that this manager answers.
  #create(session: Session, msg: Message, host: string): Auth | null {
    const header = challengeHeader(msg);
    if (header === null) return null;
    const types = [...this.#types];
    if (session.useNtlm && !types.includes(AuthNTLM)) types.push(AuthNTLM);
    types.sort((a, b) => b.strength - a.strength);
    for (const type of types) {
      const challenge = extractChallenge(header, type.schemeName);
      if (challenge === null) continue;
      const auth = Auth.create(type, msg, challenge, host);
      if (auth !== null) return auth;
    }
    return null;
  }

  // record_auth_for_uri: the Auth's protection space on `uri`'s host now maps to its realm.
  // A realm already known keeps its Auth (it may be authenticated), unless that one failed.
  #record(uri: URL, auth: Auth, priorFailed: boolean): Auth {
    const key = originOf(uri);
    let host = this.#hosts.get(key);
    if (host === undefined) {
      host = { realms: new PathMap(), auths: new Map() };
      this.#hosts.set(key, host);
    }
    const info = auth.info;
    for (const path of auth.getProtectionSpace(uri)) {
      if (host.realms.get(path) === info) continue;
      host.realms.remove(path);
      host.realms.add(path, info);
    }
    const old = host.auths.get(info);
    if (old !== undefined && (old !== auth || !priorFailed)) return old;
    host.auths.set(info, auth);
    return auth;
  }

  // authenticate_auth: credentials from the URI first (taken off it: they are used once),
  // else ask the application when it may be asked and the Auth has none.
  #authenticate(auth: Auth, msg: Message, priorFailed: boolean, isProxy: boolean, session: Session | null = null): void {
    if (!auth.canAuthenticate) return;
    const uri = msg.uri;
    if (!isProxy && uri.username !== '' && uri.password !== '') {
      auth.authenticate(decodeUserinfo(uri.username), decodeUserinfo(uri.password));
      const bare = new URL(uri.href);
      bare.username = '';
      bare.password = '';
      msg.uri = bare;
    } else if (!auth.isAuthenticated && session !== null) {
      session.emit('authenticate', msg, auth, priorFailed);
    }
  }

  // update_authorization_header: our Authorization replaces our earlier one; the
  // application's own header is left alone when the cache has nothing for the message.
  #updateHeader(msg: Message, state: MessageAuth, auth: Auth | null): void {
    const token = auth?.getAuthorization(msg) ?? null;
    if (token !== null) {
      msg.requestHeaders.replace('Authorization', token);
      state.headerIsOurs = true;
    } else if (state.headerIsOurs) {
      msg.requestHeaders.remove('Authorization');
      state.headerIsOurs = false;
    }
  }
}

// URL keeps userinfo percent-encoded; a malformed escape stays as it is.
function decodeUserinfo(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function challengeHeader(msg: Message): string | null {
  const values = msg.responseHeaders.getList(msg.statusCode === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate');
  return values.length === 0 ? null : values.join(', ');
}

// libcurl runs the scheme itself only for NTLM (bound to the connection).
function curlCredentials(auth: Auth | null, msg: Message): CurlCredentials | null {
  if (auth === null || auth.curlAuth === 0 || !auth.isReady(msg)) return null;
  return { curlAuth: auth.curlAuth, username: auth.username as string, password: auth.password as string };
}

// The proxy's credentials go to libcurl (CURLOPT_PROXYAUTH), which also answers a CONNECT's 407.
function proxyCredentials(auth: Auth | null, msg: Message): CurlCredentials | null {
  if (auth === null || !auth.isReady(msg)) return null;
  const curlAuth = auth.scheme === 'Digest' ? CURLAUTH_DIGEST : auth.scheme === 'NTLM' ? CURLAUTH_NTLM : CURLAUTH_BASIC;
  return { curlAuth, username: auth.username as string, password: auth.password as string };
}

/** scheme://host:port, also for aliases such as dav:// whose URL.origin is the opaque "null". */
function originOf(uri: URL): string {
  return `${uri.protocol}//${uri.host}`;
}
