// https with a certificate made at test time, HTTP/2 multiplexing, and a real forward proxy.
import * as fs from 'node:fs';
import { HttpVersion, Message, ProxyResolverDefault, Session, Status } from '../../lib/session';
import { startHttpServer, type TestServer } from '../helpers/http-server';
import { makeCertificate, startHttp2Server, startHttpsServer, startProxy, type Certificate, type ProxyServer, type TlsServer } from '../helpers/session-servers';

let cert: Certificate;
let httpsServer: TlsServer;
let h2: TlsServer;
let plain: TestServer;
let proxy: ProxyServer;
beforeAll(async () => {
  cert = makeCertificate();
  [httpsServer, h2, plain, proxy] = await Promise.all([startHttpsServer(cert), startHttp2Server(cert), startHttpServer(), startProxy()]);
});
afterAll(async () => {
  await Promise.all([httpsServer.close(), h2.close(), plain.close(), proxy.close()]);
  fs.rmSync(cert.dir, { recursive: true, force: true });
});

describe('https', () => {
  test('sslStrict (default) refuses an untrusted certificate → SSL_FAILED', async () => {
    const session = new Session();
    expect(await session.send(new Message('GET', `${httpsServer.url}/`))).toBe(Status.SSL_FAILED);
    session.close();
  });

  test('sslCaFile trusts the test certificate', async () => {
    const session = new Session({ sslCaFile: cert.certFile });
    const msg = new Message('GET', `${httpsServer.url}/`);
    expect(await session.send(msg)).toBe(200);
    expect(msg.responseBody.toString()).toBe('secure hello');
    expect(msg.isTrusted).toBe(true);
    session.close();
  });

  test('tlsDatabase (PEM) trusts it too', async () => {
    const session = new Session({ tlsDatabase: cert.cert });
    expect(await session.send(new Message('GET', `${httpsServer.url}/`))).toBe(200);
    session.close();
  });

  test('sslStrict false: accepted, and the message says it was not trusted', async () => {
    const session = new Session({ sslStrict: false });
    const msg = new Message('GET', `${httpsServer.url}/`);
    expect(await session.send(msg)).toBe(200);
    expect(msg.isTrusted).toBe(false);
    expect(msg.tlsErrors).not.toBe(0);
    session.close();
  });
});

describe('sslUseSystemCaFile', () => {
  test('true is the default; false with no sslCaFile or tlsDatabase trusts nothing: SSL_FAILED under sslStrict', async () => {
    expect(new Session().sslUseSystemCaFile).toBe(true);
    const session = new Session({ sslUseSystemCaFile: false });
    expect(session.sslUseSystemCaFile).toBe(false);
    expect(await session.send(new Message('GET', `${httpsServer.url}/`))).toBe(Status.SSL_FAILED);
    // The handshake itself works: only the trust is missing.
    session.sslStrict = false;
    const msg = new Message('GET', `${httpsServer.url}/`);
    expect(await session.send(msg)).toBe(200);
    expect(msg.isTrusted).toBe(false);
    session.close();
  });

  test('false with sslCaFile: that file is trusted', async () => {
    const session = new Session({ sslUseSystemCaFile: false, sslCaFile: cert.certFile });
    const msg = new Message('GET', `${httpsServer.url}/`);
    expect(await session.send(msg)).toBe(200);
    expect(msg.responseBody.toString()).toBe('secure hello');
    session.close();
  });

  test("as libsoup's properties: a CA file or database turns it false, setting it true drops them", async () => {
    const session = new Session();
    session.sslCaFile = cert.certFile;
    expect(session.sslUseSystemCaFile).toBe(false);
    expect(await session.send(new Message('GET', `${httpsServer.url}/`))).toBe(200);
    session.sslUseSystemCaFile = true;
    expect(session.sslCaFile).toBeNull();
    expect(await session.send(new Message('GET', `${httpsServer.url}/`))).toBe(Status.SSL_FAILED);
    session.tlsDatabase = cert.cert;
    expect(session.sslUseSystemCaFile).toBe(false);
    expect(await session.send(new Message('GET', `${httpsServer.url}/`))).toBe(200);
    session.close();
  });
});

describe('httpsAliases', () => {
  test('a scheme in httpsAliases is sent as https; wss always is, even under httpAliases ["*"]', async () => {
    const session = new Session({ sslCaFile: cert.certFile, httpsAliases: ['davs'] });
    for (const scheme of ['davs', 'wss']) {
      const msg = new Message('GET', `${scheme}://127.0.0.1:${httpsServer.port}/`);
      expect(await session.send(msg)).toBe(200);
      expect(msg.responseBody.toString()).toBe('secure hello');
    }
    // Not listed: '*' makes it http, which the TLS server cannot answer.
    session.httpsAliases = null;
    const clear = new Message('GET', `davs://127.0.0.1:${httpsServer.port}/`);
    expect(await session.send(clear)).not.toBe(200);
    session.close();
  });
});

describe('HTTP/2', () => {
  test('requests to one host are multiplexed on one connection', async () => {
    const session = new Session({ sslCaFile: cert.certFile });
    const before = h2.connections;
    const first = new Message('GET', `${h2.url}/slow/0`);
    await session.send(first); // the connection exists before the burst
    expect(first.httpVersion).toBe(HttpVersion.HTTP_2_0);
    const msgs = Array.from({ length: 20 }, () => new Message('GET', `${h2.url}/slow/200`));
    const t = Date.now();
    const statuses = await Promise.all(msgs.map((m) => session.send(m)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(Date.now() - t).toBeLessThan(1500); // 20 × 200 ms side by side, not one after another
    expect(h2.connections - before).toBe(1);
    expect(h2.maxConcurrentStreams).toBeGreaterThan(2); // more than maxConnsPerHost: streams, not connections
    session.close();
  });
});

describe('proxy', () => {
  test('proxyUri: plain http is forwarded, https goes through CONNECT', async () => {
    const session = new Session({ proxyUri: proxy.url, sslCaFile: cert.certFile });
    const tunnels: unknown[] = [];
    session.on('tunneling', (info) => tunnels.push(info));
    const a = new Message('GET', `${plain.url}/echo`);
    expect(await session.send(a)).toBe(200);
    expect(JSON.parse(a.responseBody.toString()).headers.via).toBe('1.1 session-proxy');
    const b = new Message('GET', `${httpsServer.url}/`);
    expect(await session.send(b)).toBe(200);
    expect(b.responseBody.toString()).toBe('secure hello');
    const log = await proxy.log();
    expect(log).toEqual(expect.arrayContaining([
      { kind: 'forward', url: `${plain.url}/echo`, method: 'GET' },
      { kind: 'connect', url: `127.0.0.1:${httpsServer.port}` },
    ]));
    expect(tunnels.length).toBe(1);
    session.close();
  });

  test('ProxyResolverDefault reads http_proxy / no_proxy', async () => {
    const session = new Session();
    session.removeFeatureByType(ProxyResolverDefault);
    session.addFeature(new ProxyResolverDefault({ http_proxy: proxy.url, no_proxy: 'localhost' }));
    const before = (await proxy.log()).length;
    const viaProxy = new Message('GET', `${plain.url}/hello`);
    await session.send(viaProxy);
    const direct = new Message('GET', `http://localhost:${plain.port}/hello`);
    await session.send(direct);
    const log = (await proxy.log()).slice(before);
    expect(log).toEqual([{ kind: 'forward', url: `${plain.url}/hello`, method: 'GET' }]);
    session.close();
  });

  describe('a proxy that wants credentials (407)', () => {
    let authProxy: ProxyServer;
    beforeAll(async () => {
      authProxy = await startProxy({ auth: 'pxuser:pxpass' });
    });
    afterAll(() => authProxy.close());

    test('authenticate (isForProxy) answered synchronously: wrong, then right; remembered for the proxy', async () => {
      const session = new Session({ proxyUri: authProxy.url });
      const seen: Array<[string, string, string, boolean, boolean]> = [];
      session.on('authenticate', (msg, auth, retrying) => {
        seen.push([auth.scheme, auth.realm, auth.host, auth.isForProxy, retrying]);
        expect(msg.statusCode).toBe(407);
        auth.authenticate('pxuser', retrying ? 'pxpass' : 'wrong');
      });
      const msg = new Message('GET', `${plain.url}/echo`);
      expect(await session.send(msg)).toBe(200);
      expect(JSON.parse(msg.responseBody.toString()).headers.via).toBe('1.1 session-proxy');
      expect(seen).toEqual([
        ['Basic', 'proxy', '127.0.0.1', true, false],
        ['Basic', 'proxy', '127.0.0.1', true, true],
      ]);
      expect(await session.send(new Message('GET', `${plain.url}/hello`))).toBe(200);
      expect(seen.length).toBe(2);
      const log = await authProxy.log();
      expect(log.filter((e) => e.kind === 'refused').length).toBe(2);
      expect(log.filter((e) => e.kind === 'forward').map((e) => e.url)).toEqual([`${plain.url}/echo`, `${plain.url}/hello`]);
      session.close();
    });

    test('no answer: the 407 comes back', async () => {
      const session = new Session({ proxyUri: authProxy.url });
      let calls = 0;
      session.on('authenticate', () => calls++);
      expect(await session.send(new Message('GET', `${plain.url}/hello`))).toBe(407);
      expect(calls).toBe(1);
      session.close();
    });

    test('https through CONNECT: the 407 of the CONNECT reaches authenticate too', async () => {
      const session = new Session({ proxyUri: authProxy.url, sslCaFile: cert.certFile });
      const seen: boolean[] = [];
      session.on('authenticate', (_, auth) => {
        seen.push(auth.isForProxy);
        auth.authenticate('pxuser', 'pxpass');
      });
      const msg = new Message('GET', `${httpsServer.url}/`);
      expect(await session.send(msg)).toBe(200);
      expect(msg.responseBody.toString()).toBe('secure hello');
      expect(seen).toEqual([true]);
      session.close();
      const unanswered = new Session({ proxyUri: authProxy.url, sslCaFile: cert.certFile });
      const m = new Message('GET', `${httpsServer.url}/`);
      m.on('got-headers', () => undefined); // the header callback path too
      expect(await unanswered.send(m)).toBe(407);
      expect(m.responseHeaders.get('Proxy-Authenticate')).toBe('Basic realm="proxy"');
      unanswered.close();
    });
  });

  test('an unreachable proxy → CANT_CONNECT_PROXY', async () => {
    const session = new Session({ proxyUri: 'http://127.0.0.1:1' });
    expect(await session.send(new Message('GET', `${plain.url}/hello`))).toBe(Status.CANT_CONNECT_PROXY);
    session.close();
  });
});
