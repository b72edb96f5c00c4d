// curl_getdate: libcurl's date parser (RFC 822/850/1123, asctime...).
#include <curl/curl.h>

#include "addon.h"
#include "curl/functions.h"

namespace curlio {

namespace {

Napi::Value GetDate(const Napi::CallbackInfo& info) {
  std::string text;
  if (!ArgString(info, 0, "datestring", &text)) return info.Env().Undefined();
  // The second argument is unused by libcurl (always NULL).
  return Napi::Number::New(info.Env(), static_cast<double>(curl_getdate(text.c_str(), nullptr)));
}

}  // namespace

void InitParsedate(Napi::Env env, Napi::Object exports) {
  exports.Set("curl_getdate", Napi::Function::New<GetDate>(env, "curl_getdate"));
}

}  // namespace curlio
