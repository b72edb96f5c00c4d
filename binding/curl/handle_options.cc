#include "curl/handle_options.h"

#include "curl/mime.h"
#include "curl/share.h"
#include "curl/urlapi.h"

namespace curlio {

bool IsHandleOption(CURLoption option) {
  return option == CURLOPT_SHARE || option == CURLOPT_CURLU || option == CURLOPT_MIMEPOST;
}

CURLcode SetHandleOption(CURL* curl, CURLoption option, Napi::Value value) {
  bool unset = value.IsNull() || value.IsUndefined();
  switch (option) {
    case CURLOPT_SHARE: {
      if (unset) return curl_easy_setopt(curl, option, static_cast<CURLSH*>(nullptr));
      ShareHandle* share = ShareHandle::FromValue(value);
      if (share == nullptr) return CURLE_BAD_FUNCTION_ARGUMENT;
      if (share->share() == nullptr) return CURLE_BAD_FUNCTION_ARGUMENT;  // cleaned up
      return curl_easy_setopt(curl, option, share->share());
    }
    case CURLOPT_CURLU: {
      if (unset) return curl_easy_setopt(curl, option, static_cast<CURLU*>(nullptr));
      UrlHandle* url = UrlHandle::FromValue(value);
      if (url == nullptr) return CURLE_BAD_FUNCTION_ARGUMENT;
      return curl_easy_setopt(curl, option, url->url());
    }
    case CURLOPT_MIMEPOST: {
      if (unset) return curl_easy_setopt(curl, option, static_cast<curl_mime*>(nullptr));
      MimeHandle* mime = MimeHandle::FromValue(value);
      if (mime == nullptr) return CURLE_BAD_FUNCTION_ARGUMENT;
      if (!mime->Alive()) return CURLE_BAD_FUNCTION_ARGUMENT;
      return curl_easy_setopt(curl, option, mime->mime());
    }
    default: return CURLE_UNKNOWN_OPTION;
  }
}

}  // namespace curlio
