// `curlio bench`: starts its own loopback server and reports requests/s and latency.
import { runCli } from '../helpers/run-cli';

test('bench with a small N reports curlio requests/s and latency percentiles', async () => {
  const result = await runCli(['bench', '--requests', '200', '--connections', '2']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/local node:http server in a child process/);
  expect(result.stdout).toMatch(/^curlio Session +\d+ req\/s +latency ms: p50 [\d.]+ +p90 [\d.]+ +p99 [\d.]+ +max [\d.]+$/m);
  // undici is a devDependency here, so the comparison is there.
  expect(result.stdout).toMatch(/^undici Pool +\d+ req\/s/m);
  expect(result.stdout).toMatch(/^curlio \/ undici: \d+\.\d\dx requests\/s$/m);
});

test('bench --http2 measures HTTP/2 over TLS against its own certificate', async () => {
  const result = await runCli(['bench', '--http2', '--requests', '200', '--connections', '2']);
  expect(result.stdout).toMatch(/local node:http2 server/);
  expect(result.stdout).toMatch(/^curlio Session \(HTTP\/2\) +\d+ req\/s/m);
  expect(result.code).toBe(0);
});
