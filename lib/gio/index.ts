// curlio's GIO half: GSocket, GUnixConnection, GCredentials and GSocketAddress, Node-shaped.
export { SocketAddress, UnixSocketAddress, InetSocketAddress } from './address';
export { Credentials } from './credentials';
export {
  SocketControlMessage,
  UnixFDMessage,
  UnixCredentialsMessage,
  UnknownControlMessage,
} from './control-message';
export { SocketConnection, TcpConnection, UnixConnection, type FdSource } from './connection';
export { IOCondition, SocketFamily, SocketMsgFlags, SocketProtocol, SocketType, UnixSocketAddressType } from './enums';
export { GioError, G_IO_ERROR } from './errors';
export { IOErrorEnum } from './io-error-enum.generated';
export type { OperationOptions } from './operation';
export { Socket, type BufferSource, type InputMessage, type OutputMessage } from './socket';
