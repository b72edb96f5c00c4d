#include "curl/version.h"

#include <curl/curl.h>
#include <glib.h>

namespace curlio {

namespace {

Napi::Value CurlVersion(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), curl_version());
}

Napi::Value StringsOrEmpty(Napi::Env env, const char* const* list) {
  Napi::Array array = Napi::Array::New(env);
  for (uint32_t i = 0; list != nullptr && list[i] != nullptr; i++) array.Set(i, list[i]);
  return array;
}

Napi::Value OrNull(Napi::Env env, const char* s) {
  return s != nullptr ? Napi::String::New(env, s) : env.Null();
}

Napi::Value CurlVersionInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const curl_version_info_data* d = curl_version_info(CURLVERSION_NOW);
  Napi::Object o = Napi::Object::New(env);
  o.Set("age", static_cast<int>(d->age));
  o.Set("version", OrNull(env, d->version));
  o.Set("version_num", d->version_num);
  o.Set("host", OrNull(env, d->host));
  o.Set("features", d->features);
  o.Set("ssl_version", OrNull(env, d->ssl_version));
  o.Set("libz_version", OrNull(env, d->libz_version));
  o.Set("protocols", StringsOrEmpty(env, d->protocols));
  o.Set("ares", OrNull(env, d->ares));
  o.Set("libidn", OrNull(env, d->libidn));
  o.Set("libssh_version", OrNull(env, d->libssh_version));
  o.Set("brotli_version", OrNull(env, d->brotli_version));
  o.Set("nghttp2_version", OrNull(env, d->nghttp2_version));
  o.Set("quic_version", OrNull(env, d->quic_version));
  o.Set("zstd_version", d->age >= CURLVERSION_SEVENTH ? OrNull(env, d->zstd_version) : env.Null());
  o.Set("feature_names",
        d->age >= CURLVERSION_ELEVENTH ? StringsOrEmpty(env, d->feature_names) : Napi::Array::New(env));
  return o;
}

bool CodeArg(const Napi::CallbackInfo& info, int* code) {
  if (!info[0].IsNumber()) {
    Napi::TypeError::New(info.Env(), "Expected a numeric error code").ThrowAsJavaScriptException();
    return false;
  }
  *code = info[0].As<Napi::Number>().Int32Value();
  return true;
}

Napi::Value EasyStrerror(const Napi::CallbackInfo& info) {
  int code;
  if (!CodeArg(info, &code)) return info.Env().Undefined();
  return Napi::String::New(info.Env(), curl_easy_strerror(static_cast<CURLcode>(code)));
}

Napi::Value MultiStrerror(const Napi::CallbackInfo& info) {
  int code;
  if (!CodeArg(info, &code)) return info.Env().Undefined();
  return Napi::String::New(info.Env(), curl_multi_strerror(static_cast<CURLMcode>(code)));
}

Napi::Value ShareStrerror(const Napi::CallbackInfo& info) {
  int code;
  if (!CodeArg(info, &code)) return info.Env().Undefined();
  return Napi::String::New(info.Env(), curl_share_strerror(static_cast<CURLSHcode>(code)));
}

Napi::Value UrlStrerror(const Napi::CallbackInfo& info) {
  int code;
  if (!CodeArg(info, &code)) return info.Env().Undefined();
  return Napi::String::New(info.Env(), curl_url_strerror(static_cast<CURLUcode>(code)));
}

Napi::Value GlibVersion(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), std::to_string(glib_major_version) + "." + std::to_string(glib_minor_version) +
                                           "." + std::to_string(glib_micro_version));
}

}  // namespace

void InitCurlVersion(Napi::Env env, Napi::Object exports) {
  exports.Set("curl_version", Napi::Function::New<CurlVersion>(env, "curl_version"));
  exports.Set("curl_version_info", Napi::Function::New<CurlVersionInfo>(env, "curl_version_info"));
  exports.Set("curl_easy_strerror", Napi::Function::New<EasyStrerror>(env, "curl_easy_strerror"));
  exports.Set("curl_multi_strerror", Napi::Function::New<MultiStrerror>(env, "curl_multi_strerror"));
  exports.Set("curl_share_strerror", Napi::Function::New<ShareStrerror>(env, "curl_share_strerror"));
  exports.Set("curl_url_strerror", Napi::Function::New<UrlStrerror>(env, "curl_url_strerror"));
  exports.Set("glib_version", Napi::Function::New<GlibVersion>(env, "glib_version"));
}

}  // namespace curlio
