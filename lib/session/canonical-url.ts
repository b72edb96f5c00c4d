// Whether a URI string is already what the WHATWG URL parser would make of it, for the
// plain http and https URIs nearly every message carries: such a message keeps the string
// and builds its URL object only when someone reads msg.uri (the parse cost about a tenth
// of a plain GET's JavaScript time, and libcurl parses the URL again anyway).
//
// The rule is deliberately narrow: anything the parser might rewrite (upper case, default
// ports, IPv4 shorthands, dot segments, percent-encoded dots, characters it escapes, IDNA,
// credentials, an empty query, a fragment) fails it and goes through `new URL` as before.
// test/session/canonical-url.test.ts checks `new URL(s).href === s` for every string that
// passes, on hand-picked and generated inputs.
//
// scheme "://" host [":" port] "/" path ["?" query]. The host is lower-case DNS labels whose
// last one starts with a letter (so the parser's IPv4 rules never apply), none starting
// "xn--", or a dotted quad without leading zeros. Path and query take only characters the
// parser leaves as they are, never "/." or "%2e". A scan rather than one regular
// expression: the expression's backtracking over the host cost three times as much.

const HOST = 1; // a-z 0-9 -
const PATH = 2; // unreserved, sub-delims, ":", "@", "%", "/" ("." checked apart)
const QUERY = 4; // as PATH, and "?", but not "'" (the parser escapes it in a query)
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[a-z0-9-]/.test(ch)) CLASS[c] |= HOST;
  if (/[A-Za-z0-9\-_~!$&'()*+,;=:@%/.]/.test(ch)) CLASS[c] |= PATH;
  if (/[A-Za-z0-9\-_~!$&()*+,;=:@%/.?]/.test(ch)) CLASS[c] |= QUERY;
}
const DOT = 46;
const SLASH = 47;
const COLON = 58;
const QUESTION = 63;
const PERCENT = 37;

/** True when `uri` is an http(s) URI that `new URL(uri).href` would give back unchanged. */
export function isCanonicalHttpUrl(uri: string): boolean {
  const n = uri.length;
  let i: number;
  if (uri.startsWith('http://')) i = 7;
  else if (uri.startsWith('https://')) i = 8;
  else return false;
  const https = i === 8;

  // The host: labels of a-z 0-9 -, none empty.
  let labels = 0;
  let quad = true; // every label so far is a decimal octet without a leading zero
  let lastStartsWithLetter = false;
  let c = 0;
  for (;;) {
    const start = i;
    while (i < n && (c = uri.charCodeAt(i)) < 128 && (CLASS[c] & HOST) !== 0) i++;
    if (i === start) return false;
    const first = uri.charCodeAt(start);
    lastStartsWithLetter = first >= 97 && first <= 122;
    if (lastStartsWithLetter && uri.startsWith('xn--', start)) return false;
    if (quad) quad = isOctet(uri, start, i);
    labels++;
    if (i >= n) return false; // no path: the parser adds "/"
    if (c !== DOT) break;
    i++;
  }
  if (!lastStartsWithLetter && !(quad && labels === 4)) return false;

  // The port: 1-65535 without a leading zero, not the scheme's default.
  if (c === COLON) {
    const start = ++i;
    let port = 0;
    while (i < n && (c = uri.charCodeAt(i)) >= 48 && c <= 57 && i - start < 5) {
      port = port * 10 + (c - 48);
      i++;
    }
    if (i === start || uri.charCodeAt(start) === 48 || port > 65535 || port === (https ? 443 : 80)) return false;
    if (i >= n) return false;
    c = uri.charCodeAt(i);
  }
  if (c !== SLASH) return false;

  // The path, then the query.
  let allowed = PATH;
  for (; i < n; i++) {
    c = uri.charCodeAt(i);
    if (c >= 128 || (CLASS[c] & allowed) === 0) {
      if (c !== QUESTION || allowed === QUERY || i + 1 === n) return false;
      allowed = QUERY;
      continue;
    }
    if (c === SLASH && uri.charCodeAt(i + 1) === DOT) return false;
    if (c === PERCENT && uri.charCodeAt(i + 1) === 50 && (uri.charCodeAt(i + 2) | 0x20) === 101) return false; // %2e, %2E
  }
  return true;
}

// uri[start, end) is 0-255 in decimal, without a leading zero.
function isOctet(uri: string, start: number, end: number): boolean {
  const len = end - start;
  if (len < 1 || len > 3) return false;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = uri.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    value = value * 10 + d;
  }
  return value <= 255 && (len === 1 || uri.charCodeAt(start) !== 48);
}
