#!/usr/bin/env node
// curl's docs/examples/multi-formadd.c (7.88.1), with the MIME API in place of
// curl_formadd (deprecated, not bound): a multipart formpost run on a
// multi handle with curl_multi_perform / curl_multi_poll.
//   node examples/c/multi-formadd.js [URL]    (uploads multi-formadd.js from the current directory)
'use strict';
const {
  CURLOPT_HTTPHEADER, CURLOPT_MIMEPOST, CURLOPT_URL, CURLOPT_VERBOSE, CURL_ZERO_TERMINATED,
  curl_easy_cleanup, curl_easy_init, curl_easy_setopt, curl_mime_addpart, curl_mime_data, curl_mime_filedata,
  curl_mime_free, curl_mime_init, curl_mime_name, curl_multi_add_handle, curl_multi_cleanup, curl_multi_init,
  curl_multi_perform, curl_multi_poll, curl_slist_append, curl_slist_free_all,
} = require('curlio/libcurl');

function main(argv = process.argv.slice(2)) {
  let curl;

  let multi_handle;
  const still_running = { value: 0 };

  let form = null;
  let field = null;
  let headerlist = null;
  const buf = 'Expect:';

  curl = curl_easy_init();
  multi_handle = curl_multi_init();

  if(curl && multi_handle) {
    /* Create the form */
    form = curl_mime_init(curl);

    /* Fill in the file upload field */
    field = curl_mime_addpart(form);
    curl_mime_name(field, 'sendfile');
    curl_mime_filedata(field, 'multi-formadd.js');

    /* Fill in the filename field */
    field = curl_mime_addpart(form);
    curl_mime_name(field, 'filename');
    curl_mime_data(field, 'multi-formadd.js', CURL_ZERO_TERMINATED);

    /* Fill in the submit field too, even if this is rarely needed */
    field = curl_mime_addpart(form);
    curl_mime_name(field, 'submit');
    curl_mime_data(field, 'send', CURL_ZERO_TERMINATED);

    /* initialize custom header list (stating that Expect: 100-continue is not
       wanted */
    headerlist = curl_slist_append(headerlist, buf);

    /* what URL that receives this POST */
    curl_easy_setopt(curl, CURLOPT_URL, argv[0] ?? 'https://www.example.com/upload.cgi');
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1);

    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headerlist);
    curl_easy_setopt(curl, CURLOPT_MIMEPOST, form);

    curl_multi_add_handle(multi_handle, curl);

    do {
      let mc = curl_multi_perform(multi_handle, still_running);

      if(still_running.value)
        /* wait for activity, timeout or "nothing" */
        mc = curl_multi_poll(multi_handle, null, 0, 1000, null);

      if(mc)
        break;
    } while(still_running.value);

    curl_multi_cleanup(multi_handle);

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
