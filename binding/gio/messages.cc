#include "gio/messages.h"

#include <gio/gunixcredentialsmessage.h>
#include <gio/gunixfdmessage.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "addon.h"
#include "gio/args.h"
#include "gio/error.h"

namespace curlio::gio {

OutgoingControl::~OutgoingControl() {
  for (GSocketControlMessage* message : messages_) g_object_unref(message);
}

bool OutgoingControl::AddFds(Napi::Env env, const std::vector<int>& fds) {
  GSocketControlMessage* message = g_unix_fd_message_new();
  messages_.push_back(message);
  for (int fd : fds) {
    GError* error = nullptr;
    if (!g_unix_fd_message_append_fd(G_UNIX_FD_MESSAGE(message), fd, &error)) {
      ThrowGError(env, error);
      return false;
    }
  }
  return true;
}

// nullptr with a TypeError thrown when a field is not a number of its range.
static GCredentials* CredentialsFromJs(Napi::Env env, Napi::Object object) {
  int32_t pid;
  uint32_t uid, gid;
  if (!ReadInt32(env, object.Get("pid"), "credentials.pid", &pid) ||
      !ReadUint32(env, object.Get("uid"), "credentials.uid", &uid) ||
      !ReadUint32(env, object.Get("gid"), "credentials.gid", &gid)) {
    return nullptr;
  }
  struct ucred native = {};
  native.pid = pid;
  native.uid = uid;
  native.gid = gid;
  GCredentials* credentials = g_credentials_new();
  g_credentials_set_native(credentials, G_CREDENTIALS_TYPE_LINUX_UCRED, &native);
  return credentials;
}

bool OutgoingControl::FromJs(Napi::Env env, Napi::Value value, const char* what) {
  if (value.IsUndefined() || value.IsNull()) return true;
  if (!value.IsArray()) {
    ThrowTypeError(env, std::string("Expected an array of control messages for ") + what);
    return false;
  }
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value item = array.Get(i);
    Napi::Value type = item.IsObject() ? item.As<Napi::Object>().Get("type") : Napi::Value();
    std::string kind = type.IsString() ? type.As<Napi::String>().Utf8Value() : "";
    if (kind == "fds") {
      Napi::Value fds_value = item.As<Napi::Object>().Get("fds");
      if (!fds_value.IsArray()) {
        ThrowTypeError(env, std::string("Expected an array of fds in ") + what);
        return false;
      }
      Napi::Array fds_array = fds_value.As<Napi::Array>();
      if (fds_array.Length() > kMaxFdsPerMessage) {
        ThrowGError(env, g_error_new(G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                     "At most %d file descriptors fit in one message (SCM_MAX_FD), got %u",
                                     kMaxFdsPerMessage, fds_array.Length()));
        return false;
      }
      std::vector<int> fds(fds_array.Length());
      std::string fd_what = std::string(what) + "[].fds[]";
      for (uint32_t j = 0; j < fds_array.Length(); j++) {
        if (!ReadFd(env, fds_array.Get(j), fd_what.c_str(), &fds[j])) return false;
      }
      if (!AddFds(env, fds)) return false;
    } else if (kind == "credentials") {
      Napi::Value credentials = item.As<Napi::Object>().Get("credentials");
      if (credentials.IsObject()) {
        GCredentials* native = CredentialsFromJs(env, credentials.As<Napi::Object>());
        if (native == nullptr) return false;
        messages_.push_back(g_unix_credentials_message_new_with_credentials(native));
        g_object_unref(native);
      } else if (credentials.IsUndefined()) {
        messages_.push_back(g_unix_credentials_message_new());  // this process's own
      } else {
        ThrowTypeError(env, std::string("Expected Credentials or undefined for ") + what +
                                "[].credentials but received " + Describe(credentials));
        return false;
      }
    } else {
      ThrowTypeError(env, std::string("Expected UnixFDMessage or UnixCredentialsMessage in ") + what);
      return false;
    }
  }
  return true;
}

Napi::Value CredentialsToJs(Napi::Env env, GCredentials* credentials) {
  auto* native = static_cast<struct ucred*>(g_credentials_get_native(credentials, G_CREDENTIALS_TYPE_LINUX_UCRED));
  Napi::Object out = Napi::Object::New(env);
  out.Set("pid", Napi::Number::New(env, native->pid));
  out.Set("uid", Napi::Number::New(env, native->uid));
  out.Set("gid", Napi::Number::New(env, native->gid));
  return out;
}

Napi::Value IncomingControl::ToJs(Napi::Env env) const {
  Napi::Array out = Napi::Array::New(env, count_);
  for (int i = 0; i < count_; i++) {
    GSocketControlMessage* message = messages_[i];
    Napi::Object item = Napi::Object::New(env);
    if (G_IS_UNIX_FD_MESSAGE(message)) {
      GUnixFDList* list = g_unix_fd_message_get_fd_list(G_UNIX_FD_MESSAGE(message));
      gint length = 0;
      const gint* fds = g_unix_fd_list_peek_fds(list, &length);
      Napi::Array fd_array = Napi::Array::New(env, length);
      for (gint j = 0; j < length; j++) fd_array.Set(j, Napi::Number::New(env, fds[j]));
      item.Set("type", "fds");
      item.Set("fds", fd_array);
    } else if (G_IS_UNIX_CREDENTIALS_MESSAGE(message)) {
      item.Set("type", "credentials");
      item.Set("credentials",
               CredentialsToJs(env, g_unix_credentials_message_get_credentials(G_UNIX_CREDENTIALS_MESSAGE(message))));
    } else {
      gsize size = g_socket_control_message_get_size(message);
      auto data = Napi::Buffer<char>::New(env, size);
      g_socket_control_message_serialize(message, data.Data());
      item.Set("type", "unknown");
      item.Set("level", Napi::Number::New(env, g_socket_control_message_get_level(message)));
      item.Set("msgType", Napi::Number::New(env, g_socket_control_message_get_msg_type(message)));
      item.Set("data", data);
    }
    out.Set(i, item);
  }
  return out;
}

void IncomingControl::Release() {
  for (int i = 0; i < count_; i++) {
    if (G_IS_UNIX_FD_MESSAGE(messages_[i])) {
      g_free(g_unix_fd_message_steal_fds(G_UNIX_FD_MESSAGE(messages_[i]), nullptr));
    }
  }
}

int IncomingControl::FdCount() const {
  int total = 0;
  for (int i = 0; i < count_; i++) {
    if (G_IS_UNIX_FD_MESSAGE(messages_[i])) {
      total += g_unix_fd_list_get_length(g_unix_fd_message_get_fd_list(G_UNIX_FD_MESSAGE(messages_[i])));
    }
  }
  return total;
}

void IncomingControl::Clear() {
  for (int i = 0; i < count_; i++) g_object_unref(messages_[i]);
  g_free(messages_);
  messages_ = nullptr;
  count_ = 0;
}

bool CheckControlTruncation(int flags, IncomingControl* control, GError** error) {
  if ((flags & MSG_CTRUNC) == 0) return true;
  int arrived = control->FdCount();
  control->Clear();
  SetTruncationError(error, arrived);
  return false;
}

void SetTruncationError(GError** error, int arrived) {
  g_set_error(error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
              "Ancillary data was truncated (MSG_CTRUNC): not everything the peer attached arrived "
              "(the receiving process may be at its open-file limit, RLIMIT_NOFILE); the %d file "
              "descriptor(s) that did arrive were closed",
              arrived);
}

AncillaryResult::~AncillaryResult() {
  for (int fd : fds) close(fd);
  g_clear_object(&credentials);
}

void AncillaryResult::Release() {
  fds.clear();
  g_clear_object(&credentials);
}

bool ReceiveCredentials(GSocket* socket, AncillaryResult* result, GError** error) {
  // g_unix_connection_receive_credentials' way: SO_PASSCRED only for the duration of the
  // receive, so the kernel attaches the sender's credentials even if it sent none itself.
  bool restore_passcred = false;
  gint passcred = 0;
  if (!g_socket_get_option(socket, SOL_SOCKET, SO_PASSCRED, &passcred, error)) return false;
  if (passcred == 0) {
    if (!g_socket_set_option(socket, SOL_SOCKET, SO_PASSCRED, TRUE, error)) return false;
    restore_passcred = true;
  }
  char byte = 0;
  GInputVector vector = {&byte, 1};
  IncomingControl control;
  gint flags = 0;
  // GIO's recvmsg: MSG_CMSG_CLOEXEC set, 2 KiB of control buffer (room for SCM_MAX_FD fds).
  gssize received = g_socket_receive_message(socket, nullptr, &vector, 1, control.out_messages(), control.out_count(),
                                             &flags, nullptr, error);
  if (restore_passcred) g_socket_set_option(socket, SOL_SOCKET, SO_PASSCRED, FALSE, nullptr);
  if (received < 0) return false;
  if (!CheckControlTruncation(flags, &control, error)) return false;
  if (received == 0 && control.count() == 0) {
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                        "Connection closed by peer before credentials arrived");
    return false;
  }
  if (received == 0) {
    // A zero-length datagram or record (SO_PASSCRED attaches credentials to it): GIO's error.
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                        "Expecting to read a single byte for receiving credentials but read zero bytes");
    return false;
  }
  if (control.count() == 0) {
    // GIO's fallback when no SCM_CREDENTIALS came: the peer's, from SO_PEERCRED.
    result->credentials = g_socket_get_credentials(socket, error);
    return result->credentials != nullptr;
  }
  if (control.count() != 1) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "Expecting 1 control message, got %d", control.count());
    return false;
  }
  if (!G_IS_UNIX_CREDENTIALS_MESSAGE(control.at(0))) {
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED, "Unexpected type of ancillary data");
    return false;
  }
  result->credentials = G_CREDENTIALS(
      g_object_ref(g_unix_credentials_message_get_credentials(G_UNIX_CREDENTIALS_MESSAGE(control.at(0)))));
  return true;
}

}  // namespace curlio::gio
