// Sockets the native driver polls come and go under it: idle keep-alive connections, ones
// the server drops, fd numbers libcurl closes and hands out again, sockets closed while
// still connecting. These tests hold the driver to what must not change whatever it does
// with its uv_polls (a try at keeping idle connections' polls running failed the last one:
// libcurl 7.88 closes a connecting socket without CLOSESOCKETFUNCTION).
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import {
  CURLINFO_NUM_CONNECTS,
  CURLOPT_CLOSESOCKETFUNCTION,
  CURLOPT_DEBUGFUNCTION,
  CURLOPT_SOCKOPTFUNCTION,
  CURLOPT_URL,
  CURLOPT_VERBOSE,
  Easy,
  Multi,
} from '../../lib/libcurl';
import { runCommand } from '../helpers/run-cli';

const DIST = path.join(__dirname, '..', '..', 'dist', 'libcurl');

let server: http.Server;
let base: string;
let closeEach = false;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (closeEach || req.url === '/close') res.setHeader('connection', 'close');
    res.end('ok');
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

afterEach(() => {
  closeEach = false;
});

async function get(multi: Multi, easy: Easy, url: string): Promise<string> {
  easy.setopt(CURLOPT_URL, url);
  const { status, body } = await multi.perform(easy);
  expect(status).toBe(200);
  return body.toString();
}

test('idle keep-alive connections do not keep the process alive', async () => {
  // The server runs in this process; the client is a child that never cleans up.
  const script = `
    const lc = require(${JSON.stringify(DIST)});
    const multi = new lc.Multi();
    const easy = new lc.Easy().setopt(lc.CURLOPT_URL, process.argv[1]);
    (async () => {
      for (let i = 0; i < 3; i++) await multi.perform(easy);
      console.log('done');
    })();`;
  const child = await runCommand(process.execPath, ['-e', script, `${base}/`], { timeoutMs: 15_000 });
  expect({ code: child.code, stdout: child.stdout.trim() }).toEqual({ code: 0, stdout: 'done' });
});

test('a connection the server closes while idle is not polled in a loop, and the next request reconnects', async () => {
  const multi = new Multi();
  const easy = new Easy();
  try {
    expect(await get(multi, easy, `${base}/`)).toBe('ok');
    expect(easy.getinfo(CURLINFO_NUM_CONNECTS)).toBe(1);
    // The server drops the idle connection: its socket turns readable (EOF) while parked.
    server.closeIdleConnections();
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const used = process.cpuUsage(before);
    // A level-triggered readable socket polled in a loop would burn the whole 400 ms.
    expect((used.user + used.system) / 1000).toBeLessThan(200);
    expect(await get(multi, easy, `${base}/`)).toBe('ok');
    expect(easy.getinfo(CURLINFO_NUM_CONNECTS)).toBe(1); // a new connection, counted anew
  } finally {
    easy.cleanup();
    multi.cleanup();
  }
});

test('fd numbers libcurl closes and opens again keep working (Connection: close on every response)', async () => {
  closeEach = true;
  const multi = new Multi();
  const easies = Array.from({ length: 8 }, () => new Easy());
  try {
    // Sequential: each request closes its socket and the next one very likely gets the same
    // number; then concurrent rounds, with numbers freed and taken in any order.
    for (let i = 0; i < 40; i++) expect(await get(multi, easies[0], `${base}/`)).toBe('ok');
    for (let round = 0; round < 10; round++) {
      const bodies = await Promise.all(easies.map((e, i) => get(multi, e, i % 2 ? `${base}/` : `http://localhost:${new URL(base).port}/`)));
      expect(bodies).toEqual(easies.map(() => 'ok'));
    }
  } finally {
    for (const e of easies) e.cleanup();
    multi.cleanup();
  }
});

test('keep-alive and closed connections mixed on one multi, under the native driver', async () => {
  const multi = new Multi();
  const easies = Array.from({ length: 6 }, () => new Easy());
  try {
    for (let round = 0; round < 15; round++) {
      const bodies = await Promise.all(easies.map((e, i) => get(multi, e, i % 3 === 0 ? `${base}/close` : `${base}/`)));
      expect(bodies).toEqual(easies.map(() => 'ok'));
    }
  } finally {
    for (const e of easies) e.cleanup();
    multi.cleanup();
  }
});

test('an easy closed from its own callback while its connection is being set up', async () => {
  for (let i = 0; i < 30; i++) {
    const multi = new Multi();
    const easy = new Easy().setopt(CURLOPT_URL, `${base}/`).setopt(CURLOPT_VERBOSE, 1);
    easy.setopt(CURLOPT_DEBUGFUNCTION, () => {
      easy.close(); // the first debug line comes before the connection is up
      return 0;
    });
    let ended = false;
    multi.startTransfer(easy, () => (ended = true));
    for (let t = 0; t < 100 && !ended && !easy.isClosed(); t++) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(easy.isClosed()).toBe(true);
    multi.close();
  }
  // The same numbers serve ordinary transfers afterwards.
  const multi = new Multi();
  const easy = new Easy();
  try {
    expect(await get(multi, easy, `${base}/`)).toBe('ok');
  } finally {
    easy.cleanup();
    multi.cleanup();
  }
});

test("the application's SOCKOPT/CLOSESOCKET functions see every socket, also on a duphandle copy", async () => {
  closeEach = true;
  const opened: number[] = [];
  const closed: number[] = [];
  const easy = new Easy()
    .setopt(CURLOPT_SOCKOPTFUNCTION, (_clientp, fd) => {
      opened.push(fd);
      return 0;
    })
    .setopt(CURLOPT_CLOSESOCKETFUNCTION, (_clientp, fd) => {
      closed.push(fd);
      fs.closeSync(fd);
      return 0;
    });
  const copy = easy.duphandle();
  const multi = new Multi();
  try {
    for (let i = 0; i < 3; i++) expect(await get(multi, i % 2 ? copy : easy, `${base}/`)).toBe('ok');
  } finally {
    multi.cleanup();
    copy.cleanup();
    easy.cleanup();
  }
  expect(opened).toHaveLength(3);
  expect([...closed].sort()).toEqual([...opened].sort());
});

test('a plain curl_easy_perform (no driver) runs beside them', async () => {
  closeEach = true;
  // A child, so the blocking perform does not hold up this process's server.
  const script = `
    const lc = require(${JSON.stringify(DIST)});
    const easy = new lc.Easy().setopt(lc.CURLOPT_URL, process.argv[1]);
    for (let i = 0; i < 3; i++) { easy.perform(); if (easy.takeBody().toString() !== 'ok') process.exit(2); }
    easy.cleanup();
    console.log('done');`;
  const child = await runCommand(process.execPath, ['-e', script, `${base}/`], { timeoutMs: 15_000 });
  expect({ code: child.code, stdout: child.stdout.trim() }).toEqual({ code: 0, stdout: 'done' });
});
