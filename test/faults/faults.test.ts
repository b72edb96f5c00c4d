// Servers that misbehave on purpose (test/helpers/fault-server-process.js), through both
// faces: Multi.perform (the CurlError's name) and Session.send (the Status). After each
// fault the same Multi / Session still works, and closing it gives back every fd.
import {
  CURLINFO_HTTP_CONNECTCODE,
  CURLOPT_POSTFIELDS,
  CURLOPT_PROXY,
  CURLOPT_TIMEOUT_MS,
  CURLOPT_URL,
  CurlError,
  Easy,
  Multi,
  type PerformResult,
} from '../../lib/libcurl';
import { Message, MessageFlags, Session, Status } from '../../lib/session';
import { fdsSettled, openFds, startFaultServer, type FaultServer } from '../helpers/fault-server';

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(async () => {
  await server.close();
});

async function performError(multi: Multi, url: string, setup: (easy: Easy) => void = () => {}): Promise<CurlError> {
  const easy = new Easy().setopt(CURLOPT_URL, url);
  setup(easy);
  try {
    await multi.perform(easy);
  } catch (error) {
    expect(error).toBeInstanceOf(CurlError);
    return error as CurlError;
  } finally {
    easy.close();
  }
  throw new Error(`${url} succeeded`);
}

async function performOk(multi: Multi, url: string): Promise<PerformResult> {
  const easy = new Easy().setopt(CURLOPT_URL, url);
  try {
    return await multi.perform(easy);
  } finally {
    easy.close();
  }
}

interface Fault {
  what: string;
  url: () => string;
  /** CurlError.name from Multi.perform; several when the socket event that reports it races. */
  curl: string[];
  status: number;
  /** Session options / easy options the fault needs (a timeout). */
  timeout?: boolean;
}

// What libcurl 7.88 and the native driver really give. A reset reaches libcurl as
// CURL_CSELECT_ERR when libuv sees POLLERR first (libuv then stops the poll and reports
// UV_EBADF, as multi-uv.c passes on): libcurl calls that "select/poll returned error",
// CURLE_SEND_ERROR, even while receiving; when the read comes first it is RECV_ERROR.
const faults: Fault[] = [
  { what: 'connection reset before the headers', url: () => `${server.url}/reset-before-headers`, curl: ['CURLE_SEND_ERROR', 'CURLE_RECV_ERROR'], status: Status.IO_ERROR },
  { what: 'connection closed before the headers', url: () => `${server.url}/close-before-headers`, curl: ['CURLE_GOT_NOTHING'], status: Status.IO_ERROR },
  { what: 'connection reset in the middle of the body', url: () => `${server.url}/reset-mid-body`, curl: ['CURLE_SEND_ERROR', 'CURLE_RECV_ERROR'], status: Status.IO_ERROR },
  { what: 'body shorter than Content-Length', url: () => `${server.url}/short-body`, curl: ['CURLE_PARTIAL_FILE'], status: Status.IO_ERROR },
  { what: 'malformed status line (HTTP/1.1 abc)', url: () => `${server.url}/malformed-status`, curl: ['CURLE_UNSUPPORTED_PROTOCOL'], status: Status.MALFORMED },
  { what: 'not HTTP at all (HTTP/0.9 refused)', url: () => `${server.url}/garbage-status`, curl: ['CURLE_UNSUPPORTED_PROTOCOL'], status: Status.MALFORMED },
  // libcurl refuses a header line over CURL_MAX_HTTP_HEADER (100 KiB) as out of memory.
  { what: 'one 200 KiB header line', url: () => `${server.url}/huge-header-line`, curl: ['CURLE_OUT_OF_MEMORY'], status: Status.IO_ERROR },
  { what: 'slowloris headers (a byte every 1.5 s)', url: () => `${server.url}/slowloris`, curl: ['CURLE_OPERATION_TIMEDOUT'], status: Status.IO_ERROR, timeout: true },
  { what: 'a server that never answers', url: () => `${server.url}/hang`, curl: ['CURLE_OPERATION_TIMEDOUT'], status: Status.IO_ERROR, timeout: true },
  { what: 'DNS failure (a name under .invalid)', url: () => 'http://no-such-host.invalid/', curl: ['CURLE_COULDNT_RESOLVE_HOST'], status: Status.CANT_RESOLVE },
  { what: 'connection refused', url: () => `http://127.0.0.1:${server.refusedPort}/`, curl: ['CURLE_COULDNT_CONNECT'], status: Status.CANT_CONNECT },
  { what: 'TLS handshake with a server that speaks garbage', url: () => `https://127.0.0.1:${server.tlsGarbagePort}/`, curl: ['CURLE_SSL_CONNECT_ERROR'], status: Status.SSL_FAILED },
];

describe.each(faults)('$what', (fault) => {
  test('Multi.perform rejects with the CurlError, the next transfer works, fds come back', async () => {
    const before = openFds();
    const multi = new Multi();
    const error = await performError(multi, fault.url(), (easy) => {
      if (fault.timeout) easy.setopt(CURLOPT_TIMEOUT_MS, 1000);
    });
    expect(fault.curl).toContain(error.name);
    expect((await performOk(multi, `${server.url}/ok`)).body.toString()).toBe('ok');
    multi.close();
    expect(await fdsSettled(before)).toBeLessThanOrEqual(before);
  });

  test('Session.send resolves with the Status, the next message works, fds come back', async () => {
    const before = openFds();
    const session = new Session(fault.timeout ? { timeout: 1 } : {});
    const started = Date.now();
    const msg = new Message('GET', fault.url());
    expect(await session.send(msg)).toBe(fault.status);
    if (fault.timeout) expect(Date.now() - started).toBeLessThan(5000);
    const next = new Message('GET', `${server.url}/ok`);
    expect(await session.send(next)).toBe(Status.OK);
    expect(next.responseBody.toString()).toBe('ok');
    session.close();
    expect(await fdsSettled(before)).toBeLessThanOrEqual(before);
  });
});

describe('answers libcurl accepts', () => {
  test('a body longer than Content-Length: the first Content-Length bytes, the rest dropped with the connection', async () => {
    const before = openFds();
    const multi = new Multi();
    expect((await performOk(multi, `${server.url}/long-body`)).body.toString()).toBe('0123456789');
    expect((await performOk(multi, `${server.url}/ok`)).body.toString()).toBe('ok');
    multi.close();
    const session = new Session();
    const msg = new Message('GET', `${server.url}/long-body`);
    expect(await session.send(msg)).toBe(Status.OK);
    expect(msg.responseBody.toString()).toBe('0123456789');
    session.close();
    expect(await fdsSettled(before)).toBeLessThanOrEqual(before);
  });

  test('100 KiB of headers (1000 lines) arrive whole', async () => {
    const before = openFds();
    const multi = new Multi();
    const result = await performOk(multi, `${server.url}/big-headers`);
    expect(result.headers.length).toBeGreaterThan(100 * 1000);
    expect(result.body.toString()).toBe('ok');
    multi.close();
    const session = new Session();
    const msg = new Message('GET', `${server.url}/big-headers`);
    expect(await session.send(msg)).toBe(Status.OK);
    expect(msg.responseHeaders.get('X-Filler-0999')).toBe('v'.repeat(84));
    session.close();
    expect(await fdsSettled(before)).toBeLessThanOrEqual(before);
  });
});

// /drop-second: the server closes a kept-alive connection unanswered when it is reused, the
// race of an idle close arriving just as the client sends. libcurl retries a request that
// died on a reused connection before any response byte, on a fresh connection, whatever
// its method.
describe('an idle keep-alive connection closed by the server as it is reused', () => {
  test('an idempotent GET is retried on a new connection, transparently (Session and Multi)', async () => {
    const before = openFds();
    const session = new Session();
    const first = new Message('GET', `${server.url}/drop-second`);
    expect(await session.send(first)).toBe(Status.OK);
    const second = new Message('GET', `${server.url}/drop-second`);
    expect(await session.send(second)).toBe(Status.OK);
    const conn = (m: Message): number => Number(/connection (\d+)/.exec(m.responseBody.toString())![1]);
    expect(conn(second)).toBe(conn(first) + 1);
    session.close();

    const multi = new Multi();
    const a = (await performOk(multi, `${server.url}/drop-second`)).body.toString();
    const b = (await performOk(multi, `${server.url}/drop-second`)).body.toString();
    expect(a).toMatch(/^GET 0 on connection/);
    expect(b).toMatch(/^GET 0 on connection/);
    expect(b).not.toBe(a);
    multi.close();
    expect(await fdsSettled(before)).toBeLessThanOrEqual(before);
  });

  // libcurl itself replays any request whose reused connection dies: a POST the application
  // marked IDEMPOTENT may reuse the connection, so the server receives it twice; so does a
  // plain Multi transfer.
  test('a POST marked IDEMPOTENT (and a Multi POST) on the reused connection is replayed: the server receives it twice', async () => {
    const session = new Session();
    const warm = new Message('GET', `${server.url}/drop-second`);
    expect(await session.send(warm)).toBe(Status.OK);
    const post = new Message('POST', `${server.url}/drop-second`);
    post.flags |= MessageFlags.IDEMPOTENT;
    const marker = `order-${Date.now()}`;
    post.requestBody = marker;
    expect(await session.send(post)).toBe(Status.OK);
    session.close();
    const seen = (await server.requests()).filter((r) => r.method === 'POST' && r.body === marker);
    expect(seen).toHaveLength(2);
    expect(seen[0].conn).not.toBe(seen[1].conn);

    const multi = new Multi();
    await performOk(multi, `${server.url}/drop-second`);
    const easy = new Easy().setopt(CURLOPT_URL, `${server.url}/drop-second`).setopt(CURLOPT_POSTFIELDS, `${marker}-multi`);
    await multi.perform(easy);
    easy.close();
    multi.close();
    expect((await server.requests()).filter((r) => r.body === `${marker}-multi`)).toHaveLength(2);
  });

  // libsoup runs a non-idempotent message (POST, no MessageFlags.IDEMPOTENT) on a new
  // connection, so a dying kept-alive connection can never make it run twice.
  test('Session: a POST is never replayed silently (non-idempotent messages take a new connection)', async () => {
    const session = new Session();
    expect(await session.send(new Message('GET', `${server.url}/drop-second`))).toBe(Status.OK);
    const post = new Message('POST', `${server.url}/drop-second`);
    const marker = `once-${Date.now()}`;
    post.requestBody = marker;
    await session.send(post);
    session.close();
    expect((await server.requests()).filter((r) => r.body === marker)).toHaveLength(1);
  });
});

describe('a proxy that refuses CONNECT (403)', () => {
  test('Multi.perform: CURLE_RECV_ERROR, CURLINFO_HTTP_CONNECTCODE 403; the next transfer works', async () => {
    const before = openFds();
    const multi = new Multi();
    const easy = new Easy().setopt(CURLOPT_URL, 'https://127.0.0.1:1/').setopt(CURLOPT_PROXY, server.url);
    await expect(multi.perform(easy)).rejects.toMatchObject({ name: 'CURLE_RECV_ERROR' });
    expect(easy.getinfo(CURLINFO_HTTP_CONNECTCODE)).toBe(403);
    easy.close();
    expect((await performOk(multi, `${server.url}/ok`)).body.toString()).toBe('ok');
    multi.close();
    expect(await fdsSettled(before)).toBeLessThanOrEqual(before);
  });

  test('Session: the message gets the proxy\'s 403, as in libsoup; the session still works', async () => {
    const before = openFds();
    const session = new Session({ proxyUri: server.url });
    expect(await session.send(new Message('GET', 'https://127.0.0.1:1/'))).toBe(403);
    session.proxyUri = null;
    expect(await session.send(new Message('GET', `${server.url}/ok`))).toBe(Status.OK);
    session.close();
    expect(await fdsSettled(before)).toBeLessThanOrEqual(before);
  });
});
