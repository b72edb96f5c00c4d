#!/usr/bin/env node
// curl's docs/examples/certinfo.c (7.88.1): the server's certificate chain from
// CURLINFO_CERTINFO (an array per certificate, as C's struct curl_certinfo holds slists).
//   node examples/c/certinfo.js [URL]
'use strict';
const {
  CURLINFO_CERTINFO, CURLOPT_CERTINFO, CURLOPT_SSL_VERIFYHOST, CURLOPT_SSL_VERIFYPEER, CURLOPT_URL, CURLOPT_VERBOSE,
  CURLOPT_WRITEFUNCTION, CURL_GLOBAL_DEFAULT,
  curl_easy_cleanup, curl_easy_getinfo, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_global_cleanup,
  curl_global_init,
} = require('curlio/libcurl');

function wrfu(ptr, stream) {
  void stream;
  return ptr.length;
}

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;

  curl_global_init(CURL_GLOBAL_DEFAULT);

  curl = curl_easy_init();
  if(curl) {
    curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'https://www.example.com/');

    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, wrfu);

    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0);

    curl_easy_setopt(curl, CURLOPT_VERBOSE, 0);
    curl_easy_setopt(curl, CURLOPT_CERTINFO, 1);

    res = curl_easy_perform(curl);

    if(!res) {
      const certinfo = { value: null };
      res = curl_easy_getinfo(curl, CURLINFO_CERTINFO, certinfo);

      if(!res && certinfo.value) {
        let i;

        process.stdout.write(`${certinfo.value.length} certs!\n`);

        for(i = 0; i < certinfo.value.length; i++) {
          for(const slist of certinfo.value[i])
            process.stdout.write(`${slist}\n`);
        }
      }

    }

    curl_easy_cleanup(curl);
  }

  curl_global_cleanup();

  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
