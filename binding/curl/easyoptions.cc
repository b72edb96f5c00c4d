// curl_easy_option_by_name / by_id / next: libcurl's own option table, each entry as
// { name, id, type, flags } (struct curl_easyoption).
#include <curl/curl.h>

#include "addon.h"
#include "curl/functions.h"

namespace curlio {

namespace {

Napi::Value ToJs(Napi::Env env, const curl_easyoption* option) {
  if (option == nullptr) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", option->name);
  o.Set("id", static_cast<int>(option->id));
  o.Set("type", static_cast<int>(option->type));
  o.Set("flags", static_cast<int>(option->flags));
  return o;
}

Napi::Value ByName(const Napi::CallbackInfo& info) {
  std::string name;
  if (!ArgString(info, 0, "name", &name)) return info.Env().Undefined();
  return ToJs(info.Env(), curl_easy_option_by_name(name.c_str()));
}

Napi::Value ById(const Napi::CallbackInfo& info) {
  int64_t id;
  if (!ArgInt(info, 0, "id", &id)) return info.Env().Undefined();
  return ToJs(info.Env(), curl_easy_option_by_id(static_cast<CURLoption>(id)));
}

// next(prev | null): the entry after the one named prev.name (aliases share an id, so the
// name finds the exact entry).
Napi::Value Next(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const curl_easyoption* prev = nullptr;
  if (!info[0].IsNull() && !info[0].IsUndefined()) {
    Napi::Value name = info[0].IsObject() ? info[0].As<Napi::Object>().Get("name") : env.Undefined();
    if (!name.IsString()) {
      ThrowTypeError(env, "Expected null or an option object { name } for prev");
      return env.Undefined();
    }
    prev = curl_easy_option_by_name(name.As<Napi::String>().Utf8Value().c_str());
    if (prev == nullptr) return env.Null();
  }
  return ToJs(env, curl_easy_option_next(prev));
}

}  // namespace

void InitEasyOptions(Napi::Env env, Napi::Object exports) {
  exports.Set("curl_easy_option_by_name", Napi::Function::New<ByName>(env, "curl_easy_option_by_name"));
  exports.Set("curl_easy_option_by_id", Napi::Function::New<ById>(env, "curl_easy_option_by_id"));
  exports.Set("curl_easy_option_next", Napi::Function::New<Next>(env, "curl_easy_option_next"));
}

}  // namespace curlio
