// curl_easy_send / curl_easy_recv on a CURLOPT_CONNECT_ONLY connection, curl_easy_upkeep,
// and the WebSocket calls curl_ws_recv / curl_ws_send / curl_ws_meta (websockets.h; a
// libcurl without WebSockets answers CURLE_NOT_BUILT_IN). None of them waits: CURLE_AGAIN
// says to wait for the socket (CURLINFO_ACTIVESOCKET, with a Poll) and call again.
import { cNative, type CurlWsFrame } from './native-c';
import { easyArg, outArg } from './args';
import type { CURL, CURLcode, OutParam } from './functions';

export type { CurlWsFrame as curl_ws_frame };

export function curl_easy_send(easy: CURL, buffer: Buffer, buflen: number, n: OutParam<number>): CURLcode {
  const out = outArg(n, 'curl_easy_send', 'n', true) as OutParam<number>;
  const [code, sent] = cNative.curl_easy_send(easyArg(easy), buffer, buflen);
  out.value = sent;
  return code;
}

/** Up to `buflen` bytes into `buffer`; `n.value` 0 with CURLE_OK means the peer closed. */
export function curl_easy_recv(easy: CURL, buffer: Buffer, buflen: number, n: OutParam<number>): CURLcode {
  const out = outArg(n, 'curl_easy_recv', 'n', true) as OutParam<number>;
  const [code, received] = cNative.curl_easy_recv(easyArg(easy), buffer, buflen);
  out.value = received;
  return code;
}

export function curl_easy_upkeep(easy: CURL): CURLcode {
  return cNative.curl_easy_upkeep(easyArg(easy));
}

export function curl_ws_recv(easy: CURL, buffer: Buffer, buflen: number, recv: OutParam<number>, metap: OutParam<CurlWsFrame | null>): CURLcode {
  const outN = outArg(recv, 'curl_ws_recv', 'recv', true) as OutParam<number>;
  const outMeta = outArg(metap, 'curl_ws_recv', 'metap', true) as OutParam<CurlWsFrame | null>;
  const [code, n, meta] = cNative.curl_ws_recv(easyArg(easy), buffer, buflen);
  outN.value = n;
  outMeta.value = meta;
  return code;
}

export function curl_ws_send(easy: CURL, buffer: Buffer, buflen: number, sent: OutParam<number>, framesize: number, sendflags: number): CURLcode {
  const out = outArg(sent, 'curl_ws_send', 'sent', true) as OutParam<number>;
  const [code, n] = cNative.curl_ws_send(easyArg(easy), buffer, buflen, framesize, sendflags);
  out.value = n;
  return code;
}

export function curl_ws_meta(easy: CURL): CurlWsFrame | null {
  return cNative.curl_ws_meta(easyArg(easy));
}
