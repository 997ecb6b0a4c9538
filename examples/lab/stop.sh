#!/usr/bin/env bash
# Stops exactly what start.sh started: the lab process, which stops its
# servers by PID.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
run="${1:-$here/run}"
[[ -f "$run/lab.pid" ]] || { echo "no lab running from $run" >&2; exit 0; }
pid=$(cat "$run/lab.pid")
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
fi
rm -f "$run/lab.pid"
echo "lab stopped"
