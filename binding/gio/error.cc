#include "gio/error.h"

#include "addon.h"

namespace curlio::gio {

static constexpr const char* kErrorClass = "GioError";

void SetErrorClass(Napi::Env env, Napi::Function error_class) {
  GetAddonData(env)->constructors[kErrorClass] = Napi::Persistent(error_class);
}

Napi::Value GErrorToJs(Napi::Env env, const GError* error) {
  const char* domain = g_quark_to_string(error->domain);
  Napi::String message = Napi::String::New(env, error->message != nullptr ? error->message : "");
  auto& constructors = GetAddonData(env)->constructors;
  auto found = constructors.find(kErrorClass);
  if (found != constructors.end()) {
    return found->second.New({message, Napi::String::New(env, domain), Napi::Number::New(env, error->code)});
  }
  // Only before lib/gio has loaded (the raw addon used directly): same fields, plain Error.
  Napi::Error plain = Napi::Error::New(env, error->message);
  plain.Set("domain", domain);
  plain.Set("code", Napi::Number::New(env, error->code));
  return plain.Value();
}

void ThrowGError(Napi::Env env, GError* error) {
  // A GIO call that failed without saying why (g_return_val_if_fail paths): still an error.
  if (error == nullptr) error = g_error_new_literal(G_IO_ERROR, G_IO_ERROR_FAILED, "Operation failed");
  Napi::Value value = GErrorToJs(env, error);
  g_error_free(error);
  if (env.IsExceptionPending()) return;
  napi_throw(env, value);
}

void ThrowClosed(Napi::Env env) {
  ThrowGError(env, g_error_new_literal(G_IO_ERROR, G_IO_ERROR_CLOSED, "Socket is already closed"));
}

bool MakeCallback(Napi::Env env, const Napi::FunctionReference& function, std::initializer_list<napi_value> args) {
  napi_value result = function.MakeCallback(env.Global(), args);
  if (env.IsExceptionPending()) {
    Napi::Error error = env.GetAndClearPendingException();
    napi_fatal_exception(env, error.Value());
    return true;  // the callback ran: what it received is its own
  }
  return result != nullptr;
}

}  // namespace curlio::gio
