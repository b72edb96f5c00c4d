#!/usr/bin/env node
// curl's docs/examples/url2file.c (7.88.1): download a URL into page.out through a
// WRITEFUNCTION that fwrite()s to the WRITEDATA file.   node examples/c/url2file.js URL
'use strict';
const fs = require('node:fs');
const {
  CURLOPT_NOPROGRESS, CURLOPT_URL, CURLOPT_VERBOSE, CURLOPT_WRITEDATA, CURLOPT_WRITEFUNCTION, CURL_GLOBAL_ALL,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_global_cleanup, curl_global_init,
} = require('curlio/libcurl');

function write_data(ptr, stream) {
  const written = fs.writeSync(stream, ptr);
  return written;
}

function main(argv = process.argv.slice(2)) {
  let curl_handle;
  const pagefilename = 'page.out';
  let pagefile;

  if(argv.length < 1) {
    process.stdout.write('Usage: url2file <URL>\n');
    return 1;
  }

  curl_global_init(CURL_GLOBAL_ALL);

  /* init the curl session */
  curl_handle = curl_easy_init();

  /* set URL to get here */
  curl_easy_setopt(curl_handle, CURLOPT_URL, argv[0]);

  /* Switch on full protocol/debug output while testing */
  curl_easy_setopt(curl_handle, CURLOPT_VERBOSE, 1);

  /* disable progress meter, set to 0L to enable it */
  curl_easy_setopt(curl_handle, CURLOPT_NOPROGRESS, 1);

  /* send all data to this function  */
  curl_easy_setopt(curl_handle, CURLOPT_WRITEFUNCTION, write_data);

  /* open the file */
  pagefile = fs.openSync(pagefilename, 'w');
  if(pagefile) {

    /* write the page body to this file handle */
    curl_easy_setopt(curl_handle, CURLOPT_WRITEDATA, pagefile);

    /* get it! */
    curl_easy_perform(curl_handle);

    /* close the header file */
    fs.closeSync(pagefile);
  }

  /* cleanup curl stuff */
  curl_easy_cleanup(curl_handle);

  curl_global_cleanup();

  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
