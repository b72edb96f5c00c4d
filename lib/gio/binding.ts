// The native GIO classes as binding/gio exports them. Asynchronous methods take a callback
// last and return an operation id (0 when the operation finished at once); the TypeScript
// classes turn them into promises. The ...Now methods make one non-blocking attempt and return
// the result, or undefined if the call would have to wait. Not public API.
import { native } from '../native';

/** A GSocketAddress as it crosses the boundary (binding/gio/address.cc). */
export interface NativeAddress {
  family: number;
  path?: Buffer;
  addressType?: number;
  address?: string;
  port?: number;
  flowinfo?: number;
  scopeId?: number;
}

export interface NativeCredentials {
  pid: number;
  uid: number;
  gid: number;
}

export type NativeControlMessage =
  | { type: 'fds'; fds: number[] }
  | { type: 'credentials'; credentials?: NativeCredentials }
  | { type: 'unknown'; level: number; msgType: number; data: Buffer };

export interface NativeReceived {
  bytes: number;
  address: NativeAddress | null;
  controlMessages: NativeControlMessage[];
  flags: number;
}

export interface NativeOutputMessage {
  address: NativeAddress | null;
  vectors: Buffer[];
}

export type NativeCallback<T> = (error: Error | null, result: T) => void;

/** What ReceiveAncillary receives (binding/gio/messages.h, enum class Ancillary). */
export const AncillaryKind = { OneFd: 0, Fds: 1, Credentials: 2 } as const;
export type AncillaryKind = (typeof AncillaryKind)[keyof typeof AncillaryKind];

export interface NativeSocket {
  bind(address: NativeAddress, allowReuse: boolean): void;
  listen(): void;
  getLocalAddress(): NativeAddress;
  getRemoteAddress(): NativeAddress;
  acceptSync(): NativeSocket;
  connectSync(address: NativeAddress): void;
  checkConnectResult(): void;
  receiveSync(buffer: Buffer, wantAddress: boolean): { bytes: number; address: NativeAddress | null };
  receiveMessageSync(vectors: Buffer[], flags: number): NativeReceived;
  receiveMessagesSync(messages: Buffer[][], flags: number): NativeReceived[];
  sendSync(buffer: Buffer, address: NativeAddress | null): number;
  sendMessageSync(address: NativeAddress | null, vectors: Buffer[], control: NativeControlMessage[], flags: number): number;
  sendMessagesSync(messages: NativeOutputMessage[], flags: number): number;
  conditionCheck(condition: number): number;
  conditionWaitSync(condition: number): void;
  conditionTimedWaitSync(condition: number, timeoutUs: number): void;
  sendFdSync(fd: number): void;
  sendFdsSync(fds: number[], data: Buffer | undefined): number;
  receiveAncillarySync(kind: AncillaryKind): unknown;
  sendCredentialsSync(): void;

  accept(callback: NativeCallback<NativeSocket>): number;
  connect(address: NativeAddress, callback: NativeCallback<void>): number;
  receive(
    buffer: Buffer,
    wantAddress: boolean,
    callback: NativeCallback<{ bytes: number; address: NativeAddress | null }>,
  ): number;
  receiveMessage(vectors: Buffer[], flags: number, callback: NativeCallback<NativeReceived>): number;
  receiveMessages(messages: Buffer[][], flags: number, callback: NativeCallback<NativeReceived[]>): number;
  send(buffer: Buffer, address: NativeAddress | null, callback: NativeCallback<number>): number;
  sendMessage(
    address: NativeAddress | null,
    vectors: Buffer[],
    control: NativeControlMessage[],
    flags: number,
    callback: NativeCallback<number>,
  ): number;
  sendMessage(fds: number[], data: Buffer | undefined, callback: NativeCallback<number>): number;
  sendMessages(messages: NativeOutputMessage[], flags: number, callback: NativeCallback<number>): number;
  sendFd(fd: number, callback: NativeCallback<void>): number;
  conditionWait(condition: number, callback: NativeCallback<number>): number;
  receiveAncillary(kind: AncillaryKind, callback: NativeCallback<unknown>): number;
  cancel(id: number): boolean;
  /** One non-blocking attempt; undefined when it would have to wait (nothing is left pending). */
  receiveAncillaryNow(kind: AncillaryKind): unknown;
  sendFdNow(fd: number): true | undefined;

  getAvailableBytes(): number;
  getCredentials(): NativeCredentials;
  getOption(level: number, name: number): number;
  setOption(level: number, name: number, value: number): void;
  getProperty(name: string): number | boolean;
  setProperty(name: string, value: number | boolean): void;
  isClosed(): boolean;
  isConnected(): boolean;
  shutdown(read: boolean, write: boolean): void;
  close(): void;
  speaksIpv4(): boolean;
  multicastGroup(join: boolean, group: string, source: boolean | string | null, iface: string | null, ssm: boolean): void;
  createConnection(): string;
  setRef(ref: boolean): void;
}

export interface GioBinding {
  GioSocket: {
    new (family: number, type: number, protocol: number): NativeSocket;
    fromFd(fd: number): NativeSocket;
    socketPair(type: number): [NativeSocket, NativeSocket];
  };
  setErrorClass(errorClass: new (message: string, domain: string, code: number) => Error): void;
  credentialsCurrent(): NativeCredentials;
  maxFdsPerMessage: number;
}

export const gio = (native as { gio: GioBinding }).gio;
