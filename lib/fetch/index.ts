// The front door: WHATWG fetch and undici's request on a shared Session.
export { fetch, type FetchInit } from './fetch';
export { request, type RequestOptions, type ResponseData, type BodyReadable } from './request';
export { getDefaultSession, setDefaultSession } from './default-session';
export type { FetchNetworkError } from './errors';
