// `curlio get`: parallel downloads into files, the exit status, and progress on a terminal.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pattern, startHttpServer, type TestServer } from '../helpers/http-server';
import { CLI, runCli, runCommand, shellQuote } from '../helpers/run-cli';

let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(() => server.close());
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-get-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('get of 3 URLs writes each body to its file and exits 0', async () => {
  const urls = [`${server.url}/bytes/100000`, `${server.url}/hello`, `${server.url}/chunked/20/1000`];
  const result = await runCli(['get', '--parallel', '2', '-o', dir, ...urls]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(fs.readFileSync(path.join(dir, '100000')).equals(pattern(100000))).toBe(true);
  expect(fs.readFileSync(path.join(dir, 'hello'), 'utf8')).toBe('hello');
  expect(fs.readFileSync(path.join(dir, '1000')).equals(Buffer.concat(Array.from({ length: 20 }, () => pattern(1000))))).toBe(true);
  // Not a terminal: one plain line per file and a summary, no escape sequences.
  expect(result.stdout).not.toMatch(/\x1b|\r/);
  for (const url of urls) expect(result.stdout).toContain(`OK   ${url}`);
  expect(result.stdout).toMatch(/^3 of 3 downloaded/m);
  expect(fs.readdirSync(dir).sort()).toEqual(['1000', '100000', 'hello']);
});

test('a failing URL makes the exit status 1 and is named with its reason', async () => {
  const good = `${server.url}/hello`;
  const missing = `${server.url}/status/404`;
  const refused = 'http://127.0.0.1:1/nothing-listens';
  const result = await runCli(['get', '-o', dir, good, missing, refused]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('2 of 3 transfers failed');
  expect(result.stderr).toContain(`${missing}: HTTP 404`);
  expect(result.stderr).toMatch(new RegExp(`${refused.replace(/[.]/g, '\\.')}: .*connect`, 'i'));
  expect(fs.readFileSync(path.join(dir, 'hello'), 'utf8')).toBe('hello');
  // A failed transfer leaves no file behind, not even a partial one.
  expect(fs.readdirSync(dir)).toEqual(['hello']);
});

test('under a terminal, get redraws progress bars in place with percentages', async () => {
  // Every response has a Content-Length, so the total's percentage is known once all have started.
  const urls = [`${server.url}/bytes/3000000`, `${server.url}/slow/400`, `${server.url}/bytes/2000`];
  const command = [...CLI, 'get', '-o', dir, ...urls].map(shellQuote).join(' ');
  // util-linux script(1) gives the command a pseudo-terminal; its output is the terminal's.
  const result = await runCommand('script', ['-qec', command, '/dev/null']);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('\r');
  expect(result.stdout).toContain('\x1b[J');
  expect(result.stdout).toMatch(/\b100%/);
  expect(result.stdout).toMatch(/total \d\/3/);
  expect(result.stdout).toMatch(/3 of 3 downloaded/);
  expect(fs.statSync(path.join(dir, '3000000')).size).toBe(3000000);
});

test('--version names curlio, libcurl and GLib', async () => {
  const result = await runCli(['--version']);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^curlio \d+\.\d+\.\d+\nlibcurl \d+\.\d+\.\d+ .*\nGLib \d+\.\d+\.\d+\n/);
});

test('--help shows the commands; a wrong option is a usage error (exit 2)', async () => {
  const help = await runCli(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/curlio <command>[\s\S]*get [\s\S]*bench /);
  const wrong = await runCli(['get', '--parallel', '0', `${server.url}/hello`]);
  expect(wrong.code).toBe(2);
  expect(wrong.stderr).toContain('Expected a positive integer for --parallel but received "0"');
});
