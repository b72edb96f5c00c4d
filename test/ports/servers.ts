// The local peers curl's examples talk to in place of example.com: one HTTP/1.1 server,
// and one TLS server (certificate made at test time) speaking HTTP/2 with HTTP/1.1 as
// fallback, which pushes a stream on /push. Both serve the same routes:
//   /echo        JSON { method, url, headers, body } of the request
//   /bytes/N     N bytes of 'abc...z' repeated
//   /slow/MS     'slow' after MS milliseconds
//   /redirect    302 to /landed
//   /cookies     sets two cookies and echoes the Cookie header it got
//   /headers     three Set-Cookie-free headers of interest to the header API
//   /auth        401 Basic unless user:password, then as /echo
//   /push        (HTTP/2) pushes /pushed.txt, then answers 'pushed parent'
//   anything else: 'hello from PATH\n'
import * as http from 'node:http';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { makeCertificate, type Certificate } from '../helpers/session-servers';

export interface PortServers {
  http: string;
  https: string;
  cert: Certificate;
  requests: { method: string; url: string; httpVersion: string; headers: http.IncomingHttpHeaders; remotePort: number }[];
  close(): Promise<void>;
}

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = 97 + (i % 26);
  return b;
}

export async function startPortServers(): Promise<PortServers> {
  const cert = makeCertificate();
  const requests: PortServers['requests'] = [];
  const handle = (req: Req, res: Res): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      requests.push({ method: req.method ?? '', url, httpVersion: req.httpVersion, headers: req.headers, remotePort: req.socket?.remotePort ?? 0 });
      const body = Buffer.concat(chunks);
      const r = res as http.ServerResponse;
      if (url.startsWith('/echo')) {
        r.setHeader('content-type', 'application/json');
        return void r.end(JSON.stringify({ method: req.method, url, headers: req.headers, body: body.toString('latin1') }));
      }
      if (url.startsWith('/bytes/')) return void r.end(pattern(Number(url.slice(7))));
      if (url.startsWith('/slow/')) return void setTimeout(() => r.end('slow'), Number(url.slice(6)));
      if (url === '/redirect') {
        r.statusCode = 302;
        r.setHeader('location', '/landed');
        return void r.end('moved');
      }
      if (url.startsWith('/cookies')) {
        r.setHeader('set-cookie', ['flavour=chocolate; Path=/', 'size=large; Path=/']);
        return void r.end(`cookie header: ${req.headers.cookie ?? '(none)'}\n`);
      }
      if (url.startsWith('/auth')) {
        // Basic auth for user:password; the 401 comes after the whole body was read.
        if (req.headers.authorization !== `Basic ${Buffer.from('user:password').toString('base64')}`) {
          r.statusCode = 401;
          r.setHeader('www-authenticate', 'Basic realm="ports"');
          return void r.end('who are you?\n');
        }
        r.setHeader('content-type', 'application/json');
        return void r.end(JSON.stringify({ method: req.method, url, headers: req.headers, body: body.toString('latin1') }));
      }
      if (url.startsWith('/headers')) {
        r.setHeader('x-example', ['one', 'two']);
        r.setHeader('content-type', 'text/plain');
        return void r.end('headers\n');
      }
      if (url === '/push' && 'stream' in res && res.stream.pushAllowed) {
        res.stream.pushStream({ ':path': '/pushed.txt' }, (err, push) => {
          if (!err) {
            push.respond({ ':status': 200, 'content-type': 'text/plain' });
            push.end('pushed body\n');
          }
          r.end('pushed parent\n');
        });
        return;
      }
      r.end(`hello from ${url}\n`);
    });
  };
  const plain = http.createServer(handle);
  const secure = http2.createSecureServer({ key: cert.key, cert: cert.cert, allowHTTP1: true }, handle);
  const sessions = new Set<http2.ServerHttp2Session>();
  secure.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r));
  return {
    http: `http://127.0.0.1:${(plain.address() as AddressInfo).port}`,
    https: `https://127.0.0.1:${(secure.address() as AddressInfo).port}`,
    cert,
    requests,
    close: async () => {
      for (const s of sessions) s.destroy();
      plain.closeAllConnections();
      await new Promise<void>((r) => plain.close(() => r()));
      await new Promise<void>((r) => secure.close(() => r()));
    },
  };
}
