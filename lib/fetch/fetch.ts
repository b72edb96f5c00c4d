// fetch(): WHATWG fetch on a Session. Node's own Request parses the arguments (so every
// body kind, header rule and TypeError is undici's), each hop of a redirect chain is one
// Message with NO_REDIRECT (so the redirect rules are fetch's, not libsoup's), and the
// response is Node's own global Response over a stream that pauses libcurl while unread.
import type { Readable } from 'node:stream';
import { Message, MessageFlags } from '../session/message';
import { AuthManager } from '../session/features/auth-manager';
import { Session, SessionError } from '../session/session';
import { Status } from '../session/status';
import { requestBody, webStreamFromReadable, type SessionBody } from './body';
import { getDefaultSession } from './default-session';
import { fetchFailed, transportError, type FetchNetworkError } from './errors';

/**
 * fetch's init, plus the Session to run on (the default session when absent).
 *
 * @example
 * ```ts
 * import { fetch, Session } from 'curlio';
 * const session = new Session({ sslCaFile: '/etc/ssl/private-ca.pem', maxConnsPerHost: 16 });
 * const res = await fetch('https://internal.example/health', { session, redirect: 'error' });
 * ```
 */
export interface FetchInit extends RequestInit {
  /** The Session to send on, in place of the default one (undici's `dispatcher`). */
  session?: Session;
}

// Captured at load: an application that installs curlio's fetch as globalThis.fetch must not
// make data: and blob: URLs call back into it.
const nodeFetch = globalThis.fetch;

const MAX_REDIRECTS = 20;
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
// Dropped when a redirect turns the request into a GET without a body (fetch §4.4 step 12).
const REQUEST_BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type'];

/**
 * WHATWG `fetch` on libcurl: Node's own `Request`, `Headers` and `Response`, `AbortSignal`,
 * `redirect: 'follow' | 'manual' | 'error'`, every body kind fetch takes, and a response
 * body that streams with backpressure. Runs on the default Session (HTTP/2 over TLS,
 * connections reused) or on `init.session`. A network failure rejects with a TypeError
 * whose `code` is libcurl's ('CURLE_COULDNT_CONNECT'), whose message carries libcurl's
 * reason and the URL, and whose `cause` is the CurlError.
 *
 * @example
 * ```ts
 * import { fetch } from 'curlio';
 * const res = await fetch('https://example.com/api', {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ hello: 'world' }),
 *   signal: AbortSignal.timeout(10_000),
 * });
 * if (!res.ok) throw new Error(`HTTP ${res.status}`);
 * console.log(await res.json());
 * ```
 */
export async function fetch(input: string | URL | Request, init?: FetchInit): Promise<Response> {
  const session = init?.session ?? getDefaultSession();
  if (!(session instanceof Session)) throw new TypeError('Expected a Session for init.session');
  // `fetch(url)`: a GET with no headers, body or signal. What Request would check and give
  // is known, so it is not built: its AbortController, Headers and state were a sixth of a
  // small fetch's JavaScript. Anything else, and every error, takes Request's own path.
  if (init === undefined || isSessionOnly(init)) {
    const url = plainHttpUrl(input);
    if (url !== null) return runChain(session, PLAIN_GET, null, url, 'GET', [], null, true);
  }
  const request = new Request(input, init);
  const signal = request.signal;
  if (signal.aborted) {
    // A body stream that was never read is cancelled with the reason (undici does the same).
    request.body?.cancel(signal.reason).catch(() => undefined);
    throw signal.reason;
  }
  const first = new URL(request.url);
  if (first.protocol === 'data:' || first.protocol === 'blob:') return nodeFetch(request);
  const { body, resendable } = await requestBody(request, init?.body);
  const headers = [...request.headers].filter(([name]) => name !== 'content-length' && name !== 'host');
  return runChain(session, request, signal, first, request.method, headers, body, resendable);
}

/** What runChain reads of the Request. */
type ChainRequest = Pick<Request, 'method' | 'redirect'>;
const PLAIN_GET: ChainRequest = { method: 'GET', redirect: 'follow' };

function isSessionOnly(init: FetchInit): boolean {
  for (const key in init) if (key !== 'session') return false;
  return true;
}

// An absolute http(s) URL without credentials: the inputs Request would take as they are.
// null sends the call through Request, which parses the rest and throws its own TypeErrors.
function plainHttpUrl(input: unknown): URL | null {
  if (typeof input !== 'string' && !(input instanceof URL)) return null;
  let url: URL;
  try {
    url = new URL(typeof input === 'string' ? input : input.href);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') return null;
  return url;
}

async function runChain(
  session: Session,
  request: ChainRequest,
  signal: AbortSignal | null,
  start: URL,
  startMethod: string,
  startHeaders: [string, string][],
  startBody: SessionBody | null,
  resendable: boolean,
): Promise<Response> {
  let url = start;
  let method = startMethod;
  let headers = startHeaders;
  let body = startBody;
  const urlList: string[] = [url.href];
  for (;;) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw fetchFailed(`the URL scheme ${JSON.stringify(url.protocol)} is not supported`, 'ERR_UNSUPPORTED_URL_SCHEME', url.href);
    }
    if (signal?.aborted) throw signal.reason;
    const msg = new Message(method, url);
    msg.flags |= MessageFlags.NO_REDIRECT;
    // fetch answers no authentication challenge itself: the 401 is the response.
    msg.disableFeature(AuthManager);
    for (const [name, value] of headers) msg.requestHeaders.append(name, value);
    if (body !== null) msg.requestBody = body;
    if (signal !== null) msg.signal = signal;
    let readable: Readable;
    try {
      readable = await session.sendStream(msg);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw networkError(msg, error);
    }
    const status = msg.statusCode;
    const location = REDIRECT_STATUS.has(status) ? locationOf(msg) : null;
    if (location === null || request.redirect === 'manual') {
      return makeResponse(session, msg, readable, signal, request.method, urlList);
    }
    // HTTP-redirect fetch (WHATWG fetch §4.4).
    let next: URL;
    try {
      next = new URL(location, url);
    } catch (error) {
      readable.destroy();
      throw fetchFailed(`the redirect location ${JSON.stringify(location)} is not a URL`, 'ERR_INVALID_REDIRECT', url.href, error);
    }
    if (request.redirect === 'error') {
      readable.destroy();
      throw fetchFailed(`redirected to ${next.href} with redirect: 'error'`, 'ERR_REDIRECT', url.href);
    }
    if (urlList.length > MAX_REDIRECTS) {
      readable.destroy();
      throw fetchFailed(`more than ${MAX_REDIRECTS} redirects`, 'ERR_TOO_MANY_REDIRECTS', url.href);
    }
    if (status !== 303 && body !== null && !resendable) {
      readable.destroy();
      throw fetchFailed(`a ${status} redirect cannot send a streamed body again`, 'ERR_REDIRECT_STREAM_BODY', url.href);
    }
    await drain(readable);
    if (((status === 301 || status === 302) && method === 'POST') || (status === 303 && method !== 'GET' && method !== 'HEAD')) {
      method = 'GET';
      body = null;
      headers = headers.filter(([name]) => !REQUEST_BODY_HEADERS.includes(name));
    }
    if (next.origin !== url.origin) {
      // Credentials are for the origin they were given to (fetch drops Authorization; undici
      // drops these too).
      headers = headers.filter(([name]) => name !== 'authorization' && name !== 'cookie' && name !== 'proxy-authorization');
    }
    url = next;
    urlList.push(url.href);
  }
}

// Header bytes come as latin1; a Location with UTF-8 bytes in it means those characters
// (as undici reads it), and the URL parser percent-encodes them.
function locationOf(msg: Message): string | null {
  const raw = msg.responseHeaders.getOne('Location');
  if (raw === null || !/[\x80-\xff]/.test(raw)) return raw;
  const utf8 = Buffer.from(raw, 'latin1').toString('utf8');
  return utf8.includes('\ufffd') ? raw : utf8;
}

// A redirect's own body is read to its end, so its connection can carry the next hop.
function drain(readable: Readable): Promise<void> {
  return new Promise((resolve) => {
    readable.on('error', () => resolve());
    readable.on('close', () => resolve());
    readable.on('end', () => resolve());
    readable.resume();
  });
}

function networkError(msg: Message, error: unknown): FetchNetworkError {
  const status = error instanceof SessionError ? error.status : Status.IO_ERROR;
  const cause = transportError(msg, status, error);
  const detail = cause instanceof Error ? cause.message.replace(` (${msg.uri.href})`, '') : String(cause);
  return fetchFailed(detail, (cause as { code: string }).code, msg.uri.href, cause);
}

function makeResponse(session: Session, msg: Message, readable: Readable, signal: AbortSignal | null, method: string, urlList: string[]): Response {
  const status = msg.statusCode;
  const url = urlList[urlList.length - 1];
  if (status < 200 || status > 599) {
    readable.destroy();
    throw fetchFailed(`the server answered with status ${status}, outside 200-599`, 'ERR_INVALID_STATUS', url);
  }
  const headers = new Headers();
  msg.responseHeaders.forEach((name, value) => {
    try {
      headers.append(name, value);
    } catch {
      // A value Headers refuses (a NUL byte): left out, as undici leaves out what it cannot hold.
    }
  });
  const nullBody = NULL_BODY_STATUS.has(status) || method === 'HEAD' || method === 'CONNECT';
  let body: ReadableStream<Uint8Array> | null = null;
  if (nullBody) {
    readable.resume();
  } else {
    // Aborted after the headers: the body errors with the reason (fetch §4.1 abort steps),
    // also when libcurl already delivered all of it but the reader has not taken it yet.
    const onAbort = (): void => web.fail(signal?.reason);
    const web = webStreamFromReadable(
      readable,
      (error) => (signal?.aborted ? signal.reason : bodyError(msg, error)),
      () => session.cancelMessage(msg, Status.CANCELLED),
      () => signal?.removeEventListener('abort', onAbort),
    );
    body = web.stream;
    signal?.addEventListener('abort', onAbort, { once: true });
  }
  let statusText = msg.reasonPhrase;
  if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(statusText)) statusText = '';
  const response = new Response(body, { status, statusText, headers });
  return decorate(response, url, urlList.length > 1);
}

function bodyError(msg: Message, error: unknown): TypeError {
  const cause = error === undefined ? transportError(msg, Status.CANCELLED) : transportError(msg, error instanceof SessionError ? error.status : Status.IO_ERROR, error);
  const detail = cause instanceof Error ? cause.message.replace(` (${msg.uri.href})`, '') : String(cause);
  const e = new TypeError(`terminated: ${detail} (${msg.uri.href})`, { cause }) as FetchNetworkError;
  e.code = (cause as { code: string }).code;
  e.url = msg.uri.href;
  return e;
}

// Response's url, redirected and type are set by fetch itself in undici, and only read-only
// from outside: they are given here as own properties, and again on every clone.
function decorate(response: Response, url: string, redirected: boolean): Response {
  Object.defineProperties(response, {
    url: { value: url, enumerable: false },
    redirected: { value: redirected, enumerable: false },
    type: { value: 'basic', enumerable: false },
  });
  const clone = response.clone.bind(response);
  Object.defineProperty(response, 'clone', { value: () => decorate(clone(), url, redirected), enumerable: false });
  return response;
}
