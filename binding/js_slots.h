// JavaScript values a native object keeps (callbacks, user data, assigned values) live in
// a plain object stored on the object's own wrapper, reached from C++ through a weak
// reference. A callback that captures its own handle then forms a cycle the GC can
// collect; a strong napi reference would be a root and keep the handle forever.
//
// Reading a slot is on the hot path (every JavaScript callback libcurl makes reads one or
// two), so an object value also gets a weak reference of its own: one
// napi_get_reference_value instead of fetching the holder and one of its elements (about
// 350 instructions more, most of it napi_get_element's exception scope). The holder still
// keeps the value alive; primitives, which Node-API 8 cannot reference, are read from it.
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

namespace curlio {

class JsSlots {
 public:
  JsSlots() = default;
  JsSlots(const JsSlots&) = delete;
  JsSlots& operator=(const JsSlots&) = delete;
  ~JsSlots();

  // `owner` gets a hidden, non-enumerable property `name` holding the values.
  void Attach(Napi::Object owner, const char* name);
  // The same, made at the first Set: most easy handles (Multi.perform's, Session's) never
  // hold a JavaScript value, and the holder and its weak reference cost them about 150
  // bytes each, 1.5 MB at 10,000 in flight. `owner` (an ObjectWrap) outlives these slots.
  void AttachOnFirstSet(const Napi::Reference<Napi::Object>* owner, const char* name);
  void Set(uint32_t slot, Napi::Value value);  // undefined or null clears the slot
  Napi::Value Get(uint32_t slot) const;        // undefined when unset
  bool Has(uint32_t slot) const { return Find(slot) != nullptr; }
  bool Empty() const { return slots_.empty(); }
  template <typename F>
  void ForEach(F f) const {
    for (const Entry& entry : slots_) f(entry.id, Get(entry.id));
  }
  // Drops every value (from the holder too when JavaScript can still run) and forgets them.
  void Clear(bool can_call_js);

 private:
  struct Entry {
    uint32_t id;
    napi_ref fast;  // weak, to an object value; nullptr for a primitive
  };
  // A handful of slots at most: a linear search beats hashing, and costs no allocation.
  const Entry* Find(uint32_t slot) const;
  void DropFast(Entry& entry);

  bool MakeHolder();

  napi_env env_ = nullptr;
  Napi::ObjectReference holder_;                          // weak: the owner keeps the holder alive
  const Napi::Reference<Napi::Object>* owner_ = nullptr;  // AttachOnFirstSet: the holder is not made yet
  const char* name_ = nullptr;
  std::vector<Entry> slots_;
};

}  // namespace curlio
