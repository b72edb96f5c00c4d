#!/usr/bin/env node
// curl's docs/examples/httpcustomheader.c (7.88.1): remove, add, replace and blank
// request headers with CURLOPT_HTTPHEADER.   node examples/c/httpcustomheader.js [URL]
'use strict';
const {
  CURLE_OK, CURLOPT_HTTPHEADER, CURLOPT_URL, CURLOPT_VERBOSE,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror, curl_slist_append,
  curl_slist_free_all,
} = require('curlio/libcurl');

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;

  curl = curl_easy_init();
  if(curl) {
    let chunk = null;

    /* Remove a header curl would otherwise add by itself */
    chunk = curl_slist_append(chunk, 'Accept:');

    /* Add a custom header */
    chunk = curl_slist_append(chunk, 'Another: yes');

    /* Modify a header curl otherwise adds differently */
    chunk = curl_slist_append(chunk, 'Host: example.com');

    /* Add a header with "blank" contents to the right of the colon. Note that
       we are then using a semicolon in the string we pass to curl! */
    chunk = curl_slist_append(chunk, 'X-silly-header;');

    /* set our custom set of headers */
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, chunk);

    curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'localhost');
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1);

    res = curl_easy_perform(curl);
    /* Check for errors */
    if(res != CURLE_OK)
      process.stderr.write(`curl_easy_perform() failed: ${curl_easy_strerror(res)}\n`);

    /* always cleanup */
    curl_easy_cleanup(curl);

    /* free the custom headers */
    curl_slist_free_all(chunk);
  }
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
