#!/usr/bin/env bash
# The demo on a fresh Debian 12 machine: installs what is missing, builds,
# brings the lab up (127.0.0.1 only), runs the check on its three new SubCAs
# (NOT READY: the front end does not pass them), adds them to the front
# end's allowlist, runs again (READY), takes the lab down.
# Exit 0 when both runs behaved so. Reports go to the folder it prints.
set -euo pipefail
cd "$(dirname "$0")/.."

./tests/install-deps.sh
cmake -S . -B build >/dev/null
cmake --build build -j "$(nproc)" --target subca-preflight

export PREFLIGHT_BIN="$PWD/build/src/subca-preflight"
exec python3 examples/lab/lab.py demo --out "${1:-$PWD/examples/lab/run/reports}"
