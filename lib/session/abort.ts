// AbortSignal and total deadline for queued messages, on top of soup_session_cancel_message:
// libsoup's own `timeout` restarts with every byte (CURLOPT_LOW_SPEED_*), so a slow body can
// run for ever under it; a deadline counts from queueing to the end. The watch of a message
// lasts exactly as long as it is queued: it is set up when the message is queued and undone
// at 'request-unqueued', which fires once per queueing (a requeue keeps the same watch).
import { CURLE_OPERATION_TIMEDOUT } from '../libcurl/constants.generated';
import { kItem, kSetTransportError, type Message } from './message';
import { Status, statusForCurlCode } from './status';
import type { Session } from './session';

/** What a session applies to each of its messages. */
interface SessionLimits {
  signal: AbortSignal | null;
  /** Seconds, 0: none. */
  deadline: number;
}

interface Watch {
  timer: NodeJS.Timeout | null;
  signals: AbortSignal[];
  onAbort: () => void;
}

interface SessionWatches {
  limits: SessionLimits;
  /** The messages being watched; null until the first one (no 'request-unqueued' listener before). */
  messages: Map<Message, Watch> | null;
}

const sessions = new WeakMap<Session, SessionWatches>();

/**
 * Reads the session's `signal` and `deadline` options (called by the Session constructor).
 * true: the session has one, and each message it queues must go through watchMessage;
 * otherwise only a message with a signal or deadline of its own does.
 */
export function watchSession(session: Session, options: { signal?: AbortSignal | null; deadline?: number }): boolean {
  const signal = options.signal ?? null;
  if (signal !== null && !isAbortSignal(signal)) throw new TypeError('Expected an AbortSignal for signal');
  const deadline = checkDeadline('deadline', options.deadline ?? 0);
  if (signal === null && deadline === 0) return false;
  sessions.set(session, { limits: { signal, deadline }, messages: null });
  // soup_session_abort when it aborts; messages queued afterwards are cancelled as they come.
  signal?.addEventListener('abort', () => session.abort(), { once: true });
  return true;
}

/**
 * Starts watching a message that was just queued: its own and its session's signal and
 * deadline. Nothing to do for a message without either on a session without either.
 */
export function watchMessage(session: Session, msg: Message): void {
  const watches = sessions.get(session);
  const ownSignal = msg.signal;
  if (ownSignal === null && msg.deadline === 0 && watches === undefined) return; // the common case: nothing to do
  if (ownSignal !== null && !isAbortSignal(ownSignal)) {
    session.cancelMessage(msg, Status.CANCELLED);
    throw new TypeError('Expected an AbortSignal or null for msg.signal');
  }
  const deadline = checkDeadline('msg.deadline', msg.deadline) || (watches?.limits.deadline ?? 0);
  // The session's signal cancels through session.abort(): one listener for all its messages.
  const signals: AbortSignal[] = ownSignal !== null ? [ownSignal] : [];
  if (ownSignal?.aborted || watches?.limits.signal?.aborted) {
    session.cancelMessage(msg, Status.CANCELLED);
    return;
  }
  if (signals.length === 0 && deadline === 0) return;
  // Finished already (a malformed URI finishes without a transfer): nothing to watch.
  if (!isQueued(msg)) return;

  const state = watches ?? { limits: { signal: null, deadline: 0 }, messages: null };
  if (watches === undefined) sessions.set(session, state);
  if (state.messages === null) {
    const messages = new Map<Message, Watch>();
    state.messages = messages;
    session.on('request-unqueued', (done: Message) => {
      const watch = messages.get(done);
      if (watch !== undefined) {
        messages.delete(done);
        unwatch(watch);
      }
    });
  }
  const onAbort = (): void => session.cancelMessage(msg, Status.CANCELLED);
  const watch: Watch = { timer: null, signals, onAbort };
  for (const signal of signals) signal.addEventListener('abort', onAbort, { once: true });
  if (deadline > 0) {
    const ms = Math.round(deadline * 1000);
    watch.timer = setTimeout(() => {
      msg[kSetTransportError](CURLE_OPERATION_TIMEDOUT, `Operation timed out after ${ms} milliseconds (the message's deadline)`);
      session.cancelMessage(msg, statusForCurlCode(CURLE_OPERATION_TIMEDOUT));
    }, ms);
    // The transfer keeps the process alive while it runs; the timer alone must not.
    watch.timer.unref();
  }
  state.messages.set(msg, watch);
}

function unwatch(watch: Watch): void {
  if (watch.timer !== null) clearTimeout(watch.timer);
  for (const signal of watch.signals) signal.removeEventListener('abort', watch.onAbort);
}

// A message is queued while it holds its queue item (#finish clears it after request-unqueued).
function isQueued(msg: Message): boolean {
  return msg[kItem] !== null;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return typeof value === 'object' && value !== null && typeof (value as AbortSignal).aborted === 'boolean' && typeof (value as AbortSignal).addEventListener === 'function';
}

function checkDeadline(name: string, seconds: number): number {
  if (typeof seconds !== 'number' || !(seconds >= 0) || !Number.isFinite(seconds)) {
    throw new TypeError(`Expected a non-negative number of seconds for ${name} but received ${seconds}`);
  }
  return seconds;
}
