// An fd closed under a watcher: a uv_poll on it aborts inside libuv (as in C), which is why
// the native driver never puts libcurl's sockets in a uv_poll (they sit in an epoll set of
// its own, which the kernel keeps right when an fd is closed). A socket closed under a
// running transfer fails that transfer only: the multi and its other transfers go on.
import * as fs from 'node:fs';
import { CURLOPT_INFILESIZE, CURLOPT_READFUNCTION, CURLOPT_SOCKOPTFUNCTION, CURLOPT_UPLOAD, CURLOPT_URL, CURL_READFUNC_PAUSE, CURLOPT_WRITEFUNCTION, CurlError, Easy, Multi } from '../../lib/libcurl';
import { startBombServer, type BombServer } from '../helpers/bomb-server';

let server: BombServer;
beforeAll(async () => {
  server = await startBombServer();
});
afterAll(() => server.close());

test('closing a transfer socket under the native driver fails that transfer only', async () => {
  const multi = new Multi();
  let socket = -1;
  let closed = false;
  const victim = new Easy()
    .setopt(CURLOPT_URL, `${server.url}/stream/2000`)
    .setopt(CURLOPT_SOCKOPTFUNCTION, (_clientp: unknown, fd: number) => {
      socket = fd;
      return 0;
    })
    .setopt(CURLOPT_WRITEFUNCTION, (chunk: Buffer) => {
      if (!closed) {
        closed = true;
        fs.closeSync(socket); // the careless caller
      }
      return chunk.length;
    });
  const bystanders = Array.from({ length: 3 }, () => new Easy().setopt(CURLOPT_URL, `${server.url}/bytes/2000000`));
  const [failure, ...others] = await Promise.all([multi.perform(victim).catch((e: unknown) => e), ...bystanders.map((e) => multi.perform(e))]);
  expect(closed).toBe(true);
  expect(failure).toBeInstanceOf(CurlError);
  expect((failure as CurlError).name).not.toBe('CURLE_ABORTED_BY_CALLBACK'); // not the whole multi
  for (const r of others) expect(r.body.length).toBe(2000000);
  // The multi still works.
  expect((await multi.perform(new Easy().setopt(CURLOPT_URL, `${server.url}/bytes/10`))).body.length).toBe(10);
  multi.cleanup();
});

test('a socket closed while libcurl changes what it waits for (an upload pausing) fails that transfer only', async () => {
  const multi = new Multi();
  let socket = -1;
  const victim = new Easy()
    .setopt(CURLOPT_URL, `${server.url}/upload/closed-fd`)
    .setopt(CURLOPT_UPLOAD, 1)
    .setopt(CURLOPT_INFILESIZE, 1000)
    .setopt(CURLOPT_SOCKOPTFUNCTION, (_clientp: unknown, fd: number) => {
      socket = fd;
      return 0;
    })
    .setopt(CURLOPT_READFUNCTION, () => {
      // Closed, then paused: libcurl re-registers the socket (no more writing) with the
      // driver, which finds the fd gone. That must not fail every transfer of the multi.
      fs.closeSync(socket);
      return CURL_READFUNC_PAUSE;
    });
  const bystanders = Array.from({ length: 3 }, () => new Easy().setopt(CURLOPT_URL, `${server.url}/bytes/2000000`));
  const [failure, ...others] = await Promise.all([multi.perform(victim).catch((e: unknown) => e), ...bystanders.map((e) => multi.perform(e).catch((e: unknown) => e))]);
  expect(failure).toBeInstanceOf(CurlError);
  for (const r of others) expect((r as { body: Buffer }).body?.length).toBe(2000000);
  multi.cleanup();
});
