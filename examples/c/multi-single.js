#!/usr/bin/env node
// curl's docs/examples/multi-single.c (7.88.1): one transfer on a multi handle, with
// curl_multi_perform and curl_multi_poll (blocking, as in C). The body goes to stdout.
//   node examples/c/multi-single.js [URL]
'use strict';
const {
  CURLOPT_URL, CURL_GLOBAL_DEFAULT,
  curl_easy_cleanup, curl_easy_init, curl_easy_setopt, curl_global_cleanup, curl_global_init,
  curl_multi_add_handle, curl_multi_cleanup, curl_multi_init, curl_multi_perform, curl_multi_poll,
  curl_multi_remove_handle,
} = require('curlio/libcurl');

function main(argv = process.argv.slice(2)) {
  let http_handle;
  let multi_handle;
  const still_running = { value: 1 }; /* keep number of running handles */

  curl_global_init(CURL_GLOBAL_DEFAULT);

  http_handle = curl_easy_init();

  /* set the options (I left out a few, you will get the point anyway) */
  curl_easy_setopt(http_handle, CURLOPT_URL, argv[0] ?? 'https://www.example.com/');

  /* init a multi stack */
  multi_handle = curl_multi_init();

  /* add the individual transfers */
  curl_multi_add_handle(multi_handle, http_handle);

  do {
    let mc = curl_multi_perform(multi_handle, still_running);

    if(!mc)
      /* wait for activity, timeout or "nothing" */
      mc = curl_multi_poll(multi_handle, null, 0, 1000, null);

    if(mc) {
      process.stderr.write(`curl_multi_poll() failed, code ${mc}.\n`);
      break;
    }

  } while(still_running.value);

  curl_multi_remove_handle(multi_handle, http_handle);

  curl_easy_cleanup(http_handle);

  curl_multi_cleanup(multi_handle);

  curl_global_cleanup();

  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
