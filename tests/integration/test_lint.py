"""`subca-preflight lint` and `policies`: exit codes and messages (README, exit codes).

Builds the example PKI with profiles/make-example-pki.sh into a temporary
folder, next to a copy of profiles/tls-issuing-ca.yaml.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

BIN = os.environ["PREFLIGHT_BIN"]
SOURCE = os.environ["PREFLIGHT_SOURCE_DIR"]
EXAMPLE = os.path.join(SOURCE, "profiles", "tls-issuing-ca.yaml")


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60)


class ChecksCommandTest(unittest.TestCase):
    """`subca-preflight checks` lists the registry, as zlint -list-lints-json does."""

    def test_json_lists_every_check_with_its_declaration(self):
        done = subprocess.run([BIN, "checks", "--format", "json"], capture_output=True,
                              text=True, timeout=30)
        self.assertEqual(done.returncode, 0, done.stderr)
        checks = json.loads(done.stdout)["checks"]
        ids = [c["id"] for c in checks]
        self.assertEqual(len(ids), len(set(ids)))
        # The split checks are there, each with its declared impact.
        by_id = {c["id"]: c for c in checks}
        self.assertEqual(by_id["crl.age"]["impact"], "compliance")
        self.assertEqual(by_id["ocsp.responder-profile"]["impact"], "compliance")
        self.assertEqual(by_id["crl.signature"]["impact"], "relying-party")
        self.assertIn("RFC 5280 §6.3.3(f)", by_id["crl.signature"]["citations"])
        self.assertEqual(by_id["crl.idp"]["needs"], ["crl.parse"])
        # Advisories are listed too, at most warnings, with their citation and rule.
        advisory = by_id["advisory.unused-serial-revoked-form"]
        self.assertEqual((advisory["severity"], advisory["impact"]), ("warning", "compliance"))
        self.assertIn("RFC 6960 §2.2", advisory["citations"])
        self.assertEqual([(r["id"], r["source"], r["citation"]) for r in advisory["rules"]],
                         [("non-issued", "rfc", "RFC 6960 §2.2")])
        self.assertEqual([r["id"] for r in by_id["ocsp.signer"]["rules"]],
                         ["authorized", "issuer-key"])
        self.assertEqual([(r["id"], r["source"], r["citation"]) for r in by_id["crl.issuer"]["rules"]],
                         [("name-match", "rfc", "RFC 5280 §7.1"),
                          ("byte-identical", "br", "BR 7.2")])
        for c in checks:
            with self.subTest(c["id"]):
                self.assertEqual(list(c), ["id", "summary", "citations", "severity", "impact",
                                           "needs", "rules"])
                self.assertTrue(c["summary"] and c["citations"])
                # Every sub-rule with its source family and citation.
                # merge.* judge whether reports can be trusted together: no PKI sub-rule.
                self.assertEqual(not c["rules"], c["id"].startswith("merge."))
                rule_ids = [r["id"] for r in c["rules"]]
                self.assertEqual(len(rule_ids), len(set(rule_ids)))
                for r in c["rules"]:
                    self.assertEqual(list(r), ["id", "source", "citation", "summary"])
                    self.assertIn(r["source"], ("rfc", "br", "ccadb", "mrsp"))
                    self.assertTrue(r["citation"] and r["summary"])
                self.assertIn(c["severity"], ("error", "warning"))
                self.assertIn(c["impact"], ("relying-party", "compliance"))
                # A check needs only checks declared before it.
                for need in c["needs"]:
                    self.assertLess(ids.index(need), ids.index(c["id"]))
        # Every check docs/checks.md documents is listed, and the other way round.
        with open(os.path.join(os.environ["PREFLIGHT_SOURCE_DIR"], "docs", "checks.md")) as f:
            documented = set(re.findall(r"^### `([a-z]+\.[a-z0-9-]+)`$", f.read(), re.M))
        self.assertEqual(set(ids), documented)

    def test_text_lists_every_id(self):
        done = subprocess.run([BIN, "checks"], capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 0, done.stderr)
        for check_id in ("http.reachable", "crl.age", "ocsp.age", "aia.ca-issuers"):
            self.assertIn(f"\n{check_id}\n", "\n" + done.stdout)


class LintTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="preflight-lint-")
        subprocess.run(
            [os.path.join(SOURCE, "profiles", "make-example-pki.sh"),
             os.path.join(cls.dir, "generated")],
            check=True, capture_output=True, timeout=120)
        with open(EXAMPLE, encoding="utf-8") as f:
            cls.example_text = f.read()
        cls.example = cls.write("example.yaml", cls.example_text)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def write(cls, name, text):
        path = os.path.join(cls.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def variant(self, name, old, new):
        self.assertIn(old, self.example_text)
        return self.write(name, self.example_text.replace(old, new, 1))

    def position_of(self, text, needle):
        """1-based line and column of needle in text."""
        offset = text.index(needle)
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return line, column

    def test_example_is_ready(self):
        result = run("lint", self.example)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stderr, "")

    def test_example_is_ready_under_every_shipped_policy(self):
        for policy in ("cabf-tls-br", "cabf-smime-br", "rfc5280", "strict"):
            with self.subTest(policy=policy):
                result = run("lint", self.example, "--policy", policy)
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_typo_key_names_position_and_suggestion(self):
        path = self.variant("typo.yaml", "  crl_distribution_points: [\"http://crl.crlocsp.cn",
                            "  crl_distribution_point: [\"http://crl.crlocsp.cn")
        with open(path, encoding="utf-8") as f:
            line, column = self.position_of(f.read(), "crl_distribution_point: [\"http://crl.crlocsp")
        result = run("lint", path)
        self.assertEqual(result.returncode, 2)
        self.assertIn(f"{path}:{line}:{column}: ", result.stderr)
        self.assertIn("did you mean `crl_distribution_points`?", result.stderr)
        self.assertNotIn("Traceback", result.stderr)

    def test_malformed_url_is_an_input_error(self):
        path = self.variant("url.yaml", "ocsp: [\"http://ocsp.crlocsp.cn\"]",
                            "ocsp: [\"ocsp.crlocsp.cn\"]")
        result = run("lint", path)
        self.assertEqual(result.returncode, 2)
        self.assertRegex(result.stderr, re.escape(path) + r":\d+:\d+: issued\.ocsp: .*not an absolute URL")

    def test_disallowed_scheme_is_not_ready(self):
        path = self.variant("https.yaml", "ocsp: [\"http://ocsp.crlocsp.cn\"]",
                            "ocsp: [\"https://ocsp.crlocsp.cn\"]")
        result = run("lint", path)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("profile.urls", result.stdout)

    def test_probe_off_the_list_is_not_ready(self):
        path = self.variant("probe.yaml", "crl_distribution_points: [\"http://crl.crlocsp.cn/ExampleAsiaDVCAR1.crl\"]",
                            "crl_distribution_points: [\"http://crl.crlocsp.cn/Other.crl\"]")
        result = run("lint", path)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)

    def test_missing_profile_file(self):
        result = run("lint", os.path.join(self.dir, "absent.yaml"))
        self.assertEqual(result.returncode, 2)
        self.assertIn("no such file", result.stderr)

    def test_missing_certificate_file_names_the_key(self):
        path = self.variant("nocert.yaml", "generated/root.pem", "generated/absent.pem")
        result = run("lint", path)
        self.assertEqual(result.returncode, 2)
        self.assertIn("issuer.certificate: \"generated/absent.pem\": no such file", result.stderr)

    def test_unknown_policy(self):
        result = run("lint", self.example, "--policy", "strickt")
        self.assertEqual(result.returncode, 2)
        self.assertIn("did you mean `strict`?", result.stderr)

    def test_unknown_policy_in_profile_points_at_the_key(self):
        path = self.variant("policy.yaml", "policy: cabf-tls-br", "policy: cabf-tls")
        line, column = self.position_of(self.example_text, "cabf-tls-br ")
        result = run("lint", path)
        self.assertEqual(result.returncode, 2)
        self.assertIn(f"{path}:{line}:{column}: policy: unknown policy", result.stderr)

    def test_bad_at(self):
        result = run("lint", self.example, "--at", "yesterday")
        self.assertEqual(result.returncode, 2)
        self.assertIn("RFC 3339", result.stderr)

    def test_unknown_option(self):
        result = run("lint", self.example, "--no-such-option")
        self.assertEqual(result.returncode, 2)

    def test_missing_argument(self):
        self.assertEqual(run("lint").returncode, 2)

    def test_help(self):
        result = run("lint", "--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("--policy", result.stdout)


class PoliciesTest(unittest.TestCase):
    def test_lists_the_shipped_policies(self):
        result = run("policies")
        self.assertEqual(result.returncode, 0, result.stderr)
        for name in ("cabf-tls-br", "cabf-smime-br", "rfc5280", "strict"):
            self.assertIn(name, result.stdout)
        for key in ("http.timeout", "crl.issued_max_validity", "ocsp.max_age", "max_in_flight"):
            self.assertIn(key, result.stdout)
        self.assertRegex(result.stdout, r"ocsp\.require_post\s+false\s+false\s+false\s+true")
        self.assertRegex(result.stdout, r"\nsources\s+rfc,br,ccadb,mrsp\s+rfc,br,ccadb,mrsp\s+rfc\s")

    def test_json(self):
        result = run("policies", "--format", "json")
        self.assertEqual(result.returncode, 0, result.stderr)
        data = json.loads(result.stdout)
        by_name = {p["name"]: p for p in data["policies"]}
        self.assertEqual(sorted(by_name), ["cabf-smime-br", "cabf-tls-br", "rfc5280", "strict"])
        self.assertEqual(by_name["cabf-tls-br"]["thresholds"]["crl.ca_max_validity"], "12mo")
        rfc = by_name["rfc5280"]["thresholds"]
        self.assertEqual(rfc["sources"], ["rfc"])
        self.assertEqual(by_name["cabf-tls-br"]["thresholds"]["sources"],
                         ["rfc", "br", "ccadb", "mrsp"])
        for key in ("crl.issued_max_validity", "crl.ca_max_validity", "crl.issued_max_age",
                    "crl.ca_max_age", "ocsp.max_validity", "ocsp.ca_max_age", "ocsp.max_age"):
            self.assertEqual(rfc[key], "unlimited", key)
        self.assertEqual(rfc["crl.min_remaining"], "0s")
        self.assertTrue(by_name["strict"]["thresholds"]["escalate_warnings"])

    def test_bad_format(self):
        self.assertEqual(run("policies", "--format", "xml").returncode, 2)


if __name__ == "__main__":
    unittest.main()
