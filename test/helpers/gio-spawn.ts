// Separate processes for test/gio: node peers running lib/gio from source, Python peers.
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';

const helpers = __dirname;

/** A spawned peer that prints one JSON object per line on stdout. */
export class Peer {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private readonly lines: string[] = [];
  private readonly waiters: ((line: string) => void)[] = [];
  private stderr = '';

  /** `inherit`: an fd of ours the child gets as its fd 3; `uid` / `gid`: run it as them (root only). */
  constructor(
    command: string,
    args: string[],
    options: { shell?: boolean; inherit?: number; uid?: number; gid?: number; env?: NodeJS.ProcessEnv } = {},
  ) {
    const stdio: ('pipe' | number)[] = ['pipe', 'pipe', 'pipe'];
    if (options.inherit !== undefined) stdio.push(options.inherit);
    this.child = spawn(command, args, {
      stdio,
      env: options.env ?? process.env,
      shell: options.shell,
      uid: options.uid,
      gid: options.gid,
    });
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(line);
      else this.lines.push(line);
    });
    this.child.stderr!.on('data', (d) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** The next JSON line, or an error carrying the peer's stderr if it exits first. */
  async next<T = Record<string, unknown>>(timeoutMs = 20000): Promise<T> {
    const line =
      this.lines.shift() ??
      (await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`peer said nothing in ${timeoutMs} ms: ${this.stderr}`)), timeoutMs);
        this.exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`peer exited (${code}) before saying anything: ${this.stderr}`));
        });
        this.waiters.push((l) => {
          clearTimeout(timer);
          resolve(l);
        });
      }));
    const value = JSON.parse(line) as T & { fatal?: string };
    if (value.fatal) throw new Error(`peer failed: ${value.fatal}`);
    return value;
  }

  get pid(): number {
    return this.child.pid!;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
  }
}

/** A node process running test/helpers/`script` with lib/ loaded from TypeScript. */
export function nodePeer(script: string, args: string[]): Peer {
  return new Peer(process.execPath, ['-r', path.join(helpers, 'gio-ts-register.js'), path.join(helpers, script), ...args]);
}

/** The same, under `ulimit -n limit` (RLIMIT_NOFILE), through sh. */
export function nodePeerWithFdLimit(limit: number, script: string, args: string[]): Peer {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, '-r', path.join(helpers, 'gio-ts-register.js'), path.join(helpers, script), ...args]
    .map(quote)
    .join(' ');
  return new Peer('/bin/sh', ['-c', `ulimit -n ${limit} && exec ${command}`]);
}

/**
 * The environment for a Python peer: without the sanitizer run's LD_PRELOAD (scripts/test-asan.sh
 * preloads libasan for Node; in Python, LeakSanitizer would fail every exit and the peers would
 * look absent).
 */
export function pythonEnv(): NodeJS.ProcessEnv {
  const { LD_PRELOAD: _preload, ...env } = process.env;
  return env;
}

/** A Python peer (`python` is the interpreter: python3 for the stdlib, Debian's for PyGObject). */
export function pythonPeer(python: string, script: string, args: string[]): Peer {
  return new Peer(python, [path.join(helpers, script), ...args], { env: pythonEnv() });
}

/**
 * test/helpers/gio-fd-writer.js with `socketFd` (one end of a connected UNIX socket) as its
 * fd 3: a process that writes to a socket it neither created nor connected. `write-byte` runs
 * plain Node; `send-credentials` loads lib/gio from source.
 */
export function fdWriterPeer(
  mode: 'write-byte' | 'send-credentials' | 'receive-fd-write',
  socketFd: number,
  ids: { uid?: number; gid?: number } = {},
  extra: string[] = [],
): Peer {
  const script = path.join(helpers, 'gio-fd-writer.js');
  const args =
    mode === 'write-byte' ? [script, mode] : ['-r', path.join(helpers, 'gio-ts-register.js'), script, mode, ...extra];
  return new Peer(process.execPath, args, { inherit: socketFd, ...ids });
}
