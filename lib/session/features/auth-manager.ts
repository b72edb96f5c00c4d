// AuthManager: SoupAuthManager — answers 401/407 challenges through the session's
// 'authenticate' signal and remembers the credentials per origin (or proxy) and realm, so
// later messages to the same place send them from the start.
import type { SessionFeature } from './feature';
import type { Session } from '../session';
import type { Auth, AuthScheme } from '../auth';

/** Credentials that worked (or were given) for an origin. */
export interface CachedCredentials {
  scheme: AuthScheme;
  realm: string;
  username: string;
  password: string;
  curlAuth: number;
}

export class AuthManager implements SessionFeature {
  /** Built in: the session consults it directly. */
  attach(_session: Session): void {}

  readonly #cache = new Map<string, CachedCredentials>();

  /** The credentials remembered for `uri`'s origin (or, isForProxy, for the proxy), if any. */
  lookup(uri: URL | string, isForProxy: boolean): CachedCredentials | undefined {
    if (this.#cache.size === 0) return undefined;
    return this.#cache.get(key(uri, isForProxy));
  }

  /** soup_auth_manager_use_auth: use `auth`'s credentials for `uri` from now on. */
  useAuth(uri: URL | string, auth: Auth): void {
    if (!auth.isAuthenticated) throw new TypeError('useAuth needs an authenticated Auth (call auth.authenticate first)');
    this.#cache.set(key(uri, auth.isForProxy), {
      scheme: auth.scheme,
      realm: auth.realm,
      username: auth.username as string,
      password: auth.password as string,
      curlAuth: auth.curlAuth,
    });
  }

  /** Forget credentials that the server refused. */
  forget(uri: URL | string, isForProxy: boolean): void {
    this.#cache.delete(key(uri, isForProxy));
  }

  /** soup_auth_manager_clear_cached_credentials. */
  clearCachedCredentials(): void {
    this.#cache.clear();
  }
}

function key(uri: URL | string, isForProxy: boolean): string {
  const u = typeof uri === 'string' ? new URL(uri) : uri;
  // Not URL.origin: for an alias such as dav:// it is "null", the same for every host.
  return (isForProxy ? 'proxy ' : '') + `${u.protocol}//${u.host}`;
}
