// Easy handles that libcurl makes itself: an HTTP/2 server push duplicates the stream's
// parent handle (curl_easy_duphandle inside libcurl) and hands the copy to
// CURLMOPT_PUSHFUNCTION. A fresh EasyHandle takes it over, as DupHandle fills its target.
#include "curl/easy.h"

namespace curlio {

void EasyHandle::AdoptDuplicate(CURL* copy, EasyHandle& source) {
  curl_easy_cleanup(curl_);
  ReleaseCloseSocketHook();
  ReleaseOptions();
  curl_ = copy;
  // libcurl's copy still points at the parent: PRIVATE, the write sinks, and every
  // callback's data; ApplyDefaults and CopyOptionsFrom point them at this handle.
  ApplyDefaults();
  CopyOptionsFrom(source);
}

void EasyHandle::ForgetCurl() {
  curl_ = nullptr;
  ReleaseCloseSocketHook();
  ReleaseOptions();
  callback_error.Reset();
}

}  // namespace curlio
