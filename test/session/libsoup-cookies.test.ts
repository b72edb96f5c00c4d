// libsoup 2.74's tests/cookies-test.c, ported: its server (test/helpers/auth-server-process.js:
// /index.html sets foo=bar, /foo.jpg sets baz=qux, else Echo-Set-Cookie is echoed) and each
// test, asserting what cookies-test.c asserts; the Session ones with send() and sendMessage().
// Then RFC 6265 cases of the issue: public suffixes (libpsl), Secure from insecure origins,
// SameSite and the first party.
import { CookieJar, CookieJarAcceptPolicy, Message, SameSitePolicy, Session, parseCookie } from '../../lib/session';
import { startAuthServer } from '../helpers/auth-server';
import type { TestServer } from '../helpers/http-server';

jest.setTimeout(30_000);

let server: TestServer;
let firstPartyUri: URL;
let thirdPartyUri: URL;
beforeAll(async () => {
  server = await startAuthServer();
  // cookies-test.c: the same server as 127.0.0.1 (first party) and localhost (third party).
  firstPartyUri = new URL(`http://127.0.0.1:${server.port}/`);
  thirdPartyUri = new URL(`http://localhost:${server.port}/`);
});
afterAll(() => server.close());

type Mode = 'send' | 'sendMessage';
function run(session: Session, msg: Message, mode: Mode): Promise<number> {
  return mode === 'send' ? session.send(msg) : Promise.resolve(session.sendMessage(msg));
}

describe.each(['send', 'sendMessage'] as const)('cookies-test.c with %s', (mode) => {
  // do_cookies_accept_policy_test.
  test.each([
    ['ALWAYS', CookieJarAcceptPolicy.ALWAYS, false, 2],
    ['NEVER', CookieJarAcceptPolicy.NEVER, false, 0],
    ['GRANDFATHERED_THIRD_PARTY', CookieJarAcceptPolicy.GRANDFATHERED_THIRD_PARTY, false, 1],
    ['NO_THIRD_PARTY', CookieJarAcceptPolicy.NO_THIRD_PARTY, false, 1],
    ['GRANDFATHERED_THIRD_PARTY, third party again', CookieJarAcceptPolicy.GRANDFATHERED_THIRD_PARTY, true, 2],
  ] as const)('/cookies/accept-policy %s', async (_name, policy, tryThirdPartyAgain, nCookies) => {
    const session = new Session();
    session.addFeatureByType(CookieJar);
    const jar = session.getFeature(CookieJar)!;
    jar.acceptPolicy = policy;
    // A cookie from a third party (the first party swapped, as the C test does).
    const third = new Message('GET', new URL('/foo.jpg', firstPartyUri));
    third.firstParty = thirdPartyUri;
    expect(await run(session, third, mode)).toBe(200);
    const first = new Message('GET', new URL('/index.html', firstPartyUri));
    first.firstParty = firstPartyUri;
    expect(await run(session, first, mode)).toBe(200);
    if (tryThirdPartyAgain) {
      const again = new Message('GET', new URL('/foo.jpg', firstPartyUri));
      again.firstParty = thirdPartyUri;
      expect(await run(session, again, mode)).toBe(200);
    }
    const cookies = jar.allCookies();
    expect(cookies.length).toBe(nCookies);
    for (const c of cookies) jar.deleteCookie(c);
    expect(jar.allCookies()).toEqual([]);
    session.close();
  });

  // do_cookies_parsing_test (bug 678753): HttpOnly is case-insensitive and its value
  // ignored; SameSite=Invalid is None, Lax is Lax.
  test('/cookies/parsing', async () => {
    const session = new Session();
    session.addFeatureByType(CookieJar);
    const jar = session.getFeature(CookieJar)!;
    for (const value of ['one=1; httponly; max-age=100', 'two=2; HttpOnly; max-age=100; SameSite=Invalid', 'three=3; httpONLY=Wednesday; max-age=100; SameSite=Lax']) {
      const msg = new Message('GET', firstPartyUri);
      msg.requestHeaders.append('Echo-Set-Cookie', value);
      expect(await run(session, msg, mode)).toBe(200);
    }
    const cookies = jar.getCookieList(firstPartyUri, true);
    expect(cookies.map((c) => c.name).sort()).toEqual(['one', 'three', 'two']);
    for (const c of cookies) {
      expect(c.httpOnly).toBe(true);
      expect(c.expires).not.toBeNull();
    }
    expect(cookies.find((c) => c.name === 'two')!.sameSitePolicy).toBe(SameSitePolicy.NONE);
    expect(cookies.find((c) => c.name === 'three')!.sameSitePolicy).toBe(SameSitePolicy.LAX);
    session.close();
  });
});

// do_cookies_subdomain_policy_test (bug 792130): only the base domain decides third-party-ness;
// the Domain attribute must match; no cookie for a TLD, trailing dot or not.
test('/cookies/accept-policy-subdomains', () => {
  const uri1 = new URL('https://www.gnome.org');
  const uri2 = new URL('https://foundation.gnome.org');
  const uri3 = new URL('https://www.gnome.org.');
  const jar = new CookieJar();
  jar.acceptPolicy = CookieJarAcceptPolicy.NO_THIRD_PARTY;
  jar.setCookieWithFirstParty(uri1, uri2, '1=foo');
  expect(jar.allCookies().length).toBe(1);
  jar.setCookieWithFirstParty(uri2, uri1, '2=foo');
  expect(jar.allCookies().length).toBe(2);
  // Third party: rejected.
  jar.setCookieWithFirstParty(thirdPartyUri, uri1, '3=foo');
  expect(jar.allCookies().length).toBe(2);
  // The "third party" as the first party: accepted.
  jar.setCookieWithFirstParty(thirdPartyUri, thirdPartyUri, '4=foo');
  expect(jar.allCookies().length).toBe(3);
  // Now grandfathered in.
  jar.acceptPolicy = CookieJarAcceptPolicy.GRANDFATHERED_THIRD_PARTY;
  jar.setCookieWithFirstParty(thirdPartyUri, uri1, '5=foo');
  expect(jar.allCookies().length).toBe(4);
  jar.acceptPolicy = CookieJarAcceptPolicy.ALWAYS;
  jar.setCookie(uri1, '6=foo; Domain=gitlab.gnome.org');
  expect(jar.allCookies().length).toBe(4);
  jar.setCookie(uri1, '7=foo; Domain=gnome.org');
  expect(jar.allCookies().length).toBe(5);
  jar.setCookie(uri1, '8=foo; Domain=.www.gnome.org');
  expect(jar.allCookies().length).toBe(6);
  jar.setCookie(uri1, '9=foo; Domain=www.gnome.org.');
  expect(jar.allCookies().length).toBe(6);
  jar.setCookie(uri3, '10=foo; Domain=gnome.org.');
  expect(jar.allCookies().length).toBe(7);
  jar.setCookie(uri3, '11=foo; Domain=gnome.org');
  expect(jar.allCookies().length).toBe(7);
  jar.setCookie(uri1, '12=foo; Domain=.org');
  expect(jar.allCookies().length).toBe(7);
  jar.setCookie(uri3, '13=foo; Domain=.org.');
  expect(jar.allCookies().length).toBe(7);
});

// do_cookies_strict_secure_test.
test('/cookies/secure-cookies', () => {
  const insecure = new URL('http://gnome.org');
  const secure = new URL('https://gnome.org');
  const jar = new CookieJar();
  jar.setCookie(secure, '1=foo; secure');
  expect(jar.allCookies().map((c) => c.value)).toEqual(['foo']);
  // An insecure origin cannot overwrite a secure cookie...
  jar.setCookie(insecure, '1=bar');
  expect(jar.allCookies().map((c) => c.value)).toEqual(['foo']);
  // ... nor set one.
  jar.setCookie(insecure, '2=foo; secure');
  expect(jar.allCookies().length).toBe(1);
  // But another path is another cookie.
  jar.setCookie(insecure, '1=foo; path=/foo');
  expect(jar.allCookies().length).toBe(2);
});

// do_cookies_parsing_nopath_nullorigin.
test('/cookies/parsing/no-path-null-origin', () => {
  const cookie = parseCookie('NAME=Value', null);
  expect(cookie).not.toBeNull();
  expect(cookie!.path).toBe('/');
});

// do_get_cookies_empty_host_test.
test('/cookies/get-cookies/empty-host', () => {
  const jar = new CookieJar();
  expect(jar.getCookies('file:///whatever.html', false)).toBeNull();
});

// do_remove_feature_test: the jar removed while a message is on its way.
test('/cookies/remove-feature', async () => {
  const session = new Session();
  session.addFeatureByType(CookieJar);
  const msg = new Message('GET', new URL('/index.html', firstPartyUri));
  msg.firstParty = firstPartyUri;
  const done = session.send(msg);
  session.removeFeatureByType(CookieJar);
  expect(await done).toBe(200);
  expect(session.getFeature(CookieJar)).toBeNull();
  session.close();
});

describe('RFC 6265 through libpsl and the first party (issue 13)', () => {
  test.each([
    ['http://www.example.org/', 'a=1; Domain=.org'],
    ['http://www.example.org/', 'a=1; Domain=org'],
    ['http://www.example.co.uk/', 'a=1; Domain=co.uk'],
    ['http://example.co.uk/', 'a=1; Domain=.co.uk'],
    ['http://someone.github.io/', 'a=1; Domain=github.io'],
  ])('%s cannot set %s (a public suffix)', (origin, header) => {
    const jar = new CookieJar();
    jar.setCookie(origin, header);
    expect(jar.allCookies()).toEqual([]);
    expect(jar.getCookies('http://other.co.uk/')).toBeNull();
  });

  test('a registrable domain is fine, and its cookie goes to its subdomains only', () => {
    const jar = new CookieJar();
    jar.setCookie('http://www.example.co.uk/', 'a=1; Domain=example.co.uk');
    expect(jar.allCookies().map((c) => c.domain)).toEqual(['.example.co.uk']);
    expect(jar.getCookies('http://shop.example.co.uk/')).toBe('a=1');
    expect(jar.getCookies('http://other.co.uk/')).toBeNull();
  });

  test('a host-only cookie for a name on no list (localhost) is kept; IP addresses too', () => {
    const jar = new CookieJar();
    jar.setCookie('http://localhost/', 'a=1');
    jar.setCookie('http://127.0.0.1/', 'b=2');
    expect(jar.getCookies('http://localhost/x')).toBe('a=1');
    expect(jar.getCookies('http://127.0.0.1/x')).toBe('b=2');
  });

  test('a cookie goes out over the wire to its site only (Session with a CookieJar)', async () => {
    const session = new Session();
    const jar = new CookieJar();
    session.addFeature(jar);
    const msg = new Message('GET', firstPartyUri);
    msg.requestHeaders.append('Echo-Set-Cookie', 'sid=1; Path=/');
    await session.send(msg);
    const again = new Message('GET', new URL('/x', firstPartyUri));
    await session.send(again);
    expect(again.responseHeaders.get('X-Cookie')).toBe('sid=1');
    const other = new Message('GET', new URL('/x', thirdPartyUri));
    await session.send(other);
    expect(other.responseHeaders.get('X-Cookie')).toBe('none');
    session.close();
  });

  test('SameSite: Lax and Strict cookies go with requests whose first party is their host; None always', async () => {
    const session = new Session();
    const jar = new CookieJar();
    session.addFeature(jar);
    for (const v of ['none=0; SameSite=None', 'lax=1; SameSite=Lax', 'strict=2; SameSite=Strict']) jar.setCookie(firstPartyUri, v);
    const send = async (firstParty: URL | null) => {
      const msg = new Message('GET', new URL('/x', firstPartyUri));
      msg.firstParty = firstParty;
      await session.send(msg);
      return msg.responseHeaders.get('X-Cookie');
    };
    expect(await send(null)).toBe('none=0; lax=1; strict=2');
    expect(await send(firstPartyUri)).toBe('none=0; lax=1; strict=2');
    expect(await send(thirdPartyUri)).toBe('none=0');
    // A top-level navigation may carry Lax cookies for a safe method (libsoup's rule).
    expect(jar.getCookieListWithSameSiteInfo(firstPartyUri, thirdPartyUri, null, true, true, true).map((c) => c.name)).toEqual(['none', 'lax']);
    expect(jar.getCookieListWithSameSiteInfo(firstPartyUri, thirdPartyUri, null, true, false, true).map((c) => c.name)).toEqual(['none']);
    session.close();
  });

  test('ordering: longer paths first, then creation order; an expired Set-Cookie deletes', () => {
    const jar = new CookieJar();
    jar.setCookie('http://a.example.com/', 'x=1; Path=/');
    jar.setCookie('http://a.example.com/', 'y=2; Path=/docs');
    jar.setCookie('http://a.example.com/', 'z=3; Path=/');
    expect(jar.getCookies('http://a.example.com/docs/1')).toBe('y=2; x=1; z=3');
    jar.setCookie('http://a.example.com/', 'x=gone; Path=/; Max-Age=0');
    expect(jar.getCookies('http://a.example.com/docs/1')).toBe('y=2; z=3');
  });

  test('setCookie under a third-party policy needs the first party', () => {
    const jar = new CookieJar();
    jar.acceptPolicy = CookieJarAcceptPolicy.NO_THIRD_PARTY;
    expect(() => jar.setCookie('http://a.example.com/', 'x=1')).toThrow(/setCookieWithFirstParty/);
    expect(() => (jar.acceptPolicy = 9)).toThrow(TypeError);
  });
});
