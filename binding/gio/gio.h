// GLib/GIO sockets: GSocket, GUnixConnection, GCredentials, GSocketAddress.
#pragma once

#include <napi.h>

namespace curlio {

void InitGio(Napi::Env env, Napi::Object exports);

}  // namespace curlio
