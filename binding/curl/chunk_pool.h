// Small chunks for JavaScript write and header callbacks: copied into a shared ArrayBuffer
// and handed over as Buffer views of it, the way Node pools its own small Buffers. That is
// one memcpy plus a view made in JavaScript; napi_create_buffer_copy cost an allocation, a
// backing store and about 3,000 instructions for every chunk.
#pragma once

#include <napi.h>

#include <cstddef>

namespace curlio {

class ChunkPool {
 public:
  static constexpr size_t kPoolSize = 16 * 1024;
  static constexpr size_t kPooledBelow = 4 * 1024;  // larger chunks get a Buffer of their own

  // From the JavaScript layer (lib/libcurl/binding.ts), once per environment:
  // view(fn, arrayBuffer, offset, length, userdata) returns fn(Buffer view, userdata) (write
  // and header callbacks), debugView(fn, handle, type, arrayBuffer, offset, length, userdata)
  // calls fn(handle, type, Buffer view, userdata) (DEBUGFUNCTION), and
  // untransferable(arrayBuffer) is worker_threads.markAsUntransferable: a pool the user
  // transferred away would leave us writing into memory that is no longer ours.
  void SetHelpers(Napi::Function view, Napi::Function debug_view, Napi::Function untransferable);

  // Copies the chunk into the pool (a new pool when the current one is full). False when
  // the chunk is not pooled: too large, no helpers, or the environment is stopping.
  bool Place(Napi::Env env, const char* bytes, size_t length, napi_value* pool, size_t* offset);

  napi_value View() const { return view_.Value(); }
  napi_value DebugView() const { return debug_view_.Value(); }

 private:
  Napi::FunctionReference view_;
  Napi::FunctionReference debug_view_;
  Napi::FunctionReference untransferable_;
  Napi::Reference<Napi::ArrayBuffer> pool_;
  char* data_ = nullptr;
  size_t used_ = kPoolSize;  // full: the first chunk makes a pool
};

// setChunkHelpers(view, debugView, markAsUntransferable): SetHelpers for this environment.
Napi::Value SetChunkHelpers(const Napi::CallbackInfo& info);

}  // namespace curlio
