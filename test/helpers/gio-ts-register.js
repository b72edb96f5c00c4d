// Lets a child process `require('../../lib/gio')` straight from the TypeScript sources:
//   node -r ./test/helpers/gio-ts-register.js test/helpers/gio-peer.js
// so the peers of test/gio run the code under test, not a stale dist/. Transpile only (no
// type check: jest's ts-jest and `tsc` do that). The addon comes from CURLIO_BINDING or
// build/Release, as lib/native.ts decides.
'use strict';
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      inlineSourceMap: true,
    },
  });
  module._compile(outputText, filename);
};
