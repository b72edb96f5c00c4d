// PooledEasy: an easy handle that remembers the options it holds, so starting a message
// sets only what differs from the last one it ran. libcurl keeps the connections in the
// multi handle, so a pooled handle costs nothing but its options.
import { easyMethods } from '../libcurl/binding';
import { Easy, type TransferHandler } from '../libcurl/easy';
import type { DebugCallback, PrereqCallback } from '../libcurl/callbacks';
import { CurlError } from '../libcurl/errors';

export class PooledEasy extends Easy {
  /** @internal the queue item this handle runs, null while pooled or abandoned. */
  item: unknown = null;
  /** Bumped on every start: a deferred action for an older run sees it changed. */
  run = 0;
  /** The session configuration generation last applied. */
  configVersion = -1;
  /** The completion handler, and the JavaScript callbacks, made once per handle. */
  done: TransferHandler | null = null;
  headerFn: ((data: Buffer) => number) | null = null;
  writeFn: ((data: Buffer) => number) | null = null;
  prereqFn: PrereqCallback | null = null;
  debugFn: DebugCallback | null = null;
  /** The message this handle ran last: its timings are read before the handle runs another. */
  lastMsg: unknown = null;
  /**
   * Option groups known to hold their plain-GET values, so a repeat GET skips them as a
   * block instead of comparing each option (see Session's #prepare). Cleared by resetAll.
   */
  plainMethod = false;
  plainAuth = false;
  /** Which JavaScript callbacks are installed (a bit each); -1: unknown. */
  callbackMask = -1;
  /** Reads this handle's timings for the message it ran last; made once per handle. */
  timingsFn: (() => unknown) | null = null;
  // The options set through set(), as parallel arrays searched from the start: a handle
  // holds a dozen at most, and a Map's table cost about 500 bytes on each of thousands of
  // pooled handles (10,000 concurrent transfers) for no faster lookup.
  #optKeys: number[] = [];
  #optValues: unknown[] = [];
  #headers: readonly string[] = [];

  /** curl_easy_setopt, skipped when the handle already holds `value`. */
  set(option: number, value: unknown): void {
    const i = this.#optKeys.indexOf(option);
    if (i !== -1 && this.#optValues[i] === value) return;
    const code = easyMethods.setopt.call(this, option, value);
    if (code !== 0) throw new CurlError('easy', code, `setting option ${option}`);
    if (i !== -1) {
      this.#optValues[i] = value;
    } else {
      this.#optKeys.push(option);
      this.#optValues.push(value);
    }
  }

  /**
   * curl_easy_setopt, not remembered: for the session-wide options that #configure sets
   * once per configuration generation (configVersion records them), so the memo holds only
   * what varies per message and stays small on each of thousands of pooled handles.
   */
  apply(option: number, value: unknown): void {
    const code = easyMethods.setopt.call(this, option, value);
    if (code !== 0) throw new CurlError('easy', code, `setting option ${option}`);
  }

  /** The value last set for `option` through set(). */
  current(option: number): unknown {
    const i = this.#optKeys.indexOf(option);
    return i === -1 ? undefined : this.#optValues[i];
  }

  /** Forget a value so the next set() applies it again (e.g. POSTFIELDS, whose copy is per transfer). */
  forget(option: number): void {
    const i = this.#optKeys.indexOf(option);
    if (i === -1) return;
    // Swap with the last entry: the order does not matter, the arrays stay dense.
    const last = this.#optKeys.length - 1;
    this.#optKeys[i] = this.#optKeys[last];
    this.#optValues[i] = this.#optValues[last];
    this.#optKeys.pop();
    this.#optValues.pop();
  }

  /** curl_easy_reset, and forget what was set. */
  resetAll(): void {
    this.reset();
    this.#optKeys = [];
    this.#optValues = [];
    this.#headers = [];
    this.plainMethod = false;
    this.plainAuth = false;
    this.callbackMask = -1;
  }

  /** CURLOPT_HTTPHEADER, compared line by line with the last list. */
  setHeaders(option: number, lines: readonly string[]): void {
    const prev = this.#headers;
    if (prev.length === lines.length) {
      let same = true;
      for (let i = 0; i < lines.length; i++) {
        if (prev[i] !== lines[i]) {
          same = false;
          break;
        }
      }
      if (same) return;
    }
    const code = easyMethods.setopt.call(this, option, lines.length === 0 ? null : lines);
    if (code !== 0) throw new CurlError('easy', code, 'setting request headers');
    this.#headers = lines;
  }
}
