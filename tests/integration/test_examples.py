"""The annotated example profiles in examples/ are valid profiles (examples/example-asia-dv.yaml).

Builds the example PKI with examples/make-example-pki.sh into a temporary
folder, copies each example next to it, and runs `subca-preflight lint` on
it and on the variants its comments describe (identity from subject +
public_key or from a tbs, the CCADB placeholder, full CRLs).
"""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

BIN = os.environ["PREFLIGHT_BIN"]
SOURCE = os.environ["PREFLIGHT_SOURCE_DIR"]
EXAMPLES = os.path.join(SOURCE, "examples")
MAKE_PKI = os.path.join(EXAMPLES, "make-example-pki.sh")
NAMES = ("pre-ceremony", "delegated-responder", "partitioned-crls", "corporate-proxy")


def read(name):
    with open(os.path.join(EXAMPLES, name + ".yaml"), encoding="utf-8") as f:
        return f.read()


@unittest.skipUnless(os.path.exists(MAKE_PKI), "examples/make-example-pki.sh is not in this tree")
class ExampleProfilesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="preflight-examples-")
        subprocess.run([MAKE_PKI, os.path.join(cls.dir, "generated")],
                       check=True, capture_output=True, timeout=120)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def run_lint(self, file_name, text):
        path = os.path.join(self.dir, file_name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        result = subprocess.run([BIN, "lint", path, "--format", "json"],
                                capture_output=True, text=True, timeout=60)
        self.assertIn(result.returncode, (0, 1), result.stdout + result.stderr)
        report = json.loads(result.stdout)
        return result.returncode, {r["check"]: r for r in report["results"]}

    def lint(self, file_name, text):
        code, results = self.run_lint(file_name, text)
        self.assertEqual(code, 0, json.dumps(results, indent=1))
        return results

    def variant(self, text, replacements):
        for old, new in replacements:
            self.assertIn(old, text)
            text = text.replace(old, new, 1)
        return text

    def test_every_example_lints_ready(self):
        for name in NAMES:
            with self.subTest(example=name):
                results = self.lint(name + ".yaml", read(name))
                self.assertEqual(results["profile.urls"]["status"], "pass")
                self.assertEqual(results["profile.identity"]["status"], "pass")

    def test_probes_of_the_examples_are_issued_by_the_subca(self):
        for name in ("delegated-responder", "corporate-proxy"):
            with self.subTest(example=name):
                results = self.lint(name + ".yaml", read(name))
                self.assertEqual(results["profile.probes"]["status"], "pass")

    def test_pre_ceremony_identity_variants(self):
        text = read("pre-ceremony")
        no_csr = ("  csr: generated/subca.csr\n", "")
        from_string = self.variant(text, [no_csr,
                                          ("  # subject: ", "  subject: "),
                                          ("  # public_key: ", "  public_key: ")])
        results = self.lint("pre-ceremony-subject.yaml", from_string)
        self.assertEqual(results["profile.identity"]["status"], "pass")
        # Without a certificate or tbs there is nothing to compare listed URLs with.
        self.assertEqual(results["profile.urls-match"]["status"], "skip")

        from_tbs = self.variant(text, [no_csr, ("  # tbs: ", "  tbs: ")])
        results = self.lint("pre-ceremony-tbs.yaml", from_tbs)
        self.assertEqual(results["profile.identity"]["status"], "pass")
        self.assertEqual(results["profile.urls-match"]["status"], "pass")

    def test_partitioned_disclosure_and_its_variants(self):
        text = read("partitioned-crls")
        results = self.lint("partitioned.yaml", text)
        self.assertEqual(results["profile.disclosure"]["status"], "pass")

        listed = text[text.index("  partitioned_crls:\n"):text.index("\n\n  # Never both")]
        placeholder = self.variant(text, [(listed, '  partitioned_crls: [""]')])
        results = self.lint("placeholder.yaml", placeholder)
        self.assertEqual(results["profile.disclosure"]["status"], "pass")

        # Full CRLs instead: the partition URLs are then not disclosed.
        full_crl = '  full_crls: ["http://crl.crlocsp.cn/ExampleAsiaDVCAR1.crl"]'
        full = self.variant(text, [(listed, full_crl)])
        code, results = self.run_lint("full.yaml", full)
        self.assertEqual(code, 1)
        self.assertEqual(results["profile.disclosure"]["status"], "fail")


if __name__ == "__main__":
    unittest.main()
