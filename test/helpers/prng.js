// mulberry32: a small seeded PRNG, so a failing fuzz or stress run can be replayed from
// the seed it prints. Plain JavaScript: scenario processes load it as well as the tests.
'use strict';

/** @param {number} seed @returns {() => number} uniform in [0, 1) */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

module.exports = { prng };
