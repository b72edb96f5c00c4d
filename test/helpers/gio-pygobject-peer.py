#!/usr/bin/env python3
"""A GLib program on the other end (PyGObject's Gio.UnixConnection) for test/gio/interop.
Connects to PATH with Gio.SocketClient, prints one JSON line.

  receive-fd PATH          Gio.UnixConnection.receive_fd; writes "gio <pid>" at offset 0 of it
  send-fd PATH FILE        Gio.UnixConnection.send_fd of FILE opened read-only
  send-credentials PATH    Gio.UnixConnection.send_credentials
  receive-credentials PATH Gio.UnixConnection.receive_credentials
"""
import json
import os
import sys

import gi

gi.require_version('Gio', '2.0')
from gi.repository import Gio  # noqa: E402

mode, path = sys.argv[1], sys.argv[2]
connection = Gio.SocketClient().connect(Gio.UnixSocketAddress.new(path), None)
assert isinstance(connection, Gio.UnixConnection), type(connection)


def say(value):
    print(json.dumps(value), flush=True)


if mode == 'receive-fd':
    fd = connection.receive_fd(None)
    os.pwrite(fd, b'gio %d' % os.getpid(), 0)
    os.close(fd)
    say({'ok': True})
elif mode == 'send-fd':
    fd = os.open(sys.argv[3], os.O_RDONLY)
    connection.send_fd(fd, None)
    os.close(fd)
    connection.get_input_stream().read_bytes(1, None)
    say({'ok': True, 'pid': os.getpid()})
elif mode == 'send-credentials':
    connection.send_credentials(None)
    connection.get_input_stream().read_bytes(1, None)
    say({'pid': os.getpid(), 'uid': os.getuid()})
elif mode == 'receive-credentials':
    credentials = connection.receive_credentials(None)
    say({'pid': credentials.get_unix_pid(), 'uid': credentials.get_unix_user()})
else:
    raise SystemExit('unknown mode ' + mode)
connection.close(None)
