#!/usr/bin/env node
// curl's docs/examples/https.c (7.88.1): an HTTPS GET; the body goes to stdout. The C's
// compile-time SKIP_PEER_VERIFICATION / SKIP_HOSTNAME_VERIFICATION are environment
// variables here.   node examples/c/https.js [URL]
'use strict';
const {
  CURLE_OK, CURLOPT_SSL_VERIFYHOST, CURLOPT_SSL_VERIFYPEER, CURLOPT_URL, CURL_GLOBAL_DEFAULT,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror, curl_global_cleanup,
  curl_global_init,
} = require('curlio/libcurl');

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;

  curl_global_init(CURL_GLOBAL_DEFAULT);

  curl = curl_easy_init();
  if(curl) {
    curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'https://example.com/');

    if (process.env.SKIP_PEER_VERIFICATION) {
      /*
       * If you want to connect to a site who is not using a certificate that is
       * signed by one of the certs in the CA bundle you have, you can skip the
       * verification of the server's certificate. This makes the connection
       * A LOT LESS SECURE.
       */
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0);
    }

    if (process.env.SKIP_HOSTNAME_VERIFICATION) {
      /*
       * If the site you are connecting to uses a different host name that what
       * they have mentioned in their server certificate's commonName (or
       * subjectAltName) fields, libcurl will refuse to connect. You can skip
       * this check, but this will make the connection less secure.
       */
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0);
    }

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
