// Starts one of the test servers (test/helpers/*-process.js) as a child process: the child
// prints one JSON line (its ports) once it listens, and is killed by close().
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';

export interface ServerProcess<Hello> {
  /** The child's first line, parsed. */
  hello: Hello;
  /** Kills the child; resolves once it has exited. */
  close(): Promise<void>;
}

export interface ServerProcessOptions {
  /** What `name`'s failure to start is called in the error. */
  name: string;
  /** Keeps the sanitizer preload of scripts/test-asan.sh in the child (off by default: the server is not what such a run checks). */
  keepPreload?: boolean;
}

export async function startServerProcess<Hello>(script: string, options: ServerProcessOptions): Promise<ServerProcess<Hello>> {
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, script)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: options.keepPreload ? process.env : { ...process.env, LD_PRELOAD: '' },
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', (l) => {
      rl.close();
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`${options.name} exited with ${code}`)));
  });
  return {
    hello: JSON.parse(line) as Hello,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
