// libcurl's C functions beyond the easy and multi basics, each against the real libcurl
// (and a real server where a transfer is involved): share, URL, MIME and header APIs,
// escaping, dates, the option table, CONNECT_ONLY send/recv, WebSockets, globals.
import {
  CURLE_BAD_FUNCTION_ARGUMENT,
  CURLE_NOT_BUILT_IN,
  CURLE_OK,
  CURLHE_MISSING,
  CURLHE_OK,
  CURLH_HEADER,
  CURLINFO_COOKIELIST,
  CURLOPT_CONNECT_ONLY,
  CURLOPT_COOKIEFILE,
  CURLOPT_CURLU,
  CURLOPT_MIMEPOST,
  CURLOPT_SHARE,
  CURLOPT_URL,
  CURLOPT_WRITEFUNCTION,
  CURLOT_STRING,
  CURLSHE_IN_USE,
  CURLSHE_OK,
  CURLSHOPT_SHARE,
  CURLSHOPT_USERDATA,
  CURLSSLSET_UNKNOWN_BACKEND,
  CURLUE_BAD_HANDLE,
  CURLUE_OK,
  CURLUPART_HOST,
  CURLUPART_PATH,
  CURLUPART_PORT,
  CURLUPART_QUERY,
  CURLUPART_URL,
  CURLU_APPENDQUERY,
  CURL_GLOBAL_DEFAULT,
  CURL_LOCK_DATA_COOKIE,
  CURL_READFUNC_ABORT,
  CURL_ZERO_TERMINATED,
  curl_easy_cleanup,
  curl_easy_escape,
  curl_easy_getinfo,
  curl_easy_header,
  curl_easy_init,
  curl_easy_nextheader,
  curl_easy_option_by_id,
  curl_easy_option_by_name,
  curl_easy_option_next,
  curl_easy_perform,
  curl_easy_recv,
  curl_easy_send,
  curl_easy_setopt,
  curl_easy_unescape,
  curl_easy_upkeep,
  curl_getdate,
  curl_global_cleanup,
  curl_global_init,
  curl_global_sslset,
  curl_mime_addpart,
  curl_mime_data,
  curl_mime_data_cb,
  curl_mime_free,
  curl_mime_init,
  curl_mime_name,
  curl_mime_subparts,
  curl_mime_type,
  curl_pushheader_byname,
  curl_pushheader_bynum,
  curl_share_cleanup,
  curl_share_init,
  curl_share_setopt,
  curl_slist_append,
  curl_strequal,
  curl_strnequal,
  curl_url,
  curl_url_cleanup,
  curl_url_dup,
  curl_url_get,
  curl_url_set,
  curl_ws_meta,
  curl_ws_send,
  type CURL,
  type CurlHeader,
} from '../../lib/libcurl';
import { startHttpServer, type TestServer } from '../helpers/http-server';

let server: TestServer;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(() => server.close());

function fetch(easy: CURL): string {
  const chunks: Buffer[] = [];
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, (d: Buffer) => {
    chunks.push(Buffer.from(d));
    return d.length;
  });
  expect(curl_easy_perform(easy)).toBe(CURLE_OK);
  return Buffer.concat(chunks).toString();
}

test('URL API: set, get, relative URLs, dup, and a CURLU as CURLOPT_CURLU', () => {
  const url = curl_url();
  expect(curl_url_set(url, CURLUPART_URL, `${server.url}/echo?a=1`, 0)).toBe(CURLUE_OK);
  const part = { value: null as string | null };
  expect(curl_url_get(url, CURLUPART_HOST, part, 0)).toBe(CURLUE_OK);
  expect(part.value).toBe('127.0.0.1');
  expect(curl_url_get(url, CURLUPART_PORT, part, 0)).toBe(CURLUE_OK);
  expect(part.value).toBe(String(server.port));
  expect(curl_url_set(url, CURLUPART_QUERY, 'b=2', CURLU_APPENDQUERY)).toBe(CURLUE_OK);
  const copy = curl_url_dup(url)!;
  expect(curl_url_set(copy, CURLUPART_PATH, '/hello', 0)).toBe(CURLUE_OK);
  expect(curl_url_get(url, CURLUPART_PATH, part, 0)).toBe(CURLUE_OK);
  expect(part.value).toBe('/echo'); // the copy is its own

  const easy = curl_easy_init();
  expect(curl_easy_setopt(easy, CURLOPT_CURLU, url)).toBe(CURLE_OK);
  curl_url_cleanup(url); // libcurl may still read it: its memory stays until the object goes
  expect(JSON.parse(fetch(easy)).url).toBe('/echo?a=1&b=2');
  expect(curl_url_get(url, CURLUPART_HOST, part, 0)).toBe(CURLUE_BAD_HANDLE);
  expect(() => curl_easy_setopt(easy, CURLOPT_CURLU, url)).toThrow(/cleaned up/);
  expect(() => curl_easy_setopt(easy, CURLOPT_CURLU, {} as never)).toThrow(/Expected a CURLU handle/);
  curl_easy_setopt(easy, CURLOPT_CURLU, copy);
  expect(fetch(easy)).toBe('hello');
  curl_easy_cleanup(easy);
});

test('escape and unescape, with and without a handle', () => {
  expect(curl_easy_escape(null, 'a b/ü&')).toBe('a%20b%2F%C3%BC%26');
  expect(curl_easy_escape(null, 'abcdef', 3)).toBe('abc');
  const outlength = { value: 0 };
  expect(curl_easy_unescape(curl_easy_init(), '%63url%20%C3%BC', 0, outlength)).toBe('curl ü');
  expect(outlength.value).toBe(7);
});

test('curl_getdate, the option table, slist and string helpers', () => {
  expect(curl_getdate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(784111777);
  expect(curl_getdate('not a date')).toBe(-1);
  const url = curl_easy_option_by_name('url')!;
  expect(url).toEqual({ name: 'URL', id: CURLOPT_URL, type: CURLOT_STRING, flags: 0 });
  expect(curl_easy_option_by_id(CURLOPT_URL)!.name).toBe('URL');
  expect(curl_easy_option_by_name('NO_SUCH_OPTION')).toBeNull();
  let count = 0;
  for (let o = curl_easy_option_next(null); o; o = curl_easy_option_next(o)) count++;
  expect(count).toBeGreaterThan(250);
  expect(curl_slist_append(curl_slist_append(null, 'A: 1'), 'B: 2')).toEqual(['A: 1', 'B: 2']);
  expect(curl_strequal('Content-Type', 'content-TYPE')).toBe(1);
  expect(curl_strnequal('abcX', 'ABCy', 3)).toBe(1);
  expect(curl_global_init(CURL_GLOBAL_DEFAULT)).toBe(CURLE_OK);
  curl_global_cleanup(); // counted: curlio's own init stays
});

test('header API: curl_easy_header and curl_easy_nextheader over the last response', () => {
  const easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/set-cookie?a=1&b=2`);
  fetch(easy);
  const hout = { value: null as CurlHeader | null };
  expect(curl_easy_header(easy, 'set-cookie', 1, CURLH_HEADER, -1, hout)).toBe(CURLHE_OK);
  expect(hout.value).toMatchObject({ value: 'b=2', amount: 2, index: 1 });
  expect(hout.value!.name.toLowerCase()).toBe('set-cookie'); // as the server spelled it
  expect(curl_easy_header(easy, 'x-absent', 0, CURLH_HEADER, -1, hout)).toBe(CURLHE_MISSING);
  const names: string[] = [];
  for (let h = curl_easy_nextheader(easy, CURLH_HEADER, -1, null); h; h = curl_easy_nextheader(easy, CURLH_HEADER, -1, h)) names.push(h.name);
  expect(names.filter((n) => n.toLowerCase() === 'set-cookie')).toHaveLength(2);
  expect(names.map((n) => n.toLowerCase())).toContain('content-length');
  curl_easy_cleanup(easy);
});

test('share interface: a cookie set on one handle is sent by another through CURL_LOCK_DATA_COOKIE', () => {
  const share = curl_share_init();
  expect(curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE)).toBe(CURLSHE_OK);
  expect(curl_share_setopt(share, CURLSHOPT_USERDATA, { any: 'value' })).toBe(CURLSHE_OK);
  const first = curl_easy_init();
  curl_easy_setopt(first, CURLOPT_COOKIEFILE, '');
  curl_easy_setopt(first, CURLOPT_SHARE, share);
  curl_easy_setopt(first, CURLOPT_URL, `${server.url}/set-cookie?shared=yes`);
  fetch(first);
  const second = curl_easy_init();
  curl_easy_setopt(second, CURLOPT_COOKIEFILE, '');
  curl_easy_setopt(second, CURLOPT_SHARE, share);
  curl_easy_setopt(second, CURLOPT_URL, `${server.url}/echo`);
  expect(JSON.parse(fetch(second)).headers.cookie).toBe('shared=yes');
  const list = { value: [] as string[] };
  curl_easy_getinfo(second, CURLINFO_COOKIELIST, list);
  expect(list.value).toHaveLength(1);
  expect(curl_share_cleanup(share)).toBe(CURLSHE_IN_USE); // as libcurl: handles still use it
  curl_easy_cleanup(first);
  curl_easy_cleanup(second);
  expect(curl_share_cleanup(share)).toBe(CURLSHE_OK);
  expect(() => curl_easy_setopt(curl_easy_init(), CURLOPT_SHARE, 'share' as never)).toThrow(/Expected a CURLSH handle/);
});

test('MIME API: data, a read callback part, subparts; a freed mime leaves its parts refusing', () => {
  const easy = curl_easy_init();
  const mime = curl_mime_init(easy);
  const field = curl_mime_addpart(mime)!;
  curl_mime_name(field, 'greeting');
  curl_mime_data(field, 'hello', CURL_ZERO_TERMINATED);
  const streamed = curl_mime_addpart(mime)!;
  curl_mime_name(streamed, 'streamed');
  const source = { left: [Buffer.from('abc'), Buffer.from('def')] };
  const freed: unknown[] = [];
  curl_mime_data_cb(streamed, 6, (size, arg) => (arg as typeof source).left.shift() ?? null, null, (arg) => freed.push(arg), source);
  const inner = curl_mime_init(easy);
  curl_mime_type(curl_mime_addpart(inner)!, 'text/plain');
  curl_mime_data(curl_mime_addpart(inner)!, Buffer.from([0x41, 0, 0x42]));
  const nested = curl_mime_addpart(mime)!;
  curl_mime_name(nested, 'nested');
  expect(curl_mime_subparts(nested, inner)).toBe(CURLE_OK);
  curl_mime_free(inner); // owned by its part now: nothing happens
  curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/echo`);
  expect(curl_easy_setopt(easy, CURLOPT_MIMEPOST, mime)).toBe(CURLE_OK);
  const body = JSON.parse(fetch(easy)).body as string;
  expect(body).toMatch(/name="greeting"\r\n\r\nhello\r\n/);
  expect(body).toMatch(/name="streamed"\r\n\r\nabcdef\r\n/);
  expect(body).toContain('A\u0000B');
  curl_mime_free(mime);
  expect(freed).toEqual([source]);
  expect(curl_mime_name(field, 'again')).toBe(CURLE_BAD_FUNCTION_ARGUMENT);
  expect(curl_mime_addpart(inner)).toBeNull();
  curl_easy_cleanup(easy);
});

test('a MIME read callback that answers CURL_READFUNC_ABORT fails the transfer', () => {
  const easy = curl_easy_init();
  const mime = curl_mime_init(easy);
  const part = curl_mime_addpart(mime)!;
  curl_mime_name(part, 'x');
  curl_mime_data_cb(part, 10, () => CURL_READFUNC_ABORT, null, null, null);
  curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/echo`);
  curl_easy_setopt(easy, CURLOPT_MIMEPOST, mime);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, (d: Buffer) => d.length);
  expect(curl_easy_perform(easy)).not.toBe(CURLE_OK);
  curl_easy_cleanup(easy);
  curl_mime_free(mime);
});

test('curl_easy_send / curl_easy_recv need CONNECT_ONLY; upkeep; ws is not built in; sslset is too late', () => {
  const easy = curl_easy_init();
  const n = { value: -1 };
  expect(curl_easy_send(easy, Buffer.from('x'), 1, n)).not.toBe(CURLE_OK); // no connection
  curl_easy_setopt(easy, CURLOPT_URL, server.url);
  curl_easy_setopt(easy, CURLOPT_CONNECT_ONLY, 1);
  expect(curl_easy_perform(easy)).toBe(CURLE_OK);
  const request = Buffer.from('GET /hello HTTP/1.0\r\n\r\n');
  expect(curl_easy_send(easy, request, request.length, n)).toBe(CURLE_OK);
  expect(n.value).toBe(request.length);
  expect(curl_easy_upkeep(easy)).toBe(CURLE_OK);
  expect(() => curl_easy_recv(easy, 'no' as never, 1, n)).toThrow(/Expected a Buffer/);
  expect(curl_ws_send(easy, Buffer.from('x'), 1, n, 0, 0)).toBe(CURLE_NOT_BUILT_IN);
  expect(curl_ws_meta(easy)).toBeNull();
  curl_easy_cleanup(easy);
  expect(() => curl_easy_upkeep(easy)).toThrow(/closed/);
  // A single-backend libcurl answers OK for its own backend, UNKNOWN_BACKEND for others.
  const avail = { value: [] as { id: number; name: string }[] };
  expect(curl_global_sslset(0, 'nope', avail)).toBe(CURLSSLSET_UNKNOWN_BACKEND);
  expect(avail.value.length).toBeGreaterThan(0);
});

test('push headers by number and by name, as libcurl answers them', () => {
  const headers = { lines: [':method:GET', ':path:/pushed.txt', ':authority:example.com', 'x-a:1'] };
  expect(curl_pushheader_bynum(headers, 1)).toBe(':path:/pushed.txt');
  expect(curl_pushheader_bynum(headers, 9)).toBeNull();
  expect(curl_pushheader_byname(headers, ':path')).toBe('/pushed.txt');
  expect(curl_pushheader_byname(headers, 'x-a')).toBe('1');
  expect(curl_pushheader_byname(headers, ':pa')).toBeNull();
  expect(curl_pushheader_byname(headers, 'a:b')).toBeNull();
});

test('share, URL and MIME handles still in use close cleanly when a worker ends or the process exits', async () => {
  const script = (exit: string) => `
    const lc = require(${JSON.stringify(require('node:path').join(__dirname, '..', '..', 'dist', 'libcurl'))});
    const share = lc.curl_share_init();
    lc.curl_share_setopt(share, lc.CURLSHOPT_SHARE, lc.CURL_LOCK_DATA_DNS);
    const easy = lc.curl_easy_init();
    lc.curl_easy_setopt(easy, lc.CURLOPT_SHARE, share);
    const url = lc.curl_url();
    lc.curl_url_set(url, lc.CURLUPART_URL, ${JSON.stringify(server.url)} + '/slow/5000', 0);
    lc.curl_easy_setopt(easy, lc.CURLOPT_CURLU, url);
    const mime = lc.curl_mime_init(easy);
    lc.curl_mime_data_cb(lc.curl_mime_addpart(mime), 3, () => 'abc', null, () => {}, { any: 1 });
    lc.curl_easy_setopt(easy, lc.CURLOPT_MIMEPOST, mime);
    const multi = new lc.Multi();
    multi.perform(easy).catch(() => {});
    setTimeout(() => { ${exit} }, 200);`;
  const { runCommand } = await import('../helpers/run-cli');
  const exited = await runCommand(process.execPath, ['-e', script('process.exit(0)')], { timeoutMs: 20_000 });
  expect({ code: exited.code, stderr: exited.stderr }).toEqual({ code: 0, stderr: '' });
  const worker = await runCommand(
    process.execPath,
    ['-e', `const { Worker } = require('node:worker_threads'); const w = new Worker(${JSON.stringify(script('require("node:worker_threads").parentPort.postMessage(1)'))}, { eval: true }); w.once('message', () => w.terminate().then(() => console.log('terminated')));`],
    { timeoutMs: 20_000 },
  );
  expect({ code: worker.code, stdout: worker.stdout.trim(), stderr: worker.stderr }).toEqual({ code: 0, stdout: 'terminated', stderr: '' });
});
