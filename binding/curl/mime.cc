#include "curl/mime.h"

#include <cstring>

#include "curl/functions.h"

namespace curlio {

namespace {

// curl_mime_data_cb's JavaScript functions, freed by libcurl's free callback.
struct DataCallbacks {
  AddonData* data;
  Napi::FunctionReference read;
  Napi::FunctionReference seek;
  Napi::FunctionReference free;
  Napi::ObjectReference holder;  // { arg }: Node-API 8 cannot reference a primitive arg itself
  std::string leftover;          // read returned more than libcurl asked for
};

Napi::Value Call(DataCallbacks* cb, Napi::FunctionReference& fn, std::initializer_list<napi_value> args) {
  Napi::Env env = cb->data->env;
  if (cb->data->tearing_down || fn.IsEmpty()) return Napi::Value();
  napi_value result;
  if (napi_call_function(env, env.Undefined(), fn.Value(), args.size(), args.begin(), &result) == napi_ok) {
    return Napi::Value(env, result);
  }
  // A part's reader cannot hand an exception to anyone: the transfer fails
  // (CURLE_ABORTED_BY_CALLBACK) and the error is reported as uncaught.
  if (env.IsExceptionPending()) napi_fatal_exception(env, env.GetAndClearPendingException().Value());
  return Napi::Value();
}

size_t ReadPart(char* buffer, size_t size, size_t nitems, void* arg) {
  auto* cb = static_cast<DataCallbacks*>(arg);
  size_t capacity = size * nitems;
  if (!cb->leftover.empty()) {
    size_t n = std::min(capacity, cb->leftover.size());
    memcpy(buffer, cb->leftover.data(), n);
    cb->leftover.erase(0, n);
    return n;
  }
  Napi::Env env = cb->data->env;
  Napi::HandleScope scope(env);
  Napi::Value result =
      Call(cb, cb->read, {Napi::Number::New(env, static_cast<double>(capacity)), cb->holder.Value().Get("arg")});
  if (result.IsEmpty()) return CURL_READFUNC_ABORT;
  if (result.IsNull() || result.IsUndefined()) return 0;
  if (result.IsNumber()) return static_cast<size_t>(result.As<Napi::Number>().Int64Value());
  std::string text;
  const char* bytes;
  size_t length;
  if (result.IsBuffer()) {
    bytes = result.As<Napi::Buffer<char>>().Data();
    length = result.As<Napi::Buffer<char>>().Length();
  } else if (result.IsString()) {
    text = result.As<Napi::String>().Utf8Value();
    bytes = text.data();
    length = text.size();
  } else {
    return CURL_READFUNC_ABORT;
  }
  size_t n = std::min(capacity, length);
  memcpy(buffer, bytes, n);
  if (length > n) cb->leftover.assign(bytes + n, length - n);
  return n;
}

int SeekPart(void* arg, curl_off_t offset, int origin) {
  auto* cb = static_cast<DataCallbacks*>(arg);
  if (cb->seek.IsEmpty()) return CURL_SEEKFUNC_CANTSEEK;
  Napi::Env env = cb->data->env;
  Napi::HandleScope scope(env);
  cb->leftover.clear();
  Napi::Value result = Call(cb, cb->seek,
                            {cb->holder.Value().Get("arg"), Napi::Number::New(env, static_cast<double>(offset)),
                             Napi::Number::New(env, origin)});
  if (result.IsEmpty() || !result.IsNumber()) return CURL_SEEKFUNC_FAIL;
  return result.As<Napi::Number>().Int32Value();
}

void FreePart(void* arg) {
  auto* cb = static_cast<DataCallbacks*>(arg);
  if (!cb->free.IsEmpty() && !cb->data->tearing_down) {
    Napi::HandleScope scope(cb->data->env);
    Call(cb, cb->free, {cb->holder.Value().Get("arg")});
  }
  delete cb;
}

}  // namespace

// --- curl_mime ----------------------------------------------------------------------------

void MimeHandle::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(env, "Mime",
                                    {
                                        InstanceMethod<&MimeHandle::AddPart>("addpart"),
                                        InstanceMethod<&MimeHandle::Free>("free"),
                                    });
  GetAddonData(env)->constructors["Mime"] = Napi::Persistent(ctor);
  exports.Set("Mime", ctor);
}

MimeHandle* MimeHandle::FromValue(Napi::Value value) {
  Napi::Env env = value.Env();
  if (value.IsObject() && value.As<Napi::Object>().InstanceOf(GetAddonData(env)->constructors.at("Mime").Value())) {
    return Napi::ObjectWrap<MimeHandle>::Unwrap(value.As<Napi::Object>());
  }
  ThrowTypeError(env, "Expected a curl_mime (from curl_mime_init)");
  return nullptr;
}

// new Mime(easy): curl_mime_init(easy).
MimeHandle::MimeHandle(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<MimeHandle>(info), data_(GetAddonData(info.Env())) {
  CURL* curl = nullptr;
  if (!info[0].IsNull() && !info[0].IsUndefined()) {
    curl = static_cast<CURL*>(ArgCurl(info, 0));
    if (curl == nullptr) return;
  }
  mime_ = curl_mime_init(curl);
  if (mime_ == nullptr) {
    ThrowError(info.Env(), "curl_mime_init failed (out of memory)", "CURLE_OUT_OF_MEMORY");
    return;
  }
  data_->Register(this);
}

MimeHandle::~MimeHandle() {
  CloseResource();
  data_->Unregister(this);
}

void MimeHandle::CloseResource() {
  // Taken as subparts: the owning part frees it (curl_mime_free would free it twice).
  if (owner_ == nullptr && mime_ != nullptr) curl_mime_free(mime_);
  mime_ = nullptr;
}

Napi::Value MimeHandle::Free(const Napi::CallbackInfo& info) {
  // libcurl unbinds a freed mime from the easy handle using it as CURLOPT_MIMEPOST.
  CloseResource();
  return info.Env().Undefined();
}

Napi::Value MimeHandle::AddPart(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Alive()) return env.Null();
  curl_mimepart* part = curl_mime_addpart(mime_);
  if (part == nullptr) return env.Null();
  Napi::Object object = data_->New("MimePart");
  MimePartHandle* handle = Napi::ObjectWrap<MimePartHandle>::Unwrap(object);
  handle->part_ = part;
  handle->mime_ = this;
  handle->mime_ref_ = Napi::Persistent(Value());
  return object;
}

// --- curl_mimepart ------------------------------------------------------------------------

void MimePartHandle::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(env, "MimePart",
                                    {
                                        InstanceMethod<&MimePartHandle::Name>("name"),
                                        InstanceMethod<&MimePartHandle::Data>("data"),
                                        InstanceMethod<&MimePartHandle::FileData>("filedata"),
                                        InstanceMethod<&MimePartHandle::FileName>("filename"),
                                        InstanceMethod<&MimePartHandle::Type>("type"),
                                        InstanceMethod<&MimePartHandle::Encoder>("encoder"),
                                        InstanceMethod<&MimePartHandle::Headers>("headers"),
                                        InstanceMethod<&MimePartHandle::Subparts>("subparts"),
                                        InstanceMethod<&MimePartHandle::DataCb>("dataCb"),
                                    });
  GetAddonData(env)->constructors["MimePart"] = Napi::Persistent(ctor);
  exports.Set("MimePart", ctor);
}

MimePartHandle::MimePartHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<MimePartHandle>(info) {}

bool MimePartHandle::Usable(Napi::Env env) {
  return part_ != nullptr && mime_ != nullptr && mime_->Alive();
}

#define REQUIRE_PART(env) \
  if (!Usable(env)) return Napi::Number::New(env, CURLE_BAD_FUNCTION_ARGUMENT);

// name, filename, type, encoder, filedata: a string or null (null removes it).
Napi::Value MimePartHandle::StringPart(const Napi::CallbackInfo& info, CURLcode (*set)(curl_mimepart*, const char*)) {
  Napi::Env env = info.Env();
  REQUIRE_PART(env);
  if (info[0].IsNull() || info[0].IsUndefined()) return Napi::Number::New(env, set(part_, nullptr));
  std::string value;
  if (!ArgString(info, 0, "the part's value", &value)) return env.Undefined();
  return Napi::Number::New(env, set(part_, value.c_str()));
}

Napi::Value MimePartHandle::Name(const Napi::CallbackInfo& info) {
  return StringPart(info, curl_mime_name);
}
Napi::Value MimePartHandle::FileName(const Napi::CallbackInfo& info) {
  return StringPart(info, curl_mime_filename);
}
Napi::Value MimePartHandle::Type(const Napi::CallbackInfo& info) {
  return StringPart(info, curl_mime_type);
}
Napi::Value MimePartHandle::Encoder(const Napi::CallbackInfo& info) {
  return StringPart(info, curl_mime_encoder);
}
Napi::Value MimePartHandle::FileData(const Napi::CallbackInfo& info) {
  return StringPart(info, curl_mime_filedata);
}

// data(string | Buffer | null, datasize): libcurl copies the bytes.
Napi::Value MimePartHandle::Data(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_PART(env);
  if (info[0].IsNull() || info[0].IsUndefined()) return Napi::Number::New(env, curl_mime_data(part_, nullptr, 0));
  std::string bytes;
  if (info[0].IsString()) {
    bytes = info[0].As<Napi::String>().Utf8Value();
  } else if (info[0].IsBuffer()) {
    bytes.assign(info[0].As<Napi::Buffer<char>>().Data(), info[0].As<Napi::Buffer<char>>().Length());
  } else {
    ThrowTypeError(env, "Expected a string, Buffer or null for data");
    return env.Undefined();
  }
  int64_t size = CURL_ZERO_TERMINATED;
  if (!info[1].IsUndefined() && !ArgInt(info, 1, "datasize", &size)) return env.Undefined();
  // CURL_ZERO_TERMINATED means "all of it" (strlen in C; a Buffer may hold NULs).
  if (size < 0 || static_cast<size_t>(size) > bytes.size()) size = static_cast<int64_t>(bytes.size());
  return Napi::Number::New(env, curl_mime_data(part_, bytes.data(), static_cast<size_t>(size)));
}

// headers(array of strings | null): take_ownership is always ours (the list is built here).
Napi::Value MimePartHandle::Headers(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_PART(env);
  curl_slist* list = nullptr;
  if (info[0].IsArray()) {
    Napi::Array array = info[0].As<Napi::Array>();
    for (uint32_t i = 0; i < array.Length(); i++) {
      Napi::Value item = array.Get(i);
      std::string line = item.IsString() ? item.As<Napi::String>().Utf8Value() : std::string();
      if (!item.IsString() || line.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
        curl_slist_free_all(list);
        ThrowTypeError(env, "Expected header lines (strings without CR, LF or NUL) for curl_mime_headers");
        return env.Undefined();
      }
      list = curl_slist_append(list, line.c_str());
    }
  } else if (!info[0].IsNull() && !info[0].IsUndefined()) {
    ThrowTypeError(env, "Expected an array of header lines or null for curl_mime_headers");
    return env.Undefined();
  }
  CURLcode code = curl_mime_headers(part_, list, 1);
  if (code != CURLE_OK) curl_slist_free_all(list);
  return Napi::Number::New(env, code);
}

// subparts(mime | null): the part takes the mime over, as in C.
Napi::Value MimePartHandle::Subparts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_PART(env);
  if (info[0].IsNull() || info[0].IsUndefined()) return Napi::Number::New(env, curl_mime_subparts(part_, nullptr));
  MimeHandle* sub = MimeHandle::FromValue(info[0]);
  if (sub == nullptr) return env.Undefined();
  if (!sub->Alive() || sub->owner_ != nullptr) return Napi::Number::New(env, CURLE_BAD_FUNCTION_ARGUMENT);
  CURLcode code = curl_mime_subparts(part_, sub->mime_);
  if (code == CURLE_OK) {
    sub->owner_ = mime_;
    sub->owner_ref_ = Napi::Persistent(mime_->Value());
  }
  return Napi::Number::New(env, code);
}

// dataCb(datasize, read, seek, free, arg)
Napi::Value MimePartHandle::DataCb(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  REQUIRE_PART(env);
  int64_t size;
  if (!ArgInt(info, 0, "datasize", &size)) return env.Undefined();
  for (size_t i = 1; i <= 3; i++) {
    if (!info[i].IsFunction() && !info[i].IsNull() && !info[i].IsUndefined()) {
      ThrowTypeError(env, "Expected functions or null for readfunc, seekfunc and freefunc");
      return env.Undefined();
    }
  }
  auto* cb = new DataCallbacks{GetAddonData(env), {}, {}, {}, {}, {}};
  if (info[1].IsFunction()) cb->read = Napi::Persistent(info[1].As<Napi::Function>());
  if (info[2].IsFunction()) cb->seek = Napi::Persistent(info[2].As<Napi::Function>());
  if (info[3].IsFunction()) cb->free = Napi::Persistent(info[3].As<Napi::Function>());
  Napi::Object holder = Napi::Object::New(env);
  holder.Set("arg", info[4]);
  cb->holder = Napi::Persistent(holder);
  CURLcode code = curl_mime_data_cb(part_, static_cast<curl_off_t>(size), cb->read.IsEmpty() ? nullptr : ReadPart,
                                    SeekPart, FreePart, cb);
  if (code != CURLE_OK) delete cb;
  return Napi::Number::New(env, code);
}

void InitMime(Napi::Env env, Napi::Object exports) {
  MimeHandle::Init(env, exports);
  MimePartHandle::Init(env, exports);
}

}  // namespace curlio
