// A hostile HTTP server, in its own process (a client blocked in sendMessage must not starve
// it, and its sockets stay out of the client's fd count). Raw TCP: no HTTP library would send
// these replies. Prints {"port"} on stdout once listening. The path chooses the behaviour:
//   /ok                        -> 200 "ok"
//   /location?v=A[&v=B]        -> 302, one Location header per v (raw, as given, URL-decoded)
//   /continue-flood?n=N        -> N "100 Continue" blocks, then 200 "done"
//   /endless-headers           -> 200, then header lines forever
//   /endless-trailers          -> a chunked 200 whose trailer section never ends
//   /endless-body              -> 200 without length, body bytes forever
//   /bomb?mib=N                -> Content-Encoding: gzip, N MiB of zeros once inflated
//   /big-body?mib=N            -> Content-Length: N MiB of 'x', plain
//   /raw                       -> every byte this connection received within 300 ms, as the
//                                 body (Connection: close): what the client put on the wire,
//                                 smuggled requests included
// Every request is answered on its own connection's terms; endless replies stop when the
// client goes away.
'use strict';
const net = require('node:net');
const zlib = require('node:zlib');

const bombs = new Map();
function bomb(mib) {
  if (!bombs.has(mib)) {
    // Deflating 1 MiB of zeros at a time keeps the server's own memory small.
    const gzip = zlib.createGzip({ level: 9 });
    const out = [];
    gzip.on('data', (c) => out.push(c));
    const zeros = Buffer.alloc(1 << 20);
    for (let i = 0; i < mib; i++) gzip.write(zeros);
    gzip.end();
    bombs.set(mib, new Promise((resolve) => gzip.on('end', () => resolve(Buffer.concat(out)))));
  }
  return bombs.get(mib);
}

// Writes `next()` forever, as fast as the client takes it.
function flood(socket, next) {
  const pump = () => {
    while (!socket.destroyed) {
      if (!socket.write(next())) return socket.once('drain', pump);
    }
    return undefined;
  };
  socket.on('error', () => undefined);
  pump();
}

function handle(socket, head, received) {
  const line = head.split('\r\n')[0];
  const target = line.split(' ')[1] ?? '/';
  const url = new URL(target, 'http://x');
  switch (url.pathname) {
    case '/ok':
      return socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    case '/location': {
      const lines = url.searchParams.getAll('v').map((v) => `Location: ${v}\r\n`).join('');
      return socket.end(`HTTP/1.1 302 Found\r\n${lines}Content-Length: 0\r\nConnection: close\r\n\r\n`);
    }
    case '/continue-flood': {
      const n = Number(url.searchParams.get('n') ?? 8000);
      socket.write('HTTP/1.1 100 Continue\r\n\r\n'.repeat(n));
      return socket.end('HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\ndone');
    }
    case '/endless-headers':
      socket.write('HTTP/1.1 200 OK\r\n');
      return flood(socket, () => 'X-Endless: ' + 'h'.repeat(60) + '\r\n');
    case '/endless-trailers':
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Trailer\r\n\r\n2\r\nok\r\n0\r\n');
      return flood(socket, () => 'X-Trailer: ' + 't'.repeat(60) + '\r\n');
    case '/endless-body': {
      socket.write('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n');
      const chunk = Buffer.alloc(64 * 1024, 'b');
      return flood(socket, () => chunk);
    }
    case '/bomb':
      return bomb(Number(url.searchParams.get('mib') ?? 64)).then((gz) => {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\nConnection: close\r\n\r\n`);
        socket.end(gz);
      });
    case '/big-body': {
      const size = Number(url.searchParams.get('mib') ?? 1) << 20;
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n`);
      return socket.end(Buffer.alloc(size, 'x'));
    }
    case '/raw':
      return setTimeout(() => {
        const body = Buffer.concat(received);
        socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`), body]));
      }, 300);
    default:
      return socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  }
}

const server = net.createServer((socket) => {
  const received = [];
  let head = '';
  let answered = false;
  socket.on('error', () => undefined);
  socket.on('data', (data) => {
    received.push(data);
    if (answered) return;
    head += data.toString('latin1');
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    answered = true;
    handle(socket, head.slice(0, end), received);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
