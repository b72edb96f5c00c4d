// PooledEasy: an easy handle that remembers the options it holds, so starting a message
// sets only what differs from the last one it ran. libcurl keeps the connections in the
// multi handle, so a pooled handle costs nothing but its options.
import { Easy } from '../libcurl/easy';
import type { DebugCallback, PrereqCallback } from '../libcurl/callbacks';
import {
  type EasyOption,
  CURLINFO_APPCONNECT_TIME_T,
  CURLINFO_CONNECT_TIME_T,
  CURLINFO_NAMELOOKUP_TIME_T,
  CURLINFO_PRETRANSFER_TIME_T,
  CURLINFO_REDIRECT_TIME_T,
  CURLINFO_STARTTRANSFER_TIME_T,
  CURLINFO_TOTAL_TIME_T,
  CURLAUTH_BASIC,
  CURLOPT_ACCEPT_ENCODING,
  CURLOPT_HTTPAUTH,
  CURLOPT_PROXYAUTH,
  CURLOPT_FRESH_CONNECT,
  CURLOPT_PIPEWAIT,
  CURLOPT_PROXY,
  CURLOPT_URL,
} from '../libcurl/constants.generated';
import type { MessageTimings } from './message';

export class PooledEasy extends Easy {
  /** @internal the queue item this handle runs, null while pooled or abandoned. */
  item: unknown = null;
  /** Bumped on every start: a deferred action for an older run sees it changed. */
  run = 0;
  /** The session configuration generation last applied. */
  configVersion = -1;
  /** The JavaScript callbacks, made once per handle when a message first needs one (null: none yet). */
  #fns: HandleCallbacks | null = null;
  // plainMethod, plainAuth, callbackMask, CURLOPT_PIPEWAIT and CURLOPT_FRESH_CONNECT, as
  // bits of one field (each field is 8 bytes on each of 10,000 handles in flight).
  #bits = CALLBACKS_UNKNOWN;
  // The options set through set(), as [option, value, option, value, ...] searched from the
  // start: a handle holds a dozen at most, and a Map's table cost about 500 bytes on each of
  // thousands of pooled handles (10,000 concurrent transfers) for no faster lookup. Shared
  // and empty until the first option (a plain GET's handle sets none through set()), then an
  // array of its size, not the 16 slots a push onto an empty array reserves.
  #opts: unknown[] = NO_OPTS;
  #headers: readonly string[] = NO_OPTS as readonly string[];
  // The options every message sets, in fields of their own (libcurl's defaults to start
  // with) rather than searched for in #opts four times per message.
  #url: string | null = null;
  #acceptEncoding: string | null = null;
  /** CURLOPT_PROXY as set ('' for none: libcurl's NULL would read the proxy environment). */
  #proxy: string | null = null;

  /**
   * Option groups known to hold their plain-GET values, so a repeat GET skips them as a
   * block instead of comparing each option (see Session's #prepare). Cleared by resetAll.
   */
  get plainMethod(): boolean {
    return (this.#bits & PLAIN_METHOD) !== 0;
  }
  set plainMethod(on: boolean) {
    this.#bits = on ? this.#bits | PLAIN_METHOD : this.#bits & ~PLAIN_METHOD;
  }
  get plainAuth(): boolean {
    return (this.#bits & PLAIN_AUTH) !== 0;
  }
  set plainAuth(on: boolean) {
    this.#bits = on ? this.#bits | PLAIN_AUTH : this.#bits & ~PLAIN_AUTH;
  }
  /** Which JavaScript callbacks are installed (a bit each, four of them); -1: unknown. */
  get callbackMask(): number {
    return ((this.#bits & CALLBACKS) >>> CALLBACKS_SHIFT) - 1;
  }
  set callbackMask(mask: number) {
    this.#bits = (this.#bits & ~CALLBACKS) | ((mask + 1) << CALLBACKS_SHIFT);
  }

  get headerFn(): ((data: Buffer) => number) | null {
    return this.#fns === null ? null : this.#fns.header;
  }
  set headerFn(fn: ((data: Buffer) => number) | null) {
    (this.#fns ??= new HandleCallbacks()).header = fn;
  }
  get writeFn(): ((data: Buffer) => number) | null {
    return this.#fns === null ? null : this.#fns.write;
  }
  set writeFn(fn: ((data: Buffer) => number) | null) {
    (this.#fns ??= new HandleCallbacks()).write = fn;
  }
  get prereqFn(): PrereqCallback | null {
    return this.#fns === null ? null : this.#fns.prereq;
  }
  set prereqFn(fn: PrereqCallback | null) {
    (this.#fns ??= new HandleCallbacks()).prereq = fn;
  }
  get debugFn(): DebugCallback | null {
    return this.#fns === null ? null : this.#fns.debug;
  }
  set debugFn(fn: DebugCallback | null) {
    (this.#fns ??= new HandleCallbacks()).debug = fn;
  }

  /** CURLOPT_PROXY, set only when it differs. */
  setProxy(proxy: string): void {
    if (proxy === this.#proxy) return;
    this.setopt(CURLOPT_PROXY, proxy);
    this.#proxy = proxy;
  }

  /** CURLOPT_URL and CURLOPT_PIPEWAIT, each set only when it differs from what the handle holds. */
  setTarget(url: string, pipeWait: number): void {
    if (url !== this.#url) {
      this.setopt(CURLOPT_URL, url);
      this.#url = url;
    }
    if (pipeWait !== ((this.#bits & PIPEWAIT) !== 0 ? 1 : 0)) {
      this.setopt(CURLOPT_PIPEWAIT, pipeWait);
      this.#bits = pipeWait !== 0 ? this.#bits | PIPEWAIT : this.#bits & ~PIPEWAIT;
    }
  }

  /** CURLOPT_ACCEPT_ENCODING (null: no decoding), set only when it differs. */
  setAcceptEncoding(encoding: string | null): void {
    if (encoding === this.#acceptEncoding) return;
    this.setopt(CURLOPT_ACCEPT_ENCODING, encoding as never);
    this.#acceptEncoding = encoding;
  }

  /** CURLOPT_FRESH_CONNECT, set only when it differs. */
  setFreshConnect(fresh: number): void {
    if (fresh === ((this.#bits & FRESH_CONNECT) !== 0 ? 1 : 0)) return;
    this.setopt(CURLOPT_FRESH_CONNECT, fresh);
    this.#bits = fresh !== 0 ? this.#bits | FRESH_CONNECT : this.#bits & ~FRESH_CONNECT;
  }

  /**
   * curl_easy_setopt, skipped when the handle already holds `value`. An option never set
   * since the handle was made or reset holds libcurl's default, which for every pointer
   * option (strings, functions) is NULL, and CURLAUTH_BASIC for CURLOPT_HTTPAUTH and
   * CURLOPT_PROXYAUTH: setting it to that is skipped and not remembered, which keeps the
   * memo to the few options a message really sets.
   */
  set(option: number, value: unknown): void {
    const opts = this.#opts;
    const i = indexOfOption(opts, option);
    if (i !== -1 ? opts[i + 1] === value : value === libcurlDefault(option)) return;
    this.setopt(option as EasyOption, value as never);
    if (i !== -1) opts[i + 1] = value;
    else this.#remember(option, value);
  }

  #remember(option: number, value: unknown): void {
    if (this.#opts === NO_OPTS) this.#opts = [option, value];
    else this.#opts.push(option, value);
  }

  /**
   * curl_easy_setopt, not remembered: for the session-wide options that #configure sets
   * once per configuration generation (configVersion records them), so the memo holds only
   * what varies per message and stays small on each of thousands of pooled handles.
   */
  apply(option: number, value: unknown): void {
    this.setopt(option as EasyOption, value as never);
  }

  /** The value last set for `option` through set() (undefined: never set, or forgotten). */
  current(option: number): unknown {
    const i = indexOfOption(this.#opts, option);
    const value = i === -1 ? undefined : this.#opts[i + 1];
    return value === UNKNOWN ? undefined : value;
  }

  /**
   * Forget a value so the next set() applies it again, null included (e.g. POSTFIELDS,
   * whose copy is per transfer, or what CURLOPT_HTTPGET changed behind the memo's back).
   * An option set() never set is not in the memo: the handle holds libcurl's default for
   * it, as set() assumes, so there is nothing to forget.
   */
  forget(option: number): void {
    const i = indexOfOption(this.#opts, option);
    if (i !== -1) this.#opts[i + 1] = UNKNOWN;
  }

  /** Timings of the message this handle ran last (Message.timings reads them on first use). */
  readTimings(): MessageTimings | null {
    if (this.isClosed()) return null;
    return {
      nameLookup: this.getinfo<number>(CURLINFO_NAMELOOKUP_TIME_T),
      connect: this.getinfo<number>(CURLINFO_CONNECT_TIME_T),
      appConnect: this.getinfo<number>(CURLINFO_APPCONNECT_TIME_T),
      preTransfer: this.getinfo<number>(CURLINFO_PRETRANSFER_TIME_T),
      startTransfer: this.getinfo<number>(CURLINFO_STARTTRANSFER_TIME_T),
      total: this.getinfo<number>(CURLINFO_TOTAL_TIME_T),
      redirect: this.getinfo<number>(CURLINFO_REDIRECT_TIME_T),
    };
  }

  /** curl_easy_reset, and forget what was set. */
  resetAll(): void {
    this.reset();
    this.#opts = NO_OPTS;
    this.#headers = NO_OPTS as readonly string[];
    this.#url = null;
    this.#acceptEncoding = null;
    this.#proxy = null;
    this.#bits = CALLBACKS_UNKNOWN; // plainMethod, plainAuth false; PIPEWAIT, FRESH_CONNECT 0
  }

  /**
   * CURLOPT_HTTPHEADER, compared line by line with the last list. `shared`: the caller never
   * changes `lines` (a frozen list used again and again), so it is kept as it is and the
   * next call with the same list is recognised by identity.
   */
  setHeaders(option: number, lines: readonly string[], shared = false): void {
    const prev = this.#headers;
    if (prev === lines) return;
    if (prev.length === lines.length) {
      let same = true;
      for (let i = 0; i < lines.length; i++) {
        if (prev[i] !== lines[i]) {
          same = false;
          break;
        }
      }
      if (same) {
        if (shared) this.#headers = lines; // recognised by identity from now on
        return;
      }
    }
    this.setopt(option as EasyOption, (lines.length === 0 ? null : lines) as never);
    this.#headers = shared ? lines : lines.slice(); // exact size: `lines` grew by push, with room to spare
  }
}

/** A handle's JavaScript callbacks (transfer-callbacks.ts), for the handles that ever needed one. */
class HandleCallbacks {
  header: ((data: Buffer) => number) | null = null;
  write: ((data: Buffer) => number) | null = null;
  prereq: PrereqCallback | null = null;
  debug: DebugCallback | null = null;
}

// PooledEasy's #bits.
const PLAIN_METHOD = 1;
const PLAIN_AUTH = 2;
const PIPEWAIT = 4;
const FRESH_CONNECT = 8;
/** callbackMask + 1 (0: unknown), four bits from here. */
const CALLBACKS_SHIFT = 4;
const CALLBACKS = 0x1f << CALLBACKS_SHIFT;
const CALLBACKS_UNKNOWN = 0;

/** The memo of a handle that holds only libcurl's defaults (never written to). */
const NO_OPTS: unknown[] = Object.freeze([]) as unknown as unknown[];

// What libcurl holds for `option` when it was never set: NULL for the pointer options set()
// sees, CURLAUTH_BASIC for the two authentication masks (Curl_init_userdefined).
function libcurlDefault(option: number): unknown {
  return option === CURLOPT_HTTPAUTH || option === CURLOPT_PROXYAUTH ? CURLAUTH_BASIC : null;
}

/** A forgotten option's value: not known, so any set() applies. */
const UNKNOWN: unique symbol = Symbol('curlio.session.unknownOption');

// The index of `option` in an [option, value, ...] array, or -1.
function indexOfOption(opts: unknown[], option: number): number {
  for (let i = 0; i < opts.length; i += 2) if (opts[i] === option) return i;
  return -1;
}
