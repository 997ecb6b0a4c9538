"""The bash completion generated at build time (build/docs/subca-preflight.bash)
completes what `--help` lists: commands, each command's options, member
values (--format, --role, --expect), report formats, --color values and the
shipped policy names the binary itself would find."""

import os
import re
import subprocess
import sys
import tempfile
import unittest

SOURCE = os.environ["PREFLIGHT_SOURCE_DIR"]
sys.path.insert(0, os.path.join(SOURCE, "tests", "harness"))
from completion import complete  # noqa: E402

BIN = os.environ["PREFLIGHT_BIN"]
SCRIPT = os.path.join(os.environ["PREFLIGHT_BUILD_DIR"], "docs", "subca-preflight.bash")
POLICIES = {f[:-len(".yaml")] for f in os.listdir(os.path.join(SOURCE, "policies"))
            if f.endswith(".yaml")}


def help_text(*command):
    return subprocess.run([BIN, *command, "--help"], capture_output=True, text=True,
                          timeout=30).stdout


def commands():
    text = help_text()
    block = text[text.index("Subcommands:"):].splitlines()[1:]
    return {line.split()[0] for line in block if line.startswith("  ")}


def options(*command):
    text = help_text(*command)
    return {n for first in re.findall(r"^\s+(-[\w,-]+)", text, re.M) for n in first.split(",")}


class CompletionTest(unittest.TestCase):
    def test_the_script_is_valid_bash(self):
        done = subprocess.run(["bash", "-n", SCRIPT], capture_output=True, text=True)
        self.assertEqual((done.returncode, done.stderr), (0, ""))

    def test_commands(self):
        self.assertEqual(complete(SCRIPT, [BIN, ""]), commands())
        self.assertEqual(complete(SCRIPT, [BIN, "ch"]), {c for c in commands() if c.startswith("ch")})

    def test_options_of_every_command(self):
        for command in commands():
            with self.subTest(command=command):
                self.assertEqual(complete(SCRIPT, [BIN, command, "-"]), options(command))
        self.assertEqual(complete(SCRIPT, [BIN, "--"]), {"--help", "--version"})

    def test_option_values(self):
        formats = {"text", "json", "junit", "markdown", "prometheus"}
        self.assertEqual(complete(SCRIPT, [BIN, "check", "x.yaml", "--format", ""]), formats)
        self.assertEqual(complete(SCRIPT, [BIN, "inspect", "--format", ""]), {"text", "json"})
        self.assertEqual(complete(SCRIPT, [BIN, "inspect", "--role", ""]), {"issued", "ca"})
        self.assertEqual(complete(SCRIPT, [BIN, "check", "--color", "a"]), {"auto", "always"})
        self.assertEqual(complete(SCRIPT, [BIN, "check", "--report", "ju"]), {"junit="})

    def test_policy_names_as_the_binary_finds_them(self):
        for command in ("check", "lint", "inspect"):
            with self.subTest(command=command):
                got = complete(SCRIPT, [BIN, command, "--policy", ""])
                self.assertLessEqual(POLICIES, got)
        with tempfile.TemporaryDirectory() as folder:
            open(os.path.join(folder, "house.yaml"), "w").close()
            got = complete(SCRIPT, [BIN, "lint", "--policy", "h"],
                           {"SUBCA_PREFLIGHT_POLICY_DIR": folder})
            self.assertIn("house", got)
            self.assertFalse(POLICIES & got)

    def test_files_for_arguments(self):
        with tempfile.TemporaryDirectory() as folder:
            profile = os.path.join(folder, "subca1.yaml")
            open(profile, "w").close()
            self.assertEqual(complete(SCRIPT, [BIN, "lint", os.path.join(folder, "sub")]),
                             {profile})


if __name__ == "__main__":
    unittest.main()
