#!/usr/bin/env node
// curl's docs/examples/multi-debugcallback.c (7.88.1): a multi transfer with a
// DEBUGFUNCTION that dumps what goes in and out to stderr; the body goes to stdout.
//   node examples/c/multi-debugcallback.js [URL]
'use strict';
const {
  CURLINFO_DATA_IN, CURLINFO_DATA_OUT, CURLINFO_HEADER_IN, CURLINFO_HEADER_OUT, CURLINFO_TEXT,
  CURLOPT_DEBUGFUNCTION, CURLOPT_URL, CURLOPT_VERBOSE,
  curl_easy_cleanup, curl_easy_init, curl_easy_setopt, curl_multi_add_handle, curl_multi_cleanup,
  curl_multi_init, curl_multi_perform, curl_multi_poll,
} = require('curlio/libcurl');
const { dump } = require('./dump');

const TRUE = 1;
const stderr = 2;

function my_trace(handle, type, data, userp) {
  let text;
  void userp;
  void handle; /* prevent compiler warning */

  switch(type) {
  case CURLINFO_TEXT:
    process.stderr.write(`== Info: ${data.toString('latin1')}`);
    /* FALLTHROUGH */
  default: /* in case a new one is introduced to shock us */
    return 0;

  case CURLINFO_HEADER_OUT:
    text = '=> Send header';
    break;
  case CURLINFO_DATA_OUT:
    text = '=> Send data';
    break;
  case CURLINFO_HEADER_IN:
    text = '<= Recv header';
    break;
  case CURLINFO_DATA_IN:
    text = '<= Recv data';
    break;
  }

  dump(text, stderr, data, data.length, TRUE);
  return 0;
}

function main(argv = process.argv.slice(2)) {
  let http_handle;
  let multi_handle;

  const still_running = { value: 0 }; /* keep number of running handles */

  http_handle = curl_easy_init();

  /* set the options (I left out a few, you will get the point anyway) */
  curl_easy_setopt(http_handle, CURLOPT_URL, argv[0] ?? 'https://www.example.com/');

  curl_easy_setopt(http_handle, CURLOPT_DEBUGFUNCTION, my_trace);
  curl_easy_setopt(http_handle, CURLOPT_VERBOSE, 1);

  /* init a multi stack */
  multi_handle = curl_multi_init();

  /* add the individual transfers */
  curl_multi_add_handle(multi_handle, http_handle);

  do {
    let mc = curl_multi_perform(multi_handle, still_running);

    if(still_running.value)
      /* wait for activity, timeout or "nothing" */
      mc = curl_multi_poll(multi_handle, null, 0, 1000, null);

    if(mc)
      break;

  } while(still_running.value);

  curl_multi_cleanup(multi_handle);

  curl_easy_cleanup(http_handle);

  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
