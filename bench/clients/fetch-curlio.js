'use strict';
// curlio's fetch (its default Session: libcurl, connection reuse).
require('./fetch-common')('fetch-curlio', () => require('../../dist').fetch);
