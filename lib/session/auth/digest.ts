// AuthDigest: SoupAuthDigest (RFC 7616), done here rather than by libcurl so that no Digest
// state lives on a pooled easy handle: the nonce, nc and cnonce belong to this Auth, which
// belongs to one protection space. qop=auth or none (RFC 2069), algorithms MD5 and MD5-sess
// as libsoup 2.74, and SHA-256 / SHA-256-sess from RFC 7616 (libsoup 2.74 refuses those
// challenges; curlio answers them). stale=true keeps the credentials: the message is resent
// with the new nonce without asking the application again.
import { createHash, randomBytes } from 'node:crypto';
import { Auth } from '../auth';
import type { Message } from '../message';
import { parseList, parseParams, quote } from './challenge';

type Algorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';
const ALGORITHMS: readonly Algorithm[] = ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess'];

export class AuthDigest extends Auth {
  static readonly schemeName = 'Digest' as const;
  static readonly strength = 5;
  #nonce = '';
  #opaque: string | null = null;
  #domain: string | null = null;
  #qop: 'auth' | null = null;
  #algorithm: Algorithm = 'MD5';
  #cnonce: string | null = null;
  #nc = 1;
  #hexA1: string | null = null;

  protected onUpdate(_msg: Message, params: Record<string, string>): boolean {
    let ok = true;
    this.#nc = 1;
    this.#domain = params.domain ?? null;
    this.#nonce = params.nonce ?? '';
    this.#opaque = params.opaque ?? null;
    if (params.qop !== undefined) {
      // Only qop=auth is spoken (as libsoup): a challenge offering auth-int alone is refused.
      if (!parseList(params.qop).some((q) => q.toLowerCase() === 'auth')) ok = false;
      this.#qop = 'auth';
    } else {
      this.#qop = null;
    }
    const algorithm = params.algorithm === undefined ? 'MD5' : ALGORITHMS.find((a) => a.toLowerCase() === params.algorithm.toLowerCase());
    if (algorithm === undefined) ok = false;
    else this.#algorithm = algorithm;
    if ((params.stale ?? '').toLowerCase() === 'true' && this.#hexA1 !== null && this.username !== null) {
      // The nonce expired, the credentials did not: keep them, with a fresh A1.
      this.#hexA1 = this.#computeA1(this.username, this.password ?? '');
    } else {
      this.#cnonce = null;
      this.#hexA1 = null;
      this.forget();
    }
    return ok;
  }

  protected override onAuthenticate(username: string, password: string): void {
    this.#cnonce = randomBytes(16).toString('base64');
    this.#hexA1 = this.#computeA1(username, password);
  }

  override get isAuthenticated(): boolean {
    return this.#cnonce !== null && this.#hexA1 !== null && super.isAuthenticated;
  }

  #hash(data: string): string {
    return createHash(this.#algorithm.startsWith('SHA-256') ? 'sha256' : 'md5')
      .update(data, 'utf8')
      .digest('hex');
  }

  #computeA1(username: string, password: string): string {
    const urp = this.#hash(`${username}:${this.realm}:${password}`);
    return this.#algorithm.endsWith('-sess') ? this.#hash(`${urp}:${this.#nonce}:${this.#cnonce}`) : urp;
  }

  /** The domain directive's paths on `uri`'s host (the whole host without one). */
  getProtectionSpace(uri: URL): string[] {
    if (this.#domain === null || this.#domain === '') return [''];
    const space: string[] = [];
    for (const d of this.#domain.split(' ')) {
      if (d === '') continue;
      let dir: string | null = null;
      if (d.startsWith('/')) dir = d;
      else {
        try {
          const u = new URL(d);
          if (u.protocol === uri.protocol && u.port === uri.port && u.hostname === uri.hostname) dir = u.pathname;
        } catch {
          dir = null;
        }
      }
      if (dir !== null) space.push(dir.endsWith('/') ? dir.slice(0, -1) : dir);
    }
    return space;
  }

  getAuthorization(msg: Message): string | null {
    if (this.#hexA1 === null || this.#cnonce === null || this.username === null) return null;
    const uri = msg.uri.pathname + msg.uri.search;
    const method = msg.method;
    const hexA2 = this.#hash(`${method}:${uri}`);
    const nc = this.#nc.toString(16).padStart(8, '0');
    const response = this.#qop !== null ? this.#hash(`${this.#hexA1}:${this.#nonce}:${nc}:${this.#cnonce}:auth:${hexA2}`) : this.#hash(`${this.#hexA1}:${this.#nonce}:${hexA2}`);
    let out = `Digest username=${quote(this.username)}, realm=${quote(this.realm)}, nonce=${quote(this.#nonce)}, uri=${quote(uri)}, algorithm=${this.#algorithm}, response=${quote(response)}`;
    if (this.#opaque !== null) out += `, opaque=${quote(this.#opaque)}`;
    if (this.#qop !== null) out += `, cnonce=${quote(this.#cnonce)}, nc=${nc}, qop=auth`;
    this.#nc++;
    return out;
  }

  /** Authentication-Info: nextnonce=... replaces the nonce, saving a stale round later. */
  override authenticationInfo(msg: Message): void {
    const header = msg.responseHeaders.getOne(this.isForProxy ? 'Proxy-Authentication-Info' : 'Authentication-Info');
    if (header === null) return;
    const next = parseParams(header).nextnonce;
    if (next !== undefined) this.#nonce = next;
  }
}
