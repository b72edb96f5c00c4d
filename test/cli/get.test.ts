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
  // The current rate and an ETA; the cursor is hidden while bars are drawn and shown again.
  expect(result.stdout).toMatch(/ETA (\d+:\d\d|--)/);
  expect(result.stdout).not.toContain('NaN');
  expect(result.stdout.indexOf('\x1b[?25l')).toBeGreaterThanOrEqual(0);
  expect(result.stdout.lastIndexOf('\x1b[?25h')).toBeGreaterThan(result.stdout.lastIndexOf('\x1b[?25l'));
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

test('a redirect is followed into a clean file: the 3xx page is not kept', async () => {
  const url = `${server.url}/redirect-to?status=301&to=/hello`;
  const result = await runCli(['get', '-o', dir, url]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  // /redirect-to answers "redirect GET" with its 301; only the final body may be in the file.
  expect(fs.readFileSync(path.join(dir, 'redirect-to'), 'utf8')).toBe('hello');
  expect(fs.readdirSync(dir)).toEqual(['redirect-to']);
});

function isNode(pid: number): boolean {
  try {
    return fs.readlinkSync(`/proc/${pid}/exe`) === fs.realpathSync(process.execPath);
  } catch {
    return false;
  }
}

/** The pids below `pid` (children, grandchildren...), from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (p: number): void => {
    for (const [child, parent] of parents) if (parent === p) (found.push(child), walk(child));
  };
  walk(pid);
  return found;
}

async function waitFor(what: string, check: () => boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('Ctrl-C removes the .part files, gives the cursor back and exits 130', async () => {
  // 2000 chunks of 1 KiB, 20 ms apart: 40 s, far longer than the test waits.
  const urls = [`${server.url}/drip/2000/20`, `${server.url}/bytes/5000000`];
  // `exec`: /bin/sh (dash, which `script` runs when SHELL is unset, as in CI) keeps itself as
  // curlio's parent otherwise, and its cmdline names main.ts too.
  const command = `exec ${[...CLI, 'get', '-o', dir, ...urls].map(shellQuote).join(' ')}`;
  const { spawn } = await import('node:child_process');
  const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SHELL: '/bin/sh' } });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString('latin1')));
  // 'close', not 'exit': 'exit' can come before the last bytes `script` copied from the pty are read.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await waitFor('the .part file', () => fs.readdirSync(dir).some((f) => f.endsWith('.part')) && output.includes('\x1b[?25l'));
  // The node process itself, never a shell around it: SIGINT would kill the shell and leave curlio running.
  const curlio = descendants(child.pid!).find((pid) => isNode(pid) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('main.ts'));
  expect(curlio).toBeDefined();
  process.kill(curlio!, 'SIGINT');
  expect(await exited).toBe(130);
  expect(fs.readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  expect(output.lastIndexOf('\x1b[?25h')).toBeGreaterThan(output.lastIndexOf('\x1b[?25l'));
  expect(output).toContain('interrupted');
});
