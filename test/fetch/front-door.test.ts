// curlio's own promises for the front door: backpressure, Node-style errors with libcurl's
// reason, HTTP/2 over TLS, request()'s shape, the default session's limits, and the
// Session/Message signal and deadline (lib/session/abort.ts).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CurlError, fetch, getDefaultSession, Message, request, Session, SessionError, Status } from '../../lib';
import { makeCertificate, startHttp2Server, startHttpsServer, type Certificate, type TlsServer } from '../helpers/session-servers';
import { startFetchServer, type FetchServer } from '../helpers/fetch-server';

let server: FetchServer;
let cert: Certificate;
let h2: TlsServer;
let tls1: TlsServer;
beforeAll(async () => {
  server = await startFetchServer();
  cert = makeCertificate();
  h2 = await startHttp2Server(cert);
  tls1 = await startHttpsServer(cert);
});
afterAll(async () => {
  getDefaultSession().close();
  await Promise.all([server.close(), h2.close(), tls1.close()]);
});

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('fetch', () => {
  test('an unread body pauses the transfer: the server cannot push more than a few buffers', async () => {
    const total = 32 * 1024 * 1024;
    let socket: import('node:net').Socket | null = null;
    server.routes.set('/big', (_req, res) => {
      socket = res.socket;
      res.writeHead(200, { 'content-length': String(total) });
      const chunk = Buffer.alloc(64 * 1024, 97);
      let sent = 0;
      const pump = (): void => {
        while (sent < total) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const res = await fetch(`${server.url}/big`);
    await new Promise((r) => setTimeout(r, 1500));
    const written = socket!.bytesWritten;
    // Kernel buffers on both sides plus the Session's 16 KiB high-water mark: far below 32 MiB.
    expect(written).toBeLessThan(12 * 1024 * 1024);
    let received = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) received += chunk.byteLength;
    expect(received).toBe(total);
  });

  test('a refused connection rejects with a TypeError whose code is libcurl\'s, with the reason, the URL and the CurlError as cause', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/x`;
    const error = await fetch(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ code: 'CURLE_COULDNT_CONNECT', url });
    expect((error as Error).message).toContain('Failed to connect to 127.0.0.1 port');
    expect((error as Error).message).toContain(url);
    const cause = (error as Error).cause as CurlError;
    expect(cause).toBeInstanceOf(CurlError);
    expect(cause).toMatchObject({ code: 'CURLE_COULDNT_CONNECT', errno: 7, name: 'CURLE_COULDNT_CONNECT', url });
  });

  test('an untrusted certificate says why, as curl does', async () => {
    const error = (await fetch(`${tls1.url}/`).catch((e: unknown) => e)) as Error & { code: string };
    expect(error).toBeInstanceOf(TypeError);
    expect(['CURLE_PEER_FAILED_VERIFICATION', 'CURLE_SSL_CACERT']).toContain(error.code);
    expect(error.message).toMatch(/self[- ]signed certificate/);
  });

  test('HTTP/2 over TLS on a session that trusts the certificate', async () => {
    const session = new Session({ sslCaFile: cert.certFile });
    try {
      const res = await fetch(`${h2.url}/`, { session } as RequestInit);
      expect(res.status).toBe(200);
      expect(await res.text()).toBeTruthy();
      const { message, body } = await request(`${h2.url}/`, { session });
      expect(message.httpVersion).toBe(2);
      await body.dump();
    } finally {
      session.close();
    }
  });

  test('an abort after the whole body arrived, before it was read, still errors the body (fetch\'s abort steps)', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/`, { signal: controller.signal });
    // Long enough for libcurl to finish and the Node stream to end.
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    await expect(res.text()).rejects.toMatchObject({ name: 'AbortError' });
    // A body read to its end is not touched by a later abort, and its listener is gone.
    const again = new AbortController();
    const read = await fetch(`${server.url}/`, { signal: again.signal });
    expect(await read.text()).toBe('hello');
    again.abort();
  });

  test('sequential fetches reuse one connection of the default session', async () => {
    server.routes.set('/port', (req, res) => res.end(String(req.socket.remotePort)));
    const ports = [];
    for (let i = 0; i < 3; i++) ports.push(await (await fetch(`${server.url}/port`)).text());
    expect(new Set(ports).size).toBe(1);
  });

  test('fetch(url) alone (no init, no Request) answers as fetch(new Request(url)) does', async () => {
    // The plain call skips building a Request: the result and the errors must not differ.
    server.routes.set('/plain-from', (_req, res) => res.writeHead(302, { location: '/plain-to' }).end('moved'));
    server.routes.set('/plain-to', (_req, res) => res.writeHead(200, { 'content-type': 'text/plain', 'x-hop': 'last' }).end('arrived'));
    const from = new URL('/plain-from', server.url);
    for (const input of [from.href, from]) {
      const plain = await fetch(input);
      const viaRequest = await fetch(new Request(from));
      for (const res of [plain, viaRequest]) {
        expect([res.status, res.url, res.redirected, res.headers.get('x-hop')]).toEqual([200, new URL('/plain-to', server.url).href, true, 'last']);
        expect(await res.text()).toBe('arrived');
      }
    }
    // What Request refuses is refused the same way: a TypeError (from Node's realm: by name).
    for (const bad of ['http://[/', 'http://user:pass@127.0.0.1/', '/relative']) {
      await expect(fetch(bad)).rejects.toMatchObject({ name: 'TypeError' });
    }
    // Other schemes still go where fetch sends them.
    expect(await (await fetch('data:text/plain,hi')).text()).toBe('hi');
  });

  test('a closed session rejects with ERR_SESSION_CLOSED', async () => {
    const session = new Session();
    session.close();
    await expect(fetch(server.url, { session } as RequestInit)).rejects.toMatchObject({ code: 'ERR_SESSION_CLOSED' });
    expect(() => session.queueMessage(new Message('GET', server.url))).toThrow(expect.objectContaining({ code: 'ERR_SESSION_CLOSED' }));
  });

  test('the default session opens as many connections per host as requests need (not libsoup\'s 2)', async () => {
    let inFlight = 0;
    let most = 0;
    server.routes.set('/held', (_req, res) => {
      most = Math.max(most, ++inFlight);
      setTimeout(() => {
        inFlight--;
        res.end('ok');
      }, 500);
    });
    const all = await Promise.all(Array.from({ length: 8 }, () => fetch(`${server.url}/held`).then((r) => r.text())));
    expect(all).toEqual(Array(8).fill('ok'));
    expect(most).toBe(8);
  });
});

describe('request', () => {
  test("undici's shape: statusCode, lower-case headers, body mixin and async iteration", async () => {
    server.routes.set('/json', (_req, res) => {
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.setHeader('X-Thing', 'yes');
      res.end(JSON.stringify({ ok: true }));
    });
    const { statusCode, headers, body } = await request(`${server.url}/json`);
    expect(statusCode).toBe(200);
    expect(headers['x-thing']).toBe('yes');
    expect(headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(await body.json()).toEqual({ ok: true });
    expect(body.bodyUsed).toBe(true);

    const second = await request(`${server.url}/json`);
    const chunks: Buffer[] = [];
    for await (const chunk of second.body) chunks.push(chunk as Buffer);
    expect(JSON.parse(Buffer.concat(chunks).toString())).toEqual({ ok: true });

    const third = await request(`${server.url}/echo-content`, { method: 'POST', body: 'posted', headers: { 'content-type': 'text/plain' } });
    expect(Buffer.from(await third.body.arrayBuffer()).toString()).toBe('posted');
  });

  test('bodies and headers in every form undici takes', async () => {
    const form = await request(`${server.url}/echo-content`, { method: 'POST', body: new URLSearchParams({ a: 'b c' }) });
    expect(form.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(await form.body.text()).toBe('a=b+c');
    const data = new FormData();
    data.append('field', 'value');
    const multipart = await request(`${server.url}/echo-content`, { method: 'POST', body: data });
    expect(multipart.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(await multipart.body.text()).toContain('name="field"\r\n\r\nvalue');
    const blob = await request(`${server.url}/echo-content`, { method: 'POST', body: new Blob(['blob!'], { type: 'text/x-blob' }) });
    expect([blob.headers['content-type'], await blob.body.text()]).toEqual(['text/x-blob', 'blob!']);
    async function* parts(): AsyncIterable<string> {
      yield 'it';
      yield 'erable';
    }
    const iterated = await request(`${server.url}/echo-content`, { method: 'POST', body: parts() });
    expect(await iterated.body.text()).toBe('iterable');
    const flat = await request(`${server.url}/inspect-headers`, { headers: ['x-one', '1', 'x-two', '2'] });
    expect(((await flat.body.json()) as { headers: Record<string, string> }).headers).toMatchObject({ 'x-one': '1', 'x-two': '2' });
  });

  test('does not follow redirects unless maxRedirections says so', async () => {
    const first = await request(`${server.url}/redirect?redirect_status=302&location=/`);
    expect(first.statusCode).toBe(302);
    await first.body.dump();
    const followed = await request(`${server.url}/redirect?redirect_status=302&location=/`, { maxRedirections: 1 });
    expect(followed.statusCode).toBe(200);
    expect(await followed.body.text()).toBe('hello');
  });

  test('a transport failure rejects with the CurlError; an abort with AbortError (ABORT_ERR) carrying the reason', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    await expect(request(url)).rejects.toMatchObject({ name: 'CURLE_COULDNT_CONNECT', code: 'CURLE_COULDNT_CONNECT', errno: 7, url });
    const reason = new Error('stop');
    const controller = new AbortController();
    const pending = request(`${server.url}/delay?ms=5000`, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 100);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: reason });
  });
});

describe('failures after the headers', () => {
  beforeAll(() => {
    // Promises 100000 bytes, sends 10, then drops the connection.
    server.routes.set('/cut', (req, res) => {
      res.writeHead(200, { 'content-length': '100000' });
      res.write('0123456789');
      setTimeout(() => req.socket.destroy(), 100);
    });
  });

  test('fetch: the body errors with a TypeError carrying libcurl\'s code and reason', async () => {
    const res = await fetch(`${server.url}/cut`);
    const error = (await res.text().catch((e: unknown) => e)) as Error & { code: string; cause: CurlError };
    expect(error.name).toBe('TypeError');
    expect(['CURLE_PARTIAL_FILE', 'CURLE_RECV_ERROR']).toContain(error.code);
    expect(error.message).toMatch(/^terminated: /);
    expect(error.cause).toBeInstanceOf(CurlError);
  });

  test('request: the body rejects with the CurlError; an abort mid-body with AbortError', async () => {
    const { body } = await request(`${server.url}/cut`);
    await expect(body.text()).rejects.toMatchObject({ code: expect.stringMatching(/^CURLE_(PARTIAL_FILE|RECV_ERROR)$/), errno: expect.any(Number) });
    const controller = new AbortController();
    const slow = await request(`${server.url}/slow-body?n=50&ms=50`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(slow.body.text()).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
  });
});

describe('Session and Message: signal and deadline', () => {
  test('a deadline ends a slow body that the idle timeout lets run', async () => {
    const session = new Session({ timeout: 5 });
    try {
      const msg = new Message('GET', `${server.url}/slow-body?n=40&ms=100`);
      msg.deadline = 0.5;
      const started = Date.now();
      const status = await session.send(msg);
      expect(status).toBe(Status.IO_ERROR);
      expect(msg.error).toMatchObject({ code: 'CURLE_OPERATION_TIMEDOUT' });
      expect(msg.errorDetail).toContain('deadline');
      expect(Date.now() - started).toBeLessThan(3500);
    } finally {
      session.close();
    }
  });

  test("the session's deadline applies to every message", async () => {
    const session = new Session({ deadline: 0.3 });
    try {
      const msg = new Message('GET', `${server.url}/delay?ms=5000`);
      expect(await session.send(msg)).toBe(Status.IO_ERROR);
      expect(msg.error?.code).toBe('CURLE_OPERATION_TIMEDOUT');
      // Fast messages are not touched, and their timers go with them.
      const fast = new Message('GET', `${server.url}/`);
      expect(await session.send(fast)).toBe(200);
      expect(fast.error).toBeNull();
    } finally {
      session.close();
    }
  });

  test("a message's signal cancels it (Status.CANCELLED), also when aborted before it is queued", async () => {
    const session = new Session();
    try {
      const controller = new AbortController();
      const msg = new Message('GET', `${server.url}/delay?ms=5000`);
      msg.signal = controller.signal;
      const pending = session.send(msg);
      setTimeout(() => controller.abort(), 100);
      expect(await pending).toBe(Status.CANCELLED);
      const again = new Message('GET', `${server.url}/`);
      again.signal = controller.signal;
      expect(await session.send(again)).toBe(Status.CANCELLED);
    } finally {
      session.close();
    }
  });

  test("the session's signal cancels what is queued and what is queued later", async () => {
    const controller = new AbortController();
    const session = new Session({ signal: controller.signal });
    try {
      const pending = session.send(new Message('GET', `${server.url}/delay?ms=5000`));
      setTimeout(() => controller.abort(), 100);
      expect(await pending).toBe(Status.CANCELLED);
      expect(await session.send(new Message('GET', `${server.url}/`))).toBe(Status.CANCELLED);
    } finally {
      session.close();
    }
  });

  test('a transport failure keeps its libsoup status and gains the reason; sendStream rejects with a string code', async () => {
    const session = new Session();
    try {
      const url = `http://127.0.0.1:${await closedPort()}/`;
      const msg = new Message('GET', url);
      expect(await session.send(msg)).toBe(Status.CANT_CONNECT);
      expect(msg.reasonPhrase).toBe('Cannot connect to destination');
      expect(msg.errorDetail).toContain('Failed to connect to 127.0.0.1 port');
      expect(msg.error).toMatchObject({ code: 'CURLE_COULDNT_CONNECT', errno: 7, url });
      const error = await session.sendStream(new Message('GET', url)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SessionError);
      expect(error).toMatchObject({ status: Status.CANT_CONNECT, code: 'CURLE_COULDNT_CONNECT' });
      expect((error as Error).message).toContain('Failed to connect');
    } finally {
      session.close();
    }
  });
});
