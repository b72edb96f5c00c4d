// Auth: SoupAuth as the 'authenticate' signal hands it over — the challenge (scheme, realm,
// host) and the credentials the application answers with. libcurl does the scheme's work
// (CURLOPT_HTTPAUTH: Basic, Digest, NTLM); this object carries the conversation.
import { CURLAUTH_BASIC, CURLAUTH_DIGEST, CURLAUTH_NTLM } from '../libcurl/constants.generated';

export type AuthScheme = 'Basic' | 'Digest' | 'NTLM';

/** One challenge of a WWW-Authenticate / Proxy-Authenticate header. */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

export class Auth {
  readonly scheme: AuthScheme;
  readonly realm: string;
  readonly host: string;
  readonly isForProxy: boolean;
  /** The challenge's parameters (nonce, qop, ...). */
  readonly params: Readonly<Record<string, string>>;
  #username: string | null = null;
  #password: string | null = null;
  #cancelled = false;

  constructor(scheme: AuthScheme, realm: string, host: string, isForProxy: boolean, params: Record<string, string> = {}) {
    this.scheme = scheme;
    this.realm = realm;
    this.host = host;
    this.isForProxy = isForProxy;
    this.params = params;
  }

  /** soup_auth_authenticate: answer the challenge; the session then requeues the message. */
  authenticate(username: string, password: string): void {
    if (typeof username !== 'string' || typeof password !== 'string') {
      throw new TypeError('Expected strings for username and password');
    }
    this.#username = username;
    this.#password = password;
  }

  /** soup_auth_cancel: give up; the message finishes with its 401/407. */
  cancel(): void {
    this.#cancelled = true;
    this.#username = this.#password = null;
  }

  get isAuthenticated(): boolean {
    return this.#username !== null && !this.#cancelled;
  }

  get isCancelled(): boolean {
    return this.#cancelled;
  }

  get username(): string | null {
    return this.#username;
  }

  /** @internal */
  get password(): string | null {
    return this.#password;
  }

  /** The CURLAUTH_* bit for this scheme. */
  get curlAuth(): number {
    return this.scheme === 'Digest' ? CURLAUTH_DIGEST : this.scheme === 'NTLM' ? CURLAUTH_NTLM : CURLAUTH_BASIC;
  }

  /** soup_auth_get_info: "Scheme:realm". */
  get info(): string {
    return `${this.scheme}:${this.realm}`;
  }
}

/** Parses the challenges of WWW-Authenticate header values (RFC 7235 auth-param lists). */
export function parseChallenges(values: readonly string[]): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  const tchar = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
  for (const value of values) {
    let current: AuthChallenge | null = null;
    let i = 0;
    const skip = (chars: string) => {
      while (i < value.length && chars.includes(value[i])) i++;
    };
    const token = () => {
      const start = i;
      while (i < value.length && tchar.test(value[i])) i++;
      return value.slice(start, i);
    };
    while (i < value.length) {
      skip(' \t,');
      const name = token();
      if (name === '') {
        i++;
        continue;
      }
      skip(' \t');
      if (value[i] === '=' && current !== null) {
        i++;
        skip(' \t');
        let v: string;
        if (value[i] === '"') {
          let j = i + 1;
          v = '';
          while (j < value.length && value[j] !== '"') {
            if (value[j] === '\\') j++;
            v += value[j] ?? '';
            j++;
          }
          i = j + 1;
        } else {
          const start = i;
          while (i < value.length && value[i] !== ',' && value[i] !== ' ') i++;
          v = value.slice(start, i);
        }
        current.params[name.toLowerCase()] = v;
      } else {
        current = { scheme: name, params: {} };
        out.push(current);
      }
    }
  }
  return out;
}

/** The strongest challenge curlio can answer: Digest, then NTLM (when allowed), then Basic. */
export function pickChallenge(challenges: readonly AuthChallenge[], allowNtlm: boolean): { scheme: AuthScheme; challenge: AuthChallenge } | null {
  const find = (name: string) => challenges.find((c) => c.scheme.toLowerCase() === name);
  const digest = find('digest');
  if (digest) return { scheme: 'Digest', challenge: digest };
  const ntlm = allowNtlm ? find('ntlm') : undefined;
  if (ntlm) return { scheme: 'NTLM', challenge: ntlm };
  const basic = find('basic');
  if (basic) return { scheme: 'Basic', challenge: basic };
  return null;
}
