#include "curl/share.h"

#include "curl/easy.h"
#include "curl/functions.h"

namespace curlio {

void ShareHandle::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(env, "Share",
                                    {
                                        InstanceMethod<&ShareHandle::SetOpt>("setopt"),
                                        InstanceMethod<&ShareHandle::Cleanup>("cleanup"),
                                        InstanceMethod<&ShareHandle::IsClosed>("isClosed"),
                                    });
  GetAddonData(env)->constructors["Share"] = Napi::Persistent(ctor);
  exports.Set("Share", ctor);
}

ShareHandle* ShareHandle::FromValue(Napi::Value value) {
  Napi::Env env = value.Env();
  if (value.IsObject() && value.As<Napi::Object>().InstanceOf(GetAddonData(env)->constructors.at("Share").Value())) {
    return Napi::ObjectWrap<ShareHandle>::Unwrap(value.As<Napi::Object>());
  }
  ThrowTypeError(env, "Expected a CURLSH handle (from curl_share_init)");
  return nullptr;
}

ShareHandle::ShareHandle(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<ShareHandle>(info), data_(GetAddonData(info.Env())) {
  share_ = curl_share_init();
  if (share_ == nullptr) {
    ThrowError(info.Env(), "curl_share_init failed (out of memory)", "CURLE_OUT_OF_MEMORY");
    return;
  }
  js_.Attach(info.This().As<Napi::Object>(), "_curlioSlots");
  data_->Register(this);
}

ShareHandle::~ShareHandle() {
  CloseResource();
  data_->Unregister(this);
}

void ShareHandle::CloseResource() {
  if (share_ == nullptr) return;
  CURLSHcode code = curl_share_cleanup(share_);
  if (code == CURLSHE_IN_USE && data_->tearing_down) {
    // Environment teardown: the easy handles still using it go first (they are closing
    // anyway), then the share can go.
    std::vector<Resource*> resources(data_->resources.begin(), data_->resources.end());
    for (Resource* r : resources) {
      if (dynamic_cast<EasyHandle*>(r) != nullptr) r->CloseResource();
    }
    code = curl_share_cleanup(share_);
  }
  // Still in use (an easy handle reset since keeps it in libcurl): it stays, for libcurl
  // to use, rather than be freed under that handle.
  share_ = nullptr;
  js_.Clear(!data_->tearing_down);
}

Napi::Value ShareHandle::IsClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), share_ == nullptr);
}

Napi::Value ShareHandle::Cleanup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (share_ == nullptr) return Napi::Number::New(env, CURLSHE_INVALID);
  CURLSHcode code = curl_share_cleanup(share_);
  if (code == CURLSHE_OK) {
    share_ = nullptr;
    js_.Clear(true);
  }
  return Napi::Number::New(env, code);
}

void ShareHandle::OnLock(CURL* handle, curl_lock_data data, curl_lock_access access, void* userptr) {
  auto* self = static_cast<ShareHandle*>(userptr);
  if (self->data_->tearing_down || !self->js_.Has(kLockFunction)) return;
  Napi::Env env = self->data_->env;
  Napi::HandleScope scope(env);
  EasyHandle* easy = handle != nullptr ? EasyHandle::FromCurl(handle) : nullptr;
  napi_value args[] = {easy != nullptr ? easy->Value() : env.Null(), Napi::Number::New(env, data),
                       Napi::Number::New(env, access), self->js_.Get(kUserData)};
  napi_value result;
  // A lock function cannot fail in C: an exception is reported as uncaught.
  if (napi_call_function(env, env.Undefined(), self->js_.Get(kLockFunction), 4, args, &result) != napi_ok &&
      env.IsExceptionPending())
    napi_fatal_exception(env, env.GetAndClearPendingException().Value());
}

void ShareHandle::OnUnlock(CURL* handle, curl_lock_data data, void* userptr) {
  auto* self = static_cast<ShareHandle*>(userptr);
  if (self->data_->tearing_down || !self->js_.Has(kUnlockFunction)) return;
  Napi::Env env = self->data_->env;
  Napi::HandleScope scope(env);
  EasyHandle* easy = handle != nullptr ? EasyHandle::FromCurl(handle) : nullptr;
  napi_value args[] = {easy != nullptr ? easy->Value() : env.Null(), Napi::Number::New(env, data),
                       self->js_.Get(kUserData)};
  napi_value result;
  if (napi_call_function(env, env.Undefined(), self->js_.Get(kUnlockFunction), 3, args, &result) != napi_ok &&
      env.IsExceptionPending())
    napi_fatal_exception(env, env.GetAndClearPendingException().Value());
}

Napi::Value ShareHandle::SetOpt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (share_ == nullptr) return Napi::Number::New(env, CURLSHE_INVALID);
  int64_t option;
  if (!ArgInt(info, 0, "option", &option)) return env.Undefined();
  Napi::Value value = info[1];
  switch (option) {
    case CURLSHOPT_SHARE:
    case CURLSHOPT_UNSHARE: {
      int64_t lock_data;
      if (!ArgInt(info, 1, "the CURL_LOCK_DATA_* value", &lock_data)) return env.Undefined();
      return Napi::Number::New(
          env, curl_share_setopt(share_, static_cast<CURLSHoption>(option), static_cast<curl_lock_data>(lock_data)));
    }
    case CURLSHOPT_LOCKFUNC:
    case CURLSHOPT_UNLOCKFUNC: {
      bool reset = value.IsNull() || value.IsUndefined();
      if (!reset && !value.IsFunction()) {
        ThrowTypeError(env, "Expected a function or null for CURLSHOPT_LOCKFUNC / CURLSHOPT_UNLOCKFUNC");
        return env.Undefined();
      }
      js_.Set(option == CURLSHOPT_LOCKFUNC ? kLockFunction : kUnlockFunction, value);
      curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
      CURLSHcode code = option == CURLSHOPT_LOCKFUNC
                            ? curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, reset ? nullptr : &ShareHandle::OnLock)
                            : curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, reset ? nullptr : &ShareHandle::OnUnlock);
      return Napi::Number::New(env, code);
    }
    case CURLSHOPT_USERDATA: js_.Set(kUserData, value); return Napi::Number::New(env, CURLSHE_OK);
    default: return Napi::Number::New(env, CURLSHE_BAD_OPTION);
  }
}

void InitShare(Napi::Env env, Napi::Object exports) {
  ShareHandle::Init(env, exports);
}

}  // namespace curlio
