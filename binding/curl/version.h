// curl_version, curl_version_info and the *_strerror functions.
#pragma once

#include <napi.h>

namespace curlio {

void InitCurlVersion(Napi::Env env, Napi::Object exports);

}  // namespace curlio
