'use strict';
// curlio's IoThreadMulti.perform(easy): libcurl's multi runs on a native I/O thread of its
// own; finished transfers come back to the JS thread in batches (one uv_async wake-up and
// one call into JavaScript per batch). Easy handles are reused, one per worker. The
// harness's JS-thread CPU is the main thread's alone; process CPU includes the I/O thread.
const { main, runWorkers, SkipClient } = require('./harness');

main('multi-io-thread', async (opts) => {
  const lc = require('../../dist/libcurl');
  if (typeof lc.IoThreadMulti !== 'function') throw new SkipClient('IoThreadMulti is not in this build');
  const multi = new lc.IoThreadMulti();
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
      const { body, status } = await multi.perform(easy);
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
