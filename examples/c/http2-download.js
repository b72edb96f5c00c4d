#!/usr/bin/env node
// curl's docs/examples/http2-download.c (7.88.1): several HTTP/2 downloads multiplexed
// over one connection, each into its file dl-N by C's default write function; a
// DEBUGFUNCTION traces each with its number.   node examples/c/http2-download.js [N] [URL]
'use strict';
const fs = require('node:fs');
const {
  CURLINFO_DATA_IN, CURLINFO_DATA_OUT, CURLINFO_HEADER_IN, CURLINFO_HEADER_OUT, CURLINFO_SSL_DATA_IN,
  CURLINFO_SSL_DATA_OUT, CURLINFO_TEXT, CURLMOPT_PIPELINING, CURLOPT_DEBUGDATA, CURLOPT_DEBUGFUNCTION,
  CURLOPT_HTTP_VERSION, CURLOPT_PIPEWAIT, CURLOPT_SSL_VERIFYHOST, CURLOPT_SSL_VERIFYPEER, CURLOPT_URL, CURLOPT_VERBOSE,
  CURLOPT_WRITEDATA, CURLPIPE_MULTIPLEX, CURL_HTTP_VERSION_2_0,
  curl_easy_cleanup, curl_easy_init, curl_easy_setopt, curl_multi_add_handle, curl_multi_cleanup, curl_multi_init,
  curl_multi_perform, curl_multi_poll, curl_multi_remove_handle, curl_multi_setopt,
} = require('curlio/libcurl');

/* struct transfer { CURL *easy; unsigned int num; FILE *out; } */

const NUM_HANDLES = 1000;
let url;

function dump(text, num, ptr, size, nohex) {
  let i;
  let c;
  let width = 0x10;
  let out = '';

  if(nohex)
    /* without the hex output, we can fit more on screen */
    width = 0x40;

  out += `${num} ${text}, ${size} bytes (0x${size.toString(16)})\n`;

  for(i = 0; i<size; i += width) {
    out += `${i.toString(16).padStart(4, '0')}: `;

    if(!nohex) {
      /* hex not disabled, show it */
      for(c = 0; c < width; c++)
        if(i + c < size)
          out += `${ptr[i + c].toString(16).padStart(2, '0')} `;
        else
          out += '   ';
    }

    for(c = 0; (c < width) && (i + c < size); c++) {
      /* check for 0D0A; if found, skip past and start a new line of output */
      if(nohex && (i + c + 1 < size) && ptr[i + c] == 0x0D &&
         ptr[i + c + 1] == 0x0A) {
        i += (c + 2 - width);
        break;
      }
      out += (ptr[i + c] >= 0x20) && (ptr[i + c]<0x80)?String.fromCharCode(ptr[i + c]):'.';
      /* check again for 0D0A, to avoid an extra \n if it's at width */
      if(nohex && (i + c + 2 < size) && ptr[i + c + 1] == 0x0D &&
         ptr[i + c + 2] == 0x0A) {
        i += (c + 3 - width);
        break;
      }
    }
    out += '\n'; /* newline */
  }
  process.stderr.write(out);
}

function my_trace(handle, type, data, userp) {
  let text;
  const t = userp;
  const num = t.num;
  void handle; /* prevent compiler warning */

  switch(type) {
  case CURLINFO_TEXT:
    process.stderr.write(`== ${num} Info: ${data.toString('latin1')}`);
    /* FALLTHROUGH */
  default: /* in case a new one is introduced to shock us */
    return 0;

  case CURLINFO_HEADER_OUT:
    text = '=> Send header';
    break;
  case CURLINFO_DATA_OUT:
    text = '=> Send data';
    break;
  case CURLINFO_SSL_DATA_OUT:
    text = '=> Send SSL data';
    break;
  case CURLINFO_HEADER_IN:
    text = '<= Recv header';
    break;
  case CURLINFO_DATA_IN:
    text = '<= Recv data';
    break;
  case CURLINFO_SSL_DATA_IN:
    text = '<= Recv SSL data';
    break;
  }

  dump(text, num, data, data.length, 1);
  return 0;
}

function setup(t, num) {
  let filename;
  let hnd;

  hnd = t.easy = curl_easy_init();

  filename = `dl-${num}`;
  t.num = num;

  try {
    t.out = fs.openSync(filename, 'w');
  } catch (error) {
    process.stderr.write(`error: could not open file ${filename} for writing: ${error.message}\n`);
    process.exit(1);
  }

  /* write to this file */
  curl_easy_setopt(hnd, CURLOPT_WRITEDATA, t.out);

  /* set the same URL */
  curl_easy_setopt(hnd, CURLOPT_URL, url);

  /* please be verbose */
  curl_easy_setopt(hnd, CURLOPT_VERBOSE, 1);
  curl_easy_setopt(hnd, CURLOPT_DEBUGFUNCTION, my_trace);
  curl_easy_setopt(hnd, CURLOPT_DEBUGDATA, t);

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
  let num_transfers;

  if(argv.length > 0) {
    /* if given a number, do that many transfers */
    num_transfers = parseInt(argv[0], 10) || 0;
    if((num_transfers < 1) || (num_transfers > NUM_HANDLES))
      num_transfers = 3; /* a suitable low default */
  }
  else
    num_transfers = 3; /* suitable default */
  url = argv[1] ?? 'https://localhost:8443/index.html';

  /* init a multi stack */
  multi_handle = curl_multi_init();

  for(i = 0; i < num_transfers; i++) {
    setup(trans[i] = {}, i);

    /* add the individual transfer */
    curl_multi_add_handle(multi_handle, trans[i].easy);
  }

  curl_multi_setopt(multi_handle, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);

  do {
    let mc = curl_multi_perform(multi_handle, still_running);

    if(still_running.value)
      /* wait for activity, timeout or "nothing" */
      mc = curl_multi_poll(multi_handle, null, 0, 1000, null);

    if(mc)
      break;
  } while(still_running.value);

  for(i = 0; i < num_transfers; i++) {
    curl_multi_remove_handle(multi_handle, trans[i].easy);
    curl_easy_cleanup(trans[i].easy);
    fs.closeSync(trans[i].out);
  }

  curl_multi_cleanup(multi_handle);

  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
