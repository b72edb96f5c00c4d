// The I/O-thread route (SessionOptions.ioThread): a message whose transfer needs no
// JavaScript while it runs goes to a second multi, an IoThreadMulti, whose libcurl runs on a
// native thread of its own (binding/curl/io_thread.cc); everything else stays on the
// session's Multi. The session does the same work before and after a transfer either way
// (transfer set-up, redirects, authentication, cookies, signals): only where libcurl runs
// the transfer differs.
import type { EventEmitter } from 'node:events';
import { kTransferHandler, type TransferHandler } from '../libcurl/easy';
import { IoThreadMulti } from '../libcurl/io-thread-multi';
import { CURLMOPT_MAXCONNECTS, CURLMOPT_MAX_HOST_CONNECTIONS, CURLMOPT_MAX_TOTAL_CONNECTIONS, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX } from '../libcurl/constants.generated';
import { PooledEasy } from './easy-pool';
import { kFlags, MessageFlags } from './message';
import type { QueueItem } from './message-queue';

/**
 * A pooled handle of the I/O-thread route. IoThreadMulti refuses a handle that ever held a
 * JavaScript callback, so these never get one: they live in a pool of their own, apart from
 * the session's handles (which get header, write, debug and prereq callbacks as messages ask).
 */
export class IoThreadEasy extends PooledEasy {}

/** SessionOptions.ioThread's default: off, unless CURLIO_SESSION_IO_THREAD=1 (for running the Session tests on the route). */
export function ioThreadByDefault(): boolean {
  return process.env.CURLIO_SESSION_IO_THREAD === '1';
}

/**
 * Whether the next transfer of `item` needs no JavaScript while it runs: the same wishes
 * Session's #prepare turns into callbacks (a header, write, debug or prereq function), all
 * absent, and a request body in memory or none (a stream is read through READFUNCTION).
 * Messages flagged IGNORE_CONNECTION_LIMITS keep their own unlimited multi.
 */
export function needsNoJavaScript(item: QueueItem, session: EventEmitter): boolean {
  if (item.stream !== null || item.streamResolve !== null) return false; // sendStream
  const msg = item.msg;
  if (
    msg.listenerCount('got-chunk') > 0 ||
    msg.listenerCount('got-headers') > 0 ||
    msg.listenerCount('wrote-headers') > 0 ||
    msg.listenerCount('wrote-body') > 0 ||
    session.listenerCount('request-started') > 0 ||
    session.listenerCount('connection-created') > 0 ||
    session.listenerCount('tunneling') > 0
  ) {
    return false;
  }
  const body = msg.requestBody;
  if (body !== null && !Buffer.isBuffer(body)) return false;
  return (msg[kFlags] & MessageFlags.IGNORE_CONNECTION_LIMITS) === 0;
}

/**
 * The second multi and its handles. Connections are the multi's: the two multis of a
 * session do not share them (a host reached by both routes gets connections from each,
 * each within the session's limits).
 */
export class IoThreadRoute {
  /** Whether new transfers may take the route (Session.ioThread); those running finish either way. */
  enabled = true;
  #multi: IoThreadMulti | null = null;
  readonly #pool: IoThreadEasy[] = [];
  #maxConns = 0;
  #maxConnsPerHost = 0;
  /**
   * Completions of paused messages. A routed transfer cannot stop mid-way (its bytes never
   * pass through JavaScript, so nobody would see them anyway): it runs to its end on the I/O
   * thread, and its completion waits here until unpauseMessage, so a paused message does not
   * finish while paused, as in libsoup.
   */
  readonly #held = new Map<IoThreadEasy, Parameters<TransferHandler>>();

  /** `done`: the session's completion handler, as for its own multi's transfers. */
  constructor(private readonly done: TransferHandler) {}

  /** The session's maxConns / maxConnsPerHost, applied as on its Multi (Session's #applyLimits). */
  setLimits(maxConns: number, maxConnsPerHost: number): void {
    this.#maxConns = maxConns;
    this.#maxConnsPerHost = maxConnsPerHost;
    if (this.#multi !== null) this.#applyLimits(this.#multi);
  }

  /** Whether `item`'s next transfer goes here. */
  takes(item: QueueItem, session: EventEmitter): boolean {
    return this.enabled && needsNoJavaScript(item, session);
  }

  /** A handle for a routed transfer: a pooled one, or a new one. */
  take(): IoThreadEasy {
    return this.#pool.pop() ?? new IoThreadEasy();
  }

  /**
   * Back to the pool, unless it is closed, or it got a callback after all (a handle that
   * ran on the session's multi instead, see start()): IoThreadMulti would refuse it forever.
   */
  release(easy: IoThreadEasy): void {
    if (easy.isClosed()) return;
    if (easy.callbackMask > 0) easy.close();
    else this.#pool.push(easy);
  }

  /**
   * Hands `easy`, set up by Session's #prepare, to the I/O thread. false: set-up gave it a
   * JavaScript callback or a body reader after all (a listener added by a feature's hook
   * meanwhile); the caller runs it on its own multi, and release() closes it afterwards.
   */
  start(easy: IoThreadEasy, item: QueueItem): boolean {
    if (easy.callbackMask > 0 || item.reader !== null) return false;
    const multi = (this.#multi ??= this.#newMulti());
    multi.startTransfer(easy, this.#delivered);
    return true;
  }

  /**
   * Takes back a routed transfer the session gave up (cancelMessage, an abort signal, a
   * deadline, Session.close): a held completion is dropped; a running transfer is withdrawn
   * by closing its handle (IoThreadMulti's only way back), and its completion, which then
   * comes with CURLE_ABORTED_BY_CALLBACK, finds no queue item. Call it with easy.item null.
   */
  withdraw(easy: IoThreadEasy): void {
    if (this.#held.delete(easy)) {
      this.release(easy);
      return;
    }
    if (easy[kTransferHandler] !== undefined) easy.close();
  }

  /** unpauseMessage: a completion held while the message was paused is delivered (on the next loop turn, out of the caller's stack). */
  resume(easy: IoThreadEasy): void {
    if (!this.#held.has(easy)) return;
    setImmediate(() => {
      const completion = this.#held.get(easy);
      if (completion === undefined || (easy.item as QueueItem | null)?.paused === true) return;
      this.#held.delete(easy);
      this.done(...completion);
    });
  }

  /** Idle timeout: the connections go with the multi; the next routed transfer makes a new one. */
  closeConnections(): void {
    const multi = this.#multi;
    this.#multi = null;
    multi?.close();
  }

  /** Session.close (after abort(): nothing is in flight or held any more). Idempotent. */
  close(): void {
    for (const easy of this.#held.keys()) easy.close();
    this.#held.clear();
    for (const easy of this.#pool) easy.close();
    this.#pool.length = 0;
    this.closeConnections();
  }

  // One handler for every routed transfer: a paused message's completion waits.
  readonly #delivered: TransferHandler = (...completion) => {
    const easy = completion[5] as IoThreadEasy;
    const item = easy.item as QueueItem | null;
    if (item !== null && item.paused) {
      this.#held.set(easy, completion);
      return;
    }
    this.done(...completion);
  };

  #newMulti(): IoThreadMulti {
    const multi = new IoThreadMulti();
    multi.setopt(CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    this.#applyLimits(multi);
    return multi;
  }

  #applyLimits(multi: IoThreadMulti): void {
    if (this.#maxConns === 0) return;
    multi.setopt(CURLMOPT_MAX_TOTAL_CONNECTIONS, this.#maxConns);
    multi.setopt(CURLMOPT_MAX_HOST_CONNECTIONS, this.#maxConnsPerHost);
    multi.setopt(CURLMOPT_MAXCONNECTS, this.#maxConns);
  }
}
