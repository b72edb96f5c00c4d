// A Node Readable as CURLOPT_READDATA of a curl_easy_init handle (lib/libcurl/read-stream.ts):
// C's default READFUNCTION reads it, pausing the transfer while the stream has nothing
// buffered, so the event loop keeps running. On a multi (the native driver, Multi.perform);
// curl_easy_perform, which blocks that loop, refuses it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import {
  CURLE_OK,
  CURLE_READ_ERROR,
  CURLMSG_DONE,
  CURLM_OK,
  CURLOPT_ERRORBUFFER,
  CURLOPT_INFILESIZE_LARGE,
  CURLOPT_POST,
  CURLOPT_READDATA,
  CURLOPT_READFUNCTION,
  CURLOPT_UPLOAD,
  CURLOPT_URL,
  CURLOPT_WRITEFUNCTION,
  CURL_ERROR_SIZE,
  CurlError,
  Multi,
  curl_easy_cleanup,
  curl_easy_init,
  curl_easy_perform,
  curl_easy_setopt,
  curl_multi_add_handle,
  curl_multi_cleanup,
  curl_multi_info_read,
  curl_multi_init,
  curl_multi_remove_handle,
  type CURL,
  type CURLM,
  type CURLMsg,
} from '../../lib/libcurl';
import { startHttpServer, type TestServer } from '../helpers/http-server';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { prng } = require('../helpers/prng.js') as { prng: (seed: number) => () => number };

const DIST = path.join(__dirname, '..', '..', 'dist', 'libcurl');
let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startHttpServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-read-stream-'));
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** `n` bytes of letters (the echo server returns the body in JSON: letters keep it small). */
function letters(n: number, seed: number): Buffer {
  const random = prng(seed);
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = 97 + Math.floor(random() * 26);
  return b;
}

/** `data` in chunks of 1 to 4096 bytes, each a separate read of the stream. */
function smallChunks(data: Buffer, seed: number): Readable {
  const random = prng(seed);
  return Readable.from(
    (function* () {
      for (let at = 0; at < data.length; ) {
        const n = 1 + Math.floor(random() * 4096);
        yield data.subarray(at, at + n);
        at += n;
      }
    })(),
  );
}

/** The request body the server received, from /echo's JSON. */
function echoedBody(response: Buffer): { method: string; body: Buffer; headers: Record<string, string> } {
  const echo = JSON.parse(response.toString()) as { method: string; body: string; headers: Record<string, string> };
  return { method: echo.method, body: Buffer.from(echo.body, 'latin1'), headers: echo.headers };
}

/** A C program's loop on the native driver: add the handle, read its CURLMSG_DONE. */
async function performOnMulti(multi: CURLM, easy: CURL): Promise<CURLMsg> {
  expect(curl_multi_add_handle(multi, easy)).toBe(CURLM_OK);
  for (;;) {
    const msg = curl_multi_info_read(multi);
    if (msg !== null) {
      expect(msg.msg).toBe(CURLMSG_DONE);
      curl_multi_remove_handle(multi, easy);
      return msg;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

function collect(easy: CURL): Buffer[] {
  const chunks: Buffer[] = [];
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, (data: Buffer) => (chunks.push(Buffer.from(data)), data.length));
  return chunks;
}

test('a PUT of a 5 MB Readable in small chunks arrives intact (Multi.perform)', async () => {
  const data = letters(5 << 20, 1);
  const multi = new Multi();
  const easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/echo`);
  curl_easy_setopt(easy, CURLOPT_UPLOAD, 1);
  curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, data.length);
  curl_easy_setopt(easy, CURLOPT_READDATA, smallChunks(data, 2));
  const { body } = await multi.perform(easy);
  const echo = echoedBody(body);
  expect(echo.method).toBe('PUT');
  expect(echo.body.length).toBe(data.length);
  expect(echo.body.equals(data)).toBe(true);
  curl_easy_cleanup(easy);
  multi.close();
});

test('a chunked POST of an fs.createReadStream on curl_multi_add_handle (the native driver) arrives intact', async () => {
  const data = letters(5 << 20, 3);
  const file = path.join(dir, 'upload.txt');
  fs.writeFileSync(file, data);
  const multi = curl_multi_init();
  const easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/echo`);
  curl_easy_setopt(easy, CURLOPT_POST, 1); // no POSTFIELDS: the body is read, chunked (no size)
  curl_easy_setopt(easy, CURLOPT_READDATA, fs.createReadStream(file, { highWaterMark: 1000 }));
  const chunks = collect(easy);
  const msg = await performOnMulti(multi, easy);
  expect(msg.data.result).toBe(CURLE_OK);
  const echo = echoedBody(Buffer.concat(chunks));
  expect(echo.method).toBe('POST');
  expect(echo.headers['transfer-encoding']).toBe('chunked');
  expect(echo.body.equals(data)).toBe(true);
  curl_easy_cleanup(easy);
  curl_multi_cleanup(multi);
});

test('an empty stream is an empty body; empty chunks are not its end', async () => {
  const multi = new Multi();
  for (const [stream, want] of [
    [Readable.from([]), ''],
    [Readable.from(['', 'one', '', Buffer.from(' two'), new Uint8Array([32, 116, 104, 114, 101, 101]), '']), 'one two three'],
  ] as const) {
    const easy = curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/echo`);
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1);
    curl_easy_setopt(easy, CURLOPT_READDATA, stream);
    const { body } = await multi.perform(easy);
    expect(echoedBody(body).body.toString()).toBe(want);
    curl_easy_cleanup(easy);
  }
  multi.close();
});

test('a stream that fails mid-way fails the transfer with CURLE_READ_ERROR, its error as the cause', async () => {
  const failure = new Error('the disk went away');
  const failing = (): Readable =>
    Readable.from(
      (async function* () {
        yield letters(100_000, 4);
        await new Promise((r) => setTimeout(r, 20));
        yield letters(100_000, 5);
        throw failure;
      })(),
    );
  const multi = new Multi();
  const easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/echo`);
  curl_easy_setopt(easy, CURLOPT_UPLOAD, 1);
  curl_easy_setopt(easy, CURLOPT_READDATA, failing());
  const error = await multi.perform(easy).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CurlError);
  expect(error).toMatchObject({ code: 'CURLE_READ_ERROR', errno: CURLE_READ_ERROR, cause: failure });
  curl_easy_cleanup(easy);
  multi.close();

  // The C way: CURLMsg's result, the error with it, and the program's ERRORBUFFER.
  const cMulti = curl_multi_init();
  const cEasy = curl_easy_init();
  const errbuf = Buffer.alloc(CURL_ERROR_SIZE);
  curl_easy_setopt(cEasy, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(cEasy, CURLOPT_URL, `${server.url}/echo`);
  curl_easy_setopt(cEasy, CURLOPT_UPLOAD, 1);
  curl_easy_setopt(cEasy, CURLOPT_READDATA, failing());
  collect(cEasy);
  const msg = await performOnMulti(cMulti, cEasy);
  expect(msg.data.result).toBe(CURLE_READ_ERROR);
  expect(msg.error).toBe(failure);
  expect(errbuf.toString('latin1', 0, errbuf.indexOf(0))).toMatch(/^Reading the upload failed/);
  curl_easy_cleanup(cEasy);
  curl_multi_cleanup(cMulti);
});

test('a stream that fails before the transfer starts: no uncaught exception, the transfer gets the error', async () => {
  const failure = new Error('failed at once');
  const stream = new Readable({ read() {} });
  const multi = new Multi();
  const easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/echo`);
  curl_easy_setopt(easy, CURLOPT_UPLOAD, 1);
  curl_easy_setopt(easy, CURLOPT_READDATA, stream);
  stream.destroy(failure);
  await new Promise((r) => setTimeout(r, 20)); // the 'error' event has been emitted
  await expect(multi.perform(easy)).rejects.toMatchObject({ code: 'CURLE_READ_ERROR', cause: failure });
  curl_easy_cleanup(easy);
  multi.close();
});

test('a slow stream pauses the transfer, not the event loop', async () => {
  const pieces = Array.from({ length: 8 }, (_, i) => `piece ${i};`);
  const stream = new Readable({ read() {} });
  let next = 0;
  const feeder = setInterval(() => {
    if (next < pieces.length) stream.push(pieces[next++]);
    else {
      stream.push(null);
      clearInterval(feeder);
    }
  }, 60);
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 5);
  const multi = new Multi();
  const easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/echo`);
  curl_easy_setopt(easy, CURLOPT_UPLOAD, 1);
  curl_easy_setopt(easy, CURLOPT_READDATA, stream);
  const started = Date.now();
  const { body } = await multi.perform(easy);
  clearInterval(ticker);
  expect(echoedBody(body).body.toString()).toBe(pieces.join(''));
  expect(Date.now() - started).toBeGreaterThanOrEqual(8 * 60 - 20); // it did wait for the stream
  // A blocked loop would not have ticked at all while it waited; a loaded machine ticks less
  // than every 5 ms, so only a few are asked for.
  expect(ticks).toBeGreaterThanOrEqual(8);
  curl_easy_cleanup(easy);
  multi.close();
});

test('curl_easy_perform and Easy#perform refuse a Readable READDATA, naming the option; with a READFUNCTION it is only userdata', () => {
  const easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/echo`);
  curl_easy_setopt(easy, CURLOPT_UPLOAD, 1);
  const stream = Readable.from(['never read']);
  curl_easy_setopt(easy, CURLOPT_READDATA, stream);
  expect(() => curl_easy_perform(easy)).toThrow(new TypeError(
    'CURLOPT_READDATA is a Readable stream, which curl_easy_perform cannot read: it blocks the thread whose event loop feeds the stream. ' +
      'Run the handle on a multi (curl_multi_add_handle, Multi.perform), or give READDATA a file descriptor',
  ));
  expect(() => easy.perform()).toThrow(/CURLOPT_READDATA is a Readable stream, which Easy#perform cannot read/);

  let seen: unknown;
  let sent = false;
  curl_easy_setopt(easy, CURLOPT_READFUNCTION, (_size: number, userdata: unknown) => {
    seen = userdata;
    return sent ? null : ((sent = true), 'from the callback');
  });
  const chunks = collect(easy);
  expect(curl_easy_perform(easy)).toBe(CURLE_OK);
  expect(seen).toBe(stream);
  expect(echoedBody(Buffer.concat(chunks)).body.toString()).toBe('from the callback');
  curl_easy_cleanup(easy);
});

test('a C program uploads its piped stdin (process.stdin as READDATA) on the native driver', async () => {
  const script = `
    const lc = require(${JSON.stringify(DIST)});
    const multi = lc.curl_multi_init();
    const easy = lc.curl_easy_init();
    lc.curl_easy_setopt(easy, lc.CURLOPT_URL, process.argv[1]);
    lc.curl_easy_setopt(easy, lc.CURLOPT_UPLOAD, 1);
    lc.curl_easy_setopt(easy, lc.CURLOPT_READDATA, process.stdin);
    const out = [];
    lc.curl_easy_setopt(easy, lc.CURLOPT_WRITEFUNCTION, (d) => (out.push(Buffer.from(d)), d.length));
    lc.curl_multi_add_handle(multi, easy);
    const timer = setInterval(() => {
      const msg = lc.curl_multi_info_read(multi);
      if (!msg) return;
      clearInterval(timer);
      const echo = JSON.parse(Buffer.concat(out).toString());
      process.stdout.write(JSON.stringify({ result: msg.data.result, body: echo.body }));
      lc.curl_multi_remove_handle(multi, easy);
      lc.curl_easy_cleanup(easy);
      lc.curl_multi_cleanup(multi);
    }, 5);`;
  const child = spawn(process.execPath, ['-e', script, `${server.url}/echo`], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => stdout.push(c));
  child.stderr.on('data', (c: Buffer) => stderr.push(c));
  const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(i)}\n`);
  for (let i = 0; i < lines.length; i += 50) {
    child.stdin.write(lines.slice(i, i + 50).join(''));
    await new Promise((r) => setTimeout(r, 30)); // the child waits for stdin, paused
  }
  child.stdin.end();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(Buffer.concat(stderr).toString()).toBe('');
  expect(code).toBe(0);
  expect(JSON.parse(Buffer.concat(stdout).toString())).toEqual({ result: CURLE_OK, body: lines.join('') });
});
