// The "running HTTP server" of test/gio/handoff.test.ts: serves "owner <pid>" on 127.0.0.1,
// prints {"port": N}; on "handoff" on stdin, passes its listening socket over a UNIX socket
// path to an unrelated process with curlio's UnixConnection.sendFd, waits until that process
// says it is serving, then stops accepting (its own fd closes; the socket lives on in the
// heir) and exits once its open connections are done.
//   node -r ./test/helpers/gio-ts-register.js test/helpers/gio-http-owner.js HEIR_PATH
'use strict';
const http = require('node:http');
const path = require('node:path');

const gio = require(path.join(__dirname, '..', '..', 'lib', 'gio'));

const heirPath = process.argv[2];
const say = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const server = http.createServer((req, res) => res.end(`owner ${process.pid}`));

server.listen(0, '127.0.0.1', () => {
  say({ port: server.address().port, pid: process.pid });
});

process.stdin.setEncoding('utf8');
process.stdin.on('data', async (line) => {
  if (!line.includes('handoff')) return;
  const connection = await gio.UnixConnection.connect(heirPath);
  await connection.sendFd(server);
  await connection.socket.receive(1); // the heir is serving
  connection.close();
  server.close(() => {
    say({ handedOff: true });
    process.exit(0);
  });
});
