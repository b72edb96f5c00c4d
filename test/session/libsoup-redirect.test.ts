// libsoup 2.74's tests/redirect-test.c, ported: its table and its servers (server_callback,
// server2_callback) reproduced over raw TCP, every case run through the message API as
// libsoup runs it, async (send) and sync (sendMessage), asserting what libsoup asserts: the
// status at each got-headers, the method and path at each restarted, the final status.
// Not ported: the SoupRequest API runs (do_request_api_test); curlio's sendStream has no
// separate "new API" and ends an invalid redirect MALFORMED like the message API.
import { Message, Session, Status } from '../../lib/session';
import { startScriptServer, type ScriptServer } from '../helpers/session-servers';

// A raw HTTP/1.x server: soup_message_set_redirect answers with an absolute Location, and
// the double redirects answer in HTTP/1.0 (bug 521848: the next request must still be 1.1).
const serverScript = (server2: string): string => `
const net = require('node:net');
const SERVER2 = ${JSON.stringify(server2)};
function reply(socket, version, status, headers, body) {
  const lines = ['HTTP/' + version + ' ' + status, 'Content-Length: ' + Buffer.byteLength(body), ...headers];
  if (version === '1.0') lines.push('Connection: close');
  socket.write(lines.join('\\r\\n') + '\\r\\n\\r\\n' + body);
  if (version === '1.0') socket.end();
}
function handle(socket, method, target, version, body) {
  const path = decodeURIComponent(target.split('?')[0]);
  const port = socket.localPort;
  if (version === '1.0') return reply(socket, '1.1', '400 Bad Request', [], '');
  if (path.startsWith('/bad')) {
    if (path === '/bad') return reply(socket, '1.1', '302 Found', ['Location: /bad with spaces'], '');
    if (path === '/bad-recursive') return reply(socket, '1.1', '302 Found', ['Location: /bad-recursive'], '');
    if (path === '/bad-no-host') return reply(socket, '1.1', '302 Found', ['Location: about:blank'], '');
    if (path === '/bad with spaces') return reply(socket, '1.1', '200 OK', [], '');
    return reply(socket, '1.1', '404 Not Found', [], '');
  }
  // Not libsoup's: a redirect to a scheme that is an http alias only by default.
  if (path === '/to-dav') return reply(socket, '1.1', '302 Found', ['Location: dav://127.0.0.1:' + port + '/'], '');
  if (path === '/server2') return reply(socket, '1.1', '302 Found', ['Location: ' + SERVER2], '');
  if (path === '/on-server2') return reply(socket, '1.1', '200 OK', [], '');
  if (path === '/') {
    if (method !== 'GET' && method !== 'HEAD') return reply(socket, '1.1', '405 Method Not Allowed', [], '');
    if (body.length > 0) return reply(socket, '1.1', '400 Bad Request', [], '');
    return reply(socket, '1.1', '200 OK', ['Content-Type: text/plain'], method === 'HEAD' ? '' : 'OK\\r\\n');
  }
  const m = /^\\/(\\d+)(\\/.*)?$/.exec(path);
  const status = m ? Number(m[1]) : 0;
  if (!(status >= 300 && status < 400)) return reply(socket, '1.1', '404 Not Found', [], '');
  const to = m[2] ?? '/';
  return reply(socket, m[2] ? '1.0' : '1.1', status + ' Redirect', ['Location: http://127.0.0.1:' + port + to], '');
}
const server = net.createServer((socket) => {
  let buf = Buffer.alloc(0);
  socket.on('error', () => undefined);
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const end = buf.indexOf('\\r\\n\\r\\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1');
      const length = Number((/\\r\\ncontent-length: *(\\d+)/i.exec(head) || [0, 0])[1]);
      if (buf.length < end + 4 + length) return;
      const body = buf.subarray(end + 4, end + 4 + length);
      buf = buf.subarray(end + 4 + length);
      const [method, target, proto] = head.split('\\r\\n')[0].split(' ');
      handle(socket, method, target, proto.slice(5), body);
    }
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
`;

const server2Script = `
const net = require('node:net');
const server = net.createServer((socket) => {
  socket.on('error', () => undefined);
  socket.on('data', () => socket.write('HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\n\\r\\n'));
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
`;

interface TestRequest {
  method: string;
  path: string;
  status: number;
  repeat?: boolean;
}
type TestCase = [name: string, requests: TestRequest[], finalStatus: number];

const r = (method: string, path: string, status: number, repeat = false): TestRequest => ({ method, path, status, repeat });

// redirect-test.c's tests[], in order.
const tests: TestCase[] = [
  // A redirecty response to a GET or HEAD should cause a redirect
  ['GET 301', [r('GET', '/301', 301), r('GET', '/', 200)], 200],
  ['GET 302', [r('GET', '/302', 302), r('GET', '/', 200)], 200],
  ['GET 303', [r('GET', '/303', 303), r('GET', '/', 200)], 200],
  ['GET 307', [r('GET', '/307', 307), r('GET', '/', 200)], 200],
  ['GET 308', [r('GET', '/308', 308), r('GET', '/', 200)], 200],
  ['HEAD 301', [r('HEAD', '/301', 301), r('HEAD', '/', 200)], 200],
  ['HEAD 302', [r('HEAD', '/302', 302), r('HEAD', '/', 200)], 200],
  ['HEAD 303', [r('HEAD', '/303', 303), r('HEAD', '/', 200)], 200],
  ['HEAD 307', [r('HEAD', '/307', 307), r('HEAD', '/', 200)], 200],
  ['HEAD 308', [r('HEAD', '/308', 308), r('HEAD', '/', 200)], 200],
  // A non-redirecty response to a GET or HEAD should not
  ['GET 300', [r('GET', '/300', 300)], 300],
  ['GET 304', [r('GET', '/304', 304)], 304],
  ['GET 305', [r('GET', '/305', 305)], 305],
  ['GET 306', [r('GET', '/306', 306)], 306],
  ['HEAD 300', [r('HEAD', '/300', 300)], 300],
  ['HEAD 304', [r('HEAD', '/304', 304)], 304],
  ['HEAD 305', [r('HEAD', '/305', 305)], 305],
  ['HEAD 306', [r('HEAD', '/306', 306)], 306],
  // Test double-redirect
  ['GET 301/302', [r('GET', '/301/302', 301), r('GET', '/302', 302), r('GET', '/', 200)], 200],
  ['HEAD 301/302', [r('HEAD', '/301/302', 301), r('HEAD', '/302', 302), r('HEAD', '/', 200)], 200],
  // POST should only automatically redirect on 301, 302 and 303
  ['POST 301', [r('POST', '/301', 301), r('GET', '/', 200)], 200],
  ['POST 302', [r('POST', '/302', 302), r('GET', '/', 200)], 200],
  ['POST 303', [r('POST', '/303', 303), r('GET', '/', 200)], 200],
  ['POST 307', [r('POST', '/307', 307)], 307],
  // Test behavior with recoverably-bad Location header
  ['GET bad', [r('GET', '/bad', 302), r('GET', '/bad%20with%20spaces', 200)], 200],
  // Test behavior with irrecoverably-bad Location header
  ['GET bad-no-host', [r('GET', '/bad-no-host', 302)], Status.MALFORMED],
  // Test infinite redirection
  ['GET bad-recursive', [r('GET', '/bad-recursive', 302, true)], Status.TOO_MANY_REDIRECTS],
  // Test redirection to a different server
  ['GET server2', [r('GET', '/server2', 302), r('GET', '/on-server2', 200)], 200],
];

let server: ScriptServer;
let server2: ScriptServer;
let asyncSession: Session;
let syncSession: Session;
beforeAll(async () => {
  server2 = await startScriptServer(server2Script);
  server = await startScriptServer(serverScript(`${server2.url}/on-server2`));
  asyncSession = new Session();
  syncSession = new Session();
});
afterAll(async () => {
  asyncSession.close();
  syncSession.close();
  await server.close();
  await server2.close();
});

// do_message_api_test: got_headers and restarted walk the expected requests.
async function messageApiTest(session: Session, sync: boolean, requests: TestRequest[], finalStatus: number): Promise<void> {
  const msg = new Message(requests[0].method, `${server.url}${requests[0].path}`);
  if (msg.method === 'POST') msg.setRequest('text/plain', 'post body');
  let i = 0;
  const seen: string[] = [];
  const expected: string[] = [];
  msg.on('got-headers', () => {
    if (i < requests.length) {
      seen.push(`got-headers ${msg.statusCode}`);
      expected.push(`got-headers ${requests[i].status}`);
    }
  });
  msg.on('restarted', () => {
    if (i < requests.length && !requests[i].repeat) i++;
    seen.push(`restarted ${msg.method} ${msg.uri.pathname}`);
    expected.push(i < requests.length ? `restarted ${requests[i].method} ${requests[i].path}` : 'Expected to be done');
  });
  const status = sync ? session.sendMessage(msg) : await session.send(msg);
  expect(seen).toEqual(expected);
  expect(status).toBe(finalStatus);
  expect(msg.statusCode).toBe(finalStatus);
}

describe('redirect-test.c', () => {
  test.each(tests)('/redirect/async/msg %s', async (_, requests, finalStatus) => {
    await messageApiTest(asyncSession, false, requests, finalStatus);
  });
  test.each(tests)('/redirect/sync/msg %s', async (_, requests, finalStatus) => {
    await messageApiTest(syncSession, true, requests, finalStatus);
  });
});

describe('libsoup 2.74 redirect rules beyond the table (soup-session.c)', () => {
  test.each([
    ['PUT', 302, 'GET'],
    ['DELETE', 302, 'GET'],
    ['PUT', 303, 'GET'],
    ['OPTIONS', 307, 'OPTIONS'],
    ['PROPFIND', 308, 'PROPFIND'],
  ])('%s on %i is followed as %s', async (method, status, expected) => {
    const msg = new Message(method, `${server.url}/${status}`);
    const methods: string[] = [];
    msg.on('restarted', () => methods.push(msg.method));
    await asyncSession.send(msg);
    expect(methods).toEqual([expected]);
  });

  test.each([
    ['PUT', 301],
    ['PUT', 307],
    ['POST', 308],
    ['DELETE', 301],
  ])('%s on %i is left to the application', async (method, status) => {
    const msg = new Message(method, `${server.url}/${status}`);
    msg.setRequest('text/plain', 'body');
    expect(await asyncSession.send(msg)).toBe(status);
    expect(asyncSession.wouldRedirect(msg)).toBe(false);
    expect(syncSession.sendMessage(new Message(method, `${server.url}/${status}`))).toBe(status);
  });

  test('wouldRedirect ignores NO_REDIRECT; redirectMessage follows a NO_REDIRECT message from its handler', async () => {
    for (const sync of [false, true]) {
      const msg = new Message('GET', `${server.url}/302`);
      msg.flags |= 2; // MessageFlags.NO_REDIRECT
      let would: boolean | null = null;
      msg.on('got-body', () => {
        if (msg.statusCode !== 302) return;
        would = asyncSession.wouldRedirect(msg);
        expect((sync ? syncSession : asyncSession).redirectMessage(msg)).toBe(true);
      });
      const status = sync ? syncSession.sendMessage(msg) : await asyncSession.send(msg);
      expect(would).toBe(true);
      expect(status).toBe(200);
      expect(msg.uri.pathname).toBe('/');
    }
  });

  test('redirectMessage follows what the session would not (a 307 after POST), with the body', async () => {
    const msg = new Message('POST', `${server.url}/307`);
    msg.setRequest('text/plain', 'post body');
    msg.on('got-body', () => msg.statusCode === 307 && asyncSession.redirectMessage(msg));
    // The test server's "/" refuses a POST (405): the POST went again.
    expect(await asyncSession.send(msg)).toBe(405);
  });

  test('every resend counts: redirectMessage in a loop ends TOO_MANY_REDIRECTS after 20', async () => {
    for (const sync of [false, true]) {
      const msg = new Message('GET', `${server.url}/bad-recursive`);
      msg.flags |= 2; // NO_REDIRECT: only the handler redirects
      let restarts = 0;
      msg.on('restarted', () => restarts++);
      msg.on('got-body', () => msg.statusCode === 302 && (sync ? syncSession : asyncSession).redirectMessage(msg));
      const status = sync ? syncSession.sendMessage(msg) : await asyncSession.send(msg);
      expect(status).toBe(Status.TOO_MANY_REDIRECTS);
      expect(restarts).toBe(20);
    }
  });

  test('every resend counts: requeueMessage in a loop stops after 20 with the response it has', async () => {
    for (const sync of [false, true]) {
      const msg = new Message('GET', `${server.url}/`);
      let restarts = 0;
      msg.on('restarted', () => restarts++);
      msg.on('got-body', () => (sync ? syncSession : asyncSession).requeueMessage(msg));
      const status = sync ? syncSession.sendMessage(msg) : await asyncSession.send(msg);
      expect(status).toBe(200);
      expect(restarts).toBe(20);
    }
  });

  test('httpAliases null: a redirect to another scheme keeps the 3xx (not MALFORMED); the default follows it as http', async () => {
    const strict = new Session({ httpAliases: null });
    for (const sync of [false, true]) {
      const msg = new Message('GET', `${server.url}/to-dav`);
      expect(sync ? strict.sendMessage(msg) : await strict.send(msg)).toBe(302);
      expect(strict.wouldRedirect(msg)).toBe(false);
    }
    strict.close();
    const msg = new Message('GET', `${server.url}/to-dav`);
    expect(await asyncSession.send(msg)).toBe(200);
    expect(msg.uri.protocol).toBe('dav:');
  });
});
