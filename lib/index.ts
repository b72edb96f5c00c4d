/**
 * curlio: libcurl's multi interface and GLib/GIO sockets for Node.js.
 *
 * `fetch` and `request` are the front door: WHATWG fetch and undici's request on a shared
 * Session.
 * `Session` and `Message` are libsoup's SoupSession and SoupMessage on libcurl's multi
 * interface; `Socket`, `UnixConnection` and `Credentials` are GIO's GSocket,
 * GUnixConnection and GCredentials; `libcurl` is the `curlio/libcurl` module.
 *
 * @module curlio
 */
export * from './fetch';
export * as libcurl from './libcurl';
export { CurlError, Easy, Multi, Poll } from './libcurl';
export * from './session';
export * from './gio';
