#!/usr/bin/env node
// curl's docs/examples/sepheaders.c (7.88.1): headers and body to two files. No
// HEADERFUNCTION: libcurl hands the headers to the write function with HEADERDATA, as C does.
//   node examples/c/sepheaders.js [URL]     (writes head.out and body.out)
'use strict';
const fs = require('node:fs');
const {
  CURLOPT_HEADERDATA, CURLOPT_NOPROGRESS, CURLOPT_URL, CURLOPT_WRITEDATA, CURLOPT_WRITEFUNCTION, CURL_GLOBAL_ALL,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_global_init,
} = require('curlio/libcurl');

function write_data(ptr, stream) {
  const written = fs.writeSync(stream, ptr);
  return written;
}

function main(argv = process.argv.slice(2)) {
  let curl_handle;
  const headerfilename = 'head.out';
  let headerfile;
  const bodyfilename = 'body.out';
  let bodyfile;

  curl_global_init(CURL_GLOBAL_ALL);

  /* init the curl session */
  curl_handle = curl_easy_init();

  /* set URL to get */
  curl_easy_setopt(curl_handle, CURLOPT_URL, argv[0] ?? 'https://example.com');

  /* no progress meter please */
  curl_easy_setopt(curl_handle, CURLOPT_NOPROGRESS, 1);

  /* send all data to this function  */
  curl_easy_setopt(curl_handle, CURLOPT_WRITEFUNCTION, write_data);

  /* open the header file */
  headerfile = fs.openSync(headerfilename, 'w');

  /* open the body file */
  bodyfile = fs.openSync(bodyfilename, 'w');

  /* we want the headers be written to this file handle */
  curl_easy_setopt(curl_handle, CURLOPT_HEADERDATA, headerfile);

  /* we want the body be written to this file handle instead of stdout */
  curl_easy_setopt(curl_handle, CURLOPT_WRITEDATA, bodyfile);

  /* get it! */
  curl_easy_perform(curl_handle);

  /* close the header file */
  fs.closeSync(headerfile);

  /* close the body file */
  fs.closeSync(bodyfile);

  /* cleanup curl stuff */
  curl_easy_cleanup(curl_handle);

  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
