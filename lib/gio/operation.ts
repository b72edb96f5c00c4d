// One asynchronous native operation as a promise: AbortSignal and the socket's timeout
// cancel it natively (so nothing is left waiting on the uv_poll) and reject it.
import type { NativeCallback, NativeSocket } from './binding';
import { abortError, timedOutError } from './errors';

/** Options of every operation that may wait. */
export interface OperationOptions {
  /** Cancels the operation (GIO's GCancellable): it rejects with an AbortError. */
  signal?: AbortSignal;
}

/** @internal */
export function checkOptions(options: OperationOptions | undefined): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected an options object but received ${String(options)}`);
  }
  const { signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError('Expected an AbortSignal for options.signal');
  }
  return signal;
}

// A rejected promise for options that are wrong or already aborted; null: go ahead.
function refusal(options: OperationOptions | undefined): Promise<never> | null {
  let signal: AbortSignal | undefined;
  try {
    signal = checkOptions(options);
  } catch (error) {
    return Promise.reject(error);
  }
  return signal?.aborted ? Promise.reject(abortError(signal)) : null;
}

/** @internal What an attempt returns when the call has to wait. */
export const MUST_WAIT: unique symbol = Symbol('curlio.gio.mustWait');

/**
 * @internal operation() for calls that usually complete at once (passing an fd to a peer that
 * keeps up): `attempt` makes one non-blocking try in a single native call and returns its
 * result, or MUST_WAIT. Only then are the callback, the AbortSignal listener and the timer set
 * up, by operation() with `start`; the socket's timeout (a native property read) is read only
 * then too.
 */
export function attemptOperation<T>(
  socket: NativeSocket,
  options: OperationOptions | undefined,
  timeoutMs: () => number,
  attempt: () => T | typeof MUST_WAIT,
  start: (done: NativeCallback<T>) => number,
): Promise<T> {
  if (options !== undefined) {
    const refused = refusal(options);
    if (refused !== null) return refused;
  }
  let result: T | typeof MUST_WAIT;
  try {
    result = attempt();
  } catch (error) {
    return Promise.reject(error);
  }
  if (result !== MUST_WAIT) return Promise.resolve(result);
  return operation(socket, options, timeoutMs(), start);
}

/**
 * @internal Runs `start` (which calls the native method with `done` as its callback).
 * `timeoutMs` > 0 rejects with G_IO_ERROR_TIMED_OUT, as GIO's blocking calls do.
 */
export function operation<T>(
  socket: NativeSocket,
  options: OperationOptions | undefined,
  timeoutMs: number,
  start: (done: NativeCallback<T>) => number,
): Promise<T> {
  const refused = refusal(options);
  if (refused !== null) return refused;
  const signal = options?.signal;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let id = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (timer !== undefined) clearTimeout(timer);
    };
    const onAbort = () => {
      if (!settled && socket.cancel(id)) {
        finish();
        reject(abortError(signal!));
      }
    };
    id = start((error, result) => {
      finish();
      if (error) reject(error);
      else resolve(result);
    });
    if (settled || id === 0) return;
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        if (!settled && socket.cancel(id)) {
          finish();
          reject(timedOutError());
        }
      }, timeoutMs);
    }
  });
}
