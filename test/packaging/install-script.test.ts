// scripts/install.js as npm runs it for a dependency: a copy of the script in
// <tmp>/node_modules/curlio, on a PATH with no compiler, cmake or pkg-config and with an
// apt-get that only records that it was called. It must never call apt-get there, must say
// per distribution what to install, and must honour npm_config_build_from_source.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../..');
let work: string;
let bin: string;
let aptMarker: string;

function findOnPath(command: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`${command} is not on PATH`);
}

/** A package directory holding install.js, with a loadable prebuild or none. */
function makePackage(parent: string, withPrebuild: boolean): string {
  const dir = path.join(parent, 'curlio');
  fs.mkdirSync(path.join(dir, 'scripts'), { recursive: true });
  fs.copyFileSync(path.join(root, 'scripts', 'install.js'), path.join(dir, 'scripts', 'install.js'));
  if (withPrebuild) {
    const prebuilds = path.join(dir, 'prebuilds', `${process.platform}-${process.arch}`);
    fs.mkdirSync(prebuilds, { recursive: true });
    fs.copyFileSync(path.join(root, 'build', 'Release', 'curlio.node'), path.join(prebuilds, 'curlio.glibc.node'));
  }
  return dir;
}

function runInstall(dir: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(dir, 'scripts', 'install.js')], { cwd: dir, env: { PATH: bin, HOME: os.homedir(), ...env }, encoding: 'utf8', timeout: 90_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr: String(stderr) });
    });
  });
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-install-'));
  bin = path.join(work, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  fs.symlinkSync(findOnPath('sh'), path.join(bin, 'sh'));
  aptMarker = path.join(work, 'apt-get-was-called');
  // An apt-get that only leaves a mark: the script must not run it as a dependency.
  fs.writeFileSync(path.join(bin, 'apt-get'), `#!/bin/sh\necho "$@" >> ${JSON.stringify(aptMarker)}\nexit 0\n`, { mode: 0o755 });
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('as a dependency with no prebuild and no build tools: no apt-get, the packages per distribution, exit 1', async () => {
  const dir = makePackage(path.join(work, 'app', 'node_modules'), false);
  const { code, stderr } = await runInstall(dir);
  expect(code).toBe(1);
  expect(fs.existsSync(aptMarker)).toBe(false);
  expect(stderr).toContain('missing: pkg-config, cmake, a C++17 compiler, make');
  for (const line of [
    'Debian/Ubuntu  sudo apt-get install -y libcurl4-openssl-dev libglib2.0-dev libpsl-dev pkg-config cmake g++ make',
    'Fedora/RHEL    sudo dnf install -y libcurl-devel glib2-devel libpsl-devel pkgconf-pkg-config cmake gcc-c++ make',
    'Alpine         sudo apk add curl-dev glib-dev libpsl-dev pkgconf cmake build-base',
    'Arch           sudo pacman -S --needed curl glib2 libpsl pkgconf cmake gcc make',
  ]) {
    expect(stderr).toContain(line);
  }
  // A clear message, not a stack trace.
  expect(stderr).not.toMatch(/\n\s+at /);
});

test('as a dependency with a prebuild that loads: used, nothing built', async () => {
  const dir = makePackage(path.join(work, 'app2', 'node_modules'), true);
  const { code, stderr } = await runInstall(dir);
  expect({ code, stderr: stderr.trim() }).toEqual({ code: 0, stderr: 'curlio: using the prebuilt addon' });
});

test('npm_config_build_from_source skips the prebuild (and then needs the build tools)', async () => {
  const dir = makePackage(path.join(work, 'app3', 'node_modules'), true);
  for (const value of ['true', 'curlio']) {
    const { code, stderr } = await runInstall(dir, { npm_config_build_from_source: value });
    expect(code).toBe(1);
    expect(stderr).toContain('missing: pkg-config');
  }
  expect(fs.existsSync(aptMarker)).toBe(false);
  const other = await runInstall(dir, { npm_config_build_from_source: 'sqlite3' });
  expect(other.code).toBe(0);
});
