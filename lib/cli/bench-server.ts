// The loopback server `curlio bench` measures against when no --url is given, run in its own
// process so that serving does not share a thread with the clients being timed. Prints
// {"port": N, "ca": PATH|null} once listening; leaves when its parent closes stdin.
// With --http2 it serves HTTP/2 over TLS with a certificate made for 127.0.0.1 at start
// (HTTP/2 is negotiated with ALPN, as browsers and libcurl's Session do it).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const BODY = Buffer.from('hello world\n');

const handler = (_req: unknown, res: http.ServerResponse | http2.Http2ServerResponse): void => {
  res.setHeader('content-type', 'text/plain');
  res.setHeader('content-length', BODY.length);
  res.end(BODY);
};

/** A self-signed certificate for 127.0.0.1, made with the openssl command. */
function makeCertificate(dir: string): { key: string; cert: string } {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert],
    { stdio: 'ignore' },
  );
  return { key, cert };
}

let server: http.Server | http2.Http2SecureServer;
let ca: string | null = null;
if (process.argv.includes('--http2')) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-bench-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const { key, cert } = makeCertificate(dir);
  ca = cert;
  server = http2.createSecureServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert), allowHTTP1: true }, handler);
} else {
  server = http.createServer({ keepAliveTimeout: 60_000 }, handler);
}
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port, ca }) + '\n');
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
