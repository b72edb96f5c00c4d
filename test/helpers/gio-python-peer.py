#!/usr/bin/env python3
"""A plain SCM_RIGHTS / SCM_CREDENTIALS peer (Python's stdlib only) for test/gio/interop.
Connects to the UNIX socket PATH the test listens on, prints one JSON line.

  recv-fds PATH          socket.recv_fds; writes "python <pid>" at offset 0 of the first fd
  recv-truncated PATH    recvmsg with room for 2 fds only: reports MSG_CTRUNC and what came
  send-fds PATH FILE N   socket.send_fds with one NUL byte and N copies of FILE's fd
  send-creds PATH        sendmsg with an explicit SCM_CREDENTIALS (pid, uid, gid)
  recv-creds PATH        SO_PASSCRED + recvmsg: the credentials the kernel attached
  peercred PATH          getsockopt(SO_PEERCRED) of the connection
"""
import array
import json
import os
import socket
import struct
import sys

mode, path = sys.argv[1], sys.argv[2]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.connect(path)


def say(value):
    print(json.dumps(value), flush=True)


def cloexec(fd):
    import fcntl
    return bool(fcntl.fcntl(fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC)


if mode == 'recv-fds':
    msg, fds, flags, _ = socket.recv_fds(sock, 1, 253)
    if fds:
        os.pwrite(fds[0], b'python %d' % os.getpid(), 0)
    say({'data': msg.hex(), 'count': len(fds), 'ctrunc': bool(flags & socket.MSG_CTRUNC)})
    for fd in fds:
        os.close(fd)
elif mode == 'recv-truncated':
    fds = array.array('i')
    msg, ancdata, flags, _ = sock.recvmsg(1, socket.CMSG_SPACE(2 * fds.itemsize))
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[:len(data) - (len(data) % fds.itemsize)])
    say({'ctrunc': bool(flags & socket.MSG_CTRUNC), 'count': len(fds), 'data': msg.hex()})
    for fd in fds:
        os.close(fd)
elif mode == 'send-fds':
    fd = os.open(sys.argv[3], os.O_RDONLY)
    socket.send_fds(sock, [b'\0'], [fd] * int(sys.argv[4]))
    os.close(fd)
    sock.recv(1)
    say({'ok': True, 'pid': os.getpid()})
elif mode == 'send-creds':
    ucred = struct.pack('3i', os.getpid(), os.getuid(), os.getgid())
    sock.sendmsg([b'\0'], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, ucred)])
    sock.recv(1)
    say({'pid': os.getpid(), 'uid': os.getuid(), 'gid': os.getgid()})
elif mode == 'recv-creds':
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    msg, ancdata, flags, _ = sock.recvmsg(1, socket.CMSG_SPACE(12))
    pid, uid, gid = next(struct.unpack('3i', data) for level, kind, data in ancdata
                         if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS)
    say({'pid': pid, 'uid': uid, 'gid': gid, 'data': msg.hex()})
elif mode == 'peercred':
    pid, uid, gid = struct.unpack('3i', sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
    say({'pid': pid, 'uid': uid, 'gid': gid})
    sock.recv(1)
else:
    raise SystemExit('unknown mode ' + mode)
