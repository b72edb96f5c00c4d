'use strict';
// curlio's UnixConnection (GUnixConnection) passing fds between two processes: this process
// receives N fds with receiveFd() (or receiveFdSync() with {sync:true}) and closes each; a
// child it spawns on the other end of a socketpair sends them with sendFd() / sendFdSync().
// Same work as bench/c/fdpass.c. Options (JSON in argv[2]): { n, warmup, sync }.
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { threadCpuMs, processCpuMs } = require('./harness');

function loadGio() {
  let curlio;
  try {
    curlio = require('../../dist');
  } catch (e) {
    return { error: `dist/ does not load: ${e.message}` };
  }
  if (typeof curlio.UnixConnection === 'function') return { gio: curlio };
  try {
    const gio = require('../../dist/gio');
    if (typeof gio.UnixConnection === 'function') return { gio, note: 'loaded from dist/gio (not exported from curlio yet)' };
  } catch {}
  return { error: 'pending: curlio does not export UnixConnection yet' };
}

async function sender(opts) {
  const { gio } = loadGio();
  const conn = gio.Socket.fromFd(3).connectionFactoryCreateConnection();
  const fd = fs.openSync('/dev/null', 'r');
  const total = opts.n + opts.warmup;
  if (opts.sync) for (let i = 0; i < total; i++) conn.sendFdSync(fd);
  else for (let i = 0; i < total; i++) await conn.sendFd(fd);
  conn.close();
}

async function receiver(opts) {
  const { gio, error, note } = loadGio();
  const name = opts.sync ? 'unix-connection-sync' : 'unix-connection';
  if (!gio) {
    process.stdout.write(JSON.stringify({ client: name, skipped: error }) + '\n');
    return 0;
  }
  const [mine, theirs] = gio.UnixConnection.createPair();
  const child = spawn(process.execPath, [__filename, JSON.stringify({ ...opts, role: 'send' })], {
    stdio: ['ignore', 'inherit', 'inherit', theirs.socket.fd],
    env: process.env,
  });
  theirs.close();
  const childExit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  let failures = 0;
  let firstError = null;
  const receiveOne = opts.sync ? () => mine.receiveFdSync() : () => mine.receiveFd();
  let t0;
  let jsCpuMs = null;
  let procCpuMs = null;
  try {
    for (let i = 0; i < opts.warmup; i++) fs.closeSync(await receiveOne());
    const jsCpu0 = threadCpuMs();
    const procCpu0 = processCpuMs();
    t0 = process.hrtime.bigint();
    for (let i = 0; i < opts.n; i++) fs.closeSync(await receiveOne());
    jsCpuMs = jsCpu0 == null ? null : threadCpuMs() - jsCpu0;
    procCpuMs = processCpuMs() - procCpu0;
  } catch (e) {
    failures++;
    firstError = String(e.message || e);
  }
  const elapsedMs = t0 ? Number(process.hrtime.bigint() - t0) / 1e6 : 0;
  const code = await childExit;
  if (code !== 0) {
    failures++;
    firstError ??= `sender exited ${code}`;
  }
  mine.close();
  const out = { client: name, n: opts.n, failures, elapsedMs, jsCpuMs, procCpuMs, firstError };
  if (note) out.note = note;
  process.stdout.write(JSON.stringify(out) + '\n');
  return failures ? 1 : 0;
}

const opts = { warmup: 1000, sync: false, ...JSON.parse(process.argv[2] || '{}') };
if (opts.role === 'send') sender(opts).catch((e) => {
  console.error(e);
  process.exit(1);
});
else receiver(opts).then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});
