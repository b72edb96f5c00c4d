// Lifetime scenarios, each run in its own Node process by test/libcurl/lifetimes.test.ts:
// the process must end the way the scenario says, never with a crash or a hang.
//   node lifetime-child.js <scenario> <baseUrl>
'use strict';
const { Worker, isMainThread, workerData, parentPort } = require('node:worker_threads');
const { Easy, Multi, Poll, CURLOPT_URL, CURLOPT_WRITEFUNCTION, UV_READABLE } = require('curlio/libcurl');

// An fd nobody else polls: a FIFO opened read-write (it never reports EOF).
function idleFd() {
  const fs = require('node:fs');
  const fifo = require('node:path').join(require('node:os').tmpdir(), `curlio-life-${process.pid}-${Math.random().toString(16).slice(2)}`);
  require('node:child_process').execFileSync('mkfifo', [fifo]);
  const fd = fs.openSync(fifo, 'r+');
  fs.unlinkSync(fifo);
  return fd;
}

const [scenario, base] = isMainThread ? process.argv.slice(2) : [workerData.scenario, workerData.base];

async function transfers(n, pathFor) {
  const multi = new Multi();
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) => multi.perform(new Easy().setopt(CURLOPT_URL, `${base}${pathFor(i)}`))),
  );
  for (const r of results) r.easy.cleanup();
  multi.cleanup();
  return results;
}

const scenarios = {
  // Objects dropped without close, and a Multi dropped with transfers in flight, while GC
  // runs: in-flight transfers still finish (the driver keeps its Multi alive), the rest is
  // collected without a crash.
  async 'gc-pending'() {
    let finished = 0;
    for (let round = 0; round < 5; round++) {
      const multi = new Multi();
      for (let i = 0; i < 20; i++) {
        multi.perform(new Easy().setopt(CURLOPT_URL, `${base}/bytes/${1000 + i}`)).then((r) => {
          if (r.body.length === 1000 + i) finished++;
        });
      }
      new Easy().setopt(CURLOPT_URL, `${base}/hello`);
      new Multi();
      new Poll(idleFd()).start(UV_READABLE, () => {}); // started: stays until the process ends
      global.gc();
    }
    for (let i = 0; i < 50 && finished < 100; i++) {
      global.gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    if (finished !== 100) throw new Error(`only ${finished} of 100 finished`);
    console.log('ok');
    process.exit(0); // the started Poll on stdin would keep us alive
  },

  // Handles whose callbacks capture the handle itself, a Multi that ran transfers and a
  // stopped Poll are all collected once dropped, and their fds are released.
  async collectable() {
    const fs = require('node:fs');
    const openFds = () => fs.readdirSync('/proc/self/fd').length;
    const collected = new Set();
    const registry = new FinalizationRegistry((name) => collected.add(name));
    const fifo = idleFd(); // before counting: the first child process opens libuv's signal pipe for good
    const fdsBefore = openFds();
    await (async () => {
      const multi = new Multi();
      const easy = new Easy().setopt(CURLOPT_URL, `${base}/bytes/10`);
      easy.setopt(CURLOPT_WRITEFUNCTION, (d) => (easy && multi ? d.length : 0)); // captures both
      await multi.perform(easy);
      const poll = new Poll(fifo);
      poll.start(UV_READABLE, () => poll.stop()); // captures itself
      poll.stop();
      registry.register(multi, 'multi');
      registry.register(easy, 'easy');
      registry.register(poll, 'poll');
    })();
    for (let i = 0; i < 20 && collected.size < 3; i++) {
      global.gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    if (collected.size !== 3) throw new Error(`collected only ${[...collected]}`);
    // Native finalizers and uv close callbacks run on later loop turns than the registry's.
    for (let i = 0; i < 50 && openFds() > fdsBefore; i++) await new Promise((r) => setTimeout(r, 10));
    if (openFds() > fdsBefore) throw new Error(`fds before ${fdsBefore}, after ${openFds()}`);
    fs.closeSync(fifo);
    console.log('ok');
  },

  // An Easy with a CLOSESOCKETFUNCTION is closed and collected while its connection stays
  // in the multi's cache (libcurl keeps the close function with the connection). Closing
  // that connection later must not reach the freed handle: curlio closes the fd itself.
  // While the Easy is open, the application's function still sees every close.
  async 'closesocket-outlives-easy'() {
    const fs = require('node:fs');
    const { CURLOPT_CLOSESOCKETFUNCTION } = require('curlio/libcurl');
    const openFds = () => fs.readdirSync('/proc/self/fd').length;
    const collected = new Set();
    const registry = new FinalizationRegistry((name) => collected.add(name));
    const closed = [];
    const closeSocket = (_clientp, fd) => {
      closed.push(fd);
      fs.closeSync(fd);
      return 0;
    };
    const fdsBefore = openFds();
    const multi = new Multi();
    await (async () => {
      for (let i = 0; i < 3; i++) {
        const easy = new Easy().setopt(CURLOPT_URL, `${base}/hello`).setopt(CURLOPT_CLOSESOCKETFUNCTION, closeSocket);
        await multi.perform(easy);
        easy.cleanup();
        registry.register(easy, `easy${i}`);
      }
    })();
    for (let i = 0; i < 20 && collected.size < 3; i++) {
      global.gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    if (collected.size !== 3) throw new Error(`collected only ${[...collected]}`);
    multi.cleanup(); // closes the cached connection, whose close function outlived its Easy
    if (closed.length !== 0) throw new Error(`a closed Easy's CLOSESOCKETFUNCTION ran ${closed.length} times`);
    if (openFds() !== fdsBefore) throw new Error(`an fd leaked: fds ${fdsBefore} -> ${openFds()}`);

    const second = new Multi();
    const open = new Easy().setopt(CURLOPT_URL, `${base}/hello`).setopt(CURLOPT_CLOSESOCKETFUNCTION, closeSocket);
    await second.perform(open);
    second.cleanup();
    open.cleanup();
    if (closed.length !== 1) throw new Error(`an open Easy's CLOSESOCKETFUNCTION saw ${closed.length} closes, expected 1`);
    console.log('ok');
  },

  // Four workers, each with its own loop and its own Multi, at the same time.
  async workers() {
    if (!isMainThread) {
      const results = await transfers(200, (i) => `/bytes/${100 + i}`);
      const ok = results.every((r, i) => r.body.length === 100 + i);
      parentPort.postMessage(ok ? 'ok' : 'bad');
      return;
    }
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => new Promise((resolve, reject) => {
        const w = new Worker(__filename, { workerData: { scenario, base } });
        w.once('message', resolve);
        w.once('error', reject);
      })),
    );
    if (answers.some((a) => a !== 'ok')) throw new Error(`workers said ${answers}`);
    console.log('ok');
  },

  // worker.terminate() while transfers, a Poll and a JS-driven write callback are in flight.
  async 'terminate-worker'() {
    if (!isMainThread) {
      const multi = new Multi();
      for (let i = 0; i < 20; i++) multi.perform(new Easy().setopt(CURLOPT_URL, `${base}/slow/5000`)).catch(() => {});
      const streaming = new Easy().setopt(CURLOPT_URL, `${base}/chunked/100000/1024`).setopt(CURLOPT_WRITEFUNCTION, (d) => d.length);
      multi.perform(streaming).catch(() => {});
      new Poll(idleFd()).start(UV_READABLE, () => {});
      setTimeout(() => parentPort.postMessage('started'), 50);
      return;
    }
    for (let i = 0; i < 10; i++) {
      const w = new Worker(__filename, { workerData: { scenario, base } });
      await new Promise((resolve) => w.once('message', resolve));
      await w.terminate();
    }
    // The main thread still works after all that.
    await transfers(10, () => '/hello');
    console.log('ok');
  },

  // process.exit() with transfers in flight.
  async 'exit-in-flight'() {
    const multi = new Multi();
    for (let i = 0; i < 20; i++) multi.perform(new Easy().setopt(CURLOPT_URL, `${base}/slow/5000`)).catch(() => {});
    multi.perform(new Easy().setopt(CURLOPT_URL, `${base}/hello`)).then(() => {
      console.log('ok');
      process.exit(7);
    });
  },

  // A natural exit with everything closed: nothing keeps the loop alive afterwards.
  async 'exits-when-idle'() {
    await transfers(5, () => '/hello');
    const multi = new Multi(); // never used, never closed: must not hold the loop
    const easy = new Easy();
    void multi;
    void easy;
    console.log('ok');
  },
};

scenarios[scenario]().catch((error) => {
  console.error(error);
  process.exit(1);
});
