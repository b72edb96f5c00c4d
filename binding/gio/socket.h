// GioSocket: a GSocket wrapped for JavaScript (lib/gio/socket.ts gives it Node's shape).
//
// Synchronous methods are GIO's calls as they are: they block when the GSocket's
// `blocking` property says so, like g_socket_receive() does. Asynchronous methods never
// block: each is an Operation retried with GIO's non-blocking call whenever a uv_poll on
// the socket's fd (on this environment's loop) reports the socket ready. One uv_poll per
// socket serves every pending operation; it runs only while something waits.
#pragma once

#include <gio/gio.h>
#include <napi.h>
#include <uv.h>

#include <deque>
#include <memory>

#include "addon.h"

namespace curlio::gio {

class GioSocket;

enum class Progress { kDone, kWouldBlock, kFailed };

// One asynchronous call waiting for its socket.
class Operation {
 public:
  Operation(GIOCondition condition, bool ordered) : condition(condition), ordered(ordered) {}
  virtual ~Operation() { g_clear_error(&error); }
  Operation(const Operation&) = delete;
  Operation& operator=(const Operation&) = delete;

  // One non-blocking try. kFailed leaves a GError in `error`.
  virtual Progress Attempt(GSocket* socket) = 0;
  // The value the promise resolves with. Whatever it hands over (fds, sockets) stays owned by
  // the operation until Release(), called once JavaScript has received it.
  virtual Napi::Value Result(Napi::Env env) { return env.Undefined(); }
  virtual void Release() {}
  // Called once, before the operation joins the queue instead of finishing in the call that
  // started it: anything it only borrowed from the caller must become its own now (sendFd
  // duplicates the fd, which the caller may close as soon as the call returns). False leaves a
  // GError in `error`, and the operation fails.
  virtual bool PrepareToWait() { return true; }
  // Whether the operation receives credentials: SO_PASSCRED must then be on for as long as it
  // waits (GioSocket::HoldPassCred).
  virtual bool ReceivesCredentials() const { return false; }

  // What readiness the operation waits for (G_IO_IN, G_IO_OUT, or any condition).
  const GIOCondition condition;
  // Ordered operations (reads, writes) run strictly in the order they were started within
  // their direction: a send must not overtake an earlier one that would block.
  const bool ordered;
  uint32_t id = 0;
  Napi::FunctionReference callback;
  GError* error = nullptr;
};

// Runs GIO's blocking-mode calls without blocking: GSocket emulates blocking itself (the fd is
// always O_NONBLOCK), so clearing its flag for the length of one call is all it takes.
class NonBlockingScope {
 public:
  explicit NonBlockingScope(GSocket* socket) : socket_(socket), was_blocking_(g_socket_get_blocking(socket)) {
    if (was_blocking_) g_socket_set_blocking(socket_, FALSE);
  }
  ~NonBlockingScope() {
    if (was_blocking_) g_socket_set_blocking(socket_, TRUE);
  }
  NonBlockingScope(const NonBlockingScope&) = delete;
  NonBlockingScope& operator=(const NonBlockingScope&) = delete;

 private:
  GSocket* socket_;
  gboolean was_blocking_;
};

// True when `error` is G_IO_ERROR_WOULD_BLOCK; clears it then.
bool TakeWouldBlock(GError** error);

class GioSocket : public Napi::ObjectWrap<GioSocket>, public Resource {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  // Wraps `socket`, taking over the caller's reference.
  static Napi::Object Wrap(Napi::Env env, GSocket* socket);

  explicit GioSocket(const Napi::CallbackInfo& info);
  ~GioSocket() override;

  void CloseResource() override;
  GSocket* socket() const { return socket_; }

 private:
  friend class OperationQueue;

  // Throws G_IO_ERROR_CLOSED (GIO's own error) and returns false once closed.
  bool CheckOpen(Napi::Env env);
  bool CheckInet(Napi::Env env, const char* what);

  // Construction and addresses.
  static Napi::Value FromFd(const Napi::CallbackInfo& info);
  static Napi::Value SocketPair(const Napi::CallbackInfo& info);
  Napi::Value Bind(const Napi::CallbackInfo& info);
  Napi::Value Listen(const Napi::CallbackInfo& info);
  Napi::Value GetLocalAddress(const Napi::CallbackInfo& info);
  Napi::Value GetRemoteAddress(const Napi::CallbackInfo& info);

  // Synchronous calls (block as GIO's do when the socket is blocking).
  Napi::Value AcceptSync(const Napi::CallbackInfo& info);
  Napi::Value ConnectSync(const Napi::CallbackInfo& info);
  Napi::Value CheckConnectResult(const Napi::CallbackInfo& info);
  Napi::Value ReceiveSync(const Napi::CallbackInfo& info);
  Napi::Value ReceiveMessageSync(const Napi::CallbackInfo& info);
  Napi::Value ReceiveMessagesSync(const Napi::CallbackInfo& info);
  Napi::Value SendSync(const Napi::CallbackInfo& info);
  Napi::Value SendMessageSync(const Napi::CallbackInfo& info);
  Napi::Value SendMessagesSync(const Napi::CallbackInfo& info);
  Napi::Value ConditionCheck(const Napi::CallbackInfo& info);
  Napi::Value ConditionWaitSync(const Napi::CallbackInfo& info);
  Napi::Value ConditionTimedWaitSync(const Napi::CallbackInfo& info);
  Napi::Value SendFdSync(const Napi::CallbackInfo& info);
  Napi::Value SendFdsSync(const Napi::CallbackInfo& info);
  Napi::Value ReceiveAncillarySync(const Napi::CallbackInfo& info);
  Napi::Value SendCredentialsSync(const Napi::CallbackInfo& info);

  // Asynchronous calls: (...args, callback(error, result)) → operation id, 0 if it finished
  // at once (the callback has run then).
  Napi::Value Accept(const Napi::CallbackInfo& info);
  Napi::Value Connect(const Napi::CallbackInfo& info);
  Napi::Value Receive(const Napi::CallbackInfo& info);
  Napi::Value ReceiveMessage(const Napi::CallbackInfo& info);
  Napi::Value ReceiveMessages(const Napi::CallbackInfo& info);
  Napi::Value Send(const Napi::CallbackInfo& info);
  Napi::Value SendMessage(const Napi::CallbackInfo& info);
  Napi::Value SendMessages(const Napi::CallbackInfo& info);
  Napi::Value SendFd(const Napi::CallbackInfo& info);
  Napi::Value ConditionWait(const Napi::CallbackInfo& info);
  Napi::Value ReceiveAncillary(const Napi::CallbackInfo& info);
  Napi::Value Cancel(const Napi::CallbackInfo& info);

  // One non-blocking attempt, and nothing left pending: the result, or undefined when the call
  // would have to wait (then the asynchronous form above runs it). Passing an fd usually
  // completes at once; this keeps such a call to one crossing, with no callback.
  Napi::Value ReceiveAncillaryNow(const Napi::CallbackInfo& info);
  Napi::Value SendFdNow(const Napi::CallbackInfo& info);

  // State and options.
  Napi::Value GetAvailableBytes(const Napi::CallbackInfo& info);
  Napi::Value GetCredentials(const Napi::CallbackInfo& info);
  Napi::Value GetOption(const Napi::CallbackInfo& info);
  Napi::Value SetOption(const Napi::CallbackInfo& info);
  Napi::Value GetProperty(const Napi::CallbackInfo& info);
  Napi::Value SetProperty(const Napi::CallbackInfo& info);
  Napi::Value IsClosed(const Napi::CallbackInfo& info);
  Napi::Value IsConnected(const Napi::CallbackInfo& info);
  Napi::Value Shutdown(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value SpeaksIpv4(const Napi::CallbackInfo& info);
  Napi::Value MulticastGroup(const Napi::CallbackInfo& info);
  Napi::Value CreateConnection(const Napi::CallbackInfo& info);
  Napi::Value SetRef(const Napi::CallbackInfo& info);

  // The operation queue and its uv_poll.
  Napi::Value Start(Napi::Env env, std::unique_ptr<Operation> op, Napi::Value callback);
  // Whether an operation of this kind may run before those already waiting (see Operation::ordered).
  bool CanAttemptNow(GIOCondition condition, bool ordered) const;
  void UpdatePoll();
  void StopPoll();
  void UpdateRef();
  // g_unix_connection_receive_credentials switches SO_PASSCRED on *before* it waits: the kernel
  // attaches credentials to data when it is sent to a socket with SO_PASSCRED, so a byte that
  // arrives while it is off carries none, and the fallback (SO_PEERCRED) names the process that
  // connected, not the one that wrote. Held from a credentials receive's first attempt until no
  // such receive is pending; switched back off only if it was off. False with `error` set.
  bool HoldPassCred(GError** error);
  void ReleasePassCredIfIdle();
  void OnPoll(int status, int events);
  // Hands finished operations to JavaScript; `from_uv` when not called from JavaScript.
  static void Deliver(Napi::Env env, std::deque<std::unique_ptr<Operation>>& finished, bool from_uv);

  AddonData* data_;
  GSocket* socket_ = nullptr;
  // Created by connectionFactoryCreateConnection(); holds its own reference to socket_.
  GSocketConnection* connection_ = nullptr;
  std::deque<std::unique_ptr<Operation>> pending_;
  uint32_t next_id_ = 1;
  uv_poll_t* poll_ = nullptr;
  int poll_events_ = 0;
  bool poll_referenced_ = true;
  bool js_ref_held_ = false;
  bool resource_closed_ = false;
  // This socket switched SO_PASSCRED on (HoldPassCred) and owes switching it off.
  bool passcred_held_ = false;
};

}  // namespace curlio::gio
