#!/usr/bin/env bash
# Regenerates docs/sample-output.txt: the text report of the demo's first
# (failing) run against the lab, as the demo shows it (-q: the diagnoses and
# the verdict). Needs a built binary (build/).
set -euo pipefail
cd "$(dirname "$0")/.."
export PREFLIGHT_BIN="${PREFLIGHT_BIN:-$PWD/build/src/subca-preflight}"
python3 - <<'PY' > docs/sample-output.txt
import os, subprocess, sys
sys.path.insert(0, "examples/lab")
from lab import PreflightLab
with PreflightLab() as lab:
    profiles = lab.write_profiles()
    done = subprocess.run([os.environ["PREFLIGHT_BIN"], "check", "-q", *profiles, "--color", "never"],
                          capture_output=True, text=True)
    print("$ subca-preflight check -q subca1.yaml subca2.yaml subca3.yaml")
    # Ports and temporary folders differ on every run; keep the sample stable.
    text = done.stdout.replace(lab.run_dir, "lab")
    for name, port in (("FRONT", lab.front.port), ("ORIGIN", lab.origin.port), ("PROXY", lab.proxy.port)):
        text = text.replace(str(port), name + "_PORT")
    print(text, end="")
    print(f"$ echo $?\n{done.returncode}")
PY
echo "wrote docs/sample-output.txt"
