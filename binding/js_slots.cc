#include "js_slots.h"

namespace curlio {

JsSlots::~JsSlots() {
  for (Entry& entry : slots_) DropFast(entry);
}

void JsSlots::Attach(Napi::Object owner, const char* name) {
  Napi::Env env = owner.Env();
  env_ = env;
  Napi::Object holder = Napi::Object::New(env);
  napi_property_descriptor property = {name, nullptr, nullptr, nullptr, nullptr, holder, napi_default, nullptr};
  napi_define_properties(env, owner, 1, &property);
  holder_ = Napi::Weak(holder);
}

void JsSlots::AttachOnFirstSet(const Napi::Reference<Napi::Object>* owner, const char* name) {
  env_ = owner->Env();
  owner_ = owner;
  name_ = name;
}

bool JsSlots::MakeHolder() {
  if (owner_ == nullptr) return false;
  Napi::Object owner = owner_->Value();
  if (owner.IsEmpty()) return false;
  owner_ = nullptr;
  Attach(owner, name_);
  return true;
}

const JsSlots::Entry* JsSlots::Find(uint32_t slot) const {
  for (const Entry& entry : slots_) {
    if (entry.id == slot) return &entry;
  }
  return nullptr;
}

void JsSlots::DropFast(Entry& entry) {
  if (entry.fast != nullptr) napi_delete_reference(env_, entry.fast);
  entry.fast = nullptr;
}

void JsSlots::Set(uint32_t slot, Napi::Value value) {
  if (holder_.IsEmpty() && ((value.IsUndefined() || value.IsNull()) || !MakeHolder())) return;
  Napi::Object holder = holder_.Value();
  if (holder.IsEmpty()) return;
  auto it = slots_.begin();
  while (it != slots_.end() && it->id != slot) ++it;
  if (value.IsUndefined() || value.IsNull()) {
    napi_delete_element(holder.Env(), holder, slot, nullptr);
    if (it != slots_.end()) {
      DropFast(*it);
      slots_.erase(it);
    }
    return;
  }
  napi_set_element(holder.Env(), holder, slot, value);
  if (it == slots_.end()) it = slots_.insert(slots_.end(), Entry{slot, nullptr});
  DropFast(*it);
  if (value.IsObject() || value.IsFunction()) napi_create_reference(env_, value, 0, &it->fast);
}

Napi::Value JsSlots::Get(uint32_t slot) const {
  Napi::Env env(env_);
  const Entry* entry = Find(slot);
  if (entry == nullptr) return env.Undefined();
  napi_value value = nullptr;
  if (entry->fast != nullptr && napi_get_reference_value(env_, entry->fast, &value) == napi_ok && value != nullptr) {
    return Napi::Value(env, value);
  }
  Napi::Object holder = holder_.Value();
  if (holder.IsEmpty() || napi_get_element(env, holder, slot, &value) != napi_ok) return env.Undefined();
  return Napi::Value(env, value);
}

void JsSlots::Clear(bool can_call_js) {
  if (can_call_js && !holder_.IsEmpty()) {
    Napi::Object holder = holder_.Value();
    if (!holder.IsEmpty()) {
      for (const Entry& entry : slots_) napi_delete_element(holder.Env(), holder, entry.id, nullptr);
    }
  }
  for (Entry& entry : slots_) DropFast(entry);
  slots_.clear();
}

}  // namespace curlio
