'use strict';
// Node's own global fetch (the undici bundled with this Node).
require('./fetch-common')('fetch-node', () => globalThis.fetch);
