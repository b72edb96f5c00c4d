'use strict';
// fetch() as its users write it: the row's URL, the body read whole with arrayBuffer(), C in
// flight. One implementation per client file (fetch-curlio.js, fetch-undici.js,
// fetch-node.js), so curlio's front door is measured beside the two fetches it replaces.
const { main, runWorkers, SkipClient } = require('./harness');

module.exports = function fetchClient(name, load) {
  main(name, async (opts) => {
    if (opts.h2) throw new SkipClient('the fetch rows are HTTP/1.1');
    const fetch = load();
    async function one() {
      const response = await fetch(opts.url);
      const body = await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      return body.byteLength;
    }
    return { run: (count) => runWorkers(count, opts.c, opts.expectLen, one), close: () => {} };
  });
};
