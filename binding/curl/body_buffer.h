// Response bytes buffered in C++ (no WRITEFUNCTION / HEADERFUNCTION in JavaScript), and
// their handover to a Buffer without a copy.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdlib>

namespace curlio {

// Grown with realloc, not std::string: glibc keeps a large block in a mapping of its own
// and grows it with mremap, so a long body is never copied whole. std::string copied it at
// every doubling (a 512 MiB copy blocked the event loop for most of a second in the middle
// of a fast stream), and threw std::bad_alloc where this reports failure.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  ~ByteBuffer() { std::free(data_); }
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;

  const char* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }  // keeps the memory for the next transfer
  void shrink_to_fit();        // frees the memory if empty
  bool reserve(size_t capacity);
  bool append(const char* bytes, size_t n);  // false: out of memory (nothing appended)

  // The bytes (malloc'd, free() them) become the caller's; the buffer is empty after.
  char* Release(size_t* size);

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// A Buffer over `bytes` (malloc'd), freed by its finalizer; nullptr if Node refused (an
// exception may then be pending). Either way the bytes are no longer the caller's.
napi_value HandOverBytes(napi_env env, char* bytes, size_t size);

// setBufferMaxLength(buffer.constants.MAX_LENGTH), from lib/libcurl/binding.ts: the most a
// buffered body or header block may hold (AddonData::buffer_max_length).
Napi::Value SetBufferMaxLength(const Napi::CallbackInfo& info);

}  // namespace curlio
