#!/usr/bin/env node
'use strict';
// curlio's benchmark suite (issue "Performance"): every client against the same local nginx,
// each measurement in its own child process, clients interleaved round by round, medians,
// ratios to the C ceiling (bench/c/multi_epoll.c) and to undici measured in the same run.
//
//   node bench/run.js [--quick] [--smoke] [--rows a,b] [--rounds K] [--clients a,b] [--rss-n N]
//                     [--long-run] [--no-write] [--keep-going]
//   --long-run adds the opt-in row (minutes): 1,000,000 requests on one Session, RSS every 100k.
const { spawn, spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startNginx, SMALL_BODY, LARGE_SIZE } = require('./nginx');

const ROOT = path.resolve(__dirname, '..');
const SMALL_LEN = Buffer.byteLength(SMALL_BODY);

// ---------------------------------------------------------------------------------------
const FETCH_CLIENTS = ['c', 'fetch-curlio', 'fetch-undici', 'fetch-node'];

// What is measured. n: requests timed per measurement; warmup: requests run first, untimed.
const ROWS = {
  'small-1': { title: '13-byte GET, 1 in flight', path: '/small', c: 1, n: 20000, warmup: 1000, quick: 300, unit: 'req/s' },
  'small-50': { title: '13-byte GET, 50 in flight', path: '/small', c: 50, n: 60000, warmup: 5000, quick: 1000, unit: 'req/s' },
  'h2-50': { title: 'HTTPS HTTP/2 13-byte GET, 50 in flight', https: true, h2: true, path: '/small', c: 50, n: 40000, warmup: 2000, quick: 1000, unit: 'req/s' },
  // c-keep: the C loop discards the body; a program that uses it keeps it in memory first, and
  // that copy and its fresh pages are most of what a 1 MiB body costs (bench/PROFILE.md).
  'large-10': { title: '1 MiB GET, 10 in flight', path: '/large', expectLen: LARGE_SIZE, c: 10, n: 1500, warmup: 100, quick: 50, unit: 'MB/s', extraClients: { after: 'c', add: ['c-keep'] } },
  // libcurl 7.88 walks its connection list twice per transfer (bench/PROFILE.md, "Memory per
  // transfer at 10,000 in flight"): the C loop alone took 20-150 s of wall on a loaded 2-core
  // host, past the 40 s default, so the row failed with a timeout instead of a figure.
  // The front door: fetch() beside undici's and Node's, the body read whole (arrayBuffer()).
  'fetch-small-50': { title: 'fetch(), 13-byte body, 50 in flight', path: '/small', c: 50, n: 20000, warmup: 2000, quick: 500, unit: 'req/s', clients: FETCH_CLIENTS, peer: 'fetch-undici' },
  'fetch-large-10': { title: 'fetch(), 1 MiB body read whole, 10 in flight', path: '/large', expectLen: LARGE_SIZE, c: 10, n: 1000, warmup: 100, quick: 50, unit: 'MB/s', clients: FETCH_CLIENTS, peer: 'fetch-undici' },
  'conc-10k': { title: '10,000 concurrent transfers (13-byte GET)', path: '/small', c: 10000, n: 10000, warmup: 0, quick: 10000, quickC: 1000, unit: 'req/s', memory: true, timeoutS: 300 },
  // The warm-up is long because V8 grows its young generation (heapTotal) under a high
  // allocation rate for the first few hundred thousand requests while the live heap stays
  // flat; growth measured from a short warm-up is that reservation, not a leak. The child
  // reports its JS heap too, so the table can tell the two apart.
  rss: { title: 'RSS before/after N requests (13-byte GET, 50 in flight)', path: '/small', c: 50, n: 1000000, warmup: 300000, quick: 20000, unit: 'req/s', rss: true, rounds: 1, timeoutS: 240, clients: ['c', 'session', 'multi-perform', 'multi-js'] },
  fdpass: { title: 'fd passing between two processes', n: 200000, quick: 5000, unit: 'fds/s', fdpass: true },
  // Opt-in (--long-run or --rows long-run): issue 14's "a long run stays flat". One Session,
  // 1,000,000 requests, RSS and the JS heap read after a full GC every 100k; the slope is a
  // least-squares fit. No warm-up: the first 100k show V8 sizing its young generation, which
  // is why the slope is also given without the first two samples.
  'long-run': { title: 'Long run: RSS every 100k requests on one Session (13-byte GET, 50 in flight)', path: '/small', c: 50, n: 1000000, warmup: 0, quick: 100000, sampleEvery: 100000, quickSampleEvery: 20000, unit: 'req/s', longRun: true, optIn: true, rounds: 1, timeoutS: 1200, clients: ['session'] },
};
const CLIENTS = ['c', 'session', 'session-io-thread', 'multi-js', 'multi-perform', 'multi-io-thread', 'undici', 'node-http'];
const CLIENT_LABEL = {
  c: 'C ceiling (multi_epoll.c)',
  'c-keep': 'C keeping each body in memory (multi_epoll.c, KEEP_BODY=1, as getinmemory.c)',
  session: 'curlio Session.send',
  'multi-js': 'curlio Multi, JS socket/timer callbacks + Poll',
  'multi-perform': 'curlio Multi.perform (native driver)',
  'multi-io-thread': 'curlio IoThreadMulti.perform (native I/O thread)',
  'session-io-thread': 'curlio Session.send, ioThread: true (native I/O thread)',
  'fetch-curlio': 'curlio fetch',
  'fetch-undici': 'undici fetch',
  'fetch-node': "Node's global fetch",
  undici: 'undici Pool.request',
  'node-http': 'node:http keep-alive Agent',
  'c-fdpass': 'C sendmsg/recvmsg loop (fdpass.c)',
  'unix-connection': 'curlio UnixConnection sendFd/receiveFd (promises)',
  'unix-connection-sync': 'curlio UnixConnection sendFdSync/receiveFdSync',
};
const TARGETS = {
  session: 'Session ≥ 0.9× C and > undici',
  'multi-js': '≥ 0.5× C',
};

// ---------------------------------------------------------------------------------------
function parseArgs(argv) {
  const o = { quick: false, smoke: false, rows: null, rounds: 3, clients: null, rssN: null, write: true, childTimeoutS: 40 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const name = a.split('=')[0];
    if (name === '--quick') o.quick = true;
    else if (name === '--smoke') o.smoke = true;
    else if (name === '--rows') o.rows = val().split(',').filter(Boolean);
    else if (name === '--rounds') o.rounds = positive(val(), '--rounds');
    else if (name === '--clients') o.clients = val().split(',').filter(Boolean);
    else if (name === '--rss-n') o.rssN = positive(val(), '--rss-n');
    else if (name === '--long-run') o.longRun = true;
    else if (name === '--no-write') o.write = false;
    else if (name === '--help' || name === '-h') {
      console.log(fs.readFileSync(__filename, 'utf8').split('\n').slice(1, 7).join('\n').replace(/^\/\/ ?/gm, ''));
      process.exit(0);
    } else throw new Error(`unknown option ${a} (see --help)`);
  }
  for (const r of o.rows ?? []) if (!ROWS[r]) throw new Error(`unknown row ${r}; rows: ${Object.keys(ROWS).join(', ')}`);
  for (const c of o.clients ?? []) if (!CLIENTS.includes(c) && !FETCH_CLIENTS.includes(c) && c !== 'c-keep') throw new Error(`unknown client ${c}; clients: ${CLIENTS.join(', ')}`);
  if (o.smoke) {
    o.rounds = 1;
    o.write = false;
    o.rows ??= ['small-1', 'small-50', 'h2-50', 'large-10', 'conc-10k', 'fdpass'];
  }
  if (o.quick || o.smoke) o.childTimeoutS = 30;
  if (o.quick) o.rounds = Math.min(o.rounds, argv.some((a) => a.startsWith('--rounds')) ? o.rounds : 1);
  o.rows ??= Object.keys(ROWS).filter((r) => !ROWS[r].optIn);
  if (o.longRun && !o.rows.includes('long-run')) o.rows.push('long-run');
  return o;
}

function positive(v, what) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`Expected positive integer for ${what} but received ${v}`);
  return n;
}

const log = (...a) => console.error('[bench]', ...a);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// ---------------------------------------------------------------------------------------
// Preparation: C programs, dist/, a snapshot of the addon (other engineers rebuild it while
// the bench runs; a copy keeps every child loading the same binary).
function compileC(name, tmp) {
  const src = path.join(__dirname, 'c', `${name}.c`);
  const out = path.join(tmp, name);
  const flags = name === 'multi_epoll' ? ` $(pkg-config --cflags --libs libcurl)` : '';
  const r = spawnSync('sh', ['-c', `cc -O2 -Wall -o "${out}" "${src}"${flags}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`compiling ${src} failed (install gcc, pkg-config, libcurl4-openssl-dev):\n${r.stderr}`);
  return out;
}

function buildDist() {
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) log(`tsc reported errors (emitting anyway; clients that fail to load are skipped):\n${(r.stdout + r.stderr).split('\n').slice(0, 8).join('\n')}`);
}

async function snapshotAddon(tmp) {
  if (process.env.CURLIO_BINDING) return path.resolve(process.env.CURLIO_BINDING);
  const nodeGypBuild = require('node-gyp-build');
  let found = null;
  const deadline = Date.now() + 180e3;
  let built = false;
  for (;;) {
    try {
      found = nodeGypBuild.resolve(ROOT);
      break;
    } catch {}
    if (Date.now() > deadline && !built) {
      log('no addon found: building it with cmake-js');
      const r = spawnSync('npx', ['cmake-js', 'compile', '-O', 'build'], { cwd: ROOT, stdio: 'inherit' });
      built = true;
      if (r.status !== 0) throw new Error('cmake-js compile failed');
      continue;
    }
    if (built) throw new Error('no addon after building it');
    if (!found) log('waiting for build/Release/curlio.node (another build may be running)...');
    await new Promise((r) => setTimeout(r, 5000));
  }
  const copy = path.join(tmp, 'curlio.node');
  fs.copyFileSync(found, copy);
  return copy;
}

// ---------------------------------------------------------------------------------------
// One measurement = one child process printing one JSON line.
function runChild(cmd, args, { env, timeoutS }) {
  return new Promise((resolve) => {
    // A child shell raises the soft fd limit to the hard one so 10,000 sockets fit.
    const quoted = [cmd, ...args].map((a) => `'${String(a).replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('sh', ['-c', `ulimit -n $(ulimit -Hn) 2>/dev/null; exec ${quoted}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      err += `\ntimed out after ${timeoutS}s`;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    // 'close', not 'exit': the last line of stdout may still be unread when 'exit' comes.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      let res;
      try {
        res = JSON.parse(line);
      } catch {
        res = { failures: 1, firstError: `no result (exit ${code ?? signal}): ${err.trim().split('\n').slice(-3).join(' | ')}` };
      }
      if (code !== 0 && !res.skipped && !res.failures) {
        res.failures = 1;
        res.firstError = `exit ${code ?? signal}: ${err.trim().split('\n').slice(-2).join(' | ')}`;
      }
      resolve(res);
    });
  });
}

function measurementArgs(row, opts, server) {
  const base = row.https ? server.httpsUrl : server.httpUrl;
  const n = opts.smoke ? Math.min(row.quick, 200) : opts.quick ? row.quick : row.rss && opts.rssN ? opts.rssN : row.n;
  const c = opts.smoke && row.memory ? 500 : opts.quick && row.quickC ? row.quickC : row.c;
  return {
    url: base + row.path,
    n: row.memory ? Math.max(n, c) : n,
    c,
    expectLen: row.expectLen ?? SMALL_LEN,
    warmup: opts.smoke ? 0 : opts.quick ? Math.min(row.warmup, 200) : row.warmup,
    h2: !!row.h2,
    caFile: server.caFile,
    sampleEvery: row.sampleEvery ? (opts.quick || opts.smoke ? row.quickSampleEvery : row.sampleEvery) : 0,
  };
}

async function measure(client, m, ctx) {
  if (client === 'c' || client === 'c-keep') {
    const a = [m.url, m.n, m.c, m.expectLen, m.warmup];
    if (m.h2) a.push('h2', m.caFile);
    return runChild(ctx.multiEpoll, a, client === 'c-keep' ? { ...ctx, env: { ...(ctx.env ?? process.env), KEEP_BODY: '1' } } : ctx);
  }
  return runChild(process.execPath, ['--expose-gc', path.join(__dirname, 'clients', `${client}.js`), JSON.stringify(m)], ctx);
}

async function measureFdpass(client, n, ctx) {
  if (client === 'c-fdpass') return runChild(ctx.fdpass, [n], ctx);
  const m = { n, warmup: Math.min(1000, n), sync: client === 'unix-connection-sync' };
  return runChild(process.execPath, [path.join(__dirname, 'clients', 'unix-connection.js'), JSON.stringify(m)], ctx);
}

// ---------------------------------------------------------------------------------------
function fmt(v, unit) {
  if (v == null || !Number.isFinite(v)) return 'n/a';
  const digits = unit === 'MB/s' || v < 100 ? 1 : 0;
  return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
const ratio = (a, b) => (a != null && b != null && b > 0 ? `${(a / b).toFixed(2)}×` : '—');

function summarise(rowKey, row, runs, m) {
  // runs: client → [result]
  const s = {};
  for (const [client, rs] of Object.entries(runs)) {
    const skipped = rs.find((r) => r.skipped);
    if (skipped) {
      s[client] = { skipped: skipped.skipped };
      continue;
    }
    const failed = rs.filter((r) => r.failures);
    const rate = (r) => (row.unit === 'MB/s' ? r.bytes / (r.elapsedMs / 1e3) / 1e6 : r.n / (r.elapsedMs / 1e3));
    const ok = rs.filter((r) => !r.failures && r.elapsedMs > 0);
    const x = {
      runs: rs.length,
      note: rs.find((r) => r.note)?.note,
      invalid: failed.length ? `INVALID: ${failed.reduce((a, r) => a + r.failures, 0)} failed (${failed[0].firstError})` : null,
      value: ok.length ? median(ok.map(rate)) : null,
    };
    // CPU per request (fd, for fdpass) in µs: the main (JS) thread from /proc, and the process.
    const perItem = (ms, r) => (ms * 1e3) / r.n;
    const js = ok.filter((r) => r.jsCpuMs != null && r.jsCpuMs >= 0);
    if (js.length) x.jsCpuUs = median(js.map((r) => perItem(r.jsCpuMs, r)));
    const proc = ok.filter((r) => r.procCpuMs != null);
    if (proc.length) x.procCpuUs = median(proc.map((r) => perItem(r.procCpuMs, r)));
    if (row.longRun && ok.length) x.samples = ok[0].samples;
    if (row.memory && ok.length) x.kbPerTransfer = median(ok.map((r) => (r.hwmKb - r.rssStartKb) / m.c));
    if (row.rss && ok.length) {
      x.rssBeforeMiB = median(ok.map((r) => r.rssBeforeKb / 1024));
      x.rssAfterMiB = median(ok.map((r) => r.rssAfterKb / 1024));
      x.growthMiB = median(ok.map((r) => (r.rssAfterKb - r.rssBeforeKb) / 1024));
      const heap = ok.filter((r) => r.heapUsedAfterKb != null);
      if (heap.length) {
        x.heapGrowthMiB = median(heap.map((r) => (r.heapUsedAfterKb - r.heapUsedBeforeKb) / 1024));
        // Outside V8's heap: libcurl, curlio's native side, libuv, malloc.
        x.nativeGrowthMiB = median(heap.map((r) => (r.rssAfterKb - r.heapTotalAfterKb - (r.rssBeforeKb - r.heapTotalBeforeKb)) / 1024));
      }
    }
    s[client] = x;
  }
  return s;
}

function tableFor(rowKey, row, s, m) {
  const cKey = row.fdpass ? 'c-fdpass' : 'c';
  const cVal = s[cKey]?.value;
  // The peer for the "× undici" columns: undici's Pool, or undici's fetch on the fetch rows.
  const peer = row.peer ?? 'undici';
  const uVal = s[peer]?.value;
  const lines = [];
  const peerName = peer === 'undici' ? 'undici' : CLIENT_LABEL[peer];
  let head = `| client | ${row.unit} | × C | × ${peerName} | JS-thread CPU µs/${row.fdpass ? 'fd' : 'req'} | ${row.fdpass ? '× C' : `× ${peerName}`} | process CPU µs/${row.fdpass ? 'fd' : 'req'} |`;
  let sep = '|---|---:|---:|---:|---:|---:|---:|';
  const cpuRef = row.fdpass ? s[cKey]?.jsCpuUs : s[peer]?.jsCpuUs;
  if (row.memory) {
    head += ' peak RSS / transfer | × C |';
    sep += '---:|---:|';
  }
  if (row.rss) {
    head += ' RSS before → after (MiB) | growth | JS heap used growth | RSS outside V8 heap, growth |';
    sep += '---:|---:|---:|---:|';
  }
  head += ' note |';
  sep += '---|';
  lines.push(`### ${row.title}${m ? ` — N = ${m.n.toLocaleString('en-US')}, ${m.c.toLocaleString('en-US')} in flight` : ''}`, '', head, sep);
  for (const [client, x] of Object.entries(s)) {
    const label = CLIENT_LABEL[client] ?? client;
    if (x.skipped) {
      lines.push(`| ${label} | n/a | | | | | | ${row.memory ? '| | ' : ''}${row.rss ? '| | | | ' : ''}${x.skipped} |`);
      continue;
    }
    let line = `| ${label} | ${x.invalid ? '**invalid**' : fmt(x.value, row.unit)} | ${x.invalid ? '' : ratio(x.value, cVal)} | ${x.invalid || row.fdpass ? '' : ratio(x.value, uVal)} |`;
    line += ` ${x.jsCpuUs != null ? fmt(x.jsCpuUs) : 'n/a'} | ${x.invalid ? '' : ratio(x.jsCpuUs, cpuRef)} | ${x.procCpuUs != null ? fmt(x.procCpuUs) : 'n/a'} |`;
    if (row.memory) {
      const cKb = s[cKey]?.kbPerTransfer;
      line += ` ${x.kbPerTransfer != null ? `${x.kbPerTransfer.toFixed(1)} KiB` : 'n/a'} | ${ratio(x.kbPerTransfer, cKb)} |`;
    }
    if (row.rss) {
      const signed = (v) => `${v >= 0 ? '+' : ''}${v.toFixed(1)} MiB`;
      const na = client === 'c' ? '—' : '';
      line += ` ${x.rssBeforeMiB != null ? `${x.rssBeforeMiB.toFixed(1)} → ${x.rssAfterMiB.toFixed(1)}` : 'n/a'} | ${x.growthMiB != null ? signed(x.growthMiB) : ''} | ${x.heapGrowthMiB != null ? signed(x.heapGrowthMiB) : na} | ${x.nativeGrowthMiB != null ? signed(x.nativeGrowthMiB) : na} |`;
    }
    const notes = [];
    if (x.invalid) notes.push(x.invalid);
    if (x.note) notes.push(x.note);
    if (x.runs > 1) notes.push(`median of ${x.runs}`);
    if (!row.memory && !row.rss && !row.fdpass && !row.longRun && TARGETS[client]) notes.push(`target ${TARGETS[client]}`);
    if (row.memory && client === 'session') notes.push('target ≤ 1.2× C per transfer');
    if (row.rss && client !== 'c') notes.push('target growth < 5 MiB');
    if (row.fdpass && client !== cKey) notes.push('target ≥ 0.5× C');
    if (client === 'session' && !row.fdpass && !row.rss && !row.longRun) notes.push('target JS-thread CPU ≤ 0.5× undici');
    line += ` ${notes.join('; ')} |`;
    lines.push(line);
  }
  lines.push('');
  const keep = s['c-keep']?.value;
  if (keep != null && !s['c-keep'].invalid) {
    const against = Object.entries(s)
      .filter(([client, x]) => client !== 'c' && client !== 'c-keep' && x.value != null && !x.invalid)
      .map(([client, x]) => `${CLIENT_LABEL[client] ?? client} ${ratio(x.value, keep)}`);
    lines.push(`Against the C loop that keeps each body (the work a program using the body cannot skip): ${against.join(', ')}.`, '');
  }
  for (const [client, x] of Object.entries(s)) if (x.samples) lines.push(longRunLines(CLIENT_LABEL[client] ?? client, x.samples));
  return lines.join('\n');
}

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  const sxx = points.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  return sxx > 0 ? points.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / sxx : NaN;
}

function longRunLines(label, samples) {
  const per100k = (key) => (pts) => slope(pts.map((p) => [p.n / 1e5, p[key] / 1024]));
  const rss = per100k('rssKb');
  const heap = per100k('heapUsedKb');
  // What V8 reserves for its heap grows in steps (its young generation doubles when it sees
  // fit) and is not given back; RSS outside that reservation is curlio's, libcurl's and malloc's.
  const outside = (pts) => slope(pts.map((p) => [p.n / 1e5, (p.rssKb - p.heapTotalKb) / 1024]));
  const late = samples.filter((p, i) => i >= 2);
  const f = (v) => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${v.toFixed(3)}` : 'n/a');
  const ok = (v) => (Number.isFinite(v) ? (v < 0.5 ? 'meets < 0.5' : '**misses < 0.5**') : '');
  return [
    `${label}, after a full GC every ${(samples[1]?.n ?? 0).toLocaleString('en-US')} requests:`,
    '',
    '| requests | RSS (MiB) | JS heap used (MiB) | JS heap total (MiB) | RSS outside the JS heap (MiB) |',
    '|---:|---:|---:|---:|---:|',
    ...samples.map((p) => `| ${p.n.toLocaleString('en-US')} | ${(p.rssKb / 1024).toFixed(1)} | ${(p.heapUsedKb / 1024).toFixed(1)} | ${(p.heapTotalKb / 1024).toFixed(1)} | ${((p.rssKb - p.heapTotalKb) / 1024).toFixed(1)} |`),
    '',
    `RSS slope (least squares, MiB per 100k requests): all samples ${f(rss(samples))} (${ok(rss(samples))}); from ${(late[0]?.n ?? 0).toLocaleString('en-US')} on ${f(rss(late))} (${ok(rss(late))}). JS heap used: ${f(heap(samples))} / ${f(heap(late))} MiB per 100k. RSS outside the JS heap: ${f(outside(samples))} / ${f(outside(late))} MiB per 100k.`,
    '',
  ].join('\n');
}

function versions(server, ctx) {
  const v = { node: process.version, nginx: server.version };
  try {
    v.libcurl = execFileSync('sh', ['-c', 'pkg-config --modversion libcurl'], { encoding: 'utf8' }).trim();
  } catch {}
  try {
    const r = spawnSync(process.execPath, ['-e', 'console.log(require("./dist/libcurl").curl_version())'], { cwd: ROOT, env: ctx.env, encoding: 'utf8' });
    if (r.status === 0) v.curlioLinked = r.stdout.trim();
  } catch {}
  try {
    v.undici = require('undici/package.json').version;
  } catch {}
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m) || [])[1] ?? os.cpus()[0]?.model;
  return { ...v, nproc: os.availableParallelism?.() ?? os.cpus().length, cpu };
}

// ---------------------------------------------------------------------------------------
async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  // Load averages beside the table: on a shared machine wall-clock rows move with them.
  const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(', ');
  const loadBefore = loadavg();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-bench-'));
  const ctx = { timeoutS: opts.childTimeoutS };
  let server;
  let anyFailure = false;
  const sections = [];
  try {
    ctx.multiEpoll = compileC('multi_epoll', tmp);
    ctx.fdpass = compileC('fdpass', tmp);
    log('compiling lib/ → dist/ (npx tsc -p tsconfig.build.json)');
    buildDist();
    const addon = await snapshotAddon(tmp);
    ctx.env = { ...process.env, CURLIO_BINDING: addon };
    server = await startNginx({ log });
    log(`nginx ${server.version} on ${server.httpUrl} and ${server.httpsUrl} (h2)`);
    const ver = versions(server, ctx);

    for (const rowKey of opts.rows) {
      const row = ROWS[rowKey];
      if (row.fdpass) {
        const n = opts.smoke ? 1000 : opts.quick ? row.quick : row.n;
        const clients = ['c-fdpass', 'unix-connection', 'unix-connection-sync'];
        const runs = Object.fromEntries(clients.map((c) => [c, []]));
        const rounds = row.rounds ?? opts.rounds;
        for (let r = 0; r < rounds; r++)
          for (const client of clients) {
            const res = await measureFdpass(client, n, ctx);
            if (res.failures) anyFailure = true;
            runs[client].push(res);
            log(`${rowKey} round ${r + 1}/${rounds} ${client}: ${res.skipped ? `skipped (${res.skipped})` : res.failures ? `FAILED ${res.firstError}` : `${Math.round(res.n / (res.elapsedMs / 1e3))} fds/s`}`);
          }
        sections.push(tableFor(rowKey, { ...row, title: `${row.title} — N = ${n.toLocaleString('en-US')}` }, summarise(rowKey, row, runs), null));
        continue;
      }
      const m = measurementArgs(row, opts, server);
      let clients = row.clients ?? CLIENTS;
      if (row.extraClients) {
        const at = clients.indexOf(row.extraClients.after) + 1;
        clients = [...clients.slice(0, at), ...row.extraClients.add, ...clients.slice(at)];
      }
      if (opts.clients) clients = clients.filter((c) => opts.clients.includes(c));
      const rounds = opts.smoke ? 1 : row.rounds ?? opts.rounds;
      const runs = Object.fromEntries(clients.map((c) => [c, []]));
      const skip = new Set();
      for (let r = 0; r < rounds; r++) {
        for (const client of clients) {
          if (skip.has(client)) continue;
          const res = await measure(client, m, row.timeoutS && !opts.quick && !opts.smoke ? { ...ctx, timeoutS: row.timeoutS } : ctx);
          runs[client].push(res);
          if (res.skipped) skip.add(client);
          // A failed client is invalid for this row already: don't spend more rounds on it.
          if (res.failures) {
            anyFailure = true;
            skip.add(client);
          }
          const rate = row.unit === 'MB/s' ? `${(res.bytes / (res.elapsedMs / 1e3) / 1e6).toFixed(1)} MB/s` : `${Math.round(res.n / (res.elapsedMs / 1e3))} req/s`;
          log(`${rowKey} round ${r + 1}/${rounds} ${client}: ${res.skipped ? `skipped (${res.skipped})` : res.failures ? `FAILED (${res.failures}): ${res.firstError}` : rate}`);
        }
      }
      sections.push(tableFor(rowKey, row, summarise(rowKey, row, runs, m), m));
    }

    const mins = ((Date.now() - started) / 60e3).toFixed(1);
    const cmd = `node bench/run.js ${process.argv.slice(2).join(' ')}`.trim();
    const header = [
      `# curlio benchmarks`,
      '',
      `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · \`${cmd}\` · ${mins} min · ${opts.quick ? 'QUICK (tiny N, not representative)' : `${opts.rounds} round(s), clients interleaved, medians`}`,
      '',
      `Machine: ${ver.nproc} CPUs (${ver.cpu}), shared with other work while measured · node ${ver.node} · libcurl ${ver.libcurl}${ver.curlioLinked ? ` (curlio linked: ${ver.curlioLinked})` : ''} · ${ver.nginx} (1 worker, same host) · undici ${ver.undici}`,
      '',
      `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadavg()} — wall-clock rates move with it; the JS-thread CPU columns less so (bench/PROFILE.md has instruction counts).`,
      '',
      'Ratios are to the C program (bench/c/multi_epoll.c: curl_multi_socket_action + epoll) and to undici measured in the same run; absolute numbers depend on the machine and are not pass/fail. Every request checks status 200 and the body length; a client with any failure is marked invalid.',
      '',
    ].join('\n');
    const text = header + '\n' + sections.join('\n');
    console.log(text);
    if (anyFailure) console.log('\n**Some requests failed: the run is invalid for those clients (see the notes).**');
    if (opts.write && !opts.quick) fs.writeFileSync(path.join(__dirname, 'RESULTS.md'), text + (anyFailure ? '\n**Some requests failed: the run is invalid for those clients.**\n' : ''));
  } finally {
    if (server) await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.exitCode = anyFailure ? 1 : 0;
}

main().catch((e) => {
  console.error(e.stack || e);
  process.exit(2);
});
