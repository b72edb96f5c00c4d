'use strict';
// Runs one client for one measurement in this (child) process and prints one JSON line:
// the same shape bench/c/multi_epoll.c prints. Options come as JSON in argv[2]:
//   { url, n, c, expectLen, warmup, h2, caFile }
// A client module exports create(opts) → { run(count) → Promise<{ failures, bytes, firstError }>, close() }
// and may throw a SkipClient to say it cannot run here (e.g. the API is not exported yet).
const fs = require('node:fs');

class SkipClient extends Error {}

function kbField(name) {
  const m = fs.readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${name}:\\s+(\\d+)`, 'm'));
  return m ? Number(m[1]) : -1;
}

function collect() {
  if (typeof global.gc === 'function') {
    global.gc();
    global.gc();
  }
}

/**
 * Runs `count` requests with `c` in flight; `one()` resolves to the body length after
 * checking the status itself (throwing on a bad one). Shared by the promise-style clients.
 */
async function runWorkers(count, c, expectLen, one) {
  let next = 0;
  let failures = 0;
  let bytes = 0;
  let firstError = null;
  async function worker() {
    while (next < count) {
      next++;
      try {
        const len = await one();
        bytes += len;
        if (len !== expectLen) throw new Error(`body length ${len}, expected ${expectLen}`);
      } catch (e) {
        failures++;
        firstError ??= String(e && e.message ? e.message : e);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(c, count) }, worker));
  return { failures, bytes, firstError };
}

async function main(name, create) {
  const opts = JSON.parse(process.argv[2]);
  const rssLoadKb = kbField('VmRSS');
  let client;
  try {
    client = await create(opts);
  } catch (e) {
    if (e instanceof SkipClient) {
      process.stdout.write(JSON.stringify({ client: name, skipped: e.message }) + '\n');
      process.exit(0);
    }
    throw e;
  }
  collect();
  const rssStartKb = kbField('VmRSS');
  let warm = { failures: 0, bytes: 0, firstError: null };
  if (opts.warmup > 0) warm = await client.run(opts.warmup);
  collect();
  const rssBeforeKb = kbField('VmRSS');
  // V8's own view: heapUsed is live JS; heapTotal is what V8 reserved, and grows (young
  // generation semispaces up to 16 MiB each) under a high allocation rate without a leak.
  const memBefore = process.memoryUsage();
  const heapUsedBeforeKb = Math.round(memBefore.heapUsed / 1024);
  const heapTotalBeforeKb = Math.round(memBefore.heapTotal / 1024);
  const t0 = process.hrtime.bigint();
  const res = await client.run(opts.n);
  const elapsedMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const hwmKb = kbField('VmHWM');
  collect();
  const rssAfterKb = kbField('VmRSS');
  const memAfter = process.memoryUsage();
  const heapUsedAfterKb = Math.round(memAfter.heapUsed / 1024);
  const heapTotalAfterKb = Math.round(memAfter.heapTotal / 1024);
  const failures = res.failures + warm.failures;
  const out = {
    client: name,
    n: opts.n,
    c: opts.c,
    failures,
    elapsedMs,
    bytes: res.bytes,
    rssLoadKb,
    rssStartKb,
    rssBeforeKb,
    rssAfterKb,
    hwmKb,
    heapUsedBeforeKb,
    heapUsedAfterKb,
    heapTotalBeforeKb,
    heapTotalAfterKb,
    firstError: res.firstError ?? warm.firstError,
  };
  if (client.note) out.note = client.note;
  process.stdout.write(JSON.stringify(out) + '\n');
  await client.close?.();
  process.exit(failures ? 1 : 0);
}

module.exports = { main, runWorkers, SkipClient, kbField };
