'use strict';
// curlio's Session with { ioThread: true }: session.send(msg) as in session.js, but each
// message (no chunk or header listeners, no body) runs on the session's I/O-thread multi,
// a native thread of its own. The harness's JS-thread CPU is the main thread's alone;
// process CPU includes the I/O thread.
require('./session').sessionClient('session-io-thread', { ioThread: true });
