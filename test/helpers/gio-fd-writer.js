// A process that *inherits* one end of a connected UNIX socket as fd 3 (spawn's stdio) and
// writes to it: the writer is not the process that created or connected the socket, so
// SO_PEERCRED names someone else. For test/gio/credentials.
//   node test/helpers/gio-fd-writer.js write-byte          one plain NUL byte (no ancillary data)
//   node -r ./test/helpers/gio-ts-register.js test/helpers/gio-fd-writer.js send-credentials
//                                                         curlio's sendCredentials (SCM_CREDENTIALS)
//   ... gio-fd-writer.js receive-fd-write TEXT             curlio's receiveFd, then TEXT written to that fd
// Prints {"pid","uid","gid"} of this process once it has written, then exits.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const SOCKET_FD = 3;
const say = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const me = () => ({ pid: process.pid, uid: process.getuid(), gid: process.getgid() });

async function main(mode) {
  switch (mode) {
    case 'write-byte':
      fs.writeSync(SOCKET_FD, Buffer.alloc(1));
      return say(me());
    case 'send-credentials': {
      const gio = require(path.join(__dirname, '..', '..', 'lib', 'gio'));
      const socket = gio.Socket.fromFd(SOCKET_FD);
      await socket.connectionFactoryCreateConnection().sendCredentials();
      socket.close();
      return say(me());
    }
    case 'receive-fd-write': {
      const gio = require(path.join(__dirname, '..', '..', 'lib', 'gio'));
      const socket = gio.Socket.fromFd(SOCKET_FD);
      const fd = await socket.connectionFactoryCreateConnection().receiveFd();
      fs.writeSync(fd, process.argv[3]);
      fs.closeSync(fd);
      socket.close();
      return say(me());
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

main(process.argv[2]).catch((error) => {
  say({ fatal: String(error && error.stack) });
  process.exit(1);
});
