"""`subca-preflight check` against real servers on 127.0.0.1: the bundled
lab (nginx origin and front end, `openssl ocsp` responders, tinyproxy) in
the shapes real CRL/OCSP endpoints fail in."""

import json
import os
import subprocess
import sys
import time
import unittest

SOURCE = os.environ.get("PREFLIGHT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "examples", "lab"))
sys.path.insert(0, os.path.join(SOURCE, "tests", "harness"))

from lab import NEW_SUBCAS, NAMES, crl_url  # noqa: E402
from lab_scenarios import SCENARIOS, scenario_profiles, start_lab  # noqa: E402

import reportcheck  # noqa: E402

BINARY = os.environ["PREFLIGHT_BIN"]


def check(profiles, extra=(), timeout=120):
    done = subprocess.run([BINARY, "check", *profiles, "--format", "json", *extra],
                          capture_output=True, text=True, timeout=timeout)
    try:
        # Every result of every lab run names a registered check and carries an impact.
        report = reportcheck.check_json_report(done.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"no JSON report (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    # Hints and diagnoses follow the evidence: the lab's reference path is "origin".
    reportcheck.check_origin_claims(report)
    return done.returncode, report


def profile_of(report, result):
    return result.get("profile", report["profile"])


def failing(report, status="fail"):
    """{(check, profile, role, path)} of results with that status."""
    return {(r["check"], profile_of(report, r), r.get("role"), r.get("path"))
            for r in report["results"] if r["status"] == status}


class CheckAgainstLab(unittest.TestCase):
    def run_scenario(self, name):
        """Starts the lab in that shape (tests/harness/lab_scenarios.py): the
        profiles to check and the options to check them with."""
        scenario = SCENARIOS[name]
        lab = start_lab(scenario)
        self.addCleanup(lab.stop)
        return scenario_profiles(lab, scenario)

    def assert_only_failures(self, report, expected):
        got = failing(report)
        self.assertEqual(got, expected, json.dumps(
            [r for r in report["results"] if r["status"] == "fail"], indent=1)[:6000])

    def test_healthy_lab_is_ready(self):
        code, report = check(*self.run_scenario("healthy"))
        self.assert_only_failures(report, set())
        self.assertEqual(code, 0)
        self.assertEqual(report["verdict"], "ready")
        self.assertEqual(report["profile"], [NAMES[c] for c in NEW_SUBCAS])
        checks = {r["check"] for r in report["results"] if r["status"] == "pass"}
        for expected in ("crl.signature", "crl.issuer", "ocsp.signer", "ocsp.probe-status",
                         "ocsp.unused-serial", "ocsp.get", "crl.entries", "aia.ca-issuers",
                         "crl.consistent", "ocsp.consistent", "profile.identity"):
            self.assertIn(expected, checks)

    def test_shared_requests_are_sent_once_and_judged_per_profile(self):
        scenario = SCENARIOS["healthy"]
        lab = start_lab(scenario)
        self.addCleanup(lab.stop)
        profiles, args = scenario_profiles(lab, scenario)
        evidence = os.path.join(lab.run_dir, "evidence-shared")
        code, report = check(profiles, [*args, "--evidence", evidence])
        self.assertEqual(code, 0)
        with open(os.path.join(evidence, "MANIFEST.sha256"), encoding="utf-8") as f:
            bodies = {line.split("  ", 1)[1].strip() for line in f if ".body" in line}
        # The issuer's CRL, caIssuers and unused-serial OCSP questions are the
        # same for the three SubCAs: asked once per path, judged per profile.
        shared = {}
        for r in report["results"]:
            if r.get("role") in ("subca.crl", "subca.ca_issuers") and r["check"] == "http.status":
                shared.setdefault((r["url"], r["path"]), set()).add(
                    (profile_of(report, r), r["evidence"]["evidence_file"]))
        self.assertTrue(shared)
        for key, seen in shared.items():
            self.assertEqual(len({p for p, _ in seen}), len(NEW_SUBCAS), key)
            self.assertEqual(len({f for _, f in seen}), 1, key)
        files = {r["evidence"]["evidence_file"] for r in report["results"]
                 if "evidence_file" in r.get("evidence", {})}
        self.assertLessEqual(files, bodies)
        # One http.status result per request asked; fewer files than that were written.
        asked = [r["evidence"]["evidence_file"] for r in report["results"]
                 if r["check"] == "http.status"]
        self.assertLess(len(set(asked)), len(asked))

    def test_2025_incident_front_end_allowlist(self):
        code, report = check(*self.run_scenario("allowlist-incident"))
        self.assertEqual(code, 1)
        self.assertEqual(report["verdict"], "not-ready")
        expected = set()
        for ca in NEW_SUBCAS:
            for path in ("relying-party", "corp-proxy"):
                expected.add(("http.status", NAMES[ca], "issued.crl", path))
                expected.add(("ocsp.response-status", NAMES[ca], "issued.ocsp", path))
        self.assert_only_failures(report, expected)
        # The issuer's own endpoints pass through the front end.
        passing = {(r["check"], r.get("role"), r.get("path")) for r in report["results"]
                   if r["status"] == "pass"}
        self.assertIn(("http.status", "subca.crl", "relying-party"), passing)
        self.assertIn(("ocsp.probe-status", "subca.ocsp", "relying-party"), passing)
        hints = [r["hint"] for r in report["results"]
                 if r["status"] == "fail" and r["check"] == "http.status"]
        self.assertTrue(all("origin answers 200" in h and "allowlist" in h for h in hints), hints)
        self.assertTrue(all(crl_url("legacy") in h for h in hints), hints)
        unauthorized = [r for r in report["results"]
                        if r["status"] == "fail" and r["check"] == "ocsp.response-status"]
        self.assertTrue(all("unauthorized" in r["message"] for r in unauthorized))
        self.assertTrue(any("origin answers" in r["hint"] and "good" in r["hint"]
                            for r in unauthorized if r["request"] == "probe"), unauthorized)
        for r in unauthorized:
            self.assertIn("request_base64", r["evidence"])
            self.assertIn("curl", r["evidence"])
        # Evidence describes the 404 reply that was received, body included.
        not_found = [r for r in report["results"] if r["status"] == "fail" and r["check"] == "http.status"]
        self.assertTrue(all(r["evidence"]["http_status"] == 404 and r["evidence"]["bytes"] > 0
                            for r in not_found), not_found)

    def test_redirect_to_https_fails(self):
        code, report = check(*self.run_scenario("redirect-to-https"))
        self.assertEqual(code, 1)
        for path in ("relying-party", "corp-proxy"):
            self.assertIn(("http.redirect", NAMES["subca1"], "issued.crl", path), failing(report))
        self.assertNotIn(("http.redirect", NAMES["subca1"], "issued.crl", "origin"), failing(report))

    def test_html_soft_200_fails_crl_parse(self):
        code, report = check(*self.run_scenario("html-soft-200"))
        self.assertEqual(code, 1)

        def results(check_id):
            return [r for r in report["results"] if r["check"] == check_id
                    and profile_of(report, r) == NAMES["subca2"]
                    and r.get("path") == "relying-party" and r.get("role") == "issued.crl"]

        parse = results("crl.parse")
        self.assertEqual([r["status"] for r in parse], ["fail"])
        self.assertIn("HTML", parse[0]["message"])
        self.assertEqual([r["status"] for r in results("crl.signature")], ["skip"])

    def test_slow_and_refused_paths_name_the_stage(self):
        profiles, args = self.run_scenario("slow-and-refused-paths")
        self.assertEqual(args, ["--timeout", "3s"])
        started = time.monotonic()
        code, report = check(profiles, args)
        elapsed = time.monotonic() - started
        self.assertEqual(code, 1)
        self.assertLess(elapsed, 20, "requests must run concurrently and stop at the timeout")
        reach = [r for r in report["results"] if r["check"] == "http.reachable" and r["status"] == "fail"]
        self.assertEqual({r["path"] for r in reach}, {"slow", "dead"})
        self.assertTrue(all("timed out" in r["message"] for r in reach if r["path"] == "slow"), reach)
        self.assertTrue(all("refused" in r["message"] for r in reach if r["path"] == "dead"), reach)
        self.assertFalse(any(r.get("path") in ("relying-party", "origin", "corp-proxy")
                             for r in report["results"] if r["status"] == "fail"))
        skipped = [r for r in report["results"] if r.get("path") == "dead" and r["check"] == "http.status"]
        self.assertTrue(skipped and all(r["status"] == "skip" for r in skipped))

    def test_stale_crl_at_the_front_end(self):
        code, report = check(*self.run_scenario("stale-crl-at-front-end"))
        self.assertEqual(code, 1)
        got = failing(report)
        for path in ("relying-party", "corp-proxy"):
            self.assertIn(("crl.consistent", NAMES["subca1"], "issued.crl", path), got)
            self.assertIn(("crl.current", NAMES["subca1"], "issued.crl", path), got)
        self.assertNotIn(("crl.consistent", NAMES["subca1"], "issued.crl", "origin"), got)

    def test_crl_never_published_points_at_the_origin(self):
        code, report = check(*self.run_scenario("crl-never-published"))
        self.assertEqual(code, 1)
        self.assert_only_failures(report, {("http.status", NAMES["subca3"], "issued.crl", p)
                                           for p in ("relying-party", "corp-proxy", "origin")})
        for r in report["results"]:
            if r["status"] == "fail" and r["path"] != "origin":
                self.assertIn("origin answers 404", r["hint"])
                self.assertIn("publish it there first", r["hint"])
                self.assertNotIn("allowlist", r["hint"].split(".")[0])

    def test_forward_proxy_filtering_a_host(self):
        code, report = check(*self.run_scenario("proxy-filters-a-host"))
        self.assertEqual(code, 1)
        self.assert_only_failures(report, {("http.status", NAMES["subca2"], "issued.ocsp", "corp-proxy")})
        msgs = {r["message"] for r in report["results"] if r["status"] == "fail"}
        self.assertTrue(any("403" in m for m in msgs), msgs)


if __name__ == "__main__":
    unittest.main()
