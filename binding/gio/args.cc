#include "gio/args.h"

#include <cmath>
#include <limits>

#include "addon.h"

namespace curlio::gio {

std::string Describe(Napi::Value value) {
  switch (value.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "boolean";
    case napi_number: return value.ToString().Utf8Value();
    case napi_string: return "string";
    case napi_symbol: return "symbol";
    case napi_function: return "function";
    case napi_bigint: return "bigint";
    default: return value.IsArray() ? "array" : "object";
  }
}

static bool Fail(Napi::Env env, Napi::Value value, const char* kind, const char* what) {
  ThrowTypeError(env, std::string("Expected ") + kind + " for " + what + " but received " + Describe(value));
  return false;
}

// An integral double in [low, high].
static bool ReadIntegral(Napi::Value value, double low, double high, double* out) {
  if (!value.IsNumber()) return false;
  double number = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(number) || std::trunc(number) != number || number < low || number > high) return false;
  *out = number;
  return true;
}

bool ReadInt32(Napi::Env env, Napi::Value value, const char* what, int32_t* out) {
  double number;
  if (!ReadIntegral(value, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), &number)) {
    return Fail(env, value, "a 32-bit integer", what);
  }
  *out = static_cast<int32_t>(number);
  return true;
}

bool ReadUint32(Napi::Env env, Napi::Value value, const char* what, uint32_t* out) {
  double number;
  if (!ReadIntegral(value, 0, std::numeric_limits<uint32_t>::max(), &number)) {
    return Fail(env, value, "an unsigned 32-bit integer", what);
  }
  *out = static_cast<uint32_t>(number);
  return true;
}

bool ReadInt64(Napi::Env env, Napi::Value value, const char* what, int64_t* out) {
  double number;
  // Doubles hold integers exactly up to 2^53.
  if (!ReadIntegral(value, -9007199254740991.0, 9007199254740991.0, &number)) {
    return Fail(env, value, "a safe integer", what);
  }
  *out = static_cast<int64_t>(number);
  return true;
}

bool ReadFd(Napi::Env env, Napi::Value value, const char* what, int* out) {
  double number;
  if (!ReadIntegral(value, 0, std::numeric_limits<int32_t>::max(), &number)) {
    return Fail(env, value, "a file descriptor (a non-negative integer)", what);
  }
  *out = static_cast<int>(number);
  return true;
}

bool ReadString(Napi::Env env, Napi::Value value, const char* what, std::string* out) {
  if (!value.IsString()) return Fail(env, value, "a string", what);
  *out = value.As<Napi::String>().Utf8Value();
  return true;
}

bool ReadBoolean(Napi::Env env, Napi::Value value, const char* what, bool* out) {
  if (!value.IsBoolean()) return Fail(env, value, "a boolean", what);
  *out = value.As<Napi::Boolean>().Value();
  return true;
}

bool ReadOptionalInt32(Napi::Env env, Napi::Value value, const char* what, int32_t fallback, int32_t* out) {
  if (value.IsUndefined()) {
    *out = fallback;
    return true;
  }
  return ReadInt32(env, value, what, out);
}

bool ReadCondition(Napi::Env env, Napi::Value value, const char* what, GIOCondition* out) {
  constexpr uint32_t kAll = G_IO_IN | G_IO_OUT | G_IO_PRI | G_IO_ERR | G_IO_HUP | G_IO_NVAL;
  double number;
  if (!ReadIntegral(value, 1, kAll, &number) || (static_cast<uint32_t>(number) & ~kAll) != 0) {
    return Fail(env, value, "an IOCondition (a non-empty set of IN, OUT, PRI, ERR, HUP, NVAL)", what);
  }
  *out = static_cast<GIOCondition>(number);
  return true;
}

char* BufferData(Napi::Buffer<char> buffer) {
  static char empty;
  char* data = buffer.Data();
  return data != nullptr ? data : &empty;
}

}  // namespace curlio::gio
