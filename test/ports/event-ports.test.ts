// curl's event-driven examples (examples/c/): the program's own loop (Poll per socket, a
// timer) drives libcurl through CURLMOPT_SOCKETFUNCTION / TIMERFUNCTION.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExampleProcess } from '../helpers/example-process';
import { runPorts, type PortResult } from './run';
import { startPortServers, type PortServers } from './servers';

let servers: PortServers;
let results: Map<string, PortResult>;
const dirs: Record<string, string> = {};

beforeAll(async () => {
  servers = await startPortServers();
  const h = servers.http;
  for (const name of ['multi-event', 'multi-uv']) dirs[name] = fs.mkdtempSync(path.join(os.tmpdir(), `curlio-${name}-`));
  results = await runPorts([
    { name: 'multi-event', args: [`${h}/bytes/100000`, `${h}/one`, `${h}/two`], cwd: dirs['multi-event'] },
    { name: 'multi-uv', args: [`${h}/bytes/70000`, `${h}/three`], cwd: dirs['multi-uv'] },
  ]);
}, 120_000);

afterAll(async () => {
  await servers?.close();
  for (const dir of Object.values(dirs)) fs.rmSync(dir, { recursive: true, force: true });
});

function port(name: string): PortResult {
  const result = results.get(name);
  if (!result) throw new Error(`${name} did not run`);
  return result;
}

test('multi-event.c: WRITEDATA is an open file and no WRITEFUNCTION: each body lands in its file', () => {
  const { stdout, stderr } = port('multi-event');
  expect(stdout.split('\n').filter(Boolean).sort()).toEqual(
    [`${servers.http}/bytes/100000 DONE`, `${servers.http}/one DONE`, `${servers.http}/two DONE`].sort(),
  );
  expect(stderr).toContain(`Added download ${servers.http}/one -> 2.download`);
  const dir = dirs['multi-event'];
  expect(fs.readFileSync(path.join(dir, '1.download')).length).toBe(100000);
  expect(fs.readFileSync(path.join(dir, '2.download'), 'utf8')).toBe('hello from /one\n');
  expect(fs.readFileSync(path.join(dir, '3.download'), 'utf8')).toBe('hello from /two\n');
});

test('multi-uv.c: Poll and a timer drive two downloads to their files', () => {
  expect(port('multi-uv').stdout.split('\n').filter(Boolean).sort()).toEqual(
    [`${servers.http}/bytes/70000 DONE`, `${servers.http}/three DONE`].sort(),
  );
  expect(fs.readFileSync(path.join(dirs['multi-uv'], '2.download'), 'utf8')).toBe('hello from /three\n');
});

test('hiperfifo.c: URLs written into the fifo are fetched; ERRORBUFFER names a failure; "stop" ends it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-hiperfifo-'));
  const child = new ExampleProcess('c/hiperfifo.js', [], { cwd: dir });
  try {
    await child.waitForLine(/^Now, pipe some URL's into > hiper\.fifo$/);
    fs.writeFileSync(path.join(dir, 'hiper.fifo'), `${servers.http}/redirect http://127.0.0.1:1/refused\n`);
    await child.waitForLine(/^DONE: .*\/landed => \(0\) $/);
    await child.waitForLine(/^DONE: http:\/\/127\.0\.0\.1:1\/refused => \(7\) Failed to connect to 127\.0\.0\.1 port 1/);
    fs.writeFileSync(path.join(dir, 'hiper.fifo'), 'stop\n');
    expect(await child.exited).toBe(0);
    expect(child.lines.some((l) => /^Progress: .*\/redirect \(\d+\/\d+\)$/.test(l))).toBe(true);
    expect(child.lines).toContain('REMAINING: 0');
    expect(fs.existsSync(path.join(dir, 'hiper.fifo'))).toBe(false);
  } finally {
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('ephiperfifo.c: its own epoll loop (curl_multi_wait on the set) fetches what the fifo names; SIGINT ends it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-ephiperfifo-'));
  const child = new ExampleProcess('c/ephiperfifo.js', [], { cwd: dir });
  try {
    await child.waitForLine(/^Entering wait loop$/);
    fs.writeFileSync(path.join(dir, 'hiper.fifo'), `${servers.http}/bytes/50000 ${servers.http}/slow/100\n`);
    await child.waitForLine(/^DONE: .*\/bytes\/50000 => \(0\) $/);
    await child.waitForLine(/^DONE: .*\/slow\/100 => \(0\) $/);
    child.kill('SIGINT');
    expect(await child.exited).toBe(0);
    expect(child.lines).toContain('Exiting normally.');
    expect(child.lines.some((l) => /^socket callback: s=\d+ e=Easy what=IN Adding data: IN$/.test(l) || /what=OUT Adding data: OUT$/.test(l))).toBe(true);
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
