#!/usr/bin/env node
// curl's docs/examples/urlapi.c (7.88.1): a transfer whose URL is a CURLU handle
// (CURLOPT_CURLU). The body goes to stdout.   node examples/c/urlapi.js [URL]
'use strict';
const {
  CURLE_OK, CURLOPT_CURLU, CURLOPT_VERBOSE, CURLUPART_URL,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror, curl_url,
  curl_url_cleanup, curl_url_set, curl_url_strerror,
} = require('curlio/libcurl');

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;

  let urlp;
  let uc;

  /* get a curl handle */
  curl = curl_easy_init();

  /* init Curl URL */
  urlp = curl_url();
  uc = curl_url_set(urlp, CURLUPART_URL,
                    argv[0] ?? 'http://example.com/path/index.html', 0);

  cleanup: {
    if(uc) {
      process.stderr.write(`curl_url_set() failed: ${curl_url_strerror(uc)}`);
      break cleanup;
    }

    if(curl) {
      /* set urlp to use as working URL */
      curl_easy_setopt(curl, CURLOPT_CURLU, urlp);
      curl_easy_setopt(curl, CURLOPT_VERBOSE, 1);

      res = curl_easy_perform(curl);
      /* Check for errors */
      if(res != CURLE_OK)
        process.stderr.write(`curl_easy_perform() failed: ${curl_easy_strerror(res)}\n`);

      break cleanup;
    }
  }

  curl_url_cleanup(urlp);
  curl_easy_cleanup(curl);
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
