// IoThreadMulti: libcurl's multi on a native I/O thread of its own, against a real loopback
// server. Results, errors, refusals, closes in flight, and the lifetimes (GC, workers,
// exit) in processes of their own (test/helpers/io-thread-child.js).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import {
  CURLE_ABORTED_BY_CALLBACK,
  CURLE_BAD_FUNCTION_ARGUMENT,
  CURLE_COULDNT_CONNECT,
  CURLE_OPERATION_TIMEDOUT,
  CURLMOPT_MAXCONNECTS,
  CURLOPT_DEBUGFUNCTION,
  CURLOPT_HEADERFUNCTION,
  CURLOPT_POSTFIELDS,
  CURLOPT_SHARE,
  CURLOPT_TIMEOUT_MS,
  CURLOPT_URL,
  CURLOPT_WRITEFUNCTION,
  CURLOPT_XFERINFOFUNCTION,
  CURLOPT_NOPROGRESS,
  CURLINFO_RESPONSE_CODE,
  CurlError,
  Easy,
  IoThreadMulti,
  Multi,
  CURLH_HEADER,
  curl_easy_header,
  curl_share_init,
  curl_share_cleanup,
} from '../../lib/libcurl';
import { pattern, startHttpServer, type TestServer } from '../helpers/http-server';

let server: TestServer;
let multi: IoThreadMulti;
beforeAll(async () => {
  server = await startHttpServer();
  multi = new IoThreadMulti();
});
afterAll(async () => {
  multi.close();
  await server.close();
});

const get = (p: string) => new Easy().setopt(CURLOPT_URL, `${server.url}${p}`);

async function rejection(p: Promise<unknown>): Promise<CurlError> {
  try {
    await p;
  } catch (e) {
    return e as CurlError;
  }
  throw new Error('expected the transfer to fail');
}

test('a transfer resolves with its status, body and raw headers', async () => {
  const easy = get('/bytes/1000');
  const r = await multi.perform(easy);
  expect(r.easy).toBe(easy);
  expect(r.status).toBe(200);
  expect(r.body.equals(pattern(1000))).toBe(true);
  expect(r.headers.toString()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  expect(r.headers.toString()).toMatch(/\r\ncontent-length: 1000\r\n/i);
  // The handle is the JavaScript thread's again: getinfo works, and it runs again.
  expect(easy.getinfo(CURLINFO_RESPONSE_CODE)).toBe(200);
  const again = await multi.perform(easy.setopt(CURLOPT_URL, `${server.url}/status/404`));
  expect(again.status).toBe(404);
  expect(again.body.toString()).toBe('status 404');
});

test('sequential transfers reuse the keep-alive connection (it stays in the I/O thread\'s epoll set)', async () => {
  const local = new IoThreadMulti();
  const easy = get('/conn');
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await local.perform(easy)).body.toString());
  expect(new Set(ids).size).toBe(1);
  // A fresh handle on the same multi takes the cached connection too.
  expect((await local.perform(get('/conn'))).body.toString()).toBe(ids[0]);
  local.close();
});

test('large bodies (handed over without a copy) and a POST body', async () => {
  const large = await multi.perform(get('/bytes/3000000'));
  expect(large.body.equals(pattern(3000000))).toBe(true);
  const post = await multi.perform(get('/echo').setopt(CURLOPT_POSTFIELDS, 'a=1&b=2'));
  const echo = JSON.parse(post.body.toString());
  expect(echo.method).toBe('POST');
  expect(echo.body).toBe('a=1&b=2');
});

test('failures reject with libcurl\'s code and text: connection refused, timeout', async () => {
  const refused = await rejection(multi.perform(new Easy().setopt(CURLOPT_URL, 'http://127.0.0.1:9/')));
  expect(refused).toBeInstanceOf(CurlError);
  expect(refused.errno).toBe(CURLE_COULDNT_CONNECT);
  expect(refused.message).toMatch(/127\.0\.0\.1 port 9/);
  const started = Date.now();
  const timedOut = await rejection(multi.perform(get('/hang').setopt(CURLOPT_TIMEOUT_MS, 300)));
  expect(timedOut.errno).toBe(CURLE_OPERATION_TIMEDOUT);
  expect(Date.now() - started).toBeLessThan(20000);
});

test('200 transfers at once each get their own body', async () => {
  const local = new IoThreadMulti().setopt(CURLMOPT_MAXCONNECTS, 50);
  const results = await Promise.all(Array.from({ length: 200 }, (_, i) => local.perform(get(`/bytes/${100 + i * 37}`))));
  results.forEach((r, i) => {
    expect(r.status).toBe(200);
    expect(r.body.equals(pattern(100 + i * 37))).toBe(true);
  });
  expect(local.deliveries).toBeGreaterThan(0);
  expect(local.deliveries).toBeLessThanOrEqual(200);
  local.close();
});

test('transfers that need the JavaScript thread are refused, naming the option; the handle stays usable', async () => {
  const cases: [number, unknown][] = [
    [CURLOPT_WRITEFUNCTION, (d: Buffer) => d.length],
    [CURLOPT_HEADERFUNCTION, (d: Buffer) => d.length],
    [CURLOPT_XFERINFOFUNCTION, () => 0],
    [CURLOPT_DEBUGFUNCTION, () => 0],
  ];
  for (const [option, fn] of cases) {
    const easy = get('/hello').setopt(option as typeof CURLOPT_WRITEFUNCTION, fn as (d: Buffer) => number);
    if (option === CURLOPT_XFERINFOFUNCTION) easy.setopt(CURLOPT_NOPROGRESS, 0);
    const error = await rejection(multi.perform(easy));
    expect(error.errno).toBe(CURLE_BAD_FUNCTION_ARGUMENT);
    expect(error.message).toMatch(/CURLOPT_(WRITE|HEADER|XFERINFO|DEBUG)FUNCTION is set/);
    // Not taken: the same handle runs on a Multi, with its callback.
    const jsMulti = new Multi();
    await jsMulti.perform(easy);
    jsMulti.close();
    // Unset, it may go.
    easy.setopt(option as typeof CURLOPT_WRITEFUNCTION, null as unknown as (d: Buffer) => number);
    easy.setopt(CURLOPT_NOPROGRESS, 1);
    expect((await multi.perform(easy)).status).toBe(200);
  }
  const share = curl_share_init();
  const shared = get('/hello').setopt(CURLOPT_SHARE, share);
  expect((await rejection(multi.perform(shared))).message).toMatch(/CURLOPT_SHARE is set/);
  shared.cleanup();
  curl_share_cleanup(share);
});

test('while the I/O thread runs a handle, its methods throw ERR_CURL_BUSY and a Multi refuses it', async () => {
  const easy = get('/slow/300');
  const running = multi.perform(easy);
  expect(() => easy.setopt(CURLOPT_URL, `${server.url}/hello`)).toThrow(expect.objectContaining({ code: 'ERR_CURL_BUSY' }));
  expect(() => easy.takeBody()).toThrow(expect.objectContaining({ code: 'ERR_CURL_BUSY' }));
  expect(() => easy.getinfo(CURLINFO_RESPONSE_CODE)).toThrow(expect.objectContaining({ code: 'ERR_CURL_BUSY' }));
  // The C-shaped functions too (they reach the CURL * another way).
  expect(() => curl_easy_header(easy, 'content-length', 0, CURLH_HEADER, -1, { value: null })).toThrow(
    expect.objectContaining({ code: 'ERR_CURL_BUSY' }),
  );
  await expect(multi.perform(easy)).rejects.toThrow(/already running a transfer/);
  const jsMulti = new Multi();
  expect(() => jsMulti.addHandle(easy)).toThrow(expect.objectContaining({ code: 'CURLM_ADDED_ALREADY' }));
  jsMulti.close();
  expect((await running).body.toString()).toBe('slow');
  expect(easy.setopt(CURLOPT_URL, `${server.url}/hello`)).toBe(easy);
});

test('close() with transfers in flight settles each once with CURLE_ABORTED_BY_CALLBACK; close() twice', async () => {
  const local = new IoThreadMulti();
  const settled: string[] = [];
  const transfers = Array.from({ length: 10 }, (_, i) =>
    local.perform(get(i % 2 ? '/hang' : '/drip/10000/5')).then(
      () => settled.push('resolved'),
      (e: CurlError) => settled.push(e.code),
    ),
  );
  await new Promise((r) => setTimeout(r, 100));
  local.close();
  local.close();
  expect(local.isClosed()).toBe(true);
  await Promise.all(transfers);
  await new Promise((r) => setTimeout(r, 50));
  expect(settled).toEqual(Array(10).fill('CURLE_ABORTED_BY_CALLBACK'));
  await expect(local.perform(get('/hello'))).rejects.toMatchObject({ code: 'ERR_CURL_CLOSED' });
});

test('cleanup() of an easy handle in flight takes it back: it fails, the others finish', async () => {
  const easy = get('/hang');
  const doomed = multi.perform(easy);
  const others = Array.from({ length: 5 }, () => multi.perform(get('/slow/100')));
  await new Promise((r) => setTimeout(r, 50));
  easy.cleanup();
  easy.cleanup();
  const error = await rejection(doomed);
  expect(error.errno).toBe(CURLE_ABORTED_BY_CALLBACK);
  for (const r of await Promise.all(others)) expect(r.body.toString()).toBe('slow');
});

// --- lifetimes, each in a process of its own ------------------------------------------

function run(scenario: string, flags: string[] = [], timeout = 90000) {
  const child = spawnSync(process.execPath, [...flags, path.join(__dirname, '../helpers/io-thread-child.js'), scenario, server.url], {
    encoding: 'utf8',
    timeout,
  });
  return { status: child.status, signal: child.signal, stdout: child.stdout.trim(), stderr: child.stderr };
}

function expectOutcome(result: ReturnType<typeof run>, expected: { status: number; stdout: string }): void {
  const { status, signal, stdout } = result;
  if (status !== expected.status || signal !== null || stdout !== expected.stdout) {
    throw new Error(`scenario ended with ${JSON.stringify({ status, signal, stdout })}\n${result.stderr}`);
  }
}

test('GC with transfers pending: they finish, then the dropped multis and handles are collected', () => {
  expectOutcome(run('gc-pending', ['--expose-gc']), { status: 0, stdout: 'ok' });
});

test('worker.terminate() with an I/O thread mid-transfer, ten times', () => {
  expectOutcome(run('terminate-worker'), { status: 0, stdout: 'ok' });
});

test('workers with an unclosed, idle I/O thread multi exit by themselves', () => {
  expectOutcome(run('worker-exits', [], 30000), { status: 0, stdout: 'ok' });
});

test('process.exit() with transfers in flight on the I/O thread exits with its code', () => {
  expectOutcome(run('exit-in-flight'), { status: 7, stdout: 'ok' });
});

test('an idle process with an unclosed I/O thread multi exits by itself', () => {
  expectOutcome(run('exits-when-idle', [], 30000), { status: 0, stdout: 'ok' });
});
