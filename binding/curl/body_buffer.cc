#include "curl/body_buffer.h"

#include <cstring>

#include "addon.h"

namespace curlio {

void ByteBuffer::shrink_to_fit() {
  if (size_ != 0) return;
  std::free(data_);
  data_ = nullptr;
  capacity_ = 0;
}

bool ByteBuffer::reserve(size_t capacity) {
  if (capacity <= capacity_) return true;
  void* grown = std::realloc(data_, capacity);
  if (grown == nullptr) return false;
  data_ = static_cast<char*>(grown);
  capacity_ = capacity;
  return true;
}

// The first block is small: a buffer lives as long as its easy handle, one per in-flight
// transfer, and a small response's header block is about 250 bytes (a 13-byte body with a
// Content-Length is reserved exactly in Sink). The 4 KiB this used to start from were most
// of curlio's excess over the C loop at 10,000 in flight (+4.4 KiB of RSS per transfer);
// doubling from 256 costs a large body four more reallocs.
constexpr size_t kFirstBlock = 256;

bool ByteBuffer::append(const char* bytes, size_t n) {
  if (n == 0) return true;  // data_ may be null: no pointer arithmetic on it
  if (n > capacity_ - size_) {
    size_t wanted = size_ + n;
    if (wanted < n) return false;  // overflow
    size_t doubled = capacity_ * 2;
    if (!reserve(doubled > wanted ? doubled : (wanted < kFirstBlock ? kFirstBlock : wanted)) && !reserve(wanted))
      return false;
  }
  memcpy(data_ + size_, bytes, n);
  size_ += n;
  return true;
}

char* ByteBuffer::Release(size_t* size) {
  char* bytes = data_;
  *size = size_;
  data_ = nullptr;
  size_ = 0;
  capacity_ = 0;
  return bytes;
}

// Who owns the bytes after a failure is known from the status alone (node_api.cc): Node
// refuses before it takes them (an exception pending, JavaScript unable to run, external
// buffers not allowed), or it has taken them, and then it frees them itself, at once when
// the length is over buffer.constants.MAX_LENGTH. Freeing them again in that case was the
// double free of a 4 GiB body. (Not through Napi::Buffer::New: it deletes its own
// finalizer data on failure, which Node has freed too.)
napi_value HandOverBytes(napi_env env, char* bytes, size_t size) {
  napi_value result = nullptr;
  napi_status status = napi_create_external_buffer(
      env, size, bytes, [](napi_env, void* data, void*) { std::free(data); }, nullptr, &result);
  if (status == napi_ok) return result;
  if (status == napi_no_external_buffers_allowed &&
      napi_create_buffer_copy(env, size, bytes, nullptr, &result) != napi_ok)
    result = nullptr;
  if (status != napi_generic_failure) std::free(bytes);
  return result;
}

Napi::Value SetBufferMaxLength(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber() || info[0].As<Napi::Number>().DoubleValue() < 1) {
    ThrowTypeError(env, "Expected buffer.constants.MAX_LENGTH (a positive number)");
    return env.Undefined();
  }
  double max = info[0].As<Napi::Number>().DoubleValue();
  GetAddonData(env)->buffer_max_length = max >= 9007199254740991.0 ? SIZE_MAX : static_cast<size_t>(max);
  return env.Undefined();
}

}  // namespace curlio
