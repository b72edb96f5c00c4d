// curl's easy-interface examples (examples/c/), run against local servers with their
// output checked: one child process runs them all, one after the other.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runPorts, type PortResult } from './run';
import { startPortServers, type PortServers } from './servers';

let servers: PortServers;
let results: Map<string, PortResult>;
const examples = path.resolve(__dirname, '../../examples/c');
let dir: string; // the ports' working directory: the files they read and write
const upload = Buffer.from(Array.from({ length: 70000 }, (_, i) => (i * 7) % 256));

beforeAll(async () => {
  servers = await startPortServers();
  const h = servers.http;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-easy-ports-'));
  fs.writeFileSync(path.join(dir, 'upload.bin'), upload);
  results = await runPorts([
    { name: 'getinfo', args: [`${h}/echo`] },
    { name: 'cookie_interface', args: [`${h}/cookies`] },
    { name: 'debug', args: [`${h}/redirect`] },
    { name: 'progressfunc', args: [`${h}/bytes/20000000`] },
    { name: 'chkspeed', args: ['-a', '-x', `${h}/bytes/300000`] },
    { name: 'fileupload', args: ['upload.bin', `file://${dir}/uploaded.bin`], cwd: dir },
    { name: 'httpput', args: [path.join(dir, 'upload.bin'), `${h}/echo`] },
    { name: 'http-post', args: [`${h}/echo`] },
    { name: 'getredirect', args: [`${h}/redirect`] },
    { name: 'getreferrer', args: [`${h}/hello`] },
    { name: 'httpcustomheader', args: [`${h}/echo`] },
    { name: 'url2file', args: [`${h}/bytes/5000`], cwd: dir },
    { name: 'sepheaders', args: [`${h}/headers`], cwd: dir },
    { name: 'headerapi', args: [`${h}/redirect`] },
    { name: 'urlapi', args: [`${h}/urlapi/path/index.html`] },
    { name: 'parseurl', args: [] },
    { name: 'sendrecv', args: [`${h}/sendrecv`] },
    { name: 'shared-connection-cache', args: [`${h}/shared`] },
    { name: 'postit2', args: [`${h}/echo`, 'noexpectheader'], cwd: examples },
    { name: 'post-callback', args: [`${h}/echo`] },
    { name: 'persistent', args: [`${h}/first`, `${h}/second`] },
    { name: 'resolve', args: [`example.com:${new URL(h).port}:127.0.0.1`, `http://example.com:${new URL(h).port}/resolved`] },
    { name: 'httpput-postfields', args: [`${h}/echo`] },
    { name: 'externalsocket', args: ['127.0.0.1', new URL(h).port] },
    { name: 'anyauthput', args: [path.join(dir, 'upload.bin'), `${h}/auth`] },
    { name: 'simple', args: [`${h}/redirect`] },
    { name: 'getinmemory', args: [`${h}/bytes/12345`] },
    { name: 'postinmemory', args: [`${h}/echo`] },
    { name: 'simplepost', args: [`${h}/echo`] },
  ]);
}, 120_000);

afterAll(async () => {
  await servers?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

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

test('getinfo.c: CURLINFO_CONTENT_TYPE', () => {
  expect(port('getinfo').stdout).toMatch(/\}We received Content-Type: application\/json\n$/);
});

test('cookie_interface.c: CURLINFO_COOKIELIST lists, CURLOPT_COOKIELIST erases and adds', () => {
  const out = port('cookie_interface').stdout;
  const sections = out.split('Cookies, curl knows:\n');
  expect(sections[0]).toBe('cookie header: (none)\n');
  expect(sections[1]).toMatch(/^\[1\]: 127\.0\.0\.1\tFALSE\t\/\tFALSE\t0\tflavour\tchocolate\n\[2\]: 127\.0\.0\.1\tFALSE\t\/\tFALSE\t0\tsize\tlarge\nErasing/);
  expect(sections[2]).toMatch(/^\(none\)\n-{47}\nSetting a cookie "PREF" via cookie interface:\n$/);
  expect(sections[3]).toMatch(/^\[1\]: 127\.0\.0\.1\tFALSE\t\/\tFALSE\t\d+\tPREF\thello example, i like you very much!\n\[2\]: \.?127\.0\.0\.1\t\w+\t\/\tFALSE\t\d+\tOLD_PREF\t3d141414bf4209321\ncookie header: /);
  expect(sections[3]).toMatch(/cookie header: .*PREF=hello example, i like you very much!/);
});

test('debug.c: DEBUGFUNCTION with DEBUGDATA traces a followed redirect in ascii', () => {
  const { stdout, stderr } = port('debug');
  expect(stdout).toBe('hello from /landed\n'); // libcurl skips the body of a followed redirect
  expect(stderr).toMatch(/^=> Send header, \d{10} bytes \(0x[0-9a-f]{8}\)\n0000: GET \/redirect HTTP\/1\.1\n/m);
  expect(stderr).toMatch(/^0000: HTTP\/1\.1 302 Found\n/m);
  expect(stderr).toMatch(/^=> Send header, \d{10} bytes \(0x[0-9a-f]{8}\)\n0000: GET \/landed HTTP\/1\.1\n/m);
});

test('progressfunc.c: XFERINFOFUNCTION returning 1 stops the download (CURLE_ABORTED_BY_CALLBACK)', () => {
  const { code, stdout, stderr } = port('progressfunc');
  expect(code).toBe('42');
  expect(stdout.length).toBeGreaterThan(6000);
  expect(stdout.length).toBeLessThan(20000000);
  expect(stderr).toMatch(/UP: 0 of 0  DOWN: 0 of 0\r\n/);
  expect(stderr).toMatch(/Operation was aborted by an application callback\n$/);
});

test('chkspeed.c: size, time and speed of a download from getinfo', () => {
  const out = port('chkspeed').stdout;
  expect(out).toMatch(/^-{49}\nData downloaded: 300000 bytes\.\nTotal download time: 0\.\d{6} sec\.\nAverage download speed: \d+ kbyte\/sec\.\n/);
  expect(out).toMatch(/Connect time: 0\.\d{6} sec\.\n$/);
});

test('fileupload.c: no READFUNCTION: libcurl reads READDATA (an fd) into a file:// upload', () => {
  expect(port('fileupload').stderr).toMatch(/Speed: \d+ bytes\/sec during 0\.\d{6} seconds\n/);
  expect(fs.readFileSync(path.join(dir, 'uploaded.bin')).equals(upload)).toBe(true);
});

test('httpput.c: a READFUNCTION reading READDATA sends a PUT', () => {
  const { stdout, stderr } = port('httpput');
  const echo = JSON.parse(stdout);
  expect(echo.method).toBe('PUT');
  expect(Buffer.from(echo.body, 'latin1').equals(upload)).toBe(true);
  expect(stderr).toMatch(/^\*\*\* We read \d+ bytes from file\n/);
});

test('http-post.c: POSTFIELDS alone (libcurl takes its length)', () => {
  expect(JSON.parse(port('http-post').stdout)).toMatchObject({ method: 'POST', body: 'name=daniel&project=curl' });
});

test('getredirect.c: CURLINFO_REDIRECT_URL without following', () => {
  expect(port('getredirect').stdout).toBe(`movedRedirected to: ${servers.http}/landed\n`);
});

test('getreferrer.c: CURLINFO_REFERER gives back CURLOPT_REFERER', () => {
  expect(port('getreferrer').stdout).toBe('hello from /hello\nReferrer header: https://example.org/referrer\n');
  expect(servers.requests.find((r) => r.url === '/hello')?.headers.referer).toBe('https://example.org/referrer');
});

test('httpcustomheader.c: removed, added, replaced and blank headers', () => {
  const echo = JSON.parse(port('httpcustomheader').stdout);
  expect(echo.headers.accept).toBeUndefined();
  expect(echo.headers.another).toBe('yes');
  expect(echo.headers.host).toBe('example.com');
  expect(echo.headers['x-silly-header']).toBe('');
});

test('url2file.c: a WRITEFUNCTION writing to the WRITEDATA fd', () => {
  expect(fs.readFileSync(path.join(dir, 'page.out')).length).toBe(5000);
});

test('sepheaders.c: HEADERDATA without HEADERFUNCTION: headers go through the write function to their own file', () => {
  expect(fs.readFileSync(path.join(dir, 'body.out'), 'utf8')).toBe('headers\n');
  const head = fs.readFileSync(path.join(dir, 'head.out'), 'utf8');
  expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  expect(head).toContain('x-example: one\r\nx-example: two\r\n');
  expect(head).not.toContain('headers\n');
});

test('headerapi.c: curl_easy_header and curl_easy_nextheader over the last response of a redirect', () => {
  const out = port('headerapi').stdout;
  expect(out).toMatch(/^All server headers:\n Date: .+ \(1\)\n Connection: keep-alive \(1\)\n Keep-Alive: timeout=5 \(1\)\n Content-Length: 19 \(1\)\n$/);
});

test('urlapi.c: CURLOPT_CURLU', () => {
  const { stdout, stderr } = port('urlapi');
  expect(stdout).toBe('hello from /urlapi/path/index.html\n');
  expect(stderr).toMatch(/^> GET \/urlapi\/path\/index\.html HTTP\/1\.1\r$/m);
});

test('parseurl.c: host and path of a URL, then of a relative one', () => {
  expect(port('parseurl').stdout).toBe('Host name: example.com\nPath: /path/index.html\nPath: /another/second.html\n');
});

test('sendrecv.c: CONNECT_ONLY, curl_easy_send and curl_easy_recv, waiting with curl_multi_wait', () => {
  const out = port('sendrecv').stdout;
  expect(out).toMatch(/^Sending request\.\nSent 37 bytes\.\nReading response\.\n(Received \d+ bytes\.\n)+$/);
  const received = [...out.matchAll(/Received (\d+) bytes/g)].reduce((n, m) => n + Number(m[1]), 0);
  expect(received).toBeGreaterThan(50);
  expect(servers.requests.some((r) => r.url === '/' && r.httpVersion === '1.0' && r.headers.host === 'example.com')).toBe(true);
});

test('shared-connection-cache.c: three easy handles reuse one connection through the share, with its lock functions', () => {
  const { stdout, stderr } = port('shared-connection-cache');
  expect(stdout).toBe('hello from /shared\n'.repeat(3));
  const ports = new Set(servers.requests.filter((r) => r.url === '/shared').map((r) => r.remotePort));
  expect(ports.size).toBe(1);
  expect(stderr).toMatch(/^(-> Mutex lock\n<- Mutex unlock\n)+$/);
});

test('postit2.c: a MIME form with curl_easy_perform; "noexpectheader" removes Expect:', () => {
  const echo = JSON.parse(port('postit2').stdout);
  expect(echo.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
  expect(echo.headers.expect).toBeUndefined();
  expect(echo.body).toContain(fs.readFileSync(path.join(examples, 'postit2.js'), 'latin1'));
  expect(echo.body).toMatch(/name="submit"\r\n\r\nsend\r\n/);
});

test('post-callback.c: a READFUNCTION body with POSTFIELDSIZE', () => {
  const { stdout, stderr } = port('post-callback');
  const echo = JSON.parse(stdout);
  expect(echo.method).toBe('POST');
  expect(echo.body).toMatch(/^Lorem ipsum dolor sit amet, .* rhoncus ipsum\.$/);
  expect(echo.headers['content-length']).toBe(String(echo.body.length));
  expect(stderr).toMatch(/^> POST \/echo HTTP\/1\.1\r$/m);
});

test('persistent.c: two documents over one connection, headers in the output (CURLOPT_HEADER)', () => {
  const { stdout, stderr } = port('persistent');
  expect(stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nhello from \/first\nHTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nhello from \/second\n$/);
  expect(stderr).toMatch(/Re-using existing connection/);
});

test('resolve.c: CURLOPT_RESOLVE sends example.com to 127.0.0.1', () => {
  expect(port('resolve')).toMatchObject({ code: '0', stdout: 'hello from /resolved\n' });
  expect(servers.requests.find((r) => r.url === '/resolved')?.headers.host).toMatch(/^example\.com:\d+$/);
});

test('httpput-postfields.c: POSTFIELDS sent with a custom PUT and Content-Type', () => {
  const echo = JSON.parse(port('httpput-postfields').stdout);
  expect(echo).toMatchObject({ method: 'PUT' });
  expect(echo.headers['content-type']).toBe('literature/classic');
  expect(echo.body).toMatch(/^Among other public buildings .* whose name is prefixed$/);
});

test('externalsocket.c: libcurl runs the transfer over a socket the program connected (a GIO Socket)', () => {
  const { code, stdout, stderr } = port('externalsocket');
  expect(code).toBe('0');
  // The URL names 99.99.99.99:9999; the socket goes to our server. curl_easy_cleanup calls
  // CLOSESOCKETFUNCTION, which leaves the socket to the program.
  expect(stdout).toMatch(/^hello from \/\nlibcurl wants to close \d+ now\n$/);
  expect(stderr).toMatch(/Connected to 99\.99\.99\.99/);
});

test('anyauthput.c: CURLAUTH_ANY learns Basic from a 401 and sends the PUT again, rewound by SEEKFUNCTION', () => {
  const { stdout, stderr } = port('anyauthput');
  const echo = JSON.parse(stdout.slice(stdout.indexOf('{')));
  expect(echo.method).toBe('PUT');
  expect(Buffer.from(echo.body, 'latin1').equals(upload)).toBe(true);
  const attempts = servers.requests.filter((r) => r.url === '/auth');
  expect(attempts.map((r) => Boolean(r.headers.authorization))).toEqual([false, true]);
  expect(stderr).toMatch(/^\*\*\* We read \d+ bytes from file\n/);
});
