#include "curl/js_values.h"

namespace curlio {

const char* TypeOf(Napi::Value value) {
  switch (value.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_number: return "a number";
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    case napi_bigint: return "a bigint";
    default: return value.IsArray() ? "an array" : value.IsBuffer() ? "a Buffer" : "an object";
  }
}

bool ToInt64(Napi::Value value, int64_t* out) {
  if (value.IsNumber()) {
    double d = value.As<Napi::Number>().DoubleValue();
    if (d != d || d > 9.2e18 || d < -9.2e18) return false;
    *out = static_cast<int64_t>(d);
    return static_cast<double>(*out) == d;
  }
  if (value.IsBoolean()) {
    *out = value.As<Napi::Boolean>().Value() ? 1 : 0;
    return true;
  }
  if (value.IsBigInt()) {
    bool lossless = false;
    *out = value.As<Napi::BigInt>().Int64Value(&lossless);
    return lossless;
  }
  return false;
}

}  // namespace curlio
