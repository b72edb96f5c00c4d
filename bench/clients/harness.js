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

const CLK_TCK = 100; // USER_HZ: /proc reports utime/stime in these ticks on Linux

/**
 * CPU time (ms) one thread of this process has used: utime + stime from
 * /proc/self/task/<tid>/stat (fields 14 and 15, counted after the ')' that ends the command
 * name). The main thread's tid is the pid: that thread runs JavaScript, so this is "the JS
 * thread's CPU", apart from the libuv pool, V8's GC helpers and any native I/O thread.
 * Resolution is one tick (10 ms): measure over a second or more.
 */
function threadCpuMs(tid = process.pid) {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
  } catch {
    return null;
  }
}

/** CPU time (ms) of the whole process, every thread: getrusage, microsecond resolution. */
function processCpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
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
 * Each finished request starts the next through two functions shared by all of them, not
 * an async worker per slot: at 10,000 in flight a suspended async function per slot (its
 * generator, context, promise and await closures, about 0.8 KB) was the harness's own
 * memory, counted in every Node client's RSS per transfer, where the C loop keeps 16 bytes.
 */
function runWorkers(count, c, expectLen, one) {
  return new Promise((resolve) => {
    let started = 0;
    let settled = 0;
    let failures = 0;
    let bytes = 0;
    let firstError = null;
    const next = () => {
      settled++;
      if (started < count) start();
      else if (settled === count) resolve({ failures, bytes, firstError });
    };
    const fail = (e) => {
      failures++;
      firstError ??= String(e && e.message ? e.message : e);
      next();
    };
    const done = (len) => {
      bytes += len;
      if (len !== expectLen) fail(new Error(`body length ${len}, expected ${expectLen}`));
      else next();
    };
    function start() {
      started++;
      let p;
      try {
        p = one();
      } catch (e) {
        p = Promise.reject(e);
      }
      p.then(done, fail);
    }
    if (count <= 0) resolve({ failures, bytes, firstError });
    for (let i = 0; i < Math.min(c, count); i++) start();
  });
}

function sample(n) {
  const m = process.memoryUsage();
  return { n, rssKb: kbField('VmRSS'), heapUsedKb: Math.round(m.heapUsed / 1024), heapTotalKb: Math.round(m.heapTotal / 1024) };
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
  const jsCpu0 = threadCpuMs();
  const procCpu0 = processCpuMs();
  const t0 = process.hrtime.bigint();
  // The long run (opts.sampleEvery): the same requests in chunks, RSS and the JS heap read
  // after a full GC between chunks, so run.js can fit a slope (MiB per 100k requests).
  let res;
  let samples;
  if (opts.sampleEvery > 0) {
    samples = [sample(0)];
    res = { failures: 0, bytes: 0, firstError: null };
    for (let done = 0; done < opts.n; ) {
      const k = Math.min(opts.sampleEvery, opts.n - done);
      const r = await client.run(k);
      res.failures += r.failures;
      res.bytes += r.bytes;
      res.firstError ??= r.firstError;
      done += k;
      collect();
      samples.push(sample(done));
    }
  } else res = await client.run(opts.n);
  const elapsedMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const jsCpuMs = jsCpu0 == null ? null : threadCpuMs() - jsCpu0;
  const procCpuMs = processCpuMs() - procCpu0;
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
    jsCpuMs,
    procCpuMs,
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
  if (samples) out.samples = samples;
  if (client.note) out.note = client.note;
  process.stdout.write(JSON.stringify(out) + '\n');
  await client.close?.();
  process.exit(failures ? 1 : 0);
}

module.exports = { main, runWorkers, SkipClient, kbField, threadCpuMs, processCpuMs };
