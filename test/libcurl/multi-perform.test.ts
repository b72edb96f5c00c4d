// curl_multi_perform, curl_multi_wait, curl_multi_poll, curl_multi_fdset and
// curl_multi_wakeup: the C program's own loop, blocking this thread as in C. The server
// runs in its own process for that reason.
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  CURLE_OK,
  CURLMSG_DONE,
  CURLM_BAD_HANDLE,
  CURLM_OK,
  CURLOPT_URL,
  CURLOPT_WRITEDATA,
  CURLOPT_WRITEFUNCTION,
  CURL_WAIT_POLLIN,
  curl_easy_cleanup,
  curl_easy_init,
  curl_easy_setopt,
  curl_multi_add_handle,
  curl_multi_cleanup,
  curl_multi_fdset,
  curl_multi_info_read,
  curl_multi_init,
  curl_multi_perform,
  curl_multi_poll,
  curl_multi_remove_handle,
  curl_multi_timeout,
  curl_multi_wait,
  curl_multi_wakeup,
  curl_multi_wakeup_id,
  type CURL,
  Easy,
  Multi,
} from '../../lib/libcurl';
import { startHttpServer, type TestServer } from '../helpers/http-server';

const DIST = path.join(__dirname, '..', '..', 'dist', 'libcurl');
let server: TestServer;

beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(() => server.close());

function download(url: string, into: Buffer[]): CURL {
  const easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, url);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, (data: Buffer, sink: unknown) => {
    (sink as Buffer[]).push(Buffer.from(data));
    return data.length;
  });
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, into);
  return easy;
}

test('curl_multi_perform and curl_multi_poll run transfers to their end, as multi-app.c does', () => {
  const multi = curl_multi_init();
  const bodies: Buffer[][] = [[], [], []];
  const handles = [`${server.url}/hello`, `${server.url}/bytes/200000`, `${server.url}/slow/200`].map((u, i) => download(u, bodies[i]));
  for (const easy of handles) expect(curl_multi_add_handle(multi, easy)).toBe(CURLM_OK);
  const running = { value: 1 };
  let loops = 0;
  while (running.value) {
    expect(curl_multi_perform(multi, running)).toBe(CURLM_OK);
    if (running.value) expect(curl_multi_poll(multi, null, 0, 1000, null)).toBe(CURLM_OK);
    loops++;
  }
  expect(loops).toBeGreaterThan(1);
  const results: number[] = [];
  let msg;
  while ((msg = curl_multi_info_read(multi))) {
    expect(msg.msg).toBe(CURLMSG_DONE);
    results.push(msg.data.result);
  }
  expect(results).toEqual([CURLE_OK, CURLE_OK, CURLE_OK]);
  expect(bodies.map((b) => Buffer.concat(b).length)).toEqual([5, 200000, 4]);
  for (const easy of handles) {
    curl_multi_remove_handle(multi, easy);
    curl_easy_cleanup(easy);
  }
  curl_multi_cleanup(multi);
});

test('curl_multi_fdset gives the sockets as arrays; curl_multi_timeout; curl_multi_wait fills revents of extra fds', () => {
  const multi = curl_multi_init();
  const easy = download(`${server.url}/slow/300`, []);
  curl_multi_add_handle(multi, easy);
  const running = { value: 0 };
  // Until the request is sent and the response awaited, libcurl wants its socket read.
  let read: number[] = [];
  const maxfd = { value: -2 };
  for (let i = 0; i < 50 && read.length === 0; i++) {
    curl_multi_perform(multi, running);
    read = [];
    const write: number[] = [];
    expect(curl_multi_fdset(multi, read, write, [], maxfd)).toBe(CURLM_OK);
    if (read.length === 0) curl_multi_wait(multi, null, 0, 100, null);
  }
  expect(read).toHaveLength(1);
  expect(maxfd.value).toBe(read[0]);
  const timeout = { value: -2 };
  expect(curl_multi_timeout(multi, timeout)).toBe(CURLM_OK);
  expect(timeout.value).toBeGreaterThanOrEqual(-1);
  // A descriptor of the program's own, readable at once (poll says so of /dev/null).
  const fd = fs.openSync('/dev/null', 'r');
  const extra = [{ fd, events: CURL_WAIT_POLLIN, revents: 0 }];
  const numfds = { value: -1 };
  const start = Date.now();
  expect(curl_multi_wait(multi, extra, 1, 20_000, numfds)).toBe(CURLM_OK);
  fs.closeSync(fd);
  expect(Date.now() - start).toBeLessThan(10_000);
  expect(extra[0].revents & CURL_WAIT_POLLIN).toBe(CURL_WAIT_POLLIN);
  expect(numfds.value).toBeGreaterThanOrEqual(1);
  curl_multi_remove_handle(multi, easy);
  curl_easy_cleanup(easy);
  curl_multi_cleanup(multi);
});

test('curl_multi_wakeup from a worker thread ends a curl_multi_poll that blocks this thread', async () => {
  const multi = curl_multi_init();
  const id = curl_multi_wakeup_id(multi);
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const lc = require(workerData.dist);
     parentPort.once('message', () => {
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); // this thread is blocked by then
       parentPort.postMessage(lc.curl_multi_wakeup(workerData.id));
     });
     parentPort.postMessage('ready');`,
    { eval: true, workerData: { id, dist: DIST } },
  );
  try {
    await once(worker, 'message');
    const answer = once(worker, 'message');
    worker.postMessage('go');
    const start = Date.now();
    // Nothing to wait on: without the wakeup this waits all of its 60 seconds.
    expect(curl_multi_poll(multi, null, 0, 60_000, null)).toBe(CURLM_OK);
    expect(Date.now() - start).toBeLessThan(30_000);
    expect((await answer)[0]).toBe(CURLM_OK);
  } finally {
    await worker.terminate();
    curl_multi_cleanup(multi);
  }
});

test('curl_multi_wakeup on the multi itself makes the next curl_multi_poll return at once', () => {
  const multi = curl_multi_init();
  expect(curl_multi_wakeup(multi)).toBe(CURLM_OK);
  const start = Date.now();
  expect(curl_multi_poll(multi, null, 0, 60_000, null)).toBe(CURLM_OK);
  expect(Date.now() - start).toBeLessThan(30_000);
  curl_multi_cleanup(multi);
});

test('a wakeup id outlives its multi safely: after curl_multi_cleanup it answers CURLM_BAD_HANDLE', () => {
  const multi = curl_multi_init();
  const id = curl_multi_wakeup_id(multi);
  expect(curl_multi_wakeup_id(multi)).toBe(id);
  curl_multi_cleanup(multi);
  expect(curl_multi_wakeup(id)).toBe(CURLM_BAD_HANDLE);
  // As libcurl answers for a handle that is not a multi (http2-upload.c removes after cleanup).
  const easy = curl_easy_init();
  expect(curl_multi_remove_handle(multi, easy)).toBe(CURLM_BAD_HANDLE);
  curl_easy_cleanup(easy);
  expect(() => curl_multi_wakeup(-1)).toThrow(/Expected the number multi.wakeupId\(\) gave/);
});

test('bad extra_fds are refused before libcurl sees them', () => {
  const multi = curl_multi_init();
  expect(() => curl_multi_wait(multi, null, 1, 0)).toThrow(/extra_fds/);
  expect(() => curl_multi_wait(multi, [{ fd: 'x' as unknown as number, events: 1 }], 1, 0)).toThrow(/extra_fds\[0\]/);
  expect(() => curl_multi_poll(multi, null, 0, -5)).toThrow(/timeout_ms/);
  expect(() => curl_multi_fdset(multi, [], [], [], null as never)).toThrow(/max_fd/);
  curl_multi_cleanup(multi);
});

test('Multi.perform transfers on a multi the program drives with curl_multi_perform still resolve', async () => {
  const multi = new Multi();
  const done = multi.perform(new Easy().setopt(CURLOPT_URL, `${server.url}/hello`));
  const running = { value: 1 };
  while (running.value) {
    expect(curl_multi_perform(multi, running)).toBe(CURLM_OK);
    if (running.value) curl_multi_poll(multi, null, 0, 1000, null);
  }
  const result = await done; // delivered on the next loop turn, as the driver delivers
  expect(result.body.toString()).toBe('hello');
  multi.close();
});
