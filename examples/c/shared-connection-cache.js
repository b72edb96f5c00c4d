#!/usr/bin/env node
// curl's docs/examples/shared-connection-cache.c (7.88.1): three easy handles, made and
// cleaned up one after the other, reuse one connection through a share handle's
// connection cache (CURL_LOCK_DATA_CONNECT). Bodies go to stdout.
//   node examples/c/shared-connection-cache.js [URL]
'use strict';
const {
  CURLE_OK, CURLOPT_SHARE, CURLOPT_URL, CURLSHOPT_LOCKFUNC, CURLSHOPT_SHARE, CURLSHOPT_UNLOCKFUNC,
  CURL_LOCK_DATA_CONNECT,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror, curl_share_cleanup,
  curl_share_init, curl_share_setopt,
} = require('curlio/libcurl');

function my_lock(handle, data, laccess, useptr) {
  void handle;
  void data;
  void laccess;
  void useptr;
  process.stderr.write('-> Mutex lock\n');
}

function my_unlock(handle, data, useptr) {
  void handle;
  void data;
  void useptr;
  process.stderr.write('<- Mutex unlock\n');
}

function main(argv = process.argv.slice(2)) {
  let share;
  let i;

  share = curl_share_init();
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);

  curl_share_setopt(share, CURLSHOPT_LOCKFUNC, my_lock);
  curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, my_unlock);

  /* Loop the transfer and cleanup the handle properly every lap. This will
     still reuse connections since the pool is in the shared object! */

  for(i = 0; i < 3; i++) {
    const curl = curl_easy_init();
    if(curl) {
      let res;

      curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'https://curl.se/');

      /* use the share object */
      curl_easy_setopt(curl, CURLOPT_SHARE, share);

      /* Perform the request, res will get the return code */
      res = curl_easy_perform(curl);
      /* Check for errors */
      if(res != CURLE_OK)
        process.stderr.write(`curl_easy_perform() failed: ${curl_easy_strerror(res)}\n`);

      /* always cleanup */
      curl_easy_cleanup(curl);
    }
  }

  curl_share_cleanup(share);
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
