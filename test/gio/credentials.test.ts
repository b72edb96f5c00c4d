// Credentials across processes: the writer of a byte is not always the process that connected
// (an inherited or passed socket), and uid is not gid. receiveCredentials must name the
// writer, as g_unix_connection_receive_credentials does by switching SO_PASSCRED on before
// it waits, and every path must keep uid and gid apart.
import { Credentials, SocketType, UnixConnection, UnixCredentialsMessage } from '../../lib/gio';
import { checkFdsAroundEachTest } from '../helpers/gio-fds';
import { fdWriterPeer, type Peer } from '../helpers/gio-spawn';

// Every test: the fds open afterwards are the fds open before.
checkFdsAroundEachTest();

const SOL_SOCKET = 1;
const SO_PASSCRED = 16;

async function finished(peer: Peer): Promise<Record<string, unknown>> {
  const said = await peer.next();
  expect(await peer.exited).toBe(0);
  return said;
}

describe('receiveCredentials names the process that wrote', () => {
  test('a plain byte from a process that inherited the socket carries the writer’s pid, not the connector’s', async () => {
    const [a, b] = UnixConnection.createPair();
    const pending = a.receiveCredentials(); // waiting before the writer even exists
    const writer = fdWriterPeer('write-byte', b.socket.fd);
    const credentials = await pending;
    expect(a.socket.getCredentials().pid).toBe(process.pid); // SO_PEERCRED: we made the pair
    expect(credentials).toEqual(new Credentials({ pid: writer.pid, uid: process.getuid!(), gid: process.getgid!() }));
    expect(await finished(writer)).toMatchObject({ pid: writer.pid });
    a.close();
    b.close();
  });

  test('sendCredentials from that process (SCM_CREDENTIALS) names it too', async () => {
    const [a, b] = UnixConnection.createPair();
    const pending = a.receiveCredentials();
    const writer = fdWriterPeer('send-credentials', b.socket.fd);
    expect((await pending).pid).toBe(writer.pid);
    await finished(writer);
    a.close();
    b.close();
  });

  test('SO_PASSCRED is on while a receive waits, stays on for the next waiting one, and is off after', async () => {
    const [a, b] = UnixConnection.createPair();
    expect(a.socket.getOption(SOL_SOCKET, SO_PASSCRED)).toBe(0);
    const first = a.receiveCredentials();
    const second = a.receiveCredentials();
    expect(a.socket.getOption(SOL_SOCKET, SO_PASSCRED)).toBe(1);
    const writer1 = fdWriterPeer('write-byte', b.socket.fd);
    expect((await first).pid).toBe(writer1.pid);
    await finished(writer1);
    // The second receive still waits: its writer starts only now, and must be named.
    expect(a.socket.getOption(SOL_SOCKET, SO_PASSCRED)).toBe(1);
    const writer2 = fdWriterPeer('write-byte', b.socket.fd);
    expect((await second).pid).toBe(writer2.pid);
    await finished(writer2);
    expect(a.socket.getOption(SOL_SOCKET, SO_PASSCRED)).toBe(0);
    a.close();
    b.close();
  });

  test('an aborted receive switches SO_PASSCRED back off; one the application set stays on', async () => {
    const [a, b] = UnixConnection.createPair();
    const controller = new AbortController();
    const pending = a.receiveCredentials({ signal: controller.signal });
    expect(a.socket.getOption(SOL_SOCKET, SO_PASSCRED)).toBe(1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(a.socket.getOption(SOL_SOCKET, SO_PASSCRED)).toBe(0);

    a.socket.setOption(SOL_SOCKET, SO_PASSCRED, 1);
    const kept = a.receiveCredentials();
    await b.socket.send('\0');
    expect((await kept).pid).toBe(process.pid);
    expect(a.socket.getOption(SOL_SOCKET, SO_PASSCRED)).toBe(1);
    a.close();
    b.close();
  });
});

// Only root may run a peer as another user or send credentials that are not its own.
const asRoot = process.getuid?.() === 0 ? describe : describe.skip;
asRoot('uid and gid stay apart (a peer running as uid 1000, gid 2000)', () => {
  const ids = { uid: 1000, gid: 2000 };

  test.each(['write-byte', 'send-credentials'] as const)('receiveCredentials from a %s peer', async (mode) => {
    const [a, b] = UnixConnection.createPair();
    const pending = a.receiveCredentials();
    const writer = fdWriterPeer(mode, b.socket.fd, ids);
    const credentials = await pending;
    expect(await finished(writer)).toEqual({ pid: writer.pid, ...ids });
    expect({ ...credentials }).toEqual({ pid: writer.pid, ...ids });
    expect(credentials.toString()).toBe(`GCredentials:linux-ucred:pid=${writer.pid},uid=1000,gid=2000`);
    a.close();
    b.close();
  });

  test('receiveMessage with SO_PASSCRED: the UnixCredentialsMessage of such a peer', async () => {
    const [a, b] = UnixConnection.createPair(SocketType.SEQPACKET);
    a.socket.setOption(SOL_SOCKET, SO_PASSCRED, 1);
    const writer = fdWriterPeer('write-byte', b.socket.fd, ids);
    const message = await a.socket.receiveMessage(10);
    await finished(writer);
    expect(message.controlMessages).toHaveLength(1);
    const { credentials } = message.controlMessages[0] as UnixCredentialsMessage;
    expect({ ...credentials }).toEqual({ pid: writer.pid, ...ids });
    a.close();
    b.close();
  });

  test('root sends credentials that are not its own; they arrive as sent (sendMessage, both directions of the struct)', async () => {
    const [a, b] = UnixConnection.createPair(SocketType.SEQPACKET);
    const claimed = new Credentials({ pid: process.pid, ...ids });
    b.socket.setOption(SOL_SOCKET, SO_PASSCRED, 1);
    await a.socket.sendMessage(null, 'x', [new UnixCredentialsMessage(claimed)]);
    const message = await b.socket.receiveMessage(10);
    expect({ ...(message.controlMessages[0] as UnixCredentialsMessage).credentials }).toEqual({ ...claimed });
    a.socket.sendMessageSync(null, '\0', [new UnixCredentialsMessage(claimed)]);
    expect({ ...(await b.receiveCredentials()) }).toEqual({ ...claimed });
    a.close();
    b.close();
  });
});

if (process.getuid?.() !== 0) test.skip('uid/gid tests skipped: they run a peer as uid 1000, gid 2000 (root only)', () => undefined);
