// A separate process for test/gio: talks to the test over a UNIX socket *path* (never Node's
// IPC channel) using curlio's GIO layer, straight from lib/ (see gio-ts-register.js):
//   node -r ./test/helpers/gio-ts-register.js test/helpers/gio-peer.js MODE PATH [ARGS]
// Prints one JSON line with what it saw, then exits. Modes:
//   receive-fd PATH            connect, receiveFd, write "written by <pid>" at offset 0 of it
//   send-fd PATH FILE          connect, open FILE, sendFd
//   send-credentials PATH      connect, sendCredentials
//   receive-credentials PATH   connect, receiveCredentials
//   receive-fds-at-limit PATH  connect, receiveFds with RLIMIT_NOFILE too low for them
//   receive-messages-at-limit PATH  the same through receiveMessage, receiveMessageSync,
//                              receiveMessages and receiveCredentials: one report line each
//   http-heir PATH             listen on PATH; receive a listening fd, serve HTTP on it ("heir <pid>")
//   http-worker PATH           listen on PATH; receive connection fds, serve HTTP on each ("worker <pid>")
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

const gio = require(path.join(__dirname, '..', '..', 'lib', 'gio'));

const [mode, socketPath, arg] = process.argv.slice(2);
const say = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const openFdCount = () => fs.readdirSync('/proc/self/fd').length - 1;

async function listen(onConnection) {
  const server = new gio.Socket(gio.SocketFamily.UNIX, gio.SocketType.STREAM);
  server.bind(new gio.UnixSocketAddress(socketPath));
  server.listen();
  say({ ready: true, pid: process.pid });
  for (;;) {
    const accepted = await server.accept();
    onConnection(accepted.connectionFactoryCreateConnection());
  }
}

async function main() {
  switch (mode) {
    case 'receive-fd': {
      const connection = await gio.UnixConnection.connect(socketPath);
      const fd = await connection.receiveFd();
      fs.writeSync(fd, `written by ${process.pid}`, 0);
      fs.closeSync(fd);
      connection.close();
      return say({ ok: true, pid: process.pid });
    }
    case 'send-fd': {
      const connection = await gio.UnixConnection.connect(socketPath);
      const fd = fs.openSync(arg, 'r');
      await connection.sendFd(fd);
      fs.closeSync(fd);
      await connection.socket.receive(1); // the test closes when it has the fd
      connection.close();
      return say({ ok: true, pid: process.pid });
    }
    case 'send-credentials': {
      const connection = await gio.UnixConnection.connect(socketPath);
      await connection.sendCredentials();
      await connection.socket.receive(1);
      connection.close();
      return say({ ok: true, pid: process.pid, uid: process.getuid(), gid: process.getgid() });
    }
    case 'receive-credentials': {
      const connection = await gio.UnixConnection.connect(socketPath);
      const credentials = await connection.receiveCredentials();
      connection.close();
      return say({ pid: credentials.pid, uid: credentials.uid, gid: credentials.gid });
    }
    case 'receive-fds-at-limit': {
      const connection = await gio.UnixConnection.connect(socketPath);
      const before = openFdCount();
      let result;
      try {
        const fds = await connection.receiveFds();
        result = { received: fds.length };
      } catch (error) {
        result = { error: error.name, message: error.message };
      }
      result.before = before;
      result.after = openFdCount();
      connection.close();
      return say(result);
    }
    case 'receive-messages-at-limit': {
      // Each of the test's four messages carries more fds than fit under the limit; the
      // credentials receive's also carries SCM_CREDENTIALS.
      const connection = await gio.UnixConnection.connect(socketPath);
      const receivers = {
        receiveMessage: () => connection.socket.receiveMessage(1),
        receiveMessageSync: () => connection.socket.receiveMessageSync(1),
        receiveMessages: () => connection.socket.receiveMessages(1, 1),
        receiveCredentials: () => connection.receiveCredentials(),
      };
      for (const [call, receive] of Object.entries(receivers)) {
        // The sync call blocks (the socket is blocking): wait until the message is there.
        await connection.socket.conditionWait(gio.IOCondition.IN);
        const before = openFdCount();
        const result = { call };
        let fds = [];
        try {
          const got = await receive();
          const messages = Array.isArray(got) ? got : [got];
          fds = messages.flatMap((m) => (m.controlMessages ?? []).flatMap((c) => c.fds ?? []));
          result.received = { fds: fds.length, flags: messages.map((m) => m.flags) };
        } catch (error) {
          Object.assign(result, { error: error.name, message: error.message });
        }
        for (const fd of fds) fs.closeSync(fd); // handed over: the caller's to close
        result.before = before;
        result.after = openFdCount();
        say(result);
      }
      connection.close();
      return;
    }
    case 'http-heir': {
      return listen(async (connection) => {
        const fd = await connection.receiveFd();
        const server = http.createServer((req, res) => res.end(`heir ${process.pid}`));
        server.listen({ fd }, async () => {
          await connection.socket.send('1'); // serving: the old owner may stop accepting
          say({ serving: true });
        });
      });
    }
    case 'http-worker': {
      const server = http.createServer((req, res) => res.end(`worker ${process.pid}`));
      return listen(async (connection) => {
        for (;;) {
          let fd;
          try {
            fd = await connection.receiveFd();
          } catch {
            return connection.close(); // the front went away
          }
          server.emit('connection', new net.Socket({ fd, readable: true, writable: true }));
        }
      });
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

main().catch((error) => {
  say({ fatal: String(error && error.stack) });
  process.exit(1);
});
