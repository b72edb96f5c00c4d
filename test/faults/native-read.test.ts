// CURLOPT_READFUNCTION returns the bytes to upload. A number other than CURL_READFUNC_PAUSE
// or ABORT (C's "bytes written" idiom) went to libcurl as a byte count over a buffer
// nobody wrote: libcurl sent that memory, an earlier upload's secret included.
import {
  CURLE_READ_ERROR,
  CURLOPT_INFILESIZE,
  CURLOPT_READFUNCTION,
  CURLOPT_UPLOAD,
  CURLOPT_URL,
  CURL_READFUNC_ABORT,
  CurlError,
  Easy,
  Multi,
} from '../../lib/libcurl';
import { startBombServer, type BombServer } from '../helpers/bomb-server';

let server: BombServer;
beforeAll(async () => {
  server = await startBombServer();
});
afterAll(() => server.close());

function upload(name: string, size: number, read: (size: number) => unknown): Easy {
  return new Easy()
    .setopt(CURLOPT_URL, `${server.url}/upload/${name}`)
    .setopt(CURLOPT_UPLOAD, 1)
    .setopt(CURLOPT_INFILESIZE, size)
    .setopt(CURLOPT_READFUNCTION, read as (size: number) => Buffer);
}

test('a READFUNCTION returning a byte count fails with CURLE_READ_ERROR and sends no body byte', async () => {
  const multi = new Multi();
  // First an upload that leaves a secret in memory libcurl freed (its upload buffer)...
  const secret = Buffer.from('SECRET-'.repeat(2000));
  let sent = false;
  const first = upload('secret', secret.length, () => (sent ? null : ((sent = true), secret)));
  await multi.perform(first);
  first.cleanup();
  expect((await server.upload('secret'))!.body.includes(secret)).toBe(true);
  // ...then one whose callback answers the C way: "I wrote 100 bytes".
  for (const [name, value] of [
    ['count', 100],
    ['zero', 0],
    ['object', { length: 100 }],
    ['boolean', true],
  ] as const) {
    const easy = upload(name, 100, () => value);
    const failure = await multi.perform(easy).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CurlError);
    expect(failure).toMatchObject({ name: 'CURLE_READ_ERROR', code: 'CURLE_READ_ERROR', errno: CURLE_READ_ERROR });
    expect((failure as CurlError).cause).toMatchObject({ name: 'TypeError' }); // made in C++: another realm than jest's
    expect(String((failure as CurlError).cause)).toMatch(/CURLOPT_READFUNCTION must return a Buffer, a string, null/);
    const received = await server.upload(name);
    expect(received!.head).toMatch(/^PUT \/upload\//);
    // Not one byte after the request head: before the fix, 100 bytes of libcurl's buffer.
    expect(received!.body.length).toBe(0);
    easy.cleanup();
  }
  multi.cleanup();
});

test('curl_easy_perform throws the TypeError; the error buffer says what came back', () => {
  const easy = upload('perform', 10, () => 10);
  expect(() => easy.perform()).toThrow(/returned the number 10/);
  expect(easy.errorBuffer()).toMatch(/CURLOPT_READFUNCTION must return .* the number 10/);
  easy.cleanup();
});

test('CURL_READFUNC_ABORT still aborts, a Buffer still uploads', async () => {
  const multi = new Multi();
  const aborted = await multi.perform(upload('abort', 10, () => CURL_READFUNC_ABORT)).catch((e: unknown) => e);
  expect(aborted).toMatchObject({ name: 'CURLE_ABORTED_BY_CALLBACK' });
  let done = false;
  await multi.perform(upload('fine', 5, () => (done ? null : ((done = true), Buffer.from('hello')))));
  expect((await server.upload('fine'))!.body.toString()).toBe('hello');
  multi.cleanup();
});
