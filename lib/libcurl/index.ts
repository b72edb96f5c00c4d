/**
 * curlio/libcurl: libcurl's C API for JavaScript, plus Easy/Multi objects and Poll.
 *
 * Functions and constants carry libcurl's own names; a C out-parameter `T *out` is a
 * trailing `{ value: T }` that the call fills, and the return value is what C returns.
 * Handles from curl_easy_init follow C's defaults (the body goes to CURLOPT_WRITEDATA,
 * stdout when unset); `new Easy()` and Multi.perform buffer results instead.
 *
 * @module curlio/libcurl
 */
export * from './constants.generated';
export * from './functions';
export * from './multi-perform';
export * from './share';
export * from './urlapi';
export * from './mime';
export * from './header';
export * from './escape';
export * from './easyoptions';
export * from './global';
export * from './c-library';
export * from './easy-io';
export { curl_pushheader_byname, curl_pushheader_bynum, type CurlPushHeaders, type PushCallback } from './push';
export type { CurlWaitFd, CurlEasyOption, CurlHeader, CurlWsFrame, NativeShare, NativeUrl, NativeMime, NativeMimePart } from './native-c';
export type * from './callbacks';
export { Easy, type TransferHandler } from './easy';
export { Multi, type PerformResult } from './multi';
export { IoThreadMulti } from './io-thread-multi';
export { CurlError, type CurlErrorKind } from './errors';
export { Poll, UV_READABLE, UV_WRITABLE, UV_DISCONNECT, UV_PRIORITIZED, type PollCallback } from './poll';
export type { CurlVersionInfo } from './binding';
