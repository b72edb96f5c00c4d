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

test('GC while transfers are pending: they finish, the dropped objects are collected', () => {
  expect(run('gc-pending', ['--expose-gc'])).toMatchObject({ status: 0, signal: null, stdout: 'ok' });
});

test('four worker threads run their own multis at once', () => {
  expect(run('workers')).toMatchObject({ status: 0, signal: null, stdout: 'ok' });
});

test('worker.terminate() with transfers and polls in flight, ten times', () => {
  expect(run('terminate-worker')).toMatchObject({ status: 0, signal: null, stdout: 'ok' });
});

test('process.exit() with transfers in flight exits with its code', () => {
  expect(run('exit-in-flight')).toMatchObject({ status: 7, signal: null, stdout: 'ok' });
});

test('an idle process with unclosed handles exits by itself', () => {
  expect(run('exits-when-idle')).toMatchObject({ status: 0, signal: null, stdout: 'ok' });
});
