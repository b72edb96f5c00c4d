#!/usr/bin/env node
// curl's docs/examples/debug.c (7.88.1): CURLOPT_DEBUGFUNCTION with CURLOPT_DEBUGDATA,
// tracing everything to stderr; the body goes to stdout.   node examples/c/debug.js [URL]
'use strict';
const {
  CURLE_OK, CURLINFO_DATA_IN, CURLINFO_DATA_OUT, CURLINFO_HEADER_IN, CURLINFO_HEADER_OUT, CURLINFO_SSL_DATA_IN,
  CURLINFO_SSL_DATA_OUT, CURLINFO_TEXT, CURLOPT_DEBUGDATA, CURLOPT_DEBUGFUNCTION, CURLOPT_FOLLOWLOCATION,
  CURLOPT_URL, CURLOPT_VERBOSE,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror,
} = require('curlio/libcurl');
const { dump } = require('./dump');

const stderr = 2;

/* struct data { char trace_ascii; } */

function my_trace(handle, type, data, userp) {
  const config = userp;
  let text;
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
  case CURLINFO_SSL_DATA_OUT:
    text = '=> Send SSL data';
    break;
  case CURLINFO_HEADER_IN:
    text = '<= Recv header';
    break;
  case CURLINFO_DATA_IN:
    text = '<= Recv data';
    break;
  case CURLINFO_SSL_DATA_IN:
    text = '<= Recv SSL data';
    break;
  }

  dump(text, stderr, data, data.length, config.trace_ascii);
  return 0;
}

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;
  const config = { trace_ascii: 1 }; /* enable ascii tracing */

  curl = curl_easy_init();
  if(curl) {
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, my_trace);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, config);

    /* the DEBUGFUNCTION has no effect until we enable VERBOSE */
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1);

    /* example.com is redirected, so we tell libcurl to follow redirection */
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1);

    curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'https://example.com/');
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
