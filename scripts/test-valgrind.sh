#!/usr/bin/env bash
# scripts/asan-stress.js with a small N under valgrind (the addon built RelWithDebInfo, not
# instrumented): definite and indirect leaks, and memory errors (invalid reads/writes,
# uninitialised values, mismatched frees), must be 0 for curlio's own frames (binding/).
# Node's own reports are not ours: V8's conservative stack scan during GC reads
# uninitialised stack words on purpose ("Conditional jump ... IteratePointersInStack").
#   npm run test:valgrind        STRESS_N=20 npm run test:valgrind
set -uo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq valgrind >/dev/null; } || exit 1
npx cmake-js compile --CDCMAKE_BUILD_TYPE=RelWithDebInfo -O build-valgrind >/dev/null || exit 1
npx tsc -p tsconfig.build.json || exit 1
log=$(mktemp /tmp/curlio-valgrind.XXXXXX)
# V8's JIT writes code at run time: --smc-check keeps valgrind from running stale code.
# --fullpath-after= prints frames' full source paths (the default is the base name only,
# which would never match binding/).
CURLIO_BINDING="$PWD/build-valgrind/Release/curlio.node" STRESS_DEADLINE_MS=1800000 \
  valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
  --smc-check=all-non-file --num-callers=40 --fullpath-after= --log-file="$log" \
  node scripts/asan-stress.js "${STRESS_N:-20}"
status=$?
# A record is the lines between two "==pid== " lines; ours has a frame in binding/ or in
# namespace curlio.
count() {  # count <regexp of a record's first line>
  awk -v re="$1" '/^==[0-9]+== $/{if (blk && mine) c++; blk=0; mine=0; first=1; next} first{first=0; if ($0 ~ re) blk=1} /\/binding\/|curlio::/{if (blk) mine=1} END{if (blk && mine) c++; print c+0}' "$log"
}
leaks=$(count 'are (definitely|indirectly) lost')
errors=$(count 'Invalid (read|write|free)|uninitialised|Mismatched free|Syscall param|overlap|Jump to the invalid')
grep -E 'definitely lost:|indirectly lost:|ERROR SUMMARY' "$log"
echo "valgrind: $leaks definite/indirect leak record(s) and $errors memory error record(s) with a frame in binding/ (log: $log)"
ours=$((leaks + errors))
[ "$ours" -eq 0 ] && [ "$status" -eq 0 ]
