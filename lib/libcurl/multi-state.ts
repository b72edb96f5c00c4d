// The slots of the Int32Array a multi handle shares with the native side, by name
// (binding/curl/multi_state.h names the same slots; test/libcurl/multi-state.test.ts ties
// the two tables).
export const MultiState = {
  runningHandles: 0,
  timeoutMs: 1,
  msgsInQueue: 2,
  msgKind: 3,
  msgResult: 4,
  /** Transfers in the native driver's current delivery call (Multi's #onDone). */
  doneCount: 5,
  /** Where in the call's slab its first small body or header block is. */
  doneSlabOffset: 6,
  /** The first of them's DoneSlot slots; each next one's DoneSlot.stride further. */
  doneFirst: 7,
  length: 7 + 5 * 64,
} as const;

/**
 * One finished transfer's slots in a delivery of the native driver (MultiHandle::DeliverDone),
 * from MultiState.doneFirst + i * stride. Its JavaScript objects are the delivery call's
 * arguments after the slab, in this order: the easy handle, then the body and the header
 * Buffers when their slot says `inArguments`, then what a callback threw when `error` is 1.
 */
export const DoneSlot = {
  /** CURLcode (CURLE_OUT_OF_MEMORY when no Buffer could be made). */
  result: 0,
  /** CURLINFO_RESPONSE_CODE. */
  status: 1,
  /**
   * >= 0: that many bytes of the slab, in order, each at an offset aligned to 8 (as in
   * Node's Buffer pool); or inArguments, or absent (not buffered).
   */
  body: 2,
  /** The raw header lines, as the body. */
  headers: 3,
  /** 1: what a JavaScript callback of the transfer threw is among the arguments. */
  error: 4,
  stride: 5,
  inArguments: -1,
  absent: -2,
  /** The most transfers one delivery call carries. */
  batch: 64,
} as const;
