#include "curl/easy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <mutex>

#include "curl/handle_options.h"
#include "curl/multi.h"
#include "curl/wire_strings.h"

namespace curlio {

namespace {

std::once_flag curl_global_once;

// Which JavaScript value a callback receives as its `void *` argument: the value of the
// matching *DATA option, as in C.
CURLoption DataOptionFor(CURLoption function_option) {
  switch (function_option) {
    case CURLOPT_WRITEFUNCTION: return CURLOPT_WRITEDATA;
    case CURLOPT_HEADERFUNCTION: return CURLOPT_HEADERDATA;
    case CURLOPT_READFUNCTION: return CURLOPT_READDATA;
    case CURLOPT_XFERINFOFUNCTION: return CURLOPT_XFERINFODATA;
    case CURLOPT_PREREQFUNCTION: return CURLOPT_PREREQDATA;
    case CURLOPT_DEBUGFUNCTION: return CURLOPT_DEBUGDATA;
    case CURLOPT_OPENSOCKETFUNCTION: return CURLOPT_OPENSOCKETDATA;
    case CURLOPT_SOCKOPTFUNCTION: return CURLOPT_SOCKOPTDATA;
    case CURLOPT_CLOSESOCKETFUNCTION: return CURLOPT_CLOSESOCKETDATA;
    case CURLOPT_SEEKFUNCTION: return CURLOPT_SEEKDATA;
    default: return CURLOPT_LASTENTRY;
  }
}

std::string OptionName(CURLoption option) {
  const curl_easyoption* o = curl_easy_option_by_id(option);
  return o != nullptr ? std::string("CURLOPT_") + o->name : "option " + std::to_string(option);
}

const char* TypeOf(Napi::Value value) {
  switch (value.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_number: return "a number";
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    case napi_bigint: return "a bigint";
    default: return value.IsArray() ? "an array" : value.IsBuffer() ? "a Buffer" : "an object";
  }
}

bool ToInt64(Napi::Value value, int64_t* out) {
  if (value.IsNumber()) {
    double d = value.As<Napi::Number>().DoubleValue();
    if (d != d || d > 9.2e18 || d < -9.2e18) return false;
    *out = static_cast<int64_t>(d);
    return static_cast<double>(*out) == d;
  }
  if (value.IsBoolean()) {
    *out = value.As<Napi::Boolean>().Value() ? 1 : 0;
    return true;
  }
  if (value.IsBigInt()) {
    bool lossless = false;
    *out = value.As<Napi::BigInt>().Int64Value(&lossless);
    return lossless;
  }
  return false;
}

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
  js_.Attach(info.This().As<Napi::Object>(), "_curlioSlots");
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
  // The callbacks' data pointers must be this handle, not the source.
  for (CURLoption option : {CURLOPT_READDATA, CURLOPT_XFERINFODATA, CURLOPT_PREREQDATA, CURLOPT_DEBUGDATA,
                            CURLOPT_OPENSOCKETDATA, CURLOPT_SOCKOPTDATA, CURLOPT_SEEKDATA}) {
    curl_easy_setopt(curl_, option, this);
  }
  // The copy's connections are its own: they count in a hook of its own.
  if (other.close_hook_ != nullptr) InstallCloseSocketHook();
}

void EasyHandle::InstallCloseSocketHook() {
  if (close_hook_ == nullptr) close_hook_ = new CloseSocketHook(this, data_);
  curl_easy_setopt(curl_, CURLOPT_CLOSESOCKETDATA, close_hook_);
  curl_easy_setopt(curl_, CURLOPT_OPENSOCKETDATA, this);
  curl_easy_setopt(curl_, CURLOPT_OPENSOCKETFUNCTION, &EasyHandle::OnOpenSocket);
}

// After curl_easy_cleanup (or duphandle's replacement of the CURL *): sockets of this
// handle still cached in a multi keep the hook alive, but no longer reach this handle.
void EasyHandle::ReleaseCloseSocketHook() {
  if (close_hook_ == nullptr) return;
  close_hook_->OwnerClosed();
  close_hook_ = nullptr;
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
  if (data_->curl_depth > 0) close_requested_ = true;
  CallbackErrorScope errors(data_);  // a CLOSESOCKETFUNCTION's exception is thrown from here
  data_->RunOutsideCurl([this] { CloseResource(); });
  return errors.Rethrow(info.Env(), info.Env().Undefined());
}

Napi::Value EasyHandle::IsClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), curl_ == nullptr);
}

Napi::Value EasyHandle::ErrorBuffer(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), error_buffer_);
}

// Checked by the JavaScript layer (Easy#maxBodySize): a non-negative safe integer.
Napi::Value EasyHandle::SetMaxBodySize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) {
    ThrowTypeError(env, std::string("Expected a number of bytes for maxBodySize but received ") + TypeOf(info[0]));
    return env.Undefined();
  }
  double limit = info[0].As<Napi::Number>().DoubleValue();
  max_body_size = limit > 0 ? static_cast<uint64_t>(limit) : 0;
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

#define REQUIRE_OPEN(env)                                                                           \
  if (curl_ == nullptr) {                                                                           \
    ThrowError(env, "The easy handle is closed (curl_easy_cleanup was called)", "ERR_CURL_CLOSED"); \
    return env.Undefined();                                                                         \
  }

Napi::Value EasyHandle::SetOpt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
  if (!info[0].IsNumber()) {
    ThrowTypeError(env, std::string("Expected a CURLOPT_* number for option but received ") + TypeOf(info[0]));
    return env.Undefined();
  }
  auto option = static_cast<CURLoption>(info[0].As<Napi::Number>().Int32Value());
  Napi::Value value = info[1];
  const curl_easyoption* meta = curl_easy_option_by_id(option);
  if (meta == nullptr) return Napi::Number::New(env, CURLE_UNKNOWN_OPTION);
  const std::string name = OptionName(option);
  CURLcode code = CURLE_OK;

  switch (option) {
    // Options we keep in JavaScript: libcurl's pointer stays ours (see ApplyDefaults).
    case CURLOPT_PRIVATE:
    case CURLOPT_WRITEDATA:
    case CURLOPT_HEADERDATA:
    case CURLOPT_READDATA:
    case CURLOPT_XFERINFODATA:
    case CURLOPT_PREREQDATA:
    case CURLOPT_DEBUGDATA:
    case CURLOPT_OPENSOCKETDATA:
    case CURLOPT_SOCKOPTDATA:
    case CURLOPT_CLOSESOCKETDATA:
    case CURLOPT_SEEKDATA: js_.Set(option, value); return Napi::Number::New(env, CURLE_OK);
    case CURLOPT_POSTFIELDS:
    case CURLOPT_COPYPOSTFIELDS: {
      if (value.IsNull() || value.IsUndefined()) {
        postfields_.clear();
        postfields_.shrink_to_fit();
        has_postfields_ = false;
        curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(-1));
        code = curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, static_cast<char*>(nullptr));
        break;
      }
      std::string bytes;
      if (value.IsString()) {
        bytes = value.As<Napi::String>().Utf8Value();
      } else if (value.IsBuffer()) {
        auto buffer = value.As<Napi::Buffer<char>>();
        bytes.assign(buffer.Data(), buffer.Length());
      } else {
        ThrowTypeError(env, "Expected a string, Buffer or null for " + name + " but received " + TypeOf(value));
        return env.Undefined();
      }
      // The size is that of the value given now (a Buffer may hold NUL bytes, so not
      // strlen), never one left behind by an earlier body. Set POSTFIELDSIZE after this
      // option to send less.
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(bytes.size()));
      // Both forms keep our copy alive for the transfer, so libcurl need not copy again.
      postfields_ = std::move(bytes);
      has_postfields_ = true;
      code = curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, postfields_.data());
      break;
    }
    case CURLOPT_STREAM_DEPENDS:
    case CURLOPT_STREAM_DEPENDS_E: {
      if (value.IsNull() || value.IsUndefined()) {
        js_.Set(option, env.Undefined());
        code = curl_easy_setopt(curl_, option, static_cast<CURL*>(nullptr));
        break;
      }
      EasyHandle* other = Unwrap(value);
      if (other == nullptr) return env.Undefined();
      js_.Set(option, value);
      code = curl_easy_setopt(curl_, option, other->curl_);
      break;
    }
    case CURLOPT_ERRORBUFFER:
      // libcurl writes into ours; curl_easy_setopt (lib/libcurl/c-defaults.ts) copies it
      // into the caller's Buffer.
      ThrowTypeError(env, "CURLOPT_ERRORBUFFER is managed by curlio: read easy.errorBuffer() instead");
      return env.Undefined();
    case CURLOPT_SHARE:
    case CURLOPT_CURLU:
    case CURLOPT_MIMEPOST:
      code = SetHandleOption(curl_, option, value);
      if (env.IsExceptionPending()) return env.Undefined();
      if (code == CURLE_OK) js_.Set(option, value);  // the C handle lives as long as it is set
      break;
    default:
      switch (meta->type) {
        case CURLOT_LONG:
        case CURLOT_VALUES: {
          int64_t n;
          if (!ToInt64(value, &n)) {
            ThrowTypeError(env, "Expected an integer (long) for " + name + " but received " + TypeOf(value));
            return env.Undefined();
          }
          code = curl_easy_setopt(curl_, option, static_cast<long>(n));
          break;
        }
        case CURLOT_OFF_T: {
          int64_t n;
          if (!ToInt64(value, &n)) {
            ThrowTypeError(env,
                           "Expected an integer or bigint (curl_off_t) for " + name + " but received " + TypeOf(value));
            return env.Undefined();
          }
          code = curl_easy_setopt(curl_, option, static_cast<curl_off_t>(n));
          break;
        }
        case CURLOT_STRING: {
          if (value.IsNull() || value.IsUndefined()) {
            code = curl_easy_setopt(curl_, option, static_cast<char*>(nullptr));
            break;
          }
          if (!value.IsString()) {
            ThrowTypeError(env, "Expected a string or null for " + name + " but received " + TypeOf(value));
            return env.Undefined();
          }
          std::string s = value.As<Napi::String>().Utf8Value();
          if (s.find('\0') != std::string::npos) {
            ThrowTypeError(env, "The string for " + name + " contains a NUL byte");
            return env.Undefined();
          }
          if (IsWireStringOption(option) && s.find_first_of("\r\n") != std::string::npos) {
            ThrowTypeError(env,
                           "The string for " + name + " contains CR or LF (it goes into a request line or header)");
            return env.Undefined();
          }
          // libcurl copies every string option (since 7.17.0): no copy of ours to keep.
          code = curl_easy_setopt(curl_, option, s.c_str());
          break;
        }
        case CURLOT_SLIST: {
          if (value.IsNull() || value.IsUndefined()) {
            code = curl_easy_setopt(curl_, option, static_cast<curl_slist*>(nullptr));
            auto it = slists_.find(option);
            if (it != slists_.end()) {
              curl_slist_free_all(it->second);
              slists_.erase(it);
            }
            break;
          }
          if (!value.IsArray()) {
            ThrowTypeError(env, "Expected an array of strings or null for " + name + " but received " + TypeOf(value));
            return env.Undefined();
          }
          code = SetSlist(option, value.As<Napi::Array>());
          if (env.IsExceptionPending()) return env.Undefined();
          break;
        }
        case CURLOT_BLOB: {
          if (value.IsNull() || value.IsUndefined()) {
            code = curl_easy_setopt(curl_, option, static_cast<curl_blob*>(nullptr));
            break;
          }
          if (!value.IsBuffer()) {
            ThrowTypeError(env, "Expected a Buffer or null for " + name + " but received " + TypeOf(value));
            return env.Undefined();
          }
          auto buffer = value.As<Napi::Buffer<char>>();
          curl_blob blob{buffer.Data(), buffer.Length(), CURL_BLOB_COPY};
          code = curl_easy_setopt(curl_, option, &blob);
          break;
        }
        case CURLOT_FUNCTION:
          code = SetFunction(env, option, name, value);
          if (env.IsExceptionPending()) return env.Undefined();
          break;
        case CURLOT_CBPTR:
          // Data for a callback curlio does not support: kept, never used.
          js_.Set(option, value);
          break;
        default: ThrowTypeError(env, name + " takes a C object that curlio does not bind"); return env.Undefined();
      }
  }
  return Napi::Number::New(env, code);
}

CURLcode EasyHandle::SetSlist(CURLoption option, Napi::Array list) {
  Napi::Env env = list.Env();
  curl_slist* head = nullptr;
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Value item = list.Get(i);
    if (!item.IsString()) {
      curl_slist_free_all(head);
      ThrowTypeError(env, "Expected only strings in the array for " + OptionName(option) + " but item " +
                              std::to_string(i) + " is " + TypeOf(item));
      return CURLE_BAD_FUNCTION_ARGUMENT;
    }
    std::string s = item.As<Napi::String>().Utf8Value();
    if (s.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
      // A CR or LF in a header line would let one header smuggle another.
      curl_slist_free_all(head);
      ThrowTypeError(env, "Item " + std::to_string(i) + " for " + OptionName(option) + " contains CR, LF or NUL");
      return CURLE_BAD_FUNCTION_ARGUMENT;
    }
    curl_slist* next = curl_slist_append(head, s.c_str());
    if (next == nullptr) {
      curl_slist_free_all(head);
      return CURLE_OUT_OF_MEMORY;
    }
    head = next;
  }
  CURLcode code = curl_easy_setopt(curl_, option, head);
  auto it = slists_.find(option);
  if (it != slists_.end()) curl_slist_free_all(it->second);
  slists_[option] = head;
  return code;
}

CURLcode EasyHandle::SetFunction(const Napi::Env& env, CURLoption option, const std::string& name, Napi::Value value) {
  bool reset = value.IsNull() || value.IsUndefined();
  if (!reset && !value.IsFunction()) {
    ThrowTypeError(env, "Expected a function or null for " + name + " but received " + TypeOf(value));
    return CURLE_BAD_FUNCTION_ARGUMENT;
  }
  CURLoption data_option = DataOptionFor(option);
  if (data_option == CURLOPT_LASTENTRY) {
    ThrowTypeError(env, name + " is not supported by curlio");
    return CURLE_BAD_FUNCTION_ARGUMENT;
  }
  js_.Set(option, value);
  // Write and header stay on our trampolines either way: without a JavaScript function
  // they buffer. The others are installed only while a JavaScript function is set, so
  // libcurl keeps its own defaults otherwise.
  switch (option) {
    case CURLOPT_WRITEFUNCTION:
    case CURLOPT_HEADERFUNCTION: return CURLE_OK;
    case CURLOPT_READFUNCTION:
      read_leftover_.clear();
      curl_easy_setopt(curl_, data_option, reset ? nullptr : this);
      return curl_easy_setopt(curl_, option, reset ? nullptr : &EasyHandle::OnRead);
    case CURLOPT_XFERINFOFUNCTION:
      curl_easy_setopt(curl_, data_option, this);
      return curl_easy_setopt(curl_, option, reset ? nullptr : &EasyHandle::OnXferInfo);
    case CURLOPT_PREREQFUNCTION:
      curl_easy_setopt(curl_, data_option, this);
      return curl_easy_setopt(curl_, option, reset ? nullptr : &EasyHandle::OnPrereq);
    case CURLOPT_DEBUGFUNCTION:
      curl_easy_setopt(curl_, data_option, this);
      return curl_easy_setopt(curl_, option, reset ? nullptr : &EasyHandle::OnDebug);
    case CURLOPT_OPENSOCKETFUNCTION:
      curl_easy_setopt(curl_, data_option, this);
      // Kept while a close hook counts the sockets (it opens with socket() as libcurl does).
      return curl_easy_setopt(curl_, option, reset && close_hook_ == nullptr ? nullptr : &EasyHandle::OnOpenSocket);
    case CURLOPT_SOCKOPTFUNCTION:
      curl_easy_setopt(curl_, data_option, this);
      return curl_easy_setopt(curl_, option, reset ? nullptr : &EasyHandle::OnSockopt);
    case CURLOPT_CLOSESOCKETFUNCTION:
      // Connections made from now on call the hook. After a reset to null the hook stays
      // (earlier connections still point at it) and closes with close() by itself.
      if (reset) return curl_easy_setopt(curl_, option, nullptr);
      InstallCloseSocketHook();
      return curl_easy_setopt(curl_, option, &CloseSocketHook::Close);
    case CURLOPT_SEEKFUNCTION:
      curl_easy_setopt(curl_, data_option, this);
      return curl_easy_setopt(curl_, option, reset ? nullptr : &EasyHandle::OnSeek);
    default: return CURLE_UNKNOWN_OPTION;
  }
}

Napi::Value EasyHandle::GetInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
  if (!info[0].IsNumber()) {
    ThrowTypeError(env, std::string("Expected a CURLINFO_* number for info but received ") + TypeOf(info[0]));
    return env.Undefined();
  }
  auto id = static_cast<CURLINFO>(info[0].As<Napi::Number>().Int32Value());
  Napi::Value value = env.Undefined();
  CURLcode code = CURLE_OK;
  if (id == CURLINFO_PRIVATE) {
    value = js_.Get(CURLOPT_PRIVATE);
  } else if (id == CURLINFO_CERTINFO) {
    curl_certinfo* certs = nullptr;
    code = curl_easy_getinfo(curl_, id, &certs);
    Napi::Array list = Napi::Array::New(env);
    for (int i = 0; code == CURLE_OK && certs != nullptr && i < certs->num_of_certs; i++) {
      Napi::Array fields = Napi::Array::New(env);
      uint32_t n = 0;
      for (curl_slist* item = certs->certinfo[i]; item != nullptr; item = item->next) fields.Set(n++, item->data);
      list.Set(i, fields);
    }
    value = list;
  } else {
    switch (id & CURLINFO_TYPEMASK) {
      case CURLINFO_STRING: {
        char* s = nullptr;
        code = curl_easy_getinfo(curl_, id, &s);
        value = s != nullptr ? Napi::String::New(env, s) : env.Null();
        break;
      }
      case CURLINFO_LONG: {
        long n = 0;
        code = curl_easy_getinfo(curl_, id, &n);
        value = Napi::Number::New(env, static_cast<double>(n));
        break;
      }
      case CURLINFO_DOUBLE: {
        double d = 0;
        code = curl_easy_getinfo(curl_, id, &d);
        value = Napi::Number::New(env, d);
        break;
      }
      case CURLINFO_OFF_T: {
        curl_off_t n = 0;
        code = curl_easy_getinfo(curl_, id, &n);
        value = Napi::Number::New(env, static_cast<double>(n));
        break;
      }
      case CURLINFO_SOCKET: {
        curl_socket_t s = CURL_SOCKET_BAD;
        code = curl_easy_getinfo(curl_, id, &s);
        value = Napi::Number::New(env, s);
        break;
      }
      case CURLINFO_SLIST: {
        if (id == CURLINFO_TLS_SSL_PTR || id == (CURLINFO_SLIST + 27) /* CURLINFO_TLS_SESSION */) {
          ThrowTypeError(env,
                         "CURLINFO_TLS_SSL_PTR / CURLINFO_TLS_SESSION return C pointers that curlio does not bind");
          return env.Undefined();
        }
        curl_slist* list = nullptr;
        code = curl_easy_getinfo(curl_, id, &list);
        Napi::Array array = Napi::Array::New(env);
        uint32_t n = 0;
        for (curl_slist* item = list; item != nullptr; item = item->next) array.Set(n++, item->data);
        curl_slist_free_all(list);
        value = array;
        break;
      }
      default: code = CURLE_UNKNOWN_OPTION; break;
    }
  }
  // The value itself, or undefined when the call failed; the JavaScript layer asks for the
  // code (getinfoCode) only when it sees undefined, so no array is made per call.
  data_->getinfo_code = code;
  return code == CURLE_OK ? value : env.Undefined();
}

Napi::Value EasyHandle::GetInfoCode(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), data_->getinfo_code);
}

Napi::Value EasyHandle::Perform(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_OPEN(env);
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
  REQUIRE_OPEN(env);
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
  REQUIRE_OPEN(env);
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
  REQUIRE_OPEN(env);
  EasyHandle* target = Unwrap(info[0]);
  if (target == nullptr) return env.Undefined();
  if (target == this || target->closed() || target->multi != nullptr) {
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
  return TakeBuffer(body);
}
Napi::Value EasyHandle::TakeHeaders(const Napi::CallbackInfo& info) {
  return TakeBuffer(headers);
}

Napi::Value EasyHandle::TakeCallbackError(const Napi::CallbackInfo& info) {
  if (callback_error.IsEmpty()) return info.Env().Undefined();
  Napi::Value error = callback_error.Value();
  callback_error.Reset();
  return error;
}

// --- callbacks -------------------------------------------------------------------------

Napi::Value EasyHandle::CallJs(Napi::Value fn, std::initializer_list<napi_value> args) {
  Napi::Env env = data_->env;
  if (data_->tearing_down || !fn.IsFunction()) return Napi::Value();
  data_->EnterJs();
  napi_value result = nullptr;
  napi_status status = napi_call_function(env, env.Undefined(), fn, args.size(), args.begin(), &result);
  if (status == napi_ok) return Napi::Value(env, result);
  if (env.IsExceptionPending()) {
    Napi::Error error = env.GetAndClearPendingException();
    if (callback_error.IsEmpty()) callback_error = Napi::Persistent<Napi::Value>(error.Value());
  }
  return Napi::Value();
}

Napi::Value EasyHandle::UserData(CURLoption data_option) {
  return js_.Get(data_option);
}

// Write and header callbacks: without a JavaScript function the bytes are buffered here;
// with one, the number it returns goes to libcurl as is, so a short count fails the
// transfer with CURLE_WRITE_ERROR and CURL_WRITEFUNC_PAUSE pauses it.
size_t EasyHandle::Sink(CURLoption function_option, ByteBuffer& buffer, char* ptr, size_t n) {
  if (Failing()) return n == 0 ? 1 : 0;  // fail the transfer: its handle is closing, or it failed
  bool buffered = !js_.Has(function_option);
  if (!Admit(buffer, ptr, n, buffered)) return n == 0 ? 1 : 0;
  if (buffered) {
    if (buffer.empty() && &buffer == &body) {
      // One allocation for the whole body when the server announced its length.
      curl_off_t length = -1;
      // Never more than maxBodySize: a hostile Content-Length must not reserve what the
      // transfer may not use.
      if (curl_easy_getinfo(curl_, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK && length > 0 &&
          length < (curl_off_t{1} << 30) && (max_body_size == 0 || static_cast<uint64_t>(length) <= max_body_size)) {
        body.reserve(static_cast<size_t>(length));
      }
    }
    if (!buffer.append(ptr, n)) {
      Fail(CURLE_OUT_OF_MEMORY, "Out of memory buffering the response (" + std::to_string(buffer.size()) + " bytes)");
      return n == 0 ? 1 : 0;
    }
    if (&buffer == &body) body_bytes_ += n;
    return n;
  }
  Napi::Env env = data_->env;
  Napi::HandleScope scope(env);
  napi_value pool;
  size_t offset = 0;
  Napi::Value result =
      data_->chunks.Place(env, ptr, n, &pool, &offset)
          ? CallJs(Napi::Value(env, data_->chunks.View()),
                   {js_.Get(function_option), pool, Napi::Number::New(env, static_cast<double>(offset)),
                    Napi::Number::New(env, static_cast<double>(n)), UserData(DataOptionFor(function_option))})
          : CallJs(js_.Get(function_option),
                   {Napi::Buffer<char>::Copy(env, ptr, n), UserData(DataOptionFor(function_option))});
  if (result.IsEmpty() || !(result.IsNumber() || result.IsUndefined())) return n == 0 ? 1 : 0;  // anything but n fails
  size_t taken = result.IsUndefined() ? n : static_cast<size_t>(result.As<Napi::Number>().Int64Value());
  if (taken == n && &buffer == &body) body_bytes_ += n;  // not a pause: libcurl delivers those bytes again
  return taken;
}

bool EasyHandle::Admit(ByteBuffer& buffer, const char* ptr, size_t n, bool buffered) {
  bool is_body = &buffer == &body;
  if (!is_body) {
    // libcurl (7.88 with its CVE-2023-38039 fix) stops a response's headers at 300 KiB but
    // not its chunked trailers: a server sending trailers without end grew the header
    // block without bound, and libcurl's trailer parsing held the loop (16 ticks of a
    // 10 ms interval in 4 s). The same limit, per response (from one status line to the
    // next), covers headers and trailers.
    if (n >= 5 && memcmp(ptr, "HTTP/", 5) == 0) header_block_bytes_ = 0;
    header_block_bytes_ += n;
    if (header_block_bytes_ > kMaxHeaderBlock) {
      Fail(CURLE_RECV_ERROR, "Too large response headers or trailers: more than " + std::to_string(kMaxHeaderBlock) +
                                 " bytes in one response");
      return false;
    }
  }
  if (is_body && max_body_size != 0 && body_bytes_ + n > max_body_size) {
    Fail(CURLE_FILESIZE_EXCEEDED,
         "The response body exceeds maxBodySize (" + std::to_string(max_body_size) + " bytes of decoded body)");
    return false;
  }
  // A body past the largest Buffer could never be handed over: fail it while it is small
  // enough to free, rather than grow it until the handover fails.
  if (buffered && buffer.size() + n > data_->buffer_max_length) {
    Fail(CURLE_FILESIZE_EXCEEDED, std::string("The response ") + (is_body ? "body" : "header block") +
                                      " exceeds the largest Buffer (buffer.constants.MAX_LENGTH, " +
                                      std::to_string(data_->buffer_max_length) + " bytes): set a " +
                                      (is_body ? "CURLOPT_WRITEFUNCTION" : "CURLOPT_HEADERFUNCTION") +
                                      " to take it in chunks");
    return false;
  }
  return true;
}

size_t EasyHandle::OnWrite(char* ptr, size_t size, size_t nmemb, void* userdata) {
  auto* self = static_cast<EasyHandle*>(userdata);
  return self->Sink(CURLOPT_WRITEFUNCTION, self->body, ptr, size * nmemb);
}

size_t EasyHandle::OnHeader(char* ptr, size_t size, size_t nmemb, void* userdata) {
  auto* self = static_cast<EasyHandle*>(userdata);
  return self->Sink(CURLOPT_HEADERFUNCTION, self->headers, ptr, size * nmemb);
}

size_t EasyHandle::OnRead(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* self = static_cast<EasyHandle*>(userdata);
  if (self->Failing()) return CURL_READFUNC_ABORT;
  size_t capacity = size * nitems;
  if (!self->read_leftover_.empty()) {
    size_t n = std::min(capacity, self->read_leftover_.size());
    memcpy(buffer, self->read_leftover_.data(), n);
    self->read_leftover_.erase(0, n);
    return n;
  }
  if (!self->js_.Has(CURLOPT_READFUNCTION)) return CURL_READFUNC_ABORT;
  Napi::Env env = self->data_->env;
  Napi::HandleScope scope(env);
  Napi::Value result =
      self->CallJs(self->js_.Get(CURLOPT_READFUNCTION),
                   {Napi::Number::New(env, static_cast<double>(capacity)), self->UserData(CURLOPT_READDATA)});
  if (result.IsEmpty()) return CURL_READFUNC_ABORT;
  if (result.IsNull() || result.IsUndefined()) return 0;  // end of the body
  if (result.IsNumber()) {
    // Only the two codes: any other number would go to libcurl as a count of bytes in its
    // buffer that nobody wrote (C's idiom), and libcurl would send that memory.
    double code = result.As<Napi::Number>().DoubleValue();
    if (code == CURL_READFUNC_PAUSE || code == CURL_READFUNC_ABORT) return static_cast<size_t>(code);
    return self->RefuseReadResult(result);
  }
  const char* bytes = nullptr;
  size_t length = 0;
  std::string text;
  if (result.IsBuffer()) {
    auto b = result.As<Napi::Buffer<char>>();
    bytes = b.Data();
    length = b.Length();
  } else if (result.IsString()) {
    text = result.As<Napi::String>().Utf8Value();
    bytes = text.data();
    length = text.size();
  } else {
    return self->RefuseReadResult(result);
  }
  size_t n = std::min(capacity, length);
  memcpy(buffer, bytes, n);
  // More than libcurl asked for: keep the rest for its next call rather than failing.
  if (length > n) self->read_leftover_.assign(bytes + n, length - n);
  return n;
}

// What READFUNCTION may return is decided here, once: anything but a Buffer, a string,
// null/undefined or CURL_READFUNC_PAUSE / ABORT fails the transfer with CURLE_READ_ERROR,
// and a TypeError saying what came back goes with the result.
size_t EasyHandle::RefuseReadResult(Napi::Value result) {
  std::string what = TypeOf(result);
  if (result.IsNumber()) {
    what =
        "the number " + result.ToString().Utf8Value() + " (a count of bytes is C's way: return the bytes themselves)";
  }
  std::string message =
      "CURLOPT_READFUNCTION must return a Buffer, a string, null, CURL_READFUNC_PAUSE or CURL_READFUNC_ABORT, but "
      "returned " +
      what;
  if (callback_error.IsEmpty()) {
    callback_error = Napi::Persistent<Napi::Value>(Napi::TypeError::New(data_->env, message).Value());
  }
  Fail(CURLE_READ_ERROR, message);
  return CURL_READFUNC_ABORT;
}

int EasyHandle::OnXferInfo(void* clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow) {
  auto* self = static_cast<EasyHandle*>(clientp);
  if (self->Failing()) return 1;
  if (!self->js_.Has(CURLOPT_XFERINFOFUNCTION)) return 0;
  Napi::Env env = self->data_->env;
  Napi::HandleScope scope(env);
  Napi::Value result =
      self->CallJs(self->js_.Get(CURLOPT_XFERINFOFUNCTION),
                   {self->UserData(CURLOPT_XFERINFODATA), Napi::Number::New(env, dltotal),
                    Napi::Number::New(env, dlnow), Napi::Number::New(env, ultotal), Napi::Number::New(env, ulnow)});
  if (result.IsEmpty()) return 1;
  if (result.IsNumber()) return result.As<Napi::Number>().Int32Value();
  return 0;
}

int EasyHandle::OnPrereq(void* clientp, char* primary_ip, char* local_ip, int primary_port, int local_port) {
  auto* self = static_cast<EasyHandle*>(clientp);
  if (self->Failing()) return CURL_PREREQFUNC_ABORT;
  if (!self->js_.Has(CURLOPT_PREREQFUNCTION)) return CURL_PREREQFUNC_OK;
  Napi::Env env = self->data_->env;
  Napi::HandleScope scope(env);
  Napi::Value result = self->CallJs(
      self->js_.Get(CURLOPT_PREREQFUNCTION),
      {self->UserData(CURLOPT_PREREQDATA), Napi::String::New(env, primary_ip), Napi::String::New(env, local_ip),
       Napi::Number::New(env, primary_port), Napi::Number::New(env, local_port)});
  if (result.IsEmpty()) return CURL_PREREQFUNC_ABORT;
  if (result.IsNumber()) return result.As<Napi::Number>().Int32Value();
  return CURL_PREREQFUNC_OK;
}

int EasyHandle::OnDebug(CURL* curl, curl_infotype type, char* data, size_t size, void* userptr) {
  auto* self = static_cast<EasyHandle*>(userptr);
  if (self->Failing()) return 0;
  if (!self->js_.Has(CURLOPT_DEBUGFUNCTION)) return 0;
  Napi::Env env = self->data_->env;
  Napi::HandleScope scope(env);
  // Every text line, header and data chunk comes through here: small ones from the pool.
  napi_value pool;
  size_t offset = 0;
  Napi::Value result;
  if (self->data_->chunks.Place(env, data, size, &pool, &offset)) {
    result = self->CallJs(Napi::Value(env, self->data_->chunks.DebugView()),
                          {self->js_.Get(CURLOPT_DEBUGFUNCTION), self->Value(), Napi::Number::New(env, type), pool,
                           Napi::Number::New(env, static_cast<double>(offset)),
                           Napi::Number::New(env, static_cast<double>(size)), self->UserData(CURLOPT_DEBUGDATA)});
  } else {
    result = self->CallJs(self->js_.Get(CURLOPT_DEBUGFUNCTION),
                          {self->Value(), Napi::Number::New(env, type), Napi::Buffer<char>::Copy(env, data, size),
                           self->UserData(CURLOPT_DEBUGDATA)});
  }
  if (result.IsEmpty()) self->CallbackThrew("CURLOPT_DEBUGFUNCTION");
  return 0;  // libcurl ignores the debug callback's result
}

curl_socket_t EasyHandle::OnOpenSocket(void* clientp, curlsocktype purpose, struct curl_sockaddr* address) {
  auto* self = static_cast<EasyHandle*>(clientp);
  curl_socket_t fd = self->OpenSocket(purpose, address);
  // Counted whenever the hook exists, even with the close function reset since: a count
  // too high only keeps the small hook until teardown; one too low could free it early.
  if (fd != CURL_SOCKET_BAD && self->close_hook_ != nullptr) self->close_hook_->SocketOpened();
  return fd;
}

curl_socket_t EasyHandle::OpenSocket(curlsocktype purpose, struct curl_sockaddr* address) {
  if (Failing()) return CURL_SOCKET_BAD;
  if (!js_.Has(CURLOPT_OPENSOCKETFUNCTION)) return socket(address->family, address->socktype, address->protocol);
  Napi::Env env = data_->env;
  Napi::HandleScope scope(env);
  Napi::Object addr = Napi::Object::New(env);
  addr.Set("family", address->family);
  addr.Set("socktype", address->socktype);
  addr.Set("protocol", address->protocol);
  char host[INET6_ADDRSTRLEN] = {0};
  int port = 0;
  if (address->family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&address->addr);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    port = ntohs(in->sin_port);
  } else if (address->family == AF_INET6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&address->addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    port = ntohs(in6->sin6_port);
  } else if (address->family == AF_UNIX) {
    auto* un = reinterpret_cast<sockaddr_un*>(&address->addr);
    snprintf(host, sizeof host, "%.45s", un->sun_path);
  }
  addr.Set("address", host);
  addr.Set("port", port);
  Napi::Value result = CallJs(js_.Get(CURLOPT_OPENSOCKETFUNCTION),
                              {UserData(CURLOPT_OPENSOCKETDATA), Napi::Number::New(env, purpose), addr});
  if (result.IsEmpty() || !result.IsNumber()) return CURL_SOCKET_BAD;
  return result.As<Napi::Number>().Int32Value();
}

int EasyHandle::OnSockopt(void* clientp, curl_socket_t curlfd, curlsocktype purpose) {
  auto* self = static_cast<EasyHandle*>(clientp);
  if (self->Failing()) return CURL_SOCKOPT_ERROR;
  if (!self->js_.Has(CURLOPT_SOCKOPTFUNCTION)) return CURL_SOCKOPT_OK;
  Napi::Env env = self->data_->env;
  Napi::HandleScope scope(env);
  Napi::Value result = self->CallJs(
      self->js_.Get(CURLOPT_SOCKOPTFUNCTION),
      {self->UserData(CURLOPT_SOCKOPTDATA), Napi::Number::New(env, curlfd), Napi::Number::New(env, purpose)});
  if (result.IsEmpty()) return CURL_SOCKOPT_ERROR;
  if (result.IsNumber()) return result.As<Napi::Number>().Int32Value();
  return CURL_SOCKOPT_OK;
}

int EasyHandle::CloseSocket(curl_socket_t item) {
  // The socket must be closed whatever happens in JavaScript, or it leaks.
  if (!js_.Has(CURLOPT_CLOSESOCKETFUNCTION) || data_->tearing_down || close_requested_) return close(item);
  Napi::Env env = data_->env;
  Napi::HandleScope scope(env);
  Napi::Value result =
      CallJs(js_.Get(CURLOPT_CLOSESOCKETFUNCTION), {UserData(CURLOPT_CLOSESOCKETDATA), Napi::Number::New(env, item)});
  if (result.IsEmpty()) {
    CallbackThrew("CURLOPT_CLOSESOCKETFUNCTION");
    return close(item);
  }
  if (result.IsNumber()) return result.As<Napi::Number>().Int32Value();
  return 0;
}

// A callback whose result libcurl ignores (DEBUGFUNCTION, CLOSESOCKETFUNCTION) threw. In a
// transfer, the transfer fails with CURLE_ABORTED_BY_CALLBACK and the exception is its
// error's cause (else it finished "OK" with an error attached: a CurlError named CURLE_OK).
// Outside one (libcurl closing a cached connection at cleanup, or for another transfer),
// the exception is re-thrown by the JavaScript call that ran libcurl, or emitted as a
// process warning when none did (AddonData::ReportCallbackError): never lost.
void EasyHandle::CallbackThrew(const char* option_name) {
  if (in_transfer_) {
    Fail(CURLE_ABORTED_BY_CALLBACK, std::string(option_name) + " threw (the exception is the error's cause)");
    return;
  }
  if (callback_error.IsEmpty()) return;
  Napi::Value error = callback_error.Value();
  callback_error.Reset();
  data_->ReportCallbackError(error);
}

int EasyHandle::OnSeek(void* userp, curl_off_t offset, int origin) {
  auto* self = static_cast<EasyHandle*>(userp);
  if (self->Failing()) return CURL_SEEKFUNC_FAIL;
  if (!self->js_.Has(CURLOPT_SEEKFUNCTION)) return CURL_SEEKFUNC_CANTSEEK;
  Napi::Env env = self->data_->env;
  Napi::HandleScope scope(env);
  self->read_leftover_.clear();
  Napi::Value result =
      self->CallJs(self->js_.Get(CURLOPT_SEEKFUNCTION),
                   {self->UserData(CURLOPT_SEEKDATA), Napi::Number::New(env, static_cast<double>(offset)),
                    Napi::Number::New(env, origin)});
  if (result.IsEmpty() || !result.IsNumber()) return CURL_SEEKFUNC_FAIL;
  return result.As<Napi::Number>().Int32Value();
}

}  // namespace curlio
