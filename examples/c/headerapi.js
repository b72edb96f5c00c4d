#!/usr/bin/env node
// curl's docs/examples/headerapi.c (7.88.1): the header API, curl_easy_header and
// curl_easy_nextheader.   node examples/c/headerapi.js [URL]
'use strict';
const {
  CURLE_OK, CURLHE_OK, CURLH_HEADER, CURLOPT_FOLLOWLOCATION, CURLOPT_URL, CURLOPT_WRITEFUNCTION,
  curl_easy_cleanup, curl_easy_header, curl_easy_init, curl_easy_nextheader, curl_easy_perform, curl_easy_setopt,
  curl_easy_strerror,
} = require('curlio/libcurl');

function write_cb(data, userp) {
  /* take care of the data here, ignored in this example */
  void userp;
  return data.length;
}

function main(argv = process.argv.slice(2)) {
  let curl;

  curl = curl_easy_init();
  if(curl) {
    let res;
    const header = { value: null };
    curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'https://example.com');
    /* example.com is redirected, so we tell libcurl to follow redirection */
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1);

    /* this example just ignores the content */
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_cb);

    /* Perform the request, res will get the return code */
    res = curl_easy_perform(curl);
    /* Check for errors */
    if(res != CURLE_OK)
      process.stderr.write(`curl_easy_perform() failed: ${curl_easy_strerror(res)}\n`);

    if(CURLHE_OK == curl_easy_header(curl, 'Content-Type', 0, CURLH_HEADER,
                                     -1, header))
      process.stdout.write(`Got content-type: ${header.value.value}\n`);

    process.stdout.write('All server headers:\n');
    {
      let h;
      let prev = null;
      do {
        h = curl_easy_nextheader(curl, CURLH_HEADER, -1, prev);
        if(h)
          process.stdout.write(` ${h.name}: ${h.value} (${h.amount})\n`);
        prev = h;
      } while(h);

    }
    /* always cleanup */
    curl_easy_cleanup(curl);
  }
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
