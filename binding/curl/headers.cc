// curl_easy_header / curl_easy_nextheader (libcurl 7.83+): the headers of the last
// transfer, each as { name, value, amount, index, origin } (struct curl_header).
#include <curl/curl.h>

#include "addon.h"
#include "curl/functions.h"

namespace curlio {

namespace {

Napi::Object ToJs(Napi::Env env, const curl_header* h, uint32_t position) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", h->name);
  o.Set("value", h->value);
  o.Set("amount", static_cast<double>(h->amount));
  o.Set("index", static_cast<double>(h->index));
  o.Set("origin", h->origin);
  // Where nextheader resumes: libcurl's own `prev` is a pointer into its list, valid only
  // until the next call, so the JavaScript object carries its position instead.
  o.Set("_position", position);
  return o;
}

// (easy, name, index, origin, request) -> [CURLHcode, header | undefined]
Napi::Value Header(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CURL* curl = static_cast<CURL*>(ArgCurl(info, 0));
  if (curl == nullptr) return env.Undefined();
  std::string name;
  int64_t index, origin, request;
  if (!ArgString(info, 1, "name", &name) || !ArgInt(info, 2, "index", &index) || !ArgInt(info, 3, "origin", &origin) ||
      !ArgInt(info, 4, "request", &request))
    return env.Undefined();
  if (index < 0) {
    ThrowTypeError(env, "Expected a non-negative index");
    return env.Undefined();
  }
  curl_header* h = nullptr;
  CURLHcode code = curl_easy_header(curl, name.c_str(), static_cast<size_t>(index), static_cast<unsigned>(origin),
                                    static_cast<int>(request), &h);
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, Napi::Number::New(env, code));
  if (code == CURLHE_OK && h != nullptr) result.Set(1u, ToJs(env, h, 0));
  return result;
}

// (easy, origin, request, position) -> the header after `position` headers, or null.
Napi::Value NextHeader(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CURL* curl = static_cast<CURL*>(ArgCurl(info, 0));
  if (curl == nullptr) return env.Undefined();
  int64_t origin, request, position;
  if (!ArgInt(info, 1, "origin", &origin) || !ArgInt(info, 2, "request", &request) ||
      !ArgInt(info, 3, "position", &position))
    return env.Undefined();
  if (position < 0) {
    ThrowTypeError(env, "Expected a non-negative position");
    return env.Undefined();
  }
  curl_header* h = nullptr;
  for (int64_t i = 0; i <= position; i++) {
    h = curl_easy_nextheader(curl, static_cast<unsigned>(origin), static_cast<int>(request), h);
    if (h == nullptr) return env.Null();
  }
  return ToJs(env, h, static_cast<uint32_t>(position + 1));
}

}  // namespace

void InitHeaders(Napi::Env env, Napi::Object exports) {
  exports.Set("curl_easy_header", Napi::Function::New<Header>(env, "curl_easy_header"));
  exports.Set("curl_easy_nextheader", Napi::Function::New<NextHeader>(env, "curl_easy_nextheader"));
}

}  // namespace curlio
