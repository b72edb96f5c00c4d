// A transfer over a socket the application owns: OPENSOCKETFUNCTION hands libcurl an fd
// that arrived by fd passing from another process, CLOSESOCKETFUNCTION gives it back. No
// Node binding of libcurl offers this.
//
// libcurl 7.88 (Debian 12) ignores SOCKOPTFUNCTION's CURL_SOCKOPT_ALREADY_CONNECTED and
// calls connect() anyway (curl/curl#10626, fixed in 8.0.0), so the socket that arrives is
// bound but not connected, and libcurl connects it; the connected case runs on libcurl 8.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CURLINFO_LOCAL_PORT,
  CURLOPT_CLOSESOCKETFUNCTION,
  CURLOPT_FORBID_REUSE,
  CURLOPT_OPENSOCKETFUNCTION,
  CURLOPT_SOCKOPTFUNCTION,
  CURLOPT_URL,
  CURL_SOCKOPT_ALREADY_CONNECTED,
  CURL_SOCKOPT_OK,
  Easy,
  curl_version_info,
  Multi,
} from '../../lib/libcurl';
import { Socket, SocketFamily, SocketType, UnixSocketAddress, UnixConnection } from '../../lib/gio';
import { startHttpServer, type TestServer } from '../helpers/http-server';

let server: TestServer;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(() => server.close());

const openFds = () => fs.readdirSync('/proc/self/fd').length;

// Python (code we did not write) makes the TCP socket (bound, or connected when asked) and
// sends it over a UNIX socket with SCM_RIGHTS and one data byte, GIO's format. It prints
// the socket's local port, so we can tell that libcurl used exactly this socket.
const PYTHON_SENDER = `
import socket, sys
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.bind(("127.0.0.1", 0))
if sys.argv[3] == "connect":
    tcp.connect(("127.0.0.1", int(sys.argv[2])))
print(tcp.getsockname()[1], flush=True)
unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
unix.connect(sys.argv[1])
socket.send_fds(unix, [b"\\0"], [tcp.fileno()])
unix.recv(1)  # wait until the receiver is done before exiting
`;

async function receiveSocketFromAnotherProcess(mode: 'bind' | 'connect'): Promise<{ fd: number; localPort: number; done: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-owned-'));
  const socketPath = path.join(dir, 'handoff.sock');
  const listener = new Socket(SocketFamily.UNIX, SocketType.STREAM);
  listener.bind(new UnixSocketAddress(socketPath), false);
  listener.listen();
  const child = spawn('python3', ['-c', PYTHON_SENDER, socketPath, String(server.port), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const localPort = new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  const accepted = await listener.accept();
  const conn = accepted.connectionFactoryCreateConnection() as UnixConnection;
  const fd = await conn.receiveFd();
  return {
    fd,
    localPort: await localPort,
    done: () => {
      accepted.close();
      listener.close();
      child.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const libcurl8 = curl_version_info().version_num >= 0x080000;

for (const mode of ['bind', 'connect'] as const) {
  const name = mode === 'bind' ? 'a bound socket' : 'a connected socket (CURL_SOCKOPT_ALREADY_CONNECTED)';
  (mode === 'connect' && !libcurl8 ? test.skip : test)(`a transfer runs over ${name} received from another process`, async () => {
    const fdsBefore = openFds();
    const { fd, localPort, done } = await receiveSocketFromAnotherProcess(mode);
    const opened: number[] = [];
    const closed: number[] = [];
    const easy = new Easy()
      .setopt(CURLOPT_URL, `${server.url}/hello`)
      .setopt(CURLOPT_FORBID_REUSE, 1)
      .setopt(CURLOPT_OPENSOCKETFUNCTION, (clientp, purpose, address) => {
        expect(address).toMatchObject({ address: '127.0.0.1', port: server.port });
        opened.push(fd);
        return fd;
      })
      .setopt(CURLOPT_SOCKOPTFUNCTION, () => (mode === 'connect' ? CURL_SOCKOPT_ALREADY_CONNECTED : CURL_SOCKOPT_OK))
      .setopt(CURLOPT_CLOSESOCKETFUNCTION, (clientp, item) => {
        closed.push(item);
        fs.closeSync(item);
        return 0;
      });
    const multi = new Multi();
    const result = await multi.perform(easy);
    expect(result.status).toBe(200);
    expect(result.body.toString()).toBe('hello');
    expect(easy.getinfo(CURLINFO_LOCAL_PORT)).toBe(localPort); // the very socket Python made
    expect(opened).toEqual([fd]);
    expect(closed).toEqual([fd]); // FORBID_REUSE: libcurl gave the socket back at once
    easy.cleanup();
    multi.cleanup();
    done();
    await new Promise((r) => setTimeout(r, 50));
    expect(openFds()).toBeLessThanOrEqual(fdsBefore);
  });
}
