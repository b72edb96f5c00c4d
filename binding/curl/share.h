// A share handle (CURLSH *): DNS, connection, cookie, TLS session and PSL caches shared by
// the easy handles that set it as CURLOPT_SHARE.
#pragma once

#include <curl/curl.h>

#include "addon.h"
#include "js_slots.h"

namespace curlio {

class ShareHandle : public Napi::ObjectWrap<ShareHandle>, public Resource {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  static ShareHandle* FromValue(Napi::Value value);  // nullptr (and a TypeError) if not a Share

  explicit ShareHandle(const Napi::CallbackInfo& info);
  ~ShareHandle() override;
  void CloseResource() override;

  CURLSH* share() const { return share_; }

 private:
  Napi::Value SetOpt(const Napi::CallbackInfo& info);
  Napi::Value Cleanup(const Napi::CallbackInfo& info);
  Napi::Value IsClosed(const Napi::CallbackInfo& info);

  static void OnLock(CURL* handle, curl_lock_data data, curl_lock_access access, void* userptr);
  static void OnUnlock(CURL* handle, curl_lock_data data, void* userptr);

  enum Slot : uint32_t { kLockFunction, kUnlockFunction, kUserData };
  AddonData* data_;
  CURLSH* share_ = nullptr;
  JsSlots js_;
};

}  // namespace curlio
