#pragma once
#include "addon.h"
namespace curlio {
class MultiHandle : public Resource { public: static void Init(Napi::Env env, Napi::Object exports) {} };
}
