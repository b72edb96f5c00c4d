// examples/zero-downtime-restart.js, run as a user runs it: each restart is a new process that
// takes the listening socket from the running one over the control UNIX socket path, while
// clients keep requesting. Not one request may fail.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExampleProcess } from '../helpers/example-process';

let dir: string;
const started: ExampleProcess[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-restart-'));
});
afterEach(async () => {
  for (const p of started.splice(0)) {
    p.kill('SIGKILL');
    await p.exited;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

function start(args: string[]): ExampleProcess {
  const p = new ExampleProcess('zero-downtime-restart.js', args, { cwd: dir });
  started.push(p);
  return p;
}

/** One GET on a new connection: which pid served it, or the error's code. */
function get(port: number): Promise<{ pid?: number; error?: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        const pid = /^served by pid (\d+)\n$/.exec(body)?.[1];
        resolve(res.statusCode === 200 && pid ? { pid: Number(pid) } : { error: `${res.statusCode} ${body}` });
      });
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
  });
}

test('two restarts under a steady stream of requests: 0 failed, each old process exits 0 after handing over', async () => {
  const control = path.join(dir, 'control.sock');
  const first = start(['--control', control, '--port', '0']);
  const port = Number((await first.waitForLine(/^pid \d+ listening on http:\/\/127\.0\.0\.1:(\d+)$/))[1]);

  // Clients: CONCURRENCY loops, each request on a new connection, until told to stop.
  const CONCURRENCY = 6;
  const results: { pid?: number; error?: string }[] = [];
  let stop = false;
  const clients = Array.from({ length: CONCURRENCY }, async () => {
    while (!stop) results.push(await get(port));
  });
  const requestsSoFar = async (n: number) => {
    const target = results.length + n;
    while (results.length < target) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  await requestsSoFar(100);
  const second = start(['--control', control]);
  await second.waitForLine(new RegExp(`^pid ${second.pid} took over http://127\\.0\\.0\\.1:${port} from pid ${first.pid}$`));
  expect(await first.exited).toBe(0);
  expect(first.lines).toContain(`pid ${first.pid} handed http://127.0.0.1:${port} to pid ${second.pid}, exiting`);

  await requestsSoFar(100);
  const third = start(['--control', control]);
  await third.waitForLine(new RegExp(`^pid ${third.pid} took over http://127\\.0\\.0\\.1:${port} from pid ${second.pid}$`));
  expect(await second.exited).toBe(0);

  await requestsSoFar(100);
  stop = true;
  await Promise.all(clients);

  expect(results.filter((r) => r.error !== undefined)).toEqual([]);
  const servedBy = (p: ExampleProcess) => results.filter((r) => r.pid === p.pid).length;
  expect(servedBy(first)).toBeGreaterThan(0);
  expect(servedBy(second)).toBeGreaterThan(0);
  expect(servedBy(third)).toBeGreaterThan(0);
  expect(results.slice(-20).every((r) => r.pid === third.pid)).toBe(true);
  expect(first.stderr + second.stderr).toBe('');

  // SIGTERM: the last one stops accepting, exits 0 and removes the control path it owns.
  third.kill('SIGTERM');
  expect(await third.exited).toBe(0);
  expect(fs.existsSync(control)).toBe(false);
  expect((await get(port)).error).toBe('ECONNREFUSED');
}, 90_000);

test('the first process replaces a control path left behind by a server that died', async () => {
  const control = path.join(dir, 'control.sock');
  const crashed = start(['--control', control, '--port', '0']);
  await crashed.waitForLine(/listening on/);
  crashed.kill('SIGKILL');
  await crashed.exited;
  expect(fs.existsSync(control)).toBe(true); // nobody listens there any more

  const fresh = start(['--control', control, '--port', '0']);
  const port = Number((await fresh.waitForLine(/^pid \d+ listening on http:\/\/127\.0\.0\.1:(\d+)$/))[1]);
  expect(await get(port)).toEqual({ pid: fresh.pid });
  // ...and it answers restarts on that path.
  const next = start(['--control', control]);
  await next.waitForLine(new RegExp(`took over http://127\\.0\\.0\\.1:${port} from pid ${fresh.pid}$`));
  expect(await fresh.exited).toBe(0);
  expect(await get(port)).toEqual({ pid: next.pid });
}, 60_000);
