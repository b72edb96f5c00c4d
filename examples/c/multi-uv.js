#!/usr/bin/env node
// curl's docs/examples/multi-uv.c (7.88.1), ported to curlio/libcurl name for name: the program
// drives libcurl with its own event loop (a Poll per socket, one timer) through
// CURLMOPT_SOCKETFUNCTION and CURLMOPT_TIMERFUNCTION, and drains finished transfers in
// check_multi_info after curl_multi_socket_action returns.
//
//   node examples/c/multi-uv.js URL...     (each body is written to a file named after its index)
'use strict';
const fs = require('node:fs');
const {
  CURLINFO_EFFECTIVE_URL, CURLINFO_PRIVATE, CURLMOPT_SOCKETFUNCTION, CURLMOPT_TIMERFUNCTION, CURLMSG_DONE,
  CURLOPT_PRIVATE, CURLOPT_URL, CURLOPT_WRITEFUNCTION, CURL_CSELECT_IN, CURL_CSELECT_OUT, CURL_POLL_IN,
  CURL_POLL_INOUT, CURL_POLL_OUT, CURL_POLL_REMOVE, CURL_SOCKET_TIMEOUT, Poll, UV_READABLE, UV_WRITABLE,
  curl_easy_cleanup, curl_easy_getinfo, curl_easy_init, curl_easy_setopt, curl_easy_strerror,
  curl_multi_add_handle, curl_multi_assign, curl_multi_cleanup, curl_multi_info_read, curl_multi_init,
  curl_multi_remove_handle, curl_multi_setopt, curl_multi_socket_action,
} = require('curlio/libcurl');

let curl_handle;
let timeout;
let pending = 0;

function create_curl_context(sockfd) {
  return { sockfd, poll_handle: new Poll(sockfd) };
}

function destroy_curl_context(context) {
  context.poll_handle.close();
}

function add_download(url, num) {
  const filename = `${num}.download`;
  const file = fs.openSync(filename, 'w');
  const handle = curl_easy_init();
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, (data) => fs.writeSync(file, data));
  curl_easy_setopt(handle, CURLOPT_PRIVATE, { file, filename });
  curl_easy_setopt(handle, CURLOPT_URL, url);
  curl_multi_add_handle(curl_handle, handle);
  pending++;
  console.error(`Added download ${url} -> ${filename}`);
}

function check_multi_info() {
  let message;
  while ((message = curl_multi_info_read(curl_handle))) {
    switch (message.msg) {
      case CURLMSG_DONE: {
        const easy_handle = message.easy_handle;
        const done_url = { value: null };
        const file = { value: null }; // what CURLOPT_PRIVATE was set to
        curl_easy_getinfo(easy_handle, CURLINFO_EFFECTIVE_URL, done_url);
        curl_easy_getinfo(easy_handle, CURLINFO_PRIVATE, file);
        if (message.data.result === 0) console.log(`${done_url.value} DONE`);
        else console.log(`${done_url.value} FAILED: ${curl_easy_strerror(message.data.result)}`);
        if (message.data.result !== 0) process.exitCode = 1;
        curl_multi_remove_handle(curl_handle, easy_handle);
        curl_easy_cleanup(easy_handle);
        fs.closeSync(file.value.file);
        pending--;
        break;
      }
      default:
        console.error('CURLMSG default');
        break;
    }
  }
  // multi-uv.c cleans up once uv_run returns; here the last transfer's end stands for that,
  // and closing the multi closes the kept-alive connections whose Polls keep the loop alive.
  if (pending === 0 && curl_handle) {
    clearTimeout(timeout);
    curl_multi_cleanup(curl_handle);
    curl_handle = null;
    finished(0);
  }
}

function curl_perform(context, status, events) {
  let flags = 0;
  if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
  if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
  const running_handles = { value: 0 };
  curl_multi_socket_action(curl_handle, context.sockfd, flags, running_handles);
  check_multi_info();
}

function on_timeout() {
  const running_handles = { value: 0 };
  curl_multi_socket_action(curl_handle, CURL_SOCKET_TIMEOUT, 0, running_handles);
  check_multi_info();
}

function start_timeout(multi, timeout_ms, userp) {
  clearTimeout(timeout);
  if (timeout_ms >= 0) {
    if (timeout_ms === 0) timeout_ms = 1; /* 0 means call socket_action asap */
    timeout = setTimeout(on_timeout, timeout_ms);
  }
  return 0;
}

function handle_socket(easy, s, action, userp, socketp) {
  let curl_context;
  let events = 0;
  switch (action) {
    case CURL_POLL_IN:
    case CURL_POLL_OUT:
    case CURL_POLL_INOUT:
      curl_context = socketp ? socketp : create_curl_context(s);
      curl_multi_assign(curl_handle, s, curl_context);
      if (action !== CURL_POLL_IN) events |= UV_WRITABLE;
      if (action !== CURL_POLL_OUT) events |= UV_READABLE;
      curl_context.poll_handle.start(events, (status, ev) => curl_perform(curl_context, status, ev));
      break;
    case CURL_POLL_REMOVE:
      if (socketp) {
        socketp.poll_handle.stop();
        destroy_curl_context(socketp);
        curl_multi_assign(curl_handle, s, null);
      }
      break;
    default:
      throw new Error(`unexpected socket action ${action}`);
  }
  return 0;
}

let finished;

function main(argv = process.argv.slice(2)) {
  if (argv.length <= 0) {
    console.error('usage: node examples/c/multi-uv.js URL...');
    return 1;
  }
  const loop = new Promise((resolve) => (finished = resolve));
  curl_handle = curl_multi_init();
  curl_multi_setopt(curl_handle, CURLMOPT_SOCKETFUNCTION, handle_socket);
  curl_multi_setopt(curl_handle, CURLMOPT_TIMERFUNCTION, start_timeout);
  argv.forEach((url, i) => add_download(url, i + 1));
  return loop; /* uv_run: until the last transfer is done and its Polls are gone */
}

module.exports = main;
if (require.main === module) {
  Promise.resolve(main()).then((code) => {
    if (code !== 0) process.exitCode = code; // a failed transfer has already set 1
  });
}
