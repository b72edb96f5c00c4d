// SoupMessageQueueItem: one message on its way through the session, with libsoup's
// SoupMessageQueueItemState as one explicit state.
import type { Readable } from 'node:stream';
import type { Multi } from '../libcurl/multi';
import type { BodyReader, ResponseStream } from './body-streams';
import type { PooledEasy } from './easy-pool';
import type { Message } from './message';
import type { Session } from './session';

export type QueueCallback = (session: Session, msg: Message) => void;

/**
 * libsoup's SoupMessageQueueItemState, as this session passes through it:
 * - 'starting': queued, waiting for its batch (the next microtask) to go to libcurl;
 * - 'running': on libcurl (or in sendMessage's curl_easy_perform), until its completion is read;
 * - 'paused': paused before libcurl had a connection for it, so taken off libcurl (libcurl
 *   7.88 cannot pause it there); started again on unpauseMessage;
 * - 'authenticating': its 401/407 went to the auth manager, whose answer comes later (the
 *   message was paused in 'authenticate'); libsoup keeps such a message 'running' with its
 *   io paused, here the transfer has ended, so the wait is a state of its own;
 * - 'restarting': being sent again (redirect, authentication, requeue, TRY_AGAIN) until
 *   its next transfer starts;
 * - 'finishing': 'finished' and the queue callback run; a requeue from them sends it again;
 * - 'finished': off the queue (msg[kItem] is null again).
 */
export type QueueItemState = 'starting' | 'running' | 'paused' | 'authenticating' | 'restarting' | 'finishing' | 'finished';

/**
 * What an item needs only for a message with listeners during its transfer (got-headers,
 * got-chunk, wrote-*, the session's request-started / connection-created / tunneling), a
 * sendStream, or a limit a callback hit: made on first need (QueueItem#more), so a plain
 * send() keeps none of it. At 10,000 messages in flight every field of QueueItem is 80 KB.
 */
export class QueueItemMore {
  /** The header blocks as libcurl handed them over (HEADERFUNCTION), or null when not collected. */
  headerChunks: Buffer[] | null = null;
  /** The body chunks (WRITEFUNCTION), or null when not collected. */
  bodyChunks: Buffer[] | null = null;
  /** Where the header block being read starts in headerChunks, and its bytes so far. */
  blockStart = 0;
  blockBytes = 0;
  /** Header bytes of this attempt, 1xx blocks and trailers included. */
  headerBytes = 0;
  /** The final response's trailer section is being read (libsoup 2 ignores trailers). */
  trailers = false;
  /** Response body bytes of this attempt as delivered (decoded), counted against maxBodySize. */
  bodyBytes = 0;
  /** Why the session aborted this attempt from a callback (a limit): the message's end. */
  failure: { status: number; reason: string } | null = null;
  stream: ResponseStream | null = null;
  streamResolve: ((stream: Readable) => void) | null = null;
  streamReject: ((error: Error) => void) | null = null;
  streamWaiting = false;
  connects = 0;
  /** wrote-headers / wrote-body of this attempt: 0 neither, 1 headers, 2 both. */
  wrote = 0;
  /** Request body bytes libcurl sent in this attempt, and how many there are (-1: unknown). */
  bodySent = 0;
  bodyLength = 0;
  /** The streamed request body's reader of this attempt (null: none, or a body in memory). */
  reader: BodyReader | null = null;
}

// QueueItem's yes/no fields, as bits of one field.
const REQUEUE = 1;
const PAUSED = 2;
const RETRIED = 4;
const HTTPS = 8;
const GOT_HEADERS = 16;
const DECODING = 32;
/** Above the yes/no bits: the resend count. */
const RESENDS_SHIFT = 8;
const FLAG_BITS = (1 << RESENDS_SHIFT) - 1;

/**
 * One message on its way through the session. Only what every message needs is a field of
 * its own; the yes/no fields share one (`#bits`), and what only messages with listeners or a
 * stream need is in QueueItemMore, made on first need: the accessors read the defaults
 * without it, and storing a default where there is none allocates nothing.
 */
export class QueueItem {
  /** The queue holding the item (null once off it), and its neighbours there. */
  queue: MessageQueue | null = null;
  prev: QueueItem | null = null;
  next: QueueItem | null = null;
  easy: PooledEasy | null = null;
  /** Where the message is in its life: one state at a time (see QueueItemState). */
  state: QueueItemState = 'starting';
  /** The multi handle running it (the session's, or the one without connection limits). */
  multi: Multi | null = null;
  proxy: string | null = null;
  /** send()'s promise: settled with the status once the message finished. */
  statusResolve: ((status: number) => void) | null = null;
  /** The fields of messages with listeners or a stream, or null (see QueueItemMore). */
  more: QueueItemMore | null = null;
  #bits = 0;
  constructor(
    readonly msg: Message,
    public callback: QueueCallback | null,
  ) {}

  /** QueueItemMore, made now if it was not. */
  extra(): QueueItemMore {
    return (this.more ??= new QueueItemMore());
  }

  #flag(bit: number, on: boolean): void {
    this.#bits = on ? this.#bits | bit : this.#bits & ~bit;
  }

  /**
   * requeueMessage / redirectMessage was called: send it again once this response is done.
   * Not a state: the application asks while the item is running or finishing, and the
   * item carries on in that state until the response is done.
   */
  get requeue(): boolean {
    return (this.#bits & REQUEUE) !== 0;
  }
  set requeue(on: boolean) {
    this.#flag(REQUEUE, on);
  }
  /**
   * pauseMessage was called (until unpauseMessage): libcurl holds a running transfer
   * paused, so the item stays 'running'; only one not on libcurl yet is 'paused'.
   */
  get paused(): boolean {
    return (this.#bits & PAUSED) !== 0;
  }
  set paused(on: boolean) {
    this.#flag(PAUSED, on);
  }
  /** Restarted once already because its reused connection died before any response (libsoup's TRY_AGAIN). */
  get retried(): boolean {
    return (this.#bits & RETRIED) !== 0;
  }
  set retried(on: boolean) {
    this.#flag(RETRIED, on);
  }
  /** Whether libcurl speaks https for it (https, wss, or an https alias). */
  get https(): boolean {
    return (this.#bits & HTTPS) !== 0;
  }
  set https(on: boolean) {
    this.#flag(HTTPS, on);
  }
  /** The final response's headers arrived in this attempt (got-headers). */
  get gotHeaders(): boolean {
    return (this.#bits & GOT_HEADERS) !== 0;
  }
  set gotHeaders(on: boolean) {
    this.#flag(GOT_HEADERS, on);
  }
  /** Whether libcurl decodes this attempt's response (the ContentDecoder is on for it). */
  get decoding(): boolean {
    return (this.#bits & DECODING) !== 0;
  }
  set decoding(on: boolean) {
    this.#flag(DECODING, on);
  }

  /** How often the message was sent again (libsoup's resend_count, at most 20). */
  get resends(): number {
    return this.#bits >>> RESENDS_SHIFT;
  }
  set resends(n: number) {
    this.#bits = (this.#bits & FLAG_BITS) | (n << RESENDS_SHIFT);
  }

  // QueueItemMore's fields, read as their defaults while there is none.
  get reader(): BodyReader | null {
    return this.more === null ? null : this.more.reader;
  }
  set reader(reader: BodyReader | null) {
    if (reader !== null || this.more !== null) this.extra().reader = reader;
  }
  get headerChunks(): Buffer[] | null {
    return this.more === null ? null : this.more.headerChunks;
  }
  get bodyChunks(): Buffer[] | null {
    return this.more === null ? null : this.more.bodyChunks;
  }
  get failure(): { status: number; reason: string } | null {
    return this.more === null ? null : this.more.failure;
  }
  set failure(failure: { status: number; reason: string } | null) {
    if (failure !== null || this.more !== null) this.extra().failure = failure;
  }
  get stream(): ResponseStream | null {
    return this.more === null ? null : this.more.stream;
  }
  get streamResolve(): ((stream: Readable) => void) | null {
    return this.more === null ? null : this.more.streamResolve;
  }
  set streamResolve(resolve: ((stream: Readable) => void) | null) {
    if (resolve !== null || this.more !== null) this.extra().streamResolve = resolve;
  }
  get streamReject(): ((error: Error) => void) | null {
    return this.more === null ? null : this.more.streamReject;
  }
  get streamWaiting(): boolean {
    return this.more !== null && this.more.streamWaiting;
  }
  set streamWaiting(on: boolean) {
    if (on || this.more !== null) this.extra().streamWaiting = on;
  }
  get wrote(): number {
    return this.more === null ? 0 : this.more.wrote;
  }
}

/**
 * SoupMessageQueue: the session's queued items in queueing order, linked through the items
 * themselves (libsoup's queue is a linked list too), so queueing and unqueueing allocate
 * nothing and membership is one field (a Set hashed, grew and rehashed on every message).
 */
export class MessageQueue {
  #head: QueueItem | null = null;
  #tail: QueueItem | null = null;
  /** How many items are queued. */
  size = 0;

  add(item: QueueItem): void {
    if (item.queue !== null) return;
    item.queue = this;
    item.prev = this.#tail;
    item.next = null;
    if (this.#tail !== null) this.#tail.next = item;
    else this.#head = item;
    this.#tail = item;
    this.size++;
  }

  has(item: QueueItem): boolean {
    return item.queue === this;
  }

  delete(item: QueueItem): boolean {
    if (item.queue !== this) return false;
    if (item.prev !== null) item.prev.next = item.next;
    else this.#head = item.next;
    if (item.next !== null) item.next.prev = item.prev;
    else this.#tail = item.prev;
    item.queue = item.prev = item.next = null;
    this.size--;
    return true;
  }

  /** The items now, in queueing order (a copy: the queue may change while it is walked). */
  toArray(): QueueItem[] {
    const out: QueueItem[] = [];
    for (let item = this.#head; item !== null; item = item.next) out.push(item);
    return out;
  }
}
