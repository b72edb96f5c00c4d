// The headline: handing live sockets between unrelated processes over a UNIX socket path.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { UnixConnection } from '../../lib/gio';
import { nodePeer } from '../helpers/gio-spawn';
import { checkFdsAroundEachTest } from '../helpers/gio-fds';

// Every test: the fds open afterwards are the fds open before.
checkFdsAroundEachTest();

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-gio-handoff-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** One GET on a fresh connection (no keep-alive): the body, or the error's code. */
function get(port: number): Promise<{ body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ body }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.setTimeout(10000, () => req.destroy(new Error('timeout')));
  });
}

test('a running HTTP server hands its listening socket to an unrelated process under load: no request fails', async () => {
  const heirPath = path.join(dir, 'heir.sock');
  const heir = nodePeer('gio-peer.js', ['http-heir', heirPath]);
  expect(await heir.next()).toMatchObject({ ready: true });
  const owner = nodePeer('gio-http-owner.js', [heirPath]);
  const { port } = await owner.next<{ port: number }>();

  // A bounded hammer: TOTAL requests, CONCURRENCY at a time, each on a new connection;
  // the handoff is triggered once a third of them are done.
  const TOTAL = 600;
  const CONCURRENCY = 8;
  const results: { body?: string; error?: string }[] = [];
  let started = 0;
  let handoffSent = false;
  const ownerDone = owner.next<{ handedOff: boolean }>(60000);
  async function client(): Promise<void> {
    while (started < TOTAL) {
      started++;
      results.push(await get(port));
      if (!handoffSent && results.length >= TOTAL / 3) {
        handoffSent = true;
        owner.child.stdin!.write('handoff\n');
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  expect(await ownerDone).toEqual({ handedOff: true });
  expect(await owner.exited).toBe(0);
  // After the owner has exited, the heir alone serves the port.
  for (let i = 0; i < 20; i++) results.push(await get(port));

  const failures = results.filter((r) => r.error !== undefined);
  expect(failures).toEqual([]);
  const servedBy = (r: { body?: string }) => r.body?.split(' ')[0];
  expect(results.filter((r) => servedBy(r) === 'owner').length).toBeGreaterThan(0);
  expect(results.filter((r) => servedBy(r) === 'heir').length).toBeGreaterThan(0);
  expect(results.slice(-20).every((r) => r.body === `heir ${heir.pid}`)).toBe(true);
  heir.kill();
  await heir.exited;
}, 120000);

test('a front process hands each accepted connection to a worker process, which answers on it', async () => {
  const workerPath = path.join(dir, 'worker.sock');
  const worker = nodePeer('gio-peer.js', ['http-worker', workerPath]);
  expect(await worker.next()).toMatchObject({ ready: true });
  const toWorker = await UnixConnection.connect(workerPath);

  // This test process is the front: it accepts, passes the fd, and lets go of its copy.
  const front = net.createServer({ pauseOnConnect: true }, async (socket) => {
    await toWorker.sendFd(socket);
    socket.destroy();
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  const port = (front.address() as net.AddressInfo).port;

  const results = await Promise.all(Array.from({ length: 50 }, () => get(port)));
  expect(results.filter((r) => r.error !== undefined)).toEqual([]);
  expect(new Set(results.map((r) => r.body))).toEqual(new Set([`worker ${worker.pid}`]));

  await new Promise((r) => front.close(r));
  toWorker.close();
  worker.kill();
  await worker.exited;
}, 60000);
