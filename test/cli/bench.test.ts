// `curlio bench`: starts its own loopback server (or takes --url), runs curlio and undici in
// alternating rounds, reports requests/s and latency, and never prints NaN.
import { makeCertificate, startHttpsServer, type Certificate, type TlsServer } from '../helpers/session-servers';
import { runCli } from '../helpers/run-cli';

// Child processes on a busy 2-core machine: generous limits, nothing timed tightly.
jest.setTimeout(240_000);
const slow = { timeoutMs: 200_000 };

let cert: Certificate;
let https: TlsServer;
beforeAll(async () => {
  cert = makeCertificate();
  https = await startHttpsServer(cert);
});
afterAll(() => https.close());

test('bench with a small N reports curlio requests/s and latency percentiles, undici beside it, round by round', async () => {
  const result = await runCli(['bench', '--requests', '200', '--connections', '2', '--rounds', '3'], slow);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/local node:http server in a child process/);
  expect(result.stdout).toMatch(/^curlio Session +\d+ req\/s +latency ms: p50 [\d.]+ +p90 [\d.]+ +p99 [\d.]+ +max [\d.]+$/m);
  // undici is a devDependency here, so the comparison is there.
  expect(result.stdout).toMatch(/^undici Pool +\d+ req\/s/m);
  expect(result.stdout).toMatch(/^curlio \/ undici: \d+\.\d\dx requests\/s$/m);
  // Progress on stderr: one line per round (not a terminal), both clients in each.
  for (let round = 1; round <= 3; round++) expect(result.stderr).toMatch(new RegExp(`round ${round}/3 .*curlio Session \\d+ req/s, undici Pool \\d+ req/s`));
  expect(result.stdout + result.stderr).not.toContain('NaN');
});

test('bench --http2 loses no request past the ~1000 streams node:http2 allows libcurl 7.88 on one connection', async () => {
  const result = await runCli(['bench', '--http2', '--requests', '3000', '--connections', '4', '--rounds', '2'], slow);
  expect(result.stdout).toMatch(/local node:http2 server/);
  expect(result.stdout).toMatch(/^curlio Session \(HTTP\/2\) +\d+ req\/s/m);
  expect(result.stdout).not.toMatch(/errors\)/);
  expect(result.stderr).not.toContain('failed');
  expect(result.code).toBe(0);
});

test('--cacert trusts a private CA, -k any certificate; without either the reason is given and nothing is NaN', async () => {
  const url = `${https.url}/hello`;
  const trusted = await runCli(['bench', '--url', url, '--cacert', cert.certFile, '--requests', '60', '--connections', '2', '--rounds', '2'], slow);
  expect(trusted.stderr).not.toContain('failed');
  expect(trusted.code).toBe(0);
  const insecure = await runCli(['bench', '--url', url, '-k', '--requests', '60', '--connections', '2', '--rounds', '2'], slow);
  expect(insecure.code).toBe(0);
  const refused = await runCli(['bench', '--url', url, '--requests', '20', '--connections', '1', '--rounds', '1'], slow);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/20 of 20 requests failed \(first: 6 .*self[- ]signed certificate/);
  expect(refused.stdout).toContain('curlio / undici: n/a');
  expect(refused.stdout + refused.stderr).not.toContain('NaN');
});

test('--cacert names a missing file as a usage error', async () => {
  const result = await runCli(['bench', '--cacert', '/nonexistent/ca.pem']);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('--cacert "/nonexistent/ca.pem": no such file');
});
