#!/usr/bin/env node
// curl's docs/examples/hiperfifo.c (7.88.1): URLs read from a named pipe are fetched on
// one multi handle driven by the program's event loop (libevent in C: a Poll per socket,
// a Poll on the fifo and a JavaScript timer here). Write "stop" into the pipe to end it
// once the transfers are done.
//   node examples/c/hiperfifo.js     then: echo URL > hiper.fifo; echo stop > hiper.fifo
'use strict';
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const {
  CURLINFO_EFFECTIVE_URL, CURLINFO_PRIVATE, CURLMOPT_SOCKETDATA, CURLMOPT_SOCKETFUNCTION, CURLMOPT_TIMERDATA,
  CURLMOPT_TIMERFUNCTION, CURLMSG_DONE, CURLM_BAD_SOCKET, CURLM_OK, CURLMcodeNames, CURLOPT_ERRORBUFFER,
  CURLOPT_FOLLOWLOCATION, CURLOPT_NOPROGRESS, CURLOPT_PRIVATE, CURLOPT_URL, CURLOPT_VERBOSE, CURLOPT_WRITEDATA,
  CURLOPT_WRITEFUNCTION, CURLOPT_XFERINFODATA, CURLOPT_XFERINFOFUNCTION, CURL_CSELECT_IN, CURL_CSELECT_OUT,
  CURL_ERROR_SIZE, CURL_POLL_IN, CURL_POLL_OUT, CURL_POLL_REMOVE, CURL_SOCKET_TIMEOUT, Poll, UV_READABLE,
  UV_WRITABLE,
  curl_easy_cleanup, curl_easy_getinfo, curl_easy_init, curl_easy_setopt, curl_multi_add_handle, curl_multi_assign,
  curl_multi_cleanup, curl_multi_info_read, curl_multi_init, curl_multi_remove_handle, curl_multi_setopt,
  curl_multi_socket_action,
} = require('curlio/libcurl');

const MSG_OUT = 1; /* Send info to stdout, change to stderr (2) if you want */
function fprintf(fd, text) {
  fs.writeSync(fd, text);
}

/* Global information, common to all connections:
   { evbase, fifo_event, timer_event, multi, still_running, input, stopped } */
/* Information associated with a specific easy handle: { easy, url, global, error } */
/* Information associated with a specific socket: { sockfd, easy, action, timeout, ev, global } */

/* Die if we get a bad CURLMcode somewhere */
function mcode_or_die(where, code) {
  if(CURLM_OK != code) {
    const s = CURLMcodeNames[code] ?? 'CURLM_unknown';
    fprintf(MSG_OUT, `ERROR: ${where} returns ${s}\n`);
    if(code == CURLM_BAD_SOCKET)
      /* ignore this error */
      return;
    process.exit(code);
  }
}

/* Update the event timer after curl_multi library calls */
function multi_timer_cb(multi, timeout_ms, g) {
  fprintf(MSG_OUT, `multi_timer_cb: Setting timeout to ${timeout_ms} ms\n`);

  /*
   * if timeout_ms is -1, just delete the timer
   *
   * For all other values of timeout_ms, this should set or *update* the timer
   * to the new value
   */
  clearTimeout(g.timer_event);
  if(timeout_ms != -1) /* includes timeout zero */
    g.timer_event = setTimeout(timer_cb, timeout_ms, g);
  return 0;
}

/* Check for completed transfers, and remove their easy handles */
function check_multi_info(g) {
  const eff_url = { value: null };
  let msg;
  const msgs_left = { value: 0 };
  const conn = { value: null };
  let easy;
  let res;

  fprintf(MSG_OUT, `REMAINING: ${g.still_running.value}\n`);
  while((msg = curl_multi_info_read(g.multi, msgs_left))) {
    if(msg.msg == CURLMSG_DONE) {
      easy = msg.easy_handle;
      res = msg.data.result;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, conn);
      curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, eff_url);
      const error = conn.value.error.toString('latin1', 0, conn.value.error.indexOf(0));
      fprintf(MSG_OUT, `DONE: ${eff_url.value} => (${res}) ${error}\n`);
      curl_multi_remove_handle(g.multi, easy);
      curl_easy_cleanup(easy);
    }
  }
  if(g.still_running.value == 0 && g.stopped)
    event_base_loopbreak(g);
}

/* Called by libevent when we get action on a multi socket */
function event_cb(fd, kind, g) {
  const action =
    ((kind & UV_READABLE) ? CURL_CSELECT_IN : 0) |
    ((kind & UV_WRITABLE) ? CURL_CSELECT_OUT : 0);

  const rc = curl_multi_socket_action(g.multi, fd, action, g.still_running);
  mcode_or_die('event_cb: curl_multi_socket_action', rc);

  check_multi_info(g);
  if(g.still_running.value <= 0) {
    fprintf(MSG_OUT, 'last transfer done, kill timeout\n');
    clearTimeout(g.timer_event);
  }
}

/* Called by libevent when our timeout expires */
function timer_cb(g) {
  const rc = curl_multi_socket_action(g.multi,
                                  CURL_SOCKET_TIMEOUT, 0, g.still_running);
  mcode_or_die('timer_cb: curl_multi_socket_action', rc);
  check_multi_info(g);
}

/* Clean up the SockInfo structure */
function remsock(f) {
  if(f) {
    if(f.ev)
      f.ev.close();
  }
}

/* Assign information to a SockInfo structure */
function setsock(f, s, e, act, g) {
  const kind =
     ((act & CURL_POLL_IN) ? UV_READABLE : 0) |
     ((act & CURL_POLL_OUT) ? UV_WRITABLE : 0);

  f.sockfd = s;
  f.action = act;
  f.easy = e;
  if(!f.ev)
    f.ev = new Poll(f.sockfd);
  f.ev.start(kind, (status, events) => event_cb(f.sockfd, events, g));
}

/* Initialize a new SockInfo structure */
function addsock(s, easy, action, g) {
  const fdp = { sockfd: s, easy: null, action: 0, timeout: 0, ev: null, global: g };

  fdp.global = g;
  setsock(fdp, s, easy, action, g);
  curl_multi_assign(g.multi, s, fdp);
}

/* CURLMOPT_SOCKETFUNCTION */
function sock_cb(e, s, what, cbp, sockp) {
  const g = cbp;
  const fdp = sockp;
  const whatstr = ['none', 'IN', 'OUT', 'INOUT', 'REMOVE'];

  fprintf(MSG_OUT,
          `socket callback: s=${s} e=${e.constructor.name} what=${whatstr[what]} `);
  if(what == CURL_POLL_REMOVE) {
    fprintf(MSG_OUT, '\n');
    remsock(fdp);
  }
  else {
    if(!fdp) {
      fprintf(MSG_OUT, `Adding data: ${whatstr[what]}\n`);
      addsock(s, e, what, g);
    }
    else {
      fprintf(MSG_OUT,
              `Changing action from ${whatstr[fdp.action]} to ${whatstr[what]}\n`);
      setsock(fdp, s, e, what, g);
    }
  }
  return 0;
}

/* CURLOPT_WRITEFUNCTION */
function write_cb(ptr, data) {
  void data;
  return ptr.length;
}

/* CURLOPT_PROGRESSFUNCTION in the C (deprecated): CURLOPT_XFERINFOFUNCTION here */
function prog_cb(p, dltotal, dlnow, ult, uln) {
  const conn = p;
  void ult;
  void uln;

  fprintf(MSG_OUT, `Progress: ${conn.url} (${dlnow}/${dltotal})\n`);
  return 0;
}

/* Create a new easy handle, and add it to the global curl_multi */
function new_conn(url, g) {
  const conn = { easy: null, url: null, global: null, error: Buffer.alloc(CURL_ERROR_SIZE) };
  conn.error[0] = 0;

  conn.easy = curl_easy_init();
  if(!conn.easy) {
    fprintf(MSG_OUT, 'curl_easy_init() failed, exiting!\n');
    process.exit(2);
  }
  conn.global = g;
  conn.url = url;
  curl_easy_setopt(conn.easy, CURLOPT_URL, conn.url);
  curl_easy_setopt(conn.easy, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt(conn.easy, CURLOPT_WRITEDATA, conn);
  curl_easy_setopt(conn.easy, CURLOPT_VERBOSE, 1);
  curl_easy_setopt(conn.easy, CURLOPT_ERRORBUFFER, conn.error);
  curl_easy_setopt(conn.easy, CURLOPT_PRIVATE, conn);
  curl_easy_setopt(conn.easy, CURLOPT_NOPROGRESS, 0);
  curl_easy_setopt(conn.easy, CURLOPT_XFERINFOFUNCTION, prog_cb);
  curl_easy_setopt(conn.easy, CURLOPT_XFERINFODATA, conn);
  curl_easy_setopt(conn.easy, CURLOPT_FOLLOWLOCATION, 1);
  fprintf(MSG_OUT,
          `Adding easy to multi (${url})\n`);
  const rc = curl_multi_add_handle(g.multi, conn.easy);
  mcode_or_die('new_conn: curl_multi_add_handle', rc);

  /* note that the add_handle() will set a time-out to trigger very soon so
     that the necessary socket_action() call will be called by this app */
}

/* This gets called whenever data is received from the fifo */
function fifo_cb(g) {
  const s = Buffer.alloc(1024);
  let rv = 0;
  for (;;) {
    try {
      rv = fs.readSync(g.input, s, 0, s.length, null);
    } catch {
      break; /* EAGAIN: nothing more for now */
    }
    if (rv == 0) break;
    g.pending += s.toString('latin1', 0, rv);
  }
  const words = g.pending.split(/\s+/);
  g.pending = words.pop(); /* a word not yet ended */
  for (const word of words) {
    if(word) {
      if(word === 'stop') {
        g.stopped = 1;
        if(g.still_running.value == 0)
          event_base_loopbreak(g);
      }
      else
        new_conn(word, g);  /* if we read a URL, go get it! */
    }
  }
}

/* Create a named pipe and tell libevent to monitor it */
const fifo = 'hiper.fifo';
function init_fifo(g) {
  fprintf(MSG_OUT, `Creating named pipe "${fifo}"\n`);
  let st = null;
  try {
    st = fs.lstatSync(fifo);
  } catch {
    /* not there */
  }
  if(st && st.isFile()) {
    process.stderr.write('lstat: File exists\n');
    process.exit(1);
  }
  fs.rmSync(fifo, { force: true });
  execFileSync('mkfifo', ['-m', '600', fifo]);
  const sockfd = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
  g.input = sockfd;

  fprintf(MSG_OUT, `Now, pipe some URL's into > ${fifo}\n`);
  g.fifo_event = new Poll(sockfd);
  g.fifo_event.start(UV_READABLE, () => fifo_cb(g));
  return (0);
}

function clean_fifo(g) {
  g.fifo_event.close();
  fs.closeSync(g.input);
  fs.rmSync(fifo, { force: true });
}

/* event_base_dispatch() returns once event_base_loopbreak() is called */
function event_base_loopbreak(g) {
  g.evbase();
}

async function main() {
  const g = { evbase: null, fifo_event: null, timer_event: null, multi: null, still_running: { value: 0 }, input: -1,
              stopped: 0, pending: '' };
  const dispatched = new Promise((resolve) => (g.evbase = resolve));

  init_fifo(g);
  g.multi = curl_multi_init();

  /* setup the generic multi interface options we want */
  curl_multi_setopt(g.multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
  curl_multi_setopt(g.multi, CURLMOPT_SOCKETDATA, g);
  curl_multi_setopt(g.multi, CURLMOPT_TIMERFUNCTION, multi_timer_cb);
  curl_multi_setopt(g.multi, CURLMOPT_TIMERDATA, g);

  /* we do not call any curl_multi_socket*() function yet as we have no handles
     added! */

  await dispatched; /* event_base_dispatch(g.evbase) */

  /* unlike the C, "stop" does end it: then cleanup is done */
  clean_fifo(g);
  clearTimeout(g.timer_event);
  curl_multi_cleanup(g.multi);
  return 0;
}

module.exports = main;
if (require.main === module) main().then((code) => (process.exitCode = code));
