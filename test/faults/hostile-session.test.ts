// Session against a hostile server (test/helpers/hostile-server-process.js): what a server
// sends must end a message with a status, on time, without blocking the event loop, and
// never crash the process or leak a credential.
import { Message, Session, Status } from '../../lib/session';
import { startHostileServer, withLoopWatch, type HostileServer } from '../helpers/hostile-server';

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
});
afterAll(async () => {
  await server.close();
});

const location = (...values: string[]): string => `${server.url}/location?${values.map((v) => `v=${encodeURIComponent(v)}`).join('&')}`;

describe('redirects a server chooses', () => {
  const hostless: string[][] = [['javascript:alert(1)'], ['mailto:a@example.com'], ['tel:+1555'], ['urn:isbn:0451450523'], ['data:text/plain,x'], ['about:blank'], ['/ok', 'javascript:alert(1)'], ['/ok', 'http://other.invalid/']];
  test.each(hostless.map((v) => [v.join(' + '), v] as const))('Location %s: MALFORMED (async and sendMessage), never a throw', async (_, values) => {
    const session = new Session();
    const msg = new Message('GET', location(...values));
    expect(await session.send(msg)).toBe(Status.MALFORMED);
    const sync = new Message('GET', location(...values));
    expect(session.sendMessage(sync)).toBe(Status.MALFORMED);
    expect(sync.uri.href).toBe(location(...values));
    session.close();
  });

  test('two identical Location headers are one', async () => {
    const session = new Session();
    const msg = new Message('GET', location('/ok', '/ok'));
    expect(await session.send(msg)).toBe(200);
    expect(msg.uri.pathname).toBe('/ok');
    session.close();
  });

  test('credentials in a redirect target are dropped: no Authorization reaches the next host', async () => {
    const session = new Session();
    const target = `http://user:secret@127.0.0.1:${server.port}/raw`;
    for (const run of [(m: Message) => session.send(m), (m: Message) => Promise.resolve(session.sendMessage(m))]) {
      const msg = new Message('GET', location(target));
      expect(await run(msg)).toBe(200);
      const wire = msg.responseBody.toString('latin1');
      expect(wire).toMatch(/^GET \/raw HTTP\/1.1\r\n/);
      expect(wire).not.toMatch(/authorization/i);
      expect(msg.uri.username).toBe('');
      expect(msg.uri.password).toBe('');
    }
    session.close();
  });
});

describe('floods', () => {
  test('12,000 "100 Continue" blocks with got-headers and got-chunk listeners: linear, the loop keeps ticking', async () => {
    const session = new Session();
    const msg = new Message('GET', `${server.url}/continue-flood?n=12000`);
    let headers = 0;
    msg.on('got-headers', () => headers++);
    msg.on('got-chunk', () => undefined);
    const { result, worstGap } = await withLoopWatch(() => session.send(msg));
    expect(result).toBe(200);
    expect(msg.responseBody.toString()).toBe('done');
    expect(headers).toBe(1);
    // Quadratic re-joining took seconds here (3.5 s for 8,000 blocks on a quiet machine).
    // (12,000 blocks of 25 bytes stay under libcurl's own 300 KB bound on all headers.)
    // 3 s: a busy 2-core machine (the quadratic handling took 3.5 s on a quiet one).
    expect(worstGap).toBeLessThan(3000);
    session.close();
  });

  // The native bound (300 KiB of headers and trailers per response, binding/curl/easy.cc)
  // fires before Session's own (which also bounds many 1xx blocks together).
  test.each(['/endless-headers', '/endless-trailers'])('%s with a got-headers listener: IO_ERROR naming the bound, soon', async (path) => {
    const session = new Session();
    const msg = new Message('GET', `${server.url}${path}`);
    msg.on('got-headers', () => undefined);
    const started = Date.now();
    expect(await session.send(msg)).toBe(Status.IO_ERROR);
    expect(msg.errorDetail).toMatch(/Too large response headers or trailers: more than \d+ bytes/);
    expect(Date.now() - started).toBeLessThan(10000);
    session.close();
  });

  test('trailers of a chunked response are read and dropped, as libsoup 2 does', async () => {
    const session = new Session();
    const msg = new Message('GET', `${server.url}/endless-trailers`);
    let status = 0;
    msg.on('got-headers', () => {
      status = msg.statusCode;
    });
    await session.send(msg);
    expect(status).toBe(200);
    session.close();
  });
});

describe('maxBodySize', () => {
  test('the default is 1 GiB; 0 and Infinity mean none; anything else is a TypeError', () => {
    expect(new Session().maxBodySize).toBe(2 ** 30);
    expect(new Session({ maxBodySize: Infinity }).maxBodySize).toBe(0);
    expect(new Session({ maxBodySize: 0 }).maxBodySize).toBe(0);
    for (const bad of [-1, NaN, '1' as unknown as number]) expect(() => new Session({ maxBodySize: bad })).toThrow(TypeError);
  });

  test.each(['/bomb?mib=64', '/endless-body'])('%s with a got-chunk listener: IO_ERROR naming the limit', async (path) => {
    const session = new Session({ maxBodySize: 1 << 20 });
    const msg = new Message('GET', `${server.url}${path}`);
    let received = 0;
    msg.on('got-chunk', (chunk) => (received += chunk.length));
    expect(await session.send(msg)).toBe(Status.IO_ERROR);
    expect(msg.reasonPhrase).toBe(`Response body exceeds maxBodySize (${1 << 20} bytes)`);
    expect(received).toBeLessThanOrEqual(1 << 20);
    session.close();
  });

  // Without a got-chunk listener the body never passes through JavaScript: the bound is the
  // native Easy#maxBodySize (CURLE_FILESIZE_EXCEEDED), which comes from another branch.
  // Until it is merged this test fails (the 64 MiB bomb is delivered whole).
  test('a gzip bomb without listeners: IO_ERROR naming the limit (native bound)', async () => {
    const session = new Session({ maxBodySize: 1 << 20 });
    const msg = new Message('GET', `${server.url}/bomb?mib=64`);
    expect(await session.send(msg)).toBe(Status.IO_ERROR);
    expect(msg.reasonPhrase).toBe(`Response body exceeds maxBodySize (${1 << 20} bytes)`);
    session.close();
  });

  test('a body of exactly the limit is delivered', async () => {
    const session = new Session({ maxBodySize: 1 << 20 });
    const msg = new Message('GET', `${server.url}/big-body?mib=1`);
    msg.on('got-chunk', () => undefined);
    expect(await session.send(msg)).toBe(200);
    expect(msg.responseBody.length).toBe(1 << 20);
    session.close();
  });
});

test('strings the session passes into the request head or options: CR, LF (and NUL) are a TypeError', () => {
  for (const bad of ['a\r\nX-Injected: 1', 'a\nb', 'a\rb', 'a\0b']) {
    expect(() => new Session({ userAgent: bad })).toThrow(TypeError);
    expect(() => new Session({ acceptLanguage: bad })).toThrow(TypeError);
    expect(() => new Session({ proxyUri: `http://proxy.invalid/${bad}` })).toThrow(TypeError);
    const session = new Session();
    expect(() => (session.userAgent = bad)).toThrow(TypeError);
    expect(() => (session.acceptLanguage = bad)).toThrow(TypeError);
    expect(() => (session.proxyUri = `http://proxy${bad}:3128`)).toThrow(TypeError);
    session.close();
  }
  expect(() => new Session({ sslCaFile: '/etc/ssl/a.pem\0.txt' })).toThrow(TypeError);
});

describe('request framing belongs to the session', () => {
  test.each([
    ['Content-Length', '1'],
    ['content-length', '0'],
    ['Transfer-Encoding', 'chunked'],
    ['Transfer-Encoding', 'identity'],
  ])('a hand-set %s: %s never reaches the wire; the body frames the request', async (name, value) => {
    const session = new Session();
    const msg = new Message('POST', `${server.url}/raw`);
    const smuggled = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n';
    msg.setRequest('text/plain', `AAAA${smuggled}`);
    msg.requestHeaders.append(name, value);
    expect(await session.send(msg)).toBe(200);
    const wire = msg.responseBody.toString('latin1');
    const head = wire.slice(0, wire.indexOf('\r\n\r\n'));
    expect(head).not.toMatch(/transfer-encoding/i);
    expect(head.match(/content-length: (\d+)/gi)).toEqual([`Content-Length: ${4 + smuggled.length}`]);
    session.close();
  });

  test('a body-less GET with a hand-set Content-Length sends none', async () => {
    const session = new Session();
    const msg = new Message('GET', `${server.url}/raw`);
    msg.requestHeaders.append('Content-Length', '40');
    expect(session.sendMessage(msg)).toBe(200);
    expect(msg.responseBody.toString('latin1')).not.toMatch(/content-length/i);
    session.close();
  });
});
