// C's defaults on the C-shaped layer (lib/libcurl/c-defaults.ts): a curl_easy_init handle
// writes the body to CURLOPT_WRITEDATA and reads uploads from CURLOPT_READDATA as C does,
// and fills the caller's CURLOPT_ERRORBUFFER; `new Easy()` keeps buffering.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import {
  CURLE_COULDNT_CONNECT,
  CURLE_OK,
  CURLOPT_ERRORBUFFER,
  CURLOPT_HEADERDATA,
  CURLOPT_HEADERFUNCTION,
  CURLOPT_INFILESIZE_LARGE,
  CURLOPT_READDATA,
  CURLOPT_UPLOAD,
  CURLOPT_URL,
  CURLOPT_WRITEDATA,
  CURLOPT_WRITEFUNCTION,
  CURL_ERROR_SIZE,
  Easy,
  Multi,
  curl_easy_cleanup,
  curl_easy_duphandle,
  curl_easy_init,
  curl_easy_perform,
  curl_easy_reset,
  curl_easy_setopt,
} from '../../lib/libcurl';
import { startHttpServer, pattern, type TestServer } from '../helpers/http-server';
import { runCommand } from '../helpers/run-cli';

const DIST = path.join(__dirname, '..', '..', 'dist', 'libcurl');
let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startHttpServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-c-defaults-'));
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('no WRITEFUNCTION: the body goes to WRITEDATA given as a file descriptor', () => {
  const file = path.join(dir, 'fd.out');
  const fd = fs.openSync(file, 'w');
  const easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/bytes/100000`);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, fd);
  expect(curl_easy_perform(easy)).toBe(CURLE_OK);
  fs.closeSync(fd);
  expect(fs.readFileSync(file).equals(pattern(100000))).toBe(true);
  expect(easy.takeBody()).toHaveLength(0); // nothing buffered on the C layer
  curl_easy_cleanup(easy);
});

test('no WRITEFUNCTION: WRITEDATA may be an fs.promises FileHandle or a Node Writable', async () => {
  const file = path.join(dir, 'handle.out');
  const handle = await fs.promises.open(file, 'w');
  const easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/bytes/30000`);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, handle);
  expect(curl_easy_perform(easy)).toBe(CURLE_OK);
  await handle.close();
  expect(fs.readFileSync(file).equals(pattern(30000))).toBe(true);

  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, stream);
  expect(curl_easy_perform(easy)).toBe(CURLE_OK);
  await new Promise((r) => setImmediate(r));
  expect(Buffer.concat(chunks).equals(pattern(30000))).toBe(true);

  // Anything else fails the transfer; the error reaches the caller of curl_easy_perform.
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, { not: 'a stream' });
  expect(() => curl_easy_perform(easy)).toThrow(/CURLOPT_WRITEDATA must be a file descriptor, a FileHandle or a Writable/);
  curl_easy_cleanup(easy);
});

test('no WRITEDATA at all: the body goes to stdout, as C writes it (a child process shows it)', async () => {
  const script = `
    const lc = require(${JSON.stringify(DIST)});
    const easy = lc.curl_easy_init();
    lc.curl_easy_setopt(easy, lc.CURLOPT_URL, process.argv[1]);
    process.stdout.write('before|');
    const code = lc.curl_easy_perform(easy);
    process.stdout.write('|after ' + code);`;
  const child = await runCommand(process.execPath, ['-e', script, `${server.url}/hello`], { timeoutMs: 15_000 });
  expect(child.stdout).toBe('before|hello|after 0');
});

test('HEADERDATA without HEADERFUNCTION: headers go through the write function to HEADERDATA; neither: nowhere', () => {
  const seen: [string, unknown][] = [];
  const easy = curl_easy_init();
  const headerSink = { name: 'headers' };
  const bodySink = { name: 'body' };
  curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/hello`);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, (data: Buffer, userdata: unknown) => {
    seen.push([data.toString(), userdata]);
    return data.length;
  });
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, bodySink);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, headerSink);
  expect(curl_easy_perform(easy)).toBe(CURLE_OK);
  expect(seen[0]).toEqual(['HTTP/1.1 200 OK\r\n', headerSink]);
  expect(seen[seen.length - 1]).toEqual(['hello', bodySink]);

  seen.length = 0;
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, null);
  expect(curl_easy_perform(easy)).toBe(CURLE_OK);
  expect(seen).toEqual([['hello', bodySink]]);
  expect(easy.takeHeaders()).toHaveLength(0);

  // A HEADERFUNCTION of the program's own still gets the headers.
  const lines: string[] = [];
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, (data: Buffer) => {
    lines.push(data.toString());
    return data.length;
  });
  expect(curl_easy_perform(easy)).toBe(CURLE_OK);
  expect(lines[0]).toBe('HTTP/1.1 200 OK\r\n');
  curl_easy_cleanup(easy);
});

test('no READFUNCTION: an upload reads READDATA (a file descriptor)', () => {
  const file = path.join(dir, 'upload.bin');
  const bytes = Buffer.from(Array.from({ length: 50000 }, (_, i) => i % 251));
  fs.writeFileSync(file, bytes);
  const fd = fs.openSync(file, 'r');
  const body: Buffer[] = [];
  const easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/echo`);
  curl_easy_setopt(easy, CURLOPT_UPLOAD, 1);
  curl_easy_setopt(easy, CURLOPT_READDATA, fd);
  curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, bytes.length);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, (data: Buffer) => {
    body.push(Buffer.from(data));
    return data.length;
  });
  expect(curl_easy_perform(easy)).toBe(CURLE_OK);
  fs.closeSync(fd);
  const echo = JSON.parse(Buffer.concat(body).toString());
  expect(echo.method).toBe('PUT');
  expect(Buffer.from(echo.body, 'latin1').equals(bytes)).toBe(true);
  curl_easy_cleanup(easy);
});

test("CURLOPT_ERRORBUFFER: the caller's Buffer gets libcurl's message, NUL-terminated", () => {
  const errbuf = Buffer.alloc(CURL_ERROR_SIZE, 0x78);
  const easy = curl_easy_init();
  expect(curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf)).toBe(CURLE_OK);
  curl_easy_setopt(easy, CURLOPT_URL, 'http://127.0.0.1:1/');
  expect(curl_easy_perform(easy)).toBe(CURLE_COULDNT_CONNECT);
  const text = errbuf.toString('latin1', 0, errbuf.indexOf(0));
  expect(text).toMatch(/^Failed to connect to 127\.0\.0\.1 port 1/);
  expect(() => curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, 'no' as never)).toThrow(/Expected a Buffer/);
  curl_easy_cleanup(easy);
});

test('the object layer keeps buffering; reset and duphandle keep each handle in its layer', () => {
  const object = new Easy();
  curl_easy_setopt(object, CURLOPT_URL, `${server.url}/hello`);
  expect(curl_easy_perform(object)).toBe(CURLE_OK);
  expect(object.takeBody().toString()).toBe('hello');
  const copy = curl_easy_duphandle(object);
  expect(curl_easy_perform(copy)).toBe(CURLE_OK);
  expect(copy.takeBody().toString()).toBe('hello');

  const file = path.join(dir, 'dup.out');
  const fd = fs.openSync(file, 'w');
  const c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, `${server.url}/hello`);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, fd);
  const cCopy = curl_easy_duphandle(c);
  expect(curl_easy_perform(cCopy)).toBe(CURLE_OK);
  curl_easy_reset(c); // back to C's defaults, not to buffering
  curl_easy_setopt(c, CURLOPT_URL, `${server.url}/hello`);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, fd);
  expect(curl_easy_perform(c)).toBe(CURLE_OK);
  fs.closeSync(fd);
  expect(fs.readFileSync(file, 'utf8')).toBe('hellohello');
  expect(c.takeBody()).toHaveLength(0);
  for (const e of [object, copy, c, cCopy]) curl_easy_cleanup(e);
});

test('Multi.perform buffers for a curl_easy_init handle too, then C\'s defaults hold again', async () => {
  const multi = new Multi();
  const easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/hello`);
  const { body, headers } = await multi.perform(easy);
  expect(body.toString()).toBe('hello');
  expect(headers.toString()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  const file = path.join(dir, 'after-perform.out');
  const fd = fs.openSync(file, 'w');
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, fd);
  expect(curl_easy_perform(easy)).toBe(CURLE_OK);
  fs.closeSync(fd);
  expect(fs.readFileSync(file, 'utf8')).toBe('hello');
  curl_easy_cleanup(easy);
  multi.close();
});
