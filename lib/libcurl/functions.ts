// libcurl's C API, name for name. A C `T *out` parameter is a trailing `{ value: T }`
// that the call fills; the return value is what C returns (a CURLcode or CURLMcode).
import { easyMethods, multiMethods, nativeFunctions, type CurlVersionInfo } from './binding';
import { Easy } from './easy';
import { Multi, kAssign, kSetopt, readMessage, type CURLMsg } from './multi';
import type { EasyOption, EasyOptionValueTypes, MultiOption, MultiOptionValueTypes } from './constants.generated';

export type CURL = Easy;
export type CURLM = Multi;
export type CURLcode = number;
export type CURLMcode = number;
export type { CURLMsg };

/** A C out-parameter. */
export interface OutParam<T> {
  value: T;
}

function easyArg(easy: unknown): Easy {
  if (!(easy instanceof Easy)) throw new TypeError(`Expected a CURL handle (from curl_easy_init) but received ${describe(easy)}`);
  return easy;
}

function multiArg(multi: unknown): Multi {
  if (!(multi instanceof Multi)) throw new TypeError(`Expected a CURLM handle (from curl_multi_init) but received ${describe(multi)}`);
  return multi;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return typeof value;
}

export function curl_easy_init(): CURL {
  return new Easy();
}

export function curl_easy_setopt<O extends EasyOption>(easy: CURL, option: O, value: EasyOptionValueTypes[O]): CURLcode {
  return easyMethods.setopt.call(easyArg(easy), option, value);
}

export function curl_easy_getinfo(easy: CURL, info: number, out: OutParam<unknown>): CURLcode {
  if (out === null || typeof out !== 'object') throw new TypeError('Expected an out-parameter object { value } for curl_easy_getinfo');
  const handle = easyArg(easy);
  const value = easyMethods.getinfo.call(handle, info);
  const code = value === undefined ? easyMethods.getinfoCode.call(handle) : 0;
  if (code === 0) out.value = value;
  return code;
}

/** Blocks the thread until the transfer is done, like C. */
export function curl_easy_perform(easy: CURL): CURLcode {
  return easyMethods.perform.call(easyArg(easy));
}

export function curl_easy_pause(easy: CURL, bitmask: number): CURLcode {
  return easyMethods.pause.call(easyArg(easy), bitmask);
}

export function curl_easy_reset(easy: CURL): void {
  easyMethods.reset.call(easyArg(easy));
}

export function curl_easy_duphandle(easy: CURL): CURL {
  return easyArg(easy).duphandle();
}

export function curl_easy_cleanup(easy: CURL): void {
  easyMethods.cleanup.call(easyArg(easy));
}

export const curl_easy_strerror: (code: CURLcode) => string = nativeFunctions.curl_easy_strerror;
export const curl_multi_strerror: (code: CURLMcode) => string = nativeFunctions.curl_multi_strerror;
export const curl_share_strerror: (code: number) => string = nativeFunctions.curl_share_strerror;
export const curl_url_strerror: (code: number) => string = nativeFunctions.curl_url_strerror;
export const curl_version: () => string = nativeFunctions.curl_version;
export const curl_version_info: () => CurlVersionInfo = nativeFunctions.curl_version_info;

export function curl_multi_init(): CURLM {
  return new Multi();
}

export function curl_multi_setopt<O extends MultiOption>(multi: CURLM, option: O, value: MultiOptionValueTypes[O]): CURLMcode {
  return multiArg(multi)[kSetopt](option, value);
}

export function curl_multi_add_handle(multi: CURLM, easy: CURL): CURLMcode {
  return multiMethods.addHandle.call(multiArg(multi), easyArg(easy), false);
}

export function curl_multi_remove_handle(multi: CURLM, easy: CURL): CURLMcode {
  return multiMethods.removeHandle.call(multiArg(multi), easyArg(easy));
}

export function curl_multi_socket_action(multi: CURLM, sockfd: number, evBitmask: number, runningHandles?: OutParam<number>): CURLMcode {
  const m = multiArg(multi);
  const code = multiMethods.socketAction.call(m, sockfd, evBitmask);
  if (runningHandles) runningHandles.value = m.state[0];
  return code;
}

/** Legacy: curl_multi_socket_action(multi, sockfd, 0, running). */
export function curl_multi_socket(multi: CURLM, sockfd: number, runningHandles?: OutParam<number>): CURLMcode {
  return curl_multi_socket_action(multi, sockfd, 0, runningHandles);
}

/** Legacy, as in C. */
export function curl_multi_socket_all(multi: CURLM, runningHandles?: OutParam<number>): CURLMcode {
  const m = multiArg(multi);
  const code = multiMethods.socketAll.call(m);
  if (runningHandles) runningHandles.value = m.state[0];
  return code;
}

export function curl_multi_assign(multi: CURLM, sockfd: number, sockp: unknown): CURLMcode {
  return multiArg(multi)[kAssign](sockfd, sockp);
}

export function curl_multi_timeout(multi: CURLM, timeout: OutParam<number>): CURLMcode {
  if (timeout === null || typeof timeout !== 'object') throw new TypeError('Expected an out-parameter object { value } for curl_multi_timeout');
  const m = multiArg(multi);
  const code = multiMethods.timeout.call(m);
  if (code === 0) timeout.value = m.state[1];
  return code;
}

export function curl_multi_info_read(multi: CURLM, msgsInQueue?: OutParam<number>): CURLMsg | null {
  const m = multiArg(multi);
  const msg = readMessage(m);
  if (msgsInQueue) msgsInQueue.value = m.state[2];
  return msg;
}

export function curl_multi_cleanup(multi: CURLM): CURLMcode {
  return multiMethods.cleanup.call(multiArg(multi));
}
