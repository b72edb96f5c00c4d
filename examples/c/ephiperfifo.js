#!/usr/bin/env node
// curl's docs/examples/ephiperfifo.c (7.88.1): hiperfifo with the program's own epoll
// loop. JavaScript has no epoll: the epoll set is a Map of fd -> events, the timerfd a
// deadline, and epoll_wait is curl_multi_wait on a multi handle of its own with the set as
// extra fds (it blocks this thread, as epoll_wait does). SIGINT ends it, as in C: between
// two waits the loop lets Node deliver the signal.
//   node examples/c/ephiperfifo.js      then: echo URL > hiper.fifo; kill -INT <pid>
'use strict';
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const {
  CURLINFO_EFFECTIVE_URL, CURLINFO_PRIVATE, CURLMOPT_SOCKETDATA, CURLMOPT_SOCKETFUNCTION, CURLMOPT_TIMERDATA,
  CURLMOPT_TIMERFUNCTION, CURLMSG_DONE, CURLM_BAD_SOCKET, CURLM_OK, CURLMcodeNames, CURLOPT_ERRORBUFFER,
  CURLOPT_FOLLOWLOCATION, CURLOPT_LOW_SPEED_LIMIT, CURLOPT_LOW_SPEED_TIME, CURLOPT_NOPROGRESS, CURLOPT_PRIVATE,
  CURLOPT_URL, CURLOPT_VERBOSE, CURLOPT_WRITEDATA, CURLOPT_WRITEFUNCTION, CURLOPT_XFERINFODATA,
  CURLOPT_XFERINFOFUNCTION, CURL_CSELECT_IN, CURL_CSELECT_OUT, CURL_ERROR_SIZE, CURL_POLL_IN, CURL_POLL_OUT,
  CURL_POLL_REMOVE, CURL_SOCKET_TIMEOUT, CURL_WAIT_POLLIN, CURL_WAIT_POLLOUT,
  curl_easy_cleanup, curl_easy_getinfo, curl_easy_init, curl_easy_setopt, curl_multi_add_handle, curl_multi_assign,
  curl_multi_cleanup, curl_multi_info_read, curl_multi_init, curl_multi_remove_handle, curl_multi_setopt,
  curl_multi_socket_action, curl_multi_wait,
} = require('curlio/libcurl');

const MSG_OUT = 1; /* Send info to stdout, change to stderr (2) if you want */
const fprintf = (fd, text) => fs.writeSync(fd, text);
const EPOLLIN = CURL_WAIT_POLLIN;
const EPOLLOUT = CURL_WAIT_POLLOUT;

/* epoll and timerfd, in curl_multi_wait's words */
function epoll_ctl_add(epfd, fd, events) { epfd.set.set(fd, events); }
function epoll_ctl_del(epfd, fd) { epfd.set.delete(fd); }
function timerfd_settime(tfd, ms) { tfd.deadline = ms < 0 ? Infinity : Date.now() + ms; }
function epoll_wait(epfd, tfd, timeout_ms) {
  const fds = [...epfd.set].map(([fd, events]) => ({ fd, events, revents: 0 }));
  const wait = Math.max(0, Math.min(timeout_ms, tfd.deadline - Date.now()));
  curl_multi_wait(epfd.waiter, fds, fds.length, Math.ceil(wait), null);
  const events = fds.filter((f) => f.revents).map((f) => ({ fd: f.fd, events: f.revents }));
  if (tfd.deadline <= Date.now()) events.push({ fd: tfd, events: EPOLLIN });
  return events;
}

/* Global information, common to all connections: { epfd, tfd, fifofd, multi, still_running, input } */
/* Information associated with a specific easy handle: { easy, url, global, error } */
/* Information associated with a specific socket: { sockfd, easy, action, timeout, global } */

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

/* Update the timer after curl_multi library does its thing. Curl will
 * inform us through this callback what it wants the new timeout to be,
 * after it does some work. */
function multi_timer_cb(multi, timeout_ms, g) {
  fprintf(MSG_OUT, `multi_timer_cb: Setting timeout to ${timeout_ms} ms\n`);

  /* -1 disarms the timer; 0 means "now", for which a timerfd needs 1 ns */
  timerfd_settime(g.tfd, timeout_ms);
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
}

/* Called by libevent when we get action on a multi socket filedescriptor */
function event_cb(g, fd, revents) {
  const action = ((revents & EPOLLIN) ? CURL_CSELECT_IN : 0) |
                 ((revents & EPOLLOUT) ? CURL_CSELECT_OUT : 0);

  const rc = curl_multi_socket_action(g.multi, fd, action, g.still_running);
  mcode_or_die('event_cb: curl_multi_socket_action', rc);

  check_multi_info(g);
  if(g.still_running.value <= 0) {
    fprintf(MSG_OUT, 'last transfer done, kill timeout\n');
    timerfd_settime(g.tfd, -1);
  }
}

/* Called by main loop when our timeout expires */
function timer_cb(g, revents) {
  timerfd_settime(g.tfd, -1); /* read(tfd): the expiry is consumed */

  const rc = curl_multi_socket_action(g.multi,
                                  CURL_SOCKET_TIMEOUT, 0, g.still_running);
  mcode_or_die('timer_cb: curl_multi_socket_action', rc);
  check_multi_info(g);
}

/* Clean up the SockInfo structure */
function remsock(f, g) {
  if(f) {
    if(f.sockfd)
      epoll_ctl_del(g.epfd, f.sockfd);
  }
}

/* Assign information to a SockInfo structure */
function setsock(f, s, e, act, g) {
  const kind = ((act & CURL_POLL_IN) ? EPOLLIN : 0) |
               ((act & CURL_POLL_OUT) ? EPOLLOUT : 0);

  if(f.sockfd)
    epoll_ctl_del(g.epfd, f.sockfd);

  f.sockfd = s;
  f.action = act;
  f.easy = e;

  epoll_ctl_add(g.epfd, s, kind);
}

/* Initialize a new SockInfo structure */
function addsock(s, easy, action, g) {
  const fdp = { sockfd: 0, easy: null, action: 0, timeout: 0, global: g };

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
    remsock(fdp, g);
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
  curl_easy_setopt(conn.easy, CURLOPT_LOW_SPEED_TIME, 3);
  curl_easy_setopt(conn.easy, CURLOPT_LOW_SPEED_LIMIT, 10);

  fprintf(MSG_OUT,
          `Adding easy to multi (${url})\n`);
  const rc = curl_multi_add_handle(g.multi, conn.easy);
  mcode_or_die('new_conn: curl_multi_add_handle', rc);

  /* note that the add_handle() will set a time-out to trigger very soon so
     that the necessary socket_action() call will be called by this app */
}

/* This gets called whenever data is received from the fifo */
function fifo_cb(g, revents) {
  const s = Buffer.alloc(1024);
  let rv = 0;
  for (;;) {
    try {
      rv = fs.readSync(g.fifofd, s, 0, s.length, null);
    } catch {
      break; /* EAGAIN: nothing more for now */
    }
    if (rv == 0) break;
    g.input += s.toString('latin1', 0, rv);
  }
  const words = g.input.split(/\s+/);
  g.input = words.pop(); /* a word not yet ended */
  for (const word of words) {
    if(word) {
      new_conn(word, g); /* if we read a URL, go get it! */
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
  g.fifofd = sockfd;
  g.input = '';

  epoll_ctl_add(g.epfd, sockfd, EPOLLIN);

  fprintf(MSG_OUT, `Now, pipe some URL's into > ${fifo}\n`);
  return 0;
}

function clean_fifo(g) {
  epoll_ctl_del(g.epfd, g.fifofd);
  fs.closeSync(g.fifofd);
  fs.rmSync(fifo, { force: true });
}

let g_should_exit_ = 0;

function sigint_handler(signo) {
  g_should_exit_ = 1;
}

async function main() {
  const g = { epfd: null, tfd: null, fifofd: -1, multi: null, still_running: { value: 0 }, input: '' };

  g_should_exit_ = 0;
  process.on('SIGINT', sigint_handler);

  g.epfd = { set: new Map(), waiter: curl_multi_init() };
  g.tfd = { deadline: Infinity };

  timerfd_settime(g.tfd, 1000);

  init_fifo(g);
  g.multi = curl_multi_init();

  /* setup the generic multi interface options we want */
  curl_multi_setopt(g.multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
  curl_multi_setopt(g.multi, CURLMOPT_SOCKETDATA, g);
  curl_multi_setopt(g.multi, CURLMOPT_TIMERFUNCTION, multi_timer_cb);
  curl_multi_setopt(g.multi, CURLMOPT_TIMERDATA, g);

  /* we do not call any curl_multi_socket*() function yet as we have no handles
     added! */

  fprintf(MSG_OUT, 'Entering wait loop\n');
  while(!g_should_exit_) {
    const events = epoll_wait(g.epfd, g.tfd, 10000);
    for (const event of events) {
      if(event.fd == g.fifofd) {
        fifo_cb(g, event.events);
      }
      else if(event.fd == g.tfd) {
        timer_cb(g, event.events);
      }
      else {
        event_cb(g, event.fd, event.events);
      }
    }
    await new Promise((resolve) => setImmediate(resolve)); /* a signal's turn */
  }

  fprintf(MSG_OUT, 'Exiting normally.\n');

  curl_multi_cleanup(g.multi);
  clean_fifo(g);
  curl_multi_cleanup(g.epfd.waiter);
  process.removeListener('SIGINT', sigint_handler);
  return 0;
}

module.exports = main;
if (require.main === module) main().then((code) => (process.exitCode = code));
