#!/usr/bin/env node
// npm's install step, as sharp's: use a prebuild when one matches this platform and loads;
// else build from source with cmake-js when the build requirements are there; else print
// exactly what to install on each distribution and stop. Installed as a dependency, this
// never runs a system package manager. Only in curlio's own checkout (not under
// node_modules), run as root on a Debian-like system, does it install the build headers
// with apt, so README's `npm install` works on a fresh machine.
//
// npm_config_build_from_source (npm install --build-from-source) or
// CURLIO_BUILD_FROM_SOURCE skips the prebuild.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** Build requirements by distribution family: the packages and the command to install them. */
const REQUIREMENTS = [
  { family: 'debian', name: 'Debian/Ubuntu', command: 'apt-get install -y', packages: ['libcurl4-openssl-dev', 'libglib2.0-dev', 'libpsl-dev', 'pkg-config', 'cmake', 'g++', 'make'] },
  { family: 'fedora', name: 'Fedora/RHEL', command: 'dnf install -y', packages: ['libcurl-devel', 'glib2-devel', 'libpsl-devel', 'pkgconf-pkg-config', 'cmake', 'gcc-c++', 'make'] },
  { family: 'alpine', name: 'Alpine', command: 'apk add', packages: ['curl-dev', 'glib-dev', 'libpsl-dev', 'pkgconf', 'cmake', 'build-base'] },
  { family: 'arch', name: 'Arch', command: 'pacman -S --needed', packages: ['curl', 'glib2', 'libpsl', 'pkgconf', 'cmake', 'gcc', 'make'] },
];

function log(message) {
  process.stderr.write(`curlio: ${message}\n`);
}

function truthy(value) {
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

function buildFromSourceRequested() {
  // npm turns --build-from-source into npm_config_build_from_source=true; sharp and
  // node-pre-gyp also accept a package name there.
  const npm = process.env.npm_config_build_from_source;
  if (npm !== undefined && npm !== '' && npm !== 'false') {
    if (npm === 'true' || npm === '1') return true;
    if (npm.split(',').map((s) => s.trim()).includes('curlio')) return true;
  }
  return truthy(process.env.CURLIO_BUILD_FROM_SOURCE);
}

function prebuildLoads() {
  const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  if (!fs.existsSync(dir)) return false;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.node'));
  for (const file of files) {
    // Load it in a child: a prebuild whose shared libraries are missing must not be chosen.
    const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(dir, file))})`], { stdio: 'ignore' });
    if (probe.status === 0) return true;
  }
  return false;
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function missingRequirements() {
  const missing = [];
  if (!has('pkg-config') && !has('pkgconf')) missing.push('pkg-config');
  if (!has('cmake')) missing.push('cmake');
  if (!has('c++') && !has('g++') && !has('clang++')) missing.push('a C++17 compiler');
  if (!has('make') && !has('ninja')) missing.push('make');
  if (!missing.includes('pkg-config')) {
    for (const lib of ['libcurl', 'gio-2.0', 'gio-unix-2.0', 'libpsl']) {
      if (spawnSync('pkg-config', ['--exists', lib], { stdio: 'ignore' }).status !== 0) missing.push(`${lib} headers`);
    }
  }
  return missing;
}

/** 'debian', 'fedora', 'alpine', 'arch' or null, from /etc/os-release's ID and ID_LIKE. */
function distributionFamily() {
  let text = '';
  try {
    text = fs.readFileSync('/etc/os-release', 'utf8');
  } catch {
    return null;
  }
  const field = (name) => (new RegExp(`^${name}=\"?([^\"\\n]*)`, 'm').exec(text)?.[1] ?? '').toLowerCase();
  const ids = `${field('ID')} ${field('ID_LIKE')}`.split(/\s+/);
  if (ids.some((id) => ['debian', 'ubuntu'].includes(id))) return 'debian';
  if (ids.some((id) => ['fedora', 'rhel', 'centos', 'rocky', 'almalinux', 'amzn'].includes(id))) return 'fedora';
  if (ids.includes('alpine')) return 'alpine';
  if (ids.some((id) => ['arch', 'manjaro', 'endeavouros'].includes(id))) return 'arch';
  return null;
}

/** Installed as a dependency (somewhere under node_modules), not curlio's own checkout. */
function isDependency() {
  return root.split(path.sep).includes('node_modules');
}

function explainAndExit(missing) {
  const family = distributionFamily();
  const ordered = [...REQUIREMENTS].sort((a, b) => (a.family === family ? -1 : b.family === family ? 1 : 0));
  const lines = [
    `no prebuilt addon for ${process.platform}-${process.arch} loads here, and building it needs what is missing: ${missing.join(', ')}.`,
    'Install the build requirements, then run npm install again:',
    ...ordered.map((r) => `  ${r.name.padEnd(14)} sudo ${r.command} ${r.packages.join(' ')}`),
    'At run time curlio needs libcurl 7.73+ and GLib 2.56+ (Debian: libcurl4 libglib2.0-0).',
  ];
  log(lines.join('\ncurlio: '));
  process.exit(1);
}

// Only for curlio's own checkout: README's `npm install` on a fresh Debian machine as root.
function installHeadersForCheckout() {
  const debian = REQUIREMENTS[0];
  log(`installing the build requirements for this checkout with apt-get: ${debian.packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...debian.packages]]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      log(`apt-get ${args[0]} failed (exit status ${result.status ?? result.signal}); install the packages yourself: ${debian.packages.join(' ')}`);
      process.exit(1);
    }
  }
}

function build() {
  let cmakeJs;
  try {
    cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  } catch {
    log('cmake-js is not installed (it is one of curlio\'s dependencies): run npm install again');
    process.exit(1);
  }
  const result = spawnSync(process.execPath, [cmakeJs, 'compile', '--CDCMAKE_BUILD_TYPE=Release', '--log-level', 'warn'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    log('building the native addon failed (the compiler\'s messages are above)');
    process.exit(result.status || 1);
  }
}

function main() {
  const fromSource = buildFromSourceRequested();
  if (!fromSource && prebuildLoads()) {
    log('using the prebuilt addon');
    return;
  }
  let missing = missingRequirements();
  if (missing.length > 0) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (!isDependency() && isRoot && has('apt-get')) {
      installHeadersForCheckout();
      missing = missingRequirements();
    }
    if (missing.length > 0) explainAndExit(missing);
  }
  if (fromSource) log('building from source (build-from-source was asked for)');
  build();
}

if (require.main === module) main();

module.exports = { REQUIREMENTS, distributionFamily, isDependency, buildFromSourceRequested, missingRequirements };
