#!/usr/bin/env node
// curl's docs/examples/getreferrer.c (7.88.1): CURLOPT_REFERER and CURLINFO_REFERER.
//   node examples/c/getreferrer.js [URL]
'use strict';
const {
  CURLE_OK, CURLINFO_REFERER, CURLOPT_REFERER, CURLOPT_URL,
  curl_easy_cleanup, curl_easy_getinfo, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror,
} = require('curlio/libcurl');

function main(argv = process.argv.slice(2)) {
  let curl;

  curl = curl_easy_init();
  if(curl) {
    let res;

    curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'https://example.com');
    curl_easy_setopt(curl, CURLOPT_REFERER, 'https://example.org/referrer');

    /* Perform the request, res will get the return code */
    res = curl_easy_perform(curl);
    /* Check for errors */
    if(res != CURLE_OK)
      process.stderr.write(`curl_easy_perform() failed: ${curl_easy_strerror(res)}\n`);
    else {
      const hdr = { value: null };
      res = curl_easy_getinfo(curl, CURLINFO_REFERER, hdr);
      if((res == CURLE_OK) && hdr.value)
        process.stdout.write(`Referrer header: ${hdr.value}\n`);
    }

    /* always cleanup */
    curl_easy_cleanup(curl);
  }
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
