// Headers and chunked trailers are bounded per response. libcurl 7.88 stops a response's
// headers at 300 KiB but reads trailers without end: the header block grew without bound
// and libcurl's trailer parsing held the event loop (16 ticks of a 10 ms interval in 4 s).
import { CURLE_RECV_ERROR, CURLOPT_HEADERFUNCTION, CURLOPT_URL, CurlError, Easy, Multi } from '../../lib/libcurl';
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

test('trailers within the limit arrive with the headers', async () => {
  const multi = new Multi();
  const { body, headers } = await multi.perform(new Easy().setopt(CURLOPT_URL, `${server.url}/trailers/100`));
  expect(body.toString()).toBe('hello');
  expect(headers.toString().match(/^X-T: a+\r$/gm)).toHaveLength(100);
  multi.cleanup();
});
