#!/usr/bin/env node
// curl's docs/examples/cookie_interface.c (7.88.1): the cookie engine through
// CURLINFO_COOKIELIST and CURLOPT_COOKIELIST.   node examples/c/cookie_interface.js [URL]
// (the cookies' domain is the URL's host instead of .example.com)
'use strict';
const {
  CURLE_OK, CURLINFO_COOKIELIST, CURLOPT_COOKIEFILE, CURLOPT_COOKIELIST, CURLOPT_URL, CURLOPT_VERBOSE,
  CURL_GLOBAL_ALL,
  curl_easy_cleanup, curl_easy_getinfo, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror,
  curl_global_cleanup, curl_global_init, curl_slist_free_all,
} = require('curlio/libcurl');

const printf = (text) => process.stdout.write(text);

function print_cookies(curl) {
  let res;
  const cookies = { value: null };
  let i;

  printf('Cookies, curl knows:\n');
  res = curl_easy_getinfo(curl, CURLINFO_COOKIELIST, cookies);
  if(res != CURLE_OK) {
    process.stderr.write(`Curl curl_easy_getinfo failed: ${curl_easy_strerror(res)}\n`);
    process.exit(1);
  }
  i = 1;
  for (const nc of cookies.value) {
    printf(`[${i}]: ${nc}\n`);
    i++;
  }
  if(i == 1) {
    printf('(none)\n');
  }
  curl_slist_free_all(cookies.value);
}

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;
  const url = argv[0] ?? 'https://www.example.com/';
  const domain = new URL(url).hostname;

  curl_global_init(CURL_GLOBAL_ALL);
  curl = curl_easy_init();
  if(curl) {
    let nline;

    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1);
    curl_easy_setopt(curl, CURLOPT_COOKIEFILE, ''); /* start cookie engine */
    res = curl_easy_perform(curl);
    if(res != CURLE_OK) {
      process.stderr.write(`Curl perform failed: ${curl_easy_strerror(res)}\n`);
      return 1;
    }

    print_cookies(curl);

    printf("Erasing curl's knowledge of cookies!\n");
    curl_easy_setopt(curl, CURLOPT_COOKIELIST, 'ALL');

    print_cookies(curl);

    printf('-----------------------------------------------\n' +
           'Setting a cookie "PREF" via cookie interface:\n');
    /* Netscape format cookie */
    nline = [domain, 'FALSE', '/', 'FALSE',
             (Math.floor(Date.now() / 1000) + 31337).toFixed(0),
             'PREF', 'hello example, i like you very much!'].join('\t');
    res = curl_easy_setopt(curl, CURLOPT_COOKIELIST, nline);
    if(res != CURLE_OK) {
      process.stderr.write(`Curl curl_easy_setopt failed: ${curl_easy_strerror(res)}\n`);
      return 1;
    }

    /* HTTP-header style cookie. If you use the Set-Cookie format and do not
    specify a domain then the cookie is sent for any domain and will not be
    modified, likely not what you intended. Starting in 7.43.0 any-domain
    cookies will not be exported either. For more information refer to the
    CURLOPT_COOKIELIST documentation.
    */
    nline = 'Set-Cookie: OLD_PREF=3d141414bf4209321; ' +
      `expires=Sun, 17-Jan-2038 19:14:07 GMT; path=/; domain=${domain}`;
    res = curl_easy_setopt(curl, CURLOPT_COOKIELIST, nline);
    if(res != CURLE_OK) {
      process.stderr.write(`Curl curl_easy_setopt failed: ${curl_easy_strerror(res)}\n`);
      return 1;
    }

    print_cookies(curl);

    res = curl_easy_perform(curl);
    if(res != CURLE_OK) {
      process.stderr.write(`Curl perform failed: ${curl_easy_strerror(res)}\n`);
      return 1;
    }
    curl_easy_cleanup(curl);
  }
  else {
    process.stderr.write('Curl init failed!\n');
    return 1;
  }

  curl_global_cleanup();
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
