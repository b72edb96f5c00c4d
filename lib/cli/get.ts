// `curlio get [--parallel N] [-o DIR] URL...`: downloads through one Session, N at a time,
// each body streamed to its file as it arrives (never held whole in memory).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Session } from '../session/session';
import { Message, MessageFlags } from '../session/message';
import { statusIsTransportError } from '../session/status';
import { PlainProgress, TerminalProgress, type ProgressReporter, type Transfer } from './progress';

export interface GetOptions {
  urls: string[];
  parallel: number;
  outputDir: string;
  /** Where progress goes; bars when it is a terminal. */
  out: NodeJS.WriteStream;
  err: NodeJS.WritableStream;
}

/** Runs the downloads; resolves with the exit code (1 when any transfer failed). */
export async function get(options: GetOptions): Promise<number> {
  fs.mkdirSync(options.outputDir, { recursive: true });
  const transfers: Transfer[] = [];
  const taken = new Set<string>();
  for (const url of options.urls) transfers.push({ url, file: outputFile(options.outputDir, url, taken), received: 0, total: null, startedAt: 0 });

  const progress: ProgressReporter = options.out.isTTY ? new TerminalProgress(options.out, transfers.length) : new PlainProgress(options.out);
  // The session's connection limits are the parallelism: one connection per running transfer.
  const session = new Session({ maxConns: options.parallel, maxConnsPerHost: options.parallel });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < transfers.length) {
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
    session.close();
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
  msg.on('got-chunk', (chunk: Buffer) => {
    if (writeError !== undefined) return;
    try {
      fd ??= fs.openSync(partial, 'w');
      fs.writeSync(fd, chunk);
      t.received += chunk.length;
    } catch (error) {
      writeError = error as Error;
      session.cancelMessage(msg, 1);
    }
  });
  const status = await session.send(msg);
  if (fd !== undefined) fs.closeSync(fd);
  const failure = writeError
    ? `writing ${partial}: ${writeError.message}`
    : statusIsTransportError(status)
      ? `${msg.reasonPhrase || 'transport error'} (status ${status})`
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
