// Progress of `curlio get`: redrawn bars when stdout is a terminal, one plain line per
// finished transfer otherwise (logs and pipes get no escape sequences).
import { formatBytes, formatRate, formatSeconds } from './format';

export interface Transfer {
  url: string;
  file: string;
  received: number;
  /** Content-Length of the response, when the server sent one. */
  total: number | null;
  startedAt: number;
  finishedAt?: number;
  /** Why it failed; undefined while running or when it succeeded. */
  failure?: string;
}

export interface ProgressReporter {
  started(t: Transfer): void;
  finished(t: Transfer): void;
  /** Everything is done: print the summary. */
  close(all: Transfer[]): void;
  /** Interrupted: leave the terminal as it was found (no bars, the cursor shown). */
  abort(): void;
}

function seconds(from: number, to = performance.now()): number {
  return (to - from) / 1000;
}

function doneLine(t: Transfer): string {
  const took = seconds(t.startedAt, t.finishedAt);
  if (t.failure !== undefined) return `FAIL ${t.url}: ${t.failure}`;
  return `OK   ${t.url} -> ${t.file} (${formatBytes(t.received)} in ${formatSeconds(took)}, ${formatRate(t.received, took)})`;
}

function summaryLine(all: Transfer[], since: number): string {
  const bytes = all.reduce((sum, t) => sum + t.received, 0);
  const ok = all.filter((t) => t.failure === undefined).length;
  const took = seconds(since);
  return `${ok} of ${all.length} downloaded, ${formatBytes(bytes)} in ${formatSeconds(took)} (${formatRate(bytes, took)})`;
}

/** One line per finished transfer and a summary: for pipes, files and CI logs. */
export class PlainProgress implements ProgressReporter {
  readonly #since = performance.now();
  constructor(private readonly out: NodeJS.WritableStream) {}

  started(): void {}

  finished(t: Transfer): void {
    this.out.write(doneLine(t) + '\n');
  }

  close(all: Transfer[]): void {
    this.out.write(summaryLine(all, this.#since) + '\n');
  }

  abort(): void {}
}

/**
 * The current rate of a transfer, not its average since the start: bytes over the last
 * window of at least RATE_WINDOW_MS, smoothed, so a stall shows as a falling rate and the
 * ETA follows it.
 */
class RateMeter {
  #bytes = 0;
  #at = performance.now();
  rate: number | null = null;

  sample(bytes: number, now = performance.now()): number | null {
    const ms = now - this.#at;
    if (ms >= RATE_WINDOW_MS) {
      const instant = Math.max(0, bytes - this.#bytes) / (ms / 1000);
      this.rate = this.rate === null ? instant : this.rate * 0.5 + instant * 0.5;
      this.#bytes = bytes;
      this.#at = now;
    }
    return this.rate;
  }
}

const RATE_WINDOW_MS = 500;

/** 'ETA 1:05' from what is left and the current rate; 'ETA --' when either is unknown. */
export function etaText(received: number, total: number | null, rate: number | null): string {
  if (total === null || rate === null || !(rate > 0) || received > total) return 'ETA --';
  const seconds = Math.ceil((total - received) / rate);
  if (!Number.isFinite(seconds)) return 'ETA --';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const sec = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `ETA ${h}:${String(m).padStart(2, '0')}:${sec}` : `ETA ${m}:${sec}`;
}

const REDRAW_MS = 100;

/**
 * A bar per running transfer and one for the total, redrawn in place: the cursor goes back
 * up over the previous drawing and the screen is cleared below it. Finished transfers are
 * printed once above the bars and scroll away like ordinary output.
 */
export class TerminalProgress implements ProgressReporter {
  readonly #since = performance.now();
  readonly #running = new Set<Transfer>();
  readonly #all = new Set<Transfer>();
  #pending: string[] = [];
  #drawnLines = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #meters = new Map<Transfer | 'total', RateMeter>();
  #cursorHidden = false;

  constructor(private readonly out: NodeJS.WriteStream, private readonly expected: number) {}

  started(t: Transfer): void {
    this.#running.add(t);
    this.#all.add(t);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#draw(), REDRAW_MS);
      this.#timer.unref();
    }
    this.#draw();
  }

  finished(t: Transfer): void {
    this.#running.delete(t);
    this.#pending.push(doneLine(t));
    this.#draw();
  }

  close(all: Transfer[]): void {
    clearInterval(this.#timer);
    this.#draw();
    this.#erase();
    this.#showCursor();
    this.out.write(summaryLine(all, this.#since) + '\n');
  }

  abort(): void {
    clearInterval(this.#timer);
    this.#erase();
    this.#showCursor();
  }

  #showCursor(): void {
    if (!this.#cursorHidden) return;
    this.#cursorHidden = false;
    this.out.write('\x1b[?25h');
  }

  #meter(key: Transfer | 'total'): RateMeter {
    let meter = this.#meters.get(key);
    if (meter === undefined) this.#meters.set(key, (meter = new RateMeter()));
    return meter;
  }

  #width(): number {
    return Math.max(40, Math.min(this.out.columns || 80, 160));
  }

  #erase(): void {
    if (this.#drawnLines > 0) this.out.write(`\x1b[${this.#drawnLines}A`);
    this.out.write('\r\x1b[J');
    this.#drawnLines = 0;
  }

  #draw(): void {
    let text = this.#drawnLines > 0 ? `\x1b[${this.#drawnLines}A\r\x1b[J` : '\r\x1b[J';
    if (!this.#cursorHidden) {
      // The cursor would blink over the bars: hidden while they are drawn (close and abort give it back).
      this.#cursorHidden = true;
      text = '\x1b[?25l' + text;
    }
    for (const line of this.#pending) text += line + '\n';
    this.#pending = [];
    const lines: string[] = [];
    const width = this.#width();
    for (const t of this.#running) lines.push(this.#bar(name(t.url), t.received, t.total, this.#meter(t).sample(t.received), width));
    for (const key of this.#meters.keys()) if (key !== 'total' && !this.#running.has(key)) this.#meters.delete(key);
    let received = 0;
    let total = 0;
    let known = true;
    for (const t of this.#all) {
      received += t.received;
      if (t.total === null) known = false;
      else total += Math.max(t.total, t.received);
    }
    // The total is known once every transfer has started and sent a Content-Length.
    const done = this.#all.size - this.#running.size;
    const label = `total ${done}/${this.expected}`;
    lines.push(this.#bar(label, received, known && this.#all.size === this.expected ? total : null, this.#meter('total').sample(received), width));
    text += lines.join('\n');
    this.#drawnLines = lines.length - 1;
    this.out.write(text);
  }

  #bar(label: string, received: number, total: number | null, rate: number | null, width: number): string {
    const counts = total !== null ? `${formatBytes(received)} / ${formatBytes(total)}` : formatBytes(received);
    const right = `${percentText(received, total)} ${counts}  ${rate === null ? '--' : formatRate(rate, 1)}  ${etaText(received, total, rate)}`;
    const labelWidth = Math.min(28, Math.floor(width / 3));
    const barWidth = Math.max(10, width - labelWidth - right.length - 5);
    let bar: string;
    if (total !== null && total > 0) {
      const filled = Math.min(barWidth, Math.round((received / total) * barWidth));
      bar = '='.repeat(filled) + (filled < barWidth ? '>' : '') + ' '.repeat(Math.max(0, barWidth - filled - 1));
    } else {
      // Size unknown: a marker that moves with the bytes.
      const at = Math.floor(received / 16384) % barWidth;
      bar = ' '.repeat(at) + '<=>'.slice(0, barWidth - at) + ' '.repeat(Math.max(0, barWidth - at - 3));
    }
    return `${fit(label, labelWidth)} [${bar.slice(0, barWidth)}] ${right}`.slice(0, width - 1);
  }
}

function percentText(received: number, total: number | null): string {
  if (total === null) return '  ?%';
  const pct = total === 0 ? 100 : Math.min(100, Math.floor((received / total) * 100));
  return `${String(pct).padStart(3)}%`;
}

function name(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname.split('/').filter(Boolean).pop() ?? u.host;
  } catch {
    return url;
  }
}

function fit(text: string, width: number): string {
  return text.length > width ? '…' + text.slice(text.length - width + 1) : text.padEnd(width);
}
