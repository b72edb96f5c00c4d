#include "curl/chunk_pool.h"

#include <cstring>

#include "addon.h"

namespace curlio {

void ChunkPool::SetHelpers(Napi::Function view, Napi::Function debug_view, Napi::Function untransferable) {
  view_ = Napi::Persistent(view);
  debug_view_ = Napi::Persistent(debug_view);
  untransferable_ = Napi::Persistent(untransferable);
}

bool ChunkPool::Place(Napi::Env env, const char* bytes, size_t length, napi_value* pool, size_t* offset) {
  if (length >= kPooledBelow || view_.IsEmpty()) return false;
  if (used_ + length > kPoolSize) {
    void* data = nullptr;
    napi_value buffer;
    if (napi_create_arraybuffer(env, kPoolSize, &data, &buffer) != napi_ok) return false;
    napi_value ignored;
    if (napi_call_function(env, env.Undefined(), untransferable_.Value(), 1, &buffer, &ignored) != napi_ok) {
      if (env.IsExceptionPending()) env.GetAndClearPendingException();
      return false;
    }
    pool_ = Napi::Persistent(Napi::ArrayBuffer(env, buffer));
    data_ = static_cast<char*>(data);
    used_ = 0;
  }
  memcpy(data_ + used_, bytes, length);
  *pool = pool_.Value();
  *offset = used_;
  used_ += (length + 7) & ~size_t{7};  // views start 8-byte aligned, as Node's pool does
  return true;
}

Napi::Value SetChunkHelpers(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction() || !info[1].IsFunction() || !info[2].IsFunction()) {
    ThrowTypeError(env, "Expected three functions (view, debugView, markAsUntransferable)");
    return env.Undefined();
  }
  GetAddonData(env)->chunks.SetHelpers(info[0].As<Napi::Function>(), info[1].As<Napi::Function>(),
                                       info[2].As<Napi::Function>());
  return env.Undefined();
}

}  // namespace curlio
