// Starts test/helpers/http-server-process.js in its own process and gives its base URL.
import { startServerProcess } from './server-process';

export interface TestServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startHttpServer(): Promise<TestServer> {
  const server = await startServerProcess<{ port: number }>('http-server-process.js', { name: 'test server', keepPreload: true });
  const { port } = server.hello;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: server.close,
  };
}

/** The bytes /bytes/N serves. */
export function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = 97 + (i % 26);
  return b;
}
