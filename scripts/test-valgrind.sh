#!/usr/bin/env bash
# scripts/asan-stress.js with a small N under valgrind (the normal Release addon):
# definite and indirect leaks must be 0 for curlio's own frames (binding/).
#   npm run test:valgrind        STRESS_N=20 npm run test:valgrind
set -uo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq valgrind >/dev/null; } || exit 1
npx cmake-js compile --CDCMAKE_BUILD_TYPE=RelWithDebInfo -O build-valgrind >/dev/null || exit 1
npx tsc -p tsconfig.build.json || exit 1
log=$(mktemp /tmp/curlio-valgrind.XXXXXX)
# V8's JIT writes code at run time: --smc-check keeps valgrind from running stale code.
CURLIO_BINDING="$PWD/build-valgrind/Release/curlio.node" STRESS_DEADLINE_MS=1800000 \
  valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
  --smc-check=all-non-file --num-callers=40 --log-file="$log" \
  node scripts/asan-stress.js "${STRESS_N:-20}"
status=$?
ours=$(awk '/are (definitely|indirectly) lost/{blk=1; mine=0} /\/binding\//{if (blk) mine=1} /^==[0-9]+== $/{if (blk && mine) c++; blk=0} END{print c+0}' "$log")
grep -E 'definitely lost:|indirectly lost:|ERROR SUMMARY' "$log"
echo "valgrind: $ours definite/indirect leak record(s) with a frame in binding/ (log: $log)"
[ "$ours" -eq 0 ] && [ "$status" -eq 0 ]
