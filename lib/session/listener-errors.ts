// What happens when a listener (a Message or Session signal handler, a queue callback, a
// feature hook) throws. Session emits from inside libcurl's callbacks and the native
// driver's completion, where no caller of the application could catch anything; an
// exception let through there would unwind libcurl or the driver. The rule is the one Node
// applies to any EventEmitter emitting asynchronously (a socket's 'data', a request's
// 'response'): the error is rethrown on the next tick, where it reaches
// process.on('uncaughtException') or ends the process. The session itself carries on as
// if the listener had returned (the remaining listeners of that one emit are skipped, as
// EventEmitter does), so the message still ends exactly once and send() settles.
import { EventEmitter } from 'node:events';

/** Rethrows `error` on the next tick, outside the native call that is running now. */
export function reportListenerError(error: unknown): void {
  process.nextTick(rethrow, error);
}

function rethrow(error: unknown): never {
  throw error;
}

const plainEmit = EventEmitter.prototype.emit;

/**
 * Whether `emitter` has a listener for `event`: EventEmitter's own table read directly (a
 * Message has none until its first listener), without listenerCount's call.
 */
export function hasListeners(emitter: EventEmitter, event: string): boolean {
  const events = (emitter as unknown as { _events: Record<string, unknown> | undefined })._events;
  return events !== undefined && events[event] !== undefined;
}

// Whether emitting `event` can be skipped: nobody listens, and emit is EventEmitter's own
// (a subclass that overrides emit sees every signal, as before). EventEmitter.emit takes its
// arguments as a rest array, made on every call even when nobody listens.
function unheard(emitter: EventEmitter, event: string): boolean {
  return emitter.emit === plainEmit && !hasListeners(emitter, event);
}

// Fixed arities: no rest-argument array on the hot path (request-started on every message).
export function emit0(emitter: EventEmitter, event: string): void {
  if (unheard(emitter, event)) return;
  try {
    emitter.emit(event);
  } catch (error) {
    reportListenerError(error);
  }
}

export function emit1(emitter: EventEmitter, event: string, a: unknown): void {
  if (unheard(emitter, event)) return;
  try {
    emitter.emit(event, a);
  } catch (error) {
    reportListenerError(error);
  }
}

export function emit3(emitter: EventEmitter, event: string, a: unknown, b: unknown, c: unknown): void {
  if (unheard(emitter, event)) return;
  try {
    emitter.emit(event, a, b, c);
  } catch (error) {
    reportListenerError(error);
  }
}
