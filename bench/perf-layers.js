#!/usr/bin/env node
'use strict';
// Splits a `perf record` profile of a Node client (recorded with `node --perf-basic-prof`, so
// JIT frames have names) into the layers issue 14 asks about: libcurl, JS (JIT code), V8's
// builtins/runtime/GC/compiler, N-API and V8 API crossings, libuv, curlio's C++, libc,
// kernel. Self time only (no children), samples of every thread or of the main (JS) thread.
//
//   node bench/perf-layers.js PERF_DATA [--main-thread] [--top 25]
const { spawnSync } = require('node:child_process');

function layerOf(dso, sym) {
  if (dso === '[kernel.kallsyms]') return 'kernel';
  if (/^\[JIT\]/.test(dso) || dso === '???') return 'JS (JIT code)'; // perf map / callgrind's unknown object
  if (/^(libcurl|libnghttp2|libssl|libcrypto|libz|libbrotli|libzstd|libidn2|libpsl)/.test(dso)) return 'libcurl (+ TLS, nghttp2, zlib)';
  if (/^curlio\.node|^libstdc\+\+/.test(dso)) return 'curlio native (C++)';
  if (/^libc\.so|^\[vdso\]|^ld-linux/.test(dso)) return /malloc|free|calloc|realloc|_int_|consolidate|unlink_chunk|tcache/.test(sym) ? 'libc malloc/free' : 'libc (other: memcpy, syscall stubs, clock)';
  if (dso === 'node') {
    if (/^uv_|^uv__/.test(sym)) return 'libuv';
    if (/napi_|v8impl|node::.*napi|Reference|CallbackWrapper|FunctionCallbackWrapper/i.test(sym)) return 'N-API';
    if (/^v8::(Function|Object|Value|Context|Isolate|Promise|String|Number|Integer|External|ArrayBuffer|Uint8Array|HandleScope|EscapableHandleScope|TryCatch|Local|Boolean|Array|Date|Private|Symbol|Template|ObjectTemplate|FunctionTemplate)\b/.test(sym) || /v8::internal::FunctionCallbackArguments|HandleApiCall|Builtins_CallApiCallback|Builtins_HandleApiCall|InvokeFunctionCallback/.test(sym)) return 'V8 API (native ↔ JS crossings)';
    if (/compiler::|maglev::|Compiler|Turbofan|Parser|Scanner|interpreter::|BytecodeGenerator|baseline::/.test(sym)) return 'V8 compiler (JIT, parse)';
    if (/Heap|Scaveng|Sweeper|MarkCompact|GC|Marking|Evacuat|Remembered|SlotSet|MemoryChunk|PagedSpace|NewSpace|Semi|IterateObjectCache|RootVisitor|ObjectVisitor|IterateRoots/.test(sym)) return 'V8 GC';
    if (/^Builtins_/.test(sym)) return /Promise|Microtask|Async|Await|Resolve|Reject/.test(sym) ? 'V8 builtins: promises, microtasks' : 'V8 builtins (calls, ICs, objects)';
    if (/^v8::internal::/.test(sym)) return 'V8 runtime (C++)';
    if (/^node::|^std::|^operator new|^operator delete/.test(sym)) return 'node core (C++)';
    return 'node/V8 (other)';
  }
  return `other (${dso})`;
}

function main() {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  const mainOnly = args.includes('--main-thread');
  const topIdx = args.indexOf('--top');
  const top = topIdx >= 0 ? Number(args[topIdx + 1]) : 25;
  if (!file) throw new Error('usage: node bench/perf-layers.js PERF_DATA [--main-thread] [--top N]');
  // One line per (pid, tid, dso, symbol) with its sample count.
  const r = spawnSync('perf', ['report', '-i', file, '--no-children', '-g', 'none', '--stdio', '--percent-limit', '0', '-F', 'sample,pid,dso,sym', '--sort', 'pid,dso,sym'], { encoding: 'utf8', maxBuffer: 512 << 20 });
  if (r.status !== 0) throw new Error(r.stderr);
  // perf's "pid" key is the thread ("17697:node"); the main thread's tid is the process id,
  // the first and so the smallest of the process's thread ids.
  const rows = [];
  for (const line of r.stdout.split('\n')) {
    // "  123  17697:node  libcurl.so.4.8.0  [.] curl_strnequal"
    const m = /^\s*(\d+)\s+(\d+):\S*\s+(.+?)\s+\[[.k]\]\s+(.*)$/.exec(line);
    if (m) rows.push(m);
  }
  const mainTid = Math.min(...rows.map((m) => Number(m[2])));
  const layers = {};
  const syms = {};
  let total = 0;
  for (const [, n, tid, dso, sym] of rows) {
    if (mainOnly && Number(tid) !== mainTid) continue;
    const c = Number(n);
    total += c;
    const layer = layerOf(dso.trim(), sym.trim());
    layers[layer] = (layers[layer] ?? 0) + c;
    const key = `${sym.trim()} [${dso.trim()}]`;
    syms[key] = (syms[key] ?? 0) + c;
  }
  const pct = (c) => ((100 * c) / total).toFixed(1);
  console.log(`${file}: ${total} samples${mainOnly ? ' (main thread only)' : ''}\n\n| layer | share of samples |\n|---|---:|`);
  for (const [k, v] of Object.entries(layers).sort((a, b) => b[1] - a[1])) console.log(`| ${k} | ${pct(v)}% |`);
  console.log(`\n| top symbols (self) | share |\n|---|---:|`);
  for (const [k, v] of Object.entries(syms).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`| \`${k.replace(/\|/g, '\\|')}\` | ${pct(v)}% |`);
}

if (require.main === module) main();
module.exports = { layerOf };
