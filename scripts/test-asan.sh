#!/usr/bin/env bash
# The native-heavy tests and a stress run against an AddressSanitizer + UBSan build of the
# addon. Fails on any sanitizer report from curlio's own code (a frame in binding/) and on
# any test failure.
#   npm run test:asan            STRESS_N=200 npm run test:asan   (smaller stress run)
#   ASAN_SUITES="test/libcurl test/faults" npm run test:asan        (jest suites to run; "" skips jest)
# Each phase runs under `timeout` (ASAN_PHASE_TIMEOUT seconds, default 900): a hang fails
# the run instead of blocking CI.
# Node itself is not instrumented: libasan is preloaded so that it owns malloc before
# Node starts, and the addon is loaded with CURLIO_BINDING (lib/native.ts).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

npx cmake-js compile -O build-asan --CDCURLIO_SANITIZE=address,undefined --CDCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 1
npx tsc -p tsconfig.build.json || exit 1

logs=$(mktemp -d /tmp/curlio-asan.XXXXXX)
run_sanitized() {  # run_sanitized <detect_leaks 0|1> <command...>
  local leaks=$1
  shift
  CURLIO_BINDING="$root/build-asan/Release/curlio.node" \
  LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)" \
  ASAN_OPTIONS="detect_leaks=$leaks:log_path=$logs/asan:verify_asan_link_order=0:detect_stack_use_after_return=0:strict_string_checks=1:check_initialization_order=1" \
  LSAN_OPTIONS="$([ "${LSAN_SUPPRESSIONS:-}" = none ] || echo "suppressions=$root/scripts/lsan.supp:")print_suppressions=1" \
  UBSAN_OPTIONS="print_stacktrace=1:log_path=$logs/ubsan" \
    "$@"
}

status=0
phase_timeout=${ASAN_PHASE_TIMEOUT:-900}
limit=(timeout -k 10 "$phase_timeout")
jest=("${limit[@]}" node node_modules/jest/bin/jest.js --runInBand --testTimeout=120000)
# Leaks and memory errors: every process here ends the natural way (jest exits by itself
# without --forceExit). The constants test runs the C compiler (nothing native of ours) and
# is left out.
default_suites="test/libcurl test/faults"
[ -d test/gio ] && default_suites+=" test/gio"
read -r -a suites <<<"${ASAN_SUITES-$default_suites}"
if [ "${#suites[@]}" -gt 0 ]; then
  echo "== jest under ASan (leaks on): ${suites[*]}"
  run_sanitized 1 "${jest[@]}" "${suites[@]}" --testPathIgnorePatterns 'constants|lifetimes' || { echo "jest under ASan failed (exit $?)"; status=1; }
fi
# The lifetime scenarios end with process.exit() and worker.terminate() on purpose: after
# process.exit() Node never tears its heap down, so everything JavaScript still referenced
# looks leaked. Memory errors only here; the stress run below covers teardown leaks.
echo "== lifetime scenarios under ASan (memory errors only)"
run_sanitized 0 "${jest[@]}" test/libcurl/lifetimes.test.ts || { echo "lifetime scenarios failed (exit $?)"; status=1; }
# The stress run ends naturally and Node disposes its isolate, so it needs no suppression at
# all: it runs without them, and a leak it shows is reported with its full stack.
echo "== scripts/asan-stress.js ${STRESS_N:-1000} under ASan (leaks on, no suppressions)"
LSAN_SUPPRESSIONS=none run_sanitized 1 "${limit[@]}" node scripts/asan-stress.js "${STRESS_N:-1000}" || { echo "stress failed (exit $?)"; status=1; }

# Reports: curlio's are those with a frame in binding/. LSan prints no stack for a
# suppressed leak (only the pattern and a count, under "Suppressions used"), so these counts
# cover unsuppressed reports; the stress run above has no suppressions to hide anything.
ours=0
others=0
for f in "$logs"/asan.* "$logs"/ubsan.*; do
  [ -e "$f" ] || continue
  n=$(awk '/^(Direct|Indirect) leak|ERROR: AddressSanitizer|runtime error:/{if (blk && mine) c++; blk=1; mine=0} /\/binding\//{mine=1} /^$/{if (blk && mine) c++; blk=0; mine=0} END{if (blk && mine) c++; print c+0}' "$f")
  t=$(grep -cE '^(Direct|Indirect) leak|ERROR: AddressSanitizer|runtime error:' "$f")
  ours=$((ours + n))
  others=$((others + t - n))
  [ "$n" -gt 0 ] && echo "curlio reports in $f: $n"
done
# What the suppressions hid, pattern by pattern (LSan prints "<count> <bytes> <pattern>").
cat "$logs"/asan.* 2>/dev/null | awk '/^Suppressions used:/{on=1; next} on && /^ *[0-9]+ +[0-9]+ /{n[$3]+=$1} /^-+$/{if (on==1) on=2; else on=0} END{for (p in n) printf "suppressed: %d leak(s) matching %s\n", n[p], p}'
echo "asan: $ours report(s) from curlio's frames, $others from other code (logs: $logs)"
[ "$ours" -eq 0 ] || status=1
exit "$status"
