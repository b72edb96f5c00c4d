// A peer that does not follow GIO's wire format, or a receive that meets odd ancillary
// data: every call ends with a clear GioError or result, and no fd the kernel installed here
// is left open. The raw peer is Python's stdlib (sendmsg with hand-built control messages),
// running in its own process on an inherited socket.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';

import { SocketType, UnixConnection, UnixFDMessage } from '../../lib/gio';
import { checkFdsAroundEachTest, expectNoFdLeak } from '../helpers/gio-fds';
import { pythonEnv } from '../helpers/gio-spawn';
import { readAll, useTempFiles } from '../helpers/temp-files';

checkFdsAroundEachTest();

const { tempFile } = useTempFiles('curlio-gio-hostile-');

const SOL_SOCKET = 1;
const SO_PASSPIDFD = 76;

function findPython(): string | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(python, ['-c', 'import socket; socket.SCM_RIGHTS'], { stdio: 'ignore', env: pythonEnv() });
      return python;
    } catch {
      // not this one
    }
  }
  return null;
}
const python = findPython();

/** Runs `code` in Python with `fd` as socket `s` (fd 3) and `f` a read-only fd of `file`; resolves with its stdout. */
function rawPeer(code: string, fd: number, file = '/dev/null'): Promise<string> {
  const prelude = `import socket, os, array, struct\ns = socket.socket(fileno=3)\nf = os.open(${JSON.stringify(file)}, os.O_RDONLY)\n`;
  return new Promise((resolve, reject) => {
    const child = spawn(python!, ['-c', prelude + code], { stdio: ['ignore', 'pipe', 'pipe', fd], env: pythonEnv() });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    child.on('close', (status) => (status === 0 ? resolve(out.trim()) : reject(new Error(`peer failed: ${err}`))));
  });
}

const rights = (n: number) => `(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [f] * ${n}))`;
const ownCredentials = `(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, struct.pack('3i', os.getpid(), os.getuid(), os.getgid()))`;

const describePython = python ? describe : describe.skip;
describePython('a raw sendmsg peer', () => {
  test('a zero-byte record carrying 3 fds (SEQPACKET) is not end-of-stream: receiveFds fails and closes them', async () => {
    await expectNoFdLeak(async () => {
      const [a, b] = UnixConnection.createPair(SocketType.SEQPACKET);
      await rawPeer(`s.sendmsg([], [${rights(3)}])`, b.socket.fd);
      await expect(a.receiveFds()).rejects.toMatchObject({
        name: 'G_IO_ERROR_FAILED',
        message: 'Expecting to read a single byte with the file descriptors but read zero bytes',
      });
      // The record was consumed; a real end of stream is still told apart.
      b.close();
      await expect(a.receiveFds()).rejects.toMatchObject({ name: 'G_IO_ERROR_CONNECTION_CLOSED' });
      a.close();
    });
  });

  test('receiveMessage hands the same zero-byte record over as it is: 0 bytes and the caller’s 3 fds', async () => {
    const [a, b] = UnixConnection.createPair(SocketType.SEQPACKET);
    await rawPeer(`s.sendmsg([], [${rights(3)}])`, b.socket.fd);
    const message = await a.socket.receiveMessage(10);
    expect(message.data).toHaveLength(0);
    expect(message.controlMessages).toHaveLength(1);
    const { fds } = message.controlMessages[0] as UnixFDMessage;
    expect(fds).toHaveLength(3);
    for (const fd of fds) fs.closeSync(fd);
    a.close();
    b.close();
  });

  test('two SCM_RIGHTS control messages in one sendmsg arrive as one: receiveFds gets both fds', async () => {
    const fd = tempFile('two in one');
    const [a, b] = UnixConnection.createPair();
    await rawPeer(`s.sendmsg([b'\\0'], [${rights(1)}, ${rights(1)}])`, b.socket.fd, `/proc/${process.pid}/fd/${fd}`);
    const got = await a.receiveFds();
    expect(got).toHaveLength(2);
    expect(readAll(got[1])).toBe('two in one');
    for (const g of [...got, fd]) fs.closeSync(g);
    a.close();
    b.close();
  });

  test('fds where credentials were expected: GIO’s error, and the fds are closed', async () => {
    await expectNoFdLeak(async () => {
      const [a, b] = UnixConnection.createPair();
      const pending = a.receiveCredentials().catch((error: unknown) => error); // settles while the peer runs
      await rawPeer(`s.sendmsg([b'\\0'], [${rights(5)}])`, b.socket.fd);
      // SO_PASSCRED is on while the receive waits: the kernel adds the writer's credentials.
      expect(await pending).toMatchObject({ name: 'G_IO_ERROR_FAILED', message: 'Expecting 1 control message, got 2' });
      // Sent before anyone waited, the fds come alone (GIO: "Unexpected type").
      await rawPeer(`s.sendmsg([b'\\0'], [${rights(5)}])`, b.socket.fd);
      await expect(a.receiveCredentials()).rejects.toMatchObject({ message: 'Unexpected type of ancillary data' });
      a.close();
      b.close();
    });
  });

  test('credentials and fds where fds alone were expected: GIO’s error, and the fds are closed', async () => {
    await expectNoFdLeak(async () => {
      const [a, b] = UnixConnection.createPair();
      a.socket.setOption(SOL_SOCKET, 16 /* SO_PASSCRED */, 1);
      await rawPeer(`s.sendmsg([b'\\0'], [${ownCredentials}, ${rights(4)}])`, b.socket.fd);
      await expect(a.receiveFds()).rejects.toMatchObject({ message: 'Expecting 1 control message, got 2' });
      a.close();
      b.close();
    });
  });

  test('SO_PASSPIDFD switched on outside curlio: the pidfd that comes with an fd is closed, not leaked', async () => {
    await expectNoFdLeak(async () => {
      const [a, b] = UnixConnection.createPair();
      const set = await rawPeer(
        `try:\n  s.setsockopt(socket.SOL_SOCKET, ${SO_PASSPIDFD}, 1); print('on')\nexcept OSError as e: print('unsupported')`,
        a.socket.fd,
      );
      if (set !== 'on') return; // a kernel before 6.5
      const fd = tempFile('with a pidfd');
      await b.sendFd(fd);
      const got = await a.receiveFd();
      expect(readAll(got)).toBe('with a pidfd');
      fs.closeSync(got);
      fs.closeSync(fd);
      a.close();
      b.close();
    });
  });
});

if (!python) test.skip('raw peer tests skipped: no python3', () => undefined);

describe('odd calls', () => {
  test('setOption(SO_PASSPIDFD) is refused: GIO drops SCM_PIDFD, so each received pidfd would leak', () => {
    const [a, b] = UnixConnection.createPair();
    expect(() => a.socket.setOption(SOL_SOCKET, SO_PASSPIDFD, 1)).toThrow(
      expect.objectContaining({ name: 'G_IO_ERROR_NOT_SUPPORTED', message: expect.stringMatching(/SO_PASSPIDFD/) }),
    );
    expect(() => a.socket.setOption(SOL_SOCKET, SO_PASSPIDFD, 0)).not.toThrow();
    a.close();
    b.close();
  });

  test('a zero-byte record with credentials (SEQPACKET) is GIO’s "read zero bytes" error, not end-of-stream', async () => {
    const [a, b] = UnixConnection.createPair(SocketType.SEQPACKET);
    const pending = a.receiveCredentials();
    await b.socket.send(Buffer.alloc(0));
    await expect(pending).rejects.toMatchObject({
      name: 'G_IO_ERROR_FAILED',
      message: 'Expecting to read a single byte for receiving credentials but read zero bytes',
    });
    b.close();
    await expect(a.receiveCredentials()).rejects.toMatchObject({ name: 'G_IO_ERROR_CONNECTION_CLOSED' });
    a.close();
  });

  test.each([
    ['stream', SocketType.STREAM],
    ['seqpacket', SocketType.SEQPACKET],
    ['datagram', SocketType.DATAGRAM],
  ])('empty buffers on a %s socket: every send and receive says 0 bytes (an empty Buffer has no memory; GIO asserts it has)', async (_name, type) => {
    const [a, b] = UnixConnection.createPair(type);
    const sent = [await b.socket.send(''), b.socket.sendSync(Buffer.alloc(0))];
    // Something to read: a stream never returns from a 0-byte read without it (as in C).
    for (let i = 0; i < 4; i++) b.socket.sendSync('x');
    const results = [
      ...sent,
      (await a.socket.receive(0)).length,
      a.socket.receiveSync(0).length,
      (await a.socket.receiveMessage(Buffer.alloc(0))).data.length,
      a.socket.receiveMessageSync([Buffer.alloc(0), Buffer.alloc(0)]).data.length,
    ];
    expect(results).toEqual([0, 0, 0, 0, 0, 0]);
    a.close();
    b.close();
  });

  test('receiveMessages(count) allocates for at most 1024 messages (GIO’s G_IOV_MAX), whatever count says', async () => {
    const [a, b] = UnixConnection.createPair(SocketType.DATAGRAM);
    const before = process.memoryUsage().arrayBuffers;
    const pending = a.socket.receiveMessages(100000, 4096); // would be 400 MB of buffers
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(50 * 1024 * 1024);
    await b.socket.send('one');
    expect((await pending).map((m) => m.data.toString())).toEqual(['one']);
    a.close();
    b.close();
  });

  test('an abort that races the data loses nothing: the message waits for the next receive', async () => {
    await expectNoFdLeak(async () => {
      const [a, b] = UnixConnection.createPair();
      const fd = tempFile('not lost');
      const controller = new AbortController();
      const pending = a.receiveFd({ signal: controller.signal });
      await b.sendFd(fd); // queued; the receive's poll has not run yet
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
      const got = await a.receiveFd();
      expect(readAll(got)).toBe('not lost');
      fs.closeSync(got);
      fs.closeSync(fd);
      a.close();
      b.close();
    });
  });
});
