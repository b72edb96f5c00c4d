// Socket: GIO's GSocket, the Node way. Calls that may wait return promises and never block
// the event loop; their `...Sync` twins block like GIO's own calls.
import { markAsUntransferable } from 'node:worker_threads';
import { type SocketAddress, SocketAddress as SocketAddressClass, describe, nativeAddress } from './address';
import { gio, type NativeAddress, type NativeControlMessage, type NativeReceived, type NativeSocket } from './binding';
import { SocketControlMessage } from './control-message';
import { Credentials } from './credentials';
import { IOCondition, SocketFamily, SocketProtocol, SocketType } from './enums';
import { type OperationOptions, operation } from './operation';
import type { SocketConnection } from './connection';

/** Bytes to send: a Buffer, any Uint8Array, or a string (sent as UTF-8). */
export type BufferSource = Buffer | Uint8Array | string;

/** A message received by {@link Socket.receiveMessage} / {@link Socket.receiveMessages}. */
export interface InputMessage {
  /** The sender (datagram sockets), or null. */
  address: SocketAddress | null;
  /** The bytes received. */
  data: Buffer;
  /** Ancillary data: {@link UnixFDMessage} (the fds are now yours to close), {@link UnixCredentialsMessage}, ... */
  controlMessages: SocketControlMessage[];
  /** Flags recvmsg reported, e.g. {@link SocketMsgFlags.TRUNC}. */
  flags: number;
}

/** A message for {@link Socket.sendMessages}. */
export interface OutputMessage {
  /** The destination, for unconnected datagram sockets. */
  address?: SocketAddress | null;
  vectors: BufferSource | BufferSource[];
}

/** @internal The native object behind a Socket. */
export const kNative: unique symbol = Symbol('curlio.gio.Socket.native');

const DEFAULT_RECEIVE_SIZE = 65536;

type Received = { bytes: number; address: NativeAddress | null };

/** @internal */
export function toBuffer(data: unknown, what: string): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  throw new TypeError(`Expected a Buffer, Uint8Array or string for ${what} but received ${describe(data)}`);
}

function toBuffers(data: unknown, what: string): Buffer[] {
  return Array.isArray(data) ? data.map((item) => toBuffer(item, what)) : [toBuffer(data, what)];
}

/**
 * Buffers the native side reads or fills after this call returns (an operation that waits):
 * their memory is marked untransferable, as Node marks its own pooled Buffers, so a
 * postMessage or structuredClone that transfers it copies it instead of detaching it from
 * under the pending operation (which would then touch freed memory).
 */
function lend(buffers: Buffer[]): Buffer[] {
  for (const buffer of buffers) markAsUntransferable(buffer.buffer);
  return buffers;
}

/** G_IOV_MAX on Linux (UIO_MAXIOV): the most messages g_socket_receive_messages takes at once. */
const MAX_MESSAGES_PER_CALL = 1024;

function checkSize(size: unknown, what: string): number {
  if (!Number.isInteger(size) || (size as number) < 0 || (size as number) > 0x7fffffff) {
    throw new TypeError(`Expected a non-negative integer for ${what} but received ${describe(size)}`);
  }
  return size as number;
}

function checkInt(value: unknown, what: string): number {
  if (!Number.isInteger(value) || (value as number) < -0x80000000 || (value as number) > 0x7fffffff) {
    throw new TypeError(`Expected a 32-bit integer for ${what} but received ${describe(value)}`);
  }
  return value as number;
}

function checkCondition(condition: unknown): number {
  if (!Number.isInteger(condition) || (condition as number) <= 0 || (condition as number) > 63) {
    throw new TypeError(`Expected an IOCondition bitmask for condition but received ${describe(condition)}`);
  }
  return condition as number;
}

function checkBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`Expected a boolean for ${what} but received ${describe(value)}`);
  return value;
}

function nativeControl(messages: unknown): NativeControlMessage[] {
  if (messages === undefined || messages === null) return [];
  if (!Array.isArray(messages) || !messages.every((m) => m instanceof SocketControlMessage)) {
    throw new TypeError(`Expected an array of SocketControlMessage for controlMessages but received ${describe(messages)}`);
  }
  return messages.map((m: SocketControlMessage) => m.toNative());
}

/** Receive buffers: a size, one Buffer, or several (scatter). */
function receiveBuffers(size: number | Buffer | Buffer[]): Buffer[] {
  if (typeof size === 'number') return [Buffer.allocUnsafe(checkSize(size, 'size'))];
  const buffers = Array.isArray(size) ? size : [size];
  if (!buffers.every((b) => Buffer.isBuffer(b))) {
    throw new TypeError(`Expected a size, a Buffer or an array of Buffers but received ${describe(size)}`);
  }
  return buffers;
}

function gather(buffers: Buffer[], bytes: number): Buffer {
  if (buffers.length === 1) return buffers[0].subarray(0, bytes);
  const parts: Buffer[] = [];
  let left = bytes;
  for (const buffer of buffers) {
    if (left <= 0) break;
    parts.push(buffer.subarray(0, Math.min(left, buffer.length)));
    left -= buffer.length;
  }
  return Buffer.concat(parts);
}

function inputMessage(received: NativeReceived, buffers: Buffer[]): InputMessage {
  return {
    address: received.address ? SocketAddressClass.fromNative(received.address) : null,
    data: gather(buffers, received.bytes),
    controlMessages: received.controlMessages.map((m) => SocketControlMessage.fromNative(m)),
    flags: received.flags,
  };
}

/**
 * A socket (GIO's GSocket): UNIX, IPv4 or IPv6; stream, datagram or seqpacket.
 *
 * Operations that may wait (`accept`, `connect`, `receive*`, `send*`, `conditionWait`)
 * return promises, take `{ signal }` to cancel (rejecting with an AbortError), and are driven
 * by readiness of the socket's fd on the event loop. A pending operation keeps the process
 * alive and the socket with it (see {@link Socket.unref}). Their `...Sync` twins block the
 * thread as GIO's calls do, honouring {@link Socket.blocking} and {@link Socket.timeout}.
 *
 * Failures throw or reject with a {@link GioError}; calls after {@link Socket.close} fail
 * with `G_IO_ERROR_CLOSED`. An unreachable socket is closed when garbage collected.
 */
export class Socket {
  /** @internal */
  declare readonly [kNative]: NativeSocket;

  /**
   * Creates a socket (g_socket_new).
   * @param family UNIX, IPV4 or IPV6.
   * @param type STREAM, DATAGRAM or SEQPACKET.
   * @param protocol DEFAULT picks the usual one (TCP for IP streams, UDP for IP datagrams).
   */
  constructor(family: SocketFamily, type: SocketType, protocol: SocketProtocol = SocketProtocol.DEFAULT) {
    if (!Object.values(SocketFamily).includes(family) || family === SocketFamily.INVALID) {
      throw new TypeError(`Expected a SocketFamily for family but received ${describe(family)}`);
    }
    if (!Object.values(SocketType).includes(type) || type === SocketType.INVALID) {
      throw new TypeError(`Expected a SocketType for type but received ${describe(type)}`);
    }
    if (!Number.isInteger(protocol)) {
      throw new TypeError(`Expected a SocketProtocol for protocol but received ${describe(protocol)}`);
    }
    Object.defineProperty(this, kNative, { value: new gio.GioSocket(family, type, protocol) });
  }

  /**
   * Wraps an existing socket fd (g_socket_new_from_fd). The socket gets a duplicate: `fd`
   * stays the caller's to close. GIO makes the shared open file non-blocking, which Node's
   * own sockets already are.
   */
  static fromFd(fd: number): Socket {
    if (!Number.isInteger(fd) || fd < 0) throw new TypeError(`Expected a file descriptor for fd but received ${describe(fd)}`);
    return wrapSocket(gio.GioSocket.fromFd(fd));
  }

  // ---- binding, listening, connecting ----

  /** Binds to a local address (g_socket_bind). `allowReuse` sets SO_REUSEADDR for IP sockets. */
  bind(address: SocketAddress, allowReuse = false): void {
    this[kNative].bind(nativeAddress(address, 'address'), checkBoolean(allowReuse, 'allowReuse'));
  }

  /** Starts listening (g_socket_listen), with {@link Socket.listenBacklog}. */
  listen(): void {
    this[kNative].listen();
  }

  /** Accepts a connection (g_socket_accept), waiting for one without blocking. */
  async accept(options?: OperationOptions): Promise<Socket> {
    return operation<NativeSocket>(this[kNative], options, this.timeoutMs(), (done) =>
      this[kNative].accept(done),
    ).then(wrapSocket);
  }

  /** Accepts a connection, blocking if the socket is blocking. */
  acceptSync(): Socket {
    return wrapSocket(this[kNative].acceptSync());
  }

  /**
   * Connects (g_socket_connect, then g_socket_check_connect_result once writable). Resolves
   * when connected; rejects with e.g. G_IO_ERROR_CONNECTION_REFUSED.
   */
  async connect(address: SocketAddress, options?: OperationOptions): Promise<void> {
    const target = nativeAddress(address, 'address');
    return operation(this[kNative], options, this.timeoutMs(), (done) => this[kNative].connect(target, done));
  }

  /**
   * Connects, blocking if the socket is blocking; a non-blocking socket throws
   * G_IO_ERROR_PENDING: wait for {@link IOCondition.OUT}, then {@link Socket.checkConnectResult}.
   */
  connectSync(address: SocketAddress): void {
    this[kNative].connectSync(nativeAddress(address, 'address'));
  }

  /** Finishes a non-blocking connect (g_socket_check_connect_result): throws its error if it failed. */
  checkConnectResult(): void {
    this[kNative].checkConnectResult();
  }

  // ---- receiving ----

  /** Receives up to `size` bytes (g_socket_receive). An empty Buffer means end of stream. */
  async receive(size: number = DEFAULT_RECEIVE_SIZE, options?: OperationOptions): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(checkSize(size, 'size'));
    const { bytes } = await operation<Received>(this[kNative], options, this.timeoutMs(), (done) =>
      this[kNative].receive(buffer, false, done),
    );
    return buffer.subarray(0, bytes);
  }

  /** Receives up to `size` bytes, blocking if the socket is blocking. */
  receiveSync(size: number = DEFAULT_RECEIVE_SIZE): Buffer {
    const buffer = Buffer.allocUnsafe(checkSize(size, 'size'));
    return buffer.subarray(0, this[kNative].receiveSync(buffer, false).bytes);
  }

  /** Receives a datagram and its sender (g_socket_receive_from). */
  async receiveFrom(
    size: number = DEFAULT_RECEIVE_SIZE,
    options?: OperationOptions,
  ): Promise<{ address: SocketAddress | null; data: Buffer }> {
    const buffer = Buffer.allocUnsafe(checkSize(size, 'size'));
    const { bytes, address } = await operation<Received>(this[kNative], options, this.timeoutMs(), (done) =>
      this[kNative].receive(buffer, true, done),
    );
    return { address: address ? SocketAddressClass.fromNative(address) : null, data: buffer.subarray(0, bytes) };
  }

  /** Receives a datagram and its sender, blocking if the socket is blocking. */
  receiveFromSync(size: number = DEFAULT_RECEIVE_SIZE): { address: SocketAddress | null; data: Buffer } {
    const buffer = Buffer.allocUnsafe(checkSize(size, 'size'));
    const { bytes, address } = this[kNative].receiveSync(buffer, true);
    return { address: address ? SocketAddressClass.fromNative(address) : null, data: buffer.subarray(0, bytes) };
  }

  /**
   * Receives one message with its ancillary data (g_socket_receive_message): fds arrive as a
   * {@link UnixFDMessage} and are the caller's to close. Truncated ancillary data (MSG_CTRUNC)
   * rejects with G_IO_ERROR_MESSAGE_TOO_LARGE, after closing whatever fds did arrive.
   * @param size a size to allocate, or the Buffer(s) to fill.
   * @param flags {@link SocketMsgFlags} (PEEK, OOB, ...).
   */
  async receiveMessage(size: number | Buffer | Buffer[] = DEFAULT_RECEIVE_SIZE, flags = 0, options?: OperationOptions): Promise<InputMessage> {
    const buffers = lend(receiveBuffers(size));
    const f = checkInt(flags, 'flags');
    return operation<NativeReceived>(this[kNative], options, this.timeoutMs(), (done) =>
      this[kNative].receiveMessage(buffers, f, done),
    ).then((received) => inputMessage(received, buffers));
  }

  /** {@link Socket.receiveMessage}, blocking if the socket is blocking. */
  receiveMessageSync(size: number | Buffer | Buffer[] = DEFAULT_RECEIVE_SIZE, flags = 0): InputMessage {
    const buffers = receiveBuffers(size);
    return inputMessage(this[kNative].receiveMessageSync(buffers, checkInt(flags, 'flags')), buffers);
  }

  /**
   * Receives up to `count` messages in one call (g_socket_receive_messages, recvmmsg):
   * resolves once at least one is there, with those that were. At most 1024 (G_IOV_MAX) per
   * call, as in GIO.
   */
  async receiveMessages(count: number, size: number = DEFAULT_RECEIVE_SIZE, flags = 0, options?: OperationOptions): Promise<InputMessage[]> {
    const all = this.messageBuffers(count, size);
    const f = checkInt(flags, 'flags');
    return operation<NativeReceived[]>(this[kNative], options, this.timeoutMs(), (done) =>
      this[kNative].receiveMessages(all, f, done),
    ).then((received) => received.map((r, i) => inputMessage(r, all[i])));
  }

  /** {@link Socket.receiveMessages}, blocking if the socket is blocking. */
  receiveMessagesSync(count: number, size: number = DEFAULT_RECEIVE_SIZE, flags = 0): InputMessage[] {
    const all = this.messageBuffers(count, size);
    return this[kNative].receiveMessagesSync(all, checkInt(flags, 'flags')).map((r, i) => inputMessage(r, all[i]));
  }

  private messageBuffers(count: number, size: number): Buffer[][] {
    checkSize(count, 'count');
    checkSize(size, 'size');
    // GIO receives at most G_IOV_MAX (UIO_MAXIOV, 1024) messages per call: buffers for more
    // would only be allocated (count × size bytes) and never filled.
    return Array.from({ length: Math.min(count, MAX_MESSAGES_PER_CALL) }, () => [Buffer.allocUnsafe(size)]);
  }

  // ---- sending ----

  /**
   * Sends bytes on a connected socket (g_socket_send). Resolves with the number sent, which
   * on a stream socket may be fewer than given, as with GIO.
   */
  async send(data: BufferSource, options?: OperationOptions): Promise<number> {
    const [buffer] = lend([toBuffer(data, 'data')]);
    return operation(this[kNative], options, this.timeoutMs(), (done) => this[kNative].send(buffer, null, done));
  }

  /** Sends bytes, blocking if the socket is blocking. */
  sendSync(data: BufferSource): number {
    return this[kNative].sendSync(toBuffer(data, 'data'), null);
  }

  /** Sends a datagram to `address` (g_socket_send_to). */
  async sendTo(address: SocketAddress | null, data: BufferSource, options?: OperationOptions): Promise<number> {
    const target = address === null ? null : nativeAddress(address, 'address');
    const [buffer] = lend([toBuffer(data, 'data')]);
    return operation(this[kNative], options, this.timeoutMs(), (done) => this[kNative].send(buffer, target, done));
  }

  /** Sends a datagram to `address`, blocking if the socket is blocking. */
  sendToSync(address: SocketAddress | null, data: BufferSource): number {
    return this[kNative].sendSync(toBuffer(data, 'data'), address === null ? null : nativeAddress(address, 'address'));
  }

  /**
   * Sends one message with ancillary data (g_socket_send_message): e.g. a
   * {@link UnixFDMessage} (fds are duplicated when the call starts; yours stay yours).
   * With ancillary data on a stream socket the whole of `vectors` is sent: the fds go with
   * the first bytes, once, and the rest follows. Without, resolves with what the kernel took.
   */
  async sendMessage(
    address: SocketAddress | null,
    vectors: BufferSource | BufferSource[],
    controlMessages: SocketControlMessage[] = [],
    flags = 0,
    options?: OperationOptions,
  ): Promise<number> {
    const target = address === null ? null : nativeAddress(address, 'address');
    const buffers = lend(toBuffers(vectors, 'vectors'));
    const control = nativeControl(controlMessages);
    const f = checkInt(flags, 'flags');
    return operation(this[kNative], options, this.timeoutMs(), (done) =>
      this[kNative].sendMessage(target, buffers, control, f, done),
    );
  }

  /** {@link Socket.sendMessage}, blocking if the socket is blocking. */
  sendMessageSync(
    address: SocketAddress | null,
    vectors: BufferSource | BufferSource[],
    controlMessages: SocketControlMessage[] = [],
    flags = 0,
  ): number {
    return this[kNative].sendMessageSync(
      address === null ? null : nativeAddress(address, 'address'),
      toBuffers(vectors, 'vectors'),
      nativeControl(controlMessages),
      checkInt(flags, 'flags'),
    );
  }

  /** Sends several messages in one call (g_socket_send_messages, sendmmsg); resolves with how many went. */
  async sendMessages(messages: OutputMessage[], flags = 0, options?: OperationOptions): Promise<number> {
    const list = outputMessages(messages);
    for (const message of list) lend(message.vectors);
    const f = checkInt(flags, 'flags');
    return operation(this[kNative], options, this.timeoutMs(), (done) => this[kNative].sendMessages(list, f, done));
  }

  /** {@link Socket.sendMessages}, blocking if the socket is blocking. */
  sendMessagesSync(messages: OutputMessage[], flags = 0): number {
    return this[kNative].sendMessagesSync(outputMessages(messages), checkInt(flags, 'flags'));
  }

  // ---- conditions ----

  /** The subset of `condition` the socket meets now (g_socket_condition_check); never waits. */
  conditionCheck(condition: IOCondition): IOCondition {
    return this[kNative].conditionCheck(checkCondition(condition));
  }

  /** Waits until the socket meets some of `condition`; resolves with what it meets. */
  async conditionWait(condition: IOCondition, options?: OperationOptions): Promise<IOCondition> {
    const c = checkCondition(condition);
    return operation(this[kNative], options, this.timeoutMs(), (done) => this[kNative].conditionWait(c, done));
  }

  /** Blocks until the socket meets some of `condition` (g_socket_condition_wait). */
  conditionWaitSync(condition: IOCondition): void {
    this[kNative].conditionWaitSync(checkCondition(condition));
  }

  /**
   * Waits at most `timeoutUs` microseconds (-1: no limit) for `condition`; rejects with
   * G_IO_ERROR_TIMED_OUT then, as g_socket_condition_timed_wait does.
   */
  async conditionTimedWait(condition: IOCondition, timeoutUs: number, options?: OperationOptions): Promise<IOCondition> {
    const c = checkCondition(condition);
    if (!Number.isInteger(timeoutUs) || timeoutUs < -1) {
      return Promise.reject(new TypeError(`Expected microseconds (or -1) for timeoutUs but received ${describe(timeoutUs)}`));
    }
    const ms = timeoutUs < 0 ? this.timeoutMs() : Math.max(1, Math.ceil(timeoutUs / 1000));
    return operation(this[kNative], options, ms, (done) => this[kNative].conditionWait(c, done));
  }

  /** Blocks at most `timeoutUs` microseconds for `condition` (g_socket_condition_timed_wait). */
  conditionTimedWaitSync(condition: IOCondition, timeoutUs: number): void {
    if (!Number.isInteger(timeoutUs) || timeoutUs < -1) {
      throw new TypeError(`Expected microseconds (or -1) for timeoutUs but received ${describe(timeoutUs)}`);
    }
    this[kNative].conditionTimedWaitSync(checkCondition(condition), timeoutUs);
  }

  // ---- state ----

  /** Bytes that can be read without blocking (g_socket_get_available_bytes); for datagrams, the next one's size. */
  getAvailableBytes(): number {
    return this[kNative].getAvailableBytes();
  }

  /** The peer's credentials (g_socket_get_credentials: SO_PEERCRED on a connected UNIX socket). */
  getCredentials(): Credentials {
    return new Credentials(this[kNative].getCredentials());
  }

  /** An integer socket option (g_socket_get_option → getsockopt). */
  getOption(level: number, optname: number): number {
    return this[kNative].getOption(checkInt(level, 'level'), checkInt(optname, 'optname'));
  }

  /**
   * Sets an integer socket option (g_socket_set_option → setsockopt). SO_PASSPIDFD is refused
   * (G_IO_ERROR_NOT_SUPPORTED): GIO drops SCM_PIDFD messages, so every pidfd would leak.
   */
  setOption(level: number, optname: number, value: number): void {
    this[kNative].setOption(checkInt(level, 'level'), checkInt(optname, 'optname'), checkInt(value, 'value'));
  }

  /** Whether the ...Sync calls block (GIO's default: true). Asynchronous calls never block. */
  get blocking(): boolean {
    return this[kNative].getProperty('blocking') as boolean;
  }
  set blocking(value: boolean) {
    this[kNative].setProperty('blocking', checkBoolean(value, 'blocking'));
  }

  /** SO_BROADCAST. */
  get broadcast(): boolean {
    return this[kNative].getProperty('broadcast') as boolean;
  }
  set broadcast(value: boolean) {
    this[kNative].setProperty('broadcast', checkBoolean(value, 'broadcast'));
  }

  /** SO_KEEPALIVE. */
  get keepalive(): boolean {
    return this[kNative].getProperty('keepalive') as boolean;
  }
  set keepalive(value: boolean) {
    this[kNative].setProperty('keepalive', checkBoolean(value, 'keepalive'));
  }

  /** The backlog {@link Socket.listen} uses (GIO's default: 10). Set it before listening. */
  get listenBacklog(): number {
    return this[kNative].getProperty('listenBacklog') as number;
  }
  set listenBacklog(value: number) {
    this[kNative].setProperty('listenBacklog', checkSize(value, 'listenBacklog'));
  }

  /** IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP (IP sockets only). */
  get multicastLoopback(): boolean {
    return this[kNative].getProperty('multicastLoopback') as boolean;
  }
  set multicastLoopback(value: boolean) {
    this[kNative].setProperty('multicastLoopback', checkBoolean(value, 'multicastLoopback'));
  }

  /** IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS (IP sockets only). */
  get multicastTtl(): number {
    return this[kNative].getProperty('multicastTtl') as number;
  }
  set multicastTtl(value: number) {
    this[kNative].setProperty('multicastTtl', checkSize(value, 'multicastTtl'));
  }

  /** IP_TTL / IPV6_UNICAST_HOPS (IP sockets only). */
  get ttl(): number {
    return this[kNative].getProperty('ttl') as number;
  }
  set ttl(value: number) {
    this[kNative].setProperty('ttl', checkSize(value, 'ttl'));
  }

  /**
   * Seconds an operation may wait before failing with G_IO_ERROR_TIMED_OUT; 0 (the default)
   * waits forever. Applies to promises and blocking ...Sync calls alike.
   */
  get timeout(): number {
    return this[kNative].getProperty('timeout') as number;
  }
  set timeout(value: number) {
    this[kNative].setProperty('timeout', checkSize(value, 'timeout'));
  }

  get family(): SocketFamily {
    return this[kNative].getProperty('family') as SocketFamily;
  }

  get socketType(): SocketType {
    return this[kNative].getProperty('socketType') as SocketType;
  }

  get protocol(): SocketProtocol {
    return this[kNative].getProperty('protocol') as SocketProtocol;
  }

  /** The socket's fd, owned by the socket (-1 once closed). */
  get fd(): number {
    return this[kNative].getProperty('fd') as number;
  }

  /** The bound address (g_socket_get_local_address). */
  get localAddress(): SocketAddress {
    return SocketAddressClass.fromNative(this[kNative].getLocalAddress());
  }

  /** The peer's address (g_socket_get_remote_address). */
  get remoteAddress(): SocketAddress {
    return SocketAddressClass.fromNative(this[kNative].getRemoteAddress());
  }

  isClosed(): boolean {
    return this[kNative].isClosed();
  }

  /** Whether connect() or accept() made this socket connected (g_socket_is_connected). */
  isConnected(): boolean {
    return this[kNative].isConnected();
  }

  /** Shuts down reading and/or writing (g_socket_shutdown). */
  shutdown(shutdownRead: boolean, shutdownWrite: boolean): void {
    this[kNative].shutdown(checkBoolean(shutdownRead, 'shutdownRead'), checkBoolean(shutdownWrite, 'shutdownWrite'));
  }

  /**
   * Closes the socket (g_socket_close). Pending operations reject with G_IO_ERROR_CLOSED.
   * Closing again does nothing.
   */
  close(): void {
    this[kNative].close();
  }

  /** Whether an IPv4 address can be used with this socket (g_socket_speaks_ipv4). */
  speaksIpv4(): boolean {
    return this[kNative].speaksIpv4();
  }

  /**
   * Joins a multicast group (g_socket_join_multicast_group). `iface`: an interface name, or
   * null for the default. `sourceSpecific` asks for source-specific multicast.
   */
  joinMulticastGroup(group: string, sourceSpecific = false, iface: string | null = null): void {
    this[kNative].multicastGroup(true, group, checkBoolean(sourceSpecific, 'sourceSpecific'), checkIface(iface), false);
  }

  /** Leaves a group joined with {@link Socket.joinMulticastGroup}. */
  leaveMulticastGroup(group: string, sourceSpecific = false, iface: string | null = null): void {
    this[kNative].multicastGroup(false, group, checkBoolean(sourceSpecific, 'sourceSpecific'), checkIface(iface), false);
  }

  /**
   * Joins a group, receiving only from `sourceSpecific` when given (source-specific
   * multicast, g_socket_join_multicast_group_ssm).
   */
  joinMulticastGroupSsm(group: string, sourceSpecific: string | null = null, iface: string | null = null): void {
    this[kNative].multicastGroup(true, group, checkSource(sourceSpecific), checkIface(iface), true);
  }

  /** Leaves a group joined with {@link Socket.joinMulticastGroupSsm}. */
  leaveMulticastGroupSsm(group: string, sourceSpecific: string | null = null, iface: string | null = null): void {
    this[kNative].multicastGroup(false, group, checkSource(sourceSpecific), checkIface(iface), true);
  }

  /**
   * The connection object for this socket (g_socket_connection_factory_create_connection):
   * a {@link UnixConnection} for UNIX sockets, a {@link TcpConnection} for TCP, otherwise a
   * {@link SocketConnection}. They share this socket.
   */
  connectionFactoryCreateConnection(): SocketConnection {
    // connection.ts imports this file; required here, when both are loaded.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { connectionFor } = require('./connection') as typeof import('./connection');
    return connectionFor(this, this[kNative].createConnection());
  }

  /** Pending operations keep the process alive (the default). */
  ref(): this {
    this[kNative].setRef(true);
    return this;
  }

  /** Pending operations no longer keep the process alive, like Node's handle.unref(). */
  unref(): this {
    this[kNative].setRef(false);
    return this;
  }

  private timeoutMs(): number {
    return (this[kNative].getProperty('timeout') as number) * 1000;
  }
}

function checkIface(iface: unknown): string | null {
  if (iface !== null && typeof iface !== 'string') {
    throw new TypeError(`Expected an interface name or null for iface but received ${describe(iface)}`);
  }
  return iface;
}

function checkSource(source: unknown): string | null {
  if (source !== null && typeof source !== 'string') {
    throw new TypeError(`Expected a source IP address or null for sourceSpecific but received ${describe(source)}`);
  }
  return source;
}

function outputMessages(messages: unknown): { address: ReturnType<typeof nativeAddress> | null; vectors: Buffer[] }[] {
  if (!Array.isArray(messages)) {
    throw new TypeError(`Expected an array of OutputMessage for messages but received ${describe(messages)}`);
  }
  return messages.map((m: OutputMessage) => ({
    address: m?.address ? nativeAddress(m.address, 'messages[].address') : null,
    vectors: toBuffers(m?.vectors, 'messages[].vectors'),
  }));
}

/** @internal A Socket for a native socket the addon made (accept, socketpair). */
export function wrapSocket(nativeSocket: NativeSocket): Socket {
  const socket = Object.create(Socket.prototype) as Socket;
  Object.defineProperty(socket, kNative, { value: nativeSocket });
  return socket;
}
