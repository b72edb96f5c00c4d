// Web Platform Tests, fetch/api, ported to curlio's fetch against a local server that plays
// WPT's resources (test/helpers/fetch-server.ts). Each `test` is one WPT case, named as in
// WPT; cases that only make sense in a browser are listed with `test.skip` and the reason.
// Sources: fetch/api/redirect/redirect-method.any.js, redirect-count.any.js,
// redirect-mode.any.js, basic/request-upload.any.js, basic/http-response-code.any.js,
// basic/header-value-combining.any.js, basic/request-headers-case.any.js,
// abort/general.any.js (network cases).
import { fetch, Session } from '../../lib';
import { startFetchServer, type FetchServer } from '../helpers/fetch-server';

let server: FetchServer;
let session: Session;
beforeAll(async () => {
  server = await startFetchServer();
  session = new Session({ maxConnsPerHost: 16 });
});
afterAll(async () => {
  session.close();
  await server.close();
});

const f = (url: string, init: RequestInit = {}): Promise<Response> => fetch(new URL(url, server.url), { ...init, session } as RequestInit);

describe('redirect-method.any.js', () => {
  test('Response.redirected should be false on not-redirected responses', async () => {
    expect(new Response().redirected).toBe(false);
    const resp = await f('/method');
    expect(resp.status).toBe(200);
    expect(resp.redirected).toBe(false);
  });

  const stringBody = 'this is my body';
  const blobBody = new Blob(["it's me the blob!", ' ', 'and more blob!']);
  const blobBodyAsString = "it's me the blob! and more blob!";
  const cases: [string, number, string, string, { body?: string | Blob; expectedBodyAsString?: string; expectedRequestContentType?: string }?][] = [
    ['Redirect 301 with GET', 301, 'GET', 'GET'],
    ['Redirect 301 with POST', 301, 'POST', 'GET', { body: stringBody }],
    ['Redirect 301 with HEAD', 301, 'HEAD', 'HEAD'],
    ['Redirect 302 with GET', 302, 'GET', 'GET'],
    ['Redirect 302 with POST', 302, 'POST', 'GET', { body: stringBody }],
    ['Redirect 302 with HEAD', 302, 'HEAD', 'HEAD'],
    ['Redirect 303 with POST', 303, 'POST', 'GET', { body: stringBody }],
    ['Redirect 303 with HEAD', 303, 'HEAD', 'HEAD'],
    ['Redirect 303 with PATCH (for WPT\'s TESTING)', 303, 'PATCH', 'GET'],
    ['Redirect 307 with GET', 307, 'GET', 'GET'],
    ['Redirect 307 with POST (string body)', 307, 'POST', 'POST', { body: stringBody, expectedRequestContentType: 'text/plain;charset=UTF-8' }],
    ['Redirect 307 with POST (blob body)', 307, 'POST', 'POST', { body: blobBody, expectedBodyAsString: blobBodyAsString }],
    ['Redirect 307 with HEAD', 307, 'HEAD', 'HEAD'],
  ];
  test.each(cases)('%s', async (_desc, status, method, expectedMethod, opts = {}) => {
    const headers: Record<string, string> =
      (status !== 303 && method === 'POST') || (status === 303 && method !== 'HEAD')
        ? { 'Content-Encoding': 'Identity', 'Content-Language': 'en-US', 'Content-Location': 'foo' }
        : {};
    const init: RequestInit = { method, redirect: 'follow', headers };
    if (opts.body) init.body = opts.body;
    const resp = await f(`/redirect?redirect_status=${status}&location=${encodeURIComponent('method')}`, init);
    const isPostEnded = expectedMethod === 'POST';
    const expectedBody = isPostEnded ? (opts.expectedBodyAsString ?? (init.body as string)) : '';
    const expectedContentType = isPostEnded && opts.expectedRequestContentType ? opts.expectedRequestContentType : 'NO';
    expect(resp.status).toBe(200);
    expect(resp.type).toBe('basic');
    expect(resp.headers.get('x-request-method')).toBe(expectedMethod);
    expect(resp.headers.get('x-request-content-type')).toBe(expectedContentType);
    for (const header of ['content-length', 'content-encoding', 'content-language', 'content-location']) {
      expect([header, resp.headers.get(`x-request-${header}`) !== 'NO']).toEqual([header, isPostEnded]);
    }
    expect(resp.redirected).toBe(true);
    expect(await resp.text()).toBe(expectedBody);
  });
  test.skip("Redirect 303 with GET (WPT wants Content-Encoding/-Language/-Location dropped from a GET that stays a GET; the Fetch standard's step 12 and undici keep them)", () => undefined);
  test.skip("Redirect 303 with TESTING (node:http's parser answers 400 to the unknown method TESTING before the test server sees it; PATCH stands in above)", () => undefined);
});

describe('redirect-count.any.js', () => {
  const cases: [number, number, boolean][] = [];
  for (const status of [301, 302, 303, 307, 308]) cases.push([status, 20, true], [status, 21, false]);
  test.each(cases)('Redirect %d %d times', async (status, maxCount, shouldPass) => {
    const promise = f(`/redirect?redirect_status=${status}&max_count=${maxCount}`, { redirect: 'follow' });
    if (!shouldPass) {
      await expect(promise).rejects.toBeInstanceOf(TypeError);
      return;
    }
    const resp = await promise;
    expect(resp.status).toBe(200);
    expect(await resp.text()).toBe(String(maxCount));
  });
});

describe('redirect-mode.any.js (same-origin, cors mode)', () => {
  const cases: [number, 'error' | 'manual' | 'follow'][] = [];
  for (const status of [301, 302, 303, 307, 308]) for (const mode of ['error', 'manual', 'follow'] as const) cases.push([status, mode]);
  test.each(cases)('same-origin redirect %d in %s redirect and cors mode', async (status, redirect) => {
    const path = `/redirect?redirect_status=${status}&location=${encodeURIComponent('cors-top.txt')}`;
    const promise = f(path, { redirect, mode: 'cors' });
    if (redirect === 'error') return void (await expect(promise).rejects.toBeInstanceOf(TypeError));
    const resp = await promise;
    if (redirect === 'manual') {
      // WPT expects a browser's opaqueredirect (status 0); Node's fetch (undici) returns the
      // redirect response itself, and so does curlio's: that is the behaviour ported.
      expect(resp.status).toBe(status);
      expect(resp.headers.get('location')).toBe('cors-top.txt');
      expect(resp.url).toBe(new URL(path, server.url).href);
      return;
    }
    expect(new URL(resp.url).pathname.endsWith('cors-top.txt')).toBe(true);
    expect(resp.status).toBe(200);
  });
  test.skip('cross-origin and no-cors cases (browser CORS and opaque responses: Node has no origin)', () => undefined);
});

describe('request-upload.any.js', () => {
  const uploads: [string, string, () => RequestInit['body'], string][] = [
    ['Fetch with PUT with body', 'PUT', () => "Request's body", "Request's body"],
    ['Fetch with POST with text body', 'POST', () => "Request's body", "Request's body"],
    ['Fetch with POST with URLSearchParams body', 'POST', () => new URLSearchParams('name=value'), 'name=value'],
    ['Fetch with POST with Blob body', 'POST', () => new Blob(['Test']), 'Test'],
    ['Fetch with POST with ArrayBuffer body', 'POST', () => new ArrayBuffer(4), '\0\0\0\0'],
    ['Fetch with POST with Uint8Array body', 'POST', () => new Uint8Array(4), '\0\0\0\0'],
    ['Fetch with POST with Int8Array body', 'POST', () => new Int8Array(4), '\0\0\0\0'],
    ['Fetch with POST with Float32Array body', 'POST', () => new Float32Array(1), '\0\0\0\0'],
    ['Fetch with POST with Float64Array body', 'POST', () => new Float64Array(1), '\0\0\0\0\0\0\0\0'],
    ['Fetch with POST with DataView body', 'POST', () => new DataView(new ArrayBuffer(8), 0, 4), '\0\0\0\0'],
    ['Fetch with POST with Blob body with mime type', 'POST', () => new Blob(['Test'], { type: 'text/maybe' }), 'Test'],
    [
      'Fetch with POST with ReadableStream',
      'POST',
      () => new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('Test')), c.close()) }),
      'Test',
    ],
  ];
  test.each(uploads)('%s', async (_desc, method, createBody, expected) => {
    const body = createBody();
    const resp = await f('/echo-content', { method, body, duplex: 'half' } as RequestInit);
    expect(await resp.text()).toBe(expected);
  });

  const failures: [string, unknown][] = [
    ['Fetch with POST with ReadableStream containing String', 'Test'],
    ['Fetch with POST with ReadableStream containing null', null],
    ['Fetch with POST with ReadableStream containing number', 99],
    ['Fetch with POST with ReadableStream containing ArrayBuffer', new ArrayBuffer(0)],
    ['Fetch with POST with ReadableStream containing Blob', new Blob([])],
  ];
  test.each(failures)('%s', async (_desc, chunk) => {
    const body = new ReadableStream({ start: (c) => (c.enqueue(chunk), c.close()) });
    await expect(f('/echo-content', { method: 'POST', body, duplex: 'half' } as RequestInit)).rejects.toBeInstanceOf(TypeError);
  });
  test.skip('Fetch with POST with text body on 421 response should be retried once on new connection (WPT connection-pool server; libcurl does not retry a 421)', () => undefined);
  test('Fetch with POST with ReadableStream on 421 response should be rejected (ported: a stream body cannot be sent again, so a 307 with one rejects)', async () => {
    const body = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('Test')), c.close()) });
    await expect(f('/redirect?redirect_status=307&location=echo-content', { method: 'POST', body, duplex: 'half' } as RequestInit)).rejects.toBeInstanceOf(TypeError);
  });
});

describe('http-response-code.any.js and friends', () => {
  test('Fetch on 425 response should not be retried for non TLS early data.', async () => {
    let hits = 0;
    server.routes.set('/425', (_req, res) => {
      hits++;
      res.writeHead(425);
      res.end('425');
    });
    const resp = await f('/425');
    expect(resp.status).toBe(425);
    expect(await resp.text()).toBe('425');
    expect(hits).toBe(1);
  });

  test.each([200, 201, 204, 299, 301, 400, 404, 500, 599])('status %d comes through with ok = 200..299', async (code) => {
    const resp = await f(`/status?code=${code}`, { redirect: 'manual' });
    expect(resp.status).toBe(code);
    expect(resp.ok).toBe(code >= 200 && code <= 299);
    if (code === 204) expect(resp.body).toBeNull();
  });
});

describe('header-value-combining.any.js', () => {
  test.each([
    [['1', '2'], '1, 2'],
    [['a', 'b', 'c'], 'a, b, c'],
  ])('response header with values %j reads as %j', async (values, combined) => {
    server.routes.set('/combine', (_req, res) => {
      res.setHeader('foo', values);
      res.end();
    });
    const resp = await f('/combine');
    expect(resp.headers.get('foo')).toBe(combined);
  });
});

describe('request-headers-case.any.js', () => {
  test('Multiple headers with the same name, different case (THIS-is-A-test first)', async () => {
    const resp = await f('/inspect-headers', { headers: [['THIS-is-A-test', 'first'], ['THIS-IS-A-TEST', 'second']] });
    const { headers } = (await resp.json()) as { headers: Record<string, string> };
    expect(headers['this-is-a-test']).toBe('first, second');
  });
});

describe('abort/general.any.js (network cases)', () => {
  test('Aborting rejects with AbortError', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(f('/', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  test('Aborting rejects with abort reason', async () => {
    const controller = new AbortController();
    const reason = new Error('my reason');
    controller.abort(reason);
    await expect(f('/', { signal: controller.signal })).rejects.toBe(reason);
  });

  test('Already aborted signal rejects immediately', async () => {
    const controller = new AbortController();
    controller.abort();
    let hits = 0;
    server.routes.set('/count-hit', (_req, res) => (hits++, res.end()));
    await expect(f('/count-hit', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(hits).toBe(0);
  });

  test('Signal state is cloned', async () => {
    const controller = new AbortController();
    const request = new Request(new URL('/', server.url), { signal: controller.signal });
    controller.abort();
    await expect(fetch(request, { session } as RequestInit)).rejects.toMatchObject({ name: 'AbortError' });
  });

  test('Underlying connection is closed when aborting after receiving response', async () => {
    const controller = new AbortController();
    const resp = await f('/slow-body?n=100&ms=50', { signal: controller.signal });
    const reader = resp.body!.getReader();
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  });

  test('Stream errors once aborted, after reading some data', async () => {
    const controller = new AbortController();
    const resp = await f('/slow-body?n=100&ms=20', { signal: controller.signal });
    const reader = resp.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    controller.abort();
    await expect((async () => {
      for (;;) if ((await reader.read()).done) return;
    })()).rejects.toMatchObject({ name: 'AbortError' });
  });

  test('Readable stream synchronously cancels with AbortError if aborted before reading', async () => {
    const controller = new AbortController();
    const resp = await f('/slow-body?n=100&ms=20', { signal: controller.signal });
    controller.abort();
    await expect(resp.text()).rejects.toMatchObject({ name: 'AbortError' });
  });

  test('Request objects have a signal property', () => {
    const request = new Request(server.url);
    expect(request.signal).toBeInstanceOf(AbortSignal);
    expect(request.signal.aborted).toBe(false);
  });

  test('Aborting a request in flight rejects with the reason, and the server sees the connection close', async () => {
    const closed = new Promise<void>((resolve) => server.routes.set('/hang', (req) => req.socket.once('close', () => resolve())));
    const controller = new AbortController();
    const promise = f('/hang', { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(promise).rejects.toMatchObject({ name: 'AbortError' });
    await closed;
  });

  test.skip('Cases with service workers, keepalive fetches, CORS preflights and window.stop() (browser only)', () => undefined);
});
