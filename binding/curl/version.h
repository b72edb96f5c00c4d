#pragma once
#include <napi.h>
namespace curlio {
void InitCurlVersion(Napi::Env env, Napi::Object exports);
}
