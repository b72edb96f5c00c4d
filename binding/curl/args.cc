// Argument checks for libcurl's free functions (see functions.h): each throws a TypeError
// that names the argument and what it received.
#include <string>

#include "curl/easy.h"
#include "curl/functions.h"

namespace curlio {

bool ArgInt(const Napi::CallbackInfo& info, size_t i, const char* name, int64_t* out) {
  Napi::Value value = info[i];
  if (value.IsNumber()) {
    double d = value.As<Napi::Number>().DoubleValue();
    if (d == d && d < 9.2e18 && d > -9.2e18 && d == static_cast<double>(static_cast<int64_t>(d))) {
      *out = static_cast<int64_t>(d);
      return true;
    }
  } else if (value.IsBoolean()) {
    *out = value.As<Napi::Boolean>().Value() ? 1 : 0;
    return true;
  }
  ThrowTypeError(info.Env(), std::string("Expected an integer for ") + name);
  return false;
}

bool ArgString(const Napi::CallbackInfo& info, size_t i, const char* name, std::string* out) {
  Napi::Value value = info[i];
  if (!value.IsString()) {
    ThrowTypeError(info.Env(), std::string("Expected a string for ") + name);
    return false;
  }
  *out = value.As<Napi::String>().Utf8Value();
  if (out->find('\0') != std::string::npos) {
    ThrowTypeError(info.Env(), std::string("The string for ") + name + " contains a NUL byte");
    return false;
  }
  return true;
}

void* ArgCurl(const Napi::CallbackInfo& info, size_t i) {
  EasyHandle* easy = EasyHandle::Unwrap(info[i]);
  if (easy == nullptr) return nullptr;
  if (easy->closed()) {
    ThrowError(info.Env(), "The easy handle is closed (curl_easy_cleanup was called)", "ERR_CURL_CLOSED");
    return nullptr;
  }
  if (easy->RefuseOnIoThread(info.Env())) return nullptr;  // another thread runs it now
  return easy->curl();
}

}  // namespace curlio
