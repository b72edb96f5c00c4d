// curl_easy_escape / curl_easy_unescape (and the legacy curl_escape / curl_unescape,
// which are the same without a handle). Bytes in, as C takes a char * and a length.
#include <curl/curl.h>

#include "addon.h"
#include "curl/functions.h"

namespace curlio {

namespace {

// (easy | null, string | Buffer, length) -> the bytes libcurl reads: `length` 0 means all
// of them, as C's strlen.
bool InputBytes(const Napi::CallbackInfo& info, std::string* bytes, CURL** curl) {
  Napi::Env env = info.Env();
  *curl = nullptr;
  if (!info[0].IsNull() && !info[0].IsUndefined()) {
    *curl = static_cast<CURL*>(ArgCurl(info, 0));
    if (*curl == nullptr) return false;
  }
  if (info[1].IsString()) {
    *bytes = info[1].As<Napi::String>().Utf8Value();
  } else if (info[1].IsBuffer()) {
    auto buffer = info[1].As<Napi::Buffer<char>>();
    bytes->assign(buffer.Data(), buffer.Length());
  } else {
    ThrowTypeError(env, "Expected a string or Buffer for the string to convert");
    return false;
  }
  int64_t length = 0;
  if (!info[2].IsUndefined() && !ArgInt(info, 2, "length", &length)) return false;
  if (length < 0) {
    ThrowTypeError(env, "Expected a non-negative length");
    return false;
  }
  if (length > 0 && static_cast<size_t>(length) < bytes->size()) bytes->resize(static_cast<size_t>(length));
  return true;
}

Napi::Value Escape(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string bytes;
  CURL* curl;
  if (!InputBytes(info, &bytes, &curl)) return env.Undefined();
  // Empty input: libcurl would read strlen("") anyway; length 0 must not mean "all" here.
  char* out = curl_easy_escape(curl, bytes.empty() ? "" : bytes.data(), static_cast<int>(bytes.size()));
  if (out == nullptr) return env.Null();
  Napi::String result = Napi::String::New(env, out);
  curl_free(out);
  return result;
}

// -> [string | null, outlength]: the decoded bytes as UTF-8 text, and their count.
Napi::Value Unescape(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string bytes;
  CURL* curl;
  if (!InputBytes(info, &bytes, &curl)) return env.Undefined();
  int length = 0;
  char* out = curl_easy_unescape(curl, bytes.data(), static_cast<int>(bytes.size()), &length);
  Napi::Array result = Napi::Array::New(env, 2);
  if (out == nullptr) {
    result.Set(0u, env.Null());
    result.Set(1u, 0);
    return result;
  }
  result.Set(0u, Napi::String::New(env, out, static_cast<size_t>(length)));
  result.Set(1u, length);
  curl_free(out);
  return result;
}

}  // namespace

void InitEscape(Napi::Env env, Napi::Object exports) {
  exports.Set("curl_easy_escape", Napi::Function::New<Escape>(env, "curl_easy_escape"));
  exports.Set("curl_easy_unescape", Napi::Function::New<Unescape>(env, "curl_easy_unescape"));
}

}  // namespace curlio
