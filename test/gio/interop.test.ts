// fd and credential passing with separately spawned processes that connect by path: another
// curlio process, Python's stdlib (plain SCM_RIGHTS / SCM_CREDENTIALS) and PyGObject's
// Gio.UnixConnection (a real GLib program), in both directions.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  Socket,
  SocketFamily,
  SocketType,
  UnixConnection,
  UnixCredentialsMessage,
  UnixFDMessage,
  UnixSocketAddress,
} from '../../lib/gio';
import { expectNoFdLeak, isCloseOnExec, checkFdsAroundEachTest } from '../helpers/gio-fds';
import { nodePeer, nodePeerWithFdLimit, type Peer, pythonEnv, pythonPeer } from '../helpers/gio-spawn';

// Every test: the fds open afterwards are the fds open before.
checkFdsAroundEachTest();

let dir: string;
let n = 0;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-gio-interop-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Listens on a fresh path; `accept()` gives the UnixConnection of the next peer. */
function listener(): { path: string; accept: () => Promise<UnixConnection>; close: () => void } {
  const socketPath = path.join(dir, `p${++n}.sock`);
  const server = new Socket(SocketFamily.UNIX, SocketType.STREAM);
  server.bind(new UnixSocketAddress(socketPath));
  server.listen();
  return {
    path: socketPath,
    accept: async () => (await server.accept()).connectionFactoryCreateConnection() as UnixConnection,
    close: () => server.close(),
  };
}

function tempFile(text: string): string {
  const file = path.join(dir, `f${++n}`);
  fs.writeFileSync(file, text);
  return file;
}

async function finished(peer: Peer): Promise<void> {
  expect(await peer.exited).toBe(0);
}

function findPython(candidates: string[], probe: string): string | null {
  for (const python of candidates) {
    try {
      execFileSync(python, ['-c', probe], { stdio: 'ignore', env: pythonEnv() });
      return python;
    } catch {
      // not this one
    }
  }
  return null;
}

const python = findPython(['python3', '/usr/bin/python3'], 'import socket; socket.send_fds');
const pygobject = findPython(
  ['/usr/bin/python3', 'python3'],
  "import gi; gi.require_version('Gio', '2.0'); from gi.repository import Gio; Gio.UnixConnection",
);

describe('with another curlio process (spawned, connecting by path)', () => {
  test('sendFd to the peer: it writes through the fd it received into our file', async () => {
    await expectNoFdLeak(async () => {
      const l = listener();
      const peer = nodePeer('gio-peer.js', ['receive-fd', l.path]);
      const connection = await l.accept();
      const file = tempFile('................................');
      const fd = fs.openSync(file, 'r+');
      await connection.sendFd(fd);
      expect(await peer.next()).toMatchObject({ ok: true, pid: peer.pid });
      await finished(peer);
      expect(fs.readFileSync(file, 'utf8')).toMatch(new RegExp(`^written by ${peer.pid}`));
      fs.closeSync(fd);
      connection.close();
      l.close();
    });
  });

  test('receiveFd from the peer: the fd it opened reads here', async () => {
    await expectNoFdLeak(async () => {
      const l = listener();
      const file = tempFile('opened by the peer');
      const peer = nodePeer('gio-peer.js', ['send-fd', l.path, file]);
      const connection = await l.accept();
      const fd = await connection.receiveFd();
      expect(isCloseOnExec(fd)).toBe(true);
      expect(fs.readFileSync(fd, 'utf8')).toBe('opened by the peer');
      fs.closeSync(fd);
      connection.close();
      await finished(peer);
      l.close();
    });
  });

  test('credentials both ways carry the real pid of each process', async () => {
    const l = listener();
    const sender = nodePeer('gio-peer.js', ['send-credentials', l.path]);
    const fromPeer = await l.accept();
    const credentials = await fromPeer.receiveCredentials();
    expect(credentials).toMatchObject({ pid: sender.pid, uid: process.getuid!(), gid: process.getgid!() });
    expect(fromPeer.socket.getCredentials().pid).toBe(sender.pid);
    fromPeer.close();
    await finished(sender);

    const receiver = nodePeer('gio-peer.js', ['receive-credentials', l.path]);
    const toPeer = await l.accept();
    await toPeer.sendCredentials();
    expect(await receiver.next()).toEqual({ pid: process.pid, uid: process.getuid!(), gid: process.getgid!() });
    toPeer.close();
    await finished(receiver);
    l.close();
  });

  test('MSG_CTRUNC: a receiver at its fd limit gets a clear error and keeps no partial fds', async () => {
    const l = listener();
    const peer = nodePeerWithFdLimit(80, 'gio-peer.js', ['receive-fds-at-limit', l.path]);
    const connection = await l.accept();
    const fd = fs.openSync(tempFile('x'), 'r');
    await connection.sendFds(Array.from({ length: 253 }, () => fd));
    const report = await peer.next<{ error?: string; message?: string; before: number; after: number }>();
    expect(report.error).toBe('G_IO_ERROR_MESSAGE_TOO_LARGE');
    expect(report.message).toMatch(/MSG_CTRUNC/);
    expect(report.after).toBeLessThanOrEqual(report.before); // what did arrive was closed
    fs.closeSync(fd);
    connection.close();
    await finished(peer);
    l.close();
  });

  test('MSG_CTRUNC on receiveMessage, receiveMessageSync, receiveMessages and receiveCredentials: an error, no partial fds', async () => {
    const l = listener();
    const peer = nodePeerWithFdLimit(80, 'gio-peer.js', ['receive-messages-at-limit', l.path]);
    const connection = await l.accept();
    const fd = fs.openSync(tempFile('x'), 'r');
    const fds = new UnixFDMessage(Array.from({ length: 253 }, () => fd));
    const calls = ['receiveMessage', 'receiveMessageSync', 'receiveMessages', 'receiveCredentials'];
    const reports: { call: string; error?: string; received?: unknown; message?: string; before: number; after: number }[] = [];
    for (const call of calls) {
      // The credentials receive gets SCM_CREDENTIALS too: without the MSG_CTRUNC check the
      // fds that did fit would make it "Expecting 1 control message, got 2", or none
      // would make it succeed with the rest silently dropped.
      const control = call === 'receiveCredentials' ? [new UnixCredentialsMessage(), fds] : [fds];
      await connection.socket.sendMessage(null, '\0', control);
      reports.push(await peer.next());
    }
    // What did arrive was closed: no more fds open after the call than before it.
    const summary = reports.map((r) => [r.call, r.error ?? r.received, /MSG_CTRUNC/.test(r.message ?? ''), r.after <= r.before]);
    expect(summary).toEqual(calls.map((call) => [call, 'G_IO_ERROR_MESSAGE_TOO_LARGE', true, true]));
    fs.closeSync(fd);
    connection.close();
    await finished(peer);
    l.close();
  });
});

const describePython = python ? describe : describe.skip;
describePython('with Python’s stdlib (plain SCM_RIGHTS / SCM_CREDENTIALS)', () => {
  test('socket.recv_fds receives our sendFds: one NUL byte and every fd', async () => {
    const l = listener();
    const peer = pythonPeer(python!, 'gio-python-peer.py', ['recv-fds', l.path]);
    const connection = await l.accept();
    const file = tempFile('...........................');
    const fd = fs.openSync(file, 'r+');
    await connection.sendFds([fd, fd, fd]);
    expect(await peer.next()).toEqual({ data: '00', count: 3, ctrunc: false });
    await finished(peer);
    expect(fs.readFileSync(file, 'utf8')).toMatch(new RegExp(`^python ${peer.pid}`));
    fs.closeSync(fd);
    connection.close();
    l.close();
  });

  test('a Python receiver with room for 2 fds sees MSG_CTRUNC for our 10 (the kernel closes the rest)', async () => {
    const l = listener();
    const peer = pythonPeer(python!, 'gio-python-peer.py', ['recv-truncated', l.path]);
    const connection = await l.accept();
    const fd = fs.openSync(tempFile('t'), 'r');
    await connection.sendFds(Array.from({ length: 10 }, () => fd));
    expect(await peer.next()).toEqual({ ctrunc: true, count: 2, data: '00' });
    fs.closeSync(fd);
    connection.close();
    await finished(peer);
    l.close();
  });

  test('socket.send_fds to our receiveFds: 253 fds in one message arrive', async () => {
    await expectNoFdLeak(async () => {
      const l = listener();
      const peer = pythonPeer(python!, 'gio-python-peer.py', ['send-fds', l.path, tempFile('from python'), '253']);
      const connection = await l.accept();
      const fds = await connection.receiveFds();
      expect(fds).toHaveLength(253);
      expect(fs.readFileSync(fds[0], 'utf8')).toBe('from python');
      for (const fd of fds) fs.closeSync(fd);
      connection.close();
      await finished(peer);
      l.close();
    });
  });

  test('a single fd from socket.send_fds is what receiveFd expects', async () => {
    const l = listener();
    const peer = pythonPeer(python!, 'gio-python-peer.py', ['send-fds', l.path, tempFile('one'), '1']);
    const connection = await l.accept();
    const fd = await connection.receiveFd();
    expect(fs.readFileSync(fd, 'utf8')).toBe('one');
    fs.closeSync(fd);
    connection.close();
    await finished(peer);
    l.close();
  });

  test('SCM_CREDENTIALS from Python arrive as Credentials; ours parse in Python; SO_PEERCRED agrees', async () => {
    const l = listener();
    const sender = pythonPeer(python!, 'gio-python-peer.py', ['send-creds', l.path]);
    const fromPython = await l.accept();
    expect((await fromPython.receiveCredentials()).pid).toBe(sender.pid);
    fromPython.close();
    expect((await sender.next()).pid).toBe(sender.pid);

    const receiver = pythonPeer(python!, 'gio-python-peer.py', ['recv-creds', l.path]);
    const toPython = await l.accept();
    await toPython.sendCredentials();
    expect(await receiver.next()).toEqual({ pid: process.pid, uid: process.getuid!(), gid: process.getgid!(), data: '00' });
    toPython.close();

    const peercred = pythonPeer(python!, 'gio-python-peer.py', ['peercred', l.path]);
    const both = await l.accept();
    expect(both.socket.getCredentials().pid).toBe(peercred.pid);
    expect(await peercred.next()).toMatchObject({ pid: process.pid });
    both.close();
    for (const p of [sender, receiver, peercred]) await finished(p);
    l.close();
  });
});

if (!python) test.skip('Python stdlib interop skipped: no python3 with socket.send_fds (3.9+)', () => undefined);

const describeGio = pygobject ? describe : describe.skip;
describeGio('with a GLib program (PyGObject’s Gio.UnixConnection)', () => {
  test('Gio.UnixConnection.receive_fd takes our sendFd', async () => {
    const l = listener();
    const peer = pythonPeer(pygobject!, 'gio-pygobject-peer.py', ['receive-fd', l.path]);
    const connection = await l.accept();
    const file = tempFile('..............');
    const fd = fs.openSync(file, 'r+');
    await connection.sendFd(fd);
    expect(await peer.next()).toEqual({ ok: true });
    await finished(peer);
    expect(fs.readFileSync(file, 'utf8')).toMatch(new RegExp(`^gio ${peer.pid}`));
    fs.closeSync(fd);
    connection.close();
    l.close();
  });

  test('our receiveFd takes Gio.UnixConnection.send_fd', async () => {
    const l = listener();
    const peer = pythonPeer(pygobject!, 'gio-pygobject-peer.py', ['send-fd', l.path, tempFile('from GLib')]);
    const connection = await l.accept();
    const fd = await connection.receiveFd();
    expect(fs.readFileSync(fd, 'utf8')).toBe('from GLib');
    fs.closeSync(fd);
    connection.close();
    await finished(peer);
    l.close();
  });

  test('credentials both ways with Gio.UnixConnection', async () => {
    const l = listener();
    const sender = pythonPeer(pygobject!, 'gio-pygobject-peer.py', ['send-credentials', l.path]);
    const fromGio = await l.accept();
    expect((await fromGio.receiveCredentials()).pid).toBe(sender.pid);
    fromGio.close();
    await finished(sender);

    const receiver = pythonPeer(pygobject!, 'gio-pygobject-peer.py', ['receive-credentials', l.path]);
    const toGio = await l.accept();
    await toGio.sendCredentials();
    expect(await receiver.next()).toEqual({ pid: process.pid, uid: process.getuid!() });
    toGio.close();
    await finished(receiver);
    l.close();
  });
});

if (!pygobject) {
  test.skip('PyGObject interop skipped: install python3-gi (Debian) for Gio.UnixConnection', () => undefined);
}
