// The two authentication hooks (lib/session/auth-hooks.ts): an AuthManager with
// requestStarted / unauthorized replaces the built-in behaviour, at each start and restart
// and at each 401/407, async and with sendMessage; every retry counts as a resend.
import { AuthManager, Message, Session, type Auth } from '../../lib/session';
import { startScriptServer, type ScriptServer } from '../helpers/session-servers';

let server: ScriptServer;
beforeAll(async () => {
  // /bearer: 200 with "Authorization: Bearer good", else 401 (Bearer challenge).
  // /always-401: 401 (Basic challenge) whatever comes.
  // The body echoes the Authorization header received.
  server = await startScriptServer(`
    const http = require('node:http');
    const server = http.createServer((req, res) => {
      const auth = req.headers.authorization || '';
      const ok = req.url === '/bearer' && auth === 'Bearer good';
      res.writeHead(ok ? 200 : 401, ok ? {} : { 'WWW-Authenticate': req.url === '/bearer' ? 'Bearer realm="r"' : 'Basic realm="r"' });
      res.end(auth);
    });
    server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
  `);
});
afterAll(async () => {
  await server.close();
});

// An application's own manager (a Bearer scheme) on the same two hooks: headers set at request start, the
// decision at 401 (sync, or a Promise).
class BearerManager extends AuthManager {
  token: string | null = null;
  started: string[] = [];
  unauthorizedCalls = 0;
  constructor(readonly answer: (m: BearerManager) => boolean | Promise<boolean>) {
    super();
  }
  override requestStarted(msg: Message, proxy: string | null): null {
    this.started.push(`${msg.uri.pathname} ${proxy}`);
    if (this.token !== null) msg.requestHeaders.replace('Authorization', `Bearer ${this.token}`);
    return null;
  }
  override unauthorized(msg: Message): boolean | Promise<boolean> {
    this.unauthorizedCalls++;
    expect(msg.statusCode).toBe(401);
    return this.answer(this);
  }
}

const sessionWith = (manager: AuthManager): Session => new Session({ removeFeatureByType: [AuthManager], addFeature: [manager] });

test.each([false, true])('requestStarted sets the header, unauthorized requeues (sendMessage: %s)', async (sync) => {
  const manager = new BearerManager((m) => {
    m.token = 'good';
    return true;
  });
  const session = sessionWith(manager);
  let authenticate = 0;
  session.on('authenticate', () => authenticate++);
  const msg = new Message('GET', `${server.url}/bearer`);
  const status = sync ? session.sendMessage(msg) : await session.send(msg);
  expect(status).toBe(200);
  expect(msg.responseBody.toString()).toBe('Bearer good');
  expect(manager.started).toEqual(['/bearer null', '/bearer null']);
  expect(manager.unauthorizedCalls).toBe(1);
  expect(authenticate).toBe(0); // the built-in behaviour does not run beside the manager
  session.close();
});

test('a Promise from unauthorized keeps the message queued until it settles', async () => {
  let release!: () => void;
  const manager = new BearerManager(
    (m) =>
      new Promise<boolean>((resolve) => {
        release = () => {
          m.token = 'good';
          resolve(true);
        };
      }),
  );
  const session = sessionWith(manager);
  const msg = new Message('GET', `${server.url}/bearer`);
  let settled = false;
  const done = session.send(msg).then((s) => ((settled = true), s));
  for (let i = 0; i < 400 && manager.unauthorizedCalls === 0; i++) await new Promise((r) => setTimeout(r, 5));
  expect(manager.unauthorizedCalls).toBe(1);
  await new Promise((r) => setTimeout(r, 50));
  expect(settled).toBe(false);
  release();
  expect(await done).toBe(200);
  session.close();
});

test.each([false, true])('a server that always answers 401: the message ends 401 after 20 resends (sendMessage: %s)', async (sync) => {
  const manager = new BearerManager((m) => {
    m.token = 'wrong';
    return true;
  });
  const session = sessionWith(manager);
  const msg = new Message('GET', `${server.url}/always-401`);
  let restarted = 0;
  msg.on('restarted', () => restarted++);
  const status = sync ? session.sendMessage(msg) : await session.send(msg);
  expect(status).toBe(401);
  expect(restarted).toBe(20);
  expect(manager.unauthorizedCalls).toBe(21);
  session.close();
});

test('the built-in behaviour stands behind the same calls: authenticate, then the retry', async () => {
  const session = new Session();
  const seen: boolean[] = [];
  session.on('authenticate', (_m: Message, auth: Auth, retrying: boolean) => {
    seen.push(retrying);
    if (!retrying) auth.authenticate('u', 'p');
  });
  const msg = new Message('GET', `${server.url}/always-401`);
  expect(await session.send(msg)).toBe(401);
  expect(seen).toEqual([false, true]);
  session.close();
});
