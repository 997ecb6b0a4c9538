"""Every report format, written by a real run of the binary, parsed back.

Runs `subca-preflight lint` on profiles built in a temporary folder (PKI made
with the openssl CLI) and validates stdout and each --report file with
reportcheck. Also checks the output options' input errors (exit 2, before any
work) and the validators themselves on broken samples.
"""

import datetime
import json
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import textwrap
import unittest

import reportcheck

BIN = os.environ.get("PREFLIGHT_BIN", "subca-preflight")

# Quotes, markup, a pipe, a backslash and non-ASCII: every format must carry
# the name through its own escaping and give it back unchanged.
HOSTILE_NAME = 'Ex "Asia" <DV> & Co | R1 \\ Ünïcödé'

EXTENSIONS = """
[req]
distinguished_name = dn
prompt = no

[dn]

[v3_root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[v3_subca]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,digitalSignature,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:http://crl.example.test/root.crl
authorityInfoAccess = OCSP;URI:http://ocsp.example.test/root,caIssuers;URI:http://crt.example.test/root.crt
"""


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_pki(folder):
    (folder / "ext.cnf").write_text(EXTENSIONS)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", "root.key", "-out", "root.pem", "-days", "3650",
            "-subj", "/C=GB/O=Example Ltd/CN=Example Root R46", "-config", "ext.cnf",
            "-extensions", "v3_root", cwd=folder)
    openssl("req", "-new", *ec, "-keyout", "subca.key", "-out", "subca.csr",
            "-subj", "/C=GB/O=Example Ltd/CN=Example Asia DV CA R1", "-config", "ext.cnf",
            cwd=folder)
    openssl("x509", "-req", "-in", "subca.csr", "-CA", "root.pem", "-CAkey", "root.key",
            "-set_serial", "0x7f3a09c1d2", "-days", "1825", "-sha256",
            "-extfile", "ext.cnf", "-extensions", "v3_subca", "-out", "subca.pem", cwd=folder)


def write_profile(folder, file_name, name, issued_crl):
    path = folder / file_name
    path.write_text(textwrap.dedent(f"""\
        version: 1
        name: {json.dumps(name, ensure_ascii=False)}
        issuer:
          certificate: root.pem
        subca:
          certificate: subca.pem
        issued:
          crl_distribution_points: [{json.dumps(issued_crl)}]
          ocsp: ["http://ocsp.example.test/dv"]
          ca_issuers: ["http://crt.example.test/dv.crt"]
        """))
    return path


class ReportFormatsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = pathlib.Path(tempfile.mkdtemp(prefix="report_formats_"))
        make_pki(cls.dir)
        cls.good = write_profile(cls.dir, "good.yaml", HOSTILE_NAME,
                                 "http://crl.example.test/ExampleAsiaDVCAR1.crl")
        # BR 7.1.2.11.2: CDP URLs are http; https fails profile.urls.
        cls.bad = write_profile(cls.dir, "bad.yaml", "Example Asia OV CA R1",
                                "https://crl.example.test/ExampleAsiaOVCAR1.crl")
        cls.at = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        cls.at_text = cls.at.strftime("%Y-%m-%dT%H:%M:%SZ")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def lint(self, profile, *options, env=None):
        return subprocess.run([BIN, "lint", str(profile), "--at", self.at_text, *options],
                              capture_output=True, text=True, timeout=60,
                              env={**os.environ, **(env or {})})

    def reports(self, tag, formats=("json", "junit", "markdown", "prometheus", "text")):
        paths = {f: self.dir / f"{tag}.{f}" for f in formats}
        return paths, [arg for f, p in paths.items() for arg in ("--report", f"{f}={p}")]

    def run_all_formats(self, profile, tag, expected_exit):
        paths, args = self.reports(tag)
        run = self.lint(profile, "--format", "json", *args)
        self.assertEqual(run.returncode, expected_exit, run.stderr)
        self.assertEqual(run.stdout, paths["json"].read_text(encoding="utf-8"),
                         "stdout and --report json differ")
        return run, {f: p.read_text(encoding="utf-8") for f, p in paths.items()}

    def test_every_format_of_a_ready_profile(self):
        _, files = self.run_all_formats(self.good, "good", 0)
        doc = reportcheck.check_json_report(files["json"])
        self.assertEqual(doc["profile"], HOSTILE_NAME)
        self.assertEqual(doc["at"], self.at_text)
        self.assertEqual(doc["verdict"], "ready")
        checks = {r["check"] for r in doc["results"]}
        self.assertTrue(checks, "lint produced no results")
        self.assertTrue(all(c.startswith("profile.") for c in checks), checks)

        junit = reportcheck.check_junit(files["junit"])
        self.assertEqual(junit["tests"], len(doc["results"]))
        self.assertEqual(junit["failures"], doc["summary"]["fail"])
        self.assertEqual(junit["skipped"], doc["summary"]["skip"])
        self.assertEqual(list(junit["suites"]), ["profile"])

        samples = reportcheck.check_prometheus(files["prometheus"])
        ready = [s for s in samples if s.name == "subca_preflight_ready"]
        self.assertEqual([(s.labels, s.value) for s in ready], [({"profile": HOSTILE_NAME}, 1.0)])
        stamp = [s.value for s in samples if s.name == "subca_preflight_run_timestamp_seconds"]
        self.assertEqual(stamp, [self.at.timestamp()])
        by_status = {s.labels["status"]: s.value for s in samples
                     if s.name == "subca_preflight_results"}
        self.assertEqual(by_status, {k: float(v) for k, v in doc["summary"].items() if k != "by_impact"})
        exported = [s for s in samples if s.name == "subca_preflight_check_status"]
        current = [s for s in exported if s.value == 1]
        self.assertEqual(len(current), len(doc["results"]))
        self.assertEqual(len(exported), 4 * len(current))  # a state set of four statuses
        self.assertTrue(all(s.labels["profile"] == HOSTILE_NAME for s in exported))

        reportcheck.check_markdown_tables(files["markdown"])
        self.assertTrue(files["markdown"].startswith("**READY**"))
        self.assertIn("Ex \"Asia\" &lt;DV&gt; &amp; Co \\| R1 \\\\ Ünïcödé", files["markdown"])
        self.assertRegex(files["text"], r"\nREADY  pass \d+  fail 0  warn \d+( \((relying-party \d+)?(, )?(compliance \d+)?\))?  skip \d+\n$")
        self.assertNotIn("\x1b", files["text"])

    def test_every_format_of_a_failing_profile(self):
        _, files = self.run_all_formats(self.bad, "bad", 1)
        doc = reportcheck.check_json_report(files["json"])
        self.assertEqual(doc["verdict"], "not-ready")
        failed = [r for r in doc["results"] if r["status"] == "fail"]
        self.assertIn("profile.urls", {r["check"] for r in failed})
        self.assertTrue(all(r.get("hint") for r in failed), "a failure without a hint")

        junit = reportcheck.check_junit(files["junit"])
        self.assertEqual(junit["failures"], len(failed))
        failures = [c for cases in junit["suites"].values() for c in cases
                    if c.find("failure") is not None]
        self.assertIn("profile.urls", {c.find("failure").get("type") for c in failures})

        samples = reportcheck.check_prometheus(files["prometheus"])
        self.assertIn(0.0, [s.value for s in samples if s.name == "subca_preflight_ready"])
        failing = [s for s in samples if s.name == "subca_preflight_check_status"
                   and s.labels["status"] == "fail" and s.value == 1]
        self.assertEqual(len(failing), len(failed))

        rows = reportcheck.check_markdown_tables(files["markdown"])
        self.assertTrue(files["markdown"].startswith("**NOT READY**"))
        self.assertTrue(rows and "fail" in rows[0][0], "failures come first")
        self.assertRegex(files["text"], r"\nNOT READY  pass \d+  fail [1-9]\d* \((relying-party \d+)?(, )?(compliance \d+)?\)  warn \d+( \((relying-party \d+)?(, )?(compliance \d+)?\))?  skip \d+\n$")

    def test_text_on_stdout_quiet_and_colour(self):
        quiet = self.lint(self.bad, "-q", "--color", "never")
        self.assertEqual(quiet.returncode, 1, quiet.stderr)
        self.assertIn("profile.urls", quiet.stdout)
        self.assertNotIn("✔", quiet.stdout)
        self.assertNotIn("\x1b", quiet.stdout)
        coloured = self.lint(self.bad, "--color", "always")
        self.assertIn("\x1b[", coloured.stdout)
        auto = self.lint(self.bad, "--color", "auto")  # stdout is a pipe here
        self.assertNotIn("\x1b", auto.stdout)
        ascii_marks = self.lint(self.bad, env={"LC_ALL": "C", "LANG": "C"})
        self.assertIn("FAIL profile.urls", ascii_marks.stdout)

    def test_output_option_errors_exit_2_before_any_work(self):
        target = self.dir / "never.json"
        for options, message in (
                (["--format", "yaml"], "unknown format 'yaml'"),
                (["--report", "junit"], "expected FORMAT=FILE"),
                (["--report", f"xml={target}"], "unknown format 'xml'"),
                (["--report", f"json={self.dir / 'missing' / 'r.json'}"], "does not exist"),
                (["--report", f"json={self.dir}"], "it is a folder"),
                (["--color", "sometimes"], "--color"),
        ):
            with self.subTest(options=options):
                run = self.lint(self.bad, *options)
                self.assertEqual(run.returncode, 2, run.stdout + run.stderr)
                self.assertIn(message, run.stderr)
                self.assertEqual(run.stdout, "", "a report was printed before the error")
        self.assertFalse(target.exists())


class ValidatorSelfTest(unittest.TestCase):
    """The validators must reject what they exist to catch."""

    GOOD_JSON = {
        "tool": "subca-preflight", "version": "1", "profile": "P", "policy": "cabf-tls-br",
        "at": "2026-11-27T10:00:00Z", "verdict": "not-ready",
        "summary": {"pass": 0, "fail": 1, "warn": 0, "skip": 0,
                    "by_impact": {"relying-party": {"fail": 1, "warn": 0},
                                  "compliance": {"fail": 0, "warn": 0}}},
        "diagnoses": [{"id": "D1", "cause": "front-end-does-not-pass", "title": "t",
                       "status": "fail", "severity": "error", "impact": "relying-party",
                       "scope": {"profiles": ["P"], "urls": ["http://c.test/a.crl"],
                                 "paths": ["default"]},
                       "evidence": ["e"], "fix": {"action": "a", "items": []},
                       "results": ["k"]}],
        "results": [{"check": "http.status", "key": "k", "status": "fail", "severity": "error",
                     "impact": "relying-party",
                     "citations": ["BR 4.9.7", "BR 4.10.2", "RFC 6960 A.1"],
                     "role": "issued.crl", "url": "http://c.test/a.crl", "path": "default",
                     "method": "GET", "request": "fetch", "message": "HTTP 404",
                     "hint": "pass the URL", "evidence": {"http_status": 404}}],
    }

    def broken_json(self, change):
        doc = json.loads(json.dumps(self.GOOD_JSON))
        change(doc)
        return json.dumps(doc)

    def test_json_contract(self):
        reportcheck.check_json_report(json.dumps(self.GOOD_JSON))
        for name, change in (
                ("key order", lambda d: d.update(verdict=d.pop("verdict"))),
                ("counts", lambda d: d["summary"].update(fail=2)),
                ("verdict", lambda d: d.update(verdict="ready")),
                ("empty hint", lambda d: d["results"][0].update(hint="")),
                ("result order", lambda d: d["results"][0].update(
                    message=d["results"][0].pop("message"))),
                ("profile.* with a role", lambda d: d["results"][0].update(check="profile.urls")),
                ("profile key with one profile", lambda d: d["results"][0].update(profile="P")),
                ("time zone", lambda d: d.update(at="2026-11-27T10:00:00+01:00")),
                ("unregistered id", lambda d: d["results"][0].update(check="http.statuses")),
                ("no impact", lambda d: d["results"][0].pop("impact")),
                ("impact counts", lambda d: d["summary"]["by_impact"]["compliance"].update(fail=1)),
                ("citations", lambda d: d["results"][0].update(citations=["BR 1"])),
                ("unexplained failure", lambda d: d["diagnoses"][0].update(results=["x"])),
                ("explained twice", lambda d: d["diagnoses"].append(dict(d["diagnoses"][0], id="D2"))),
                ("unknown cause", lambda d: d["diagnoses"][0].update(cause="gremlins")),
        ):
            with self.subTest(name), self.assertRaises(AssertionError):
                reportcheck.check_json_report(self.broken_json(change))

    def test_junit_counts_and_names(self):
        good = ('<testsuites tests="2" failures="1" errors="0">'
                '<testsuite name="s" tests="2" failures="1" errors="0" skipped="0">'
                '<testcase classname="s" name="a" time="0.010"><failure message="m" type="t">x'
                '</failure></testcase><testcase classname="s" name="b" time="0.000"/>'
                '</testsuite></testsuites>')
        self.assertEqual(reportcheck.check_junit(good)["failures"], 1)
        for bad in (good.replace('tests="2" failures="1" errors="0">'
                                 '<testsuite', 'tests="3" failures="1" errors="0">'
                                 '<testsuite', 1),
                    good.replace('errors="0">', 'errors="0" skipped="0">', 1),
                    good.replace(' time="0.000"', ""),
                    good.replace('name="b"', 'name="a"'),
                    good.replace(' type="t"', ""),
                    good.replace("x</failure>", "\x01</failure>")):
            with self.subTest(bad), self.assertRaises((AssertionError, Exception)):
                reportcheck.check_junit(bad)

    def test_prometheus_grammar(self):
        good = ('# HELP m help\n# TYPE m gauge\nm{a="x\\"y\\\\z\\n"} 1\nm{a="w"} 0\n'
                "# TYPE n gauge\nn 5 1700000000000\n")
        samples = reportcheck.check_prometheus(good)
        self.assertEqual(samples[0].labels, {"a": 'x"y\\z\n'})
        for bad in (good.rstrip("\n"),
                    good.replace('m{a="w"}', 'm{a="x\\"y\\\\z\\n"}'),
                    good.replace('"w"', '"w\\t"'),
                    good.replace('{a="w"}', '{a="w",a="v"}'),
                    good + "m 1\n",
                    good + "# TYPE m gauge\n",
                    good.replace(" 0\n", " zero\n")):
            with self.subTest(bad), self.assertRaises(AssertionError):
                reportcheck.check_prometheus(bad)

    def test_markdown_rows(self):
        table = "| A | B |\n|---|---|\n| x \\| y | z |\n"
        self.assertEqual(reportcheck.check_markdown_tables(table), [["x \\| y", "z"]])
        with self.assertRaises(AssertionError):
            reportcheck.check_markdown_tables(table + "| x | y | z |\n")


if __name__ == "__main__":
    unittest.main()
