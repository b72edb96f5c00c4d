// isCanonicalHttpUrl lets a Message keep its URI string and parse it later: it may say yes
// only for strings the WHATWG parser gives back unchanged. Checked against node's own URL
// on tricky inputs and on generated ones (the parser is the reference, not a list of ours).
import { isCanonicalHttpUrl } from '../../lib/session/canonical-url';
import { Message } from '../../lib/session';

function parsesTo(s: string): string | null {
  try {
    return new URL(s).href;
  } catch {
    return null;
  }
}

const ACCEPTED = [
  'http://127.0.0.1/',
  'http://127.0.0.1:8080/small',
  'https://example.com/a/b?c=d&e=f',
  'http://localhost:65535/x',
  'http://a-b.c-d.example/p;q=1/@:~!$&\'()*+,=',
  'http://h1.example/%41%zz',
  'https://example.com:80/',
  'http://example.com:443/',
  'http://0.0.0.0/',
  'http://255.255.255.255/',
  'http://a/?a?b/c',
];

const REFUSED = [
  'HTTP://example.com/',
  'http://Example.com/',
  'http://example.com',
  'http://example.com:80/',
  'https://example.com:443/',
  'http://example.com:080/',
  'http://example.com:65536/',
  'http://example.com:/',
  'http://127.1/',
  'http://0127.0.0.1/',
  'http://1.2.3.256/',
  'http://0x7f.0.0.1/',
  'http://example.123/',
  'http://example.com./',
  'http://xn--nxasmq6b.example/',
  'http://xn--a.example/',
  'http://user:pass@example.com/',
  'http://@example.com/',
  'http://example.com/a/../b',
  'http://example.com/a/./b',
  'http://example.com/a/%2e%2E/b',
  'http://example.com/.well-known/x',
  'http://example.com/a b',
  'http://example.com/a"b',
  'http://example.com/a<b>',
  'http://example.com/a`b',
  'http://example.com/a{b}',
  'http://example.com/a\\b',
  'http://example.com/a\tb',
  'http://example.com/\u00e9',
  "http://example.com/?a'b",
  'http://example.com/?',
  'http://example.com/#frag',
  'http://[::1]/',
  'ftp://example.com/',
  'dav://example.com/',
];

describe('isCanonicalHttpUrl', () => {
  test.each(ACCEPTED)('accepts %s, which parses to itself', (s) => {
    expect(parsesTo(s)).toBe(s);
    expect(isCanonicalHttpUrl(s)).toBe(true);
  });

  test.each(REFUSED)('refuses %s', (s) => {
    expect(isCanonicalHttpUrl(s)).toBe(false);
  });

  test('every generated string it accepts parses to itself', () => {
    // Pieces the parser treats specially, glued at random: whatever passes must round-trip.
    const pieces = ['http', 'https', '://', ':', '/', '.', '..', '%2e', '%', '?', '#', '@', 'a', 'Z', '0', '1', '9', '255', '256', '00', '0x', 'xn--', '-', '80', '443', '65535', '99999', '~', "'", '"', ' ', '\\', '[', ']', 'é', '\t', ';', '='];
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return Math.floor((seed / 0x80000000) * n); // the high bits: an LCG's low bits repeat with a short period
    };
    let accepted = 0;
    for (let i = 0; i < 40000; i++) {
      let s = (rand(2) === 0 ? 'http://' : 'https://') + (rand(2) === 0 ? 'a' : '1');
      const n = 1 + rand(12);
      for (let j = 0; j < n; j++) s += pieces[rand(pieces.length)];
      if (!isCanonicalHttpUrl(s)) continue;
      accepted++;
      expect([s, parsesTo(s)]).toEqual([s, s]);
    }
    expect(accepted).toBeGreaterThan(100); // the generator does reach the accepting side
  });

  test('every generated host, port, path and query it accepts parses to itself', () => {
    // The same with the URL's parts drawn apart, so most candidates reach the path and query.
    const hosts = ['a', 'a.b', 'x1.example', '1.2.3.4', '255.0.0.01', '256.1.1.1', '1.2.3', 'a.1', 'a-.b', 'xn--a', 'A.b', 'a..b', '0x1.a', '09.a'];
    const ports = ['', ':1', ':80', ':443', ':8080', ':65535', ':65536', ':0', ':080', ':'];
    const pathPieces = ['/', 'a', '.', '..', '%2e', '%2E', '%41', '%', ';', '=', '@', ':', '~', "'", '!', '$', '&', '(', ')', '*', '+', ',', '-', '_', 'Z', ' ', '"', '<', '`', '{', '|', '^', '\\', '[', '#'];
    const queryPieces = ['a', '=', '&', '?', '/', '.', "'", '%2e', ' ', '#', 'Z', ':', '@', '~'];
    let seed = 6789;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return Math.floor((seed / 0x80000000) * n); // the high bits: an LCG's low bits repeat with a short period
    };
    let accepted = 0;
    for (let i = 0; i < 40000; i++) {
      let s = (rand(2) === 0 ? 'http://' : 'https://') + hosts[rand(hosts.length)] + ports[rand(ports.length)] + '/';
      for (let j = rand(8); j > 0; j--) s += pathPieces[rand(pathPieces.length)];
      if (rand(3) === 0) {
        s += '?';
        for (let j = rand(5); j > 0; j--) s += queryPieces[rand(queryPieces.length)];
      }
      if (!isCanonicalHttpUrl(s)) continue;
      accepted++;
      expect([s, parsesTo(s)]).toEqual([s, s]);
    }
    expect(accepted).toBeGreaterThan(1000);
  });
});

describe('Message keeps a canonical URI string until msg.uri is read', () => {
  test('msg.uri is the parsed URI either way, and the same object on every read', () => {
    for (const s of [...ACCEPTED, 'http://Example.com', 'http://127.1:80/a/../b']) {
      const msg = new Message('GET', s);
      expect(msg.uri.href).toBe(new URL(s).href);
      expect(msg.uri).toBe(msg.uri);
    }
  });

  test('a change made to msg.uri is the one the message carries', () => {
    const msg = new Message('GET', 'http://127.0.0.1:1/a');
    msg.uri.pathname = '/b';
    expect(msg.uri.href).toBe('http://127.0.0.1:1/b');
  });

  test('a URL given is copied, not shared', () => {
    const url = new URL('http://127.0.0.1:1/a');
    const msg = new Message('GET', url);
    url.pathname = '/b';
    expect(msg.uri.href).toBe('http://127.0.0.1:1/a');
  });
});
