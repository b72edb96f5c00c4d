// examples/credentials-rpc.js, run as a user runs it: a server process and caller processes
// over a UNIX socket path; the server answers by the credentials the kernel reports.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExampleProcess } from '../helpers/example-process';

const NOBODY = 65534;
const asRoot = process.getuid!() === 0;
const rootOnly = asRoot ? test : test.skip;

let dir: string;
let socketPath: string;
const started: ExampleProcess[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-rpc-'));
  fs.chmodSync(dir, 0o755); // callers of another user reach the socket inside
  socketPath = path.join(dir, 'rpc.sock');
});
afterEach(async () => {
  for (const p of started.splice(0)) {
    p.kill('SIGKILL');
    await p.exited;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

async function serve(args: string[] = []): Promise<ExampleProcess> {
  const server = new ExampleProcess('credentials-rpc.js', ['serve', socketPath, ...args]);
  started.push(server);
  await server.waitForLine(/^listening on /);
  return server;
}

async function call(method: string, user?: number): Promise<{ pid: number; code: number | string; stdout: string; stderr: string }> {
  const caller = new ExampleProcess('credentials-rpc.js', ['call', socketPath, method], { uid: user, gid: user });
  started.push(caller);
  const code = await caller.exited;
  return { pid: caller.pid, code, stdout: caller.lines.join('\n'), stderr: caller.stderr };
}

test('whoami answers with the caller process as the kernel reports it (SCM_CREDENTIALS and SO_PEERCRED)', async () => {
  const server = await serve();
  const result = await call('whoami');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const me = { uid: process.getuid!(), gid: process.getgid!() };
  expect(JSON.parse(result.stdout)).toEqual({
    pid: result.pid,
    ...me,
    comm: 'node',
    connectedBy: { pid: result.pid, ...me },
  });
  expect(server.lines).toContain(`pid ${result.pid} uid ${me.uid}: whoami -> ok`);
});

test('a caller whose uid is not allowed is refused before any method runs', async () => {
  const server = await serve(['--allow-uid', '4242']);
  const result = await call('ping');
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toBe(`error: EACCES: uid ${process.getuid!()} may not call this server\n`);
  await server.waitForLine(new RegExp(`^pid ${result.pid} uid ${process.getuid!()}: ping -> denied`));
});

test('unknown methods are errors; stop ends the server, which removes its socket', async () => {
  const server = await serve();
  expect(await call('ping')).toMatchObject({ code: 0, stdout: '"pong"' });
  expect(await call('format-disk')).toMatchObject({ code: 1, stderr: 'error: ENOSYS: no method "format-disk"\n' });
  expect(await call('stop')).toMatchObject({ code: 0, stdout: '"stopping"' });
  expect(await server.exited).toBe(0);
  expect(fs.existsSync(socketPath)).toBe(false);
  expect(await call('ping')).toMatchObject({ code: 1, stderr: `no server at ${socketPath}\n` });
});

rootOnly('a caller running as another user: refused unless allowed, and never allowed to stop the server', async () => {
  // Root runs the server; the caller is a real process of uid/gid 65534 (nobody).
  let server = await serve(['--allow-uid', '0']);
  const refused = await call('whoami', NOBODY);
  expect(refused).toMatchObject({ code: 1, stderr: `error: EACCES: uid ${NOBODY} may not call this server\n` });
  await server.waitForLine(new RegExp(`^pid ${refused.pid} uid ${NOBODY}: whoami -> denied`));
  server.kill('SIGTERM');
  expect(await server.exited).toBe(0);

  server = await serve(['--allow-uid', '0', '--allow-uid', String(NOBODY)]);
  const allowed = await call('whoami', NOBODY);
  expect(allowed.code).toBe(0);
  expect(JSON.parse(allowed.stdout)).toMatchObject({ pid: allowed.pid, uid: NOBODY, gid: NOBODY, connectedBy: { pid: allowed.pid, uid: NOBODY } });
  expect(await call('stop', NOBODY)).toMatchObject({ code: 1, stderr: 'error: EACCES: only uid 0 may stop the server\n' });
  expect(await call('ping')).toMatchObject({ code: 0, stdout: '"pong"' });
});
