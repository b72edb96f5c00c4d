#!/usr/bin/env node
// curl's docs/examples/http2-serverpush.c (7.88.1): HTTP/2 server push with
// CURLMOPT_PUSHFUNCTION; every pushed stream is saved to a file of its own through C's
// default write function (WRITEDATA = the open file).
//   node examples/c/http2-serverpush.js [URL]    (writes dl, push0, push1... here)
'use strict';
const fs = require('node:fs');
const {
  CURLINFO_DATA_IN, CURLINFO_DATA_OUT, CURLINFO_HEADER_IN, CURLINFO_HEADER_OUT, CURLINFO_SSL_DATA_IN,
  CURLINFO_SSL_DATA_OUT, CURLINFO_TEXT, CURLMOPT_PIPELINING, CURLMOPT_PUSHDATA, CURLMOPT_PUSHFUNCTION, CURLMSG_DONE,
  CURLOPT_DEBUGFUNCTION, CURLOPT_HTTP_VERSION, CURLOPT_PIPEWAIT, CURLOPT_SSL_VERIFYHOST, CURLOPT_SSL_VERIFYPEER,
  CURLOPT_URL, CURLOPT_VERBOSE, CURLOPT_WRITEDATA, CURLPIPE_MULTIPLEX, CURL_HTTP_VERSION_2_0, CURL_PUSH_DENY,
  CURL_PUSH_OK,
  curl_easy_cleanup, curl_easy_init, curl_easy_setopt, curl_multi_add_handle, curl_multi_cleanup,
  curl_multi_info_read, curl_multi_init, curl_multi_perform, curl_multi_poll, curl_multi_remove_handle,
  curl_multi_setopt, curl_pushheader_byname, curl_pushheader_bynum,
} = require('curlio/libcurl');

function dump(text, ptr, size, nohex) {
  let i;
  let c;
  let width = 0x10;
  let out = '';

  if(nohex)
    /* without the hex output, we can fit more on screen */
    width = 0x40;

  out += `${text}, ${size} bytes (0x${size.toString(16)})\n`;

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
  void handle; /* prevent compiler warning */
  void userp;
  switch(type) {
  case CURLINFO_TEXT:
    process.stderr.write(`== Info: ${data.toString('latin1')}`);
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

  dump(text, data, data.length, 1);
  return 0;
}

const OUTPUTFILE = 'dl';
let url;

function setup(hnd) {
  let out;
  try {
    out = fs.openSync(OUTPUTFILE, 'w');
  } catch {
    /* failed */
    return 1;
  }

  /* write to this file */
  curl_easy_setopt(hnd, CURLOPT_WRITEDATA, out);

  /* set the same URL */
  curl_easy_setopt(hnd, CURLOPT_URL, url);

  /* please be verbose */
  curl_easy_setopt(hnd, CURLOPT_VERBOSE, 1);
  curl_easy_setopt(hnd, CURLOPT_DEBUGFUNCTION, my_trace);

  /* HTTP/2 please */
  curl_easy_setopt(hnd, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2_0);

  /* we use a self-signed test server, skip verification during debugging */
  curl_easy_setopt(hnd, CURLOPT_SSL_VERIFYPEER, 0);
  curl_easy_setopt(hnd, CURLOPT_SSL_VERIFYHOST, 0);

  /* wait for pipe connection to confirm */
  curl_easy_setopt(hnd, CURLOPT_PIPEWAIT, 1);

  return 0; /* all is good */
}

let count = 0;

/* called when there's an incoming push */
function server_push_callback(parent, easy, num_headers, headers, userp) {
  let headp;
  let i;
  const transfers = userp;
  let filename;
  let out;
  void parent; /* we have no use for this */

  filename = `push${count++}`;

  /* here's a new stream, save it in a new file for each new push */
  try {
    out = fs.openSync(filename, 'w');
  } catch {
    /* if we cannot save it, deny it */
    process.stderr.write('Failed to create output file for push\n');
    return CURL_PUSH_DENY;
  }

  /* write to this file */
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, out);

  process.stderr.write(`**** push callback approves stream ${count}, got ${num_headers} headers!\n`);

  for(i = 0; i<num_headers; i++) {
    headp = curl_pushheader_bynum(headers, i);
    process.stderr.write(`**** header ${i}: ${headp}\n`);
  }

  headp = curl_pushheader_byname(headers, ':path');
  if(headp) {
    process.stderr.write(`**** The PATH is ${headp}\n`);
  }

  transfers.value++; /* one more */
  return CURL_PUSH_OK;
}

function main(argv = process.argv.slice(2)) {
  let easy;
  let multi_handle;
  const transfers = { value: 1 }; /* we start with one */
  let m;

  url = argv[0] ?? 'https://localhost:8443/index.html';
  count = 0;

  /* init a multi stack */
  multi_handle = curl_multi_init();

  easy = curl_easy_init();

  /* set options */
  if(setup(easy)) {
    process.stderr.write('failed\n');
    return 1;
  }

  /* add the easy transfer */
  curl_multi_add_handle(multi_handle, easy);

  curl_multi_setopt(multi_handle, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(multi_handle, CURLMOPT_PUSHFUNCTION, server_push_callback);
  curl_multi_setopt(multi_handle, CURLMOPT_PUSHDATA, transfers);

  do {
    const still_running = { value: 0 }; /* keep number of running handles */
    let mc = curl_multi_perform(multi_handle, still_running);

    if(still_running.value)
      /* wait for activity, timeout or "nothing" */
      mc = curl_multi_poll(multi_handle, null, 0, 1000, null);

    if(mc)
      break;

    /*
     * A little caution when doing server push is that libcurl itself has
     * created and added one or more easy handles but we need to clean them up
     * when we are done.
     */

    do {
      const msgq = { value: 0 };
      m = curl_multi_info_read(multi_handle, msgq);
      if(m && (m.msg == CURLMSG_DONE)) {
        const e = m.easy_handle;
        transfers.value--;
        curl_multi_remove_handle(multi_handle, e);
        curl_easy_cleanup(e);
      }
    } while(m);

  } while(transfers.value); /* as long as we have transfers going */

  curl_multi_cleanup(multi_handle);

  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
