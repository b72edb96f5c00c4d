// The native GIO binding checks every value it reads. lib/gio validates first, so these are
// internal calls gone wrong, made straight on the binding: each must be a TypeError naming
// the argument, with nothing sent and nothing left waiting. (Before, a string where an fd
// belonged was read as 0, and fd 0 went to the peer.)
import { gio } from '../../lib/gio/binding';
import { Socket, SocketType, UnixConnection } from '../../lib/gio';
import { kNative } from '../../lib/gio/socket';
import { checkFdsAroundEachTest } from '../helpers/gio-fds';

checkFdsAroundEachTest();

// The binding's methods with deliberately wrong arguments.
type Loose = Record<string, (...args: unknown[]) => unknown>;

function pair(type = SocketType.STREAM): { a: UnixConnection; b: UnixConnection; na: Loose; nb: Loose } {
  const [a, b] = UnixConnection.createPair(type);
  const native = (s: Socket) => s[kNative] as unknown as Loose;
  return { a, b, na: native(a.socket), nb: native(b.socket) };
}

const never = () => {
  throw new Error('the callback must not run for a call refused up front');
};

test('an fd that is not a number is refused everywhere: nothing reaches the peer', () => {
  const { a, b, na } = pair();
  for (const bad of ['3', 3.5, -1, null, undefined, {}, 2 ** 31]) {
    expect(() => na.sendFdSync(bad)).toThrow(expect.objectContaining({ name: 'TypeError' }));
    expect(() => na.sendFdNow(bad)).toThrow(
      `Expected a file descriptor (a non-negative integer) for fd but received ${describe(bad)}`,
    );
    expect(() => na.sendFd(bad, never)).toThrow(/for fd but received/);
    expect(() => na.sendMessage([0, bad], undefined, never)).toThrow(/for fds\[\] but received/);
    expect(() => na.sendFdsSync([bad], undefined)).toThrow(/for fds\[\] but received/);
    expect(() =>
      na.sendMessageSync(null, [Buffer.from('x')], [{ type: 'fds', fds: [bad] }], 0),
    ).toThrow(/for controlMessages\[\]\.fds\[\] but received/);
  }
  expect(b.socket.getAvailableBytes()).toBe(0);
  a.close();
  b.close();
});

test('numbers, strings and booleans of every other call are checked, and name the argument', () => {
  const { a, b, na, nb } = pair();
  const cases: [string, () => unknown, RegExp][] = [
    ['kind', () => nb.receiveAncillarySync('0'), /Expected a 32-bit integer for kind but received string/],
    ['kind range', () => nb.receiveAncillaryNow(7), /AncillaryKind \(0, 1 or 2\) for kind but received 7/],
    ['kind async', () => nb.receiveAncillary(-1, never), /for kind but received -1/],
    ['id', () => nb.cancel('1'), /unsigned 32-bit integer for id but received string/],
    ['condition 0 (would wait forever)', () => nb.conditionWait(0, never), /IOCondition .* for condition but received 0/],
    ['condition bits', () => nb.conditionCheck(1 << 10), /for condition but received 1024/],
    ['condition sync', () => nb.conditionTimedWaitSync(1, '5'), /safe integer for timeoutUs but received string/],
    ['level', () => na.getOption('1', 7), /for level but received string/],
    ['optname', () => na.setOption(1, 7.5, 1), /for optname but received 7.5/],
    ['value', () => na.setOption(1, 7, null), /for value but received null/],
    ['property name', () => na.getProperty(1), /a string for name but received 1/],
    ['timeout', () => na.setProperty('timeout', '5'), /for timeout but received string/],
    ['timeout negative', () => na.setProperty('timeout', -1), /for timeout but received -1/],
    ['blocking', () => na.setProperty('blocking', 'yes'), /a boolean for blocking but received string/],
    ['shutdown', () => na.shutdown(1, 0), /a boolean for shutdownRead but received 1/],
    ['ref', () => na.setRef('no'), /a boolean for ref but received string/],
    ['wantAddress', () => nb.receive(Buffer.alloc(1), 1, never), /a boolean for wantAddress but received 1/],
    ['flags', () => nb.receiveMessage([Buffer.alloc(1)], '0', never), /for flags but received string/],
    ['flags sync', () => nb.receiveMessagesSync([[Buffer.alloc(1)]], 1.5), /for flags but received 1.5/],
    ['send flags', () => na.sendMessage(null, [Buffer.alloc(1)], [], 'x', never), /for flags but received string/],
    ['credentials', () => na.sendMessageSync(null, [Buffer.alloc(1)], [{ type: 'credentials', credentials: { pid: '1', uid: 0, gid: 0 } }], 0), /for credentials\.pid but received string/],
    ['credentials uid', () => na.sendMessageSync(null, [Buffer.alloc(1)], [{ type: 'credentials', credentials: { pid: 1, uid: -5, gid: 0 } }], 0), /for credentials\.uid but received -5/],
    ['credentials object', () => na.sendMessageSync(null, [Buffer.alloc(1)], [{ type: 'credentials', credentials: 'me' }], 0), /Credentials or undefined for controlMessages\[\]\.credentials but received string/],
    ['port', () => na.connectSync({ family: 2, address: '127.0.0.1', port: '80' }), /for address\.port but received string/],
    ['port range', () => na.connectSync({ family: 2, address: '127.0.0.1', port: 70000 }), /a port \(0-65535\) for address but received 70000/],
    ['addressType', () => na.bind({ family: 1, path: Buffer.from('x'), addressType: 9 }, false), /UnixSocketAddressType for address\.addressType but received 9/],
    ['allowReuse', () => na.bind({ family: 1, path: Buffer.from('x') }, 'no'), /a boolean for allowReuse but received string/],
    ['socket family', () => new (gio.GioSocket as unknown as new (...a: unknown[]) => unknown)('1', 1, 0), /for family but received string/],
    ['fromFd', () => gio.GioSocket.fromFd('0' as unknown as number), /for fd but received string/],
    ['socketPair', () => gio.GioSocket.socketPair('1' as unknown as number), /for type but received string/],
  ];
  const outcomes = cases.map(([name, call, expected]) => {
    try {
      call();
      return [name, 'no error'];
    } catch (error) {
      // (The addon's TypeError comes from Node's realm, not jest's: compare names.)
      const { name: kind, message } = error as Error;
      return [name, kind === 'TypeError' && expected.test(message) ? 'ok' : `${kind}: ${message}`];
    }
  });
  expect(outcomes).toEqual(cases.map(([name]) => [name, 'ok']));
  // Nothing was started: no operation waits, nothing was sent.
  expect(b.socket.getAvailableBytes()).toBe(0);
  expect(a.socket.getAvailableBytes()).toBe(0);
  a.close();
  b.close();
});

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  return typeof value;
}

