// A response body is bounded: by Easy#maxBodySize (decoded bytes, so a decompression bomb
// stops at the limit, not at what it inflates to), and a buffered body always by the
// largest Buffer. Past either, the transfer fails with CURLE_FILESIZE_EXCEEDED; nothing
// grows without bound and nothing is freed twice.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import {
  CURLE_FILESIZE_EXCEEDED,
  CURLOPT_ACCEPT_ENCODING,
  CURLOPT_URL,
  CURLOPT_WRITEFUNCTION,
  CurlError,
  Easy,
  Multi,
  curl_easy_perform,
} from '../../lib/libcurl';
import { startBombServer, type BombServer } from '../helpers/bomb-server';

const MIB = 1 << 20;
let server: BombServer;
beforeAll(async () => {
  server = await startBombServer();
});
afterAll(() => server.close());

function bomb(mib: number): Easy {
  // ACCEPT_ENCODING '' asks for every encoding libcurl decodes (as Session's ContentDecoder).
  return new Easy().setopt(CURLOPT_URL, `${server.url}/gzip-bomb/${mib}`).setopt(CURLOPT_ACCEPT_ENCODING, '');
}

async function expectExceeded(transfer: Promise<unknown>, limitText: RegExp): Promise<void> {
  const failure = await transfer.catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(CurlError);
  expect(failure).toMatchObject({ name: 'CURLE_FILESIZE_EXCEEDED', code: 'CURLE_FILESIZE_EXCEEDED', errno: CURLE_FILESIZE_EXCEEDED });
  expect((failure as Error).message).toMatch(limitText);
}

describe('Easy#maxBodySize', () => {
  test('stops a 1 MiB gzip bomb (1 GiB of zeros) at 8 MiB of decoded body, quickly and in little memory', async () => {
    const multi = new Multi();
    const easy = bomb(1024);
    easy.maxBodySize = 8 * MIB;
    const rssBefore = process.resourceUsage().maxRSS * 1024;
    const started = Date.now();
    await expectExceeded(multi.perform(easy), /maxBodySize \(8388608 bytes/);
    // Unbounded, the body grew to 1 GiB (2 GB of RSS on the way) before it finished.
    expect(Date.now() - started).toBeLessThan(10000);
    expect(process.resourceUsage().maxRSS * 1024 - rssBefore).toBeLessThan(256 * MIB);
    easy.cleanup();
    multi.cleanup();
  });

  test('counts what a JavaScript WRITEFUNCTION receives too', async () => {
    const multi = new Multi();
    const easy = bomb(1024);
    let delivered = 0;
    easy.setopt(CURLOPT_WRITEFUNCTION, (chunk: Buffer) => {
      delivered += chunk.length;
      return chunk.length;
    });
    easy.maxBodySize = 8 * MIB;
    await expectExceeded(multi.perform(easy), /maxBodySize/);
    expect(delivered).toBeLessThanOrEqual(8 * MIB);
    expect(delivered).toBeGreaterThan(7 * MIB);
    easy.cleanup();
    multi.cleanup();
  });

  test('a body within the limit arrives whole, and the limit holds for the next transfer of the handle', async () => {
    const multi = new Multi();
    const easy = bomb(16);
    easy.maxBodySize = 16 * MIB;
    const { body } = await multi.perform(easy);
    expect(body.length).toBe(16 * MIB);
    expect(body.every((b) => b === 0)).toBe(true);
    easy.setopt(CURLOPT_URL, `${server.url}/bytes/${16 * MIB + 1}`);
    await expectExceeded(multi.perform(easy), /maxBodySize \(16777216 bytes/);
    easy.maxBodySize = 0;
    easy.setopt(CURLOPT_URL, `${server.url}/gzip-bomb/17`);
    expect((await multi.perform(easy)).body.length).toBe(17 * MIB);
    expect(easy.duphandle().maxBodySize).toBe(0);
    easy.maxBodySize = 5;
    expect(easy.duphandle().maxBodySize).toBe(5);
    easy.cleanup();
    multi.cleanup();
  });

  test('curl_easy_perform returns CURLE_FILESIZE_EXCEEDED, the error buffer names the limit', () => {
    const easy = bomb(64);
    easy.maxBodySize = MIB;
    expect(curl_easy_perform(easy)).toBe(CURLE_FILESIZE_EXCEEDED);
    expect(easy.errorBuffer()).toMatch(/maxBodySize \(1048576 bytes/);
    easy.cleanup();
  });

  test('only a non-negative integer is a limit', () => {
    const easy = new Easy();
    for (const bad of [-1, 1.5, NaN, Infinity, '10', null]) {
      expect(() => {
        easy.maxBodySize = bad as number;
      }).toThrow(TypeError);
    }
    expect(easy.maxBodySize).toBe(0);
    easy.cleanup();
  });
});

// The real thing: 4.3 MB of gzip that inflates past buffer.constants.MAX_LENGTH (4 GiB on
// Node 20), buffered with no limit of its own. It used to end in `free(): double free
// detected` (the Buffer's finalizer ran when Node refused the 4 GiB, then curlio freed the
// bytes again). It takes about 10 s and 4 GiB of memory, in a process of its own.
const heavy = Number(require('node:buffer').constants.MAX_LENGTH) <= 2 ** 32 && !process.env.CURLIO_BINDING ? test : test.skip;
heavy('a buffered body reaching the largest Buffer fails cleanly (4 GiB gzip bomb)', () => {
  const child = spawnSync(
    process.execPath,
    [
      '-e',
      `const { Easy, Multi, CURLOPT_URL, CURLOPT_ACCEPT_ENCODING } = require(process.argv[1]);
       const easy = new Easy().setopt(CURLOPT_URL, process.argv[2]).setopt(CURLOPT_ACCEPT_ENCODING, '');
       new Multi().perform(easy).then(
         (r) => console.log('resolved', r.body.length),
         (e) => console.log(e.name, e.message));`,
      path.join(__dirname, '../../dist/libcurl'),
      `${server.url}/gzip-bomb/4100`,
    ],
    { encoding: 'utf8', timeout: 120000 },
  );
  expect({ status: child.status, signal: child.signal, stderr: child.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
  expect(child.stdout).toMatch(/^CURLE_FILESIZE_EXCEEDED .*largest Buffer \(buffer\.constants\.MAX_LENGTH, 4294967296 bytes\)/);
}, 120000);
