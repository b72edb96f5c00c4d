// The socket callbacks (CURLOPT_OPENSOCKETFUNCTION, SOCKOPTFUNCTION, CLOSESOCKETFUNCTION):
// libcurl calls them for a connection, which may outlive the transfer and even the handle
// (see close_socket_hook.h), so they must open or close the socket whatever JavaScript does.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>

#include "curl/easy.h"

namespace curlio {

void EasyHandle::InstallCloseSocketHook() {
  if (close_hook_ == nullptr) close_hook_ = new CloseSocketHook(this, data_);
  curl_easy_setopt(curl_, CURLOPT_CLOSESOCKETDATA, close_hook_);
  curl_easy_setopt(curl_, CURLOPT_OPENSOCKETDATA, this);
  curl_easy_setopt(curl_, CURLOPT_OPENSOCKETFUNCTION, &EasyHandle::OnOpenSocket);
}

// After curl_easy_cleanup (or duphandle's replacement of the CURL *): sockets of this
// handle still cached in a multi keep the hook alive, but no longer reach this handle.
void EasyHandle::ReleaseCloseSocketHook() {
  if (close_hook_ == nullptr) return;
  close_hook_->OwnerClosed();
  close_hook_ = nullptr;
}

curl_socket_t EasyHandle::OnOpenSocket(void* clientp, curlsocktype purpose, struct curl_sockaddr* address) {
  auto* self = static_cast<EasyHandle*>(clientp);
  curl_socket_t fd = self->OpenSocket(purpose, address);
  // Counted whenever the hook exists, even with the close function reset since: a count
  // too high only keeps the small hook until teardown; one too low could free it early.
  if (fd != CURL_SOCKET_BAD && self->close_hook_ != nullptr) self->close_hook_->SocketOpened();
  return fd;
}

curl_socket_t EasyHandle::OpenSocket(curlsocktype purpose, struct curl_sockaddr* address) {
  if (Failing()) return CURL_SOCKET_BAD;
  if (!js_.Has(CURLOPT_OPENSOCKETFUNCTION)) return socket(address->family, address->socktype, address->protocol);
  Napi::Env env = data_->env;
  Napi::HandleScope scope(env);
  Napi::Object addr = Napi::Object::New(env);
  addr.Set("family", address->family);
  addr.Set("socktype", address->socktype);
  addr.Set("protocol", address->protocol);
  char host[INET6_ADDRSTRLEN] = {0};
  int port = 0;
  if (address->family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&address->addr);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    port = ntohs(in->sin_port);
  } else if (address->family == AF_INET6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&address->addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    port = ntohs(in6->sin6_port);
  } else if (address->family == AF_UNIX) {
    auto* un = reinterpret_cast<sockaddr_un*>(&address->addr);
    snprintf(host, sizeof host, "%.45s", un->sun_path);
  }
  addr.Set("address", host);
  addr.Set("port", port);
  Napi::Value result = CallJs(js_.Get(CURLOPT_OPENSOCKETFUNCTION),
                              {UserData(CURLOPT_OPENSOCKETDATA), Napi::Number::New(env, purpose), addr});
  if (result.IsEmpty() || !result.IsNumber()) return CURL_SOCKET_BAD;
  return result.As<Napi::Number>().Int32Value();
}

int EasyHandle::OnSockopt(void* clientp, curl_socket_t curlfd, curlsocktype purpose) {
  auto* self = static_cast<EasyHandle*>(clientp);
  if (self->Failing()) return CURL_SOCKOPT_ERROR;
  if (!self->js_.Has(CURLOPT_SOCKOPTFUNCTION)) return CURL_SOCKOPT_OK;
  Napi::Env env = self->data_->env;
  Napi::HandleScope scope(env);
  Napi::Value result = self->CallJs(
      self->js_.Get(CURLOPT_SOCKOPTFUNCTION),
      {self->UserData(CURLOPT_SOCKOPTDATA), Napi::Number::New(env, curlfd), Napi::Number::New(env, purpose)});
  if (result.IsEmpty()) return CURL_SOCKOPT_ERROR;
  if (result.IsNumber()) return result.As<Napi::Number>().Int32Value();
  return CURL_SOCKOPT_OK;
}

int EasyHandle::CloseSocket(curl_socket_t item) {
  // The socket must be closed whatever happens in JavaScript, or it leaks.
  if (!js_.Has(CURLOPT_CLOSESOCKETFUNCTION) || data_->tearing_down || close_requested_) return close(item);
  Napi::Env env = data_->env;
  Napi::HandleScope scope(env);
  Napi::Value result =
      CallJs(js_.Get(CURLOPT_CLOSESOCKETFUNCTION), {UserData(CURLOPT_CLOSESOCKETDATA), Napi::Number::New(env, item)});
  if (result.IsEmpty()) {
    CallbackThrew("CURLOPT_CLOSESOCKETFUNCTION");
    return close(item);
  }
  if (result.IsNumber()) return result.As<Napi::Number>().Int32Value();
  return 0;
}
}  // namespace curlio
