// The CURLOPT_CLOSESOCKETDATA libcurl keeps for an easy handle with a JavaScript
// CURLOPT_CLOSESOCKETFUNCTION.
//
// libcurl copies the close function and its data pointer into every connection it opens,
// and a connection outlives its easy handle in the multi's cache. Handing libcurl the
// EasyHandle itself would let a later close call into a freed handle. The pointer libcurl
// keeps is this small hook instead, which lives until the last socket opened under it has
// been closed: while its easy handle is open the close goes to the handle (and so to
// JavaScript); once the handle is closed the hook closes the socket itself.
#pragma once

#include <curl/curl.h>

#include <cstddef>

namespace curlio {

class EasyHandle;
struct AddonData;

class CloseSocketHook {
 public:
  CloseSocketHook(EasyHandle* owner, AddonData* data) : owner_(owner), data_(data) {}

  // The CURLOPT_CLOSESOCKETFUNCTION libcurl calls, with this hook as clientp.
  static int Close(void* clientp, curl_socket_t item);

  // A socket opened through our CURLOPT_OPENSOCKETFUNCTION while this hook was installed:
  // libcurl will close it through Close().
  void SocketOpened() { open_sockets_++; }

  // The easy handle is closing. The hook deletes itself if no socket can still reach it;
  // otherwise the environment keeps it (AddonData::orphaned_close_hooks) until the last
  // such socket is closed or the environment ends.
  void OwnerClosed();

 private:
  EasyHandle* owner_;  // nullptr once the easy handle is closed
  AddonData* data_;
  size_t open_sockets_ = 0;
};

}  // namespace curlio
