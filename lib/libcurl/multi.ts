// Multi: many transfers on one thread (CURLM *), object style. Without a
// CURLMOPT_SOCKETFUNCTION the native driver runs it (binding/curl/multi.cc) and
// finished transfers arrive in one call per loop turn; with one, the application drives
// it with socketAction, as in C.
import { markAsUntransferable } from 'node:worker_threads';
import { NativeMulti, multiMethods } from './binding';
import { check, CurlError } from './errors';
import { DoneSlot, MultiState } from './multi-state';
import { bufferForObjectLayer } from './c-defaults';
import { Easy, kTransferHandler, kTransferOwner, type TransferHandler } from './easy';
import type { SocketCallback, TimerCallback } from './callbacks';
import {
  CURLE_ABORTED_BY_CALLBACK,
  CURLM_ADDED_ALREADY,
  CURLMOPT_SOCKETDATA,
  CURLMOPT_SOCKETFUNCTION,
  CURLMOPT_TIMERDATA,
  CURLMOPT_TIMERFUNCTION,
  CURLMSG_DONE,
  CURL_POLL_REMOVE,
  CURL_SOCKET_TIMEOUT,
  type MultiOption,
  type MultiOptionValueTypes,
} from './constants.generated';

/** curl_multi_info_read's CURLMsg. `error` is what a JavaScript callback of the transfer threw. */
export interface CURLMsg {
  msg: number;
  easy_handle: Easy;
  data: { result: number };
  error?: unknown;
}

/** A transfer that finished with CURLE_OK, as Multi.perform resolves it. */
export interface PerformResult {
  easy: Easy;
  /** CURLINFO_RESPONSE_CODE (0 when there was no response). */
  status: number;
  /** The body, when no CURLOPT_WRITEFUNCTION took it. */
  body: Buffer;
  /** The raw header lines, when no CURLOPT_HEADERFUNCTION took them. */
  headers: Buffer;
}

/** @internal curl_multi_setopt and curl_multi_assign, returning the CURLMcode (functions.ts). */
export const kSetopt = Symbol('curlio.multi.setopt');
export const kAssign = Symbol('curlio.multi.assign');

export class Multi extends NativeMulti {
  /** @internal written by the native side; slots named by MultiState (multi-state.ts). */
  readonly state: Int32Array;
  /** Called for finished transfers added with addHandle() when the native driver runs them. */
  onMessage: ((msg: CURLMsg) => void) | undefined = undefined;
  /** How many times the native driver called into JavaScript with finished transfers. */
  deliveries = 0;
  #listening = false;
  /** curl_multi_add_handle bound to this multi (binding/curl/multi.cc AddHandleFunction). */
  readonly #addHandle: (easy: Easy, autoRemove: boolean) => number;
  /** The native driver's slab pool last seen (#onDone). */
  #slab: ArrayBuffer | undefined = undefined;
  /** Transfers started with startTransfer() whose handler has not run yet. */
  readonly #transfers = new Set<Easy>();
  // The application's socket and timer functions, their CURLMOPT_*DATA and the values
  // assigned to sockets stay here, in JavaScript: the native side calls the two
  // dispatchers below with only what libcurl gave it, and storing or fetching a JavaScript
  // value from C++ costs a napi call each (about a thousand instructions).
  #socketFunction: SocketCallback | null = null;
  #socketData: unknown = undefined;
  #timerFunction: TimerCallback | null = null;
  #timerData: unknown = undefined;
  readonly #assigned = new Map<number, unknown>();
  readonly #onSocket = (easy: Easy | null, s: number, what: number): number | void => {
    try {
      return (this.#socketFunction as SocketCallback)(easy as Easy, s, what, this.#socketData, this.#assigned.get(s));
    } finally {
      if (what === CURL_POLL_REMOVE) this.#assigned.delete(s); // libcurl forgets the socket now
    }
  };
  readonly #onTimer = (timeoutMs: number): number | void => (this.#timerFunction as TimerCallback)(this, timeoutMs, this.#timerData);

  constructor() {
    const state = new Int32Array(MultiState.length);
    // The native side keeps a pointer into this memory: transferring the buffer away
    // (postMessage, structuredClone with `transfer`) would leave it writing to freed memory.
    markAsUntransferable(state.buffer);
    super(state);
    this.state = state;
    this.#addHandle = multiMethods.addHandleFunction.call(this);
  }

  /** curl_multi_setopt; the value's type follows the option. */
  setopt<O extends MultiOption>(option: O, value: MultiOptionValueTypes[O]): this {
    check('multi', this[kSetopt](option, value));
    return this;
  }

  /** @internal */
  [kSetopt](option: number, value: unknown): number {
    // The native side checks the value (and that the multi is open) before anything is kept.
    const fn = typeof value === 'function';
    if (option === CURLMOPT_SOCKETFUNCTION) {
      const code = multiMethods.setopt.call(this, option, fn ? this.#onSocket : value);
      if (code === 0) this.#socketFunction = fn ? (value as SocketCallback) : null;
      return code;
    }
    if (option === CURLMOPT_TIMERFUNCTION) {
      const code = multiMethods.setopt.call(this, option, fn ? this.#onTimer : value);
      if (code === 0) this.#timerFunction = fn ? (value as TimerCallback) : null;
      return code;
    }
    const code = multiMethods.setopt.call(this, option, option === CURLMOPT_SOCKETDATA || option === CURLMOPT_TIMERDATA ? undefined : value);
    if (code === 0 && option === CURLMOPT_SOCKETDATA) this.#socketData = value;
    if (code === 0 && option === CURLMOPT_TIMERDATA) this.#timerData = value;
    return code;
  }

  /** curl_multi_add_handle. */
  addHandle(easy: Easy): this {
    this.#listen();
    check('multi', this.#addHandle(easy, false));
    return this;
  }

  /** curl_multi_remove_handle. A transfer started with perform() fails with CURLE_ABORTED_BY_CALLBACK. */
  removeHandle(easy: Easy): this {
    let code: number;
    try {
      code = multiMethods.removeHandle.call(this, easy);
    } catch (e) {
      this.abandonTransfer(easy); // removed; a CLOSESOCKETFUNCTION threw as the connection closed
      throw e;
    }
    check('multi', code);
    this.abandonTransfer(easy);
    return this;
  }

  /**
   * Runs `easy` on the native driver; `handler` gets its result, body and headers once it
   * finishes (it is removed from the multi by then). The low-level form of perform().
   */
  startTransfer(easy: Easy, handler: TransferHandler): void {
    this.#listen();
    // A transfer of this handle is running (here or on another multi), or its result is
    // not delivered yet: that transfer keeps its handler, this one fails.
    if (easy[kTransferHandler] !== undefined) {
      throw new CurlError('multi', CURLM_ADDED_ALREADY, 'the easy handle is already running a transfer');
    }
    // The object layer's result is buffered, for a curl_easy_init handle too (c-defaults.ts).
    const restore = bufferForObjectLayer(easy);
    const code = this.#addHandle(easy, true);
    if (code !== 0) {
      restore?.();
      throw new CurlError('multi', code);
    }
    // Set after the add: a completion is delivered on a later loop turn, never from inside it.
    easy[kTransferHandler] = restore === undefined ? handler : (...result) => (restore(), handler(...result));
    easy[kTransferOwner] = this;
    this.#transfers.add(easy);
  }

  /**
   * @internal A transfer that will never finish (its easy handle was removed or closed, or
   * this multi was): its handler (unless someone took it back before) learns so on the
   * next microtask.
   */
  abandonTransfer(easy: Easy): void {
    if (!this.#transfers.delete(easy)) return;
    easy[kTransferOwner] = undefined;
    // Taken now, called later: a transfer started on the handle meanwhile keeps its own.
    const handler = easy[kTransferHandler];
    if (handler === undefined) return;
    easy[kTransferHandler] = undefined;
    queueMicrotask(() =>
      handler(CURLE_ABORTED_BY_CALLBACK, undefined, undefined, new Error('The transfer was stopped: its easy or multi handle was removed or closed'), 0, easy),
    );
  }

  /** Runs `easy` to completion on the native driver; rejects with a CurlError on failure. */
  perform(easy: Easy): Promise<PerformResult> {
    return new Promise((resolve, reject) => {
      this.startTransfer(easy, (result, body, headers, error, status) => {
        if (result === 0 && error === undefined) {
          resolve({ easy, status, body: body as Buffer, headers: headers as Buffer });
        } else {
          reject(new CurlError('easy', result, easy.errorBuffer() || undefined, { cause: error }));
        }
      });
    });
  }

  /** curl_multi_socket_action; returns the number of running handles. */
  socketAction(sockfd: number, evBitmask: number): number {
    check('multi', multiMethods.socketAction.call(this, sockfd, evBitmask));
    return this.state[MultiState.runningHandles];
  }

  /** curl_multi_socket_action(CURL_SOCKET_TIMEOUT, 0). */
  socketTimeout(): number {
    return this.socketAction(CURL_SOCKET_TIMEOUT, 0);
  }

  /** curl_multi_socket_all (legacy). */
  socketAll(): number {
    check('multi', multiMethods.socketAll.call(this));
    return this.state[MultiState.runningHandles];
  }

  /** curl_multi_assign: `value` comes back as `socketp` in the socket callback. */
  assign(sockfd: number, value: unknown): this {
    check('multi', this[kAssign](sockfd, value));
    return this;
  }

  /** @internal */
  [kAssign](sockfd: number, value: unknown): number {
    const code = multiMethods.assign.call(this, sockfd, value);
    if (code === 0) {
      if (value === null || value === undefined) this.#assigned.delete(sockfd);
      else this.#assigned.set(sockfd, value);
    }
    return code;
  }

  /** curl_multi_timeout, in milliseconds (-1: none set). */
  timeout(): number {
    check('multi', multiMethods.timeout.call(this));
    return this.state[MultiState.timeoutMs];
  }

  /** curl_multi_info_read; null when the queue is empty. */
  infoRead(): CURLMsg | null {
    return readMessage(this);
  }

  /** Messages left in the queue after the last infoRead(). */
  get msgsInQueue(): number {
    return this.state[MultiState.msgsInQueue];
  }

  /** curl_multi_cleanup: removes every easy handle first (perform() promises reject). Idempotent. */
  cleanup(): void {
    try {
      // Throws what a CLOSESOCKETFUNCTION threw while the cached connections closed.
      multiMethods.cleanup.call(this);
    } finally {
      for (const easy of [...this.#transfers]) this.abandonTransfer(easy);
      if (multiMethods.isClosed.call(this)) this.#assigned.clear(); // not when deferred (called from a callback)
    }
  }

  /** Alias of cleanup(), in Node's words. */
  close(): void {
    this.cleanup();
  }

  isClosed(): boolean {
    return multiMethods.isClosed.call(this);
  }

  // The native driver drains curl_multi_info_read itself only once someone listens, so a
  // C-style user who reads messages with infoRead() keeps them.
  #listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    multiMethods.setDoneCallback.call(this, (slab, ...objects) => this.#onDone(slab, objects));
  }

  // The native driver's completions (MultiHandle::DeliverDone in binding/curl/multi.cc):
  // numbers in this.state's done slots, objects in `objects` (read here and nowhere else).
  // A TransferHandler gets them as its arguments, in the order of its parameters.
  #onDone(slab: ArrayBuffer | undefined, objects: unknown[]): void {
    this.deliveries++;
    const state = this.state;
    const count = state[MultiState.doneCount];
    // The native side keeps writing into its slab pool on later turns: transferring it away
    // (postMessage, structuredClone with `transfer`) would hand that memory to someone else,
    // so it is marked as Node marks its own Buffer pool.
    if (slab !== undefined && slab !== this.#slab) {
      markAsUntransferable(slab);
      this.#slab = slab;
    }
    let offset = state[MultiState.doneSlabOffset]; // small bodies and headers come as lengths, in order
    let next = 0; // into objects
    for (let i = 0, at = MultiState.doneFirst; i < count; i++, at += DoneSlot.stride) {
      const easy = objects[next++] as Easy;
      const result = state[at + DoneSlot.result];
      const status = state[at + DoneSlot.status];
      let body: Buffer | undefined;
      const bodySlot = state[at + DoneSlot.body];
      if (bodySlot >= 0) {
        body = bodySlot === 0 ? Buffer.alloc(0) : Buffer.from(slab as ArrayBuffer, offset, bodySlot);
        offset += (bodySlot + 7) & ~7;
      } else if (bodySlot === DoneSlot.inArguments) {
        body = objects[next++] as Buffer;
      }
      let headers: Buffer | undefined;
      const headersSlot = state[at + DoneSlot.headers];
      if (headersSlot >= 0) {
        headers = headersSlot === 0 ? Buffer.alloc(0) : Buffer.from(slab as ArrayBuffer, offset, headersSlot);
        offset += (headersSlot + 7) & ~7;
      } else if (headersSlot === DoneSlot.inArguments) {
        headers = objects[next++] as Buffer;
      }
      const error = state[at + DoneSlot.error] === 1 ? objects[next++] : undefined;
      const handler = easy[kTransferHandler];
      if (handler !== undefined) {
        easy[kTransferHandler] = undefined;
        easy[kTransferOwner] = undefined;
        this.#transfers.delete(easy);
        handler(result, body, headers, error, status, easy);
      } else {
        const msg: CURLMsg = { msg: CURLMSG_DONE, easy_handle: easy, data: { result } };
        if (error !== undefined) msg.error = error;
        this.onMessage?.(msg);
      }
    }
  }
}

/** @internal shared by Multi.infoRead and curl_multi_info_read. */
export function readMessage(multi: Multi): CURLMsg | null {
  const raw = multiMethods.infoRead.call(multi);
  if (raw === null) return null;
  const state = multi.state;
  if (!Array.isArray(raw)) return { msg: state[MultiState.msgKind], easy_handle: raw as Easy, data: { result: state[MultiState.msgResult] } };
  return { msg: state[MultiState.msgKind], easy_handle: raw[0] as Easy, data: { result: state[MultiState.msgResult] }, error: raw[1] };
}
