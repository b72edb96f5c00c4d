// curl's HTTP/2 examples (examples/c/) against a local TLS server speaking h2 (its
// certificate made at test time), server push included.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runPorts, type PortResult } from './run';
import { startPortServers, type PortServers } from './servers';

let servers: PortServers;
let results: Map<string, PortResult>;
let dir: string;
const upload = Buffer.from(Array.from({ length: 30000 }, (_, i) => 65 + (i % 26)));

beforeAll(async () => {
  servers = await startPortServers();
  const s = servers.https;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-http2-ports-'));
  for (const sub of ['download', 'upload']) fs.mkdirSync(path.join(dir, sub));
  fs.writeFileSync(path.join(dir, 'upload', 'index.html'), upload);
  results = await runPorts([
    { name: 'http2-download', args: ['5', `${s}/bytes/40000`], cwd: path.join(dir, 'download') },
    { name: 'http2-upload', args: ['4', 'index.html', `${s}/echo`], cwd: path.join(dir, 'upload') },
    { name: 'http2-serverpush', args: [`${s}/push`], cwd: dir },
    { name: 'http2-pushinmemory', args: [`${s}/push`] },
  ]);
}, 120_000);

afterAll(async () => {
  await servers?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function port(name: string): PortResult {
  const result = results.get(name);
  if (!result) throw new Error(`${name} did not run`);
  return result;
}

// libcurl 7.88.1 refuses a push whose :authority carries a port (its set_transfer_url
// hands "host:port" to CURLUPART_HOST; fixed in 8.1), and on port 443, where it accepts
// one, it crashes (SIGSEGV in its nghttp2 data callback): curl's own
// http2-pushinmemory.c, compiled against this libcurl, does both against this server. The
// ports are therefore checked for what that C program does on an ordinary port: the parent
// stream arrives over HTTP/2 with CURLMOPT_PUSHFUNCTION set, the push is refused, the loop ends.
test('http2-serverpush.c: the parent stream over HTTP/2 with a push function set, saved to its file', () => {
  const { code, stderr } = port('http2-serverpush');
  expect(code).toBe('0');
  expect(stderr).toMatch(/^== Info: ALPN: server accepted h2$/m);
  expect(fs.readFileSync(path.join(dir, 'dl'), 'utf8')).toBe('pushed parent\n');
});

test('http2-pushinmemory.c: the parent stream kept in memory', () => {
  const { code, stdout } = port('http2-pushinmemory');
  expect(code).toBe('0');
  expect(stdout).toBe('[0] pushed parent\n');
  expect(servers.requests.filter((r) => r.url === '/push').every((r) => r.httpVersion === '2.0')).toBe(true);
});

test('http2-download.c: five downloads multiplexed over one HTTP/2 connection, each in its file', () => {
  const { code, stderr } = port('http2-download');
  expect(code).toBe('0');
  for (let i = 0; i < 5; i++) expect(fs.readFileSync(path.join(dir, 'download', `dl-${i}`)).length).toBe(40000);
  expect(stderr.match(/^== 0 Info: Connected to /gm)).toHaveLength(1); // one connection for all five
  expect(stderr).toMatch(/^== [1-4] Info: (Re-using existing connection|Found bundle for host)/m);
  expect(stderr).toMatch(/^4 <= Recv data, \d+ bytes/m);
});

test('http2-upload.c: four uploads multiplexed over one HTTP/2 connection by a READFUNCTION', () => {
  expect(port('http2-upload').code).toBe('0');
  for (let i = 0; i < 4; i++) {
    const echo = JSON.parse(fs.readFileSync(path.join(dir, 'upload', `dl-${i}`), 'utf8'));
    expect(echo.method).toBe('PUT');
    expect(echo.url).toBe(`/echo/upload-${i}`);
    expect(echo.body).toBe(upload.toString('latin1'));
  }
  const uploads = servers.requests.filter((r) => r.url.startsWith('/echo/upload-'));
  expect(uploads.every((r) => r.httpVersion === '2.0')).toBe(true);
  expect(new Set(uploads.map((r) => r.remotePort)).size).toBe(1);
});
