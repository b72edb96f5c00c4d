#!/usr/bin/env node
// curl's docs/examples/httpput.c (7.88.1): HTTP PUT of a local file through a
// READFUNCTION that reads the file given as READDATA.   node examples/c/httpput.js FILE URL
'use strict';
const fs = require('node:fs');
const {
  CURLE_OK, CURLOPT_INFILESIZE_LARGE, CURLOPT_READDATA, CURLOPT_READFUNCTION, CURLOPT_UPLOAD, CURLOPT_URL,
  CURL_GLOBAL_ALL,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror, curl_global_cleanup,
  curl_global_init,
} = require('curlio/libcurl');

function read_callback(size, stream) {
  /* in real-world cases, this would probably get this data differently
     as this fread() stuff is exactly what the library already would do
     by default internally */
  const ptr = Buffer.alloc(size);
  const retcode = fs.readSync(stream, ptr, 0, size, null);

  if(retcode > 0) {
    process.stderr.write(`*** We read ${retcode} bytes from file\n`);
  }

  return ptr.subarray(0, retcode);
}

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;
  let hd_src;
  let file_info;
  let file;
  let url;

  if(argv.length < 2)
    return 1;

  file = argv[0];
  url = argv[1];

  /* get the file size of the local file */
  file_info = fs.statSync(file);

  /* get a FILE * of the same file */
  hd_src = fs.openSync(file, 'r');

  /* In windows, this will init the winsock stuff */
  curl_global_init(CURL_GLOBAL_ALL);

  /* get a curl handle */
  curl = curl_easy_init();
  if(curl) {
    /* we want to use our own read function */
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_callback);

    /* enable uploading (implies PUT over HTTP) */
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1);

    /* specify target URL, and note that this URL should include a file
       name, not only a directory */
    curl_easy_setopt(curl, CURLOPT_URL, url);

    /* now specify which file to upload */
    curl_easy_setopt(curl, CURLOPT_READDATA, hd_src);

    /* provide the size of the upload */
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                     file_info.size);

    /* Now run off and do what you have been told! */
    res = curl_easy_perform(curl);
    /* Check for errors */
    if(res != CURLE_OK)
      process.stderr.write(`curl_easy_perform() failed: ${curl_easy_strerror(res)}\n`);

    /* always cleanup */
    curl_easy_cleanup(curl);
  }
  fs.closeSync(hd_src); /* close the local file */

  curl_global_cleanup();
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
