#!/usr/bin/env node
// curl's docs/examples/http-post.c (7.88.1): a simple POST; the response goes to stdout.
//   node examples/c/http-post.js [URL]
'use strict';
const {
  CURLE_OK, CURLOPT_POSTFIELDS, CURLOPT_URL, CURL_GLOBAL_ALL,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror, curl_global_cleanup,
  curl_global_init,
} = require('curlio/libcurl');

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;

  /* In windows, this will init the winsock stuff */
  curl_global_init(CURL_GLOBAL_ALL);

  /* get a curl handle */
  curl = curl_easy_init();
  if(curl) {
    /* First set the URL that is about to receive our POST. This URL can
       just as well be an https:// URL if that is what should receive the
       data. */
    curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'http://postit.example.com/moo.cgi');
    /* Now specify the POST data */
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, 'name=daniel&project=curl');

    /* Perform the request, res will get the return code */
    res = curl_easy_perform(curl);
    /* Check for errors */
    if(res != CURLE_OK)
      process.stderr.write(`curl_easy_perform() failed: ${curl_easy_strerror(res)}\n`);

    /* always cleanup */
    curl_easy_cleanup(curl);
  }
  curl_global_cleanup();
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
