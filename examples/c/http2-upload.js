#!/usr/bin/env node
// curl's docs/examples/http2-upload.c (7.88.1): several HTTP/2 uploads multiplexed over
// one connection, each read by a READFUNCTION from the file to upload; every response goes
// to its file dl-N by C's default write function.
//   node examples/c/http2-upload.js [N] [FILE] [BASE-URL]
'use strict';
const fs = require('node:fs');
const {
  CURLINFO_TEXT, CURLMOPT_MAX_HOST_CONNECTIONS, CURLMOPT_PIPELINING, CURLOPT_DEBUGDATA, CURLOPT_DEBUGFUNCTION,
  CURLOPT_HTTP_VERSION, CURLOPT_INFILESIZE_LARGE, CURLOPT_PIPEWAIT, CURLOPT_READDATA, CURLOPT_READFUNCTION,
  CURLOPT_SSL_VERIFYHOST, CURLOPT_SSL_VERIFYPEER, CURLOPT_UPLOAD, CURLOPT_URL, CURLOPT_VERBOSE, CURLOPT_WRITEDATA,
  CURLPIPE_MULTIPLEX, CURL_HTTP_VERSION_2_0,
  curl_easy_cleanup, curl_easy_init, curl_easy_setopt, curl_multi_add_handle, curl_multi_cleanup, curl_multi_init,
  curl_multi_perform, curl_multi_poll, curl_multi_remove_handle, curl_multi_setopt,
} = require('curlio/libcurl');

const NUM_HANDLES = 1000;
let base;

/* struct input { FILE *in; size_t bytes_read; CURL *hnd; int num; } */

function my_trace(handle, type, data, userp) {
  const i = userp;
  const num = i.num;
  void handle;

  /* the C prints a timestamp and dumps every kind of data; the text lines say enough here */
  if(type == CURLINFO_TEXT)
    process.stderr.write(`[${num}] Info: ${data.toString('latin1')}`);
  return 0;
}

function read_callback(size, userp) {
  const i = userp;
  const ptr = Buffer.alloc(size);
  const retcode = fs.readSync(i.in, ptr, 0, size, null);
  i.bytes_read += retcode;
  return ptr.subarray(0, retcode);
}

function setup(i, num, upload) {
  let out;
  let url;
  let filename;
  let file_info;
  let uploadsize;
  let hnd;

  hnd = i.hnd = curl_easy_init();
  i.num = num;
  i.bytes_read = 0;
  filename = `dl-${num}`;
  try {
    out = fs.openSync(filename, 'w');
  } catch (error) {
    process.stderr.write(`error: could not open file ${upload} for writing: ${error.message}\n`);
    process.exit(1);
  }
  i.out = out;

  url = `${base}/upload-${num}`;

  /* get the file size of the local file */
  try {
    file_info = fs.statSync(upload);
  } catch (error) {
    process.stderr.write(`error: could not stat file ${upload}: ${error.message}\n`);
    process.exit(1);
  }

  uploadsize = file_info.size;

  try {
    i.in = fs.openSync(upload, 'r');
  } catch (error) {
    process.stderr.write(`error: could not open file ${upload} for reading: ${error.message}\n`);
    process.exit(1);
  }

  /* write to this file */
  curl_easy_setopt(hnd, CURLOPT_WRITEDATA, out);

  /* we want to use our own read function */
  curl_easy_setopt(hnd, CURLOPT_READFUNCTION, read_callback);
  /* read from this file */
  curl_easy_setopt(hnd, CURLOPT_READDATA, i);
  /* provide the size of the upload */
  curl_easy_setopt(hnd, CURLOPT_INFILESIZE_LARGE, uploadsize);

  /* send in the URL to store the upload as */
  curl_easy_setopt(hnd, CURLOPT_URL, url);

  /* upload please */
  curl_easy_setopt(hnd, CURLOPT_UPLOAD, 1);

  /* please be verbose */
  curl_easy_setopt(hnd, CURLOPT_VERBOSE, 1);
  curl_easy_setopt(hnd, CURLOPT_DEBUGFUNCTION, my_trace);
  curl_easy_setopt(hnd, CURLOPT_DEBUGDATA, i);

  /* HTTP/2 please */
  curl_easy_setopt(hnd, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2_0);

  /* we use a self-signed test server, skip verification during debugging */
  curl_easy_setopt(hnd, CURLOPT_SSL_VERIFYPEER, 0);
  curl_easy_setopt(hnd, CURLOPT_SSL_VERIFYHOST, 0);

  /* wait for pipe connection to confirm */
  curl_easy_setopt(hnd, CURLOPT_PIPEWAIT, 1);
}

function main(argv = process.argv.slice(2)) {
  const trans = [];
  let multi_handle;
  let i;
  const still_running = { value: 0 }; /* keep number of running handles */
  let filename = 'index.html';
  let num_transfers;

  if(argv.length > 0) {
    /* if given a number, do that many transfers */
    num_transfers = parseInt(argv[0], 10) || 0;

    if(!num_transfers || (num_transfers > NUM_HANDLES))
      num_transfers = 3; /* a suitable low default */

    if(argv.length > 1)
      /* if given a file name, upload this! */
      filename = argv[1];
  }
  else
    num_transfers = 3;
  base = argv[2] ?? 'https://localhost:8443';

  /* init a multi stack */
  multi_handle = curl_multi_init();

  for(i = 0; i<num_transfers; i++) {
    setup(trans[i] = {}, i, filename);

    /* add the individual transfer */
    curl_multi_add_handle(multi_handle, trans[i].hnd);
  }

  curl_multi_setopt(multi_handle, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);

  /* We do HTTP/2 so let's stick to one connection per host */
  curl_multi_setopt(multi_handle, CURLMOPT_MAX_HOST_CONNECTIONS, 1);

  do {
    let mc = curl_multi_perform(multi_handle, still_running);

    if(still_running.value)
      /* wait for activity, timeout or "nothing" */
      mc = curl_multi_poll(multi_handle, null, 0, 1000, null);

    if(mc)
      break;

  } while(still_running.value);

  curl_multi_cleanup(multi_handle);

  for(i = 0; i<num_transfers; i++) {
    curl_multi_remove_handle(multi_handle, trans[i].hnd);
    curl_easy_cleanup(trans[i].hnd);
    fs.closeSync(trans[i].in);
    fs.closeSync(trans[i].out);
  }

  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
