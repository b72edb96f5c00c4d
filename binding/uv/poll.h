// Poll: a uv_poll_t on any fd, on the calling environment's loop. Node has no public way
// to watch an arbitrary fd; with this, a C program's own event loop ports to JavaScript.
#pragma once

#include "addon.h"
#include "js_slots.h"

namespace curlio {

class PollHandle : public Napi::ObjectWrap<PollHandle>, public Resource {
 public:
  static void Init(Napi::Env env, Napi::Object exports);

  explicit PollHandle(const Napi::CallbackInfo& info);
  ~PollHandle() override;

  void CloseResource() override;

 private:
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Stop(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Fd(const Napi::CallbackInfo& info);
  Napi::Value IsActive(const Napi::CallbackInfo& info);

  static void OnEvent(uv_poll_t* handle, int status, int events);
  void SetActive(bool active);

  AddonData* data_;
  uv_poll_t* poll_ = nullptr;
  int fd_ = -1;
  JsSlots js_;  // the callback, kept on the Poll object itself (see js_slots.h)
  napi_async_context async_context_ = nullptr;
  bool active_ = false;  // started: the JavaScript object is kept alive, like a Node handle
};

}  // namespace curlio
