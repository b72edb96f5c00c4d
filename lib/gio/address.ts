// GSocketAddress and its two kinds: plain values in JavaScript, real GSocketAddress objects
// (g_unix_socket_address_new_with_type, GInetSocketAddress) on the native side.
import * as net from 'node:net';

import type { NativeAddress } from './binding';
import { SocketFamily, UnixSocketAddressType } from './enums';

/** sun_path holds 108 bytes; a filesystem path needs its terminating NUL. */
const UNIX_PATH_MAX = 108;

/** A socket address (GSocketAddress): {@link UnixSocketAddress} or {@link InetSocketAddress}. */
export abstract class SocketAddress {
  /** The address family. */
  abstract readonly family: SocketFamily;
  /** @internal The shape binding/gio/address.cc reads. */
  abstract toNative(): NativeAddress;

  /** @internal An address the addon returned. */
  static fromNative(value: NativeAddress): SocketAddress {
    if (value.family === SocketFamily.UNIX) {
      return new UnixSocketAddress(value.path ?? Buffer.alloc(0), value.addressType ?? UnixSocketAddressType.PATH);
    }
    return new InetSocketAddress(value.address ?? '', value.port ?? 0, {
      flowinfo: value.flowinfo,
      scopeId: value.scopeId,
    });
  }
}

/**
 * A UNIX-domain address (GUnixSocketAddress): a filesystem path, or a Linux abstract name
 * ({@link UnixSocketAddress.abstract}).
 */
export class UnixSocketAddress extends SocketAddress {
  readonly family = SocketFamily.UNIX;
  /** The path, or the abstract name (without its leading NUL), as UTF-8. */
  readonly path: string;
  /** The same bytes, for paths that are not UTF-8. */
  readonly pathBuffer: Buffer;
  readonly addressType: UnixSocketAddressType;

  /**
   * @param path A filesystem path (string or raw bytes).
   * @param addressType PATH (the default); ABSTRACT / ABSTRACT_PADDED for Linux's abstract
   *   namespace; ANONYMOUS for an unbound socket.
   */
  constructor(path: string | Buffer, addressType: UnixSocketAddressType = UnixSocketAddressType.PATH) {
    super();
    if (typeof path !== 'string' && !Buffer.isBuffer(path)) {
      throw new TypeError(`Expected a string or Buffer for path but received ${describe(path)}`);
    }
    if (!Object.values(UnixSocketAddressType).includes(addressType) || addressType === UnixSocketAddressType.INVALID) {
      throw new TypeError(`Expected a UnixSocketAddressType for addressType but received ${describe(addressType)}`);
    }
    const bytes = Buffer.isBuffer(path) ? Buffer.from(path) : Buffer.from(path, 'utf8');
    // A path needs its terminating NUL; an abstract name its leading one.
    const room = UNIX_PATH_MAX - 1;
    if (bytes.length > room) {
      throw new RangeError(`Expected a UNIX socket path of at most ${room} bytes but received ${bytes.length}`);
    }
    if (addressType === UnixSocketAddressType.PATH && bytes.length === 0) {
      throw new RangeError('Expected a non-empty UNIX socket path');
    }
    this.pathBuffer = bytes;
    this.path = bytes.toString('utf8');
    this.addressType = addressType;
  }

  /** An address in Linux's abstract namespace (no file; vanishes with the socket). */
  static abstract(name: string | Buffer): UnixSocketAddress {
    return new UnixSocketAddress(name, UnixSocketAddressType.ABSTRACT);
  }

  /** @internal */
  toNative(): NativeAddress {
    return { family: SocketFamily.UNIX, path: this.pathBuffer, addressType: this.addressType };
  }

  override toString(): string {
    return this.addressType === UnixSocketAddressType.PATH ? this.path : `@${this.path}`;
  }
}

/** An IPv4 or IPv6 address and port (GInetSocketAddress). No name resolution: IP literals only. */
export class InetSocketAddress extends SocketAddress {
  readonly family: SocketFamily.IPV4 | SocketFamily.IPV6;
  /** The IP address in its canonical text form. */
  readonly address: string;
  readonly port: number;
  /** IPv6 flow information (sin6_flowinfo). */
  readonly flowinfo: number;
  /** IPv6 scope id (sin6_scope_id), e.g. an interface index for link-local addresses. */
  readonly scopeId: number;

  constructor(address: string, port: number, options: { flowinfo?: number; scopeId?: number } = {}) {
    super();
    const version = typeof address === 'string' ? net.isIP(address) : 0;
    if (version === 0) {
      throw new TypeError(`Expected an IPv4 or IPv6 address for address but received ${describe(address)}`);
    }
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError(`Expected an integer from 0 to 65535 for port but received ${describe(port)}`);
    }
    this.family = version === 4 ? SocketFamily.IPV4 : SocketFamily.IPV6;
    this.address = address;
    this.port = port;
    this.flowinfo = uint32(options.flowinfo ?? 0, 'flowinfo');
    this.scopeId = uint32(options.scopeId ?? 0, 'scopeId');
  }

  /** @internal */
  toNative(): NativeAddress {
    return { family: this.family, address: this.address, port: this.port, flowinfo: this.flowinfo, scopeId: this.scopeId };
  }

  override toString(): string {
    return this.family === SocketFamily.IPV6 ? `[${this.address}]:${this.port}` : `${this.address}:${this.port}`;
  }
}

function uint32(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`Expected an unsigned 32-bit integer for ${what} but received ${describe(value)}`);
  }
  return value;
}

/** @internal For error messages: what a wrong value was. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}...` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`;
  return typeof value;
}

/** @internal */
export function nativeAddress(address: unknown, what: string): NativeAddress {
  if (!(address instanceof SocketAddress)) {
    throw new TypeError(`Expected a SocketAddress for ${what} but received ${describe(address)}`);
  }
  return address.toNative();
}
