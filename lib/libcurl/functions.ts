// libcurl's C API, name for name. A C `T *out` parameter is a trailing `{ value: T }`
// that the call fills; the return value is what C returns (a CURLcode or CURLMcode).
// This is the C-shaped layer: handles made here follow C's defaults (c-defaults.ts), where
// the object layer (easy.ts, multi.ts) buffers results. The rest of the C API is in one
// file per family: multi-perform.ts, share.ts, urlapi.ts, mime.ts, header.ts, escape.ts,
// easyoptions.ts, global.ts, c-library.ts, easy-io.ts, push.ts.
import { easyMethods, multiMethods, nativeFunctions, type CurlVersionInfo } from './binding';
import { Easy } from './easy';
import { Multi, kAssign, kSetopt, readMessage, type CURLMsg } from './multi';
import type { EasyOption, EasyOptionValueTypes, MultiOption, MultiOptionValueTypes } from './constants.generated';
import { CURLMSG_DONE, CURLM_BAD_HANDLE } from './constants.generated';
import { easyArg, multiArg } from './args';
import { adoptC, refuseBlockingRead, setoptC, transferEnded } from './c-defaults';
import { MultiState } from './multi-state';
import { setoptPush } from './push';

export type CURL = Easy;
export type CURLM = Multi;
export type CURLcode = number;
export type CURLMcode = number;
export type { CURLMsg };

/** A C out-parameter. */
export interface OutParam<T> {
  value: T;
}

/**
 * A handle of the C-shaped layer: C's defaults hold for it (no WRITEFUNCTION writes to
 * WRITEDATA, stdout when unset; see c-defaults.ts). `new Easy()` buffers instead.
 */
export function curl_easy_init(): CURL {
  const easy = new Easy();
  adoptC(easy);
  return easy;
}

export function curl_easy_setopt<O extends EasyOption>(easy: CURL, option: O, value: EasyOptionValueTypes[O]): CURLcode {
  const handle = easyArg(easy);
  return setoptC(handle, option, value) ?? easyMethods.setopt.call(handle, option, value);
}

export function curl_easy_getinfo(easy: CURL, info: number, out: OutParam<unknown>): CURLcode {
  if (out === null || typeof out !== 'object') throw new TypeError('Expected an out-parameter object { value } for curl_easy_getinfo');
  const handle = easyArg(easy);
  const value = easyMethods.getinfo.call(handle, info);
  const code = value === undefined ? easyMethods.getinfoCode.call(handle) : 0;
  if (code === 0) out.value = value;
  return code;
}

/**
 * Blocks the thread until the transfer is done, like C. A Readable as CURLOPT_READDATA
 * (without a READFUNCTION) is refused with a TypeError: it needs the event loop this blocks.
 */
export function curl_easy_perform(easy: CURL): CURLcode {
  const handle = easyArg(easy);
  refuseBlockingRead(handle, 'curl_easy_perform');
  try {
    return easyMethods.perform.call(handle);
  } finally {
    transferEnded(handle);
  }
}

export function curl_easy_pause(easy: CURL, bitmask: number): CURLcode {
  return easyMethods.pause.call(easyArg(easy), bitmask);
}

/** Back to C's defaults for a curl_easy_init handle (Easy#reset). */
export function curl_easy_reset(easy: CURL): void {
  easyArg(easy).reset();
}

/** The copy is of the same layer as `easy` (C's defaults hold for it when they hold for `easy`). */
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
  const m = multiArg(multi);
  return setoptPush(m, option, value) ?? m[kSetopt](option, value);
}

export function curl_multi_add_handle(multi: CURLM, easy: CURL): CURLMcode {
  return multiMethods.addHandle.call(multiArg(multi), easyArg(easy), false);
}

/** On a multi already cleaned up: CURLM_BAD_HANDLE, as libcurl answers for a handle that is not a multi (http2-upload.c does this). */
export function curl_multi_remove_handle(multi: CURLM, easy: CURL): CURLMcode {
  const m = multiArg(multi);
  if (multiMethods.isClosed.call(m)) return CURLM_BAD_HANDLE;
  return multiMethods.removeHandle.call(m, easyArg(easy));
}

export function curl_multi_socket_action(multi: CURLM, sockfd: number, evBitmask: number, runningHandles?: OutParam<number>): CURLMcode {
  const m = multiArg(multi);
  const code = multiMethods.socketAction.call(m, sockfd, evBitmask);
  if (runningHandles) runningHandles.value = m.state[MultiState.runningHandles];
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
  if (runningHandles) runningHandles.value = m.state[MultiState.runningHandles];
  return code;
}

export function curl_multi_assign(multi: CURLM, sockfd: number, sockp: unknown): CURLMcode {
  return multiArg(multi)[kAssign](sockfd, sockp);
}

export function curl_multi_timeout(multi: CURLM, timeout: OutParam<number>): CURLMcode {
  if (timeout === null || typeof timeout !== 'object') throw new TypeError('Expected an out-parameter object { value } for curl_multi_timeout');
  const m = multiArg(multi);
  const code = multiMethods.timeout.call(m);
  if (code === 0) timeout.value = m.state[MultiState.timeoutMs];
  return code;
}

export function curl_multi_info_read(multi: CURLM, msgsInQueue?: OutParam<number>): CURLMsg | null {
  const m = multiArg(multi);
  const msg = readMessage(m);
  if (msg !== null && msg.msg === CURLMSG_DONE) transferEnded(msg.easy_handle);
  if (msgsInQueue) msgsInQueue.value = m.state[MultiState.msgsInQueue];
  return msg;
}

export function curl_multi_cleanup(multi: CURLM): CURLMcode {
  return multiMethods.cleanup.call(multiArg(multi));
}
