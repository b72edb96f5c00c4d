// Starts test/helpers/fault-server-process.js (servers that misbehave on purpose) and counts
// this process's open fds, for the fault and hostile-input tests.
import * as fs from 'node:fs';
import * as http from 'node:http';
import { startServerProcess } from './server-process';

export interface FaultServer {
  /** http://127.0.0.1:port of the misbehaving HTTP server (and refusing proxy). */
  url: string;
  /** A port that answers a TLS ClientHello with bytes that are not TLS. */
  tlsGarbagePort: number;
  /** A port nothing listens on. */
  refusedPort: number;
  /** Every request the server saw, in order (GET /log). */
  requests(): Promise<Array<{ conn: number; method: string; path: string; headers: Record<string, string>; body: string }>>;
  close(): Promise<void>;
}

export async function startFaultServer(): Promise<FaultServer> {
  const server = await startServerProcess<{ port: number; tlsGarbagePort: number; refusedPort: number }>('fault-server-process.js', { name: 'fault server' });
  const { port, tlsGarbagePort, refusedPort } = server.hello;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    tlsGarbagePort,
    refusedPort,
    // node:http without an agent: no kept-alive socket stays behind in this process's fd count.
    requests: () =>
      new Promise((resolve, reject) => {
        // Resolves once the socket is closed, not merely once the body arrived.
        const chunks: Buffer[] = [];
        const req = http.get(`${url}/log`, { agent: false }, (res) => res.on('data', (c: Buffer) => chunks.push(c)));
        req.on('error', reject);
        req.on('close', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
      }),
    close: server.close,
  };
}

export function openFds(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

/** Waits (a little) for the fd count to come back to `before`, and returns it. */
export async function fdsSettled(before: number): Promise<number> {
  for (let i = 0; i < 50 && openFds() > before; i++) await new Promise((r) => setTimeout(r, 10));
  return openFds();
}
