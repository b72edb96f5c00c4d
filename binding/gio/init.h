// GLib/GIO sockets: GSocket, GUnixConnection, GCredentials, GSocketAddress.
// (Not named gio.h: binding/ is on the include path, and a binding/gio/gio.h would shadow
// GLib's own <gio/gio.h>.)
#pragma once

#include <napi.h>

namespace curlio {

void InitGio(Napi::Env env, Napi::Object exports);

}  // namespace curlio
