'use strict';
// curlio's Multi.perform(easy): the native libuv driver runs the transfer and hands back
// the buffered body in one call per loop turn. Easy handles are reused, one per worker.
const { main, runWorkers } = require('./harness');

main('multi-perform', async (opts) => {
  const lc = require('../../dist/libcurl');
  const multi = new lc.Multi();
  if (opts.h2) multi.setopt(lc.CURLMOPT_PIPELINING, lc.CURLPIPE_MULTIPLEX);
  multi.setopt(lc.CURLMOPT_MAXCONNECTS, opts.c);
  const free = [];
  function makeEasy() {
    const easy = new lc.Easy();
    easy.setopt(lc.CURLOPT_URL, opts.url);
    if (opts.h2) {
      easy.setopt(lc.CURLOPT_HTTP_VERSION, lc.CURL_HTTP_VERSION_2TLS);
      easy.setopt(lc.CURLOPT_PIPEWAIT, 1);
      easy.setopt(lc.CURLOPT_CAINFO, opts.caFile);
    }
    return easy;
  }
  async function one() {
    const easy = free.pop() ?? makeEasy();
    try {
      const { body } = await multi.perform(easy);
      const status = easy.getinfo(lc.CURLINFO_RESPONSE_CODE);
      if (status !== 200) throw new Error(`status ${status}`);
      return body.length;
    } finally {
      free.push(easy);
    }
  }
  return {
    run: (count) => runWorkers(count, opts.c, opts.expectLen, one),
    close: () => {
      for (const e of free) e.cleanup();
      multi.cleanup();
    },
  };
});
