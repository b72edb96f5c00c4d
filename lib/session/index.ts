// curlio's Session / Message layer: libsoup's SoupSession model on a libcurl multi handle.
export { Session, SessionError, acceptLanguageFromEnvironment, type SessionOptions, type SessionEvents, type QueueCallback, type ConnectionInfo } from './session';
export { Message, MessageFlags, MessagePriority, HttpVersion, type HttpVersionValue, type MessageEvents, type MessageTimings, type RequestBody } from './message';
export { MessageHeaders } from './headers';
export { Status, statusForCurlCode, statusIsTransportError, statusPhrase, type StatusCode } from './status';
export { Auth, parseChallenges, type AuthScheme, type AuthChallenge, type AuthType } from './auth';
export { AuthBasic } from './auth/basic';
export { AuthDigest } from './auth/digest';
export { AuthNTLM } from './auth/ntlm';
export type { SessionFeature, SessionFeatureType } from './features/feature';
export { AuthManager, type AuthCurlOptions, type CurlCredentials } from './features/auth-manager';
export type { AuthHooks, RequestCredentials } from './auth-hooks';
export { ContentDecoder } from './features/content-decoder';
export { CookieJar, CookieJarAcceptPolicy, SameSitePolicy, parseCookie, cookieHeader, type Cookie, type SameSitePolicyValue } from './features/cookie-jar';
export { Logger, LoggerLogLevel, type LoggerLogLevelValue, type LoggerPrinter } from './features/logger';
export { ProxyResolverDefault } from './features/proxy-resolver-default';
