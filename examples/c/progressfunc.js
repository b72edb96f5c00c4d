#!/usr/bin/env node
// curl's docs/examples/progressfunc.c (7.88.1): CURLOPT_XFERINFOFUNCTION reports progress
// and stops the download after STOP_DOWNLOAD_AFTER_THIS_MANY_BYTES.
//   node examples/c/progressfunc.js [URL]
'use strict';
const {
  CURLE_OK, CURLINFO_TOTAL_TIME_T, CURLOPT_NOPROGRESS, CURLOPT_URL, CURLOPT_XFERINFODATA, CURLOPT_XFERINFOFUNCTION,
  curl_easy_cleanup, curl_easy_getinfo, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror,
} = require('curlio/libcurl');

const MINIMAL_PROGRESS_FUNCTIONALITY_INTERVAL = 3000000;
const STOP_DOWNLOAD_AFTER_THIS_MANY_BYTES = 6000;

/* struct myprogress { curl_off_t lastruntime; CURL *curl; } */

/* this is how the CURLOPT_XFERINFOFUNCTION callback works */
function xferinfo(p, dltotal, dlnow, ultotal, ulnow) {
  const myp = p;
  const curl = myp.curl;
  const curtime = { value: 0 };

  curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME_T, curtime);

  /* under certain circumstances it may be desirable for certain functionality
     to only run every N seconds, in order to do this the transaction time can
     be used */
  if((curtime.value - myp.lastruntime) >= MINIMAL_PROGRESS_FUNCTIONALITY_INTERVAL) {
    myp.lastruntime = curtime.value;
    process.stderr.write(`TOTAL TIME: ${Math.floor(curtime.value / 1000000)}.${String(curtime.value % 1000000).padStart(6, '0')}\r\n`);
  }

  process.stderr.write(`UP: ${ulnow} of ${ultotal}  DOWN: ${dlnow} of ${dltotal}\r\n`);

  if(dlnow > STOP_DOWNLOAD_AFTER_THIS_MANY_BYTES)
    return 1;
  return 0;
}

function main(argv = process.argv.slice(2)) {
  let curl;
  let res = CURLE_OK;
  const prog = { lastruntime: 0, curl: null };

  curl = curl_easy_init();
  if(curl) {
    prog.lastruntime = 0;
    prog.curl = curl;

    curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'https://example.com/');

    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, xferinfo);
    /* pass the struct pointer into the xferinfo function */
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, prog);

    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0);
    res = curl_easy_perform(curl);

    if(res != CURLE_OK)
      process.stderr.write(`${curl_easy_strerror(res)}\n`);

    /* always cleanup */
    curl_easy_cleanup(curl);
  }
  return res;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
