// Module entry: per-environment instance data, teardown, and the class registrations.
#include "addon.h"

#include "curl/body_buffer.h"
#include "curl/close_socket_hook.h"
#include "curl/easy.h"
#include "curl/functions.h"
#include "curl/io_thread.h"
#include "curl/multi.h"
#include "curl/multi_state.h"
#include "curl/version.h"
#include "gio/init.h"
#include "psl/psl.h"
#include "uv/poll.h"

namespace curlio {

AddonData::AddonData(Napi::Env e) : env(e) {
  napi_get_uv_event_loop(env, &loop);
}

AddonData* GetAddonData(Napi::Env env) {
  return env.GetInstanceData<AddonData>();
}

void AddonData::RunOutsideCurl(std::function<void()> action) {
  if (curl_depth > 0) {
    deferred.push_back(std::move(action));
  } else {
    action();
  }
}

Napi::Object AddonData::New(const char* class_name, const std::vector<napi_value>& args) {
  return constructors.at(class_name).New(args);
}

CurlCallScope::~CurlCallScope() {
  if (--data_->curl_depth > 0) return;
  // A deferred close may itself defer nothing (depth is 0 now), but may queue more work.
  while (!data_->deferred.empty()) {
    auto actions = std::move(data_->deferred);
    data_->deferred.clear();
    for (auto& action : actions) action();
  }
}

LazyCallbackScope::LazyCallbackScope(AddonData* data, std::function<napi_value()> resource, napi_async_context context)
    : data_(data), previous_(data->lazy_scope), resource_(std::move(resource)), context_(context) {
  data_->lazy_scope = this;
}

void LazyCallbackScope::Open() {
  if (scope_ != nullptr || context_ == nullptr) return;
  napi_value resource = resource_();
  if (resource == nullptr || napi_open_callback_scope(data_->env, resource, context_, &scope_) != napi_ok)
    scope_ = nullptr;
}

LazyCallbackScope::~LazyCallbackScope() {
  data_->lazy_scope = previous_;
  if (scope_ != nullptr) napi_close_callback_scope(data_->env, scope_);
}

// process.emitWarning(error): a warning, not an uncaught exception (a close function's
// failure must not end the process).
static void EmitWarning(Napi::Env env, Napi::Value error) {
  napi_value pending = nullptr;
  if (env.IsExceptionPending()) pending = env.GetAndClearPendingException().Value();
  Napi::Value process = env.Global().Get("process");
  Napi::Value emit = process.IsObject() ? process.As<Napi::Object>().Get("emitWarning") : Napi::Value();
  if (!emit.IsEmpty() && emit.IsFunction()) emit.As<Napi::Function>().Call(process, {error});
  if (env.IsExceptionPending()) env.GetAndClearPendingException();
  if (pending != nullptr) napi_throw(env, pending);
}

void AddonData::ReportCallbackError(Napi::Value error) {
  if (tearing_down) return;  // JavaScript can no longer run
  if (callback_error_scopes > 0) {
    if (stray_callback_error.IsEmpty()) {
      stray_callback_error = Napi::Persistent(error);
      return;
    }
  }
  EmitWarning(env, error);  // nobody called us from JavaScript, or one is kept already
}

Napi::Value CallbackErrorScope::Rethrow(Napi::Env env, Napi::Value result) {
  if (data_->callback_error_scopes > 1 || data_->stray_callback_error.IsEmpty()) return result;
  Napi::Value error = data_->stray_callback_error.Value();
  data_->stray_callback_error.Reset();
  if (env.IsExceptionPending()) {
    EmitWarning(env, error);  // the call fails with another exception already
    return result;
  }
  napi_throw(env, error);
  return env.Undefined();
}

void AddonData::EnterJs() {
  if (lazy_scope != nullptr) lazy_scope->Open();
}

void CloseUvHandle(AddonData* data, uv_handle_t* handle) {
  handle->data = data;
  uv_close(handle, [](uv_handle_t* h) {
    auto* d = static_cast<AddonData*>(h->data);
    switch (h->type) {
      case UV_POLL: delete reinterpret_cast<uv_poll_t*>(h); break;
      case UV_TIMER: delete reinterpret_cast<uv_timer_t*>(h); break;
      case UV_CHECK: delete reinterpret_cast<uv_check_t*>(h); break;
      case UV_IDLE: delete reinterpret_cast<uv_idle_t*>(h); break;
      case UV_PREPARE: delete reinterpret_cast<uv_prepare_t*>(h); break;
      case UV_ASYNC: delete reinterpret_cast<uv_async_t*>(h); break;
      default: abort();  // a programming error: only these types are ever created
    }
    if (--d->open_handles == 0 && d->tearing_down && d->cleanup_hook != nullptr) {
      napi_async_cleanup_hook_handle hook = d->cleanup_hook;
      d->cleanup_hook = nullptr;
      napi_remove_async_cleanup_hook(hook);
    }
  });
}

void ThrowTypeError(Napi::Env env, const std::string& message) {
  Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
}

void ThrowError(Napi::Env env, const std::string& message, const char* code) {
  Napi::Error error = Napi::Error::New(env, message);
  if (code != nullptr) error.Set("code", Napi::String::New(env, code));
  error.ThrowAsJavaScriptException();
}

// Environment teardown (worker exit, process exit): close every native object while the
// loop still runs, then let Node finish once the last uv close callback has fired.
static void OnEnvironmentTeardown(napi_async_cleanup_hook_handle hook, void* arg) {
  auto* data = static_cast<AddonData*>(arg);
  data->tearing_down = true;
  data->cleanup_hook = hook;
  data->deferred.clear();
  // Closing a Multi detaches its easy handles, so Multis go first.
  std::vector<Resource*> resources(data->resources.begin(), data->resources.end());
  for (Resource* r : resources) {
    if (dynamic_cast<MultiHandle*>(r) != nullptr) r->CloseResource();
  }
  resources.assign(data->resources.begin(), data->resources.end());
  for (Resource* r : resources) r->CloseResource();
  // Every connection is closed now: nothing can reach these hooks any more.
  for (CloseSocketHook* hook : data->orphaned_close_hooks) delete hook;
  data->orphaned_close_hooks.clear();
  if (data->open_handles == 0 && data->cleanup_hook != nullptr) {
    data->cleanup_hook = nullptr;
    napi_remove_async_cleanup_hook(hook);
  }
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData(env);
  env.SetInstanceData<AddonData>(data);  // deleted by node-addon-api at env teardown
  napi_async_cleanup_hook_handle ignored;
  napi_add_async_cleanup_hook(env, OnEnvironmentTeardown, data, &ignored);

  // The JavaScript helpers of the chunk pool (curl/chunk_pool.h), given once by lib/libcurl.
  exports.Set("setChunkHelpers", Napi::Function::New<SetChunkHelpers>(env, "setChunkHelpers"));
  exports.Set("setBufferMaxLength", Napi::Function::New<SetBufferMaxLength>(env, "setBufferMaxLength"));
  InitCurlVersion(env, exports);
  EasyHandle::Init(env, exports);
  MultiHandle::Init(env, exports);
  InitIoThread(env, exports);
  InitMultiState(env, exports);
  InitMultiPerform(env, exports);
  InitGlobal(env, exports);
  InitEscape(env, exports);
  InitParsedate(env, exports);
  InitEasyOptions(env, exports);
  InitEasyIo(env, exports);
  InitHeaders(env, exports);
  InitShare(env, exports);
  InitUrl(env, exports);
  InitMime(env, exports);
  InitWebSockets(env, exports);
  InitMultiPush(env, exports);
  PollHandle::Init(env, exports);
  InitGio(env, exports);
  InitPsl(env, exports);
  return exports;
}

}  // namespace curlio

static Napi::Object InitCurlio(Napi::Env env, Napi::Object exports) {
  return curlio::Init(env, exports);
}

NODE_API_MODULE(curlio, InitCurlio)
