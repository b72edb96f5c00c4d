// JavaScript values as the easy handle's methods read them: what an error message calls a
// value, and a C integer from a number, boolean or bigint. Shared by easy.cc (pause),
// setopt.cc, getinfo.cc and the callbacks, whose messages must name values alike.
#pragma once

#include <napi.h>

#include <cstdint>

namespace curlio {

// "a string", "null", "an array", "a Buffer"...: for "but received <TypeOf>" in a TypeError.
const char* TypeOf(Napi::Value value);

// An integer (long or curl_off_t) from a number without a fraction, a boolean (C's 0/1) or
// a bigint; false, `out` unspecified, for anything else or a value out of int64_t's range.
bool ToInt64(Napi::Value value, int64_t* out);

}  // namespace curlio
