// The Int32Array a multi handle shares with the JavaScript layer: numbers JavaScript reads
// after a call instead of unpacking an array made for them. lib/libcurl/multi-state.ts
// names the same slots; test/libcurl/multi-state.test.ts ties the two tables together
// through the copy exported as `multiStateIndex`.
#pragma once

#include <napi.h>

namespace curlio {

enum StateIndex {
  kRunningHandles = 0,
  kTimeoutMs = 1,
  kMsgsInQueue = 2,
  kMsgKind = 3,
  kMsgResult = 4,
  kStateLength = 5
};

void InitMultiState(Napi::Env env, Napi::Object exports);

}  // namespace curlio
