// IoThreadMulti: a multi handle whose libcurl runs on a native I/O thread of its own
// (binding/curl/io_thread.cc). Protocol work, TLS and decompression leave the JavaScript
// thread; finished transfers come back in batches, one call into JavaScript per batch.
// Opt-in: Multi (the native driver on this thread) stays the default.
import { native } from '../native';
import { check, CurlError } from './errors';
import { bufferForObjectLayer } from './c-defaults';
import { Easy, kTransferHandler, kTransferOwner, type TransferHandler } from './easy';
import type { PerformResult } from './multi';
import {
  CURLE_ABORTED_BY_CALLBACK,
  CURLE_BAD_FUNCTION_ARGUMENT,
  CURLM_ADDED_ALREADY,
  CURLM_BAD_FUNCTION_ARGUMENT,
  type MultiOption,
} from './constants.generated';

/** Methods of the native I/O thread multi (binding/curl/io_thread.cc). */
interface NativeIoThreadMultiMethods {
  /** A long-valued CURLMOPT_*; run on the I/O thread. */
  setopt(option: number, value: number | boolean): number;
  /** 0, a CURLMcode, or the name of the option that keeps `easy` on the JavaScript thread. */
  submit(easy: Easy): number | string;
  cleanup(): number;
  /** Completions as Multi's native driver gives them (see Done in multi.ts). */
  setDoneCallback(fn: (items: unknown[], slab: ArrayBuffer | undefined) => void): void;
  isClosed(): boolean;
}

const NativeIoThreadMulti = native.IoThreadMulti as new () => object;
const io = native.IoThreadMulti.prototype as NativeIoThreadMultiMethods;

// The completion batch: six slots per finished transfer, as MultiHandle::DeliverDone's.
const EASY = 0;
const RESULT = 1;
const BODY = 2;
const HEADERS = 3;
const ERROR = 4;
const STATUS = 5;
const STRIDE = 6;

/**
 * A multi handle run by a native thread of its own. `perform(easy)` resolves as
 * Multi.perform does; the JavaScript thread pays only for handing the transfer over and
 * for its result.
 *
 * Only transfers that need no JavaScript while they run may go: an easy handle with a
 * JavaScript callback (CURLOPT_WRITEFUNCTION, HEADERFUNCTION, READFUNCTION,
 * XFERINFOFUNCTION, PREREQFUNCTION, DEBUGFUNCTION, OPENSOCKETFUNCTION, SOCKOPTFUNCTION,
 * CLOSESOCKETFUNCTION, SEEKFUNCTION) or a CURLOPT_SHARE, CURLOPT_MIMEPOST, CURLOPT_CURLU or
 * CURLOPT_STREAM_DEPENDS(_E) is refused with a CurlError CURLE_BAD_FUNCTION_ARGUMENT naming
 * the option (run those on a Multi). While its transfer runs, the easy handle's methods
 * throw ERR_CURL_BUSY, but cleanup(), which takes it back (the transfer then fails with
 * CURLE_ABORTED_BY_CALLBACK).
 *
 * The I/O thread's loop is curl_multi_socket_action over an epoll set of its own (as
 * bench/c/multi_epoll.c), woken through an eventfd when a transfer is handed over.
 */
export class IoThreadMulti extends NativeIoThreadMulti {
  /** How many times the I/O thread's batches were delivered into JavaScript. */
  deliveries = 0;
  /** Transfers started here whose handler has not run yet. */
  readonly #transfers = new Set<Easy>();

  constructor() {
    super();
    io.setDoneCallback.call(this, (items, slab) => this.#onDone(items, slab));
  }

  /** curl_multi_setopt for long-valued options (CURLMOPT_MAXCONNECTS, CURLMOPT_PIPELINING...). */
  setopt(option: MultiOption, value: number | boolean): this {
    if (typeof value !== 'number' && typeof value !== 'boolean') {
      throw new CurlError('multi', CURLM_BAD_FUNCTION_ARGUMENT, 'an I/O thread multi takes long-valued options only (its socket and timer functions are its own)');
    }
    check('multi', io.setopt.call(this, option, value));
    return this;
  }

  /** As Multi.startTransfer: `handler` gets the result, body and headers once the transfer finished. */
  startTransfer(easy: Easy, handler: TransferHandler): void {
    if (easy[kTransferHandler] !== undefined) {
      throw new CurlError('multi', CURLM_ADDED_ALREADY, 'the easy handle is already running a transfer');
    }
    const restore = bufferForObjectLayer(easy);
    const code = io.submit.call(this, easy);
    if (code !== 0) {
      restore?.();
      if (typeof code === 'string') {
        throw new CurlError(
          'easy',
          CURLE_BAD_FUNCTION_ARGUMENT,
          `${code} is set: a transfer that needs the JavaScript thread cannot run on an I/O thread (use a Multi for it)`,
        );
      }
      throw new CurlError('multi', code);
    }
    easy[kTransferHandler] = restore === undefined ? handler : (...result) => (restore(), handler(...result));
    easy[kTransferOwner] = this;
    this.#transfers.add(easy);
  }

  /** Runs `easy` to completion on the I/O thread; rejects with a CurlError on failure. */
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

  /**
   * @internal A transfer that will never finish (its easy handle was closed, or this multi
   * was): its handler learns so on the next microtask.
   */
  abandonTransfer(easy: Easy): void {
    if (!this.#transfers.delete(easy)) return;
    easy[kTransferOwner] = undefined;
    const handler = easy[kTransferHandler];
    if (handler === undefined) return;
    easy[kTransferHandler] = undefined;
    queueMicrotask(() =>
      handler(CURLE_ABORTED_BY_CALLBACK, undefined, undefined, new Error('The transfer was stopped: its easy or multi handle was closed'), 0, easy),
    );
  }

  /** Stops the I/O thread and frees the multi; transfers still running reject with CURLE_ABORTED_BY_CALLBACK. Idempotent. */
  cleanup(): void {
    try {
      io.cleanup.call(this);
    } finally {
      for (const easy of [...this.#transfers]) this.abandonTransfer(easy);
    }
  }

  /** Alias of cleanup(), in Node's words. */
  close(): void {
    this.cleanup();
  }

  isClosed(): boolean {
    return io.isClosed.call(this);
  }

  #onDone(items: unknown[], slab: ArrayBuffer | undefined): void {
    this.deliveries++;
    let offset = 0; // into the slab: small bodies and headers come as lengths, in order
    for (let i = 0; i < items.length; i += STRIDE) {
      const easy = items[i + EASY] as Easy;
      let body = items[i + BODY] as Buffer | number | undefined;
      if (typeof body === 'number') {
        body = body === 0 ? Buffer.alloc(0) : Buffer.from(slab as ArrayBuffer, offset, body);
        offset += body.length;
      }
      let headers = items[i + HEADERS] as Buffer | number | undefined;
      if (typeof headers === 'number') {
        headers = headers === 0 ? Buffer.alloc(0) : Buffer.from(slab as ArrayBuffer, offset, headers);
        offset += headers.length;
      }
      const handler = easy[kTransferHandler];
      if (handler === undefined) continue; // abandoned meanwhile: its handler ran already
      easy[kTransferHandler] = undefined;
      easy[kTransferOwner] = undefined;
      this.#transfers.delete(easy);
      handler(items[i + RESULT] as number, body, headers, items[i + ERROR], items[i + STATUS] as number, easy);
    }
  }
}
