#include "js_slots.h"

namespace curlio {

void JsSlots::Attach(Napi::Object owner, const char* name) {
  Napi::Env env = owner.Env();
  env_ = env;
  Napi::Object holder = Napi::Object::New(env);
  napi_property_descriptor property = {name, nullptr, nullptr, nullptr, nullptr, holder, napi_default, nullptr};
  napi_define_properties(env, owner, 1, &property);
  holder_ = Napi::Weak(holder);
}

void JsSlots::Set(uint32_t slot, Napi::Value value) {
  if (holder_.IsEmpty()) return;
  Napi::Object holder = holder_.Value();
  if (holder.IsEmpty()) return;
  if (value.IsUndefined() || value.IsNull()) {
    napi_delete_element(holder.Env(), holder, slot, nullptr);
    slots_.erase(slot);
  } else {
    napi_set_element(holder.Env(), holder, slot, value);
    slots_.insert(slot);
  }
}

Napi::Value JsSlots::Get(uint32_t slot) const {
  Napi::Env env(env_);
  if (slots_.count(slot) == 0) return env.Undefined();
  Napi::Object holder = holder_.Value();
  napi_value value;
  if (holder.IsEmpty() || napi_get_element(env, holder, slot, &value) != napi_ok) return env.Undefined();
  return Napi::Value(env, value);
}

void JsSlots::Clear(bool can_call_js) {
  if (can_call_js && !holder_.IsEmpty()) {
    Napi::Object holder = holder_.Value();
    if (!holder.IsEmpty()) {
      for (uint32_t slot : slots_) napi_delete_element(holder.Env(), holder, slot, nullptr);
    }
  }
  slots_.clear();
}

}  // namespace curlio
