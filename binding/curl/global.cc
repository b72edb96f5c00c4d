// curl_global_init / curl_global_cleanup / curl_global_sslset. The addon itself holds one
// curl_global_init from load to exit (libcurl counts them), so a program's own pair is
// safe: its cleanup never frees what other handles of the process use.
#include <curl/curl.h>

#include "addon.h"
#include "curl/functions.h"

namespace curlio {

namespace {

Napi::Value GlobalInit(const Napi::CallbackInfo& info) {
  int64_t flags;
  if (!ArgInt(info, 0, "flags", &flags)) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), curl_global_init(static_cast<long>(flags)));
}

Napi::Value GlobalCleanup(const Napi::CallbackInfo& info) {
  curl_global_cleanup();
  return info.Env().Undefined();
}

// (id, name) -> [CURLsslset, [{ id, name }...]]: the backends, as `avail` lists them.
Napi::Value GlobalSslset(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t id;
  if (!ArgInt(info, 0, "id", &id)) return env.Undefined();
  std::string name;
  bool has_name = !info[1].IsNull() && !info[1].IsUndefined();
  if (has_name && !ArgString(info, 1, "name", &name)) return env.Undefined();
  const curl_ssl_backend** avail = nullptr;
  CURLsslset code = curl_global_sslset(static_cast<curl_sslbackend>(id), has_name ? name.c_str() : nullptr, &avail);
  Napi::Array list = Napi::Array::New(env);
  for (uint32_t i = 0; avail != nullptr && avail[i] != nullptr; i++) {
    Napi::Object backend = Napi::Object::New(env);
    backend.Set("id", static_cast<int>(avail[i]->id));
    backend.Set("name", avail[i]->name);
    list.Set(i, backend);
  }
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, Napi::Number::New(env, code));
  result.Set(1u, list);
  return result;
}

}  // namespace

void InitGlobal(Napi::Env env, Napi::Object exports) {
  exports.Set("curl_global_init", Napi::Function::New<GlobalInit>(env, "curl_global_init"));
  exports.Set("curl_global_cleanup", Napi::Function::New<GlobalCleanup>(env, "curl_global_cleanup"));
  exports.Set("curl_global_sslset", Napi::Function::New<GlobalSslset>(env, "curl_global_sslset"));
}

}  // namespace curlio
