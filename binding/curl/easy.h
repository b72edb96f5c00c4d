// An easy handle (CURL *): options converted by their real type, callbacks into
// JavaScript with C's argument order, and response bytes buffered in C++ when no
// JavaScript callback asked for them. One class, its parts apart as in curl's lib/: the
// handle's life in easy.cc, setopt.cc, getinfo.cc, transfer_callbacks.cc,
// socket_callbacks.cc, easy_adopt.cc.
#pragma once

#include <curl/curl.h>

#include <string>
#include <unordered_map>

#include "addon.h"
#include "curl/body_buffer.h"
#include "curl/close_socket_hook.h"
#include "js_slots.h"

namespace curlio {

class MultiHandle;
class IoThreadMulti;

class EasyHandle : public Napi::ObjectWrap<EasyHandle>, public Resource {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  static EasyHandle* Unwrap(Napi::Value value);  // nullptr (and a TypeError) if not an Easy
  static EasyHandle* FromCurl(CURL* curl);

  explicit EasyHandle(const Napi::CallbackInfo& info);
  ~EasyHandle() override;

  void CloseResource() override;

  CURL* curl() const { return curl_; }
  bool closed() const { return curl_ == nullptr; }

  // Attachment to a multi handle, kept by the MultiHandle.
  MultiHandle* multi = nullptr;
  bool auto_remove = false;        // removed by the native driver as soon as it finishes
  bool awaiting_delivery = false;  // finished, its result not yet handed to JavaScript

  // The I/O thread multi running this handle's transfer (io_thread.h), nullptr otherwise.
  // While set, the handle is that thread's: its JavaScript methods refuse (ERR_CURL_BUSY)
  // but cleanup(), which takes it back first.
  IoThreadMulti* io_thread = nullptr;
  // The option set from JavaScript that keeps this handle's transfers on the JavaScript
  // thread (a callback...), or nullptr (io_thread.cc).
  const char* IoThreadRefusal() const;
  // Throws ERR_CURL_BUSY and returns true while an I/O thread runs the handle (io_thread.cc).
  bool RefuseOnIoThread(Napi::Env env);

  // The first JavaScript exception thrown by one of this transfer's callbacks: the
  // transfer fails with the CURLcode C would give, and the error goes with its result.
  Napi::Reference<Napi::Value> callback_error;

  // Buffered response (no WRITEFUNCTION / HEADERFUNCTION set), handed over on completion.
  ByteBuffer body;
  ByteBuffer headers;
  // Below this size a body or header block is copied into a Buffer (or the driver's
  // batch slab); at or above it the Buffer takes the bytes over without a copy. Empty
  // (and an exception pending) if no Buffer could be made.
  static constexpr size_t kCopyBelow = 16 * 1024;
  Napi::Value TakeBuffer(ByteBuffer& bytes);

  // Easy#maxBodySize: the most decoded body bytes libcurl may deliver in one transfer (to
  // the buffer or to a JavaScript WRITEFUNCTION); 0: no limit of its own. A buffered body
  // is held to the largest Buffer besides.
  uint64_t max_body_size = 0;

  // The C-shaped layer's default with neither HEADERFUNCTION nor HEADERDATA: C's libcurl
  // writes the headers nowhere, so they are neither buffered nor handed to JavaScript.
  bool discard_headers = false;

  // A transfer starts (perform, or added to a multi): its byte count and failure are reset.
  void BeginTransfer();
  // The result a finished transfer reports: a failure curlio decided (Fail) replaces
  // libcurl's code, and its message goes into the error buffer.
  CURLcode TransferResult(CURLcode result);
  // The transfer will not report a result (removed from its multi before it finished).
  void AbandonTransfer() { in_transfer_ = false; }

  // A handle libcurl made itself (a server push duplicates its parent): this fresh object
  // takes it over, with `source`'s JavaScript options, as duphandle does (easy_adopt.cc).
  void AdoptDuplicate(CURL* copy, EasyHandle& source);
  // libcurl freed the CURL * it gave (a refused push): forget it without a cleanup.
  void ForgetCurl();

  // A socket of this handle's connections is to be closed (CloseSocketHook::Close): by the
  // JavaScript CURLOPT_CLOSESOCKETFUNCTION if it can run, else with close().
  int CloseSocket(curl_socket_t item);

 private:
  // JavaScript methods; curl errors come back as codes, wrong JavaScript types throw.
  Napi::Value SetOpt(const Napi::CallbackInfo& info);
  Napi::Value GetInfo(const Napi::CallbackInfo& info);
  Napi::Value GetInfoCode(const Napi::CallbackInfo& info);
  Napi::Value Perform(const Napi::CallbackInfo& info);
  Napi::Value Pause(const Napi::CallbackInfo& info);
  Napi::Value Reset(const Napi::CallbackInfo& info);
  Napi::Value DupHandle(const Napi::CallbackInfo& info);
  Napi::Value Cleanup(const Napi::CallbackInfo& info);
  Napi::Value TakeBody(const Napi::CallbackInfo& info);
  Napi::Value TakeHeaders(const Napi::CallbackInfo& info);
  Napi::Value TakeCallbackError(const Napi::CallbackInfo& info);
  Napi::Value IsClosed(const Napi::CallbackInfo& info);
  Napi::Value ErrorBuffer(const Napi::CallbackInfo& info);
  Napi::Value SetMaxBodySize(const Napi::CallbackInfo& info);
  Napi::Value DiscardHeaders(const Napi::CallbackInfo& info);

  void ApplyDefaults();
  void ReleaseOptions();
  void CopyOptionsFrom(EasyHandle& other);
  void InstallCloseSocketHook();  // socket_callbacks.cc
  void ReleaseCloseSocketHook();
  // Throws ERR_CURL_CLOSED and returns false once curl_easy_cleanup was called.
  bool RequireOpen(Napi::Env env);

  // setopt.cc: one function per option type (curl_easyoption's), and the options curlio
  // keeps itself. Each returns libcurl's code, or throws a TypeError for a value of the
  // wrong kind (and returns CURLE_BAD_FUNCTION_ARGUMENT).
  CURLcode SetPostFields(CURLoption option, Napi::Value value);
  CURLcode SetStreamDepends(CURLoption option, Napi::Value value);
  CURLcode SetLong(CURLoption option, Napi::Value value);
  CURLcode SetOffT(CURLoption option, Napi::Value value);
  CURLcode SetString(CURLoption option, Napi::Value value);
  CURLcode SetSlist(CURLoption option, Napi::Value value);
  CURLcode SetBlob(CURLoption option, Napi::Value value);
  CURLcode SetFunction(CURLoption option, Napi::Value value);

  // The trampolines (transfer_callbacks.cc). CallJs calls a stored JavaScript callback; an
  // exception is kept in callback_error and the result is empty, so the trampoline returns
  // the failure code libcurl expects.
  Napi::Value CallJs(Napi::Value fn, std::initializer_list<napi_value> args);
  Napi::Value UserData(CURLoption data_option);
  size_t Sink(CURLoption function_option, ByteBuffer& buffer, char* ptr, size_t n);
  // Whether `n` more body (or header) bytes fit maxBodySize and, when buffered, a Buffer
  // (else CURLE_FILESIZE_EXCEEDED), or for headers and trailers kMaxHeaderBlock per
  // response (else CURLE_RECV_ERROR, as libcurl's own header limit).
  bool Admit(ByteBuffer& buffer, const char* ptr, size_t n, bool buffered);
  static constexpr size_t kMaxHeaderBlock = 300 * 1024;  // libcurl's own limit for a response's headers
  // Fails the running transfer with `code` whatever libcurl reports (the first call wins),
  // and stops its callbacks from calling into JavaScript again.
  void Fail(CURLcode code, const std::string& message);
  bool Failing() const { return close_requested_ || (in_transfer_ && failure_ != CURLE_OK); }
  void CallbackThrew(const char* option_name);

  static size_t OnWrite(char* ptr, size_t size, size_t nmemb, void* userdata);
  static size_t OnHeader(char* ptr, size_t size, size_t nmemb, void* userdata);
  static size_t OnRead(char* buffer, size_t size, size_t nitems, void* userdata);
  size_t RefuseReadResult(Napi::Value result);
  static int OnXferInfo(void* clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
  static int OnPrereq(void* clientp, char* primary_ip, char* local_ip, int primary_port, int local_port);
  static int OnDebug(CURL* curl, curl_infotype type, char* data, size_t size, void* userptr);
  // The socket trampolines (socket_callbacks.cc).
  static curl_socket_t OnOpenSocket(void* clientp, curlsocktype purpose, struct curl_sockaddr* address);
  curl_socket_t OpenSocket(curlsocktype purpose, struct curl_sockaddr* address);
  static int OnSockopt(void* clientp, curl_socket_t curlfd, curlsocktype purpose);
  static int OnSeek(void* userp, curl_off_t offset, int origin);

  AddonData* data_;
  CURL* curl_ = nullptr;
  char error_buffer_[CURL_ERROR_SIZE] = {0};

  // libcurl copies string options but not CURLOPT_POSTFIELDS, nor any slist: we own those.
  std::string postfields_;
  bool has_postfields_ = false;  // set, maybe empty: libcurl points into postfields_
  std::unordered_map<int, curl_slist*> slists_;
  // JavaScript functions and values (*FUNCTION, *DATA, PRIVATE...), by option id.
  JsSlots js_;
  bool close_requested_ = false;   // cleanup() called, deferred until libcurl returns
  std::string read_leftover_;      // READFUNCTION returned more than libcurl asked for
  bool in_transfer_ = false;       // between BeginTransfer and TransferResult / AbandonTransfer
  uint64_t body_bytes_ = 0;        // decoded body bytes delivered in this transfer
  size_t header_block_bytes_ = 0;  // header and trailer bytes of the current response
  CURLcode failure_ = CURLE_OK;    // see Fail()
  std::string failure_message_;
  // CURLOPT_CLOSESOCKETDATA once a CLOSESOCKETFUNCTION was set (see close_socket_hook.h).
  // While it exists, CURLOPT_OPENSOCKETFUNCTION is ours too, so that it counts the sockets.
  CloseSocketHook* close_hook_ = nullptr;
};

}  // namespace curlio
