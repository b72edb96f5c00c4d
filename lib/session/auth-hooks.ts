// The two moments the Session hands to its authentication feature, as libsoup's
// SoupAuthManager connects to them (soup-auth-manager.c: "request_started", and the
// got_headers handlers for 401 and 407). Session keeps no authentication logic of its own:
// it calls these on its AuthManager (features/auth-manager.ts), which a subclass may override.
import type { Message } from './message';

/** Credentials libcurl answers a challenge with itself (CURLOPT_HTTPAUTH, USERNAME, PASSWORD). */
export interface CurlCredentials {
  curlAuth: number;
  username: string;
  password: string;
}

/** What requestStarted may hand back: credentials for libcurl to use, for the server and the proxy. */
export interface RequestCredentials {
  auth: CurlCredentials | null;
  proxyAuth: CurlCredentials | null;
}

export interface AuthHooks {
  /**
   * Each start and restart of `msg` (redirects, requeues and authentication rounds included),
   * before its request is built: set or remove Authorization / Proxy-Authorization on
   * msg.requestHeaders, or return credentials for libcurl to answer with. `proxy`: the proxy
   * this attempt goes through, or null.
   */
  requestStarted(msg: Message, proxy: string | null): RequestCredentials | null | void;
  /**
   * `msg` got a 401, or a 407 from `proxy` (after got-headers and got-body). true: send it
   * again (a resend, counted against the limit of 20); false: it ends with this response. A
   * Promise (the application answers 'authenticate' later, libsoup's paused message): the
   * message stays queued until it settles (a rejection ends it with this response).
   */
  unauthorized(msg: Message, proxy: string | null): boolean | Promise<boolean>;
  /** Optional: the application unpaused `msg` while unauthorized() was pending for it. */
  unpaused?(msg: Message): void;
}

/** The feature's hooks, when it has both. */
export function authHooksOf(feature: unknown): AuthHooks | null {
  const f = feature as Partial<AuthHooks> | null;
  return f !== null && typeof f.requestStarted === 'function' && typeof f.unauthorized === 'function' ? (f as AuthHooks) : null;
}
