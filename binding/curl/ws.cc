// curl_ws_recv / curl_ws_send / curl_ws_meta (websockets.h, experimental in 7.88). The
// calls are bound as they are; a libcurl built without WebSockets (Debian's 7.88: no
// "ws" among curl_version_info's protocols) answers CURLE_NOT_BUILT_IN and NULL itself.
#include <curl/curl.h>

#include "addon.h"
#include "curl/functions.h"

namespace curlio {

namespace {

Napi::Value Frame(Napi::Env env, const curl_ws_frame* meta) {
  if (meta == nullptr) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("age", meta->age);
  o.Set("flags", meta->flags);
  o.Set("offset", static_cast<double>(meta->offset));
  o.Set("bytesleft", static_cast<double>(meta->bytesleft));
  o.Set("len", static_cast<double>(meta->len));
  return o;
}

bool BufferArg(const Napi::CallbackInfo& info, char** data, size_t* length) {
  if (!info[1].IsBuffer()) {
    ThrowTypeError(info.Env(), "Expected a Buffer for buffer");
    return false;
  }
  auto buffer = info[1].As<Napi::Buffer<char>>();
  int64_t n;
  if (!ArgInt(info, 2, "buflen", &n)) return false;
  *data = buffer.Data();
  *length = n < 0 ? 0 : std::min(static_cast<size_t>(n), buffer.Length());
  return true;
}

// (easy, buffer, buflen) -> [CURLcode, received, frame | null]
Napi::Value Recv(const Napi::CallbackInfo& info) {
  CURL* curl = static_cast<CURL*>(ArgCurl(info, 0));
  char* data;
  size_t length;
  if (curl == nullptr || !BufferArg(info, &data, &length)) return info.Env().Undefined();
  size_t n = 0;
  curl_ws_frame* meta = nullptr;
  CURLcode code = curl_ws_recv(curl, data, length, &n, &meta);
  Napi::Array result = Napi::Array::New(info.Env(), 3);
  result.Set(0u, Napi::Number::New(info.Env(), code));
  result.Set(1u, Napi::Number::New(info.Env(), static_cast<double>(n)));
  result.Set(2u, Frame(info.Env(), meta));
  return result;
}

// (easy, buffer, buflen, framesize, sendflags) -> [CURLcode, sent]
Napi::Value Send(const Napi::CallbackInfo& info) {
  CURL* curl = static_cast<CURL*>(ArgCurl(info, 0));
  char* data;
  size_t length;
  int64_t framesize, flags;
  if (curl == nullptr || !BufferArg(info, &data, &length) || !ArgInt(info, 3, "framesize", &framesize) ||
      !ArgInt(info, 4, "sendflags", &flags))
    return info.Env().Undefined();
  size_t n = 0;
  CURLcode code = curl_ws_send(curl, data, length, &n, framesize, static_cast<unsigned>(flags));
  Napi::Array result = Napi::Array::New(info.Env(), 2);
  result.Set(0u, Napi::Number::New(info.Env(), code));
  result.Set(1u, Napi::Number::New(info.Env(), static_cast<double>(n)));
  return result;
}

Napi::Value Meta(const Napi::CallbackInfo& info) {
  CURL* curl = static_cast<CURL*>(ArgCurl(info, 0));
  if (curl == nullptr) return info.Env().Undefined();
  return Frame(info.Env(), curl_ws_meta(curl));
}

}  // namespace

void InitWebSockets(Napi::Env env, Napi::Object exports) {
  exports.Set("curl_ws_recv", Napi::Function::New<Recv>(env, "curl_ws_recv"));
  exports.Set("curl_ws_send", Napi::Function::New<Send>(env, "curl_ws_send"));
  exports.Set("curl_ws_meta", Napi::Function::New<Meta>(env, "curl_ws_meta"));
}

}  // namespace curlio
