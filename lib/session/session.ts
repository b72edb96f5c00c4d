// Session: SoupSession on a libcurl multi handle. The multi owns the connections (keep-alive,
// HTTP/2 multiplexing, connection limits); the session owns the queue, a pool of easy
// handles, redirects, authentication and the features. Starting a message is one run of
// setopt calls for what differs from the pooled handle, then Multi.startTransfer; the
// response comes back buffered, in the one call per loop turn the native driver makes.
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { kTransferHandler, type TransferHandler } from '../libcurl/easy';
import { Multi } from '../libcurl/multi';
import { CurlError } from '../libcurl/errors';
import {
  CURLE_ABORTED_BY_CALLBACK,
  CURLE_BAD_FUNCTION_ARGUMENT,
  CURLE_FILESIZE_EXCEEDED,
  CURLE_GOT_NOTHING,
  CURLE_HTTP2,
  CURLE_HTTP2_STREAM,
  CURLE_OK,
  CURLE_RECV_ERROR,
  CURLE_SEND_ERROR,
  CURLE_TOO_MANY_REDIRECTS,
  CURLINFO_HTTP_CONNECTCODE,
  CURLINFO_NUM_CONNECTS,
  CURLINFO_SSL_VERIFYRESULT,
  CURLMOPT_MAXCONNECTS,
  CURLMOPT_MAX_HOST_CONNECTIONS,
  CURLMOPT_MAX_TOTAL_CONNECTIONS,
  CURLMOPT_PIPELINING,
  CURLOPT_DEBUGFUNCTION,
  CURLOPT_HEADERFUNCTION,
  CURLOPT_HTTPHEADER,
  CURLOPT_PREREQFUNCTION,
  CURLOPT_VERBOSE,
  CURLOPT_WRITEFUNCTION,
  CURLOPT_BUFFERSIZE,
  CURLPAUSE_ALL,
  CURLPAUSE_CONT,
  CURLPIPE_MULTIPLEX,
} from '../libcurl/constants.generated';
import type { Auth, AuthType } from './auth';
import { authHooksOf, type AuthHooks } from './auth-hooks';
import { PooledEasy } from './easy-pool';
import { AuthManager } from './features/auth-manager';
import { ContentDecoder } from './features/content-decoder';
import type { SessionFeature, SessionFeatureType } from './features/feature';
import { ProxyResolverDefault } from './features/proxy-resolver-default';
import { kContentDecoded, kDisabled, kFlags, kItem, kPlainHref, kRequestHeaders, kSetResponse, kSetTimingsSource, kSetTransportError, Message, MessageFlags } from './message';
import { watchMessage, watchSession } from './abort';
import { Status, statusForCurlCode, statusIsTransportError } from './status';
import { emit0, emit1, hasListeners, reportListenerError } from './listener-errors';
import { ResponseStream } from './body-streams';
import { bodyTooLarge, TransferCallbacks } from './transfer-callbacks';
import { configureEasy, curlUrl, hasAcceptEncoding, isIdempotent, requestHeaderLines, setConnectionReuse, setMethod, setProxyAndCredentials, type TransferSettings } from './transfer-setup';
import { applyRedirect, isRedirection, redirectHandler, redirectionUri, wouldRedirectTo } from './redirect';

import { MessageQueue, QueueItem, type QueueCallback } from './message-queue';
import { IoThreadEasy, IoThreadRoute, ioThreadByDefault } from './io-thread-route';

export type { QueueCallback } from './message-queue';

/** What 'connection-created' and 'tunneling' tell about a connection. */
export interface ConnectionInfo {
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
  /** The proxy the connection goes through, if any. */
  proxy: string | null;
}

/** Session signals, with libsoup's names. */
export interface SessionEvents {
  authenticate: [msg: Message, auth: Auth, retrying: boolean];
  'connection-created': [info: ConnectionInfo];
  'request-queued': [msg: Message];
  'request-started': [msg: Message];
  'request-unqueued': [msg: Message];
  tunneling: [info: ConnectionInfo];
}

/** SoupSession's properties, as constructor options. */
export interface SessionOptions {
  proxyUri?: string | URL | null;
  maxConns?: number;
  maxConnsPerHost?: number;
  timeout?: number;
  idleTimeout?: number;
  userAgent?: string | null;
  acceptLanguage?: string | null;
  acceptLanguageAuto?: boolean;
  sslCaFile?: string | null;
  sslStrict?: boolean;
  sslUseSystemCaFile?: boolean;
  /** PEM certificates to trust (a GTlsDatabase's role): replaces the system store. */
  tlsDatabase?: string | Buffer | null;
  httpAliases?: string[] | null;
  httpsAliases?: string[] | null;
  useNtlm?: boolean;
  /**
   * The largest response body a message may receive, in bytes as delivered (after
   * Content-Encoding decoding, so a decompression bomb is bounded too); past it the message
   * ends with Status.IO_ERROR and a reason phrase naming the limit. Default 1 GiB; 0 or
   * Infinity: no limit.
   */
  maxBodySize?: number;
  /** Features to add (instances or classes); the defaults are AuthManager, ContentDecoder, ProxyResolverDefault. */
  addFeature?: SessionFeature[];
  addFeatureByType?: Array<SessionFeatureType | AuthType>;
  removeFeatureByType?: Array<SessionFeatureType | AuthType>;
  /** Aborting it cancels every message of the session (soup_session_abort), and those queued later. */
  signal?: AbortSignal | null;
  /** Seconds each message may take in total (0: no limit); a message's own `deadline` wins. See Message.deadline. */
  deadline?: number;
  /**
   * Run the transfers that need no JavaScript meanwhile on a native I/O thread (a second,
   * IoThreadMulti multi; io-thread-route.ts). Default false (true with CURLIO_SESSION_IO_THREAD=1).
   */
  ioThread?: boolean;
}

/** SOUP_SESSION_MAX_RESEND_COUNT: a message is sent again (redirect, authentication, requeue) at most this often. */
const MAX_RESEND_COUNT = 20;
/** maxBodySize's default: 1 GiB of decoded body (Buffer's own limit is 4 GiB). */
const DEFAULT_MAX_BODY_SIZE = 2 ** 30;
/** CURLOPT_BUFFERSIZE for a body read in chunks (sendStream, fetch, got-chunk listeners). */
const STREAMED_BUFFER_SIZE = 64 * 1024;
/** libcurl's own CURLOPT_BUFFERSIZE (CURL_MAX_WRITE_SIZE). */
const LIBCURL_BUFFER_SIZE = 16 * 1024;
const VERSION = readVersion();

export class Session extends EventEmitter<SessionEvents> {
  /** The connections (and their limits) of every queued message... */
  #multi: Multi;
  /** ...but those flagged IGNORE_CONNECTION_LIMITS, which get their own, made when first needed. */
  #unlimited: Multi | null = null;
  /** ioThread: the second multi, on a native I/O thread, and its handles (null: never turned on). */
  #io: IoThreadRoute | null = null;
  /** When the queue last became empty (performance.now()), and the timer that closes idle connections. */
  #idleSince = 0;
  #idleTimer: NodeJS.Timeout | null = null;
  readonly #pool: PooledEasy[] = [];
  readonly #items = new MessageQueue();
  #features: SessionFeature[] = [];
  #authManager: AuthManager | null = null;
  #decoder: ContentDecoder | null = null;
  #proxyResolver: ProxyResolverDefault | null = null;
  /** The features with a prepareRequest hook, so messages skip the others (and so for each hook). */
  #headerFeatures: SessionFeature[] = [];
  #queuedFeatures: SessionFeature[] = [];
  #responseFeatures: SessionFeature[] = [];
  #unqueuedFeatures: SessionFeature[] = [];
  #config = 0;
  #closed = false;
  /** Queued messages waiting for the next loop turn to start. */
  #starting: QueueItem[] = [];
  #syncEasy: PooledEasy | null = null;
  #inCurl = 0;
  /** The session has a signal or a deadline that every message is watched for (abort.ts). */
  #watched = false;
  /** libcurl's callbacks for the pooled handles (transfer-callbacks.ts). */
  readonly #callbacks = new TransferCallbacks({
    session: this,
    enterCurl: () => void this.#inCurl++,
    leaveCurl: () => void this.#inCurl--,
    maxBodySize: () => this.#maxBodySize,
    sendsAgain: (item) => ((item.msg[kFlags] & MessageFlags.NO_REDIRECT) === 0 && wouldRedirectTo(item.msg, this.#speaks) !== null) || this.#wantsAuth(item),
  });

  #proxyUri: string | null = null;
  #maxConns = 10;
  #maxConnsPerHost = 2;
  #timeout = 0;
  #idleTimeout = 60;
  #userAgent: string | null = null;
  #userAgentFull: string | null = null;
  #acceptLanguage: string | null = null;
  #acceptLanguageAuto = false;
  #sslCaFile: string | null = null;
  #sslStrict = true;
  #sslUseSystemCaFile = true;
  #tlsDatabase: Buffer | null = null;
  #httpAliases: string[] | null = ['*'];
  #httpsAliases: string[] | null = null;
  #useNtlm = false;
  #maxBodySize = DEFAULT_MAX_BODY_SIZE;
  /** "Accept-Language: ..." for messages without their own, or null. */
  #acceptLanguageLine: string | null = null;

  constructor(options: SessionOptions = {}) {
    super();
    this.#multi = this.#newMulti(true);
    if (options.ioThread ?? ioThreadByDefault()) this.ioThread = true;
    this.addFeature(new AuthManager());
    this.addFeature(new ContentDecoder());
    this.addFeature(new ProxyResolverDefault());
    for (const type of options.removeFeatureByType ?? []) this.removeFeatureByType(type);
    for (const feature of options.addFeature ?? []) this.addFeature(feature);
    for (const type of options.addFeatureByType ?? []) this.addFeatureByType(type);
    if (options.proxyUri !== undefined) this.proxyUri = options.proxyUri;
    if (options.maxConns !== undefined) this.maxConns = options.maxConns;
    if (options.maxConnsPerHost !== undefined) this.maxConnsPerHost = options.maxConnsPerHost;
    if (options.timeout !== undefined) this.timeout = options.timeout;
    if (options.idleTimeout !== undefined) this.idleTimeout = options.idleTimeout;
    if (options.userAgent !== undefined) this.userAgent = options.userAgent;
    if (options.acceptLanguage !== undefined) this.acceptLanguage = options.acceptLanguage;
    if (options.acceptLanguageAuto !== undefined) this.acceptLanguageAuto = options.acceptLanguageAuto;
    // sslUseSystemCaFile first: a CA file or database given with it is the one used.
    if (options.sslUseSystemCaFile !== undefined) this.sslUseSystemCaFile = options.sslUseSystemCaFile;
    if (options.sslCaFile !== undefined) this.sslCaFile = options.sslCaFile;
    if (options.sslStrict !== undefined) this.sslStrict = options.sslStrict;
    if (options.tlsDatabase !== undefined) this.tlsDatabase = options.tlsDatabase;
    if (options.httpAliases !== undefined) this.httpAliases = options.httpAliases;
    if (options.httpsAliases !== undefined) this.httpsAliases = options.httpsAliases;
    if (options.useNtlm !== undefined) this.useNtlm = options.useNtlm;
    this.#watched = watchSession(this, options);
    if (options.maxBodySize !== undefined) this.maxBodySize = options.maxBodySize;
  }

  // --- properties ------------------------------------------------------------------------

  /** SoupSession:proxy-uri: every request goes through this proxy (null: the resolver decides). */
  get proxyUri(): string | null {
    return this.#proxyUri;
  }
  set proxyUri(uri: string | URL | null) {
    if (uri === null || uri === undefined) this.#proxyUri = null;
    else {
      // WHATWG URL parsing would drop them silently, as Message's uri refuses them.
      if (typeof uri === 'string' && /[\0\t\r\n]/.test(uri)) throw new TypeError(`The proxyUri contains CR, LF, TAB or NUL: ${JSON.stringify(uri)}`);
      try {
        this.#proxyUri = new URL(String(uri)).href;
      } catch {
        throw new TypeError(`Expected an absolute URI for proxyUri but received ${JSON.stringify(String(uri))}`);
      }
    }
  }

  /** SoupSession:max-conns (CURLMOPT_MAX_TOTAL_CONNECTIONS). */
  get maxConns(): number {
    return this.#maxConns;
  }
  set maxConns(n: number) {
    this.#maxConns = positiveInteger('maxConns', n);
    this.#applyLimits();
  }

  /** SoupSession:max-conns-per-host (CURLMOPT_MAX_HOST_CONNECTIONS). */
  get maxConnsPerHost(): number {
    return this.#maxConnsPerHost;
  }
  set maxConnsPerHost(n: number) {
    this.#maxConnsPerHost = positiveInteger('maxConnsPerHost', n);
    this.#applyLimits();
  }

  /** SoupSession:timeout, seconds (0: none): connecting, and waiting for data, each at most this long. */
  get timeout(): number {
    return this.#timeout;
  }
  set timeout(s: number) {
    this.#timeout = nonNegative('timeout', s);
    this.#config++;
  }

  /**
   * SoupSession:idle-timeout, seconds (0: none): a kept-alive connection idle that long is
   * not reused (CURLOPT_MAXAGE_CONN), and once no message has been queued for that long
   * every idle connection is closed.
   */
  get idleTimeout(): number {
    return this.#idleTimeout;
  }
  set idleTimeout(s: number) {
    this.#idleTimeout = nonNegative('idleTimeout', s);
    this.#config++;
  }

  /** SoupSession:user-agent; a trailing space appends curlio's own product token. */
  get userAgent(): string | null {
    return this.#userAgent;
  }
  set userAgent(ua: string | null) {
    if (ua !== null && (typeof ua !== 'string' || /[\r\n\0]/.test(ua))) throw new TypeError('Expected a string without CR, LF or NUL for userAgent');
    this.#userAgent = ua;
    this.#userAgentFull = ua === null || ua === '' ? null : ua.endsWith(' ') ? `${ua}curlio/${VERSION}` : ua;
    this.#config++;
  }

  /** SoupSession:accept-language. */
  get acceptLanguage(): string | null {
    return this.#acceptLanguage;
  }
  set acceptLanguage(value: string | null) {
    if (value !== null && (typeof value !== 'string' || /[\r\n\0]/.test(value))) throw new TypeError('Expected a string without CR, LF or NUL for acceptLanguage');
    this.#acceptLanguage = value;
    this.#acceptLanguageAuto = false;
    this.#updateExtraHeaders();
  }

  /** SoupSession:accept-language-auto: Accept-Language from LANGUAGE / LC_ALL / LC_MESSAGES / LANG. */
  get acceptLanguageAuto(): boolean {
    return this.#acceptLanguageAuto;
  }
  set acceptLanguageAuto(on: boolean) {
    this.#acceptLanguageAuto = Boolean(on);
    // libsoup: turning it off (or on) drops the value set before.
    this.#acceptLanguage = on ? acceptLanguageFromEnvironment(process.env) : null;
    this.#updateExtraHeaders();
  }

  /** SoupSession:ssl-ca-file (CURLOPT_CAINFO): replaces the system store (sslUseSystemCaFile becomes false). */
  get sslCaFile(): string | null {
    return this.#sslCaFile;
  }
  set sslCaFile(file: string | null) {
    if (file !== null && (typeof file !== 'string' || file.includes('\0'))) throw new TypeError('Expected a path without NUL, or null, for sslCaFile');
    this.#sslCaFile = file;
    this.#sslUseSystemCaFile = false;
    this.#config++;
  }

  /** SoupSession:ssl-strict: false accepts untrusted certificates and tells it in msg.tlsErrors. */
  get sslStrict(): boolean {
    return this.#sslStrict;
  }
  set sslStrict(on: boolean) {
    this.#sslStrict = Boolean(on);
    this.#config++;
  }

  /**
   * SoupSession:ssl-use-system-ca-file (true by default): trust libcurl's system CA store.
   * As in libsoup, true drops sslCaFile and tlsDatabase; false leaves no CA at all unless one
   * of them is set, so under sslStrict every certificate is refused.
   */
  get sslUseSystemCaFile(): boolean {
    return this.#sslUseSystemCaFile;
  }
  set sslUseSystemCaFile(on: boolean) {
    this.#sslUseSystemCaFile = Boolean(on);
    if (on) {
      this.#sslCaFile = null;
      this.#tlsDatabase = null;
    }
    this.#config++;
  }

  /** SoupSession:tls-database, as PEM certificates (CURLOPT_CAINFO_BLOB): replaces the system store. */
  get tlsDatabase(): Buffer | null {
    return this.#tlsDatabase;
  }
  set tlsDatabase(pem: string | Buffer | null) {
    this.#tlsDatabase = pem === null ? null : Buffer.isBuffer(pem) ? pem : Buffer.from(String(pem));
    this.#sslUseSystemCaFile = false;
    this.#config++;
  }

  /**
   * SoupSession:http-aliases: URI schemes treated as http (dav://host/ is sent as
   * http://host/). The default, ["*"], makes every scheme that is not https (or one of
   * httpsAliases) an alias; '*' has that meaning only as the list's single entry, as in
   * libsoup. null: only http itself. file, data, about and blob are never aliases.
   */
  get httpAliases(): string[] | null {
    return this.#httpAliases === null ? null : [...this.#httpAliases];
  }
  set httpAliases(list: string[] | null) {
    this.#httpAliases = schemeList('httpAliases', list);
  }

  /** SoupSession:https-aliases (default null): URI schemes treated as https; wss always is. */
  get httpsAliases(): string[] | null {
    return this.#httpsAliases === null ? null : [...this.#httpsAliases];
  }
  set httpsAliases(list: string[] | null) {
    this.#httpsAliases = schemeList('httpsAliases', list);
  }

  /** SoupSession:use-ntlm: answer NTLM challenges. */
  get useNtlm(): boolean {
    return this.#useNtlm;
  }
  set useNtlm(on: boolean) {
    this.#useNtlm = Boolean(on);
  }

  /**
   * Whether messages that need no JavaScript during their transfer (no got-headers,
   * got-chunk, wrote-* or request-started / connection-created / tunneling listeners, a
   * Buffer body or none, not sendStream) run on a native I/O thread. See SessionOptions.
   */
  get ioThread(): boolean {
    return this.#io !== null && this.#io.enabled;
  }
  set ioThread(on: boolean) {
    if (on && this.#io === null) {
      this.#io = new IoThreadRoute(this.#transferDone);
      this.#io.setLimits(this.#maxConns, this.#maxConnsPerHost);
    }
    if (this.#io !== null) this.#io.enabled = Boolean(on);
  }

  /** The largest response body, decoded bytes (0: no limit; Infinity reads back as 0). See SessionOptions. */
  get maxBodySize(): number {
    return this.#maxBodySize;
  }
  set maxBodySize(bytes: number) {
    if (typeof bytes !== 'number' || !(bytes >= 0)) throw new TypeError(`Expected a non-negative number of bytes for maxBodySize but received ${bytes}`);
    this.#maxBodySize = bytes === Infinity ? 0 : Math.floor(bytes);
    this.#config++;
  }

  // --- features --------------------------------------------------------------------------

  /** soup_session_add_feature. */
  addFeature(feature: SessionFeature): void {
    if (this.#features.includes(feature)) return;
    this.#features.push(feature);
    this.#refreshFeatures();
    feature.attach?.(this);
  }

  /** soup_session_add_feature_by_type: a new instance of `type`, or a sub-feature type (AuthDigest, ...) for the features that take it. */
  addFeatureByType(type: SessionFeatureType | AuthType): void {
    if (this.#features.some((f) => f.addFeatureType?.(type) === true)) return;
    if (AuthManager.isAuthType(type)) throw new TypeError(`No feature of this session takes ${type.name} (add an AuthManager first)`);
    this.addFeature(new (type as unknown as new () => SessionFeature)());
  }

  /** soup_session_remove_feature. */
  removeFeature(feature: SessionFeature): void {
    const i = this.#features.indexOf(feature);
    if (i < 0) return;
    this.#features.splice(i, 1);
    this.#refreshFeatures();
    feature.detach?.(this);
  }

  /** soup_session_remove_feature_by_type: every feature that is a `type`. */
  removeFeatureByType(type: SessionFeatureType | AuthType): void {
    for (const f of this.#features) f.removeFeatureType?.(type);
    for (const f of this.#features.filter((f) => f instanceof type)) this.removeFeature(f);
  }

  /** soup_session_get_features: the features that are a `type` (all without one). */
  getFeatures<T extends SessionFeature>(type?: SessionFeatureType<T>): T[] {
    return (type === undefined ? [...this.#features] : this.#features.filter((f) => f instanceof type)) as T[];
  }

  /** soup_session_has_feature: whether a feature that is a `type` was added. */
  hasFeature(type: SessionFeatureType): boolean {
    return this.getFeature(type) !== null;
  }

  /** soup_session_get_feature. */
  getFeature<T extends SessionFeature>(type: SessionFeatureType<T>): T | null {
    return (this.#features.find((f) => f instanceof type) as T | undefined) ?? null;
  }

  /** soup_session_get_feature_for_message: null when msg.disableFeature(type) was called. */
  getFeatureForMessage<T extends SessionFeature>(type: SessionFeatureType<T>, msg: Message): T | null {
    // libsoup asks whether the feature found (maybe a subclass of `type`) is disabled.
    const feature = this.getFeature(type);
    return feature !== null && this.#isEnabled(feature, msg) ? feature : null;
  }

  #refreshFeatures(): void {
    this.#authManager = this.getFeature(AuthManager);
    const decoder = this.getFeature(ContentDecoder);
    if (decoder !== this.#decoder) this.#config++;
    this.#decoder = decoder;
    this.#proxyResolver = this.getFeature(ProxyResolverDefault);
    this.#headerFeatures = this.#features.filter((f) => f.prepareRequest !== undefined);
    this.#queuedFeatures = this.#features.filter((f) => f.requestQueued !== undefined);
    this.#responseFeatures = this.#features.filter((f) => f.responseReceived !== undefined);
    this.#unqueuedFeatures = this.#features.filter((f) => f.requestUnqueued !== undefined);
  }

  // request-queued: the features' hook, then the signal.
  #requestQueued(msg: Message): void {
    for (const f of this.#queuedFeatures) {
      if (!this.#isEnabled(f, msg)) continue;
      try {
        f.requestQueued!(this, msg);
      } catch (error) {
        reportListenerError(error);
      }
    }
    emit1(this, 'request-queued', msg);
  }

  #isEnabled(feature: SessionFeature, msg: Message): boolean {
    const disabled = msg[kDisabled];
    if (disabled === null) return true;
    for (const d of disabled) if (feature instanceof d) return false;
    return true;
  }

  // --- operations ------------------------------------------------------------------------

  /**
   * soup_session_queue_message: runs `msg`; `callback(session, msg)` once it finished.
   * Queueing a message again from its own callback runs it again.
   */
  queueMessage(msg: Message, callback?: QueueCallback | null): void {
    this.#queue(msg, callback ?? null, null);
  }

  #queue(
    msg: Message,
    callback: QueueCallback | null,
    stream: { resolve: (s: Readable) => void; reject: (e: Error) => void } | null,
    statusResolve: ((status: number) => void) | null = null,
  ): void {
    if (!(msg instanceof Message)) throw new TypeError('Expected a Message for msg');
    this.#checkOpen();
    const current = msg[kItem] as QueueItem | null;
    if (current !== null) {
      if (current.state === 'finishing' && this.#items.has(current)) {
        if (statusResolve !== null) {
          current.callback = null;
          current.statusResolve = statusResolve;
        } else {
          current.callback = callback ?? current.callback;
        }
        current.requeue = true;
        return;
      }
      throw new Error('The message is already queued');
    }
    const item = new QueueItem(msg, callback);
    item.statusResolve = statusResolve;
    if (stream !== null) {
      const more = item.extra();
      more.streamResolve = stream.resolve;
      more.streamReject = stream.reject;
      more.streamWaiting = true;
    }
    msg[kItem] = item;
    this.#items.add(item);
    msg.resetResponse();
    this.#requestQueued(msg);
    // libsoup kicks its queue from the main loop: listeners connected right after
    // queueMessage (wrote-headers, got-headers...) see this message's first attempt. A
    // microtask, not a loop turn: the batch starts as soon as the caller's code is done
    // (a setImmediate per batch cost 7% of a plain GET's instructions).
    // A reaction on a resolved promise rather than queueMicrotask, which makes an
    // AsyncResource and a bound function for every batch (a batch per message at 1 in flight).
    this.#starting.push(item);
    if (this.#starting.length === 1) void RESOLVED.then(this.#startQueued);
    // Signals and deadlines (abort.ts): only for a message or session that has one.
    if (this.#watched || msg.signal !== null || msg.deadline !== 0) watchMessage(this, msg);
  }

  // The items queued during the last loop turn, started together.
  readonly #startQueued = (): void => {
    const items = this.#starting;
    this.#starting = [];
    // SoupMessagePriority: libsoup's queue runs higher priorities first; libcurl then starts
    // them in this order (its pending list is first come, first served).
    if (items.length > 1 && !samePriority(items)) items.sort(byPriority);
    for (const item of items) {
      if (this.#closed || !this.#items.has(item) || item.msg[kItem] !== item || item.easy !== null || item.state === 'finishing') continue;
      try {
        this.#start(item);
      } catch (error) {
        this.#failed(item, error);
      }
    }
  };

  /** Promise form of queueMessage: resolves with the status (HTTP or transport). */
  send(msg: Message): Promise<number> {
    // The queue item holds the promise's resolve function itself: no callback closure (and
    // its contexts) lives with every message in flight, and the executor is one function
    // for all (captureResolve), not a closure made per call.
    const promise = new Promise<number>(captureResolve);
    const resolve = captured as (status: number) => void;
    captured = null;
    try {
      this.#queue(msg, null, null, resolve);
    } catch (error) {
      return Promise.reject(error);
    }
    return promise;
  }

  /**
   * soup_session_send: resolves with the response body as a Readable once the final
   * response's headers arrived. A slow consumer pauses the transfer (real backpressure).
   */
  sendStream(msg: Message): Promise<Readable> {
    return new Promise((resolve, reject) => this.#queue(msg, null, { resolve, reject }));
  }

  /**
   * soup_session_requeue_message: from a handler of the message (got-headers, got-body,
   * finished, or the queue callback), run it again once this response is done.
   */
  requeueMessage(msg: Message): void {
    const item = msg[kItem] as QueueItem | null;
    if (item === null || !this.#items.has(item)) throw new Error('The message is not queued in this session');
    item.requeue = true;
  }

  /**
   * soup_session_send_message, SoupSessionSync's way: blocks this thread (curl_easy_perform
   * on a handle configured as the queued ones are) until the message finished, and returns
   * its status. Servers in this same process cannot answer meanwhile.
   */
  sendMessage(msg: Message): number {
    if (!(msg instanceof Message)) throw new TypeError('Expected a Message for msg');
    this.#checkOpen();
    if (msg[kItem] !== null) throw new Error('The message is already queued');
    const item = new QueueItem(msg, null);
    msg[kItem] = item;
    this.#items.add(item);
    msg.resetResponse();
    this.#requestQueued(msg);
    const easy = (this.#syncEasy ??= this.#newEasy());
    for (;;) {
      if (!this.#prepare(item, easy)) break;
      let code: number = CURLE_OK;
      try {
        easy.perform();
      } catch (error) {
        if (!(error instanceof CurlError)) {
          easy.item = null;
          this.#finish(item, Status.IO_ERROR);
          throw error;
        }
        code = error.errno;
      }
      const headers = item.headerChunks !== null ? Buffer.concat(item.headerChunks) : easy.takeHeaders();
      const body = item.bodyChunks !== null ? Buffer.concat(item.bodyChunks) : easy.takeBody();
      easy.item = null;
      // Cancelled from a handler while libcurl ran it: it has ended (CANCELLED) already.
      if (msg[kItem] !== item || !this.#items.has(item)) break;
      try {
        if (!this.#completed(item, easy, code, body, headers)) break;
      } catch (error) {
        this.#failed(item, error);
        break;
      }
    }
    return msg.statusCode;
  }

  /** soup_session_cancel_message: finishes `msg` with `status` now; its callback runs before this returns. */
  cancelMessage(msg: Message, status: number = Status.CANCELLED): void {
    const item = msg[kItem] as QueueItem | null;
    if (item === null || !this.#items.has(item)) return;
    if (item.state === 'finishing') {
      item.requeue = false;
      msg.setStatus(status);
      return;
    }
    this.#detach(item);
    item.stream?.destroy(new SessionError(status, undefined, msg));
    this.#finish(item, status);
  }

  /** soup_session_pause_message: stops reading (and sending) until unpauseMessage. */
  pauseMessage(msg: Message): void {
    const item = msg[kItem] as QueueItem | null;
    if (item === null || item.paused) return;
    item.paused = true;
    const easy = item.easy;
    if (easy === null || easy === this.#syncEasy) return;
    if (easy instanceof IoThreadEasy) return; // runs on; its completion waits for unpauseMessage (io-thread-route.ts)
    try {
      easy.pause(CURLPAUSE_ALL);
    } catch (error) {
      if (!(error instanceof CurlError) || error.errno !== CURLE_BAD_FUNCTION_ARGUMENT) throw error;
      // libcurl 7.88 cannot pause a transfer that has no connection yet. Nothing was sent:
      // take it off libcurl and start it again on unpause.
      this.#detach(item);
      item.state = 'paused';
    }
  }

  /** soup_session_unpause_message. */
  unpauseMessage(msg: Message): void {
    const item = msg[kItem] as QueueItem | null;
    if (item === null || !item.paused) return;
    item.paused = false;
    if (item.state === 'paused') {
      item.state = 'starting';
      if (this.#inCurl > 0) setImmediate(() => this.#items.has(item) && item.easy === null && !item.paused && this.#start(item));
      else this.#start(item);
      return;
    }
    if (item.state === 'authenticating') {
      // Paused in 'authenticate': the auth manager learns the answer may be there.
      const hooks = this.#authHooks(msg);
      try {
        hooks?.unpaused?.(msg);
      } catch (error) {
        reportListenerError(error);
      }
      return;
    }
    if (item.easy instanceof IoThreadEasy) return this.#io!.resume(item.easy);
    if (item.easy !== null && item.easy !== this.#syncEasy) {
      const easy = item.easy;
      if (this.#inCurl > 0) setImmediate(() => easy.item === item && !item.paused && easy.pause(CURLPAUSE_CONT));
      else easy.pause(CURLPAUSE_CONT);
    }
  }

  /** soup_session_abort: cancels every queued message. */
  abort(): void {
    for (const item of this.#items.toArray()) this.cancelMessage(item.msg, Status.CANCELLED);
  }

  /** Aborts, then releases the multi handle and every pooled easy handle. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.abort();
    this.#closed = true;
    for (const easy of this.#pool) easy.close();
    this.#pool.length = 0;
    this.#syncEasy?.close();
    this.#multi.close();
    this.#unlimited?.close();
    this.#io?.close();
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
  }

  /**
   * soup_session_prepare_for_uri: a hint that a request to `uri` may follow. libsoup
   * resolves the host and may connect, and never sends a request; libcurl has no way to open
   * a connection it would then reuse (CONNECT_ONLY connections are not), so curlio checks
   * the URI and sends nothing.
   */
  prepareForUri(uri: string | URL): void {
    this.#checkOpen();
    void new Message('HEAD', uri); // the same TypeError as a message for this URI
  }

  /**
   * soup_session_would_redirect: whether the session would follow msg's redirect by itself
   * (301, 302, 303, 307 or 308 that libsoup follows for msg's method, to a URI with a host
   * and a scheme this session speaks), ignoring MessageFlags.NO_REDIRECT and how many times
   * the message was sent already.
   */
  wouldRedirect(msg: Message): boolean {
    if (!(msg instanceof Message)) throw new TypeError('Expected a Message for msg');
    return wouldRedirectTo(msg, this.#speaks) !== null;
  }

  /**
   * soup_session_redirect_message: follows msg's Location whatever its status, method or
   * NO_REDIRECT flag (GET without a body where the status says so, as libsoup does) and
   * requeues it; false without a Location that is a URI with a host. Past 20 sends the
   * message ends TOO_MANY_REDIRECTS.
   */
  redirectMessage(msg: Message): boolean {
    if (!(msg instanceof Message)) throw new TypeError('Expected a Message for msg');
    const uri = redirectionUri(msg);
    if (uri === null) return false;
    applyRedirect(msg, uri);
    const item = msg[kItem] as QueueItem | null;
    if (item !== null && this.#items.has(item)) item.requeue = true;
    return true;
  }

  // --- the queue -------------------------------------------------------------------------

  #checkOpen(): void {
    if (this.#closed) throw Object.assign(new Error('The session is closed'), { code: 'ERR_SESSION_CLOSED' });
  }

  #applyLimits(multi: Multi = this.#multi): void {
    multi.setopt(CURLMOPT_MAX_TOTAL_CONNECTIONS, this.#maxConns);
    multi.setopt(CURLMOPT_MAX_HOST_CONNECTIONS, this.#maxConnsPerHost);
    multi.setopt(CURLMOPT_MAXCONNECTS, this.#maxConns);
    if (multi === this.#multi) this.#io?.setLimits(this.#maxConns, this.#maxConnsPerHost);
  }

  #newMulti(limited: boolean): Multi {
    const multi = new Multi();
    multi.setopt(CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    if (limited) this.#applyLimits(multi);
    return multi;
  }

  // SoupSession:idle-timeout closes a connection idle that long. libcurl 7.88 only refuses
  // to reuse one older than CURLOPT_MAXAGE_CONN and closes it at the next connect, so once
  // the whole queue has been empty for idleTimeout, the multi handles holding the (then all
  // idle) connections are closed and replaced.
  #becameIdle(): void {
    if (this.#idleTimeout <= 0 || this.#closed) return;
    this.#idleSince = performance.now();
    if (this.#idleTimer === null) this.#armIdleTimer(this.#idleTimeout * 1000);
  }

  #armIdleTimer(ms: number): void {
    this.#idleTimer = setTimeout(this.#idleCheck, ms);
    this.#idleTimer.unref();
  }

  readonly #idleCheck = (): void => {
    this.#idleTimer = null;
    if (this.#closed || this.#items.size > 0) return; // armed again when the queue empties
    const left = this.#idleTimeout * 1000 - (performance.now() - this.#idleSince);
    if (left > 1) return this.#armIdleTimer(left);
    const old = this.#multi;
    this.#multi = this.#newMulti(true);
    old.close();
    this.#unlimited?.close();
    this.#unlimited = null;
    this.#io?.closeConnections();
  };

  // The session's properties a handle is configured from (transfer-setup.ts), read when a
  // handle runs for the first time in a configuration generation.
  #transferSettings(): TransferSettings {
    return {
      version: this.#config,
      userAgent: this.#userAgentFull,
      timeout: this.#timeout,
      idleTimeout: this.#idleTimeout,
      maxBodySize: this.#maxBodySize,
      sslStrict: this.#sslStrict,
      sslCaFile: this.#sslCaFile,
      sslUseSystemCaFile: this.#sslUseSystemCaFile,
      tlsDatabase: this.#tlsDatabase,
    };
  }

  // The URL libcurl gets for `uri` (transfer-setup.ts), or null for a scheme this session does not speak.
  #curlUrl(uri: URL): string | null {
    return curlUrl(uri, this.#httpAliases, this.#httpsAliases);
  }

  // Whether the session speaks `uri`'s scheme: where the redirect handler may go (redirect.ts).
  readonly #speaks = (uri: URL): boolean => this.#curlUrl(uri) !== null;

  #updateExtraHeaders(): void {
    this.#acceptLanguageLine = this.#acceptLanguage ? `Accept-Language: ${this.#acceptLanguage}` : null;
  }

  #newEasy(): PooledEasy {
    return new PooledEasy();
  }

  // A handle back to its pool: the session's, or the I/O-thread route's.
  #release(easy: PooledEasy): void {
    if (easy instanceof IoThreadEasy) this.#io!.release(easy);
    else this.#pool.push(easy);
  }

  #start(item: QueueItem): void {
    if (item.paused) {
      // Nothing was sent yet: a paused message waits here for unpauseMessage().
      item.state = 'paused';
      return;
    }
    // ioThread: a transfer that needs no JavaScript meanwhile goes to the I/O thread (io-thread-route.ts).
    const io = this.#io !== null && this.#io.takes(item, this) ? this.#io : null;
    const easy = io !== null ? io.take() : (this.#pool.pop() ?? this.#newEasy());
    let ok: boolean;
    try {
      ok = this.#prepare(item, easy);
    } catch (error) {
      this.#release(easy);
      easy.item = null;
      item.easy = null;
      throw error;
    }
    if (!ok) {
      this.#release(easy);
      return;
    }
    item.multi = null;
    if (io !== null && io.start(easy as IoThreadEasy, item)) return;
    // IGNORE_CONNECTION_LIMITS: a multi handle without maxConns / maxConnsPerHost.
    const multi = (item.msg[kFlags] & MessageFlags.IGNORE_CONNECTION_LIMITS) === 0 ? this.#multi : (this.#unlimited ??= this.#newMulti(false));
    item.multi = multi;
    multi.startTransfer(easy, this.#transferDone);
  }

  // Sets the options of one request on `easy`: the session's when they changed since this
  // handle last ran, then the message's. false: the message finished without a transfer.
  #prepare(item: QueueItem, easy: PooledEasy): boolean {
    const msg = item.msg;
    // A canonical http(s) URI string goes to libcurl as it is: no URL object is made for it.
    const url = msg[kPlainHref] ?? this.#curlUrl(msg.uri);
    if (url === null) {
      this.#finish(item, Status.MALFORMED);
      return false;
    }
    // Timings are read lazily from the handle: once it runs another message (run changes),
    // the last one's are gone (null).
    easy.item = item;
    easy.run++;
    item.easy = easy;
    item.state = 'running';
    if (easy.configVersion !== this.#config) configureEasy(easy, this.#transferSettings());
    // Waiting for a connection that can multiplex only pays off where one may (HTTP/2 over
    // TLS); for plain http libcurl 7.88 would hold every other new transfer to the host
    // until one finishes.
    const https = url.startsWith('https:');
    easy.setTarget(url, https ? 1 : 0);
    item.https = https;

    // Method and body. A GET without a body on a handle whose last run was one too needs
    // nothing: the whole block is skipped (the common case of a pooled handle).
    const body = msg.requestBody;
    const method = msg.method;
    item.reader = null;
    const plainGet = body === null && method === 'GET';
    if (!(plainGet && easy.plainMethod)) {
      item.reader = setMethod(easy, msg, method, body);
      easy.plainMethod = plainGet;
    }

    // Proxy, then authentication (which may set Authorization headers on the message).
    const proxy = this.#proxyUri ?? (this.#proxyResolver !== null && this.#isEnabled(this.#proxyResolver, msg) ? this.#proxyResolver.resolveFor(msg) : null);
    item.proxy = proxy;
    const auth = this.#authHooks(msg);
    const credentials = auth === null ? null : (auth.requestStarted(msg, proxy) ?? null);

    // The ContentDecoder, unless the message disabled it (soup_message_disable_feature):
    // libcurl decodes, and its Accept-Encoding goes out unless the request has one of its
    // own (libcurl leaves its own out in both cases: see ContentDecoder.headerLine).
    const decoder = this.#decoder !== null && this.#isEnabled(this.#decoder, msg) ? this.#decoder : null;
    item.decoding = decoder !== null;
    easy.setAcceptEncoding(decoder !== null ? decoder.acceptEncoding : null);
    // Headers: the message's, then the session's and the features'. Without any, the same
    // list every time (its identity tells the pooled handle that nothing changed).
    const headers = msg[kRequestHeaders];
    if (body === null && (headers === null || headers.size === 0) && this.#acceptLanguageLine === null && this.#headerFeatures.length === 0) {
      easy.setHeaders(CURLOPT_HTTPHEADER, decoder !== null ? decoder.headerLines : NO_LINES, true);
    } else {
      const lines = requestHeaderLines(msg, body, this.#acceptLanguageLine);
      for (const f of this.#headerFeatures) if (this.#isEnabled(f, msg)) f.prepareRequest!(this, msg, lines);
      if (decoder !== null && !hasAcceptEncoding(lines)) lines.push(decoder.headerLine);
      easy.setHeaders(CURLOPT_HTTPHEADER, lines);
    }

    setProxyAndCredentials(easy, proxy, credentials);
    setConnectionReuse(easy, msg);

    // JavaScript callbacks only for what someone listens to.
    const wantChunks = item.stream !== null || item.streamResolve !== null || hasListeners(msg, 'got-chunk');
    const wantHeaders = wantChunks || hasListeners(msg, 'got-headers');
    // A body that goes to JavaScript chunk by chunk crosses once per libcurl write: 64 KiB
    // writes instead of libcurl's 16 KiB are a quarter of the crossings and stream pushes
    // (bench/PROFILE.md, "Streamed bodies"). libcurl frees the buffer when the transfer ends.
    setBufferSize(easy, wantChunks ? STREAMED_BUFFER_SIZE : LIBCURL_BUFFER_SIZE);
    // wrote-headers / wrote-body: libcurl tells what it sends only through its debug callback.
    const wantWrote = hasListeners(msg, 'wrote-headers') || hasListeners(msg, 'wrote-body');
    const wantPrereq = hasListeners(this, 'request-started') || hasListeners(this, 'connection-created') || hasListeners(this, 'tunneling');
    item.gotHeaders = false;
    // This attempt's callback state, in the item's QueueItemMore: made only for a message
    // that gets a callback (or has one from an earlier attempt, or a stream).
    const more = wantHeaders || wantWrote || wantPrereq ? item.extra() : item.more;
    if (more !== null) {
      more.headerChunks = wantHeaders ? [] : null;
      more.bodyChunks = wantChunks ? [] : null;
      more.blockStart = 0;
      more.headerBytes = 0;
      more.trailers = false;
      more.bodyBytes = 0;
      more.failure = null;
      more.connects = 0;
      more.wrote = 0;
      if (wantWrote) {
        more.bodySent = 0;
        more.bodyLength = body === null ? 0 : Buffer.isBuffer(body) ? body.length : (msg.requestHeaders.contentLength ?? -1);
      }
    }
    // The callbacks are made once per handle, so the same wishes mean the same options.
    const mask = (wantHeaders ? 1 : 0) | (wantChunks ? 2 : 0) | (wantWrote ? 4 : 0) | (wantPrereq ? 8 : 0);
    if (mask !== easy.callbackMask) {
      easy.set(CURLOPT_HEADERFUNCTION, wantHeaders ? this.#callbacks.headerFunction(easy) : null);
      easy.set(CURLOPT_WRITEFUNCTION, wantChunks ? this.#callbacks.writeFunction(easy) : null);
      if (wantWrote) {
        easy.set(CURLOPT_DEBUGFUNCTION, this.#callbacks.debugFunction(easy));
        easy.set(CURLOPT_VERBOSE, 1);
      } else if (easy.current(CURLOPT_DEBUGFUNCTION) != null) {
        easy.set(CURLOPT_DEBUGFUNCTION, null);
        easy.set(CURLOPT_VERBOSE, process.env.CURLIO_VERBOSE ? 1 : 0);
      }
      easy.set(CURLOPT_PREREQFUNCTION, wantPrereq ? this.#callbacks.prereqFunction(easy) : null);
      easy.callbackMask = mask;
    }
    if (!wantPrereq) emit1(this, 'request-started', msg);
    return true;
  }


  // The native driver's completion for a pooled handle, with the slots Multi decoded
  // (multi.ts, Done): one handler for every pooled handle (the handle comes with the
  // result), not a closure and a context on each of them.
  readonly #transferDone: TransferHandler = (result, body, headers, error, responseCode, handle) => {
    const easy = handle as PooledEasy;
    const item = easy.item as QueueItem | null;
    easy.item = null;
    if (!this.#closed) this.#release(easy);
    if (item === null) return; // cancelled while libcurl still ran it
    item.easy = null;
    const rawHeaders = item.headerChunks !== null ? Buffer.concat(item.headerChunks) : (headers ?? EMPTY);
    const rawBody = item.bodyChunks !== null ? (item.bodyChunks.length === 1 ? item.bodyChunks[0] : Buffer.concat(item.bodyChunks)) : (body ?? EMPTY);
    if (error !== undefined && result === CURLE_OK) result = -1;
    if (item.reader?.error !== undefined) error = item.reader.error;
    try {
      if (this.#completed(item, easy, result, rawBody, rawHeaders, responseCode) && !this.#closed) {
        this.#start(item);
      }
    } catch (error) {
      // Nothing may escape into the native driver's completion: the message ends here.
      this.#failed(item, error);
    }
  };

  // An exception from the session's own work on `item` (not a listener's): it surfaces as
  // a listener's does, and the message ends with IO_ERROR unless it has ended already.
  #failed(item: QueueItem, error: unknown): void {
    reportListenerError(error);
    if (!this.#items.has(item) || item.msg[kItem] !== item || item.state === 'finishing') return;
    this.#detach(item);
    try {
      this.#finish(item, Status.IO_ERROR);
    } catch (again) {
      reportListenerError(again);
    }
  }

  // A transfer of `item` ended. true: run it again (redirect, authentication, requeue).
  #completed(item: QueueItem, easy: PooledEasy, result: number, rawBody: Buffer, rawHeaders: Buffer, responseCode = 0): boolean {
    const msg = item.msg;
    msg[kSetTimingsSource](easy);
    // A proxy that refuses CONNECT fails the transfer (CURLE_RECV_ERROR) in libcurl; in
    // libsoup the tunnel's reply is the message's response (a 407 is an authentication round
    // like any other): carry on with the CONNECT reply (its block is the last in rawHeaders).
    if (result !== CURLE_OK && item.proxy !== null && item.https && easy.getinfo<number>(CURLINFO_HTTP_CONNECTCODE) >= 400) {
      result = CURLE_OK;
    }
    if (result !== CURLE_OK && item.failure === null && this.#tryAgain(item, easy, result, rawHeaders)) return this.#restart(item);
    if (result !== CURLE_OK) msg[kSetTransportError](result < 0 ? CURLE_ABORTED_BY_CALLBACK : result, easy.errorBuffer(), item.reader?.error);
    if (result !== CURLE_OK || item.failure !== null) {
      let status: number;
      let reason: string | undefined;
      if (item.failure !== null) ({ status, reason } = item.failure);
      else if (result === CURLE_FILESIZE_EXCEEDED) {
        // The native bound (Easy#maxBodySize) on the decoded body.
        status = Status.IO_ERROR;
        reason = bodyTooLarge(this.#maxBodySize);
      } else status = result === CURLE_TOO_MANY_REDIRECTS ? Status.TOO_MANY_REDIRECTS : statusForCurlCode(result, item.proxy !== null);
      item.stream?.destroy(new SessionError(status, reason, msg));
      this.#finish(item, status, reason);
      return false;
    }
    // A chunked body whose last chunk libcurl sent without a DATA_OUT after the reader's end.
    if (item.more !== null && item.more.wrote === 1 && item.more.bodyLength < 0 && item.reader?.ended === true) this.#callbacks.wrote(item, 2);
    msg[kSetResponse](rawHeaders, rawBody, responseCode);
    if (item.decoding) msg[kContentDecoded]();
    if (!this.#sslStrict && item.https) msg.tlsErrors = easy.getinfo<number>(CURLINFO_SSL_VERIFYRESULT);
    for (const f of this.#responseFeatures) {
      if (!this.#isEnabled(f, msg)) continue;
      try {
        f.responseReceived!(this, msg);
      } catch (error) {
        reportListenerError(error);
      }
    }
    if (!item.gotHeaders && hasListeners(msg, 'got-headers')) emit0(msg, 'got-headers');
    if (item.state !== 'finishing' && this.#items.has(item)) emit0(msg, 'got-body');
    if (!this.#items.has(item) || msg[kItem] !== item) return false; // cancelled by a handler

    if (item.requeue) return this.#restart(item);
    // Redirects (libsoup's redirect handler runs at got-body).
    const redirect = redirectHandler(msg, this.#speaks);
    if (redirect === 'follow') return this.#restart(item);
    if (redirect === 'malformed') {
      this.#finish(item, Status.MALFORMED, 'Invalid Redirect URL');
      return false;
    }
    // Authentication: the auth manager decides (auth-hooks.ts).
    if (this.#wantsAuth(item)) {
      let again: boolean | Promise<boolean> = false;
      try {
        again = (this.#authHooks(msg) as AuthHooks).unauthorized(msg, item.proxy);
      } catch (error) {
        reportListenerError(error);
      }
      if (!this.#items.has(item) || msg[kItem] !== item) return false; // cancelled meanwhile
      if (again === true) return this.#restart(item);
      if (again !== false) {
        // Answered later (the message was paused in 'authenticate'): it stays queued.
        item.state = 'authenticating';
        again.then(
          (yes) => this.#authSettled(item, yes),
          (error: unknown) => {
            reportListenerError(error);
            this.#authSettled(item, false);
          },
        );
        return false;
      }
    }
    this.#finish(item, msg.statusCode);
    return false;
  }

  // libsoup sends a message again, once, when the kept-alive connection it was sent on dies
  // before any of the response came (SOUP_STATUS_TRY_AGAIN in soup-message-io.c): the server
  // closed it meanwhile, or an HTTP/2 GOAWAY left the stream unprocessed. node:http2 sends
  // one to libcurl 7.88 after about 1000 streams (libcurl resets each finished stream, and
  // nghttp2 takes 1000 resets at 33/s as a rapid-reset attack). Only for a message that
  // may be sent twice: idempotent, with no body or one held in memory.
  #tryAgain(item: QueueItem, easy: PooledEasy, result: number, rawHeaders: Buffer): boolean {
    if (item.retried || item.gotHeaders || rawHeaders.length > 0) return false;
    if (result !== CURLE_HTTP2 && result !== CURLE_HTTP2_STREAM && result !== CURLE_GOT_NOTHING && result !== CURLE_SEND_ERROR && result !== CURLE_RECV_ERROR) return false;
    const msg = item.msg;
    if (!isIdempotent(msg.method) && (msg[kFlags] & MessageFlags.IDEMPOTENT) === 0) return false;
    if (msg.requestBody !== null && !Buffer.isBuffer(msg.requestBody)) return false;
    if (easy.isClosed() || easy.getinfo<number>(CURLINFO_NUM_CONNECTS) !== 0) return false; // a fresh connection that failed: a real failure
    item.retried = true;
    return true;
  }

  #wantsAuth(item: QueueItem): boolean {
    const status = item.msg.statusCode;
    return (status === 401 || (status === 407 && item.proxy !== null)) && this.#authManager !== null && this.#isEnabled(this.#authManager, item.msg);
  }

  // The auth manager's late answer: send the message again, or end it with its 401/407.
  #authSettled(item: QueueItem, again: boolean): void {
    if (item.state !== 'authenticating' || !this.#items.has(item) || item.msg[kItem] !== item || this.#closed) return;
    try {
      if (!again) this.#finish(item, item.msg.statusCode);
      else if (this.#restart(item)) this.#start(item);
    } catch (error) {
      this.#failed(item, error);
    }
  }

  // The authentication hooks for `msg`: the AuthManager's (auth-hooks.ts); null without an
  // AuthManager or with it disabled for the message.
  #authHooks(msg: Message): AuthHooks | null {
    const manager = this.#authManager;
    if (manager === null || !this.#isEnabled(manager, msg)) return null;
    return authHooksOf(manager);
  }

  // soup_session_requeue_message's count: true if `item` may be sent once more. Past the
  // limit a redirect ends TOO_MANY_REDIRECTS, anything else ends with the response it has
  // (libsoup warns "stuck in infinite loop?").
  #mayResend(item: QueueItem): boolean {
    item.requeue = false;
    if (item.resends >= MAX_RESEND_COUNT) {
      if (isRedirection(item.msg.statusCode)) item.msg.setStatus(Status.TOO_MANY_REDIRECTS);
      return false;
    }
    item.resends++;
    return true;
  }

  #restart(item: QueueItem): boolean {
    if (!this.#mayResend(item)) {
      this.#finish(item, item.msg.statusCode);
      return false;
    }
    item.state = 'restarting';
    item.msg.resetResponse();
    emit0(item.msg, 'restarted');
    return this.#items.has(item) && item.msg[kItem] === item;
  }

  // Removes a running transfer from libcurl, now or (from inside a callback) right after.
  #detach(item: QueueItem): void {
    const easy = item.easy;
    item.easy = null;
    if (easy === null) return;
    easy.item = null;
    // sendMessage's handle: its callbacks now abort the transfer (they see no item), and
    // curl_easy_perform returns to sendMessage.
    if (easy === this.#syncEasy) return;
    if (easy instanceof IoThreadEasy) return this.#io!.withdraw(easy);
    const multi = item.multi ?? this.#multi;
    const remove = () => {
      if (easy.item !== null || easy.isClosed() || easy[kTransferHandler] === undefined) return;
      easy[kTransferHandler] = undefined;
      if (multi.isClosed()) {
        // close() ran meanwhile (this was deferred from inside libcurl): the handle is gone.
        easy.close();
        return;
      }
      multi.removeHandle(easy);
      // The native driver may hold its completion already (delivered in this loop turn's
      // check phase, to nobody now): the handle goes back to the pool after that.
      setTimeout(() => {
        if (!this.#closed) this.#pool.push(easy);
        else easy.close();
      }, 0);
    };
    if (this.#inCurl > 0) queueMicrotask(remove);
    else remove();
  }

  // Requeued while finishing: the same queue entry runs again.
  #requeueFinished(item: QueueItem): void {
    item.state = 'restarting';
    item.msg.resetResponse();
    emit0(item.msg, 'restarted');
    if (item.easy === null) setImmediate(() => this.#items.has(item) && item.easy === null && this.#start(item));
  }

  #finish(item: QueueItem, status: number, reason?: string): void {
    const msg = item.msg;
    if (status !== msg.statusCode || statusIsTransportError(status)) msg.setStatus(status, reason);
    item.state = 'finishing';
    if (item.streamWaiting && item.streamReject !== null && statusIsTransportError(status)) {
      item.streamWaiting = false;
      item.streamReject(new SessionError(status, msg.reasonPhrase, msg));
    } else if (item.streamWaiting && item.streamResolve !== null) {
      // The final response never reached got-headers through the stream (no body): hand over what there is.
      item.streamWaiting = false;
      const stream = new ResponseStream(() => undefined);
      stream.push(msg.responseBody.length > 0 ? msg.responseBody : null);
      if (msg.responseBody.length > 0) stream.push(null);
      item.streamResolve(stream);
    }
    item.streamResolve = null;
    item.stream?.push(null);
    emit0(msg, 'finished');
    // Requeued from a 'finished' handler: libsoup runs the queue callback only for the final
    // response.
    if (item.requeue && this.#items.has(item) && !this.#closed && this.#mayResend(item)) return this.#requeueFinished(item);
    if (item.callback !== null) {
      this.#inCurl++;
      try {
        item.callback(this, msg);
      } catch (error) {
        reportListenerError(error);
      } finally {
        this.#inCurl--;
      }
    }
    if (item.statusResolve !== null) {
      const resolve = item.statusResolve;
      item.statusResolve = null;
      resolve(msg.statusCode);
    }
    if (item.requeue && this.#items.has(item) && !this.#closed && this.#mayResend(item)) return this.#requeueFinished(item);
    item.state = 'finished';
    this.#items.delete(item);
    msg[kItem] = null;
    if (this.#items.size === 0) this.#becameIdle();
    for (const f of this.#unqueuedFeatures) {
      if (!this.#isEnabled(f, msg)) continue;
      try {
        f.requestUnqueued!(this, msg);
      } catch (error) {
        reportListenerError(error);
      }
    }
    emit1(this, 'request-unqueued', msg);
  }
}

/**
 * A sendStream failure: the transport status of the message, and as Node errors have it a
 * string `code`: libcurl's ('CURLE_COULDNT_CONNECT') when libcurl failed, 'ABORT_ERR' when
 * the message was cancelled; `cause` is msg.error (the CurlError, with libcurl's reason).
 */
export class SessionError extends Error {
  readonly code: string;
  constructor(
    readonly status: number,
    reason: string | undefined,
    msg?: Message,
  ) {
    const error = msg?.error ?? null;
    const text = reason ? `${reason} (status ${status})` : `status ${status}`;
    super(error !== null ? `${text}: ${error.message} (${msg!.uri.href})` : text, error !== null ? { cause: error } : undefined);
    this.name = 'SessionError';
    this.code = error !== null ? error.code : status === Status.CANCELLED ? 'ABORT_ERR' : 'ERR_SESSION_STATUS';
  }
}

function schemeList(name: string, list: readonly string[] | null): string[] | null {
  if (list === null) return null;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string' && (s === '*' || /^[a-z][a-z0-9+.-]*$/i.test(s)))) {
    throw new TypeError(`Expected an array of URI schemes or null for ${name}`);
  }
  return list.map((s) => s.toLowerCase());
}

// Higher priority first; Array.prototype.sort is stable, so queue order within one priority.
function byPriority(a: QueueItem, b: QueueItem): number {
  return b.msg.priority - a.msg.priority;
}

// Whether the batch has one priority only (the usual case): then it stays in queue order.
function samePriority(items: readonly QueueItem[]): boolean {
  const first = items[0].msg.priority;
  for (let i = 1; i < items.length; i++) if (items[i].msg.priority !== first) return false;
  return true;
}

const RESOLVED = Promise.resolve();

// libcurl refuses CURLOPT_BUFFERSIZE (CURLE_BAD_FUNCTION_ARGUMENT) while the handle still
// holds the receive buffer of a transfer that did not reach its end normally; the size
// then stays what it was, which changes only how the body is cut into chunks.
function setBufferSize(easy: PooledEasy, size: number): void {
  if ((easy.current(CURLOPT_BUFFERSIZE) ?? LIBCURL_BUFFER_SIZE) === size) return;
  try {
    easy.set(CURLOPT_BUFFERSIZE, size);
  } catch {
    // kept: see above
  }
}
/** The request header lines of a message without any (no decoder either). */
const NO_LINES: readonly string[] = Object.freeze([]);

// send()'s promise executor: hands the resolve function over without a closure per call
// (the executor runs synchronously inside the Promise constructor).
let captured: ((status: number) => void) | null = null;
function captureResolve(resolve: (status: number) => void): void {
  captured = resolve;
}

/** Accept-Language from the locale environment, as libsoup builds it from g_get_language_names. */
export function acceptLanguageFromEnvironment(env: NodeJS.ProcessEnv): string {
  const raw = env.LANGUAGE || env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  const langs: string[] = [];
  for (const entry of raw.split(':')) {
    const name = entry.split('.')[0].split('@')[0];
    if (name === '' || name === 'C' || name === 'POSIX') continue;
    const tag = name.replace('_', '-').toLowerCase();
    if (!langs.includes(tag)) langs.push(tag);
    const base = tag.split('-')[0];
    if (!langs.includes(base)) langs.push(base);
  }
  // g_get_language_names always ends with "C", which libsoup skips; nothing else: "en".
  if (langs.length === 0) return 'en';
  return langs.map((l, i) => (i === 0 ? l : `${l};q=${Math.max(0.1, 1 - i * 0.1).toFixed(1)}`)).join(', ');
}

function positiveInteger(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`Expected positive integer for ${name} but received ${n}`);
  return n;
}

function nonNegative(name: string, n: number): number {
  if (typeof n !== 'number' || !(n >= 0) || !Number.isFinite(n)) throw new TypeError(`Expected a non-negative number of seconds for ${name} but received ${n}`);
  return n;
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}

const EMPTY = Buffer.alloc(0);
