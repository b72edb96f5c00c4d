// CURLMOPT_PUSHFUNCTION: HTTP/2 server push. libcurl duplicates the parent stream's easy
// handle for the pushed stream; the JavaScript layer's dispatcher (lib/libcurl/push.ts)
// gets it wrapped in a new Easy, with the push headers as "name:value" lines (what
// curl_pushheader_bynum returns; curl_pushheader_byname is answered from the same lines).
// CURL_PUSH_OK: libcurl has added the handle to the multi, and so do we; anything else:
// libcurl frees the handle, and the Easy forgets it.
#include "curl/easy.h"
#include "curl/functions.h"
#include "curl/multi.h"

namespace curlio {

namespace {

// The class pushed handles are made of (the TypeScript Easy, so that they pass its checks).
Napi::Value SetEasyClass(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) {
    ThrowTypeError(info.Env(), "Expected the Easy class");
    return info.Env().Undefined();
  }
  GetAddonData(info.Env())->constructors["EasyClass"] = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

}  // namespace

void InitMultiPush(Napi::Env env, Napi::Object exports) {
  exports.Set("setEasyClass", Napi::Function::New<SetEasyClass>(env, "setEasyClass"));
}

Napi::Value MultiHandle::SetPushFunction(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) return Napi::Number::New(env, CURLM_BAD_HANDLE);
  bool reset = info[0].IsNull() || info[0].IsUndefined();
  if (!reset && !info[0].IsFunction()) {
    ThrowTypeError(env, "Expected a function or null for CURLMOPT_PUSHFUNCTION");
    return env.Undefined();
  }
  js_.Set(kPushFunction, info[0]);
  curl_multi_setopt(multi_, CURLMOPT_PUSHDATA, this);
  return Napi::Number::New(env,
                           curl_multi_setopt(multi_, CURLMOPT_PUSHFUNCTION, reset ? nullptr : &MultiHandle::OnPush));
}

int MultiHandle::OnPush(CURL* parent, CURL* easy, size_t num_headers, struct curl_pushheaders* headers, void* userp) {
  auto* self = static_cast<MultiHandle*>(userp);
  if (self->closed_ || self->data_->tearing_down || !self->js_.Has(kPushFunction)) return CURL_PUSH_DENY;
  EasyHandle* parent_handle = EasyHandle::FromCurl(parent);
  auto cls = self->data_->constructors.find("EasyClass");
  if (parent_handle == nullptr || cls == self->data_->constructors.end()) return CURL_PUSH_DENY;
  Napi::Env env = self->data_->env;
  Napi::HandleScope scope(env);
  Napi::Object child_object = cls->second.New({});
  if (env.IsExceptionPending()) {
    env.GetAndClearPendingException();
    return CURL_PUSH_DENY;
  }
  EasyHandle* child = EasyHandle::Unwrap(child_object);
  if (child == nullptr || child->closed()) return CURL_PUSH_DENY;
  child->AdoptDuplicate(easy, *parent_handle);
  Napi::Array lines = Napi::Array::New(env, num_headers);
  for (size_t i = 0; i < num_headers; i++) {
    char* line = curl_pushheader_bynum(headers, i);
    lines.Set(static_cast<uint32_t>(i), line != nullptr ? Napi::String::New(env, line) : env.Null());
  }
  Napi::Value result = self->CallJs(
      self->js_.Get(kPushFunction),
      {parent_handle->Value(), child_object, Napi::Number::New(env, static_cast<double>(num_headers)), lines});
  int code = result.IsEmpty()    ? CURL_PUSH_DENY
             : result.IsNumber() ? result.As<Napi::Number>().Int32Value()
                                 : CURL_PUSH_OK;
  if (code != CURL_PUSH_OK || child->closed()) {
    child->ForgetCurl();  // libcurl frees the handle it made
    return code == CURL_PUSH_OK ? CURL_PUSH_DENY : code;
  }
  // libcurl adds the pushed handle to this multi itself: it is attached as if added here.
  self->attached_.insert(child);
  child->multi = self;
  child->auto_remove = false;
  child->Ref();
  self->UpdateKeepAlive();
  return CURL_PUSH_OK;
}

}  // namespace curlio
