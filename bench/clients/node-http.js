'use strict';
// node:http with a keep-alive Agent: what most Node code uses.
const http = require('node:http');
const { main, runWorkers, SkipClient } = require('./harness');

main('node-http', async (opts) => {
  if (opts.h2) throw new SkipClient('node:http speaks HTTP/1.1 only');
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.c, maxFreeSockets: opts.c, keepAliveMsecs: 120e3 });
  const u = new URL(opts.url);
  const reqOpts = { host: u.hostname, port: u.port, path: u.pathname, agent };
  function one() {
    return new Promise((resolve, reject) => {
      const req = http.get(reqOpts, (res) => {
        let len = 0;
        res.on('data', (chunk) => (len += chunk.length));
        res.on('end', () => (res.statusCode === 200 ? resolve(len) : reject(new Error(`status ${res.statusCode}`))));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
  }
  return {
    run: (count) => runWorkers(count, opts.c, opts.expectLen, one),
    close: () => agent.destroy(),
  };
});
