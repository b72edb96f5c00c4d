#include "gio/fd-passing.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace curlio::gio {

namespace {

// input_message_to_msghdr() in gsocket.c gives every receive 2 KiB of control buffer (room for
// SCM_MAX_FD fds): the same size truncates (MSG_CTRUNC) exactly when GIO's receive would.
constexpr size_t kControlSize = 2048;

// Linux 6.5's SCM_PIDFD (asm-generic/socket.h), not in every libc's headers yet.
constexpr int kScmPidfd = 0x04;

// gsocket.c's socket_set_error_lazy(): G_IO_ERROR_WOULD_BLOCK carries strerror alone.
void SetSocketError(GError** error, int errsv, const char* format) {
  int code = g_io_error_from_errno(errsv);
  if (code == G_IO_ERROR_WOULD_BLOCK) {
    g_set_error_literal(error, G_IO_ERROR, code, g_strerror(errsv));
  } else {
    g_set_error(error, G_IO_ERROR, code, format, g_strerror(errsv));
  }
}

// What a blocking GSocket does when the kernel says EAGAIN (block_on_timeout() with no deadline
// of its own): poll for `condition`, up to the socket's `timeout` (G_IO_ERROR_TIMED_OUT).
bool WaitLikeGio(GSocket* socket, GIOCondition condition, GError** error) {
  return g_socket_condition_timed_wait(socket, condition, -1, nullptr, error);
}

void CloseAll(AncillaryResult* result) {
  for (int fd : result->fds) close(fd);
  result->fds.clear();
}

// How many GSocketControlMessages g_socket_receive_message() would have returned, and whether
// the first is a GUnixFDMessage. SCM_RIGHTS always makes one (g_unix_fd_message_deserialize);
// anything else is asked of GIO itself, as it would be, and dropped (it holds no fds).
int CountGioMessages(msghdr* message, bool* first_is_fds) {
  int count = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(message); c != nullptr; c = CMSG_NXTHDR(message, c)) {
    bool is_fds = c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS;
    if (!is_fds) {
      gsize size = c->cmsg_len - (CMSG_DATA(c) - reinterpret_cast<unsigned char*>(c));
      GSocketControlMessage* other =
          g_socket_control_message_deserialize(c->cmsg_level, c->cmsg_type, size, CMSG_DATA(c));
      if (other == nullptr) continue;  // GIO skips what it cannot deserialize
      g_object_unref(other);
    }
    if (count == 0) *first_is_fds = is_fds;
    count++;
  }
  return count;
}

}  // namespace

void SetWouldBlock(GError** error) {
  SetSocketError(error, EAGAIN, "%s");
}

int DupCloseOnExec(int fd, GError** error) {
  int copy;
  do copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  while (copy < 0 && errno == EINTR);
  if (copy < 0) {
    int errsv = errno;
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errsv), "dup: %s", g_strerror(errsv));
  }
  return copy;
}

Progress ReceiveFds(GSocket* socket, Ancillary kind, bool may_block, AncillaryResult* result, GError** error) {
  char byte = 0;
  iovec vector = {&byte, 1};
  alignas(cmsghdr) unsigned char control[kControlSize];
  msghdr message;
  ssize_t received;
  for (;;) {
    std::memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    // MSG_CMSG_CLOEXEC: the fds are close-on-exec from the moment they exist (Linux 2.6.23;
    // GIO's fallback for older kernels is not needed where Node runs).
    received = recvmsg(g_socket_get_fd(socket), &message, MSG_CMSG_CLOEXEC);
    if (received >= 0) break;
    int errsv = errno;
    if (errsv == EINTR) continue;
    if (errsv == EAGAIN || errsv == EWOULDBLOCK) {
      if (!may_block) return Progress::kWouldBlock;
      if (!WaitLikeGio(socket, G_IO_IN, error)) return Progress::kFailed;
      continue;
    }
    SetSocketError(error, errsv, "Error receiving message: %s");
    return Progress::kFailed;
  }

  // Every fd the kernel installed is ours from here: handed over, or closed before failing.
  int control_messages = 0;
  int rights_messages = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
    control_messages++;
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == kScmPidfd && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
      // A pidfd (SO_PASSPIDFD set outside curlio): GIO drops the message, so nobody would close it.
      int pidfd;
      std::memcpy(&pidfd, CMSG_DATA(c), sizeof pidfd);
      close(pidfd);
      continue;
    }
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    rights_messages++;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; i++) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      result->fds.push_back(fd);
    }
  }

  // g_unix_connection_receive_fd's checks and messages, in its order, after the two it lacks.
  if ((message.msg_flags & MSG_CTRUNC) != 0) {
    int arrived = static_cast<int>(result->fds.size());
    CloseAll(result);
    SetTruncationError(error, arrived);
    return Progress::kFailed;
  }
  if (received == 0 && control_messages == 0) {
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                        "Connection closed by peer before a file descriptor arrived");
    return Progress::kFailed;
  }
  if (received == 0) {
    // A zero-length datagram or record with ancillary data (SOCK_DGRAM, SOCK_SEQPACKET): not
    // the end of the stream, but not GIO's format either (one byte carries the message).
    CloseAll(result);
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                        "Expecting to read a single byte with the file descriptors but read zero bytes");
    return Progress::kFailed;
  }
  // The usual message is exactly one SCM_RIGHTS control message; only otherwise does GIO need
  // asking what it would have made of the rest.
  bool first_is_fds = true;
  int messages = control_messages == 1 && rights_messages == 1 ? 1 : CountGioMessages(&message, &first_is_fds);
  if (messages != 1) {
    CloseAll(result);
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "Expecting 1 control message, got %d", messages);
    return Progress::kFailed;
  }
  if (!first_is_fds) {
    CloseAll(result);
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED, "Unexpected type of ancillary data");
    return Progress::kFailed;
  }
  int count = static_cast<int>(result->fds.size());
  if (kind == Ancillary::kOneFd && count != 1) {
    CloseAll(result);
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "Expecting one fd, but got %d", count);
    return Progress::kFailed;
  }
  if (count == 0) {
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED, "Expecting file descriptors, but got none");
    return Progress::kFailed;
  }
  return Progress::kDone;
}

Progress SendFd(GSocket* socket, int fd, bool may_block, GError** error) {
  char nul = '\0';
  iovec vector = {&nul, 1};
  union {
    unsigned char buffer[CMSG_SPACE(sizeof(int))];
    cmsghdr align;
  } control;
  std::memset(&control, 0, sizeof control);
  msghdr message;
  std::memset(&message, 0, sizeof message);
  message.msg_iov = &vector;
  message.msg_iovlen = 1;
  message.msg_control = control.buffer;
  message.msg_controllen = sizeof control.buffer;
  cmsghdr* rights = CMSG_FIRSTHDR(&message);
  rights->cmsg_level = SOL_SOCKET;
  rights->cmsg_type = SCM_RIGHTS;
  rights->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(rights), &fd, sizeof fd);
  for (;;) {
    // MSG_NOSIGNAL: G_SOCKET_DEFAULT_SEND_FLAGS (a gone peer is EPIPE, never SIGPIPE).
    if (sendmsg(g_socket_get_fd(socket), &message, MSG_NOSIGNAL) >= 0) return Progress::kDone;
    int errsv = errno;
    if (errsv == EINTR) continue;
    if (errsv == EAGAIN || errsv == EWOULDBLOCK) {
      if (!may_block) return Progress::kWouldBlock;
      if (!WaitLikeGio(socket, G_IO_OUT, error)) return Progress::kFailed;
      continue;
    }
    // GIO dups the fd before sending, so a bad fd fails there, with its message.
    if (errsv == EBADF && fcntl(fd, F_GETFD) < 0) {
      errsv = errno;
      g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errsv), "dup: %s", g_strerror(errsv));
      return Progress::kFailed;
    }
    SetSocketError(error, errsv, "Error sending message: %s");
    return Progress::kFailed;
  }
}

}  // namespace curlio::gio
