// curl's TLS examples (examples/c/) against a local HTTPS server whose self-signed
// certificate is made at test time.
import { runPorts, type PortResult } from './run';
import { startPortServers, type PortServers } from './servers';

let servers: PortServers;
let verified: Map<string, PortResult>;
let skipped: Map<string, PortResult>;

beforeAll(async () => {
  servers = await startPortServers();
  const s = servers.https;
  [verified, skipped] = await Promise.all([
    runPorts([{ name: 'https', args: [`${s}/secure`] }]),
    runPorts(
      [
        { name: 'https', args: [`${s}/secure`] },
        { name: 'certinfo', args: [`${s}/cert`] },
      ],
      { env: { SKIP_PEER_VERIFICATION: '1' } },
    ),
  ]);
}, 120_000);

afterAll(() => servers?.close());

test('https.c: a self-signed server is refused as C refuses it ...', () => {
  expect(verified.get('https')?.stderr).toMatch(/^curl_easy_perform\(\) failed: SSL peer certificate or SSH remote key was not OK\n$/);
});

test('https.c: ... and fetched with SKIP_PEER_VERIFICATION', () => {
  expect(skipped.get('https')).toMatchObject({ code: '0', stdout: 'hello from /secure\n', stderr: '' });
});

test('certinfo.c: CURLINFO_CERTINFO lists the certificate chain', () => {
  const out = skipped.get('certinfo')?.stdout ?? '';
  expect(out).toMatch(/^1 certs!\nSubject:CN ?= ?127\.0\.0\.1\nIssuer:CN ?= ?127\.0\.0\.1\n/);
  expect(out).toMatch(/^Cert:-----BEGIN CERTIFICATE-----$/m);
});
