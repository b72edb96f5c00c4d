#!/usr/bin/env node
// A local RPC server that knows who is calling: over a UNIX socket the kernel tells the server
// the caller's pid, uid and gid, so it needs no password or token to decide what to answer.
//
//   node examples/credentials-rpc.js serve PATH [--allow-uid UID]...
//   node examples/credentials-rpc.js call PATH METHOD
//
// Methods: `ping`; `whoami` (the caller as the kernel reports it, with its /proc comm);
// `stop` (stops the server; only for callers of the server's own user).
// Callers must run as one of the allowed users: the server's own by default, or those given
// with --allow-uid (the socket file is then world-writable: the check is the credentials).
//
// One request per connection, in GIO's format: the caller sends its credentials (one NUL byte
// with SCM_CREDENTIALS, UnixConnection.sendCredentials), then a JSON line {"method": "..."};
// the server answers one JSON line, {"result": ...} or {"error": {"code", "message"}}.
// The server checks two things, both vouched for by the kernel:
//   - socket.getCredentials(): SO_PEERCRED, the process that called connect();
//   - connection.receiveCredentials(): SCM_CREDENTIALS, the process that sent the request,
//     which differs when a connected socket was handed to (or inherited by) another process.
'use strict';
const fs = require('node:fs');
const { parseArgs } = require('node:util');
const { GioError, IOErrorEnum, Socket, SocketFamily, SocketType, UnixConnection, UnixSocketAddress } = require('curlio');

const MAX_REQUEST_BYTES = 64 * 1024;
const REQUEST_TIMEOUT_S = 5;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'allow-uid': { type: 'string', multiple: true } },
});
const [command, socketPath, method] = positionals;

/** A line of UTF-8 from `socket`, without its newline; null if the peer closed first. */
async function receiveLine(socket) {
  let data = Buffer.alloc(0);
  for (;;) {
    const newline = data.indexOf(0x0a);
    if (newline >= 0) return data.subarray(0, newline).toString('utf8');
    if (data.length > MAX_REQUEST_BYTES) throw new Error(`line longer than ${MAX_REQUEST_BYTES} bytes`);
    const chunk = await socket.receive(4096);
    if (chunk.length === 0) return null;
    data = Buffer.concat([data, chunk]);
  }
}

async function sendLine(socket, value) {
  let data = Buffer.from(`${JSON.stringify(value)}\n`);
  while (data.length > 0) data = data.subarray(await socket.send(data));
}

class RpcError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function describe(credentials) {
  return { pid: credentials.pid, uid: credentials.uid, gid: credentials.gid };
}

async function serve() {
  const allowed = new Set((values['allow-uid'] ?? [String(process.getuid())]).map(Number));
  const ownUid = process.getuid();

  const methods = {
    ping: () => 'pong',
    whoami: (caller, connectedBy) => ({
      ...describe(caller),
      comm: fs.readFileSync(`/proc/${caller.pid}/comm`, 'utf8').trim(),
      connectedBy: describe(connectedBy),
    }),
    stop: (caller) => {
      if (caller.uid !== ownUid) throw new RpcError('EACCES', `only uid ${ownUid} may stop the server`);
      setImmediate(stop);
      return 'stopping';
    },
  };

  /** The reply to the one request on `connection`, or null if the caller closed without one. */
  async function handle(connection) {
    const socket = connection.socket;
    const connectedBy = socket.getCredentials();
    const caller = await connection.receiveCredentials();
    const line = await receiveLine(socket);
    if (line === null) return null;
    let name = '?';
    try {
      let request;
      try {
        request = JSON.parse(line);
      } catch {
        throw new RpcError('EINVAL', 'the request is not JSON');
      }
      name = String(request?.method);
      // Both the connecting and the sending process must be allowed, before any method runs.
      for (const credentials of [connectedBy, caller]) {
        if (!allowed.has(credentials.uid)) throw new RpcError('EACCES', `uid ${credentials.uid} may not call this server`);
      }
      if (!Object.hasOwn(methods, name)) throw new RpcError('ENOSYS', `no method ${JSON.stringify(name)}`);
      const result = methods[name](caller, connectedBy);
      console.log(`pid ${caller.pid} uid ${caller.uid}: ${name} -> ok`);
      return { result };
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      const outcome = error.code === 'EACCES' ? 'denied' : 'error';
      console.log(`pid ${caller.pid} uid ${caller.uid}: ${name} -> ${outcome} (${error.message})`);
      return { error: { code: error.code, message: error.message } };
    }
  }

  async function answer(connection) {
    connection.socket.timeout = REQUEST_TIMEOUT_S; // a caller that says nothing does not hold a connection
    try {
      const reply = await handle(connection);
      if (reply) await sendLine(connection.socket, reply);
    } catch (error) {
      console.log(`a connection failed: ${error.name}: ${error.message}`);
    } finally {
      connection.close();
    }
  }

  fs.rmSync(socketPath, { force: true }); // a file left by a server that died
  const listener = new Socket(SocketFamily.UNIX, SocketType.STREAM);
  listener.bind(new UnixSocketAddress(socketPath));
  if (values['allow-uid']) fs.chmodSync(socketPath, 0o666); // other users must be able to connect()
  listener.listen();

  function stop() {
    if (listener.isClosed()) return;
    listener.close();
    fs.rmSync(socketPath, { force: true });
  }
  process.once('SIGTERM', stop).once('SIGINT', stop);
  console.log(`listening on ${socketPath} for uid ${[...allowed].join(', ')}`);

  for (;;) {
    let accepted;
    try {
      accepted = await listener.accept();
    } catch (error) {
      if (listener.isClosed()) return;
      throw error;
    }
    answer(accepted.connectionFactoryCreateConnection());
  }
}

async function call() {
  let connection;
  try {
    connection = await UnixConnection.connect(socketPath);
  } catch (error) {
    if (!(error instanceof GioError)) throw error;
    const gone = GioError.matches(error, IOErrorEnum.NOT_FOUND) || GioError.matches(error, IOErrorEnum.CONNECTION_REFUSED);
    console.error(gone ? `no server at ${socketPath}` : `cannot connect to ${socketPath}: ${error.name}: ${error.message}`);
    return 1;
  }
  try {
    await connection.sendCredentials();
    await sendLine(connection.socket, { method });
    const line = await receiveLine(connection.socket);
    if (line === null) throw new Error('the server closed the connection without an answer');
    const reply = JSON.parse(line);
    if (reply.error) {
      console.error(`error: ${reply.error.code}: ${reply.error.message}`);
      return 1;
    }
    console.log(JSON.stringify(reply.result));
    return 0;
  } finally {
    connection.close();
  }
}

if (command === 'serve' && socketPath) {
  serve().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else if (command === 'call' && socketPath && method) {
  call().then(
    (code) => (process.exitCode = code),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
} else {
  console.error('usage: node examples/credentials-rpc.js serve PATH [--allow-uid UID]...');
  console.error('       node examples/credentials-rpc.js call PATH METHOD');
  process.exit(2);
}
