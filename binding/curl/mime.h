// The MIME API: a curl_mime (MimeHandle) made for an easy handle, its parts
// (MimePartHandle), and the mime behind CURLOPT_MIMEPOST.
//
// Ownership follows C: parts belong to their mime and go with it; a mime given to
// curl_mime_subparts belongs to that part from then on. A part or mime whose owner is
// freed reports CURLE_BAD_FUNCTION_ARGUMENT instead of touching freed memory.
#pragma once

#include <curl/curl.h>

#include "addon.h"

namespace curlio {

class MimeHandle : public Napi::ObjectWrap<MimeHandle>, public Resource {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  static MimeHandle* FromValue(Napi::Value value);  // nullptr (and a TypeError) if not a Mime

  explicit MimeHandle(const Napi::CallbackInfo& info);
  ~MimeHandle() override;
  void CloseResource() override;

  // Its memory is still there: neither it nor the mime that took it as subparts is freed.
  bool Alive() const { return owner_ != nullptr ? owner_->Alive() : mime_ != nullptr; }
  curl_mime* mime() const { return mime_; }

 private:
  friend class MimePartHandle;
  Napi::Value AddPart(const Napi::CallbackInfo& info);
  Napi::Value Free(const Napi::CallbackInfo& info);

  AddonData* data_;
  curl_mime* mime_ = nullptr;
  MimeHandle* owner_ = nullptr;  // the mime whose part took this one as subparts
  Napi::ObjectReference owner_ref_;
};

class MimePartHandle : public Napi::ObjectWrap<MimePartHandle> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit MimePartHandle(const Napi::CallbackInfo& info);

 private:
  friend class MimeHandle;
  bool Usable(Napi::Env env);  // throws nothing: a freed owner gives a code
  Napi::Value Name(const Napi::CallbackInfo& info);
  Napi::Value Data(const Napi::CallbackInfo& info);
  Napi::Value FileData(const Napi::CallbackInfo& info);
  Napi::Value FileName(const Napi::CallbackInfo& info);
  Napi::Value Type(const Napi::CallbackInfo& info);
  Napi::Value Encoder(const Napi::CallbackInfo& info);
  Napi::Value Headers(const Napi::CallbackInfo& info);
  Napi::Value Subparts(const Napi::CallbackInfo& info);
  Napi::Value DataCb(const Napi::CallbackInfo& info);
  Napi::Value StringPart(const Napi::CallbackInfo& info, CURLcode (*set)(curl_mimepart*, const char*));

  curl_mimepart* part_ = nullptr;
  MimeHandle* mime_ = nullptr;
  Napi::ObjectReference mime_ref_;  // the part's memory is its mime's
};

}  // namespace curlio
