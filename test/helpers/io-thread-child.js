// IoThreadMulti's lifetime scenarios, each run in its own Node process by
// test/libcurl/io-thread.test.ts: the process must end the way the scenario says, never with
// a crash or a hang.
//   node io-thread-child.js <scenario> <baseUrl>
'use strict';
const { Worker, isMainThread, workerData, parentPort } = require('node:worker_threads');
const { Easy, IoThreadMulti, CURLOPT_URL } = require('curlio/libcurl');

const [scenario, base] = isMainThread ? process.argv.slice(2) : [workerData.scenario, workerData.base];

const scenarios = {
  // Multis and easy handles dropped with transfers in flight while GC runs: the transfers
  // finish (the multi keeps itself and its handles alive while they run), and afterwards
  // every dropped object is collected.
  async 'gc-pending'() {
    const collected = new Set();
    const registry = new FinalizationRegistry((name) => collected.add(name));
    const names = [];
    const watch = (object, name) => (registry.register(object, name), names.push(name), object);
    let finished = 0;
    // Not in the async function below: its suspended frame would keep the last values.
    function start(round) {
      const multi = watch(new IoThreadMulti(), `busy multi ${round}`);
      for (let i = 0; i < 20; i++) {
        const easy = watch(new Easy().setopt(CURLOPT_URL, `${base}/slow/${100 + i * 10}?n=${1000 + i}`), `easy ${round}.${i}`);
        multi.perform(easy).then((r) => r.body.toString() === 'slow' && finished++);
      }
      watch(new IoThreadMulti(), `idle multi ${round}`);
    }
    for (let round = 0; round < 5; round++) {
      start(round);
      global.gc();
    }
    for (let i = 0; i < 200 && (finished < 100 || collected.size < names.length); i++) {
      global.gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    const missing = names.filter((n) => !collected.has(n));
    console.log(finished === 100 && missing.length === 0 ? 'ok' : `finished ${finished}, not collected: ${missing.join(', ')}`);
  },

  // worker.terminate() while an I/O thread runs transfers, ten times; the main thread's own
  // I/O thread multi still works afterwards.
  async 'terminate-worker'() {
    if (!isMainThread) {
      const multi = new IoThreadMulti();
      for (let i = 0; i < 20; i++) multi.perform(new Easy().setopt(CURLOPT_URL, `${base}/slow/5000`)).catch(() => {});
      for (let i = 0; i < 5; i++) multi.perform(new Easy().setopt(CURLOPT_URL, `${base}/drip/100000/1`)).catch(() => {});
      // Transfers that finish while the worker stops: their delivery must not reach a dead env.
      const again = () => multi.perform(new Easy().setopt(CURLOPT_URL, `${base}/hello`)).then(again, () => {});
      for (let i = 0; i < 5; i++) again();
      setTimeout(() => parentPort.postMessage('started'), 50);
      return;
    }
    for (let i = 0; i < 10; i++) {
      const w = new Worker(__filename, { workerData: { scenario, base } });
      await new Promise((resolve) => w.once('message', resolve));
      await w.terminate();
    }
    const multi = new IoThreadMulti();
    const results = await Promise.all(Array.from({ length: 10 }, () => multi.perform(new Easy().setopt(CURLOPT_URL, `${base}/hello`))));
    multi.close();
    console.log(results.every((r) => r.body.toString() === 'hello') ? 'ok' : 'bad bodies');
  },

  // A worker that ends by itself (its loop runs dry) with an unclosed, idle I/O thread multi.
  async 'worker-exits'() {
    if (!isMainThread) {
      const multi = new IoThreadMulti();
      globalThis.kept = multi; // not collected meanwhile: only its own state may end the worker
      const r = await multi.perform(new Easy().setopt(CURLOPT_URL, `${base}/hello`));
      parentPort.postMessage(r.body.toString());
      return;
    }
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => new Promise((resolve, reject) => {
        const w = new Worker(__filename, { workerData: { scenario, base } });
        let said;
        w.once('message', (m) => (said = m));
        w.once('error', reject);
        w.once('exit', (code) => resolve(`${said}:${code}`));
      })),
    );
    console.log(answers.every((a) => a === 'hello:0') ? 'ok' : `workers said ${answers}`);
  },

  // process.exit() with transfers in flight on the I/O thread.
  async 'exit-in-flight'() {
    const multi = new IoThreadMulti();
    for (let i = 0; i < 20; i++) multi.perform(new Easy().setopt(CURLOPT_URL, `${base}/slow/5000`)).catch(() => {});
    multi.perform(new Easy().setopt(CURLOPT_URL, `${base}/hello`)).then(() => {
      console.log('ok');
      process.exit(7);
    });
  },

  // A natural exit: a multi that ran transfers and was never closed, and one never used, do
  // not hold the loop once nothing is in flight.
  async 'exits-when-idle'() {
    const multi = new IoThreadMulti();
    const results = await Promise.all(Array.from({ length: 5 }, () => multi.perform(new Easy().setopt(CURLOPT_URL, `${base}/hello`))));
    // Kept reachable: the loop must end because they are idle, not because GC collected them.
    globalThis.kept = [multi, new IoThreadMulti()];
    console.log(results.every((r) => r.body.toString() === 'hello') ? 'ok' : 'bad bodies');
  },
};

scenarios[scenario]().catch((error) => {
  console.error(error);
  process.exit(1);
});
