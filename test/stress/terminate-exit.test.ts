// Lifetimes under stress (Reliability §3): worker.terminate() fifty times in a row and
// process.exit() with Session transfers and GIO operations (receive, conditionWait,
// receiveFd) in flight. Each scenario runs in its own process (test/helpers/stress-lifetime.js).
import { startHttpServer, type TestServer } from '../helpers/http-server';
import { expectOutcome, runScenario } from './run-scenario';

let server: TestServer;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(() => server.close());

const run = (scenario: string) => runScenario('stress-lifetime.js', [scenario, server.url], [], 60000);

test('worker.terminate() with Session transfers and GIO operations in flight, 50 times: the process still works and exits 0', () => {
  const result = run('terminate');
  expectOutcome('terminate x50', result, 0);
  expect(result.figures.workers).toBe(50);
});

test('process.exit(3) from a timer with Session messages and GIO operations in flight exits with 3', () => {
  expectOutcome('exit-from-timer', run('exit-from-timer'), 3);
});

test('process.exit(4) from inside a got-chunk handler exits with 4', () => {
  expectOutcome('exit-from-callback', run('exit-from-callback'), 4);
});
