// curl_easy_setopt: each JavaScript value converted to the C type libcurl expects for its
// option (curl_easyoption's type), one function per type as in curl's lib/setopt.c. The
// options whose value curlio keeps itself (callback data, POSTFIELDS, other handles) are
// dispatched by name first.
#include <cstdio>

#include "curl/callback_data.h"
#include "curl/easy.h"
#include "curl/handle_options.h"
#include "curl/js_values.h"
#include "curl/wire_strings.h"

namespace curlio {

namespace {

// "CURLOPT_URL" for an error message: built on the error path only, since setopt runs for
// every option of every request.
std::string OptionName(CURLoption option) {
  const curl_easyoption* o = curl_easy_option_by_id(option);
  return o != nullptr ? std::string("CURLOPT_") + o->name : "option " + std::to_string(option);
}

}  // namespace

// A wrong JavaScript type throws a TypeError (and returns undefined); libcurl's own refusal
// comes back as its CURLcode, as in C. Every Set* below returns the code, or throws and
// returns CURLE_BAD_FUNCTION_ARGUMENT: the pending exception is what tells them apart.
Napi::Value EasyHandle::SetOpt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  if (!info[0].IsNumber()) {
    ThrowTypeError(env, std::string("Expected a CURLOPT_* number for option but received ") + TypeOf(info[0]));
    return env.Undefined();
  }
  auto option = static_cast<CURLoption>(info[0].As<Napi::Number>().Int32Value());
  Napi::Value value = info[1];
  const curl_easyoption* meta = curl_easy_option_by_id(option);
  if (meta == nullptr) return Napi::Number::New(env, CURLE_UNKNOWN_OPTION);
  CURLcode code;
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
    case CURLOPT_COPYPOSTFIELDS: code = SetPostFields(option, value); break;
    case CURLOPT_STREAM_DEPENDS:
    case CURLOPT_STREAM_DEPENDS_E: code = SetStreamDepends(option, value); break;
    case CURLOPT_ERRORBUFFER:
      // libcurl writes into ours; curl_easy_setopt (lib/libcurl/c-defaults.ts) copies it
      // into the caller's Buffer.
      ThrowTypeError(env, "CURLOPT_ERRORBUFFER is managed by curlio: read easy.errorBuffer() instead");
      return env.Undefined();
    case CURLOPT_SHARE:
    case CURLOPT_CURLU:
    case CURLOPT_MIMEPOST:
      code = SetHandleOption(curl_, option, value);
      if (!env.IsExceptionPending() && code == CURLE_OK)
        js_.Set(option, value);  // the C handle lives as long as it is set
      break;
    default:
      switch (meta->type) {
        case CURLOT_LONG:
        case CURLOT_VALUES: code = SetLong(option, value); break;
        case CURLOT_OFF_T: code = SetOffT(option, value); break;
        case CURLOT_STRING: code = SetString(option, value); break;
        case CURLOT_SLIST: code = SetSlist(option, value); break;
        case CURLOT_BLOB: code = SetBlob(option, value); break;
        case CURLOT_FUNCTION: code = SetFunction(option, value); break;
        case CURLOT_CBPTR:
          // Data for a callback curlio does not support: kept, never used.
          js_.Set(option, value);
          code = CURLE_OK;
          break;
        default:
          ThrowTypeError(env, OptionName(option) + " takes a C object that curlio does not bind");
          return env.Undefined();
      }
  }
  if (env.IsExceptionPending()) return env.Undefined();
  return Napi::Number::New(env, code);
}

// CURLOPT_POSTFIELDS and CURLOPT_COPYPOSTFIELDS: a string or Buffer, or null to unset.
CURLcode EasyHandle::SetPostFields(CURLoption option, Napi::Value value) {
  if (value.IsNull() || value.IsUndefined()) {
    postfields_.clear();
    postfields_.shrink_to_fit();
    has_postfields_ = false;
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(-1));
    return curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, static_cast<char*>(nullptr));
  }
  std::string bytes;
  if (value.IsString()) {
    bytes = value.As<Napi::String>().Utf8Value();
  } else if (value.IsBuffer()) {
    auto buffer = value.As<Napi::Buffer<char>>();
    bytes.assign(buffer.Data(), buffer.Length());
  } else {
    ThrowTypeError(value.Env(),
                   "Expected a string, Buffer or null for " + OptionName(option) + " but received " + TypeOf(value));
    return CURLE_BAD_FUNCTION_ARGUMENT;
  }
  // The size is that of the value given now (a Buffer may hold NUL bytes, so not
  // strlen), never one left behind by an earlier body. Set POSTFIELDSIZE after this
  // option to send less.
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(bytes.size()));
  // Both forms keep our copy alive for the transfer, so libcurl need not copy again.
  postfields_ = std::move(bytes);
  has_postfields_ = true;
  return curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, postfields_.data());
}

// CURLOPT_STREAM_DEPENDS(_E): another Easy, kept in the slots so that its CURL * outlives
// the dependency; null unsets.
CURLcode EasyHandle::SetStreamDepends(CURLoption option, Napi::Value value) {
  if (value.IsNull() || value.IsUndefined()) {
    js_.Set(option, value.Env().Undefined());
    return curl_easy_setopt(curl_, option, static_cast<CURL*>(nullptr));
  }
  EasyHandle* other = Unwrap(value);
  if (other == nullptr) return CURLE_BAD_FUNCTION_ARGUMENT;  // Unwrap threw
  js_.Set(option, value);
  return curl_easy_setopt(curl_, option, other->curl_);
}

// CURLOT_LONG and CURLOT_VALUES: a C long.
CURLcode EasyHandle::SetLong(CURLoption option, Napi::Value value) {
  int64_t n;
  if (!ToInt64(value, &n)) {
    ThrowTypeError(value.Env(),
                   "Expected an integer (long) for " + OptionName(option) + " but received " + TypeOf(value));
    return CURLE_BAD_FUNCTION_ARGUMENT;
  }
  return curl_easy_setopt(curl_, option, static_cast<long>(n));
}

// CURLOT_OFF_T: a curl_off_t (sizes and offsets past 2 GiB, hence bigint too).
CURLcode EasyHandle::SetOffT(CURLoption option, Napi::Value value) {
  int64_t n;
  if (!ToInt64(value, &n)) {
    ThrowTypeError(value.Env(), "Expected an integer or bigint (curl_off_t) for " + OptionName(option) +
                                    " but received " + TypeOf(value));
    return CURLE_BAD_FUNCTION_ARGUMENT;
  }
  return curl_easy_setopt(curl_, option, static_cast<curl_off_t>(n));
}

// CURLOT_STRING: a C string, or null to unset. NUL would cut it short where the caller did
// not mean to, and CR/LF in a string that goes onto the wire would end its line early.
CURLcode EasyHandle::SetString(CURLoption option, Napi::Value value) {
  if (value.IsNull() || value.IsUndefined()) return curl_easy_setopt(curl_, option, static_cast<char*>(nullptr));
  Napi::Env env = value.Env();
  if (!value.IsString()) {
    ThrowTypeError(env, "Expected a string or null for " + OptionName(option) + " but received " + TypeOf(value));
    return CURLE_BAD_FUNCTION_ARGUMENT;
  }
  std::string s = value.As<Napi::String>().Utf8Value();
  if (s.find('\0') != std::string::npos) {
    ThrowTypeError(env, "The string for " + OptionName(option) + " contains a NUL byte");
    return CURLE_BAD_FUNCTION_ARGUMENT;
  }
  if (IsWireStringOption(option) && s.find_first_of("\r\n") != std::string::npos) {
    ThrowTypeError(
        env, "The string for " + OptionName(option) + " contains CR or LF (it goes into a request line or header)");
    return CURLE_BAD_FUNCTION_ARGUMENT;
  }
  // libcurl copies every string option (since 7.17.0): no copy of ours to keep.
  return curl_easy_setopt(curl_, option, s.c_str());
}

// CURLOT_BLOB: a Buffer, copied by libcurl (CURL_BLOB_COPY), or null to unset.
CURLcode EasyHandle::SetBlob(CURLoption option, Napi::Value value) {
  if (value.IsNull() || value.IsUndefined()) return curl_easy_setopt(curl_, option, static_cast<curl_blob*>(nullptr));
  if (!value.IsBuffer()) {
    ThrowTypeError(value.Env(),
                   "Expected a Buffer or null for " + OptionName(option) + " but received " + TypeOf(value));
    return CURLE_BAD_FUNCTION_ARGUMENT;
  }
  auto buffer = value.As<Napi::Buffer<char>>();
  curl_blob blob{buffer.Data(), buffer.Length(), CURL_BLOB_COPY};
  return curl_easy_setopt(curl_, option, &blob);
}

// CURLOT_SLIST: an array of strings, or null to unset. libcurl keeps the pointer, not a
// copy, so the list is ours until it is replaced or the handle goes.
CURLcode EasyHandle::SetSlist(CURLoption option, Napi::Value value) {
  if (value.IsNull() || value.IsUndefined()) {
    CURLcode code = curl_easy_setopt(curl_, option, static_cast<curl_slist*>(nullptr));
    auto it = slists_.find(option);
    if (it != slists_.end()) {
      curl_slist_free_all(it->second);
      slists_.erase(it);
    }
    return code;
  }
  Napi::Env env = value.Env();
  if (!value.IsArray()) {
    ThrowTypeError(env,
                   "Expected an array of strings or null for " + OptionName(option) + " but received " + TypeOf(value));
    return CURLE_BAD_FUNCTION_ARGUMENT;
  }
  Napi::Array list = value.As<Napi::Array>();
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

// CURLOT_FUNCTION: a JavaScript function, or null to unset, for one of the callbacks curlio
// has a trampoline for (transfer_callbacks.cc, socket_callbacks.cc).
CURLcode EasyHandle::SetFunction(CURLoption option, Napi::Value value) {
  Napi::Env env = value.Env();
  bool reset = value.IsNull() || value.IsUndefined();
  if (!reset && !value.IsFunction()) {
    ThrowTypeError(env, "Expected a function or null for " + OptionName(option) + " but received " + TypeOf(value));
    return CURLE_BAD_FUNCTION_ARGUMENT;
  }
  CURLoption data_option = DataOptionFor(option);
  if (data_option == CURLOPT_LASTENTRY) {
    ThrowTypeError(env, OptionName(option) + " is not supported by curlio");
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
      // Without a function libcurl freads READDATA: it must be a FILE * again, libcurl's
      // own default (stdin); NULL made that fread crash the process.
      curl_easy_setopt(curl_, data_option, reset ? static_cast<void*>(stdin) : static_cast<void*>(this));
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
}  // namespace curlio
