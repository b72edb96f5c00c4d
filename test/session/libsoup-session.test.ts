// libsoup 2.74's tests/session-test.c, ported. Its server (server_handler) is reproduced in
// a child process; "server_processed_message" is the server's request count. curlio's
// Session is libsoup's plain SoupSession: queueMessage is asynchronous (runs from the loop),
// sendMessage blocks (SoupSessionSync's way, curl_easy_perform).
// Deliberate differences, each said where it applies:
// - cancelMessage is immediate (the queue callback runs before it returns), as in
//   SoupSessionAsync, where libsoup's plain SoupSession calls back later: a Node caller
//   expects a cancelled operation to be settled when cancel returns.
// - /session/SoupSessionAsync's "send_message runs the main loop" and /session/
//   SoupSessionSync's queue in a thread have no curlio counterpart (one Session kind).
// - /session/property checks GProxyResolver / GTlsDatabase objects; curlio has neither,
//   the ported checks use what stands for them (the ProxyResolverDefault feature,
//   tlsDatabase / sslUseSystemCaFile).
// - /session/features: SOUP_TYPE_REQUEST_HTTP/FILE/DATA have no curlio counterpart.
import { AuthManager, Message, MessagePriority, ProxyResolverDefault, Session, Status } from '../../lib/session';
import { startScriptServer, type ScriptServer } from '../helpers/session-servers';

let server: ScriptServer;
beforeAll(async () => {
  server = await startScriptServer(`
    const http = require('node:http');
    let processed = 0;
    const server = http.createServer((req, res) => {
      if (req.url === '/processed') return res.end(String(processed));
      if (req.url !== '/request-timeout') processed++;
      res.setHeader('Content-Type', 'text/plain');
      res.end('ok\\r\\n');
    });
    server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
  `);
});
afterAll(async () => {
  await server.close();
});

function processed(session: Session): number {
  const msg = new Message('GET', `${server.url}/processed`);
  session.sendMessage(msg);
  return Number(msg.responseBody.toString());
}

// g_usleep: the thread sleeps, no loop turns.
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('session-test.c', () => {
  test('/session/SoupSession: queue_message is async, send_message blocks, cancel_message from wrote-headers ends CANCELLED', async () => {
    const session = new Session();
    // queue_message
    session.sendMessage(new Message('GET', `${server.url}/request-timeout`));
    const before = processed(session);
    let finished = false;
    const msg = new Message('GET', `${server.url}/`);
    session.queueMessage(msg, () => (finished = true));
    sleep(150); // the server's 100 ms timeout passes; this thread runs no loop
    expect(processed(session)).toBe(before); // queue_is_async: g_assert_false (server_processed_message)
    while (!finished) await new Promise((r) => setImmediate(r));
    expect(processed(session)).toBe(before + 1);

    // send_message: blocking (a high-priority idle does not run meanwhile)
    let localTimeout = false;
    const idle = setImmediate(() => (localTimeout = true));
    session.sendMessage(new Message('GET', `${server.url}/`));
    expect(processed(session)).toBe(before + 2);
    expect(localTimeout).toBe(false);
    clearImmediate(idle);

    // cancel_message from wrote-headers
    const cancelled = new Message('GET', `${server.url}/`);
    finished = false;
    const quit = new Promise<void>((resolve) => {
      session.queueMessage(cancelled, () => (finished = true));
      cancelled.on('wrote-headers', () => {
        session.cancelMessage(cancelled, Status.CANCELLED);
        resolve();
      });
    });
    await quit;
    // libsoup's plain SoupSession: not yet finished here; curlio (as SoupSessionAsync): finished.
    expect(finished).toBe(true);
    expect(cancelled.statusCode).toBe(Status.CANCELLED);
    session.close();
  });

  test('/session/priority: with max-conns 1, HIGH, NORMAL, LOW finish in that order', async () => {
    const session = new Session({ maxConns: 1 });
    const priorities = [MessagePriority.LOW, MessagePriority.HIGH, MessagePriority.NORMAL];
    const finishedOrder: number[] = [];
    await Promise.all(
      priorities.map(
        (priority, i) =>
          new Promise<void>((resolve) => {
            const msg = new Message('GET', `${server.url}/${i}`);
            msg.priority = priority;
            session.queueMessage(msg, (_, m) => {
              finishedOrder.push(m.priority);
              resolve();
            });
          }),
      ),
    );
    expect(finishedOrder).toEqual([MessagePriority.HIGH, MessagePriority.NORMAL, MessagePriority.LOW]);
    session.close();
  });

  test('/session/property (what stands for the proxy resolver and the TLS database)', () => {
    const plain = new Session();
    expect(plain.hasFeature(ProxyResolverDefault)).toBe(true);
    expect(plain.sslUseSystemCaFile).toBe(true);
    expect(plain.tlsDatabase).toBeNull(); // the default database: the system store
    plain.close();
    const removed = new Session({ removeFeatureByType: [ProxyResolverDefault] });
    expect(removed.hasFeature(ProxyResolverDefault)).toBe(false);
    removed.close();
    const nullUri = new Session({ proxyUri: null });
    expect(nullUri.proxyUri).toBeNull();
    nullUri.close();
    const withUri = new Session({ proxyUri: 'http://example.com/' });
    expect(withUri.proxyUri).toBe('http://example.com/');
    withUri.close();
    const noSystem = new Session({ sslUseSystemCaFile: false });
    expect(noSystem.sslUseSystemCaFile).toBe(false);
    expect(noSystem.tlsDatabase).toBeNull();
    noSystem.close();
    const system = new Session({ sslUseSystemCaFile: true });
    expect(system.sslUseSystemCaFile).toBe(true);
    system.close();
  });

  test('/session/features: the AuthManager is always added, and can be removed', () => {
    const session = new Session();
    const features = session.getFeatures();
    expect(features.length).toBeGreaterThanOrEqual(1);
    expect(features.some((f) => f instanceof AuthManager)).toBe(true);
    expect(session.hasFeature(AuthManager)).toBe(true);
    const feature = session.getFeature(AuthManager);
    expect(feature).toBeInstanceOf(AuthManager);
    session.removeFeature(feature!);
    expect(session.hasFeature(AuthManager)).toBe(false);
    expect(session.getFeature(AuthManager)).toBeNull();
    session.close();
  });
});
