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

beforeAll(async () => {
  servers = await startPortServers();
  const s = servers.https;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-http2-ports-'));
  results = await runPorts([
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

// libcurl 7.88.1 (Debian's build here) does not take the PUSH_PROMISE of Node's http2 server:
// curl's own http2-pushinmemory.c, compiled against the same libcurl, prints no "Pushed"
// line either. The ports are checked for what that C program does: the parent stream
// arrives over HTTP/2 with CURLMOPT_PUSHFUNCTION set, and the loop ends.
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
