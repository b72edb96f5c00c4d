'use strict';
// curlio/libcurl driven from JavaScript, as curl's docs/examples/multi-uv.c: the
// application's CURLMOPT_SOCKETFUNCTION starts a Poll per socket, CURLMOPT_TIMERFUNCTION a
// JS timer, and finished transfers are drained after curl_multi_socket_action returns.
// Easy handles are reused, C in flight; a WRITEFUNCTION counts the body.
const { main } = require('./harness');

main('multi-js', async (opts) => {
  const lc = require('../../dist/libcurl');
  const {
    Poll, UV_READABLE, UV_WRITABLE, CURL_CSELECT_IN, CURL_CSELECT_OUT, CURL_POLL_IN, CURL_POLL_OUT,
    CURL_POLL_INOUT, CURL_POLL_REMOVE, CURL_SOCKET_TIMEOUT, CURLMSG_DONE,
  } = lc;
  const curl_handle = lc.curl_multi_init();
  const running_handles = { value: 0 };
  let timeout;
  let onCycle = () => {};

  function curl_perform(context, status, events) {
    let flags = 0;
    if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
    lc.curl_multi_socket_action(curl_handle, context.sockfd, flags, running_handles);
    onCycle();
  }
  function on_timeout() {
    timeout = undefined;
    lc.curl_multi_socket_action(curl_handle, CURL_SOCKET_TIMEOUT, 0, running_handles);
    onCycle();
  }
  // multi-uv.c turns a 0 ms timeout into a 1 ms uv timer; a JS application does better with
  // setImmediate (it runs after this loop turn's I/O, and never re-enters libcurl from here).
  let immediate;
  function on_immediate() {
    immediate = undefined;
    on_timeout();
  }
  function start_timeout(multi, timeout_ms) {
    clearTimeout(timeout);
    timeout = undefined;
    if (timeout_ms === 0) immediate ??= setImmediate(on_immediate);
    else if (timeout_ms > 0) timeout = setTimeout(on_timeout, timeout_ms);
    return 0;
  }
  // One Poll per fd, kept when libcurl says CURL_POLL_REMOVE (a keep-alive connection goes
  // idle between requests): stopping it is enough, and the next request on that connection
  // starts it again instead of opening a new uv_poll. multi-uv.c closes it; this is the
  // native driver's way. A stopped Poll is not watching its fd, so libcurl may close that
  // fd and a new socket may reuse the number.
  const contexts = new Map(); // fd → { sockfd, poll_handle, onEvent }
  function contextFor(s) {
    let context = contexts.get(s);
    if (context === undefined) {
      context = { sockfd: s, poll_handle: new Poll(s), onEvent: null };
      context.onEvent = (status, ev) => curl_perform(context, status, ev);
      contexts.set(s, context);
    }
    return context;
  }
  function handle_socket(easy, s, action, userp, socketp) {
    switch (action) {
      case CURL_POLL_IN:
      case CURL_POLL_OUT:
      case CURL_POLL_INOUT: {
        const context = socketp ?? contextFor(s);
        if (!socketp) lc.curl_multi_assign(curl_handle, s, context);
        let events = 0;
        if (action !== CURL_POLL_IN) events |= UV_WRITABLE;
        if (action !== CURL_POLL_OUT) events |= UV_READABLE;
        context.poll_handle.start(events, context.onEvent);
        break;
      }
      case CURL_POLL_REMOVE:
        if (socketp) {
          socketp.poll_handle.stop();
          lc.curl_multi_assign(curl_handle, s, null);
        }
        break;
    }
    return 0;
  }
  lc.curl_multi_setopt(curl_handle, lc.CURLMOPT_SOCKETFUNCTION, handle_socket);
  lc.curl_multi_setopt(curl_handle, lc.CURLMOPT_TIMERFUNCTION, start_timeout);
  lc.curl_multi_setopt(curl_handle, lc.CURLMOPT_MAXCONNECTS, opts.c);
  if (opts.h2) lc.curl_multi_setopt(curl_handle, lc.CURLMOPT_PIPELINING, lc.CURLPIPE_MULTIPLEX);

  const transfers = new Map(); // easy → { bytes }
  function makeEasy() {
    const t = { bytes: 0 };
    const easy = lc.curl_easy_init();
    lc.curl_easy_setopt(easy, lc.CURLOPT_URL, opts.url);
    lc.curl_easy_setopt(easy, lc.CURLOPT_WRITEFUNCTION, (data) => {
      t.bytes += data.length;
      return data.length;
    });
    if (opts.h2) {
      lc.curl_easy_setopt(easy, lc.CURLOPT_HTTP_VERSION, lc.CURL_HTTP_VERSION_2TLS);
      lc.curl_easy_setopt(easy, lc.CURLOPT_PIPEWAIT, 1);
      lc.curl_easy_setopt(easy, lc.CURLOPT_CAINFO, opts.caFile);
    }
    transfers.set(easy, t);
    return easy;
  }
  const pool = [];

  function run(count) {
    return new Promise((resolve) => {
      let started = 0;
      let finished = 0;
      let failures = 0;
      let bytes = 0;
      let firstError = null;
      const status = { value: 0 };
      const pending = { value: 0 };
      onCycle = () => {
        let message;
        while ((message = lc.curl_multi_info_read(curl_handle, pending))) {
          if (message.msg !== CURLMSG_DONE) continue;
          const easy = message.easy_handle;
          const t = transfers.get(easy);
          lc.curl_easy_getinfo(easy, lc.CURLINFO_RESPONSE_CODE, status);
          if (message.data.result !== 0 || status.value !== 200 || t.bytes !== opts.expectLen) {
            failures++;
            firstError ??= `result ${message.data.result} status ${status.value} bytes ${t.bytes}`;
          }
          bytes += t.bytes;
          finished++;
          lc.curl_multi_remove_handle(curl_handle, easy);
          if (started < count) {
            t.bytes = 0;
            started++;
            lc.curl_multi_add_handle(curl_handle, easy);
          }
        }
        if (finished === count) {
          onCycle = () => {};
          resolve({ failures, bytes, firstError });
        }
      };
      for (let i = 0; i < opts.c && started < count; i++) {
        const easy = pool[i] ?? (pool[i] = makeEasy());
        transfers.get(easy).bytes = 0;
        started++;
        lc.curl_multi_add_handle(curl_handle, easy);
      }
    });
  }
  return {
    run,
    close: () => {
      clearTimeout(timeout);
      clearImmediate(immediate);
      lc.curl_multi_cleanup(curl_handle);
      for (const e of pool) lc.curl_easy_cleanup(e);
      for (const context of contexts.values()) context.poll_handle.close();
    },
  };
});
