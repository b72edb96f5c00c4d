// Every file in examples/ runs as a user runs it (`node examples/NAME.js ...`, requiring
// 'curlio' or 'curlio/libcurl' through the package's own exports, so dist/ must be built)
// against a real local server. The long-running ones have their own files here.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pattern, startHttpServer, type TestServer } from '../helpers/http-server';
import { runCommand, type CliResult } from '../helpers/run-cli';

const examples = path.resolve(__dirname, '../../examples');

function runExample(name: string, args: string[], cwd: string): Promise<CliResult> {
  return runCommand(process.execPath, [path.join(examples, name), ...args], { cwd, timeoutMs: 30_000 });
}

let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(() => server.close());
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-example-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('multi-uv.js downloads every URL into its numbered file and exits when done', async () => {
  const urls = [`${server.url}/bytes/70000`, `${server.url}/chunked/30/1000`, `${server.url}/hello`];
  const result = await runExample('multi-uv.js', urls, dir);
  expect(result.code).toBe(0);
  for (const url of urls) expect(result.stdout).toContain(`${url} DONE`);
  expect(fs.readFileSync(path.join(dir, '1.download')).equals(pattern(70000))).toBe(true);
  expect(fs.readFileSync(path.join(dir, '2.download')).equals(Buffer.concat(Array.from({ length: 30 }, () => pattern(1000))))).toBe(true);
  expect(fs.readFileSync(path.join(dir, '3.download'), 'utf8')).toBe('hello');
});

test('multi-uv.js reports a refused connection with curl_easy_strerror and exits 1', async () => {
  const result = await runExample('multi-uv.js', ['http://127.0.0.1:1/', `${server.url}/hello`], dir);
  expect(result.code).toBe(1);
  expect(result.stdout).toContain("http://127.0.0.1:1/ FAILED: Couldn't connect to server");
  expect(result.stdout).toContain(`${server.url}/hello DONE`);
});

describe('crawler.js', () => {
  // A little site: /page/N links to 2N and 2N+1 (up to 15), back to /, and off-site.
  let site: http.Server;
  let base: string;
  const requested: string[] = [];
  const NEW_PAGE = '<a href="a.html">a</a> <a href="missing">gone</a>';
  beforeAll(async () => {
    site = http.createServer((req, res) => {
      requested.push(req.url!);
      // /old redirects to /new/, whose relative links resolve against /new/: /new/a.html and /new/missing (404).
      if (req.url === '/old') {
        res.writeHead(301, { location: '/new/' });
        return res.end();
      }
      if (req.url === '/new/' || req.url === '/new/a.html') {
        res.setHeader('content-type', 'Text/HTML');
        return res.end(req.url === '/new/' ? NEW_PAGE : '<p>a</p>');
      }
      const n = req.url === '/' ? 1 : Number(/^\/page\/(\d+)$/.exec(req.url!)?.[1] ?? NaN);
      if (!(n >= 1 && n <= 15)) {
        res.statusCode = 404;
        return res.end('not found');
      }
      const children = [2 * n, 2 * n + 1].filter((c) => c <= 15);
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(
        `<html><body><h1>page ${n}</h1>` +
          children.map((c) => `<a href="/page/${c}">child ${c}</a>`).join('') +
          `<a href="/">home</a><a href='${req.url}#top'>self</a><a href="http://example.invalid/x">off-site</a></body></html>`,
      );
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => site.close(() => resolve())));

  test('visits every page of the site once, follows no off-site link', async () => {
    requested.length = 0;
    const result = await runExample('crawler.js', [`${base}/`, '--parallel', '4'], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('crawled 15 pages, 0 failed');
    const expected = ['/', ...Array.from({ length: 14 }, (_, i) => `/page/${i + 2}`)];
    expect([...requested].sort()).toEqual(expected.sort());
  });

  test('follows redirects, resolves links against where they ended, and counts a 404 as failed', async () => {
    requested.length = 0;
    const result = await runExample('crawler.js', [`${base}/old`], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').sort()).toEqual(
      ['', `200 ${base}/old (${NEW_PAGE.length} bytes)`, `200 ${base}/new/a.html (8 bytes)`, `404 ${base}/new/missing (9 bytes)`, 'crawled 3 pages, 1 failed'].sort(),
    );
    expect([...requested].sort()).toEqual(['/new/', '/new/a.html', '/new/missing', '/old']);
  });

  test('reports a site it cannot reach with the transport Status and exits 1', async () => {
    const result = await runExample('crawler.js', ['http://127.0.0.1:1/'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('ERR http://127.0.0.1:1/: 4 Cannot connect to destination\ncrawled 1 pages, 1 failed\n');
  });

  test('stops at --max-pages', async () => {
    const result = await runExample('crawler.js', [`${base}/`, '--max-pages', '5'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('crawled 5 pages');
  });
});
