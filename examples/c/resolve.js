#!/usr/bin/env node
// curl's docs/examples/resolve.c (7.88.1): CURLOPT_RESOLVE sends a host name to an
// address of our choosing.   node examples/c/resolve.js [HOST:PORT:ADDRESS] [URL]
'use strict';
const {
  CURLE_OK, CURLOPT_RESOLVE, CURLOPT_URL,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_slist_append, curl_slist_free_all,
} = require('curlio/libcurl');

function main(argv = process.argv.slice(2)) {
  let curl;
  let res = CURLE_OK;

  /* Each single name resolve string should be written using the format
     HOST:PORT:ADDRESS where HOST is the name libcurl will try to resolve,
     PORT is the port number of the service where libcurl wants to connect to
     the HOST and ADDRESS is the numerical IP address
   */
  const host = curl_slist_append(null,
                                 argv[0] ?? 'example.com:443:127.0.0.1');

  curl = curl_easy_init();
  if(curl) {
    curl_easy_setopt(curl, CURLOPT_RESOLVE, host);
    curl_easy_setopt(curl, CURLOPT_URL, argv[1] ?? 'https://example.com');
    res = curl_easy_perform(curl);

    /* always cleanup */
    curl_easy_cleanup(curl);
  }

  curl_slist_free_all(host);

  return res;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
