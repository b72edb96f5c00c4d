// Socket on TCP and UDP over loopback (127.0.0.1, and ::1 where the host has IPv6), and
// multicast on loopback where the kernel routes it.
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  InetSocketAddress,
  IOCondition,
  Socket,
  SocketFamily,
  SocketProtocol,
  SocketType,
  TcpConnection,
  SocketConnection,
} from '../../lib/gio';
import { expectNoFdLeak, checkFdsAroundEachTest } from '../helpers/gio-fds';
import { runCommand } from '../helpers/run-cli';

// Every test: the fds open afterwards are the fds open before.
checkFdsAroundEachTest();

function hasIpv6Loopback(): boolean {
  const probe = new Socket(SocketFamily.IPV6, SocketType.DATAGRAM);
  try {
    probe.bind(new InetSocketAddress('::1', 0));
    return true;
  } catch {
    return false;
  } finally {
    probe.close();
  }
}

const families: [string, SocketFamily, string][] = [['IPv4', SocketFamily.IPV4, '127.0.0.1']];
if (hasIpv6Loopback()) families.push(['IPv6', SocketFamily.IPV6, '::1']);
else test.skip('IPv6: this host has no ::1 (tests skipped)', () => undefined);

describe.each(families)('TCP over %s loopback', (_name, family, host) => {
  async function tcpPair() {
    const server = new Socket(family, SocketType.STREAM, SocketProtocol.TCP);
    server.bind(new InetSocketAddress(host, 0), true);
    server.listen();
    const address = server.localAddress as InetSocketAddress;
    const client = new Socket(family, SocketType.STREAM);
    const [accepted] = await Promise.all([server.accept(), client.connect(address)]);
    return { server, client, accepted, address };
  }

  test('connect resolves once the non-blocking connect completes; bytes flow both ways', async () => {
    await expectNoFdLeak(async () => {
      const { server, client, accepted, address } = await tcpPair();
      expect(address.address).toBe(host);
      expect(address.port).toBeGreaterThan(0);
      expect(server.protocol).toBe(SocketProtocol.TCP); // as created; the client asked for DEFAULT
      expect((client.remoteAddress as InetSocketAddress).port).toBe(address.port);
      expect((accepted.remoteAddress as InetSocketAddress).port).toBe((client.localAddress as InetSocketAddress).port);
      await client.send('ping');
      expect((await accepted.receive(10)).toString()).toBe('ping');
      await accepted.send('pong');
      expect((await client.receive(10)).toString()).toBe('pong');
      for (const s of [server, client, accepted]) s.close();
    });
  });

  test('a connect to a closed port rejects with G_IO_ERROR_CONNECTION_REFUSED', async () => {
    const probe = new Socket(family, SocketType.STREAM);
    probe.bind(new InetSocketAddress(host, 0));
    const port = (probe.localAddress as InetSocketAddress).port;
    probe.close(); // the port is free and nobody listens
    const client = new Socket(family, SocketType.STREAM);
    await expect(client.connect(new InetSocketAddress(host, port))).rejects.toMatchObject({
      name: 'G_IO_ERROR_CONNECTION_REFUSED',
    });
    client.close();
  });

  test('non-blocking connectSync reports G_IO_ERROR_PENDING; conditionWait + checkConnectResult finish it', async () => {
    const server = new Socket(family, SocketType.STREAM);
    server.bind(new InetSocketAddress(host, 0));
    server.listen();
    const client = new Socket(family, SocketType.STREAM);
    client.blocking = false;
    let pending: unknown = null;
    try {
      client.connectSync(server.localAddress);
    } catch (error) {
      pending = error;
    }
    // Loopback may connect at once; otherwise GIO's PENDING dance applies.
    if (pending !== null) {
      expect(pending).toMatchObject({ name: 'G_IO_ERROR_PENDING' });
      await client.conditionWait(IOCondition.OUT);
      client.checkConnectResult();
    }
    expect(client.isConnected()).toBe(true);
    const accepted = await server.accept();
    for (const s of [server, client, accepted]) s.close();
  });

  test('interoperates with Node: a net.Server peer, and a net.Socket client', async () => {
    const echo = net.createServer((c) => c.pipe(c));
    await new Promise<void>((r) => echo.listen(0, host, r));
    const client = new Socket(family, SocketType.STREAM);
    await client.connect(new InetSocketAddress(host, (echo.address() as net.AddressInfo).port));
    await client.send('echo me');
    expect((await client.receive(100)).toString()).toBe('echo me');
    client.close();
    echo.close();

    const server = new Socket(family, SocketType.STREAM);
    server.bind(new InetSocketAddress(host, 0));
    server.listen();
    const port = (server.localAddress as InetSocketAddress).port;
    const nodeClient = net.connect(port, host);
    const accepted = await server.accept();
    nodeClient.write('from node');
    expect((await accepted.receive(100)).toString()).toBe('from node');
    nodeClient.destroy();
    accepted.close();
    server.close();
  });

  test('TCP options: keepalive, ttl, TCP_NODELAY through setOption, speaksIpv4', async () => {
    const { server, client, accepted } = await tcpPair();
    client.keepalive = true;
    expect(client.keepalive).toBe(true);
    client.ttl = 33;
    expect(client.ttl).toBe(33);
    const IPPROTO_TCP = 6;
    const TCP_NODELAY = 1;
    client.setOption(IPPROTO_TCP, TCP_NODELAY, 1);
    expect(client.getOption(IPPROTO_TCP, TCP_NODELAY)).toBe(1);
    expect(client.speaksIpv4()).toBe(family === SocketFamily.IPV4 || client.getOption(41, 26) === 0);
    for (const s of [server, client, accepted]) s.close();
  });

  test('connectionFactoryCreateConnection gives a TcpConnection sharing the socket', async () => {
    const { server, client, accepted } = await tcpPair();
    const connection = client.connectionFactoryCreateConnection();
    expect(connection).toBeInstanceOf(TcpConnection);
    expect(connection).toBeInstanceOf(SocketConnection);
    expect(connection.getSocket()).toBe(client);
    expect((connection.remoteAddress as InetSocketAddress).port).toBe((server.localAddress as InetSocketAddress).port);
    connection.close();
    expect(client.isClosed()).toBe(true);
    server.close();
    accepted.close();
  });
});

describe.each(families)('UDP over %s loopback', (_name, family, host) => {
  test('sendTo / receiveFrom carry datagrams and the sender address', async () => {
    await expectNoFdLeak(async () => {
      const a = new Socket(family, SocketType.DATAGRAM, SocketProtocol.UDP);
      a.bind(new InetSocketAddress(host, 0));
      const b = new Socket(family, SocketType.DATAGRAM);
      b.bind(new InetSocketAddress(host, 0));
      const received = b.receiveFrom(1500);
      await a.sendTo(b.localAddress, 'datagram');
      const { data, address } = await received;
      expect(data.toString()).toBe('datagram');
      expect((address as InetSocketAddress).port).toBe((a.localAddress as InetSocketAddress).port);
      expect(a.socketType).toBe(SocketType.DATAGRAM);
      expect(a.protocol).toBe(SocketProtocol.UDP);
      a.close();
      b.close();
    });
  });

  test('sendMessages / receiveMessages batch datagrams with per-message addresses', async () => {
    const a = new Socket(family, SocketType.DATAGRAM);
    a.bind(new InetSocketAddress(host, 0));
    const b = new Socket(family, SocketType.DATAGRAM);
    b.bind(new InetSocketAddress(host, 0));
    const to = b.localAddress;
    expect(await a.sendMessages([{ address: to, vectors: 'x1' }, { address: to, vectors: 'x2' }])).toBe(2);
    await b.conditionWait(IOCondition.IN);
    const messages = await b.receiveMessages(4, 100);
    expect(messages.map((m) => m.data.toString())).toEqual(['x1', 'x2']);
    expect((messages[0].address as InetSocketAddress).port).toBe((a.localAddress as InetSocketAddress).port);
    a.close();
    b.close();
  });

  test('a connected UDP socket uses send / receive; broadcast and multicast options read back', async () => {
    const a = new Socket(family, SocketType.DATAGRAM);
    a.bind(new InetSocketAddress(host, 0));
    const b = new Socket(family, SocketType.DATAGRAM);
    b.bind(new InetSocketAddress(host, 0));
    await a.connect(b.localAddress);
    await a.send('connected');
    expect((await b.receive(100)).toString()).toBe('connected');
    a.broadcast = true;
    expect(a.broadcast).toBe(true);
    a.multicastTtl = 3;
    expect(a.multicastTtl).toBe(3);
    a.multicastLoopback = false;
    expect(a.multicastLoopback).toBe(false);
    a.close();
    b.close();
  });
});

describe('multicast on loopback', () => {
  const lo = Object.entries(os.networkInterfaces()).find(([, addrs]) =>
    addrs?.some((a) => a.internal && a.family === 'IPv4'),
  )?.[0];

  test('join, receive a looped-back group datagram, leave (ASM and SSM)', async () => {
    if (lo === undefined) {
      console.warn('multicast test skipped: no loopback interface');
      return;
    }
    const group = '239.255.77.77';
    const receiver = new Socket(SocketFamily.IPV4, SocketType.DATAGRAM);
    receiver.bind(new InetSocketAddress('0.0.0.0', 0), true);
    const port = (receiver.localAddress as InetSocketAddress).port;
    try {
      receiver.joinMulticastGroup(group, false, lo);
    } catch (error) {
      console.warn(`multicast test skipped: the kernel refused IP_ADD_MEMBERSHIP on ${lo}: ${String(error)}`);
      receiver.close();
      return;
    }
    const sender = new Socket(SocketFamily.IPV4, SocketType.DATAGRAM);
    sender.bind(new InetSocketAddress('127.0.0.1', 0));
    sender.multicastLoopback = true;
    sender.multicastTtl = 1;
    // IP_MULTICAST_IF takes a struct in_addr: 127.0.0.1 as the int the kernel reads.
    sender.setOption(0, 32, Buffer.from([127, 0, 0, 1]).readInt32LE(0));
    let sent = true;
    try {
      await sender.sendTo(new InetSocketAddress(group, port), 'to the group');
    } catch (error) {
      sent = false;
      console.warn(`multicast delivery skipped: no multicast route on ${lo}: ${String(error)}`);
    }
    if (sent) {
      const { data } = await receiver.receiveFrom(100, { signal: AbortSignal.timeout(2000) });
      expect(data.toString()).toBe('to the group');
    }
    receiver.leaveMulticastGroup(group, false, lo);
    // Source-specific: the same group from 127.0.0.1 only.
    receiver.joinMulticastGroupSsm('232.1.1.1', '127.0.0.1', lo);
    receiver.leaveMulticastGroupSsm('232.1.1.1', '127.0.0.1', lo);
    expect(() => receiver.leaveMulticastGroup(group, false, lo)).toThrow(
      expect.objectContaining({ domain: 'g-io-error-quark' }),
    );
    sender.close();
    receiver.close();
  });
});

describe('addresses read back from GIO', () => {
  test('an IPv4 address is read without GLib-GIO-CRITICAL warnings (flowinfo and scope id are IPv6 only)', async () => {
    // GLib logs to stderr of the process that made the call: a child, so the log is ours to read.
    const script = `
      const { Socket, SocketFamily, SocketType, InetSocketAddress } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'gio'))});
      const s = new Socket(SocketFamily.IPV4, SocketType.DATAGRAM);
      s.bind(new InetSocketAddress('127.0.0.1', 0));
      const a = s.localAddress;
      console.log(JSON.stringify({ port: a.port > 0, flowinfo: a.flowinfo, scopeId: a.scopeId }));
      s.close();`;
    const child = await runCommand(process.execPath, ['-e', script], { timeoutMs: 15_000 });
    expect({ code: child.code, stdout: child.stdout.trim(), stderr: child.stderr }).toEqual({
      code: 0,
      stdout: JSON.stringify({ port: true, flowinfo: 0, scopeId: 0 }),
      stderr: '',
    });
  });
});
