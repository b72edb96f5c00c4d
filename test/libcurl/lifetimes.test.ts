// Native lifetimes: GC with work pending, worker threads, worker.terminate() and
// process.exit() mid-transfer. Each scenario runs in its own process (the compiled
// package, as a user loads it) and must end as stated: no crash, no hang.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { startHttpServer, type TestServer } from '../helpers/http-server';

let server: TestServer;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(() => server.close());

function run(scenario: string, flags: string[] = []) {
  const child = spawnSync(process.execPath, [...flags, path.join(__dirname, '../helpers/lifetime-child.js'), scenario, server.url], {
    encoding: 'utf8',
    timeout: 60000,
  });
  return { status: child.status, signal: child.signal, stdout: child.stdout.trim(), stderr: child.stderr };
}

function expectOutcome(result: ReturnType<typeof run>, expected: { status: number; stdout: string }): void {
  const { status, signal, stdout } = result;
  if (status !== expected.status || signal !== null || stdout !== expected.stdout) {
    throw new Error(`scenario ended with ${JSON.stringify({ status, signal, stdout })}\n${result.stderr}`);
  }
}

test('GC while transfers are pending: they finish, the dropped objects are collected', () => {
  expectOutcome(run('gc-pending', ['--expose-gc']), { status: 0, stdout: 'ok' });
});

test('handles whose callbacks capture themselves are collected when dropped, fds released', () => {
  expectOutcome(run('collectable', ['--expose-gc']), { status: 0, stdout: 'ok' });
});

test('a connection cached after its Easy with a CLOSESOCKETFUNCTION was collected is closed safely', () => {
  expectOutcome(run('closesocket-outlives-easy', ['--expose-gc']), { status: 0, stdout: 'ok' });
});

test('four worker threads run their own multis at once', () => {
  expectOutcome(run('workers'), { status: 0, stdout: 'ok' });
});

test('worker.terminate() with transfers and polls in flight, ten times', () => {
  expectOutcome(run('terminate-worker'), { status: 0, stdout: 'ok' });
});

test('process.exit() with transfers in flight exits with its code', () => {
  expectOutcome(run('exit-in-flight'), { status: 7, stdout: 'ok' });
});

test('an idle process with unclosed handles exits by itself', () => {
  expectOutcome(run('exits-when-idle'), { status: 0, stdout: 'ok' });
});
