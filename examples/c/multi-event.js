#!/usr/bin/env node
// curl's docs/examples/multi-event.c (7.88.1): downloads driven by the program's own
// event loop through CURLMOPT_SOCKETFUNCTION / TIMERFUNCTION. libevent's events become a
// Poll per socket and a JavaScript timer. Each body goes to a file by C's default write
// function: CURLOPT_WRITEDATA is the open file, there is no WRITEFUNCTION.
//   node examples/c/multi-event.js URL...    (writes N.download in the current directory)
'use strict';
const fs = require('node:fs');
const {
  CURLINFO_EFFECTIVE_URL, CURLINFO_PRIVATE, CURLMOPT_SOCKETFUNCTION, CURLMOPT_TIMERFUNCTION, CURLMSG_DONE,
  CURLOPT_PRIVATE, CURLOPT_URL, CURLOPT_WRITEDATA, CURL_CSELECT_IN, CURL_CSELECT_OUT, CURL_GLOBAL_ALL, CURL_POLL_IN,
  CURL_POLL_INOUT, CURL_POLL_OUT, CURL_POLL_REMOVE, CURL_SOCKET_TIMEOUT, Poll, UV_READABLE, UV_WRITABLE,
  curl_easy_cleanup, curl_easy_getinfo, curl_easy_init, curl_easy_setopt, curl_global_cleanup, curl_global_init,
  curl_multi_add_handle, curl_multi_assign, curl_multi_cleanup, curl_multi_info_read, curl_multi_init,
  curl_multi_remove_handle, curl_multi_setopt, curl_multi_socket_action,
} = require('curlio/libcurl');

let base; /* what event_base_dispatch waits for: the downloads still running */
let curl_handle;
let timeout;

/* typedef struct curl_context_s { struct event *event; curl_socket_t sockfd; } curl_context_t; */

function create_curl_context(sockfd) {
  const context = { sockfd, event: new Poll(sockfd) };
  return context;
}

function destroy_curl_context(context) {
  context.event.close();
}

function add_download(url, num) {
  const filename = `${num}.download`;
  let file;
  let handle;

  try {
    file = fs.openSync(filename, 'w');
  } catch {
    process.stderr.write(`Error opening ${filename}\n`);
    return;
  }

  handle = curl_easy_init();
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, file);
  curl_easy_setopt(handle, CURLOPT_PRIVATE, file);
  curl_easy_setopt(handle, CURLOPT_URL, url);
  curl_multi_add_handle(curl_handle, handle);
  base.pending++;
  process.stderr.write(`Added download ${url} -> ${filename}\n`);
}

function check_multi_info() {
  const done_url = { value: null };
  let message;
  const pending = { value: 0 };
  let easy_handle;
  const file = { value: null };

  while((message = curl_multi_info_read(curl_handle, pending))) {
    switch(message.msg) {
    case CURLMSG_DONE:
      easy_handle = message.easy_handle;

      curl_easy_getinfo(easy_handle, CURLINFO_EFFECTIVE_URL, done_url);
      curl_easy_getinfo(easy_handle, CURLINFO_PRIVATE, file);
      process.stdout.write(`${done_url.value} DONE\n`);

      curl_multi_remove_handle(curl_handle, easy_handle);
      curl_easy_cleanup(easy_handle);
      if(file.value !== null) {
        fs.closeSync(file.value);
      }
      if (--base.pending === 0) base.done();
      break;

    default:
      process.stderr.write('CURLMSG default\n');
      break;
    }
  }
}

function curl_perform(context, status, event) {
  const running_handles = { value: 0 };
  let flags = 0;

  if(event & UV_READABLE)
    flags |= CURL_CSELECT_IN;
  if(event & UV_WRITABLE)
    flags |= CURL_CSELECT_OUT;

  curl_multi_socket_action(curl_handle, context.sockfd, flags,
                           running_handles);

  check_multi_info();
}

function on_timeout() {
  const running_handles = { value: 0 };
  curl_multi_socket_action(curl_handle, CURL_SOCKET_TIMEOUT, 0,
                           running_handles);
  check_multi_info();
}

function start_timeout(multi, timeout_ms, userp) {
  if(timeout_ms < 0) {
    clearTimeout(timeout);
  }
  else {
    if(timeout_ms == 0)
      timeout_ms = 1; /* 0 means directly call socket_action, but we will do it
                         in a bit */
    clearTimeout(timeout);
    timeout = setTimeout(on_timeout, timeout_ms);
  }
  return 0;
}

function handle_socket(easy, s, action, userp, socketp) {
  let curl_context;
  let events = 0;

  switch(action) {
  case CURL_POLL_IN:
  case CURL_POLL_OUT:
  case CURL_POLL_INOUT:
    curl_context = socketp ?
      socketp : create_curl_context(s);

    curl_multi_assign(curl_handle, s, curl_context);

    if(action != CURL_POLL_IN)
      events |= UV_WRITABLE;
    if(action != CURL_POLL_OUT)
      events |= UV_READABLE;

    curl_context.event.start(events, (status, ev) => curl_perform(curl_context, status, ev));
    break;
  case CURL_POLL_REMOVE:
    if(socketp) {
      socketp.event.stop();
      destroy_curl_context(socketp);
      curl_multi_assign(curl_handle, s, null);
    }
    break;
  default:
    throw new Error(`abort(): socket action ${action}`);
  }

  return 0;
}

async function main(argv = process.argv.slice(2)) {
  let argc = argv.length + 1;
  if(argc <= 1)
    return 0;

  if(curl_global_init(CURL_GLOBAL_ALL)) {
    process.stderr.write('Could not init curl\n');
    return 1;
  }

  const dispatched = new Promise((resolve) => (base = { pending: 0, done: resolve }));

  curl_handle = curl_multi_init();
  curl_multi_setopt(curl_handle, CURLMOPT_SOCKETFUNCTION, handle_socket);
  curl_multi_setopt(curl_handle, CURLMOPT_TIMERFUNCTION, start_timeout);

  while(argc-- > 1) {
    add_download(argv[argc - 1], argc);
  }

  /* event_base_dispatch(base): runs until the last download is done */
  await dispatched;

  curl_multi_cleanup(curl_handle);
  clearTimeout(timeout);
  curl_global_cleanup();
  return 0;
}

module.exports = main;
if (require.main === module) main().then((code) => (process.exitCode = code));
