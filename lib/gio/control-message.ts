// GSocketControlMessage: ancillary data sent and received with sendMessage/receiveMessage.
import type { NativeControlMessage } from './binding';
import { Credentials } from './credentials';
import { gio } from './binding';

/** Ancillary data of a message (GSocketControlMessage). */
export abstract class SocketControlMessage {
  /** @internal */
  abstract toNative(): NativeControlMessage;

  /** @internal */
  static fromNative(value: NativeControlMessage): SocketControlMessage {
    switch (value.type) {
      case 'fds':
        return new UnixFDMessage(value.fds);
      case 'credentials':
        return new UnixCredentialsMessage(new Credentials(value.credentials!));
      default:
        return new UnknownControlMessage(value.level, value.msgType, value.data);
    }
  }
}

/**
 * File descriptors passed over a UNIX socket (GUnixFDMessage, SCM_RIGHTS).
 *
 * Sending: the fds are duplicated when the send starts, so the caller keeps (and may close)
 * its own at once. Receiving: the fds belong to the receiver, which must close them.
 * At most 253 (SCM_MAX_FD) fit in one message.
 */
export class UnixFDMessage extends SocketControlMessage {
  readonly fds: number[];

  constructor(fds: readonly number[] = []) {
    super();
    if (!Array.isArray(fds) || !fds.every((fd) => Number.isInteger(fd) && fd >= 0)) {
      throw new TypeError('Expected an array of file descriptors (non-negative integers) for fds');
    }
    if (fds.length > gio.maxFdsPerMessage) {
      throw new RangeError(
        `Expected at most ${gio.maxFdsPerMessage} file descriptors in one message (SCM_MAX_FD) but received ${fds.length}`,
      );
    }
    this.fds = [...fds];
  }

  /** Adds one more fd (g_unix_fd_message_append_fd). */
  appendFd(fd: number): void {
    if (!Number.isInteger(fd) || fd < 0) throw new TypeError(`Expected a file descriptor for fd but received ${fd}`);
    if (this.fds.length >= gio.maxFdsPerMessage) {
      throw new RangeError(`At most ${gio.maxFdsPerMessage} file descriptors fit in one message (SCM_MAX_FD)`);
    }
    this.fds.push(fd);
  }

  /** @internal */
  toNative(): NativeControlMessage {
    return { type: 'fds', fds: this.fds };
  }
}

/**
 * Credentials passed over a UNIX socket (GUnixCredentialsMessage, SCM_CREDENTIALS). Without
 * an argument, this process's own; the kernel refuses others' unless privileged.
 */
export class UnixCredentialsMessage extends SocketControlMessage {
  readonly credentials: Credentials;

  constructor(credentials: Credentials = Credentials.current()) {
    super();
    if (!(credentials instanceof Credentials)) throw new TypeError('Expected Credentials for credentials');
    this.credentials = credentials;
  }

  /** @internal */
  toNative(): NativeControlMessage {
    return { type: 'credentials', credentials: this.credentials.toNative() };
  }
}

/** Ancillary data GIO has no class for (level, type and raw bytes). Receive-only. */
export class UnknownControlMessage extends SocketControlMessage {
  constructor(
    readonly level: number,
    readonly msgType: number,
    readonly data: Buffer,
  ) {
    super();
  }

  /** @internal */
  toNative(): NativeControlMessage {
    throw new TypeError('UnknownControlMessage cannot be sent');
  }
}
