// Message: SoupMessage — one HTTP request and its response, with its own signals. The
// Session that runs it fills the response; headers and status are parsed from libcurl's
// raw header bytes only when first read.
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { CurlError } from '../libcurl/errors';
import { isCanonicalHttpUrl } from './canonical-url';
import { MessageHeaders } from './headers';
import { statusPhrase } from './status';

/** SoupMessageFlags. */
export const MessageFlags = {
  NO_REDIRECT: 1 << 1,
  CAN_REBUILD: 1 << 2,
  /** The response body is not accumulated in responseBody (got-chunk still sees it). */
  OVERWRITE_CHUNKS: 1 << 3,
  CONTENT_DECODED: 1 << 4,
  CERTIFICATE_TRUSTED: 1 << 5,
  NEW_CONNECTION: 1 << 6,
  IDEMPOTENT: 1 << 7,
  IGNORE_CONNECTION_LIMITS: 1 << 8,
  DO_NOT_USE_AUTH_CACHE: 1 << 9,
} as const;

/** SoupMessagePriority. */
export const MessagePriority = { VERY_LOW: 0, LOW: 1, NORMAL: 2, HIGH: 3, VERY_HIGH: 4 } as const;

/** SoupHTTPVersion (HTTP_2_0 as libsoup 3 has it). */
export const HttpVersion = { HTTP_1_0: 0, HTTP_1_1: 1, HTTP_2_0: 2 } as const;
export type HttpVersionValue = (typeof HttpVersion)[keyof typeof HttpVersion];

/** A request body: bytes, or a stream read as libcurl asks for it (CURLOPT_READFUNCTION). */
export type RequestBody = Buffer | string | Readable | AsyncIterable<Buffer | string | Uint8Array>;

/** Connection and transfer times of the last request, in microseconds (CURLINFO_*_TIME_T). */
export interface MessageTimings {
  nameLookup: number;
  connect: number;
  appConnect: number;
  preTransfer: number;
  startTransfer: number;
  total: number;
  redirect: number;
}

/** Message signals, with libsoup's names. */
export interface MessageEvents {
  'got-headers': [];
  'got-chunk': [chunk: Buffer];
  'got-body': [];
  restarted: [];
  finished: [];
  /** The request headers went out (CURLINFO_HEADER_OUT); listening costs libcurl's debug callback for this message. */
  'wrote-headers': [];
  /** The whole request body went out (right after wrote-headers without one). */
  'wrote-body': [];
}

/** @internal what the session keeps on a message while it runs (its SoupMessageQueueItem). */
export const kItem = Symbol('curlio.session.item');
/** @internal sets the response from a finished transfer. */
export const kSetResponse = Symbol('curlio.session.setResponse');
/** @internal fills timings from the handle that ran the message, when asked. */
export const kTimingsSource = Symbol('curlio.session.timingsSource');
/** @internal the flags as set, without resolving CONTENT_DECODED (the session's own reads). */
export const kFlags = Symbol('curlio.session.flags');
/** @internal the response body was decoded if the headers name a Content-Encoding. */
export const kContentDecoded = Symbol('curlio.session.contentDecoded');
/** @internal features disabled for this message. */
export const kDisabled = Symbol('curlio.session.disabled');
/** @internal records the libcurl failure that ended the attempt (its CURLcode and CURLOPT_ERRORBUFFER text). */
export const kSetTransportError = Symbol('curlio.session.setTransportError');
/** @internal the request headers, or null while nobody made any (msg.requestHeaders makes them). */
export const kRequestHeaders = Symbol('curlio.session.requestHeaders');
/** @internal records the handle that ran the last transfer (for timings). */
export const kSetTimingsSource = Symbol('curlio.session.setTimingsSource');
/** @internal the URI string, canonical http(s) without credentials, while no URL object was made from it; else null. */
export const kPlainHref = Symbol('curlio.session.plainHref');

/** @internal where a message's timings are read from: the handle that ran it, and how many runs it has made. */
export interface TimingsSource {
  readonly run: number;
  readTimings(): MessageTimings | null;
}

/**
 * What a Message needs only when the application sets it (signal, deadline, priority,
 * firstParty, disabled features) or when something rare happened (a transport error, TLS
 * errors under sslStrict false, timings read, the status line parsed for its reason, version
 * or headers): one object made on first need, so a message that is sent and read for its
 * status and body carries one null field instead of eleven (110 KB at 10,000 in flight).
 */
class MessageMore {
  tlsErrors = 0;
  firstParty: URL | null = null;
  priority: number = MessagePriority.NORMAL;
  signal: AbortSignal | null = null;
  deadline = 0;
  disabled: Set<Function> | null = null;
  timings: MessageTimings | null = null;
  /** The libcurl failure of the last attempt: [CURLcode, CURLOPT_ERRORBUFFER text, cause], or null. */
  transportError: [number, string, unknown] | null = null;
  /** From the status line, parsed when first asked for (or set): the reason phrase, the version, where the final block starts. */
  reason: string | null = null;
  version: HttpVersionValue = HttpVersion.HTTP_1_1;
  blockStart = 0;
}

/**
 * EventEmitter's prototype without its constructor: EventEmitter.init gives every instance
 * a null-prototype listener table (a dictionary-mode object of about 290 bytes) and four
 * more properties. Most messages never get a listener; EventEmitter's methods make the
 * table on the first one when `_events` is undefined, as for subclasses that skip init.
 */
const LazyEmitter = function LazyEmitter() {} as unknown as typeof EventEmitter;
LazyEmitter.prototype = EventEmitter.prototype;

const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export class Message extends LazyEmitter<MessageEvents> {
  #method: string;
  /** The parsed URI, or while none was made, its string (a canonical http(s) URI, see canonical-url.ts). */
  #uri: URL | string = '';
  #flags = 0;
  #decodedPending = false;
  #requestHeaders: MessageHeaders | null = null;
  #requestBody: Buffer | Readable | AsyncIterable<Buffer | string | Uint8Array> | null = null;
  #status = 0;
  #rawHeaders: Buffer | undefined = undefined;
  #responseHeaders: MessageHeaders | undefined = undefined;
  /** The response body, accumulated (empty until the body arrives). */
  responseBody: Buffer = EMPTY;
  /** @internal */
  [kItem]: unknown = null;
  /** @internal the handle that ran the last transfer, for its timings (see kTimingsRun). */
  [kTimingsSource]: TimingsSource | null = null;
  /** The source's `run` when it ran this message: it has run another since when it differs. */
  #timingsRun = 0;
  /** What most messages never set or get (see MessageMore), or null while all of it is default. */
  #more: MessageMore | null = null;

  #extra(): MessageMore {
    return (this.#more ??= new MessageMore());
  }

  /** Set when sslStrict is false and the server's certificate was not trusted: the OpenSSL verify result. */
  get tlsErrors(): number {
    return this.#more === null ? 0 : this.#more.tlsErrors;
  }
  set tlsErrors(errors: number) {
    if (errors !== 0 || this.#more !== null) this.#extra().tlsErrors = errors;
  }

  /** The first party for cookies (soup_message_set_first_party). */
  get firstParty(): URL | null {
    return this.#more === null ? null : this.#more.firstParty;
  }
  set firstParty(uri: URL | null) {
    if (uri !== null || this.#more !== null) this.#extra().firstParty = uri;
  }

  /**
   * SoupMessagePriority (MessagePriority.VERY_LOW 0 ... VERY_HIGH 4, NORMAL 2): among the
   * messages queued in one loop turn, higher priorities start first.
   */
  get priority(): number {
    return this.#more === null ? MessagePriority.NORMAL : this.#more.priority;
  }
  set priority(priority: number) {
    if (priority !== MessagePriority.NORMAL || this.#more !== null) this.#extra().priority = priority;
  }

  /** @internal features disabled for this message (disableFeature), or null. */
  get [kDisabled](): Set<Function> | null {
    return this.#more === null ? null : this.#more.disabled;
  }

  /**
   * Cancels the message (Status.CANCELLED) when it aborts, as a GCancellable would; the
   * session's own `signal` applies too. Not for sendMessage, which blocks the thread.
   *
   * @example
   * ```ts
   * const msg = new Message('GET', url);
   * msg.signal = AbortSignal.timeout(5000);
   * const status = await session.send(msg);   // Status.CANCELLED if it took longer
   * ```
   */
  get signal(): AbortSignal | null {
    return this.#more === null ? null : this.#more.signal;
  }
  set signal(signal: AbortSignal | null) {
    if (signal !== null || this.#more !== null) this.#extra().signal = signal;
  }

  /**
   * Seconds the whole message may take from being queued, redirects and body included (0:
   * the session's `deadline`). Unlike `timeout`, which libsoup restarts with every byte,
   * this is a total: past it the message ends with Status.IO_ERROR and `error.code`
   * 'CURLE_OPERATION_TIMEDOUT'. Not for sendMessage.
   *
   * @example
   * ```ts
   * const msg = new Message('GET', 'http://127.0.0.1:8080/big');
   * msg.deadline = 30;                          // seconds, body included
   * if ((await session.send(msg)) === Status.IO_ERROR) console.log(msg.error?.code); // 'CURLE_OPERATION_TIMEDOUT'
   * ```
   */
  get deadline(): number {
    return this.#more === null ? 0 : this.#more.deadline;
  }
  set deadline(seconds: number) {
    if (seconds !== 0 || this.#more !== null) this.#extra().deadline = seconds;
  }

  /** The response code libcurl reported with the response not parsed yet (0: unknown). */
  #knownStatus = 0;

  constructor(method: string, uri: string | URL) {
    super(); // LazyEmitter: no listener table until the first listener
    if (typeof method !== 'string' || (method !== 'GET' && !METHOD.test(method))) {
      throw new TypeError(`Expected an HTTP method token for method but received ${JSON.stringify(method)}`);
    }
    this.#method = method;
    this.#setUri(uri);
  }

  /** Request headers: validated as they are set (CR, LF or NUL → TypeError). */
  get requestHeaders(): MessageHeaders {
    return (this.#requestHeaders ??= new MessageHeaders());
  }

  /** @internal */
  get [kRequestHeaders](): MessageHeaders | null {
    return this.#requestHeaders;
  }

  get method(): string {
    return this.#method;
  }

  set method(method: string) {
    if (typeof method !== 'string' || !METHOD.test(method)) {
      throw new TypeError(`Expected an HTTP method token for method but received ${JSON.stringify(method)}`);
    }
    this.#method = method;
  }

  /**
   * SoupMessageFlags. CONTENT_DECODED is set, as by SoupContentDecoder, when the session's
   * ContentDecoder had libcurl decode a response that came with a Content-Encoding; the
   * response headers stay as received (libsoup's rule), so Content-Encoding and
   * Content-Length still describe the encoded body. Worked out when first read.
   */
  get flags(): number {
    if (this.#decodedPending) {
      this.#decodedPending = false;
      const encoding = this.responseHeaders.get('Content-Encoding');
      if (encoding !== null && encoding.trim() !== '' && encoding.trim().toLowerCase() !== 'identity') this.#flags |= MessageFlags.CONTENT_DECODED;
    }
    return this.#flags;
  }

  set flags(flags: number) {
    this.#decodedPending = false;
    this.#flags = flags;
  }

  /** @internal */
  get [kFlags](): number {
    return this.#flags;
  }

  /** @internal */
  [kContentDecoded](): void {
    this.#decodedPending = true;
  }

  /** The request URI; redirects update it. */
  get uri(): URL {
    const uri = this.#uri;
    return typeof uri === 'string' ? (this.#uri = new URL(uri)) : uri;
  }

  set uri(uri: URL | string) {
    this.#setUri(uri);
  }

  /** @internal the URI as a string. */
  get href(): string {
    const uri = this.#uri;
    return typeof uri === 'string' ? uri : uri.href;
  }

  /** @internal */
  get [kPlainHref](): string | null {
    const uri = this.#uri;
    return typeof uri === 'string' ? uri : null;
  }

  // A canonical http(s) URI is kept as its string, parsed when msg.uri is first read;
  // anything else is parsed (and checked) now.
  #setUri(uri: string | URL): void {
    const href = typeof uri === 'string' ? uri : uri instanceof URL ? uri.href : null;
    if (href !== null && isCanonicalHttpUrl(href)) {
      this.#uri = href;
    } else {
      this.#uri = parseUri(uri);
    }
  }

  /** The request body: a string is kept as its UTF-8 bytes. */
  get requestBody(): Buffer | Readable | AsyncIterable<Buffer | string | Uint8Array> | null {
    return this.#requestBody;
  }

  set requestBody(body: RequestBody | null) {
    if (body === null || body === undefined) this.#requestBody = null;
    else if (typeof body === 'string') this.#requestBody = Buffer.from(body);
    else if (Buffer.isBuffer(body)) this.#requestBody = body;
    else if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') this.#requestBody = body;
    else throw new TypeError('Expected a Buffer, string, Readable or async iterable for requestBody');
  }

  /** soup_message_set_request: Content-Type and body at once. */
  setRequest(contentType: string | null, body: RequestBody | null): void {
    if (contentType !== null) this.requestHeaders.replace('Content-Type', contentType);
    else this.#requestHeaders?.remove('Content-Type');
    this.requestBody = body;
  }

  /** The HTTP status, or a transport status (Status.CANT_CONNECT...); 0 before a response. */
  get statusCode(): number {
    if (this.#status < 0) {
      if (this.#knownStatus > 0) return this.#knownStatus;
      this.#parseStatusLine();
    }
    return this.#status;
  }

  get reasonPhrase(): string {
    if (this.#status < 0) this.#parseStatusLine();
    const reason = this.#more === null ? null : this.#more.reason;
    return reason ?? (this.#status === 0 ? '' : statusPhrase(this.#status));
  }

  /** The response's HTTP version (HttpVersion.HTTP_1_1 before one arrives). */
  get httpVersion(): HttpVersionValue {
    if (this.#status < 0) this.#parseStatusLine();
    return this.#more === null ? HttpVersion.HTTP_1_1 : this.#more.version;
  }

  set httpVersion(version: HttpVersionValue) {
    if (version !== HttpVersion.HTTP_1_1 || this.#more !== null) this.#extra().version = version;
  }

  /** soup_message_set_status(_full). */
  setStatus(status: number, reasonPhrase?: string): void {
    this.#status = status;
    const reason = reasonPhrase ?? null;
    if (reason !== null || this.#more !== null) this.#extra().reason = reason;
    this.#rawHeaders = undefined;
  }

  get responseHeaders(): MessageHeaders {
    if (this.#responseHeaders === undefined) {
      if (this.#status < 0) this.#parseStatusLine();
      this.#responseHeaders =
        this.#rawHeaders !== undefined ? MessageHeaders.fromRaw(this.#rawHeaders, this.#more === null ? 0 : this.#more.blockStart) : new MessageHeaders(false);
    }
    return this.#responseHeaders;
  }

  /**
   * libcurl's reason for the transport failure that ended the message (CURLOPT_ERRORBUFFER:
   * "SSL certificate problem: self-signed certificate", "Failed to connect to 127.0.0.1 port
   * 9 after 0 ms: Connection refused"); null when it did not end on one. The status stays
   * libsoup's (Status.SSL_FAILED) and so does reasonPhrase.
   *
   * @example
   * ```ts
   * if ((await session.send(msg)) === Status.SSL_FAILED) console.error(msg.reasonPhrase, '-', msg.errorDetail);
   * // "SSL handshake failed - SSL certificate problem: self-signed certificate"
   * ```
   */
  get errorDetail(): string | null {
    const e = this.#more === null ? null : this.#more.transportError;
    if (e === null) return null;
    return e[1] !== '' ? e[1] : new CurlError('easy', e[0]).message; // libcurl wrote no detail: its text for the code
  }

  /**
   * The transport failure as a CurlError (`code` 'CURLE_COULDNT_CONNECT', `errno` the
   * CURLcode, `url`, and the reason in its message), or null.
   */
  get error(): CurlError | null {
    const e = this.#more === null ? null : this.#more.transportError;
    if (e === null) return null;
    return new CurlError('easy', e[0], e[1] || undefined, { url: this.href, cause: e[2] });
  }

  /** @internal */
  [kSetTransportError](code: number, detail: string, cause?: unknown): void {
    this.#extra().transportError = [code, detail, cause];
  }

  /** Whether the server's certificate was trusted (true also for plain http). */
  get isTrusted(): boolean {
    return this.tlsErrors === 0;
  }

  /** soup_message_is_keepalive. */
  isKeepalive(): boolean {
    const connection = this.responseHeaders.get('Connection')?.toLowerCase() ?? '';
    if (this.httpVersion === HttpVersion.HTTP_1_0) return connection.includes('keep-alive');
    return !connection.includes('close');
  }

  /** soup_message_disable_feature: the session's feature of this type skips this message. */
  disableFeature(type: Function): void {
    (this.#extra().disabled ??= new Set()).add(type);
  }

  /**
   * Timings of the last request, read from libcurl on first use (null before one ran, and
   * once the handle that ran it has run another message).
   */
  get timings(): MessageTimings | null {
    const source = this[kTimingsSource];
    if (source !== null && (this.#more === null || this.#more.timings === null)) {
      this[kTimingsSource] = null;
      const timings = source.run === this.#timingsRun ? source.readTimings() : null;
      if (timings !== null) this.#extra().timings = timings;
    }
    return this.#more === null ? null : this.#more.timings;
  }

  /**
   * @internal the handle that ran the transfer just ended: its timings are read from it on
   * first use, while it has not run another message (the handle keeps no reference to the
   * message, so a finished message is not held by the pool).
   */
  [kSetTimingsSource](source: TimingsSource): void {
    this[kTimingsSource] = source;
    this.#timingsRun = source.run;
  }

  /**
   * @internal a response arrived: the raw header lines of every block, and the body.
   * `status`, when libcurl knows it (CURLINFO_RESPONSE_CODE), answers statusCode without
   * parsing; the status line is parsed when the reason, version or headers are read.
   */
  [kSetResponse](rawHeaders: Buffer, body: Buffer, status = 0): void {
    this.#rawHeaders = rawHeaders;
    this.#responseHeaders = undefined;
    this.#status = -1;
    this.#knownStatus = status;
    if (this.#more !== null) {
      this.#more.reason = null;
      this.#more.timings = null;
    }
    this.responseBody = body;
  }

  /** @internal forget the response before a restart. */
  resetResponse(): void {
    this.#decodedPending = false;
    this.#flags &= ~MessageFlags.CONTENT_DECODED;
    this.#rawHeaders = undefined;
    this.#responseHeaders = undefined;
    this.#status = 0;
    this.responseBody = EMPTY;
    const more = this.#more;
    if (more !== null) {
      more.reason = null;
      more.timings = null;
      more.tlsErrors = 0;
      more.transportError = null;
    }
  }

  // The last block is the final response: libcurl's buffer also holds 1xx responses,
  // CONNECT replies and the 401 of an authentication round it answered itself.
  #parseStatusLine(): void {
    const raw = this.#rawHeaders;
    this.#status = 0;
    if (raw === undefined || raw.length === 0) return;
    const text = raw.toString('latin1');
    let end = text.length;
    while (end > 0 && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
    const sep = end < 4 ? -1 : text.lastIndexOf('\r\n\r\n', end - 4);
    const start = sep < 0 ? 0 : sep + 4;
    const more = this.#extra();
    more.blockStart = start;
    let lineEnd = text.indexOf('\r\n', start);
    if (lineEnd < 0) lineEnd = end;
    // "HTTP/1.1 200 OK", "HTTP/2 200"
    const line = text.slice(start, lineEnd);
    const sp1 = line.indexOf(' ');
    const version = line.slice(5, sp1 < 0 ? line.length : sp1);
    more.version = version === '1.0' ? HttpVersion.HTTP_1_0 : version.startsWith('2') ? HttpVersion.HTTP_2_0 : HttpVersion.HTTP_1_1;
    if (sp1 < 0) return;
    const sp2 = line.indexOf(' ', sp1 + 1);
    this.#status = Number(line.slice(sp1 + 1, sp2 < 0 ? line.length : sp2)) | 0;
    const reason = sp2 < 0 ? '' : line.slice(sp2 + 1).trim();
    more.reason = reason === '' ? null : reason;
  }
}

const EMPTY = Buffer.alloc(0);

function parseUri(uri: string | URL): URL {
  let parsed: URL;
  if (uri instanceof URL) {
    parsed = new URL(uri.href);
  } else if (typeof uri === 'string') {
    // WHATWG URL parsing drops tabs and newlines silently: a URI carrying them is refused.
    if (/[\0\t\r\n]/.test(uri)) throw new TypeError(`The uri contains CR, LF, TAB or NUL: ${JSON.stringify(uri)}`);
    try {
      parsed = new URL(uri);
    } catch {
      throw new TypeError(`Expected an absolute URI for uri but received ${JSON.stringify(uri)}`);
    }
  } else {
    throw new TypeError(`Expected a string or URL for uri but received ${typeof uri}`);
  }
  if (parsed.host === '' && parsed.protocol !== 'file:') {
    throw new TypeError(`Expected a URI with a host but received ${JSON.stringify(parsed.href)}`);
  }
  return parsed;
}
