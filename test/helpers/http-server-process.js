// A real HTTP server for tests, run as its own process (a blocking curl_easy_perform in
// the test process must not starve it). Prints {"port": N} on stdout once listening.
//   /hello                 -> "hello"
//   /bytes/N               -> N bytes of a repeating pattern (Content-Length set)
//   /chunked/N/K           -> N chunks of K bytes, each a tick apart (no Content-Length)
//   /echo                  -> JSON {method, url, headers, body}
//   /status/N              -> status N
//   /slow/MS               -> waits MS then "slow"
//   /redirect/N            -> 302 to /redirect/N-1, /redirect/0 -> "landed"
//   /conn                  -> the id of the TCP connection (counts connections)
//   /stats                 -> JSON {connections, open}
'use strict';
const http = require('node:http');

let connections = 0;
let open = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => route(req, res, Buffer.concat(chunks)));
});
server.keepAliveTimeout = 30000;
server.on('connection', (socket) => {
  socket.id = ++connections;
  open++;
  socket.on('close', () => open--);
});

function pattern(n) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = 97 + (i % 26);
  return b;
}

function route(req, res, body) {
  const parts = req.url.split('?')[0].split('/').filter(Boolean);
  switch (parts[0]) {
    case 'hello':
      return res.end('hello');
    case 'bytes': {
      const b = pattern(Number(parts[1]));
      res.setHeader('content-length', b.length);
      return res.end(b);
    }
    case 'chunked': {
      const n = Number(parts[1]);
      const size = Number(parts[2] || 1024);
      let i = 0;
      const next = () => {
        if (i++ === n) return res.end();
        res.write(pattern(size));
        setTimeout(next, 1);
      };
      return next();
    }
    case 'echo':
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: body.toString('latin1') }));
    case 'status':
      res.statusCode = Number(parts[1]);
      return res.end(`status ${parts[1]}`);
    case 'slow':
      return setTimeout(() => res.end('slow'), Number(parts[1]));
    case 'redirect': {
      const n = Number(parts[1]);
      if (n === 0) return res.end('landed');
      res.statusCode = 302;
      res.setHeader('location', `/redirect/${n - 1}`);
      return res.end();
    }
    case 'conn':
      return res.end(String(req.socket.id));
    case 'stats':
      return res.end(JSON.stringify({ connections, open }));
    default:
      res.statusCode = 404;
      return res.end('not found');
  }
}

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
// The test that started us may die without a word: leave with it.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
