// Body streams: the response body as a Readable (sendStream), and a streamed request body
// read as libcurl asks for it. Both pause the transfer rather than buffer without bound.
import { Readable } from 'node:stream';
import { CURLPAUSE_CONT, CURL_READFUNC_ABORT, CURL_READFUNC_PAUSE } from '../libcurl/constants.generated';
import type { PooledEasy } from './easy-pool';

/**
 * How much of a response body a stream holds before the transfer is paused. libcurl writes a
 * whole burst (all the socket has, up to 100 writes) inside one socket event, before any reader
 * runs: with Node's 16 KiB default nearly every burst ended in a pause, and each
 * pause/unpause is a loop turn and a re-delivery in libcurl. At 256 KiB a fast reader is
 * rarely paused. fetch of 1 MiB bodies went from 0.8× to 1.1× undici's (bench/PROFILE.md,
 * "Streamed bodies"). A slow reader still holds at most this plus one write.
 */
export const RESPONSE_HIGH_WATER_MARK = 256 * 1024;

// The response of sendStream: backpressure pauses the transfer (CURL_WRITEFUNC_PAUSE).
export class ResponseStream extends Readable {
  waiting = false;
  constructor(readonly onDemand: () => void) {
    super({ highWaterMark: RESPONSE_HIGH_WATER_MARK });
  }
  override _read(): void {
    if (this.waiting) {
      this.waiting = false;
      // _read may run inside the write callback that filled the buffer: unpause outside libcurl.
      setImmediate(this.onDemand);
    }
  }
}

// A streamed request body read as libcurl asks (CURLOPT_READFUNCTION); libcurl waits
// (CURL_READFUNC_PAUSE) while the next chunk is on its way.
export class BodyReader {
  #iterator: AsyncIterator<Buffer | string | Uint8Array>;
  #pending: Buffer | null = null;
  #done = false;
  /** The body's end was handed to libcurl. */
  ended = false;
  #fetching = false;
  #waiting = false;
  error: unknown = undefined;
  constructor(
    source: AsyncIterable<Buffer | string | Uint8Array>,
    readonly easy: PooledEasy,
  ) {
    this.#iterator = source[Symbol.asyncIterator]();
  }
  read = (size: number): Buffer | null | number => {
    if (this.error !== undefined) return CURL_READFUNC_ABORT;
    const pending = this.#pending;
    if (pending !== null) {
      if (pending.length <= size) {
        this.#pending = null;
        return pending;
      }
      this.#pending = pending.subarray(size);
      return pending.subarray(0, size);
    }
    if (this.#done) {
      this.ended = true;
      return null;
    }
    this.#waiting = true;
    if (!this.#fetching) this.#fetch();
    return CURL_READFUNC_PAUSE;
  };
  #fetch(): void {
    this.#fetching = true;
    this.#iterator.next().then(
      (r) => {
        this.#fetching = false;
        if (r.done) this.#done = true;
        else this.#pending = typeof r.value === 'string' ? Buffer.from(r.value) : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
        this.#resume();
      },
      (error: unknown) => {
        this.#fetching = false;
        this.error = error;
        this.#resume();
      },
    );
  }
  #resume(): void {
    if (!this.#waiting || this.easy.isClosed()) return;
    this.#waiting = false;
    try {
      this.easy.pause(CURLPAUSE_CONT);
    } catch {
      // the transfer is gone (cancelled): nothing to resume
    }
  }
}
