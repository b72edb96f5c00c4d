#include "curl/close_socket_hook.h"

#include <unistd.h>

#include "addon.h"
#include "curl/easy.h"

namespace curlio {

int CloseSocketHook::Close(void* clientp, curl_socket_t item) {
  auto* self = static_cast<CloseSocketHook*>(clientp);
  // A socket opened before the hook was installed, or one libcurl closes twice, must not
  // take the count below zero (that would free the hook under a live connection).
  if (self->open_sockets_ > 0) self->open_sockets_--;
  if (self->owner_ != nullptr) return self->owner_->CloseSocket(item);
  // The easy handle is gone, and with it the JavaScript function: JavaScript could not be
  // called here anyway when the multi is closed by its finalizer. The fd must not leak.
  int result = close(item);
  if (self->open_sockets_ == 0) {
    self->data_->orphaned_close_hooks.erase(self);
    delete self;
  }
  return result;
}

void CloseSocketHook::OwnerClosed() {
  owner_ = nullptr;
  if (open_sockets_ == 0) {
    delete this;
    return;
  }
  data_->orphaned_close_hooks.insert(this);
}

}  // namespace curlio
