/**
 * curlio/libcurl: libcurl's C API for JavaScript, plus Easy/Multi objects and Poll.
 *
 * Functions and constants carry libcurl's own names; a C out-parameter `T *out` is a
 * trailing `{ value: T }` that the call fills, and the return value is what C returns.
 *
 * @module curlio/libcurl
 */
export * from './constants.generated';
export * from './functions';
export type * from './callbacks';
export { Easy, type TransferHandler } from './easy';
export { Multi, type PerformResult } from './multi';
export { CurlError, type CurlErrorKind } from './errors';
export { Poll, UV_READABLE, UV_WRITABLE, UV_DISCONNECT, UV_PRIORITIZED, type PollCallback } from './poll';
export type { CurlVersionInfo } from './binding';
