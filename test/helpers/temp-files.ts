// Small files for fd-passing tests: each test file gets a temporary directory (made before
// its tests, removed after), files with known text opened read-write (the fd is the
// caller's), and a way to read back what an fd holds.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Registers beforeAll/afterAll for a directory named `prefix…`. tempFile(text) makes a file
 * and opens it; tempPath(name) is a path in the directory.
 */
export function useTempFiles(prefix: string): { tempFile: (text: string) => number; tempPath: (name: string) => string } {
  let dir = '';
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tempPath = (name: string): string => path.join(dir, name);
  const tempFile = (text: string): number => {
    const file = tempPath(`f${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(file, text);
    return fs.openSync(file, 'r+');
  };
  return { tempFile, tempPath };
}

/** The first 100 bytes of what `fd` holds, read from offset 0, as text. */
export function readAll(fd: number): string {
  const buffer = Buffer.alloc(100);
  return buffer.subarray(0, fs.readSync(fd, buffer, 0, 100, 0)).toString();
}
