#!/usr/bin/env node
// A small web crawler on one Multi: pages fetched in parallel on the native driver, links
// of the same origin followed breadth first, each page fetched once.
//
//   node examples/crawler.js START_URL [--max-pages N] [--parallel N]
'use strict';
const { parseArgs } = require('node:util');
const {
  Easy, Multi, CURLINFO_CONTENT_TYPE, CURLINFO_RESPONSE_CODE, CURLOPT_FOLLOWLOCATION, CURLOPT_TIMEOUT_MS, CURLOPT_URL,
} = require('curlio/libcurl');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'max-pages': { type: 'string' }, parallel: { type: 'string' } },
});
if (positionals.length !== 1) {
  console.error('usage: node examples/crawler.js START_URL [--max-pages N] [--parallel N]');
  process.exit(2);
}
const start = new URL(positionals[0]);
const maxPages = Number(values['max-pages'] ?? 100);
const parallel = Number(values.parallel ?? 8);

/** The href targets of <a> tags in `html`, resolved against `base`, same origin only, without fragments. */
function links(html, base) {
  const found = [];
  for (const match of html.matchAll(/<a\s[^>]*href\s*=\s*["']([^"'#]+)/gi)) {
    try {
      const url = new URL(match[1], base);
      if (url.origin === start.origin) found.push(url.href);
    } catch {
      // not a URL: skip it
    }
  }
  return found;
}

async function crawl() {
  const multi = new Multi();
  const seen = new Set([start.href]);
  const queue = [start.href];
  let failed = 0;
  let crawled = 0;

  async function fetchPage(url) {
    const easy = new Easy();
    easy.setopt(CURLOPT_URL, url).setopt(CURLOPT_FOLLOWLOCATION, 1).setopt(CURLOPT_TIMEOUT_MS, 10_000);
    try {
      const { body } = await multi.perform(easy);
      const status = easy.getinfo(CURLINFO_RESPONSE_CODE);
      const type = easy.getinfo(CURLINFO_CONTENT_TYPE) ?? '';
      console.log(`${status} ${url} (${body.length} bytes)`);
      if (status >= 400) failed++;
      if (status === 200 && type.startsWith('text/html')) {
        for (const link of links(body.toString('utf8'), easy.effectiveUrl ?? url)) {
          if (!seen.has(link) && seen.size < maxPages) {
            seen.add(link);
            queue.push(link);
          }
        }
      }
    } catch (error) {
      failed++;
      console.log(`ERR ${url}: ${error.name} ${error.message}`);
    } finally {
      easy.close();
      crawled++;
    }
  }

  // `parallel` workers take URLs off the queue; a worker finding it empty waits for the others.
  const active = new Set();
  while (queue.length > 0 || active.size > 0) {
    while (queue.length > 0 && active.size < parallel) {
      const job = fetchPage(queue.shift()).finally(() => active.delete(job));
      active.add(job);
    }
    await Promise.race(active);
  }
  multi.close();
  console.log(`crawled ${crawled} pages, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

crawl().then((code) => {
  process.exitCode = code;
});
