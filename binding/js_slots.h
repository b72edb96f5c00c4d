// JavaScript values a native object keeps (callbacks, user data, assigned values) live in
// a plain object stored on the object's own wrapper, reached from C++ through a weak
// reference. A callback that captures its own handle then forms a cycle the GC can
// collect; a strong napi reference would be a root and keep the handle forever.
#pragma once

#include <napi.h>

#include <cstdint>
#include <unordered_set>

namespace curlio {

class JsSlots {
 public:
  // `owner` gets a hidden, non-enumerable property `name` holding the values.
  void Attach(Napi::Object owner, const char* name);
  void Set(uint32_t slot, Napi::Value value);  // undefined or null clears the slot
  Napi::Value Get(uint32_t slot) const;        // undefined when unset
  bool Has(uint32_t slot) const { return slots_.count(slot) > 0; }
  bool Empty() const { return slots_.empty(); }
  template <typename F>
  void ForEach(F f) const {
    for (uint32_t slot : slots_) f(slot, Get(slot));
  }
  // Drops every value (when JavaScript can still run) and forgets the holder.
  void Clear(bool can_call_js);

 private:
  napi_env env_ = nullptr;
  Napi::ObjectReference holder_;  // weak: the owner keeps the holder alive
  std::unordered_set<uint32_t> slots_;
};

}  // namespace curlio
