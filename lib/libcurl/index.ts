// curlio/libcurl: libcurl's C API for JavaScript, plus Easy/Multi objects and Poll.
export * from './constants.generated';
export * from './functions';
export type * from './callbacks';
export { Easy, type TransferHandler } from './easy';
export { Multi, type PerformResult } from './multi';
export { CurlError, type CurlErrorKind } from './errors';
export { Poll, UV_READABLE, UV_WRITABLE, UV_DISCONNECT, UV_PRIORITIZED, type PollCallback } from './poll';
export type { CurlVersionInfo } from './binding';
