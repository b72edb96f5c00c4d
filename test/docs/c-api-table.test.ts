// README's table of the C API covers every public function the linked libcurl's headers
// declare (scripts/list-curl-functions.js), and every function it calls bound is exported.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as libcurl from '../../lib/libcurl';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { listFunctions } = require('../../scripts/list-curl-functions.js') as {
  listFunctions: () => { header: string; name: string }[];
};

const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
const rows = new Map<string, { header: string; bound: string }>();
for (const m of readme.matchAll(/^\| `(curl_\w+)` \| ([\w.]+) \| ([^|]+) \|/gm)) {
  rows.set(m[1], { header: m[2], bound: m[3].trim() });
}

const declared = listFunctions();

test('the headers declare the functions the table is about (the script reads them)', () => {
  expect(declared.length).toBeGreaterThan(80);
  expect(declared.map((f) => f.name)).toEqual(expect.arrayContaining(['curl_multi_poll', 'curl_url_get', 'curl_easy_nextheader', 'curl_formadd']));
});

test('every function of the linked libcurl has a row, under its own header', () => {
  const missing = declared.filter((f) => !rows.has(f.name)).map((f) => f.name);
  expect(missing).toEqual([]);
  for (const f of declared) expect(`${f.name} ${rows.get(f.name)?.header}`).toBe(`${f.name} ${f.header}`);
});

test('every row the table calls bound is exported by curlio/libcurl; every other row says why not', () => {
  const exported = libcurl as unknown as Record<string, unknown>;
  for (const [name, { bound }] of rows) {
    if (bound.startsWith('yes')) expect(`${name}: ${typeof exported[name]}`).toBe(`${name}: function`);
    else expect(`${name}: ${bound}`).toBe(`${name}: no`);
  }
  const noReason = readme.match(/^\| `curl_\w+` \| [\w.]+ \| no \| *\|/gm);
  expect(noReason).toBeNull();
});
