#pragma once
#include "addon.h"
namespace curlio {
class EasyHandle { public: static void Init(Napi::Env env, Napi::Object exports) {} };
}
