"""inspect (README, docs/cli.md): artifacts made by `openssl ca` and `openssl ocsp`
decode in text and JSON; with --issuer they are judged like check does."""

import base64
import functools
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

SOURCE = os.environ.get("PREFLIGHT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "tests", "harness"))

import inspect_artifacts  # noqa: E402
from inspect_artifacts import judged  # noqa: E402

BIN = os.environ.get("PREFLIGHT_BIN", "subca-preflight")
MAKE_CRL = os.path.join(os.environ.get("PREFLIGHT_BUILD_DIR", ""), "tests", "bench",
                        "bench_make_crl")


class InspectTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="inspect-test-")
        inspect_artifacts.make(cls.dir)
        cls.ca = os.path.join(cls.dir, "ca")
        cls.other = os.path.join(cls.dir, "other")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def path(self, name, ca=None):
        return os.path.join(ca or self.ca, name)

    def inspect(self, *args):
        # A local server is reached directly, whatever proxy the environment sets.
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        return subprocess.run([BIN, "inspect", *args], capture_output=True, text=True,
                              timeout=60, env=env)

    def inspect_json(self, *args, expect_code):
        p = self.inspect(*args, "--format", "json")
        self.assertEqual(p.returncode, expect_code, p.stdout + p.stderr)
        report = json.loads(p.stdout)
        for key in ("tool", "version", "at", "artifact", "cert_status", "verdict",
                    "summary", "results"):
            self.assertIn(key, report)
        self.assertEqual(report["tool"], "subca-preflight")
        return report

    def results_by_check(self, report):
        out = {}
        for r in report["results"]:
            out.setdefault(r["check"], []).append(r)
            self.assertNotIn("url", r)
            self.assertNotIn("path", r)
        return out

    def test_crl_decodes_in_text_and_json(self):
        for name in ("crl.der", "crl.pem"):
            p = self.inspect(self.path(name))
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("crl", p.stdout.splitlines()[0])
            self.assertIn("CN=Lab Issuing CA", p.stdout)
            report = self.inspect_json(self.path(name), expect_code=0)
            artifact = report["artifact"]
            self.assertEqual(artifact["kind"], "crl")
            self.assertIn("Lab Issuing CA", artifact["issuer"])
            for key in ("this_update", "next_update", "crl_number", "entry_count",
                        "authority_key_id", "signature_algorithm", "extensions"):
                self.assertIn(key, artifact)
            self.assertEqual(artifact["entry_count"], 1)
            self.assertIsNone(report["cert_status"])
            self.assertEqual(report["results"], [])

    def test_ocsp_response_decodes(self):
        report = self.inspect_json(self.path("revoked.ocsp"), expect_code=0)
        artifact = report["artifact"]
        self.assertEqual(artifact["kind"], "ocsp-response")
        self.assertEqual(artifact["response_status"], "successful")
        for key in ("responder_id", "produced_at", "responses", "certs"):
            self.assertIn(key, artifact)
        single = artifact["responses"][0]
        self.assertEqual(single["status"], "revoked")
        self.assertEqual(single["revocation_reason"], "keyCompromise")
        for key in ("hash_algorithm", "issuer_name_hash", "issuer_key_hash", "serial"):
            self.assertIn(key, single["cert_id"])
        p = self.inspect(self.path("valid.ocsp"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("good", p.stdout)

    def test_certificate_pkcs7_and_csr_decode(self):
        report = self.inspect_json(self.path("valid.der"), expect_code=0)
        artifact = report["artifact"]
        self.assertEqual(artifact["kind"], "certificate")
        self.assertEqual(artifact["crl_urls"], ["http://crl.lab.test/lab.crl"])
        self.assertEqual(artifact["ocsp_urls"], ["http://ocsp.lab.test"])
        self.assertIn("digitalSignature", artifact["key_usage"])
        report = self.inspect_json(self.path("chain.p7b"), expect_code=0)
        self.assertEqual(report["artifact"]["kind"], "pkcs7")
        self.assertEqual(len(report["artifact"]["certificates"]), 2)
        report = self.inspect_json(self.path("valid.csr"), expect_code=0)
        self.assertEqual(report["artifact"]["kind"], "csr")
        self.assertTrue(report["artifact"]["signature_valid"])

    def test_good_crl_with_issuer_passes(self):
        report = self.inspect_json(*judged(self.dir, "crl"), expect_code=0)
        checks = self.results_by_check(report)
        self.assertEqual(checks["crl.signature"][0]["status"], "pass")
        self.assertEqual(checks["crl.issuer"][0]["status"], "pass")
        self.assertEqual(report["verdict"], "ready")
        # Judging walks the CRL once and fills in the summary: the same as without --issuer.
        plain = self.inspect_json(self.path("crl.der"), expect_code=0)
        self.assertEqual(report["artifact"], plain["artifact"])
        self.assertEqual(report["artifact"]["entry_count"], 1)
        self.assertEqual(len(report["artifact"]["sha256"]), 64)

    def test_crl_with_wrong_issuer_fails_signature(self):
        report = self.inspect_json(*judged(self.dir, "crl-of-another-issuer"),
                                   expect_code=1)
        checks = self.results_by_check(report)
        self.assertEqual(checks["crl.signature"][0]["status"], "fail")
        self.assertEqual(report["verdict"], "not-ready")

    def test_crl_of_an_issuer_without_crlsign_fails_signature(self):
        # RFC 5280 §6.3.3(f): relying parties reject the CRL, however well it verifies.
        report = self.inspect_json(*judged(self.dir, "crl-issuer-without-crlsign"),
                                   expect_code=1)
        signature = self.results_by_check(report)["crl.signature"][0]
        self.assertEqual(signature["status"], "fail")
        self.assertEqual(signature["impact"], "relying-party")
        self.assertIn("cRLSign", signature["message"])
        self.assertIn("RFC 5280 §6.3.3(f)", signature["message"] + signature.get("hint", ""))
        self.assertEqual(report["verdict"], "not-ready")

    def test_undecodable_crl_fails_parse_and_the_verdict_agrees_with_the_exit_code(self):
        truncated = os.path.join(self.dir, "truncated.crl")
        for issuer in (("--issuer", self.path("ca.pem")), ()):
            with self.subTest(issuer=issuer):
                report = self.inspect_json(truncated, *issuer, expect_code=1)
                checks = self.results_by_check(report)
                self.assertEqual(checks["crl.parse"][0]["status"], "fail")
                self.assertEqual(checks["crl.signature"][0]["status"], "skip")
                self.assertEqual(report["verdict"], "not-ready")

    def test_crl_reports_the_named_certificates_status(self):
        report = self.inspect_json(*judged(self.dir, "crl-revoked-as-expected"),
                                   expect_code=0)
        self.assertEqual(report["cert_status"], "revoked")
        checks = self.results_by_check(report)
        self.assertEqual(checks["crl.entries"][0]["status"], "pass")
        report = self.inspect_json(*judged(self.dir, "crl-valid-expected-revoked"),
                                   expect_code=1)
        self.assertEqual(report["cert_status"], "good")
        # Without --expect the status is looked up in the same walk, not judged.
        for cert, status in (("revoked.pem", "revoked"), ("valid.pem", "good")):
            report = self.inspect_json(self.path("crl.der"), "--issuer", self.path("ca.pem"),
                                       "--cert", self.path(cert), expect_code=0)
            self.assertEqual(report["cert_status"], status)
            self.assertNotIn("crl.entries", self.results_by_check(report))

    def test_ocsp_with_issuer_and_cert(self):
        report = self.inspect_json(*judged(self.dir, "ocsp-good"), expect_code=0)
        self.assertEqual(report["cert_status"], "good")
        checks = self.results_by_check(report)
        self.assertEqual(checks["ocsp.signature"][0]["status"], "pass")
        self.assertEqual(checks["ocsp.certid"][0]["status"], "pass")
        report = self.inspect_json(*judged(self.dir, "ocsp-of-another-issuer"),
                                   expect_code=1)
        checks = self.results_by_check(report)
        self.assertEqual(checks["ocsp.certid"][0]["status"], "fail")

    def test_ocsp_signed_by_the_rekeyed_issuer_fails_issuer_key(self):
        for name in ("rekeyed-by-name", "rekeyed-by-key"):
            with self.subTest(name):
                report = self.inspect_json(*judged(self.dir, f"ocsp-{name}"), expect_code=1)
                checks = self.results_by_check(report)
                self.assertEqual(checks["ocsp.signature"][0]["status"], "pass")
                signer = checks["ocsp.signer"][0]
                self.assertEqual(signer["status"], "fail")
                self.assertIn("carries the issuer's name but not the key the CertID names",
                              signer["message"])
                self.assertIn("this looks like a key rollover", signer["message"])
                self.assertIn("with the old key", signer["hint"])

    def test_url_input_is_fetched_and_judged_as_served(self):
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=self.ca)
        handler.log_message = lambda *args: None
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        report = self.inspect_json(f"{base}/crl.der", "--issuer", self.path("ca.pem"),
                                   expect_code=0)
        self.assertEqual(report["artifact"]["kind"], "crl")
        # Served as PEM, the body fails crl.parse as check would judge it.
        report = self.inspect_json(f"{base}/crl.pem", "--issuer", self.path("ca.pem"),
                                   expect_code=1)
        self.assertEqual(self.results_by_check(report)["crl.parse"][0]["status"], "fail")
        p = self.inspect(f"{base}/missing.crl")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("HTTP 404", p.stderr)

    def test_random_file_exits_1(self):
        p = self.inspect(os.path.join(self.dir, "random.bin"))
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        report = self.inspect_json(os.path.join(self.dir, "random.bin"), expect_code=1)
        self.assertEqual(report["artifact"]["kind"], "unknown")
        self.assertEqual(report["verdict"], "not-ready")
        self.assertTrue(report["artifact"]["looks_like"])

    def test_missing_file_exits_2(self):
        p = self.inspect(os.path.join(self.dir, "does-not-exist.crl"))
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("does-not-exist.crl", p.stderr)

    def test_usage_errors_exit_2(self):
        self.assertEqual(self.inspect(self.path("crl.der"), "--format", "yaml").returncode, 2)
        self.assertEqual(self.inspect(self.path("crl.der"), "--expect", "good").returncode, 2)
        self.assertEqual(self.inspect(self.path("crl.der"), "--at", "yesterday").returncode, 2)

    def test_a_crl_over_4_mib_read_in_windows_says_what_the_whole_file_says(self):
        """Past 4 MiB a DER file is mapped a window at a time and walked as it
        passes (docs/judgement.md); the same CRL as PEM is read whole."""
        folder = os.path.join(self.dir, "windows")
        os.makedirs(folder, exist_ok=True)
        der, ca = os.path.join(folder, "big.crl"), os.path.join(folder, "ca.pem")
        made = subprocess.run([MAKE_CRL, "100000", der, ca], capture_output=True, text=True,
                              check=True, timeout=120)
        serials = dict(line.split() for line in made.stdout.splitlines())
        with open(der, "rb") as f:
            body = f.read()
        self.assertGreater(len(body), 4 << 20)
        pem = os.path.join(folder, "big.pem")
        with open(pem, "w") as f:
            f.write("-----BEGIN X509 CRL-----\n" + base64.encodebytes(body).decode() +
                    "-----END X509 CRL-----\n")
        # Both readings judged at the same instant: the messages give times left.
        at = ("--at", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        for args, code, status in (
                ((), 0, None),
                (("--serial", serials["last"]), 0, "revoked"),
                (("--serial", serials["absent"]), 0, "good"),
                (("--issuer", ca, "--serial", serials["middle"], "--expect", "revoked"), 0,
                 "revoked"),
                (("--issuer", ca, "--serial", serials["absent"], "--expect", "revoked"), 1, "good")):
            with self.subTest(args=args):
                windowed = self.inspect_json(der, *at, *args, expect_code=code)
                whole = self.inspect_json(pem, *at, *args, expect_code=code)
                self.assertEqual(windowed["artifact"]["entry_count"], 100000)
                self.assertEqual(windowed["artifact"]["sha256"], hashlib.sha256(body).hexdigest())
                self.assertEqual(windowed["cert_status"], status)
                self.assertEqual(windowed["artifact"].pop("encoding"), "DER")
                self.assertEqual(whole["artifact"].pop("encoding"), "PEM")
                for key in ("artifact", "cert_status", "verdict", "summary", "results"):
                    self.assertEqual(windowed[key], whole[key], key)


if __name__ == "__main__":
    unittest.main()
