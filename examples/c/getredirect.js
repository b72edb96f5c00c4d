#!/usr/bin/env node
// curl's docs/examples/getredirect.c (7.88.1): where a redirect would go, from
// CURLINFO_REDIRECT_URL, without following it.   node examples/c/getredirect.js [URL]
'use strict';
const {
  CURLE_OK, CURLINFO_REDIRECT_URL, CURLINFO_RESPONSE_CODE, CURLOPT_URL,
  curl_easy_cleanup, curl_easy_getinfo, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror,
} = require('curlio/libcurl');

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;
  const location = { value: null };
  const response_code = { value: 0 };

  curl = curl_easy_init();
  if(curl) {
    curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'https://example.com');

    /* example.com is redirected, figure out the redirection! */

    /* Perform the request, res will get the return code */
    res = curl_easy_perform(curl);
    /* Check for errors */
    if(res != CURLE_OK)
      process.stderr.write(`curl_easy_perform() failed: ${curl_easy_strerror(res)}\n`);
    else {
      res = curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, response_code);
      if((res == CURLE_OK) &&
         (Math.floor(response_code.value / 100) != 3)) {
        /* a redirect implies a 3xx response code */
        process.stderr.write('Not a redirect.\n');
      }
      else {
        res = curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, location);

        if((res == CURLE_OK) && location.value) {
          /* This is the new absolute URL that you could redirect to, even if
           * the Location: response header may have been a relative URL. */
          process.stdout.write(`Redirected to: ${location.value}\n`);
        }
      }
    }

    /* always cleanup */
    curl_easy_cleanup(curl);
  }
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
