// `curlio get [--parallel N] [-o DIR] URL...`: downloads through one Session, N at a time,
// each body streamed to its file as it arrives (never held whole in memory). Redirects are
// followed into a clean file: what a 3xx response carried is dropped when the message
// restarts. Ctrl-C (SIGINT) or SIGTERM cancels the transfers, removes their .part files,
// gives the terminal its cursor back and exits 130.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Session } from '../session/session';
import { Message, MessageFlags } from '../session/message';
import { Status, statusIsTransportError } from '../session/status';
import { PlainProgress, TerminalProgress, type ProgressReporter, type Transfer } from './progress';

export interface GetOptions {
  urls: string[];
  parallel: number;
  outputDir: string;
  /** Where progress goes; bars when it is a terminal. */
  out: NodeJS.WriteStream;
  err: NodeJS.WritableStream;
}

/** The exit status after an interruption by a signal (128 + SIGINT's 2, as shells report it). */
export const INTERRUPTED = 130;

/** Runs the downloads; resolves with the exit code (1 when any transfer failed, 130 when interrupted). */
export async function get(options: GetOptions): Promise<number> {
  fs.mkdirSync(options.outputDir, { recursive: true });
  const transfers: Transfer[] = [];
  const taken = new Set<string>();
  for (const url of options.urls) transfers.push({ url, file: outputFile(options.outputDir, url, taken), received: 0, total: null, startedAt: 0 });

  const progress: ProgressReporter = options.out.isTTY ? new TerminalProgress(options.out, transfers.length) : new PlainProgress(options.out);
  // The session's connection limits are the parallelism: one connection per running transfer.
  const session = new Session({ maxConns: options.parallel, maxConnsPerHost: options.parallel });
  let next = 0;
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    // Every transfer ends with Status.CANCELLED; download() removes its .part file.
    session.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const worker = async (): Promise<void> => {
    while (next < transfers.length && !interrupted) {
      const t = transfers[next++];
      t.startedAt = performance.now();
      progress.started(t);
      t.failure = await download(session, t);
      t.finishedAt = performance.now();
      progress.finished(t);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.parallel, transfers.length) }, worker));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    session.close();
  }
  if (interrupted) {
    progress.abort();
    options.err.write('curlio get: interrupted; partial files removed\n');
    return INTERRUPTED;
  }
  progress.close(transfers);

  const failed = transfers.filter((t) => t.failure !== undefined);
  if (failed.length === 0) return 0;
  options.err.write(`curlio get: ${failed.length} of ${transfers.length} transfers failed\n`);
  for (const t of failed) options.err.write(`  ${t.url}: ${t.failure}\n`);
  return 1;
}

/** One transfer into `t.file` (through a .part file, renamed once complete); the reason when it failed. */
async function download(session: Session, t: Transfer): Promise<string | undefined> {
  let msg: Message;
  try {
    msg = new Message('GET', t.url);
  } catch (error) {
    return (error as Error).message;
  }
  msg.flags |= MessageFlags.OVERWRITE_CHUNKS;
  const partial = `${t.file}.part`;
  let fd: number | undefined;
  let writeError: Error | undefined;
  msg.on('got-headers', () => {
    t.received = 0;
    t.total = msg.responseHeaders.contentLength;
  });
  // A redirect (or an authentication round) restarts the message: the body written so far
  // was the 3xx page, so the file starts over.
  msg.on('restarted', () => {
    if (fd !== undefined) {
      fs.ftruncateSync(fd, 0);
      fs.closeSync(fd);
      fd = undefined;
    }
    t.received = 0;
    t.total = null;
  });
  msg.on('got-chunk', (chunk: Buffer) => {
    if (writeError !== undefined) return;
    try {
      fd ??= fs.openSync(partial, 'w');
      fs.writeSync(fd, chunk);
      t.received += chunk.length;
    } catch (error) {
      writeError = error as Error;
      session.cancelMessage(msg, Status.CANCELLED);
    }
  });
  const status = await session.send(msg);
  if (fd !== undefined) fs.closeSync(fd);
  const failure = writeError
    ? `writing ${partial}: ${writeError.message}`
    : statusIsTransportError(status)
      ? `${msg.errorDetail ?? (msg.reasonPhrase || 'transport error')} (${msg.error?.code ?? `status ${status}`})`
      : status >= 400 || status < 200
        ? `HTTP ${status} ${msg.reasonPhrase}`.trimEnd()
        : undefined;
  if (failure !== undefined) {
    fs.rmSync(partial, { force: true });
    return failure;
  }
  if (fd === undefined) fs.writeFileSync(partial, ''); // an empty body is still a file
  fs.renameSync(partial, t.file);
  return undefined;
}

/** DIR/<last path segment> ('index.html' for a directory), made unique among this run's files. */
function outputFile(dir: string, url: string, taken: Set<string>): string {
  let base = 'index.html';
  try {
    const segment = new URL(url).pathname.split('/').pop();
    if (segment) base = decodeURIComponent(segment).replace(/[/\\\0]/g, '_');
  } catch {
    // An unparsable URL fails later with the reason; its name only has to be unique.
  }
  if (base === '.' || base === '..') base = 'index.html';
  let file = path.join(dir, base);
  for (let i = 1; taken.has(file); i++) file = path.join(dir, `${base}.${i}`);
  taken.add(file);
  return file;
}
