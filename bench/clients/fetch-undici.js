'use strict';
// undici 7's fetch, from the package (its global Agent).
require('./fetch-common')('fetch-undici', () => require('undici').fetch);
