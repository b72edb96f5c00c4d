#include "gio/gio.h"

namespace curlio {

void InitGio(Napi::Env env, Napi::Object exports) {}

}  // namespace curlio
