// curl_multi_perform, curl_multi_wait, curl_multi_poll, curl_multi_fdset and
// curl_multi_wakeup: a C program's own loop over a multi handle (multi-app.c,
// multi-single.c, multi-double.c...).
//
// curl_multi_wait and curl_multi_poll BLOCK THE CALLING THREAD, as in C: while they wait,
// nothing else runs on that thread's event loop (timers, servers, promises). Use them in
// worker threads and in ports of C programs; a Node program lets the native driver run
// the multi (Multi.perform) or drives it with CURLMOPT_SOCKETFUNCTION. The first of these
// calls on a multi sends its native driver away for good: libcurl must not be driven by
// curl_multi_socket_action and curl_multi_perform at once.
import { multiMethods } from './binding';
import { cNative, type CurlWaitFd, type NativeMultiCMethods } from './native-c';
import { multiArg, outArg } from './args';
import { MultiState } from './multi-state';
import type { CURLM, CURLMcode, OutParam } from './functions';

const c = multiMethods as unknown as NativeMultiCMethods;

/** Runs every transfer as far as it goes without waiting; `running_handles` gets how many still run. */
export function curl_multi_perform(multi: CURLM, runningHandles?: OutParam<number> | null): CURLMcode {
  const m = multiArg(multi);
  const out = outArg(runningHandles, 'curl_multi_perform', 'running_handles');
  const code = c.multiPerform.call(m);
  if (out) out.value = m.state[MultiState.runningHandles];
  return code;
}

/** Blocks until activity, `timeout_ms` or (curl_multi_poll only) a wakeup. */
export function curl_multi_wait(multi: CURLM, extraFds: CurlWaitFd[] | null, extraNfds: number, timeoutMs: number, numfds?: OutParam<number> | null): CURLMcode {
  return waitOrPoll('curl_multi_wait', multi, extraFds, extraNfds, timeoutMs, numfds);
}

/** As curl_multi_wait, but waits the full timeout when there is nothing to wait on, and curl_multi_wakeup ends it. */
export function curl_multi_poll(multi: CURLM, extraFds: CurlWaitFd[] | null, extraNfds: number, timeoutMs: number, numfds?: OutParam<number> | null): CURLMcode {
  return waitOrPoll('curl_multi_poll', multi, extraFds, extraNfds, timeoutMs, numfds);
}

function waitOrPoll(
  fn: 'curl_multi_wait' | 'curl_multi_poll',
  multi: CURLM,
  extraFds: CurlWaitFd[] | null,
  extraNfds: number,
  timeoutMs: number,
  numfds?: OutParam<number> | null,
): CURLMcode {
  const m = multiArg(multi);
  const out = outArg(numfds, fn, 'numfds');
  const [code, n] = (fn === 'curl_multi_wait' ? c.wait : c.poll).call(m, extraFds, extraNfds, timeoutMs);
  if (out) out.value = n;
  return code;
}

/**
 * curl_multi_fdset: C's three fd_sets are arrays the call appends to (pass [] as FD_ZERO
 * would leave them); `max_fd` gets the highest fd, -1 when there is none.
 */
export function curl_multi_fdset(multi: CURLM, readFdSet: number[], writeFdSet: number[], excFdSet: number[], maxFd: OutParam<number>): CURLMcode {
  const m = multiArg(multi);
  for (const [set, name] of [[readFdSet, 'read_fd_set'], [writeFdSet, 'write_fd_set'], [excFdSet, 'exc_fd_set']] as const) {
    if (!Array.isArray(set)) throw new TypeError(`Expected an array for ${name} of curl_multi_fdset`);
  }
  const out = outArg(maxFd, 'curl_multi_fdset', 'max_fd', true) as OutParam<number>;
  const [code, read, write, exc, max] = c.fdset.call(m);
  readFdSet.push(...read);
  writeFdSet.push(...write);
  excFdSet.push(...exc);
  out.value = max;
  return code;
}

/**
 * Ends a curl_multi_poll that blocks a thread. From the multi's own thread pass the multi;
 * from another thread (a worker) pass the number `curl_multi_wakeup_id(multi)` gave, as
 * another C thread would hold the CURLM pointer. A multi cleaned up since answers
 * CURLM_BAD_HANDLE.
 */
export function curl_multi_wakeup(multi: CURLM | number): CURLMcode {
  if (typeof multi === 'number') return cNative.curl_multi_wakeup_by_id(multi);
  return c.wakeup.call(multiArg(multi));
}

/** The number a worker thread passes to curl_multi_wakeup to reach `multi` (curlio's own, no C name). */
export function curl_multi_wakeup_id(multi: CURLM): number {
  return c.wakeupId.call(multiArg(multi));
}
