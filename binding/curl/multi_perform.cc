// The C program's own loop over a multi handle: curl_multi_perform, curl_multi_wait,
// curl_multi_poll, curl_multi_fdset and curl_multi_wakeup (multi-app.c, multi-single.c...).
//
// curl_multi_wait and curl_multi_poll block the calling thread, as in C: nothing else runs
// on that thread's event loop meanwhile (timers, servers, promises). They are for worker
// threads and for ports of C programs; a Node program keeps the native driver instead.
// curl_multi_wakeup is the one call another thread may make: a worker holds the number
// wakeupId() gives, as another C thread holds the CURLM pointer.
#include <sys/select.h>

#include <mutex>
#include <unordered_map>
#include <vector>

#include "curl/multi.h"
#include "curl/multi_state.h"

namespace curlio {

namespace {

// Process-wide on purpose: a worker thread wakes a multi of another environment. The lock
// is held while libcurl is called, and a multi leaves the table before curl_multi_cleanup,
// so a wakeup never reaches a freed handle.
std::mutex wakeup_lock;
std::unordered_map<uint32_t, CURLM*> wakeup_table;
uint32_t wakeup_next_id = 1;

bool ReadInt(Napi::Value value, int64_t* out) {
  if (!value.IsNumber()) return false;
  double d = value.As<Napi::Number>().DoubleValue();
  if (d != d || d > 2147483647.0 || d < -2147483648.0 || d != static_cast<double>(static_cast<int64_t>(d)))
    return false;
  *out = static_cast<int64_t>(d);
  return true;
}

Napi::Value CurlMultiWakeupById(const Napi::CallbackInfo& info) {
  int64_t id;
  if (!ReadInt(info[0], &id) || id <= 0) {
    ThrowTypeError(info.Env(), "Expected the number multi.wakeupId() gave for curl_multi_wakeup");
    return info.Env().Undefined();
  }
  return Napi::Number::New(info.Env(), MultiHandle::WakeupById(static_cast<uint32_t>(id)));
}

}  // namespace

void InitMultiPerform(Napi::Env env, Napi::Object exports) {
  exports.Set("curl_multi_wakeup_by_id", Napi::Function::New<CurlMultiWakeupById>(env, "curl_multi_wakeup"));
}

CURLMcode MultiHandle::WakeupById(uint32_t id) {
  std::lock_guard<std::mutex> guard(wakeup_lock);
  auto it = wakeup_table.find(id);
  if (it == wakeup_table.end()) return CURLM_BAD_HANDLE;  // cleaned up since
  return curl_multi_wakeup(it->second);
}

void MultiHandle::UnregisterWakeup() {
  if (wakeup_id_ == 0) return;
  std::lock_guard<std::mutex> guard(wakeup_lock);
  wakeup_table.erase(wakeup_id_);
  wakeup_id_ = 0;
}

#define REQUIRE_OPEN(env)                                                                             \
  if (closed_) {                                                                                      \
    ThrowError(env, "The multi handle is closed (curl_multi_cleanup was called)", "ERR_CURL_CLOSED"); \
    return env.Undefined();                                                                           \
  }

void MultiHandle::DriveByPerform() {
  if (perform_driven_) return;
  perform_driven_ = true;
  CloseDriverEpoll();
  if (timer_ != nullptr) uv_timer_stop(timer_);
  timeout_due_now_ = false;
  UpdateKeepAlive();
}

Napi::Value MultiHandle::WakeupId(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
  if (wakeup_id_ == 0) {
    std::lock_guard<std::mutex> guard(wakeup_lock);
    wakeup_id_ = wakeup_next_id++;
    wakeup_table[wakeup_id_] = multi_;
  }
  return Napi::Number::New(env, wakeup_id_);
}

Napi::Value MultiHandle::Wakeup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
  return Napi::Number::New(env, curl_multi_wakeup(multi_));
}

Napi::Value MultiHandle::MultiPerform(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
  DriveByPerform();
  int running = 0;
  CURLMcode code;
  {
    CurlCallScope scope(data_);
    code = curl_multi_perform(multi_, &running);
  }
  SetState(kRunningHandles, running);
  // Transfers of Multi.perform() on this multi finish here now: deliver them as the driver
  // would (on the next loop turn); a C program's own keep theirs for curl_multi_info_read.
  if (!closed_ && !UserDriven()) CollectDone();
  return ThrowPendingCallbackError(env, Napi::Number::New(env, code));
}

Napi::Value MultiHandle::Wait(const Napi::CallbackInfo& info) {
  return WaitOrPoll(info, false);
}

Napi::Value MultiHandle::Poll(const Napi::CallbackInfo& info) {
  return WaitOrPoll(info, true);
}

// wait(extraFds, extraNfds, timeoutMs) -> [CURLMcode, numfds]; each extra fd is an object
// { fd, events, revents } (struct curl_waitfd) whose revents is filled in.
Napi::Value MultiHandle::WaitOrPoll(const Napi::CallbackInfo& info, bool poll) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
  int64_t count = 0;
  int64_t timeout_ms = 0;
  if (!ReadInt(info[1], &count) || count < 0 || !ReadInt(info[2], &timeout_ms) || timeout_ms < 0) {
    ThrowTypeError(env, "Expected a non-negative extra_nfds and timeout_ms");
    return env.Undefined();
  }
  std::vector<curl_waitfd> fds;
  Napi::Array extra;
  if (count > 0) {
    if (!info[0].IsArray() || info[0].As<Napi::Array>().Length() < count) {
      ThrowTypeError(env, "Expected an array of at least extra_nfds { fd, events } objects for extra_fds");
      return env.Undefined();
    }
    extra = info[0].As<Napi::Array>();
    for (uint32_t i = 0; i < count; i++) {
      Napi::Value item = extra.Get(i);
      int64_t fd, events;
      if (!item.IsObject() || !ReadInt(item.As<Napi::Object>().Get("fd"), &fd) || fd < 0 ||
          !ReadInt(item.As<Napi::Object>().Get("events"), &events)) {
        ThrowTypeError(env, "Expected { fd, events } with integers at extra_fds[" + std::to_string(i) + "]");
        return env.Undefined();
      }
      fds.push_back(curl_waitfd{static_cast<curl_socket_t>(fd), static_cast<short>(events), 0});
    }
  }
  DriveByPerform();
  int numfds = 0;
  CURLMcode code;
  {
    CurlCallScope scope(data_);
    code = poll ? curl_multi_poll(multi_, fds.data(), static_cast<unsigned>(fds.size()), static_cast<int>(timeout_ms),
                                  &numfds)
                : curl_multi_wait(multi_, fds.data(), static_cast<unsigned>(fds.size()), static_cast<int>(timeout_ms),
                                  &numfds);
  }
  for (uint32_t i = 0; i < fds.size(); i++) extra.Get(i).As<Napi::Object>().Set("revents", fds[i].revents);
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, Napi::Number::New(env, code));
  result.Set(1u, Napi::Number::New(env, numfds));
  return ThrowPendingCallbackError(env, result);
}

// fdset() -> [CURLMcode, read fds, write fds, exception fds, max_fd]: C's fd_sets as arrays.
Napi::Value MultiHandle::Fdset(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
  DriveByPerform();
  fd_set read_set, write_set, exc_set;
  FD_ZERO(&read_set);
  FD_ZERO(&write_set);
  FD_ZERO(&exc_set);
  int max_fd = -1;
  CURLMcode code = curl_multi_fdset(multi_, &read_set, &write_set, &exc_set, &max_fd);
  auto to_array = [&](fd_set* set) {
    Napi::Array array = Napi::Array::New(env);
    uint32_t n = 0;
    for (int fd = 0; fd <= max_fd && fd < FD_SETSIZE; fd++) {
      if (FD_ISSET(fd, set)) array.Set(n++, fd);
    }
    return array;
  };
  Napi::Array result = Napi::Array::New(env, 5);
  result.Set(0u, Napi::Number::New(env, code));
  result.Set(1u, to_array(&read_set));
  result.Set(2u, to_array(&write_set));
  result.Set(3u, to_array(&exc_set));
  result.Set(4u, Napi::Number::New(env, max_fd));
  return result;
}

void InitMultiState(Napi::Env env, Napi::Object exports) {
  Napi::Object table = Napi::Object::New(env);
  table.Set("runningHandles", static_cast<int>(kRunningHandles));
  table.Set("timeoutMs", static_cast<int>(kTimeoutMs));
  table.Set("msgsInQueue", static_cast<int>(kMsgsInQueue));
  table.Set("msgKind", static_cast<int>(kMsgKind));
  table.Set("msgResult", static_cast<int>(kMsgResult));
  table.Set("doneCount", static_cast<int>(kDoneCount));
  table.Set("doneSlabOffset", static_cast<int>(kDoneSlabOffset));
  table.Set("doneFirst", static_cast<int>(kDoneFirst));
  table.Set("length", static_cast<int>(kStateLength));
  exports.Set("multiStateIndex", table);
  Napi::Object done = Napi::Object::New(env);
  done.Set("result", static_cast<int>(kDoneResult));
  done.Set("status", static_cast<int>(kDoneStatus));
  done.Set("body", static_cast<int>(kDoneBody));
  done.Set("headers", static_cast<int>(kDoneHeaders));
  done.Set("error", static_cast<int>(kDoneError));
  done.Set("stride", static_cast<int>(kDoneStride));
  done.Set("inArguments", kDoneInArguments);
  done.Set("absent", kDoneAbsent);
  done.Set("batch", kDoneBatch);
  exports.Set("multiDoneSlot", done);
}

}  // namespace curlio
