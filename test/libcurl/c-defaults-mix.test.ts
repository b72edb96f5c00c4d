// A curl_easy_init handle takes its options through curl_easy_setopt and Easy#setopt alike:
// whichever style sets WRITEFUNCTION / WRITEDATA / HEADERFUNCTION / HEADERDATA /
// READFUNCTION / READDATA, in whatever order, the last setting of each wins and the transfer
// does what libcurl's C does with those six values (lib/sendf.c, lib/setopt.c):
//  - the body goes to WRITEFUNCTION(WRITEDATA), or without one to C's fwrite into WRITEDATA;
//  - headers go to HEADERFUNCTION(HEADERDATA); without one, when HEADERDATA is set, through
//    the write function (the program's or fwrite) with HEADERDATA; else nowhere;
//  - the upload comes from READFUNCTION(READDATA), or without one from fread on READDATA.
// Every pair of settings (each option, each style) is run, then seeded random sequences
// with curl_easy_duphandle / Easy#duphandle between settings.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import {
  CURLE_OK,
  CURLOPT_HEADERDATA,
  CURLOPT_HEADERFUNCTION,
  CURLOPT_READDATA,
  CURLOPT_READFUNCTION,
  CURLOPT_UPLOAD,
  CURLOPT_URL,
  CURLOPT_WRITEDATA,
  CURLOPT_WRITEFUNCTION,
  Easy,
  Multi,
  curl_easy_cleanup,
  curl_easy_duphandle,
  curl_easy_init,
  curl_easy_perform,
  curl_easy_reset,
  curl_easy_setopt,
  type EasyOption,
} from '../../lib/libcurl';
import { startHttpServer, type TestServer } from '../helpers/http-server';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { prng } = require('../helpers/prng.js') as { prng: (seed: number) => () => number };

let server: TestServer;
let dir: string;
const fileContent: Record<string, string> = { fA: 'the bytes of file A', fB: 'the bytes of file B' };

beforeAll(async () => {
  server = await startHttpServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-c-mix-'));
  for (const [label, text] of Object.entries(fileContent)) fs.writeFileSync(path.join(dir, label), text);
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

type OptionName = 'WRITEFUNCTION' | 'WRITEDATA' | 'HEADERFUNCTION' | 'HEADERDATA' | 'READFUNCTION' | 'READDATA';
const optionId: Record<OptionName, EasyOption> = {
  WRITEFUNCTION: CURLOPT_WRITEFUNCTION,
  WRITEDATA: CURLOPT_WRITEDATA,
  HEADERFUNCTION: CURLOPT_HEADERFUNCTION,
  HEADERDATA: CURLOPT_HEADERDATA,
  READFUNCTION: CURLOPT_READFUNCTION,
  READDATA: CURLOPT_READDATA,
};
/** The values each option is set to in the sequences, by label (null: unset, as C's NULL). */
const choices: Record<OptionName, (string | null)[]> = {
  WRITEFUNCTION: ['W1', 'W2', null],
  WRITEDATA: ['wB'],
  HEADERFUNCTION: ['H1', null],
  HEADERDATA: ['hA', null],
  READFUNCTION: ['R1', null],
  READDATA: ['fB'],
};
type Style = 'curl_easy_setopt' | 'Easy#setopt';
type Step = { option: OptionName; value: string | null; style: Style } | { dup: 'curl_easy_duphandle' | 'Easy#duphandle' };
type Model = Record<OptionName, string | null>;

// What the handle starts with (set before each sequence): WRITEDATA and READDATA so that
// nothing goes to the test's stdout or comes from its stdin.
const baseline: Model = { WRITEFUNCTION: null, WRITEDATA: 'wA', HEADERFUNCTION: null, HEADERDATA: null, READFUNCTION: null, READDATA: 'fA' };

/** Where libcurl's C sends the body and the headers, and what it uploads, for these settings. */
function expected(m: Model): { body: string; headers: string | null; upload: string } {
  const write = m.WRITEFUNCTION ?? 'fwrite';
  const headers = m.HEADERFUNCTION !== null ? `H1(${m.HEADERDATA})` : m.HEADERDATA !== null ? `${write}(${m.HEADERDATA})` : null;
  const upload = m.READFUNCTION !== null ? `R1 read ${m.READDATA}` : fileContent[m.READDATA as string];
  return { body: `${write}(${m.WRITEDATA})`, headers, upload };
}

/** Runs `steps` on a fresh curl_easy_init handle: what went where (destination -> bytes). */
function run(steps: Step[]): Record<string, string> {
  const destinations: Record<string, string> = {};
  const record = (where: string, data: Buffer): void => {
    destinations[where] = (destinations[where] ?? '') + data.toString('latin1');
  };
  const fds = { fA: fs.openSync(path.join(dir, 'fA'), 'r'), fB: fs.openSync(path.join(dir, 'fB'), 'r') };
  const sink = (label: string): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        record(`fwrite(${label})`, chunk);
        done();
      },
    });
  const values: Record<string, unknown> = { wA: sink('wA'), wB: sink('wB'), hA: sink('hA'), ...fds };
  const label = (userdata: unknown): string => Object.keys(values).find((k) => values[k] === userdata) ?? String(userdata ?? null);
  let readDone = false;
  const functions: Record<string, unknown> = {
    W1: (data: Buffer, userdata: unknown) => (record(`W1(${label(userdata)})`, data), data.length),
    W2: (data: Buffer, userdata: unknown) => (record(`W2(${label(userdata)})`, data), data.length),
    H1: (data: Buffer, userdata: unknown) => (record(`H1(${label(userdata)})`, data), data.length),
    R1: (_size: number, userdata: unknown) => (readDone ? null : ((readDone = true), Buffer.from(`R1 read ${label(userdata)}`))),
  };
  const valueOf = (v: string | null): unknown => (v === null ? null : (functions[v] ?? values[v]));
  const handles: Easy[] = [];
  let easy = curl_easy_init();
  handles.push(easy);
  curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/echo`);
  curl_easy_setopt(easy, CURLOPT_UPLOAD, 1);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, values.wA);
  curl_easy_setopt(easy, CURLOPT_READDATA, values.fA);
  try {
    for (const step of steps) {
      if ('dup' in step) {
        easy = step.dup === 'curl_easy_duphandle' ? curl_easy_duphandle(easy) : easy.duphandle();
        handles.push(easy);
      } else if (step.style === 'curl_easy_setopt') {
        const code = curl_easy_setopt(easy, optionId[step.option], valueOf(step.value) as never);
        if (code !== CURLE_OK) throw new Error(`curl_easy_setopt returned ${code}`);
      } else {
        easy.setopt(optionId[step.option], valueOf(step.value) as never);
      }
    }
    const code = curl_easy_perform(easy);
    if (code !== CURLE_OK) throw new Error(`curl_easy_perform returned ${code}`);
  } finally {
    for (const h of handles) curl_easy_cleanup(h);
    fs.closeSync(fds.fA);
    fs.closeSync(fds.fB);
  }
  return destinations;
}

/** The differences between what C would do and what happened, as readable lines. */
function check(steps: Step[]): string[] {
  const model: Model = { ...baseline };
  for (const step of steps) if (!('dup' in step)) model[step.option] = step.value;
  const want = expected(model);
  let destinations: Record<string, string>;
  try {
    destinations = run(steps);
  } catch (error) {
    return [`${stepsText(steps)}: ${String(error)}`];
  }
  const problems: string[] = [];
  const got = Object.keys(destinations).sort();
  const wanted = [want.body, ...(want.headers !== null ? [want.headers] : [])].sort();
  if (JSON.stringify(got) !== JSON.stringify(wanted)) problems.push(`went to ${got.join(', ') || 'nowhere'}, C sends to ${wanted.join(', ')}`);
  const body = destinations[want.body];
  if (body !== undefined) {
    const json = body.slice(body.indexOf('{'));
    try {
      const echo = JSON.parse(json) as { body: string };
      if (echo.body !== want.upload) problems.push(`uploaded ${JSON.stringify(echo.body)}, C uploads ${JSON.stringify(want.upload)}`);
    } catch {
      problems.push(`the body destination got ${JSON.stringify(body.slice(0, 80))}`);
    }
  }
  // (An upload may get a '100 Continue' block first.)
  if (want.headers !== null && !(destinations[want.headers] ?? '').includes('HTTP/1.1 200 OK\r\n')) {
    problems.push(`${want.headers} got no header block`);
  }
  return problems.map((p) => `${stepsText(steps)}: ${p}`);
}

function stepsText(steps: Step[]): string {
  return steps.map((s) => ('dup' in s ? s.dup : `${s.style}(${s.option}, ${s.value})`)).join('; ');
}

const settings: Step[] = [];
for (const style of ['curl_easy_setopt', 'Easy#setopt'] as Style[]) {
  for (const option of Object.keys(choices) as OptionName[]) {
    for (const value of choices[option]) settings.push({ option, value, style });
  }
}

test('every pair of settings, in either style and either order, ends as libcurl C ends', () => {
  const problems: string[] = [];
  for (const first of settings) for (const second of settings) problems.push(...check([first, second]));
  expect(problems).toEqual([]);
});

test('seeded random sequences, with duphandle (either style) between settings', () => {
  const seed = 16;
  const random = prng(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  const problems: string[] = [];
  for (let i = 0; i < 150; i++) {
    const steps: Step[] = [];
    const length = 3 + Math.floor(random() * 4);
    for (let j = 0; j < length; j++) {
      steps.push(random() < 0.15 ? { dup: pick(['curl_easy_duphandle', 'Easy#duphandle'] as const) } : pick(settings));
    }
    problems.push(...check(steps));
  }
  expect(problems).toEqual([]); // replay with the seed above
});

test('a WRITEFUNCTION set with Easy#setopt on a curl_easy_init handle is kept by Multi.perform', async () => {
  const multi = new Multi();
  const easy = curl_easy_init();
  const chunks: string[] = [];
  easy.setopt(CURLOPT_URL, `${server.url}/hello`);
  easy.setopt(CURLOPT_WRITEFUNCTION, (data: Buffer) => (chunks.push(data.toString()), data.length));
  const result = await multi.perform(easy);
  expect(chunks.join('')).toBe('hello');
  expect(result.body).toHaveLength(0); // the program's function took it
  expect(result.headers.toString()).toMatch(/^HTTP\/1\.1 200 OK\r\n/); // no HEADERFUNCTION: buffered for the PerformResult
  curl_easy_cleanup(easy);
  multi.close();
});

test('Easy#reset and curl_easy_reset of a curl_easy_init handle go back to C defaults, not to buffering', () => {
  for (const reset of [(e: Easy) => e.reset(), (e: Easy) => curl_easy_reset(e)]) {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    const easy = curl_easy_init();
    easy.setopt(CURLOPT_WRITEFUNCTION, () => 0); // would fail the transfer if it survived the reset
    reset(easy);
    curl_easy_setopt(easy, CURLOPT_URL, `${server.url}/hello`);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, sink);
    expect(curl_easy_perform(easy)).toBe(CURLE_OK);
    expect(Buffer.concat(chunks).toString()).toBe('hello');
    expect(easy.takeBody()).toHaveLength(0);
    curl_easy_cleanup(easy);
  }
});
