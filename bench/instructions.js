'use strict';
// User-space instructions per request, counted by valgrind's callgrind: a figure that does
// not move with the machine's load, for comparing clients (and before/after a change) where
// req/s on a shared machine varies ±15% between runs. Kernel work is not counted.
//
//   node bench/instructions.js [--clients c,multi-perform,session] [--c 50] [--path /small]
//                              [--n1 2000] [--n2 8000] [--warmup 1000] [--keep DIR]
//
// --keep DIR keeps the callgrind profiles (DIR/<client>-c<C>-<N>.callgrind) and prints the
// per-request cost by shared object (libcurl, node = V8 + libuv, curlio.node, libc, ...):
// the difference of the two runs' `callgrind_annotate` object totals over (N2 - N1).
//
// Each client runs twice against the bench's nginx, with N1 and N2 requests after the same
// warm-up; (Ir(N2) - Ir(N1)) / (N2 - N1) is the cost of one request without start-up, JIT
// warm-up or teardown. Needs valgrind (apt-get install valgrind); takes a few minutes.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startNginx } = require('./nginx');
const { layerOf } = require('./perf-layers');

const ROOT = path.join(__dirname, '..');
const LABEL = {
  c: 'C ceiling (multi_epoll.c)',
  'multi-perform': 'curlio Multi.perform (native driver)',
  'multi-io-thread': 'curlio IoThreadMulti.perform (native I/O thread; all threads counted)',
  'session-io-thread': 'curlio Session.send, ioThread: true (native I/O thread; all threads counted)',
  session: 'curlio Session.send',
  'multi-js': 'curlio Multi, JS socket/timer callbacks + Poll',
  undici: 'undici Pool.request',
  'node-http': 'node:http keep-alive Agent',
};

function parseArgs(argv) {
  const o = { clients: ['c', 'multi-perform', 'session', 'multi-js', 'undici'], c: 50, path: '/small', n1: 2000, n2: 8000, warmup: 1000, keep: null };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split('=');
    const value = () => inline ?? argv[++i];
    if (name === '--clients') o.clients = value().split(',').filter(Boolean);
    else if (name === '--c') o.c = Number(value());
    else if (name === '--path') o.path = value();
    else if (name === '--n1') o.n1 = Number(value());
    else if (name === '--n2') o.n2 = Number(value());
    else if (name === '--warmup') o.warmup = Number(value());
    else if (name === '--keep') o.keep = path.resolve(value());
    else throw new Error(`unknown option ${argv[i]} (see the header of ${__filename})`);
  }
  for (const c of o.clients) if (!LABEL[c]) throw new Error(`unknown client ${c}; clients: ${Object.keys(LABEL).join(', ')}`);
  return o;
}

function instructions(cmd, args, env, outFile = '/dev/null') {
  const r = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${outFile}`, cmd, ...args], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const m = /Collected : (\d+)/.exec(r.stderr ?? '');
  if (r.error || !m) throw new Error(`valgrind ${cmd} failed: ${r.error?.message ?? r.stderr.split('\n').slice(-5).join('\n')}`);
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('{'));
  const result = line ? JSON.parse(line) : null;
  if (!result || result.failures) throw new Error(`${cmd}: ${result ? `${result.failures} failed (${result.firstError})` : 'no result'}`);
  return Number(m[1]);
}

// Instructions by shared object in one callgrind profile: callgrind_annotate prints
// `count (pct)  file:function [object]` per function; objects without the [..] suffix are
// the main executable.
function byObject(file) {
  const r = spawnSync('callgrind_annotate', ['--threshold=100', file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const objects = {};
  const functions = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(\S.*?)(?:\s+\[(.+)\])?\s*$/.exec(line);
    if (!m || !m[2].includes(':')) continue;
    const ir = Number(m[1].replace(/,/g, ''));
    const obj = path.basename(m[3] ?? 'main executable');
    objects[obj] = (objects[obj] ?? 0) + ir;
    const fn = `${m[2].replace(/^.*?:/, '')} [${obj}]`;
    functions[fn] = (functions[fn] ?? 0) + ir;
  }
  return { objects, functions };
}

function printBreakdown(label, a, b, per) {
  const diff = (x, y) =>
    Object.keys({ ...x, ...y })
      .map((k) => [k, ((y[k] ?? 0) - (x[k] ?? 0)) / per])
      .filter(([, v]) => Math.abs(v) >= 1)
      .sort((p, q) => q[1] - p[1]);
  const total = diff(a.objects, b.objects).reduce((s, [, v]) => s + v, 0);
  // The same functions grouped by layer (bench/perf-layers.js's rules).
  const layers = {};
  for (const [k, v] of diff(a.functions, b.functions)) {
    const m = /^(.*) \[(.*)\]$/.exec(k);
    const layer = layerOf(m[2], m[1]);
    layers[layer] = (layers[layer] ?? 0) + v;
  }
  console.log(`\n#### ${label}: instructions per request by layer\n\n| layer | Ir / request | share |\n|---|---:|---:|`);
  for (const [k, v] of Object.entries(layers).sort((p, q) => q[1] - p[1])) if (Math.abs(v) >= 50) console.log(`| ${k} | ${Math.round(v).toLocaleString('en-US')} | ${((100 * v) / total).toFixed(1)}% |`);
  console.log(`\n#### ${label}: instructions per request by object (total ${Math.round(total).toLocaleString('en-US')})\n\n| object | Ir / request | share |\n|---|---:|---:|`);
  for (const [k, v] of diff(a.objects, b.objects).slice(0, 12)) console.log(`| ${k} | ${Math.round(v).toLocaleString('en-US')} | ${((100 * v) / total).toFixed(1)}% |`);
  console.log(`\nTop functions (self cost):\n\n| function [object] | Ir / request |\n|---|---:|`);
  for (const [k, v] of diff(a.functions, b.functions).slice(0, 25)) console.log(`| \`${k.replace(/\|/g, '\\|')}\` | ${Math.round(v).toLocaleString('en-US')} |`);
}

async function main() {
  // --breakdown A.callgrind B.callgrind N: the tables for two kept profiles N requests apart.
  if (process.argv[2] === '--breakdown') {
    const [a, b, n] = process.argv.slice(3);
    printBreakdown(path.basename(b), byObject(a), byObject(b), Number(n));
    return;
  }
  const opts = parseArgs(process.argv.slice(2));
  if (spawnSync('valgrind', ['--version']).status !== 0) throw new Error('valgrind is required: apt-get install valgrind');
  const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-instructions-'));
  const server = await startNginx({ log: (...a) => console.error('[instructions]', ...a) });
  try {
    const cProgram = path.join(tmp, 'multi_epoll');
    const cc = spawnSync('sh', ['-c', `cc -O2 -o "${cProgram}" "${path.join(__dirname, 'c', 'multi_epoll.c')}" $(pkg-config --cflags --libs libcurl)`], { encoding: 'utf8' });
    if (cc.status !== 0) throw new Error(`compiling multi_epoll.c failed:\n${cc.stderr}`);
    const url = server.httpUrl + opts.path;
    const expectLen = opts.path === '/large' ? 1024 * 1024 : 13;
    const { n1: N1, n2: N2, warmup: WARMUP } = opts;
    if (opts.keep) fs.mkdirSync(opts.keep, { recursive: true });
    const perRequest = {};
    for (const client of opts.clients) {
      const out = (n) => (opts.keep ? path.join(opts.keep, `${client}-c${opts.c}-${n}.callgrind`) : '/dev/null');
      const run = (n) =>
        client === 'c'
          ? instructions(cProgram, [url, String(n), String(opts.c), String(expectLen), String(WARMUP)], process.env, out(n))
          : instructions(process.execPath, [path.join(__dirname, 'clients', `${client}.js`), JSON.stringify({ url, n, c: opts.c, expectLen, warmup: WARMUP })], process.env, out(n));
      perRequest[client] = (run(N2) - run(N1)) / (N2 - N1);
      if (opts.keep) printBreakdown(`${LABEL[client]}, ${opts.c} in flight`, byObject(out(N1)), byObject(out(N2)), N2 - N1);
      console.error(`[instructions] ${client}: ${Math.round(perRequest[client]).toLocaleString('en-US')} per request`);
    }
    const c = perRequest.c;
    console.log(`| client | instructions per request (user space) | × C |\n|---|---:|---:|`);
    for (const [client, ir] of Object.entries(perRequest)) {
      console.log(`| ${LABEL[client]} | ${Math.round(ir).toLocaleString('en-US')} | ${c ? `${(ir / c).toFixed(2)}×` : ''} |`);
    }
    console.log(`\n${opts.path}, ${opts.c} in flight, (Ir(${N2}) − Ir(${N1})) / ${N2 - N1} after ${WARMUP} warm-up requests; \`npm run bench:instructions\` (needs valgrind).`);
  } finally {
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});
