// The native driver shares the event loop: a fast, endless stream must not starve Node's
// timers. libcurl reads at most 100 buffers per call and then asks to be run again "at
// once"; the driver must run that once per loop turn, not again and again inside one.
import { CURLOPT_URL, CURLOPT_WRITEFUNCTION, Easy, Multi } from '../../lib/libcurl';
import { startBombServer, type BombServer } from '../helpers/bomb-server';

let server: BombServer;
beforeAll(async () => {
  server = await startBombServer();
});
afterAll(() => server.close());

// Runs `transfer` while a 10 ms interval ticks; returns how often it ticked and its worst gap.
async function underInterval(transfer: () => Promise<unknown>): Promise<{ ticks: number; expected: number; worstGap: number }> {
  let ticks = 0;
  let last = Date.now();
  let worstGap = 0;
  const interval = setInterval(() => {
    const now = Date.now();
    worstGap = Math.max(worstGap, now - last);
    last = now;
    ticks++;
  }, 10);
  const started = Date.now();
  try {
    await transfer();
  } finally {
    clearInterval(interval);
  }
  worstGap = Math.max(worstGap, Date.now() - last);
  return { ticks, expected: (Date.now() - started) / 10, worstGap };
}

test('a 10 ms interval keeps ticking while a slow consumer reads a fast 3 s stream', async () => {
  const multi = new Multi();
  let bytes = 0;
  // A consumer slower than the server: the socket never runs dry, so libcurl always has
  // more to read ("come back at once") when it stops after its 100 reads.
  const easy = new Easy().setopt(CURLOPT_URL, `${server.url}/stream/3000`).setopt(CURLOPT_WRITEFUNCTION, (chunk: Buffer) => {
    const until = process.hrtime.bigint() + 50_000n;
    while (process.hrtime.bigint() < until);
    bytes += chunk.length;
    return chunk.length;
  });
  const { ticks, expected, worstGap } = await underInterval(() => multi.perform(easy));
  expect(bytes).toBeGreaterThan(1 << 20);
  // Unbounded, the whole stream ran inside one timers phase: a handful of ticks and a gap
  // of seconds. Bounded, a turn costs one socket_action (100 chunks, ~5 ms of consumer).
  expect(worstGap).toBeLessThan(1000);
  expect(ticks).toBeGreaterThan(expected * 0.3);
  easy.cleanup();
  multi.cleanup();
}, 30000);

// Every socket_action also runs each transfer libcurl asked to run "at once", so handing
// libcurl 20 ready sockets in one turn ran 20 passes over all 20 streams (worst gap 670-930
// ms, under 50 ticks). The driver stops a turn after a budget (4 ms) and takes the sockets
// it did not reach first on the next turn (110-160 ms). Timing under a sanitizer means little.
(process.env.CURLIO_BINDING ? test.skip : test)('twenty fast streams at once still leave the loop to the timers', async () => {
  const multi = new Multi();
  let bytes = 0;
  const easies = Array.from({ length: 20 }, () =>
    new Easy().setopt(CURLOPT_URL, `${server.url}/stream/3000`).setopt(CURLOPT_WRITEFUNCTION, (chunk: Buffer) => {
      bytes += chunk.length;
      return chunk.length;
    }),
  );
  const { worstGap } = await underInterval(() => Promise.all(easies.map((easy) => multi.perform(easy))));
  expect(bytes).toBeGreaterThan(20 << 20);
  expect(worstGap).toBeLessThan(450);
  for (const easy of easies) easy.cleanup();
  multi.cleanup();
}, 30000);
