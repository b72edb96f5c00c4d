// curl's easy-interface examples (examples/c/), run against local servers with their
// output checked: one child process runs them all, one after the other.
import { runPorts, type PortResult } from './run';
import { startPortServers, type PortServers } from './servers';

let servers: PortServers;
let results: Map<string, PortResult>;

beforeAll(async () => {
  servers = await startPortServers();
  const h = servers.http;
  results = await runPorts([
    { name: 'simple', args: [`${h}/redirect`] },
    { name: 'getinmemory', args: [`${h}/bytes/12345`] },
    { name: 'postinmemory', args: [`${h}/echo`] },
    { name: 'simplepost', args: [`${h}/echo`] },
  ]);
}, 120_000);

afterAll(() => servers?.close());

function port(name: string): PortResult {
  const result = results.get(name);
  if (!result) throw new Error(`${name} did not run`);
  return result;
}

test('simple.c: the body goes to stdout (no WRITEFUNCTION), after a followed redirect', () => {
  expect(port('simple')).toEqual({ code: '0', stdout: 'hello from /landed\n', stderr: '' });
});

test('getinmemory.c: a WRITEFUNCTION keeps every chunk', () => {
  expect(port('getinmemory').stdout).toBe('12345 bytes retrieved\n');
});

test('postinmemory.c: POSTFIELDS with POSTFIELDSIZE, the response kept in memory', () => {
  const echo = JSON.parse(port('postinmemory').stdout);
  expect(echo).toMatchObject({ method: 'POST', body: 'Field=1&Field=2&Field=3' });
  expect(echo.headers['user-agent']).toBe('libcurl-agent/1.0');
});

test('simplepost.c: the POST response goes to stdout', () => {
  expect(JSON.parse(port('simplepost').stdout)).toMatchObject({ method: 'POST', body: 'moo mooo moo moo' });
});
