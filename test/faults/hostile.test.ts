// Hostile input: what an application may pass on from an attacker (header values, URLs,
// redirects a server chooses) must never turn into a smuggled header, a request to a
// scheme the Session does not speak, or a credential sent where it does not belong.
import {
  CURLOPT_FOLLOWLOCATION,
  CURLOPT_HTTPHEADER,
  CURLOPT_HTTPPROXYTUNNEL,
  CURLOPT_PROXY,
  CURLOPT_PROXYUSERPWD,
  CURLOPT_URL,
  CurlError,
  Easy,
  Multi,
  type EasyOption,
} from '../../lib/libcurl';
import * as constants from '../../lib/libcurl/constants.generated';
import { Logger, LoggerLogLevel, Message, Session, Status } from '../../lib/session';
import { makeCertificate, startHttpsServer, type Certificate, type TlsServer } from '../helpers/session-servers';
import { fdsSettled, openFds, startFaultServer, type FaultServer } from '../helpers/fault-server';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prng } = require('../helpers/prng') as { prng: (seed: number) => () => number };

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(async () => {
  await server.close();
});

// Array.prototype.findLast is ES2023; the tests compile for ES2022.
function findLast<T>(items: T[], predicate: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i])) return items[i];
  return undefined;
}

// Errors thrown by the addon come from Node's main realm, not jest's test context, so
// `instanceof TypeError` is false for them: match by name.
const isTypeError = (error: unknown): boolean => typeof error === 'object' && error !== null && (error as Error).name === 'TypeError';
function expectTypeError(fn: () => unknown): void {
  let thrown: unknown = null;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(isTypeError(thrown)).toBe(true);
}

const requestCount = async (): Promise<number> => (await server.requests()).length;

describe('CR, LF and NUL never reach the wire', () => {
  const bad = ['a\r\nX-Injected: 1', 'a\nb', 'a\rb', 'a\0b', '\r\n\r\nGET /smuggled HTTP/1.1'];

  test('header names and values: TypeError when set, before anything is sent', async () => {
    const before = await requestCount();
    for (const value of bad) {
      const msg = new Message('GET', `${server.url}/echo`);
      expect(() => msg.requestHeaders.append('X-Test', value)).toThrow(TypeError);
      expect(() => msg.requestHeaders.replace('X-Test', value)).toThrow(TypeError);
      expect(() => msg.requestHeaders.append(value, 'v')).toThrow(TypeError);
      expect(() => msg.requestHeaders.append(`X-${value}`, 'v')).toThrow(TypeError);
    }
    for (const name of ['', 'has space', 'colon:', 'é', '(paren)']) {
      expect(() => new Message('GET', `${server.url}/echo`).requestHeaders.append(name, 'v')).toThrow(TypeError);
    }
    expect(() => new Session({ userAgent: 'ua\r\nX-Injected: 1' })).toThrow(TypeError);
    expect(() => new Session({ acceptLanguage: 'en\nX-Injected: 1' })).toThrow(TypeError);
    expect(await requestCount()).toBe(before);
  });

  test('methods: TypeError for anything but an HTTP token', async () => {
    const before = await requestCount();
    for (const method of ['GET /x HTTP/1.1\r\nX: y', 'GE T', 'GET\0', 'PO\nST', '', 'GET\t']) {
      expect(() => new Message(method, `${server.url}/echo`)).toThrow(TypeError);
      const msg = new Message('GET', `${server.url}/echo`);
      expect(() => {
        msg.method = method;
      }).toThrow(TypeError);
    }
    expect(await requestCount()).toBe(before);
  });

  test('URLs: TypeError for CR, LF, TAB or NUL, and for relative or host-less URLs', async () => {
    const before = await requestCount();
    for (const url of [`${server.url}/a\r\nX-Injected: 1`, `${server.url}/a\nb`, `${server.url}/a\0b`, `${server.url}/a\tb`, '/relative', 'http://']) {
      expect(() => new Message('GET', url)).toThrow(TypeError);
    }
    expect(await requestCount()).toBe(before);
  });

  test('Easy.setopt refuses CR/LF/NUL in CURLOPT_HTTPHEADER items and NUL in strings (TypeError)', () => {
    const easy = new Easy();
    expectTypeError(() => easy.setopt(CURLOPT_HTTPHEADER, ['X-A: 1\r\nX-Injected: 1']));
    expectTypeError(() => easy.setopt(CURLOPT_HTTPHEADER, ['X-A: \0']));
    expectTypeError(() => easy.setopt(CURLOPT_HTTPHEADER, ['X-A: 1\nX-Injected: 1']));
    expectTypeError(() => easy.setopt(CURLOPT_URL, `${server.url}/\0`));
    easy.close();
  });

  test('a percent-encoded CR LF in the path stays encoded on the wire', async () => {
    const session = new Session();
    const msg = new Message('GET', `${server.url}/echo%0D%0AX-Injected:%201`);
    expect(await session.send(msg)).toBe(Status.OK);
    session.close();
    const last = (await server.requests()).at(-1)!;
    expect(last.path).toBe('/echo%0D%0AX-Injected:%201');
    expect(last.headers['x-injected']).toBeUndefined();
  });
});

describe('schemes', () => {
  const port = (): string => server.url.split(':')[2];
  const others = ['ftp', 'gopher', 'dict', 'telnet', 'ldap', 'smtp', 'scp', 'tftp', 'ws'];

  test.each(others)('with httpAliases null, Session refuses %s://: Status.MALFORMED, nothing is sent', async (scheme) => {
    const before = await requestCount();
    const session = new Session({ httpAliases: null });
    const msg = new Message('GET', `${scheme}://127.0.0.1:${port()}/x`);
    expect(await session.send(msg)).toBe(Status.MALFORMED);
    session.close();
    expect(await requestCount()).toBe(before);
  });

  // SoupSession's default http-aliases is ["*"]: any scheme but https is an alias of http.
  // Session keeps that default, so libcurl never speaks ftp, gopher, dict... for it: the
  // request goes out as plain HTTP to the same host and port.
  test.each(others)('by default (httpAliases ["*"]) %s:// goes out as plain HTTP, never as that protocol', async (scheme) => {
    const session = new Session();
    const msg = new Message('GET', `${scheme}://127.0.0.1:${port()}/as-http-${scheme}`);
    expect(await session.send(msg)).toBe(Status.OK);
    session.close();
    const seen = findLast(await server.requests(), (r) => r.path === `/as-http-${scheme}`)!;
    expect(seen.method).toBe('GET');
    expect(seen.headers.host).toBe(`127.0.0.1:${port()}`);
  });

  test('file:// is refused whatever the aliases: Status.MALFORMED, nothing read', async () => {
    for (const session of [new Session(), new Session({ httpAliases: null })]) {
      const msg = new Message('GET', 'file:///etc/passwd');
      expect(await session.send(msg)).toBe(Status.MALFORMED);
      expect(msg.responseBody.length).toBe(0);
      session.close();
    }
  });

  test('a redirect to file:// is refused (Session: Status.MALFORMED; Multi: CURLE_UNSUPPORTED_PROTOCOL)', async () => {
    const session = new Session();
    const msg = new Message('GET', `${server.url}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`);
    expect(await session.send(msg)).toBe(Status.MALFORMED);
    session.close();
    expect(msg.responseBody.toString()).not.toContain('root:');

    const multi = new Multi();
    const easy = new Easy().setopt(CURLOPT_URL, `${server.url}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`).setopt(CURLOPT_FOLLOWLOCATION, 1);
    await expect(multi.perform(easy)).rejects.toMatchObject({ name: 'CURLE_UNSUPPORTED_PROTOCOL' });
    easy.close();
    multi.close();
  });
});

describe('credentials stay where they belong', () => {
  // 127.0.0.1 and localhost are two origins on one server.
  const otherOrigin = (): string => server.url.replace('127.0.0.1', 'localhost');

  test('Authorization and Cookie are dropped on a cross-origin redirect', async () => {
    const session = new Session();
    const msg = new Message('GET', `${server.url}/redirect?to=${encodeURIComponent(`${otherOrigin()}/landed`)}`);
    msg.requestHeaders.append('Authorization', 'Bearer secret-token');
    msg.requestHeaders.append('Cookie', 'session=secret-cookie');
    expect(await session.send(msg)).toBe(Status.OK);
    session.close();
    const log = await server.requests();
    const first = findLast(log, (r) => r.path.startsWith('/redirect'))!;
    const landed = findLast(log, (r) => r.path === '/landed')!;
    expect(first.headers.authorization).toBe('Bearer secret-token');
    expect(landed.headers.host).toMatch(/^localhost:/);
    expect(landed.headers.authorization).toBeUndefined();
    expect(landed.headers.cookie).toBeUndefined();
  });

  test('Proxy-Authorization goes to the proxy (CONNECT) and never through the tunnel to the origin', async () => {
    const multi = new Multi();
    const easy = new Easy()
      .setopt(CURLOPT_URL, `${server.url}/inside-tunnel`)
      .setopt(CURLOPT_PROXY, server.url)
      .setopt(CURLOPT_HTTPPROXYTUNNEL, 1)
      .setopt(CURLOPT_PROXYUSERPWD, 'proxyuser:proxy-secret');
    await multi.perform(easy);
    easy.close();
    multi.close();
    const log = await server.requests();
    const connect = findLast(log, (r) => r.method === 'CONNECT')!;
    const origin = findLast(log, (r) => r.path === '/inside-tunnel')!;
    expect(connect.headers['proxy-authorization']).toMatch(/^Basic /);
    expect(origin.headers['proxy-authorization']).toBeUndefined();
  });

  test('Proxy-Authorization set on a message is dropped when a redirect leaves the origin', async () => {
    const session = new Session();
    const msg = new Message('GET', `${server.url}/redirect?to=${encodeURIComponent(`${otherOrigin()}/landed-proxy`)}`);
    msg.requestHeaders.append('Proxy-Authorization', 'Basic c2VjcmV0');
    expect(await session.send(msg)).toBe(Status.OK);
    session.close();
    const landed = findLast(await server.requests(), (r) => r.path === '/landed-proxy')!;
    expect(landed.headers['proxy-authorization']).toBeUndefined();
  });

  test('Logger redacts Authorization, Cookie, Set-Cookie and Proxy-Authorization', async () => {
    const lines: string[] = [];
    const session = new Session();
    session.addFeature(new Logger(LoggerLogLevel.HEADERS, -1, (_, dir, line) => lines.push(`${dir} ${line}`)));
    const msg = new Message('GET', `${server.url}/echo`);
    msg.requestHeaders.append('Authorization', 'Basic dXNlcjpodW50ZXIy');
    msg.requestHeaders.append('Cookie', 'sid=hunter2');
    msg.requestHeaders.append('Proxy-Authorization', 'Basic aHVudGVyMg==');
    await session.send(msg);
    session.close();
    const text = lines.join('\n');
    expect(text).toContain('Authorization: Basic [REDACTED]');
    expect(text).toContain('Cookie: sid=[REDACTED]');
    for (const secret of ['dXNlcjpodW50ZXIy', 'hunter2', 'aHVudGVyMg==']) expect(text).not.toContain(secret);
  });

  test('Logger never prints the password of a URL with userinfo', async () => {
    const lines: string[] = [];
    const session = new Session();
    session.addFeature(new Logger(LoggerLogLevel.HEADERS, -1, (_, dir, line) => lines.push(`${dir} ${line}`)));
    const msg = new Message('GET', `http://user:hunter2@127.0.0.1:${server.refusedPort}/`);
    expect(await session.send(msg)).toBe(Status.CANT_CONNECT);
    session.close();
    expect(lines.join('\n')).not.toContain('hunter2');
  });
});

describe('TLS', () => {
  let cert: Certificate;
  let https: TlsServer;
  beforeAll(async () => {
    cert = makeCertificate();
    https = await startHttpsServer(cert);
  });
  afterAll(async () => {
    await https.close();
  });

  test('verification is on by default: a self-signed server fails with SSL_FAILED / CURLE_PEER_FAILED_VERIFICATION', async () => {
    const session = new Session();
    expect(session.sslStrict).toBe(true);
    expect(await session.send(new Message('GET', `${https.url}/`))).toBe(Status.SSL_FAILED);
    session.close();

    const multi = new Multi();
    const easy = new Easy().setopt(CURLOPT_URL, `${https.url}/`);
    const error = await multi.perform(easy).then(
      () => null,
      (e: unknown) => e,
    );
    easy.close();
    multi.close();
    expect(error).toBeInstanceOf(CurlError);
    expect(['CURLE_PEER_FAILED_VERIFICATION', 'CURLE_SSL_CACERT']).toContain((error as CurlError).name);
  });

  test('with the certificate trusted (tlsDatabase) the same server answers', async () => {
    const session = new Session({ tlsDatabase: cert.cert });
    const msg = new Message('GET', `${https.url}/`);
    expect(await session.send(msg)).toBe(200);
    expect(msg.responseBody.toString()).toBe('secure hello');
    session.close();
  });
});

describe('seeded fuzz: only TypeError, CurlError or a status', () => {
  const SEED = 0xc0ffee;
  const ITERATIONS = 3000;
  const random = prng(SEED);
  const int = (n: number): number => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const pieces = ['a', 'Z', '0', '-', '_', ':', ' ', '\t', '\r', '\n', '\0', '\r\n', '/', '?', '#', '%', '%0d%0a', '@', '[', ']', '..', 'é', '\u2028', '\ud800', '😀', '\x7f', '\xff', 'GET', 'Host', 'http://', 'file://', '127.0.0.1', 'x'.repeat(300)];
  const text = (max = 12): string => Array.from({ length: int(max) }, () => pick(pieces)).join('');
  const values = (): unknown => pick<() => unknown>([
    () => text(),
    () => int(2 ** 31) - 2 ** 30,
    () => random() * 1e20,
    () => pick([NaN, Infinity, -Infinity, -0, 2 ** 53, -1, 0, 1]),
    () => BigInt(int(2 ** 31)) * 10n ** BigInt(int(20)),
    () => null,
    () => undefined,
    () => [text(), text()],
    () => [int(5), text()],
    () => Buffer.from(text()),
    () => ({ toString: () => text() }),
    () => pick([true, false]),
    () => () => 0,
  ])();
  const easyOptions = Object.entries(constants)
    .filter(([name, value]) => name.startsWith('CURLOPT_') && typeof value === 'number')
    .map(([, value]) => value as number)
    // Options that would do real I/O or install native behaviour we do not fuzz here; the
    // file-writing ones (cookie jar, HSTS and alt-svc caches, written at cleanup) would
    // leave files named by random strings wherever they point.
    .filter(
      (o) =>
        ![
          constants.CURLOPT_URL,
          constants.CURLOPT_PROXY,
          constants.CURLOPT_UPLOAD,
          constants.CURLOPT_COOKIEJAR,
          constants.CURLOPT_HSTS,
          constants.CURLOPT_ALTSVC,
        ].includes(o as never),
    );

  const allowed = (error: unknown): boolean => isTypeError(error) || error instanceof CurlError;

  test(`Easy.setopt with ${ITERATIONS} random option/value pairs (seed ${SEED})`, () => {
    const before = openFds();
    let easy = new Easy();
    for (let i = 0; i < ITERATIONS; i++) {
      const option = pick(easyOptions) as EasyOption;
      const value = values();
      try {
        (easy.setopt as (o: number, v: unknown) => Easy)(option, value);
      } catch (error) {
        if (!allowed(error)) throw new Error(`iteration ${i}: setopt(${option}, ${String(value)}) threw ${String(error)}`);
      }
      if (i % 200 === 199) {
        easy.close();
        easy = new Easy();
      }
    }
    easy.close();
    expect(openFds()).toBe(before);
  });

  test(`Message and headers from ${ITERATIONS} random methods, URLs, names and values (seed ${SEED})`, () => {
    let made = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const method = pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', text(6)]);
      const url = pick([`${server.url}/`, 'http://', 'https://', text(3) + '://', '']) + text(8);
      let msg: Message;
      try {
        msg = new Message(method, url);
        made++;
      } catch (error) {
        if (!allowed(error)) throw new Error(`iteration ${i}: new Message(${JSON.stringify(method)}, ${JSON.stringify(url)}) threw ${String(error)}`);
        continue;
      }
      const name = pick(['X-Fuzz', 'Authorization', 'Host', text(6)]);
      const value = text(10);
      try {
        msg.requestHeaders.append(name, value);
      } catch (error) {
        if (!allowed(error)) throw new Error(`iteration ${i}: append(${JSON.stringify(name)}, ${JSON.stringify(value)}) threw ${String(error)}`);
      }
    }
    expect(made).toBeGreaterThan(0);
  });

  test(`Session.send of 300 random valid messages: each ends with a status, none smuggles a header (seed ${SEED})`, async () => {
    const before = openFds();
    const session = new Session({ timeout: 5 });
    const statuses = new Map<number, number>();
    const sent: Promise<void>[] = [];
    for (let i = 0; sent.length < 300 && i < 20 * 300; i++) {
      let msg: Message;
      try {
        msg = new Message(pick(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'X-FUZZ']), `${server.url}/fuzz-${i}?q=${text(6)}`);
        for (let h = int(4); h > 0; h--) msg.requestHeaders.append(pick(['X-Fuzz', 'Accept', text(4)]), text(8));
        if (msg.method !== 'GET' && random() < 0.5) msg.requestBody = Buffer.from(text(20));
      } catch (error) {
        if (!allowed(error)) throw error;
        continue;
      }
      sent.push(
        session.send(msg).then((status) => {
          expect(typeof status).toBe('number');
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }),
      );
    }
    await Promise.all(sent);
    session.close();
    expect(sent).toHaveLength(300);
    // Every message reached the server, each as exactly one request, with no injected header.
    const fuzzed = (await server.requests()).filter((r) => r.path.startsWith('/fuzz-'));
    expect(new Set(fuzzed.map((r) => r.path.split('?')[0])).size).toBe(300);
    for (const r of fuzzed) expect(r.headers['x-injected']).toBeUndefined();
    expect([...statuses.keys()]).toEqual([Status.OK]);
    expect(await fdsSettled(before)).toBeLessThanOrEqual(before);
  });
});
