// Ancillary data: GUnixFDMessage (SCM_RIGHTS) and GUnixCredentialsMessage (SCM_CREDENTIALS)
// to and from JavaScript, and GIO's wire format for passing credentials (receiveFd, sendFd and
// receiveFds: gio/fd-passing.h).
//
// Ownership of file descriptors: an fd that arrives is held by a GUnixFDList (which closes
// it when freed) until JavaScript has been handed its number; only then is it stolen from
// the list. So any fd the library received but could not hand over is closed.
#pragma once

#include <gio/gio.h>
#include <napi.h>

#include <vector>

namespace curlio::gio {

// SCM_MAX_FD in the Linux kernel: the most fds one message can carry.
constexpr int kMaxFdsPerMessage = 253;

// Control messages to send; holds one reference to each.
class OutgoingControl {
 public:
  OutgoingControl() = default;
  OutgoingControl(const OutgoingControl&) = delete;
  OutgoingControl& operator=(const OutgoingControl&) = delete;
  ~OutgoingControl();

  // From [{ type: 'fds', fds: number[] } | { type: 'credentials', credentials?: {pid,uid,gid} }].
  // The fds are dup'ed now (g_unix_fd_message_append_fd), so the caller may close its own at
  // once. False with an exception thrown on a bad value.
  bool FromJs(Napi::Env env, Napi::Value value, const char* what);
  bool AddFds(Napi::Env env, const std::vector<int>& fds);

  GSocketControlMessage** data() { return messages_.empty() ? nullptr : messages_.data(); }
  int size() const { return static_cast<int>(messages_.size()); }

 private:
  std::vector<GSocketControlMessage*> messages_;
};

// Control messages that arrived; fds still owned by their GUnixFDList until Release().
class IncomingControl {
 public:
  IncomingControl() = default;
  IncomingControl(const IncomingControl&) = delete;
  IncomingControl& operator=(const IncomingControl&) = delete;
  ~IncomingControl() { Clear(); }

  GSocketControlMessage*** out_messages() { return &messages_; }
  gint* out_count() { return &count_; }
  int count() const { return count_; }
  GSocketControlMessage* at(int i) const { return messages_[i]; }

  // [{ type: 'fds', fds } | { type: 'credentials', credentials } | { type: 'unknown', level,
  // msgType, data }]; fds stay owned here until Release().
  Napi::Value ToJs(Napi::Env env) const;
  // JavaScript has the fds now: stop owning them.
  void Release();
  // Unrefs the messages, closing the fds they still own.
  void Clear();
  int FdCount() const;

 private:
  GSocketControlMessage** messages_ = nullptr;
  gint count_ = 0;
};

// Fails (closing whatever fds did arrive) when the kernel truncated the ancillary data.
bool CheckControlTruncation(int flags, IncomingControl* control, GError** error);
void SetTruncationError(GError** error, int fds_closed);

Napi::Value CredentialsToJs(Napi::Env env, GCredentials* credentials);

// What a receiveFd / receiveFds / receiveCredentials call got, closed unless released.
struct AncillaryResult {
  std::vector<int> fds;
  GCredentials* credentials = nullptr;

  AncillaryResult() = default;
  AncillaryResult(const AncillaryResult&) = delete;
  AncillaryResult& operator=(const AncillaryResult&) = delete;
  ~AncillaryResult();
  void Release();
};

enum class Ancillary { kOneFd, kFds, kCredentials };

// One receive of credentials in GIO's wire format (one data byte, one control message),
// honouring the socket's blocking flag, as g_unix_connection_receive_credentials does, plus what
// it leaves out: MSG_CTRUNC is an error, and so is end-of-stream. (fds: gio/fd-passing.h.)
bool ReceiveCredentials(GSocket* socket, AncillaryResult* result, GError** error);

}  // namespace curlio::gio
