#include "curl/version.h"
namespace curlio {
void InitCurlVersion(Napi::Env env, Napi::Object exports) {}
}
