// A real forward proxy for the Session tests, in its own process: plain http requests in
// absolute form are forwarded, CONNECT opens a tunnel. Prints {"port": N}; GET /proxy-log on
// the proxy itself returns what it did as JSON.
'use strict';
const http = require('node:http');
const net = require('node:net');

const log = [];
const proxy = http.createServer((req, res) => {
  if (req.url === '/proxy-log') return res.end(JSON.stringify(log));
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
