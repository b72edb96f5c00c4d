// close() / cleanup() from inside every kind of callback (Reliability §3): Easy callbacks,
// an application-driven Multi's socket and timer callbacks, the completion handler, and the
// Session's handlers (closing the session, and separately cancelling the message). No crash,
// the handle reports closed, a new Session works afterwards. One process per case
// (test/helpers/stress-close.js), which must also exit by itself.
import { startHttpServer, type TestServer } from '../helpers/http-server';
import { expectOutcome, runScenario } from './run-scenario';

let server: TestServer;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(() => server.close());

const run = (which: string) => runScenario('stress-close.js', [which, server.url], [], 30000);

const easyCases = ['write', 'header', 'xferinfo', 'read', 'prereq'].flatMap((cb) => ['easy', 'multi'].map((target) => `easy:${cb}:${target}`));
test.each(easyCases)('%s: cleanup() from inside the Easy callback', (which) => {
  expectOutcome(which, run(which));
});

test.each(['multi:done', 'multi:outside'])('%s: Multi cleanup() from the completion handler / outside callbacks', (which) => {
  expectOutcome(which, run(which));
});

// cleanup() from an application-driven Multi's socket or timer callback is deferred until
// libcurl returns; the application then hears CURL_POLL_REMOVE for every socket, so it
// stops its Polls before libcurl closes the fds (libuv aborts on a poll of a closed fd).
test.each(['multi:socket', 'multi:timer'])('%s: Multi cleanup() from the socket / timer callback', (which) => {
  expectOutcome(which, run(which));
});

const events = ['callback', 'got-headers', 'got-chunk', 'got-body', 'finished', 'request-started'];
test.each(events.map((e) => `session:${e}:cancel`))('%s: cancelMessage() from the handler', (which) => {
  expectOutcome(which, run(which));
});
test.each(['session:got-body:close', 'session:finished:close'])('%s: session.close() from the handler', (which) => {
  expectOutcome(which, run(which));
});

// close() from a handler that runs inside libcurl: the removals it defers find the multi
// closed and simply close their easy handles.
test.each(['callback', 'got-headers', 'got-chunk', 'request-started'].map((e) => `session:${e}:close`))('%s: session.close() from the handler', (which) => {
  expectOutcome(which, run(which));
});
