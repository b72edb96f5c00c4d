// The Int32Array a multi shares with the native side has one named table per side
// (binding/curl/multi_state.h, lib/libcurl/multi-state.ts): they name the same slots.
import { native } from '../../lib/native';
import { DoneSlot, MultiState } from '../../lib/libcurl/multi-state';
import { Multi, curl_multi_info_read, curl_multi_init, curl_multi_timeout } from '../../lib/libcurl';

test("the TypeScript table names the C++ enum's slots", () => {
  expect(native.multiStateIndex).toEqual({ ...MultiState });
});

test("the native driver's completion slots are named alike on both sides", () => {
  expect(native.multiDoneSlot).toEqual({ ...DoneSlot });
  expect(MultiState.length).toBe(MultiState.doneFirst + DoneSlot.stride * DoneSlot.batch);
});

test('each named slot holds what its name says after a call', () => {
  const multi = curl_multi_init();
  multi.state.fill(-7);
  const timeout = { value: 0 };
  curl_multi_timeout(multi, timeout);
  expect(multi.state[MultiState.timeoutMs]).toBe(-1);
  const left = { value: 0 };
  expect(curl_multi_info_read(multi, left)).toBeNull();
  expect(multi.state[MultiState.msgsInQueue]).toBe(0);
  expect(multi.state).toHaveLength(MultiState.length);
  expect(multi).toBeInstanceOf(Multi);
  multi.cleanup();
});
