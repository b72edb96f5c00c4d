// A throwing listener: its error surfaces as Node reports an exception thrown in any
// asynchronous EventEmitter listener (process 'uncaughtException' on the next tick), and the
// message still ends exactly once with the status it would have had, send() settles, and
// session.close() settles what is left. Run in a child process: the error is uncaught on
// purpose, which jest would count against the test itself.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const register = path.join(__dirname, '..', 'helpers', 'gio-ts-register.js');
const lib = path.join(__dirname, '..', '..', 'lib', 'session');

const child = `
const http = require('node:http');
const { Session, Message } = require(${JSON.stringify(lib)});
const uncaught = [];
process.on('uncaughtException', (e) => uncaught.push(e.message));
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url === '/redirect') { res.writeHead(302, { Location: '/ok' }); return res.end(); }
    if (req.url === '/auth' && !req.headers.authorization) { res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="r"' }); return res.end(); }
    res.end('ok');
  });
});
const cases = [
  ['msg', 'got-headers', '/ok'], ['msg', 'got-chunk', '/ok'], ['msg', 'got-body', '/ok'],
  ['msg', 'finished', '/ok'], ['msg', 'restarted', '/redirect'], ['msg', 'wrote-headers', '/ok'],
  ['msg', 'wrote-body', '/ok', 'POST'], ['session', 'request-started', '/ok'],
  ['session', 'request-queued', '/ok'], ['session', 'request-unqueued', '/ok'],
  ['session', 'connection-created', '/ok'], ['session', 'authenticate', '/auth'],
  ['callback', 'queue callback', '/ok'],
];
server.listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + server.address().port;
  const results = [];
  for (const [where, event, path, method] of cases) {
    const session = new Session();
    const msg = new Message(method ?? 'GET', base + path);
    if (method === 'POST') msg.setRequest('text/plain', 'body');
    let finished = 0;
    msg.on('finished', () => finished++);
    const boom = () => { throw new Error('boom ' + event); };
    if (where === 'msg') msg.on(event, boom);
    if (where === 'session') session.on(event, boom);
    const before = uncaught.length;
    const timeout = new Promise((r) => setTimeout(() => r('hung'), 5000));
    let done;
    if (where === 'callback') {
      done = new Promise((resolve) => session.queueMessage(msg, () => { setTimeout(() => resolve(msg.statusCode), 50); boom(); }));
    } else {
      done = session.send(msg);
    }
    const status = await Promise.race([done, timeout]);
    await new Promise((r) => setTimeout(r, 20));
    results.push({ event, status, finished, errors: uncaught.slice(before) });
    session.close();
  }
  // close() settles a message whose finished listener throws, once.
  {
    const session = new Session();
    const msg = new Message('GET', base + '/ok');
    let finished = 0;
    msg.on('finished', () => { finished++; throw new Error('boom close'); });
    msg.on('got-headers', () => session.close());
    const status = await Promise.race([session.send(msg), new Promise((r) => setTimeout(() => r('hung'), 5000))]);
    await new Promise((r) => setTimeout(r, 20));
    results.push({ event: 'close', status, finished, errors: uncaught.slice(-1) });
  }
  server.close();
  process.stdout.write(JSON.stringify(results));
});
`;

interface Result {
  event: string;
  status: number | 'hung';
  finished: number;
  errors: string[];
}

let results: Result[];
beforeAll(() => {
  const out = spawnSync(process.execPath, ['-r', register, '-e', child], { encoding: 'utf8', timeout: 120000 });
  if (out.status !== 0) throw new Error(`child failed (${out.status}): ${out.stderr}`);
  results = JSON.parse(out.stdout) as Result[];
});

const expected: Array<[string, number]> = [
  ['got-headers', 200],
  ['got-chunk', 200],
  ['got-body', 200],
  ['finished', 200],
  ['restarted', 200],
  ['wrote-headers', 200],
  ['wrote-body', 200],
  ['request-started', 200],
  ['request-queued', 200],
  ['request-unqueued', 200],
  ['connection-created', 200],
  ['authenticate', 401],
  ['queue callback', 200],
];

test.each(expected)('a throwing %s listener: the error is uncaught once, the message ends once as usual', (event, status) => {
  const r = results.find((x) => x.event === event)!;
  expect(r.status).toBe(status);
  expect(r.finished).toBe(1);
  expect(r.errors).toEqual([`boom ${event}`]);
});

test('session.close() from a handler settles send() once, with the finished listener throwing', () => {
  const r = results.find((x) => x.event === 'close')!;
  expect(r.status).toBe(1); // Status.CANCELLED
  expect(r.finished).toBe(1);
  expect(r.errors).toEqual(['boom close']);
});
