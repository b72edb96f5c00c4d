// undici's own fetch tests (test/fetch/*.js in nodejs/undici), ported to curlio's fetch:
// the same servers and the same assertions, one jest test per undici test, named as there
// with the file it comes from. Tests of Request/Response/Headers/FormData themselves are not
// ported: curlio uses Node's own classes, so undici's tests of them test Node.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, pipeline } from 'node:stream';
import { gzipSync, deflateSync } from 'node:zlib';
import { fetch, Session } from '../../lib';

let session: Session;
beforeAll(() => {
  session = new Session({ maxConnsPerHost: 16 });
});
afterAll(() => session.close());

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer({ joinDuplicateHeaders: true }, handler);
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

const f = (url: string, init: RequestInit = {}): Promise<Response> => fetch(url, { ...init, session } as RequestInit);

describe('redirect.js', () => {
  test('Redirecting with a body does not cancel the current request - #1776', async () => {
    const url = await serve((req, res) => {
      if (req.url === '/redirect') {
        res.statusCode = 301;
        res.setHeader('location', '/redirect/');
        res.write('<a href="/redirect/">Moved Permanently</a>');
        setTimeout(() => res.end(), 500);
        return;
      }
      res.end(req.url);
    });
    const resp = await f(`${url}/redirect`);
    expect(await resp.text()).toBe('/redirect/');
    expect(resp.redirected).toBe(true);
  });

  test('Redirecting with an empty body does not throw an error - #2027', async () => {
    const url = await serve((req, res) => {
      if (req.url === '/redirect') {
        res.statusCode = 307;
        res.setHeader('location', '/redirect/');
        res.end('<a href="/redirect/">Moved Permanently</a>');
        return;
      }
      res.end(req.url);
    });
    const resp = await f(`${url}/redirect`, { method: 'PUT', body: '' });
    expect(await resp.text()).toBe('/redirect/');
    expect(resp.redirected).toBe(true);
  });

  test('Redirecting with a body does not fail to write body - #2543', async () => {
    const bodies: string[] = [];
    const url = await serve((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(307, { location: '/target' });
        res.write('<a href="/redirect/">Moved Permanently</a>');
        setTimeout(() => res.end(), 500);
      } else {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => bodies.push(body));
        res.end('ok');
      }
    });
    const resp = await f(`${url}/redirect`, { method: 'POST', body: 'body' });
    expect(await resp.text()).toBe('ok');
    expect(resp.redirected).toBe(true);
    expect(bodies).toEqual(['body']);
  });
});

describe('fetch-url-after-redirect.js', () => {
  test('after redirecting the url of the response is set to the target url', async () => {
    const url = await serve((req, res) => {
      const next: Record<string, string> = { '/redirect-1': '/redirect-2', '/redirect-2': '/redirect-3', '/redirect-3': '/target' };
      if (next[req.url!]) return void res.writeHead(302, { Location: next[req.url!] }).end();
      res.writeHead(200, 'dummy', { 'Content-Type': 'text/plain' }).end();
    });
    const response = await f(`${url}/redirect-1`);
    expect(response.url).toBe(`${url}/target`);
  });

  test('location header with non-ASCII character redirects to a properly encoded url', async () => {
    const url = await serve((req, res) => {
      if (req.url!.endsWith('/redirect')) return void res.writeHead(302, { Location: `/${Buffer.from('안녕').toString('binary')}` }).end();
      res.writeHead(200, 'dummy', { 'Content-Type': 'text/plain' }).end();
    });
    const response = await f(`${url}/redirect`);
    expect(response.url).toBe(`${url}/${encodeURIComponent('안녕')}`);
  });
});

describe('redirect-cross-origin-header.js', () => {
  test('Cross-origin redirects clear forbidden headers', async () => {
    const seen: Record<string, unknown>[] = [];
    const target = await serve((req, res) => {
      seen.push({ cookie: req.headers.cookie, authorization: req.headers.authorization, proxy: req.headers['proxy-authorization'] });
      res.end('redirected');
    });
    // Another origin: the same server address by name instead of by number.
    const other = target.replace('127.0.0.1', 'localhost');
    const start = await serve((req, res) => {
      seen.push({ authorization: req.headers.authorization, cookie: req.headers.cookie });
      res.writeHead(302, { Location: other }).end();
    });
    const res = await f(start, { headers: { Authorization: 'test', Cookie: 'ddd=dddd', 'Proxy-Authorization': 'test' } });
    expect(await res.text()).toBe('redirected');
    expect(seen).toEqual([
      { authorization: 'test', cookie: 'ddd=dddd' },
      { cookie: undefined, authorization: undefined, proxy: undefined },
    ]);
  });
});

describe('encoding.js', () => {
  const gzipDeflateText = Buffer.from('H4sIAAAAAAAAA6uY89nj7MmT1wM5zuuf8gxkYZCfx5IFACQ8u/wVAAAA', 'base64');
  const zstdText = Buffer.from('KLUv/QBYaQAASGVsbG8sIFdvcmxkIQ==', 'base64');
  let url: string;
  beforeEach(async () => {
    url = await serve((req, res) => {
      const ae = req.headers['accept-encoding'];
      if (ae === 'deflate, gzip' || ae === 'DeFlAtE, GzIp') {
        res.writeHead(200, { 'Content-Encoding': 'deflate, gzip', 'Content-Type': 'text/plain' });
        return void res.end(gzipDeflateText);
      }
      if (ae === 'zstd') {
        res.writeHead(200, { 'Content-Encoding': 'zstd', 'Content-Type': 'text/plain' });
        return void res.end(zstdText);
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('Hello, World!');
    });
  });
  test('content-encoding header', async () => {
    const response = await f(url, { keepalive: false, headers: { 'accept-encoding': 'deflate, gzip' } });
    expect(response.headers.get('content-encoding')).toBe('deflate, gzip');
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(await response.text()).toBe('Hello, World!');
  });
  test('content-encoding header is case-iNsENsITIve', async () => {
    const response = await f(url, { keepalive: false, headers: { 'accept-encoding': 'DeFlAtE, GzIp' } });
    expect(response.headers.get('content-encoding')).toBe('deflate, gzip');
    expect(await response.text()).toBe('Hello, World!');
  });
  test('should decompress zstandard response', async () => {
    const response = await f(url, { keepalive: false, headers: { 'accept-encoding': 'zstd' } });
    expect(response.headers.get('content-encoding')).toBe('zstd');
    expect(await response.text()).toBe('Hello, World!');
  });
});

describe('content-length.js', () => {
  test('Content-Length is set when using a FormData body with fetch', async () => {
    let length: string | undefined;
    const url = await serve((req, res) => {
      length = req.headers['content-length'];
      req.resume().on('end', () => res.end());
    });
    const fd = new FormData();
    fd.set('file', new Blob(['hello world 👋'], { type: 'text/plain' }), 'readme.md');
    fd.set('string', 'some string value');
    await f(url, { method: 'POST', body: fd });
    expect(Number.isNaN(Number(length))).toBe(false);
    expect(Number(length)).toBeGreaterThan(0);
  });
  test('Content-Length is not duplicated when provided explicitly', async () => {
    const body = 'a+b+c';
    let length: string | undefined;
    const url = await serve((req, res) => {
      length = req.headers['content-length'];
      req.resume().on('end', () => res.end());
    });
    await f(url, { method: 'POST', body, headers: { 'content-length': String(Buffer.byteLength(body)) } });
    expect(length).toBe(`${Buffer.byteLength(body)}`);
  });
});

describe('abort.js / abort2.js', () => {
  test('Using AbortSignal.timeout with cause', async () => {
    const url = await serve(() => undefined);
    await expect(f(url, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: 'TimeoutError', code: DOMException.TIMEOUT_ERR });
  });
  test('Error defaults to an AbortError DOMException', async () => {
    const url = await serve((_req, res) => res.end());
    const ac = new AbortController();
    ac.abort();
    await expect(f(url, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError', code: DOMException.ABORT_ERR });
  });
  test('parallel fetch with the same AbortController works as expected', async () => {
    const body = { fixes: 1389, bug: 'Ensure request is not aborted before enqueueing bytes into stream.' };
    const url = await serve((_req, res) => res.end(JSON.stringify(body)));
    const ac = new AbortController();
    const make = async (): Promise<unknown> => {
      const result = await f(url, { signal: ac.signal }).then((r) => r.json());
      ac.abort();
      return result;
    };
    const results = await Promise.allSettled([make(), make(), make(), make()]);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    for (const r of results) {
      if (r.status === 'fulfilled') expect(r.value).toEqual(body);
      else expect((r.reason as Error).name).toBe('AbortError');
    }
  });
});

describe('pull-dont-push.js', () => {
  test("pull dont't push", async () => {
    let count = 0;
    const max = 1_000_000;
    let socket: import('node:net').Socket | null = null;
    const url = await serve((_req, res) => {
      socket = res.socket;
      const stream = new Readable({
        read() {
          this.push('a');
          if (count++ > max) this.push(null);
        },
      });
      pipeline(stream, res, () => undefined);
    });
    const res = await f(url);
    await new Promise((r) => setTimeout(r, 1000));
    socket!.destroy();
    // Nobody read the body: libcurl was paused, so the server could not push it all.
    expect(count).toBeLessThan(max);
    try {
      for await (const _ of res.body as unknown as AsyncIterable<Uint8Array>) void _;
    } catch {
      // the server went away mid-body
    }
  });
});

describe('client-fetch.js', () => {
  test('request json', async () => {
    const obj = { asd: true };
    const url = await serve((_req, res) => res.end(JSON.stringify(obj)));
    expect(await (await f(url)).json()).toEqual(obj);
  });
  test('request text', async () => {
    const url = await serve((_req, res) => res.end('asd'));
    expect(await (await f(url)).text()).toBe('asd');
  });
  test('request arrayBuffer', async () => {
    const obj = { asd: true };
    const url = await serve((_req, res) => res.end(JSON.stringify(obj)));
    expect(Buffer.from(await (await f(url)).arrayBuffer())).toEqual(Buffer.from(JSON.stringify(obj)));
  });
  test('should set type of blob object to the value of the `Content-Type` header from response', async () => {
    const url = await serve((_req, res) => res.setHeader('Content-Type', 'application/json').end(JSON.stringify({ asd: true })));
    expect((await (await f(url)).blob()).type).toBe('application/json');
  });
  test('pre aborted with readable request body', async () => {
    const url = await serve(() => undefined);
    const ac = new AbortController();
    ac.abort();
    let cancelReason: unknown;
    const body = new ReadableStream({ cancel: (reason) => void (cancelReason = reason) });
    await expect(f(url, { signal: ac.signal, method: 'POST', body, duplex: 'half' } as RequestInit)).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((r) => setImmediate(r));
    expect((cancelReason as Error).name).toBe('AbortError');
  });
  test('redirect with body', async () => {
    let count = 0;
    const bodies: string[] = [];
    const url = await serve(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      bodies.push(body);
      if (count++ === 0) return void res.writeHead(302, { location: 'asd' }).end();
      res.end(String(count));
    });
    const res = await f(url, { method: 'PUT', body: 'asd' });
    expect(await res.text()).toBe('2');
    // A PUT keeps its method and body through a 302 (only POST becomes a GET).
    expect(bodies).toEqual(['asd', 'asd']);
  });
  test('redirect with stream', async () => {
    const location = '/asd';
    const body = 'hello!';
    const url = await serve((_req, res) => {
      res.writeHead(302, { location });
      let count = 0;
      const l = setInterval(() => {
        res.write(body[count++]);
        if (count === body.length) {
          res.end();
          clearInterval(l);
        }
      }, 50);
    });
    const res = await f(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(location);
    expect(await res.text()).toBe(body);
  });
  test('invalid url', async () => {
    await expect(f('http://invalid')).rejects.toBeInstanceOf(TypeError);
  });
  test('error on redirect', async () => {
    const url = await serve((_req, res) => ((res.statusCode = 302), res.end()));
    // A 302 without Location is a response, not a redirect (fetch §4.4 step 3).
    expect((await f(url, { redirect: 'error' })).status).toBe(302);
    const url2 = await serve((_req, res) => res.writeHead(302, { location: '/x' }).end());
    await expect(f(url2, { redirect: 'error' })).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_REDIRECT' });
  });
  test('fetching with Request object - issue #1527', async () => {
    const bodies: string[] = [];
    const url = await serve(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      bodies.push(body);
      res.end();
    });
    const body = JSON.stringify({ foo: 'bar' });
    await f(new Request(url, { method: 'POST', body }) as unknown as string);
    expect(bodies).toEqual([body]);
  });
  test('do not decode redirect body', async () => {
    const obj = { asd: true };
    const url = await serve((req, res) => {
      if (req.url === '/resource') {
        res.statusCode = 301;
        res.setHeader('location', '/resource/');
        res.setHeader('content-encoding', 'gzip');
        return void res.end();
      }
      res.setHeader('content-encoding', 'gzip');
      res.end(gzipSync(JSON.stringify(obj)));
    });
    expect(await (await f(`${url}/resource`)).text()).toBe(JSON.stringify(obj));
  });
  test('decode non-redirect body with location header', async () => {
    const obj = { asd: true };
    const url = await serve((_req, res) => {
      res.statusCode = 201;
      res.setHeader('location', '/resource/');
      res.setHeader('content-encoding', 'gzip');
      res.end(gzipSync(JSON.stringify(obj)));
    });
    expect(await (await f(`${url}/resource`)).text()).toBe(JSON.stringify(obj));
  });
  test('deflate body is decoded (encoding.js, deflate alone)', async () => {
    const url = await serve((_req, res) => res.setHeader('content-encoding', 'deflate').end(deflateSync('deflated')));
    expect(await (await f(url)).text()).toBe('deflated');
  });
  test('Receiving non-Latin1 headers', async () => {
    const ContentDisposition = [
      'inline; filename=rock&roll.png',
      "inline; filename=\"rock'n'roll.png\"",
      "inline; filename=\"image â\x80\x94 copy (1).png\"; filename*=UTF-8''image%20%E2%80%94%20copy%20(1).png",
      "inline; filename=\"_å\x9C\x96ç\x89\x87_ð\x9F\x96¼_image_.png\"; filename*=UTF-8''_%E5%9C%96%E7%89%87_%F0%9F%96%BC_image_.png",
      "inline; filename=\"100 % loading&perf.png\"; filename*=UTF-8''100%20%25%20loading%26perf.png",
    ];
    const url = await serve((_req, res) => {
      ContentDisposition.forEach((v, i) => res.setHeader(`Content-Disposition-${i + 1}`, v));
      res.end();
    });
    const response = await f(url, { method: 'HEAD' });
    const cd = [...response.headers].filter(([k]) => k.startsWith('content-disposition')).map(([, v]) => v);
    expect(cd).toEqual(ContentDisposition);
    expect(cd.map((h) => h.length)).toEqual([30, 34, 94, 104, 90]);
  });
});

describe('user-agent.js', () => {
  test('set user-agent for fetch', async () => {
    const url = await serve((req, res) => res.end(JSON.stringify({ userAgentHeader: req.headers['user-agent'] })));
    const json = (await (await f(url, { headers: { 'user-agent': 'AcmeCo Crawler - acme.co - node@acme.co' } })).json()) as { userAgentHeader: string };
    expect(json.userAgentHeader).toBe('AcmeCo Crawler - acme.co - node@acme.co');
  });
  test('user-agent defaults to "node" and curlio\'s token on the default session', async () => {
    const url = await serve((req, res) => res.end(JSON.stringify({ userAgentHeader: req.headers['user-agent'] })));
    const json = (await (await fetch(url)).json()) as { userAgentHeader: string };
    expect(json.userAgentHeader).toMatch(/^node curlio\/\d/);
  });
});

describe('headers-case.js', () => {
  test('Headers retain keys case-sensitive', async () => {
    let raw: string[] = [];
    const url = await serve((req, res) => ((raw = req.rawHeaders), res.end()));
    await f(url, { headers: [['Content-Type', 'text/plain']] as [string, string][] });
    // Headers lower-cases names; what goes on the wire is its own business, the value is not.
    expect(raw.map((h) => h.toLowerCase())).toContain('content-type');
    expect(raw).toContain('text/plain');
  });
});
