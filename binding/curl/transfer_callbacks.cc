// The transfer callbacks libcurl calls during a transfer (write, header, read, progress,
// prereq, debug, seek): each trampoline calls the JavaScript function set for it with C's
// argument order, and turns what it returns (or throws) into the result libcurl expects.
// Without a JavaScript function, write and header buffer the response here.
#include <cstring>

#include "curl/callback_data.h"
#include "curl/easy.h"
#include "curl/js_values.h"

namespace curlio {

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

// Write and header callbacks: without a JavaScript function the bytes are buffered here;
// with one, the number it returns goes to libcurl as is, so a short count fails the
// transfer with CURLE_WRITE_ERROR and CURL_WRITEFUNC_PAUSE pauses it.
size_t EasyHandle::Sink(CURLoption function_option, ByteBuffer& buffer, char* ptr, size_t n) {
  if (Failing()) return n == 0 ? 1 : 0;  // fail the transfer: its handle is closing, or it failed
  bool buffered = !js_.Has(function_option);
  if (buffered && discard_headers && &buffer == &headers) {
    // Still held to the header block limit: endless trailers end the transfer here too.
    return Admit(buffer, ptr, n, false) ? n : (n == 0 ? 1 : 0);
  }
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
  if (result.IsEmpty()) {
    // It threw (the exception goes with the result): the body cannot be read, which is
    // CURLE_READ_ERROR, as a WRITEFUNCTION's exception is CURLE_WRITE_ERROR. The C layer's
    // default read function (c-defaults.ts) reports its READDATA's error (a stream's, a
    // file's) this way.
    if (!self->data_->tearing_down) {
      self->Fail(CURLE_READ_ERROR,
                 "Reading the upload failed: CURLOPT_READFUNCTION (or C's default reading "
                 "CURLOPT_READDATA) threw; the exception is the error's cause");
    }
    return CURL_READFUNC_ABORT;
  }
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
