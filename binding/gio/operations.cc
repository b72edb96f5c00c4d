#include "gio/operations.h"

#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "gio/address.h"
#include "gio/args.h"
#include "gio/error.h"
#include "gio/fd-passing.h"

namespace curlio::gio {

bool TakeWouldBlock(GError** error) {
  if (!g_error_matches(*error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) return false;
  g_clear_error(error);
  return true;
}

// ---- argument shapes ----

bool BufferList::FromJs(Napi::Env env, Napi::Value value, const char* what) {
  auto add = [&](Napi::Value item) {
    if (!item.IsBuffer()) {
      ThrowTypeError(env, std::string("Expected a Buffer or an array of Buffers for ") + what);
      return false;
    }
    auto buffer = item.As<Napi::Buffer<char>>();
    pieces_.push_back({BufferData(buffer), buffer.Length()});
    references_.push_back(Napi::Persistent(buffer.As<Napi::Object>()));
    total_ += buffer.Length();
    return true;
  };
  if (!value.IsArray()) return add(value);
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); i++) {
    if (!add(array.Get(i))) return false;
  }
  return true;
}

std::vector<GInputVector> BufferList::InputVectors() const {
  std::vector<GInputVector> out;
  for (const Piece& piece : pieces_) out.push_back({piece.data, piece.length});
  return out;
}

std::vector<GOutputVector> BufferList::OutputVectors(size_t skip) const {
  std::vector<GOutputVector> out;
  for (const Piece& piece : pieces_) {
    if (skip >= piece.length) {
      skip -= piece.length;
      continue;
    }
    out.push_back({piece.data + skip, piece.length - skip});
    skip = 0;
  }
  return out;
}

bool MessageSender::FromJs(Napi::Env env, Napi::Value address, Napi::Value buffers, Napi::Value control,
                           Napi::Value flags) {
  if (!address.IsNull() && !address.IsUndefined()) {
    address_ = AddressFromJs(env, address, "address");
    if (address_ == nullptr) return false;
  }
  if (!buffers_.FromJs(env, buffers, "vectors")) return false;
  if (!control_.FromJs(env, control, "controlMessages")) return false;
  return ReadOptionalInt32(env, flags, "flags", 0, &flags_);
}

Progress MessageSender::Step(GSocket* socket, bool blocking, GError** error) {
  std::vector<GOutputVector> vectors = buffers_.OutputVectors(sent_);
  GSocketControlMessage** messages = control_sent_ ? nullptr : control_.data();
  int message_count = control_sent_ ? 0 : control_.size();
  gsize written = 0;
  if (blocking) {
    gssize result = g_socket_send_message(socket, address_, vectors.data(), static_cast<gint>(vectors.size()), messages,
                                          message_count, flags_, nullptr, error);
    if (result < 0) return Progress::kFailed;
    written = static_cast<gsize>(result);
  } else {
    GPollableReturn result =
        g_socket_send_message_with_timeout(socket, address_, vectors.data(), static_cast<gint>(vectors.size()),
                                           messages, message_count, flags_, 0, &written, nullptr, error);
    if (result == G_POLLABLE_RETURN_WOULD_BLOCK) return Progress::kWouldBlock;
    if (result == G_POLLABLE_RETURN_FAILED) {
      return TakeWouldBlock(error) ? Progress::kWouldBlock : Progress::kFailed;
    }
  }
  control_sent_ = true;
  sent_ += written;
  // Only a message with ancillary data is finished here; plain bytes report what was taken,
  // as g_socket_send_message() does.
  if (control_.size() > 0 && sent_ < buffers_.total() && g_socket_get_socket_type(socket) == G_SOCKET_TYPE_STREAM) {
    return Progress::kWouldBlock;
  }
  return Progress::kDone;
}

Progress ReceiveAncillaryOnce(GSocket* socket, Ancillary kind, bool may_block, AncillaryResult* result,
                              GError** error) {
  if (kind != Ancillary::kCredentials) return ReceiveFds(socket, kind, may_block, result, error);
  std::optional<NonBlockingScope> scope;
  if (!may_block) scope.emplace(socket);
  if (ReceiveCredentials(socket, result, error)) return Progress::kDone;
  return !may_block && TakeWouldBlock(error) ? Progress::kWouldBlock : Progress::kFailed;
}

Napi::Value ReceivedMessageToJs(Napi::Env env, gssize bytes, GSocketAddress* address, IncomingControl* control,
                                int flags) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("bytes", Napi::Number::New(env, static_cast<double>(bytes)));
  out.Set("address", AddressToJs(env, address));
  out.Set("controlMessages", control->ToJs(env));
  out.Set("flags", Napi::Number::New(env, flags));
  return out;
}

Napi::Value AncillaryResultToJs(Napi::Env env, Ancillary kind, const AncillaryResult& result) {
  switch (kind) {
    case Ancillary::kOneFd: return Napi::Number::New(env, result.fds[0]);
    case Ancillary::kCredentials: return CredentialsToJs(env, result.credentials);
    case Ancillary::kFds: break;
  }
  Napi::Array fds = Napi::Array::New(env, result.fds.size());
  for (size_t i = 0; i < result.fds.size(); i++)
    fds.Set(static_cast<uint32_t>(i), Napi::Number::New(env, result.fds[i]));
  return fds;
}

bool InputMessages::FromJs(Napi::Env env, Napi::Value value) {
  if (!value.IsArray()) {
    ThrowTypeError(env, "Expected an array of message buffers for messages");
    return false;
  }
  Napi::Array array = value.As<Napi::Array>();
  uint32_t count = array.Length();
  buffers.resize(count);
  vectors.resize(count);
  addresses.assign(count, nullptr);
  messages.resize(count);
  for (uint32_t i = 0; i < count; i++) {
    if (!buffers[i].FromJs(env, array.Get(i), "messages")) return false;
    vectors[i] = buffers[i].InputVectors();
    controls.push_back(std::make_unique<IncomingControl>());
  }
  for (uint32_t i = 0; i < count; i++) {
    GInputMessage& message = messages[i];
    message.address = &addresses[i];
    message.vectors = vectors[i].data();
    message.num_vectors = static_cast<guint>(vectors[i].size());
    message.bytes_received = 0;
    message.flags = 0;
    message.control_messages = controls[i]->out_messages();
    message.num_control_messages = reinterpret_cast<guint*>(controls[i]->out_count());
  }
  return true;
}

InputMessages::~InputMessages() {
  for (GSocketAddress* address : addresses) g_clear_object(&address);
}

bool InputMessages::CheckTruncation(int received, GError** error) {
  int arrived = 0;
  bool truncated = false;
  for (int i = 0; i < received; i++) {
    arrived += controls[i]->FdCount();
    truncated = truncated || (messages[i].flags & MSG_CTRUNC) != 0;
  }
  if (!truncated) return true;
  for (auto& control : controls) control->Clear();  // every fd of the batch: none is handed over
  SetTruncationError(error, arrived);
  return false;
}

Napi::Value InputMessages::ToJs(Napi::Env env, int received) {
  Napi::Array out = Napi::Array::New(env, received);
  for (int i = 0; i < received; i++) {
    out.Set(i, ReceivedMessageToJs(env, static_cast<gssize>(messages[i].bytes_received), addresses[i],
                                   controls[i].get(), messages[i].flags));
  }
  return out;
}

void InputMessages::Release(int received) {
  for (int i = 0; i < received; i++) controls[i]->Release();
}

bool OutputMessages::FromJs(Napi::Env env, Napi::Value value) {
  if (!value.IsArray()) {
    ThrowTypeError(env, "Expected an array of OutputMessage for messages");
    return false;
  }
  Napi::Array array = value.As<Napi::Array>();
  uint32_t count = array.Length();
  buffers.resize(count);
  vectors.resize(count);
  addresses.assign(count, nullptr);
  messages.resize(count);
  for (uint32_t i = 0; i < count; i++) {
    Napi::Value item = array.Get(i);
    if (!item.IsObject()) {
      ThrowTypeError(env, "Expected an array of OutputMessage for messages");
      return false;
    }
    Napi::Value address = item.As<Napi::Object>().Get("address");
    if (!address.IsNull() && !address.IsUndefined()) {
      addresses[i] = AddressFromJs(env, address, "messages[].address");
      if (addresses[i] == nullptr) return false;
    }
    if (!buffers[i].FromJs(env, item.As<Napi::Object>().Get("vectors"), "messages[].vectors")) return false;
    vectors[i] = buffers[i].OutputVectors();
    GOutputMessage& message = messages[i];
    message.address = addresses[i];
    message.vectors = vectors[i].data();
    message.num_vectors = static_cast<guint>(vectors[i].size());
    message.bytes_sent = 0;
    message.control_messages = nullptr;
    message.num_control_messages = 0;
  }
  return true;
}

OutputMessages::~OutputMessages() {
  for (GSocketAddress* address : addresses) g_clear_object(&address);
}

// ---- operations ----

namespace {

class AcceptOperation : public Operation {
 public:
  AcceptOperation() : Operation(G_IO_IN, true) {}
  ~AcceptOperation() override { g_clear_object(&accepted_); }
  Progress Attempt(GSocket* socket) override {
    NonBlockingScope scope(socket);
    accepted_ = g_socket_accept(socket, nullptr, &error);
    if (accepted_ != nullptr) return Progress::kDone;
    return TakeWouldBlock(&error) ? Progress::kWouldBlock : Progress::kFailed;
  }
  Napi::Value Result(Napi::Env env) override {
    GSocket* accepted = accepted_;
    accepted_ = nullptr;  // the wrapper owns it from here, and closes it when collected
    return GioSocket::Wrap(env, accepted);
  }

 private:
  GSocket* accepted_ = nullptr;
};

class ConnectOperation : public Operation {
 public:
  explicit ConnectOperation(GSocketAddress* address) : Operation(G_IO_OUT, false), address_(address) {}
  ~ConnectOperation() override { g_clear_object(&address_); }
  Progress Attempt(GSocket* socket) override {
    if (!in_progress_) {
      NonBlockingScope scope(socket);
      if (g_socket_connect(socket, address_, nullptr, &error)) return Progress::kDone;
      if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_PENDING)) {
        g_clear_error(&error);
        in_progress_ = true;  // EINPROGRESS: writable means finished, one way or the other
        return Progress::kWouldBlock;
      }
      // EAGAIN from a UNIX listener whose backlog is full: GIO and Node both report it rather
      // than retry (an unconnected socket polls writable, so waiting would spin).
      if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
        g_prefix_error(&error, "Error connecting (the listener's backlog is full): ");
      }
      return Progress::kFailed;
    }
    if (g_socket_condition_check(socket, static_cast<GIOCondition>(G_IO_OUT | G_IO_ERR | G_IO_HUP)) == 0) {
      return Progress::kWouldBlock;
    }
    return g_socket_check_connect_result(socket, &error) ? Progress::kDone : Progress::kFailed;
  }

 private:
  GSocketAddress* address_;
  bool in_progress_ = false;
};

class ReceiveOperation : public Operation {
 public:
  ReceiveOperation(Napi::Buffer<char> buffer, bool want_address)
      : Operation(G_IO_IN, true),
        buffer_(Napi::Persistent(buffer.As<Napi::Object>())),
        data_(BufferData(buffer)),
        length_(buffer.Length()),
        want_address_(want_address) {}
  ~ReceiveOperation() override { g_clear_object(&address_); }
  Progress Attempt(GSocket* socket) override {
    if (want_address_) {
      NonBlockingScope scope(socket);
      received_ = g_socket_receive_from(socket, &address_, data_, length_, nullptr, &error);
    } else {
      received_ = g_socket_receive_with_blocking(socket, data_, length_, FALSE, nullptr, &error);
    }
    if (received_ >= 0) return Progress::kDone;
    return TakeWouldBlock(&error) ? Progress::kWouldBlock : Progress::kFailed;
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Object out = Napi::Object::New(env);
    out.Set("bytes", Napi::Number::New(env, static_cast<double>(received_)));
    out.Set("address", AddressToJs(env, address_));
    return out;
  }

 private:
  Napi::ObjectReference buffer_;
  char* data_;
  size_t length_;
  bool want_address_;
  gssize received_ = 0;
  GSocketAddress* address_ = nullptr;
};

class ReceiveMessageOperation : public Operation {
 public:
  ReceiveMessageOperation(BufferList buffers, int flags)
      : Operation(G_IO_IN, true), buffers_(std::move(buffers)), flags_(flags) {}
  ~ReceiveMessageOperation() override { g_clear_object(&address_); }
  Progress Attempt(GSocket* socket) override {
    std::vector<GInputVector> vectors = buffers_.InputVectors();
    result_flags_ = flags_;
    NonBlockingScope scope(socket);
    received_ =
        g_socket_receive_message(socket, &address_, vectors.data(), static_cast<gint>(vectors.size()),
                                 control_.out_messages(), control_.out_count(), &result_flags_, nullptr, &error);
    if (received_ < 0) return TakeWouldBlock(&error) ? Progress::kWouldBlock : Progress::kFailed;
    return CheckControlTruncation(result_flags_, &control_, &error) ? Progress::kDone : Progress::kFailed;
  }
  Napi::Value Result(Napi::Env env) override {
    return ReceivedMessageToJs(env, received_, address_, &control_, result_flags_);
  }
  void Release() override { control_.Release(); }

 private:
  BufferList buffers_;
  int flags_;
  int result_flags_ = 0;
  gssize received_ = 0;
  GSocketAddress* address_ = nullptr;
  IncomingControl control_;
};

class ReceiveMessagesOperation : public Operation {
 public:
  ReceiveMessagesOperation(std::unique_ptr<InputMessages> messages, int flags)
      : Operation(G_IO_IN, true), messages_(std::move(messages)), flags_(flags) {}
  Progress Attempt(GSocket* socket) override {
    NonBlockingScope scope(socket);
    received_ = g_socket_receive_messages(socket, messages_->messages.data(),
                                          static_cast<guint>(messages_->messages.size()), flags_, nullptr, &error);
    if (received_ < 0) return TakeWouldBlock(&error) ? Progress::kWouldBlock : Progress::kFailed;
    return messages_->CheckTruncation(received_, &error) ? Progress::kDone : Progress::kFailed;
  }
  Napi::Value Result(Napi::Env env) override { return messages_->ToJs(env, received_); }
  void Release() override { messages_->Release(received_); }

 private:
  std::unique_ptr<InputMessages> messages_;
  int flags_;
  int received_ = 0;
};

class SendOperation : public Operation {
 public:
  SendOperation(Napi::Buffer<char> buffer, GSocketAddress* address)
      : Operation(G_IO_OUT, true),
        buffer_(Napi::Persistent(buffer.As<Napi::Object>())),
        data_(BufferData(buffer)),
        length_(buffer.Length()),
        address_(address) {}
  ~SendOperation() override { g_clear_object(&address_); }
  Progress Attempt(GSocket* socket) override {
    if (address_ != nullptr) {
      NonBlockingScope scope(socket);
      sent_ = g_socket_send_to(socket, address_, data_, length_, nullptr, &error);
    } else {
      sent_ = g_socket_send_with_blocking(socket, data_, length_, FALSE, nullptr, &error);
    }
    if (sent_ >= 0) return Progress::kDone;
    return TakeWouldBlock(&error) ? Progress::kWouldBlock : Progress::kFailed;
  }
  Napi::Value Result(Napi::Env env) override { return Napi::Number::New(env, static_cast<double>(sent_)); }

 private:
  Napi::ObjectReference buffer_;
  const char* data_;
  size_t length_;
  GSocketAddress* address_;
  gssize sent_ = 0;
};

class SendMessageOperation : public Operation {
 public:
  explicit SendMessageOperation(std::unique_ptr<MessageSender> sender)
      : Operation(G_IO_OUT, true), sender_(std::move(sender)) {}
  Progress Attempt(GSocket* socket) override { return sender_->Step(socket, false, &error); }
  Napi::Value Result(Napi::Env env) override { return Napi::Number::New(env, static_cast<double>(sender_->sent())); }

 private:
  std::unique_ptr<MessageSender> sender_;
};

class SendMessagesOperation : public Operation {
 public:
  explicit SendMessagesOperation(std::unique_ptr<OutputMessages> messages, int flags)
      : Operation(G_IO_OUT, true), messages_(std::move(messages)), flags_(flags) {}
  Progress Attempt(GSocket* socket) override {
    if (messages_->messages.empty()) return Progress::kDone;
    NonBlockingScope scope(socket);
    sent_ = g_socket_send_messages(socket, messages_->messages.data(), static_cast<guint>(messages_->messages.size()),
                                   flags_, nullptr, &error);
    if (sent_ >= 0) return Progress::kDone;
    return TakeWouldBlock(&error) ? Progress::kWouldBlock : Progress::kFailed;
  }
  Napi::Value Result(Napi::Env env) override { return Napi::Number::New(env, sent_); }

 private:
  std::unique_ptr<OutputMessages> messages_;
  int flags_;
  int sent_ = 0;
};

class ConditionWaitOperation : public Operation {
 public:
  explicit ConditionWaitOperation(GIOCondition condition) : Operation(condition, false) {}
  Progress Attempt(GSocket* socket) override {
    met_ = g_socket_condition_check(socket, condition);
    return met_ != 0 ? Progress::kDone : Progress::kWouldBlock;
  }
  Napi::Value Result(Napi::Env env) override { return Napi::Number::New(env, met_); }

 private:
  GIOCondition met_ = static_cast<GIOCondition>(0);
};

class ReceiveAncillaryOperation : public Operation {
 public:
  explicit ReceiveAncillaryOperation(Ancillary kind) : Operation(G_IO_IN, true), kind_(kind) {}
  Progress Attempt(GSocket* socket) override { return ReceiveAncillaryOnce(socket, kind_, false, &result_, &error); }
  Napi::Value Result(Napi::Env env) override { return AncillaryResultToJs(env, kind_, result_); }
  void Release() override { result_.Release(); }
  bool ReceivesCredentials() const override { return kind_ == Ancillary::kCredentials; }

 private:
  Ancillary kind_;
  AncillaryResult result_;
};

// sendFd: g_unix_connection_send_fd's message, without a GUnixFDMessage (gio/fd-passing.h).
class SendFdOperation : public Operation {
 public:
  explicit SendFdOperation(int fd) : Operation(G_IO_OUT, true), fd_(fd) {}
  ~SendFdOperation() override {
    if (owns_fd_) close(fd_);
  }
  Progress Attempt(GSocket* socket) override { return SendFd(socket, fd_, false, &error); }
  // A send that finishes at once only reads the caller's fd; one that waits needs its own copy.
  bool PrepareToWait() override {
    int copy = DupCloseOnExec(fd_, &error);
    if (copy < 0) return false;
    fd_ = copy;
    owns_fd_ = true;
    return true;
  }

 private:
  int fd_;
  bool owns_fd_ = false;
};

}  // namespace

std::unique_ptr<Operation> NewAcceptOperation(Napi::Env env) {
  return std::make_unique<AcceptOperation>();
}

std::unique_ptr<Operation> NewConnectOperation(GSocketAddress* address) {
  return std::make_unique<ConnectOperation>(address);
}

static bool IsBuffer(Napi::Env env, Napi::Value value, const char* what) {
  if (value.IsBuffer()) return true;
  ThrowTypeError(env, std::string("Expected a Buffer for ") + what);
  return false;
}

std::unique_ptr<Operation> NewReceiveOperation(Napi::Env env, Napi::Value buffer, bool want_address) {
  if (!IsBuffer(env, buffer, "buffer")) return nullptr;
  return std::make_unique<ReceiveOperation>(buffer.As<Napi::Buffer<char>>(), want_address);
}

std::unique_ptr<Operation> NewReceiveMessageOperation(Napi::Env env, Napi::Value buffers, int flags) {
  BufferList list;
  if (!list.FromJs(env, buffers, "vectors")) return nullptr;
  return std::make_unique<ReceiveMessageOperation>(std::move(list), flags);
}

std::unique_ptr<Operation> NewReceiveMessagesOperation(Napi::Env env, Napi::Value messages, int flags) {
  auto input = std::make_unique<InputMessages>();
  if (!input->FromJs(env, messages)) return nullptr;
  return std::make_unique<ReceiveMessagesOperation>(std::move(input), flags);
}

std::unique_ptr<Operation> NewSendOperation(Napi::Env env, Napi::Value buffer, GSocketAddress* address) {
  if (!IsBuffer(env, buffer, "buffer")) {
    g_clear_object(&address);
    return nullptr;
  }
  return std::make_unique<SendOperation>(buffer.As<Napi::Buffer<char>>(), address);
}

std::unique_ptr<Operation> NewSendMessageOperation(std::unique_ptr<MessageSender> sender) {
  return std::make_unique<SendMessageOperation>(std::move(sender));
}

std::unique_ptr<Operation> NewSendMessagesOperation(Napi::Env env, Napi::Value messages, int flags) {
  auto output = std::make_unique<OutputMessages>();
  if (!output->FromJs(env, messages)) return nullptr;
  return std::make_unique<SendMessagesOperation>(std::move(output), flags);
}

std::unique_ptr<Operation> NewConditionWaitOperation(GIOCondition condition) {
  return std::make_unique<ConditionWaitOperation>(condition);
}

std::unique_ptr<Operation> NewReceiveAncillaryOperation(Napi::Env env, Ancillary kind) {
  return std::make_unique<ReceiveAncillaryOperation>(kind);
}

std::unique_ptr<Operation> NewSendFdOperation(int fd) {
  return std::make_unique<SendFdOperation>(fd);
}

}  // namespace curlio::gio
