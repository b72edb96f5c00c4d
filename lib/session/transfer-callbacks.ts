// libcurl's callbacks on a pooled handle running a Session's message, made once per handle
// and installed only while a message wants them (got-headers / got-chunk listeners or a
// sendStream: HEADERFUNCTION and WRITEFUNCTION; wrote-headers / wrote-body: DEBUGFUNCTION;
// request-started, connection-created, tunneling: PREREQFUNCTION). Each looks up the queue
// item its handle runs now, so a cancelled message (no item) aborts the transfer. They run
// inside libcurl: whatever reaches application code goes through the host's enterCurl /
// leaveCurl, which the session counts to defer its own re-entrant work.
import type { EventEmitter } from 'node:events';
import type { DebugCallback, PrereqCallback } from '../libcurl/callbacks';
import { CURLINFO_DATA_OUT, CURLINFO_HEADER_OUT, CURLINFO_NUM_CONNECTS, CURLPAUSE_CONT, CURL_WRITEFUNC_PAUSE } from '../libcurl/constants.generated';
import { ResponseStream } from './body-streams';
import type { PooledEasy } from './easy-pool';
import { emit0, emit1, reportListenerError } from './listener-errors';
import { kFlags, kItem, kSetResponse, MessageFlags } from './message';
import type { QueueItem, QueueItemMore } from './message-queue';
import type { ConnectionInfo } from './session';
import { Status } from './status';

/** libcurl 8's MAX_HTTP_RESP_HEADER_SIZE: one header block (or trailer section) at most. */
const MAX_HEADER_BLOCK = 300 * 1024;
/** libcurl 8's bound on every header block of one transfer together (20 × the above). */
const MAX_HEADER_TOTAL = 20 * MAX_HEADER_BLOCK;
const EMPTY = Buffer.alloc(0);

/** What the callbacks need of their session. */
export interface CallbackHost {
  /** The session, for its connection-created, tunneling and request-started signals. */
  readonly session: EventEmitter;
  /** Around application code run from inside libcurl (the session's re-entrancy count). */
  enterCurl(): void;
  leaveCurl(): void;
  /** The session's maxBodySize (0: none). */
  maxBodySize(): number;
  /** Whether the final response's headers send the message again (a redirect followed, an authentication round): sendStream waits for the next response then. */
  sendsAgain(item: QueueItem): boolean;
}

export class TransferCallbacks {
  readonly #host: CallbackHost;

  constructor(host: CallbackHost) {
    this.#host = host;
  }

  /** CURLOPT_HEADERFUNCTION: collects each header block, got-headers at its end (and sendStream's stream). */
  headerFunction(easy: PooledEasy): (data: Buffer) => number {
    if (easy.headerFn !== null) return easy.headerFn;
    const fn = (data: Buffer): number => {
      const item = easy.item as QueueItem | null;
      const more = item === null ? null : item.more;
      if (item === null || more === null || more.headerChunks === null) return 0; // cancelled: abort the transfer
      const chunks = more.headerChunks;
      if (more.blockStart === chunks.length && !more.trailers) {
        more.blockBytes = 0;
        // After the final response's block: trailers, or a new response of libcurl's own
        // round (an authentication it answers itself) starting with its status line.
        if (item.gotHeaders) more.trailers = !isStatusLine(data);
      }
      more.blockBytes += data.length;
      more.headerBytes += data.length;
      // libcurl 8's bounds (MAX_HTTP_RESP_HEADER_SIZE, and 20 times that for all blocks);
      // libcurl 7.88 has none, and endless headers or trailers would grow without end.
      if (more.blockBytes > MAX_HEADER_BLOCK || more.headerBytes > MAX_HEADER_TOTAL) {
        more.failure = { status: Status.IO_ERROR, reason: `Response headers exceed ${more.blockBytes > MAX_HEADER_BLOCK ? MAX_HEADER_BLOCK : MAX_HEADER_TOTAL} bytes` };
        return 0;
      }
      const ends = data.length <= 2 && (data[0] === 13 || data[0] === 10);
      if (more.trailers) {
        // Read and dropped, as libsoup 2 does; their end is no new block.
        if (ends) more.trailers = false;
        return data.length;
      }
      chunks.push(data);
      if (ends) this.#headersEnded(item, more, easy);
      return easy.item === item ? data.length : 0;
    };
    easy.headerFn = fn;
    return fn;
  }

  // A header block ended: only its own chunks are joined and parsed (a flood of 1xx blocks
  // costs each block once), and a 1xx block or a tunnel's reply is dropped, as libsoup
  // keeps neither.
  #headersEnded(item: QueueItem, more: QueueItemMore, easy: PooledEasy): void {
    const msg = item.msg;
    const chunks = more.headerChunks as Buffer[];
    const start = more.blockStart;
    msg[kSetResponse](start === 0 ? Buffer.concat(chunks) : Buffer.concat(chunks.slice(start)), EMPTY);
    const status = msg.statusCode;
    // 1xx, CONNECT replies, and the rounds libcurl answers itself (redirects are ours).
    if (status < 200 || (item.proxy !== null && status === 200 && msg.responseHeaders.size === 0 && /CONNECT|established/i.test(msg.reasonPhrase))) {
      chunks.length = start;
      return;
    }
    more.blockStart = chunks.length;
    item.gotHeaders = true;
    this.#host.enterCurl();
    try {
      emit0(msg, 'got-headers');
      if (more.streamResolve !== null && easy.item === item) {
        if (!this.#host.sendsAgain(item)) {
          const stream = new ResponseStream(() => {
            if (easy.item === item && !item.paused) easy.pause(CURLPAUSE_CONT);
          });
          more.stream = stream;
          const resolve = more.streamResolve;
          more.streamResolve = null;
          more.streamWaiting = false;
          resolve(stream);
        }
      }
    } finally {
      this.#host.leaveCurl();
    }
  }

  /** CURLOPT_WRITEFUNCTION: got-chunk, the stream's backpressure (CURL_WRITEFUNC_PAUSE) and maxBodySize. */
  writeFunction(easy: PooledEasy): (data: Buffer) => number {
    if (easy.writeFn !== null) return easy.writeFn;
    const fn = (data: Buffer): number => {
      const item = easy.item as QueueItem | null;
      if (item === null) return 0;
      const msg = item.msg;
      const more = item.extra();
      if (!item.gotHeaders && more.headerChunks !== null) return data.length; // a body we will not use (redirect, 401)
      more.bodyBytes += data.length;
      if (more.bodyBytes > this.#host.maxBodySize() && this.#host.maxBodySize() > 0) {
        more.failure = { status: Status.IO_ERROR, reason: bodyTooLarge(this.#host.maxBodySize()) };
        return 0;
      }
      const stream = more.stream;
      if (stream !== null) {
        if (stream.destroyed) return 0;
        if (stream.readableLength >= stream.readableHighWaterMark) {
          stream.waiting = true;
          return CURL_WRITEFUNC_PAUSE;
        }
      } else if ((msg[kFlags] & MessageFlags.OVERWRITE_CHUNKS) === 0) {
        more.bodyChunks?.push(data);
      }
      this.#host.enterCurl();
      try {
        if (stream !== null) {
          try {
            stream.push(data); // a flowing stream's 'data' listeners run inside push()
          } catch (error) {
            reportListenerError(error);
          }
        }
        emit1(msg, 'got-chunk', data);
      } finally {
        this.#host.leaveCurl();
      }
      return easy.item === item ? data.length : 0;
    };
    easy.writeFn = fn;
    return fn;
  }

  /** CURLOPT_DEBUGFUNCTION: wrote-headers and wrote-body from what libcurl sends. */
  debugFunction(easy: PooledEasy): DebugCallback {
    if (easy.debugFn !== null) return easy.debugFn;
    const fn = (_: unknown, type: number, data: Buffer): number => {
      const item = easy.item as QueueItem | null;
      const more = item === null ? null : item.more;
      if (item === null || more === null || more.wrote === 2) return 0;
      if (type === CURLINFO_HEADER_OUT) {
        // The request to a proxy for a tunnel is not the message's.
        if (more.wrote !== 0 || (item.proxy !== null && data.subarray(0, 8).toString('latin1') === 'CONNECT ')) return 0;
        this.wrote(item, more.bodyLength === 0 ? 2 : 1);
      } else if (type === CURLINFO_DATA_OUT && more.wrote === 1) {
        more.bodySent += data.length;
        const length = more.bodyLength;
        // A chunked body: its end goes out right after the reader handed it over.
        if ((length >= 0 && more.bodySent >= length) || (length < 0 && item.reader?.ended === true)) this.wrote(item, 2);
      }
      return 0;
    };
    easy.debugFn = fn;
    return fn;
  }

  /** wrote-headers, then (upTo 2) wrote-body, each once per attempt. */
  wrote(item: QueueItem, upTo: number): void {
    const msg = item.msg;
    const more = item.extra();
    this.#host.enterCurl();
    try {
      if (more.wrote === 0) {
        more.wrote = 1;
        emit0(msg, 'wrote-headers');
      }
      if (upTo === 2 && more.wrote === 1 && msg[kItem] === item) {
        more.wrote = 2;
        emit0(msg, 'wrote-body');
      }
    } finally {
      this.#host.leaveCurl();
    }
  }

  /** CURLOPT_PREREQFUNCTION: connection-created and tunneling for a new connection, then request-started. */
  prereqFunction(easy: PooledEasy): PrereqCallback {
    if (easy.prereqFn !== null) return easy.prereqFn;
    const fn = (_: unknown, primaryIp: string, localIp: string, primaryPort: number, localPort: number): number => {
      const item = easy.item as QueueItem | null;
      if (item === null) return 1; // CURL_PREREQFUNC_ABORT
      this.#host.enterCurl();
      try {
        const connects = easy.getinfo<number>(CURLINFO_NUM_CONNECTS);
        const more = item.extra();
        if (connects > more.connects) {
          more.connects = connects;
          const info: ConnectionInfo = { remoteAddress: primaryIp, remotePort: primaryPort, localAddress: localIp, localPort, proxy: item.proxy };
          emit1(this.#host.session, 'connection-created', info);
          if (item.proxy !== null && item.https) emit1(this.#host.session, 'tunneling', info);
        }
        emit1(this.#host.session, 'request-started', item.msg);
      } finally {
        this.#host.leaveCurl();
      }
      return easy.item === item ? 0 : 1;
    };
    easy.prereqFn = fn;
    return fn;
  }
}

/** Why a message's body was refused (the status reason when maxBodySize is exceeded). */
export function bodyTooLarge(limit: number): string {
  return `Response body exceeds maxBodySize (${limit} bytes)`;
}

// "HTTP/1.1 200", "HTTP/2 200": a response's first line (not a trailer field).
function isStatusLine(data: Buffer): boolean {
  return data.length > 5 && data[0] === 72 && data[1] === 84 && data[2] === 84 && data[3] === 80 && data[4] === 47;
}
