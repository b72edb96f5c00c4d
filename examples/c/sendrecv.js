#!/usr/bin/env node
// curl's docs/examples/sendrecv.c (7.88.1): CURLOPT_CONNECT_ONLY, then curl_easy_send and
// curl_easy_recv on the connection. JavaScript has no select(): wait_on_socket waits with
// curl_multi_wait on a multi handle of its own, given the socket as an extra fd.
//   node examples/c/sendrecv.js [URL]
'use strict';
const {
  CURLE_AGAIN, CURLE_OK, CURLINFO_ACTIVESOCKET, CURLOPT_CONNECT_ONLY, CURLOPT_URL, CURL_WAIT_POLLIN,
  CURL_WAIT_POLLOUT, CURL_WAIT_POLLPRI,
  curl_easy_cleanup, curl_easy_getinfo, curl_easy_init, curl_easy_perform, curl_easy_recv, curl_easy_send,
  curl_easy_setopt, curl_easy_strerror, curl_multi_cleanup, curl_multi_init, curl_multi_wait,
} = require('curlio/libcurl');

const printf = (text) => process.stdout.write(text);

/* Auxiliary function that waits on the socket. */
function wait_on_socket(sockfd, for_recv, timeout_ms) {
  const fds = [{ fd: sockfd, events: CURL_WAIT_POLLPRI /* always check for error */, revents: 0 }];
  const res = { value: 0 };

  if(for_recv) {
    fds[0].events |= CURL_WAIT_POLLIN;
  }
  else {
    fds[0].events |= CURL_WAIT_POLLOUT;
  }

  /* select() returns the number of signalled sockets or -1 */
  const waiter = curl_multi_init();
  curl_multi_wait(waiter, fds, 1, timeout_ms, res);
  curl_multi_cleanup(waiter);
  return res.value;
}

function main(argv = process.argv.slice(2)) {
  let curl;
  /* Minimalistic http request */
  const request = Buffer.from('GET / HTTP/1.0\r\nHost: example.com\r\n\r\n');
  const request_len = request.length;

  /* A general note of caution here: if you are using curl_easy_recv() or
     curl_easy_send() to implement HTTP or _any_ other protocol libcurl
     supports "natively", you are doing it wrong and you should stop.

     This example uses HTTP only to show how to use this API, it does not
     suggest that writing an application doing this is sensible.
  */

  curl = curl_easy_init();
  if(curl) {
    let res;
    const sockfd = { value: -1 };
    let nsent_total = 0;

    curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'https://example.com');
    /* Do not do the transfer - only connect to host */
    curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1);
    res = curl_easy_perform(curl);

    if(res != CURLE_OK) {
      printf(`Error: ${curl_easy_strerror(res)}\n`);
      return 1;
    }

    /* Extract the socket from the curl handle - we will need it for
       waiting. */
    res = curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, sockfd);

    if(res != CURLE_OK) {
      printf(`Error: ${curl_easy_strerror(res)}\n`);
      return 1;
    }

    printf('Sending request.\n');

    do {
      /* Warning: This example program may loop indefinitely.
       * A production-quality program must define a timeout and exit this loop
       * as soon as the timeout has expired. */
      const nsent = { value: 0 };
      do {
        nsent.value = 0;
        res = curl_easy_send(curl, request.subarray(nsent_total),
            request_len - nsent_total, nsent);
        nsent_total += nsent.value;

        if(res == CURLE_AGAIN && !wait_on_socket(sockfd.value, 0, 60000)) {
          printf('Error: timeout.\n');
          return 1;
        }
      } while(res == CURLE_AGAIN);

      if(res != CURLE_OK) {
        printf(`Error: ${curl_easy_strerror(res)}\n`);
        return 1;
      }

      printf(`Sent ${nsent.value} bytes.\n`);

    } while(nsent_total < request_len);

    printf('Reading response.\n');

    for(;;) {
      /* Warning: This example program may loop indefinitely (see above). */
      const buf = Buffer.alloc(1024);
      const nread = { value: 0 };
      do {
        nread.value = 0;
        res = curl_easy_recv(curl, buf, buf.length, nread);

        if(res == CURLE_AGAIN && !wait_on_socket(sockfd.value, 1, 60000)) {
          printf('Error: timeout.\n');
          return 1;
        }
      } while(res == CURLE_AGAIN);

      if(res != CURLE_OK) {
        printf(`Error: ${curl_easy_strerror(res)}\n`);
        break;
      }

      if(nread.value == 0) {
        /* end of the response */
        break;
      }

      printf(`Received ${nread.value} bytes.\n`);
    }

    /* always cleanup */
    curl_easy_cleanup(curl);
  }
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
