// curl_global_init / curl_global_cleanup / curl_global_sslset. curlio itself holds one
// global init from load to exit (libcurl counts them), so a program's own pair is safe and
// its cleanup frees nothing other handles use.
import { cNative } from './native-c';
import { outArg } from './args';
import type { CURLcode, OutParam } from './functions';

export function curl_global_init(flags: number): CURLcode {
  return cNative.curl_global_init(flags);
}

export function curl_global_cleanup(): void {
  cNative.curl_global_cleanup();
}

/**
 * Chooses the TLS backend. libcurl allows a change only before its first global init,
 * which curlio made when it loaded: a multi-backend libcurl answers CURLSSLSET_TOO_LATE, a
 * single-backend one OK for its backend and UNKNOWN_BACKEND for others. `avail.value` gets
 * the backends, as { id, name }.
 */
export function curl_global_sslset(id: number, name: string | null, avail?: OutParam<{ id: number; name: string }[]>): number {
  const out = outArg(avail, 'curl_global_sslset', 'avail');
  const [code, list] = cNative.curl_global_sslset(id, name);
  if (out) out.value = list;
  return code;
}
