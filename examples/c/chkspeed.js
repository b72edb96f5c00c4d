#!/usr/bin/env node
// curl's docs/examples/chkspeed.c (7.88.1): download speed and times from getinfo.
//   node examples/c/chkspeed.js [-m=1|2|5|10|20|50|100] [-t] [-x] [-a] [url]
'use strict';
const {
  CURLE_OK, CURLINFO_CONNECT_TIME_T, CURLINFO_NAMELOOKUP_TIME_T, CURLINFO_SIZE_DOWNLOAD_T,
  CURLINFO_SPEED_DOWNLOAD_T, CURLINFO_TOTAL_TIME_T, CURLOPT_URL, CURLOPT_USERAGENT, CURLOPT_WRITEFUNCTION,
  CURL_GLOBAL_ALL,
  curl_easy_cleanup, curl_easy_getinfo, curl_easy_init, curl_easy_perform, curl_easy_setopt, curl_easy_strerror,
  curl_global_cleanup, curl_global_init, curl_version,
} = require('curlio/libcurl');

const URL_BASE = 'http://speedtest.your.domain/';
const URL_1M = `${URL_BASE}file_1M.bin`;
const URL_2M = `${URL_BASE}file_2M.bin`;
const URL_5M = `${URL_BASE}file_5M.bin`;
const URL_10M = `${URL_BASE}file_10M.bin`;
const URL_20M = `${URL_BASE}file_20M.bin`;
const URL_50M = `${URL_BASE}file_50M.bin`;
const URL_100M = `${URL_BASE}file_100M.bin`;

const CHKSPEED_VERSION = '1.0';
const printf = (text) => process.stdout.write(text);
const seconds = (val) => `${Math.floor(val / 1000000)}.${String(val % 1000000).padStart(6, '0')}`;

function WriteCallback(ptr, data) {
  /* we are not interested in the downloaded bytes itself,
     so we only return the size we would have saved ... */
  void data; /* unused */
  return ptr.length;
}

function main(argv = process.argv.slice(2)) {
  let curl_handle;
  let res;
  let prtall = 0, prtsep = 0, prttime = 0;
  let url = URL_1M;
  const appname = 'chkspeed';

  /* parse input parameters */
  for (const arg of argv) {
    if(arg[0] == '-') {
      switch(arg[1]) {
      case 'h':
      case 'H':
        process.stderr.write(`\rUsage: ${appname} [-m=1|2|5|10|20|50|100] [-t] [-x] [url]\n`);
        return 1;
      case 'v':
      case 'V':
        process.stderr.write(`\r${appname} ${CHKSPEED_VERSION} - ${curl_version()}\n`);
        return 1;
      case 'a':
      case 'A':
        prtall = 1;
        break;
      case 'x':
      case 'X':
        prtsep = 1;
        break;
      case 't':
      case 'T':
        prttime = 1;
        break;
      case 'm':
      case 'M':
        if(arg[2] == '=') {
          const m = parseInt(arg.slice(3), 10);
          switch(m) {
          case 1: url = URL_1M; break;
          case 2: url = URL_2M; break;
          case 5: url = URL_5M; break;
          case 10: url = URL_10M; break;
          case 20: url = URL_20M; break;
          case 50: url = URL_50M; break;
          case 100: url = URL_100M; break;
          default:
            process.stderr.write(`\r${appname}: invalid parameter ${arg.slice(3)}\n`);
            return 1;
          }
          break;
        }
        /* FALLTHROUGH */
      default:
        process.stderr.write(`\r${appname}: invalid or unknown option ${arg}\n`);
        return 1;
      }
    }
    else {
      url = arg;
    }
  }

  /* print separator line */
  if(prtsep) {
    printf('-------------------------------------------------\n');
  }
  /* print localtime */
  if(prttime) {
    printf(`Localtime: ${new Date().toString()}\n`);
  }
  /* init libcurl */
  curl_global_init(CURL_GLOBAL_ALL);

  /* init the curl session */
  curl_handle = curl_easy_init();

  /* specify URL to get */
  curl_easy_setopt(curl_handle, CURLOPT_URL, url);

  /* send all data to this function  */
  curl_easy_setopt(curl_handle, CURLOPT_WRITEFUNCTION, WriteCallback);

  /* some servers do not like requests that are made without a user-agent
     field, so we provide one */
  curl_easy_setopt(curl_handle, CURLOPT_USERAGENT,
                   `libcurl-speedchecker/${CHKSPEED_VERSION}`);

  /* get it! */
  res = curl_easy_perform(curl_handle);

  if(CURLE_OK == res) {
    const val = { value: 0 };

    /* check for bytes downloaded */
    res = curl_easy_getinfo(curl_handle, CURLINFO_SIZE_DOWNLOAD_T, val);
    if((CURLE_OK == res) && (val.value>0))
      printf(`Data downloaded: ${val.value} bytes.\n`);

    /* check for total download time */
    res = curl_easy_getinfo(curl_handle, CURLINFO_TOTAL_TIME_T, val);
    if((CURLE_OK == res) && (val.value>0))
      printf(`Total download time: ${seconds(val.value)} sec.\n`);

    /* check for average download speed */
    res = curl_easy_getinfo(curl_handle, CURLINFO_SPEED_DOWNLOAD_T, val);
    if((CURLE_OK == res) && (val.value>0))
      printf(`Average download speed: ${Math.floor(val.value / 1024)} kbyte/sec.\n`);

    if(prtall) {
      /* check for name resolution time */
      res = curl_easy_getinfo(curl_handle, CURLINFO_NAMELOOKUP_TIME_T, val);
      if((CURLE_OK == res) && (val.value>0))
        printf(`Name lookup time: ${seconds(val.value)} sec.\n`);

      /* check for connect time */
      res = curl_easy_getinfo(curl_handle, CURLINFO_CONNECT_TIME_T, val);
      if((CURLE_OK == res) && (val.value>0))
        printf(`Connect time: ${seconds(val.value)} sec.\n`);
    }
  }
  else {
    process.stderr.write(`Error while fetching '${url}' : ${curl_easy_strerror(res)}\n`);
  }

  /* cleanup curl stuff */
  curl_easy_cleanup(curl_handle);

  /* we are done with libcurl, so clean it up */
  curl_global_cleanup();

  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
