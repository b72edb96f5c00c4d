// Loads the compiled addon with node-gyp-build: build/Release first (a local build), then
// prebuilds/<platform>-<arch>/ (what an installed package ships).
// CURLIO_BINDING names another .node file (sanitizer builds, side-by-side dev builds).
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;

const packageRoot = path.resolve(__dirname, '..');

function load(): unknown {
  const override = process.env.CURLIO_BINDING;
  if (override) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.resolve(override));
  }
  return nodeGypBuild(packageRoot);
}

// The shape of each native class is declared next to the TypeScript that wraps it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const native: any = load();
