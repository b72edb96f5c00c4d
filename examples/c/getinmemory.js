#!/usr/bin/env node
// curl's docs/examples/getinmemory.c (7.88.1): download a document into memory through
// a WRITEFUNCTION that grows a chunk.   node examples/c/getinmemory.js [URL]
'use strict';
const {
  CURLE_OK, CURLOPT_URL, CURLOPT_USERAGENT, CURLOPT_WRITEDATA, CURLOPT_WRITEFUNCTION, CURL_GLOBAL_ALL,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror,
  curl_global_cleanup, curl_global_init,
} = require('curlio/libcurl');

/* struct MemoryStruct { char *memory; size_t size; } */

function WriteMemoryCallback(contents, userp) {
  const realsize = contents.length;
  const mem = userp;

  /* the chunk is only valid during this call: keep a copy, as realloc+memcpy does */
  mem.memory = Buffer.concat([mem.memory, contents]);
  mem.size += realsize;

  return realsize;
}

function main(argv = process.argv.slice(2)) {
  let curl_handle;
  let res;

  const chunk = { memory: Buffer.alloc(0), /* will be grown as needed */ size: 0 /* no data at this point */ };

  curl_global_init(CURL_GLOBAL_ALL);

  /* init the curl session */
  curl_handle = curl_easy_init();

  /* specify URL to get */
  curl_easy_setopt(curl_handle, CURLOPT_URL, argv[0] ?? 'https://www.example.com/');

  /* send all data to this function  */
  curl_easy_setopt(curl_handle, CURLOPT_WRITEFUNCTION, WriteMemoryCallback);

  /* we pass our 'chunk' struct to the callback function */
  curl_easy_setopt(curl_handle, CURLOPT_WRITEDATA, chunk);

  /* some servers do not like requests that are made without a user-agent
     field, so we provide one */
  curl_easy_setopt(curl_handle, CURLOPT_USERAGENT, 'libcurl-agent/1.0');

  /* get it! */
  res = curl_easy_perform(curl_handle);

  /* check for errors */
  if(res != CURLE_OK) {
    process.stderr.write(`curl_easy_perform() failed: ${curl_easy_strerror(res)}\n`);
  }
  else {
    /* Now, our chunk.memory holds chunk.size bytes of the remote file. */
    process.stdout.write(`${chunk.size} bytes retrieved\n`);
  }

  /* cleanup curl stuff */
  curl_easy_cleanup(curl_handle);

  /* we are done with libcurl, so clean it up */
  curl_global_cleanup();

  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
