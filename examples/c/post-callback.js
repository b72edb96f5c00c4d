#!/usr/bin/env node
// curl's docs/examples/post-callback.c (7.88.1): a POST whose body comes from a
// READFUNCTION, with POSTFIELDSIZE (the C's USE_CHUNKED and DISABLE_EXPECT defines are
// environment variables here).   node examples/c/post-callback.js [URL]
'use strict';
const {
  CURLE_OK, CURLOPT_HTTPHEADER, CURLOPT_POST, CURLOPT_POSTFIELDSIZE, CURLOPT_READDATA, CURLOPT_READFUNCTION,
  CURLOPT_URL, CURLOPT_VERBOSE, CURL_GLOBAL_DEFAULT,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror, curl_global_cleanup,
  curl_global_init, curl_slist_append,
} = require('curlio/libcurl');

/* silly test data to POST */
const data = Buffer.from('Lorem ipsum dolor sit amet, consectetur adipiscing ' +
  'elit. Sed vel urna neque. Ut quis leo metus. Quisque eleifend, ex at ' +
  'laoreet rhoncus, odio ipsum semper metus, at tempus ante urna in mauris. ' +
  'Suspendisse ornare tempor venenatis. Ut dui neque, pellentesque a varius ' +
  'eget, mattis vitae ligula. Fusce ut pharetra est. Ut ullamcorper mi ac ' +
  'sollicitudin semper. Praesent sit amet tellus varius, posuere nulla non, ' +
  'rhoncus ipsum.');

/* struct WriteThis { const char *readptr; size_t sizeleft; } */

function read_callback(buffer_size, userp) {
  const wt = userp;

  if(wt.sizeleft) {
    /* copy as much as possible from the source to the destination */
    let copy_this_much = wt.sizeleft;
    if(copy_this_much > buffer_size)
      copy_this_much = buffer_size;
    const dest = data.subarray(wt.readptr, wt.readptr + copy_this_much);

    wt.readptr += copy_this_much;
    wt.sizeleft -= copy_this_much;
    return dest; /* we copied this many bytes */
  }

  return null; /* no more data left to deliver */
}

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;

  const wt = { readptr: 0, sizeleft: data.length };

  /* In windows, this will init the winsock stuff */
  res = curl_global_init(CURL_GLOBAL_DEFAULT);
  /* Check for errors */
  if(res != CURLE_OK) {
    process.stderr.write(`curl_global_init() failed: ${curl_easy_strerror(res)}\n`);
    return 1;
  }

  /* get a curl handle */
  curl = curl_easy_init();
  if(curl) {
    /* First set the URL that is about to receive our POST. */
    curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'https://example.com/index.cgi');

    /* Now specify we want to POST data */
    curl_easy_setopt(curl, CURLOPT_POST, 1);

    /* we want to use our own read function */
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_callback);

    /* pointer to pass to our read function */
    curl_easy_setopt(curl, CURLOPT_READDATA, wt);

    /* get verbose debug output please */
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1);

    /*
      If you use POST to an HTTP 1.1 server, you can send data without knowing
      the size before starting the POST if you use chunked encoding. You
      enable this by adding a header like "Transfer-Encoding: chunked" with
      CURLOPT_HTTPHEADER. With HTTP 1.0 or without chunked transfer, you must
      specify the size in the request.
    */
    if (process.env.USE_CHUNKED) {
      let chunk = null;

      chunk = curl_slist_append(chunk, 'Transfer-Encoding: chunked');
      res = curl_easy_setopt(curl, CURLOPT_HTTPHEADER, chunk);
      /* use curl_slist_free_all() after the *perform() call to free this
         list again */
    }
    else {
      /* Set the expected POST size. If you want to POST large amounts of data,
         consider CURLOPT_POSTFIELDSIZE_LARGE */
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, wt.sizeleft);
    }

    if (process.env.DISABLE_EXPECT) {
      /*
        Using POST with HTTP 1.1 implies the use of a "Expect: 100-continue"
        header.  You can disable this header with CURLOPT_HTTPHEADER as usual.
        NOTE: if you want chunked transfer too, you need to combine these two
        since you can only set one list of headers with CURLOPT_HTTPHEADER. */

      /* A less good option would be to enforce HTTP 1.0, but that might also
         have other implications. */
      let chunk = null;

      chunk = curl_slist_append(chunk, 'Expect:');
      res = curl_easy_setopt(curl, CURLOPT_HTTPHEADER, chunk);
      /* use curl_slist_free_all() after the *perform() call to free this
         list again */
    }

    /* Perform the request, res will get the return code */
    res = curl_easy_perform(curl);
    /* Check for errors */
    if(res != CURLE_OK)
      process.stderr.write(`curl_easy_perform() failed: ${curl_easy_strerror(res)}\n`);

    /* always cleanup */
    curl_easy_cleanup(curl);
  }
  curl_global_cleanup();
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
