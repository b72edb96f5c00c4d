// GLib/GIO sockets: GSocket, GUnixConnection, GCredentials, GSocketAddress.
//
// This file's path shadows GLib's own <gio/gio.h> (binding/ comes first on the include path,
// and GLib's gio-unix headers include <gio/gio.h> themselves), so it passes the include on
// to GLib's header. Files here include <gio/gio.h> and get both.
#pragma once

#include_next <gio/gio.h>
#include <napi.h>

namespace curlio {

void InitGio(Napi::Env env, Napi::Object exports);

}  // namespace curlio
