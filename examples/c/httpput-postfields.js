#!/usr/bin/env node
// curl's docs/examples/httpput-postfields.c (7.88.1): a PUT whose body is POSTFIELDS,
// with CURLOPT_CUSTOMREQUEST and a custom Content-Type.
//   node examples/c/httpput-postfields.js URL
'use strict';
const {
  CURLE_OK, CURLOPT_CUSTOMREQUEST, CURLOPT_HTTPHEADER, CURLOPT_POSTFIELDS, CURLOPT_URL, CURL_GLOBAL_ALL,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror, curl_global_cleanup,
  curl_global_init, curl_slist_append, curl_slist_free_all,
} = require('curlio/libcurl');

const olivertwist =
  'Among other public buildings in a certain town, which for many reasons ' +
  'it will be prudent to refrain from mentioning, and to which I will assign ' +
  'no fictitious name, there is one anciently common to most towns, great or ' +
  'small: to wit, a workhouse; and in this workhouse was born; on a day and ' +
  'date which I need not trouble myself to repeat, inasmuch as it can be of ' +
  'no possible consequence to the reader, in this stage of the business at ' +
  'all events; the item of mortality whose name is prefixed';

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;
  let url;

  if(argv.length < 1)
    return 1;

  url = argv[0];

  /* In windows, this will init the winsock stuff */
  curl_global_init(CURL_GLOBAL_ALL);

  /* get a curl handle */
  curl = curl_easy_init();
  if(curl) {
    let headers = null;

    /* default type with postfields is application/x-www-form-urlencoded,
       change it if you want */
    headers = curl_slist_append(headers, 'Content-Type: literature/classic');
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

    /* pass on content in request body. When CURLOPT_POSTFIELDSIZE is not used,
       curl does strlen to get the size. */
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, olivertwist);

    /* override the POST implied by CURLOPT_POSTFIELDS
     *
     * Warning: CURLOPT_CUSTOMREQUEST is problematic, especially if you want
     * to follow redirects. Be aware.
     */
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, 'PUT');

    /* specify target URL, and note that this URL should include a file
       name, not only a directory */
    curl_easy_setopt(curl, CURLOPT_URL, url);

    /* Now run off and do what you have been told! */
    res = curl_easy_perform(curl);
    /* Check for errors */
    if(res != CURLE_OK)
      process.stderr.write(`curl_easy_perform() failed: ${curl_easy_strerror(res)}\n`);

    /* always cleanup */
    curl_easy_cleanup(curl);

    /* free headers */
    curl_slist_free_all(headers);
  }

  curl_global_cleanup();
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
