#!/usr/bin/env node
// curl's docs/examples/persistent.c (7.88.1): two documents over one connection, with
// CURLOPT_HEADER (headers written to stdout with the body).
//   node examples/c/persistent.js [URL] [URL2]
'use strict';
const {
  CURLE_OK, CURLOPT_HEADER, CURLOPT_URL, CURLOPT_VERBOSE, CURL_GLOBAL_ALL,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror, curl_global_init,
} = require('curlio/libcurl');

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;

  curl_global_init(CURL_GLOBAL_ALL);

  curl = curl_easy_init();
  if(curl) {
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1);
    curl_easy_setopt(curl, CURLOPT_HEADER, 1);

    /* get the first document */
    curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'https://example.com/');

    /* Perform the request, res will get the return code */
    res = curl_easy_perform(curl);
    /* Check for errors */
    if(res != CURLE_OK)
      process.stderr.write(`curl_easy_perform() failed: ${curl_easy_strerror(res)}\n`);

    /* get another document from the same server using the same
       connection */
    curl_easy_setopt(curl, CURLOPT_URL, argv[1] ?? 'https://example.com/docs/');

    /* Perform the request, res will get the return code */
    res = curl_easy_perform(curl);
    /* Check for errors */
    if(res != CURLE_OK)
      process.stderr.write(`curl_easy_perform() failed: ${curl_easy_strerror(res)}\n`);

    /* always cleanup */
    curl_easy_cleanup(curl);
  }

  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
