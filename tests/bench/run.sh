#!/usr/bin/env bash
# CRL benchmark (issue 6): builds Release into build-bench/, generates 10k,
# 100k and 1M-entry CRLs, and measures in one run the wall time and peak RSS
# of `openssl crl -verify` (the baseline), `subca-preflight inspect --issuer`
# and `subca-preflight check` fetching the CRL from a local nginx; then runs
# the concurrency benchmark. Not part of the default suite.
#
# Usage: tests/bench/run.sh [--sizes "10000 100000 1000000"] [--repeat N] [--no-concurrency]
set -euo pipefail
cd "$(dirname "$0")/../.."
source_dir=$PWD

sizes="10000 100000 1000000"
repeat=5
concurrency=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --no-concurrency) concurrency=0; shift ;;
    *) echo "usage: $0 [--sizes \"N ...\"] [--repeat N] [--no-concurrency]" >&2; exit 2 ;;
  esac
done

./tests/install-deps.sh

build_dir=$source_dir/build-bench
echo "building Release into $build_dir (log: $build_dir/bench-build.log)" >&2
mkdir -p "$build_dir"
if ! { cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release &&
  cmake --build "$build_dir" --target subca-preflight bench_make_crl -j "$(nproc)"; } \
  >"$build_dir/bench-build.log" 2>&1; then
  tail -n 40 "$build_dir/bench-build.log" >&2
  exit 1
fi
bin=$build_dir/src/subca-preflight
make_crl=$build_dir/tests/bench/bench_make_crl

work=$(mktemp -d /tmp/preflight-bench-XXXXXX)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# nginx serves $work/www as http://crl.bench.test/ (pinned with connect_to).
mkdir -p "$work/www"
echo 'location / { }' >"$work/locations.conf"
python3 tests/harness/servers.py nginx --conf-file "$work/locations.conf" --root "$work/www" \
  >"$work/nginx.json" 2>"$work/nginx.log" &
server_pid=$!
for _ in $(seq 100); do
  [[ -s $work/nginx.json ]] && break
  sleep 0.1
done
port=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$work/nginx.json")

# Runs a command $repeat times; prints the best wall seconds and the peak
# RSS (KiB) of that run (other load on a shared machine only ever adds
# time, so the best run is the least disturbed). Its stdout goes to
# $work/out, stderr to $work/err.
measure() {
  local runs=()
  for _ in $(seq "$repeat"); do
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || true
    runs+=("$(tail -n 1 "$work/time")")
  done
  printf '%s\n' "${runs[@]}" | sort -n | head -n 1
}

# The run must have judged the CRL: signature verified, entries walked.
expect_checks() {
  python3 - "$work/out" "$@" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
status = {}
for r in report["results"]:
    status.setdefault(r["check"], set()).add(r["status"])
for check in sys.argv[2:]:
    if status.get(check) != {"pass"}:
        sys.exit(f"benchmark run did not pass {check}: {status.get(check)}")
EOF
}

rows=()
row() {  # label entries bytes "secs kib" baseline_secs baseline_kib
  local label=$1 n=$2 bytes=$3 secs kib
  read -r secs kib <<<"$4"
  rows+=("$(python3 -c '
import sys
label, n, size, secs, kib, base_secs, base_kib = sys.argv[1:]
secs, kib, base_secs, base_kib, size = float(secs), int(kib), float(base_secs), int(base_kib), int(size)
speed = f"{base_secs / secs:6.1f}x" if secs > 0 else "     -"
print(f"{int(n):>9} {label:<40} {secs:7.2f} s {kib / 1024:8.1f} MiB  {speed} faster  "
      f"{base_kib / kib:5.1f}x less RSS  RSS/CRL {kib * 1024 / size:4.2f}")
' "$label" "$n" "$bytes" "$secs" "$kib" "$5" "$6")")
}

for n in $sizes; do
  crl=$work/www/crl-$n.crl
  ca=$work/ca-$n.pem
  root=$work/root-$n.pem
  "$make_crl" "$n" "$crl" "$ca" "$root" >"$work/serials-$n"
  bytes=$(stat -c %s "$crl")
  last=$(awk '$1 == "last" { print $2 }' "$work/serials-$n")
  echo "generated $n entries: $bytes bytes" >&2

  cat >"$work/profile-$n.yaml" <<EOF
version: 1
name: Bench CA $n
issuer:
  certificate: root-$n.pem
subca:
  certificate: ca-$n.pem
issued:
  crl_distribution_points: ["http://crl.bench.test/crl-$n.crl"]
paths:
  - name: local
    connect_to: ["crl.bench.test:80:127.0.0.1:$port"]
EOF

  read -r base_secs base_kib <<<"$(measure openssl crl -inform DER -noout -verify -CAfile "$ca" -in "$crl")"
  grep -q "verify OK" "$work/err" || { echo "openssl did not verify the $n-entry CRL" >&2; exit 1; }
  row "openssl crl -verify (baseline)" "$n" "$bytes" "$base_secs $base_kib" "$base_secs" "$base_kib"

  row "inspect --issuer" "$n" "$bytes" "$(measure "$bin" inspect "$crl" --issuer "$ca")" \
    "$base_secs" "$base_kib"
  row "inspect --issuer --format json" "$n" "$bytes" \
    "$(measure "$bin" inspect "$crl" --issuer "$ca" --format json)" "$base_secs" "$base_kib"
  expect_checks crl.signature crl.profile crl.issuer
  row "inspect --serial LAST --expect revoked" "$n" "$bytes" \
    "$(measure "$bin" inspect "$crl" --issuer "$ca" --serial "$last" --expect revoked --format json)" \
    "$base_secs" "$base_kib"
  expect_checks crl.signature crl.profile crl.entries
  row "check (nginx on 127.0.0.1)" "$n" "$bytes" \
    "$(measure "$bin" check "$work/profile-$n.yaml" --format json)" "$base_secs" "$base_kib"
  expect_checks http.status crl.parse crl.signature crl.profile
done

echo
echo "CRL benchmark on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(date -u +%Y-%m-%dT%H:%MZ); best of $repeat runs"
printf '%9s %-40s %9s %12s  %s\n' entries command wall "peak RSS" "vs baseline"
printf '%s\n' "${rows[@]}"

if [[ $concurrency -eq 1 ]]; then
  echo
  python3 tests/bench/concurrency.py --bin "$bin"
fi
