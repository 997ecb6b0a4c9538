"""The SubCA profile templates in profiles/ are valid, ready profiles.

Builds the example PKI with profiles/make-example-pki.sh into a temporary
folder, copies each template next to it, and runs `subca-preflight lint` on
it and on the variants its comments describe (identity from a csr alone or
from subject + public_key, the CCADB placeholder, full CRLs).
"""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

BIN = os.environ["PREFLIGHT_BIN"]
SOURCE = os.environ["PREFLIGHT_SOURCE_DIR"]
PROFILES = os.path.join(SOURCE, "profiles")
MAKE_PKI = os.path.join(PROFILES, "make-example-pki.sh")
# The templates a CA starts from; every *.yaml in profiles/ is linted.
REQUIRED = ("tls-issuing-ca", "smime-issuing-ca", "pre-ceremony", "delegated-responder",
            "partitioned-crls")
NAMES = sorted(f[:-len(".yaml")] for f in os.listdir(PROFILES) if f.endswith(".yaml"))


def read(name):
    with open(os.path.join(PROFILES, name + ".yaml"), encoding="utf-8") as f:
        return f.read()


class ProfileTemplatesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="preflight-profiles-")
        generated = os.path.join(cls.dir, "generated")
        subprocess.run([MAKE_PKI, generated], check=True, capture_output=True, timeout=120)
        # The SubCA's subject under another key: a request that is not the reviewed tbs's.
        subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                        os.path.join(generated, "other.key"), "-subj",
                        "/C=GB/O=Example Ltd/CN=Example Asia DV CA R1", "-out",
                        os.path.join(generated, "other.csr")],
                       check=True, capture_output=True, timeout=60)

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
        self.last_report = report
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

    def test_the_required_templates_are_there(self):
        self.assertLessEqual(set(REQUIRED), set(NAMES))

    def test_every_template_lints_ready(self):
        for name in NAMES:
            with self.subTest(example=name):
                results = self.lint(name + ".yaml", read(name))
                self.assertEqual(results["profile.urls"]["status"], "pass")
                self.assertEqual(results["profile.identity"]["status"], "pass")

    def test_probes_of_the_templates_are_issued_by_the_subca(self):
        for name in ("tls-issuing-ca", "smime-issuing-ca", "delegated-responder",
                     "corporate-proxy"):
            with self.subTest(example=name):
                results = self.lint(name + ".yaml", read(name))
                self.assertEqual(results["profile.probes"]["status"], "pass")

    def test_smime_template_uses_the_smime_policy(self):
        self.lint("smime-issuing-ca.yaml", read("smime-issuing-ca"))
        self.assertEqual(self.last_report["policy"], "cabf-smime-br")

    def test_pre_ceremony_identity_variants(self):
        text = read("pre-ceremony")
        # As shipped: the tbs gives the identity, the csr agrees with it, and
        # the tbs's own URLs are compared with the typed ones.
        results = self.lint("pre-ceremony.yaml", text)
        self.assertEqual(results["profile.identity"]["status"], "pass")
        self.assertEqual(results["profile.urls-match"]["status"], "pass")

        no_tbs = ("  tbs: generated/subca-tbs.pem\n", "")
        no_csr = ("  csr: generated/subca.csr\n", "")
        results = self.lint("pre-ceremony-csr.yaml", self.variant(text, [no_tbs]))
        self.assertEqual(results["profile.identity"]["status"], "pass")
        # Without a certificate or tbs there is nothing to compare listed URLs with.
        self.assertEqual(results["profile.urls-match"]["status"], "skip")

        from_string = self.variant(text, [no_tbs, no_csr,
                                          ("  # subject: ", "  subject: "),
                                          ("  # public_key: ", "  public_key: ")])
        results = self.lint("pre-ceremony-subject.yaml", from_string)
        self.assertEqual(results["profile.identity"]["status"], "pass")
        self.assertEqual(results["profile.urls-match"]["status"], "skip")

        # A csr of another key than the reviewed tbs is caught.
        other = self.variant(text, [("  csr: generated/subca.csr", "  csr: generated/other.csr")])
        code, results = self.run_lint("pre-ceremony-other.yaml", other)
        self.assertNotEqual(code, 0)
        self.assertEqual(results["profile.identity"]["status"], "fail")

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
