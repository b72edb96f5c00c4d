// Exceptions from the callbacks whose result libcurl ignores (DEBUGFUNCTION,
// CLOSESOCKETFUNCTION). In a transfer: it fails with CURLE_ABORTED_BY_CALLBACK and the
// exception is the cause (it used to "fail" with a CurlError named CURLE_OK). Outside one
// (libcurl closing a cached connection): thrown from the call that ran libcurl
// (cleanup, removeHandle...), or a process warning when the native driver ran it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CURLE_ABORTED_BY_CALLBACK,
  CURLOPT_CLOSESOCKETFUNCTION,
  CURLOPT_DEBUGFUNCTION,
  CURLOPT_URL,
  CURLOPT_VERBOSE,
  CurlError,
  Easy,
  Multi,
} from '../../lib/libcurl';
import { startBombServer, type BombServer } from '../helpers/bomb-server';
import { startHttpServer, type TestServer } from '../helpers/http-server';

let bombs: BombServer; // closes every connection after its answer
let server: TestServer; // keeps connections alive
beforeAll(async () => {
  [bombs, server] = await Promise.all([startBombServer(), startHttpServer()]);
});
afterAll(() => Promise.all([bombs.close(), server.close()]));

const boom = (what: string) => new Error(`${what} failed`);

function closeSocketThrowing(what: string) {
  return (_clientp: unknown, fd: number) => {
    fs.closeSync(fd); // the socket is closed either way; the application then throws
    throw boom(what);
  };
}

async function expectAborted(transfer: Promise<unknown>, message: string): Promise<void> {
  const failure = await transfer.catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(CurlError);
  expect(failure).toMatchObject({ name: 'CURLE_ABORTED_BY_CALLBACK', code: 'CURLE_ABORTED_BY_CALLBACK', errno: CURLE_ABORTED_BY_CALLBACK });
  expect((failure as CurlError).cause).toMatchObject({ message });
}

test('a throwing DEBUGFUNCTION fails the transfer with CURLE_ABORTED_BY_CALLBACK, the exception as cause', async () => {
  const multi = new Multi();
  // libcurl calls DEBUGFUNCTION only with CURLOPT_VERBOSE.
  const easy = new Easy()
    .setopt(CURLOPT_URL, `${server.url}/hello`)
    .setopt(CURLOPT_VERBOSE, 1)
    .setopt(CURLOPT_DEBUGFUNCTION, () => {
      throw boom('debug');
    });
  await expectAborted(multi.perform(easy), 'debug failed');
  expect(easy.errorBuffer()).toMatch(/CURLOPT_DEBUGFUNCTION threw/);
  // Only the first lines of the transfer: the last one ("left intact") throwing too.
  let lines = 0;
  easy.setopt(CURLOPT_DEBUGFUNCTION, (_h: unknown, _type: number, data: Buffer) => {
    lines++;
    if (/left intact/.test(data.toString())) throw boom('last line');
  });
  await expectAborted(multi.perform(easy), 'last line failed');
  expect(lines).toBeGreaterThan(3);
  // C-style, the message carries the code and the error.
  easy.setopt(CURLOPT_DEBUGFUNCTION, () => {
    throw boom('c-style');
  });
  const done = new Promise<{ result: number; error: unknown }>((resolve) => {
    multi.onMessage = (msg) => resolve({ result: msg.data.result, error: msg.error });
  });
  multi.addHandle(easy);
  const msg = await done;
  expect(msg.result).toBe(CURLE_ABORTED_BY_CALLBACK);
  expect(msg.error).toMatchObject({ message: 'c-style failed' });
  multi.removeHandle(easy);
  easy.cleanup();
  multi.cleanup();
});

test('a CLOSESOCKETFUNCTION throwing as its transfer closes the connection fails that transfer', async () => {
  const multi = new Multi();
  const easy = new Easy().setopt(CURLOPT_URL, `${bombs.url}/bytes/10`).setopt(CURLOPT_CLOSESOCKETFUNCTION, closeSocketThrowing('close'));
  await expectAborted(multi.perform(easy), 'close failed');
  easy.cleanup();
  multi.cleanup();
});

test('a CLOSESOCKETFUNCTION throwing at cleanup is thrown by cleanup()', async () => {
  // The connection stays cached in the multi after the transfer; multi.cleanup() closes it.
  const multi = new Multi();
  const easy = new Easy().setopt(CURLOPT_URL, `${server.url}/hello`).setopt(CURLOPT_CLOSESOCKETFUNCTION, closeSocketThrowing('multi cleanup'));
  expect((await multi.perform(easy)).body.toString()).toBe('hello');
  expect(() => multi.cleanup()).toThrow('multi cleanup failed');
  expect(multi.isClosed()).toBe(true);
  // An easy handle's own cache (curl_easy_perform): easy.cleanup() closes it.
  easy.setopt(CURLOPT_CLOSESOCKETFUNCTION, closeSocketThrowing('easy cleanup'));
  easy.perform();
  expect(easy.takeBody().toString()).toBe('hello');
  expect(() => easy.cleanup()).toThrow('easy cleanup failed');
  expect(easy.isClosed()).toBe(true);
});

test('a CLOSESOCKETFUNCTION throwing when the native driver closes an idle connection is a process warning', async () => {
  // In a process of its own: the warning goes to the real `process` (jest gives tests another).
  const script = `
    const fs = require('node:fs');
    const { Easy, Multi, CURLMOPT_MAXCONNECTS, CURLOPT_URL, CURLOPT_CLOSESOCKETFUNCTION } = require(process.argv[1]);
    const [url, otherUrl] = process.argv.slice(2);
    process.on('warning', (w) => console.log('warning:', w.message));
    (async () => {
      const multi = new Multi().setopt(CURLMOPT_MAXCONNECTS, 1);
      const idle = new Easy().setopt(CURLOPT_URL, url).setopt(CURLOPT_CLOSESOCKETFUNCTION, (_c, fd) => {
        fs.closeSync(fd);
        throw new Error('idle close failed');
      });
      await multi.perform(idle);
      // Another host's kept-alive connection takes the one cache slot: the idle connection is
      // closed by libcurl inside the driver, where no JavaScript call could receive the exception.
      console.log('other:', (await multi.perform(new Easy().setopt(CURLOPT_URL, otherUrl))).body.toString());
      setImmediate(() => multi.cleanup());
    })();`;
  const child = spawn(process.execPath, ['-e', script, path.join(__dirname, '../../dist/libcurl'), `${server.url}/hello`, `${server.url.replace('127.0.0.1', 'localhost')}/hello`]);
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  const status = await new Promise((resolve) => child.on('close', resolve));
  expect(status).toBe(0);
  expect(stdout.split('\n').sort()).toEqual(['', 'other: hello', 'warning: idle close failed']);
});
