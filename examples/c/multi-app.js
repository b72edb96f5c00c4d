#!/usr/bin/env node
// curl's docs/examples/multi-app.c (7.88.1): two transfers (HTTP and an FTP upload) on
// one multi handle, driven by curl_multi_perform and curl_multi_poll, which block this
// thread as in C.   node examples/c/multi-app.js [HTTP-URL] [FTP-URL]
'use strict';
const {
  CURLMSG_DONE, CURLOPT_UPLOAD, CURLOPT_URL,
  curl_easy_cleanup, curl_easy_init, curl_easy_setopt, curl_multi_add_handle, curl_multi_cleanup,
  curl_multi_info_read, curl_multi_init, curl_multi_perform, curl_multi_poll, curl_multi_remove_handle,
} = require('curlio/libcurl');

const HANDLECOUNT = 2; /* Number of simultaneous transfers */
const HTTP_HANDLE = 0; /* Index for the HTTP transfer */
const FTP_HANDLE = 1;  /* Index for the FTP transfer */

function main(argv = process.argv.slice(2)) {
  const handles = new Array(HANDLECOUNT);
  let multi_handle;

  const still_running = { value: 1 }; /* keep number of running handles */
  let i;

  let msg; /* for picking up messages with the transfer status */
  const msgs_left = { value: 0 }; /* how many messages are left */

  /* Allocate one CURL handle per transfer */
  for(i = 0; i<HANDLECOUNT; i++)
    handles[i] = curl_easy_init();

  /* set the options (I left out a few, you will get the point anyway) */
  curl_easy_setopt(handles[HTTP_HANDLE], CURLOPT_URL, argv[0] ?? 'https://example.com');

  curl_easy_setopt(handles[FTP_HANDLE], CURLOPT_URL, argv[1] ?? 'ftp://example.com');
  curl_easy_setopt(handles[FTP_HANDLE], CURLOPT_UPLOAD, 1);

  /* init a multi stack */
  multi_handle = curl_multi_init();

  /* add the individual transfers */
  for(i = 0; i<HANDLECOUNT; i++)
    curl_multi_add_handle(multi_handle, handles[i]);

  while(still_running.value) {
    let mc = curl_multi_perform(multi_handle, still_running);

    if(still_running.value)
      /* wait for activity, timeout or "nothing" */
      mc = curl_multi_poll(multi_handle, null, 0, 1000, null);

    if(mc)
      break;
  }
  /* See how the transfers went */
  while((msg = curl_multi_info_read(multi_handle, msgs_left))) {
    if(msg.msg == CURLMSG_DONE) {
      let idx;

      /* Find out which handle this message is about */
      for(idx = 0; idx<HANDLECOUNT; idx++) {
        const found = (msg.easy_handle == handles[idx]);
        if(found)
          break;
      }

      switch(idx) {
      case HTTP_HANDLE:
        process.stdout.write(`HTTP transfer completed with status ${msg.data.result}\n`);
        break;
      case FTP_HANDLE:
        process.stdout.write(`FTP transfer completed with status ${msg.data.result}\n`);
        break;
      }
    }
  }

  /* remove the transfers and cleanup the handles */
  for(i = 0; i<HANDLECOUNT; i++) {
    curl_multi_remove_handle(multi_handle, handles[i]);
    curl_easy_cleanup(handles[i]);
  }

  curl_multi_cleanup(multi_handle);

  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
