#!/usr/bin/env node
// Zero-downtime restart: a new version of an HTTP server takes the listening socket from the
// running one, so no connection is refused while the old process finishes its requests.
//
//   node examples/zero-downtime-restart.js --control PATH [--port N] [--host H]
//
// The running server listens on the UNIX socket PATH for its successor. Start the same command
// again (a new process, e.g. after deploying new code) and:
//   1. the new process connects to PATH;
//   2. the old one checks it runs as the same user (SO_PEERCRED) and sends it the listening
//      socket (UnixConnection.sendFd, SCM_RIGHTS);
//   3. the new one serves on it (server.listen({ fd })) and says so with one byte;
//   4. the old one stops accepting and exits once its open requests are answered; the kernel
//      kept one accept queue all along, so no connection attempt was lost;
//   5. the new one binds PATH itself, ready for the next restart.
// With nobody at PATH, the process listens on H:N (127.0.0.1:8080 by default; port 0 picks one).
// SIGTERM or SIGINT stops the server: no more accepts, open requests finish, PATH is removed.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const { parseArgs } = require('node:util');
const { GioError, IOErrorEnum, Socket, SocketFamily, SocketType, UnixConnection, UnixSocketAddress } = require('curlio');

const { values } = parseArgs({
  options: { control: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } },
});
if (!values.control) {
  console.error('usage: node examples/zero-downtime-restart.js --control PATH [--port N] [--host H]');
  process.exit(2);
}
const controlPath = values.control;
const port = Number(values.port ?? 8080);
const host = values.host ?? '127.0.0.1';
const DRAIN_TIMEOUT_MS = 30_000;

let draining = false;
const server = http.createServer((req, res) => {
  // A keep-alive client must not send its next request to a process that is leaving.
  if (draining) res.setHeader('connection', 'close');
  res.end(`served by pid ${process.pid}\n`);
});

/** The running server's listening fd and its pid, or null if nobody listens on controlPath. */
async function receiveListeningSocket() {
  let connection;
  try {
    connection = await UnixConnection.connect(controlPath);
  } catch (error) {
    // No file, or a file left by a server that died: this is the first process.
    if (GioError.matches(error, IOErrorEnum.NOT_FOUND) || GioError.matches(error, IOErrorEnum.CONNECTION_REFUSED)) {
      return null;
    }
    throw error;
  }
  const from = connection.socket.getCredentials().pid;
  const fd = await connection.receiveFd();
  return { connection, fd, from };
}

/** Listens on controlPath for the next restart; returns the socket and the file's inode. */
function bindControlSocket() {
  // The path belongs to the process that hands over (or to a dead one): replace the file.
  // The previous owner keeps its socket until it exits but can no longer be reached by name.
  fs.rmSync(controlPath, { force: true });
  const control = new Socket(SocketFamily.UNIX, SocketType.STREAM);
  control.bind(new UnixSocketAddress(controlPath));
  control.listen();
  return { control, inode: fs.statSync(controlPath).ino };
}

/**
 * Sends the listening socket to a successor; true once it serves on it. A successor of another
 * user, or one that goes away before it serves, gets nothing and we keep serving.
 */
async function handOff(connection) {
  try {
    const peer = connection.socket.getCredentials();
    if (peer.uid !== process.getuid()) {
      console.log(`pid ${process.pid} refused a restart from pid ${peer.pid} (uid ${peer.uid})`);
      return false;
    }
    await connection.sendFd(server);
    const serving = await connection.socket.receive(1);
    if (serving.length !== 1) return false;
    console.log(`pid ${process.pid} handed ${url()} to pid ${peer.pid}, exiting`);
    return true;
  } catch (error) {
    console.error(`pid ${process.pid}: restart failed, still serving: ${error.name}: ${error.message}`);
    return false;
  } finally {
    connection.close();
  }
}

/** Stops accepting and lets the open requests finish; the process then exits on its own. */
function drain(control) {
  draining = true;
  control.close();
  server.close();
  server.closeIdleConnections();
  setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS).unref();
}

function url() {
  const address = server.address();
  return `http://${address.address}:${address.port}`;
}

async function main() {
  const previous = await receiveListeningSocket();
  if (previous) {
    await new Promise((resolve, reject) => server.once('error', reject).listen({ fd: previous.fd }, resolve));
    await previous.connection.socket.send('1'); // serving: the old process may stop accepting
    previous.connection.close();
  } else {
    await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  }
  // Printed once the next restart can find us.
  const { control, inode } = bindControlSocket();
  if (previous) console.log(`pid ${process.pid} took over ${url()} from pid ${previous.from}`);
  else console.log(`pid ${process.pid} listening on ${url()}`);

  const stop = () => {
    // Remove the control path only if it is still ours, not a successor's.
    if (fs.statSync(controlPath, { throwIfNoEntry: false })?.ino === inode) fs.rmSync(controlPath, { force: true });
    drain(control);
  };
  process.once('SIGTERM', stop).once('SIGINT', stop);

  for (;;) {
    let accepted;
    try {
      accepted = await control.accept();
    } catch (error) {
      if (control.isClosed()) return; // stopped by a signal
      throw error;
    }
    if (await handOff(accepted.connectionFactoryCreateConnection())) {
      process.removeListener('SIGTERM', stop).removeListener('SIGINT', stop);
      return drain(control);
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
