// IoThreadMulti: see io_thread.h. Which easy handles may go to the I/O thread is decided at
// the end of this file (EasyHandle::IoThreadRefusal).
#include "curl/io_thread.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>
#include <utility>

#include "curl/easy.h"

namespace curlio {

void IoThreadMulti::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(env, "IoThreadMulti",
                                    {
                                        InstanceMethod<&IoThreadMulti::SetOpt>("setopt"),
                                        InstanceMethod<&IoThreadMulti::Submit>("submit"),
                                        InstanceMethod<&IoThreadMulti::Cleanup>("cleanup"),
                                        InstanceMethod<&IoThreadMulti::SetDoneCallback>("setDoneCallback"),
                                        InstanceMethod<&IoThreadMulti::IsClosed>("isClosed"),
                                    });
  GetAddonData(env)->constructors["IoThreadMulti"] = Napi::Persistent(ctor);
  exports.Set("IoThreadMulti", ctor);
}

void InitIoThread(Napi::Env env, Napi::Object exports) {
  IoThreadMulti::Init(env, exports);
}

IoThreadMulti::IoThreadMulti(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<IoThreadMulti>(info), data_(GetAddonData(info.Env())) {
  Napi::Env env = info.Env();
  js_.Attach(info.This().As<Napi::Object>(), "_curlioSlots");
  multi_ = curl_multi_init();
  if (multi_ == nullptr) {
    ThrowError(env, "curl_multi_init failed (out of memory)", "CURLM_OUT_OF_MEMORY");
    return;
  }
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  epoll_event wake{};
  wake.events = EPOLLIN;
  wake.data.fd = wake_fd_;
  async_ = new uv_async_t;
  if (epoll_fd_ < 0 || wake_fd_ < 0 || epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake) != 0 ||
      uv_async_init(data_->loop, async_, &IoThreadMulti::OnAsync) != 0) {
    delete async_;
    async_ = nullptr;
    if (epoll_fd_ >= 0) close(epoll_fd_);
    if (wake_fd_ >= 0) close(wake_fd_);
    epoll_fd_ = wake_fd_ = -1;
    curl_multi_cleanup(multi_);
    multi_ = nullptr;
    ThrowError(env, "The I/O thread's epoll set, eventfd or uv_async could not be made", "CURLM_INTERNAL_ERROR");
    return;
  }
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &IoThreadMulti::OnSocket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &IoThreadMulti::OnTimer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  data_->open_handles++;
  async_->data = this;
  // Referenced only while transfers run: an idle multi does not keep the process alive.
  uv_unref(reinterpret_cast<uv_handle_t*>(async_));
  data_->Register(this);
  napi_async_init(env, info.This(), Napi::String::New(env, "curlio:IoThreadMulti"), &async_context_);
}

IoThreadMulti::~IoThreadMulti() {
  CloseResource();
  data_->Unregister(this);
}

void IoThreadMulti::CloseResource() {
  if (closed_) return;
  closed_ = true;
  StopThread();
  // The I/O thread is gone: the multi, the inbox and the outbox are this thread's now. What
  // was handed over settles here, without a result (the JavaScript layer says why).
  for (EasyHandle* easy : in_flight_) {
    if (multi_ != nullptr && easy->curl() != nullptr) curl_multi_remove_handle(multi_, easy->curl());
    easy->AbandonTransfer();
  }
  std::vector<EasyHandle*> settled(in_flight_.begin(), in_flight_.end());
  in_flight_.clear();
  inbox_.clear();
  outbox_.clear();
  for (EasyHandle* easy : settled) Release(easy);
  if (multi_ != nullptr) curl_multi_cleanup(multi_);
  multi_ = nullptr;
  if (epoll_fd_ >= 0) close(epoll_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
  epoll_fd_ = wake_fd_ = -1;
  if (async_ != nullptr) CloseUvHandle(data_, reinterpret_cast<uv_handle_t*>(async_));
  async_ = nullptr;
  js_.Clear(!data_->tearing_down);
  if (self_ref_) {
    self_ref_ = false;
    Unref();
  }
  // Safe at teardown too: Node emits no destroy hook once JavaScript cannot run.
  if (async_context_ != nullptr) napi_async_destroy(data_->env, async_context_);
  async_context_ = nullptr;
}

// --- the I/O thread ----------------------------------------------------------------------

bool IoThreadMulti::StartThread() {
  if (thread_.joinable()) return true;
  try {
    thread_ = std::thread([this] { Run(); });
  } catch (const std::system_error&) {
    return false;  // no thread (resource limits): the transfer fails, the multi stays usable
  }
  return true;
}

void IoThreadMulti::StopThread() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> guard(lock_);
    stop_ = true;
  }
  Wake();
  thread_.join();
}

void IoThreadMulti::Wake() {
  uint64_t one = 1;
  // Fails only when the counter is full (EAGAIN): the thread is woken already.
  ssize_t written = write(wake_fd_, &one, sizeof one);
  (void)written;
}

namespace {
int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

// CURLMOPT_SOCKETFUNCTION, on the I/O thread (inside socket_action, add and remove): the
// socket's events in the epoll set. A socket libcurl watches has a non-null socketp
// (curl_multi_assign), as in bench/c/multi_epoll.c; an fd number reused by a new socket is
// re-added when MOD finds it gone, and modified when ADD finds it there.
int IoThreadMulti::OnSocket(CURL* easy, curl_socket_t s, int what, void* userp, void* socketp) {
  auto* self = static_cast<IoThreadMulti*>(userp);
  if (what == CURL_POLL_REMOVE) {
    epoll_ctl(self->epoll_fd_, EPOLL_CTL_DEL, s, nullptr);  // ENOENT/EBADF: it is gone already
    curl_multi_assign(self->multi_, s, nullptr);
    return 0;
  }
  epoll_event ev{};
  ev.events = ((what & CURL_POLL_IN) ? uint32_t{EPOLLIN} : 0u) | ((what & CURL_POLL_OUT) ? uint32_t{EPOLLOUT} : 0u);
  ev.data.fd = s;
  int op = socketp != nullptr ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (epoll_ctl(self->epoll_fd_, op, s, &ev) != 0) {
    bool retry = (op == EPOLL_CTL_MOD && errno == ENOENT) || (op == EPOLL_CTL_ADD && errno == EEXIST);
    if (!retry || epoll_ctl(self->epoll_fd_, op == EPOLL_CTL_MOD ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, s, &ev) != 0)
      return -1;  // cannot be watched: libcurl fails the transfers on it
  }
  if (socketp == nullptr) curl_multi_assign(self->multi_, s, self);
  return 0;
}

// CURLMOPT_TIMERFUNCTION, on the I/O thread: one-shot and relative to now, so the loop keeps
// an absolute deadline and clears it when it fires (a kept 0 ms would spin).
int IoThreadMulti::OnTimer(CURLM* multi, long timeout_ms, void* userp) {
  auto* self = static_cast<IoThreadMulti*>(userp);
  self->deadline_us_ = timeout_ms < 0 ? -1 : NowUs() + static_cast<int64_t>(timeout_ms) * 1000;
  return 0;
}

void IoThreadMulti::Run() {
  std::vector<EasyHandle*> adds;
  std::vector<const std::function<void()>*> calls;
  std::vector<Done> finished;
  epoll_event ready[256];
  int running = 0;
  // Finished transfers leave the multi and go to the outbox; one uv_async_send per batch.
  auto collect = [&] {
    CURLMsg* msg;
    int queued;
    while ((msg = curl_multi_info_read(multi_, &queued)) != nullptr) {
      if (msg->msg != CURLMSG_DONE) continue;
      // The message lives in the easy handle: read it before the handle leaves the multi.
      CURL* curl = msg->easy_handle;
      CURLcode result = msg->data.result;
      EasyHandle* easy = EasyHandle::FromCurl(curl);
      long status = 0;
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
      curl_multi_remove_handle(multi_, curl);
      finished.push_back(Done{easy, easy->TransferResult(result), status});
    }
    if (finished.empty()) return;
    bool wake;
    {
      std::lock_guard<std::mutex> guard(lock_);
      wake = outbox_.empty();  // else a wake-up is on its way and takes these too
      outbox_.insert(outbox_.end(), finished.begin(), finished.end());
    }
    finished.clear();
    if (wake) uv_async_send(async_);
  };
  for (;;) {
    uint64_t calls_ticket;
    {
      std::lock_guard<std::mutex> guard(lock_);
      if (stop_) return;
      adds.swap(inbox_);
      calls.swap(calls_);
      calls_ticket = calls_queued_;
    }
    for (EasyHandle* easy : adds) {
      CURLMcode code = curl_multi_add_handle(multi_, easy->curl());
      if (code != CURLM_OK) finished.push_back(Done{easy, easy->TransferResult(CURLE_FAILED_INIT), 0});
    }
    adds.clear();
    // After the adds taken with them: a withdrawal finds its handle in the multi or finished.
    if (!calls.empty()) {
      for (const std::function<void()>* call : calls) (*call)();
      calls.clear();
      {
        std::lock_guard<std::mutex> guard(lock_);
        calls_run_ = calls_ticket;
      }
      calls_run_changed_.notify_all();
    }
    if (deadline_us_ >= 0 && NowUs() >= deadline_us_) {
      deadline_us_ = -1;
      curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    collect();
    int timeout_ms = -1;
    if (deadline_us_ >= 0) {
      int64_t left = deadline_us_ - NowUs();
      timeout_ms = left <= 0 ? 0 : static_cast<int>((left + 999) / 1000);
    }
    int n = epoll_wait(epoll_fd_, ready, 256, timeout_ms);
    for (int i = 0; i < n; i++) {
      int fd = ready[i].data.fd;
      if (fd == wake_fd_) {
        uint64_t count;
        ssize_t got = read(wake_fd_, &count, sizeof count);
        (void)got;
        continue;
      }
      uint32_t e = ready[i].events;
      int flags = 0;
      if (e & (EPOLLIN | EPOLLHUP | EPOLLERR)) flags |= CURL_CSELECT_IN;
      if (e & EPOLLOUT) flags |= CURL_CSELECT_OUT;
      if (e & EPOLLERR) flags |= CURL_CSELECT_ERR;
      curl_multi_socket_action(multi_, fd, flags, &running);
    }
    collect();
  }
}

void IoThreadMulti::RunOnIoThread(const std::function<void()>& work) {
  if (!thread_.joinable()) {
    work();
    return;
  }
  std::unique_lock<std::mutex> guard(lock_);
  calls_.push_back(&work);
  uint64_t ticket = ++calls_queued_;
  guard.unlock();
  Wake();
  guard.lock();
  calls_run_changed_.wait(guard, [&] { return calls_run_ >= ticket; });
}

// --- the JavaScript thread's side --------------------------------------------------------

#define REQUIRE_OPEN(env)                                                                             \
  if (closed_) {                                                                                      \
    ThrowError(env, "The multi handle is closed (curl_multi_cleanup was called)", "ERR_CURL_CLOSED"); \
    return env.Undefined();                                                                           \
  }

Napi::Value IoThreadMulti::IsClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), closed_);
}

// Long-valued options only (CURLMOPT_MAXCONNECTS, CURLMOPT_PIPELINING...): the function and
// data options are the I/O thread's own. Checked by the JavaScript layer; run on the I/O
// thread, since libcurl's multi is not to be touched from two threads.
Napi::Value IoThreadMulti::SetOpt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
  if (!info[0].IsNumber() || !(info[1].IsNumber() || info[1].IsBoolean())) {
    ThrowTypeError(env, "Expected a CURLMOPT_* number and a number for the I/O thread multi's setopt");
    return env.Undefined();
  }
  auto option = static_cast<CURLMoption>(info[0].As<Napi::Number>().Int32Value());
  if (option / 10000 != CURLOPTTYPE_LONG / 10000) return Napi::Number::New(env, CURLM_UNKNOWN_OPTION);
  long value = info[1].IsBoolean() ? (info[1].As<Napi::Boolean>().Value() ? 1 : 0)
                                   : static_cast<long>(info[1].As<Napi::Number>().Int64Value());
  CURLMcode code = CURLM_OK;
  RunOnIoThread([&] { code = curl_multi_setopt(multi_, option, value); });
  return Napi::Number::New(env, code);
}

Napi::Value IoThreadMulti::SetDoneCallback(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
  if (!info[0].IsFunction()) {
    ThrowTypeError(env, "Expected a function for the done callback");
    return env.Undefined();
  }
  js_.Set(kDoneFunction, info[0]);
  return env.Undefined();
}

Napi::Value IoThreadMulti::Submit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
  EasyHandle* easy = EasyHandle::Unwrap(info[0]);
  if (easy == nullptr) return env.Undefined();
  if (easy->closed()) {
    ThrowError(env, "The easy handle is closed (curl_easy_cleanup was called)", "ERR_CURL_CLOSED");
    return env.Undefined();
  }
  // In a multi, or its result there not delivered yet, or running here already.
  if (easy->multi != nullptr || easy->awaiting_delivery || easy->io_thread != nullptr)
    return Napi::Number::New(env, CURLM_ADDED_ALREADY);
  if (const char* option = easy->IoThreadRefusal()) return Napi::String::New(env, option);
  if (!StartThread()) return Napi::Number::New(env, CURLM_OUT_OF_MEMORY);
  easy->callback_error.Reset();
  easy->body.clear();
  easy->headers.clear();
  easy->BeginTransfer();
  // From here until Release the handle is the I/O thread's: its JavaScript methods refuse
  // (io_thread), a multi refuses it (awaiting_delivery), and it stays alive (Ref).
  easy->awaiting_delivery = true;
  easy->io_thread = this;
  easy->Ref();
  in_flight_.insert(easy);
  bool wake;
  {
    std::lock_guard<std::mutex> guard(lock_);
    wake = inbox_.empty();  // else a wake-up is on its way and takes this one too
    inbox_.push_back(easy);
  }
  if (wake) Wake();
  UpdateKeepAlive();
  return Napi::Number::New(env, CURLM_OK);
}

void IoThreadMulti::Withdraw(EasyHandle* easy) {
  if (closed_ || in_flight_.erase(easy) == 0) return;
  CURL* curl = easy->curl();
  // Still in the multi (or in the inbox, added before this runs): out of it. Finished: it
  // was removed already, and its result is dropped from the outbox below.
  RunOnIoThread([this, curl] { curl_multi_remove_handle(multi_, curl); });
  {
    std::lock_guard<std::mutex> guard(lock_);
    for (auto it = outbox_.begin(); it != outbox_.end();) {
      it = it->easy == easy ? outbox_.erase(it) : it + 1;
    }
  }
  easy->AbandonTransfer();
  Release(easy);
  UpdateKeepAlive();
}

void IoThreadMulti::Release(EasyHandle* easy) {
  easy->awaiting_delivery = false;
  easy->io_thread = nullptr;
  easy->Unref();
}

void IoThreadMulti::UpdateKeepAlive() {
  bool busy = !closed_ && !in_flight_.empty();
  // Kept alive by its transfers (as Node keeps an active socket), like the native driver.
  if (busy && !self_ref_) {
    Ref();
    self_ref_ = true;
  } else if (!busy && self_ref_) {
    self_ref_ = false;
    Unref();
  }
  if (async_ != nullptr) {
    if (busy) {
      uv_ref(reinterpret_cast<uv_handle_t*>(async_));
    } else {
      uv_unref(reinterpret_cast<uv_handle_t*>(async_));
    }
  }
}

void IoThreadMulti::OnAsync(uv_async_t* handle) {
  static_cast<IoThreadMulti*>(handle->data)->Deliver();
}

// One call into JavaScript for the whole batch, as MultiHandle::DeliverDone: [easy, result,
// body, headers, callbackError, responseCode] per transfer in one flat array, small bodies
// and header blocks as lengths into one shared ArrayBuffer (the slab).
void IoThreadMulti::Deliver() {
  if (closed_) return;
  {
    std::lock_guard<std::mutex> guard(lock_);
    batch_.swap(outbox_);
  }
  if (batch_.empty()) return;
  std::vector<Done> batch;
  batch.swap(batch_);
  Napi::Env env = data_->env;
  Napi::HandleScope scope(env);
  // Each handle is the JavaScript thread's again before any JavaScript runs: a handler may
  // start its next transfer at once, or close this multi.
  for (Done& done : batch) {
    in_flight_.erase(done.easy);
    done.easy->awaiting_delivery = false;
    done.easy->io_thread = nullptr;
  }
  constexpr uint32_t kStride = 6;
  size_t slab_size = 0;
  for (Done& done : batch) {
    if (done.easy->body.size() < EasyHandle::kCopyBelow) slab_size += done.easy->body.size();
    if (done.easy->headers.size() < EasyHandle::kCopyBelow) slab_size += done.easy->headers.size();
  }
  Napi::ArrayBuffer slab;
  char* cursor = nullptr;
  if (slab_size > 0) {
    slab = Napi::ArrayBuffer::New(env, slab_size);
    if (slab.IsEmpty()) {
      // Refused: JavaScript can no longer run here (the environment is stopping).
      for (Done& done : batch) done.easy->Unref();
      UpdateKeepAlive();
      return;
    }
    cursor = static_cast<char*>(slab.Data());
  }
  auto take = [&](EasyHandle* easy, ByteBuffer& bytes) -> Napi::Value {
    if (bytes.size() >= EasyHandle::kCopyBelow) return easy->TakeBuffer(bytes);
    size_t n = bytes.size();
    if (n > 0) memcpy(cursor, bytes.data(), n);
    cursor += n;
    bytes.clear();
    return Napi::Number::New(env, static_cast<double>(n));
  };
  Napi::Array items = Napi::Array::New(env, batch.size() * kStride);
  uint32_t i = 0;
  for (Done& done : batch) {
    EasyHandle* easy = done.easy;
    items.Set(i, easy->Value());
    items.Set(i + 1, Napi::Number::New(env, done.result));
    Napi::Value body = take(easy, easy->body);
    Napi::Value headers = take(easy, easy->headers);
    if (body.IsEmpty() || headers.IsEmpty()) {
      // No Buffer could be made (the bytes are gone): the transfer fails with Node's reason.
      items.Set(i + 1, Napi::Number::New(env, CURLE_OUT_OF_MEMORY));
      if (env.IsExceptionPending()) items.Set(i + 4, env.GetAndClearPendingException().Value());
    }
    if (!body.IsEmpty()) items.Set(i + 2, body);
    if (!headers.IsEmpty()) items.Set(i + 3, headers);
    items.Set(i + 5, Napi::Number::New(env, static_cast<double>(done.status)));
    i += kStride;
  }
  for (Done& done : batch) done.easy->Unref();  // `items` holds them now
  batch.clear();
  if (batch_.capacity() == 0) batch_.swap(batch);  // keep the memory for the next batch
  UpdateKeepAlive();
  Napi::Object self = Value();
  napi_value argv[] = {items, slab_size > 0 ? static_cast<napi_value>(slab) : env.Undefined()};
  napi_value result;
  if (napi_make_callback(env, async_context_, self, js_.Get(kDoneFunction), 2, argv, &result) != napi_ok &&
      env.IsExceptionPending()) {
    // Nobody called us from JavaScript: an exception in the handler is uncaught.
    napi_fatal_exception(env, env.GetAndClearPendingException().Value());
  }
}

Napi::Value IoThreadMulti::Cleanup(const Napi::CallbackInfo& info) {
  CloseResource();
  return Napi::Number::New(info.Env(), CURLM_OK);
}

// --- which easy handles may go ---------------------------------------------------------

// The first option set from JavaScript that needs the JavaScript thread during the
// transfer, or nullptr. Callbacks call into JavaScript; a share handle's lock functions
// are JavaScript's (or absent, and libcurl's caches unlocked across threads); a mime post
// may read its parts through JavaScript; a CURLU and a stream dependency are objects the
// JavaScript thread may change or free meanwhile.
const char* EasyHandle::IoThreadRefusal() const {
  static const std::pair<CURLoption, const char*> kJsThreadOptions[] = {
      {CURLOPT_WRITEFUNCTION, "CURLOPT_WRITEFUNCTION"},
      {CURLOPT_HEADERFUNCTION, "CURLOPT_HEADERFUNCTION"},
      {CURLOPT_READFUNCTION, "CURLOPT_READFUNCTION"},
      {CURLOPT_XFERINFOFUNCTION, "CURLOPT_XFERINFOFUNCTION"},
      {CURLOPT_PREREQFUNCTION, "CURLOPT_PREREQFUNCTION"},
      {CURLOPT_DEBUGFUNCTION, "CURLOPT_DEBUGFUNCTION"},
      {CURLOPT_OPENSOCKETFUNCTION, "CURLOPT_OPENSOCKETFUNCTION"},
      {CURLOPT_SOCKOPTFUNCTION, "CURLOPT_SOCKOPTFUNCTION"},
      {CURLOPT_CLOSESOCKETFUNCTION, "CURLOPT_CLOSESOCKETFUNCTION"},
      {CURLOPT_SEEKFUNCTION, "CURLOPT_SEEKFUNCTION"},
      {CURLOPT_SHARE, "CURLOPT_SHARE"},
      {CURLOPT_MIMEPOST, "CURLOPT_MIMEPOST"},
      {CURLOPT_CURLU, "CURLOPT_CURLU"},
      {CURLOPT_STREAM_DEPENDS, "CURLOPT_STREAM_DEPENDS"},
      {CURLOPT_STREAM_DEPENDS_E, "CURLOPT_STREAM_DEPENDS_E"},
  };
  for (const auto& [option, name] : kJsThreadOptions) {
    if (js_.Has(option)) return name;
  }
  // Connections opened under a CLOSESOCKETFUNCTION set once are counted by its hook (see
  // close_socket_hook.h) on the JavaScript thread, even after it was reset to null.
  if (close_hook_ != nullptr) return "CURLOPT_CLOSESOCKETFUNCTION";
  return nullptr;
}

bool EasyHandle::RefuseOnIoThread(Napi::Env env) {
  if (io_thread == nullptr) return false;
  ThrowError(env,
             "The easy handle is running a transfer on an I/O thread (IoThreadMulti): it is usable again once "
             "that transfer settles, or after cleanup()",
             "ERR_CURL_BUSY");
  return true;
}

}  // namespace curlio
