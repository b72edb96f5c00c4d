// A URL handle (CURLU *): curl_url, curl_url_set, curl_url_get, curl_url_dup,
// curl_url_cleanup, and the handle behind CURLOPT_CURLU.
#pragma once

#include <curl/curl.h>

#include "addon.h"

namespace curlio {

class UrlHandle : public Napi::ObjectWrap<UrlHandle>, public Resource {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  static UrlHandle* FromValue(Napi::Value value);  // nullptr (and a TypeError) if not a usable Url

  explicit UrlHandle(const Napi::CallbackInfo& info);
  ~UrlHandle() override;
  void CloseResource() override;

  CURLU* url() const { return url_; }

 private:
  Napi::Value Set(const Napi::CallbackInfo& info);
  Napi::Value Get(const Napi::CallbackInfo& info);
  Napi::Value Dup(const Napi::CallbackInfo& info);
  Napi::Value Cleanup(const Napi::CallbackInfo& info);
  Napi::Value IsClosed(const Napi::CallbackInfo& info);

  AddonData* data_;
  CURLU* url_ = nullptr;
  // curl_url_cleanup was called. The CURLU itself lives on until the object goes: an easy
  // handle that has it as CURLOPT_CURLU reads it at its next transfer (C leaves that to
  // the programmer; here it must not be a use after free).
  bool cleaned_up_ = false;
};

}  // namespace curlio
