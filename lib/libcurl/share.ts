// The share interface: curl_share_init / setopt / cleanup / strerror, and CURLOPT_SHARE.
// A share belongs to the thread (environment) that made it: its easy handles all run
// there, so libcurl needs no locks; CURLSHOPT_LOCKFUNC / UNLOCKFUNC are called anyway,
// with the share's CURLSHOPT_USERDATA, for programs that count or trace them.
import { cNative, type NativeShare } from './native-c';
import { describe } from './args';

export type CURLSH = NativeShare;
export type CURLSHcode = number;
/** CURLSHOPT_LOCKFUNC: (handle, data CURL_LOCK_DATA_*, access CURL_LOCK_ACCESS_*, userptr). */
export type LockFunction = (handle: unknown, data: number, access: number, userptr: unknown) => void;
/** CURLSHOPT_UNLOCKFUNC: (handle, data CURL_LOCK_DATA_*, userptr). */
export type UnlockFunction = (handle: unknown, data: number, userptr: unknown) => void;

/** The Share class itself (curl_share_init makes one). */
export const Share = cNative.Share;

function shareArg(share: unknown): NativeShare {
  if (!(share instanceof cNative.Share)) throw new TypeError(`Expected a CURLSH handle (from curl_share_init) but received ${describe(share)}`);
  return share;
}

export function curl_share_init(): CURLSH {
  return new cNative.Share();
}

/** CURLSHOPT_SHARE / UNSHARE take a CURL_LOCK_DATA_* value; LOCKFUNC / UNLOCKFUNC a function; USERDATA anything. */
export function curl_share_setopt(share: CURLSH, option: number, value: unknown): CURLSHcode {
  return shareArg(share).setopt(option, value);
}

/** CURLSHE_IN_USE while an easy handle still uses it, as in C. */
export function curl_share_cleanup(share: CURLSH): CURLSHcode {
  return shareArg(share).cleanup();
}
