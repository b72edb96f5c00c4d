// GSocketAddress ↔ the plain descriptors lib/gio/address.ts builds and reads:
//   { family: 1, path: string, addressType: GUnixSocketAddressType }
//   { family: 2 | 10, address: string, port, flowinfo, scopeId }
#pragma once

#include <gio/gio.h>
#include <napi.h>

namespace curlio::gio {

// A new GSocketAddress, or nullptr with a TypeError thrown (names `what`).
GSocketAddress* AddressFromJs(Napi::Env env, Napi::Value value, const char* what);

// A descriptor for `address`; null for nullptr.
Napi::Value AddressToJs(Napi::Env env, GSocketAddress* address);

// A new GInetAddress from its string form, or nullptr with a TypeError thrown.
GInetAddress* InetAddressFromJs(Napi::Env env, Napi::Value value, const char* what);

}  // namespace curlio::gio
