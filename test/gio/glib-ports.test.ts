// GLib 2.74's own gio/tests, the cases that apply to curlio's GIO layer, ported one by one
// (the GLib test path names each). What GLib asserts, we assert; where GLib forks, we spawn.
//   gio/tests/socket.c:  /socket/unix-from-fd, /socket/unix-connection,
//                        /socket/unix-connection-ancillary-data, /socket/credentials/*
//   gio/tests/unix-fd.c: /unix-fd/scm (the socket half; GUnixFDList's own API is not bound)
// Covered elsewhere: /socket/nosigpipe (unix-connection.test.ts, EPIPE), /socket/get_available
// and the ipv4/ipv6 cases (socket-inet.test.ts), credentials both ways with a GLib program
// (interop.test.ts, PyGObject), receive_credentials from another writer (credentials.test.ts).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  GioError,
  InetSocketAddress,
  Socket,
  SocketFamily,
  SocketProtocol,
  SocketType,
  UnixConnection,
  UnixFDMessage,
  UnixSocketAddress,
  UnixSocketAddressType,
} from '../../lib/gio';
import { checkFdsAroundEachTest, expectNoFdLeak } from '../helpers/gio-fds';
import { fdWriterPeer } from '../helpers/gio-spawn';

checkFdsAroundEachTest();

const TEST_DATA = 'failure to say failure to say \'i love gnome-panel!\'.';

test('/socket/unix-from-fd: a UNIX stream fd becomes a Socket of that family, type and protocol', () => {
  const [a, b] = UnixConnection.createPair();
  const s = Socket.fromFd(a.socket.fd);
  expect([s.family, s.socketType, s.protocol]).toEqual([SocketFamily.UNIX, SocketType.STREAM, SocketProtocol.DEFAULT]);
  for (const x of [s, a.socket, b.socket]) x.close();
});

test('/socket/unix-connection: the connection factory makes a UnixConnection for a UNIX socket', () => {
  const s = new Socket(SocketFamily.UNIX, SocketType.STREAM);
  expect(s.connectionFactoryCreateConnection()).toBeInstanceOf(UnixConnection);
  s.close();
});

test('/socket/unix-connection-ancillary-data: the write end of a pipe, sent to a child, carries its text back', async () => {
  await expectNoFdLeak(async () => {
    // Node has no pipe(2): a FIFO opened read-write is one (both ends in one open file).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-glib-port-'));
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const pipe = fs.openSync(fifo, 'r+');
    const [parent, child] = UnixConnection.createPair();
    const peer = fdWriterPeer('receive-fd-write', child.socket.fd, {}, [TEST_DATA]);
    child.close(); // the child has its own copy
    await parent.sendFd(pipe);
    expect(await peer.next()).toMatchObject({ pid: peer.pid });
    expect(await peer.exited).toBe(0);
    const buffer = Buffer.alloc(1024, 0xff);
    const len = fs.readSync(pipe, buffer, 0, buffer.length, null);
    expect(buffer.subarray(0, len).toString()).toBe(TEST_DATA);
    fs.closeSync(pipe);
    parent.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('/socket/credentials', () => {
  test('unix_socketpair: getCredentials is supported and names this process', () => {
    const [a, b] = UnixConnection.createPair();
    expect({ ...a.socket.getCredentials() }).toEqual({ pid: process.pid, uid: process.getuid!(), gid: process.getgid!() });
    a.close();
    b.close();
  });

  // GLib accepts either outcome on TCP (credentials, or G_IO_ERROR_NOT_SUPPORTED); it must be
  // one of them, never a crash or another error.
  test.each(['client', 'server'])('tcp_%s: getCredentials on TCP is credentials or NOT_SUPPORTED', async (side) => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
    let socket: Socket;
    let other: net.Socket | null = null;
    if (side === 'client') {
      socket = new Socket(SocketFamily.IPV4, SocketType.STREAM);
      await socket.connect(new InetSocketAddress('127.0.0.1', (server.address() as net.AddressInfo).port));
      other = await accepted;
    } else {
      const listener = new Socket(SocketFamily.IPV4, SocketType.STREAM);
      listener.bind(new InetSocketAddress('127.0.0.1', 0));
      listener.listen();
      const client = net.connect((listener.localAddress as InetSocketAddress).port, '127.0.0.1');
      socket = await listener.accept();
      listener.close();
      other = client;
    }
    let outcome: string;
    try {
      socket.getCredentials();
      outcome = 'credentials';
    } catch (error) {
      outcome = error instanceof GioError ? error.name : String(error);
    }
    expect(['credentials', 'G_IO_ERROR_NOT_SUPPORTED']).toContain(outcome);
    socket.close();
    other?.destroy();
    await new Promise((r) => server.close(r));
  });
});

test('/unix-fd/scm: two fds in one message; the receiver writes through one and reads the other', async () => {
  await expectNoFdLeak(async () => {
    const [sv0, sv1] = UnixConnection.createPair(); // the fds to pass: a connected pair
    const [s0, s1] = UnixConnection.createPair();
    // A socketpair's local address is anonymous: no path.
    const local = s0.socket.localAddress as UnixSocketAddress;
    expect(local).toBeInstanceOf(UnixSocketAddress);
    expect([local.addressType, local.path, local.pathBuffer.length]).toEqual([UnixSocketAddressType.ANONYMOUS, '', 0]);

    const sent = await s0.socket.sendMessage(null, Buffer.from([0xff]), [new UnixFDMessage([sv0.socket.fd, sv1.socket.fd])]);
    expect(sent).toBe(1);
    sv0.close(); // GIO dups what it sends: closing ours changes nothing for the receiver
    sv1.close();
    const message = await s1.socket.receiveMessage(1);
    expect(message.data).toEqual(Buffer.from([0xff]));
    expect(message.controlMessages).toHaveLength(1);
    const [peek0, peek1] = (message.controlMessages[0] as UnixFDMessage).fds;
    fs.writeSync(peek1, `${TEST_DATA}\0`);
    fs.closeSync(peek1);
    const buffer = Buffer.alloc(1024, 0xff);
    expect(fs.readSync(peek0, buffer)).toBe(53);
    expect(buffer.subarray(0, 52).toString()).toBe(TEST_DATA);
    fs.closeSync(peek0);
    s0.close();
    s1.close();
  });
});
