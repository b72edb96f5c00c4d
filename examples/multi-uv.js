#!/usr/bin/env node
'use strict';
// curl's docs/examples/multi-uv.c, ported to curlio/libcurl name for name, lives with curl's
// other examples in examples/c/multi-uv.js; this is the same program under its old name.
//
//   node examples/multi-uv.js URL...     (each body is written to a file named after its index)
const main = require('./c/multi-uv');

Promise.resolve(main(process.argv.slice(2))).then((code) => {
  if (code !== 0) process.exitCode = code; // a failed transfer has already set 1
});
