#include "gio/address.h"

#include <gio/gunixsocketaddress.h>

#include <string>

#include "addon.h"
#include "gio/args.h"

namespace curlio::gio {

GInetAddress* InetAddressFromJs(Napi::Env env, Napi::Value value, const char* what) {
  if (!value.IsString()) {
    ThrowTypeError(env, std::string("Expected an IP address string for ") + what);
    return nullptr;
  }
  std::string text = value.As<Napi::String>().Utf8Value();
  GInetAddress* address = g_inet_address_new_from_string(text.c_str());
  if (address == nullptr) {
    ThrowTypeError(env, std::string("Expected an IPv4 or IPv6 address for ") + what + " but received '" + text + "'");
  }
  return address;
}

// An optional unsigned field of an address object (undefined: 0); false with a TypeError.
static bool UintField(Napi::Env env, Napi::Object object, const char* name, uint32_t* out) {
  Napi::Value value = object.Get(name);
  if (value.IsUndefined()) {
    *out = 0;
    return true;
  }
  return ReadUint32(env, value, (std::string("address.") + name).c_str(), out);
}

GSocketAddress* AddressFromJs(Napi::Env env, Napi::Value value, const char* what) {
  if (!value.IsObject() || !value.As<Napi::Object>().Get("family").IsNumber()) {
    ThrowTypeError(env, std::string("Expected a SocketAddress for ") + what);
    return nullptr;
  }
  Napi::Object object = value.As<Napi::Object>();
  int family = object.Get("family").As<Napi::Number>().Int32Value();
  if (family == G_SOCKET_FAMILY_UNIX) {
    Napi::Value path = object.Get("path");
    if (!path.IsBuffer()) {
      ThrowTypeError(env, std::string("Expected a UnixSocketAddress path Buffer for ") + what);
      return nullptr;
    }
    auto bytes = path.As<Napi::Buffer<char>>();
    uint32_t address_type;
    if (!UintField(env, object, "addressType", &address_type)) return nullptr;
    if (address_type > G_UNIX_SOCKET_ADDRESS_ABSTRACT_PADDED) {
      ThrowTypeError(env, std::string("Expected a UnixSocketAddressType for ") + what + ".addressType but received " +
                              std::to_string(address_type));
      return nullptr;
    }
    auto type = static_cast<GUnixSocketAddressType>(address_type);
    if (type == G_UNIX_SOCKET_ADDRESS_INVALID) type = G_UNIX_SOCKET_ADDRESS_PATH;
    return g_unix_socket_address_new_with_type(BufferData(bytes), static_cast<gint>(bytes.Length()), type);
  }
  if (family == G_SOCKET_FAMILY_IPV4 || family == G_SOCKET_FAMILY_IPV6) {
    uint32_t port, flowinfo, scope_id;
    if (!UintField(env, object, "port", &port) || !UintField(env, object, "flowinfo", &flowinfo) ||
        !UintField(env, object, "scopeId", &scope_id)) {
      return nullptr;
    }
    if (port > 65535) {
      ThrowTypeError(env,
                     std::string("Expected a port (0-65535) for ") + what + " but received " + std::to_string(port));
      return nullptr;
    }
    GInetAddress* inet = InetAddressFromJs(env, object.Get("address"), what);
    if (inet == nullptr) return nullptr;
    // g_inet_socket_address_new() has no flowinfo/scope-id parameters; the properties do.
    auto* address = static_cast<GSocketAddress*>(g_object_new(G_TYPE_INET_SOCKET_ADDRESS, "address", inet, "port", port,
                                                              "flowinfo", flowinfo, "scope-id", scope_id, nullptr));
    g_object_unref(inet);
    return address;
  }
  ThrowTypeError(env, std::string("Expected a UNIX, IPv4 or IPv6 SocketAddress for ") + what);
  return nullptr;
}

Napi::Value AddressToJs(Napi::Env env, GSocketAddress* address) {
  if (address == nullptr) return env.Null();
  Napi::Object out = Napi::Object::New(env);
  out.Set("family", Napi::Number::New(env, g_socket_address_get_family(address)));
  if (G_IS_UNIX_SOCKET_ADDRESS(address)) {
    auto* unix_address = G_UNIX_SOCKET_ADDRESS(address);
    out.Set("path", Napi::Buffer<char>::Copy(env, g_unix_socket_address_get_path(unix_address),
                                             g_unix_socket_address_get_path_len(unix_address)));
    out.Set("addressType", Napi::Number::New(env, g_unix_socket_address_get_address_type(unix_address)));
  } else if (G_IS_INET_SOCKET_ADDRESS(address)) {
    auto* inet_socket_address = G_INET_SOCKET_ADDRESS(address);
    gchar* text = g_inet_address_to_string(g_inet_socket_address_get_address(inet_socket_address));
    out.Set("address", text);
    g_free(text);
    out.Set("port", Napi::Number::New(env, g_inet_socket_address_get_port(inet_socket_address)));
    // IPv6 only: GIO's getters log a GLib-GIO-CRITICAL for an IPv4 address (and return 0).
    bool ipv6 = g_socket_address_get_family(address) == G_SOCKET_FAMILY_IPV6;
    out.Set("flowinfo", Napi::Number::New(env, ipv6 ? g_inet_socket_address_get_flowinfo(inet_socket_address) : 0));
    out.Set("scopeId", Napi::Number::New(env, ipv6 ? g_inet_socket_address_get_scope_id(inet_socket_address) : 0));
  }
  return out;
}

}  // namespace curlio::gio
