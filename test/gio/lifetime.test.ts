// Lifetimes: worker threads, worker.terminate() with a pending receive, garbage collection,
// a pending operation keeping its socket alive, ref/unref, exit with operations pending.
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Worker } from 'node:worker_threads';

import { UnixConnection } from '../../lib/gio';
import { expectNoFdLeak, isOpen, checkFdsAroundEachTest } from '../helpers/gio-fds';

// Every test: the fds open afterwards are the fds open before.
checkFdsAroundEachTest();

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const register = path.join(__dirname, '..', 'helpers', 'gio-ts-register.js');
const lib = path.join(__dirname, '..', '..', 'lib', 'gio');

function workerScript(body: string): string {
  return `
    require(${JSON.stringify(register)});
    const gio = require(${JSON.stringify(lib)});
    const fs = require('node:fs');
    const { parentPort } = require('node:worker_threads');
    (async () => { ${body} })().catch((e) => parentPort.postMessage({ error: String(e.stack) }));
  `;
}

async function collect(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}

test('4 worker threads use sockets at once, each on its own loop, and leave no fd behind', async () => {
  await expectNoFdLeak(async () => {
    const body = `
      const [a, b] = gio.UnixConnection.createPair();
      let total = 0;
      for (let i = 0; i < 200; i++) {
        const received = b.socket.receive(100);
        await a.socket.send('message ' + i);
        total += (await received).length;
      }
      // A socket fd, closed through a net.Socket: fs.closeSync of an fd a worker did not open
      // itself draws a warning from Node.
      const [c, d] = gio.UnixConnection.createPair();
      await a.sendFd(c.socket.fd);
      const got = await b.receiveFd();
      const adopted = new (require('node:net').Socket)({ fd: got });
      await new Promise((resolve) => adopted.on('close', resolve).destroy());
      c.close();
      d.close();
      const credentials = await Promise.all([b.receiveCredentials(), a.sendCredentials()]);
      a.close();
      b.close();
      parentPort.postMessage({ total, pid: credentials[0].pid });
    `;
    const workers = Array.from({ length: 4 }, () => new Worker(workerScript(body), { eval: true }));
    const results = await Promise.all(
      workers.map((w) => new Promise<Record<string, unknown>>((resolve) => w.once('message', resolve))),
    );
    for (const r of results) expect(r).toEqual({ total: expect.any(Number), pid: process.pid });
    const expected = Array.from({ length: 200 }, (_, i) => `message ${i}`.length).reduce((x, y) => x + y, 0);
    for (const r of results) expect(r.total).toBe(expected);
    await Promise.all(workers.map((w) => w.terminate()));
  });
});

test('worker.terminate() with a pending receive exits cleanly and closes the worker’s sockets', async () => {
  await expectNoFdLeak(async () => {
    const worker = new Worker(
      workerScript(`
        const [a, b] = gio.UnixConnection.createPair();
        b.receiveFd().then(() => parentPort.postMessage('unexpected'));
        b.socket.receive(10);
        parentPort.postMessage({ pending: true, fds: [a.socket.fd, b.socket.fd] });
      `),
      { eval: true },
    );
    const message = await new Promise<{ pending: boolean; fds: number[] }>((resolve) => worker.once('message', resolve));
    expect(message.pending).toBe(true);
    for (const fd of message.fds) expect(isOpen(fd)).toBe(true);
    expect(await worker.terminate()).toBe(1);
  });
});

test('garbage collection closes an idle socket nobody references', async () => {
  let fds: number[] = [];
  (() => {
    const [a, b] = UnixConnection.createPair();
    fds = [a.socket.fd, b.socket.fd];
  })();
  for (const fd of fds) expect(isOpen(fd)).toBe(true);
  for (let i = 0; i < 20 && fds.some(isOpen); i++) await collect();
  for (const fd of fds) expect(isOpen(fd)).toBe(false);
});

test('a pending operation keeps its socket alive after JavaScript drops it; then GC closes it', async () => {
  const { a, received, fd } = (() => {
    const [a, b] = UnixConnection.createPair();
    return { a, received: b.socket.receive(100), fd: b.socket.fd }; // only the promise refers to b
  })();
  await collect();
  expect(isOpen(fd)).toBe(true);
  await a.socket.send('still here');
  expect((await received).toString()).toBe('still here');
  for (let i = 0; i < 20 && isOpen(fd); i++) await collect();
  expect(isOpen(fd)).toBe(false);
  a.close();
});

// Each child loads lib/gio from TypeScript (a second or more on a loaded machine): limits are
// generous, and what a test asserts is how the child ended, never how fast.
const CHILD_TIMEOUT_MS = 30000;

function runChild(script: string): { status: number | null; signal: NodeJS.Signals | null; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', register, '-e', `const gio = require(${JSON.stringify(lib)}); ${script}`], {
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MS,
    env: process.env,
  });
  return { status: result.status, signal: result.signal, stderr: result.stderr };
}

test('a pending receive keeps the process alive until its data arrives (the child has no timer of its own)', async () => {
  const [ours, theirs] = UnixConnection.createPair();
  const child = spawn(
    process.execPath,
    [
      '-r',
      register,
      '-e',
      `const gio = require(${JSON.stringify(lib)});
       const socket = gio.Socket.fromFd(3);
       require('node:fs').closeSync(3); // only the GSocket's own copy is left
       socket.receive(5).then((data) => { process.stdout.write('received ' + data); socket.close(); });
       process.stdout.write('waiting\\n');`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe', theirs.socket.fd] },
  );
  theirs.close();
  let stdout = '';
  let stderr = '';
  const waiting = new Promise<void>((resolve) =>
    child.stdout!.on('data', (d) => {
      stdout += d;
      if (stdout.includes('waiting')) resolve();
    }),
  );
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  // Once it says it waits, only the pending receive can keep it alive: if that did not hold
  // the loop, the child would exit here, before the data is sent.
  await Promise.race([waiting, exited]);
  await new Promise((r) => setTimeout(r, 200));
  await ours.socket.send('hello').catch(() => undefined);
  const code = await exited;
  expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: 'waiting\nreceived hello', stderr: '' });
  ours.close();
});

test('unref() lets a process with a pending receive exit, like a Node handle', () => {
  const released = runChild(`const [a, b] = gio.UnixConnection.createPair(); b.socket.unref(); b.socket.receive(1);`);
  expect(released).toEqual({ status: 0, signal: null, stderr: '' });
});

test('once its operations are done, an idle socket does not keep the process alive (the poll is stopped)', () => {
  const result = runChild(`
    (async () => {
      const [a, b] = gio.UnixConnection.createPair();
      const received = b.socket.receive(10);
      await a.socket.send('x');
      await received;
      await b.socket.conditionWait(gio.IOCondition.OUT);
      globalThis.keep = [a, b]; // referenced, open, idle
    })();
  `);
  // Held open by the idle socket, the child would run until the timeout kills it.
  expect(result).toEqual({ status: 0, signal: null, stderr: '' });
});

test('process.exit() with operations pending tears down cleanly (no crash, no GLib warning)', () => {
  const result = runChild(`
    const [a, b] = gio.UnixConnection.createPair();
    b.receiveFd(); b.receiveCredentials(); a.socket.conditionWait(gio.IOCondition.IN);
    setTimeout(() => process.exit(0), 50);
  `);
  expect(result).toEqual({ status: 0, signal: null, stderr: '' });
});
