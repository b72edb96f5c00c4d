// UnixConnection in one process: fds and credentials over a socketpair, on GIO's wire
// format, and the edges: 253 fds, too many, wrong counts, partial writes, closed peers,
// AbortSignal, close(), Node's fd holders.
import * as fs from 'node:fs';
import * as net from 'node:net';

import {
  Credentials,
  GioError,
  Socket,
  SocketType,
  UnixConnection,
  UnixCredentialsMessage,
  UnixFDMessage,
} from '../../lib/gio';
import { expectNoFdLeak, isCloseOnExec, isOpen, checkFdsAroundEachTest } from '../helpers/gio-fds';
import { readAll, useTempFiles } from '../helpers/temp-files';

// Every test: the fds open afterwards are the fds open before.
checkFdsAroundEachTest();

const { tempFile, tempPath } = useTempFiles('curlio-gio-conn-');

const SOL_SOCKET = 1;
const SO_SNDBUF = 7;

describe.each([
  ['stream', SocketType.STREAM],
  ['seqpacket', SocketType.SEQPACKET],
  ['datagram', SocketType.DATAGRAM],
])('fd passing over a %s socketpair', (_name, type) => {
  test('sendFd / receiveFd pass an open file; the copy is close-on-exec and the sender keeps its fd', async () => {
    await expectNoFdLeak(async () => {
      const [a, b] = UnixConnection.createPair(type);
      const fd = tempFile('shared file');
      const received = b.receiveFd();
      await a.sendFd(fd);
      const got = await received;
      expect(got).not.toBe(fd);
      expect(readAll(got)).toBe('shared file');
      expect(isCloseOnExec(got)).toBe(true);
      expect(isOpen(fd)).toBe(true);
      fs.closeSync(got);
      fs.closeSync(fd);
      a.close();
      b.close();
    });
  });

  test('sendFdSync (g_unix_connection_send_fd) / receiveFdSync', async () => {
    await expectNoFdLeak(() => {
      const [a, b] = UnixConnection.createPair(type);
      const fd = tempFile('sync');
      a.sendFdSync(fd);
      const got = b.receiveFdSync();
      expect(readAll(got)).toBe('sync');
      fs.closeSync(got);
      fs.closeSync(fd);
      a.close();
      b.close();
    });
  });

  test('253 fds (SCM_MAX_FD) travel in one message and all arrive close-on-exec', async () => {
    await expectNoFdLeak(async () => {
      const [a, b] = UnixConnection.createPair(type);
      const fd = tempFile('many');
      const fds = Array.from({ length: 253 }, () => fd);
      await a.sendFds(fds);
      const got = await b.receiveFds();
      expect(got).toHaveLength(253);
      expect(new Set(got).size).toBe(253);
      for (const g of got) expect(isCloseOnExec(g)).toBe(true);
      expect(readAll(got[252])).toBe('many');
      for (const g of got) fs.closeSync(g);
      a.sendFdsSync([fd, fd]);
      const two = b.receiveFdsSync();
      expect(two).toHaveLength(2);
      for (const g of two) fs.closeSync(g);
      fs.closeSync(fd);
      a.close();
      b.close();
    });
  });
});

describe('UnixConnection edges', () => {
  test('more than 253 fds is a RangeError before any syscall: nothing reaches the peer', async () => {
    const [a, b] = UnixConnection.createPair();
    await expect(a.sendFds(Array.from({ length: 254 }, () => 0))).rejects.toThrow(RangeError);
    expect(() => a.sendFdsSync(Array.from({ length: 254 }, () => 0))).toThrow(/at most 253/);
    expect(() => new UnixFDMessage(Array.from({ length: 254 }, () => 0))).toThrow(RangeError);
    expect(b.socket.getAvailableBytes()).toBe(0);
    a.close();
    b.close();
  });

  test('receiveFd on a message with two fds fails with a GioError and closes both', async () => {
    await expectNoFdLeak(async () => {
      const [a, b] = UnixConnection.createPair();
      const fd = tempFile('x');
      await a.sendFds([fd, fd]);
      await expect(b.receiveFd()).rejects.toMatchObject({
        name: 'G_IO_ERROR_FAILED',
        message: expect.stringContaining('Expecting one fd, but got 2'),
      });
      fs.closeSync(fd);
      a.close();
      b.close();
    });
  });

  test('receiveFd on plain bytes fails: GIO expects one control message', async () => {
    const [a, b] = UnixConnection.createPair();
    await a.socket.send('x');
    await expect(b.receiveFd()).rejects.toMatchObject({ message: 'Expecting 1 control message, got 0' });
    a.close();
    b.close();
  });

  test('a peer that closes before sending is G_IO_ERROR_CONNECTION_CLOSED, not a silent -1', async () => {
    const [a, b] = UnixConnection.createPair();
    const pending = b.receiveFd();
    a.close();
    await expect(pending).rejects.toMatchObject({ name: 'G_IO_ERROR_CONNECTION_CLOSED' });
    expect(() => b.receiveFdSync()).toThrow(expect.objectContaining({ name: 'G_IO_ERROR_CONNECTION_CLOSED' }));
    b.close();
  });

  test('sending to a peer that has gone is a GioError (EPIPE), not a crash or SIGPIPE', async () => {
    const [a, b] = UnixConnection.createPair();
    b.close();
    await expect(a.sendFd(0)).rejects.toMatchObject({ name: 'G_IO_ERROR_CONNECTION_CLOSED' });
    a.close();
  });

  test('a partial write sends the fds once and then only the rest of the bytes', async () => {
    await expectNoFdLeak(async () => {
      const [a, b] = UnixConnection.createPair();
      a.socket.setOption(SOL_SOCKET, SO_SNDBUF, 4096);
      const data = Buffer.alloc(1024 * 1024, 0x61);
      const fd = tempFile('once');
      const sent = a.sendFds([fd], { data });
      let bytes = 0;
      const fdMessages: number[][] = [];
      while (bytes < data.length) {
        const message = await b.socket.receiveMessage(65536);
        bytes += message.data.length;
        for (const m of message.controlMessages) if (m instanceof UnixFDMessage) fdMessages.push(m.fds);
      }
      await sent;
      expect(bytes).toBe(data.length);
      expect(fdMessages).toHaveLength(1);
      expect(fdMessages[0]).toHaveLength(1);
      fs.closeSync(fdMessages[0][0]);
      fs.closeSync(fd);
      a.close();
      b.close();
    });
  });

  test('sendMessage / receiveMessage carry UnixFDMessage and UnixCredentialsMessage', async () => {
    await expectNoFdLeak(async () => {
      const [a, b] = UnixConnection.createPair(SocketType.SEQPACKET);
      const fd = tempFile('via message');
      await a.socket.sendMessage(null, 'payload', [new UnixFDMessage([fd])]);
      const message = await b.socket.receiveMessage(100);
      expect(message.data.toString()).toBe('payload');
      const fdMessage = message.controlMessages[0] as UnixFDMessage;
      expect(fdMessage).toBeInstanceOf(UnixFDMessage);
      expect(readAll(fdMessage.fds[0])).toBe('via message');
      fs.closeSync(fdMessage.fds[0]);
      a.socket.sendMessageSync(null, 'creds', [new UnixCredentialsMessage()]);
      b.socket.setOption(SOL_SOCKET, 16 /* SO_PASSCRED */, 1);
      const withCredentials = b.socket.receiveMessageSync(100);
      const credentials = (withCredentials.controlMessages[0] as UnixCredentialsMessage).credentials;
      expect(credentials.pid).toBe(process.pid);
      fs.closeSync(fd);
      a.close();
      b.close();
    });
  });

  test('sendCredentials / receiveCredentials: the kernel vouches for pid, uid and gid', async () => {
    const [a, b] = UnixConnection.createPair();
    const received = b.receiveCredentials();
    await a.sendCredentials();
    const credentials = await received;
    expect(credentials).toBeInstanceOf(Credentials);
    expect(credentials).toMatchObject({ pid: process.pid, uid: process.getuid!(), gid: process.getgid!() });
    a.sendCredentialsSync();
    expect(b.receiveCredentialsSync().pid).toBe(process.pid);
    // A peer that only writes a byte is identified too (SO_PASSCRED during the receive).
    await a.socket.send('\0');
    expect((await b.receiveCredentials()).pid).toBe(process.pid);
    a.close();
    b.close();
  });

  test('sendFd takes a listening net.Server, a net.Socket and a FileHandle', async () => {
    await expectNoFdLeak(async () => {
      const [a, b] = UnixConnection.createPair();
      const server = net.createServer((c) => c.end('served through a passed fd'));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as net.AddressInfo;
      await a.sendFd(server);
      const serverFd = await b.receiveFd();
      // The received fd is the same listening socket (same port, not a new one): a second
      // server serves on it once the first has stopped accepting.
      const heir = net.createServer((c) => c.end('heir'));
      await new Promise<void>((r) => heir.listen({ fd: serverFd }, r));
      await new Promise((r) => server.close(r));
      expect((heir.address() as net.AddressInfo).port).toBe(port);
      const reply = await new Promise<string>((resolve, reject) => {
        const c = net.connect(port, '127.0.0.1');
        let text = '';
        c.on('data', (d) => (text += d));
        c.on('end', () => resolve(text));
        c.on('error', reject);
      });
      expect(reply).toBe('heir');
      await new Promise((r) => heir.close(r));

      const [left, right] = await socketPairViaNet();
      await a.sendFd(left);
      const socketFd = await b.receiveFd();
      const adopted = new net.Socket({ fd: socketFd, readable: true, writable: true });
      const text = new Promise<string>((resolve) => right.once('data', (d) => resolve(d.toString())));
      adopted.write('written through the passed fd');
      expect(await text).toBe('written through the passed fd');
      adopted.destroy();
      left.destroy();
      right.destroy();

      const handle = await fs.promises.open(tempPath('handle.txt'), 'w+');
      await handle.write('file handle');
      await a.sendFd(handle);
      const fileFd = await b.receiveFd();
      expect(readAll(fileFd)).toBe('file handle');
      fs.closeSync(fileFd);
      await handle.close();
      a.close();
      b.close();
    });
  });

  test('wrong argument types are TypeErrors that name the argument', async () => {
    const [a, b] = UnixConnection.createPair();
    await expect(a.sendFd('3' as unknown as number)).rejects.toThrow(/for fd/);
    await expect(a.sendFd(-1)).rejects.toThrow(TypeError);
    await expect(a.sendFd(net.createServer())).rejects.toThrow(/is it listening/);
    await expect(a.sendFds('x' as unknown as number[])).rejects.toThrow(/array of fds/);
    expect(() => new Socket(99 as never, SocketType.STREAM)).toThrow(/SocketFamily for family/);
    await expect(a.socket.send(42 as unknown as string)).rejects.toThrow(/Buffer, Uint8Array or string for data/);
    await expect(b.socket.receive(-1)).rejects.toThrow(/non-negative integer for size/);
    await expect(b.receiveFd({ signal: 'no' as unknown as AbortSignal })).rejects.toThrow(/AbortSignal/);
    a.close();
    b.close();
  });
});

describe('cancellation and close', () => {
  test('an AbortSignal rejects a pending receiveFd with an AbortError; the socket stays usable', async () => {
    await expectNoFdLeak(async () => {
      const [a, b] = UnixConnection.createPair();
      const controller = new AbortController();
      const pending = b.receiveFd({ signal: controller.signal });
      controller.abort();
      const error = await pending.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DOMException);
      expect((error as DOMException).name).toBe('AbortError');
      const fd = tempFile('after abort');
      await a.sendFd(fd);
      const got = await b.receiveFd();
      expect(readAll(got)).toBe('after abort');
      fs.closeSync(got);
      fs.closeSync(fd);
      await expect(b.receiveFd({ signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
      a.close();
      b.close();
    });
  });

  test('close() rejects pending operations with G_IO_ERROR_CLOSED; close() twice is a no-op', async () => {
    const [a, b] = UnixConnection.createPair();
    const pending = [b.receiveFd(), b.socket.receive(10), b.receiveCredentials()];
    b.close();
    for (const p of pending) await expect(p).rejects.toMatchObject({ name: 'G_IO_ERROR_CLOSED', code: 18 });
    expect(() => b.close()).not.toThrow();
    expect(b.isClosed()).toBe(true);
    a.close();
  });

  test('every call after close() is G_IO_ERROR_CLOSED (GIO’s behaviour), never a crash', async () => {
    const [a, b] = UnixConnection.createPair();
    a.close();
    const closed = expect.objectContaining({ name: 'G_IO_ERROR_CLOSED' });
    expect(() => a.socket.receiveSync(1)).toThrow(closed);
    expect(() => a.sendFdSync(0)).toThrow(closed);
    expect(() => a.receiveCredentialsSync()).toThrow(closed);
    expect(() => a.socket.getCredentials()).toThrow(closed);
    expect(() => a.socket.getOption(1, 7)).toThrow(closed);
    expect(() => a.socket.localAddress).toThrow(closed);
    expect(() => a.socket.listen()).toThrow(closed);
    expect(() => a.socket.getAvailableBytes()).toThrow(closed);
    await expect(a.socket.send('x')).rejects.toBeInstanceOf(GioError);
    await expect(a.receiveFd()).rejects.toMatchObject({ name: 'G_IO_ERROR_CLOSED' });
    await expect(a.socket.accept()).rejects.toMatchObject({ name: 'G_IO_ERROR_CLOSED' });
    expect(a.socket.fd).toBe(-1);
    expect(a.socket.family).toBe(1); // stored properties stay readable, as in GIO
    b.close();
  });
});

function socketPairViaNet(): Promise<[net.Socket, net.Socket]> {
  return new Promise((resolve) => {
    const server = net.createServer((accepted) => {
      server.close();
      resolve([client, accepted]);
    });
    let client: net.Socket;
    server.listen(0, '127.0.0.1', () => {
      client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    });
  });
}
