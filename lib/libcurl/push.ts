// CURLMOPT_PUSHFUNCTION / CURLMOPT_PUSHDATA (HTTP/2 server push) and
// curl_pushheader_bynum / curl_pushheader_byname.
//
// The callback gets (parent, easy, num_headers, headers, clientp) as in C; `easy` is a new
// Easy for the pushed stream, with the parent's options (and, for a C-layer parent, C's
// defaults). Return CURL_PUSH_OK to take the stream: libcurl adds `easy` to the multi, and
// it finishes through curl_multi_info_read like any other transfer. `headers` is valid
// during the callback, as in C.
import { multiMethods } from './binding';
import { Easy } from './easy';
import type { Multi } from './multi';
import { cNative, type NativeMultiCMethods } from './native-c';
import { adoptC, isCHandle } from './c-defaults';
import { CURLMOPT_PUSHDATA, CURLMOPT_PUSHFUNCTION, CURL_PUSH_DENY } from './constants.generated';

/** struct curl_pushheaders: read it with curl_pushheader_bynum / curl_pushheader_byname. */
export interface CurlPushHeaders {
  /** @internal "name:value" for each header, as curl_pushheader_bynum gives them. */
  readonly lines: readonly (string | null)[];
}

export type PushCallback = (parent: Easy, easy: Easy, numHeaders: number, headers: CurlPushHeaders, clientp: unknown) => number;

cNative.setEasyClass(Easy);

const c = multiMethods as unknown as NativeMultiCMethods;
const pushState = new WeakMap<Multi, { fn: PushCallback | null; data: unknown }>();

/** curl_multi_setopt for the push options: the code, or undefined for any other option. */
export function setoptPush(multi: Multi, option: number, value: unknown): number | undefined {
  if (option !== CURLMOPT_PUSHFUNCTION && option !== CURLMOPT_PUSHDATA) return undefined;
  let state = pushState.get(multi);
  if (!state) pushState.set(multi, (state = { fn: null, data: undefined }));
  if (option === CURLMOPT_PUSHDATA) {
    state.data = value;
    return 0;
  }
  if (value !== null && value !== undefined && typeof value !== 'function') {
    throw new TypeError('Expected a function or null for CURLMOPT_PUSHFUNCTION');
  }
  const code = c.setPushFunction.call(multi, value ? dispatcher(multi) : null);
  if (code === 0) state.fn = (value as PushCallback) ?? null;
  return code;
}

function dispatcher(multi: Multi) {
  return (parent: object, child: object, numHeaders: number, lines: (string | null)[]): number => {
    const state = pushState.get(multi);
    if (!state?.fn) return CURL_PUSH_DENY;
    if (isCHandle(parent as Easy)) adoptC(child as Easy, parent as Easy);
    return state.fn(parent as Easy, child as Easy, numHeaders, { lines }, state.data);
  };
}

/** The `num`th push header as "name:value", or null past the last. */
export function curl_pushheader_bynum(headers: CurlPushHeaders, num: number): string | null {
  return headers.lines[num] ?? null;
}

/** The value of push header `name` (such as ":path"), or null; as libcurl, a name holding ':' past its first character finds nothing. */
export function curl_pushheader_byname(headers: CurlPushHeaders, name: string): string | null {
  if (!name || name === ':' || name.indexOf(':', 1) !== -1) return null;
  for (const line of headers.lines) {
    if (line !== null && line.startsWith(name) && line[name.length] === ':') return line.slice(name.length + 1);
  }
  return null;
}
