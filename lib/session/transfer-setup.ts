// Transfer set-up: one message's request as options on a pooled easy handle (URL, method
// and body, headers, proxy and credentials, connection reuse), and the session-wide options
// (timeouts, TLS trust, user agent) each handle takes once per configuration generation.
// PooledEasy.set skips what the handle holds already, so a repeat GET sets almost nothing.
import {
  CURLAUTH_BASIC,
  CURLOPT_CAINFO,
  CURLOPT_CAINFO_BLOB,
  CURLOPT_CAPATH,
  CURLOPT_CONNECTTIMEOUT_MS,
  CURLOPT_CUSTOMREQUEST,
  CURLOPT_HTTPAUTH,
  CURLOPT_HTTPGET,
  CURLOPT_HTTP_VERSION,
  CURLOPT_LOW_SPEED_LIMIT,
  CURLOPT_LOW_SPEED_TIME,
  CURLOPT_MAXAGE_CONN,
  CURLOPT_NOBODY,
  CURLOPT_PASSWORD,
  CURLOPT_POST,
  CURLOPT_POSTFIELDS,
  CURLOPT_POSTFIELDSIZE_LARGE,
  CURLOPT_PROXYAUTH,
  CURLOPT_PROXYPASSWORD,
  CURLOPT_PROXYUSERNAME,
  CURLOPT_PROXY_CAINFO,
  CURLOPT_PROXY_CAINFO_BLOB,
  CURLOPT_PROXY_CAPATH,
  CURLOPT_PROXY_SSL_VERIFYHOST,
  CURLOPT_PROXY_SSL_VERIFYPEER,
  CURLOPT_READFUNCTION,
  CURLOPT_SSL_VERIFYHOST,
  CURLOPT_SSL_VERIFYPEER,
  CURLOPT_USERAGENT,
  CURLOPT_USERNAME,
  CURLOPT_VERBOSE,
  CURL_HTTP_VERSION_2TLS,
} from '../libcurl/constants.generated';
import type { RequestCredentials } from './auth-hooks';
import { BodyReader } from './body-streams';
import type { PooledEasy } from './easy-pool';
import { kFlags, kRequestHeaders, MessageFlags, type Message } from './message';

/** The session's properties a handle's configuration is made of (Session's #configure). */
export interface TransferSettings {
  /** The configuration generation: a handle configured for another one is reset first. */
  version: number;
  userAgent: string | null;
  timeout: number;
  idleTimeout: number;
  maxBodySize: number;
  sslStrict: boolean;
  sslCaFile: string | null;
  sslUseSystemCaFile: boolean;
  tlsDatabase: Buffer | null;
}

/** The session-wide options on `easy`, from libcurl's defaults when it held another generation's. */
export function configureEasy(easy: PooledEasy, settings: TransferSettings): void {
  // Settings changed since this handle last ran: start from libcurl's defaults again, so
  // a CA file or proxy setting that was dropped is really gone.
  if (easy.configVersion !== -1) easy.resetAll();
  easy.configVersion = settings.version;
  easy.apply(CURLOPT_USERAGENT, settings.userAgent);
  const timeoutMs = Math.round(settings.timeout * 1000);
  easy.apply(CURLOPT_CONNECTTIMEOUT_MS, timeoutMs);
  easy.apply(CURLOPT_LOW_SPEED_LIMIT, timeoutMs > 0 ? 1 : 0);
  easy.apply(CURLOPT_LOW_SPEED_TIME, timeoutMs > 0 ? Math.max(1, Math.round(settings.timeout)) : 0);
  easy.apply(CURLOPT_MAXAGE_CONN, settings.idleTimeout > 0 ? Math.max(1, Math.round(settings.idleTimeout)) : 1 << 30);
  easy.apply(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
  // The decoded-body bound in the native driver, where the object layer has it (without a
  // got-chunk listener the body never passes through JavaScript); the write callback
  // checks the same bound when it runs.
  if ('maxBodySize' in easy) (easy as { maxBodySize: number }).maxBodySize = settings.maxBodySize;
  if (process.env.CURLIO_VERBOSE) easy.apply(CURLOPT_VERBOSE, 1);
  // With sslStrict off the handshake always completes and msg.tlsErrors carries the
  // verification result that was computed anyway.
  easy.apply(CURLOPT_SSL_VERIFYPEER, settings.sslStrict ? 1 : 0);
  easy.apply(CURLOPT_SSL_VERIFYHOST, settings.sslStrict ? 2 : 0);
  easy.apply(CURLOPT_PROXY_SSL_VERIFYPEER, settings.sslStrict ? 1 : 0);
  easy.apply(CURLOPT_PROXY_SSL_VERIFYHOST, settings.sslStrict ? 2 : 0);
  // The same trust for an https proxy as for the server, as GTlsDatabase is for both.
  if (settings.tlsDatabase !== null) {
    easy.apply(CURLOPT_CAINFO_BLOB, settings.tlsDatabase);
    easy.apply(CURLOPT_PROXY_CAINFO_BLOB, settings.tlsDatabase);
  } else if (settings.sslCaFile !== null) {
    easy.apply(CURLOPT_CAINFO, settings.sslCaFile);
    easy.apply(CURLOPT_PROXY_CAINFO, settings.sslCaFile);
  }
  if (!settings.sslUseSystemCaFile) {
    // No system store: only what was given above is trusted (nothing at all without it).
    if (settings.sslCaFile === null || settings.tlsDatabase !== null) {
      easy.apply(CURLOPT_CAINFO, null);
      easy.apply(CURLOPT_PROXY_CAINFO, null);
    }
    easy.apply(CURLOPT_CAPATH, null);
    easy.apply(CURLOPT_PROXY_CAPATH, null);
  }
}

// The URL libcurl gets for `uri`, after libsoup's soup_uri_is_https / soup_uri_is_http
// (https and its aliases first); null: not a scheme this session speaks.
export function curlUrl(uri: URL, httpAliases: readonly string[] | null, httpsAliases: readonly string[] | null): string | null {
  if (uri.username !== '' || uri.password !== '') {
    // Credentials in the URI are the auth manager's (used at the first 401), never libcurl's.
    uri = new URL(uri.href);
    uri.username = uri.password = '';
  }
  const scheme = uri.protocol.slice(0, -1);
  if (scheme === 'http' || scheme === 'https') return uri.href;
  if (scheme === 'file' || scheme === 'data' || scheme === 'about' || scheme === 'blob') return null;
  const https = httpsAliases;
  // wss is https whatever the aliases: a secure scheme never goes out in clear under '*'.
  if (scheme === 'wss' || (https !== null && https.includes(scheme))) return 'https' + uri.href.slice(scheme.length);
  const http = httpAliases;
  if (http !== null && (http.includes(scheme) || (http.length === 1 && http[0] === '*'))) return 'http' + uri.href.slice(scheme.length);
  return null;
}

// CURLOPT_NOBODY/HTTPGET/POST*/CUSTOMREQUEST/READFUNCTION for `method` and `body`.
// A streamed body's reader is returned: the transfer's (null for none or a Buffer).
export function setMethod(easy: PooledEasy, msg: Message, method: string, body: Message['requestBody']): BodyReader | null {
let reader: BodyReader | null = null;
  if (body === null) {
    if (method === 'HEAD') easy.set(CURLOPT_NOBODY, 1);
    else {
      if (easy.current(CURLOPT_NOBODY) === 1 || easy.current(CURLOPT_POST) === 1 || easy.current(CURLOPT_POSTFIELDS) !== undefined) {
        // CURLOPT_HTTPGET does not clear NOBODY: both, in this order.
        easy.set(CURLOPT_NOBODY, 0);
        easy.set(CURLOPT_HTTPGET, 1);
        easy.forget(CURLOPT_POSTFIELDS);
        easy.forget(CURLOPT_POST);
        easy.forget(CURLOPT_HTTPGET);
      }
    }
    easy.set(CURLOPT_CUSTOMREQUEST, method === 'GET' || method === 'HEAD' ? null : method);
  } else {
    if (easy.current(CURLOPT_NOBODY) === 1) easy.set(CURLOPT_NOBODY, 0);
    if (Buffer.isBuffer(body)) {
      easy.set(CURLOPT_POSTFIELDS, body);
    } else {
      easy.set(CURLOPT_POSTFIELDS, null);
      easy.set(CURLOPT_POST, 1);
      easy.forget(CURLOPT_POSTFIELDSIZE_LARGE);
      const length = msg[kRequestHeaders]?.contentLength ?? null;
      easy.set(CURLOPT_POSTFIELDSIZE_LARGE, length ?? -1);
      reader = new BodyReader(body, easy);
    }
    easy.set(CURLOPT_CUSTOMREQUEST, method === 'POST' ? null : method);
  }
  easy.set(CURLOPT_READFUNCTION, reader === null ? null : reader.read);
  if (reader === null) easy.forget(CURLOPT_READFUNCTION);
  return reader;
}

/**
 * The message's request headers as CURLOPT_HTTPHEADER lines, with what libsoup does and
 * libcurl would not (no default Content-Type or Expect; the session's Accept-Language);
 * the features add theirs after.
 */
export function requestHeaderLines(msg: Message, body: Message['requestBody'], acceptLanguageLine: string | null): string[] {
  const lines: string[] = [];
  const headers = msg[kRequestHeaders];
  headers?.appendLines(lines);
  // libsoup sends a body with the Content-Type it was given, or none, and no Expect unless
  // asked; libcurl would add its own ("application/x-www-form-urlencoded", "100-continue").
  if (body !== null) {
    if (headers === null || !headers.has('Content-Type')) lines.push('Content-Type:');
    if (headers === null || !headers.has('Expect')) lines.push('Expect:');
  }
  // soup_session_send_queue_item: the session's Accept-Language unless the message has one.
  if (acceptLanguageLine !== null && (headers === null || !headers.has('Accept-Language'))) lines.push(acceptLanguageLine);
  return lines;
}

/** libcurl's side of the proxy and of the credentials the auth manager handed back (requestStarted). */
export function setProxyAndCredentials(easy: PooledEasy, proxy: string | null, credentials: RequestCredentials | null): void {
  const userAuth = credentials === null ? null : credentials.auth;
  const proxyAuth = credentials === null ? null : credentials.proxyAuth;
  // No proxy and no credentials on a handle that had none either: nothing to set.
  const plainAuth = proxy === null && userAuth === null && proxyAuth === null;
  if (plainAuth && easy.plainAuth) return;
  easy.setProxy(proxy ?? '');
  easy.set(CURLOPT_HTTPAUTH, userAuth?.curlAuth ?? CURLAUTH_BASIC);
  easy.set(CURLOPT_USERNAME, userAuth?.username ?? null);
  easy.set(CURLOPT_PASSWORD, userAuth?.password ?? null);
  easy.set(CURLOPT_PROXYAUTH, proxyAuth?.curlAuth ?? CURLAUTH_BASIC);
  easy.set(CURLOPT_PROXYUSERNAME, proxyAuth?.username ?? null);
  easy.set(CURLOPT_PROXYPASSWORD, proxyAuth?.password ?? null);
  easy.plainAuth = plainAuth;
}

/**
 * libsoup's rule: a non-idempotent message (POST without MessageFlags.IDEMPOTENT) never
 * reuses an idle connection, so a connection that dies as it is reused cannot make
 * libcurl send it twice.
 */
export function setConnectionReuse(easy: PooledEasy, msg: Message): void {
  const flags = msg[kFlags];
  const fresh = (flags & MessageFlags.NEW_CONNECTION) !== 0 || ((flags & MessageFlags.IDEMPOTENT) === 0 && !isIdempotent(msg.method));
  easy.setFreshConnect(fresh ? 1 : 0);
}

// SOUP_METHOD_IS_IDEMPOTENT.
export function isIdempotent(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || method === 'TRACE' || method === 'PUT' || method === 'DELETE';
}

export function hasAcceptEncoding(lines: readonly string[]): boolean {
  for (const line of lines) {
    // "Name: value", or libcurl's "Name;" (send it empty) and "Name:" (leave it out).
    const separator = line.charCodeAt(15);
    if ((separator === 58 || separator === 59) && line.slice(0, 15).toLowerCase() === 'accept-encoding') return true;
  }
  return false;
}
