'use strict';
// User-space instructions per request, counted by valgrind's callgrind: a figure that does
// not move with the machine's load, for comparing clients (and before/after a change) where
// req/s on a shared machine varies ±15% between runs. Kernel work is not counted.
//
//   node bench/instructions.js [--clients c,multi-perform,session] [--c 50] [--path /small]
//
// Each client runs twice against the bench's nginx, with N1 and N2 requests after the same
// warm-up; (Ir(N2) - Ir(N1)) / (N2 - N1) is the cost of one request without start-up, JIT
// warm-up or teardown. Needs valgrind (apt-get install valgrind); takes a few minutes.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startNginx } = require('./nginx');

const ROOT = path.join(__dirname, '..');
const N1 = 2000;
const N2 = 8000;
const WARMUP = 1000;
const LABEL = {
  c: 'C ceiling (multi_epoll.c)',
  'multi-perform': 'curlio Multi.perform (native driver)',
  session: 'curlio Session.send',
  'multi-js': 'curlio Multi, JS socket/timer callbacks + Poll',
  undici: 'undici Pool.request',
  'node-http': 'node:http keep-alive Agent',
};

function parseArgs(argv) {
  const o = { clients: ['c', 'multi-perform', 'session', 'multi-js', 'undici'], c: 50, path: '/small' };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split('=');
    const value = () => inline ?? argv[++i];
    if (name === '--clients') o.clients = value().split(',').filter(Boolean);
    else if (name === '--c') o.c = Number(value());
    else if (name === '--path') o.path = value();
    else throw new Error(`unknown option ${argv[i]} (see the header of ${__filename})`);
  }
  for (const c of o.clients) if (!LABEL[c]) throw new Error(`unknown client ${c}; clients: ${Object.keys(LABEL).join(', ')}`);
  return o;
}

function instructions(cmd, args, env) {
  const r = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', cmd, ...args], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const m = /Collected : (\d+)/.exec(r.stderr ?? '');
  if (r.error || !m) throw new Error(`valgrind ${cmd} failed: ${r.error?.message ?? r.stderr.split('\n').slice(-5).join('\n')}`);
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('{'));
  const result = line ? JSON.parse(line) : null;
  if (!result || result.failures) throw new Error(`${cmd}: ${result ? `${result.failures} failed (${result.firstError})` : 'no result'}`);
  return Number(m[1]);
}

async function main() {
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
    const perRequest = {};
    for (const client of opts.clients) {
      const run = (n) =>
        client === 'c'
          ? instructions(cProgram, [url, String(n), String(opts.c), String(expectLen), String(WARMUP)], process.env)
          : instructions(process.execPath, [path.join(__dirname, 'clients', `${client}.js`), JSON.stringify({ url, n, c: opts.c, expectLen, warmup: WARMUP })], process.env);
      perRequest[client] = (run(N2) - run(N1)) / (N2 - N1);
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
