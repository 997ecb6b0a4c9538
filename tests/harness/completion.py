"""Runs a bash completion script the way bash's programmable completion
does: COMP_WORDS/COMP_CWORD set, the completion function called, COMPREPLY
returned."""

import os
import shlex
import subprocess


def complete(script, words, env=None):
    """Candidates for the last of `words` (words[0] is the command as typed)."""
    program = (f"source {shlex.quote(script)}\n"
               f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})\n"
               f"COMP_CWORD={len(words) - 1}\n"
               "_subca_preflight\n"
               "printf '%s\\n' \"${COMPREPLY[@]}\"\n")
    run_env = {k: v for k, v in os.environ.items() if k != "SUBCA_PREFLIGHT_POLICY_DIR"}
    run_env.update(env or {})
    done = subprocess.run(["bash", "--norc", "--noprofile", "-c", program], capture_output=True,
                          text=True, timeout=30, env=run_env)
    assert done.returncode == 0, done.stderr
    return set(line for line in done.stdout.splitlines() if line)
