#include "curl/urlapi.h"

#include "curl/functions.h"

namespace curlio {

void UrlHandle::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(env, "Url",
                                    {
                                        InstanceMethod<&UrlHandle::Set>("set"),
                                        InstanceMethod<&UrlHandle::Get>("get"),
                                        InstanceMethod<&UrlHandle::Dup>("dup"),
                                        InstanceMethod<&UrlHandle::Cleanup>("cleanup"),
                                        InstanceMethod<&UrlHandle::IsClosed>("isClosed"),
                                    });
  GetAddonData(env)->constructors["Url"] = Napi::Persistent(ctor);
  exports.Set("Url", ctor);
}

UrlHandle* UrlHandle::FromValue(Napi::Value value) {
  Napi::Env env = value.Env();
  if (value.IsObject() && value.As<Napi::Object>().InstanceOf(GetAddonData(env)->constructors.at("Url").Value())) {
    UrlHandle* url = Napi::ObjectWrap<UrlHandle>::Unwrap(value.As<Napi::Object>());
    if (url != nullptr && !url->cleaned_up_ && url->url_ != nullptr) return url;
    ThrowError(env, "The CURLU handle is cleaned up (curl_url_cleanup was called)", "ERR_CURL_CLOSED");
    return nullptr;
  }
  ThrowTypeError(env, "Expected a CURLU handle (from curl_url)");
  return nullptr;
}

// new Url() is curl_url(); curl_url_dup hands its copy over through AddonData::adopt_next.
UrlHandle::UrlHandle(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<UrlHandle>(info), data_(GetAddonData(info.Env())) {
  if (data_->adopt_next != nullptr) {
    url_ = static_cast<CURLU*>(data_->adopt_next);
    data_->adopt_next = nullptr;
  } else {
    url_ = curl_url();
  }
  if (url_ == nullptr) {
    ThrowError(info.Env(), "curl_url failed (out of memory)", "CURLUE_OUT_OF_MEMORY");
    return;
  }
  data_->Register(this);
}

UrlHandle::~UrlHandle() {
  CloseResource();
  data_->Unregister(this);
}

void UrlHandle::CloseResource() {
  if (url_ == nullptr) return;
  curl_url_cleanup(url_);
  url_ = nullptr;
  cleaned_up_ = true;
}

Napi::Value UrlHandle::IsClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), cleaned_up_);
}

Napi::Value UrlHandle::Cleanup(const Napi::CallbackInfo& info) {
  cleaned_up_ = true;
  return info.Env().Undefined();
}

// set(part, content | null, flags) -> CURLUcode
Napi::Value UrlHandle::Set(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (cleaned_up_) return Napi::Number::New(env, CURLUE_BAD_HANDLE);
  int64_t part, flags;
  if (!ArgInt(info, 0, "what (CURLUPART_*)", &part) || !ArgInt(info, 2, "flags", &flags)) return env.Undefined();
  if (info[1].IsNull() || info[1].IsUndefined()) {
    return Napi::Number::New(env,
                             curl_url_set(url_, static_cast<CURLUPart>(part), nullptr, static_cast<unsigned>(flags)));
  }
  std::string content;
  if (!ArgString(info, 1, "part", &content)) return env.Undefined();
  return Napi::Number::New(
      env, curl_url_set(url_, static_cast<CURLUPart>(part), content.c_str(), static_cast<unsigned>(flags)));
}

// get(part, flags) -> [CURLUcode, string | undefined]
Napi::Value UrlHandle::Get(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array result = Napi::Array::New(env, 2);
  if (cleaned_up_) {
    result.Set(0u, Napi::Number::New(env, CURLUE_BAD_HANDLE));
    return result;
  }
  int64_t part, flags;
  if (!ArgInt(info, 0, "what (CURLUPART_*)", &part) || !ArgInt(info, 1, "flags", &flags)) return env.Undefined();
  char* value = nullptr;
  CURLUcode code = curl_url_get(url_, static_cast<CURLUPart>(part), &value, static_cast<unsigned>(flags));
  result.Set(0u, Napi::Number::New(env, code));
  if (value != nullptr) {
    result.Set(1u, Napi::String::New(env, value));
    curl_free(value);
  }
  return result;
}

Napi::Value UrlHandle::Dup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (cleaned_up_) return env.Null();
  CURLU* copy = curl_url_dup(url_);
  if (copy == nullptr) return env.Null();
  data_->adopt_next = copy;
  Napi::Object result = data_->New("Url");
  if (data_->adopt_next != nullptr) {  // the constructor did not run (an exception)
    curl_url_cleanup(copy);
    data_->adopt_next = nullptr;
    return env.Undefined();
  }
  return result;
}

void InitUrl(Napi::Env env, Napi::Object exports) {
  UrlHandle::Init(env, exports);
}

}  // namespace curlio
