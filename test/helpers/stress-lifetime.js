// worker.terminate() and process.exit() with Session transfers and GIO operations in
// flight, run by test/stress/terminate-exit.test.ts, each in its own process:
//   node stress-lifetime.js <scenario> <baseUrl>
'use strict';
const { Worker, isMainThread, workerData, parentPort } = require('node:worker_threads');
const { Session, Message, UnixConnection, IOCondition } = require('curlio');

const [scenario, base] = isMainThread ? process.argv.slice(2) : [workerData.scenario, workerData.base];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Session messages streaming or waiting, and GIO operations that never complete by themselves:
// a receive() and a conditionWait(IN) on one end of a pair, a receiveFd() on another.
async function startEverything(onStreaming) {
  const session = new Session({ maxConns: 16, maxConnsPerHost: 16 });
  // One finished request first: on a fresh session the others would wait for the first to end.
  await session.send(new Message('GET', `${base}/hello`));
  let streaming = 0;
  for (let i = 0; i < 12; i++) {
    const path = i % 3 === 0 ? '/slow/5000' : i % 3 === 1 ? '/drip/1000/5' : '/chunked/100000/1024';
    const msg = new Message('GET', `${base}${path}`);
    msg.on('got-chunk', () => {
      if (streaming++ === 20) onStreaming();
    });
    session.queueMessage(msg, () => {});
  }
  const [a, b] = UnixConnection.createPair();
  const [c, d] = UnixConnection.createPair();
  const pending = [b.socket.receive(100), a.socket.conditionWait(IOCondition.IN), d.receiveFd()];
  for (const p of pending) p.catch(() => {});
  return { session, sockets: [a, b, c, d] };
}

async function stillWorks() {
  const session = new Session();
  const msg = new Message('GET', `${base}/bytes/3000`);
  const status = await session.send(msg);
  if (status !== 200 || msg.responseBody.length !== 3000) throw new Error(`after: status ${status}, ${msg.responseBody.length} bytes`);
  session.close();
  const [a, b] = UnixConnection.createPair();
  const received = b.socket.receive(100);
  await a.socket.send('still here');
  if (String(await received) !== 'still here') throw new Error('GIO pair broken afterwards');
  a.close();
  b.close();
}

const scenarios = {
  // 4. Fifty workers in a row, each terminated with everything in flight.
  async terminate() {
    if (!isMainThread) {
      await startEverything(() => parentPort.postMessage('streaming'));
      return;
    }
    const started = Date.now();
    for (let i = 0; i < 50; i++) {
      const w = new Worker(__filename, { workerData: { scenario, base } });
      const said = await Promise.race([new Promise((resolve) => w.once('message', resolve)), new Promise((resolve) => setTimeout(resolve, 10000, 'nothing').unref())]);
      if (said !== 'streaming') throw new Error(`worker ${i} said ${said}`);
      const code = await w.terminate();
      if (code !== 1) throw new Error(`worker ${i} terminated with ${code}`);
    }
    const terminateMs = Date.now() - started;
    await stillWorks();
    console.log(`figures ${JSON.stringify({ workers: 50, totalMs: terminateMs, perWorkerMs: Math.round(terminateMs / 50) })}`);
    console.log('ok');
    // Exits by itself with code 0: nothing the workers left may hold the loop.
  },

  // 5. process.exit(3) from a timer while everything is in flight.
  async 'exit-from-timer'() {
    await startEverything(() => {
      console.log('ok');
      setTimeout(() => process.exit(3), 5);
    });
  },

  // 5'. process.exit(4) from inside a got-chunk handler (inside libcurl's write callback).
  async 'exit-from-callback'() {
    await startEverything(() => {
      console.log('ok');
      process.exit(4);
    });
  },
};

scenarios[scenario]().catch((error) => {
  console.error(error);
  process.exit(1);
});
