#!/usr/bin/env node
// curl's docs/examples/anyauthput.c (7.88.1): a PUT with CURLAUTH_ANY; libcurl may send the
// body twice, so a SEEKFUNCTION rewinds the file the READFUNCTION reads.
//   node examples/c/anyauthput.js FILE URL
'use strict';
const fs = require('node:fs');
const {
  CURLAUTH_ANY, CURLE_OK, CURLOPT_HTTPAUTH, CURLOPT_INFILESIZE_LARGE, CURLOPT_READDATA, CURLOPT_READFUNCTION,
  CURLOPT_SEEKDATA, CURLOPT_SEEKFUNCTION, CURLOPT_UPLOAD, CURLOPT_URL, CURLOPT_USERPWD, CURL_GLOBAL_ALL,
  CURL_SEEKFUNC_CANTSEEK, CURL_SEEKFUNC_OK,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror, curl_global_cleanup,
  curl_global_init,
} = require('curlio/libcurl');

/* a FILE *: the descriptor and its position, as fseek and fread keep them */

function my_seek(userp, offset, origin) {
  const fp = userp;

  if(origin !== 0 /* SEEK_SET */ || offset < 0)
    /* couldn't seek */
    return CURL_SEEKFUNC_CANTSEEK;
  fp.position = offset;

  return CURL_SEEKFUNC_OK; /* success! */
}

function read_callback(size, stream) {
  const ptr = Buffer.alloc(size);
  const retcode = fs.readSync(stream.fd, ptr, 0, size, stream.position);
  stream.position += retcode;

  if(retcode > 0) {
    process.stderr.write(`*** We read ${retcode} bytes from file\n`);
  }

  return ptr.subarray(0, retcode);
}

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;
  let fp;
  let file_info;

  let file;
  let url;

  if(argv.length < 2)
    return 1;

  file = argv[0];
  url = argv[1];

  /* get the file size of the local file */
  fp = { fd: fs.openSync(file, 'r'), position: 0 };
  file_info = fs.fstatSync(fp.fd);

  /* In windows, this will init the winsock stuff */
  curl_global_init(CURL_GLOBAL_ALL);

  /* get a curl handle */
  curl = curl_easy_init();
  if(curl) {
    /* we want to use our own read function */
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_callback);

    /* which file to upload */
    curl_easy_setopt(curl, CURLOPT_READDATA, fp);

    /* set the seek function */
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, my_seek);

    /* pass the file descriptor to the seek callback as well */
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, fp);

    /* enable "uploading" (which means PUT when doing HTTP) */
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1);

    /* specify target URL, and note that this URL should also include a file
       name, not only a directory (as you can do with GTP uploads) */
    curl_easy_setopt(curl, CURLOPT_URL, url);

    /* and give the size of the upload, this supports large file sizes
       on systems that have general support for it */
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                     file_info.size);

    /* tell libcurl we can use "any" auth, which lets the lib pick one, but it
       also costs one extra round-trip and possibly sending of all the PUT
       data twice!!! */
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_ANY);

    /* set user name and password for the authentication */
    curl_easy_setopt(curl, CURLOPT_USERPWD, 'user:password');

    /* Now run off and do what you have been told! */
    res = curl_easy_perform(curl);
    /* Check for errors */
    if(res != CURLE_OK)
      process.stderr.write(`curl_easy_perform() failed: ${curl_easy_strerror(res)}\n`);

    /* always cleanup */
    curl_easy_cleanup(curl);
  }
  fs.closeSync(fp.fd); /* close the local file */

  curl_global_cleanup();
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
