// Poll: watch any fd for readability/writability on this thread's libuv loop.
import { NativePoll, uvConstants } from './binding';

export const { UV_READABLE, UV_WRITABLE, UV_DISCONNECT, UV_PRIORITIZED } = uvConstants;

export type PollCallback = (err: Error | null, events: number) => void;

/**
 * A libuv uv_poll_t on `fd`: start(events, callback), stop(), close() (idempotent).
 * While started it keeps the process alive and itself from being collected, like a Node
 * handle. The fd stays the caller's: close() does not close it. libuv allows one Poll per
 * fd per loop; a second one fails with EEXIST.
 */
export class Poll extends NativePoll {}
