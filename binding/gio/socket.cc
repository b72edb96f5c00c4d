#include "gio/socket.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "gio/address.h"
#include "gio/args.h"
#include "gio/error.h"
#include "gio/fd-passing.h"
#include "gio/messages.h"
#include "gio/operations.h"

namespace curlio::gio {

static constexpr const char* kClassName = "GioSocket";
// Linux 6.5's SO_PASSPIDFD (asm-generic/socket.h), not in every libc's headers yet.
static constexpr int kSoPassPidfd = 76;

void GioSocket::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function constructor =
      DefineClass(env, kClassName,
                  {
                      StaticMethod<&GioSocket::FromFd>("fromFd"),
                      StaticMethod<&GioSocket::SocketPair>("socketPair"),
                      InstanceMethod<&GioSocket::Bind>("bind"),
                      InstanceMethod<&GioSocket::Listen>("listen"),
                      InstanceMethod<&GioSocket::GetLocalAddress>("getLocalAddress"),
                      InstanceMethod<&GioSocket::GetRemoteAddress>("getRemoteAddress"),
                      InstanceMethod<&GioSocket::AcceptSync>("acceptSync"),
                      InstanceMethod<&GioSocket::ConnectSync>("connectSync"),
                      InstanceMethod<&GioSocket::CheckConnectResult>("checkConnectResult"),
                      InstanceMethod<&GioSocket::ReceiveSync>("receiveSync"),
                      InstanceMethod<&GioSocket::ReceiveMessageSync>("receiveMessageSync"),
                      InstanceMethod<&GioSocket::ReceiveMessagesSync>("receiveMessagesSync"),
                      InstanceMethod<&GioSocket::SendSync>("sendSync"),
                      InstanceMethod<&GioSocket::SendMessageSync>("sendMessageSync"),
                      InstanceMethod<&GioSocket::SendMessagesSync>("sendMessagesSync"),
                      InstanceMethod<&GioSocket::ConditionCheck>("conditionCheck"),
                      InstanceMethod<&GioSocket::ConditionWaitSync>("conditionWaitSync"),
                      InstanceMethod<&GioSocket::ConditionTimedWaitSync>("conditionTimedWaitSync"),
                      InstanceMethod<&GioSocket::SendFdSync>("sendFdSync"),
                      InstanceMethod<&GioSocket::SendFdsSync>("sendFdsSync"),
                      InstanceMethod<&GioSocket::ReceiveAncillarySync>("receiveAncillarySync"),
                      InstanceMethod<&GioSocket::SendCredentialsSync>("sendCredentialsSync"),
                      InstanceMethod<&GioSocket::Accept>("accept"),
                      InstanceMethod<&GioSocket::Connect>("connect"),
                      InstanceMethod<&GioSocket::Receive>("receive"),
                      InstanceMethod<&GioSocket::ReceiveMessage>("receiveMessage"),
                      InstanceMethod<&GioSocket::ReceiveMessages>("receiveMessages"),
                      InstanceMethod<&GioSocket::Send>("send"),
                      InstanceMethod<&GioSocket::SendMessage>("sendMessage"),
                      InstanceMethod<&GioSocket::SendMessages>("sendMessages"),
                      InstanceMethod<&GioSocket::SendFd>("sendFd"),
                      InstanceMethod<&GioSocket::ConditionWait>("conditionWait"),
                      InstanceMethod<&GioSocket::ReceiveAncillary>("receiveAncillary"),
                      InstanceMethod<&GioSocket::Cancel>("cancel"),
                      InstanceMethod<&GioSocket::ReceiveAncillaryNow>("receiveAncillaryNow"),
                      InstanceMethod<&GioSocket::SendFdNow>("sendFdNow"),
                      InstanceMethod<&GioSocket::GetAvailableBytes>("getAvailableBytes"),
                      InstanceMethod<&GioSocket::GetCredentials>("getCredentials"),
                      InstanceMethod<&GioSocket::GetOption>("getOption"),
                      InstanceMethod<&GioSocket::SetOption>("setOption"),
                      InstanceMethod<&GioSocket::GetProperty>("getProperty"),
                      InstanceMethod<&GioSocket::SetProperty>("setProperty"),
                      InstanceMethod<&GioSocket::IsClosed>("isClosed"),
                      InstanceMethod<&GioSocket::IsConnected>("isConnected"),
                      InstanceMethod<&GioSocket::Shutdown>("shutdown"),
                      InstanceMethod<&GioSocket::Close>("close"),
                      InstanceMethod<&GioSocket::SpeaksIpv4>("speaksIpv4"),
                      InstanceMethod<&GioSocket::MulticastGroup>("multicastGroup"),
                      InstanceMethod<&GioSocket::CreateConnection>("createConnection"),
                      InstanceMethod<&GioSocket::SetRef>("setRef"),
                  });
  GetAddonData(env)->constructors[kClassName] = Napi::Persistent(constructor);
  exports.Set(kClassName, constructor);
}

Napi::Object GioSocket::Wrap(Napi::Env env, GSocket* socket) {
  AddonData* data = GetAddonData(env);
  data->adopt_next = socket;
  Napi::Object wrapped = data->New(kClassName);
  if (data->adopt_next != nullptr) {
    // The constructor never ran (JavaScript is stopping): nobody owns the socket.
    g_object_unref(socket);
    data->adopt_next = nullptr;
  }
  return wrapped;
}

// new GioSocket(family, type, protocol) → g_socket_new(); Wrap() makes one that adopts a
// socket made here (accept, socketpair, fromFd) through AddonData::adopt_next.
GioSocket::GioSocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<GioSocket>(info) {
  Napi::Env env = info.Env();
  data_ = GetAddonData(env);
  data_->Register(this);
  if (data_->adopt_next != nullptr) {
    socket_ = static_cast<GSocket*>(data_->adopt_next);
    data_->adopt_next = nullptr;
    return;
  }
  int32_t family, type, protocol;
  if (!ReadInt32(env, info[0], "family", &family) || !ReadInt32(env, info[1], "type", &type) ||
      !ReadInt32(env, info[2], "protocol", &protocol)) {
    return;
  }
  GError* error = nullptr;
  socket_ = g_socket_new(static_cast<GSocketFamily>(family), static_cast<GSocketType>(type),
                         static_cast<GSocketProtocol>(protocol), &error);
  if (socket_ == nullptr) ThrowGError(env, error);
}

GioSocket::~GioSocket() {
  if (resource_closed_) return;  // environment teardown did everything
  // Garbage collected: nothing was pending (a pending operation holds a reference), so the
  // poll, if any, is stopped. Dropping the last reference closes the fd (GSocket's finalize).
  pending_.clear();
  if (poll_ != nullptr) CloseUvHandle(data_, reinterpret_cast<uv_handle_t*>(poll_));
  g_clear_object(&connection_);
  g_clear_object(&socket_);
  data_->Unregister(this);
}

void GioSocket::CloseResource() {
  if (resource_closed_) return;
  resource_closed_ = true;
  pending_.clear();  // no JavaScript now: dropped, closing whatever they had received
  if (poll_ != nullptr) {
    CloseUvHandle(data_, reinterpret_cast<uv_handle_t*>(poll_));
    poll_ = nullptr;
  }
  if (socket_ != nullptr) g_socket_close(socket_, nullptr);
  g_clear_object(&connection_);
  g_clear_object(&socket_);
  if (js_ref_held_) {
    js_ref_held_ = false;
    Unref();
  }
  data_->Unregister(this);
}

bool GioSocket::CheckOpen(Napi::Env env) {
  if (socket_ != nullptr && !g_socket_is_closed(socket_)) return true;
  ThrowClosed(env);
  return false;
}

bool GioSocket::CheckInet(Napi::Env env, const char* what) {
  GSocketFamily family = g_socket_get_family(socket_);
  if (family == G_SOCKET_FAMILY_IPV4 || family == G_SOCKET_FAMILY_IPV6) return true;
  ThrowGError(env, g_error_new(G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s applies to IPv4 and IPv6 sockets only", what));
  return false;
}

// ---- construction and addresses ----

Napi::Value GioSocket::FromFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int source;
  if (!ReadFd(env, info[0], "fd", &source)) return env.Undefined();
  // GIO takes over the fd it is given (closes it, makes it non-blocking, close-on-exec): it
  // gets its own duplicate, and the caller keeps its fd. (O_NONBLOCK is a property of the
  // open file, so the caller's fd becomes non-blocking too; Node's own fds already are.)
  int fd = fcntl(source, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) {
    int saved = errno;
    ThrowGError(env,
                g_error_new(G_IO_ERROR, g_io_error_from_errno(saved), "Cannot duplicate fd: %s", g_strerror(saved)));
    return env.Undefined();
  }
  GError* error = nullptr;
  GSocket* socket = g_socket_new_from_fd(fd, &error);
  if (socket == nullptr) {
    close(fd);
    ThrowGError(env, error);
    return env.Undefined();
  }
  return Wrap(env, socket);
}

Napi::Value GioSocket::SocketPair(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  // GSocketType's values are GIO's own (SEQPACKET is 3), not the kernel's.
  int32_t gio_type;
  if (!ReadOptionalInt32(env, info[0], "type", G_SOCKET_TYPE_STREAM, &gio_type)) return env.Undefined();
  int type = SOCK_STREAM;
  switch (gio_type) {
    case G_SOCKET_TYPE_DATAGRAM: type = SOCK_DGRAM; break;
    case G_SOCKET_TYPE_SEQPACKET: type = SOCK_SEQPACKET; break;
    default: break;
  }
  int fds[2];
  if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds) != 0) {
    int saved = errno;
    ThrowGError(env, g_error_new(G_IO_ERROR, g_io_error_from_errno(saved), "socketpair: %s", g_strerror(saved)));
    return env.Undefined();
  }
  Napi::Array pair = Napi::Array::New(env, 2);
  for (int i = 0; i < 2; i++) {
    GError* error = nullptr;
    GSocket* socket = g_socket_new_from_fd(fds[i], &error);
    if (socket == nullptr) {
      for (int j = i; j < 2; j++) close(fds[j]);
      ThrowGError(env, error);
      return env.Undefined();
    }
    pair.Set(i, Wrap(env, socket));
  }
  return pair;
}

Napi::Value GioSocket::Bind(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  bool allow_reuse;
  if (!ReadBoolean(env, info[1], "allowReuse", &allow_reuse)) return env.Undefined();
  GSocketAddress* address = AddressFromJs(env, info[0], "address");
  if (address == nullptr) return env.Undefined();
  GError* error = nullptr;
  gboolean ok = g_socket_bind(socket_, address, allow_reuse, &error);
  g_object_unref(address);
  if (!ok) ThrowGError(env, error);
  return env.Undefined();
}

Napi::Value GioSocket::Listen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  GError* error = nullptr;
  if (!g_socket_listen(socket_, &error)) ThrowGError(env, error);
  return env.Undefined();
}

// A GObject getter's result as JavaScript: converted, unreffed, or its GError thrown.
template <typename T>
static Napi::Value OwnedResult(Napi::Env env, T* object, GError* error, Napi::Value (*convert)(Napi::Env, T*)) {
  if (object == nullptr) {
    ThrowGError(env, error);
    return env.Undefined();
  }
  Napi::Value out = convert(env, object);
  g_object_unref(object);
  return out;
}

Napi::Value GioSocket::GetLocalAddress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  GError* error = nullptr;
  GSocketAddress* address = g_socket_get_local_address(socket_, &error);
  return OwnedResult(env, address, error, AddressToJs);
}

Napi::Value GioSocket::GetRemoteAddress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  GError* error = nullptr;
  GSocketAddress* address = g_socket_get_remote_address(socket_, &error);
  return OwnedResult(env, address, error, AddressToJs);
}

// ---- synchronous calls ----

Napi::Value GioSocket::AcceptSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  GError* error = nullptr;
  GSocket* accepted = g_socket_accept(socket_, nullptr, &error);
  if (accepted == nullptr) {
    ThrowGError(env, error);
    return env.Undefined();
  }
  return Wrap(env, accepted);
}

Napi::Value GioSocket::ConnectSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  GSocketAddress* address = AddressFromJs(env, info[0], "address");
  if (address == nullptr) return env.Undefined();
  GError* error = nullptr;
  gboolean ok = g_socket_connect(socket_, address, nullptr, &error);
  g_object_unref(address);
  if (!ok) ThrowGError(env, error);
  return env.Undefined();
}

Napi::Value GioSocket::CheckConnectResult(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  GError* error = nullptr;
  if (!g_socket_check_connect_result(socket_, &error)) ThrowGError(env, error);
  return env.Undefined();
}

// receiveSync(buffer, wantAddress) → { bytes, address }
Napi::Value GioSocket::ReceiveSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  if (!info[0].IsBuffer()) {
    ThrowTypeError(env, "Expected a Buffer for buffer");
    return env.Undefined();
  }
  bool want_address;
  if (!ReadBoolean(env, info[1], "wantAddress", &want_address)) return env.Undefined();
  auto buffer = info[0].As<Napi::Buffer<char>>();
  GError* error = nullptr;
  GSocketAddress* address = nullptr;
  gssize received = want_address
                        ? g_socket_receive_from(socket_, &address, BufferData(buffer), buffer.Length(), nullptr, &error)
                        : g_socket_receive(socket_, BufferData(buffer), buffer.Length(), nullptr, &error);
  if (received < 0) {
    ThrowGError(env, error);
    return env.Undefined();
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("bytes", Napi::Number::New(env, static_cast<double>(received)));
  out.Set("address", AddressToJs(env, address));
  g_clear_object(&address);
  return out;
}

// receiveMessageSync(buffers, flags) → { bytes, address, controlMessages, flags }
Napi::Value GioSocket::ReceiveMessageSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  BufferList buffers;
  if (!buffers.FromJs(env, info[0], "vectors")) return env.Undefined();
  std::vector<GInputVector> vectors = buffers.InputVectors();
  int32_t flags;
  if (!ReadOptionalInt32(env, info[1], "flags", 0, &flags)) return env.Undefined();
  GSocketAddress* address = nullptr;
  IncomingControl control;
  GError* error = nullptr;
  gssize received = g_socket_receive_message(socket_, &address, vectors.data(), static_cast<gint>(vectors.size()),
                                             control.out_messages(), control.out_count(), &flags, nullptr, &error);
  if (received < 0 || !CheckControlTruncation(flags, &control, &error)) {
    g_clear_object(&address);
    ThrowGError(env, error);
    return env.Undefined();
  }
  Napi::Value out = ReceivedMessageToJs(env, received, address, &control, flags);
  g_clear_object(&address);
  control.Release();
  return out;
}

// receiveMessagesSync(Buffer[][] , flags) → [{ bytes, address, controlMessages, flags }]
Napi::Value GioSocket::ReceiveMessagesSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  InputMessages messages;
  if (!messages.FromJs(env, info[0])) return env.Undefined();
  int32_t flags;
  if (!ReadOptionalInt32(env, info[1], "flags", 0, &flags)) return env.Undefined();
  GError* error = nullptr;
  gint received = g_socket_receive_messages(socket_, messages.messages.data(),
                                            static_cast<guint>(messages.messages.size()), flags, nullptr, &error);
  if (received < 0 || !messages.CheckTruncation(received, &error)) {
    ThrowGError(env, error);
    return env.Undefined();
  }
  Napi::Value out = messages.ToJs(env, received);
  messages.Release(received);
  return out;
}

// sendSync(buffer, address | null) → bytes sent
Napi::Value GioSocket::SendSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  if (!info[0].IsBuffer()) {
    ThrowTypeError(env, "Expected a Buffer for buffer");
    return env.Undefined();
  }
  auto buffer = info[0].As<Napi::Buffer<char>>();
  GSocketAddress* address = nullptr;
  if (!info[1].IsNull() && !info[1].IsUndefined()) {
    address = AddressFromJs(env, info[1], "address");
    if (address == nullptr) return env.Undefined();
  }
  GError* error = nullptr;
  gssize sent = address != nullptr
                    ? g_socket_send_to(socket_, address, BufferData(buffer), buffer.Length(), nullptr, &error)
                    : g_socket_send(socket_, BufferData(buffer), buffer.Length(), nullptr, &error);
  g_clear_object(&address);
  if (sent < 0) {
    ThrowGError(env, error);
    return env.Undefined();
  }
  return Napi::Number::New(env, static_cast<double>(sent));
}

static Napi::Value RunSender(Napi::Env env, GSocket* socket, MessageSender* sender) {
  GError* error = nullptr;
  Progress progress;
  do {
    progress = sender->Step(socket, true, &error);
    // A non-blocking socket that took part of a message with fds: report what went, as GIO does.
  } while (progress == Progress::kWouldBlock && g_socket_get_blocking(socket));
  if (progress == Progress::kFailed) {
    ThrowGError(env, error);
    return env.Undefined();
  }
  return Napi::Number::New(env, static_cast<double>(sender->sent()));
}

// sendMessageSync(address | null, buffers, controlMessages, flags) → bytes sent
Napi::Value GioSocket::SendMessageSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  MessageSender sender;
  if (!sender.FromJs(env, info[0], info[1], info[2], info[3])) return env.Undefined();
  return RunSender(env, socket_, &sender);
}

// sendMessagesSync([{ address, vectors }], flags) → messages sent
Napi::Value GioSocket::SendMessagesSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  OutputMessages messages;
  if (!messages.FromJs(env, info[0])) return env.Undefined();
  int32_t flags;
  if (!ReadOptionalInt32(env, info[1], "flags", 0, &flags)) return env.Undefined();
  if (messages.messages.empty()) return Napi::Number::New(env, 0);
  GError* error = nullptr;
  gint sent = g_socket_send_messages(socket_, messages.messages.data(), static_cast<guint>(messages.messages.size()),
                                     flags, nullptr, &error);
  if (sent < 0) {
    ThrowGError(env, error);
    return env.Undefined();
  }
  return Napi::Number::New(env, sent);
}

Napi::Value GioSocket::ConditionCheck(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  GIOCondition condition;
  if (!ReadCondition(env, info[0], "condition", &condition) || !CheckOpen(env)) return env.Undefined();
  return Napi::Number::New(env, g_socket_condition_check(socket_, condition));
}

Napi::Value GioSocket::ConditionWaitSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  GIOCondition condition;
  if (!ReadCondition(env, info[0], "condition", &condition) || !CheckOpen(env)) return env.Undefined();
  GError* error = nullptr;
  if (!g_socket_condition_wait(socket_, condition, nullptr, &error)) ThrowGError(env, error);
  return env.Undefined();
}

Napi::Value GioSocket::ConditionTimedWaitSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  GIOCondition condition;
  int64_t timeout_us;
  if (!ReadCondition(env, info[0], "condition", &condition) || !ReadInt64(env, info[1], "timeoutUs", &timeout_us) ||
      !CheckOpen(env)) {
    return env.Undefined();
  }
  GError* error = nullptr;
  if (!g_socket_condition_timed_wait(socket_, condition, timeout_us, nullptr, &error)) {
    ThrowGError(env, error);
  }
  return env.Undefined();
}

static bool ReadAncillary(Napi::Env env, Napi::Value value, Ancillary* out) {
  int32_t kind;
  if (!ReadInt32(env, value, "kind", &kind)) return false;
  if (kind < static_cast<int32_t>(Ancillary::kOneFd) || kind > static_cast<int32_t>(Ancillary::kCredentials)) {
    ThrowTypeError(env, "Expected an AncillaryKind (0, 1 or 2) for kind but received " + Describe(value));
    return false;
  }
  *out = static_cast<Ancillary>(kind);
  return true;
}

static bool IsUnixConnection(GSocketConnection* connection) {
  return connection != nullptr && G_IS_UNIX_CONNECTION(connection);
}

// sendFdSync(fd): g_unix_connection_send_fd's message and errors (gio/fd-passing.h).
Napi::Value GioSocket::SendFdSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  if (!IsUnixConnection(connection_)) {
    ThrowTypeError(env, "sendFd needs a UnixConnection (connectionFactoryCreateConnection on a UNIX socket)");
    return env.Undefined();
  }
  int fd;
  if (!ReadFd(env, info[0], "fd", &fd)) return env.Undefined();
  GError* error = nullptr;
  Progress progress = gio::SendFd(socket_, fd, g_socket_get_blocking(socket_), &error);
  if (progress == Progress::kWouldBlock) SetWouldBlock(&error);
  if (progress != Progress::kDone) ThrowGError(env, error);
  return env.Undefined();
}

static std::unique_ptr<MessageSender> FdSender(Napi::Env env, Napi::Value fds_value, Napi::Value data) {
  static char nul_byte = '\0';  // GIO's wire format: one NUL byte carries the message
  auto sender = std::make_unique<MessageSender>();
  Napi::Value vectors = data.IsBuffer() ? data : Napi::Buffer<char>::New(env, &nul_byte, 1, [](Napi::Env, char*) {});
  if (!sender->FromJs(env, env.Null(), vectors, env.Undefined(), env.Undefined())) return nullptr;
  if (!fds_value.IsArray()) {
    ThrowTypeError(env, "Expected an array of file descriptors for fds");
    return nullptr;
  }
  Napi::Array array = fds_value.As<Napi::Array>();
  if (array.Length() > static_cast<uint32_t>(kMaxFdsPerMessage)) {
    ThrowGError(env, g_error_new(G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                 "At most %d file descriptors fit in one message (SCM_MAX_FD), got %u",
                                 kMaxFdsPerMessage, array.Length()));
    return nullptr;
  }
  std::vector<int> fds(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) {
    if (!ReadFd(env, array.Get(i), "fds[]", &fds[i])) return nullptr;
  }
  if (!sender->AddFds(env, fds)) return nullptr;
  return sender;
}

// sendFdsSync(fds, data?) → bytes sent: GIO's wire format with any number of fds.
Napi::Value GioSocket::SendFdsSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  std::unique_ptr<MessageSender> sender = FdSender(env, info[0], info[1]);
  if (sender == nullptr) return env.Undefined();
  return RunSender(env, socket_, sender.get());
}

// receiveAncillarySync(kind) → fd | fds | credentials
Napi::Value GioSocket::ReceiveAncillarySync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Ancillary kind;
  if (!ReadAncillary(env, info[0], &kind) || !CheckOpen(env)) return env.Undefined();
  AncillaryResult result;
  GError* error = nullptr;
  Progress progress = ReceiveAncillaryOnce(socket_, kind, g_socket_get_blocking(socket_), &result, &error);
  if (progress == Progress::kWouldBlock) SetWouldBlock(&error);
  if (progress != Progress::kDone) {
    ThrowGError(env, error);
    return env.Undefined();
  }
  Napi::Value out = AncillaryResultToJs(env, kind, result);
  result.Release();
  return out;
}

// sendCredentialsSync(): g_unix_connection_send_credentials itself.
Napi::Value GioSocket::SendCredentialsSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  if (!IsUnixConnection(connection_)) {
    ThrowTypeError(env, "sendCredentials needs a UnixConnection");
    return env.Undefined();
  }
  GError* error = nullptr;
  if (!g_unix_connection_send_credentials(G_UNIX_CONNECTION(connection_), nullptr, &error)) {
    ThrowGError(env, error);
  }
  return env.Undefined();
}

// ---- asynchronous calls ----

static Napi::Value LastArg(const Napi::CallbackInfo& info) {
  return info[info.Length() - 1];
}

Napi::Value GioSocket::Accept(const Napi::CallbackInfo& info) {
  return Start(info.Env(), NewAcceptOperation(info.Env()), LastArg(info));
}

Napi::Value GioSocket::Connect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  GSocketAddress* address = AddressFromJs(env, info[0], "address");
  if (address == nullptr) return env.Undefined();
  return Start(env, NewConnectOperation(address), LastArg(info));
}

// receive(buffer, wantAddress, callback)
Napi::Value GioSocket::Receive(const Napi::CallbackInfo& info) {
  bool want_address;
  if (!ReadBoolean(info.Env(), info[1], "wantAddress", &want_address)) return info.Env().Undefined();
  return Start(info.Env(), NewReceiveOperation(info.Env(), info[0], want_address), LastArg(info));
}

// receiveMessage(buffers, flags, callback)
Napi::Value GioSocket::ReceiveMessage(const Napi::CallbackInfo& info) {
  int32_t flags;
  if (!ReadOptionalInt32(info.Env(), info[1], "flags", 0, &flags)) return info.Env().Undefined();
  return Start(info.Env(), NewReceiveMessageOperation(info.Env(), info[0], flags), LastArg(info));
}

// receiveMessages(Buffer[][], flags, callback)
Napi::Value GioSocket::ReceiveMessages(const Napi::CallbackInfo& info) {
  int32_t flags;
  if (!ReadOptionalInt32(info.Env(), info[1], "flags", 0, &flags)) return info.Env().Undefined();
  return Start(info.Env(), NewReceiveMessagesOperation(info.Env(), info[0], flags), LastArg(info));
}

// send(buffer, address | null, callback)
Napi::Value GioSocket::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  GSocketAddress* address = nullptr;
  if (!info[1].IsNull() && !info[1].IsUndefined()) {
    address = AddressFromJs(env, info[1], "address");
    if (address == nullptr) return env.Undefined();
  }
  return Start(env, NewSendOperation(env, info[0], address), LastArg(info));
}

// sendMessage(address | null, buffers, controlMessages, flags, callback), and
// sendFds(fds, data | undefined, callback) in GIO's wire format.
Napi::Value GioSocket::SendMessage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::unique_ptr<MessageSender> sender;
  if (info.Length() == 3) {
    sender = FdSender(env, info[0], info[1]);
  } else {
    sender = std::make_unique<MessageSender>();
    if (!sender->FromJs(env, info[0], info[1], info[2], info[3])) sender.reset();
  }
  if (sender == nullptr) return env.Undefined();
  return Start(env, NewSendMessageOperation(std::move(sender)), LastArg(info));
}

// sendFd(fd, callback): one fd in GIO's wire format. The fd is borrowed while the call runs
// and duplicated only if the send has to wait.
Napi::Value GioSocket::SendFd(const Napi::CallbackInfo& info) {
  int fd;
  if (!ReadFd(info.Env(), info[0], "fd", &fd)) return info.Env().Undefined();
  return Start(info.Env(), NewSendFdOperation(fd), LastArg(info));
}

// sendMessages([{ address, vectors }], flags, callback)
Napi::Value GioSocket::SendMessages(const Napi::CallbackInfo& info) {
  int32_t flags;
  if (!ReadOptionalInt32(info.Env(), info[1], "flags", 0, &flags)) return info.Env().Undefined();
  return Start(info.Env(), NewSendMessagesOperation(info.Env(), info[0], flags), LastArg(info));
}

// conditionWait(condition, callback) → the condition met
Napi::Value GioSocket::ConditionWait(const Napi::CallbackInfo& info) {
  GIOCondition condition;
  if (!ReadCondition(info.Env(), info[0], "condition", &condition)) return info.Env().Undefined();
  return Start(info.Env(), NewConditionWaitOperation(condition), LastArg(info));
}

// receiveAncillary(kind, callback): receiveFd / receiveFds / receiveCredentials
Napi::Value GioSocket::ReceiveAncillary(const Napi::CallbackInfo& info) {
  Ancillary kind;
  if (!ReadAncillary(info.Env(), info[0], &kind)) return info.Env().Undefined();
  return Start(info.Env(), NewReceiveAncillaryOperation(info.Env(), kind), LastArg(info));
}

// cancel(id) → whether it was still pending. The caller settles its promise itself (AbortError).
Napi::Value GioSocket::Cancel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t id;
  if (!ReadUint32(env, info[0], "id", &id)) return env.Undefined();
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if ((*it)->id == id) {
      pending_.erase(it);
      UpdatePoll();
      ReleasePassCredIfIdle();
      UpdateRef();
      return Napi::Boolean::New(env, true);
    }
  }
  return Napi::Boolean::New(env, false);
}

// receiveAncillaryNow(kind) → fd | fds | credentials | undefined
Napi::Value GioSocket::ReceiveAncillaryNow(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  // An earlier receive still waiting keeps its place: this one waits behind it.
  Ancillary kind;
  if (!ReadAncillary(env, info[0], &kind)) return env.Undefined();
  if (!CanAttemptNow(G_IO_IN, true)) return env.Undefined();
  AncillaryResult result;
  GError* error = nullptr;
  Progress progress = ReceiveAncillaryOnce(socket_, kind, false, &result, &error);
  if (progress == Progress::kWouldBlock) return env.Undefined();
  if (progress == Progress::kFailed) {
    ThrowGError(env, error);
    return env.Undefined();
  }
  Napi::Value out = AncillaryResultToJs(env, kind, result);
  result.Release();
  return out;
}

// sendFdNow(fd) → true | undefined. Sent at once, the fd is only read: no copy is made.
Napi::Value GioSocket::SendFdNow(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  int fd;
  if (!ReadFd(env, info[0], "fd", &fd)) return env.Undefined();
  if (!CanAttemptNow(G_IO_OUT, true)) return env.Undefined();
  GError* error = nullptr;
  Progress progress = gio::SendFd(socket_, fd, false, &error);
  if (progress == Progress::kWouldBlock) return env.Undefined();
  if (progress == Progress::kFailed) {
    ThrowGError(env, error);
    return env.Undefined();
  }
  return Napi::Boolean::New(env, true);
}

// ---- state and options ----

Napi::Value GioSocket::GetAvailableBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  gssize available = g_socket_get_available_bytes(socket_);
  if (available < 0) {
    ThrowGError(env, g_error_new_literal(G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot get available bytes"));
    return env.Undefined();
  }
  return Napi::Number::New(env, static_cast<double>(available));
}

Napi::Value GioSocket::GetCredentials(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  GError* error = nullptr;
  GCredentials* credentials = g_socket_get_credentials(socket_, &error);
  return OwnedResult(env, credentials, error, CredentialsToJs);
}

Napi::Value GioSocket::GetOption(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t level, name;
  if (!ReadInt32(env, info[0], "level", &level) || !ReadInt32(env, info[1], "optname", &name) || !CheckOpen(env)) {
    return env.Undefined();
  }
  gint value = 0;
  GError* error = nullptr;
  if (!g_socket_get_option(socket_, level, name, &value, &error)) {
    ThrowGError(env, error);
    return env.Undefined();
  }
  return Napi::Number::New(env, value);
}

Napi::Value GioSocket::SetOption(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t level, name, value;
  if (!ReadInt32(env, info[0], "level", &level) || !ReadInt32(env, info[1], "optname", &name) ||
      !ReadInt32(env, info[2], "value", &value) || !CheckOpen(env)) {
    return env.Undefined();
  }
  if (level == SOL_SOCKET && name == kSoPassPidfd && value != 0) {
    // With it, the kernel installs a pidfd in this process for every message received, and
    // GIO drops the SCM_PIDFD message it comes in (no GSocketControlMessage class takes it):
    // every one would leak.
    ThrowGError(env, g_error_new_literal(G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                         "SO_PASSPIDFD is not supported: GIO drops SCM_PIDFD messages, so every "
                                         "pidfd received would leak (use getCredentials() for the peer's pid)"));
    return env.Undefined();
  }
  GError* error = nullptr;
  if (!g_socket_set_option(socket_, level, name, value, &error)) {
    ThrowGError(env, error);
  }
  return env.Undefined();
}

// getProperty(name): GSocket's properties by their JavaScript names.
Napi::Value GioSocket::GetProperty(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name;
  if (!ReadString(env, info[0], "name", &name)) return env.Undefined();
  if (socket_ == nullptr) {
    ThrowClosed(env);
    return env.Undefined();
  }
  // Stored in the GSocket: readable after close, as in GIO.
  if (name == "family") return Napi::Number::New(env, g_socket_get_family(socket_));
  if (name == "socketType") return Napi::Number::New(env, g_socket_get_socket_type(socket_));
  if (name == "protocol") return Napi::Number::New(env, g_socket_get_protocol(socket_));
  if (name == "fd") return Napi::Number::New(env, g_socket_get_fd(socket_));
  if (name == "blocking") return Napi::Boolean::New(env, g_socket_get_blocking(socket_));
  if (name == "timeout") return Napi::Number::New(env, g_socket_get_timeout(socket_));
  if (name == "listenBacklog") return Napi::Number::New(env, g_socket_get_listen_backlog(socket_));
  if (name == "keepalive") return Napi::Boolean::New(env, g_socket_get_keepalive(socket_));
  // Read from the kernel.
  if (!CheckOpen(env)) return env.Undefined();
  if (name == "broadcast") return Napi::Boolean::New(env, g_socket_get_broadcast(socket_));
  if (!CheckInet(env, name.c_str())) return env.Undefined();
  if (name == "ttl") return Napi::Number::New(env, g_socket_get_ttl(socket_));
  if (name == "multicastTtl") return Napi::Number::New(env, g_socket_get_multicast_ttl(socket_));
  if (name == "multicastLoopback") return Napi::Boolean::New(env, g_socket_get_multicast_loopback(socket_));
  ThrowTypeError(env, "Unknown socket property " + name);
  return env.Undefined();
}

Napi::Value GioSocket::SetProperty(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name;
  if (!ReadString(env, info[0], "name", &name)) return env.Undefined();
  Napi::Value value = info[1];
  if (socket_ == nullptr) {
    ThrowClosed(env);
    return env.Undefined();
  }
  bool flag;
  uint32_t number;
  if (name == "blocking") {
    if (ReadBoolean(env, value, "blocking", &flag)) g_socket_set_blocking(socket_, flag);
  } else if (name == "timeout") {
    if (ReadUint32(env, value, "timeout", &number)) g_socket_set_timeout(socket_, number);
  } else if (!CheckOpen(env)) {
    return env.Undefined();
  } else if (name == "listenBacklog") {
    int32_t backlog;
    if (!ReadInt32(env, value, "listenBacklog", &backlog)) return env.Undefined();
    // GIO asserts (a CRITICAL, then ignores the call) on a listening socket: say so instead.
    gint listening = 0;
    g_socket_get_option(socket_, SOL_SOCKET, SO_ACCEPTCONN, &listening, nullptr);
    if (listening) {
      ThrowGError(env, g_error_new_literal(G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                           "listenBacklog must be set before listen()"));
      return env.Undefined();
    }
    g_socket_set_listen_backlog(socket_, backlog);
  } else if (name == "keepalive") {
    if (ReadBoolean(env, value, "keepalive", &flag)) g_socket_set_keepalive(socket_, flag);
  } else if (name == "broadcast") {
    if (ReadBoolean(env, value, "broadcast", &flag)) g_socket_set_broadcast(socket_, flag);
  } else if (!CheckInet(env, name.c_str())) {
    return env.Undefined();
  } else if (name == "ttl") {
    if (ReadUint32(env, value, "ttl", &number)) g_socket_set_ttl(socket_, number);
  } else if (name == "multicastTtl") {
    if (ReadUint32(env, value, "multicastTtl", &number)) g_socket_set_multicast_ttl(socket_, number);
  } else if (name == "multicastLoopback") {
    if (ReadBoolean(env, value, "multicastLoopback", &flag)) g_socket_set_multicast_loopback(socket_, flag);
  } else {
    ThrowTypeError(env, "Unknown socket property " + name);
  }
  return env.Undefined();
}

Napi::Value GioSocket::IsClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), socket_ == nullptr || g_socket_is_closed(socket_));
}

Napi::Value GioSocket::IsConnected(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), socket_ != nullptr && g_socket_is_connected(socket_));
}

Napi::Value GioSocket::Shutdown(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool read, write;
  if (!ReadBoolean(env, info[0], "shutdownRead", &read) || !ReadBoolean(env, info[1], "shutdownWrite", &write) ||
      !CheckOpen(env)) {
    return env.Undefined();
  }
  GError* error = nullptr;
  if (!g_socket_shutdown(socket_, read, write, &error)) ThrowGError(env, error);
  return env.Undefined();
}

// close(): idempotent. Pending operations fail with G_IO_ERROR_CLOSED.
Napi::Value GioSocket::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (socket_ == nullptr || g_socket_is_closed(socket_)) return env.Undefined();
  // libuv: an fd must not be closed while a poll watches it.
  StopPoll();
  if (poll_ != nullptr) {
    CloseUvHandle(data_, reinterpret_cast<uv_handle_t*>(poll_));
    poll_ = nullptr;
  }
  GError* close_error = nullptr;
  g_socket_close(socket_, &close_error);
  std::deque<std::unique_ptr<Operation>> failed = std::move(pending_);
  pending_.clear();
  for (auto& op : failed) {
    op->error = g_error_new_literal(G_IO_ERROR, G_IO_ERROR_CLOSED, "Socket closed while the operation was pending");
  }
  Deliver(env, failed, false);
  ReleasePassCredIfIdle();
  UpdateRef();
  if (close_error != nullptr) ThrowGError(env, close_error);
  return env.Undefined();
}

Napi::Value GioSocket::SpeaksIpv4(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  return Napi::Boolean::New(env, g_socket_speaks_ipv4(socket_));
}

// multicastGroup(join, group, sourceSpecific: boolean | string | null, iface | null, ssm)
Napi::Value GioSocket::MulticastGroup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool join, ssm, source_specific = false;
  std::string iface_text;
  if (!ReadBoolean(env, info[0], "join", &join) || !ReadBoolean(env, info[4], "ssm", &ssm)) return env.Undefined();
  if (!ssm && !ReadBoolean(env, info[2], "sourceSpecific", &source_specific)) return env.Undefined();
  if (ssm && !info[2].IsNull() && !info[2].IsString()) {
    ThrowTypeError(env, "Expected a source IP address or null for sourceSpecific but received " + Describe(info[2]));
    return env.Undefined();
  }
  if (!info[3].IsNull() && !ReadString(env, info[3], "iface", &iface_text)) return env.Undefined();
  const char* iface = info[3].IsNull() ? nullptr : iface_text.c_str();
  if (!CheckOpen(env) || !CheckInet(env, "multicast")) return env.Undefined();
  GInetAddress* group = InetAddressFromJs(env, info[1], "group");
  if (group == nullptr) return env.Undefined();
  GError* error = nullptr;
  gboolean ok;
  if (ssm) {
    GInetAddress* source = nullptr;
    if (info[2].IsString()) {
      source = InetAddressFromJs(env, info[2], "sourceSpecific");
      if (source == nullptr) {
        g_object_unref(group);
        return env.Undefined();
      }
    }
    ok = join ? g_socket_join_multicast_group_ssm(socket_, group, source, iface, &error)
              : g_socket_leave_multicast_group_ssm(socket_, group, source, iface, &error);
    g_clear_object(&source);
  } else {
    ok = join ? g_socket_join_multicast_group(socket_, group, source_specific, iface, &error)
              : g_socket_leave_multicast_group(socket_, group, source_specific, iface, &error);
  }
  g_object_unref(group);
  if (!ok) ThrowGError(env, error);
  return env.Undefined();
}

// createConnection() → GIO's type name: 'GUnixConnection', 'GTcpConnection', ...
Napi::Value GioSocket::CreateConnection(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (socket_ == nullptr) {
    ThrowClosed(env);
    return env.Undefined();
  }
  if (connection_ == nullptr) {
    // GIO's factory registers GUnixConnection for UNIX *stream* sockets only; fd and
    // credential passing work the same on datagram and seqpacket ones, so those get one too.
    if (g_socket_get_family(socket_) == G_SOCKET_FAMILY_UNIX) {
      connection_ = G_SOCKET_CONNECTION(g_object_new(G_TYPE_UNIX_CONNECTION, "socket", socket_, nullptr));
    } else {
      connection_ = g_socket_connection_factory_create_connection(socket_);
    }
  }
  return Napi::String::New(env, G_OBJECT_TYPE_NAME(connection_));
}

// setRef(bool): whether a pending operation keeps the event loop alive (Node's ref/unref).
Napi::Value GioSocket::SetRef(const Napi::CallbackInfo& info) {
  bool ref;
  if (!ReadBoolean(info.Env(), info[0], "ref", &ref)) return info.Env().Undefined();
  poll_referenced_ = ref;
  if (poll_ != nullptr) {
    if (poll_referenced_) {
      uv_ref(reinterpret_cast<uv_handle_t*>(poll_));
    } else {
      uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
    }
  }
  return info.Env().Undefined();
}

// ---- the operation queue ----

// One Attempt(). A failure always carries a GError: one without (a GIO precondition that
// failed with a CRITICAL) would otherwise be delivered as a success.
static Progress AttemptOnce(Operation& op, GSocket* socket) {
  Progress progress = op.Attempt(socket);
  if (progress == Progress::kFailed && op.error == nullptr) {
    op.error = g_error_new_literal(G_IO_ERROR, G_IO_ERROR_FAILED, "Operation failed");
  }
  return progress;
}

bool GioSocket::CanAttemptNow(GIOCondition condition, bool ordered) const {
  if (!ordered) return true;
  for (const auto& other : pending_) {
    if (other->ordered && (other->condition & condition) != 0) return false;
  }
  return true;
}

Napi::Value GioSocket::Start(Napi::Env env, std::unique_ptr<Operation> op, Napi::Value callback) {
  if (op == nullptr) return env.Undefined();  // bad arguments: already thrown
  if (!callback.IsFunction()) {
    ThrowTypeError(env, "Expected a callback");
    return env.Undefined();
  }
  if (!CheckOpen(env)) return env.Undefined();
  op->callback = Napi::Persistent(callback.As<Napi::Function>());
  bool finished_now = op->ReceivesCredentials() && !HoldPassCred(&op->error);
  if (!finished_now && CanAttemptNow(op->condition, op->ordered)) {
    finished_now = AttemptOnce(*op, socket_) != Progress::kWouldBlock;
  }
  if (!finished_now) finished_now = !op->PrepareToWait();
  if (finished_now) {
    std::deque<std::unique_ptr<Operation>> finished;
    finished.push_back(std::move(op));
    Deliver(env, finished, false);
    ReleasePassCredIfIdle();
    return Napi::Number::New(env, 0);
  }
  op->id = next_id_++;
  if (next_id_ == 0) next_id_ = 1;
  uint32_t id = op->id;
  pending_.push_back(std::move(op));
  UpdatePoll();
  UpdateRef();
  return Napi::Number::New(env, id);
}

static int UvEvents(GIOCondition condition) {
  int events = 0;
  if (condition & G_IO_IN) events |= UV_READABLE;
  if (condition & G_IO_OUT) events |= UV_WRITABLE;
  if (condition & G_IO_PRI) events |= UV_PRIORITIZED;
  if (condition & (G_IO_HUP | G_IO_ERR)) events |= UV_DISCONNECT | UV_READABLE;
  return events;
}

void GioSocket::UpdatePoll() {
  int events = 0;
  for (const auto& op : pending_) events |= UvEvents(op->condition);
  if (events == 0) {
    StopPoll();
    return;
  }
  if (events == poll_events_) return;
  if (poll_ == nullptr) {
    auto* poll = new uv_poll_t;
    int status = uv_poll_init_socket(data_->loop, poll, g_socket_get_fd(socket_));
    if (status != 0) {
      delete poll;
      // Nothing can wake these operations: fail them now rather than hang.
      std::deque<std::unique_ptr<Operation>> failed = std::move(pending_);
      pending_.clear();
      for (auto& op : failed) {
        op->error = g_error_new(G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot watch socket fd %d: %s",
                                g_socket_get_fd(socket_), uv_strerror(status));
      }
      Deliver(Env(), failed, false);
      return;
    }
    data_->open_handles++;
    poll->data = this;
    poll_ = poll;
    if (!poll_referenced_) uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
  }
  poll_events_ = events;
  uv_poll_start(poll_, events, [](uv_poll_t* handle, int status, int ready) {
    static_cast<GioSocket*>(handle->data)->OnPoll(status, ready);
  });
}

void GioSocket::StopPoll() {
  if (poll_ != nullptr && poll_events_ != 0) uv_poll_stop(poll_);
  poll_events_ = 0;
}

bool GioSocket::HoldPassCred(GError** error) {
  if (passcred_held_) return true;
  gint passcred = 0;
  // GIO's messages (gunixconnection.c).
  if (!g_socket_get_option(socket_, SOL_SOCKET, SO_PASSCRED, &passcred, nullptr)) {
    int errsv = errno;
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errsv),
                "Error checking if SO_PASSCRED is enabled for socket: %s", g_strerror(errsv));
    return false;
  }
  if (passcred != 0) return true;  // on already, and not ours to switch off
  if (!g_socket_set_option(socket_, SOL_SOCKET, SO_PASSCRED, TRUE, nullptr)) {
    int errsv = errno;
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errsv), "Error enabling SO_PASSCRED: %s", g_strerror(errsv));
    return false;
  }
  passcred_held_ = true;
  return true;
}

void GioSocket::ReleasePassCredIfIdle() {
  if (!passcred_held_) return;
  for (const auto& op : pending_) {
    if (op->ReceivesCredentials()) return;
  }
  passcred_held_ = false;
  if (socket_ != nullptr && !g_socket_is_closed(socket_)) {
    g_socket_set_option(socket_, SOL_SOCKET, SO_PASSCRED, FALSE, nullptr);
  }
}

// While an operation waits, the socket must outlive it even if JavaScript drops it.
void GioSocket::UpdateRef() {
  bool want = !pending_.empty() && !resource_closed_;
  if (want && !js_ref_held_) {
    Ref();
    js_ref_held_ = true;
  } else if (!want && js_ref_held_) {
    js_ref_held_ = false;
    Unref();
  }
}

void GioSocket::OnPoll(int status, int events) {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  GIOCondition ready;
  if (status < 0) {
    // POLLERR (libuv reports UV_EBADF and stops the poll): let every operation find out.
    ready = static_cast<GIOCondition>(G_IO_IN | G_IO_OUT | G_IO_PRI | G_IO_ERR | G_IO_HUP);
    poll_events_ = 0;
  } else {
    int condition = 0;
    if (events & UV_READABLE) condition |= G_IO_IN;
    if (events & UV_WRITABLE) condition |= G_IO_OUT;
    if (events & UV_PRIORITIZED) condition |= G_IO_PRI;
    if (events & UV_DISCONNECT) condition |= G_IO_HUP;
    ready = static_cast<GIOCondition>(condition);
  }
  // Ordered operations of one direction stop at the first that would block.
  int blocked = 0;
  std::deque<std::unique_ptr<Operation>> finished;
  for (auto it = pending_.begin(); it != pending_.end();) {
    Operation& op = **it;
    bool woken = (op.condition & ready) != 0 || (ready & (G_IO_ERR | G_IO_HUP)) != 0;
    if (op.ordered && (op.condition & blocked) != 0) {
      ++it;
      continue;
    }
    // A readiness report is a hint: the call may still say G_IO_ERROR_WOULD_BLOCK.
    if (!woken || AttemptOnce(op, socket_) == Progress::kWouldBlock) {
      if (op.ordered) blocked |= op.condition;
      ++it;
      continue;
    }
    finished.push_back(std::move(*it));
    it = pending_.erase(it);
  }
  UpdatePoll();
  // Like multi-uv.c's check_multi_info: callbacks run after the socket's state is consistent,
  // so one may close the socket or start another operation.
  Deliver(env, finished, true);
  ReleasePassCredIfIdle();
  UpdateRef();
}

void GioSocket::Deliver(Napi::Env env, std::deque<std::unique_ptr<Operation>>& finished, bool from_uv) {
  for (auto& op : finished) {
    Napi::HandleScope scope(env);
    napi_value error = env.Null();
    napi_value result = env.Undefined();
    if (op->error != nullptr) {
      error = GErrorToJs(env, op->error);
    } else {
      result = op->Result(env);
    }
    if (env.IsExceptionPending()) return;  // terminating: the rest is dropped (and closed)
    bool delivered;
    if (from_uv) {
      delivered = MakeCallback(env, op->callback, {error, result});
    } else {
      napi_value value = op->callback.Call({error, result});
      delivered = value != nullptr;
    }
    if (delivered && op->error == nullptr) op->Release();
  }
  finished.clear();
}

}  // namespace curlio::gio
