#!/usr/bin/env node
// curl's docs/examples/getinfo.c (7.88.1): CURLINFO_CONTENT_TYPE after a transfer (whose
// body goes to stdout).   node examples/c/getinfo.js [URL]
'use strict';
const {
  CURLE_OK, CURLINFO_CONTENT_TYPE, CURLOPT_URL,
  curl_easy_cleanup, curl_easy_getinfo, curl_easy_init, curl_easy_perform, curl_easy_setopt,
} = require('curlio/libcurl');

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;

  curl = curl_easy_init();
  if(curl) {
    curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'https://www.example.com/');
    res = curl_easy_perform(curl);

    if(CURLE_OK == res) {
      const ct = { value: null };
      /* ask for the content-type */
      res = curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, ct);

      if((CURLE_OK == res) && ct.value)
        process.stdout.write(`We received Content-Type: ${ct.value}\n`);
    }

    /* always cleanup */
    curl_easy_cleanup(curl);
  }
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
