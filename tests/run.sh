#!/usr/bin/env bash
# Installs what the build and tests need (Debian 12), builds into build/,
# runs every test under ctest. Usage: tests/run.sh [--sanitize]
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
cmake_args=()
if [[ "${1:-}" == "--sanitize" ]]; then
  build_dir=build-sanitize
  cmake_args+=(-DPREFLIGHT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
  # Every report is fatal, leaks included; the integration tests inherit these.
  export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
fi

./tests/install-deps.sh

cmake -S . -B "$build_dir" -G "Unix Makefiles" "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
cd "$build_dir"
ctest --output-on-failure -j "$(nproc)"
