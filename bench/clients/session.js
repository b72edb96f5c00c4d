'use strict';
// curlio's Session (libsoup's SoupSession): the promise API, session.send(msg).
const { main, runWorkers, SkipClient } = require('./harness');

function bodyLength(body) {
  if (body == null) return 0;
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (typeof body.length === 'number') return body.length; // Buffer / Uint8Array / SoupMessageBody-like
  if (typeof body.byteLength === 'number') return body.byteLength;
  if (body.data != null) return bodyLength(body.data);
  throw new Error(`cannot measure responseBody of type ${typeof body}`);
}

/** The Session client as `name`, with `extra` Session options (session-io-thread.js: ioThread). */
function sessionClient(name, extra = {}) {
  main(name, async (opts) => {
    let curlio;
    let note;
    try {
      curlio = require('../../dist');
    } catch (e) {
      throw new SkipClient(`dist/ does not load: ${e.message}`);
    }
    let { Session, Message } = curlio;
    if (typeof Session !== 'function') {
      // Until lib/index.ts re-exports it, the layer is reachable as dist/session.
      try {
        ({ Session, Message } = require('../../dist/session'));
        note = 'loaded from dist/session (not exported from curlio yet)';
      } catch {}
    }
    if (typeof Session !== 'function' || typeof Message !== 'function') {
      throw new SkipClient('Session/Message are not exported from curlio yet');
    }
    const sessionOpts = { maxConns: opts.c, maxConnsPerHost: opts.c, ...extra };
    if (opts.h2) sessionOpts.sslCaFile = opts.caFile;
    const session = new Session(sessionOpts);
    if (extra.ioThread && session.ioThread !== true) throw new SkipClient('Session has no ioThread option in this build');
    async function one() {
      const msg = new Message('GET', opts.url);
      const status = await session.send(msg);
      if (status !== 200) throw new Error(`status ${status}`);
      return bodyLength(msg.responseBody);
    }
    return {
      note,
      run: (count) => runWorkers(count, opts.c, opts.expectLen, one),
      close: () => session.close?.() ?? session.abort?.(),
    };
  });
}

module.exports = { sessionClient };
if (require.main === module) sessionClient('session');
