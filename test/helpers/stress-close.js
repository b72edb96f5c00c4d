// close() / cleanup() from inside every kind of callback, run by
// test/stress/close-from-callbacks.test.ts, one case per process:
//   node stress-close.js <case> <baseUrl>
// easy:<callback>:<easy|multi>  Easy WRITE/HEADER/XFERINFO/READ/PREREQ function cleans up its Easy or its Multi
// multi:<socket|timer|done|outside> cleanup() from an application-driven Multi's socket or timer
//                               callback, or from a startTransfer completion handler
// session:<event>:<close|cancel> Session closed / the message cancelled from a handler
// Prints `figures {json}` and `ok`; then must exit by itself.
'use strict';
const lc = require('curlio/libcurl');
const { Session, Message, Status, Easy, Multi, Poll } = require('curlio');

const [which, base] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function check(condition, what) {
  if (!condition) throw new Error(what);
}

async function newSessionWorks() {
  const session = new Session();
  const msg = new Message('GET', `${base}/bytes/2000`);
  const status = await session.send(msg);
  check(status === 200 && msg.responseBody.length === 2000, `a new Session afterwards: status ${status}, ${msg.responseBody.length} bytes`);
  session.close();
}

async function easyCase(callback, target) {
  const multi = new Multi();
  const easy = new Easy().setopt(lc.CURLOPT_URL, `${base}/chunked/5/1000`);
  let calls = 0;
  let closedInside = null;
  const inside = (value) => {
    if (calls++ === 0) {
      (target === 'easy' ? easy : multi).cleanup();
      closedInside = (target === 'easy' ? easy : multi).isClosed();
    }
    return value;
  };
  if (callback === 'write') easy.setopt(lc.CURLOPT_WRITEFUNCTION, (d) => inside(d.length));
  if (callback === 'header') easy.setopt(lc.CURLOPT_HEADERFUNCTION, (d) => inside(d.length));
  if (callback === 'xferinfo') easy.setopt(lc.CURLOPT_NOPROGRESS, 0).setopt(lc.CURLOPT_XFERINFOFUNCTION, () => inside(0));
  if (callback === 'prereq') easy.setopt(lc.CURLOPT_PREREQFUNCTION, () => inside(0));
  if (callback === 'read') {
    let sent = false;
    easy.setopt(lc.CURLOPT_URL, `${base}/echo`).setopt(lc.CURLOPT_POST, 1).setopt(lc.CURLOPT_POSTFIELDSIZE_LARGE, 5);
    easy.setopt(lc.CURLOPT_READFUNCTION, () => inside(sent ? null : ((sent = true), Buffer.from('hello'))));
  }
  let settled = 'pending';
  multi.perform(easy).then(
    () => (settled = 'resolved'),
    (e) => (settled = `rejected ${e.name}`),
  );
  for (let i = 0; i < 100 && calls === 0; i++) await sleep(10);
  check(calls > 0, `the ${callback} callback never ran`);
  await sleep(100);
  const closed = (target === 'easy' ? easy : multi).isClosed();
  console.log(`figures ${JSON.stringify({ closedInside, closedAfter: closed, perform: settled, callsAfterCleanup: calls - 1 })}`);
  check(closed, `${target} does not report closed`);
  easy.cleanup();
  multi.cleanup();
}

async function multiCase(where) {
  const multi = new Multi();
  const polls = new Map();
  let timer = null;
  let closedInside = null;
  let socketCalls = 0;
  let timerCalls = 0;
  let completions = 0;
  let armed = false;
  const closeNow = () => {
    multi.cleanup();
    closedInside = multi.isClosed();
  };
  const act = (fn) => {
    try {
      if (!multi.isClosed()) fn();
    } catch (error) {
      if (!multi.isClosed()) throw error;
    }
  };
  if (where !== 'done') {
    multi.setopt(lc.CURLMOPT_SOCKETFUNCTION, (easy, s, what) => {
      if (where === 'socket' && socketCalls++ === 0) closeNow();
      if (what === lc.CURL_POLL_REMOVE) {
        polls.get(s)?.close();
        polls.delete(s);
        return 0;
      }
      let poll = polls.get(s);
      if (poll === undefined) polls.set(s, (poll = new Poll(s)));
      const events = (what & lc.CURL_POLL_IN ? lc.UV_READABLE : 0) | (what & lc.CURL_POLL_OUT ? lc.UV_WRITABLE : 0);
      poll.start(events, (err, ev) => act(() => multi.socketAction(s, (ev & lc.UV_READABLE ? lc.CURL_CSELECT_IN : 0) | (ev & lc.UV_WRITABLE ? lc.CURL_CSELECT_OUT : 0))));
      return 0;
    });
    multi.setopt(lc.CURLMOPT_TIMERFUNCTION, (m, ms) => {
      // Once the transfers were added and one is under way.
      if (where === 'timer' && armed && ++timerCalls === 1) closeNow();
      if (timer !== null) clearTimeout(timer);
      timer = ms < 0 ? null : setTimeout(() => act(() => multi.socketTimeout()), ms);
      return 0;
    });
    for (let i = 0; i < 3; i++) multi.addHandle(new Easy().setopt(lc.CURLOPT_URL, `${base}/chunked/5/1000`));
    armed = true;
    // The comparison case: cleanup() from outside any callback, sockets open.
    if (where === 'outside') setTimeout(closeNow, 50);
  } else {
    for (let i = 0; i < 3; i++) {
      multi.startTransfer(new Easy().setopt(lc.CURLOPT_URL, `${base}/${i === 0 ? 'hello' : 'slow/300'}`), () => {
        if (completions++ === 0) closeNow();
      });
    }
  }
  for (let i = 0; i < 100 && closedInside === null; i++) await sleep(10);
  check(closedInside !== null, `cleanup never ran from the ${where} callback`);
  await sleep(400);
  if (timer !== null) clearTimeout(timer);
  for (const p of polls.values()) p.close();
  console.log(`figures ${JSON.stringify({ closedInside, closedAfter: multi.isClosed(), socketCalls, timerCalls, completions })}`);
  check(multi.isClosed(), 'the multi does not report closed');
}

async function sessionCase(event, action) {
  const session = new Session({ maxConns: 8, maxConnsPerHost: 8 });
  // One finished request first, so the others run at once rather than one after another.
  await session.send(new Message('GET', `${base}/hello`));
  const messages = Array.from({ length: 6 }, (_, i) => new Message('GET', `${base}/chunked/${i === 0 ? 3 : 20}/1000`));
  const target = messages[0];
  const calls = new Map(messages.map((m) => [m, 0]));
  let acted = false;
  let threw = null;
  const handler = () => {
    if (acted) return;
    acted = true;
    try {
      if (action === 'close') session.close();
      else session.cancelMessage(target, Status.CANCELLED);
    } catch (error) {
      threw = String(error);
    }
  };
  if (event === 'request-started') session.on('request-started', (m) => m === target && handler());
  else if (event !== 'callback') target.on(event, handler);
  let unqueued = 0;
  session.on('request-unqueued', () => unqueued++);
  const allDone = new Promise((resolve) => {
    let n = 0;
    for (const m of messages) {
      session.queueMessage(m, (_, msg) => {
        calls.set(msg, calls.get(msg) + 1);
        if (msg === target && event === 'callback') handler();
        if (++n === messages.length) resolve();
      });
    }
  });
  await Promise.race([allDone, new Promise((r) => setTimeout(r, 5000).unref())]);
  await sleep(100); // a second callback, if any, would come now
  check(threw === null, `${action} from ${event} threw ${threw}`);
  const ends = messages.map((m) => `${calls.get(m)}x${m.statusCode}`);
  // From 'finished' and the callback too: cancelMessage() while finishing sets the status.
  const expectTarget = Status.CANCELLED;
  let closedReported = false;
  try {
    session.queueMessage(new Message('GET', `${base}/hello`), null);
  } catch (error) {
    closedReported = /closed/.test(String(error));
  }
  console.log(`figures ${JSON.stringify({ ends, unqueued, closedReported })}`);
  check(messages.every((m) => calls.get(m) === 1), `callbacks: ${ends}`);
  check(unqueued === messages.length, `request-unqueued ${unqueued} times for ${messages.length} messages`);
  check(target.statusCode === expectTarget, `target ended ${target.statusCode}, expected ${expectTarget}`);
  if (action === 'close') {
    check(closedReported, 'the session does not report closed (queueMessage accepted a message)');
    check(messages.slice(1).every((m) => m.statusCode === Status.CANCELLED || m.statusCode === 200), `others: ${ends}`);
  } else {
    check(messages.slice(1).every((m) => m.statusCode === 200), `others: ${ends}`);
    session.close();
  }
}

(async () => {
  const [kind, a, b] = which.split(':');
  if (kind === 'easy') await easyCase(a, b);
  else if (kind === 'multi') await multiCase(a);
  else await sessionCase(a, b);
  await newSessionWorks();
  console.log('ok');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
