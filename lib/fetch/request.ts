// request(): undici's `request` shape on a Session. The body is the Session's own response
// stream (a Node Readable that pauses libcurl while unread), with undici's body mixin
// (text, json, arrayBuffer, bytes, blob, dump).
import type { Readable } from 'node:stream';
import { types } from 'node:util';
import { AuthManager } from '../session/features/auth-manager';
import { Message, MessageFlags } from '../session/message';
import { Session, SessionError } from '../session/session';
import { Status } from '../session/status';
import { getDefaultSession } from './default-session';
import { abortError, transportError } from './errors';

/**
 * What request() takes, in undici's words.
 *
 * @example
 * ```ts
 * import { request } from 'curlio';
 * const res = await request('http://127.0.0.1:8080/upload', {
 *   method: 'PUT',
 *   headers: { 'content-type': 'application/octet-stream' },
 *   body: fs.createReadStream('big.bin'),      // sent chunked as it is read
 *   deadline: 60,                                // seconds, the whole request
 *   throwOnError: true,
 * });
 * await res.body.dump();
 * ```
 */
export interface RequestOptions {
  method?: string;
  /** An object (a value may be an array), [name, value] pairs, a flat [name, value, ...] array, or a Headers. */
  headers?: Record<string, string | string[] | undefined> | Iterable<[string, string]> | string[] | Headers | null;
  /**
   * Sent as is; a stream or async iterable is sent chunked as it is read. URLSearchParams,
   * FormData and Blob are serialized as fetch does, with their Content-Type unless one is given.
   */
  body?: string | Buffer | Uint8Array | ArrayBuffer | URLSearchParams | FormData | Blob | Readable | AsyncIterable<Uint8Array | string> | null;
  signal?: AbortSignal | null;
  /** Redirects to follow (undici v6's option); 0, the default, returns the 3xx itself. */
  maxRedirections?: number;
  /** Seconds the whole request may take, body included (Message.deadline); 0: none. */
  deadline?: number;
  /** Reject with the status for a 4xx/5xx answer, as undici's `throwOnError`. */
  throwOnError?: boolean;
  /** The Session to send on, in place of the default one (undici's `dispatcher`). */
  session?: Session;
}

/**
 * undici's body mixin on the response stream.
 *
 * @example
 * ```ts
 * const { body } = await request(url);
 * for await (const chunk of body) process.stdout.write(chunk);   // or: await body.text()
 * ```
 */
export interface BodyReadable extends Readable {
  readonly bodyUsed: boolean;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
  bytes(): Promise<Uint8Array>;
  blob(): Promise<Blob>;
  /** Reads and discards the rest of the body. */
  dump(): Promise<void>;
}

/**
 * What request() resolves with, as undici's ResponseData.
 *
 * @example
 * ```ts
 * const { statusCode, headers, body, message } = await request(url);
 * console.log(statusCode, headers['content-type'], message.httpVersion, message.timings?.total);
 * const data = await body.json();
 * ```
 */
export interface ResponseData {
  statusCode: number;
  /** Lower-case names; a repeated header's values as an array (set-cookie always one). */
  headers: Record<string, string | string[]>;
  trailers: Record<string, string>;
  body: BodyReadable;
  /** The Message that ran the request (timings, httpVersion, the final uri). */
  message: Message;
}

/**
 * undici's `request` on libcurl: resolves once the response headers are in, with
 * `statusCode`, `headers` and a `body` stream that has `text()`, `json()`,
 * `arrayBuffer()`, `bytes()`, `blob()` and async iteration. Runs on the default Session or
 * `options.session`. A transport failure rejects with a CurlError (`code`
 * 'CURLE_COULDNT_CONNECT', `errno` the CURLcode, libcurl's reason and the URL in its
 * message, `url`); an abort rejects with an AbortError (`code` 'ABORT_ERR', the signal's
 * reason in `cause`).
 *
 * @example
 * ```ts
 * import { request } from 'curlio';
 * const { statusCode, headers, body } = await request('http://127.0.0.1:8080/items', {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ name: 'x' }),
 *   signal: AbortSignal.timeout(5_000),
 * });
 * console.log(statusCode, headers['content-type'], await body.json());
 * ```
 */
export async function request(url: string | URL, options: RequestOptions = {}): Promise<ResponseData> {
  const session = options.session ?? getDefaultSession();
  if (!(session instanceof Session)) throw new TypeError('Expected a Session for options.session');
  const signal = options.signal ?? null;
  if (signal !== null && signal.aborted) throw abortError(signal.reason);
  const msg = new Message(options.method ?? 'GET', url);
  const redirects = options.maxRedirections ?? 0;
  if (!Number.isInteger(redirects) || redirects < 0) throw new TypeError(`Expected a non-negative integer for maxRedirections but received ${redirects}`);
  if (redirects === 0) msg.flags |= MessageFlags.NO_REDIRECT;
  msg.disableFeature(AuthManager);
  setHeaders(msg, options.headers);
  const body = options.body;
  if (body instanceof URLSearchParams || body instanceof FormData || body instanceof Blob) {
    // Serialized by Node's own Response, as fetch would send it (the multipart boundary too).
    const encoded = new Response(body);
    const type = encoded.headers.get('content-type');
    if (type !== null && !msg.requestHeaders.has('Content-Type')) msg.requestHeaders.append('Content-Type', type);
    msg.requestBody = Buffer.from(await encoded.arrayBuffer());
  } else if (body !== undefined && body !== null) {
    if (types.isAnyArrayBuffer(body)) msg.requestBody = Buffer.from(body);
    else if (ArrayBuffer.isView(body) && !Buffer.isBuffer(body)) msg.requestBody = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    else msg.requestBody = body as Buffer;
  }
  msg.signal = signal;
  if (options.deadline !== undefined) msg.deadline = options.deadline;
  let stream: Readable;
  try {
    stream = await session.sendStream(msg);
  } catch (error) {
    if (signal?.aborted) throw abortError(signal.reason);
    throw transportError(msg, error instanceof SessionError ? error.status : Status.IO_ERROR, error);
  }
  const statusCode = msg.statusCode;
  const headers: Record<string, string | string[]> = {};
  msg.responseHeaders.forEach((name, value) => {
    const key = name.toLowerCase();
    const prev = headers[key];
    if (prev === undefined) headers[key] = key === 'set-cookie' ? [value] : value;
    else if (Array.isArray(prev)) prev.push(value);
    else headers[key] = [prev, value];
  });
  const readable = withBodyMixin(stream, msg, signal);
  if (options.throwOnError && statusCode >= 400) {
    readable.destroy();
    const error = new Error(`Response status code ${statusCode}: ${msg.reasonPhrase} (${msg.uri.href})`) as Error & { code: string; statusCode: number; headers: typeof headers };
    error.code = 'UND_ERR_RESPONSE_STATUS_CODE';
    error.statusCode = statusCode;
    error.headers = headers;
    throw error;
  }
  return { statusCode, headers, trailers: {}, body: readable, message: msg };
}

function setHeaders(msg: Message, headers: RequestOptions['headers']): void {
  if (headers === undefined || headers === null) return;
  if (Array.isArray(headers) && (headers.length === 0 || typeof headers[0] === 'string')) {
    // undici's flat form: [name, value, name, value, ...].
    const flat = headers as string[];
    if (flat.length % 2 !== 0) throw new TypeError('Expected an even number of entries in a flat headers array');
    for (let i = 0; i < flat.length; i += 2) msg.requestHeaders.append(flat[i], String(flat[i + 1]));
    return;
  }
  const pairs: Iterable<[string, string]> =
    typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function'
      ? (headers as Iterable<[string, string]>)
      : Object.entries(headers as Record<string, string | string[] | undefined>).flatMap(([name, value]) =>
          value === undefined ? [] : Array.isArray(value) ? value.map((v): [string, string] => [name, String(v)]) : [[name, String(value)] as [string, string]],
        );
  for (const [name, value] of pairs) msg.requestHeaders.append(name, String(value));
}

// undici's body mixin, on the Session's stream; a failure mid-body becomes the CurlError
// (or the AbortError) rather than the Session's SessionError.
function withBodyMixin(stream: Readable, msg: Message, signal: AbortSignal | null): BodyReadable {
  const body = stream as BodyReadable;
  let used = false;
  const errorOf = (error: unknown): unknown => {
    if (signal?.aborted) return abortError(signal.reason);
    if (error instanceof SessionError) return transportError(msg, error.status, error);
    return error;
  };
  const collect = async (): Promise<Buffer> => {
    if (used) throw new TypeError('Body is unusable: the body was already read');
    used = true;
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of stream) chunks.push(chunk as Buffer);
    } catch (error) {
      throw errorOf(error);
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  };
  Object.defineProperties(body, {
    bodyUsed: { get: () => used || stream.readableDidRead },
    text: { value: async () => (await collect()).toString('utf8') },
    json: { value: async () => JSON.parse((await collect()).toString('utf8')) },
    arrayBuffer: {
      value: async () => {
        const bytes = await collect();
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      },
    },
    bytes: { value: async () => new Uint8Array(await collect()) },
    blob: { value: async () => new Blob([await collect()], { type: msg.responseHeaders.get('Content-Type') ?? '' }) },
    dump: {
      value: async () => {
        used = true;
        try {
          for await (const _ of stream) void _;
        } catch {
          // dump() settles whatever happened to the rest
        }
      },
    },
  });
  // A body left unread when its session closes must not throw an unhandled 'error': the
  // failure reaches whoever reads (the mixin, iteration, pipeline) through their own paths.
  stream.on('error', () => undefined);
  // Errors seen by a reader that iterates or pipes the stream itself.
  const destroy = stream.destroy.bind(stream);
  stream.destroy = (error?: Error) => destroy(error === undefined ? undefined : (errorOf(error) as Error));
  return body;
}

