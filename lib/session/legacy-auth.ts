// Today's authentication behind the two AuthHooks calls, moved here unchanged from
// session.ts: credentials per origin in the AuthManager, the challenge answered by libcurl
// (CURLOPT_HTTPAUTH with the username and password), 'authenticate' emitted for a 401/407.
// It stands in while the AuthManager has no hooks of its own (see auth-hooks.ts); a manager
// that has them replaces this file's work entirely.
import { Auth, parseChallenges, pickChallenge } from './auth';
import type { AuthHooks, CurlCredentials, RequestCredentials } from './auth-hooks';
import type { AuthManager } from './features/auth-manager';
import { kFlags, kItem, MessageFlags, type Message } from './message';
import { originOf } from './redirect';

/** What this stand-in keeps on one queued message (one queue item), across its attempts. */
export interface LegacyAuthState {
  /** The credentials the application answered with, and the origin they were given for. */
  auth: Auth | null;
  authOrigin: string;
  proxyAuth: Auth | null;
  authSent: boolean;
  proxyAuthSent: boolean;
  /** The answer to come, when the application paused the message in 'authenticate'. */
  pending: { auth: Auth; proxy: string | null; resolve: (again: boolean) => void } | null;
}

/** What the session lends this stand-in. */
export interface LegacyAuthHost {
  useNtlm(): boolean;
  isPaused(msg: Message): boolean;
  emitAuthenticate(msg: Message, auth: Auth, retrying: boolean): void;
}

export class LegacyAuth implements AuthHooks {
  constructor(
    readonly manager: AuthManager,
    readonly host: LegacyAuthHost,
  ) {}

  requestStarted(msg: Message, proxy: string | null): RequestCredentials | null {
    const item = msg[kItem] as { legacyAuth: LegacyAuthState | null } | null;
    const state = item === null ? null : item.legacyAuth;
    // What the application answered (for this origin), else what the manager remembers.
    let auth: CurlCredentials | null = null;
    if (state !== null && state.auth !== null && state.auth.isAuthenticated && state.authOrigin === originOf(msg.uri)) {
      auth = credentials(state.auth);
    } else if ((msg[kFlags] & MessageFlags.DO_NOT_USE_AUTH_CACHE) === 0) {
      auth = this.manager.lookup(msg.uri, false) ?? null;
    }
    let proxyAuth: CurlCredentials | null = null;
    if (proxy !== null) {
      if (state !== null && state.proxyAuth !== null && state.proxyAuth.isAuthenticated) proxyAuth = credentials(state.proxyAuth);
      else proxyAuth = this.manager.lookup(proxy, true) ?? null;
    }
    // Nothing sent and nothing known (the common case): no state, no allocation.
    if (auth === null && proxyAuth === null) {
      if (state !== null) state.authSent = state.proxyAuthSent = false;
      return null;
    }
    const s = stateOf(msg);
    s.authSent = auth !== null;
    s.proxyAuthSent = proxyAuth !== null;
    return { auth, proxyAuth };
  }

  unauthorized(msg: Message, proxy: string | null): boolean | Promise<boolean> {
    const state = stateOf(msg);
    const item = msg[kItem];
    const isForProxy = msg.statusCode === 407;
    const challenges = parseChallenges(msg.responseHeaders.getList(isForProxy ? 'Proxy-Authenticate' : 'WWW-Authenticate'));
    const picked = pickChallenge(challenges, this.host.useNtlm());
    if (picked === null) return false;
    const host = isForProxy && proxy !== null ? new URL(proxy).hostname : msg.uri.hostname;
    const auth = new Auth(picked.scheme, picked.challenge.params.realm ?? '', host, isForProxy, picked.challenge.params);
    const retrying = isForProxy ? state.proxyAuthSent : state.authSent;
    if (retrying) this.manager.forget(isForProxy ? (proxy as string) : msg.uri, isForProxy);
    this.host.emitAuthenticate(msg, auth, retrying);
    if (msg[kItem] !== item) return false; // cancelled by the handler
    if (this.host.isPaused(msg) && !auth.isAuthenticated) {
      // The application answers later, then unpauses the message.
      return new Promise((resolve) => (state.pending = { auth, proxy, resolve }));
    }
    return this.#answered(msg, state, auth, proxy);
  }

  unpaused(msg: Message): void {
    const state = stateOf(msg);
    const pending = state.pending;
    if (pending === null) return;
    state.pending = null;
    pending.resolve(this.#answered(msg, state, pending.auth, pending.proxy));
  }

  // After 'authenticate': use the credentials from now on (true), or give up (false).
  #answered(msg: Message, state: LegacyAuthState, auth: Auth, proxy: string | null): boolean {
    if (!auth.isAuthenticated) return false;
    if (auth.isForProxy) state.proxyAuth = auth;
    else {
      state.auth = auth;
      state.authOrigin = originOf(msg.uri);
    }
    this.manager.useAuth(auth.isForProxy ? (proxy as string) : msg.uri, auth);
    return true;
  }
}

function credentials(auth: Auth): CurlCredentials {
  return { curlAuth: auth.curlAuth, username: auth.username as string, password: auth.password as string };
}

// The state lives on the message's queue item, so it ends with the queueing (a message sent
// again later starts afresh, as libsoup's does).
function stateOf(msg: Message): LegacyAuthState {
  const item = msg[kItem] as { legacyAuth: LegacyAuthState | null } | null;
  if (item === null) return newState();
  return (item.legacyAuth ??= newState());
}

function newState(): LegacyAuthState {
  return { auth: null, authOrigin: '', proxyAuth: null, authSent: false, proxyAuthSent: false, pending: null };
}
