#!/usr/bin/env node
// curl's docs/examples/parseurl.c (7.88.1): the URL API parses, extracts parts and
// follows a relative URL.   node examples/c/parseurl.js [URL] [RELATIVE]
'use strict';
const {
  CURLUPART_HOST, CURLUPART_PATH, CURLUPART_URL,
  curl_free, curl_url, curl_url_cleanup, curl_url_get, curl_url_set,
} = require('curlio/libcurl');

function main(argv = process.argv.slice(2)) {
  let h;
  let uc;
  const host = { value: null };
  const path = { value: null };

  h = curl_url(); /* get a handle to work with */
  if(!h)
    return 1;

  fail: {
    /* parse a full URL */
    uc = curl_url_set(h, CURLUPART_URL, argv[0] ?? 'http://example.com/path/index.html', 0);
    if(uc)
      break fail;

    /* extract host name from the parsed URL */
    uc = curl_url_get(h, CURLUPART_HOST, host, 0);
    if(!uc) {
      process.stdout.write(`Host name: ${host.value}\n`);
      curl_free(host.value);
    }

    /* extract the path from the parsed URL */
    uc = curl_url_get(h, CURLUPART_PATH, path, 0);
    if(!uc) {
      process.stdout.write(`Path: ${path.value}\n`);
      curl_free(path.value);
    }

    /* redirect with a relative URL */
    uc = curl_url_set(h, CURLUPART_URL, argv[1] ?? '../another/second.html', 0);
    if(uc)
      break fail;

    /* extract the new, updated path */
    uc = curl_url_get(h, CURLUPART_PATH, path, 0);
    if(!uc) {
      process.stdout.write(`Path: ${path.value}\n`);
      curl_free(path.value);
    }
  }

  curl_url_cleanup(h); /* free url handle */
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
