#!/usr/bin/env node
// curl's docs/examples/postit2.c (7.88.1): a multipart formpost with the MIME API and
// curl_easy_perform.   node examples/c/postit2.js [URL] [noexpectheader]
//   (uploads postit2.js from the current directory)
'use strict';
const {
  CURLE_OK, CURLOPT_HTTPHEADER, CURLOPT_MIMEPOST, CURLOPT_URL, CURL_GLOBAL_ALL, CURL_ZERO_TERMINATED,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror, curl_global_init,
  curl_mime_addpart, curl_mime_data, curl_mime_filedata, curl_mime_free, curl_mime_init, curl_mime_name,
  curl_slist_append, curl_slist_free_all,
} = require('curlio/libcurl');

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;

  let form = null;
  let field = null;
  let headerlist = null;
  const buf = 'Expect:';

  curl_global_init(CURL_GLOBAL_ALL);

  curl = curl_easy_init();
  if(curl) {
    /* Create the form */
    form = curl_mime_init(curl);

    /* Fill in the file upload field */
    field = curl_mime_addpart(form);
    curl_mime_name(field, 'sendfile');
    curl_mime_filedata(field, 'postit2.js');

    /* Fill in the filename field */
    field = curl_mime_addpart(form);
    curl_mime_name(field, 'filename');
    curl_mime_data(field, 'postit2.js', CURL_ZERO_TERMINATED);

    /* Fill in the submit field too, even if this is rarely needed */
    field = curl_mime_addpart(form);
    curl_mime_name(field, 'submit');
    curl_mime_data(field, 'send', CURL_ZERO_TERMINATED);

    /* initialize custom header list (stating that Expect: 100-continue is not
       wanted */
    headerlist = curl_slist_append(headerlist, buf);
    /* what URL that receives this POST */
    curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'https://example.com/examplepost.cgi');
    if((argv.length == 2) && (argv[1] === 'noexpectheader'))
      /* only disable 100-continue header if explicitly requested */
      curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headerlist);
    curl_easy_setopt(curl, CURLOPT_MIMEPOST, form);

    /* Perform the request, res will get the return code */
    res = curl_easy_perform(curl);
    /* Check for errors */
    if(res != CURLE_OK)
      process.stderr.write(`curl_easy_perform() failed: ${curl_easy_strerror(res)}\n`);

    /* always cleanup */
    curl_easy_cleanup(curl);

    /* then cleanup the form */
    curl_mime_free(form);
    /* free slist */
    curl_slist_free_all(headerlist);
  }
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
