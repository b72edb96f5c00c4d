// Logger: SoupLogger — each request and response written as text, with the credentials
// in Authorization, Cookie, Set-Cookie and Proxy-Authorization redacted.
import type { SessionFeature } from './feature';
import type { Message } from '../message';
import type { Session } from '../session';

/** SoupLoggerLogLevel. */
export const LoggerLogLevel = { NONE: 0, MINIMAL: 1, HEADERS: 2, BODY: 3 } as const;
export type LoggerLogLevelValue = (typeof LoggerLogLevel)[keyof typeof LoggerLogLevel];

/** Where log lines go: direction '>' (request), '<' (response) or ' ' (information). */
export type LoggerPrinter = (level: LoggerLogLevelValue, direction: '>' | '<' | ' ', line: string) => void;

const REDACTED = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

export class Logger implements SessionFeature {
  level: LoggerLogLevelValue;
  /** Bodies longer than this are cut (-1: no limit). */
  maxBodySize: number;
  printer: LoggerPrinter;
  /** false shows credentials (for debugging only). */
  redact = true;

  constructor(level: LoggerLogLevelValue = LoggerLogLevel.MINIMAL, maxBodySize = -1, printer?: LoggerPrinter) {
    this.level = level;
    this.maxBodySize = maxBodySize;
    this.printer = printer ?? ((_, direction, line) => process.stderr.write(`${direction} ${line}\n`));
  }

  requestQueued(session: Session, msg: Message): void {
    if (this.level === LoggerLogLevel.NONE) return;
    const onRestart = () => this.#logRequest(msg);
    this.#logRequest(msg);
    msg.on('restarted', onRestart);
    msg.once('finished', () => {
      msg.off('restarted', onRestart);
    });
  }

  responseReceived(_session: Session, msg: Message): void {
    if (this.level === LoggerLogLevel.NONE) return;
    const version = msg.httpVersion === 2 ? '2' : msg.httpVersion === 0 ? '1.0' : '1.1';
    this.printer(LoggerLogLevel.MINIMAL, '<', `HTTP/${version} ${msg.statusCode} ${msg.reasonPhrase}`);
    if (this.level >= LoggerLogLevel.HEADERS) msg.responseHeaders.forEach((name, value) => this.#header('<', name, value));
    if (this.level >= LoggerLogLevel.BODY && msg.responseBody.length > 0) this.printer(LoggerLogLevel.BODY, '<', this.#body(msg.responseBody));
  }

  requestUnqueued(_session: Session, msg: Message): void {
    if (this.level === LoggerLogLevel.NONE) return;
    if (msg.statusCode > 0 && msg.statusCode < 100) this.printer(LoggerLogLevel.MINIMAL, ' ', `${msg.method} ${withoutPassword(msg.uri)}: ${msg.statusCode} ${msg.reasonPhrase}`);
  }

  #logRequest(msg: Message): void {
    const u = msg.uri;
    this.printer(LoggerLogLevel.MINIMAL, '>', `${msg.method} ${u.pathname}${u.search} HTTP/1.1`);
    if (this.level >= LoggerLogLevel.HEADERS) {
      this.#header('>', 'Host', u.host);
      msg.requestHeaders.forEach((name, value) => this.#header('>', name, value));
    }
    const body = msg.requestBody;
    if (this.level >= LoggerLogLevel.BODY && Buffer.isBuffer(body) && body.length > 0) this.printer(LoggerLogLevel.BODY, '>', this.#body(body));
  }

  #header(direction: '>' | '<', name: string, value: string): void {
    const lower = name.toLowerCase();
    if (this.redact && REDACTED.has(lower)) {
      // Keep the scheme ("Basic", "Digest") or cookie names: enough to debug, nothing to steal.
      value = lower.endsWith('authorization') ? `${value.split(' ')[0]} [REDACTED]` : value.replace(/=[^;]*/g, '=[REDACTED]');
    }
    this.printer(LoggerLogLevel.HEADERS, direction, `${name}: ${value}`);
  }

  #body(body: Buffer): string {
    const cut = this.maxBodySize >= 0 && body.length > this.maxBodySize;
    return (cut ? body.subarray(0, this.maxBodySize) : body).toString('utf8') + (cut ? '\n[...]' : '');
  }
}

/** The URL as text, with the password of its userinfo (if any) left out. */
function withoutPassword(uri: URL): string {
  if (uri.password === '') return uri.href;
  const copy = new URL(uri.href);
  copy.password = '';
  return copy.href;
}
