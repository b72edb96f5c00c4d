'use strict';
// placeholder: replaced once lib/gio exports UnixConnection
const { SkipClient, main } = require('./harness');
main('unix-connection', async () => {
  let curlio;
  try { curlio = require('../../dist'); } catch {}
  if (!curlio || typeof curlio.UnixConnection !== 'function') throw new SkipClient('pending: curlio does not export UnixConnection yet');
  throw new SkipClient('pending: UnixConnection client not written yet');
});
