// Session behaviours issue 13 found different from libsoup 2.74, each against a real server:
// cancelMessage inside sendMessage, queueMessage starting from the loop, Accept-Language,
// prepareForUri, getFeatureForMessage, idleTimeout, IGNORE_CONNECTION_LIMITS.
import { ContentDecoder, Message, MessageFlags, Session, Status } from '../../lib/session';
import { startHostileServer, type HostileServer } from '../helpers/hostile-server';
import { startScriptServer, type ScriptServer } from '../helpers/session-servers';

let server: HostileServer;
// Counts connections and requests (GET /count answers them, on a fresh connection).
let counter: ScriptServer;
beforeAll(async () => {
  server = await startHostileServer();
  counter = await startScriptServer(`
    const net = require('node:net');
    let connections = 0, requests = 0, open = 0;
    const server = net.createServer((socket) => {
      connections++;
      open++;
      socket.on('close', () => open--);
      socket.on('error', () => undefined);
      socket.on('data', (d) => {
        const text = d.toString('latin1');
        if (text.startsWith('GET /count ')) {
          const body = JSON.stringify({ connections: connections - 1, requests, open: open - 1 });
          return socket.end('HTTP/1.1 200 OK\\r\\nContent-Length: ' + body.length + '\\r\\nConnection: close\\r\\n\\r\\n' + body);
        }
        requests++;
        socket.write('HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok');
      });
    });
    server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
  `);
});
afterAll(async () => {
  await server.close();
  await counter.close();
});

describe('cancelMessage from a handler during sendMessage returns CANCELLED', () => {
  test.each([
    ['got-headers', '/big-body?mib=4'],
    ['got-chunk', '/endless-body'],
  ] as const)('from %s (%s)', (event, path) => {
    const session = new Session();
    const msg = new Message('GET', `${server.url}${path}`);
    let finished = 0;
    msg.on('finished', () => finished++);
    msg.on(event, () => session.cancelMessage(msg));
    expect(session.sendMessage(msg)).toBe(Status.CANCELLED);
    expect(msg.statusCode).toBe(Status.CANCELLED);
    expect(finished).toBe(1);
    // The session goes on.
    expect(session.sendMessage(new Message('GET', `${server.url}/ok`))).toBe(200);
    session.close();
  });
});

describe('queueMessage starts the message from the loop, as libsoup does', () => {
  test('listeners connected right after queueMessage see the first attempt', async () => {
    const session = new Session();
    const msg = new Message('POST', `${server.url}/ok`);
    msg.setRequest('text/plain', 'x');
    const events: string[] = [];
    session.on('request-started', () => events.push('request-started'));
    const done = new Promise<void>((resolve) => session.queueMessage(msg, () => resolve()));
    events.push('queued');
    msg.on('wrote-headers', () => events.push('wrote-headers'));
    msg.on('wrote-body', () => events.push('wrote-body'));
    msg.on('got-headers', () => events.push('got-headers'));
    await done;
    expect(events).toEqual(['queued', 'request-started', 'wrote-headers', 'wrote-body', 'got-headers']);
    session.close();
  });

  test('cancelled before the loop turns: nothing is sent, the callback runs once', async () => {
    const session = new Session();
    const msg = new Message('GET', `${counter.url}/x`);
    let calls = 0;
    session.queueMessage(msg, () => calls++);
    session.cancelMessage(msg);
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toBe(1);
    expect(msg.statusCode).toBe(Status.CANCELLED);
    session.close();
    const count = new Message('GET', `${counter.url}/count`);
    await new Session().send(count);
    expect(JSON.parse(count.responseBody.toString()).requests).toBe(0);
  });
});

describe('Accept-Language (soup_session_send_queue_item, accept_languages_from_system)', () => {
  const wire = async (session: Session, msg: Message): Promise<string> => {
    expect(await session.send(msg)).toBe(200);
    const text = msg.responseBody.toString('latin1');
    return text.slice(0, text.indexOf('\r\n\r\n'));
  };

  test("the message's own Accept-Language is sent alone", async () => {
    const session = new Session({ acceptLanguage: 'fr' });
    const own = new Message('GET', `${server.url}/raw`);
    own.requestHeaders.append('Accept-Language', 'de');
    expect((await wire(session, own)).match(/^accept-language:.*$/gim)).toEqual(['Accept-Language: de']);
    const plain = new Message('GET', `${server.url}/raw`);
    expect((await wire(session, plain)).match(/^accept-language:.*$/gim)).toEqual(['Accept-Language: fr']);
    session.close();
  });

  test('LANGUAGE=C gives "en"; acceptLanguageAuto = false drops the value', async () => {
    const saved = { LANGUAGE: process.env.LANGUAGE, LC_ALL: process.env.LC_ALL };
    process.env.LANGUAGE = 'C';
    process.env.LC_ALL = 'C';
    try {
      const session = new Session({ acceptLanguageAuto: true });
      expect(session.acceptLanguage).toBe('en');
      expect((await wire(session, new Message('GET', `${server.url}/raw`))).match(/^accept-language:.*$/gim)).toEqual(['Accept-Language: en']);
      session.acceptLanguageAuto = false;
      expect(session.acceptLanguage).toBeNull();
      expect(await wire(session, new Message('GET', `${server.url}/raw`))).not.toMatch(/accept-language/i);
      session.close();
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

test('prepareForUri sends nothing (libsoup resolves and may connect, never requests)', async () => {
  const session = new Session();
  session.prepareForUri(`${counter.url}/warm`);
  expect(() => session.prepareForUri('not a uri')).toThrow(TypeError);
  await new Promise((r) => setTimeout(r, 300));
  session.close();
  const count = new Message('GET', `${counter.url}/count`);
  const probe = new Session();
  await probe.send(count);
  probe.close();
  expect(JSON.parse(count.responseBody.toString()).requests).toBe(0);
});

test('getFeatureForMessage checks the feature it found (a subclass disabled by its own type)', () => {
  class MyDecoder extends ContentDecoder {}
  const session = new Session({ removeFeatureByType: [ContentDecoder], addFeature: [new MyDecoder()] });
  const msg = new Message('GET', `${server.url}/ok`);
  expect(session.getFeatureForMessage(ContentDecoder, msg)).toBeInstanceOf(MyDecoder);
  msg.disableFeature(MyDecoder);
  expect(session.getFeatureForMessage(ContentDecoder, msg)).toBeNull();
  const other = new Message('GET', `${server.url}/ok`);
  other.disableFeature(ContentDecoder);
  expect(session.getFeatureForMessage(MyDecoder, other)).toBeNull();
  session.close();
});

async function counts(): Promise<{ connections: number; requests: number; open: number }> {
  const probe = new Session();
  const msg = new Message('GET', `${counter.url}/count`);
  await probe.send(msg);
  probe.close();
  return JSON.parse(msg.responseBody.toString());
}

test('idleTimeout closes connections once the session has been idle that long', async () => {
  const before = await counts();
  const session = new Session({ idleTimeout: 1 });
  expect(await session.send(new Message('GET', `${counter.url}/a`))).toBe(200);
  expect((await counts()).open).toBe(before.open + 1); // kept alive
  let open = -1;
  for (let i = 0; i < 40 && open !== before.open; i++) {
    await new Promise((r) => setTimeout(r, 250));
    open = (await counts()).open;
  }
  expect(open).toBe(before.open);
  // The session still works, on a new connection.
  expect(await session.send(new Message('GET', `${counter.url}/b`))).toBe(200);
  session.close();
});

test('MessageFlags.IGNORE_CONNECTION_LIMITS: the message does not wait for maxConnsPerHost', async () => {
  const order = async (flag: boolean): Promise<string[]> => {
    const session = new Session({ maxConnsPerHost: 1, maxConns: 1 });
    const done: string[] = [];
    const slow = new Message('GET', `${server.url}/raw`); // answers after 300 ms
    const quick = new Message('GET', `${server.url}/ok`);
    if (flag) quick.flags |= MessageFlags.IGNORE_CONNECTION_LIMITS;
    const a = session.send(slow).then(() => done.push('slow'));
    await new Promise((r) => setTimeout(r, 50)); // the slow one holds the only connection
    const b = session.send(quick).then(() => done.push('quick'));
    await Promise.all([a, b]);
    session.close();
    return done;
  };
  expect(await order(false)).toEqual(['slow', 'quick']);
  expect(await order(true)).toEqual(['quick', 'slow']);
});
