#include "gio/init.h"

#include <gio/gio.h>

#include "gio/error.h"
#include "gio/messages.h"
#include "gio/socket.h"

namespace curlio {

// setErrorClass(GioError): how GErrors become JavaScript errors in this environment.
static Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) {
    ThrowTypeError(info.Env(), "Expected the GioError class");
    return info.Env().Undefined();
  }
  gio::SetErrorClass(info.Env(), info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

// credentialsCurrent() → this process's { pid, uid, gid } (g_credentials_new).
static Napi::Value CredentialsCurrent(const Napi::CallbackInfo& info) {
  GCredentials* credentials = g_credentials_new();
  Napi::Value out = gio::CredentialsToJs(info.Env(), credentials);
  g_object_unref(credentials);
  return out;
}

void InitGio(Napi::Env env, Napi::Object exports) {
  Napi::Object gio = Napi::Object::New(env);
  gio.Set("setErrorClass", Napi::Function::New(env, SetErrorClass, "setErrorClass"));
  gio.Set("credentialsCurrent", Napi::Function::New(env, CredentialsCurrent, "credentialsCurrent"));
  gio.Set("maxFdsPerMessage", Napi::Number::New(env, gio::kMaxFdsPerMessage));
  gio::GioSocket::Init(env, gio);
  exports.Set("gio", gio);
}

}  // namespace curlio
