#!/usr/bin/env node
// curl's docs/examples/multi-double.c (7.88.1): two transfers at once on a multi handle,
// curl_multi_perform and curl_multi_poll; both bodies go to stdout.
//   node examples/c/multi-double.js [URL] [URL2]
'use strict';
const {
  CURLMSG_DONE, CURLOPT_URL,
  curl_easy_cleanup, curl_easy_init, curl_easy_setopt, curl_multi_add_handle, curl_multi_cleanup,
  curl_multi_info_read, curl_multi_init, curl_multi_perform, curl_multi_poll, curl_multi_remove_handle,
} = require('curlio/libcurl');

function main(argv = process.argv.slice(2)) {
  let http_handle;
  let http_handle2;
  let multi_handle;

  const still_running = { value: 1 }; /* keep number of running handles */

  http_handle = curl_easy_init();
  http_handle2 = curl_easy_init();

  /* set options */
  curl_easy_setopt(http_handle, CURLOPT_URL, argv[0] ?? 'https://www.example.com/');

  /* set options */
  curl_easy_setopt(http_handle2, CURLOPT_URL, argv[1] ?? 'http://localhost/');

  /* init a multi stack */
  multi_handle = curl_multi_init();

  /* add the individual transfers */
  curl_multi_add_handle(multi_handle, http_handle);
  curl_multi_add_handle(multi_handle, http_handle2);

  while(still_running.value) {
    let msg;
    const queued = { value: 0 };
    let mc = curl_multi_perform(multi_handle, still_running);

    if(still_running.value)
      /* wait for activity, timeout or "nothing" */
      mc = curl_multi_poll(multi_handle, null, 0, 1000, null);

    if(mc)
      break;

    do {
      msg = curl_multi_info_read(multi_handle, queued);
      if(msg) {
        if(msg.msg == CURLMSG_DONE) {
          /* a transfer ended */
          process.stderr.write('Transfer completed\n');
        }
      }
    } while(msg);
  }

  curl_multi_remove_handle(multi_handle, http_handle);
  curl_multi_remove_handle(multi_handle, http_handle2);

  curl_multi_cleanup(multi_handle);

  curl_easy_cleanup(http_handle);
  curl_easy_cleanup(http_handle2);

  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
