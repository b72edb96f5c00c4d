// GIO's enumerations, with GLib's values (gio/gioenums.h, glib/giochannel.h).

/** GSocketFamily: the address family of a socket (AF_UNIX, AF_INET, AF_INET6). */
export enum SocketFamily {
  INVALID = 0,
  UNIX = 1,
  IPV4 = 2,
  IPV6 = 10,
}

/** GSocketType. */
export enum SocketType {
  INVALID = 0,
  STREAM = 1,
  DATAGRAM = 2,
  SEQPACKET = 3,
}

/** GSocketProtocol: DEFAULT picks the family's usual protocol for the type. */
export enum SocketProtocol {
  UNKNOWN = -1,
  DEFAULT = 0,
  TCP = 6,
  UDP = 17,
  SCTP = 132,
}

/** GIOCondition: what a socket is ready for (poll(2)'s POLLIN, POLLOUT, ...). */
export enum IOCondition {
  IN = 1,
  PRI = 2,
  OUT = 4,
  ERR = 8,
  HUP = 16,
  NVAL = 32,
}

/** GSocketMsgFlags, plus the flags recvmsg(2) reports back (MSG_TRUNC, MSG_CTRUNC). */
export enum SocketMsgFlags {
  NONE = 0,
  OOB = 1,
  PEEK = 2,
  DONTROUTE = 4,
  /** Reported: the datagram was longer than the buffers. */
  TRUNC = 0x20,
  /** Reported: ancillary data was cut (receive calls fail with a GioError instead). */
  CTRUNC = 0x08,
}

/** GUnixSocketAddressType. */
export enum UnixSocketAddressType {
  INVALID = 0,
  ANONYMOUS = 1,
  PATH = 2,
  ABSTRACT = 3,
  ABSTRACT_PADDED = 4,
}
