// sendFd / receiveFd / receiveFds go straight to sendmsg / recvmsg (binding/gio/fd-passing.cc)
// instead of through GUnixFDMessage, and their promises settle from one non-blocking attempt when
// they can: these prove that what a caller sees is still GIO's — the socket's blocking flag and
// timeout, GIO's errors word for word, fds closed on every failure, a sendFd that has to wait
// owning its fd — and that a call settled at once keeps the order and the cancellation rules of
// one that waits.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

import { GioError, Socket, SocketType, UnixConnection } from '../../lib/gio';
import { checkFdsAroundEachTest, isOpen } from '../helpers/gio-fds';
import { readAll, useTempFiles } from '../helpers/temp-files';

checkFdsAroundEachTest();

const SOL_SOCKET = 1;
const SO_SNDBUF = 7;
const SO_PASSCRED = 16;

const { tempFile } = useTempFiles('curlio-gio-fdpass-');

function thrown(body: () => unknown): GioError {
  try {
    body();
  } catch (error) {
    return error as GioError;
  }
  throw new Error('expected the call to throw');
}

/** Fills `connection`'s send buffer with fds (non-blocking sendFdSync until WOULD_BLOCK). */
function fillSendBuffer(connection: UnixConnection, fd: number): number {
  connection.socket.setOption(SOL_SOCKET, SO_SNDBUF, 4096);
  const blocking = connection.socket.blocking;
  connection.socket.blocking = false;
  let queued = 0;
  for (;;) {
    try {
      connection.sendFdSync(fd);
      queued++;
    } catch (error) {
      expect(error).toMatchObject({ name: 'G_IO_ERROR_WOULD_BLOCK' });
      break;
    }
  }
  connection.socket.blocking = blocking;
  expect(queued).toBeGreaterThan(0);
  return queued;
}

const register = path.join(__dirname, '..', 'helpers', 'gio-ts-register.js');
const lib = path.join(__dirname, '..', '..', 'lib', 'gio');

/**
 * A worker thread with its own GSocket on `fd`. 200 ms after each command it sends one fd
 * ('send') or receives `n` fds ({ receive: n }, posting them back), blocking as it goes.
 */
function peerThread(fd: number, file: number): Worker {
  const script = `
    require(${JSON.stringify(register)});
    const gio = require(${JSON.stringify(lib)});
    const { parentPort, workerData } = require('node:worker_threads');
    const peer = gio.Socket.fromFd(workerData.fd).connectionFactoryCreateConnection();
    parentPort.on('message', (command) => {
      if (command === 'close') return peer.close(), parentPort.close();
      setTimeout(() => {
        if (command === 'send') return peer.sendFdSync(workerData.file), parentPort.postMessage({ sent: true });
        const received = Array.from({ length: command.receive }, () => peer.receiveFdSync());
        parentPort.postMessage({ received });
      }, 200);
    });
    parentPort.postMessage({ ready: true });
  `;
  return new Worker(script, { eval: true, workerData: { fd, file } });
}

const nextMessage = <T>(worker: Worker) =>
  new Promise<T>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });

describe('the Sync calls keep GIO’s blocking emulation', () => {
  test('a non-blocking socket throws G_IO_ERROR_WOULD_BLOCK with GIO’s own message', () => {
    const [a, b] = UnixConnection.createPair();
    b.socket.blocking = false;
    const error = thrown(() => b.receiveFdSync());
    expect(error).toBeInstanceOf(GioError);
    // GIO's g_socket_receive on the same socket says it in the same words.
    expect(error).toMatchObject({ name: 'G_IO_ERROR_WOULD_BLOCK', message: thrown(() => b.socket.receiveSync(1)).message });
    expect(thrown(() => b.receiveFdsSync())).toMatchObject({ name: 'G_IO_ERROR_WOULD_BLOCK' });
    a.close();
    b.close();
  });

  test('a blocking socket’s timeout ends receiveFdSync and sendFdSync with G_IO_ERROR_TIMED_OUT', () => {
    const [a, b] = UnixConnection.createPair();
    b.socket.timeout = 1;
    let start = Date.now();
    expect(thrown(() => b.receiveFdSync())).toMatchObject({ name: 'G_IO_ERROR_TIMED_OUT', message: 'Socket I/O timed out' });
    expect(Date.now() - start).toBeGreaterThanOrEqual(900);

    const fd = tempFile('queued');
    const queued = fillSendBuffer(a, fd);
    a.socket.timeout = 1;
    start = Date.now();
    expect(thrown(() => a.sendFdSync(fd))).toMatchObject({ name: 'G_IO_ERROR_TIMED_OUT', message: 'Socket I/O timed out' });
    expect(Date.now() - start).toBeGreaterThanOrEqual(900);
    for (let i = 0; i < queued; i++) fs.closeSync(b.receiveFdSync());
    expect(b.socket.getAvailableBytes()).toBe(0); // the timed-out send sent nothing
    fs.closeSync(fd);
    a.close();
    b.close();
  });

  test('a blocking receiveFdSync waits for the fd, and a blocking sendFdSync for room', async () => {
    const [a, b] = UnixConnection.createPair();
    // Bounds the blocking calls below, should the worker never act.
    a.socket.timeout = 20;
    b.socket.timeout = 20;
    const file = tempFile('from the other thread');
    const worker = peerThread(a.socket.fd, file);
    await nextMessage(worker); // ready
    worker.postMessage('send');
    const got = b.receiveFdSync(); // blocks ~200 ms until the worker sends
    expect(readAll(got)).toBe('from the other thread');
    fs.closeSync(got);
    await nextMessage(worker);

    const queued = fillSendBuffer(b, file);
    worker.postMessage({ receive: queued + 1 });
    // Blocks until the worker has drained the buffer (the kernel reports a UNIX socket
    // writable again once three quarters of its send buffer are free).
    b.sendFdSync(file);
    const { received } = await nextMessage<{ received: number[] }>(worker);
    expect(received).toHaveLength(queued + 1);
    for (const fd of received) fs.closeSync(fd);
    worker.postMessage('close');
    await new Promise((resolve) => worker.once('exit', resolve));
    fs.closeSync(file);
    a.close();
    b.close();
  });
});

describe('GIO’s checks and errors, with every fd that arrived closed', () => {
  test('an fd that is not open fails as g_unix_connection_send_fd does, and nothing is sent', async () => {
    const [a, b] = UnixConnection.createPair();
    const notOpen = 999_999;
    expect(thrown(() => a.sendFdSync(notOpen))).toMatchObject({ name: 'G_IO_ERROR_FAILED', message: 'dup: Bad file descriptor' });
    await expect(a.sendFd(notOpen)).rejects.toMatchObject({ name: 'G_IO_ERROR_FAILED', message: 'dup: Bad file descriptor' });
    expect(b.socket.getAvailableBytes()).toBe(0);
    a.close();
    b.close();
  });

  test('an fd with SCM_CREDENTIALS beside it is two control messages for GIO: an error, and the fd is closed', async () => {
    const [a, b] = UnixConnection.createPair();
    b.socket.setOption(SOL_SOCKET, SO_PASSCRED, 1); // the kernel attaches credentials to everything
    const fd = tempFile('x');
    a.sendFdSync(fd);
    expect(thrown(() => b.receiveFdSync())).toMatchObject({
      name: 'G_IO_ERROR_FAILED',
      message: 'Expecting 1 control message, got 2',
    });
    await a.sendFd(fd);
    await expect(b.receiveFds()).rejects.toMatchObject({ message: 'Expecting 1 control message, got 2' });
    fs.closeSync(fd);
    a.close();
    b.close();
  });

  test('credentials alone are the wrong type of ancillary data for receiveFd', async () => {
    const [a, b] = UnixConnection.createPair();
    a.sendCredentialsSync();
    b.socket.setOption(SOL_SOCKET, SO_PASSCRED, 1);
    await expect(b.receiveFd()).rejects.toMatchObject({ message: 'Unexpected type of ancillary data' });
    a.close();
    b.close();
  });

  test.each([
    ['stream', SocketType.STREAM],
    ['seqpacket', SocketType.SEQPACKET],
  ])('over %s: what was sent before the peer closed arrives, then G_IO_ERROR_CONNECTION_CLOSED', async (_name, type) => {
    const [a, b] = UnixConnection.createPair(type);
    const fd = tempFile('last');
    await a.sendFd(fd);
    a.close();
    const got = await b.receiveFd();
    expect(readAll(got)).toBe('last');
    fs.closeSync(got);
    await expect(b.receiveFd()).rejects.toMatchObject({ name: 'G_IO_ERROR_CONNECTION_CLOSED' });
    expect(thrown(() => b.receiveFdsSync())).toMatchObject({ name: 'G_IO_ERROR_CONNECTION_CLOSED' });
    fs.closeSync(fd);
    b.close();
  });
});

describe('sendFd that has to wait', () => {
  test('owns a copy of the fd: the caller may close its own as soon as sendFd returns', async () => {
    const [a, b] = UnixConnection.createPair();
    const filler = tempFile('filler');
    const queued = fillSendBuffer(a, filler);
    const fd = tempFile('sent after a wait');
    const sent = a.sendFd(fd);
    fs.closeSync(fd);
    expect(isOpen(fd)).toBe(false);
    for (let i = 0; i < queued; i++) fs.closeSync(await b.receiveFd());
    await sent;
    const got = await b.receiveFd();
    expect(readAll(got)).toBe('sent after a wait');
    fs.closeSync(got);
    fs.closeSync(filler);
    a.close();
    b.close();
  });

  test('keeps its place: sends started later never overtake it, and an abort drops only its copy', async () => {
    const [a, b] = UnixConnection.createPair();
    const filler = tempFile('filler');
    const queued = fillSendBuffer(a, filler);
    const files = ['one', 'two', 'three'].map((text) => tempFile(text));
    const controller = new AbortController();
    const aborted = a.sendFd(files[0], { signal: controller.signal });
    const sends = files.slice(1).map((fd) => a.sendFd(fd));
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    for (let i = 0; i < queued; i++) fs.closeSync(await b.receiveFd());
    await Promise.all(sends);
    const got = [await b.receiveFd(), await b.receiveFd()];
    expect(got.map(readAll)).toEqual(['two', 'three']);
    for (const fd of [...got, ...files, filler]) fs.closeSync(fd);
    a.close();
    b.close();
  });
});

describe('promises that settle at once', () => {
  test('resolve with the fd (receiveFd), the fds (receiveFds) and nothing (sendFd)', async () => {
    const [a, b] = UnixConnection.createPair();
    const fd = tempFile('at once');
    expect(await a.sendFd(fd)).toBeUndefined();
    const got = await b.receiveFd();
    expect(readAll(got)).toBe('at once');
    await a.sendFds([fd, fd]);
    const two = await b.receiveFds();
    expect(two).toHaveLength(2);
    for (const x of [got, ...two, fd]) fs.closeSync(x);
    a.close();
    b.close();
  });

  test('a receive started while another waits queues behind it, even when an fd is already there', async () => {
    const [a, b] = UnixConnection.createPair();
    const [first, second] = [tempFile('first'), tempFile('second')];
    const waiting = b.receiveFd(); // nothing there yet: it waits
    a.sendFdSync(first);
    const later = b.receiveFd(); // must not take `first` from the one waiting
    a.sendFdSync(second);
    const got = [await waiting, await later];
    expect(got.map(readAll)).toEqual(['first', 'second']);
    for (const x of [...got, first, second]) fs.closeSync(x);
    a.close();
    b.close();
  });

  test('an aborted signal or bad options reject before anything is received or sent', async () => {
    const [a, b] = UnixConnection.createPair();
    const fd = tempFile('kept');
    a.sendFdSync(fd);
    await expect(b.receiveFd({ signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(b.receiveFd(42 as never)).rejects.toThrow(/options object/);
    await expect(a.sendFd(fd, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(b.socket.getAvailableBytes()).toBe(1); // still only the first message
    const got = await b.receiveFd();
    expect(readAll(got)).toBe('kept');
    for (const x of [got, fd]) fs.closeSync(x);
    a.close();
    b.close();
  });
});

test('Socket.fromFd sockets pass fds too (no connection object needed underneath)', async () => {
  const [a, b] = UnixConnection.createPair();
  const other = Socket.fromFd(a.socket.fd).connectionFactoryCreateConnection() as UnixConnection;
  const fd = tempFile('via a second GSocket');
  await other.sendFd(fd);
  const got = b.receiveFdSync();
  expect(readAll(got)).toBe('via a second GSocket');
  for (const x of [got, fd]) fs.closeSync(x);
  other.close();
  a.close();
  b.close();
});
