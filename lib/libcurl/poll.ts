// Poll: watch any fd for readability/writability on this thread's libuv loop.
import { NativePoll, pollMethods, uvConstants } from './binding';

export const { UV_READABLE, UV_WRITABLE, UV_DISCONNECT, UV_PRIORITIZED } = uvConstants;

export type PollCallback = (err: Error | null, events: number) => void;

/**
 * A libuv uv_poll_t on `fd`: start(events, callback), stop(), close() (idempotent).
 * While started it keeps the process alive and itself from being collected, like a Node
 * handle. The fd stays the caller's: close() does not close it. libuv allows one Poll per
 * fd per loop; a second one fails with EEXIST.
 */
export class Poll extends NativePoll {
  // The callback the native side holds: a restart with the same function (libcurl's
  // CURL_POLL_IN after every request on a keep-alive connection) does not hand it over
  // again. Set only once the native start succeeded.
  #callback: PollCallback | undefined = undefined;

  /** uv_poll_start: `callback(err, events)` runs on each readiness until stop() or close(). */
  override start(events: number, callback: PollCallback): void {
    if (callback === this.#callback && typeof callback === 'function') {
      pollMethods.start.call(this, events);
    } else {
      pollMethods.start.call(this, events, callback);
      this.#callback = callback;
    }
  }

  /** uv_poll_stop; the Poll can be started again. */
  override stop(): void {
    pollMethods.stop.call(this);
  }

  /** Stops and releases the uv handle (idempotent); the fd stays the caller's. */
  override close(): void {
    pollMethods.close.call(this);
    this.#callback = undefined;
  }
}
