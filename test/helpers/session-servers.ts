// TLS servers for the Session tests: a self-signed certificate made at test time with the
// openssl CLI, an https server and an HTTP/2 (ALPN h2) server that count connections and
// concurrent streams, and the forward proxy of session-proxy-process.js.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';

export interface Certificate {
  dir: string;
  certFile: string;
  key: Buffer;
  cert: Buffer;
}

export function makeCertificate(): Certificate {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-cert-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  return { dir, certFile, key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) };
}

export interface TlsServer {
  url: string;
  port: number;
  connections: number;
  maxConcurrentStreams: number;
  close(): Promise<void>;
}

function listen(server: https.Server | http2.Http2SecureServer, state: TlsServer): Promise<TlsServer> {
  server.on('secureConnection', () => state.connections++);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      state.port = (server.address() as { port: number }).port;
      state.url = `https://127.0.0.1:${state.port}`;
      state.close = () =>
        new Promise<void>((r) => {
          server.close(() => r());
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
      resolve(state);
    }),
  );
}

/** An https/1.1 server: /hello and /slow/MS. */
export function startHttpsServer(cert: Certificate): Promise<TlsServer> {
  const state: TlsServer = { url: '', port: 0, connections: 0, maxConcurrentStreams: 0, close: async () => undefined };
  const server = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    if (req.url?.startsWith('/slow/')) return void setTimeout(() => res.end('slow'), Number(req.url.slice(6)));
    res.end('secure hello');
  });
  return listen(server, state);
}

/** An HTTP/2 server (ALPN h2 only): /slow/MS answers after MS; counts concurrent streams. */
export function startHttp2Server(cert: Certificate): Promise<TlsServer> {
  const state: TlsServer = { url: '', port: 0, connections: 0, maxConcurrentStreams: 0, close: async () => undefined };
  let active = 0;
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createSecureServer({ key: cert.key, cert: cert.cert, allowHTTP1: false }, (req, res) => {
    active++;
    state.maxConcurrentStreams = Math.max(state.maxConcurrentStreams, active);
    const ms = req.url.startsWith('/slow/') ? Number(req.url.slice(6)) : 0;
    setTimeout(() => {
      active--;
      res.end(`h2 ${req.httpVersion}`);
    }, ms);
  });
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  return listen(server, state).then((st) => {
    const close = st.close;
    st.close = () => {
      for (const s of sessions) s.destroy();
      return close();
    };
    return st;
  });
}

export interface ProxyServer {
  url: string;
  log(): Promise<Array<{ kind: string; url: string; method?: string }>>;
  close(): Promise<void>;
}

/** `auth` ("user:pass"): the proxy demands these Basic credentials (407 without them). */
export async function startProxy(options: { auth?: string } = {}): Promise<ProxyServer> {
  const args = [path.join(__dirname, 'session-proxy-process.js')];
  if (options.auth !== undefined) args.push(`--auth=${options.auth}`);
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', (l) => {
      rl.close();
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`proxy exited with ${code}`)));
  });
  const { port } = JSON.parse(line) as { port: number };
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    log: async () => {
      const res = await fetch(`${url}/proxy-log`);
      return (await res.json()) as Array<{ kind: string; url: string; method?: string }>;
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

export interface ScriptServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Runs `script` (CommonJS source that listens and prints {"port"} on one line) in a child
 * process, so a client blocked in sendMessage does not starve it: the servers of libsoup's
 * own tests, reproduced in test/session/libsoup-*.test.ts.
 */
export async function startScriptServer(script: string): Promise<ScriptServer> {
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LD_PRELOAD: '' } });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', (l) => {
      rl.close();
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
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
