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
