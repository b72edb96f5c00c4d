#!/usr/bin/env node
// A small web crawler on one Session: pages fetched in parallel on the native driver, links
// of the same origin followed breadth first, each page fetched once.
//
//   node examples/crawler.js START_URL [--max-pages N] [--parallel N]
'use strict';
const { parseArgs } = require('node:util');
const { Message, Session, statusIsTransportError, statusPhrase } = require('curlio');

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
  // The session keeps up to `parallel` connections to the site alive and reuses them.
  const session = new Session({ maxConns: parallel, maxConnsPerHost: parallel, timeout: 10 });
  const seen = new Set([start.href]);
  const queue = [start.href];
  let failed = 0;
  let crawled = 0;

  async function fetchPage(url) {
    const msg = new Message('GET', url);
    try {
      // The HTTP status once the redirects are followed, or a transport Status (Status.CANT_CONNECT, ...).
      const status = await session.send(msg);
      if (statusIsTransportError(status)) {
        failed++;
        console.log(`ERR ${url}: ${status} ${statusPhrase(status)}`);
        return;
      }
      console.log(`${status} ${url} (${msg.responseBody.length} bytes)`);
      if (status >= 400) failed++;
      if (status === 200 && msg.responseHeaders.contentType?.toLowerCase() === 'text/html') {
        // msg.uri is where the redirects ended: relative links resolve against it.
        for (const link of links(msg.responseBody.toString('utf8'), msg.uri)) {
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
  session.close();
  console.log(`crawled ${crawled} pages, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

crawl().then((code) => {
  process.exitCode = code;
});
