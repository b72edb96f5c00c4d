// GSocketConnection and GUnixConnection: fd and credential passing between processes.
import type * as fs from 'node:fs/promises';
import * as net from 'node:net';

import { type SocketAddress, UnixSocketAddress, describe, nativeAddress } from './address';
import { AncillaryKind, gio, type NativeCredentials } from './binding';
import { Credentials } from './credentials';
import { SocketFamily, SocketType } from './enums';
import { MUST_WAIT, type OperationOptions, attemptOperation, operation } from './operation';
import { Socket, kNative, toBuffer, wrapSocket, type BufferSource } from './socket';

/**
 * Something that has a file descriptor to pass: an fd number, a listening `net.Server`, a
 * connected `net.Socket`, an `fs.promises.FileHandle`, or any `{ fd: number }`.
 */
export type FdSource = number | net.Server | net.Socket | fs.FileHandle | { readonly fd: number };

/** @internal The fd of an FdSource, or a TypeError naming `what`. */
export function fdOf(source: unknown, what: string): number {
  if (typeof source === 'number') {
    if (Number.isInteger(source) && source >= 0) return source;
    throw new TypeError(`Expected a file descriptor for ${what} but received ${describe(source)}`);
  }
  if (source instanceof net.Server || source instanceof net.Socket) {
    // Node keeps the fd on the libuv handle; -1 or missing means not listening / not open.
    const fd = (source as unknown as { _handle?: { fd?: number } | null })._handle?.fd;
    if (typeof fd === 'number' && fd >= 0) return fd;
    const kind = source instanceof net.Server ? 'net.Server (is it listening?)' : 'net.Socket (is it connected?)';
    throw new TypeError(`Expected ${what} to have a file descriptor, but this ${kind} has none`);
  }
  if (typeof source === 'object' && source !== null && typeof (source as { fd?: unknown }).fd === 'number') {
    const fd = (source as { fd: number }).fd;
    if (Number.isInteger(fd) && fd >= 0) return fd;
    throw new TypeError(`Expected ${what} to have an open file descriptor but its fd is ${fd}`);
  }
  throw new TypeError(
    `Expected an fd number, net.Server, net.Socket or FileHandle for ${what} but received ${describe(source)}`,
  );
}

/** @internal */
export function connectionFor(socket: Socket, typeName: string): SocketConnection {
  if (typeName === 'GUnixConnection') return new UnixConnection(socket);
  if (typeName === 'GTcpConnection') return new TcpConnection(socket);
  return new SocketConnection(socket);
}

/**
 * A connection over a {@link Socket} (GSocketConnection), made by
 * {@link Socket.connectionFactoryCreateConnection}. Closing either closes both.
 */
export class SocketConnection {
  /** The socket underneath (g_socket_connection_get_socket). */
  readonly socket: Socket;

  /** @internal Use {@link Socket.connectionFactoryCreateConnection}. */
  constructor(socket: Socket) {
    if (!(socket instanceof Socket)) throw new TypeError(`Expected a Socket for socket but received ${describe(socket)}`);
    this.socket = socket;
  }

  getSocket(): Socket {
    return this.socket;
  }

  /** Connects the socket (g_socket_connection_connect). */
  async connect(address: SocketAddress, options?: OperationOptions): Promise<void> {
    return this.socket.connect(address, options);
  }

  connectSync(address: SocketAddress): void {
    this.socket.connectSync(address);
  }

  isConnected(): boolean {
    return this.socket.isConnected();
  }

  get localAddress(): SocketAddress {
    return this.socket.localAddress;
  }

  get remoteAddress(): SocketAddress {
    return this.socket.remoteAddress;
  }

  /** Closes the connection and its socket; pending operations reject with G_IO_ERROR_CLOSED. */
  close(): void {
    this.socket.close();
  }

  isClosed(): boolean {
    return this.socket.isClosed();
  }
}

/** A TCP connection (GTcpConnection). */
export class TcpConnection extends SocketConnection {}

const NUL = Buffer.alloc(1);

/**
 * A connection over a UNIX socket (GUnixConnection): passes file descriptors and
 * credentials, on GIO's wire format — each fd message or credentials message travels with
 * one data byte — so either end may be any GLib program (g_unix_connection_send_fd,
 * Gio.UnixConnection) or a plain sendmsg/recvmsg peer (SCM_RIGHTS, SCM_CREDENTIALS).
 *
 * File descriptors received are owned by the caller: close them (fs.closeSync) or hand them
 * to something that will (`new net.Socket({ fd })`, `server.listen({ fd })`). Anything that
 * arrived but could not be handed over (an error, a truncated message) is closed here.
 *
 * @example Hand a listening server to another process, which keeps serving on it:
 * ```ts
 * // owner
 * const connection = await UnixConnection.connect('/run/app/heir.sock');
 * await connection.sendFd(server);          // a listening net.Server / http.Server
 * server.close();                           // stop accepting here; the socket lives on
 *
 * // heir (any process listening on /run/app/heir.sock)
 * const fd = await connection.receiveFd();
 * http.createServer(handler).listen({ fd });
 * ```
 *
 * @example Take over one accepted connection:
 * ```ts
 * const fd = await connection.receiveFd();
 * const socket = new net.Socket({ fd, readable: true, writable: true });
 * httpServer.emit('connection', socket);
 * ```
 */
export class UnixConnection extends SocketConnection {
  /**
   * Two connected UnixConnections (socketpair(2)), e.g. to hand one end to a child process.
   * @param type STREAM (default), DATAGRAM or SEQPACKET.
   */
  static createPair(type: SocketType = SocketType.STREAM): [UnixConnection, UnixConnection] {
    if (![SocketType.STREAM, SocketType.DATAGRAM, SocketType.SEQPACKET].includes(type)) {
      throw new TypeError(`Expected a SocketType for type but received ${describe(type)}`);
    }
    const [a, b] = gio.GioSocket.socketPair(type).map(wrapSocket);
    return [unixConnectionOf(a), unixConnectionOf(b)];
  }

  /** Connects a new UNIX stream socket to `address` (a path or a UnixSocketAddress). */
  static async connect(address: UnixSocketAddress | string, options?: OperationOptions): Promise<UnixConnection> {
    const target = typeof address === 'string' ? new UnixSocketAddress(address) : address;
    nativeAddress(target, 'address');
    const socket = new Socket(SocketFamily.UNIX, SocketType.STREAM);
    try {
      await socket.connect(target, options);
    } catch (error) {
      socket.close();
      throw error;
    }
    return unixConnectionOf(socket);
  }

  /**
   * Sends one fd with one NUL byte (g_unix_connection_send_fd's format). The caller keeps its
   * fd and may close it as soon as sendFd returns (a send that has to wait sends a duplicate).
   */
  sendFd(fd: FdSource, options?: OperationOptions): Promise<void> {
    let n: number;
    try {
      n = fdOf(fd, 'fd');
    } catch (error) {
      return Promise.reject(error);
    }
    const native = this.socket[kNative];
    return attemptOperation<void>(
      native,
      options,
      () => this.socket.timeout * 1000,
      () => (native.sendFdNow(n) ? undefined : MUST_WAIT),
      (done) => native.sendFd(n, done),
    );
  }

  /** Sends one fd, blocking if the socket is blocking (g_unix_connection_send_fd itself). */
  sendFdSync(fd: FdSource): void {
    this.socket[kNative].sendFdSync(fdOf(fd, 'fd'));
  }

  /**
   * Receives one fd (g_unix_connection_receive_fd's format). It is close-on-exec and yours.
   * Rejects with G_IO_ERROR_CONNECTION_CLOSED if the peer closes first, and with
   * G_IO_ERROR_FAILED if the message does not carry exactly one fd (closing any that came).
   */
  receiveFd(options?: OperationOptions): Promise<number> {
    return this.receiveAncillary(AncillaryKind.OneFd, options) as Promise<number>;
  }

  /** Receives one fd, blocking if the socket is blocking. */
  receiveFdSync(): number {
    return this.socket[kNative].receiveAncillarySync(AncillaryKind.OneFd) as number;
  }

  /**
   * Sends up to 253 fds (SCM_MAX_FD) in one message; beyond GIO, same format (one NUL byte,
   * or `data`). If the kernel takes only part of `data`, the fds went with the first part
   * and the rest follows without them.
   */
  async sendFds(fds: readonly FdSource[], options: OperationOptions & { data?: BufferSource } = {}): Promise<void> {
    const list = checkFds(fds);
    const data = options.data === undefined ? NUL : toBuffer(options.data, 'options.data');
    await operation(this.socket[kNative], options, this.socket.timeout * 1000, (done) =>
      this.socket[kNative].sendMessage(list, data, done),
    );
  }

  /** {@link UnixConnection.sendFds}, blocking if the socket is blocking. */
  sendFdsSync(fds: readonly FdSource[], data?: BufferSource): void {
    const list = checkFds(fds);
    this.socket[kNative].sendFdsSync(list, data === undefined ? NUL : toBuffer(data, 'data'));
  }

  /** Receives one message's fds (one or more, at most 253); they are yours. */
  receiveFds(options?: OperationOptions): Promise<number[]> {
    return this.receiveAncillary(AncillaryKind.Fds, options) as Promise<number[]>;
  }

  /** {@link UnixConnection.receiveFds}, blocking if the socket is blocking. */
  receiveFdsSync(): number[] {
    return this.socket[kNative].receiveAncillarySync(AncillaryKind.Fds) as number[];
  }

  /**
   * Sends this process's credentials (SCM_CREDENTIALS with one NUL byte, as
   * g_unix_connection_send_credentials does); the kernel vouches for them.
   */
  async sendCredentials(options?: OperationOptions): Promise<void> {
    await operation(this.socket[kNative], options, this.socket.timeout * 1000, (done) =>
      this.socket[kNative].sendMessage(null, [NUL], [{ type: 'credentials' }], 0, done),
    );
  }

  /** Sends this process's credentials, blocking if the socket is blocking (g_unix_connection_send_credentials). */
  sendCredentialsSync(): void {
    this.socket[kNative].sendCredentialsSync();
  }

  /**
   * Receives the peer's credentials (g_unix_connection_receive_credentials' way: SO_PASSCRED
   * is on from the start of the call until it ends, so the process that writes the byte is
   * identified, even one that did not connect the socket; it goes back off if it was off).
   * A byte queued before the call carries no credentials: SO_PEERCRED (the connecting
   * process) answers then, as in GIO.
   */
  async receiveCredentials(options?: OperationOptions): Promise<Credentials> {
    // No separate first attempt (receiveAncillaryNow): SO_PASSCRED must stay on from the first
    // attempt until the byte arrives, which only the waiting operation does.
    const native = this.socket[kNative];
    const credentials = await operation<unknown>(native, options, this.socket.timeout * 1000, (done) =>
      native.receiveAncillary(AncillaryKind.Credentials, done),
    );
    return new Credentials(credentials as NativeCredentials);
  }

  /** {@link UnixConnection.receiveCredentials}, blocking if the socket is blocking. */
  receiveCredentialsSync(): Credentials {
    return new Credentials(this.socket[kNative].receiveAncillarySync(AncillaryKind.Credentials) as NativeCredentials);
  }

  private receiveAncillary(kind: AncillaryKind, options: OperationOptions | undefined): Promise<unknown> {
    const native = this.socket[kNative];
    return attemptOperation<unknown>(
      native,
      options,
      () => this.socket.timeout * 1000,
      () => native.receiveAncillaryNow(kind) ?? MUST_WAIT,
      (done) => native.receiveAncillary(kind, done),
    );
  }
}

function unixConnectionOf(socket: Socket): UnixConnection {
  const connection = socket.connectionFactoryCreateConnection();
  if (!(connection instanceof UnixConnection)) throw new TypeError('Expected a UNIX socket');
  return connection;
}

function checkFds(fds: unknown): number[] {
  if (!Array.isArray(fds)) throw new TypeError(`Expected an array of fds for fds but received ${describe(fds)}`);
  if (fds.length === 0) throw new RangeError('Expected at least one fd in fds');
  if (fds.length > gio.maxFdsPerMessage) {
    throw new RangeError(
      `Expected at most ${gio.maxFdsPerMessage} fds in one message (SCM_MAX_FD) but received ${fds.length}`,
    );
  }
  return fds.map((fd, i) => fdOf(fd, `fds[${i}]`));
}
