// Session({ ioThread: true }): messages that need no JavaScript during their transfer run on
// the I/O-thread multi (lib/session/io-thread-route.ts), the others on the session's Multi,
// and what the application sees is the same. Real servers in child processes.
import * as fs from 'node:fs';
import { CookieJar, Message, MessageFlags, Session, Status, type Auth } from '../../lib/session';
import { IoThreadEasy } from '../../lib/session/io-thread-route';
import { kItem, kTimingsSource } from '../../lib/session/message';
import { pattern, startHttpServer, type TestServer } from '../helpers/http-server';

jest.setTimeout(60_000);

let server: TestServer;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(async () => {
  await server.close();
});

// Whether the message's last transfer ran on the I/O thread: the handle it ran on.
function routed(msg: Message): boolean {
  return (msg as unknown as Record<symbol, unknown>)[kTimingsSource] instanceof IoThreadEasy;
}

// Whether the message's transfer in flight runs on the I/O thread.
function runningRouted(msg: Message): boolean {
  const item = (msg as unknown as Record<symbol, unknown>)[kItem] as { easy: unknown } | null;
  return item !== null && item.easy instanceof IoThreadEasy;
}

function echo(msg: Message): { method: string; url: string; headers: Record<string, string>; body: string } {
  return JSON.parse(msg.responseBody.toString());
}

async function stats(): Promise<{ connections: number; open: number }> {
  const s = new Session();
  const m = new Message('GET', `${server.url}/stats`);
  await s.send(m);
  s.close();
  return JSON.parse(m.responseBody.toString());
}

// Counts how a message ends: 'finished' signals and queue callbacks.
function queue(session: Session, msg: Message): { ends: () => number; done: Promise<number> } {
  let finished = 0;
  let callbacks = 0;
  msg.on('finished', () => finished++);
  const done = new Promise<number>((resolve) =>
    session.queueMessage(msg, (_, m) => {
      callbacks++;
      resolve(m.statusCode);
    }),
  );
  return { ends: () => finished + callbacks, done };
}

test('the option: off by default (unless CURLIO_SESSION_IO_THREAD=1), on with ioThread: true, and settable', () => {
  expect(new Session({ ioThread: false }).ioThread).toBe(false);
  const session = new Session({ ioThread: true });
  expect(session.ioThread).toBe(true);
  session.ioThread = false;
  expect(session.ioThread).toBe(false);
  session.close();
  expect(new Session().ioThread).toBe(process.env.CURLIO_SESSION_IO_THREAD === '1');
});

test('GET and POST run on the I/O thread with the same results', async () => {
  const session = new Session({ ioThread: true });
  const get = new Message('GET', `${server.url}/bytes/100000`);
  expect(await session.send(get)).toBe(200);
  expect(routed(get)).toBe(true);
  expect(get.responseBody.equals(pattern(100000))).toBe(true);
  expect(get.responseHeaders.getOne('Content-Length')).toBe('100000');

  const post = new Message('POST', `${server.url}/echo`);
  post.setRequest('text/plain', Buffer.from('posted body'));
  expect(await session.send(post)).toBe(200);
  expect(routed(post)).toBe(true);
  const seen = echo(post);
  expect(seen.method).toBe('POST');
  expect(seen.body).toBe('posted body');
  expect(seen.headers['content-type']).toBe('text/plain');

  const head = new Message('HEAD', `${server.url}/bytes/10`);
  expect(await session.send(head)).toBe(200);
  expect(routed(head)).toBe(true);
  expect(head.responseBody.length).toBe(0);

  const missing = new Message('GET', `${server.url}/status/404`);
  expect(await session.send(missing)).toBe(404);
  expect(missing.responseBody.toString()).toBe('status 404');
  session.close();
});

test('without the option nothing is routed', async () => {
  const session = new Session({ ioThread: false });
  const msg = new Message('GET', `${server.url}/hello`);
  expect(await session.send(msg)).toBe(200);
  expect(routed(msg)).toBe(false);
  session.close();
});

test('a message with a got-chunk listener stays on the JavaScript thread and gets its chunks', async () => {
  const session = new Session({ ioThread: true });
  const msg = new Message('GET', `${server.url}/chunked/5/1000`);
  const chunks: Buffer[] = [];
  msg.on('got-chunk', (chunk: Buffer) => chunks.push(chunk));
  expect(await session.send(msg)).toBe(200);
  expect(routed(msg)).toBe(false);
  expect(Buffer.concat(chunks).equals(Buffer.concat(Array.from({ length: 5 }, () => pattern(1000))))).toBe(true);
  expect(chunks.length).toBeGreaterThan(1);
  // got-headers and request-started listeners keep it there too.
  const withHeaders = new Message('GET', `${server.url}/hello`);
  let headers = 0;
  withHeaders.on('got-headers', () => headers++);
  expect(await session.send(withHeaders)).toBe(200);
  expect(routed(withHeaders)).toBe(false);
  expect(headers).toBe(1);
  let started = 0;
  session.on('request-started', () => started++);
  const watched = new Message('GET', `${server.url}/hello`);
  expect(await session.send(watched)).toBe(200);
  expect(routed(watched)).toBe(false);
  expect(started).toBe(1);
  session.close();
});

test('a streamed request body stays on the JavaScript thread', async () => {
  const { Readable } = await import('node:stream');
  const session = new Session({ ioThread: true });
  const msg = new Message('POST', `${server.url}/echo`);
  msg.setRequest('text/plain', Readable.from([Buffer.from('str'), Buffer.from('eamed')]) as never);
  expect(await session.send(msg)).toBe(200);
  expect(routed(msg)).toBe(false);
  expect(echo(msg).body).toBe('streamed');
  session.close();
});

test('redirects are followed on the I/O thread, with restarted per hop', async () => {
  const session = new Session({ ioThread: true });
  const msg = new Message('GET', `${server.url}/redirect/3`);
  let restarted = 0;
  msg.on('restarted', () => restarted++);
  expect(await session.send(msg)).toBe(200);
  expect(routed(msg)).toBe(true);
  expect(msg.responseBody.toString()).toBe('landed');
  expect(msg.uri.pathname).toBe('/redirect/0');
  expect(restarted).toBe(3);
  // 303 after a POST: GET without the body, as libsoup.
  const post = new Message('POST', `${server.url}/redirect-to?status=303&to=/echo`);
  post.setRequest('text/plain', Buffer.from('x'));
  expect(await session.send(post)).toBe(200);
  expect(echo(post).method).toBe('GET');
  expect(routed(post)).toBe(true);
  session.close();
});

test('401, authenticate, and the resend with credentials, on the I/O thread', async () => {
  const session = new Session({ ioThread: true });
  const seen: boolean[] = [];
  session.on('authenticate', (_msg: Message, auth: Auth, retrying: boolean) => {
    seen.push(retrying);
    if (!retrying) auth.authenticate('alice', 'secret');
  });
  const msg = new Message('GET', `${server.url}/basic/alice/secret`);
  expect(await session.send(msg)).toBe(200);
  expect(routed(msg)).toBe(true);
  expect(msg.responseBody.toString()).toBe('hello alice');
  expect(seen).toEqual([false]);
  // Digest: libcurl answers the challenge with the session's credentials.
  const digest = new Message('GET', `${server.url}/digest/bob/pw`);
  session.removeAllListeners('authenticate');
  session.on('authenticate', (_m: Message, auth: Auth) => auth.authenticate('bob', 'pw'));
  expect(await session.send(digest)).toBe(200);
  expect(digest.responseBody.toString()).toBe('digest bob');
  expect(routed(digest)).toBe(true);
  // Wrong credentials every time: the same rounds as on the JavaScript thread (up to the resend limit).
  const calls: number[] = [];
  for (const ioThread of [true, false]) {
    const wrong = new Session({ ioThread });
    let n = 0;
    wrong.on('authenticate', (_m: Message, auth: Auth) => {
      n++;
      auth.authenticate('alice', 'nope');
    });
    const denied = new Message('GET', `${server.url}/basic/alice/secret`);
    expect(await wrong.send(denied)).toBe(401);
    expect(routed(denied)).toBe(ioThread);
    calls.push(n);
    wrong.close();
  }
  expect(calls[0]).toBeGreaterThan(1);
  expect(calls[0]).toBe(calls[1]);
  session.close();
});

test('cookies set by a routed response go with the next routed request', async () => {
  const session = new Session({ ioThread: true });
  session.addFeature(new CookieJar());
  const set = new Message('GET', `${server.url}/set-cookie?sid=abc;%20Path=/`);
  expect(await session.send(set)).toBe(200);
  expect(routed(set)).toBe(true);
  const msg = new Message('GET', `${server.url}/echo`);
  expect(await session.send(msg)).toBe(200);
  expect(routed(msg)).toBe(true);
  expect(echo(msg).headers.cookie).toBe('sid=abc');
  session.close();
});

test('cancelMessage in flight: withdrawn from the I/O thread, CANCELLED once, its connection closed', async () => {
  const session = new Session({ ioThread: true });
  const before = await stats();
  const msg = new Message('GET', `${server.url}/hang`);
  const { ends, done } = queue(session, msg);
  // The request reaches the server (a busy machine may take a while).
  for (let i = 0; i < 100 && (await stats()).open === before.open; i++) await new Promise((r) => setTimeout(r, 100));
  expect((await stats()).open).toBe(before.open + 1);
  expect(runningRouted(msg)).toBe(true);
  session.cancelMessage(msg);
  expect(await done).toBe(Status.CANCELLED);
  await new Promise((r) => setTimeout(r, 300)); // a late completion would end it again
  expect(ends()).toBe(2); // one 'finished', one callback
  for (let i = 0; i < 50 && (await stats()).open > before.open; i++) await new Promise((r) => setTimeout(r, 100));
  expect((await stats()).open).toBe(before.open);
  // The session goes on.
  const next = new Message('GET', `${server.url}/hello`);
  expect(await session.send(next)).toBe(200);
  expect(routed(next)).toBe(true);
  session.close();
});

test("an abort signal and a deadline end a routed message CANCELLED / IO_ERROR once", async () => {
  const session = new Session({ ioThread: true });
  const msg = new Message('GET', `${server.url}/hang`);
  const controller = new AbortController();
  msg.signal = controller.signal;
  const a = queue(session, msg);
  await new Promise((r) => setTimeout(r, 200));
  expect(runningRouted(msg)).toBe(true);
  controller.abort();
  expect(await a.done).toBe(Status.CANCELLED);
  const late = new Message('GET', `${server.url}/hang`);
  late.deadline = 1.5; // long enough that the check below comes first on a busy machine
  const b = queue(session, late);
  await new Promise((r) => setTimeout(r, 100));
  expect(runningRouted(late)).toBe(true);
  expect(await b.done).toBe(Status.IO_ERROR);
  expect(late.error?.code).toBe('CURLE_OPERATION_TIMEDOUT');
  await new Promise((r) => setTimeout(r, 300));
  expect(a.ends()).toBe(2);
  expect(b.ends()).toBe(2);
  session.close();
});

// The threads of this process (the I/O thread is one while a routed session is open).
function threads(): number {
  return fs.readdirSync('/proc/self/task').length;
}

test('Session.close and abort with routed messages in flight: each ends CANCELLED once, and the I/O thread stops', async () => {
  await new Promise((r) => setTimeout(r, 100)); // the last test's closed session: its thread leaves /proc
  const idle = threads();
  const session = new Session({ ioThread: true });
  const msgs = Array.from({ length: 6 }, (_, i) => new Message('GET', `${server.url}/${i % 2 === 0 ? 'hang' : 'slow/2000'}`));
  const runs = msgs.map((m) => queue(session, m));
  await new Promise((r) => setTimeout(r, 200));
  expect(msgs.every(runningRouted)).toBe(true);
  expect(threads()).toBe(idle + 1);
  session.close();
  // Joined: pthread_join returns once the thread has left its memory, a moment before the
  // kernel drops it from /proc/self/task, so the count is given a little time.
  for (let i = 0; i < 100 && threads() > idle; i++) await new Promise((r) => setTimeout(r, 10));
  expect(threads()).toBe(idle);
  expect(await Promise.all(runs.map((r) => r.done))).toEqual(msgs.map(() => Status.CANCELLED));
  await new Promise((r) => setTimeout(r, 300));
  expect(runs.map((r) => r.ends())).toEqual(msgs.map(() => 2));

  const other = new Session({ ioThread: true });
  const m = new Message('GET', `${server.url}/hang`);
  const run = queue(other, m);
  await new Promise((r) => setTimeout(r, 200));
  expect(runningRouted(m)).toBe(true);
  other.abort();
  expect(await run.done).toBe(Status.CANCELLED);
  const after = new Message('GET', `${server.url}/hello`);
  expect(await other.send(after)).toBe(200);
  expect(routed(after)).toBe(true);
  other.close();
  expect(run.ends()).toBe(2);
});

test('pauseMessage on a routed message: it does not finish until unpauseMessage', async () => {
  const session = new Session({ ioThread: true });
  // The server answers after 1.5 s: the pause comes first even on a busy machine.
  const msg = new Message('GET', `${server.url}/slow/1500`);
  const { ends, done } = queue(session, msg);
  await new Promise((r) => setTimeout(r, 50));
  session.pauseMessage(msg);
  await new Promise((r) => setTimeout(r, 2500)); // the transfer ended on the I/O thread meanwhile
  expect(ends()).toBe(0);
  session.unpauseMessage(msg);
  expect(await done).toBe(200);
  expect(msg.responseBody.toString()).toBe('slow');
  expect(routed(msg)).toBe(true);
  expect(ends()).toBe(2);

  // Paused, then cancelled: CANCELLED once, and the held completion never runs.
  const held = new Message('GET', `${server.url}/slow/1000`);
  const h = queue(session, held);
  await new Promise((r) => setTimeout(r, 20));
  session.pauseMessage(held);
  await new Promise((r) => setTimeout(r, 2000));
  session.cancelMessage(held);
  expect(await h.done).toBe(Status.CANCELLED);
  session.unpauseMessage(held);
  await new Promise((r) => setTimeout(r, 100));
  expect(h.ends()).toBe(2);
  session.close();
});

test('maxBodySize bounds a routed body', async () => {
  const session = new Session({ ioThread: true, maxBodySize: 50_000 });
  const big = new Message('GET', `${server.url}/bytes/200000`);
  expect(await session.send(big)).toBe(Status.IO_ERROR);
  expect(big.reasonPhrase).toMatch(/maxBodySize \(50000 bytes\)/);
  expect(routed(big)).toBe(true);
  const small = new Message('GET', `${server.url}/bytes/40000`);
  expect(await session.send(small)).toBe(200);
  expect(small.responseBody.length).toBe(40000);
  session.close();
});

test('100 concurrent routed messages, within maxConnsPerHost', async () => {
  const session = new Session({ ioThread: true, maxConnsPerHost: 3, maxConns: 3 });
  const before = await stats();
  const msgs = Array.from({ length: 100 }, (_, i) => new Message('GET', `${server.url}/bytes/${1000 + i}`));
  const statuses = await Promise.all(msgs.map((m) => session.send(m)));
  expect(statuses.every((s) => s === 200)).toBe(true);
  expect(msgs.every((m, i) => m.responseBody.equals(pattern(1000 + i)))).toBe(true);
  expect(msgs.every(routed)).toBe(true);
  const after = await stats();
  // Two stats() sessions of their own opened one connection each.
  expect(after.connections - before.connections - 1).toBeLessThanOrEqual(3);
  session.close();
});

test('IGNORE_CONNECTION_LIMITS keeps a message on its own unlimited multi', async () => {
  const session = new Session({ ioThread: true });
  const msg = new Message('GET', `${server.url}/hello`);
  msg.flags = MessageFlags.IGNORE_CONNECTION_LIMITS;
  expect(await session.send(msg)).toBe(200);
  expect(routed(msg)).toBe(false);
  session.close();
});

test('idle timeout closes the I/O thread\'s idle connections too', async () => {
  const session = new Session({ ioThread: true, idleTimeout: 1 });
  const before = await stats();
  const msg = new Message('GET', `${server.url}/hello`);
  expect(await session.send(msg)).toBe(200);
  expect(routed(msg)).toBe(true);
  expect((await stats()).open).toBe(before.open + 1);
  let open = -1;
  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setTimeout(r, 100));
    open = (await stats()).open;
    if (open === before.open) break;
  }
  expect(open).toBe(before.open);
  session.close();
});

test('a listener added while the request is set up (a feature hook) moves it off the route, and the route\'s pool stays clean', async () => {
  const session = new Session({ ioThread: true });
  const chunks: Buffer[] = [];
  session.addFeature({
    prepareRequest(_s: Session, msg: Message) {
      if (msg.uri.pathname.startsWith('/bytes/') && msg.listenerCount('got-chunk') === 0) msg.on('got-chunk', (c: Buffer) => chunks.push(c));
    },
  });
  const msg = new Message('GET', `${server.url}/bytes/5000`);
  // 200 and its chunks: it ran on the session's Multi (the I/O thread refuses a write callback).
  expect(await session.send(msg)).toBe(200);
  expect(Buffer.concat(chunks).equals(pattern(5000))).toBe(true);
  // The handle that got a write callback is not pooled for the I/O thread again.
  const next = await Promise.all(Array.from({ length: 5 }, () => new Message('GET', `${server.url}/hello`)).map(async (m) => [await session.send(m), routed(m)]));
  expect(next).toEqual(Array.from({ length: 5 }, () => [200, true]));
  session.close();
});
