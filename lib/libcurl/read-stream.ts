// C's default READFUNCTION (fread from CURLOPT_READDATA) when READDATA is a Node Readable:
// `process.stdin`, `fs.createReadStream(...)`, `Readable.from(...)`. C's fread blocks until
// its FILE * has bytes; a Readable delivers them on the event loop, so when none are
// buffered the transfer pauses (CURL_READFUNC_PAUSE) and is unpaused when the stream has
// more, ends or fails. That needs the loop to run: a blocking curl_easy_perform cannot
// wait for a stream (c-defaults.ts refuses it there), a multi can.
import { Readable } from 'node:stream';
import { easyMethods } from './binding';
import type { Easy } from './easy';
import { CURLPAUSE_CONT, CURL_READFUNC_PAUSE } from './constants.generated';

/**
 * What a stream holds for its readers, as a FILE holds its position and error flag: the
 * rest of a chunk larger than libcurl asked for, the end, the error, and the handles
 * paused until the stream has more.
 */
interface StreamReadState {
  pending: Buffer | null;
  ended: boolean;
  error: unknown;
  waiting: Set<Easy>;
}

const states = new WeakMap<Readable, StreamReadState>();

/** A Node Readable (core streams, and stream-likes with Readable's pull API). */
export function isReadable(value: unknown): value is Readable {
  if (value instanceof Readable) return true;
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Readable>;
  return typeof v.read === 'function' && typeof v.on === 'function' && typeof v.pipe === 'function';
}

/**
 * Up to `size` bytes of `stream` for `easy`'s upload: a Buffer, null at the end, or
 * CURL_READFUNC_PAUSE while nothing is buffered. Throws the stream's error (the transfer
 * fails with CURLE_READ_ERROR, the error as its cause).
 */
export function readFromStream(easy: Easy, size: number, stream: Readable): Buffer | null | number {
  const state = stateOf(stream);
  let chunk = state.pending;
  state.pending = null;
  // An empty chunk (an object-mode '') is not the end: only the stream's end is.
  while (chunk === null || chunk.length === 0) {
    if (state.error !== undefined) throw state.error;
    const item: unknown = stream.read();
    if (item === null || item === undefined) {
      chunk = null;
      break;
    }
    chunk = toBuffer(item);
  }
  if (chunk !== null) {
    if (chunk.length > size) {
      state.pending = chunk.subarray(size);
      return chunk.subarray(0, size);
    }
    return chunk;
  }
  if (state.error !== undefined) throw state.error;
  if (state.ended || stream.readableEnded) return null;
  if (stream.destroyed) {
    throw stream.errored ?? new Error('CURLOPT_READDATA: the stream was destroyed before its end');
  }
  state.waiting.add(easy);
  return CURL_READFUNC_PAUSE;
}

/** Starts listening to `stream` (once): its end and error are kept for its readers. */
export function watchStream(stream: Readable): void {
  stateOf(stream);
}

function stateOf(stream: Readable): StreamReadState {
  const state = states.get(stream);
  if (state !== undefined) return state;
  const s: StreamReadState = { pending: null, ended: false, error: stream.errored ?? undefined, waiting: new Set() };
  states.set(stream, s);
  // Stream events come on a later tick, never from inside stream.read() in a libcurl
  // callback, so the unpause below never re-enters libcurl.
  const wake = (): void => {
    const waiting = [...s.waiting];
    s.waiting.clear();
    for (const easy of waiting) resume(easy);
  };
  // A 'readable' listener keeps the stream in paused mode: it is pulled with read().
  stream.on('readable', wake);
  stream.on('end', () => {
    s.ended = true;
    wake();
  });
  // The listener also keeps the error from being an uncaught exception: it goes to the
  // transfer reading the stream, as ferror() would tell a C program.
  stream.on('error', (error: unknown) => {
    if (s.error === undefined) s.error = error ?? new Error('CURLOPT_READDATA: the stream failed');
    wake();
  });
  stream.on('close', wake);
  return s;
}

function resume(easy: Easy): void {
  if (easyMethods.isClosed.call(easy)) return;
  try {
    easyMethods.pause.call(easy, CURLPAUSE_CONT);
  } catch {
    // taken by an I/O thread or closed meanwhile: no transfer of ours to resume
  }
}

function toBuffer(item: unknown): Buffer {
  if (Buffer.isBuffer(item)) return item;
  if (typeof item === 'string') return Buffer.from(item);
  if (item instanceof Uint8Array) return Buffer.from(item.buffer, item.byteOffset, item.byteLength);
  throw new TypeError(
    `CURLOPT_READDATA's stream gave ${item === null ? 'null' : typeof item === 'object' ? 'an object' : `a ${typeof item}`}: an upload takes Buffers, Uint8Arrays or strings`,
  );
}
