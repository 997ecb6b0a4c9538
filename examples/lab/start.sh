#!/usr/bin/env bash
# Brings the lab up in the background; examples/lab/stop.sh takes it down.
# Prints the lab's state (ports, profiles) once it is up.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
run="${1:-$here/run}"
mkdir -p "$run"
if [[ -f "$run/lab.pid" ]] && kill -0 "$(cat "$run/lab.pid")" 2>/dev/null; then
  echo "lab already up (pid $(cat "$run/lab.pid")); stop it with $here/stop.sh" >&2
  exit 1
fi
rm -f "$run/state.json"
python3 "$here/lab.py" up --run-dir "$run" ${LAB_ALLOW:+--allow "$LAB_ALLOW"} >"$run/lab.log" 2>&1 &
echo $! > "$run/lab.pid"
for _ in $(seq 100); do
  [[ -f "$run/state.json" ]] && { cat "$run/state.json"; exit 0; }
  kill -0 "$(cat "$run/lab.pid")" 2>/dev/null || break
  sleep 0.2
done
echo "lab did not come up; see $run/lab.log" >&2
cat "$run/lab.log" >&2
exit 1
