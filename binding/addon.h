// Per-environment state of the addon, and the rules every native object follows:
// one owner, one close path, and teardown before the environment's loop goes away.
#pragma once

#include <napi.h>
#include <uv.h>

#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "curl/chunk_pool.h"

namespace curlio {

class CloseSocketHook;

// Anything that owns native resources (a CURL*, a uv handle, a GSocket) derives from
// Resource and registers itself, so that environment teardown (worker exit, process exit)
// can close it while the loop still runs. CloseResource() must be idempotent and must not
// call into JavaScript: at teardown JavaScript can no longer run.
class Resource {
 public:
  virtual ~Resource() = default;
  virtual void CloseResource() = 0;
};

struct AddonData {
  explicit AddonData(Napi::Env env);

  Napi::Env env;
  uv_loop_t* loop = nullptr;

  // Constructors of the wrapped classes, by class name (per environment, never static).
  std::unordered_map<std::string, Napi::FunctionReference> constructors;

  std::unordered_set<Resource*> resources;
  // The EasyHandles alive in this environment, as napi_unwrap returns them: an argument is
  // an easy handle only if the pointer wrapped in it is one of these (EasyHandle::Unwrap).
  std::unordered_set<const void*> easy_handles;

  // A native object (a GSocket made by accept, socketpair, fromFd) for the constructor
  // being called next to adopt. Handing it over in a Napi::External instead would leak the
  // External's bookkeeping in a worker that is terminated before GC runs.
  void* adopt_next = nullptr;

  // uv handles whose close callback has not run yet. Environment teardown waits for
  // them (async cleanup hook): closing the loop with a live handle aborts Node.
  size_t open_handles = 0;
  bool tearing_down = false;
  napi_async_cleanup_hook_handle cleanup_hook = nullptr;

  // Depth of libcurl calls on the stack that may call back into JavaScript. Closing a
  // handle from inside one of its own callbacks would free memory libcurl is still
  // using, so such closes are deferred until the outermost call returns.
  int curl_depth = 0;
  std::vector<std::function<void()>> deferred;

  // fds watched by a Poll of this environment: libuv silently keeps only the first
  // watcher of an fd, so a second Poll on one fd must fail loudly instead.
  std::unordered_set<int> polled_fds;

  // CURLOPT_CLOSESOCKETDATA of closed easy handles whose connections are still cached in a
  // multi (see curl/close_socket_hook.h). Deleted at teardown, after every multi is closed.
  std::unordered_set<CloseSocketHook*> orphaned_close_hooks;

  // buffer.constants.MAX_LENGTH (set by lib/libcurl/binding.ts): a buffered response body
  // or header block never grows past what one Buffer can hold.
  size_t buffer_max_length = size_t{1} << 32;

  // An exception from a callback that ran outside any transfer (a CLOSESOCKETFUNCTION or
  // DEBUGFUNCTION while libcurl closes a cached connection, at cleanup or for another
  // transfer). Re-thrown by the JavaScript call that ran libcurl (CallbackErrorScope), or,
  // with none on the stack (the native driver, a finalizer), emitted as a process warning.
  int callback_error_scopes = 0;
  Napi::Reference<Napi::Value> stray_callback_error;
  void ReportCallbackError(Napi::Value error);

  // The CURLcode of this environment's last curl_easy_getinfo (EasyHandle::GetInfo).
  int getinfo_code = 0;

  // Small chunks for JavaScript write/header callbacks (see curl/chunk_pool.h).
  ChunkPool chunks;

  // Set while a native driver runs libcurl from the event loop (no JavaScript on the
  // stack): the first JavaScript callback in that call opens the callback scope (async
  // context, then microtasks and nextTicks when it closes). A transfer without JavaScript
  // callbacks thus pays for no scope at all.
  struct LazyCallbackScope* lazy_scope = nullptr;
  void EnterJs();

  void Register(Resource* r) { resources.insert(r); }
  void Unregister(Resource* r) { resources.erase(r); }

  // Runs `action` now, or after the outermost libcurl call returns if one is running.
  void RunOutsideCurl(std::function<void()> action);

  Napi::Object New(const char* class_name, const std::vector<napi_value>& args = {});
};

AddonData* GetAddonData(Napi::Env env);

// A callback scope opened on first use (see AddonData::lazy_scope), closed by the
// destructor. `resource` gives the async resource object only when a scope is opened.
struct LazyCallbackScope {
  LazyCallbackScope(AddonData* data, std::function<napi_value()> resource, napi_async_context context);
  ~LazyCallbackScope();
  LazyCallbackScope(const LazyCallbackScope&) = delete;
  LazyCallbackScope& operator=(const LazyCallbackScope&) = delete;
  void Open();

 private:
  AddonData* data_;
  LazyCallbackScope* previous_;
  std::function<napi_value()> resource_;
  napi_async_context context_;
  napi_callback_scope scope_ = nullptr;
};

// Marks a libcurl call that may call back into JavaScript (see AddonData::curl_depth).
class CurlCallScope {
 public:
  explicit CurlCallScope(AddonData* data) : data_(data) { ++data_->curl_depth; }
  ~CurlCallScope();
  CurlCallScope(const CurlCallScope&) = delete;
  CurlCallScope& operator=(const CurlCallScope&) = delete;

 private:
  AddonData* data_;
};

// Marks a JavaScript call into libcurl that may close connections (cleanup, remove,
// socket_action...): see AddonData::ReportCallbackError.
class CallbackErrorScope {
 public:
  explicit CallbackErrorScope(AddonData* data) : data_(data) { ++data_->callback_error_scopes; }
  ~CallbackErrorScope() { --data_->callback_error_scopes; }
  CallbackErrorScope(const CallbackErrorScope&) = delete;
  CallbackErrorScope& operator=(const CallbackErrorScope&) = delete;
  // `result`, or undefined with the stray exception thrown (unless one is pending already).
  Napi::Value Rethrow(Napi::Env env, Napi::Value result);

 private:
  AddonData* data_;
};

// libuv discipline: a handle's memory is released in its close callback, never before.
// The handle must have been allocated with `new` as its own uv_*_t (poll, timer, check).
void CloseUvHandle(AddonData* data, uv_handle_t* handle);

// Thrown errors, with a `code` property where one applies.
void ThrowTypeError(Napi::Env env, const std::string& message);
void ThrowError(Napi::Env env, const std::string& message, const char* code = nullptr);

}  // namespace curlio
