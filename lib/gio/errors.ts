// GioError: every GError, with GLib's domain and code, named by GIO's C enum.
import { gio } from './binding';
import { IO_ERROR_NAMES, IOErrorEnum } from './io-error-enum.generated';

/** The GQuark string of GIO's error domain, G_IO_ERROR. */
export const G_IO_ERROR = 'g-io-error-quark';

function errorName(domain: string, code: number): string {
  if (domain === G_IO_ERROR) return IO_ERROR_NAMES[code] ?? `G_IO_ERROR_${code}`;
  // Another domain (rare here): its quark, in the same C style.
  return `${domain.replace(/-quark$/, '').replace(/-/g, '_').toUpperCase()}_${code}`;
}

/**
 * A GLib error (GError) from a GIO call.
 *
 * `name` is the code's C name, the thing to match on, like Node's `ERR_*` codes:
 * `'G_IO_ERROR_WOULD_BLOCK'`, `'G_IO_ERROR_CLOSED'`, `'G_IO_ERROR_CONNECTION_REFUSED'`.
 * `domain` is the GQuark string (`'g-io-error-quark'`) and `code` the number
 * ({@link IOErrorEnum} for G_IO_ERROR).
 */
export class GioError extends Error {
  /** The error domain's quark string, e.g. `'g-io-error-quark'`. */
  readonly domain: string;
  /** The code within the domain: an {@link IOErrorEnum} value for G_IO_ERROR. */
  readonly code: number;

  constructor(message: string, domain: string, code: number) {
    super(message);
    this.domain = domain;
    this.code = code;
    this.name = errorName(domain, code);
  }

  /** True for `error` of GIO's domain with `code` (g_error_matches). */
  static matches(error: unknown, code: IOErrorEnum): error is GioError {
    return error instanceof GioError && error.domain === G_IO_ERROR && error.code === code;
  }
}

// The addon builds GioErrors itself (binding/gio/error.cc), once per environment.
gio.setErrorClass(GioError);

/** GIO's error for an operation that outlived the socket's timeout. */
export function timedOutError(): GioError {
  return new GioError('Socket I/O timed out', G_IO_ERROR, IOErrorEnum.TIMED_OUT);
}

/** What an aborted operation rejects with: a DOMException named 'AbortError', as in Node. */
export function abortError(signal: AbortSignal): DOMException {
  return new DOMException('The operation was aborted', { name: 'AbortError', cause: signal.reason });
}
