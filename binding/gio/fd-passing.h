// receiveFd / receiveFds / sendFd on GIO's wire format, with recvmsg(2) and sendmsg(2) on the
// GSocket's own fd.
//
// Why not g_socket_receive_message() / g_unix_connection_send_fd(): for every fd they build a
// GUnixFDMessage and a GUnixFDList, look up every GSocketControlMessage class to deserialize,
// set close-on-exec a second time, and (to send) dup the fd and fetch the socket through a
// GObject property. That was most of the cost of passing one fd. Everything a peer or a caller
// can observe stays GIO's: one NUL data byte and one SCM_RIGHTS message, MSG_CMSG_CLOEXEC and a
// 2 KiB control buffer on receive, MSG_NOSIGNAL on send, EINTR retried, blocking emulated with
// the socket's `blocking` and `timeout` properties, and GIO's GError domains, codes and
// messages (gsocket.c, gunixconnection.c, gunixfdlist.c).
#pragma once

#include <gio/gio.h>

#include "gio/messages.h"
#include "gio/socket.h"

namespace curlio::gio {

// One receive for receiveFd (Ancillary::kOneFd) or receiveFds (Ancillary::kFds), with
// g_unix_connection_receive_fd's checks and messages, plus what it leaves out: MSG_CTRUNC is an
// error, and end-of-stream is an error with a GError (GIO returns -1 without one).
// `may_block`: wait as a blocking GSocket would (the ...Sync calls pass g_socket_get_blocking());
// otherwise kWouldBlock, with no error set, when nothing has arrived. kFailed sets `error` and has
// closed every fd that did arrive.
Progress ReceiveFds(GSocket* socket, Ancillary kind, bool may_block, AncillaryResult* result, GError** error);

// One sendmsg of `fd` with one NUL byte: g_unix_connection_send_fd's message. `fd` is only
// read during the call (GIO dups it first; sendmsg itself takes its own reference to the
// open file). kWouldBlock as for ReceiveFds.
Progress SendFd(GSocket* socket, int fd, bool may_block, GError** error);

// G_IO_ERROR_WOULD_BLOCK as a non-blocking GSocket reports it (for kWouldBlock in a ...Sync call).
void SetWouldBlock(GError** error);

// fcntl(F_DUPFD_CLOEXEC) with GIO's error (gunixfdlist.c) when it fails: -1 then.
int DupCloseOnExec(int fd, GError** error);

}  // namespace curlio::gio
