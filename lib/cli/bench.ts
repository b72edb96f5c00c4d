// `curlio bench`: requests per second and latency percentiles of curlio against a URL (by
// default a loopback node:http server in a child process), and of undici beside it when
// undici can be loaded, as a ratio. The clients take turns in rounds (curlio, undici, then
// undici, curlio...), so a machine whose load changes during the run weighs on both alike.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Session } from '../session/session';
import { HttpVersion, Message } from '../session/message';
import { formatMs, percentile } from './format';

export interface BenchOptions {
  url?: string;
  connections: number;
  requests: number;
  http2: boolean;
  /** Rounds the requests are split into, the clients alternating (default 4). */
  rounds?: number;
  /** A PEM file of CA certificates to trust for --url (as curl's --cacert). */
  cacert?: string;
  /** Accept any certificate (as curl's -k / --insecure). */
  insecure?: boolean;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

interface Measurement {
  client: string;
  requests: number;
  errors: number;
  firstError?: string;
  seconds: number;
  /** Per-request latencies in ms, ascending. */
  latencies: Float64Array;
}

/** One request as a client makes it: resolves with an error text, or undefined on a 2xx. */
type Request = () => Promise<string | undefined>;

interface Client {
  name: string;
  /** The request functions of a run, made once (connections of them run at once). */
  workers?: Request[];
  /** A request function per worker (connections of them run at once). */
  request(): Request;
  close(): Promise<void> | void;
}

export async function bench(options: BenchOptions): Promise<number> {
  const server = options.url === undefined ? await startServer(options.http2) : undefined;
  const url = options.url ?? `${options.http2 ? 'https' : 'http'}://127.0.0.1:${server!.port}/`;
  const tls: TlsTrust = { ca: options.cacert ?? server?.ca ?? null, insecure: options.insecure ?? false };
  const rounds = Math.max(1, Math.min(options.rounds ?? 4, options.requests));
  try {
    const protocol = options.http2 ? 'HTTP/2' : 'HTTP/1.1';
    options.out.write(
      `curlio bench: GET ${url} (${server ? `local ${options.http2 ? 'node:http2' : 'node:http'} server in a child process, ` : ''}${protocol}), ` +
        `${options.requests} requests over ${options.connections} connections, in ${rounds} rounds\n`,
    );
    const clients: Client[] = [curlioClient(url, options, tls)];
    const undici = undiciClient(url, options, tls);
    if (typeof undici === 'string') options.out.write(`undici: ${undici}\n`);
    else clients.push(undici);

    const totals = clients.map((c) => ({ client: c.name, requests: 0, errors: 0, firstError: undefined as string | undefined, seconds: 0, latencies: new Float64Array(options.requests) }));
    const progress = new Progress(options.err, rounds, options.requests);
    for (const client of clients) {
      client.workers = Array.from({ length: options.connections }, () => client.request());
      // Warm-up: connections made, handles pooled, code compiled, before anything is timed.
      const warmup = Math.min(options.requests, Math.max(options.connections * 2, Math.floor(options.requests / 10)));
      await runRequests(client.workers, warmup, new Float64Array(warmup), () => undefined);
    }
    for (let round = 0; round < rounds; round++) {
      const share = Math.floor(options.requests / rounds) + (round < options.requests % rounds ? 1 : 0);
      // Alternate who goes first, so neither always runs on the machine the other warmed up.
      const order = clients.map((_, i) => (round % 2 === 0 ? i : clients.length - 1 - i));
      for (const i of order) {
        const total = totals[i];
        const slice = total.latencies.subarray(total.requests, total.requests + share);
        const start = performance.now();
        const { errors, firstError } = await runRequests(clients[i].workers!, share, slice, (done) => progress.update(round, clients[i].name, done, share));
        total.seconds += (performance.now() - start) / 1000;
        total.requests += share;
        total.errors += errors;
        total.firstError ??= firstError;
      }
      progress.roundDone(round, totals);
    }
    progress.close();
    for (const client of clients) await client.close();

    const measurements: Measurement[] = totals.map((t) => ({ ...t, latencies: t.latencies.subarray(0, t.requests).sort() }));
    for (const m of measurements) report(options.out, m);
    if (measurements.length > 1) options.out.write(`curlio / undici: ${ratioText(rate(measurements[0]), rate(measurements[1]))} requests/s\n`);
    const curlio = measurements[0];
    if (curlio.errors > 0) {
      options.err.write(`curlio bench: ${curlio.errors} of ${curlio.requests} requests failed (first: ${curlio.firstError})\n`);
      return 1;
    }
    return 0;
  } finally {
    server?.close();
  }
}

/** '1.23x', or why there is no ratio: never NaN or Infinity. */
export function ratioText(a: number, b: number): string {
  if (!(a > 0) || !(b > 0) || !Number.isFinite(a / b)) return 'n/a (a client completed no request)';
  return `${(a / b).toFixed(2)}x`;
}

function rate(m: Measurement): number {
  return m.seconds > 0 ? (m.requests - m.errors) / m.seconds : 0;
}

/** A latency in ms, or '-' when there is none (no request completed). */
function ms(value: number): string {
  return Number.isFinite(value) ? formatMs(value) : '-';
}

function report(out: NodeJS.WritableStream, m: Measurement): void {
  const l = m.latencies;
  const percentiles = [50, 90, 99].map((p) => `p${p} ${ms(percentile(l, p))}`).join('  ');
  out.write(
    `${m.client.padEnd(28)} ${Math.round(rate(m)).toString().padStart(8)} req/s   latency ms: ${percentiles}  max ${ms(l[l.length - 1] ?? NaN)}` +
      `${m.errors > 0 ? `   (${m.errors} errors)` : ''}\n`,
  );
}

/**
 * Where the run is, on stderr: on a terminal one line redrawn in place (round, client,
 * requests done); elsewhere one line per finished round, so a log shows it advancing.
 */
class Progress {
  readonly #tty: boolean;
  #last = 0;
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly rounds: number,
    private readonly requests: number,
  ) {
    this.#tty = (out as NodeJS.WriteStream).isTTY === true;
  }

  update(round: number, client: string, done: number, of: number): void {
    if (!this.#tty) return;
    const now = performance.now();
    if (now - this.#last < 100 && done < of) return;
    this.#last = now;
    this.out.write(`\r\x1b[K  round ${round + 1}/${this.rounds}  ${client}: ${done}/${of}`);
  }

  roundDone(round: number, totals: { client: string; requests: number; errors: number; seconds: number }[]): void {
    const rates = totals.map((t) => `${t.client} ${Math.round(t.seconds > 0 ? (t.requests - t.errors) / t.seconds : 0)} req/s`).join(', ');
    const text = `  round ${round + 1}/${this.rounds} (${totals[0].requests}/${this.requests} requests each so far): ${rates}`;
    this.out.write(this.#tty ? `\r\x1b[K${text}\n` : `${text}\n`);
  }

  close(): void {
    if (this.#tty) this.out.write('\r\x1b[K');
  }
}

async function runRequests(workers: Request[], count: number, latencies: Float64Array, onProgress: (done: number) => void): Promise<{ errors: number; firstError?: string }> {
  let issued = 0;
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  await Promise.all(
    workers.map(async (request) => {
      while (issued < count) {
        const i = issued++;
        const t0 = performance.now();
        const error = await request();
        latencies[i] = performance.now() - t0;
        onProgress(++done);
        if (error !== undefined) {
          errors++;
          firstError ??= error;
        }
      }
    }),
  );
  return { errors, firstError };
}

interface TlsTrust {
  /** PEM file of CAs to trust; null: the system's. */
  ca: string | null;
  insecure: boolean;
}

function curlioClient(url: string, options: BenchOptions, tls: TlsTrust): Client {
  const session = new Session({ maxConns: options.connections, maxConnsPerHost: options.connections, sslCaFile: tls.ca, sslStrict: !tls.insecure });
  return {
    name: options.http2 ? 'curlio Session (HTTP/2)' : 'curlio Session',
    request() {
      return async () => {
        const msg = new Message('GET', url);
        const status = await session.send(msg);
        if (status < 200 || status >= 300) return `${status} ${msg.errorDetail ?? msg.reasonPhrase}`;
        if (options.http2 && msg.httpVersion !== HttpVersion.HTTP_2_0) return 'the server did not speak HTTP/2';
        return undefined;
      };
    },
    close() {
      session.close();
    },
  };
}

// The parts of undici's API used here; undici is optional and loaded at run time.
interface UndiciPool {
  request(options: { path: string; method: string }): Promise<{ statusCode: number; body: { dump(): Promise<void> } }>;
  close(): Promise<void>;
}
interface Undici {
  Pool: new (origin: string, options: { connections: number; allowH2?: boolean; connect?: { ca?: string; rejectUnauthorized?: boolean } }) => UndiciPool;
}

/** An undici Pool client, or why there is none. */
function undiciClient(url: string, options: BenchOptions, tls: TlsTrust): Client | string {
  let undici: Undici;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    undici = require('undici') as Undici;
  } catch {
    return 'not installed, no comparison (npm install undici to compare)';
  }
  const target = new URL(url);
  const pool = new undici.Pool(target.origin, {
    connections: options.connections,
    allowH2: options.http2,
    connect: { ...(tls.ca !== null ? { ca: fs.readFileSync(tls.ca, 'utf8') } : {}), ...(tls.insecure ? { rejectUnauthorized: false } : {}) },
  });
  const requestPath = target.pathname + target.search;
  return {
    name: options.http2 ? 'undici Pool (HTTP/2)' : 'undici Pool',
    request() {
      return async () => {
        try {
          const { statusCode, body } = await pool.request({ path: requestPath, method: 'GET' });
          await body.dump();
          return statusCode >= 200 && statusCode < 300 ? undefined : `HTTP ${statusCode}`;
        } catch (error) {
          return (error as Error).message;
        }
      };
    },
    close: () => pool.close(),
  };
}

interface LocalServer {
  port: number;
  /** The certificate to trust (HTTP/2 over TLS), null for plain HTTP. */
  ca: string | null;
  close(): void;
}

/** lib/cli/bench-server in a child process (same loader flags as ours, so it also runs from .ts). */
async function startServer(http2: boolean): Promise<LocalServer> {
  const script = path.join(__dirname, `bench-server${path.extname(__filename)}`);
  const child = spawn(process.execPath, [...process.execArgv, script, ...(http2 ? ['--http2'] : [])], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', (l) => {
      rl.close();
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`the bench server exited with ${code}`)));
  });
  const { port, ca } = JSON.parse(line) as { port: number; ca: string | null };
  return { port, ca, close: () => child.stdin!.end() };
}
