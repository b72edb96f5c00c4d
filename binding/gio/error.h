// GError → GioError: every GLib error reaches JavaScript with its domain and code.
#pragma once

#include <gio/gio.h>
#include <napi.h>

namespace curlio::gio {

// The JavaScript GioError class, registered once per environment by lib/gio/errors.ts.
void SetErrorClass(Napi::Env env, Napi::Function error_class);

// A GioError for `error` (not freed).
Napi::Value GErrorToJs(Napi::Env env, const GError* error);

// Throws a GioError for `error` and frees it. Callers return right after.
void ThrowGError(Napi::Env env, GError* error);

// GIO's own error for operations on a closed socket (check_socket() in gsocket.c).
void ThrowClosed(Napi::Env env);

// Calls `function` from a uv callback: runs microtasks afterwards, and reports an exception
// the way Node reports one thrown from an event handler. False when the call could not
// run at all (the environment is terminating): whatever was being handed over was not.
bool MakeCallback(Napi::Env env, const Napi::FunctionReference& function, std::initializer_list<napi_value> args);

}  // namespace curlio::gio
