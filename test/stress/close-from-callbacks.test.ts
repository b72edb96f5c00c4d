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

// Bug (binding/curl/multi.cc): cleanup() from an application-driven Multi's socket or timer
// callback is deferred; CloseResource sets closed_ before curl_multi_cleanup, so OnSocket
// never passes CURL_POLL_REMOVE on for the sockets libcurl then closes. A Poll the
// application started in that callback is registered with epoll after its fd is closed:
// libuv aborts (uv__epoll_ctl_prep, EBADF) — SIGABRT.
test.failing.each(['multi:socket', 'multi:timer'])('%s: Multi cleanup() from the socket / timer callback', (which) => {
  expectOutcome(which, run(which));
});

const events = ['callback', 'got-headers', 'got-chunk', 'got-body', 'finished', 'request-started'];
test.each(events.map((e) => `session:${e}:cancel`))('%s: cancelMessage() from the handler', (which) => {
  expectOutcome(which, run(which));
});
test.each(['session:got-body:close', 'session:finished:close'])('%s: session.close() from the handler', (which) => {
  expectOutcome(which, run(which));
});

// Bug (lib/session): close() from a handler that runs inside libcurl (#inCurl > 0) defers the
// removal of the other running transfers (#detach → queueMicrotask(remove)); by then close()
// has closed the multi and Multi.removeHandle throws ERR_CURL_CLOSED from the microtask: an
// uncaught exception that ends the process.
test.failing.each(['callback', 'got-headers', 'got-chunk', 'request-started'].map((e) => `session:${e}:close`))('%s: session.close() from the handler', (which) => {
  expectOutcome(which, run(which));
});
