#!/usr/bin/env node
// curl's docs/examples/simplepost.c (7.88.1): a simple POST; the response goes to stdout.
//   node examples/c/simplepost.js [URL]
'use strict';
const {
  CURLE_OK, CURLOPT_POSTFIELDS, CURLOPT_POSTFIELDSIZE, CURLOPT_URL,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror,
} = require('curlio/libcurl');

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;

  const postthis = 'moo mooo moo moo';

  curl = curl_easy_init();
  if(curl) {
    curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'https://example.com');
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, postthis);

    /* if we do not provide POSTFIELDSIZE, libcurl will strlen() by
       itself */
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, Buffer.byteLength(postthis));

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
