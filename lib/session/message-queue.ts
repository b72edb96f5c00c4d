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

export class QueueItem {
  /** The queue holding the item (null once off it), and its neighbours there. */
  queue: MessageQueue | null = null;
  prev: QueueItem | null = null;
  next: QueueItem | null = null;
  easy: PooledEasy | null = null;
  /** Where the message is in its life: one state at a time (see QueueItemState). */
  state: QueueItemState = 'starting';
  /**
   * requeueMessage / redirectMessage was called: send it again once this response is done.
   * Not a state: the application asks while the item is running or finishing, and the
   * item carries on in that state until the response is done.
   */
  requeue = false;
  /**
   * pauseMessage was called (until unpauseMessage): libcurl holds a running transfer
   * paused, so the item stays 'running'; only one not on libcurl yet is 'paused'.
   */
  paused = false;
  /** How often the message was sent again (libsoup's resend_count). */
  resends = 0;
  /** The multi handle running it (the session's, or the one without connection limits). */
  multi: Multi | null = null;
  /** Restarted once already because its reused connection died before any response (libsoup's TRY_AGAIN). */
  retried = false;
  /** Whether libcurl speaks https for it (https, wss, or an https alias). */
  https = false;
  proxy: string | null = null;
  headerChunks: Buffer[] | null = null;
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
  bodyChunks: Buffer[] | null = null;
  gotHeaders = false;
  stream: ResponseStream | null = null;
  streamResolve: ((stream: Readable) => void) | null = null;
  streamReject: ((error: Error) => void) | null = null;
  streamWaiting = false;
  /** Whether libcurl decodes this attempt's response (the ContentDecoder is on for it). */
  decoding = false;
  /** send()'s promise: settled with the status once the message finished. */
  statusResolve: ((status: number) => void) | null = null;
  connects = 0;
  reader: BodyReader | null = null;
  /** wrote-headers / wrote-body of this attempt: 0 neither, 1 headers, 2 both. */
  wrote = 0;
  /** Request body bytes libcurl sent in this attempt, and how many there are (-1: unknown). */
  bodySent = 0;
  bodyLength = 0;
  constructor(
    readonly msg: Message,
    public callback: QueueCallback | null,
  ) {}
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
