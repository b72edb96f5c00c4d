// curl_easy_send / curl_easy_recv on a CURLOPT_CONNECT_ONLY connection, and
// curl_easy_upkeep. Neither calls a JavaScript callback: they only move bytes.
#include <curl/curl.h>

#include "addon.h"
#include "curl/functions.h"

namespace curlio {

namespace {

// (easy, buffer, buflen) -> [CURLcode, n]; buflen is clamped to the Buffer's length.
bool BufferArg(const Napi::CallbackInfo& info, char** data, size_t* length) {
  if (!info[1].IsBuffer()) {
    ThrowTypeError(info.Env(), "Expected a Buffer for buffer");
    return false;
  }
  auto buffer = info[1].As<Napi::Buffer<char>>();
  int64_t n = static_cast<int64_t>(buffer.Length());
  if (!info[2].IsUndefined() && !ArgInt(info, 2, "buflen", &n)) return false;
  if (n < 0) {
    ThrowTypeError(info.Env(), "Expected a non-negative buflen");
    return false;
  }
  *data = buffer.Data();
  *length = std::min(static_cast<size_t>(n), buffer.Length());
  return true;
}

Napi::Value Pair(Napi::Env env, CURLcode code, size_t n) {
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, Napi::Number::New(env, code));
  result.Set(1u, Napi::Number::New(env, static_cast<double>(n)));
  return result;
}

Napi::Value Send(const Napi::CallbackInfo& info) {
  CURL* curl = static_cast<CURL*>(ArgCurl(info, 0));
  char* data;
  size_t length;
  if (curl == nullptr || !BufferArg(info, &data, &length)) return info.Env().Undefined();
  size_t n = 0;
  CURLcode code = curl_easy_send(curl, data, length, &n);
  return Pair(info.Env(), code, n);
}

Napi::Value Recv(const Napi::CallbackInfo& info) {
  CURL* curl = static_cast<CURL*>(ArgCurl(info, 0));
  char* data;
  size_t length;
  if (curl == nullptr || !BufferArg(info, &data, &length)) return info.Env().Undefined();
  size_t n = 0;
  CURLcode code = curl_easy_recv(curl, data, length, &n);
  return Pair(info.Env(), code, n);
}

Napi::Value Upkeep(const Napi::CallbackInfo& info) {
  CURL* curl = static_cast<CURL*>(ArgCurl(info, 0));
  if (curl == nullptr) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), curl_easy_upkeep(curl));
}

}  // namespace

void InitEasyIo(Napi::Env env, Napi::Object exports) {
  exports.Set("curl_easy_send", Napi::Function::New<Send>(env, "curl_easy_send"));
  exports.Set("curl_easy_recv", Napi::Function::New<Recv>(env, "curl_easy_recv"));
  exports.Set("curl_easy_upkeep", Napi::Function::New<Upkeep>(env, "curl_easy_upkeep"));
}

}  // namespace curlio
