// The asynchronous operations of a GioSocket, and the argument shapes they share with the
// synchronous calls. Each Attempt() is one non-blocking GIO call.
#pragma once

#include <gio/gio.h>
#include <napi.h>

#include <memory>
#include <vector>

#include "gio/messages.h"
#include "gio/socket.h"

namespace curlio::gio {

// Buffers lent by JavaScript for the length of an operation (kept alive by a reference).
class BufferList {
 public:
  // From a Buffer or an array of Buffers; false with a TypeError thrown otherwise.
  bool FromJs(Napi::Env env, Napi::Value value, const char* what);
  std::vector<GInputVector> InputVectors() const;
  std::vector<GOutputVector> OutputVectors(size_t skip = 0) const;
  size_t total() const { return total_; }

 private:
  struct Piece {
    char* data;
    size_t length;
  };
  std::vector<Piece> pieces_;
  std::vector<Napi::ObjectReference> references_;
  size_t total_ = 0;
};

// One g_socket_send_message(), continued when the kernel takes only part of the bytes and
// the message carries fds or credentials: those go with the first part, once, and the rest of
// the bytes follows without ancillary data (resending would duplicate the fds at the peer).
class MessageSender {
 public:
  ~MessageSender() { g_clear_object(&address_); }
  bool FromJs(Napi::Env env, Napi::Value address, Napi::Value buffers, Napi::Value control, Napi::Value flags);
  bool AddFds(Napi::Env env, const std::vector<int>& fds) { return control_.AddFds(env, fds); }
  // One send; `blocking` honours the socket's flag (the ...Sync calls), otherwise it never
  // waits. kDone once everything that must go has gone.
  Progress Step(GSocket* socket, bool blocking, GError** error);
  size_t sent() const { return sent_; }

 private:
  GSocketAddress* address_ = nullptr;
  BufferList buffers_;
  OutgoingControl control_;
  int flags_ = 0;
  size_t sent_ = 0;
  bool control_sent_ = false;
};

std::unique_ptr<Operation> NewAcceptOperation(Napi::Env env);
std::unique_ptr<Operation> NewConnectOperation(GSocketAddress* address);  // takes the reference
std::unique_ptr<Operation> NewReceiveOperation(Napi::Env env, Napi::Value buffer, bool want_address);
std::unique_ptr<Operation> NewReceiveMessageOperation(Napi::Env env, Napi::Value buffers, int flags);
std::unique_ptr<Operation> NewReceiveMessagesOperation(Napi::Env env, Napi::Value messages, int flags);
std::unique_ptr<Operation> NewSendOperation(Napi::Env env, Napi::Value buffer, GSocketAddress* address);
std::unique_ptr<Operation> NewSendMessageOperation(std::unique_ptr<MessageSender> sender);
std::unique_ptr<Operation> NewSendMessagesOperation(Napi::Env env, Napi::Value messages, int flags);
std::unique_ptr<Operation> NewConditionWaitOperation(GIOCondition condition);
std::unique_ptr<Operation> NewReceiveAncillaryOperation(Napi::Env env, Ancillary kind);
std::unique_ptr<Operation> NewSendFdOperation(int fd);

// One receiveFd / receiveFds / receiveCredentials; `may_block` waits as a blocking GSocket does
// (the ...Sync calls pass the socket's flag), otherwise kWouldBlock with no error set.
Progress ReceiveAncillaryOnce(GSocket* socket, Ancillary kind, bool may_block, AncillaryResult* result, GError** error);

// Shared by the synchronous and asynchronous forms.
Napi::Value ReceivedMessageToJs(Napi::Env env, gssize bytes, GSocketAddress* address, IncomingControl* control,
                                int flags);
Napi::Value AncillaryResultToJs(Napi::Env env, Ancillary kind, const AncillaryResult& result);

// GInputMessage / GOutputMessage arrays built from JavaScript, with what they point at.
struct InputMessages {
  bool FromJs(Napi::Env env, Napi::Value value);
  std::vector<GInputMessage> messages;
  std::vector<BufferList> buffers;
  std::vector<std::vector<GInputVector>> vectors;
  std::vector<GSocketAddress*> addresses;
  std::vector<std::unique_ptr<IncomingControl>> controls;
  ~InputMessages();
  // Checks MSG_CTRUNC on every message received.
  bool CheckTruncation(int received, GError** error);
  Napi::Value ToJs(Napi::Env env, int received);
  void Release(int received);
};

struct OutputMessages {
  bool FromJs(Napi::Env env, Napi::Value value);
  std::vector<GOutputMessage> messages;
  std::vector<BufferList> buffers;
  std::vector<std::vector<GOutputVector>> vectors;
  std::vector<GSocketAddress*> addresses;
  ~OutputMessages();
};

}  // namespace curlio::gio
