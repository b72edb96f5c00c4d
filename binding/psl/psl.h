// libpsl's public-suffix checks for the cookie jar (the list libcurl's own cookie engine uses).
#pragma once

#include <napi.h>

namespace curlio {

void InitPsl(Napi::Env env, Napi::Object exports);

}  // namespace curlio
