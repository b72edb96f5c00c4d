'use strict';
// Where a client's peak RSS goes, by kind of memory: preload it into a bench client
// (node -r bench/rss-breakdown.js). It reads /proc/self/smaps after the harness's start GC
// (harness.js calls gc() twice before reading rssStartKb) and again at each new RSS peak
// (sampled every 20 ms), and prints to stderr, per transfer (the client's `c`): the malloc
// heap ([heap], or big anonymous mappings when brk could not grow), the rest of the anonymous
// memory (V8's heap pages, thread stacks) and file mappings; plus V8's spaces at the peak.
// bench/PROFILE.md ("Memory per transfer at 10,000 in flight") was measured with it:
//
//   node bench/with-nginx.js -- sh -c 'ulimit -n 20000; exec node --expose-gc -r ./bench/rss-breakdown.js \
//     bench/clients/session.js "{\"url\":\"{http}/small\",\"n\":10000,\"c\":10000,\"expectLen\":13,\"warmup\":0}"'
const fs = require('node:fs');
const v8 = require('node:v8');

const c = JSON.parse(process.argv[process.argv.length - 1]).c;

function mappings() {
  const kinds = { malloc: 0, anon: 0, file: 0 };
  let kind = null;
  for (const line of fs.readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = line.match(/^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/);
    if (head) {
      const kib = (parseInt(head[2], 16) - parseInt(head[1], 16)) / 1024;
      const name = head[3];
      // glibc puts the main arena in [heap]; once brk cannot grow it maps 64 MiB+ chunks.
      kind = name === '[heap]' || (name === '' && kib >= 65536) ? 'malloc' : name === '' ? 'anon' : name.startsWith('/') ? 'file' : null;
      continue;
    }
    const rss = line.match(/^Rss:\s+(\d+)/);
    if (rss && kind) kinds[kind] += Number(rss[1]);
  }
  return kinds;
}

const spaces = () =>
  Object.fromEntries(
    v8
      .getHeapSpaceStatistics()
      .filter((s) => s.space_size > 0)
      .map((s) => [s.space_name, `${Math.round(s.space_size / 1024)} KiB (${Math.round(s.space_used_size / 1024)} used)`]),
  );

let start = null;
let peak = null;
let peakRss = 0;
let mappedAt = 0;
const realGc = global.gc;
let gcs = 0;
if (typeof realGc === 'function') {
  global.gc = function gc() {
    realGc();
    if (++gcs === 2) start = mappings();
  };
}
function sample() {
  const rss = process.memoryUsage.rss();
  if (rss <= peakRss) return;
  peakRss = rss;
  if (rss < mappedAt + 1024 * 1024) return; // smaps costs a few ms: read it per MiB of growth
  mappedAt = rss;
  peak = { kinds: mappings(), spaces: spaces() };
}
setInterval(sample, 20).unref();

const exit = process.exit;
process.exit = function (code) {
  sample();
  if (start && peak) {
    const per = Object.fromEntries(Object.keys(start).map((k) => [k, +((peak.kinds[k] - start[k]) / c).toFixed(2)]));
    fs.writeSync(2, `rss-breakdown: KiB per transfer from start to peak ${JSON.stringify(per)}\nrss-breakdown: V8 spaces at peak ${JSON.stringify(peak.spaces)}\n`);
  }
  return exit.call(process, code);
};
