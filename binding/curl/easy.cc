// An easy handle's life: made (curl_easy_init), copied (duphandle), reset, run
// (curl_easy_perform, pause) and closed (curl_easy_cleanup), and the response it buffered
// handed to JavaScript. As in curl's lib/, the rest lives apart: setopt.cc, getinfo.cc,
// transfer_callbacks.cc and socket_callbacks.cc.
#include "curl/easy.h"

#include <cstdio>
#include <mutex>

#include "curl/io_thread.h"
#include "curl/js_values.h"
#include "curl/multi.h"

namespace curlio {

namespace {

std::once_flag curl_global_once;

}  // namespace

void EasyHandle::Init(Napi::Env env, Napi::Object exports) {
  std::call_once(curl_global_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  Napi::Function ctor = DefineClass(env, "Easy",
                                    {
                                        InstanceMethod<&EasyHandle::SetOpt>("setopt"),
                                        InstanceMethod<&EasyHandle::GetInfo>("getinfo"),
                                        InstanceMethod<&EasyHandle::GetInfoCode>("getinfoCode"),
                                        InstanceMethod<&EasyHandle::Perform>("perform"),
                                        InstanceMethod<&EasyHandle::Pause>("pause"),
                                        InstanceMethod<&EasyHandle::Reset>("reset"),
                                        InstanceMethod<&EasyHandle::DupHandle>("duphandle"),
                                        InstanceMethod<&EasyHandle::Cleanup>("cleanup"),
                                        InstanceMethod<&EasyHandle::TakeBody>("takeBody"),
                                        InstanceMethod<&EasyHandle::TakeHeaders>("takeHeaders"),
                                        InstanceMethod<&EasyHandle::TakeCallbackError>("takeCallbackError"),
                                        InstanceMethod<&EasyHandle::IsClosed>("isClosed"),
                                        InstanceMethod<&EasyHandle::ErrorBuffer>("errorBuffer"),
                                        InstanceMethod<&EasyHandle::SetMaxBodySize>("setMaxBodySize"),
                                        InstanceMethod<&EasyHandle::DiscardHeaders>("discardHeaders"),
                                    });
  GetAddonData(env)->constructors["Easy"] = Napi::Persistent(ctor);
  exports.Set("Easy", ctor);
}

// An argument is an easy handle when the pointer wrapped in it is one of this
// environment's live EasyHandles: one napi_unwrap and a hash lookup. instanceof walked the
// prototype chain (about 2,300 instructions a call, paid on every add and remove of a
// transfer), and a type tag cost a second private-property lookup besides the unwrap.
EasyHandle* EasyHandle::Unwrap(Napi::Value value) {
  Napi::Env env = value.Env();
  AddonData* data = GetAddonData(env);
  void* wrapped = nullptr;
  if (napi_unwrap(env, value, &wrapped) == napi_ok && data->easy_handles.count(wrapped) > 0) {
    return static_cast<EasyHandle*>(static_cast<Napi::ObjectWrap<EasyHandle>*>(wrapped));
  }
  ThrowTypeError(env, std::string("Expected an easy handle (CURL) but received ") + TypeOf(value));
  return nullptr;
}

EasyHandle* EasyHandle::FromCurl(CURL* curl) {
  EasyHandle* easy = nullptr;
  curl_easy_getinfo(curl, CURLINFO_PRIVATE, reinterpret_cast<char**>(&easy));
  return easy;
}

EasyHandle::EasyHandle(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<EasyHandle>(info), data_(GetAddonData(info.Env())) {
  curl_ = curl_easy_init();
  if (curl_ == nullptr) {
    ThrowError(info.Env(), "curl_easy_init failed (out of memory)", "CURLE_OUT_OF_MEMORY");
    return;
  }
  js_.AttachOnFirstSet(this, "_curlioSlots");
  // What napi_unwrap gives back for this object (ObjectWrap is the first base class).
  data_->easy_handles.insert(static_cast<Napi::ObjectWrap<EasyHandle>*>(this));
  data_->Register(this);
  ApplyDefaults();
}

EasyHandle::~EasyHandle() {
  CloseResource();
  data_->easy_handles.erase(static_cast<Napi::ObjectWrap<EasyHandle>*>(this));
  data_->Unregister(this);
}

// What every easy handle of ours has, whatever the user sets: our pointer as PRIVATE (so
// CURL * leads back to the JavaScript object), our write/header sinks, and NOSIGNAL,
// because libcurl's alarm()-based DNS timeouts are unsafe in a threaded process.
void EasyHandle::ApplyDefaults() {
  curl_easy_setopt(curl_, CURLOPT_PRIVATE, this);
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error_buffer_);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &EasyHandle::OnWrite);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &EasyHandle::OnHeader);
  curl_easy_setopt(curl_, CURLOPT_HEADERDATA, this);
}

void EasyHandle::CopyOptionsFrom(EasyHandle& other) {
  // curl_easy_duphandle copies strings but shares slist and POSTFIELDS pointers, and its
  // callback data still points at the source: give the copy its own of each.
  if (other.has_postfields_) {
    postfields_ = other.postfields_;
    has_postfields_ = true;
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, postfields_.data());
  }
  for (auto& [option, list] : other.slists_) {
    curl_slist* copy = nullptr;
    for (curl_slist* item = list; item != nullptr; item = item->next) copy = curl_slist_append(copy, item->data);
    slists_[option] = copy;
    curl_easy_setopt(curl_, static_cast<CURLoption>(option), copy);
  }
  other.js_.ForEach([this](uint32_t option, Napi::Value value) {
    if (option != CURLOPT_STREAM_DEPENDS && option != CURLOPT_STREAM_DEPENDS_E) js_.Set(option, value);
  });
  // The callbacks' data pointers must be this handle, not the source. But without a
  // READFUNCTION libcurl freads READDATA itself: it stays the FILE * it is (stdin), since
  // fread on this handle aborted the process.
  for (CURLoption option : {CURLOPT_READDATA, CURLOPT_XFERINFODATA, CURLOPT_PREREQDATA, CURLOPT_DEBUGDATA,
                            CURLOPT_OPENSOCKETDATA, CURLOPT_SOCKOPTDATA, CURLOPT_SEEKDATA}) {
    if (option == CURLOPT_READDATA && !js_.Has(CURLOPT_READFUNCTION)) continue;
    curl_easy_setopt(curl_, option, this);
  }
  // The copy's connections are its own: they count in a hook of its own.
  if (other.close_hook_ != nullptr) InstallCloseSocketHook();
}

void EasyHandle::ReleaseOptions() {
  for (auto& [option, list] : slists_) curl_slist_free_all(list);
  slists_.clear();
  postfields_.clear();
  postfields_.shrink_to_fit();
  has_postfields_ = false;
  js_.Clear(!data_->tearing_down);
  read_leftover_.clear();
}

void EasyHandle::CloseResource() {
  if (curl_ == nullptr) return;
  if (multi != nullptr) multi->Detach(this);
  if (io_thread != nullptr) io_thread->Withdraw(this);
  curl_easy_cleanup(curl_);
  curl_ = nullptr;
  ReleaseCloseSocketHook();
  ReleaseOptions();
  callback_error.Reset();
  body.clear();
  body.shrink_to_fit();
  headers.clear();
  headers.shrink_to_fit();
  failure_ = CURLE_OK;
  failure_message_.clear();
}

Napi::Value EasyHandle::Cleanup(const Napi::CallbackInfo& info) {
  // Called from one of this handle's own callbacks, libcurl is still using it: the close
  // waits until libcurl returns, and until then the callbacks fail the transfer instead
  // of calling into JavaScript again.
  if (data_->curl_depth > 0 && io_thread == nullptr) close_requested_ = true;
  CallbackErrorScope errors(data_);  // a CLOSESOCKETFUNCTION's exception is thrown from here
  data_->RunOutsideCurl([this] { CloseResource(); });
  return errors.Rethrow(info.Env(), info.Env().Undefined());
}

Napi::Value EasyHandle::IsClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), curl_ == nullptr);
}

Napi::Value EasyHandle::ErrorBuffer(const Napi::CallbackInfo& info) {
  if (RefuseOnIoThread(info.Env())) return info.Env().Undefined();
  return Napi::String::New(info.Env(), error_buffer_);
}

// Checked by the JavaScript layer (Easy#maxBodySize): a non-negative safe integer.
Napi::Value EasyHandle::SetMaxBodySize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (RefuseOnIoThread(env)) return env.Undefined();
  if (!info[0].IsNumber()) {
    ThrowTypeError(env, std::string("Expected a number of bytes for maxBodySize but received ") + TypeOf(info[0]));
    return env.Undefined();
  }
  double limit = info[0].As<Napi::Number>().DoubleValue();
  max_body_size = limit > 0 ? static_cast<uint64_t>(limit) : 0;
  return env.Undefined();
}

// From lib/libcurl/c-defaults.ts: true while a C-layer handle has no HEADERFUNCTION and no
// HEADERDATA (the headers go nowhere, as in C), false for every other case.
Napi::Value EasyHandle::DiscardHeaders(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (RefuseOnIoThread(env)) return env.Undefined();
  discard_headers = info[0].ToBoolean();
  if (discard_headers) headers.clear();
  return env.Undefined();
}

void EasyHandle::BeginTransfer() {
  in_transfer_ = true;
  body_bytes_ = 0;
  header_block_bytes_ = 0;
  failure_ = CURLE_OK;
  failure_message_.clear();
}

void EasyHandle::Fail(CURLcode code, const std::string& message) {
  if (failure_ != CURLE_OK) return;
  failure_ = code;
  failure_message_ = message;
}

CURLcode EasyHandle::TransferResult(CURLcode result) {
  in_transfer_ = false;
  if (failure_ == CURLE_OK) return result;
  // libcurl wrote its own text for the failure we caused (a short write, an abort) and
  // writes nothing more once the transfer is done.
  snprintf(error_buffer_, sizeof error_buffer_, "%s", failure_message_.c_str());
  return failure_;
}

bool EasyHandle::RequireOpen(Napi::Env env) {
  if (curl_ != nullptr) return !RefuseOnIoThread(env);
  ThrowError(env, "The easy handle is closed (curl_easy_cleanup was called)", "ERR_CURL_CLOSED");
  return false;
}

Napi::Value EasyHandle::Perform(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  // As libcurl: in a multi (or its result there not delivered yet, which this would clobber).
  if (multi != nullptr || awaiting_delivery) return Napi::Number::New(env, CURLE_BAD_FUNCTION_ARGUMENT);
  callback_error.Reset();
  BeginTransfer();
  CallbackErrorScope errors(data_);
  CURLcode code;
  {
    CurlCallScope scope(data_);
    code = curl_easy_perform(curl_);
  }
  code = TransferResult(code);
  // Like C, the call returns the code; unlike C, a callback's exception is not lost: it
  // propagates to the caller of curl_easy_perform, as a JavaScript exception would.
  if (!callback_error.IsEmpty()) {
    Napi::Value error = callback_error.Value();
    callback_error.Reset();
    if (!env.IsExceptionPending()) {
      napi_throw(env, error);
      return errors.Rethrow(env, env.Undefined());
    }
  }
  return errors.Rethrow(env, Napi::Number::New(env, code));
}

Napi::Value EasyHandle::Pause(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  int64_t bitmask;
  if (!ToInt64(info[0], &bitmask)) {
    ThrowTypeError(env, std::string("Expected a CURLPAUSE_* bitmask but received ") + TypeOf(info[0]));
    return env.Undefined();
  }
  CURLcode code;
  {
    // Unpausing delivers buffered data at once, through the write callback.
    CurlCallScope scope(data_);
    code = curl_easy_pause(curl_, static_cast<int>(bitmask));
  }
  return Napi::Number::New(env, code);
}

Napi::Value EasyHandle::Reset(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  curl_easy_reset(curl_);
  ReleaseOptions();
  body.clear();
  headers.clear();
  ApplyDefaults();
  // libcurl forgot the close function, so new connections will not call the hook; the
  // ones made before still do, and it keeps counting what our open function opens.
  if (close_hook_ != nullptr) {
    curl_easy_setopt(curl_, CURLOPT_OPENSOCKETDATA, this);
    curl_easy_setopt(curl_, CURLOPT_OPENSOCKETFUNCTION, &EasyHandle::OnOpenSocket);
  }
  return env.Undefined();
}

// duphandle(target): the JavaScript layer makes the new object (so it has the caller's
// class) and the copy of the CURL * goes into it.
Napi::Value EasyHandle::DupHandle(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  EasyHandle* target = Unwrap(info[0]);
  if (target == nullptr) return env.Undefined();
  if (target == this || target->closed() || target->multi != nullptr || target->io_thread != nullptr) {
    ThrowTypeError(env, "duphandle needs a fresh, open easy handle as its target");
    return env.Undefined();
  }
  CURL* copy = curl_easy_duphandle(curl_);
  if (copy == nullptr) {
    ThrowError(env, "curl_easy_duphandle failed (out of memory)", "CURLE_OUT_OF_MEMORY");
    return env.Undefined();
  }
  curl_easy_cleanup(target->curl_);
  target->ReleaseCloseSocketHook();
  target->ReleaseOptions();
  target->curl_ = copy;
  target->ApplyDefaults();
  target->CopyOptionsFrom(*this);
  return info[0];
}

Napi::Value EasyHandle::TakeBuffer(ByteBuffer& bytes) {
  // Small bodies are cheaper to copy than to hand over with a finalizer the GC must run;
  // large ones are handed over without a copy: the Buffer owns the bytes from now on.
  if (bytes.size() < kCopyBelow) {
    Napi::Value copy = Napi::Buffer<char>::Copy(data_->env, bytes.data(), bytes.size());
    bytes.clear();
    return copy;
  }
  size_t size = 0;
  char* owned = bytes.Release(&size);
  return Napi::Value(data_->env, HandOverBytes(data_->env, owned, size));
}

Napi::Value EasyHandle::TakeBody(const Napi::CallbackInfo& info) {
  if (RefuseOnIoThread(info.Env())) return info.Env().Undefined();
  return TakeBuffer(body);
}
Napi::Value EasyHandle::TakeHeaders(const Napi::CallbackInfo& info) {
  if (RefuseOnIoThread(info.Env())) return info.Env().Undefined();
  return TakeBuffer(headers);
}

Napi::Value EasyHandle::TakeCallbackError(const Napi::CallbackInfo& info) {
  if (callback_error.IsEmpty()) return info.Env().Undefined();
  Napi::Value error = callback_error.Value();
  callback_error.Reset();
  return error;
}
}  // namespace curlio
