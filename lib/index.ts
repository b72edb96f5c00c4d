/**
 * curlio: libcurl's multi interface and GLib/GIO sockets for Node.js.
 *
 * `Session` and `Message` are libsoup's SoupSession and SoupMessage on libcurl's multi
 * interface; `Socket`, `UnixConnection` and `Credentials` are GIO's GSocket,
 * GUnixConnection and GCredentials; `libcurl` is the `curlio/libcurl` module.
 *
 * @module curlio
 */
export * as libcurl from './libcurl';
export { CurlError, Easy, Multi, Poll } from './libcurl';
export * from './session';
export * from './gio';
