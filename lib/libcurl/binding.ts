// The native classes as the addon exports them. Their methods return libcurl's codes and
// throw only for wrong JavaScript input; the TypeScript classes wrap them.
import { constants as bufferConstants } from 'node:buffer';
import { markAsUntransferable } from 'node:worker_threads';
import { native } from '../native';

// A buffered body or header block never grows past what one Buffer can hold: the transfer
// fails with CURLE_FILESIZE_EXCEEDED instead (4 GiB on Node 20, more on later versions).
native.setBufferMaxLength(bufferConstants.MAX_LENGTH);

// Write, header and debug callbacks get small chunks as views of a shared, untransferable
// ArrayBuffer (binding/curl/chunk_pool.h): the view is made here, in JavaScript, where it is
// cheap. `fn` is the application's callback, `userdata` its *DATA value, as in C.
native.setChunkHelpers(
  (fn: (chunk: Buffer, userdata: unknown) => unknown, pool: ArrayBuffer, offset: number, length: number, userdata: unknown) =>
    fn(Buffer.from(pool, offset, length), userdata),
  (
    fn: (handle: unknown, type: number, data: Buffer, userptr: unknown) => unknown,
    handle: unknown,
    type: number,
    pool: ArrayBuffer,
    offset: number,
    length: number,
    userptr: unknown,
  ) => fn(handle, type, Buffer.from(pool, offset, length), userptr),
  markAsUntransferable,
);

/** Methods of the native easy handle (binding/curl/easy.cc). */
export interface NativeEasyMethods {
  setopt(option: number, value: unknown): number;
  /** The value; undefined when the call failed (or CURLINFO_PRIVATE is unset): then see getinfoCode. */
  getinfo(info: number): unknown;
  /** The CURLcode of the last getinfo on this thread. */
  getinfoCode(): number;
  perform(): number;
  pause(bitmask: number): number;
  reset(): void;
  duphandle(target: object): object;
  cleanup(): void;
  takeBody(): Buffer;
  takeHeaders(): Buffer;
  takeCallbackError(): unknown;
  isClosed(): boolean;
  errorBuffer(): string;
  /** Easy#maxBodySize, checked by the caller: a non-negative safe integer (0: no limit). */
  setMaxBodySize(limit: number): void;
  /** The C layer's "headers go nowhere" (no HEADERFUNCTION, no HEADERDATA): not buffered, not called. */
  discardHeaders(on: boolean): void;
}

/** Methods of the native multi handle (binding/curl/multi.cc). */
export interface NativeMultiMethods {
  setopt(option: number, value: unknown): number;
  addHandle(easy: object, autoRemove: boolean): number;
  /** addHandle bound to this multi: a call skips unwrapping `this`. */
  addHandleFunction(): (easy: object, autoRemove: boolean) => number;
  removeHandle(easy: object): number;
  socketAction(sockfd: number, evBitmask: number): number;
  socketAll(): number;
  assign(sockfd: number, value: unknown): number;
  timeout(): number;
  /** The easy handle, or [easy, error thrown by its callbacks]; kind and result go to state[MultiState.msgKind] and [MultiState.msgResult]. */
  infoRead(): object | [object, unknown] | null;
  cleanup(): number;
  /**
   * The driver's completions: numbers in the multi's state (MultiState.doneCount, DoneSlot),
   * objects as the arguments: the slab (undefined when empty), then each transfer's easy
   * handle, its Buffers that are not in the slab, and what its callbacks threw.
   */
  setDoneCallback(fn: (slab: ArrayBuffer | undefined, ...objects: unknown[]) => void): void;
  isClosed(): boolean;
}

export interface NativePoll {
  /** Without a callback, the one given last is kept. */
  start(events: number, callback?: (err: Error | null, events: number) => void): void;
  stop(): void;
  close(): void;
  readonly fd: number;
  isActive(): boolean;
}

type Ctor<A extends unknown[]> = new (...args: A) => object;

/** Base classes to extend: their methods are reached through the prototypes below. */
export const NativeEasy = native.Easy as Ctor<[]>;
export const NativeMulti = native.Multi as Ctor<[Int32Array]>;
export const NativePoll = native.Poll as new (fd: number) => NativePoll;

export const easyMethods = native.Easy.prototype as NativeEasyMethods;
export const multiMethods = native.Multi.prototype as NativeMultiMethods;
export const pollMethods = native.Poll.prototype as NativePoll;

export const uvConstants = {
  UV_READABLE: native.UV_READABLE as number,
  UV_WRITABLE: native.UV_WRITABLE as number,
  UV_DISCONNECT: native.UV_DISCONNECT as number,
  UV_PRIORITIZED: native.UV_PRIORITIZED as number,
};

export const nativeFunctions = {
  curl_version: native.curl_version as () => string,
  curl_version_info: native.curl_version_info as () => CurlVersionInfo,
  curl_easy_strerror: native.curl_easy_strerror as (code: number) => string,
  curl_multi_strerror: native.curl_multi_strerror as (code: number) => string,
  curl_share_strerror: native.curl_share_strerror as (code: number) => string,
  curl_url_strerror: native.curl_url_strerror as (code: number) => string,
  glib_version: native.glib_version as () => string,
};

/** curl_version_info(CURLVERSION_NOW), field names as in struct curl_version_info_data. */
export interface CurlVersionInfo {
  age: number;
  version: string;
  version_num: number;
  host: string;
  features: number;
  ssl_version: string | null;
  libz_version: string | null;
  protocols: string[];
  ares: string | null;
  libidn: string | null;
  libssh_version: string | null;
  brotli_version: string | null;
  nghttp2_version: string | null;
  quic_version: string | null;
  zstd_version: string | null;
  feature_names: string[];
}
