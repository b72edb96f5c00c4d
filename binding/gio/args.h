// Values C++ reads from JavaScript, each checked before it is read. lib/gio validates every
// argument first; these catch an internal call gone wrong, which must be a TypeError that
// names the argument, never a default (a string read as a number is 0: fd 0 sent to a peer).
// napi_get_value_int32 and friends on a value of the wrong type only fail quietly, and
// As<T>() does not check at all unless NODE_ADDON_API_ENABLE_TYPE_CHECK_ON_AS is defined (the
// sanitizer build defines it, so an unchecked read aborts there).
#pragma once

#include <gio/gio.h>
#include <napi.h>

#include <cstdint>
#include <string>

namespace curlio::gio {

// How an error message names what was received: "string", "3.5", "undefined".
std::string Describe(Napi::Value value);

// Each returns false with a TypeError ("Expected <kind> for <what> but received <value>")
// and leaves `out` alone when `value` is not what it reads.
bool ReadInt32(Napi::Env env, Napi::Value value, const char* what, int32_t* out);
bool ReadUint32(Napi::Env env, Napi::Value value, const char* what, uint32_t* out);
bool ReadInt64(Napi::Env env, Napi::Value value, const char* what, int64_t* out);
// A non-negative int32: a file descriptor.
bool ReadFd(Napi::Env env, Napi::Value value, const char* what, int* out);
bool ReadString(Napi::Env env, Napi::Value value, const char* what, std::string* out);
bool ReadBoolean(Napi::Env env, Napi::Value value, const char* what, bool* out);
// undefined reads as `fallback`.
bool ReadOptionalInt32(Napi::Env env, Napi::Value value, const char* what, int32_t fallback, int32_t* out);
// A GIOCondition: a non-empty set of G_IO_IN | G_IO_OUT | G_IO_PRI | G_IO_ERR | G_IO_HUP |
// G_IO_NVAL (an empty one would wait for nothing, forever).
bool ReadCondition(Napi::Env env, Napi::Value value, const char* what, GIOCondition* out);

// A Buffer's memory for GIO: an empty Buffer may have none (nullptr), and GIO's send and
// receive calls assert `buffer != NULL` even for 0 bytes (a CRITICAL, then -1 with no GError).
char* BufferData(Napi::Buffer<char> buffer);

}  // namespace curlio::gio
