// A real forward proxy for the Session tests, in its own process: plain http requests in
// absolute form are forwarded, CONNECT opens a tunnel. Prints {"port": N}; GET /proxy-log on
// the proxy itself returns what it did as JSON. Started with --auth=USER:PASS, it answers
// 407 (Proxy-Authenticate: Basic realm="proxy") to forwards and CONNECTs without those
// credentials in Proxy-Authorization, and logs them as kind 'refused'.
'use strict';
const http = require('node:http');
const net = require('node:net');

const authArg = process.argv.find((a) => a.startsWith('--auth='));
const expected = authArg ? 'Basic ' + Buffer.from(authArg.slice(7)).toString('base64') : null;
const allowed = (req) => expected === null || req.headers['proxy-authorization'] === expected;

const log = [];
const proxy = http.createServer((req, res) => {
  if (req.url === '/proxy-log') return res.end(JSON.stringify(log));
  if (!allowed(req)) {
    log.push({ kind: 'refused', url: req.url, method: req.method });
    res.writeHead(407, { 'proxy-authenticate': 'Basic realm="proxy"' });
    return res.end('proxy authentication required');
  }
  const target = new URL(req.url);
  log.push({ kind: 'forward', url: req.url, method: req.method });
  const upstream = http.request(
    { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: { ...req.headers, via: '1.1 session-proxy' } },
    (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', () => {
    res.statusCode = 502;
    res.end();
  });
  req.pipe(upstream);
});
proxy.on('connect', (req, socket, head) => {
  if (!allowed(req)) {
    log.push({ kind: 'refused', url: req.url, method: 'CONNECT' });
    socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  log.push({ kind: 'connect', url: req.url });
  const [host, port] = req.url.split(':');
  const upstream = net.connect(Number(port), host, () => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on('error', () => socket.destroy());
  socket.on('error', () => upstream.destroy());
});
proxy.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: proxy.address().port }) + '\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
