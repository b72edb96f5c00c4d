#pragma once
#include "addon.h"
namespace curlio {
class PollHandle { public: static void Init(Napi::Env env, Napi::Object exports) {} };
}
