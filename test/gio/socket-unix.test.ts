// Socket on UNIX stream, datagram and seqpacket sockets: GIO's GSocket calls, async and Sync.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  Credentials,
  GioError,
  IOCondition,
  IOErrorEnum,
  Socket,
  SocketFamily,
  SocketProtocol,
  SocketType,
  UnixConnection,
  UnixSocketAddress,
  UnixSocketAddressType,
} from '../../lib/gio';
import { expectNoFdLeak, checkFdsAroundEachTest } from '../helpers/gio-fds';

// Every test: the fds open afterwards are the fds open before.
checkFdsAroundEachTest();

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-gio-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
const tick = () => new Promise((r) => setTimeout(r, 1));
const socketPath = () => path.join(dir, `s${++n}.sock`);

async function streamPair(): Promise<{ server: Socket; client: Socket; accepted: Socket; address: UnixSocketAddress }> {
  const address = new UnixSocketAddress(socketPath());
  const server = new Socket(SocketFamily.UNIX, SocketType.STREAM, SocketProtocol.DEFAULT);
  server.bind(address, false);
  server.listen();
  const client = new Socket(SocketFamily.UNIX, SocketType.STREAM);
  const [accepted] = await Promise.all([server.accept(), client.connect(address)]);
  return { server, client, accepted, address };
}

describe('UNIX stream sockets', () => {
  test('bind, listen, accept and connect give a connected pair with both addresses', async () => {
    await expectNoFdLeak(async () => {
      const { server, client, accepted, address } = await streamPair();
      expect(client.isConnected()).toBe(true);
      expect(accepted.isConnected()).toBe(true);
      expect((server.localAddress as UnixSocketAddress).path).toBe(address.path);
      expect((client.remoteAddress as UnixSocketAddress).path).toBe(address.path);
      expect(client.family).toBe(SocketFamily.UNIX);
      expect(client.socketType).toBe(SocketType.STREAM);
      expect(client.protocol).toBe(SocketProtocol.DEFAULT);
      expect(client.fd).toBeGreaterThan(2);
      for (const s of [server, client, accepted]) s.close();
    });
  });

  test('send and receive move bytes both ways; an empty receive means the peer closed', async () => {
    await expectNoFdLeak(async () => {
      const { server, client, accepted } = await streamPair();
      const received = accepted.receive(100);
      expect(await client.send('hello')).toBe(5);
      expect((await received).toString()).toBe('hello');
      expect(accepted.sendSync(Buffer.from('back'))).toBe(4);
      expect(client.receiveSync(100).toString()).toBe('back');
      client.close();
      expect((await accepted.receive(100)).length).toBe(0);
      server.close();
      accepted.close();
    });
  });

  test('a receive started before data arrives waits without blocking the event loop', async () => {
    const { server, client, accepted } = await streamPair();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const pending = accepted.receive(10);
      await new Promise((r) => setTimeout(r, 60));
      // Timers ran meanwhile (how many depends on the machine's load; a blocked loop runs none).
      expect(ticks).toBeGreaterThan(0);
      await client.send('late');
      expect((await pending).toString()).toBe('late');
    } finally {
      clearInterval(timer);
      for (const s of [server, client, accepted]) s.close();
    }
  });

  test('a Buffer lent to a pending operation cannot be transferred away (it is copied, not detached)', async () => {
    const { server, client, accepted } = await streamPair();
    // Large enough not to come from Node's pool (whose memory is untransferable already).
    const target = Buffer.alloc(64 * 1024);
    const pending = accepted.receiveMessage(target);
    await tick();
    structuredClone(target.buffer, { transfer: [target.buffer] });
    expect(target.buffer.byteLength).toBe(64 * 1024); // still ours: the receive fills it
    await client.send('into the lent buffer');
    const message = await pending;
    expect(message.data.toString()).toBe('into the lent buffer');
    expect(target.subarray(0, 20).toString()).toBe('into the lent buffer');
    // Sends too: the bytes stay readable while the send may still be waiting.
    const outgoing = Buffer.from('x'.repeat(64 * 1024));
    const sent = client.send(outgoing);
    structuredClone(outgoing.buffer, { transfer: [outgoing.buffer] });
    expect(outgoing.buffer.byteLength).toBeGreaterThan(0);
    expect(await sent).toBeGreaterThan(0);
    for (const s of [server, client, accepted]) s.close();
  });

  test('concurrent receives complete in the order they were started', async () => {
    const { server, client, accepted } = await streamPair();
    const first = accepted.receive(3);
    const second = accepted.receive(3);
    await client.send('abcdef');
    expect((await first).toString()).toBe('abc');
    expect((await second).toString()).toBe('def');
    for (const s of [server, client, accepted]) s.close();
  });

  test('sends that fill the socket buffer wait for the reader and arrive in order', async () => {
    const { server, client, accepted } = await streamPair();
    const size = 256 * 1024;
    const sends: Promise<number>[] = [];
    for (let i = 0; i < 8; i++) sends.push(client.send(Buffer.alloc(size, i)));
    let expected = -1;
    const allSent = Promise.all(sends).then((counts) => (expected = counts.reduce((a, b) => a + b, 0)));
    let total = 0;
    const runs: number[] = [];
    // Each send may be partial (GIO's semantics): whatever was taken arrives, in send order.
    while (expected < 0 || total < expected) {
      const data = await accepted.receive(65536);
      for (const byte of data) if (runs[runs.length - 1] !== byte) runs.push(byte);
      total += data.length;
      if (expected < 0 && total > 0 && accepted.getAvailableBytes() === 0) await Promise.race([allSent, tick()]);
    }
    await allSent;
    expect(runs).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(total).toBe(expected);
    for (const s of [server, client, accepted]) s.close();
  });

  test('a readiness report that another reader consumed (G_IO_ERROR_WOULD_BLOCK) keeps the operation waiting', async () => {
    const [a, b] = UnixConnection.createPair(SocketType.SEQPACKET);
    const twin = Socket.fromFd(b.socket.fd); // two sockets, two polls, one open file
    const settled: string[] = [];
    const first = b.socket.receive(100).then((d) => (settled.push(`b ${d}`), d));
    const second = twin.receive(100).then((d) => (settled.push(`twin ${d}`), d));
    await a.socket.send('one');
    await Promise.race([first, second]);
    // Both polls saw the socket readable; the loser's recv said WOULD_BLOCK. It must keep
    // waiting: not settle with 0 bytes (end of stream) or with the error.
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).toHaveLength(1);
    expect(settled[0]).toMatch(/^(b|twin) one$/);
    await a.socket.send('two');
    await Promise.all([first, second]);
    expect(settled).toHaveLength(2);
    expect(settled[1]).toBe(`${settled[0].startsWith('b') ? 'twin' : 'b'} two`);
    twin.close();
    a.close();
    b.close();
  });

  test('one socket waits for reading and writing at once (one uv_poll multiplexes both)', async () => {
    const [a, b] = UnixConnection.createPair();
    a.socket.setOption(1, 7, 4096); // SO_SNDBUF: fill it quickly
    const reading = a.socket.receive(100);
    const writes: Promise<number>[] = [];
    a.socket.blocking = false;
    for (;;) {
      try {
        a.socket.sendSync(Buffer.alloc(4096));
      } catch (error) {
        expect(error).toMatchObject({ name: 'G_IO_ERROR_WOULD_BLOCK' });
        break;
      }
    }
    writes.push(a.socket.send(Buffer.alloc(4096, 1))); // must wait for the reader
    await new Promise((r) => setTimeout(r, 20));
    let drained = 0;
    const readAll = (async () => {
      for (;;) {
        const chunk = await b.socket.receive(65536);
        if (chunk.length === 0) return;
        drained += chunk.length;
      }
    })();
    expect(await writes[0]).toBeGreaterThan(0);
    await b.socket.send('reply');
    expect((await reading).toString()).toBe('reply');
    a.close();
    await readAll.catch(() => undefined);
    b.close();
  });

  test('getCredentials reports the peer process (SO_PEERCRED)', async () => {
    const { server, client, accepted } = await streamPair();
    const credentials = accepted.getCredentials();
    expect(credentials).toBeInstanceOf(Credentials);
    expect(credentials.pid).toBe(process.pid);
    expect(credentials.uid).toBe(process.getuid!());
    expect(credentials.gid).toBe(process.getgid!());
    expect(credentials.isSameUser(Credentials.current())).toBe(true);
    for (const s of [server, client, accepted]) s.close();
  });

  test('conditionCheck, conditionWait and getAvailableBytes follow the data', async () => {
    const { server, client, accepted } = await streamPair();
    expect(accepted.conditionCheck(IOCondition.IN)).toBe(0);
    expect(accepted.conditionCheck(IOCondition.OUT)).toBe(IOCondition.OUT);
    const wait = accepted.conditionWait(IOCondition.IN);
    client.sendSync('12345');
    expect((await wait) & IOCondition.IN).toBe(IOCondition.IN);
    expect(accepted.getAvailableBytes()).toBe(5);
    accepted.conditionWaitSync(IOCondition.IN);
    accepted.conditionTimedWaitSync(IOCondition.IN, 1000);
    expect(accepted.receiveSync(5).toString()).toBe('12345');
    await expect(accepted.conditionTimedWait(IOCondition.IN, 20_000)).rejects.toMatchObject({
      name: 'G_IO_ERROR_TIMED_OUT',
      code: IOErrorEnum.TIMED_OUT,
    });
    expect(() => accepted.conditionTimedWaitSync(IOCondition.IN, 10_000)).toThrow(
      expect.objectContaining({ name: 'G_IO_ERROR_TIMED_OUT' }),
    );
    for (const s of [server, client, accepted]) s.close();
  });

  test('a non-blocking socket makes the Sync calls throw G_IO_ERROR_WOULD_BLOCK, as in GIO', async () => {
    const { server, client, accepted } = await streamPair();
    expect(accepted.blocking).toBe(true);
    accepted.blocking = false;
    expect(accepted.blocking).toBe(false);
    let error: unknown;
    try {
      accepted.receiveSync(10);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GioError);
    expect(error).toMatchObject({ name: 'G_IO_ERROR_WOULD_BLOCK', domain: 'g-io-error-quark', code: 27 });
    expect(GioError.matches(error, IOErrorEnum.WOULD_BLOCK)).toBe(true);
    // Asynchronous calls never block, whatever the flag says.
    const pending = accepted.receive(10);
    client.sendSync('x');
    expect((await pending).toString()).toBe('x');
    for (const s of [server, client, accepted]) s.close();
  });

  test('the socket timeout applies to Sync calls and to promises', async () => {
    const { server, client, accepted } = await streamPair();
    accepted.timeout = 1;
    expect(accepted.timeout).toBe(1);
    const started = Date.now();
    expect(() => accepted.receiveSync(1)).toThrow(expect.objectContaining({ name: 'G_IO_ERROR_TIMED_OUT' }));
    await expect(accepted.receive(1)).rejects.toMatchObject({ name: 'G_IO_ERROR_TIMED_OUT' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    for (const s of [server, client, accepted]) s.close();
  });

  test('getOption and setOption reach the kernel; the accessors read back what was set', async () => {
    const SOL_SOCKET = 1;
    const SO_SNDBUF = 7;
    const SO_PASSCRED = 16;
    const { server, client, accepted } = await streamPair();
    client.setOption(SOL_SOCKET, SO_SNDBUF, 65536);
    expect(client.getOption(SOL_SOCKET, SO_SNDBUF)).toBe(131072); // Linux doubles it
    expect(client.getOption(SOL_SOCKET, SO_PASSCRED)).toBe(0);
    client.keepalive = true;
    expect(client.keepalive).toBe(true);
    client.broadcast = true;
    expect(client.broadcast).toBe(true);
    expect(() => (server.listenBacklog = 64)).toThrow(expect.objectContaining({ name: 'G_IO_ERROR_INVALID_ARGUMENT' }));
    const fresh = new Socket(SocketFamily.UNIX, SocketType.STREAM);
    expect(fresh.listenBacklog).toBe(10); // GIO's default
    fresh.listenBacklog = 64;
    expect(fresh.listenBacklog).toBe(64);
    fresh.close();
    expect(client.speaksIpv4()).toBe(false);
    expect(() => client.ttl).toThrow(expect.objectContaining({ name: 'G_IO_ERROR_NOT_SUPPORTED' }));
    for (const s of [server, client, accepted]) s.close();
  });

  test('shutdown(false, true) ends the peer’s stream while this side can still read', async () => {
    const { server, client, accepted } = await streamPair();
    client.shutdown(false, true);
    expect((await accepted.receive(10)).length).toBe(0);
    await accepted.send('still');
    expect((await client.receive(10)).toString()).toBe('still');
    for (const s of [server, client, accepted]) s.close();
  });

  test('connecting to a path nobody listens on rejects with a GioError', async () => {
    const client = new Socket(SocketFamily.UNIX, SocketType.STREAM);
    await expect(client.connect(new UnixSocketAddress(socketPath()))).rejects.toMatchObject({
      name: 'G_IO_ERROR_NOT_FOUND',
    });
    client.close();
  });

  test('abstract addresses (Linux) bind, connect and read back as abstract', async () => {
    const address = UnixSocketAddress.abstract(`curlio-test-${process.pid}-${++n}`);
    const server = new Socket(SocketFamily.UNIX, SocketType.STREAM);
    server.bind(address);
    server.listen();
    const client = new Socket(SocketFamily.UNIX, SocketType.STREAM);
    const [accepted] = await Promise.all([server.accept(), client.connect(address)]);
    const local = server.localAddress as UnixSocketAddress;
    expect(local.addressType).toBe(UnixSocketAddressType.ABSTRACT);
    expect(local.path).toBe(address.path);
    expect(String(local)).toBe(`@${address.path}`);
    for (const s of [server, client, accepted]) s.close();
  });

  test('the Sync forms of accept and connect work on blocking sockets', () => {
    const address = new UnixSocketAddress(socketPath());
    const server = new Socket(SocketFamily.UNIX, SocketType.STREAM);
    server.bind(address);
    server.listen();
    const client = new Socket(SocketFamily.UNIX, SocketType.STREAM);
    client.connectSync(address); // UNIX connects complete at once when the backlog has room
    const accepted = server.acceptSync();
    expect(accepted.isConnected()).toBe(true);
    client.checkConnectResult();
    for (const s of [server, client, accepted]) s.close();
  });

  test('Socket.fromFd wraps a duplicate: the original fd stays open after close()', async () => {
    await expectNoFdLeak(async () => {
      const [a, b] = UnixConnection.createPair();
      const copy = Socket.fromFd(a.socket.fd);
      expect(copy.fd).not.toBe(a.socket.fd);
      expect(copy.family).toBe(SocketFamily.UNIX);
      await copy.send('via copy');
      copy.close();
      expect((await b.socket.receive(20)).toString()).toBe('via copy');
      await a.socket.send('original still open');
      expect((await b.socket.receive(40)).toString()).toBe('original still open');
      a.close();
      b.close();
    });
  });
});

describe('UNIX addresses and construction errors', () => {
  test('Socket.fromFd on a file that is not a socket is a GioError, and nothing leaks', () => {
    const fd = fs.openSync(__filename, 'r');
    expect(() => Socket.fromFd(fd)).toThrow(GioError);
    fs.closeSync(fd);
  });

  test('a UNIX path longer than sun_path is a RangeError; a full backlog is reported, not spun on', async () => {
    expect(() => new UnixSocketAddress('x'.repeat(108))).toThrow(RangeError);
    const address = new UnixSocketAddress(socketPath());
    const server = new Socket(SocketFamily.UNIX, SocketType.STREAM);
    server.listenBacklog = 0;
    server.bind(address);
    server.listen();
    const clients: Socket[] = [];
    let refused: unknown = null;
    for (let i = 0; i < 20 && refused === null; i++) {
      const client = new Socket(SocketFamily.UNIX, SocketType.STREAM);
      clients.push(client);
      await client.connect(address).catch((error: unknown) => (refused = error));
    }
    expect(refused).toMatchObject({ name: 'G_IO_ERROR_WOULD_BLOCK', message: expect.stringContaining('backlog') });
    for (const s of [server, ...clients]) s.close();
  });
});

describe('UNIX datagram and seqpacket sockets', () => {
  test('datagrams keep their boundaries and carry the sender address (sendTo / receiveFrom)', async () => {
    const serverAddress = new UnixSocketAddress(socketPath());
    const clientAddress = new UnixSocketAddress(socketPath());
    const server = new Socket(SocketFamily.UNIX, SocketType.DATAGRAM);
    server.bind(serverAddress);
    const client = new Socket(SocketFamily.UNIX, SocketType.DATAGRAM);
    client.bind(clientAddress);
    await client.sendTo(serverAddress, 'one');
    client.sendToSync(serverAddress, 'two');
    expect(server.getAvailableBytes()).toBe(3);
    const first = await server.receiveFrom(100);
    expect(first.data.toString()).toBe('one');
    expect((first.address as UnixSocketAddress).path).toBe(clientAddress.path);
    const second = server.receiveFromSync(100);
    expect(second.data.toString()).toBe('two');
    server.close();
    client.close();
  });

  test('sendMessages and receiveMessages move several datagrams per call (sendmmsg/recvmmsg)', async () => {
    const [a, b] = UnixConnection.createPair(SocketType.DATAGRAM);
    const sent = await a.socket.sendMessages([{ vectors: 'm1' }, { vectors: ['m', '2'] }, { vectors: Buffer.from('m3') }]);
    expect(sent).toBe(3);
    const messages = await b.socket.receiveMessages(8, 16);
    expect(messages.map((m) => m.data.toString())).toEqual(['m1', 'm2', 'm3']);
    expect(a.socket.sendMessagesSync([{ vectors: 'm4' }])).toBe(1);
    // Blocking recvmmsg waits for all `count` messages (GIO's documented behaviour): ask for one.
    expect(b.socket.receiveMessagesSync(1, 16).map((m) => m.data.toString())).toEqual(['m4']);
    a.close();
    b.close();
  });

  test('seqpacket keeps message boundaries on a connection', async () => {
    const [a, b] = UnixConnection.createPair(SocketType.SEQPACKET);
    expect(a.socket.socketType).toBe(SocketType.SEQPACKET);
    await a.socket.send('packet-1');
    await a.socket.send('packet-2');
    expect((await b.socket.receive(100)).toString()).toBe('packet-1');
    expect((await b.socket.receive(100)).toString()).toBe('packet-2');
    a.close();
    expect((await b.socket.receive(100)).length).toBe(0);
    b.close();
  });

  test('receiveMessage scatters into several buffers and reports MSG_TRUNC for a short buffer', async () => {
    const [a, b] = UnixConnection.createPair(SocketType.DATAGRAM);
    await a.socket.sendMessage(null, ['abc', 'def']);
    const parts = [Buffer.alloc(2), Buffer.alloc(10)];
    const message = await b.socket.receiveMessage(parts);
    expect(message.data.toString()).toBe('abcdef');
    expect(parts[0].toString()).toBe('ab');
    a.socket.sendMessageSync(null, 'longer than four');
    const cut = b.socket.receiveMessageSync(4);
    expect(cut.data.toString()).toBe('long');
    expect(cut.flags & 0x20).toBe(0x20); // MSG_TRUNC
    a.close();
    b.close();
  });
});
