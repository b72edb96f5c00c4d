// A loopback http server with the resources the WPT fetch tests use (fetch/api/resources:
// redirect.py, method.py, echo-content.py, inspect-headers.py), written in Node, plus a
// few of undici's test handlers. Each request is answered by path.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FetchServer {
  url: string;
  port: number;
  server: http.Server;
  /** Extra handlers by path, for one test's own behaviour. */
  routes: Map<string, http.RequestListener>;
  close(): Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // A client that gives up mid-upload (an aborted fetch) is not the server's failure.
    req.on('error', () => resolve(Buffer.concat(chunks)));
  });
}

// redirect.py: redirect_status, location; with max_count, redirects to itself counting in
// `count` and answers the count once it reached max_count.
function redirect(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
  const status = Number(url.searchParams.get('redirect_status') ?? 302);
  const maxCount = url.searchParams.get('max_count');
  if (maxCount !== null) {
    const count = Number(url.searchParams.get('count') ?? 0);
    if (count >= Number(maxCount)) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end(String(count));
    }
    const next = new URL(url.href);
    next.searchParams.set('count', String(count + 1));
    res.writeHead(status, { location: next.pathname + next.search });
    return void res.end();
  }
  res.writeHead(status, { location: url.searchParams.get('location') ?? '/method' });
  res.end();
}

// method.py: the method and the request's body headers as x-request-*, the body echoed.
async function method(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const body = await readBody(req);
  const headers: Record<string, string> = { 'x-request-method': req.method ?? '' };
  for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) {
    headers[`x-request-${name}`] = req.headers[name] === undefined ? 'NO' : String(req.headers[name]);
  }
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

export function startFetchServer(): Promise<FetchServer> {
  const routes = new Map<string, http.RequestListener>();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const own = routes.get(url.pathname);
    if (own !== undefined) return void own(req, res);
    switch (url.pathname) {
      case '/redirect':
        return redirect(req, res, url);
      case '/method':
        return method(req, res);
      case '/echo-content': {
        const body = await readBody(req);
        res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/octet-stream' });
        return void res.end(body);
      }
      case '/inspect-headers':
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ headers: req.headers, rawHeaders: req.rawHeaders, method: req.method }));
      case '/status': {
        const code = Number(url.searchParams.get('code') ?? 200);
        res.writeHead(code, url.searchParams.get('reason') ?? undefined);
        return void res.end(code === 204 || code === 304 ? undefined : `status ${code}`);
      }
      case '/slow-body': {
        // Headers now, then one byte every `ms` for `n` bytes.
        const n = Number(url.searchParams.get('n') ?? 10);
        const ms = Number(url.searchParams.get('ms') ?? 100);
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(n) });
        let sent = 0;
        const timer = setInterval(() => {
          if (res.destroyed) return clearInterval(timer);
          res.write('x');
          if (++sent === n) {
            clearInterval(timer);
            res.end();
          }
        }, ms);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case '/delay': {
        const ms = Number(url.searchParams.get('ms') ?? 1000);
        const timer = setTimeout(() => res.end('late'), ms);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      default:
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('hello');
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        server,
        routes,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    }),
  );
}
