// A real HTTP server for tests, run as its own process (a blocking curl_easy_perform in
// the test process must not starve it). Prints {"port": N} on stdout once listening.
//   /hello                 -> "hello"
//   /bytes/N               -> N bytes of a repeating pattern (Content-Length set)
//   /chunked/N/K           -> N chunks of K bytes, each a tick apart (no Content-Length)
//   /echo                  -> JSON {method, url, headers, body}
//   /status/N              -> status N
//   /slow/MS               -> waits MS then "slow"
//   /redirect/N            -> 302 to /redirect/N-1, /redirect/0 -> "landed"
//   /conn                  -> the id of the TCP connection (counts connections)
//   /stats                 -> JSON {connections, open}
//   /redirect-to?status=S&to=URL -> S with Location: URL
//   /set-cookie?k=v&...    -> one Set-Cookie per pair (value may carry attributes)
//   /gzip, /br, /deflate, /zstd -> "compressed hello " x 100, encoded so
//   /basic/USER/PASS       -> 401 Basic realm="curlio" unless those credentials come
//   /digest/USER/PASS      -> 401 Digest (MD5, qop=auth) unless answered right
//   /drip/N/MS             -> headers at once, then N chunks of 1 KiB, MS apart
//   /hang                  -> headers at once, then nothing (until the client leaves)
//   /ntlm                  -> an NTLM handshake on one connection: 401 NTLM, a type-2 challenge
//                             for the type-1 message, then JSON {type1, type3, user, sameConnection}
//   /zstd-frame            -> like /zstd, compressed by the zstd CLI when there is one, else a
//                             zstd frame of raw blocks (Node 20's zlib has no zstd encoder)
'use strict';
const http = require('node:http');
const crypto = require('node:crypto');
const zlib = require('node:zlib');

let connections = 0;
let open = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => route(req, res, Buffer.concat(chunks)));
});
server.keepAliveTimeout = 30000;
server.on('connection', (socket) => {
  socket.id = ++connections;
  open++;
  socket.on('close', () => open--);
});

function pattern(n) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = 97 + (i % 26);
  return b;
}

function route(req, res, body) {
  const parts = req.url.split('?')[0].split('/').filter(Boolean);
  switch (parts[0]) {
    case 'hello':
      return res.end('hello');
    case 'bytes': {
      const b = pattern(Number(parts[1]));
      res.setHeader('content-length', b.length);
      return res.end(b);
    }
    case 'chunked': {
      const n = Number(parts[1]);
      const size = Number(parts[2] || 1024);
      let i = 0;
      const next = () => {
        if (res.destroyed) return; // the client went away: stop producing
        if (i++ === n) return res.end();
        res.write(pattern(size));
        setTimeout(next, 1);
      };
      return next();
    }
    case 'echo':
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: body.toString('latin1') }));
    case 'status':
      res.statusCode = Number(parts[1]);
      return res.end(`status ${parts[1]}`);
    case 'slow':
      return setTimeout(() => res.end('slow'), Number(parts[1]));
    case 'redirect': {
      const n = Number(parts[1]);
      if (n === 0) return res.end('landed');
      res.statusCode = 302;
      res.setHeader('location', `/redirect/${n - 1}`);
      return res.end();
    }
    case 'conn':
      return res.end(String(req.socket.id));
    case 'stats':
      return res.end(JSON.stringify({ connections, open }));
    case 'redirect-to': {
      const q = new URL(req.url, 'http://x').searchParams;
      res.statusCode = Number(q.get('status') || 302);
      res.setHeader('location', q.get('to'));
      return res.end(`redirect ${req.method}`);
    }
    case 'set-cookie': {
      const q = new URL(req.url, 'http://x').searchParams;
      res.setHeader('set-cookie', [...q].map(([k, v]) => `${k}=${v}`));
      return res.end('cookies set');
    }
    case 'gzip':
    case 'br':
    case 'deflate':
    case 'zstd': {
      const text = Buffer.from('compressed hello '.repeat(100));
      const encoded =
        parts[0] === 'gzip' ? zlib.gzipSync(text) : parts[0] === 'br' ? zlib.brotliCompressSync(text) : parts[0] === 'deflate' ? zlib.deflateSync(text) : null;
      if (encoded === null) {
        res.statusCode = 501;
        return res.end();
      }
      res.setHeader('content-encoding', parts[0]);
      res.setHeader('x-accept-encoding', req.headers['accept-encoding'] || '');
      return res.end(encoded);
    }
    case 'basic': {
      const expected = 'Basic ' + Buffer.from(`${parts[1]}:${parts[2]}`).toString('base64');
      if (req.headers.authorization === expected) return res.end(`hello ${parts[1]}`);
      res.statusCode = 401;
      res.setHeader('www-authenticate', 'Basic realm="curlio"');
      return res.end('unauthorized');
    }
    case 'digest': {
      const md5 = (x) => crypto.createHash('md5').update(x).digest('hex');
      const auth = req.headers.authorization || '';
      if (auth.startsWith('Digest ')) {
        const p = {};
        for (const m of auth.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) p[m[1]] = m[2] !== undefined ? m[2] : m[3];
        const ha1 = md5(`${parts[1]}:curlio:${parts[2]}`);
        const ha2 = md5(`${req.method}:${p.uri}`);
        const expected = p.qop ? md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
        if (p.username === parts[1] && p.response === expected) return res.end(`digest ${parts[1]}`);
      }
      res.statusCode = 401;
      res.setHeader('www-authenticate', `Digest realm="curlio", nonce="${crypto.randomBytes(8).toString('hex')}", qop="auth", algorithm=MD5`);
      return res.end('unauthorized');
    }
    case 'drip': {
      const n = Number(parts[1]);
      const ms = Number(parts[2]);
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.flushHeaders();
      let i = 0;
      const timer = setInterval(() => {
        if (i++ === n) {
          clearInterval(timer);
          return res.end();
        }
        res.write(pattern(1024));
      }, ms);
      res.on('close', () => clearInterval(timer));
      return;
    }
    case 'ntlm': {
      const auth = req.headers.authorization || '';
      const message = auth.startsWith('NTLM ') ? Buffer.from(auth.slice(5), 'base64') : null;
      const type = message !== null && message.length >= 12 && message.toString('latin1', 0, 8) === 'NTLMSSP\0' ? message.readUInt32LE(8) : 0;
      if (type === 1) {
        req.socket.ntlmType1 = auth;
        // The smallest type-2 message: no target name or info; flags UNICODE | NTLM.
        const type2 = Buffer.alloc(48);
        type2.write('NTLMSSP\0', 0, 'latin1');
        type2.writeUInt32LE(2, 8);
        type2.writeUInt32LE(48, 16);
        type2.writeUInt32LE(0x201, 20);
        crypto.randomBytes(8).copy(type2, 24);
        type2.writeUInt32LE(48, 44);
        res.statusCode = 401;
        res.setHeader('www-authenticate', `NTLM ${type2.toString('base64')}`);
        return res.end('type 2');
      }
      if (type === 3) {
        // The user name, UTF-16LE, at the offset of its security buffer.
        const len = message.readUInt16LE(36);
        const off = message.readUInt32LE(40);
        const user = message.toString('utf16le', off, off + len);
        res.setHeader('content-type', 'application/json');
        return res.end(JSON.stringify({ type1: req.socket.ntlmType1 || null, type3: auth, user, sameConnection: req.socket.ntlmType1 !== undefined }));
      }
      res.statusCode = 401;
      res.setHeader('www-authenticate', 'NTLM');
      return res.end('unauthorized');
    }
    case 'zstd-frame': {
      const text = Buffer.from('compressed hello '.repeat(100));
      res.setHeader('content-encoding', 'zstd');
      res.setHeader('x-accept-encoding', req.headers['accept-encoding'] || '');
      return res.end(zstdCompress(text));
    }
    case 'hang':
      res.writeHead(200);
      res.flushHeaders();
      return;
    default:
      res.statusCode = 404;
      return res.end('not found');
  }
}

// zstd without a zstd library: the CLI if it is installed, else a valid frame of raw
// (stored) blocks, which every zstd decoder must accept (RFC 8878 §3.1.1).
function zstdCompress(data) {
  try {
    return require('node:child_process').execFileSync('zstd', ['-q', '-c', '-19'], { input: data, stdio: ['pipe', 'pipe', 'ignore'] });
  } catch {
    const header = Buffer.alloc(9);
    header.writeUInt32LE(0xfd2fb528, 0); // magic
    header[4] = 0xa0; // Frame_Content_Size_flag 2 (4 bytes), Single_Segment_flag
    header.writeUInt32LE(data.length, 5);
    const blocks = [header];
    for (let off = 0; off < data.length || off === 0; off += 65536) {
      const chunk = data.subarray(off, off + 65536);
      const last = off + 65536 >= data.length ? 1 : 0;
      const bh = Buffer.alloc(3);
      bh.writeUIntLE((chunk.length << 3) | last, 0, 3); // Block_Type 0: Raw_Block
      blocks.push(bh, chunk);
      if (last) break;
    }
    return Buffer.concat(blocks);
  }
}

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
// The test that started us may die without a word: leave with it.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
