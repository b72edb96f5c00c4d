// The JavaScript shapes of libcurl's callbacks. Arguments keep C's order; a C `void *`
// user pointer is any JavaScript value (the matching *DATA option's value).
import type { Easy } from './easy';
import type { Multi } from './multi';

/** CURLMOPT_SOCKETFUNCTION: tell the application which events to watch on socket `s`. */
export type SocketCallback = (easy: Easy, s: number, what: number, clientp: unknown, socketp: unknown) => number | void;
/** CURLMOPT_TIMERFUNCTION: ask for curl_multi_socket_action(CURL_SOCKET_TIMEOUT) in `timeoutMs` (-1: cancel). */
export type TimerCallback = (multi: Multi, timeoutMs: number, clientp: unknown) => number | void;
/** CURLOPT_WRITEFUNCTION / CURLOPT_HEADERFUNCTION: returns the bytes taken (undefined: all), or CURL_WRITEFUNC_PAUSE. */
export type WriteCallback = (data: Buffer, userdata: unknown) => number | void;
/** CURLOPT_READFUNCTION: up to `size` bytes; null or an empty Buffer ends the body. */
export type ReadCallback = (size: number, userdata: unknown) => Buffer | string | null | number;
/** CURLOPT_XFERINFOFUNCTION: non-zero aborts the transfer (CURLE_ABORTED_BY_CALLBACK). */
export type XferInfoCallback = (clientp: unknown, dltotal: number, dlnow: number, ultotal: number, ulnow: number) => number | void;
/** CURLOPT_PREREQFUNCTION: called once the connection is made, before the request is sent. */
export type PrereqCallback = (clientp: unknown, primaryIp: string, localIp: string, primaryPort: number, localPort: number) => number | void;
/** CURLOPT_DEBUGFUNCTION: (easy, type CURLINFO_TEXT.., data, userptr). */
export type DebugCallback = (easy: Easy, type: number, data: Buffer, userptr: unknown) => number | void;
/** The address libcurl wants a socket for (struct curl_sockaddr). */
export interface CurlSockaddr {
  family: number;
  socktype: number;
  protocol: number;
  address: string;
  port: number;
}
/** CURLOPT_OPENSOCKETFUNCTION: return an fd the application owns, or CURL_SOCKET_BAD (-1). */
export type OpenSocketCallback = (clientp: unknown, purpose: number, address: CurlSockaddr) => number;
/** CURLOPT_SOCKOPTFUNCTION: CURL_SOCKOPT_OK, CURL_SOCKOPT_ERROR or CURL_SOCKOPT_ALREADY_CONNECTED. */
export type SockoptCallback = (clientp: unknown, curlfd: number, purpose: number) => number | void;
/**
 * CURLOPT_CLOSESOCKETFUNCTION: the application closes `item` (or keeps it). 0 on success.
 * libcurl keeps the function with each connection, and a connection can stay cached in a
 * Multi after its Easy is closed: from then on curlio closes that connection's socket with
 * close() itself (the Easy, its function and its data may be gone).
 */
export type CloseSocketCallback = (clientp: unknown, item: number) => number | void;
/** CURLOPT_SEEKFUNCTION: rewind the request body; CURL_SEEKFUNC_OK / FAIL / CANTSEEK. */
export type SeekCallback = (userp: unknown, offset: number, origin: number) => number;
