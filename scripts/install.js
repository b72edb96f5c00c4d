#!/usr/bin/env node
// npm's install step: use a prebuild when one matches this platform and loads, else build
// from source with cmake-js. Building needs libcurl's and GLib's headers: as root we
// install them with apt; otherwise we stop with one line saying what to install.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const APT_PACKAGES = ['libcurl4-openssl-dev', 'libglib2.0-dev', 'libpsl-dev', 'pkg-config', 'cmake', 'g++'];

function log(message) {
  process.stderr.write(`curlio: ${message}\n`);
}

function prebuildLoads() {
  if (process.env.CURLIO_BUILD_FROM_SOURCE) return false;
  const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  if (!fs.existsSync(dir)) return false;
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.node'));
  if (!file) return false;
  // Load it in a child: a prebuild whose shared libraries are missing must not be chosen.
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(dir, file))})`], { stdio: 'ignore' });
  return probe.status === 0;
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function headersPresent() {
  return has('pkg-config') && has('cmake') && has('c++') &&
    spawnSync('pkg-config', ['--exists', 'libcurl', 'gio-2.0', 'gio-unix-2.0', 'libpsl'], { stdio: 'ignore' }).status === 0;
}

function installHeaders() {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !has('apt-get')) {
    log(`missing build requirements: install ${APT_PACKAGES.join(' ')} (e.g. sudo apt-get install -y ${APT_PACKAGES.join(' ')}) and run npm install again`);
    process.exit(1);
  }
  log(`installing ${APT_PACKAGES.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...APT_PACKAGES], { stdio: 'inherit', env });
}

function build() {
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const result = spawnSync(process.execPath, [cmakeJs, 'compile', '--CDCMAKE_BUILD_TYPE=Release'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    log('building the native addon failed (see above)');
    process.exit(result.status || 1);
  }
}

if (prebuildLoads()) {
  log('using the prebuilt addon');
} else {
  if (!headersPresent()) installHeaders();
  build();
}
