#!/usr/bin/env node
// curl's docs/examples/multi-legacy.c (7.88.1): the pre-curl_multi_poll way, with
// curl_multi_timeout and curl_multi_fdset. JavaScript has no select(): the fd sets go to
// curl_multi_wait as extra fds instead, which blocks the same way.
//   node examples/c/multi-legacy.js [HTTP-URL] [FTP-URL]
'use strict';
const {
  CURLMSG_DONE, CURLM_OK, CURLOPT_UPLOAD, CURLOPT_URL, CURL_WAIT_POLLIN, CURL_WAIT_POLLOUT, CURL_WAIT_POLLPRI,
  curl_easy_cleanup, curl_easy_init, curl_easy_setopt, curl_multi_add_handle, curl_multi_cleanup,
  curl_multi_fdset, curl_multi_info_read, curl_multi_init, curl_multi_perform, curl_multi_timeout,
  curl_multi_wait,
} = require('curlio/libcurl');

const HANDLECOUNT = 2; /* Number of simultaneous transfers */
const HTTP_HANDLE = 0; /* Index for the HTTP transfer */
const FTP_HANDLE = 1;  /* Index for the FTP transfer */

/* select(maxfd + 1, &fdread, &fdwrite, &fdexcep, &timeout), in curl_multi_wait's words */
function select(multi_handle, fdread, fdwrite, fdexcep, timeout_ms) {
  const fds = new Map();
  for (const fd of fdread) fds.set(fd, (fds.get(fd) ?? 0) | CURL_WAIT_POLLIN);
  for (const fd of fdwrite) fds.set(fd, (fds.get(fd) ?? 0) | CURL_WAIT_POLLOUT);
  for (const fd of fdexcep) fds.set(fd, (fds.get(fd) ?? 0) | CURL_WAIT_POLLPRI);
  const extra = [...fds].map(([fd, events]) => ({ fd, events, revents: 0 }));
  const numfds = { value: 0 };
  if (curl_multi_wait(multi_handle, extra, extra.length, timeout_ms, numfds) != CURLM_OK) return -1;
  return numfds.value;
}

function main(argv = process.argv.slice(2)) {
  const handles = new Array(HANDLECOUNT);
  let multi_handle;

  const still_running = { value: 0 }; /* keep number of running handles */
  let i;

  let msg; /* for picking up messages with the transfer status */
  const msgs_left = { value: 0 }; /* how many messages are left */

  /* Allocate one CURL handle per transfer */
  for(i = 0; i<HANDLECOUNT; i++)
    handles[i] = curl_easy_init();

  /* set the options (I left out a few, you will get the point anyway) */
  curl_easy_setopt(handles[HTTP_HANDLE], CURLOPT_URL, argv[0] ?? 'https://example.com');

  curl_easy_setopt(handles[FTP_HANDLE], CURLOPT_URL, argv[1] ?? 'ftp://example.com');
  curl_easy_setopt(handles[FTP_HANDLE], CURLOPT_UPLOAD, 1);

  /* init a multi stack */
  multi_handle = curl_multi_init();

  /* add the individual transfers */
  for(i = 0; i<HANDLECOUNT; i++)
    curl_multi_add_handle(multi_handle, handles[i]);

  /* we start some action by calling perform right away */
  curl_multi_perform(multi_handle, still_running);

  while(still_running.value) {
    let timeout; /* milliseconds, as struct timeval's seconds and microseconds */
    let rc; /* select() return code */
    let mc; /* curl_multi_fdset() return code */

    const fdread = [];
    const fdwrite = [];
    const fdexcep = [];
    const maxfd = { value: -1 };

    const curl_timeo = { value: -1 };

    /* set a suitable timeout to play around with */
    timeout = 1000;

    curl_multi_timeout(multi_handle, curl_timeo);
    if(curl_timeo.value >= 0) {
      timeout = Math.min(curl_timeo.value, 1000);
    }

    /* get file descriptors from the transfers */
    mc = curl_multi_fdset(multi_handle, fdread, fdwrite, fdexcep, maxfd);

    if(mc != CURLM_OK) {
      process.stderr.write(`curl_multi_fdset() failed, code ${mc}.\n`);
      break;
    }

    /* On success the value of maxfd is guaranteed to be >= -1. With maxfd == -1 there
       are no fds ready yet: sleep 100ms, the minimum the curl_multi_fdset() doc suggests. */
    if(maxfd.value == -1) {
      rc = select(multi_handle, [], [], [], 100);
    }
    else {
      rc = select(multi_handle, fdread, fdwrite, fdexcep, timeout);
    }

    switch(rc) {
    case -1:
      /* select error */
      break;
    case 0: /* timeout */
    default: /* action */
      curl_multi_perform(multi_handle, still_running);
      break;
    }
  }

  /* See how the transfers went */
  while((msg = curl_multi_info_read(multi_handle, msgs_left))) {
    if(msg.msg == CURLMSG_DONE) {
      let idx;

      /* Find out which handle this message is about */
      for(idx = 0; idx<HANDLECOUNT; idx++) {
        const found = (msg.easy_handle == handles[idx]);
        if(found)
          break;
      }

      switch(idx) {
      case HTTP_HANDLE:
        process.stdout.write(`HTTP transfer completed with status ${msg.data.result}\n`);
        break;
      case FTP_HANDLE:
        process.stdout.write(`FTP transfer completed with status ${msg.data.result}\n`);
        break;
      }
    }
  }

  curl_multi_cleanup(multi_handle);

  /* Free the CURL handles */
  for(i = 0; i<HANDLECOUNT; i++)
    curl_easy_cleanup(handles[i]);

  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
