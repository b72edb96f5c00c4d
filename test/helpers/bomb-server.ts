// Starts test/helpers/bomb-server-process.js (floods and decompression bombs) in its own
// process, and reads back what it received.
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import * as readline from 'node:readline';

export interface BombServer {
  url: string;
  /** What PUT/POST /upload/NAME received: the request head and every byte after it. */
  upload(name: string): Promise<{ head: string; body: Buffer; closed: boolean } | null>;
  close(): Promise<void>;
}

export async function startBombServer(): Promise<BombServer> {
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'bomb-server-process.js')], {
    stdio: ['pipe', 'pipe', 'inherit'],
    // The server is not what a sanitizer run checks (scripts/test-asan.sh preloads libasan).
    env: { ...process.env, LD_PRELOAD: '' },
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', (l) => {
      rl.close();
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`bomb server exited with ${code}`)));
  });
  const { port } = JSON.parse(line) as { port: number };
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
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
