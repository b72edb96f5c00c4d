// AuthBasic: SoupAuthBasic (RFC 7617). The token is base64 of "user:password", in ISO-8859-1
// when every character fits (as libsoup converts it), else UTF-8.
import { Auth } from '../auth';
import type { Message } from '../message';

export class AuthBasic extends Auth {
  static readonly schemeName = 'Basic' as const;
  static readonly strength = 1;
  #token: string | null = null;

  protected onUpdate(): boolean {
    // A new challenge to a request that had our credentials: they were refused.
    this.#token = null;
    this.forget();
    return true;
  }

  protected override onAuthenticate(username: string, password: string): void {
    const userPass = `${username}:${password}`;
    // eslint-disable-next-line no-control-regex
    this.#token = Buffer.from(userPass, /^[\u0000-\u00ff]*$/.test(userPass) ? 'latin1' : 'utf8').toString('base64');
  }

  override get isAuthenticated(): boolean {
    return this.#token !== null && super.isAuthenticated;
  }

  /** The directory of the URI's path ("/a/b/c" → "/a/b"; "/a/b/" stays). */
  getProtectionSpace(uri: URL): string[] {
    return [directoryOf(uri.pathname)];
  }

  getAuthorization(_msg: Message): string | null {
    return this.#token === null ? null : `Basic ${this.#token}`;
  }
}

/** soup_auth_basic_get_protection_space's rule: strip the last path segment unless it is empty. */
export function directoryOf(path: string): string {
  const slash = path.lastIndexOf('/');
  if (slash < 0 || slash === path.length - 1) return path;
  return slash === 0 ? '/' : path.slice(0, slash);
}
