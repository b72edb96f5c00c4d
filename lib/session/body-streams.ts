// Body streams: the response body as a Readable (sendStream), and a streamed request body
// read as libcurl asks for it. Both pause the transfer rather than buffer without bound.
import { Readable } from 'node:stream';
import { CURLPAUSE_CONT, CURL_READFUNC_ABORT, CURL_READFUNC_PAUSE } from '../libcurl/constants.generated';
import type { PooledEasy } from './easy-pool';

// The response of sendStream: backpressure pauses the transfer (CURL_WRITEFUNC_PAUSE).
export class ResponseStream extends Readable {
  waiting = false;
  constructor(readonly onDemand: () => void) {
    super();
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
