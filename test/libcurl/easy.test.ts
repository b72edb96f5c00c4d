// The easy interface and every callback kind, against a real HTTP server process.
import * as net from 'node:net';
import {
  CURLE_ABORTED_BY_CALLBACK,
  CURLE_COULDNT_CONNECT,
  CURLE_OK,
  CURLE_UNKNOWN_OPTION,
  CURLE_WRITE_ERROR,
  CURLINFO_EFFECTIVE_URL,
  CURLINFO_PRIVATE,
  CURLINFO_RESPONSE_CODE,
  CURLINFO_SIZE_DOWNLOAD_T,
  CURLOPT_CLOSESOCKETFUNCTION,
  CURLOPT_FOLLOWLOCATION,
  CURLOPT_HEADERFUNCTION,
  CURLOPT_HTTPHEADER,
  CURLOPT_NOPROGRESS,
  CURLOPT_OPENSOCKETFUNCTION,
  CURLOPT_POST,
  CURLOPT_POSTFIELDS,
  CURLOPT_POSTFIELDSIZE_LARGE,
  CURLOPT_PREREQFUNCTION,
  CURLOPT_PRIVATE,
  CURLOPT_READDATA,
  CURLOPT_READFUNCTION,
  CURLOPT_SOCKOPTFUNCTION,
  CURLOPT_UPLOAD,
  CURLOPT_URL,
  CURLOPT_USERAGENT,
  CURLOPT_VERBOSE,
  CURLOPT_DEBUGDATA,
  CURLOPT_DEBUGFUNCTION,
  CURLOPT_WRITEDATA,
  CURLOPT_WRITEFUNCTION,
  CURLOPT_XFERINFOFUNCTION,
  CURLOPT_CUSTOMREQUEST,
  CURLOPT_COOKIE,
  CURLOPT_RANGE,
  CURLOPT_REFERER,
  CURLOPT_USERNAME,
  CURLOPT_XOAUTH2_BEARER,
  CURL_READFUNC_ABORT,
  CURLE_ABORTED_BY_CALLBACK as ABORTED,
  CurlError,
  Easy,
  Multi,
  curl_easy_cleanup,
  curl_easy_duphandle,
  curl_easy_getinfo,
  curl_easy_init,
  curl_easy_perform,
  curl_easy_reset,
  curl_easy_setopt,
  curl_easy_strerror,
  curl_multi_strerror,
  curl_version,
  curl_version_info,
} from '../../lib/libcurl';
import { pattern, startHttpServer, type TestServer } from '../helpers/http-server';

let server: TestServer;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(() => server.close());

test('curl_version and curl_version_info describe the linked libcurl', () => {
  const info = curl_version_info();
  expect(curl_version()).toContain(`libcurl/${info.version}`);
  expect(info.protocols).toContain('http');
  expect(info.version_num).toBeGreaterThanOrEqual(0x074900);
  expect(curl_easy_strerror(CURLE_COULDNT_CONNECT)).toBe("Couldn't connect to server");
  expect(curl_multi_strerror(5)).toBe('Invalid socket argument');
});

test('curl_easy_perform on an object-layer Easy blocks, buffers the body and fills getinfo out-parameters', () => {
  // `new Easy()` keeps the object layer's buffering; a curl_easy_init handle writes to
  // WRITEDATA as C does (test/libcurl/c-defaults.test.ts).
  const easy = new Easy();
  expect(curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/bytes/100000`)).toBe(CURLE_OK);
  expect(curl_easy_perform(easy)).toBe(CURLE_OK);
  const code = { value: 0 as unknown };
  const size = { value: 0 as unknown };
  expect(curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, code)).toBe(CURLE_OK);
  expect(curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, size)).toBe(CURLE_OK);
  expect(code.value).toBe(200);
  expect(size.value).toBe(100000);
  expect(easy.takeBody().equals(pattern(100000))).toBe(true);
  expect(easy.takeHeaders().toString()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  curl_easy_cleanup(easy);
});

test('a buffered body without Content-Length and a long header block grow intact from a small first block', () => {
  // The buffers start at 256 bytes (binding/curl/body_buffer.cc) and double: sizes around
  // each step, in one chunk and in several, and a header block several times the first one.
  for (const [n, k] of [[1, 1], [1, 255], [1, 256], [1, 257], [2, 128], [3, 171], [7, 300], [3, 10000]]) {
    const easy = new Easy().setopt(CURLOPT_URL, `${server.url}/chunked/${n}/${k}`).perform();
    expect(easy.takeBody().equals(Buffer.concat(Array.from({ length: n }, () => pattern(k))))).toBe(true);
    easy.cleanup();
  }
  const pairs = Array.from({ length: 40 }, (_, i) => `cookie${i}=value-${i}`);
  const easy = new Easy().setopt(CURLOPT_URL, `${server.url}/set-cookie?${pairs.join('&')}`).perform();
  const head = easy.takeHeaders().toString('latin1');
  expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  expect(head.endsWith('\r\n\r\n')).toBe(true);
  for (const pair of pairs) expect(head.toLowerCase()).toContain(`set-cookie: ${pair}\r\n`);
  easy.cleanup();
});

test('WRITEFUNCTION and HEADERFUNCTION receive C-ordered arguments with their *DATA values', () => {
  const easy = new Easy();
  const chunks: Buffer[] = [];
  const headerLines: string[] = [];
  const writeData = { tag: 'write' };
  let seenUserdata: unknown;
  easy
    .setopt(CURLOPT_URL, `${server.url}/chunked/20/1000`)
    .setopt(CURLOPT_WRITEDATA, writeData)
    .setopt(CURLOPT_WRITEFUNCTION, (data, userdata) => {
      seenUserdata = userdata;
      chunks.push(data);
      return data.length;
    })
    .setopt(CURLOPT_HEADERFUNCTION, (data) => {
      headerLines.push(data.toString());
      return data.length;
    })
    .perform();
  expect(seenUserdata).toBe(writeData);
  expect(Buffer.concat(chunks).equals(Buffer.concat(Array.from({ length: 20 }, () => pattern(1000))))).toBe(true);
  expect(headerLines[0]).toMatch(/^HTTP\/1\.1 200/);
  expect(headerLines.some((l) => /^transfer-encoding: chunked/i.test(l))).toBe(true);
  easy.cleanup();
});

test('small chunks are views of a shared pool that stays put; large ones are Buffers of their own', () => {
  const small: Buffer[] = [];
  const large: Buffer[] = [];
  const keep = (list: Buffer[]) => (data: Buffer) => {
    list.push(data);
    return data.length;
  };
  // 40 chunks of 1000 bytes span three 16 KiB pools; every chunk must keep its own bytes.
  new Easy().setopt(CURLOPT_URL, `${server.url}/chunked/40/1000`).setopt(CURLOPT_WRITEFUNCTION, keep(small)).perform().cleanup();
  new Easy().setopt(CURLOPT_URL, `${server.url}/chunked/3/10000`).setopt(CURLOPT_WRITEFUNCTION, keep(large)).perform().cleanup();
  expect(small.every((chunk) => Buffer.isBuffer(chunk) && chunk.length === 1000)).toBe(true);
  expect(Buffer.concat(small).equals(Buffer.concat(Array.from({ length: 40 }, () => pattern(1000))))).toBe(true);
  expect(new Set(small.map((chunk) => chunk.buffer)).size).toBeLessThan(small.length); // pooled
  const big = large.filter((chunk) => chunk.length >= 4096);
  expect(big.length).toBeGreaterThan(0);
  expect(big.every((chunk) => chunk.byteOffset === 0 && chunk.buffer.byteLength === chunk.length)).toBe(true);
  expect(Buffer.concat(large).equals(Buffer.concat(Array.from({ length: 3 }, () => pattern(10000))))).toBe(true);
  // The pool may still be written to: transferring it copies instead of detaching it.
  const pool = small[small.length - 1].buffer as ArrayBuffer;
  structuredClone(pool, { transfer: [pool] });
  expect(pool.byteLength).toBeGreaterThan(0);
  const after: Buffer[] = [];
  new Easy().setopt(CURLOPT_URL, `${server.url}/chunked/3/100`).setopt(CURLOPT_WRITEFUNCTION, keep(after)).perform().cleanup();
  expect(Buffer.concat(after).equals(Buffer.concat(Array.from({ length: 3 }, () => pattern(100))))).toBe(true);
  expect(Buffer.concat(small).equals(Buffer.concat(Array.from({ length: 40 }, () => pattern(1000))))).toBe(true);
});

test('a short count from WRITEFUNCTION fails the transfer with CURLE_WRITE_ERROR', () => {
  const easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/hello`);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, () => 0);
  expect(curl_easy_perform(easy)).toBe(CURLE_WRITE_ERROR);
  curl_easy_cleanup(easy);
});

test('an exception in a callback fails the transfer and reaches the caller of perform', () => {
  const easy = new Easy().setopt(CURLOPT_URL, `${server.url}/hello`).setopt(CURLOPT_WRITEFUNCTION, () => {
    throw new RangeError('from the write callback');
  });
  expect(() => easy.perform()).toThrow('from the write callback');
  // The handle is still usable afterwards.
  easy.setopt(CURLOPT_WRITEFUNCTION, null).perform();
  expect(easy.takeBody().toString()).toBe('hello');
  easy.cleanup();
});

test('READFUNCTION streams an upload, in pieces larger than libcurl asks for', () => {
  const body = pattern(300000);
  let offset = 0;
  const readData = { name: 'upload' };
  let seenReadData: unknown;
  const easy = new Easy()
    .setopt(CURLOPT_URL, `${server.url}/echo`)
    .setopt(CURLOPT_UPLOAD, 1)
    .setopt(CURLOPT_CUSTOMREQUEST, 'POST')
    .setopt(CURLOPT_READDATA, readData)
    .setopt(CURLOPT_READFUNCTION, (size, userdata) => {
      seenReadData = userdata;
      if (offset >= body.length) return null;
      const piece = body.subarray(offset, offset + 100000); // may exceed `size`
      offset += piece.length;
      return piece;
    })
    .perform();
  const echo = JSON.parse(easy.takeBody().toString());
  expect(seenReadData).toBe(readData);
  expect(echo.method).toBe('POST');
  expect(Buffer.from(echo.body, 'latin1').equals(body)).toBe(true);
  easy.cleanup();
});

test('READFUNCTION returning CURL_READFUNC_ABORT aborts the upload', () => {
  const easy = new Easy()
    .setopt(CURLOPT_URL, `${server.url}/echo`)
    .setopt(CURLOPT_UPLOAD, 1)
    .setopt(CURLOPT_READFUNCTION, () => CURL_READFUNC_ABORT);
  expect(() => easy.perform()).toThrow(expect.objectContaining({ name: 'CURLE_ABORTED_BY_CALLBACK', errno: ABORTED }));
  easy.cleanup();
});

test('a READFUNCTION that throws fails the upload with CURLE_READ_ERROR, the exception as its cause', async () => {
  const failure = new Error('cannot read the body');
  const easy = new Easy()
    .setopt(CURLOPT_URL, `${server.url}/echo`)
    .setopt(CURLOPT_UPLOAD, 1)
    .setopt(CURLOPT_READFUNCTION, () => {
      throw failure;
    });
  const multi = new Multi();
  await expect(multi.perform(easy)).rejects.toMatchObject({ code: 'CURLE_READ_ERROR', cause: failure });
  expect(easy.errorBuffer()).toMatch(/^Reading the upload failed/);
  // curl_easy_perform re-throws the exception itself, as for every callback.
  expect(() => easy.perform()).toThrow(failure);
  easy.cleanup();
  multi.close();
});

test('POSTFIELDS takes a Buffer with NUL bytes, copied', () => {
  const payload = Buffer.from([0, 1, 2, 0, 255, 65]);
  const easy = new Easy().setopt(CURLOPT_URL, `${server.url}/echo`).setopt(CURLOPT_POSTFIELDS, payload);
  payload.fill(9); // the copy is what gets sent
  easy.perform();
  expect(Buffer.from(JSON.parse(easy.takeBody().toString()).body, 'latin1')).toEqual(Buffer.from([0, 1, 2, 0, 255, 65]));
  easy.cleanup();
});

test('POSTFIELDS sizes follow the latest value, string or Buffer', () => {
  const easy = new Easy().setopt(CURLOPT_URL, `${server.url}/echo`).setopt(CURLOPT_POSTFIELDS, Buffer.from('a longer first body'));
  easy.perform();
  expect(JSON.parse(easy.takeBody().toString()).body).toBe('a longer first body');
  easy.setopt(CURLOPT_POSTFIELDS, 'short').perform();
  expect(JSON.parse(easy.takeBody().toString()).body).toBe('short');
  easy.cleanup();
});

test('XFERINFOFUNCTION reports progress and aborts on non-zero', () => {
  const seen: number[][] = [];
  const easy = new Easy()
    .setopt(CURLOPT_URL, `${server.url}/bytes/2000000`)
    .setopt(CURLOPT_NOPROGRESS, 0)
    .setopt(CURLOPT_XFERINFOFUNCTION, (clientp, dltotal, dlnow) => {
      seen.push([dltotal, dlnow]);
      return dlnow > 0 ? 1 : 0;
    });
  expect(() => easy.perform()).toThrow(CurlError);
  expect(seen.some(([total]) => total === 2000000)).toBe(true);
  easy.cleanup();
  expect(CURLE_ABORTED_BY_CALLBACK).toBe(42);
});

test('PREREQFUNCTION sees the connection before the request is sent', () => {
  const calls: unknown[][] = [];
  const easy = new Easy().setopt(CURLOPT_URL, `${server.url}/hello`).setopt(CURLOPT_PREREQFUNCTION, (...args) => {
    calls.push(args);
    return 0;
  });
  easy.perform();
  expect(calls).toHaveLength(1);
  expect(calls[0][1]).toBe('127.0.0.1');
  expect(calls[0][3]).toBe(server.port);
  easy.cleanup();
});

test('DEBUGFUNCTION receives the handle, the info type, the bytes and DEBUGDATA', () => {
  const types = new Set<number>();
  const easy = new Easy();
  const debugData = { tag: 'debug' };
  let sameHandle = true;
  let sameData = true;
  const kept: { type: number; data: Buffer }[] = []; // kept past the callback: pooled views must stay intact
  easy
    .setopt(CURLOPT_URL, `${server.url}/bytes/3000`)
    .setopt(CURLOPT_VERBOSE, 1)
    .setopt(CURLOPT_DEBUGDATA, debugData)
    .setopt(CURLOPT_DEBUGFUNCTION, (handle, type, data, userptr) => {
      sameHandle &&= handle === easy;
      sameData &&= userptr === debugData;
      types.add(type);
      expect(Buffer.isBuffer(data)).toBe(true);
      kept.push({ type, data });
      return 0;
    })
    .perform();
  expect(sameHandle).toBe(true);
  expect(sameData).toBe(true);
  expect(types.has(2 /* CURLINFO_HEADER_OUT */)).toBe(true);
  const headerOut = Buffer.concat(kept.filter((k) => k.type === 2).map((k) => k.data)).toString();
  expect(headerOut).toMatch(/^GET \/bytes\/3000 HTTP\/1\.1\r\n/);
  const dataIn = Buffer.concat(kept.filter((k) => k.type === 3 /* CURLINFO_DATA_IN */).map((k) => k.data));
  expect(dataIn.equals(pattern(3000))).toBe(true);
  easy.cleanup();
});

test('OPENSOCKETFUNCTION / SOCKOPTFUNCTION / CLOSESOCKETFUNCTION: the application owns the socket', () => {
  const opened: { purpose: number; address: { address: string; port: number; family: number } }[] = [];
  const closed: number[] = [];
  const easy = new Easy()
    .setopt(CURLOPT_URL, `${server.url}/hello`)
    // Refuse to open a socket: libcurl must give up with CURLE_COULDNT_CONNECT.
    .setopt(CURLOPT_OPENSOCKETFUNCTION, (clientp, purpose, address) => {
      opened.push({ purpose, address });
      return -1;
    })
    .setopt(CURLOPT_CLOSESOCKETFUNCTION, (clientp, item) => {
      closed.push(item);
      return 0;
    });
  expect(() => easy.perform()).toThrow(expect.objectContaining({ name: 'CURLE_COULDNT_CONNECT' }));
  expect(opened[0].address).toEqual(expect.objectContaining({ address: '127.0.0.1', port: server.port, family: 2 }));
  expect(closed).toEqual([]);
  easy.cleanup();
});

test('SOCKOPTFUNCTION runs for the socket libcurl opens and CLOSESOCKETFUNCTION closes it', () => {
  const sockopt: number[] = [];
  const closed: number[] = [];
  const easy = new Easy()
    .setopt(CURLOPT_URL, `${server.url}/hello`)
    .setopt(CURLOPT_SOCKOPTFUNCTION, (clientp, fd) => {
      sockopt.push(fd);
      return 0;
    })
    .setopt(CURLOPT_CLOSESOCKETFUNCTION, (clientp, fd) => {
      closed.push(fd);
      require('node:fs').closeSync(fd);
      return 0;
    })
    .perform();
  expect(sockopt).toHaveLength(1);
  expect(easy.takeBody().toString()).toBe('hello');
  easy.cleanup(); // closes the cached connection through our callback
  expect(closed).toEqual(sockopt);
});

test('CURLOPT_PRIVATE holds any JavaScript value and getinfo gives it back', () => {
  const easy = curl_easy_init();
  const value = { any: ['js', 'value'] };
  curl_easy_setopt(easy, CURLOPT_PRIVATE, value);
  const out = { value: undefined as unknown };
  expect(curl_easy_getinfo(easy, CURLINFO_PRIVATE, out)).toBe(CURLE_OK);
  expect(out.value).toBe(value);
  curl_easy_cleanup(easy);
});

test('duphandle copies options (and slists) into an independent handle; reset clears them', () => {
  const easy = new Easy()
    .setopt(CURLOPT_URL, `${server.url}/echo`)
    .setopt(CURLOPT_USERAGENT, 'dup-test/1')
    .setopt(CURLOPT_HTTPHEADER, ['X-One: 1']);
  const copy = curl_easy_duphandle(easy);
  easy.setopt(CURLOPT_HTTPHEADER, ['X-Two: 2']); // frees the original's list
  curl_easy_perform(copy);
  const headers = JSON.parse(copy.takeBody().toString()).headers;
  expect(headers['user-agent']).toBe('dup-test/1');
  expect(headers['x-one']).toBe('1');
  curl_easy_reset(copy);
  curl_easy_setopt(copy, CURLOPT_URL, `${server.url}/echo`);
  curl_easy_perform(copy);
  expect(JSON.parse(copy.takeBody().toString()).headers['x-one']).toBeUndefined();
  copy.cleanup();
  easy.cleanup();
});

test('redirects are followed when asked and the effective URL says where it landed', () => {
  const easy = new Easy().setopt(CURLOPT_URL, `${server.url}/redirect/3`).setopt(CURLOPT_FOLLOWLOCATION, 1).perform();
  expect(easy.takeBody().toString()).toBe('landed');
  expect(easy.effectiveUrl).toBe(`${server.url}/redirect/0`);
  easy.cleanup();
});

describe('bad input gets a clear error, never a crash', () => {
  test('wrong value types throw a TypeError naming the option', () => {
    const easy = new Easy();
    expect(() => easy.setopt(CURLOPT_URL, 42 as unknown as string)).toThrow(/Expected a string or null for CURLOPT_URL but received a number/);
    expect(() => easy.setopt(CURLOPT_POST, 'yes' as unknown as number)).toThrow(/Expected an integer \(long\) for CURLOPT_POST/);
    expect(() => easy.setopt(CURLOPT_POSTFIELDSIZE_LARGE, 1.5)).toThrow(/Expected an integer or bigint \(curl_off_t\) for CURLOPT_POSTFIELDSIZE_LARGE/);
    expect(() => easy.setopt(CURLOPT_HTTPHEADER, ['ok', 3] as unknown as string[])).toThrow(/item 1 is a number/);
    expect(() => easy.setopt(CURLOPT_WRITEFUNCTION, 'nope' as never)).toThrow(/Expected a function or null for CURLOPT_WRITEFUNCTION/);
    easy.cleanup();
  });

  test('CR or LF in a header line is refused before anything is sent', () => {
    const easy = new Easy();
    expect(() => easy.setopt(CURLOPT_HTTPHEADER, ['X-A: 1\r\nX-Injected: 2'])).toThrow(/contains CR, LF or NUL/);
    easy.cleanup();
  });

  test('CR or LF in a string that goes into the request head is refused, in both layers', () => {
    const easy = new Easy();
    const options = { CURLOPT_USERAGENT, CURLOPT_COOKIE, CURLOPT_REFERER, CURLOPT_CUSTOMREQUEST, CURLOPT_RANGE, CURLOPT_XOAUTH2_BEARER, CURLOPT_USERNAME };
    for (const [name, option] of Object.entries(options)) {
      for (const bad of ['a\r\nX-Injected: 1', 'a\nX-Injected: 1', 'a\rb']) {
        expect(() => easy.setopt(option, bad)).toThrow(new RegExp(`The string for ${name} contains CR or LF`));
        expect(() => curl_easy_setopt(easy, option, bad)).toThrow(expect.objectContaining({ name: 'TypeError' }));
      }
    }
    easy.cleanup();
  });

  test('the same strings without CR or LF reach the server as they are', () => {
    const easy = new Easy()
      .setopt(CURLOPT_URL, `${server.url}/echo`)
      .setopt(CURLOPT_USERAGENT, 'app/1.0 (x; y)')
      .setopt(CURLOPT_COOKIE, 'a=1; b=2')
      .setopt(CURLOPT_REFERER, 'http://example.test/from')
      .perform();
    const { headers } = JSON.parse(easy.takeBody().toString()) as { headers: Record<string, string> };
    expect(headers).toMatchObject({ 'user-agent': 'app/1.0 (x; y)', cookie: 'a=1; b=2', referer: 'http://example.test/from' });
    expect(Object.keys(headers)).not.toContain('x-injected');
    easy.cleanup();
  });

  test('an unknown option id is CURLE_UNKNOWN_OPTION (code in C style, CurlError in object style)', () => {
    const easy = curl_easy_init();
    expect(curl_easy_setopt(easy, 999999 as never, 1 as never)).toBe(CURLE_UNKNOWN_OPTION);
    expect(() => easy.setopt(999999 as never, 1 as never)).toThrow(expect.objectContaining({ name: 'CURLE_UNKNOWN_OPTION', errno: 48 }));
    easy.cleanup();
  });

  test('a closed handle throws ERR_CURL_CLOSED; cleanup twice is a no-op', () => {
    const easy = curl_easy_init();
    curl_easy_cleanup(easy);
    curl_easy_cleanup(easy);
    expect(easy.isClosed()).toBe(true);
    expect(() => curl_easy_setopt(easy, CURLOPT_URL, 'http://x/')).toThrow(expect.objectContaining({ code: 'ERR_CURL_CLOSED' }));
    expect(() => curl_easy_perform(easy)).toThrow(/closed/);
  });

  test('functions check their handle arguments', () => {
    expect(() => curl_easy_perform({} as Easy)).toThrow(/Expected a CURL handle/);
    expect(() => curl_easy_setopt(null as unknown as Easy, CURLOPT_URL, 'x')).toThrow(/Expected a CURL handle .* but received null/);
  });

  test('connection refused is CURLE_COULDNT_CONNECT with the error buffer in the message', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const easy = new Easy().setopt(CURLOPT_URL, `http://127.0.0.1:${port}/`);
    expect(() => easy.perform()).toThrow(expect.objectContaining({ name: 'CURLE_COULDNT_CONNECT', errno: CURLE_COULDNT_CONNECT }));
    expect(easy.errorBuffer()).toMatch(/Failed to connect/);
    easy.cleanup();
  });
});

test('getinfo of a string info gives a string', () => {
  const easy = new Easy().setopt(CURLOPT_URL, `${server.url}/hello`).perform();
  expect(easy.getinfo<string>(CURLINFO_EFFECTIVE_URL)).toBe(`${server.url}/hello`);
  easy.cleanup();
});

test('getinfo failures: C codes from curl_easy_getinfo, a CurlError from Easy.getinfo; undefined PRIVATE is a value', () => {
  const easy = new Easy();
  const out = { value: 'untouched' as unknown };
  const notAnInfo = 0x700000 + 99; // no CURLINFO_* type bit libcurl knows
  expect(curl_easy_getinfo(easy, notAnInfo, out)).toBe(CURLE_UNKNOWN_OPTION);
  expect(out.value).toBe('untouched');
  expect(() => easy.getinfo(notAnInfo)).toThrow(expect.objectContaining({ code: 'CURLE_UNKNOWN_OPTION', errno: CURLE_UNKNOWN_OPTION }));
  // CURLINFO_PRIVATE never set: undefined, and CURLE_OK (not the previous call's failure).
  expect(curl_easy_getinfo(easy, CURLINFO_PRIVATE, out)).toBe(CURLE_OK);
  expect(out.value).toBeUndefined();
  expect(easy.getinfo(CURLINFO_PRIVATE)).toBeUndefined();
  easy.cleanup();
  expect(() => easy.getinfo(CURLINFO_PRIVATE)).toThrow(/closed/);
});

// Without a READFUNCTION libcurl freads its READDATA, a FILE * (stdin by default). A
// READFUNCTION set then unset left READDATA NULL (SIGSEGV in fread), and duphandle pointed
// the copy's READDATA at the handle itself ("glibc detected an invalid stdio handle").
// Child processes, since libcurl's fread reads the process's real stdin: given here.
test.each([
  ['a READFUNCTION set, then unset', 'easy.setopt(lc.CURLOPT_READFUNCTION, () => null); easy.setopt(lc.CURLOPT_READFUNCTION, null);'],
  ['duphandle of a handle without a READFUNCTION', 'easy = easy.duphandle();'],
])('no READFUNCTION after %s: libcurl freads stdin, no crash', async (_name, step) => {
  const script = `
    const lc = require(${JSON.stringify(require('node:path').join(__dirname, '..', '..', 'dist', 'libcurl'))});
    let easy = new lc.Easy().setopt(lc.CURLOPT_URL, process.argv[1]).setopt(lc.CURLOPT_UPLOAD, 1);
    ${step}
    easy.perform();
    process.stdout.write(JSON.parse(easy.takeBody().toString()).body);`;
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['-e', script, `${server.url}/echo`], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end('from stdin');
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  expect({ code, signal, stdout, stderr }).toEqual({ code: 0, signal: null, stdout: 'from stdin', stderr: '' });
});
