#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into build-fuzz/ and runs each for
# SECONDS (default 600), two at a time, niced. Seeds come from make_seeds
# (test PKI at run time); corpora grow in build-fuzz/corpus/<target>/.
# A finding is written to build-fuzz/findings/<target>-crash-…: minimise it
# (fuzz_<target> -minimize_crash=1 FILE), fix it, and commit it under
# tests/regressions/<target>/, which the default suite replays.
# Usage: tests/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-600}"
shift || true
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(crl ocsp ca_issuers sniff profile policy)

if ! command -v clang++ >/dev/null; then
  echo "tests/fuzz.sh needs clang with libFuzzer: apt-get install clang" >&2
  exit 2
fi

build=build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$build" -G "Unix Makefiles" \
  -DPREFLIGHT_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
nice cmake --build "$build" -j 2 --target make_seeds "${targets[@]/#/fuzz_}"

# The fuzz binaries sit deeper in the build tree than the installed layout
# the policy lookup mirrors; name the source tree's policies.
export SUBCA_PREFLIGHT_POLICY_DIR="$PWD/policies"

seeds="$build/seeds"
rm -rf "$seeds"
"$build/tests/fuzz/make_seeds" "$seeds" >/dev/null
mkdir -p "$build/findings"

run_one() {
  local t="$1"
  mkdir -p "$build/corpus/$t"
  # Hangs over 5 s and more than 2 GiB are findings too.
  nice "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=65536 \
    -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/findings/$t-" \
    "$build/corpus/$t" "$seeds/$t" >"$build/findings/$t.log" 2>&1 || true
}

status=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  run_one "${targets[i]}" &
  [[ -n "${targets[i + 1]:-}" ]] && run_one "${targets[i + 1]}" &
  wait
done
for t in "${targets[@]}"; do
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/findings/$t.log")
  found=$(find "$build/findings" -name "$t-*" -newer "$build/seeds" | wc -l)
  printf '%-11s %12s executions in %ss, %s finding(s)\n' "$t" "${execs:-?}" "$seconds" "$found"
  [[ "$found" -eq 0 ]] || status=1
done
exit "$status"
