'use strict';
// undici's Pool: the fastest pure-JS HTTP client, the peer every curlio row is compared to.
const fs = require('node:fs');
const { main, runWorkers, SkipClient } = require('./harness');

main('undici', async (opts) => {
  const { Pool } = require('undici');
  const u = new URL(opts.url);
  const poolOpts = { connections: opts.c, pipelining: 1, keepAliveTimeout: 120e3 };
  if (opts.h2) {
    let probe;
    try {
      probe = new Pool(u.origin, { allowH2: true });
    } catch {
      throw new SkipClient('this undici has no allowH2');
    }
    await probe.close();
    poolOpts.allowH2 = true;
    // HTTP/2 multiplexes: one connection carries every stream, as curl's PIPEWAIT does.
    poolOpts.connections = 1;
    poolOpts.pipelining = opts.c;
    poolOpts.connect = { ca: fs.readFileSync(opts.caFile) };
  }
  const pool = new Pool(u.origin, poolOpts);
  const path = u.pathname + u.search;
  async function one() {
    const { statusCode, body } = await pool.request({ path, method: 'GET' });
    let len = 0;
    for await (const chunk of body) len += chunk.length;
    if (statusCode !== 200) throw new Error(`status ${statusCode}`);
    return len;
  }
  return {
    run: (count) => runWorkers(count, opts.c, opts.expectLen, one),
    close: () => pool.close(),
  };
});
