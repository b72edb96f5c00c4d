// `curlio bench`: requests per second and latency percentiles of curlio against a URL (by
// default a loopback node:http server in a child process), and of undici beside it when
// undici can be loaded, as a ratio.
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
  /** A request function per worker (connections of them run at once). */
  request(): Request;
  close(): Promise<void> | void;
}

export async function bench(options: BenchOptions): Promise<number> {
  const server = options.url === undefined ? await startServer(options.http2) : undefined;
  const url = options.url ?? `${options.http2 ? 'https' : 'http'}://127.0.0.1:${server!.port}/`;
  const ca = server?.ca ?? null;
  try {
    const protocol = options.http2 ? 'HTTP/2' : 'HTTP/1.1';
    options.out.write(
      `curlio bench: GET ${url} (${server ? `local ${options.http2 ? 'node:http2' : 'node:http'} server in a child process, ` : ''}${protocol}), ` +
        `${options.requests} requests over ${options.connections} connections\n`,
    );
    const curlio = await measure(curlioClient(url, options, ca), options);
    report(options.out, curlio);

    const undici = undiciClient(url, options, ca);
    if (typeof undici === 'string') {
      options.out.write(`undici: ${undici}\n`);
    } else {
      const peer = await measure(undici, options);
      report(options.out, peer);
      const ratio = rate(curlio) / rate(peer);
      options.out.write(`curlio / undici: ${ratio.toFixed(2)}x requests/s\n`);
    }
    if (curlio.errors > 0) {
      options.err.write(`curlio bench: ${curlio.errors} of ${curlio.requests} requests failed (first: ${curlio.firstError})\n`);
      return 1;
    }
    return 0;
  } finally {
    server?.close();
  }
}

function rate(m: Measurement): number {
  return (m.requests - m.errors) / m.seconds;
}

function report(out: NodeJS.WritableStream, m: Measurement): void {
  const l = m.latencies;
  const ms = [50, 90, 99].map((p) => `p${p} ${formatMs(percentile(l, p))}`).join('  ');
  out.write(
    `${m.client.padEnd(28)} ${Math.round(rate(m)).toString().padStart(8)} req/s   latency ms: ${ms}  max ${formatMs(l[l.length - 1] ?? NaN)}` +
      `${m.errors > 0 ? `   (${m.errors} errors)` : ''}\n`,
  );
}

/** Warms the client up (connections made, handles pooled), then times `requests` requests. */
async function measure(client: Client, options: BenchOptions): Promise<Measurement> {
  const workers = Array.from({ length: options.connections }, () => client.request());
  const warmup = Math.min(options.requests, Math.max(options.connections * 2, Math.floor(options.requests / 10)));
  await runRequests(workers, warmup, new Float64Array(warmup));
  const latencies = new Float64Array(options.requests);
  const start = performance.now();
  const { errors, firstError } = await runRequests(workers, options.requests, latencies);
  const seconds = (performance.now() - start) / 1000;
  await client.close();
  return { client: client.name, requests: options.requests, errors, firstError, seconds, latencies: latencies.sort() };
}

async function runRequests(workers: Request[], count: number, latencies: Float64Array): Promise<{ errors: number; firstError?: string }> {
  let issued = 0;
  let errors = 0;
  let firstError: string | undefined;
  await Promise.all(
    workers.map(async (request) => {
      while (issued < count) {
        const i = issued++;
        const t0 = performance.now();
        const error = await request();
        latencies[i] = performance.now() - t0;
        if (error !== undefined) {
          errors++;
          firstError ??= error;
        }
      }
    }),
  );
  return { errors, firstError };
}

function curlioClient(url: string, options: BenchOptions, ca: string | null): Client {
  const session = new Session({ maxConns: options.connections, maxConnsPerHost: options.connections, sslCaFile: ca });
  return {
    name: options.http2 ? 'curlio Session (HTTP/2)' : 'curlio Session',
    request() {
      return async () => {
        const msg = new Message('GET', url);
        const status = await session.send(msg);
        if (status < 200 || status >= 300) return `${status} ${msg.reasonPhrase}`;
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
  Pool: new (origin: string, options: { connections: number; allowH2?: boolean; connect?: { ca?: string } }) => UndiciPool;
}

/** An undici Pool client, or why there is none. */
function undiciClient(url: string, options: BenchOptions, ca: string | null): Client | string {
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
    connect: ca !== null ? { ca: fs.readFileSync(ca, 'utf8') } : undefined,
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
