// Servers that misbehave on purpose, for test/faults, in their own process (the client's fd
// count must not see their sockets, and a blocking client must not starve them). Raw TCP:
// a well-behaved HTTP library would refuse to send most of these replies. Prints
// {"port", "tlsGarbagePort", "refusedPort"} on stdout once listening.
//   /ok                     -> 200 "ok", keep-alive
//   /reset-before-headers   -> the request is read, then the connection is reset (RST)
//   /close-before-headers   -> the request is read, then the connection is closed (FIN)
//   /reset-mid-body         -> Content-Length: 100000, 1000 bytes, then RST
//   /short-body             -> Content-Length: 100, 50 bytes, then FIN
//   /long-body              -> Content-Length: 10, 40 bytes, then FIN
//   /malformed-status       -> "HTTP/1.1 abc Broken"
//   /garbage-status         -> "SSH-2.0-OpenSSH_9.2" (not HTTP at all)
//   /big-headers            -> 1000 headers of 100 bytes (100 KiB of headers), body "ok"
//   /huge-header-line       -> one header line of 200 KiB
//   /slowloris              -> the status line, then one header byte every 1500 ms
//   /hang                   -> the request is read, nothing is ever sent
//   /drop-second            -> the first request on a connection gets 200 (keep-alive);
//                              a later one on the same connection is read, then the
//                              connection is closed unanswered: an idle connection the
//                              server closed just as the client reused it
//   /log                    -> JSON of every request seen: {conn, method, path, headers, body}
//   /redirect?to=URL        -> 302 Location: URL
//   CONNECT                 -> 403 Forbidden (a proxy refusing the tunnel), except CONNECT
//                              to this server's own port: a tunnel to itself
//   any path, ?set-cookie   -> echoed request headers as JSON (to see what the client sent)
// tlsGarbagePort answers anything with bytes that are not TLS; refusedPort has no listener.
'use strict';
const net = require('node:net');

const log = [];
let connections = 0;

function respond(socket, status, headers, body, keepAlive = true) {
  const lines = [`HTTP/1.1 ${status}`, `Content-Length: ${Buffer.byteLength(body)}`, ...headers];
  if (!keepAlive) lines.push('Connection: close');
  socket.write(lines.join('\r\n') + '\r\n\r\n');
  socket.write(body);
  if (!keepAlive) socket.end();
}

function handle(socket, req) {
  const path = req.path.split('?')[0];
  log.push({ conn: socket.id, method: req.method, path: req.path, headers: req.headers, body: req.body.toString('latin1') });
  socket.requests++;
  if (req.method === 'CONNECT') {
    if (req.path !== `127.0.0.1:${server.address().port}`) return respond(socket, '403 Forbidden', [], 'no tunnels here', false);
    const upstream = net.connect(server.address().port, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      socket.removeAllListeners('data');
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    return undefined;
  }
  switch (path) {
    case '/ok':
      return respond(socket, '200 OK', [], 'ok');
    case '/reset-before-headers':
      return socket.resetAndDestroy();
    case '/close-before-headers':
      return socket.end();
    case '/reset-mid-body':
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n' + 'x'.repeat(1000));
      return setTimeout(() => socket.resetAndDestroy(), 50);
    case '/short-body':
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n' + 'x'.repeat(50));
      return socket.end();
    case '/long-body':
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789' + 'EXTRA'.repeat(6));
      return socket.end();
    case '/malformed-status':
      socket.write('HTTP/1.1 abc Broken\r\nContent-Length: 2\r\n\r\nok');
      return socket.end();
    case '/garbage-status':
      socket.write('SSH-2.0-OpenSSH_9.2\r\n\r\n');
      return socket.end();
    case '/big-headers': {
      const headers = Array.from({ length: 1000 }, (_, i) => `X-Filler-${String(i).padStart(4, '0')}: ${'v'.repeat(84)}`);
      return respond(socket, '200 OK', headers, 'ok');
    }
    case '/huge-header-line':
      return respond(socket, '200 OK', [`X-Huge: ${'h'.repeat(200 * 1024)}`], 'ok');
    case '/slowloris': {
      socket.write('HTTP/1.1 200 OK\r\n');
      const timer = setInterval(() => socket.write('X'), 1500);
      socket.on('close', () => clearInterval(timer));
      return undefined;
    }
    case '/hang':
      return undefined;
    case '/drop-second':
      if (socket.requests > 1) return socket.destroy();
      return respond(socket, '200 OK', [], `${req.method} ${req.body.length} on connection ${socket.id}`);
    case '/redirect':
      return respond(socket, '302 Found', [`Location: ${new URL(req.path, 'http://x').searchParams.get('to')}`], '');
    case '/log':
      return respond(socket, '200 OK', ['Content-Type: application/json'], JSON.stringify(log.filter((r) => r.path !== '/log')));
    default:
      return respond(socket, '200 OK', ['Content-Type: application/json'], JSON.stringify(req.headers));
  }
}

// One request at a time per connection, as HTTP/1.1 without pipelining.
const server = net.createServer((socket) => {
  socket.id = ++connections;
  socket.requests = 0;
  socket.on('error', () => {});
  let buffer = Buffer.alloc(0);
  let pending = null; // a request whose body is still arriving
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (pending === null) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const lines = buffer.subarray(0, end).toString('latin1').split('\r\n');
        buffer = buffer.subarray(end + 4);
        const [method, path] = lines[0].split(' ');
        const headers = {};
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(':');
          const name = line.slice(0, colon).trim().toLowerCase();
          headers[name] = headers[name] === undefined ? line.slice(colon + 1).trim() : `${headers[name]}, ${line.slice(colon + 1).trim()}`;
        }
        pending = { method, path, headers, length: Number(headers['content-length'] || 0) };
      }
      if (buffer.length < pending.length) return;
      const req = { ...pending, body: buffer.subarray(0, pending.length) };
      buffer = buffer.subarray(pending.length);
      pending = null;
      if (socket.destroyed) return;
      handle(socket, req);
    }
  });
});

const tlsGarbage = net.createServer((socket) => {
  socket.on('error', () => {});
  socket.once('data', () => socket.end('HTTP/1.1 400 This is not TLS\r\n\r\n' + '\x00\xff'.repeat(64)));
});

const refused = net.createServer();

Promise.all([server, tlsGarbage, refused].map((s) => new Promise((resolve) => s.listen(0, '127.0.0.1', resolve)))).then(() => {
  const refusedPort = refused.address().port;
  refused.close(() => {
    console.log(JSON.stringify({ port: server.address().port, tlsGarbagePort: tlsGarbage.address().port, refusedPort }));
  });
});

// Ends with the test process: stdin closes when the parent goes away.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
