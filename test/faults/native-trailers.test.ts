// Headers and chunked trailers are bounded per response. libcurl 7.88 stops a response's
// headers at 300 KiB but reads trailers without end: the header block grew without bound
// and libcurl's trailer parsing held the event loop (16 ticks of a 10 ms interval in 4 s).
import {
  CURLE_RECV_ERROR,
  CURLOPT_HEADERFUNCTION,
  CURLOPT_TIMEOUT_MS,
  CURLOPT_URL,
  CURLOPT_WRITEFUNCTION,
  CurlError,
  Easy,
  Multi,
  curl_easy_cleanup,
  curl_easy_init,
  curl_easy_perform,
  curl_easy_setopt,
} from '../../lib/libcurl';
import { startBombServer, type BombServer } from '../helpers/bomb-server';

let server: BombServer;
beforeAll(async () => {
  server = await startBombServer();
});
afterAll(() => server.close());

test('endless chunked trailers fail the transfer at 300 KiB, buffered or to a HEADERFUNCTION', async () => {
  const multi = new Multi();
  for (const withCallback of [false, true]) {
    const easy = new Easy().setopt(CURLOPT_URL, `${server.url}/endless-trailers`);
    let seen = 0;
    if (withCallback) {
      easy.setopt(CURLOPT_HEADERFUNCTION, (line: Buffer) => {
        seen += line.length;
        return line.length;
      });
    }
    const started = Date.now();
    const failure = await multi.perform(easy).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CurlError);
    expect(failure).toMatchObject({ name: 'CURLE_RECV_ERROR', code: 'CURLE_RECV_ERROR', errno: CURLE_RECV_ERROR });
    expect((failure as Error).message).toMatch(/Too large response headers or trailers: more than 307200 bytes/);
    expect(Date.now() - started).toBeLessThan(5000);
    if (withCallback) expect(seen).toBeLessThanOrEqual(307200);
    easy.cleanup();
  }
  multi.cleanup();
});

test("a C-layer handle whose headers go nowhere (no HEADERFUNCTION, no HEADERDATA) is held to the same limit", () => {
  // Those headers are dropped natively, never buffered: the limit must still end the transfer.
  const easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/endless-trailers`);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, (data: Buffer) => data.length);
  // Without the limit the blocking perform would read trailers until this ends it.
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 20_000);
  const started = Date.now();
  expect(curl_easy_perform(easy)).toBe(CURLE_RECV_ERROR);
  expect(Date.now() - started).toBeLessThan(5000);
  expect(easy.takeHeaders()).toHaveLength(0);
  curl_easy_cleanup(easy);
});

test('trailers within the limit arrive with the headers', async () => {
  const multi = new Multi();
  const { body, headers } = await multi.perform(new Easy().setopt(CURLOPT_URL, `${server.url}/trailers/100`));
  expect(body.toString()).toBe('hello');
  expect(headers.toString().match(/^X-T: a+\r$/gm)).toHaveLength(100);
  multi.cleanup();
});
