// Session operations and signals against a real HTTP server in a child process.
import { Message, MessageFlags, Session, Status } from '../../lib/session';
import { startHttpServer, type TestServer } from '../helpers/http-server';

let server: TestServer;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(async () => {
  await server.close();
});

async function stats(): Promise<{ connections: number; open: number }> {
  const s = new Session();
  const m = new Message('GET', `${server.url}/stats`);
  await s.send(m);
  s.close();
  return JSON.parse(m.responseBody.toString());
}

test('queueMessage calls back with the session and the message', async () => {
  const session = new Session();
  const msg = new Message('GET', `${server.url}/hello`);
  const [s, m] = await new Promise<[Session, Message]>((resolve) => session.queueMessage(msg, (s, m) => resolve([s, m])));
  expect(s).toBe(session);
  expect(m).toBe(msg);
  expect(m.responseBody.toString()).toBe('hello');
  session.close();
});

test('signals: request-queued and request-unqueued once, request-started per start, message events in order', async () => {
  const session = new Session();
  const events: string[] = [];
  session.on('request-queued', () => events.push('queued'));
  session.on('request-started', () => events.push('started'));
  session.on('request-unqueued', () => events.push('unqueued'));
  session.on('connection-created', () => events.push('connection'));
  const msg = new Message('GET', `${server.url}/redirect/2`);
  for (const e of ['got-headers', 'got-body', 'restarted', 'finished'] as const) msg.on(e, () => events.push(e));
  msg.on('got-chunk', () => events.push('chunk'));
  await session.send(msg);
  events.push('callback');
  expect(msg.responseBody.toString()).toBe('landed');
  const squashed = events.filter((e, i) => !(e === 'chunk' && events[i - 1] === 'chunk'));
  expect(squashed).toEqual([
    'queued', 'connection', 'started', 'got-headers', 'got-body', 'restarted',
    'started', 'got-headers', 'got-body', 'restarted',
    'started', 'got-headers', 'chunk', 'got-body', 'finished', 'unqueued', 'callback',
  ]);
  session.close();
});

test('requeueing from the callback runs the message again', async () => {
  const session = new Session();
  const msg = new Message('GET', `${server.url}/conn`);
  let runs = 0;
  let queued = 0;
  session.on('request-queued', () => queued++);
  await new Promise<void>((resolve) => {
    session.queueMessage(msg, (s, m) => {
      runs++;
      if (runs < 3) s.queueMessage(m, null); // callback kept
      else resolve();
    });
  });
  expect(runs).toBe(3);
  expect(queued).toBe(1);
  session.close();
});

test('cancelMessage while queued behind the connection limit: callback runs before it returns', async () => {
  const session = new Session({ maxConnsPerHost: 1 });
  const busy = new Message('GET', `${server.url}/slow/300`);
  session.queueMessage(busy, null);
  const waiting = new Message('GET', `${server.url}/hello`);
  let called = false;
  session.queueMessage(waiting, () => (called = true));
  session.cancelMessage(waiting, Status.CANCELLED);
  expect(called).toBe(true);
  expect(waiting.statusCode).toBe(Status.CANCELLED);
  expect(await session.send(new Message('GET', `${server.url}/hello`))).toBe(200);
  session.close();
});

test('cancelMessage while connecting, in got-headers, and mid-body', async () => {
  const session = new Session();
  // connecting: cancelled right after queueing, before any byte moved
  const a = new Message('GET', `${server.url}/hello`);
  const pa = session.send(a);
  session.cancelMessage(a, Status.CANCELLED);
  expect(await pa).toBe(Status.CANCELLED);
  // headers: from the got-headers handler
  const b = new Message('GET', `${server.url}/drip/50/10`);
  b.on('got-headers', () => session.cancelMessage(b, Status.CANCELLED));
  expect(await session.send(b)).toBe(Status.CANCELLED);
  // mid-body: after some chunks arrived
  const c = new Message('GET', `${server.url}/drip/100/10`);
  let chunks = 0;
  c.on('got-chunk', () => chunks++);
  const pc = session.send(c);
  await new Promise((r) => setTimeout(r, 150));
  session.cancelMessage(c, Status.CANCELLED);
  expect(await pc).toBe(Status.CANCELLED);
  const seen = chunks;
  expect(seen).toBeGreaterThan(0);
  expect(seen).toBeLessThan(100);
  await new Promise((r) => setTimeout(r, 100));
  expect(chunks).toBe(seen);
  // the session still works
  expect(await session.send(new Message('GET', `${server.url}/hello`))).toBe(200);
  session.close();
});

test('pauseMessage / unpauseMessage mid-body', async () => {
  const session = new Session();
  const msg = new Message('GET', `${server.url}/drip/30/5`);
  let chunks = 0;
  let paused = false;
  msg.on('got-chunk', () => {
    chunks++;
    if (chunks === 5 && !paused) {
      paused = true;
      session.pauseMessage(msg);
    }
  });
  const p = session.send(msg);
  await new Promise((r) => setTimeout(r, 300));
  const during = chunks;
  expect(during).toBeGreaterThanOrEqual(5);
  expect(during).toBeLessThan(30);
  await new Promise((r) => setTimeout(r, 200));
  expect(chunks).toBe(during); // nothing while paused
  session.unpauseMessage(msg);
  expect(await p).toBe(200);
  expect(msg.responseBody.length).toBe(30 * 1024);
  session.close();
});

test('maxConnsPerHost is enforced (the server counts connections)', async () => {
  const before = await stats();
  const session = new Session({ maxConnsPerHost: 2 });
  const msgs = Array.from({ length: 8 }, () => new Message('GET', `${server.url}/slow/100`));
  const started = Date.now();
  await Promise.all(msgs.map((m) => session.send(m)));
  const elapsed = Date.now() - started;
  const after = await stats();
  // 8 × 100 ms over 2 connections: four rounds.
  expect(after.connections - before.connections - 1).toBeLessThanOrEqual(2);
  expect(elapsed).toBeGreaterThanOrEqual(380);
  session.close();
});

test('maxConns is enforced across hosts', async () => {
  const before = await stats();
  const session = new Session({ maxConns: 1, maxConnsPerHost: 5 });
  const urls = [`${server.url}/slow/50`, `http://localhost:${server.port}/slow/50`];
  await Promise.all(urls.flatMap((u) => [u, u]).map((u) => session.send(new Message('GET', u))));
  const after = await stats();
  expect(after.connections - before.connections - 1).toBeLessThanOrEqual(2); // one at a time (a host switch reconnects)
  session.close();
});

test('timeout fires on a server that stops sending → IO_ERROR', async () => {
  const session = new Session({ timeout: 1 });
  const msg = new Message('GET', `${server.url}/hang`);
  const t = Date.now();
  expect(await session.send(msg)).toBe(Status.IO_ERROR);
  expect(Date.now() - t).toBeGreaterThanOrEqual(900);
  expect(Date.now() - t).toBeLessThan(5000);
  session.close();
});

test('1,000 concurrent messages all complete with their own bodies', async () => {
  const session = new Session({ maxConns: 10, maxConnsPerHost: 10 });
  const msgs = Array.from({ length: 1000 }, (_, i) => new Message('GET', `${server.url}/echo?i=${i}`));
  const statuses = await Promise.all(msgs.map((m) => session.send(m)));
  expect(statuses.every((s) => s === 200)).toBe(true);
  msgs.forEach((m, i) => expect(JSON.parse(m.responseBody.toString()).url).toBe(`/echo?i=${i}`));
  session.close();
});

test('abort cancels everything queued', async () => {
  const session = new Session({ maxConnsPerHost: 1 });
  const msgs = Array.from({ length: 5 }, () => new Message('GET', `${server.url}/slow/200`));
  const ps = msgs.map((m) => session.send(m));
  session.abort();
  expect(await Promise.all(ps)).toEqual([1, 1, 1, 1, 1]);
  session.close();
  session.close(); // idempotent
  expect(() => session.queueMessage(new Message('GET', server.url), null)).toThrow();
});

test('userAgent with a trailing space appends curlio/<version>; acceptLanguage is sent', async () => {
  const session = new Session({ userAgent: 'app/1.0 ', acceptLanguage: 'fr, en;q=0.5' });
  const msg = new Message('GET', `${server.url}/echo`);
  await session.send(msg);
  const { headers } = JSON.parse(msg.responseBody.toString());
  expect(headers['user-agent']).toBe(`app/1.0 curlio/${require('../../package.json').version}`);
  expect(headers['accept-language']).toBe('fr, en;q=0.5');
  session.userAgent = 'other';
  const again = new Message('GET', `${server.url}/echo`);
  await session.send(again);
  expect(JSON.parse(again.responseBody.toString()).headers['user-agent']).toBe('other');
  session.close();
});

test('acceptLanguageAuto reads the locale environment', () => {
  const { acceptLanguageFromEnvironment } = require('../../lib/session');
  expect(acceptLanguageFromEnvironment({ LANGUAGE: 'de_AT:fr', LANG: 'C' })).toBe('de-at, de;q=0.9, fr;q=0.8');
  // libsoup's fallback when g_get_language_names has nothing but C.
  expect(acceptLanguageFromEnvironment({ LANG: 'C.UTF-8' })).toBe('en');
});

test('sendStream: a Readable with backpressure (the transfer pauses while nobody reads)', async () => {
  const session = new Session();
  const msg = new Message('GET', `${server.url}/bytes/${4 * 1024 * 1024}`);
  const stream = await session.sendStream(msg);
  expect(msg.statusCode).toBe(200);
  await new Promise((r) => setTimeout(r, 300));
  // Nobody read: the stream holds about one high-water mark, not the 4 MiB.
  expect(stream.readableLength).toBeLessThan(1024 * 1024);
  let total = 0;
  for await (const chunk of stream) total += (chunk as Buffer).length;
  expect(total).toBe(4 * 1024 * 1024);
  session.close();
});

test('prepareForUri opens a connection that the next request reuses', async () => {
  const session = new Session();
  const before = await stats();
  session.prepareForUri(`${server.url}/`);
  await new Promise((r) => setTimeout(r, 200));
  const msg = new Message('GET', `${server.url}/conn`);
  await session.send(msg);
  const after = await stats();
  expect(after.connections - before.connections - 1).toBe(1);
  session.close();
});

test('IDEMPOTENT and NO_REDIRECT flags: the 302 itself comes back', async () => {
  const session = new Session();
  const msg = new Message('GET', `${server.url}/redirect/1`);
  msg.flags |= MessageFlags.NO_REDIRECT;
  expect(await session.send(msg)).toBe(302);
  // soup_session_would_redirect ignores NO_REDIRECT (and the redirect count).
  expect(session.wouldRedirect(msg)).toBe(true);
  msg.flags &= ~MessageFlags.NO_REDIRECT;
  expect(session.wouldRedirect(msg)).toBe(true);
  session.close();
});

describe('requeueMessage', () => {
  test('from got-body: the message runs again after this response; queued/unqueued once, restarted emitted', async () => {
    const session = new Session();
    const events: string[] = [];
    session.on('request-queued', () => events.push('queued'));
    session.on('request-started', () => events.push('started'));
    session.on('request-unqueued', () => events.push('unqueued'));
    const msg = new Message('GET', `${server.url}/echo`);
    const bodies: string[] = [];
    msg.on('got-body', () => {
      bodies.push(JSON.parse(msg.responseBody.toString()).url);
      events.push('got-body');
      if (bodies.length === 1) {
        msg.uri = `${server.url}/echo?second`;
        session.requeueMessage(msg);
      }
    });
    msg.on('restarted', () => events.push('restarted'));
    msg.on('finished', () => events.push('finished'));
    let callbacks = 0;
    await new Promise<void>((resolve) => session.queueMessage(msg, () => (callbacks++, resolve())));
    expect(bodies).toEqual(['/echo', '/echo?second']);
    expect(events).toEqual(['queued', 'started', 'got-body', 'restarted', 'started', 'got-body', 'finished', 'unqueued']);
    expect(callbacks).toBe(1);
    expect(msg.statusCode).toBe(200);
    session.close();
  });

  test('from got-headers: the current response is read to its end first, then the message restarts', async () => {
    const session = new Session();
    let queued = 0;
    let unqueued = 0;
    session.on('request-queued', () => queued++);
    session.on('request-unqueued', () => unqueued++);
    const msg = new Message('GET', `${server.url}/conn`);
    const seen: string[] = [];
    let restarted = 0;
    msg.on('got-headers', () => {
      if (seen.length === 0) session.requeueMessage(msg);
    });
    msg.on('got-body', () => seen.push(msg.responseBody.toString()));
    msg.on('restarted', () => {
      restarted++;
      expect(msg.statusCode).toBe(0); // the first response is forgotten before the restart
    });
    expect(await session.send(msg)).toBe(200);
    expect(seen.length).toBe(2);
    expect(seen[1]).toBe(seen[0]); // the same kept-alive connection: the first response was complete
    expect(restarted).toBe(1);
    expect([queued, unqueued]).toEqual([1, 1]);
    session.close();
  });

  test('from the synchronous sendMessage too', () => {
    const session = new Session();
    const msg = new Message('GET', `${server.url}/hello`);
    let bodies = 0;
    let restarted = 0;
    msg.on('got-body', () => {
      if (++bodies === 1) session.requeueMessage(msg);
    });
    msg.on('restarted', () => restarted++);
    expect(session.sendMessage(msg)).toBe(200);
    expect([bodies, restarted]).toEqual([2, 1]);
    session.close();
  });

  test('a message that is not queued is refused', () => {
    const session = new Session();
    expect(() => session.requeueMessage(new Message('GET', `${server.url}/hello`))).toThrow('not queued');
    session.close();
  });
});

test('idleTimeout: an idle connection older than it is not reused (CURLOPT_MAXAGE_CONN); a younger one is', async () => {
  const short = new Session({ idleTimeout: 1 });
  const long = new Session(); // libsoup's default, 60 s
  expect(long.idleTimeout).toBe(60);
  const conn = async (s: Session) => {
    const m = new Message('GET', `${server.url}/conn`);
    expect(await s.send(m)).toBe(200);
    return Number(m.responseBody.toString());
  };
  const [a1, b1] = await Promise.all([conn(short), conn(long)]);
  expect(await conn(short)).toBe(a1); // reused right away
  const before = await stats();
  // libcurl counts the idle age in whole seconds and drops a connection idle for more than
  // the limit: 1 s needs two seconds of silence.
  await new Promise((r) => setTimeout(r, 2100));
  const [a2, b2] = await Promise.all([conn(short), conn(long)]);
  expect(a2).not.toBe(a1);
  expect(b2).toBe(b1);
  const after = await stats();
  expect(after.connections - before.connections - 1).toBe(1); // the stats request's own, and the short session's new one
  short.close();
  long.close();
});

describe('wrote-headers / wrote-body', () => {
  function record(session: Session, msg: Message): string[] {
    const events: string[] = [];
    session.on('request-started', () => events.push('started'));
    for (const e of ['wrote-headers', 'wrote-body', 'got-headers', 'got-body', 'restarted', 'finished'] as const) msg.on(e, () => events.push(e));
    return events;
  }

  test('a GET: both once the request is out, before the response', async () => {
    const session = new Session();
    const msg = new Message('GET', `${server.url}/hello`);
    const events = record(session, msg);
    expect(await session.send(msg)).toBe(200);
    expect(events).toEqual(['started', 'wrote-headers', 'wrote-body', 'got-headers', 'got-body', 'finished']);
    session.close();
  });

  test('a 1 MiB POST: wrote-body once every byte went out; again for each attempt of a redirect', async () => {
    const session = new Session();
    const msg = new Message('POST', `${server.url}/redirect-to?status=307&to=${encodeURIComponent('/echo')}`);
    const body = Buffer.alloc(1024 * 1024, 'x');
    msg.requestBody = body;
    // libsoup leaves a 307 after POST to the application: it follows it with the body.
    msg.on('got-body', () => msg.statusCode === 307 && session.redirectMessage(msg));
    const events = record(session, msg);
    expect(await session.send(msg)).toBe(200);
    expect(JSON.parse(msg.responseBody.toString()).body.length).toBe(body.length);
    expect(events).toEqual([
      'started', 'wrote-headers', 'wrote-body', 'got-headers', 'got-body', 'restarted',
      'started', 'wrote-headers', 'wrote-body', 'got-headers', 'got-body', 'finished',
    ]);
    session.close();
  });

  test('a streamed (chunked) body: wrote-body after its last chunk', async () => {
    const session = new Session();
    const msg = new Message('PUT', `${server.url}/echo`);
    let produced = 0;
    msg.requestBody = (async function* () {
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 10));
        produced++;
        yield `part${i};`;
      }
    })();
    let producedAtWroteBody = -1;
    msg.on('wrote-body', () => (producedAtWroteBody = produced));
    const events = record(session, msg);
    expect(await session.send(msg)).toBe(200);
    expect(JSON.parse(msg.responseBody.toString()).body).toBe('part0;part1;part2;part3;part4;');
    expect(producedAtWroteBody).toBe(5);
    expect(events).toEqual(['started', 'wrote-headers', 'wrote-body', 'got-headers', 'got-body', 'finished']);
    session.close();
  });

  test('synchronously, with sendMessage, too', () => {
    const session = new Session();
    const msg = new Message('POST', `${server.url}/echo`);
    msg.requestBody = 'sync';
    const events = record(session, msg);
    expect(session.sendMessage(msg)).toBe(200);
    expect(events).toEqual(['started', 'wrote-headers', 'wrote-body', 'got-headers', 'got-body', 'finished']);
    session.close();
  });
});
