// Starts test/helpers/hostile-server-process.js (floods, endless headers and trailers, 1xx
// floods, bad Location schemes, smuggling bait, bombs) for test/faults/hostile*.test.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';

export interface HostileServer {
  /** http://127.0.0.1:port */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'hostile-server-process.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    // The server is not what a sanitizer run checks (scripts/test-asan.sh preloads libasan).
    env: { ...process.env, LD_PRELOAD: '' },
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', (l) => {
      rl.close();
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`hostile server exited with ${code}`)));
  });
  const { port } = JSON.parse(line) as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/** Runs `fn` while a 10 ms interval ticks; returns its result and the longest gap between ticks (ms). */
export async function withLoopWatch<T>(fn: () => Promise<T>): Promise<{ result: T; worstGap: number }> {
  let last = performance.now();
  let worstGap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worstGap = Math.max(worstGap, now - last);
    last = now;
  }, 10);
  try {
    const result = await fn();
    worstGap = Math.max(worstGap, performance.now() - last);
    return { result, worstGap };
  } finally {
    clearInterval(timer);
  }
}
