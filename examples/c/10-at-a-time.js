#!/usr/bin/env node
// curl's docs/examples/10-at-a-time.c (7.88.1): many URLs, at most MAX_PARALLEL at once,
// on one multi handle with curl_multi_perform and curl_multi_wait.
//   node examples/c/10-at-a-time.js [BASE-URL]   (the C's list of sites becomes BASE/site/N)
'use strict';
const {
  CURLINFO_PRIVATE, CURLMOPT_MAXCONNECTS, CURLMSG_DONE, CURLOPT_PRIVATE, CURLOPT_URL, CURLOPT_WRITEFUNCTION,
  CURL_GLOBAL_ALL,
  curl_easy_cleanup, curl_easy_getinfo, curl_easy_init, curl_easy_setopt, curl_easy_strerror, curl_global_cleanup,
  curl_global_init, curl_multi_add_handle, curl_multi_cleanup, curl_multi_info_read, curl_multi_init,
  curl_multi_perform, curl_multi_remove_handle, curl_multi_setopt, curl_multi_wait,
} = require('curlio/libcurl');

const sites = [
  'www.microsoft.com', 'opensource.org', 'www.google.com', 'www.yahoo.com', 'www.ibm.com', 'www.mysql.com',
  'www.oracle.com', 'www.ripe.net', 'www.iana.org', 'www.amazon.com', 'www.netcraft.com', 'www.heise.de',
  'www.chip.de', 'www.ca.com', 'www.cnet.com', 'www.mozilla.org', 'www.cnn.com', 'www.wikipedia.org',
  'www.dell.com', 'www.hp.com', 'www.cert.org', 'www.mit.edu', 'www.nist.gov', 'www.ebay.com',
];
let urls;

const MAX_PARALLEL = 10; /* number of simultaneous transfers */
let NUM_URLS;

function write_cb(data, userp) {
  /* take care of the data here, ignored in this example */
  void userp;
  return data.length;
}

function add_transfer(cm, i, left) {
  const eh = curl_easy_init();
  curl_easy_setopt(eh, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt(eh, CURLOPT_URL, urls[i]);
  curl_easy_setopt(eh, CURLOPT_PRIVATE, urls[i]);
  curl_multi_add_handle(cm, eh);
  left.value++;
}

function main(argv = process.argv.slice(2)) {
  let cm;
  let msg;
  let transfers = 0;
  const msgs_left = { value: -1 };
  const left = { value: 0 };

  const base = argv[0];
  urls = base ? sites.map((site) => `${base}/${site}`) : sites.map((site) => `https://${site}`);
  NUM_URLS = urls.length;

  curl_global_init(CURL_GLOBAL_ALL);
  cm = curl_multi_init();

  /* Limit the amount of simultaneous connections curl should allow: */
  curl_multi_setopt(cm, CURLMOPT_MAXCONNECTS, MAX_PARALLEL);

  for(transfers = 0; transfers < MAX_PARALLEL && transfers < NUM_URLS;
      transfers++)
    add_transfer(cm, transfers, left);

  do {
    const still_alive = { value: 1 };
    curl_multi_perform(cm, still_alive);

    while((msg = curl_multi_info_read(cm, msgs_left))) {
      if(msg.msg == CURLMSG_DONE) {
        const url = { value: null };
        const e = msg.easy_handle;
        curl_easy_getinfo(msg.easy_handle, CURLINFO_PRIVATE, url);
        process.stderr.write(`R: ${msg.data.result} - ${curl_easy_strerror(msg.data.result)} <${url.value}>\n`);
        curl_multi_remove_handle(cm, e);
        curl_easy_cleanup(e);
        left.value--;
      }
      else {
        process.stderr.write(`E: CURLMsg (${msg.msg})\n`);
      }
      if(transfers < NUM_URLS)
        add_transfer(cm, transfers++, left);
    }
    if(left.value)
      curl_multi_wait(cm, null, 0, 1000, null);

  } while(left.value);

  curl_multi_cleanup(cm);
  curl_global_cleanup();

  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
