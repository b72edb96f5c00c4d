// A multi handle (CURLM *) and its two ways of being driven:
//  - by the application, through CURLMOPT_SOCKETFUNCTION / TIMERFUNCTION in JavaScript
//    and curl_multi_socket_action calls (the C way, multi-uv.c ported to JavaScript);
//  - by the native driver when no JavaScript socket function is set: curl's docs/examples/
//    multi-uv.c in C++ (its sockets in an epoll set of its own under one uv_poll, and one
//    uv_timer), which hands every transfer that finished in a loop turn to JavaScript in
//    one call.
#pragma once

#include <curl/curl.h>
#include <sys/epoll.h>

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

  // curl_multi_wakeup from any thread, by the number wakeupId() gave (multi_perform.cc).
  static CURLMcode WakeupById(uint32_t id);

 private:
  Napi::Value SetOpt(const Napi::CallbackInfo& info);
  Napi::Value AddHandle(const Napi::CallbackInfo& info);
  Napi::Value AddHandleFunction(const Napi::CallbackInfo& info);
  Napi::Value RemoveHandle(const Napi::CallbackInfo& info);
  Napi::Value SocketAction(const Napi::CallbackInfo& info);
  Napi::Value SocketAll(const Napi::CallbackInfo& info);
  Napi::Value Assign(const Napi::CallbackInfo& info);
  Napi::Value Timeout(const Napi::CallbackInfo& info);
  Napi::Value InfoRead(const Napi::CallbackInfo& info);
  Napi::Value Cleanup(const Napi::CallbackInfo& info);
  Napi::Value SetDoneCallback(const Napi::CallbackInfo& info);
  Napi::Value IsClosed(const Napi::CallbackInfo& info);

  // The C program's own loop (multi_perform.cc): curl_multi_perform, curl_multi_wait,
  // curl_multi_poll, curl_multi_fdset, curl_multi_wakeup. The first of them sends the
  // native driver away: libcurl must not be driven by socket_action and perform at once.
  Napi::Value MultiPerform(const Napi::CallbackInfo& info);
  Napi::Value Wait(const Napi::CallbackInfo& info);
  Napi::Value Poll(const Napi::CallbackInfo& info);
  Napi::Value Fdset(const Napi::CallbackInfo& info);
  Napi::Value Wakeup(const Napi::CallbackInfo& info);
  Napi::Value WakeupId(const Napi::CallbackInfo& info);
  Napi::Value WaitOrPoll(const Napi::CallbackInfo& info, bool poll);
  void DriveByPerform();
  // CURLMOPT_PUSHFUNCTION (multi_push.cc): the JavaScript layer's dispatcher gets each
  // pushed stream's new easy handle, already wrapped.
  Napi::Value SetPushFunction(const Napi::CallbackInfo& info);
  static int OnPush(CURL* parent, CURL* easy, size_t num_headers, struct curl_pushheaders* headers, void* userp);
  void UnregisterWakeup();

  bool UserDriven() const { return js_.Has(kSocketFunction); }
  void SetState(int index, int32_t value);
  Napi::Value ThrowPendingCallbackError(Napi::Env env, Napi::Value result);
  Napi::Value CallJs(Napi::Value fn, std::initializer_list<napi_value> args);

  // libcurl's two callbacks (both modes go through them).
  static int OnSocket(CURL* easy, curl_socket_t s, int what, void* userp, void* socketp);
  static int OnTimer(CURLM* multi, long timeout_ms, void* userp);
  int DriverSocket(curl_socket_t s, int what);

  // The native driver.
  static void OnSocketsReady(uv_poll_t* handle, int status, int events);
  bool OpenDriverEpoll();
  void CloseDriverEpoll();
  static void OnTimerFired(uv_timer_t* handle);
  static void OnCheck(uv_check_t* handle);
  void ScheduleCheck();  // the check phase of this loop turn delivers / runs libcurl's "now"
  void DriveSocketAction(curl_socket_t fd, int ev_bitmask);
  void CollectDone();   // multi-uv.c's check_multi_info, minus the delivery
  void DeliverDone();   // once per loop turn, after every socket_action of that turn
  bool DeliverBatch();  // one call into JavaScript for up to kDoneBatch of done_ (false: stop)
  void UpdateKeepAlive();

  AddonData* data_;
  CURLM* multi_ = nullptr;
  napi_async_context async_context_ = nullptr;

  // The JavaScript layer's dispatchers (lib/libcurl/multi.ts). CURLMOPT_SOCKETDATA,
  // CURLMOPT_TIMERDATA and the values given to curl_multi_assign live in JavaScript with
  // the application's functions: each napi call to store or fetch one here cost about a
  // thousand instructions, several times per request.
  enum Slot : uint32_t { kSocketFunction, kTimerFunction, kDoneFunction, kPushFunction };
  JsSlots js_;
  Napi::Reference<Napi::Value> callback_error_;  // thrown by a socket/timer callback

  std::unordered_set<EasyHandle*> attached_;  // each holds a reference to its JS object
  // The native driver's sockets live in an epoll set of its own; libuv watches only that
  // set's fd (one uv_poll). Why not a uv_poll per socket, as multi-uv.c does: between two
  // requests on a keep-alive connection libcurl says CURL_POLL_REMOVE, then CURL_POLL_IN
  // again, and uv_poll_stop/uv_poll_start cost an EPOLL_CTL_DEL and an EPOLL_CTL_ADD each
  // time (about 8% of a small request's CPU). Here an idle connection stays in the set and
  // its next request re-arms it with one EPOLL_CTL_MOD. A socket libcurl closes leaves the
  // set by itself (the kernel drops a closed file), and no libuv watcher is left behind for
  // its fd number, whoever opens that number next.
  struct DriverSocketState {
    uint32_t events = 0;  // EPOLLIN/EPOLLOUT last registered for this fd number (0: none)
    bool wanted = false;  // libcurl watches it now (between CURL_POLL_IN/OUT and REMOVE)
  };
  std::unordered_map<curl_socket_t, DriverSocketState> driver_sockets_;
  std::vector<curl_socket_t> broken_sockets_;  // could not be watched: fail their transfers (OnCheck)
  std::vector<epoll_event> deferred_ready_;    // ready, not reached in the last turn's budget
  int epoll_fd_ = -1;
  uv_poll_t* epoll_poll_ = nullptr;
  uv_timer_t* timer_ = nullptr;
  uv_check_t* check_ = nullptr;  // delivers finished transfers after the poll phase
  uv_idle_t* idle_ = nullptr;    // active while any wait: the poll phase must not block
  struct Done {
    EasyHandle* easy;
    CURLcode result;
    long status;
  };
  std::vector<Done> done_;        // finished, not yet delivered
  std::vector<Done> delivering_;  // the batch being handed over (kept for its capacity)
  // The slab small bodies and header blocks are handed over in (see DeliverBatch).
  static constexpr size_t kSlabPoolSize = 64 * 1024;
  static size_t AlignSlab(size_t n) { return (n + 7) & ~size_t{7}; }
  Napi::Reference<Napi::ArrayBuffer> pool_;
  size_t pool_used_ = 0;

  // Out-values (running handles, timeout, messages in queue) are written into an
  // Int32Array shared with JavaScript instead of allocating a result per call.
  Napi::Reference<Napi::Int32Array> state_;
  int32_t* state_data_ = nullptr;

  bool notify_removals_ = false;  // cleanup() from JavaScript: CURL_POLL_REMOVE still reaches it
  bool timeout_due_now_ = false;  // libcurl's last timer request was "run me at once" (check phase)
  bool check_follows_ = false;    // in OnSocketsReady (the check phase follows) or OnCheck (looks again at its end)
  bool self_ref_ = false;
  bool closed_ = false;
  bool perform_driven_ = false;  // curl_multi_perform was called: the native driver stays off
  uint32_t wakeup_id_ = 0;       // registered for curl_multi_wakeup from other threads (0: not)
};

}  // namespace curlio
