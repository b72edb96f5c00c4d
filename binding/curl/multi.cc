#include "curl/multi.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "curl/easy.h"
#include "curl/multi_state.h"

namespace curlio {

namespace {
bool IsInteger(Napi::Value v) {
  if (!v.IsNumber()) return false;
  double d = v.As<Napi::Number>().DoubleValue();
  return d == static_cast<double>(static_cast<int64_t>(d));
}
}  // namespace

void MultiHandle::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(env, "Multi",
                                    {
                                        InstanceMethod<&MultiHandle::SetOpt>("setopt"),
                                        InstanceMethod<&MultiHandle::AddHandle>("addHandle"),
                                        InstanceMethod<&MultiHandle::AddHandleFunction>("addHandleFunction"),
                                        InstanceMethod<&MultiHandle::RemoveHandle>("removeHandle"),
                                        InstanceMethod<&MultiHandle::SocketAction>("socketAction"),
                                        InstanceMethod<&MultiHandle::SocketAll>("socketAll"),
                                        InstanceMethod<&MultiHandle::Assign>("assign"),
                                        InstanceMethod<&MultiHandle::Timeout>("timeout"),
                                        InstanceMethod<&MultiHandle::InfoRead>("infoRead"),
                                        InstanceMethod<&MultiHandle::Cleanup>("cleanup"),
                                        InstanceMethod<&MultiHandle::SetDoneCallback>("setDoneCallback"),
                                        InstanceMethod<&MultiHandle::IsClosed>("isClosed"),
                                        InstanceMethod<&MultiHandle::MultiPerform>("multiPerform"),
                                        InstanceMethod<&MultiHandle::Wait>("wait"),
                                        InstanceMethod<&MultiHandle::Poll>("poll"),
                                        InstanceMethod<&MultiHandle::Fdset>("fdset"),
                                        InstanceMethod<&MultiHandle::Wakeup>("wakeup"),
                                        InstanceMethod<&MultiHandle::WakeupId>("wakeupId"),
                                        InstanceMethod<&MultiHandle::SetPushFunction>("setPushFunction"),
                                    });
  GetAddonData(env)->constructors["Multi"] = Napi::Persistent(ctor);
  exports.Set("Multi", ctor);
}

MultiHandle::MultiHandle(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<MultiHandle>(info), data_(GetAddonData(info.Env())) {
  Napi::Env env = info.Env();
  if (!(info.Length() > 0 && info[0].IsTypedArray() &&
        info[0].As<Napi::TypedArray>().TypedArrayType() == napi_int32_array &&
        info[0].As<Napi::TypedArray>().ElementLength() >= kStateLength)) {
    // lib/libcurl/multi.ts always passes it; the driver's deliveries are written there.
    ThrowTypeError(env, "Expected an Int32Array of multiStateIndex.length for the multi's shared state");
    return;
  }
  state_ = Napi::Persistent(info[0].As<Napi::Int32Array>());
  state_data_ = state_.Value().Data();
  js_.Attach(info.This().As<Napi::Object>(), "_curlioSlots");
  multi_ = curl_multi_init();
  if (multi_ == nullptr) {
    ThrowError(env, "curl_multi_init failed (out of memory)", "CURLM_OUT_OF_MEMORY");
    return;
  }
  data_->Register(this);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &MultiHandle::OnSocket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &MultiHandle::OnTimer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);

  timer_ = new uv_timer_t;
  uv_timer_init(data_->loop, timer_);
  data_->open_handles++;
  uv_unref(reinterpret_cast<uv_handle_t*>(timer_));  // referenced only while transfers run
  timer_->data = this;
  check_ = new uv_check_t;
  uv_check_init(data_->loop, check_);
  data_->open_handles++;
  check_->data = this;
  idle_ = new uv_idle_t;
  uv_idle_init(data_->loop, idle_);
  data_->open_handles++;
  idle_->data = this;

  napi_async_init(env, info.This(), Napi::String::New(env, "curlio:Multi"), &async_context_);
}

MultiHandle::~MultiHandle() {
  CloseResource();
  data_->Unregister(this);
}

void MultiHandle::CloseResource() {
  if (closed_ || multi_ == nullptr) return;
  // From here on no JavaScript call reaches libcurl, and no JavaScript callback runs but the
  // CURL_POLL_REMOVEs of an application-driven cleanup() (see OnSocket).
  closed_ = true;
  UnregisterWakeup();  // before curl_multi_cleanup: no other thread may reach the handle then
  for (EasyHandle* easy : std::vector<EasyHandle*>(attached_.begin(), attached_.end())) Detach(easy);
  curl_multi_cleanup(multi_);
  multi_ = nullptr;
  CloseDriverEpoll();
  CloseUvHandle(data_, reinterpret_cast<uv_handle_t*>(timer_));
  CloseUvHandle(data_, reinterpret_cast<uv_handle_t*>(check_));
  CloseUvHandle(data_, reinterpret_cast<uv_handle_t*>(idle_));
  timer_ = nullptr;
  check_ = nullptr;
  idle_ = nullptr;
  for (Done& done : done_) {
    done.easy->awaiting_delivery = false;
    done.easy->Unref();
  }
  done_.clear();
  js_.Clear(!data_->tearing_down);
  callback_error_.Reset();
  pool_.Reset();
  if (self_ref_) {
    self_ref_ = false;
    Unref();
  }
  // Safe at teardown too: Node emits no destroy hook once JavaScript cannot run.
  if (async_context_ != nullptr) napi_async_destroy(data_->env, async_context_);
  async_context_ = nullptr;
}

bool MultiHandle::OpenDriverEpoll() {
  if (epoll_fd_ >= 0) return true;
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return false;
  epoll_poll_ = new uv_poll_t;
  if (uv_poll_init(data_->loop, epoll_poll_, epoll_fd_) != 0) {
    delete epoll_poll_;
    epoll_poll_ = nullptr;
    close(epoll_fd_);
    epoll_fd_ = -1;
    return false;
  }
  data_->open_handles++;
  epoll_poll_->data = this;
  uv_poll_start(epoll_poll_, UV_READABLE, &MultiHandle::OnSocketsReady);
  UpdateKeepAlive();
  return true;
}

void MultiHandle::CloseDriverEpoll() {
  driver_sockets_.clear();
  broken_sockets_.clear();
  deferred_ready_.clear();
  if (epoll_poll_ == nullptr) return;
  // uv_close stops the poll at once (before it returns), so the fd may be closed after it.
  CloseUvHandle(data_, reinterpret_cast<uv_handle_t*>(epoll_poll_));
  epoll_poll_ = nullptr;
  close(epoll_fd_);
  epoll_fd_ = -1;
}

void MultiHandle::Detach(EasyHandle* easy) {
  if (attached_.erase(easy) == 0) return;
  easy->AbandonTransfer();
  if (multi_ != nullptr && easy->curl() != nullptr) {
    CurlCallScope scope(data_);
    curl_multi_remove_handle(multi_, easy->curl());
  }
  easy->multi = nullptr;
  easy->Unref();
  UpdateKeepAlive();
}

void MultiHandle::SetState(int index, int32_t value) {
  if (state_data_ != nullptr) state_data_[index] = value;
}

// The native driver keeps its JavaScript object alive while transfers run (as Node keeps
// an active socket alive), and keeps the loop alive only while it has work.
void MultiHandle::UpdateKeepAlive() {
  bool busy = !closed_ && (!attached_.empty() || !done_.empty());
  bool want_self_ref = busy && !UserDriven() && !perform_driven_;
  if (want_self_ref && !self_ref_) {
    Ref();
    self_ref_ = true;
  } else if (!want_self_ref && self_ref_) {
    self_ref_ = false;
    Unref();
  }
  // The timer and the epoll set's poll keep the loop alive only while transfers run: idle
  // keep-alive connections stay in the set without holding the process open.
  for (uv_handle_t* handle : {reinterpret_cast<uv_handle_t*>(timer_), reinterpret_cast<uv_handle_t*>(epoll_poll_)}) {
    if (handle == nullptr) continue;
    if (!attached_.empty()) {
      uv_ref(handle);
    } else {
      uv_unref(handle);
    }
  }
}

#define REQUIRE_OPEN(env)                                                                             \
  if (closed_) {                                                                                      \
    ThrowError(env, "The multi handle is closed (curl_multi_cleanup was called)", "ERR_CURL_CLOSED"); \
    return env.Undefined();                                                                           \
  }

Napi::Value MultiHandle::IsClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), closed_);
}

Napi::Value MultiHandle::SetOpt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
  if (!info[0].IsNumber()) {
    ThrowTypeError(env, "Expected a CURLMOPT_* number for option");
    return env.Undefined();
  }
  auto option = static_cast<CURLMoption>(info[0].As<Napi::Number>().Int32Value());
  Napi::Value value = info[1];
  switch (option) {
    case CURLMOPT_SOCKETFUNCTION:
    case CURLMOPT_TIMERFUNCTION: {
      const char* name = option == CURLMOPT_SOCKETFUNCTION ? "CURLMOPT_SOCKETFUNCTION" : "CURLMOPT_TIMERFUNCTION";
      bool reset = value.IsNull() || value.IsUndefined();
      if (!reset && !value.IsFunction()) {
        ThrowTypeError(env, std::string("Expected a function or null for ") + name);
        return env.Undefined();
      }
      // Switching between the native driver and JavaScript callbacks with sockets already
      // watched would leave those sockets with nobody watching them.
      if (!attached_.empty()) {
        ThrowError(env, std::string(name) + " must be set before any easy handle is added", "ERR_CURL_MULTI_BUSY");
        return env.Undefined();
      }
      CloseDriverEpoll();  // the driver's sockets are the application's to watch from now on
      js_.Set(option == CURLMOPT_SOCKETFUNCTION ? kSocketFunction : kTimerFunction, value);
      return Napi::Number::New(env, CURLM_OK);
    }
    // Kept by the JavaScript layer, which hands them to the application's functions.
    case CURLMOPT_SOCKETDATA:
    case CURLMOPT_TIMERDATA: return Napi::Number::New(env, CURLM_OK);
    default: break;
  }
  if (option >= CURLOPTTYPE_OFF_T) {
    if (!IsInteger(value) && !value.IsBigInt()) {
      ThrowTypeError(env, "Expected an integer (curl_off_t) for CURLMOPT option " + std::to_string(option));
      return env.Undefined();
    }
    bool lossless = true;
    curl_off_t n = value.IsBigInt() ? value.As<Napi::BigInt>().Int64Value(&lossless)
                                    : static_cast<curl_off_t>(value.As<Napi::Number>().Int64Value());
    return Napi::Number::New(env, curl_multi_setopt(multi_, option, n));
  }
  if (option >= CURLOPTTYPE_OBJECTPOINT) {
    ThrowTypeError(env,
                   "CURLMOPT option " + std::to_string(option) + " (pointer or function) is not supported by curlio");
    return env.Undefined();
  }
  if (!IsInteger(value) && !value.IsBoolean()) {
    ThrowTypeError(env, "Expected an integer (long) for CURLMOPT option " + std::to_string(option));
    return env.Undefined();
  }
  long n = value.IsBoolean() ? (value.As<Napi::Boolean>().Value() ? 1 : 0)
                             : static_cast<long>(value.As<Napi::Number>().Int64Value());
  return Napi::Number::New(env, curl_multi_setopt(multi_, option, n));
}

Napi::Value MultiHandle::AddHandle(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
  EasyHandle* easy = EasyHandle::Unwrap(info[0]);
  if (easy == nullptr) return env.Undefined();
  if (easy->closed()) {
    ThrowError(env, "The easy handle is closed (curl_easy_cleanup was called)", "ERR_CURL_CLOSED");
    return env.Undefined();
  }
  if (easy->multi != nullptr) return Napi::Number::New(env, CURLM_ADDED_ALREADY);
  // Its last transfer finished but was not delivered yet (by this multi or another): adding
  // it again would hand that old result to the new transfer's handler, or empty the body
  // about to be delivered. removeHandle() on that multi first withdraws it.
  if (easy->awaiting_delivery) return Napi::Number::New(env, CURLM_ADDED_ALREADY);
  // Attached before libcurl runs: TIMERFUNCTION runs inside curl_multi_add_handle, and a
  // close() from there (deferred to the end of this call) must find the easy attached so
  // that it is removed from the multi before curl_easy_cleanup.
  attached_.insert(easy);
  easy->multi = this;
  easy->auto_remove = info[1].ToBoolean();
  easy->callback_error.Reset();
  easy->body.clear();
  easy->headers.clear();
  easy->BeginTransfer();
  easy->Ref();
  CURLMcode code;
  {
    CurlCallScope scope(data_);
    code = curl_multi_add_handle(multi_, easy->curl());
  }
  if (code != CURLM_OK && attached_.erase(easy) > 0) {
    easy->multi = nullptr;
    easy->Unref();
  }
  UpdateKeepAlive();
  return Napi::Number::New(env, code);
}

// addHandle bound to this multi, for the JavaScript layer's transfers: a call skips the
// napi_unwrap of `this` an instance method pays (~780 instructions, through V8's
// GetPrivate). The JavaScript Multi keeps it in a private field, so it is reachable only
// while the Multi is, and the MultiHandle (freed by the Multi's finalizer) outlives every
// call; AddHandle uses only the arguments, never `this`.
Napi::Value MultiHandle::AddHandleFunction(const Napi::CallbackInfo& info) {
  return Napi::Function::New(
      info.Env(),
      [](const Napi::CallbackInfo& call) -> Napi::Value {
        return static_cast<MultiHandle*>(call.Data())->AddHandle(call);
      },
      "addHandle", this);
}

Napi::Value MultiHandle::RemoveHandle(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
  CallbackErrorScope errors(data_);  // a CLOSESOCKETFUNCTION's exception outside any transfer
  EasyHandle* easy = EasyHandle::Unwrap(info[0]);
  if (easy == nullptr) return env.Undefined();
  if (easy->closed()) return Napi::Number::New(env, CURLM_BAD_EASY_HANDLE);
  if (easy->multi != nullptr && easy->multi != this) return Napi::Number::New(env, CURLM_BAD_EASY_HANDLE);
  if (easy->multi == nullptr) {
    // Finished but not yet delivered (auto-removed by the driver): removing it withdraws
    // the completion, so the caller may reuse the handle at once.
    for (auto it = done_.begin(); it != done_.end(); ++it) {
      if (it->easy == easy) {
        easy->awaiting_delivery = false;
        done_.erase(it);
        easy->Unref();
        UpdateKeepAlive();
        break;
      }
    }
    return Napi::Number::New(env, CURLM_OK);  // as libcurl: not in a multi, nothing to do
  }
  easy->AbandonTransfer();  // if it was running: what libcurl closes now belongs to no transfer
  CURLMcode code;
  {
    CurlCallScope scope(data_);
    code = curl_multi_remove_handle(multi_, easy->curl());
  }
  if (code == CURLM_OK && attached_.erase(easy) > 0) {
    easy->multi = nullptr;
    easy->Unref();
    UpdateKeepAlive();
  }
  return errors.Rethrow(env, ThrowPendingCallbackError(env, Napi::Number::New(env, code)));
}

Napi::Value MultiHandle::SocketAction(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
  CallbackErrorScope errors(data_);  // a CLOSESOCKETFUNCTION's exception outside any transfer
  if (!IsInteger(info[0]) || !IsInteger(info[1])) {
    ThrowTypeError(env, "Expected integers for sockfd and ev_bitmask");
    return env.Undefined();
  }
  int running = 0;
  CURLMcode code;
  {
    CurlCallScope scope(data_);
    code = curl_multi_socket_action(multi_, info[0].As<Napi::Number>().Int32Value(),
                                    info[1].As<Napi::Number>().Int32Value(), &running);
  }
  SetState(kRunningHandles, running);
  if (!closed_ && !UserDriven()) CollectDone();
  return errors.Rethrow(env, ThrowPendingCallbackError(env, Napi::Number::New(env, code)));
}

Napi::Value MultiHandle::SocketAll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
  CallbackErrorScope errors(data_);  // a CLOSESOCKETFUNCTION's exception outside any transfer
  int running = 0;
  CURLMcode code;
  {
    CurlCallScope scope(data_);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    code = curl_multi_socket_all(multi_, &running);  // legacy, kept for C ports
#pragma GCC diagnostic pop
  }
  SetState(kRunningHandles, running);
  if (!closed_ && !UserDriven()) CollectDone();
  return errors.Rethrow(env, ThrowPendingCallbackError(env, Napi::Number::New(env, code)));
}

Napi::Value MultiHandle::Assign(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  // Clearing a value from the CURL_POLL_REMOVE handler while cleanup() runs (multi-uv.c
  // does): the multi forgets every socket anyway.
  if (closed_ && notify_removals_) return Napi::Number::New(env, CURLM_OK);
  REQUIRE_OPEN(env);
  if (!IsInteger(info[0])) {
    ThrowTypeError(env, "Expected an integer for sockfd");
    return env.Undefined();
  }
  curl_socket_t fd = info[0].As<Napi::Number>().Int32Value();
  if (!UserDriven()) {
    // The native driver owns the per-socket pointer; an application value would replace it.
    ThrowError(env, "curl_multi_assign needs CURLMOPT_SOCKETFUNCTION: the native driver owns these sockets",
               "ERR_CURL_MULTI_DRIVER");
    return env.Undefined();
  }
  // libcurl keeps only a pointer, non-null exactly when a value is set; the value itself
  // is kept by the JavaScript layer once libcurl said CURLM_OK.
  bool clear = info[1].IsUndefined() || info[1].IsNull();
  return Napi::Number::New(env, curl_multi_assign(multi_, fd, clear ? nullptr : this));
}

Napi::Value MultiHandle::Timeout(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
  long timeout = -1;
  CURLMcode code = curl_multi_timeout(multi_, &timeout);
  SetState(kTimeoutMs, static_cast<int32_t>(timeout));
  return Napi::Number::New(env, code);
}

Napi::Value MultiHandle::InfoRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
  int queued = 0;
  CURLMsg* msg = curl_multi_info_read(multi_, &queued);
  SetState(kMsgsInQueue, queued);
  if (msg == nullptr) return env.Null();
  EasyHandle* easy = EasyHandle::FromCurl(msg->easy_handle);
  // The message's kind and result go into the shared state; the easy handle comes back,
  // or [easy, error] when one of the transfer's callbacks threw.
  SetState(kMsgKind, msg->msg);
  SetState(kMsgResult, msg->msg == CURLMSG_DONE ? easy->TransferResult(msg->data.result) : CURLE_OK);
  if (easy->callback_error.IsEmpty()) return easy->Value();
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, easy->Value());
  result.Set(1u, easy->callback_error.Value());
  easy->callback_error.Reset();
  return result;
}

Napi::Value MultiHandle::Cleanup(const Napi::CallbackInfo& info) {
  // From inside one of libcurl's callbacks the multi handle is still in use: defer. An
  // application that watches the sockets itself hears CURL_POLL_REMOVE for each of them,
  // so that it stops its polls before libcurl closes the fds.
  CallbackErrorScope errors(data_);  // cached connections close: their CLOSESOCKETFUNCTIONs run
  data_->RunOutsideCurl([this] {
    notify_removals_ = true;
    CloseResource();
    notify_removals_ = false;
  });
  return errors.Rethrow(info.Env(), Napi::Number::New(info.Env(), CURLM_OK));
}

Napi::Value MultiHandle::SetDoneCallback(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
  if (!info[0].IsFunction()) {
    ThrowTypeError(env, "Expected a function for the done callback");
    return env.Undefined();
  }
  js_.Set(kDoneFunction, info[0]);
  return env.Undefined();
}

// --- JavaScript socket / timer callbacks ------------------------------------------------

Napi::Value MultiHandle::CallJs(Napi::Value fn, std::initializer_list<napi_value> args) {
  Napi::Env env = data_->env;
  napi_value result = nullptr;
  if (!fn.IsFunction()) return Napi::Value();
  data_->EnterJs();
  if (napi_call_function(env, env.Undefined(), fn, args.size(), args.begin(), &result) == napi_ok) {
    return Napi::Value(env, result);
  }
  if (env.IsExceptionPending()) {
    Napi::Error error = env.GetAndClearPendingException();
    if (callback_error_.IsEmpty()) callback_error_ = Napi::Persistent<Napi::Value>(error.Value());
  }
  return Napi::Value();
}

// A socket or timer callback's exception belongs to whoever called into libcurl: it is
// re-thrown from that call once libcurl has returned.
Napi::Value MultiHandle::ThrowPendingCallbackError(Napi::Env env, Napi::Value result) {
  if (callback_error_.IsEmpty() || env.IsExceptionPending()) return result;
  Napi::Value error = callback_error_.Value();
  callback_error_.Reset();
  napi_throw(env, error);
  return env.Undefined();
}

int MultiHandle::OnSocket(CURL* easy, curl_socket_t s, int what, void* userp, void* socketp) {
  auto* self = static_cast<MultiHandle*>(userp);
  if (!self->UserDriven()) return self->perform_driven_ ? 0 : self->DriverSocket(s, what);
  if (self->data_->tearing_down) return 0;
  if (self->closed_ && !(what == CURL_POLL_REMOVE && self->notify_removals_)) return 0;
  Napi::Env env = self->data_->env;
  Napi::HandleScope scope(env);
  EasyHandle* owner = EasyHandle::FromCurl(easy);
  // The dispatcher adds CURLMOPT_SOCKETDATA and the assigned value (lib/libcurl/multi.ts).
  Napi::Value result = self->CallJs(
      self->js_.Get(kSocketFunction),
      {owner != nullptr ? owner->Value() : env.Null(), Napi::Number::New(env, s), Napi::Number::New(env, what)});
  if (result.IsEmpty()) return -1;
  return result.IsNumber() ? result.As<Napi::Number>().Int32Value() : 0;
}

int MultiHandle::OnTimer(CURLM* multi, long timeout_ms, void* userp) {
  auto* self = static_cast<MultiHandle*>(userp);
  if (self->closed_ || self->data_->tearing_down) return 0;
  if (!self->js_.Has(kTimerFunction)) {
    if (self->UserDriven() || self->perform_driven_) return 0;  // the application polls curl_multi_timeout itself
    // socket_action must not be called from here: "at once" runs in the check phase.
    self->timeout_due_now_ = timeout_ms == 0;
    if (timeout_ms == 0) {
      // Not a 0 ms uv_timer: libcurl asks for 0 again after every 100 reads while a fast
      // stream keeps its socket readable, and libuv (before 1.47) runs a timer re-armed
      // with 0 from its own callback again in the same timers phase, so the loop never
      // reached the poll phase nor Node's other timers. The check phase runs each handle
      // once per turn: one socket_action per turn, and every other phase in between.
      uv_timer_stop(self->timer_);
      self->ScheduleCheck();
    } else if (timeout_ms < 0) {
      uv_timer_stop(self->timer_);
    } else {
      uv_timer_start(self->timer_, &MultiHandle::OnTimerFired, static_cast<uint64_t>(timeout_ms), 0);
    }
    return 0;
  }
  Napi::Env env = self->data_->env;
  Napi::HandleScope scope(env);
  // The dispatcher adds the multi and CURLMOPT_TIMERDATA (lib/libcurl/multi.ts).
  Napi::Value result =
      self->CallJs(self->js_.Get(kTimerFunction), {Napi::Number::New(env, static_cast<double>(timeout_ms))});
  if (result.IsEmpty()) return -1;
  return result.IsNumber() ? result.As<Napi::Number>().Int32Value() : 0;
}

// --- the native driver (multi-uv.c with an epoll set; see multi.h) ---------------------

int MultiHandle::DriverSocket(curl_socket_t s, int what) {
  if (what == CURL_POLL_REMOVE) {
    // It stays in the epoll set: an idle keep-alive connection is re-armed by its next request.
    auto it = driver_sockets_.find(s);
    if (it != driver_sockets_.end()) it->second.wanted = false;
    return 0;
  }
  if (closed_ || !OpenDriverEpoll()) return closed_ ? 0 : -1;
  DriverSocketState& state = driver_sockets_[s];
  epoll_event ev{};
  ev.events = ((what & CURL_POLL_IN) ? uint32_t{EPOLLIN} : 0u) | ((what & CURL_POLL_OUT) ? uint32_t{EPOLLOUT} : 0u);
  ev.data.fd = s;
  // Never skipped, even for the same events: the fd number may belong to a new socket since
  // (libcurl closed the old one and opened another), which MOD reports as ENOENT.
  int op = state.events != 0 ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  bool registered = epoll_ctl(epoll_fd_, op, s, &ev) == 0;
  if (!registered && ((op == EPOLL_CTL_MOD && errno == ENOENT) || (op == EPOLL_CTL_ADD && errno == EEXIST))) {
    registered = epoll_ctl(epoll_fd_, op == EPOLL_CTL_MOD ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, s, &ev) == 0;
  }
  if (!registered) {
    // The fd cannot be watched (closed under libcurl by the application, most likely).
    // Returning -1 would make libcurl 7.88 mark the whole multi dead and fail every
    // transfer in it; instead the error is reported on this socket alone, from the check
    // phase (socket_action must not be called from here), failing only its transfer.
    state.events = 0;
    state.wanted = true;
    broken_sockets_.push_back(s);
    ScheduleCheck();
    return 0;
  }
  state.events = ev.events;
  state.wanted = true;
  return 0;
}

// The epoll set has ready sockets: hand each to libcurl, as bench/c/multi_epoll.c does.
void MultiHandle::OnSocketsReady(uv_poll_t* handle, int status, int events) {
  auto* self = static_cast<MultiHandle*>(handle->data);
  if (self->closed_ || self->epoll_fd_ < 0) return;
  epoll_event reported[256];
  int n = epoll_wait(self->epoll_fd_, reported, 256, 0);
  epoll_event* ready = reported;
  size_t count = n > 0 ? static_cast<size_t>(n) : 0;
  // Sockets not reached in the last turn go first (see below), then the others reported now.
  std::vector<epoll_event> leftover;
  if (!self->deferred_ready_.empty()) {
    leftover.swap(self->deferred_ready_);
    size_t deferred = leftover.size();
    for (size_t i = 0; i < count; i++) {
      bool seen = false;
      for (size_t j = 0; j < deferred && !seen; j++) seen = leftover[j].data.fd == reported[i].data.fd;
      if (!seen) leftover.push_back(reported[i]);
    }
    ready = leftover.data();
    count = leftover.size();
  }
  // Every socket_action also runs each transfer whose "run me at once" timer is due, so
  // with many fast streams each call reads up to 100 buffers for every one of them: the
  // sockets of one turn cost their number times all the streams (20 streams: a turn took
  // 350 ms). The turn stops once it has used its budget; the sockets not reached go first
  // next turn, after Node's timers (epoll alone would report them in the same order again).
  constexpr uint64_t kTurnBudgetNs = 4 * 1000 * 1000;
  uint64_t started = uv_hrtime();
  self->check_follows_ = true;  // this is the poll phase: its check phase delivers what finishes here
  // A callback may close the multi, or hand its sockets to the application (CloseDriverEpoll).
  for (size_t i = 0; i < count && !self->closed_ && self->epoll_fd_ >= 0; i++) {
    if (i > 0 && uv_hrtime() - started > kTurnBudgetNs) {
      self->deferred_ready_.assign(ready + i, ready + count);
      break;
    }
    curl_socket_t fd = ready[i].data.fd;
    auto it = self->driver_sockets_.find(fd);
    if (it == self->driver_sockets_.end() || !it->second.wanted) {
      // An idle connection turned readable (the server closed it, most likely): libcurl
      // finds out when it next looks at the connection. Out of the set until then.
      epoll_ctl(self->epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
      if (it != self->driver_sockets_.end()) it->second.events = 0;
      continue;
    }
    uint32_t e = ready[i].events;
    int flags = 0;
    if (e & (EPOLLIN | EPOLLHUP | EPOLLERR)) flags |= CURL_CSELECT_IN;
    if (e & EPOLLOUT) flags |= CURL_CSELECT_OUT;
    if (e & EPOLLERR) flags |= CURL_CSELECT_ERR;
    self->DriveSocketAction(fd, flags);
  }
  self->check_follows_ = false;
}

void MultiHandle::OnTimerFired(uv_timer_t* handle) {
  auto* self = static_cast<MultiHandle*>(handle->data);
  self->timeout_due_now_ = false;
  self->DriveSocketAction(CURL_SOCKET_TIMEOUT, 0);
}

void MultiHandle::DriveSocketAction(curl_socket_t fd, int ev_bitmask) {
  if (closed_) return;
  Napi::Env env = data_->env;
  Napi::HandleScope handle_scope(env);
  // Transfer callbacks that run inside (write, progress...) run in a callback scope, so
  // the promises they settle run their continuations when we are done here. It is
  // opened by the first of them (EnterJs); a transfer with no JavaScript callbacks pays
  // for none.
  {
    LazyCallbackScope callback_scope(
        data_, [this] { return static_cast<napi_value>(Value()); }, async_context_);
    {
      CurlCallScope scope(data_);
      int running = 0;
      curl_multi_socket_action(multi_, fd, ev_bitmask, &running);
      SetState(kRunningHandles, running);
    }
    if (!closed_) CollectDone();
  }
}

void MultiHandle::CollectDone() {
  if (!js_.Has(kDoneFunction)) return;  // no listener: messages stay for curl_multi_info_read
  CURLMsg* msg;
  int queued;
  while ((msg = curl_multi_info_read(multi_, &queued)) != nullptr) {
    if (msg->msg != CURLMSG_DONE) continue;
    EasyHandle* easy = EasyHandle::FromCurl(msg->easy_handle);
    long status = 0;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
    easy->Ref();  // held until delivered
    easy->awaiting_delivery = true;
    done_.push_back(Done{easy, easy->TransferResult(msg->data.result), status});
    if (easy->auto_remove) Detach(easy);
  }
  if (!done_.empty()) ScheduleCheck();
  UpdateKeepAlive();
}

void MultiHandle::ScheduleCheck() {
  if (closed_) return;
  uv_check_start(check_, &MultiHandle::OnCheck);
  // The check phase comes after the poll phase of the same loop turn, so work scheduled
  // from our socket events needs nothing more, nor work scheduled from OnCheck itself
  // (it looks at what is left before it returns). From anywhere else (a timer, JavaScript
  // run by another handle or by the main script), an active idle handle makes this turn's
  // poll phase return at once, as Node's setImmediate does: a transfer finished from a
  // timer must not wait for the next socket event (which may never come) before its
  // delivery. Started for every completion instead, it cost an extra loop turn per request
  // at 1 in flight (one more epoll_pwait, which returned nothing).
  if (!check_follows_) uv_idle_start(idle_, [](uv_idle_t*) {});
}

void MultiHandle::OnCheck(uv_check_t* handle) {
  auto* self = static_cast<MultiHandle*>(handle->data);
  self->check_follows_ = true;
  self->DeliverDone();
  // libcurl asked to be run at once: from a transfer that stopped reading after its
  // quota, or from the handlers just run, which typically add the next transfers (run
  // them in this loop turn rather than a turn later).
  if (!self->closed_ && self->timeout_due_now_) {
    self->timeout_due_now_ = false;
    self->DriveSocketAction(CURL_SOCKET_TIMEOUT, 0);
  }
  std::vector<curl_socket_t> broken;
  broken.swap(self->broken_sockets_);
  for (curl_socket_t fd : broken) {
    if (!self->closed_) self->DriveSocketAction(fd, CURL_CSELECT_ERR);
  }
  self->check_follows_ = false;
  if (self->closed_) return;  // its handles are closed
  // Left for the next turn (one round per turn, so that a stream that is always readable
  // cannot keep the loop in this phase): completions of the socket_actions just run, or
  // libcurl's "at once" again. That turn's poll phase must not wait for them.
  if (!self->done_.empty() || self->timeout_due_now_ || !self->broken_sockets_.empty()) {
    uv_check_start(self->check_, &MultiHandle::OnCheck);
    uv_idle_start(self->idle_, [](uv_idle_t*) {});
  } else {
    uv_check_stop(self->check_);
    uv_idle_stop(self->idle_);
  }
}

// One call into JavaScript per loop turn for the transfers that finished in it (a call per
// kDoneBatch of them): their numbers in the shared Int32Array (multi_state.h's done slots),
// their objects as the call's arguments: the slab, then per transfer its easy handle, its
// body and header Buffers when they are not in the slab, and what a callback threw if one
// did. A fresh array of six slots per transfer cost ~850 instructions per napi_set_element
// (each store grew the array through V8's slow runtime path): ~4,300 per request.
void MultiHandle::DeliverDone() {
  while (!closed_ && !done_.empty()) {
    if (!DeliverBatch()) return;
  }
}

bool MultiHandle::DeliverBatch() {
  Napi::Env env = data_->env;
  Napi::HandleScope scope(env);
  // The rest stay in done_: removeHandle() may still withdraw them while this batch's
  // handlers run, and addHandle() still sees them as awaiting delivery.
  size_t count = std::min(done_.size(), static_cast<size_t>(kDoneBatch));
  delivering_.assign(done_.begin(), done_.begin() + count);
  done_.erase(done_.begin(), done_.begin() + count);
  for (Done& done : delivering_) done.easy->awaiting_delivery = false;
  // Small bodies and header blocks are copied into one ArrayBuffer (the slab): their slots
  // hold a length, and JavaScript cuts Buffer views from the slab in order, each at an
  // offset aligned to 8 as in Node's Buffer pool. The slab is a pool kept across loop
  // turns, as Node pools small Buffers (a new ArrayBuffer per turn cost ~2,000
  // instructions per request at 1 in flight); a batch too large for it gets its own.
  size_t slab_size = 0;
  for (Done& done : delivering_) {
    EasyHandle* easy = done.easy;
    if (!easy->auto_remove) continue;
    if (easy->body.size() < EasyHandle::kCopyBelow) slab_size += AlignSlab(easy->body.size());
    if (easy->headers.size() < EasyHandle::kCopyBelow) slab_size += AlignSlab(easy->headers.size());
  }
  napi_value slab = env.Undefined();
  char* cursor = nullptr;
  size_t slab_offset = 0;
  if (slab_size > 0) {
    Napi::ArrayBuffer buffer;
    if (slab_size > kSlabPoolSize / 4) {
      buffer = Napi::ArrayBuffer::New(env, slab_size);  // its own
      if (!buffer.IsEmpty()) cursor = static_cast<char*>(buffer.Data());
    } else {
      if (!pool_.IsEmpty()) buffer = pool_.Value();
      // JavaScript marks the pool untransferable (Multi's #onDone); were it detached all
      // the same, its memory would belong to someone else now: never written again.
      if (buffer.IsEmpty() || buffer.IsDetached() || kSlabPoolSize - pool_used_ < slab_size) {
        buffer = Napi::ArrayBuffer::New(env, kSlabPoolSize);
        pool_.Reset();
        pool_used_ = 0;
        if (!buffer.IsEmpty()) pool_ = Napi::Persistent(buffer);
      }
      if (!buffer.IsEmpty()) {
        slab_offset = pool_used_;
        cursor = static_cast<char*>(buffer.Data()) + pool_used_;
        pool_used_ += slab_size;
      }
    }
    if (buffer.IsEmpty()) {
      // Refused: JavaScript can no longer run here (the environment is stopping).
      for (Done& done : delivering_) done.easy->Unref();
      delivering_.clear();
      UpdateKeepAlive();
      return false;
    }
    slab = buffer;
  }
  napi_value argv[1 + 4 * kDoneBatch];
  size_t argc = 0;
  argv[argc++] = slab;
  // A small body or header block goes to the slab (its slot: the length), a large one is
  // handed over as a Buffer of its own. False: no Buffer could be made (the bytes are gone).
  auto take = [&](EasyHandle* easy, ByteBuffer& bytes, int32_t* slot) -> bool {
    if (bytes.size() < EasyHandle::kCopyBelow) {
      size_t n = bytes.size();
      if (n > 0) memcpy(cursor, bytes.data(), n);
      cursor += AlignSlab(n);
      bytes.clear();
      *slot = static_cast<int32_t>(n);
      return true;
    }
    Napi::Value buffer = easy->TakeBuffer(bytes);
    if (buffer.IsEmpty()) return false;
    *slot = kDoneInArguments;
    argv[argc++] = buffer;
    return true;
  };
  int32_t* slots = state_data_ + kDoneFirst;
  for (Done& done : delivering_) {
    EasyHandle* easy = done.easy;
    argv[argc++] = easy->Value();
    slots[kDoneResult] = done.result;
    slots[kDoneStatus] = static_cast<int32_t>(done.status);
    slots[kDoneBody] = kDoneAbsent;
    slots[kDoneHeaders] = kDoneAbsent;
    if (easy->auto_remove) {
      bool body = take(easy, easy->body, &slots[kDoneBody]);
      bool headers = take(easy, easy->headers, &slots[kDoneHeaders]);
      if (!body || !headers) {
        // The transfer fails with Node's reason.
        slots[kDoneResult] = CURLE_OUT_OF_MEMORY;
        if (env.IsExceptionPending() && easy->callback_error.IsEmpty())
          easy->callback_error = Napi::Persistent<Napi::Value>(env.GetAndClearPendingException().Value());
      }
    }
    slots[kDoneError] = easy->callback_error.IsEmpty() ? 0 : 1;
    if (!easy->callback_error.IsEmpty()) {
      argv[argc++] = easy->callback_error.Value();
      easy->callback_error.Reset();
    }
    slots += kDoneStride;
  }
  state_data_[kDoneCount] = static_cast<int32_t>(count);
  state_data_[kDoneSlabOffset] = static_cast<int32_t>(slab_offset);
  for (Done& done : delivering_) done.easy->Unref();  // the arguments hold them now
  delivering_.clear();
  Napi::Object self = Value();
  UpdateKeepAlive();
  napi_value result;
  if (napi_make_callback(env, async_context_, self, js_.Get(kDoneFunction), argc, argv, &result) != napi_ok &&
      env.IsExceptionPending()) {
    // Nobody called us from JavaScript: an exception in the handler is uncaught.
    napi_fatal_exception(env, env.GetAndClearPendingException().Value());
  }
  return true;
}

}  // namespace curlio
