// Starts test/helpers/hostile-server-process.js (floods, endless headers and trailers, 1xx
// floods, bad Location schemes, smuggling bait, bombs) for test/faults/hostile*.test.ts.
import { startServerProcess } from './server-process';

export interface HostileServer {
  /** http://127.0.0.1:port */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  const server = await startServerProcess<{ port: number }>('hostile-server-process.js', { name: 'hostile server' });
  const { port } = server.hello;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: server.close,
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
