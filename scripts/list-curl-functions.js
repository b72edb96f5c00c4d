#!/usr/bin/env node
// Lists every public function of the linked libcurl's headers (curl.h, easy.h, multi.h,
// urlapi.h, header.h, options.h, websockets.h, mprintf.h): what README's table of the C API
// must cover (test/docs/c-api-table.test.ts holds it to that).
//
//   node scripts/list-curl-functions.js            one "header function" per line
//   node scripts/list-curl-functions.js --json     [{ header, name }...]
//
// The headers are the ones the C compiler really includes, found as gen-constants.js does.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const CC = process.env.CC || 'cc';
const HEADERS = ['curl.h', 'easy.h', 'multi.h', 'urlapi.h', 'header.h', 'options.h', 'websockets.h', 'mprintf.h'];

function headerDir() {
  const cflags = execFileSync('pkg-config', ['--cflags', 'libcurl'], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean);
  const deps = execFileSync(CC, [...cflags, '-M', '-x', 'c', '-'], { input: '#include <curl/curl.h>\n', encoding: 'utf8' });
  const curlH = deps.split(/[\s\\]+/).find((p) => /(^|\/)curl\/curl\.h$/.test(p));
  if (!curlH) throw new Error('could not locate curl/curl.h through the compiler');
  return path.dirname(path.resolve(curlH));
}

/** The functions `text` (a header) declares with CURL_EXTERN, in order. */
function declaredFunctions(text) {
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/.*$/gm, ' ')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // CURL_DEPRECATED(7.56.0, "Use curl_mime_init()") names another function
    .replace(/CURL_DEPRECATED\([^)]*\)/g, ' ');
  const names = [];
  // CURL_EXTERN <return type> [*]name(  — declarations span lines; a function-pointer
  // typedef never starts with CURL_EXTERN.
  for (const m of code.matchAll(/CURL_EXTERN\b([^;{]*?)\b(curl_\w+)\s*\(/g)) {
    if (!names.includes(m[2])) names.push(m[2]);
  }
  return names;
}

function listFunctions() {
  const dir = headerDir();
  const list = [];
  for (const header of HEADERS) {
    const file = path.join(dir, header);
    if (!fs.existsSync(file)) continue;
    for (const name of declaredFunctions(fs.readFileSync(file, 'utf8'))) list.push({ header, name });
  }
  return list;
}

module.exports = { listFunctions };

if (require.main === module) {
  const list = listFunctions();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
  else for (const { header, name } of list) process.stdout.write(`${header} ${name}\n`);
}
