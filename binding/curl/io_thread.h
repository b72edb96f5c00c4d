// A multi handle run by a native thread of its own (issue 14, "the JS thread is the
// application's"): libcurl's protocol work, TLS and decompression happen on that I/O thread,
// and finished transfers cross back in batches, one uv_async wake-up and one call into
// JavaScript per batch.
//
// The I/O thread never calls Node-API. Only transfers without JavaScript callbacks go there
// (EasyHandle::IoThreadRefusal says which option keeps a handle on the JavaScript thread);
// their body and headers are buffered by EasyHandle's own sinks, in C++. Everything
// JavaScript-side of an easy handle (Ref/Unref, its napi values, callback_error) is touched
// on the JavaScript thread only: a reference is taken when the transfer is handed over and
// dropped when its result is delivered. While the I/O thread runs a handle, the handle's
// JavaScript methods refuse (ERR_CURL_BUSY) but cleanup(), which takes it back first.
//
// The loop is bench/c/multi_epoll.c's: curl_multi_socket_action driven by an epoll set of
// the thread's own (CURLMOPT_SOCKETFUNCTION / TIMERFUNCTION fill it), plus an eventfd in the
// set by which the JavaScript thread wakes it when it queues work. Each wake-up costs what
// its ready sockets cost, not a walk over every transfer (curl_multi_perform's, which the
// first version used: fine for tens, not for thousands).
#pragma once

#include <curl/curl.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#include "addon.h"
#include "js_slots.h"

namespace curlio {

class EasyHandle;

class IoThreadMulti : public Napi::ObjectWrap<IoThreadMulti>, public Resource {
 public:
  static void Init(Napi::Env env, Napi::Object exports);

  explicit IoThreadMulti(const Napi::CallbackInfo& info);
  ~IoThreadMulti() override;

  // Stops and joins the I/O thread, then settles what it ran (no result is delivered) and
  // frees the multi. Idempotent; also the environment's teardown (worker exit, process end).
  void CloseResource() override;
  // `easy` is closing while this multi runs it (EasyHandle::CloseResource): it is taken back
  // from the I/O thread before its CURL * is freed, and its transfer reports no result.
  void Withdraw(EasyHandle* easy);

 private:
  // JavaScript methods (lib/libcurl/io-thread-multi.ts).
  Napi::Value SetOpt(const Napi::CallbackInfo& info);  // (CURLMOPT_*, long) -> CURLMcode
  // (easy) -> 0, a CURLMcode, or the name of the option that keeps `easy` on the JS thread.
  Napi::Value Submit(const Napi::CallbackInfo& info);
  Napi::Value Cleanup(const Napi::CallbackInfo& info);
  Napi::Value SetDoneCallback(const Napi::CallbackInfo& info);
  Napi::Value IsClosed(const Napi::CallbackInfo& info);

  // The I/O thread.
  void Run();
  bool StartThread();
  void StopThread();
  void Wake();  // from the JavaScript thread: the I/O thread leaves epoll_wait
  static int OnSocket(CURL* easy, curl_socket_t s, int what, void* userp, void* socketp);
  static int OnTimer(CURLM* multi, long timeout_ms, void* userp);
  // Runs `work` on the I/O thread between two libcurl calls and waits until it has run (or
  // runs it here when the thread is not running): the JavaScript thread's only way to touch
  // the multi while the thread owns it.
  void RunOnIoThread(const std::function<void()>& work);

  // The JavaScript thread's side.
  static void OnAsync(uv_async_t* handle);
  void Deliver();
  // The easy handle is the JavaScript thread's again (delivered, withdrawn or abandoned).
  void Release(EasyHandle* easy);
  void UpdateKeepAlive();

  struct Done {
    EasyHandle* easy;
    CURLcode result;
    long status;
  };

  AddonData* data_;
  CURLM* multi_ = nullptr;
  uv_async_t* async_ = nullptr;  // the I/O thread's "a batch is ready"
  napi_async_context async_context_ = nullptr;
  enum Slot : uint32_t { kDoneFunction };
  JsSlots js_;

  std::thread thread_;
  int epoll_fd_ = -1;         // the I/O thread's: libcurl's sockets and wake_fd_
  int wake_fd_ = -1;          // an eventfd
  int64_t deadline_us_ = -1;  // libcurl's timer, absolute (steady clock µs); -1: none. I/O thread's.
  // Shared by both threads, under lock_.
  std::mutex lock_;
  std::condition_variable calls_run_changed_;
  std::vector<EasyHandle*> inbox_;                   // handed over, not yet added to the multi
  std::vector<const std::function<void()>*> calls_;  // RunOnIoThread's, in order
  uint64_t calls_queued_ = 0;
  uint64_t calls_run_ = 0;
  std::vector<Done> outbox_;  // finished, not yet taken by the JavaScript thread
  bool stop_ = false;

  // The JavaScript thread's own.
  std::unordered_set<EasyHandle*> in_flight_;  // handed over and not yet settled; each Ref'd
  std::vector<Done> batch_;                    // the batch being delivered (its memory kept)
  bool closed_ = false;
  bool self_ref_ = false;
};

void InitIoThread(Napi::Env env, Napi::Object exports);

}  // namespace curlio
