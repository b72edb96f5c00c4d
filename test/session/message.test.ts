// Message, MessageHeaders and the status table, on their own and against a real server.
import { Message, MessageFlags, MessageHeaders, Session, Status, statusForCurlCode, HttpVersion } from '../../lib/session';
import * as C from '../../lib/libcurl/constants.generated';
import { startHttpServer, type TestServer } from '../helpers/http-server';

let server: TestServer;
let session: Session;
beforeAll(async () => {
  server = await startHttpServer();
  session = new Session();
});
afterAll(async () => {
  session.close();
  await server.close();
});

describe('Message validation', () => {
  test('a URI that does not parse is a TypeError', () => {
    expect(() => new Message('GET', 'not a uri')).toThrow(TypeError);
    expect(() => new Message('GET', 'http://')).toThrow(TypeError);
  });
  test('CR, LF or NUL in the URI, a header or the method is a TypeError', () => {
    expect(() => new Message('GET', 'http://127.0.0.1/a\r\nX-Evil: 1')).toThrow(TypeError);
    expect(() => new Message('GE\nT', 'http://127.0.0.1/')).toThrow(TypeError);
    const msg = new Message('GET', 'http://127.0.0.1/');
    expect(() => msg.requestHeaders.append('X-A', 'b\r\nX-Evil: 1')).toThrow(TypeError);
    expect(() => msg.requestHeaders.append('X-A\n', 'b')).toThrow(TypeError);
    expect(() => msg.requestHeaders.replace('X-A', 'b\0')).toThrow(TypeError);
    expect(() => (msg.method = 'G T')).toThrow(TypeError);
  });
});

describe('MessageHeaders', () => {
  test('multi-valued, case-insensitive, in order', () => {
    const h = new MessageHeaders();
    h.append('Accept', 'text/html');
    h.append('accept', 'text/plain');
    h.append('X-One', '1');
    expect(h.get('ACCEPT')).toBe('text/html, text/plain');
    expect(h.getList('Accept')).toEqual(['text/html', 'text/plain']);
    h.replace('ACCEPT', '*/*');
    expect(h.getList('accept')).toEqual(['*/*']);
    const seen: string[] = [];
    h.forEach((n, v) => seen.push(`${n}=${v}`));
    expect(seen).toEqual(['X-One=1', 'ACCEPT=*/*']);
    h.remove('x-one');
    expect(h.get('X-One')).toBeNull();
    expect(h.size).toBe(1);
  });
});

describe('status table', () => {
  test.each([
    [C.CURLE_OK, Status.NONE],
    [C.CURLE_COULDNT_RESOLVE_HOST, Status.CANT_RESOLVE],
    [C.CURLE_COULDNT_RESOLVE_PROXY, Status.CANT_RESOLVE_PROXY],
    [C.CURLE_COULDNT_CONNECT, Status.CANT_CONNECT],
    [C.CURLE_PEER_FAILED_VERIFICATION, Status.SSL_FAILED],
    [C.CURLE_SSL_CONNECT_ERROR, Status.SSL_FAILED],
    [C.CURLE_RECV_ERROR, Status.IO_ERROR],
    [C.CURLE_OPERATION_TIMEDOUT, Status.IO_ERROR],
    [C.CURLE_WEIRD_SERVER_REPLY, Status.MALFORMED],
    [C.CURLE_AGAIN, Status.TRY_AGAIN],
    [C.CURLE_TOO_MANY_REDIRECTS, Status.TOO_MANY_REDIRECTS],
    [C.CURLE_ABORTED_BY_CALLBACK, Status.CANCELLED],
  ])('CURLcode %i → status %i', (code, status) => {
    expect(statusForCurlCode(code)).toBe(status);
  });
  test('a connect failure through a proxy is CANT_CONNECT_PROXY', () => {
    expect(statusForCurlCode(C.CURLE_COULDNT_CONNECT, true)).toBe(Status.CANT_CONNECT_PROXY);
  });
  test('the transport codes have libsoup 2 values', () => {
    expect([Status.CANCELLED, Status.CANT_RESOLVE, Status.CANT_RESOLVE_PROXY, Status.CANT_CONNECT, Status.CANT_CONNECT_PROXY, Status.SSL_FAILED, Status.IO_ERROR, Status.MALFORMED, Status.TRY_AGAIN, Status.TOO_MANY_REDIRECTS]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('a response', () => {
  test('status, reason, version, headers and body of a GET', async () => {
    const msg = new Message('GET', `${server.url}/hello`);
    expect(await session.send(msg)).toBe(200);
    expect(msg.statusCode).toBe(200);
    expect(msg.reasonPhrase).toBe('OK');
    expect(msg.httpVersion).toBe(HttpVersion.HTTP_1_1);
    expect(msg.responseHeaders.get('content-length')).toBe('5');
    expect(msg.responseBody.toString()).toBe('hello');
  });

  test('request headers and a body reach the server; method is kept', async () => {
    const msg = new Message('PUT', `${server.url}/echo`);
    msg.requestHeaders.append('X-Multi', 'a');
    msg.requestHeaders.append('X-Multi', 'b');
    msg.setRequest('text/plain', 'body text');
    expect(await session.send(msg)).toBe(200);
    const echo = JSON.parse(msg.responseBody.toString());
    expect(echo.method).toBe('PUT');
    expect(echo.body).toBe('body text');
    expect(echo.headers['x-multi']).toBe('a, b');
    expect(echo.headers['content-type']).toBe('text/plain');
  });

  test('a handle reused for GET after POST sends a GET without body', async () => {
    const s = new Session({ maxConnsPerHost: 1 });
    const post = new Message('POST', `${server.url}/echo`);
    post.requestBody = Buffer.from('x'.repeat(10));
    await s.send(post);
    const get = new Message('GET', `${server.url}/echo`);
    await s.send(get);
    const head = new Message('HEAD', `${server.url}/hello`);
    await s.send(head);
    const del = new Message('DELETE', `${server.url}/echo`);
    await s.send(del);
    s.close();
    expect(JSON.parse(post.responseBody.toString()).method).toBe('POST');
    expect(JSON.parse(get.responseBody.toString())).toMatchObject({ method: 'GET', body: '' });
    expect(head.statusCode).toBe(200);
    expect(head.responseBody.length).toBe(0);
    expect(JSON.parse(del.responseBody.toString()).method).toBe('DELETE');
  });

  test('a streamed request body (async iterable) is sent chunked', async () => {
    async function* parts() {
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 5));
        yield `part${i};`;
      }
    }
    const msg = new Message('POST', `${server.url}/echo`);
    msg.requestBody = parts();
    expect(await session.send(msg)).toBe(200);
    const echo = JSON.parse(msg.responseBody.toString());
    expect(echo.body).toBe('part0;part1;part2;part3;part4;');
    expect(echo.headers['transfer-encoding']).toBe('chunked');
  });

  test('HTTP error statuses are statuses, not transport errors', async () => {
    const msg = new Message('GET', `${server.url}/status/503`);
    expect(await session.send(msg)).toBe(503);
    expect(msg.reasonPhrase).toBe('Service Unavailable');
  });

  test('connection refused → CANT_CONNECT', async () => {
    const net = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const msg = new Message('GET', `http://127.0.0.1:${port}/`);
    expect(await session.send(msg)).toBe(Status.CANT_CONNECT);
    expect(msg.reasonPhrase).toBe('Cannot connect to destination');
  });

  test('an unresolvable host → CANT_RESOLVE', async () => {
    const msg = new Message('GET', 'http://no-such-host.invalid/');
    expect(await session.send(msg)).toBe(Status.CANT_RESOLVE);
  });

  test('timings come from libcurl', async () => {
    const msg = new Message('GET', `${server.url}/hello`);
    await session.send(msg);
    const t = msg.timings!;
    expect(t.total).toBeGreaterThan(0);
    expect(t.total).toBeGreaterThanOrEqual(t.startTransfer);
    expect(t.startTransfer).toBeGreaterThanOrEqual(t.preTransfer);
  });

  test('NEW_CONNECTION opens a new connection', async () => {
    const a = new Message('GET', `${server.url}/conn`);
    await session.send(a);
    const b = new Message('GET', `${server.url}/conn`);
    await session.send(b);
    const c = new Message('GET', `${server.url}/conn`);
    c.flags |= MessageFlags.NEW_CONNECTION;
    await session.send(c);
    expect(b.responseBody.toString()).toBe(a.responseBody.toString()); // kept alive
    expect(Number(c.responseBody.toString())).toBeGreaterThan(Number(b.responseBody.toString()));
  });
});
