// The package as users get it: `npm pack`, then `npm install <tarball>` into a fresh
// project on a PATH with no compiler and no cmake, so only the prebuild can serve. Then
// CommonJS and ESM consumers load it and make a real request through curlio/libcurl.
// Slow (tsc in prepack, a real npm install): the prebuild is not rebuilt here but made from
// the addon the suite already runs on (build/Release, a Release build of the same sources),
// stripped as prebuildify strips; only when that build is older than the sources is it
// brought up to date first (an incremental cmake-js compile, not a clean prebuild).
import { execFile, type ExecFileOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeCertificate } from '../helpers/session-servers';

// npm and tsc on a busy 2-core machine: generous, the work is done once per file.
jest.setTimeout(10 * 60_000);

const root = path.resolve(__dirname, '../..');
const prebuildDir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], options: ExecFileOptions): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { ...options, encoding: 'utf8', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** A prebuild newer than every source it is made from. */
function freshPrebuild(): string | undefined {
  if (!fs.existsSync(prebuildDir)) return undefined;
  const file = fs.readdirSync(prebuildDir).find((f) => f.endsWith('.node'));
  if (!file) return undefined;
  return fs.statSync(path.join(prebuildDir, file)).mtimeMs > sourcesMtime() ? file : undefined;
}

function sourcesMtime(): number {
  return Math.max(newestMtime(path.join(root, 'binding')), fs.statSync(path.join(root, 'CMakeLists.txt')).mtimeMs);
}

/**
 * The prebuild, as `npm run prebuild` would name it (prebuildify --napi --tag-libc:
 * curlio.glibc.node), made from build/Release/curlio.node: the same CMake Release build of
 * the same sources, stripped of debug symbols.
 */
async function prebuildFromBuiltAddon(): Promise<void> {
  const built = path.join(root, 'build', 'Release', 'curlio.node');
  if (!fs.existsSync(built) || fs.statSync(built).mtimeMs <= sourcesMtime()) {
    const compile = await run('npm', ['run', 'build:native'], { cwd: root });
    if (compile.code !== 0) throw new Error(`npm run build:native failed:\n${compile.stdout}\n${compile.stderr}`);
  }
  fs.mkdirSync(prebuildDir, { recursive: true });
  for (const old of fs.readdirSync(prebuildDir)) if (old.endsWith('.node')) fs.rmSync(path.join(prebuildDir, old));
  const target = path.join(prebuildDir, 'curlio.glibc.node');
  fs.copyFileSync(built, target);
  // prebuildify --strip: debug symbols off, dynamic symbols kept.
  await run('strip', ['--strip-debug', target], {});
}

/** A bin folder holding only what npm needs to install: node, npm and sh. */
function minimalPath(dir: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  fs.symlinkSync(fs.realpathSync(findOnPath('npm')), path.join(bin, 'npm'));
  fs.symlinkSync(findOnPath('sh'), path.join(bin, 'sh'));
  return bin;
}

function findOnPath(command: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`${command} is not on PATH`);
}

// The consumers: each prints one JSON line with what it saw.
const SERVER = `
const http = require('node:http');
function listen() {
  const server = http.createServer((req, res) => res.end('hello from ' + req.url));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
`;

const CJS_CONSUMER = `${SERVER}
const curlio = require('curlio');
const { fetch } = require('curlio');
const { Easy, Multi, CURLOPT_URL, CURLINFO_RESPONSE_CODE, curl_version_info } = require('curlio/libcurl');
(async () => {
  const server = await listen();
  const multi = new Multi();
  const easy = new Easy();
  easy.setopt(CURLOPT_URL, 'http://127.0.0.1:' + server.address().port + '/cjs');
  const { body } = await multi.perform(easy);
  const status = easy.getinfo(CURLINFO_RESPONSE_CODE);
  easy.close();
  multi.close();
  const res = await fetch('http://127.0.0.1:' + server.address().port + '/fetch');
  const fetched = { status: res.status, text: await res.text(), isNodeResponse: res instanceof Response };
  server.close();
  // A newcomer's await fetch('https://…'): TLS on the default session, trusting the test's CA.
  const fs = require('node:fs');
  const tlsServer = require('node:https').createServer({ key: fs.readFileSync(process.env.CERT_DIR + '/key.pem'), cert: fs.readFileSync(process.env.CERT_DIR + '/cert.pem') }, (req, res) => res.end('secure ' + req.url));
  await new Promise((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  curlio.getDefaultSession().sslCaFile = process.env.CERT_DIR + '/cert.pem';
  const secure = await fetch('https://127.0.0.1:' + tlsServer.address().port + '/tls');
  fetched.https = await secure.text();
  tlsServer.close();
  console.log(JSON.stringify({
    fetched,
    resolved: require.resolve('curlio'),
    exports: Object.keys(curlio).sort(),
    libcurl: curl_version_info().version,
    status,
    body: body.toString(),
  }));
})();
`;

const ESM_CONSUMER = `
import { createRequire } from 'node:module';
import { Easy, Multi, libcurl } from 'curlio';
import { curl_easy_init, curl_easy_setopt, curl_easy_cleanup, CURLOPT_URL, Multi as LibcurlMulti } from 'curlio/libcurl';
const require = createRequire(import.meta.url);
${SERVER}
const server = await listen();
const multi = new Multi();
const easy = curl_easy_init();
curl_easy_setopt(easy, CURLOPT_URL, 'http://127.0.0.1:' + server.address().port + '/esm');
const { body } = await multi.perform(easy);
curl_easy_cleanup(easy);
multi.close();
server.close();
console.log(JSON.stringify({
  easyIsClass: typeof Easy === 'function' && easy instanceof Easy,
  sameMulti: LibcurlMulti === Multi && libcurl.Multi === Multi,
  body: body.toString(),
}));
`;

let work: string;
let tarball: string;
let bin: string;
let project: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-tarball-'));

  if (!freshPrebuild()) await prebuildFromBuiltAddon();
  expect(freshPrebuild()).toBeDefined();

  const pack = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root });
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stdout}\n${pack.stderr}`);
  // prepack's tsc output comes before npm's JSON on stdout.
  const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('\n[') + 1)) as [{ filename: string; files: { path: string }[] }];
  tarball = path.join(work, packed.filename);
  const files = packed.files.map((f) => f.path);
  expect(files).toEqual(
    expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/libcurl/index.js', 'scripts/install.js', 'prebuilds/README.md', 'LICENSE', 'lib/index.ts', 'dist/fetch/fetch.js']),
  );
  // Every source map's sources ship too.
  for (const map of files.filter((f) => f.endsWith('.js.map'))) {
    const { sources } = JSON.parse(fs.readFileSync(path.join(root, map), 'utf8')) as { sources: string[] };
    for (const source of sources) expect(files).toContain(path.posix.normalize(path.posix.join(path.posix.dirname(map), source)));
  }
  expect(files.some((f) => f.startsWith(`prebuilds/${process.platform}-${process.arch}/`) && f.endsWith('.node'))).toBe(true);
  expect(files.some((f) => f.startsWith('build/'))).toBe(false);

  bin = minimalPath(work);
  project = path.join(work, 'consumer');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  fs.writeFileSync(path.join(project, 'cjs.js'), CJS_CONSUMER);
  fs.writeFileSync(path.join(project, 'esm.mjs'), ESM_CONSUMER);
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The environment of a user without build tools: npm's cache and config, nothing else. */
function bareEnv(): NodeJS.ProcessEnv {
  return { PATH: bin, HOME: os.homedir(), TMPDIR: os.tmpdir(), LANG: 'C.UTF-8' };
}

test('the install PATH has no compiler and no cmake', async () => {
  for (const tool of ['cc', 'c++', 'g++', 'gcc', 'cmake', 'make', 'pkg-config']) {
    const which = await run('sh', ['-c', `command -v ${tool}`], { env: bareEnv() });
    expect(`${tool}: ${which.stdout.trim() || 'not found'}`).toBe(`${tool}: not found`);
  }
});

test('npm install <tarball> uses the prebuild: nothing is compiled', async () => {
  const install = await run(
    'npm',
    ['install', tarball, '--prefer-offline', '--ignore-scripts=false', '--foreground-scripts', '--no-audit', '--no-fund'],
    { cwd: project, env: bareEnv() },
  );
  const output = install.stdout + install.stderr;
  if (install.code !== 0) throw new Error(`npm install failed:\n${output}`);
  expect(output).toContain('curlio: using the prebuilt addon');
  const installed = path.join(project, 'node_modules', 'curlio');
  expect(fs.existsSync(path.join(installed, 'build'))).toBe(false);
  expect(fs.existsSync(path.join(installed, 'dist', 'index.js'))).toBe(true);
  expect(fs.readFileSync(path.join(installed, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  expect(JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).os).toEqual(['linux']);
});

test('require("curlio") loads the prebuild and fetches from a local server through curlio/libcurl', async () => {
  const cert = makeCertificate();
  const result = await run(process.execPath, ['cjs.js'], { cwd: project, env: { ...bareEnv(), CERT_DIR: cert.dir } });
  fs.rmSync(cert.dir, { recursive: true, force: true });
  if (result.code !== 0) throw new Error(`cjs consumer failed:\n${result.stderr}`);
  const seen = JSON.parse(result.stdout) as { resolved: string; exports: string[]; libcurl: string; status: number; body: string; fetched: unknown };
  expect(seen.resolved.startsWith(fs.realpathSync(project))).toBe(true);
  expect(seen.exports).toEqual(expect.arrayContaining(['CurlError', 'Easy', 'Multi', 'Poll', 'libcurl']));
  expect(seen.libcurl).toMatch(/^\d+\.\d+\.\d+/);
  expect(seen.status).toBe(200);
  expect(seen.body).toBe('hello from /cjs');
  expect(seen.fetched).toEqual({ status: 200, text: 'hello from /fetch', isNodeResponse: true, https: 'secure /tls' });
  expect(seen.exports).toEqual(expect.arrayContaining(['fetch', 'request', 'Session']));
});

test('import("curlio") and "curlio/libcurl" give named ESM exports and fetch through C-style calls', async () => {
  const result = await run(process.execPath, ['esm.mjs'], { cwd: project, env: bareEnv() });
  if (result.code !== 0) throw new Error(`esm consumer failed:\n${result.stderr}`);
  expect(JSON.parse(result.stdout)).toEqual({ easyIsClass: true, sameMulti: true, body: 'hello from /esm' });
});

test('the installed curlio command runs from node_modules/.bin', async () => {
  const result = await run(path.join(project, 'node_modules', '.bin', 'curlio'), ['--version'], { cwd: project, env: bareEnv() });
  if (result.code !== 0) throw new Error(`curlio --version failed:\n${result.stderr}`);
  expect(result.stdout).toMatch(/^curlio \d+\.\d+\.\d+\nlibcurl \d+\.\d+\.\d+ .*\nGLib \d+\.\d+\.\d+\n/);
});
