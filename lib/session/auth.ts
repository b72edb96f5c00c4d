// Auth: SoupAuth — one authentication conversation with one protection space (a realm of a
// host, or a proxy), shared by every message that goes there. The 'authenticate' signal hands
// it over; the application answers with authenticate(username, password). Subclasses do the
// scheme's work: AuthBasic and AuthDigest in TypeScript (lib/session/auth/), AuthNTLM through
// libcurl (NTLM is bound to a connection, which only libcurl sees).
import { extractChallenge, parseList, parseParams } from './auth/challenge';
import type { Message } from './message';

export type AuthScheme = 'Basic' | 'Digest' | 'NTLM';

/** One challenge of a WWW-Authenticate / Proxy-Authenticate header. */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/** An Auth subclass, as the auth manager keeps them (SoupAuthClass). */
export interface AuthType {
  new (realm: string, host: string, isForProxy: boolean): Auth;
  /** The scheme's name in challenges ("Basic"). */
  readonly schemeName: AuthScheme;
  /** Preference among challenges: higher wins (libsoup: Basic 1, NTLM 3, Digest 5). */
  readonly strength: number;
}

export abstract class Auth {
  readonly realm: string;
  readonly host: string;
  readonly isForProxy: boolean;
  /** The last challenge's parameters (nonce, qop, ...). */
  params: Readonly<Record<string, string>> = {};
  #username: string | null = null;
  #password: string | null = null;
  #cancelled = false;

  constructor(realm: string, host: string, isForProxy: boolean) {
    this.realm = realm;
    this.host = host;
    this.isForProxy = isForProxy;
  }

  /**
   * soup_auth_new: the Auth of `type` for `challenge` (one scheme's challenge, as
   * extractChallenge gives it) received by `msg`, or null when the challenge is not usable.
   */
  static create(type: AuthType, msg: Message, challenge: string, host: string): Auth | null {
    if (challenge.slice(0, type.schemeName.length).toLowerCase() !== type.schemeName.toLowerCase()) return null;
    const params = parseParams(challenge.slice(type.schemeName.length));
    const auth = new type(params.realm ?? '', host, msg.statusCode === 407);
    return auth.update(msg, challenge) ? auth : null;
  }

  /** The scheme's name: "Basic", "Digest" or "NTLM". */
  get scheme(): AuthScheme {
    return (this.constructor as AuthType).schemeName;
  }

  /** soup_auth_get_info: "Scheme:realm" (the key of the auth manager's caches). */
  get info(): string {
    return `${this.scheme}:${this.realm}`;
  }

  /** soup_auth_authenticate: answer the challenge; the session then resends the message. */
  authenticate(username: string, password: string): void {
    if (typeof username !== 'string' || typeof password !== 'string') {
      throw new TypeError('Expected strings for username and password');
    }
    this.#cancelled = false;
    this.#username = username;
    this.#password = password;
    this.onAuthenticate(username, password);
  }

  /** Give up: the message finishes with its 401/407, and the credentials are forgotten. */
  cancel(): void {
    this.#cancelled = true;
    this.forget();
  }

  get isCancelled(): boolean {
    return this.#cancelled;
  }

  /** soup_auth_is_authenticated. */
  get isAuthenticated(): boolean {
    return this.#username !== null && !this.#cancelled;
  }

  /** soup_auth_is_ready: whether a request for `msg` can carry this auth now. */
  isReady(_msg: Message): boolean {
    return this.isAuthenticated;
  }

  /** soup_auth_can_authenticate. */
  get canAuthenticate(): boolean {
    return true;
  }

  get username(): string | null {
    return this.#username;
  }

  /** @internal */
  get password(): string | null {
    return this.#password;
  }

  /**
   * soup_auth_update: takes a new challenge of this scheme (`challenge`, with its scheme
   * name); false when it is for another realm or cannot be used. A plain new challenge
   * un-authenticates (the credentials failed); Digest's stale=true keeps them.
   */
  update(msg: Message, challenge: string): boolean {
    const name = this.scheme;
    if (challenge.slice(0, name.length).toLowerCase() !== name.toLowerCase()) return false;
    const params = parseParams(challenge.slice(name.length));
    if (params.realm !== undefined && this.realm !== '' && params.realm !== this.realm) return false;
    this.params = params;
    return this.onUpdate(msg, params);
  }

  /** The scheme's update; true: still usable. */
  protected abstract onUpdate(msg: Message, params: Record<string, string>): boolean;

  /** The scheme's authenticate (derive its secret state from the credentials). */
  protected onAuthenticate(_username: string, _password: string): void {}

  /** Drops the credentials (the server refused them). */
  protected forget(): void {
    this.#username = this.#password = null;
  }

  /** soup_auth_get_protection_space: the paths of `uri`'s host this auth covers. */
  abstract getProtectionSpace(uri: URL): string[];

  /** soup_auth_get_authorization: the Authorization value for `msg`, or null (libcurl does it). */
  abstract getAuthorization(msg: Message): string | null;

  /** The CURLAUTH_* bit when libcurl runs the scheme (NTLM, and proxies); 0 otherwise. */
  get curlAuth(): number {
    return 0;
  }

  /** Called with each response to a request that carried this auth (Digest's nextnonce). */
  authenticationInfo(_msg: Message): void {}
}

/** Parses the challenges of WWW-Authenticate header values (RFC 7235 auth-param lists). */
export function parseChallenges(values: readonly string[]): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  for (const value of values) {
    for (const item of parseList(value)) {
      const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)(?:\s+|$)/.exec(item);
      if (m === null || item[m[0].length] === '=' || (m[0].length === item.length ? false : /^\s*=/.test(item.slice(m[1].length)))) continue;
      const challenge = extractChallenge(value, m[1]);
      if (challenge !== null && !out.some((c) => c.scheme.toLowerCase() === m[1].toLowerCase())) {
        out.push({ scheme: m[1], params: parseParams(challenge.slice(m[1].length)) });
      }
    }
  }
  return out;
}
