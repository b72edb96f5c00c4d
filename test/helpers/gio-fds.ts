// Open file descriptors of this process, for "no fd leaked" assertions in test/gio.
import * as fs from 'node:fs';

/** The fd numbers open right now (from /proc/self/fd, minus the one readdir used). */
export function openFds(): number[] {
  const dir = fs.opendirSync('/proc/self/fd');
  const fds: number[] = [];
  let entry;
  while ((entry = dir.readSync()) !== null) fds.push(Number(entry.name));
  const own = (dir as unknown as { fd?: number }).fd;
  dir.closeSync();
  return fds.filter((fd) => fd !== own).sort((a, b) => a - b);
}

/** Whether `fd` is open in this process. */
export function isOpen(fd: number): boolean {
  try {
    fs.fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

/** Whether `fd` has FD_CLOEXEC (from /proc/self/fdinfo: flags are octal, O_CLOEXEC = 02000000). */
export function isCloseOnExec(fd: number): boolean {
  const info = fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
  const flags = parseInt(/flags:\s*(\d+)/.exec(info)![1], 8);
  return (flags & 0o2000000) !== 0;
}

/**
 * Runs `body` and checks that no fd is open afterwards that was not open before: everything
 * the library received or created was closed, or handed over and closed by the test. (Jest
 * itself may close fds of its own meanwhile, so "fewer" is fine; "new" is a leak.)
 */
export async function expectNoFdLeak(body: () => Promise<void> | void): Promise<void> {
  const before = new Set(openFds());
  await body();
  const leaked = () => openFds().filter((fd) => !before.has(fd));
  for (let i = 0; i < 20 && leaked().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(leaked().map(describeFd)).toEqual([]);
}

function describeFd(fd: number): string {
  try {
    return `${fd} -> ${fs.readlinkSync(`/proc/self/fd/${fd}`)}`;
  } catch {
    return `${fd}`;
  }
}

/**
 * Registers beforeEach/afterEach hooks that fail a test which leaves an fd open that was not
 * open before it (sockets, received fds, pipes of peers that exited).
 */
export function checkFdsAroundEachTest(): void {
  let before = new Set<number>();
  beforeEach(() => {
    before = new Set(openFds());
  });
  afterEach(async () => {
    const leaked = () => openFds().filter((fd) => !before.has(fd));
    // Peers' sockets close when their processes are reaped: up to 5 s on a busy machine.
    for (let i = 0; i < 500 && leaked().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(leaked().map(describeFd)).toEqual([]);
  });
}
