"""`cmake --install` into a temporary prefix, moved elsewhere afterwards: the
binary finds its policies relative to itself, never through a path compiled
in from the source tree. The source tree's policies (which the build tree
links to) are hidden from the moved binary's view by an empty tmpfs mounted
over them in a private mount namespace; `policies`, `lint` and `inspect` then
run from the moved prefix, as does the installed bash completion."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE = os.environ["PREFLIGHT_SOURCE_DIR"]
BUILD = os.environ["PREFLIGHT_BUILD_DIR"]
BIN = os.environ["PREFLIGHT_BIN"]
sys.path.insert(0, os.path.join(SOURCE, "tests", "harness"))
from completion import complete  # noqa: E402

POLICIES = sorted(f[:-len(".yaml")] for f in os.listdir(os.path.join(SOURCE, "policies"))
                  if f.endswith(".yaml"))
ENV = {k: v for k, v in os.environ.items() if k != "SUBCA_PREFLIGHT_POLICY_DIR"}


def hidden(argv):
    """argv run with the source tree's policies/ covered by an empty tmpfs."""
    script = 'mount -t tmpfs -o ro,size=4k none "$0" && exec "$@"'
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script,
            os.path.join(SOURCE, "policies"), *argv]


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, env=ENV, **kwargs)


class InstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="preflight-install-")
        staged = os.path.join(cls.tmp, "staged")
        done = run(["cmake", "--install", BUILD, "--prefix", staged, "--strip"])
        assert done.returncode == 0, done.stdout + done.stderr
        cls.prefix = os.path.join(cls.tmp, "moved", "elsewhere")
        os.makedirs(os.path.dirname(cls.prefix))
        os.rename(staged, cls.prefix)
        cls.bin = os.path.join(cls.prefix, "bin", "subca-preflight")
        cls.pki = os.path.join(cls.tmp, "work", "generated")
        subprocess.run([os.path.join(SOURCE, "profiles", "make-example-pki.sh"), cls.pki],
                       check=True, capture_output=True, timeout=120)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_installed_layout(self):
        share = os.path.join(self.prefix, "share")
        self.assertEqual(sorted(f[:-len(".yaml")] for f in
                                os.listdir(os.path.join(share, "subca-preflight", "policies"))),
                         POLICIES)
        built = sorted(os.listdir(os.path.join(BUILD, "docs", "man1")))
        self.assertEqual(sorted(os.listdir(os.path.join(share, "man", "man1"))),
                         [p for p in built if p.endswith(".1.gz")])
        for path in ("bash-completion/completions/subca-preflight", "doc/subca-preflight/README.md",
                     "doc/subca-preflight/copyright", "doc/subca-preflight/changelog.gz",
                     "doc/subca-preflight/docs/cli.md",
                     "doc/subca-preflight/profiles/tls-issuing-ca.yaml"):
            self.assertTrue(os.path.isfile(os.path.join(share, path)), path)

    def test_no_source_path_in_the_binary(self):
        with open(self.bin, "rb") as f:
            self.assertNotIn(os.path.join(SOURCE, "policies").encode(), f.read())

    def test_the_source_policies_are_hidden_from_the_view(self):
        done = run(hidden([BIN, "policies"]))
        self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
        self.assertIn("no policies found", done.stderr)

    def test_policies_from_the_moved_prefix(self):
        done = run(hidden([self.bin, "policies", "--format", "json"]))
        self.assertEqual(done.returncode, 0, done.stderr)
        listed = json.loads(done.stdout)["policies"]
        self.assertEqual([p["name"] for p in listed], POLICIES)
        folder = os.path.join(self.prefix, "share", "subca-preflight", "policies")
        for policy in listed:
            self.assertEqual(os.path.dirname(policy["source"]), folder)

    def test_lint_from_the_moved_prefix(self):
        template = os.path.join(self.prefix, "share", "doc", "subca-preflight", "profiles",
                                "smime-issuing-ca.yaml")
        profile = os.path.join(os.path.dirname(self.pki), "smime.yaml")
        shutil.copy(template, profile)
        done = run(hidden([self.bin, "lint", profile, "--format", "json"]))
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        report = json.loads(done.stdout)
        self.assertEqual(report["policy"], "cabf-smime-br")
        self.assertEqual(report["verdict"], "ready")

    def test_inspect_from_the_moved_prefix(self):
        done = run(hidden([self.bin, "inspect", os.path.join(self.pki, "subca.crl"),
                           "--issuer", os.path.join(self.pki, "subca.pem"),
                           "--policy", "strict", "--format", "json"]))
        # strict is found only in the moved prefix (exit 2 "unknown policy" otherwise).
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        report = json.loads(done.stdout)
        self.assertEqual(report["artifact"]["kind"], "crl")
        self.assertEqual(report["verdict"], "ready")

    def test_version_is_the_build_trees(self):
        moved = run([self.bin, "--version"])
        built = run([BIN, "--version"])
        self.assertEqual((moved.returncode, moved.stdout), (0, built.stdout))
        self.assertRegex(moved.stdout, r"^subca-preflight \d+\.\d+\.\d+( \(git [\w.-]+\))?\n$")

    def test_installed_completion_finds_the_moved_policies(self):
        script = os.path.join(self.prefix, "share", "bash-completion", "completions",
                              "subca-preflight")
        got = complete(script, [self.bin, "check", "--policy", ""])
        self.assertLessEqual(set(POLICIES), got)


if __name__ == "__main__":
    unittest.main()
