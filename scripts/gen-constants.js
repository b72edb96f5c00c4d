#!/usr/bin/env node
// Generates lib/libcurl/constants.generated.ts from the installed libcurl headers.
//
//   node scripts/gen-constants.js [--out <file>]
//
// The headers only tell us which NAMES exist; every VALUE comes from the C compiler
// (a probe program that includes <curl/curl.h> and prints them), so macro arithmetic,
// platform conditionals and aliases are resolved exactly as a C user would see them.
// The easy option kinds come from libcurl's own option table (curl_easy_option_next),
// the same source curl_easy_setopt's type checking is documented against.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_OUT = path.join(ROOT, 'lib', 'libcurl', 'constants.generated.ts');
const CC = process.env.CC || 'cc';

// curlver.h is read too, for the integer LIBCURL_VERSION_* macros. typecheck-gcc.h and
// mprintf.h are left out: the former is compiler plumbing, the latter has no constants.
const HEADERS = [
  'curlver.h', 'system.h', 'curl.h', 'easy.h', 'multi.h',
  'options.h', 'header.h', 'urlapi.h', 'websockets.h',
];

// Constant families a C user writes. Build plumbing that shares the CURL prefix
// (CURLINC_, CURL_EXTERN, CURL_TYPEOF_, CURL_FORMAT_, CURL_SUFFIX_, CURL_PULL_...) is
// deliberately not matched.
const PREFIXES = [
  'CURLOPT_', 'CURLOPTTYPE_', 'CURLMOPT_', 'CURLINFO_', 'CURLE_', 'CURLM_', 'CURLMSG_',
  'CURLSHE_', 'CURLSHOPT_', 'CURL_LOCK_', 'CURLUE_', 'CURLU_', 'CURLUPART_',
  'CURL_POLL_', 'CURL_CSELECT_', 'CURL_SOCKET_', 'CURLPAUSE_', 'CURL_HTTP_VERSION_',
  'CURLAUTH_', 'CURL_READFUNC_', 'CURL_WRITEFUNC_', 'CURL_SEEKFUNC_', 'CURL_SOCKOPT_',
  'CURLSOCKTYPE_', 'CURLPROTO_', 'CURLSSLOPT_', 'CURL_SSLVERSION_', 'CURLPROXY_',
  'CURLPX_', 'CURL_IPRESOLVE_', 'CURLUSESSL_', 'CURL_NETRC_', 'CURLHEADER_', 'CURLH_',
  'CURLHE_', 'CURL_REDIR_', 'CURL_VERSION_', 'CURLVERSION_', 'CURLOT_', 'CURL_TIMECOND_',
  'CURLFTP', 'CURLGSSAPI_', 'CURLSSH_', 'CURLKH', 'CURL_HET_', 'CURLALTSVC_',
  'CURLHSTS_', 'CURLSTS_', 'CURL_PUSH_', 'CURL_PREREQFUNC_', 'CURL_TRAILERFUNC_',
  'CURL_PROGRESSFUNC_', 'CURL_CHUNK_', 'CURL_FNMATCHFUNC_', 'CURLFILETYPE_',
  'CURLFINFOFLAG_', 'CURL_MAX_', 'CURL_ERROR_SIZE', 'CURL_HTTPPOST_', 'CURLFORM_',
  'CURL_FORMADD_', 'CURLMIMEOPT_', 'CURL_ZERO_TERMINATED', 'CURL_BLOB_', 'CURLWS_',
  'CURL_WAIT_', 'CURLPIPE_', 'CURL_RTSPREQ_', 'CURL_GLOBAL_', 'CURL_TLSAUTH_',
  'CURLSSLBACKEND_', 'CURLSSLSET_', 'CURLIOE_', 'CURLIOCMD_', 'CURLCLOSEPOLICY_',
  'CURL_UPKEEP_', 'CURL_LAST', 'LIBCURL_VERSION_',
];

const EASY_OPTION_KINDS = ['long', 'values', 'off_t', 'object', 'string', 'slist', 'cbptr', 'blob', 'function'];

// Callbacks the binding implements (see lib/libcurl/callbacks.ts).
const EASY_CALLBACKS = {
  CURLOPT_WRITEFUNCTION: 'WriteCallback',
  CURLOPT_HEADERFUNCTION: 'WriteCallback',
  CURLOPT_READFUNCTION: 'ReadCallback',
  CURLOPT_XFERINFOFUNCTION: 'XferInfoCallback',
  CURLOPT_PREREQFUNCTION: 'PrereqCallback',
  CURLOPT_DEBUGFUNCTION: 'DebugCallback',
  CURLOPT_OPENSOCKETFUNCTION: 'OpenSocketCallback',
  CURLOPT_SOCKOPTFUNCTION: 'SockoptCallback',
  CURLOPT_CLOSESOCKETFUNCTION: 'CloseSocketCallback',
  CURLOPT_SEEKFUNCTION: 'SeekCallback',
};
// Only null (libcurl's default) type-checks for a callback the binding cannot call.
const UNSUPPORTED_CALLBACK = 'never; // callback not supported by curlio';
const MULTI_CALLBACKS = {
  CURLMOPT_SOCKETFUNCTION: 'SocketCallback',
  CURLMOPT_TIMERFUNCTION: 'TimerCallback',
};

// ---------------------------------------------------------------------------------------
// Command line

function parseArgs(argv) {
  const args = { out: DEFAULT_OUT };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && i + 1 < argv.length) args.out = path.resolve(argv[++i]);
    else if (argv[i].startsWith('--out=')) args.out = path.resolve(argv[i].slice(6));
    else throw new Error(`unknown argument: ${argv[i]} (usage: gen-constants.js [--out <file>])`);
  }
  return args;
}

// ---------------------------------------------------------------------------------------
// Toolchain

function curlFlags() {
  const split = (s) => s.trim().split(/\s+/).filter(Boolean);
  return {
    cflags: split(execFileSync('pkg-config', ['--cflags', 'libcurl'], { encoding: 'utf8' })),
    libs: split(execFileSync('pkg-config', ['--libs', 'libcurl'], { encoding: 'utf8' })),
  };
}

// Ask the compiler which curl.h it really uses, so we read the same headers it compiles
// (pkg-config prints no -I at all when the headers live in a default include path).
function findHeaderDir(cflags) {
  const deps = execFileSync(CC, [...cflags, '-M', '-x', 'c', '-'], {
    input: '#include <curl/curl.h>\n',
    encoding: 'utf8',
  });
  const curlH = deps.split(/[\s\\]+/).find((p) => /(^|\/)curl\/curl\.h$/.test(p));
  if (!curlH) throw new Error('could not locate curl/curl.h through the compiler');
  return path.dirname(path.resolve(curlH));
}

// ---------------------------------------------------------------------------------------
// Header scanning: names only

// Removes comments (keeping string literals intact) and joins continued lines.
function stripComments(src) {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const n = src[i + 1];
    if (c === '/' && n === '*') {
      const end = src.indexOf('*/', i + 2);
      const body = src.slice(i, end < 0 ? src.length : end + 2);
      out += body.replace(/[^\n]/g, ' '); // keep line structure for #define parsing
      i += body.length;
    } else if (c === '/' && n === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/\\\r?\n/g, ' ');
}

// Splits an enum body on the commas that separate members (not those inside
// CURLOPT(...) or CURL_DEPRECATED(..., "...") arguments).
function splitMembers(body) {
  const members = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"') {
      let j = i + 1;
      while (j < body.length && body[j] !== '"') j += body[j] === '\\' ? 2 : 1;
      cur += body.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      members.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  members.push(cur);
  return members.map((m) => m.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

// "since 7.55.0. Use CURLINFO_SIZE_UPLOAD_T", from CURL_DEPRECATED(v, m) or
// CURLOPTDEPRECATED(name, type, number, v, m).
function deprecationNote(member) {
  const m =
    /\bCURL_DEPRECATED\s*\(\s*([\d.]+)\s*,\s*"((?:[^"\\]|\\.)*)"\s*\)/.exec(member) ||
    /^CURLOPTDEPRECATED\s*\([^,]+,[^,]+,[^,]+,\s*([\d.]+)\s*,\s*"((?:[^"\\]|\\.)*)"\s*\)/.exec(member);
  if (!m) return null;
  return m[2] ? `since ${m[1]}. ${m[2]}` : `since ${m[1]}`;
}

function matchesPrefix(name) {
  return PREFIXES.some((p) => name.startsWith(p));
}

function scanHeaders(dir) {
  /** name -> { kind: 'enum' | 'define', order, deprecated: string | null } */
  const ints = new Map();
  const strings = new Set();
  let order = 0;
  const add = (name, kind, deprecated) => {
    if (!matchesPrefix(name)) return;
    const seen = ints.get(name);
    // A name can be #defined in several #if branches; the first sighting fixes its rank.
    if (!seen) ints.set(name, { kind, order: order++, deprecated });
    else if (kind === 'enum' && seen.kind !== 'enum') Object.assign(seen, { kind, deprecated });
  };

  for (const file of HEADERS) {
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) continue;
    const src = stripComments(fs.readFileSync(full, 'utf8'));

    // Enums first within a header, in source order: they hold the canonical names,
    // the #defines in the same header are mostly old spellings of them.
    const code = src.replace(/^[ \t]*#.*$/gm, '');
    for (const m of code.matchAll(/\benum\b[^{};]*\{([^}]*)\}/g)) {
      for (const member of splitMembers(m[1])) {
        // CURLOPT(CURLOPT_URL, CURLOPTTYPE_STRINGPOINT, 2) / CURLOPTDEPRECATED(...)
        const call = /^([A-Za-z_]\w*)\s*\(\s*([A-Za-z_]\w*)/.exec(member);
        const plain = /^([A-Za-z_]\w*)/.exec(member);
        const name = call && /^CURLOPT(DEPRECATED)?$/.test(call[1]) ? call[2] : plain && plain[1];
        if (name) add(name, 'enum', deprecationNote(member));
      }
    }

    for (const m of src.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(.*)$/gm)) {
      const [, name, rest] = m;
      if (rest.startsWith('(')) continue; // function-like macro
      const body = rest.trim();
      if (!body) continue;
      if (body.startsWith('"')) {
        if (name.startsWith('LIBCURL_')) strings.add(name);
        continue;
      }
      add(name, 'define', null);
    }
  }
  return { ints, strings: [...strings] };
}

// ---------------------------------------------------------------------------------------
// The C probe: values from the compiler

function probeSource(names, ints, strings) {
  const lines = [
    '#include <stdio.h>',
    '#include <curl/curl.h>',
    '',
    '/* Anything but an integer constant expression fails to compile, and gets dropped. */',
    '#define IS_INT(x) _Generic((x), char: 1, signed char: 1, unsigned char: 1, short: 1, \\',
    '  unsigned short: 1, int: 1, unsigned int: 1, long: 1, unsigned long: 1, long long: 1, \\',
    '  unsigned long long: 1, default: 0)',
    '#define CHECK(x) _Static_assert(IS_INT(x) && ((x) || 1), "not an integer: " #x);',
    '#define PRINT(x) do { if ((x) < 0) printf("C\\t%s\\t%lld\\n", #x, (long long)(x)); \\',
    '  else printf("C\\t%s\\t%llu\\n", #x, (unsigned long long)(x)); } while (0)',
    '#define PRINT_STRING(x) printf("S\\t%s\\t%s\\n", #x, "" x)',
    '',
  ];
  const lineOf = new Map(); // probe line number (1-based) -> name
  const emit = (name, text) => {
    const guard = ints.get(name)?.kind !== 'enum'; // enum members are always declared
    if (guard) lines.push(`#ifdef ${name}`);
    lines.push(text);
    lineOf.set(lines.length, name);
    if (guard) lines.push('#endif');
  };
  for (const name of names) emit(name, `CHECK(${name})`);
  lines.push('', 'int main(void) {');
  for (const name of names) emit(name, `  PRINT(${name});`);
  for (const name of strings) emit(name, `  PRINT_STRING(${name});`);
  lines.push(
    '  {',
    '    const struct curl_easyoption *o = NULL;',
    '    while ((o = curl_easy_option_next(o)) != NULL)',
    '      printf("O\\t%s\\t%ld\\t%d\\t%u\\n", o->name, (long)o->id, (int)o->type, o->flags);',
    '  }',
    '  return 0;',
    '}',
    '',
  );
  return { source: lines.join('\n'), lineOf };
}

// Compiles and runs the probe. Names whose lines the compiler rejects (non-integer
// macros, names hidden by CURL_NO_OLDIES...) are dropped and the probe is rebuilt,
// until it compiles.
function runProbe(tmp, candidates, ints, strings, flags, extraDefines) {
  const names = [...candidates];
  const strs = [...strings];
  const dropped = [];
  const src = path.join(tmp, 'probe.c');
  const exe = path.join(tmp, 'probe');
  for (;;) {
    const { source, lineOf } = probeSource(names, ints, strs);
    fs.writeFileSync(src, source);
    const cc = spawnSync(
      CC,
      [...extraDefines, ...flags.cflags, '-std=c11', '-w', '-o', exe, src, ...flags.libs],
      { encoding: 'utf8' },
    );
    if (cc.status === 0) break;
    const bad = new Set();
    for (const m of cc.stderr.matchAll(/probe\.c:(\d+):/g)) {
      const name = lineOf.get(Number(m[1]));
      if (name) bad.add(name);
    }
    if (bad.size === 0) throw new Error(`probe failed to compile:\n${cc.stderr}`);
    for (const list of [names, strs]) {
      for (let i = list.length - 1; i >= 0; i--) if (bad.has(list[i])) list.splice(i, 1);
    }
    dropped.push(...bad);
  }
  const out = execFileSync(exe, { encoding: 'utf8' });
  const values = new Map();
  const stringValues = new Map();
  const options = [];
  for (const line of out.split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'C') values.set(f[1], BigInt(f[2]));
    else if (f[0] === 'S') stringValues.set(f[1], f.slice(2).join('\t'));
    else if (f[0] === 'O') options.push({ name: f[1], id: Number(f[2]), type: Number(f[3]), flags: Number(f[4]) });
  }
  return { values, stringValues, options, dropped: dropped.sort() };
}

// ---------------------------------------------------------------------------------------
// TypeScript emission

const tsString = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const tsKey = (n) => (n < 0 ? `'${n}'` : String(n));

function byRank(a, b) {
  return (
    Number(Boolean(a.deprecated)) - Number(Boolean(b.deprecated)) ||
    Number(a.kind !== 'enum') - Number(b.kind !== 'enum') ||
    a.order - b.order
  );
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const flags = curlFlags();
  const headerDir = findHeaderDir(flags.cflags);
  const { ints, strings } = scanHeaders(headerDir);
  const candidates = [...ints.keys()].sort();

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-gen-'));
  let probe;
  let modern;
  try {
    probe = runProbe(tmp, candidates, ints, strings, flags, []);
    // A second build with CURL_NO_OLDIES tells which names libcurl keeps only for old code.
    modern = runProbe(tmp, [...probe.values.keys()], ints, [], flags, ['-DCURL_NO_OLDIES']);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const version = probe.stringValues.get('LIBCURL_VERSION');
  if (!version) throw new Error('LIBCURL_VERSION not found');

  // name -> { value: number, kind, order, deprecated }
  const consts = new Map();
  const unsafe = [];
  for (let [name, big] of probe.values) {
    const info = ints.get(name);
    // Masks like CURLAUTH_ANY are ~x of an unsigned long: libcurl reads the option as a
    // C long, so the two's-complement signed value is the one that round-trips.
    if (big >= 2n ** 63n) big -= 2n ** 64n;
    if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
      unsafe.push(name);
      continue;
    }
    const deprecated = info.deprecated || (modern.values.has(name) ? null : 'old name, hidden by CURL_NO_OLDIES');
    consts.set(name, { ...info, value: Number(big), deprecated });
  }
  unsafe.sort();
  const need = (name) => {
    const c = consts.get(name);
    if (!c) throw new Error(`${name} missing from the probe`);
    return c.value;
  };

  // value -> best name, among one enum's members; sentinels are not codes or ids.
  const nameTable = (prefix, keep = () => true) => {
    const best = new Map();
    for (const [name, c] of consts) {
      if (!name.startsWith(prefix) || c.kind !== 'enum' || /_LAST(ENTRY|ONE)?$/.test(name)) continue;
      if (!keep(c.value)) continue;
      const cur = best.get(c.value);
      if (!cur || byRank(c, consts.get(cur)) < 0) best.set(c.value, name);
    }
    return [...best].sort((a, b) => a[0] - b[0]);
  };

  // Easy options, from libcurl's table.
  const kindOf = new Map(EASY_OPTION_KINDS.map((k) => [need(`CURLOT_${k.toUpperCase()}`), k]));
  const aliasFlag = need('CURLOT_FLAG_ALIAS');
  const easy = new Map(); // id -> { name, kind }
  for (const o of probe.options) {
    const kind = kindOf.get(o.type);
    if (!kind) throw new Error(`option ${o.name}: unknown curl_easytype ${o.type}`);
    if (o.flags & aliasFlag) continue;
    if (easy.has(o.id)) throw new Error(`option id ${o.id} has two canonical names`);
    easy.set(o.id, { name: `CURLOPT_${o.name}`, kind });
  }
  const aliasCount = probe.options.length - easy.size;
  for (const o of probe.options) {
    if (!easy.has(o.id)) throw new Error(`option ${o.name} (${o.id}) has only alias names`);
  }
  const easyIds = [...easy.keys()].sort((a, b) => a - b);

  // Multi options: libcurl has no table, their type is in the id range.
  const LONG = need('CURLOPTTYPE_LONG');
  const OBJECT = need('CURLOPTTYPE_OBJECTPOINT');
  const FUNCTION = need('CURLOPTTYPE_FUNCTIONPOINT');
  const OFF_T = need('CURLOPTTYPE_OFF_T');
  const multiOptions = nameTable('CURLMOPT_');

  const infoMask = need('CURLINFO_MASK');
  const infoTypeMask = need('CURLINFO_TYPEMASK');

  const used = new Set();
  const easyValueType = (name, kind) => {
    switch (kind) {
      case 'long':
      case 'values':
        return 'number | boolean;';
      case 'off_t':
        return 'number | bigint;';
      case 'string':
        return 'string | null;';
      case 'slist':
        return 'readonly string[] | null;';
      case 'blob':
        return 'Buffer | null;';
      case 'object':
        // The request body: curlio copies a string or a Buffer (libcurl would not).
        if (name === 'CURLOPT_POSTFIELDS' || name === 'CURLOPT_COPYPOSTFIELDS') return 'string | Buffer | null;';
        return 'unknown;';
      case 'cbptr':
        return 'unknown;';
      case 'function': {
        const cb = EASY_CALLBACKS[name];
        if (!cb) return UNSUPPORTED_CALLBACK;
        used.add(cb);
        return `${cb} | null;`;
      }
    }
    throw new Error(`unhandled option kind ${kind}`);
  };
  const multiValueType = (name, value) => {
    const base = Math.floor(value / 10000) * 10000;
    if (base === LONG) return 'number | boolean;';
    if (base === OFF_T) return 'number | bigint;';
    if (base === OBJECT) return name.endsWith('DATA') ? 'unknown;' : 'readonly string[] | null;';
    if (base === FUNCTION) {
      const cb = MULTI_CALLBACKS[name];
      if (!cb) return UNSUPPORTED_CALLBACK;
      used.add(cb);
      return `${cb} | null;`;
    }
    throw new Error(`${name}: unknown option type range ${base}`);
  };
  const key = (name, id) => (consts.has(name) && consts.get(name).value === id ? `[${name}]` : String(id));
  const member = (k, type) => `  ${k}: ${type}`;

  const easyTypeLines = [...easy]
    .sort((a, b) => (a[1].name < b[1].name ? -1 : a[1].name > b[1].name ? 1 : 0))
    .map(([id, o]) => member(key(o.name, id), easyValueType(o.name, o.kind)));
  const multiTypeLines = [...multiOptions]
    .sort((a, b) => (a[1] < b[1] ? -1 : 1))
    .map(([id, name]) => member(key(name, id), multiValueType(name, id)));

  const table = (decl, type, rows) => [
    `export const ${decl}: ${type} = Object.freeze({`,
    ...rows.map(([k, v]) => `  ${tsKey(k)}: ${tsString(v)},`),
    '});',
    '',
  ];

  const out = [];
  out.push(
    `// GENERATED by scripts/gen-constants.js from libcurl ${version} headers. Do not edit.`,
    '// Names come from the headers, values from compiling against them, option kinds from',
    '// curl_easy_option_next(). Regenerate with `npm run gen:constants`.',
    '/* eslint-disable */',
    '',
  );
  const callbackImports = [...used].sort();
  if (callbackImports.length) {
    out.push(`import type {`, ...callbackImports.map((n) => `  ${n},`), `} from './callbacks';`, '');
  }

  out.push('// String macros.');
  for (const name of [...probe.stringValues.keys()].sort()) {
    out.push(`export const ${name} = ${tsString(probe.stringValues.get(name))} as const;`);
  }
  out.push('');

  out.push(`// ${consts.size} integer constants.`);
  if (unsafe.length) {
    out.push(
      `// ${unsafe.length} skipped, their value is beyond Number.MAX_SAFE_INTEGER: ${unsafe.join(', ')}.`,
    );
  }
  for (const name of [...consts.keys()].sort()) {
    const c = consts.get(name);
    if (c.deprecated) out.push(`/** @deprecated ${c.deprecated} */`);
    out.push(`export const ${name} = ${c.value} as const;`);
  }
  out.push('');

  out.push('// Result code -> name, from the enums (the #defined old spellings are not listed).');
  out.push(...table('CURLcodeNames', 'Readonly<Record<number, string>>', nameTable('CURLE_')));
  out.push(...table('CURLMcodeNames', 'Readonly<Record<number, string>>', nameTable('CURLM_')));
  out.push(...table('CURLSHcodeNames', 'Readonly<Record<number, string>>', nameTable('CURLSHE_')));
  out.push(...table('CURLUcodeNames', 'Readonly<Record<number, string>>', nameTable('CURLUE_')));

  out.push(
    '// curl_getinfo() ids: the ones carrying a CURLINFO_<type> bit (not the debug',
    '// callback types CURLINFO_TEXT.., nor the type masks themselves).',
  );
  out.push(
    ...table(
      'infoNames',
      'Readonly<Record<number, string>>',
      nameTable('CURLINFO_', (v) => (v & infoTypeMask) !== 0 && (v & infoMask) !== 0),
    ),
  );
  out.push(...table('multiOptionNames', 'Readonly<Record<number, string>>', multiOptions));

  out.push(
    `// ${easy.size} easy options (${aliasCount} more alias names share their ids), from libcurl's option table.`,
    `export type EasyOptionKind = ${EASY_OPTION_KINDS.map(tsString).join(' | ')};`,
    '',
  );
  out.push(
    ...table(
      'easyOptionTypes',
      'Readonly<Record<number, EasyOptionKind>>',
      easyIds.map((id) => [id, easy.get(id).kind]),
    ),
  );
  out.push(
    ...table(
      'easyOptionNames',
      'Readonly<Record<number, string>>',
      easyIds.map((id) => [id, easy.get(id).name]),
    ),
  );

  out.push(
    '/** The JavaScript value each easy option takes; `null` resets it to libcurl\'s default. */',
    'export interface EasyOptionValueTypes {',
    ...easyTypeLines,
    '}',
    '',
    '/** The JavaScript value each multi option takes. */',
    'export interface MultiOptionValueTypes {',
    ...multiTypeLines,
    '}',
    '',
    'export type EasyOption = keyof EasyOptionValueTypes;',
    'export type MultiOption = keyof MultiOptionValueTypes;',
    '',
  );

  const text = out.join('\n');
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out, text);
  process.stderr.write(
    `gen-constants: libcurl ${version}: ${consts.size} constants, ${unsafe.length} too large, ` +
      `${probe.dropped.length} names rejected by the compiler, ${easy.size} easy options ` +
      `(+${aliasCount} aliases), ${multiOptions.length} multi options -> ${path.relative(process.cwd(), args.out)}\n`,
  );
  if (process.env.GEN_CONSTANTS_VERBOSE) {
    process.stderr.write(`rejected: ${probe.dropped.join(' ')}\n`);
    process.stderr.write(`deprecated: ${[...consts].filter(([, c]) => c.deprecated).map(([n]) => n).join(' ')}\n`);
  }
}

main();
