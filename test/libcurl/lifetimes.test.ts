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
  // The same, with every dropped object watched: busy multis (kept alive by the driver only
  // while their transfers run), their easy handles, idle ones never used.
  const script = `
    const { Easy, Multi, CURLOPT_URL } = require(process.argv[1]);
    const base = process.argv[2];
    const collected = new Set();
    const registry = new FinalizationRegistry((name) => collected.add(name));
    const names = [];
    const watch = (object, name) => (registry.register(object, name), names.push(name), object);
    let finished = 0;
    // Not in the async function below: its suspended frame would keep the last values.
    function start(round) {
      const multi = watch(new Multi(), 'busy multi ' + round);
      for (let i = 0; i < 20; i++) {
        const easy = watch(new Easy().setopt(CURLOPT_URL, base + '/bytes/' + (1000 + i)), 'easy ' + round + '.' + i);
        multi.perform(easy).then((r) => r.body.length === 1000 + i && finished++);
      }
      watch(new Easy().setopt(CURLOPT_URL, base + '/hello'), 'idle easy ' + round);
      watch(new Multi(), 'idle multi ' + round);
    }
    (async () => {
      for (let round = 0; round < 5; round++) {
        start(round);
        global.gc();
      }
      for (let i = 0; i < 100 && (finished < 100 || collected.size < names.length); i++) {
        global.gc();
        await new Promise((r) => setTimeout(r, 20));
      }
      const missing = names.filter((n) => !collected.has(n));
      console.log(finished === 100 && missing.length === 0 ? 'ok' : 'finished ' + finished + ', not collected: ' + missing.join(', '));
    })();`;
  const child = spawnSync(process.execPath, ['--expose-gc', '-e', script, path.join(__dirname, '../../dist/libcurl'), server.url], {
    encoding: 'utf8',
    timeout: 60000,
  });
  expectOutcome({ status: child.status, signal: child.signal, stdout: child.stdout.trim(), stderr: child.stderr }, { status: 0, stdout: 'ok' });
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
