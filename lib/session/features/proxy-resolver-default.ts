// ProxyResolverDefault: SoupProxyResolverDefault — the proxy for a URI from the
// environment (http_proxy, https_proxy, all_proxy, no_proxy), as g_proxy_resolver does.
import type { SessionFeature } from './feature';
import type { Session } from '../session';
import type { Message } from '../message';

export class ProxyResolverDefault implements SessionFeature {
  /** Built in: the session consults it directly. */
  attach(_session: Session): void {}

  readonly #env: NodeJS.ProcessEnv;

  /** `env` defaults to process.env, read once here (process.env lookups are slow, and g_proxy_resolver reads it once too). */
  constructor(env: NodeJS.ProcessEnv = process.env) {
    const pick = (...names: string[]) => Object.fromEntries(names.filter((n) => env[n] !== undefined).map((n) => [n, env[n]]));
    this.#env = pick('no_proxy', 'NO_PROXY', 'https_proxy', 'HTTPS_PROXY', 'http_proxy', 'all_proxy', 'ALL_PROXY');
    const e = this.#env;
    this.#direct = e.http_proxy === undefined && e.https_proxy === undefined && e.HTTPS_PROXY === undefined && e.all_proxy === undefined && e.ALL_PROXY === undefined;
  }

  /** No proxy variable is set: every URI is reached directly. */
  readonly #direct: boolean;

  /**
   * @internal The proxy for `msg`: without a proxy in the environment, a direct connection
   * without reading msg.uri (a message keeps a plain URI as a string until it is read).
   */
  resolveFor(msg: Message): string | null {
    if (this.#direct && this.resolve === ProxyResolverDefault.prototype.resolve) return null;
    return this.resolve(msg.uri);
  }

  /** The proxy URI for `uri`, or null for a direct connection. */
  resolve(uri: URL): string | null {
    const env = this.#env;
    if (env.http_proxy === undefined && env.https_proxy === undefined && env.HTTPS_PROXY === undefined && env.all_proxy === undefined && env.ALL_PROXY === undefined) return null;
    const host = uri.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const noProxy = env.no_proxy ?? env.NO_PROXY ?? '';
    for (const raw of noProxy.split(/[,\s]+/)) {
      const entry = raw.trim().toLowerCase().replace(/:\d+$/, '');
      if (entry === '') continue;
      if (entry === '*') return null;
      const bare = entry.startsWith('.') ? entry.slice(1) : entry;
      if (host === bare || host.endsWith('.' + bare)) return null;
    }
    const https = uri.protocol === 'https:';
    // Uppercase HTTP_PROXY is ignored, as curl does: CGI sets it from a request header.
    const proxy = (https ? env.https_proxy ?? env.HTTPS_PROXY : env.http_proxy) ?? env.all_proxy ?? env.ALL_PROXY ?? '';
    return proxy === '' ? null : proxy;
  }
}
