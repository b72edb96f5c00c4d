// The servers of libsoup 2.74's tests/auth-test.c, in one Node process (a blocking
// sendMessage in the test process must not starve it). Prints {"port": N} once listening.
//
// /Basic/..., /BasicRoot, /Digest/...: the Apache realm layout of libsoup's tests/httpd.conf.in
// (its <Location> blocks, htpasswd and htdigest: userN's password is "realmN"; in htdigest
// userN exists only in realmN), with real Basic (RFC 7617) and Digest as mod_auth_digest
// answers it: MD5, qop=auth (realm3: AuthDigestQop none, RFC 2069), AuthDigestDomain, nonces
// that expire after AuthDigestNonceLifetime (300 s; /Digest/realm1/expire: EXPIRE_S, Apache's
// 2 s stretched for a loaded machine) with stale=true, and Authentication-Info: nextnonce when
// the nonce has less than 30 s to live (so always under /expire, never elsewhere).
// The SoupServer parts of auth-test.c:
//   /select/basic-first/, /select/digest-first/: Basic and Digest realm "auth-test" at once
//     (do_select_auth_test), user "user", Basic password "good-basic", Digest "good";
//   /close: Basic "auth-test", every response with Connection: close (do_auth_close_test);
//   /disappear: Basic "auth-test", a failed attempt gets no WWW-Authenticate (do_disappearing_auth_test).
// And the server of libsoup's tests/cookies-test.c: /index.html sets foo=bar, /foo.jpg sets
// baz=qux, any other path echoes the request's Echo-Set-Cookie as Set-Cookie.
// Every response carries X-Authorization: the Authorization that really came (or "none").
'use strict';
const http = require('node:http');
const crypto = require('node:crypto');

const EXPIRE_S = Number(process.env.CURLIO_DIGEST_EXPIRE_S || 3);
const SECRET = crypto.randomBytes(16);
const htpasswd = { user1: 'realm1', user2: 'realm2', user3: 'realm3' };
const htdigest = { 'user1:realm1': 'realm1', 'user2:realm2': 'realm2', 'user3:realm3': 'realm3' };

const D1 = '/Digest/realm1 /Digest/realm1/realm2/realm1';
const D2 = '/Digest/realm2 /Digest/realm1/realm2';
// httpd.conf.in's <Location> blocks; the longest one that matches wins (Apache merges them in
// file order, and there every more specific block comes later).
const locations = [
  { path: '/Basic/realm1', type: 'Basic', realm: 'realm1', users: ['user1'] },
  { path: '/Basic/realm1/not', type: 'Basic', realm: 'realm1', users: ['user2'] },
  { path: '/Basic/realm12', type: 'Basic', realm: 'realm12', users: ['user1', 'user2'] },
  { path: '/Basic/realm1/realm2', type: 'Basic', realm: 'realm2', users: ['user2'] },
  { path: '/Basic/realm1/realm2/realm1', type: 'Basic', realm: 'realm1', users: ['user1'] },
  { path: '/Basic/realm2', type: 'Basic', realm: 'realm2', users: ['user2'] },
  { path: '/Basic/realm3', type: 'Basic', realm: 'realm3', users: ['user3'] },
  { path: '/BasicRoot', type: 'Basic', realm: 'realm1', users: ['user1'] },
  { path: '/Digest/realm1', type: 'Digest', realm: 'realm1', domain: D1 },
  { path: '/Digest/realm1/expire', type: 'Digest', realm: 'realm1', domain: D1, lifetime: EXPIRE_S },
  { path: '/Digest/realm1/not', type: 'Digest', realm: 'realm1', domain: D1, users: ['user2'] },
  { path: '/Digest/realm1/realm2', type: 'Digest', realm: 'realm2', domain: D2 },
  { path: '/Digest/realm1/realm2/realm1', type: 'Digest', realm: 'realm1', domain: D1 },
  { path: '/Digest/realm2', type: 'Digest', realm: 'realm2', domain: D2 },
  { path: '/Digest/realm3', type: 'Digest', realm: 'realm3', domain: '/Digest/realm3', qop: false },
];

function locationOf(pathname) {
  let best = null;
  for (const l of locations) {
    const matches = pathname === l.path || pathname.startsWith(l.path + '/');
    if (matches && (best === null || l.path.length > best.path.length)) best = l;
  }
  return best;
}

const md5 = (x) => crypto.createHash('md5').update(x).digest('hex');

function params(header) {
  const p = {};
  for (const m of header.matchAll(/([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) p[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  return p;
}

// mod_auth_digest's nonce: its time, and a hash of the time with the server's secret.
function makeNonce(now = Date.now()) {
  const t = String(now);
  const h = crypto.createHmac('sha256', SECRET).update(t).digest('base64url').slice(0, 22);
  return Buffer.from(`${t}:${h}`).toString('base64url');
}
function nonceTime(nonce) {
  const [t, h] = Buffer.from(nonce, 'base64url').toString().split(':');
  if (!t || !h) return null;
  const expected = crypto.createHmac('sha256', SECRET).update(t).digest('base64url').slice(0, 22);
  return h === expected ? Number(t) : null;
}

function basicUser(req) {
  const a = req.headers.authorization || '';
  if (!/^Basic /i.test(a)) return null;
  const decoded = Buffer.from(a.slice(6), 'base64').toString('latin1');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

// Checks a Digest Authorization against `loc`. 'ok', 'stale', or 'fail'.
function checkDigest(req, loc, passwords) {
  const a = req.headers.authorization || '';
  if (!/^Digest /i.test(a)) return 'fail';
  const p = params(a.slice(7));
  if (p.realm !== loc.realm || p.uri !== req.url) return 'fail';
  const password = passwords(p.username);
  if (password === undefined) return 'fail';
  if (loc.users && !loc.users.includes(p.username)) return 'fail';
  const time = nonceTime(p.nonce || '');
  if (time === null) return 'fail';
  const ha1 = md5(`${p.username}:${loc.realm}:${password}`);
  const ha2 = md5(`${req.method}:${p.uri}`);
  const expected = p.qop ? md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
  if (p.response !== expected) return 'fail';
  if (loc.qop === false && p.qop) return 'fail';
  if (Date.now() - time > (loc.lifetime ?? 300) * 1000) return 'stale';
  return { time };
}

function digestChallenge(loc, stale) {
  let c = `Digest realm="${loc.realm}", nonce="${makeNonce()}", algorithm=MD5`;
  if (loc.domain) c += `, domain="${loc.domain}"`;
  if (loc.qop !== false) c += ', qop="auth"';
  if (stale) c += ', stale=true';
  return c;
}

function ok(res, extra) {
  res.writeHead(200, { 'content-type': 'text/plain', ...extra });
  res.end('OK\r\n');
}

function unauthorized(res, challenges, extra) {
  const headers = { 'content-type': 'text/plain', ...extra };
  if (challenges.length > 0) headers['www-authenticate'] = challenges;
  res.writeHead(401, headers);
  res.end('Unauthorized\r\n');
}

// A SoupAuthDomainBasic "auth-test" (user / good-basic).
function soupBasic(req) {
  const b = basicUser(req);
  return b !== null && b.user === 'user' && b.password === 'good-basic';
}
const soupDigestLoc = { realm: 'auth-test' };

function route(req, res) {
  res.setHeader('x-authorization', req.headers.authorization || 'none');
  const url = new URL(req.url, 'http://x');
  const path = url.pathname;
  if (path.startsWith('/select/')) {
    const digestFirst = path.startsWith('/select/digest-first');
    if (soupBasic(req) || typeof checkDigest(req, soupDigestLoc, (u) => (u === 'user' ? 'good' : undefined)) === 'object') return ok(res);
    const basic = 'Basic realm="auth-test"';
    const digest = digestChallenge({ realm: 'auth-test' }, false);
    return unauthorized(res, digestFirst ? [digest, basic] : [basic, digest]);
  }
  if (path === '/close') {
    res.shouldKeepAlive = false;
    if (soupBasic(req)) return ok(res, { connection: 'close' });
    return unauthorized(res, ['Basic realm="auth-test"'], { connection: 'close' });
  }
  if (path === '/disappear') {
    if (soupBasic(req)) return ok(res);
    return unauthorized(res, req.headers.authorization ? [] : ['Basic realm="auth-test"']);
  }
  const loc = locationOf(path);
  if (loc === null) {
    // cookies-test.c's server_callback.
    if (path === '/index.html') res.setHeader('set-cookie', 'foo=bar');
    else if (path === '/foo.jpg') res.setHeader('set-cookie', 'baz=qux');
    else if (req.headers['echo-set-cookie']) res.setHeader('set-cookie', req.headers['echo-set-cookie']);
    return ok(res, { 'x-cookie': req.headers.cookie || 'none' });
  }
  if (loc.type === 'Basic') {
    const b = basicUser(req);
    if (b !== null && htpasswd[b.user] === b.password && loc.users.includes(b.user)) return ok(res);
    return unauthorized(res, [`Basic realm="${loc.realm}"`]);
  }
  const result = checkDigest(req, loc, (u) => htdigest[`${u}:${loc.realm}`]);
  if (typeof result === 'object') {
    const lifetime = (loc.lifetime ?? 300) * 1000;
    // mod_auth_digest's NEXTNONCE_DELTA: a nonce with under 30 s to live gets a successor.
    const extra = Date.now() - result.time > lifetime - 30000 ? { 'authentication-info': `nextnonce="${makeNonce()}"` } : {};
    return ok(res, extra);
  }
  return unauthorized(res, [digestChallenge(loc, result === 'stale')]);
}

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => route(req, res));
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
