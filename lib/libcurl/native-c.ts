// The addon's C-API natives beyond the easy and multi classes (binding/curl/*.cc, one file
// each), typed once here. The functions that wrap them keep C's names and the out-parameter
// rule; these raw forms return [code, value] pairs instead.
import { native } from '../native';

/** struct curl_easyoption. */
export interface CurlEasyOption {
  name: string;
  id: number;
  /** CURLOT_* */
  type: number;
  /** CURLOT_FLAG_ALIAS when the name is an alias. */
  flags: number;
}

/** struct curl_header. */
export interface CurlHeader {
  name: string;
  value: string;
  amount: number;
  index: number;
  origin: number;
}

/** struct curl_ws_frame. */
export interface CurlWsFrame {
  age: number;
  flags: number;
  offset: number;
  bytesleft: number;
  len: number;
}

/** struct curl_waitfd: `revents` is filled in by curl_multi_wait / curl_multi_poll. */
export interface CurlWaitFd {
  fd: number;
  events: number;
  revents?: number;
}

export interface NativeShare {
  setopt(option: number, value: unknown): number;
  cleanup(): number;
  isClosed(): boolean;
}

export interface NativeUrl {
  set(part: number, content: string | null, flags: number): number;
  get(part: number, flags: number): [number, string | undefined];
  dup(): NativeUrl | null;
  cleanup(): void;
  isClosed(): boolean;
}

export interface NativeMimePart {
  name(name: string | null): number;
  data(data: string | Buffer | null, datasize?: number): number;
  filedata(filename: string | null): number;
  filename(filename: string | null): number;
  type(mimetype: string | null): number;
  encoder(encoding: string | null): number;
  headers(headers: string[] | null): number;
  subparts(subparts: NativeMime | null): number;
  dataCb(datasize: number, read: unknown, seek: unknown, free: unknown, arg: unknown): number;
}

export interface NativeMime {
  addpart(): NativeMimePart | null;
  free(): void;
}

/** Methods the C-API files add to the native multi (binding/curl/multi_perform.cc, multi_push.cc). */
export interface NativeMultiCMethods {
  multiPerform(): number;
  wait(extraFds: CurlWaitFd[] | null, extraNfds: number, timeoutMs: number): [number, number];
  poll(extraFds: CurlWaitFd[] | null, extraNfds: number, timeoutMs: number): [number, number];
  fdset(): [number, number[], number[], number[], number];
  wakeup(): number;
  wakeupId(): number;
  setPushFunction(dispatcher: ((parent: object, child: object, numHeaders: number, lines: string[]) => unknown) | null): number;
}

export const cNative = {
  Share: native.Share as new () => NativeShare,
  Url: native.Url as new () => NativeUrl,
  Mime: native.Mime as new (easy: object | null) => NativeMime,
  MimePart: native.MimePart as new () => NativeMimePart,
  multiStateIndex: native.multiStateIndex as Record<string, number>,
  curl_multi_wakeup_by_id: native.curl_multi_wakeup_by_id as (id: number) => number,
  curl_global_init: native.curl_global_init as (flags: number) => number,
  curl_global_cleanup: native.curl_global_cleanup as () => void,
  curl_global_sslset: native.curl_global_sslset as (id: number, name: string | null) => [number, { id: number; name: string }[]],
  curl_easy_escape: native.curl_easy_escape as (easy: object | null, s: string | Buffer, length: number) => string | null,
  curl_easy_unescape: native.curl_easy_unescape as (easy: object | null, s: string | Buffer, length: number) => [string | null, number],
  curl_getdate: native.curl_getdate as (s: string) => number,
  curl_easy_option_by_name: native.curl_easy_option_by_name as (name: string) => CurlEasyOption | null,
  curl_easy_option_by_id: native.curl_easy_option_by_id as (id: number) => CurlEasyOption | null,
  curl_easy_option_next: native.curl_easy_option_next as (prev: CurlEasyOption | null) => CurlEasyOption | null,
  curl_easy_send: native.curl_easy_send as (easy: object, buffer: Buffer, length: number) => [number, number],
  curl_easy_recv: native.curl_easy_recv as (easy: object, buffer: Buffer, length: number) => [number, number],
  curl_easy_upkeep: native.curl_easy_upkeep as (easy: object) => number,
  curl_easy_header: native.curl_easy_header as (
    easy: object,
    name: string,
    index: number,
    origin: number,
    request: number,
  ) => [number, (CurlHeader & { _position: number }) | undefined],
  curl_easy_nextheader: native.curl_easy_nextheader as (
    easy: object,
    origin: number,
    request: number,
    position: number,
  ) => (CurlHeader & { _position: number }) | null,
  curl_ws_recv: native.curl_ws_recv as (easy: object, buffer: Buffer, length: number) => [number, number, CurlWsFrame | null],
  curl_ws_send: native.curl_ws_send as (easy: object, buffer: Buffer, length: number, framesize: number, flags: number) => [number, number],
  curl_ws_meta: native.curl_ws_meta as (easy: object) => CurlWsFrame | null,
  setEasyClass: native.setEasyClass as (cls: new () => object) => void,
};
