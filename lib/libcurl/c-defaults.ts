// C's defaults, for handles of the C-shaped layer only (curl_easy_init, and the handles
// curl_easy_duphandle and CURLMOPT_PUSHFUNCTION make from them). The object layer (`new
// Easy()`, Multi.perform, Session) buffers bodies and headers for the caller instead.
//
// What a C program relies on, and what happens here:
//  - no CURLOPT_WRITEFUNCTION: the body goes to CURLOPT_WRITEDATA, which is a file
//    descriptor number, an fs.promises FileHandle or a Node Writable (stdout when unset);
//  - no CURLOPT_HEADERFUNCTION: headers go through the write function to
//    CURLOPT_HEADERDATA when that is set, and nowhere otherwise (as lib/sendf.c does);
//  - no CURLOPT_READFUNCTION: uploads read CURLOPT_READDATA, a file descriptor number, a
//    FileHandle or a Node Readable (stdin when unset; a Readable on a multi only, see
//    read-stream.ts);
//  - CURLOPT_ERRORBUFFER: a Buffer (CURL_ERROR_SIZE bytes) the caller owns; it gets the
//    message, NUL-terminated, when a transfer ends (curl_easy_perform returns, or its
//    CURLMSG_DONE is read).
// These are JavaScript functions installed as the handle's callbacks, so the native side
// knows nothing of the two layers. Every setopt of a C-layer handle comes through here,
// curl_easy_setopt's and Easy#setopt's alike, so that the last setting wins as in C.
import * as fs from 'node:fs';
import { easyMethods } from './binding';
import type { Easy } from './easy';
import {
  CURLOPT_ERRORBUFFER,
  CURLOPT_HEADERDATA,
  CURLOPT_HEADERFUNCTION,
  CURLOPT_READDATA,
  CURLOPT_READFUNCTION,
  CURLOPT_WRITEDATA,
  CURLOPT_WRITEFUNCTION,
} from './constants.generated';
import type { ReadCallback, WriteCallback } from './callbacks';
import { isReadable, readFromStream, watchStream } from './read-stream';

/** What a C-layer handle's program set; the native handle gets the effective callbacks. */
interface CState {
  writeFunction: WriteCallback | null;
  headerFunction: WriteCallback | null;
  headerData: unknown;
  readFunction: ReadCallback | null;
  readData: unknown;
  errorBuffer: Buffer | null;
  /** C's fread for this handle: a Readable unpauses the handle that waits for it. */
  readDefault: ReadCallback;
}

const kCState = Symbol('curlio.cDefaults');
type CHandle = Easy & { [kCState]?: CState };

/** True for handles of the C-shaped layer. */
export function isCHandle(easy: Easy): boolean {
  return (easy as CHandle)[kCState] !== undefined;
}

/** Makes `easy` a C-layer handle (curl_easy_init), copying `from`'s C state when given. */
export function adoptC(easy: Easy, from?: Easy): void {
  const source = from && (from as CHandle)[kCState];
  const readDefault: ReadCallback = (size, readData) => readFromData(easy, size, readData);
  (easy as CHandle)[kCState] = source
    ? { ...source, readDefault }
    : { writeFunction: null, headerFunction: null, headerData: undefined, readFunction: null, readData: undefined, errorBuffer: null, readDefault };
  const code = installWrite(easy as CHandle);
  if (code === 0) installRead(easy as CHandle);
}

/** After curl_easy_reset: every option back to C's default. */
export function resetC(easy: Easy): void {
  if (!isCHandle(easy)) return;
  adoptC(easy);
}

/**
 * curl_easy_setopt for the options whose default C defines: the code, or undefined when
 * `option` is not one of them (or `easy` is not a C-layer handle).
 */
export function setoptC(easy: Easy, option: number, value: unknown): number | undefined {
  const state = (easy as CHandle)[kCState];
  if (state === undefined) return undefined;
  switch (option) {
    case CURLOPT_WRITEFUNCTION:
    case CURLOPT_HEADERFUNCTION:
    case CURLOPT_READFUNCTION:
      if (value !== null && value !== undefined && typeof value !== 'function') {
        return undefined; // the native side names the option and the expected type
      }
      if (option === CURLOPT_READFUNCTION) {
        state.readFunction = (value as ReadCallback) ?? null;
        return installRead(easy as CHandle);
      }
      if (option === CURLOPT_WRITEFUNCTION) state.writeFunction = (value as WriteCallback) ?? null;
      else state.headerFunction = (value as WriteCallback) ?? null;
      return installWrite(easy as CHandle);
    case CURLOPT_HEADERDATA: {
      const code = easyMethods.setopt.call(easy, option, value);
      if (code !== 0) return code;
      state.headerData = value;
      return installWrite(easy as CHandle);
    }
    case CURLOPT_READDATA: {
      const code = easyMethods.setopt.call(easy, option, value);
      if (code !== 0) return code;
      state.readData = value;
      // From now on the stream's error goes to the transfer, not to 'uncaughtException'.
      if (isReadable(value)) watchStream(value);
      return code;
    }
    case CURLOPT_ERRORBUFFER:
      if (value !== null && value !== undefined && !Buffer.isBuffer(value)) {
        throw new TypeError('Expected a Buffer (of CURL_ERROR_SIZE bytes) or null for CURLOPT_ERRORBUFFER');
      }
      state.errorBuffer = (value as Buffer) ?? null;
      return 0;
    default:
      return undefined;
  }
}

/**
 * curl_easy_perform blocks the thread, and a Readable delivers on that thread's event loop:
 * with one as READDATA (and no READFUNCTION) the transfer could only hang, so it is refused.
 */
export function refuseBlockingRead(easy: Easy, call: string): void {
  const state = (easy as CHandle)[kCState];
  if (state === undefined || state.readFunction !== null || !isReadable(state.readData)) return;
  throw new TypeError(
    `CURLOPT_READDATA is a Readable stream, which ${call} cannot read: it blocks the thread whose event loop feeds the stream. ` +
      'Run the handle on a multi (curl_multi_add_handle, Multi.perform), or give READDATA a file descriptor',
  );
}

/** A transfer of `easy` ended: its CURLOPT_ERRORBUFFER gets libcurl's message. */
export function transferEnded(easy: Easy): void {
  const buffer = (easy as CHandle)[kCState]?.errorBuffer;
  if (!buffer || buffer.length === 0) return;
  const text = Buffer.from(easyMethods.errorBuffer.call(easy));
  const n = Math.min(text.length, buffer.length - 1);
  text.copy(buffer, 0, 0, n);
  buffer[n] = 0;
}

/**
 * Multi.perform / startTransfer promise the object layer's buffered body and headers: for a
 * C-layer handle without its own WRITEFUNCTION / HEADERFUNCTION, C's defaults step aside
 * for that transfer. Returns what puts them back (undefined: nothing to do).
 */
export function bufferForObjectLayer(easy: Easy): (() => void) | undefined {
  const state = (easy as CHandle)[kCState];
  if (state === undefined || (state.writeFunction && state.headerFunction)) return undefined;
  if (!state.writeFunction) easyMethods.setopt.call(easy, CURLOPT_WRITEFUNCTION, null);
  if (!state.headerFunction) {
    easyMethods.discardHeaders.call(easy, false);
    easyMethods.setopt.call(easy, CURLOPT_HEADERFUNCTION, null);
  }
  return () => {
    if (!easyMethods.isClosed.call(easy)) installWrite(easy as CHandle);
  };
}

// The write and header functions go together: without a HEADERFUNCTION, headers go
// through the write function (when HEADERDATA is set). With neither, they go nowhere, and
// the native side drops them itself: a JavaScript function that threw each header line away
// was a crossing per line, a quarter of a small request's cost in a C-shaped loop
// (bench/PROFILE.md, "Multi with JavaScript callbacks").
function installWrite(easy: CHandle): number {
  const state = easy[kCState] as CState;
  const write = state.writeFunction ?? writeToData;
  const code = easyMethods.setopt.call(easy, CURLOPT_WRITEFUNCTION, write);
  if (code !== 0) return code;
  const nowhere = state.headerFunction === null && (state.headerData === undefined || state.headerData === null);
  easyMethods.discardHeaders.call(easy, nowhere);
  return easyMethods.setopt.call(easy, CURLOPT_HEADERFUNCTION, nowhere ? null : (state.headerFunction ?? write));
}

function installRead(easy: CHandle): number {
  const state = easy[kCState] as CState;
  return easyMethods.setopt.call(easy, CURLOPT_READFUNCTION, state.readFunction ?? state.readDefault);
}

/** C's fwrite to WRITEDATA (or HEADERDATA): fd number, FileHandle, Writable, stdout. */
function writeToData(data: Buffer, target: unknown): number {
  if (target === undefined || target === null) return writeAll(1, data);
  if (typeof target === 'number') return writeAll(target, data);
  if (isFileHandle(target)) return writeAll(target.fd, data);
  if (typeof (target as { write?: unknown }).write === 'function') {
    // `data` is a view of a shared pool, valid during this call only: the stream gets a copy.
    (target as NodeJS.WritableStream).write(Buffer.from(data));
    return data.length;
  }
  throw new TypeError('CURLOPT_WRITEDATA must be a file descriptor, a FileHandle or a Writable when no CURLOPT_WRITEFUNCTION is set');
}

/** C's fread from READDATA: fd number, FileHandle or Readable (stdin when unset). */
function readFromData(easy: Easy, size: number, source: unknown): Buffer | number | null {
  let fd: number;
  if (source === undefined || source === null) fd = 0;
  else if (typeof source === 'number') fd = source;
  else if (isFileHandle(source)) fd = source.fd;
  else if (isReadable(source)) return readFromStream(easy, size, source);
  else throw new TypeError('CURLOPT_READDATA must be a file descriptor, a FileHandle or a Readable when no CURLOPT_READFUNCTION is set');
  const buffer = Buffer.allocUnsafe(size);
  for (;;) {
    try {
      const n = fs.readSync(fd, buffer, 0, size, null);
      return n === 0 ? null : buffer.subarray(0, n);
    } catch (error) {
      // The transfer fails with CURLE_READ_ERROR, the error as its cause.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      wait(1); // a non-blocking pipe (Node sets stdin so): C's fread would block here
    }
  }
}

function writeAll(fd: number, data: Buffer): number {
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += fs.writeSync(fd, data, offset, data.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      wait(1); // a full non-blocking pipe (Node's stdout may be one): C's fwrite would block
    }
  }
  return data.length;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function wait(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function isFileHandle(value: unknown): value is { fd: number } {
  return typeof value === 'object' && value !== null && value.constructor?.name === 'FileHandle' && typeof (value as { fd?: unknown }).fd === 'number';
}
