// Easy: one transfer (CURL *), object style: the same operations as curl_easy_*, throwing
// CurlError instead of returning codes.
import { NativeEasy, easyMethods } from './binding';
import { check, CurlError } from './errors';
import type { EasyOption, EasyOptionValueTypes } from './constants.generated';
import { CURLINFO_EFFECTIVE_URL } from './constants.generated';
import { adoptC, isCHandle, refuseBlockingRead, resetC, setoptC } from './c-defaults';

/** What a transfer finished with, as the native driver hands it over. */
export type TransferHandler = (
  result: number,
  body: Buffer | undefined,
  headers: Buffer | undefined,
  error: unknown,
  responseCode: number,
  /** The transfer's easy handle: one handler can serve many handles without a closure each. */
  easy: Easy,
) => void;

/** @internal the per-transfer completion handler used by Multi.startTransfer. */
export const kTransferHandler = Symbol('curlio.transferHandler');
/** @internal the Multi running this easy handle's transfer (Multi.startTransfer). */
export const kTransferOwner = Symbol('curlio.transferOwner');

/** @internal what an easy handle needs of the Multi that runs it. */
export interface TransferOwner {
  abandonTransfer(easy: Easy): void;
}

export class Easy extends NativeEasy {
  /** @internal */
  [kTransferHandler]: TransferHandler | undefined = undefined;
  /** @internal */
  [kTransferOwner]: TransferOwner | undefined = undefined;
  #maxBodySize = 0;

  /**
   * The most bytes of *decoded* response body a transfer may deliver (after
   * CURLOPT_ACCEPT_ENCODING's decoding, so a decompression bomb is stopped by what it
   * inflates to), whether the body is buffered or goes to a CURLOPT_WRITEFUNCTION. One byte
   * more fails the transfer with CURLE_FILESIZE_EXCEEDED. 0 (the default): no limit but,
   * for a buffered body, the largest Buffer (buffer.constants.MAX_LENGTH), past which the
   * transfer fails the same way. Not a libcurl option: curl_easy_reset() keeps it,
   * duphandle() copies it.
   */
  get maxBodySize(): number {
    return this.#maxBodySize;
  }

  set maxBodySize(bytes: number) {
    if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) {
      throw new TypeError(`Expected a non-negative integer (bytes) for maxBodySize but received ${typeof bytes === 'number' ? bytes : typeof bytes}`);
    }
    if (bytes === this.#maxBodySize) return;
    easyMethods.setMaxBodySize.call(this, bytes);
    this.#maxBodySize = bytes;
  }

  /**
   * curl_easy_setopt; the value's type follows the option (see EasyOptionValueTypes). On a
   * curl_easy_init handle this is curl_easy_setopt itself: the two styles mix, the last
   * setting of an option wins, and C's defaults hold (c-defaults.ts).
   */
  setopt<O extends EasyOption>(option: O, value: EasyOptionValueTypes[O]): this {
    check('easy', setoptC(this, option, value) ?? easyMethods.setopt.call(this, option, value), `setting option ${option}`);
    return this;
  }

  /** curl_easy_getinfo: the value, typed by the caller (string, number, string[]...). */
  getinfo<T = unknown>(info: number): T {
    const value = easyMethods.getinfo.call(this, info);
    if (value === undefined) check('easy', easyMethods.getinfoCode.call(this), `getinfo ${info}`);
    return value as T;
  }

  /** curl_easy_perform: blocks this thread until the transfer is done (like C). */
  perform(): this {
    refuseBlockingRead(this, 'Easy#perform');
    const code = easyMethods.perform.call(this);
    if (code !== 0) throw new CurlError('easy', code, this.errorBuffer() || undefined);
    return this;
  }

  /** curl_easy_pause with CURLPAUSE_* bits. */
  pause(bitmask: number): this {
    check('easy', easyMethods.pause.call(this, bitmask));
    return this;
  }

  /** curl_easy_reset: every option back to its default. */
  reset(): void {
    easyMethods.reset.call(this);
    resetC(this); // a curl_easy_init handle goes back to C's defaults, not to buffering
  }

  /** curl_easy_duphandle: a new handle with the same options (and callbacks), of the same layer. */
  duphandle(): Easy {
    const copy = new (this.constructor as new () => Easy)();
    easyMethods.duphandle.call(this, copy);
    copy.maxBodySize = this.#maxBodySize;
    if (isCHandle(this)) adoptC(copy, this);
    return copy;
  }

  /**
   * curl_easy_cleanup. Idempotent; from inside one of its own callbacks it is deferred until
   * libcurl returns. A transfer it was running for Multi.perform() fails with
   * CURLE_ABORTED_BY_CALLBACK.
   */
  cleanup(): void {
    try {
      // Throws what a CLOSESOCKETFUNCTION (or DEBUGFUNCTION) threw while its connections closed.
      easyMethods.cleanup.call(this);
    } finally {
      this[kTransferOwner]?.abandonTransfer(this);
    }
  }

  /** Alias of cleanup(), in Node's words. */
  close(): void {
    this.cleanup();
  }

  isClosed(): boolean {
    return easyMethods.isClosed.call(this);
  }

  /** CURLOPT_ERRORBUFFER's text for the last transfer ('' when none). */
  errorBuffer(): string {
    return easyMethods.errorBuffer.call(this);
  }

  /** The response body buffered since the last takeBody() (when no WRITEFUNCTION is set). */
  takeBody(): Buffer {
    return easyMethods.takeBody.call(this);
  }

  /** The raw header lines buffered since the last takeHeaders() (when no HEADERFUNCTION is set). */
  takeHeaders(): Buffer {
    return easyMethods.takeHeaders.call(this);
  }

  /** The effective URL, a convenience for getinfo(CURLINFO_EFFECTIVE_URL). */
  get effectiveUrl(): string | null {
    return this.getinfo<string | null>(CURLINFO_EFFECTIVE_URL);
  }
}
