// A multi handle (CURLM *) and its two ways of being driven:
//  - by the application, through CURLMOPT_SOCKETFUNCTION / TIMERFUNCTION in JavaScript
//    and curl_multi_socket_action calls (the C way, multi-uv.c ported to JavaScript);
//  - by the native driver when no JavaScript socket function is set: curl's docs/examples/
//    multi-uv.c in C++ (one uv_poll per socket, one uv_timer), which hands every transfer
//    that finished in a loop turn to JavaScript in one call.
#pragma once

#include <curl/curl.h>

#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "addon.h"
#include "js_slots.h"

namespace curlio {

class EasyHandle;

class MultiHandle : public Napi::ObjectWrap<MultiHandle>, public Resource {
 public:
  static void Init(Napi::Env env, Napi::Object exports);

  explicit MultiHandle(const Napi::CallbackInfo& info);
  ~MultiHandle() override;

  void CloseResource() override;
  // curl_multi_remove_handle plus our bookkeeping; used when the easy handle closes.
  void Detach(EasyHandle* easy);

 private:
  // One per socket libcurl asks the native driver to watch (multi-uv.c's curl_context_t).
  struct SocketContext {
    uv_poll_t* poll;
    curl_socket_t fd;
    MultiHandle* multi;
  };

  Napi::Value SetOpt(const Napi::CallbackInfo& info);
  Napi::Value AddHandle(const Napi::CallbackInfo& info);
  Napi::Value RemoveHandle(const Napi::CallbackInfo& info);
  Napi::Value SocketAction(const Napi::CallbackInfo& info);
  Napi::Value SocketAll(const Napi::CallbackInfo& info);
  Napi::Value Assign(const Napi::CallbackInfo& info);
  Napi::Value Timeout(const Napi::CallbackInfo& info);
  Napi::Value InfoRead(const Napi::CallbackInfo& info);
  Napi::Value Cleanup(const Napi::CallbackInfo& info);
  Napi::Value SetDoneCallback(const Napi::CallbackInfo& info);
  Napi::Value IsClosed(const Napi::CallbackInfo& info);

  bool UserDriven() const { return js_.Has(kSocketFunction); }
  void SetState(int index, int32_t value);
  Napi::Value ThrowPendingCallbackError(Napi::Env env, Napi::Value result);
  Napi::Value CallJs(Napi::Value fn, std::initializer_list<napi_value> args);

  // libcurl's two callbacks (both modes go through them).
  static int OnSocket(CURL* easy, curl_socket_t s, int what, void* userp, void* socketp);
  static int OnTimer(CURLM* multi, long timeout_ms, void* userp);
  int DriverSocket(curl_socket_t s, int what, SocketContext* context);

  // The native driver.
  static void OnPollEvent(uv_poll_t* handle, int status, int events);
  static void OnTimerFired(uv_timer_t* handle);
  static void OnCheck(uv_check_t* handle);
  void DriveSocketAction(curl_socket_t fd, int ev_bitmask);
  void CollectDone();  // multi-uv.c's check_multi_info, minus the delivery
  void DeliverDone();  // once per loop turn, after every socket_action of that turn
  void UpdateKeepAlive();
  void CloseSocketContexts();

  AddonData* data_;
  CURLM* multi_ = nullptr;
  napi_async_context async_context_ = nullptr;

  enum Slot : uint32_t { kSocketFunction, kTimerFunction, kSocketData, kTimerData, kDoneFunction };
  JsSlots js_;
  Napi::Reference<Napi::Value> callback_error_;  // thrown by a socket/timer callback

  // Values given to curl_multi_assign by fd, handed back as `socketp`, released on
  // CURL_POLL_REMOVE and at cleanup.
  JsSlots assigned_;

  std::unordered_set<EasyHandle*> attached_;  // each holds a reference to its JS object
  // Every socket the driver has watched, by fd. A context whose socket libcurl stopped
  // watching (CURL_POLL_REMOVE: the transfer ended, the connection went to the cache)
  // keeps its stopped uv_poll: reusing it when libcurl watches that fd again saves the
  // uv_poll_init probe and close per request.
  std::unordered_map<curl_socket_t, SocketContext*> contexts_;
  uv_timer_t* timer_ = nullptr;
  uv_check_t* check_ = nullptr;  // delivers finished transfers after the poll phase
  uv_idle_t* idle_ = nullptr;    // active while any wait: the poll phase must not block
  struct Done {
    EasyHandle* easy;
    CURLcode result;
    long status;
  };
  std::vector<Done> done_;  // finished, not yet delivered

  // Out-values (running handles, timeout, messages in queue) are written into an
  // Int32Array shared with JavaScript instead of allocating a result per call.
  Napi::Reference<Napi::Int32Array> state_;
  int32_t* state_data_ = nullptr;

  bool notify_removals_ = false;  // cleanup() from JavaScript: CURL_POLL_REMOVE still reaches it
  bool timeout_due_now_ = false;  // libcurl's last timer request was "run me at once"
  bool self_ref_ = false;
  bool closed_ = false;
};

}  // namespace curlio
