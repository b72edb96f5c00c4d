#!/usr/bin/env node
// curl's docs/examples/postinmemory.c (7.88.1): POST from memory, response into memory.
//   node examples/c/postinmemory.js [URL]
'use strict';
const {
  CURLE_OK, CURLOPT_POSTFIELDS, CURLOPT_POSTFIELDSIZE, CURLOPT_URL, CURLOPT_USERAGENT, CURLOPT_WRITEDATA,
  CURLOPT_WRITEFUNCTION, CURL_GLOBAL_ALL,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror,
  curl_global_cleanup, curl_global_init,
} = require('curlio/libcurl');

function WriteMemoryCallback(contents, userp) {
  const realsize = contents.length;
  const mem = userp;
  mem.memory = Buffer.concat([mem.memory, contents]);
  mem.size += realsize;
  return realsize;
}

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;
  const chunk = { memory: Buffer.alloc(0), size: 0 };
  const postthis = 'Field=1&Field=2&Field=3';

  curl_global_init(CURL_GLOBAL_ALL);
  curl = curl_easy_init();
  if(curl) {
    curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'https://www.example.org/');

    /* send all data to this function  */
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteMemoryCallback);

    /* we pass our 'chunk' struct to the callback function */
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, chunk);

    /* some servers do not like requests that are made without a user-agent
       field, so we provide one */
    curl_easy_setopt(curl, CURLOPT_USERAGENT, 'libcurl-agent/1.0');

    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, postthis);

    /* if we do not provide POSTFIELDSIZE, libcurl will strlen() by
       itself */
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, Buffer.byteLength(postthis));

    /* Perform the request, res will get the return code */
    res = curl_easy_perform(curl);
    /* Check for errors */
    if(res != CURLE_OK) {
      process.stderr.write(`curl_easy_perform() failed: ${curl_easy_strerror(res)}\n`);
    }
    else {
      process.stdout.write(`${chunk.memory.toString()}\n`);
    }

    /* always cleanup */
    curl_easy_cleanup(curl);
  }

  curl_global_cleanup();
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
