#!/usr/bin/env node
// curl's docs/examples/http2-pushinmemory.c (7.88.1): HTTP/2 server push, every stream
// kept in memory; curl_pushheader_byname gives the pushed :path.
//   node examples/c/http2-pushinmemory.js [URL]
'use strict';
const {
  CURLMOPT_PIPELINING, CURLMOPT_PUSHDATA, CURLMOPT_PUSHFUNCTION, CURLMSG_DONE, CURLOPT_HTTP_VERSION, CURLOPT_PIPEWAIT,
  CURLOPT_SSL_VERIFYHOST, CURLOPT_SSL_VERIFYPEER, CURLOPT_URL, CURLOPT_WRITEDATA, CURLOPT_WRITEFUNCTION,
  CURLPIPE_MULTIPLEX, CURL_HTTP_VERSION_2_0, CURL_PUSH_DENY, CURL_PUSH_OK,
  curl_easy_cleanup, curl_easy_init, curl_easy_setopt, curl_multi_add_handle, curl_multi_cleanup,
  curl_multi_info_read, curl_multi_init, curl_multi_perform, curl_multi_remove_handle, curl_multi_setopt,
  curl_multi_wait, curl_pushheader_byname,
} = require('curlio/libcurl');

/* struct Memory { char *memory; size_t size; } */

function write_cb(contents, userp) {
  const realsize = contents.length;
  const mem = userp;
  mem.memory = Buffer.concat([mem.memory, contents]);
  mem.size += realsize;
  return realsize;
}

const MAX_FILES = 10;
const files = new Array(MAX_FILES);
let pushindex = 1;
let url;

function init_memory(chunk) {
  chunk.memory = Buffer.alloc(0); /* grown as needed */
  chunk.size = 0;                 /* no data at this point */
}

function setup(hnd) {
  /* set the same URL */
  curl_easy_setopt(hnd, CURLOPT_URL, url);

  /* HTTP/2 please */
  curl_easy_setopt(hnd, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2_0);

  /* we use a self-signed test server, skip verification during debugging */
  curl_easy_setopt(hnd, CURLOPT_SSL_VERIFYPEER, 0);
  curl_easy_setopt(hnd, CURLOPT_SSL_VERIFYHOST, 0);

  /* write data to a struct  */
  curl_easy_setopt(hnd, CURLOPT_WRITEFUNCTION, write_cb);
  init_memory(files[0] = {});
  curl_easy_setopt(hnd, CURLOPT_WRITEDATA, files[0]);

  /* wait for pipe connection to confirm */
  curl_easy_setopt(hnd, CURLOPT_PIPEWAIT, 1);
}

/* called when there's an incoming push */
function server_push_callback(parent, easy, num_headers, headers, userp) {
  let headp;
  const transfers = userp;
  void parent; /* we have no use for this */
  void num_headers; /* unused */

  if(pushindex == MAX_FILES)
    /* cannot fit anymore */
    return CURL_PUSH_DENY;

  /* write to this buffer */
  init_memory(files[pushindex] = {});
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, files[pushindex]);
  pushindex++;

  headp = curl_pushheader_byname(headers, ':path');
  if(headp)
    process.stderr.write(`* Pushed :path '${headp}'\n`);

  transfers.value++; /* one more */
  return CURL_PUSH_OK;
}

function main(argv = process.argv.slice(2)) {
  let easy;
  let multi;
  const still_running = { value: 0 }; /* keep number of running handles */
  const transfers = { value: 1 }; /* we start with one */
  let i;
  let m;

  url = argv[0] ?? 'https://localhost:8443/index.html';
  pushindex = 1;

  /* init a multi stack */
  multi = curl_multi_init();

  easy = curl_easy_init();

  /* set options */
  setup(easy);

  /* add the easy transfer */
  curl_multi_add_handle(multi, easy);

  curl_multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(multi, CURLMOPT_PUSHFUNCTION, server_push_callback);
  curl_multi_setopt(multi, CURLMOPT_PUSHDATA, transfers);

  while(transfers.value) {
    const rc = { value: 0 };
    let mcode = curl_multi_perform(multi, still_running);
    if(mcode)
      break;

    mcode = curl_multi_wait(multi, null, 0, 1000, rc);
    if(mcode)
      break;


    /*
     * When doing server push, libcurl itself created and added one or more
     * easy handles but *we* need to clean them up when they are done.
     */
    do {
      const msgq = { value: 0 };
      m = curl_multi_info_read(multi, msgq);
      if(m && (m.msg == CURLMSG_DONE)) {
        const e = m.easy_handle;
        transfers.value--;
        curl_multi_remove_handle(multi, e);
        curl_easy_cleanup(e);
      }
    } while(m);

  }


  curl_multi_cleanup(multi);

  /* 'pushindex' is now the number of received transfers */
  for(i = 0; i < pushindex; i++) {
    /* do something fun with the data, and then free it when done */
    process.stdout.write(`[${i}] ${files[i].memory.toString()}`);
  }

  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
