// A server that attacks its client with volume, in its own process (the client's event loop
// is what the tests measure, and a blocking client must not starve it). Raw TCP, so that
// the tests see every byte the client sent. Prints {"port": N} on stdout once listening.
//   /stream/MS             -> 200, no Content-Length: 64 KiB chunks as fast as the client
//                             reads, for MS milliseconds, then the connection closes
//   /gzip-bomb/MIB         -> 200, Content-Encoding: gzip: MIB MiB of zeros, about 1 KiB
//                             per MiB on the wire (1 MiB -> 1 GiB, 4.3 MB -> 4 GiB)
//   /bytes/N               -> 200, Content-Length: N, N bytes of 'x' (no encoding)
//   /endless-trailers      -> 200, chunked: "hello", then trailer lines without end
//   /trailers/N            -> 200, chunked: "hello", then N trailer lines of 200 bytes
//   PUT|POST /upload/NAME  -> 100 Continue if asked, then 200 "stored" once the client has
//                             been quiet for 300 ms: every byte it sent after the request
//                             head is kept under NAME
//   /uploads/NAME          -> JSON {head, body (base64), closed}: what /upload/NAME got
'use strict';
const net = require('node:net');
const zlib = require('node:zlib');

const MIB = 1 << 20;
const uploads = new Map();

// A deflate block of 1 MiB of zeros ending in a full flush: the window is reset, so the
// same bytes repeated make a valid stream of N MiB (what makes a bomb cheap to serve).
const zeroMiB = Buffer.alloc(MIB);
const piece = zlib.deflateRawSync(zeroMiB, { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
const finalBlock = Buffer.from([0x03, 0x00]); // an empty final block (fixed Huffman)
const gzipHeader = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);

function gzipTrailer(mib) {
  let crc = 0;
  for (let i = 0; i < mib; i++) crc = zlib.crc32(zeroMiB, crc);
  const t = Buffer.alloc(8);
  t.writeUInt32LE(crc >>> 0, 0);
  t.writeUInt32LE((mib * MIB) % 2 ** 32, 4);
  return t;
}

// Every answer closes its connection: the server reads one request per connection.
function head(socket, status, headers) {
  socket.write([`HTTP/1.1 ${status}`, ...headers, 'Connection: close'].join('\r\n') + '\r\n\r\n');
}

// Writes `count` copies of `chunk`, waiting for drain, then calls `done`; stops if the
// client left.
function pump(socket, chunk, count, done) {
  let sent = 0;
  const more = () => {
    while (sent < count) {
      if (socket.destroyed) return;
      sent++;
      if (!socket.write(chunk)) return socket.once('drain', more);
    }
    done();
  };
  more();
}

function route(socket, method, path, rest) {
  const parts = path.split('/').filter(Boolean);
  switch (parts[0]) {
    case 'stream': {
      const end = Date.now() + Number(parts[1] || 3000);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      head(socket, '200 OK', ['Content-Type: application/octet-stream']);
      const more = () => {
        while (Date.now() < end) {
          if (socket.destroyed) return;
          if (!socket.write(chunk)) return socket.once('drain', more);
        }
        socket.end();
      };
      return more();
    }
    case 'gzip-bomb': {
      const mib = Number(parts[1]);
      const length = gzipHeader.length + piece.length * mib + finalBlock.length + 8;
      head(socket, '200 OK', ['Content-Encoding: gzip', `Content-Length: ${length}`]);
      socket.write(gzipHeader);
      // The trailer's CRC is computed only if the client read that far.
      return pump(socket, piece, mib, () => socket.end(Buffer.concat([finalBlock, gzipTrailer(mib)])));
    }
    case 'bytes': {
      const n = Number(parts[1]);
      head(socket, '200 OK', [`Content-Length: ${n}`]);
      return socket.end(Buffer.alloc(n, 'x'));
    }
    case 'endless-trailers':
    case 'trailers': {
      head(socket, '200 OK', ['Transfer-Encoding: chunked', 'Trailer: X-T']);
      socket.write('5\r\nhello\r\n0\r\n');
      const line = Buffer.from(`X-T: ${'a'.repeat(193)}\r\n`); // 200 bytes
      if (parts[0] === 'trailers') return socket.end(Buffer.concat([...Array(Number(parts[1])).fill(line), Buffer.from('\r\n')]));
      return pump(socket, Buffer.concat(Array(64).fill(line)), Infinity, () => {});
    }
    case 'upload': {
      const record = { head: rest.head, body: [rest.body], closed: false };
      uploads.set(parts[1], record);
      // Answer only once the client has been quiet for a while: the test wants every byte
      // it put on the wire.
      const answer = () => !socket.destroyed && (head(socket, '200 OK', ['Content-Length: 6']), socket.end('stored'));
      let timer = setTimeout(answer, 300);
      socket.on('data', (d) => {
        record.body.push(d);
        clearTimeout(timer);
        timer = setTimeout(answer, 300);
      });
      socket.on('close', () => {
        record.closed = true;
        clearTimeout(timer);
      });
      if (/^expect: *100-continue/im.test(rest.head)) socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      return;
    }
    case 'uploads': {
      const record = uploads.get(parts[1]);
      const body = JSON.stringify(
        record ? { head: record.head, body: Buffer.concat(record.body).toString('base64'), closed: record.closed } : null,
      );
      head(socket, '200 OK', ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`]);
      return socket.end(body);
    }
    default:
      head(socket, '404 Not Found', ['Content-Length: 0']);
      socket.end();
  }
}

const server = net.createServer((socket) => {
  socket.on('error', () => {});
  let buffered = Buffer.alloc(0);
  const onData = (d) => {
    buffered = Buffer.concat([buffered, d]);
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return;
    socket.off('data', onData);
    const headText = buffered.subarray(0, end).toString('latin1');
    const [method, path] = headText.split('\r\n')[0].split(' ');
    route(socket, method, path, { head: headText, body: buffered.subarray(end + 4) });
  };
  socket.on('data', onData);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n'));
// The test that started us may die without a word: leave with it.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
