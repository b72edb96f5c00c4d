// Runs several ports of curl's examples (examples/c/NAME.js) one after the other in this
// one process, each between markers on stdout and stderr, so that a test pays for one
// Node start per batch. argv[2]: JSON [{ name, args, cwd? }...].
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const jobs = JSON.parse(process.argv[2]);

async function run() {
  for (const { name, args, cwd } of jobs) {
    const start = cwd ? process.cwd() : null;
    if (cwd) process.chdir(cwd);
    fs.writeSync(1, `\n@@@ start ${name}\n`);
    fs.writeSync(2, `\n@@@ start ${name}\n`);
    let code;
    try {
      const main = require(path.resolve(__dirname, '../../examples/c', `${name}.js`));
      code = await main(args);
    } catch (error) {
      fs.writeSync(2, `${error && error.stack}\n`);
      code = 'threw';
    }
    fs.writeSync(1, `\n@@@ end ${name} ${code}\n`);
    fs.writeSync(2, `\n@@@ end ${name}\n`);
    if (start) process.chdir(start);
  }
}

run().then(() => process.exit(0));
