#!/usr/bin/env node
// curl's docs/examples/simple.c (7.88.1): a very simple HTTP GET. No WRITEFUNCTION: the
// body goes to stdout, C's default.   node examples/c/simple.js [URL]
'use strict';
const {
  CURLE_OK, CURLOPT_FOLLOWLOCATION, CURLOPT_URL,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror,
} = require('curlio/libcurl');

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;

  curl = curl_easy_init();
  if(curl) {
    curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'https://example.com');
    /* example.com is redirected, so we tell libcurl to follow redirection */
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1);

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
