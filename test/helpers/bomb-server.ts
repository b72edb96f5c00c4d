// Starts test/helpers/bomb-server-process.js (floods and decompression bombs) in its own
// process, and reads back what it received.
import * as http from 'node:http';
import { startServerProcess } from './server-process';

export interface BombServer {
  url: string;
  /** What PUT/POST /upload/NAME received: the request head and every byte after it. */
  upload(name: string): Promise<{ head: string; body: Buffer; closed: boolean } | null>;
  close(): Promise<void>;
}

export async function startBombServer(): Promise<BombServer> {
  const server = await startServerProcess<{ port: number }>('bomb-server-process.js', { name: 'bomb server' });
  const { port } = server.hello;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    upload: (name) =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        const req = http.get(`${url}/uploads/${name}`, { agent: false }, (res) => {
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const r = JSON.parse(Buffer.concat(chunks).toString()) as { head: string; body: string; closed: boolean } | null;
            resolve(r && { head: r.head, body: Buffer.from(r.body, 'base64'), closed: r.closed });
          });
        });
        req.on('error', reject);
      }),
    close: server.close,
  };
}
