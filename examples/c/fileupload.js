#!/usr/bin/env node
// curl's docs/examples/fileupload.c (7.88.1): upload a local file to a file:// URL. No
// READFUNCTION: libcurl reads CURLOPT_READDATA (an open file descriptor), C's default.
//   node examples/c/fileupload.js [SOURCE] [file:///TARGET]
'use strict';
const fs = require('node:fs');
const {
  CURLE_OK, CURLINFO_SPEED_UPLOAD_T, CURLINFO_TOTAL_TIME_T, CURLOPT_INFILESIZE_LARGE, CURLOPT_READDATA,
  CURLOPT_UPLOAD, CURLOPT_URL, CURLOPT_VERBOSE,
  curl_easy_cleanup, curl_easy_getinfo, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror,
} = require('curlio/libcurl');

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;
  let file_info;
  const speed_upload = { value: 0 }, total_time = { value: 0 };
  let fd;

  try {
    fd = fs.openSync(argv[0] ?? 'debugit', 'r'); /* open file to upload */
  } catch {
    return 1; /* cannot continue */
  }

  /* to get the file size */
  try {
    file_info = fs.fstatSync(fd);
  } catch {
    return 1; /* cannot continue */
  }

  curl = curl_easy_init();
  if(curl) {
    /* upload to this place */
    curl_easy_setopt(curl, CURLOPT_URL,
                     argv[1] ?? 'file:///home/dast/src/curl/debug/new');

    /* tell it to "upload" to the URL */
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1);

    /* set where to read from (on Windows you need to use READFUNCTION too) */
    curl_easy_setopt(curl, CURLOPT_READDATA, fd);

    /* and give the size of the upload (optional) */
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                     file_info.size);

    /* enable verbose for easier tracing */
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1);

    res = curl_easy_perform(curl);
    /* Check for errors */
    if(res != CURLE_OK) {
      process.stderr.write(`curl_easy_perform() failed: ${curl_easy_strerror(res)}\n`);
    }
    else {
      /* now extract transfer info */
      curl_easy_getinfo(curl, CURLINFO_SPEED_UPLOAD_T, speed_upload);
      curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME_T, total_time);

      process.stderr.write(`Speed: ${speed_upload.value} bytes/sec during ` +
        `${Math.floor(total_time.value / 1000000)}.${String(total_time.value % 1000000).padStart(6, '0')} seconds\n`);
    }
    /* always cleanup */
    curl_easy_cleanup(curl);
  }
  fs.closeSync(fd);
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
