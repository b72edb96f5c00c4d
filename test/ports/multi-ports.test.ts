// curl's multi-interface examples (examples/c/), run against local servers with their
// output checked. curl_multi_perform / curl_multi_poll block the child's thread as in C.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runPorts, type PortResult } from './run';
import { startPortServers, type PortServers } from './servers';

const examples = path.resolve(__dirname, '../../examples/c');
let servers: PortServers;
let results: Map<string, PortResult>;
let closedPort: string; // nothing listens there: stands for the FTP server we do not have

beforeAll(async () => {
  servers = await startPortServers();
  const h = servers.http;
  closedPort = 'ftp://127.0.0.1:1/upload';
  results = await runPorts([
    { name: 'multi-app', args: [`${h}/app`, closedPort] },
    { name: 'multi-single', args: [`${h}/single`] },
    { name: 'multi-double', args: [`${h}/one`, `${h}/two`] },
    { name: 'multi-post', args: [`${h}/echo`], cwd: examples },
    { name: 'multi-formadd', args: [`${h}/echo`], cwd: examples },
    { name: 'multi-debugcallback', args: [`${h}/debug`] },
    { name: 'multi-legacy', args: [`${h}/legacy`, closedPort] },
    { name: '10-at-a-time', args: [h] },
  ]);
}, 120_000);

afterAll(() => servers?.close());

function port(name: string): PortResult {
  const result = results.get(name);
  if (!result) throw new Error(`${name} did not run`);
  return result;
}

test('multi-app.c: curl_multi_perform + curl_multi_poll run both transfers to their end', () => {
  const out = port('multi-app').stdout;
  expect(out).toContain('hello from /app\n');
  expect(out).toContain('HTTP transfer completed with status 0\n');
  expect(out).toContain('FTP transfer completed with status 7\n'); // CURLE_COULDNT_CONNECT: no FTP server here
});

test('multi-single.c: one transfer, its body on stdout', () => {
  expect(port('multi-single')).toEqual({ code: '0', stdout: 'hello from /single\n', stderr: '' });
});

test('multi-double.c: two transfers at once, each completion read with curl_multi_info_read', () => {
  const { stdout, stderr } = port('multi-double');
  expect(stdout.split('\n').filter(Boolean).sort()).toEqual(['hello from /one', 'hello from /two']);
  expect(stderr).toBe('Transfer completed\nTransfer completed\n');
});

for (const name of ['multi-post', 'multi-formadd']) {
  test(`${name}.c: a MIME form (a file part and two data parts) posted on a multi handle`, () => {
    const { stdout, stderr } = port(name);
    const echo = JSON.parse(stdout);
    expect(echo.method).toBe('POST');
    expect(echo.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(echo.headers.expect).toBeUndefined(); // the "Expect:" header line removed it
    const file = fs.readFileSync(path.join(examples, `${name}.js`), 'latin1');
    expect(echo.body).toContain(`Content-Disposition: form-data; name="sendfile"; filename="${name}.js"`);
    expect(echo.body).toContain(file);
    expect(echo.body).toMatch(/name="filename"\r\n\r\n[a-z-]+\.js\r\n/);
    expect(echo.body).toMatch(/name="submit"\r\n\r\nsend\r\n/);
    expect(stderr).toMatch(/^> POST \/echo HTTP\/1.1/m); // CURLOPT_VERBOSE goes to stderr
  });
}

test('multi-debugcallback.c: DEBUGFUNCTION sees the text, the headers out and in, and the data', () => {
  const { stdout, stderr } = port('multi-debugcallback');
  expect(stdout).toBe('hello from /debug\n');
  expect(stderr).toMatch(/^== Info: +Trying 127\.0\.0\.1:\d+/m);
  expect(stderr).toMatch(/^=> Send header, 00000000\d\d bytes \(0x000000[0-9a-f]{2}\)\n0000: GET \/debug HTTP\/1.1\n/m);
  expect(stderr).toMatch(/^<= Recv header, 0000000017 bytes \(0x00000011\)\n0000: HTTP\/1.1 200 OK\n/m);
  expect(stderr).toMatch(/^<= Recv data, 0000000018 bytes \(0x00000012\)\n0000: hello from \/debug\.\n/m);
});

test('multi-legacy.c: curl_multi_timeout and curl_multi_fdset drive the same transfers', () => {
  const out = port('multi-legacy').stdout;
  expect(out).toContain('hello from /legacy\n');
  expect(out).toContain('HTTP transfer completed with status 0\n');
  expect(out).toContain('FTP transfer completed with status 7\n');
});

test('10-at-a-time.c: 24 URLs, at most 10 at once, every one reported', () => {
  const lines = port('10-at-a-time').stderr.split('\n').filter(Boolean);
  expect(lines).toHaveLength(24);
  for (const line of lines) expect(line).toMatch(/^R: 0 - No error <http:\/\/127\.0\.0\.1:\d+\/[a-z.]+>$/);
});
