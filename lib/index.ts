// curlio: libcurl's multi interface and GLib/GIO sockets for Node.js.
export * as libcurl from './libcurl';
export { CurlError, Easy, Multi, Poll } from './libcurl';
export * from './session';
export * from './gio';
