// GCredentials: who is on the other end of a UNIX socket.
import { gio, type NativeCredentials } from './binding';

/**
 * A process's credentials (GCredentials, Linux's `struct ucred`): from
 * {@link Socket.getCredentials} (SO_PEERCRED) or {@link UnixConnection.receiveCredentials}
 * (SCM_CREDENTIALS), checked by the kernel.
 */
export class Credentials {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;

  constructor(init: { pid: number; uid: number; gid: number }) {
    for (const key of ['pid', 'uid', 'gid'] as const) {
      if (!Number.isInteger(init?.[key]) || init[key] < 0) {
        throw new TypeError(`Expected a non-negative integer for ${key} but received ${String(init?.[key])}`);
      }
    }
    this.pid = init.pid;
    this.uid = init.uid;
    this.gid = init.gid;
  }

  /** This process's credentials (g_credentials_new). */
  static current(): Credentials {
    return new Credentials(gio.credentialsCurrent());
  }

  /** Whether both belong to the same user (g_credentials_is_same_user). */
  isSameUser(other: Credentials): boolean {
    return this.uid === other.uid;
  }

  /** @internal */
  toNative(): NativeCredentials {
    return { pid: this.pid, uid: this.uid, gid: this.gid };
  }

  /** g_credentials_to_string()'s format. */
  toString(): string {
    return `GCredentials:linux-ucred:pid=${this.pid},uid=${this.uid},gid=${this.gid}`;
  }
}
