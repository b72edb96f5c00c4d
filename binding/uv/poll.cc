#include "uv/poll.h"

#include <fcntl.h>

#include <string>

namespace curlio {

namespace {
void ThrowUvError(Napi::Env env, const std::string& what, int err) {
  ThrowError(env, what + ": " + uv_strerror(err), uv_err_name(err));
}
}  // namespace

void PollHandle::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(env, "Poll",
                                    {
                                        InstanceMethod<&PollHandle::Start>("start"),
                                        InstanceMethod<&PollHandle::Stop>("stop"),
                                        InstanceMethod<&PollHandle::Close>("close"),
                                        InstanceAccessor<&PollHandle::Fd>("fd"),
                                        InstanceMethod<&PollHandle::IsActive>("isActive"),
                                    });
  GetAddonData(env)->constructors["Poll"] = Napi::Persistent(ctor);
  exports.Set("Poll", ctor);
  // libuv's own values, from the uv.h the addon was built with.
  exports.Set("UV_READABLE", static_cast<int>(UV_READABLE));
  exports.Set("UV_WRITABLE", static_cast<int>(UV_WRITABLE));
  exports.Set("UV_DISCONNECT", static_cast<int>(UV_DISCONNECT));
  exports.Set("UV_PRIORITIZED", static_cast<int>(UV_PRIORITIZED));
}

PollHandle::PollHandle(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<PollHandle>(info), data_(GetAddonData(info.Env())) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber() || info[0].As<Napi::Number>().DoubleValue() != info[0].As<Napi::Number>().Int32Value() ||
      info[0].As<Napi::Number>().Int32Value() < 0) {
    ThrowTypeError(env, "Expected a non-negative integer fd for Poll");
    return;
  }
  fd_ = info[0].As<Napi::Number>().Int32Value();
  // uv_poll_init would make a closed fd's number "valid" again in epoll's eyes later.
  if (fcntl(fd_, F_GETFD) == -1) {
    ThrowUvError(env, "Poll(" + std::to_string(fd_) + ")", UV_EBADF);
    return;
  }
  if (data_->polled_fds.count(fd_) > 0) {
    ThrowUvError(env, "Poll(" + std::to_string(fd_) + "): another Poll watches this fd", UV_EEXIST);
    return;
  }
  poll_ = new uv_poll_t;
  int err = uv_poll_init(data_->loop, poll_, fd_);
  if (err != 0) {
    delete poll_;
    poll_ = nullptr;
    ThrowUvError(env, "Poll(" + std::to_string(fd_) + ")", err);
    return;
  }
  js_.Attach(info.This().As<Napi::Object>(), "_curlioSlots");
  data_->open_handles++;
  data_->polled_fds.insert(fd_);
  poll_->data = this;
  data_->Register(this);
  napi_async_init(env, info.This(), Napi::String::New(env, "curlio:Poll"), &async_context_);
}

PollHandle::~PollHandle() {
  CloseResource();
  data_->Unregister(this);
}

void PollHandle::CloseResource() {
  if (poll_ == nullptr) return;
  uv_poll_stop(poll_);
  CloseUvHandle(data_, reinterpret_cast<uv_handle_t*>(poll_));
  poll_ = nullptr;
  data_->polled_fds.erase(fd_);
  js_.Clear(!data_->tearing_down);
  SetActive(false);
  if (async_context_ != nullptr) napi_async_destroy(data_->env, async_context_);
  async_context_ = nullptr;
}

void PollHandle::SetActive(bool active) {
  if (active == active_) return;
  active_ = active;
  if (active) {
    Ref();
  } else {
    Unref();
  }
}

Napi::Value PollHandle::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (poll_ == nullptr) {
    ThrowError(env, "The Poll is closed", "ERR_POLL_CLOSED");
    return env.Undefined();
  }
  if (!info[0].IsNumber()) {
    ThrowTypeError(env, "Expected a number (UV_READABLE | UV_WRITABLE ...) for events");
    return env.Undefined();
  }
  int events = info[0].As<Napi::Number>().Int32Value();
  if ((events & ~(UV_READABLE | UV_WRITABLE | UV_DISCONNECT | UV_PRIORITIZED)) != 0) {
    ThrowTypeError(env, "Unknown bits in events: " + std::to_string(events));
    return env.Undefined();
  }
  // Without a callback the one given last is kept: the JavaScript layer passes none when
  // it is the same function, so a restart costs no store into the slots.
  bool keep_callback = info[1].IsUndefined() && js_.Has(0);
  if (!keep_callback && !info[1].IsFunction()) {
    ThrowTypeError(env, "Expected a function (err, events) for the callback");
    return env.Undefined();
  }
  int err = uv_poll_start(poll_, events, &PollHandle::OnEvent);
  if (err != 0) {
    ThrowUvError(env, "Poll.start", err);
    return env.Undefined();
  }
  if (!keep_callback) js_.Set(0, info[1]);
  SetActive(true);
  return env.Undefined();
}

Napi::Value PollHandle::Stop(const Napi::CallbackInfo& info) {
  if (poll_ != nullptr) uv_poll_stop(poll_);
  SetActive(false);
  return info.Env().Undefined();
}

Napi::Value PollHandle::Close(const Napi::CallbackInfo& info) {
  CloseResource();
  return info.Env().Undefined();
}

Napi::Value PollHandle::Fd(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), fd_);
}

Napi::Value PollHandle::IsActive(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), active_);
}

void PollHandle::OnEvent(uv_poll_t* handle, int status, int events) {
  auto* self = static_cast<PollHandle*>(handle->data);
  Napi::Env env = self->data_->env;
  Napi::HandleScope scope(env);
  Napi::Value error = env.Null();
  if (status < 0) {
    Napi::Error e = Napi::Error::New(env, std::string("poll: ") + uv_strerror(status));
    e.Set("code", uv_err_name(status));
    error = e.Value();
  }
  napi_value argv[] = {error, Napi::Number::New(env, status < 0 ? 0 : events)};
  napi_value result;
  // Keep ourselves on the stack: the callback may close and drop this Poll.
  Napi::Object keep = self->Value();
  if (napi_make_callback(env, self->async_context_, keep, self->js_.Get(0), 2, argv, &result) != napi_ok &&
      env.IsExceptionPending()) {
    napi_fatal_exception(env, env.GetAndClearPendingException().Value());
  }
}

}  // namespace curlio
