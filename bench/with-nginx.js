#!/usr/bin/env node
'use strict';
// Runs one command against the bench's nginx (started for it, stopped after), for profiling a
// single client by hand. In the arguments, {http} and {https} become the server's base URLs
// and {ca} its CA file. bench/PROFILE.md uses it, e.g.:
//
//   node bench/with-nginx.js -- perf record -g -o /tmp/session.perf node --perf-basic-prof \
//     bench/clients/session.js '{"url":"{http}/small","n":20000,"c":1,"expectLen":13,"warmup":2000}'
const { spawnSync } = require('node:child_process');
const { startNginx } = require('./nginx');

async function main() {
  const sep = process.argv.indexOf('--');
  const argv = process.argv.slice(sep >= 0 ? sep + 1 : 2);
  if (argv.length === 0) throw new Error('usage: node bench/with-nginx.js -- COMMAND [ARGS...]');
  const server = await startNginx({ log: (...a) => console.error('[with-nginx]', ...a) });
  let status = 1;
  try {
    const fill = (a) => a.replaceAll('{http}', server.httpUrl).replaceAll('{https}', server.httpsUrl).replaceAll('{ca}', server.caFile);
    const r = spawnSync(argv[0], argv.slice(1).map(fill), { stdio: 'inherit' });
    if (r.error) throw r.error;
    status = r.status ?? 1;
  } finally {
    await server.stop();
  }
  process.exitCode = status;
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});
