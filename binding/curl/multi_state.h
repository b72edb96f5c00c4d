// The Int32Array a multi handle shares with the JavaScript layer: numbers JavaScript reads
// after a call instead of unpacking an array made for them. lib/libcurl/multi-state.ts
// names the same slots; test/libcurl/multi-state.test.ts ties the two tables together
// through the copies exported as `multiStateIndex` and `multiDoneSlot`.
#pragma once

#include <napi.h>

namespace curlio {

// One finished transfer's slots in a delivery of the native driver (MultiHandle::DeliverDone),
// from kDoneFirst + i * kDoneStride. Its JavaScript objects (the easy handle, a body or header
// Buffer, what a callback threw) are the delivery call's arguments, in that order.
enum DoneSlot {
  kDoneResult = 0,   // CURLcode
  kDoneStatus = 1,   // CURLINFO_RESPONSE_CODE
  kDoneBody = 2,     // >= 0: that many bytes of the call's slab; kDoneInArguments or kDoneAbsent
  kDoneHeaders = 3,  // the raw header lines, as the body
  kDoneError = 4,    // 1: what a callback of the transfer threw is among the arguments
  kDoneStride = 5,
};
constexpr int32_t kDoneInArguments = -1;  // a Buffer of its own, among the arguments
constexpr int32_t kDoneAbsent = -2;       // not buffered (the transfer was not auto-removed)
// The most transfers one delivery call carries; a loop turn with more makes several calls.
constexpr int kDoneBatch = 64;

enum StateIndex {
  kRunningHandles = 0,
  kTimeoutMs = 1,
  kMsgsInQueue = 2,
  kMsgKind = 3,
  kMsgResult = 4,
  kDoneCount = 5,       // transfers in the current delivery call
  kDoneSlabOffset = 6,  // where in the call's slab its first small body or header block is
  kDoneFirst = 7,
  kStateLength = kDoneFirst + kDoneStride * kDoneBatch
};

void InitMultiState(Napi::Env env, Napi::Object exports);

}  // namespace curlio
