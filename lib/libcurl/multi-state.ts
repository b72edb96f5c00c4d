// The slots of the Int32Array a multi handle shares with the native side, by name
// (binding/curl/multi_state.h names the same slots; test/libcurl/multi-state.test.ts ties
// the two tables).
export const MultiState = {
  runningHandles: 0,
  timeoutMs: 1,
  msgsInQueue: 2,
  msgKind: 3,
  msgResult: 4,
  length: 5,
} as const;
