"""The `rfc5280` policy over every CRL/OCSP fixture the integration tests
build changes only what BR, CCADB Policy or MRSP rules decide
(docs/checks.md "Sources").

Each shape of the bundled lab (tests/harness/lab_scenarios.py), for the
SubCAs it changes, is checked under the default policy (cabf-tls-br) and
under `--policy rfc5280`, the two runs side by side against the same
servers at the same `--at`; so is each hostile reply at a CRL URL that ends
at once (tests/harness/hostile_cases.py, its policy extending either). Each
artifact that `inspect` judges (tests/harness/inspect_artifacts.py) is
judged under both, when made and two hours before its nextUpdate, and so is
each CRL of tests/regressions/crl.

The results are paired by their key. A pair whose status differs must owe
it to BR, CCADB or MRSP sub-rules the results name (`rules`, their families
from `checks --format json`): a change to or from pass over such rules
only, fail ↔ warn only where the failing one names such a rule. A result
only the default run has must be of a check without an rfc sub-rule; an rfc
finding never disappears.
"""

import collections
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

SOURCE = os.environ.get("PREFLIGHT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "tests", "harness"))

import hostile_cases  # noqa: E402
import inspect_artifacts  # noqa: E402
from lab_scenarios import SCENARIOS, SharedLab  # noqa: E402
from servers import Lab  # noqa: E402

import reportcheck  # noqa: E402

BINARY = os.environ["PREFLIGHT_BIN"]
DEFAULT = "cabf-tls-br"
RFC = "rfc5280"
FINDINGS = ("fail", "warn")
NOT_JUDGED = "holds for the policy's sources; not judged: "


def rfc3339(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def run_both(argv_default, argv_rfc, timeout=120):
    """Runs the two commands side by side; their JSON reports, validated."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env) for argv in (argv_default, argv_rfc)]
    reports = []
    for argv, proc in zip((argv_default, argv_rfc), procs):
        out, err = proc.communicate(timeout=timeout)
        if proc.returncode not in (0, 1):
            raise AssertionError(f"exit {proc.returncode}: {' '.join(argv)}\n{err}")
        try:
            reports.append(reportcheck.check_json_report(out))
        except json.JSONDecodeError:
            raise AssertionError(f"no JSON report: {' '.join(argv)}\n{out}\n{err}") from None
    return reports


def keyed(report):
    """{key: result}; inspect results, which carry no key, by check, role and
    request, numbered where one repeats."""
    out, seen = {}, collections.Counter()
    for r in report["results"]:
        key = r.get("key")
        if key is None:
            where = (r["check"], r.get("role"), r.get("request"), r.get("serial"))
            seen[where] += 1
            key = " | ".join(p for p in where if p) + f" #{seen[where]}"
        assert key not in out, f"result key repeats: {key}"
        out[key] = r
    return out


class Tally:
    def __init__(self):
        self.fixtures = 0
        self.pairs = 0
        self.changed = collections.Counter()  # (check, default status, rfc status)
        self.left_out = collections.Counter()  # check
        self.kept_findings = 0  # rfc-sourced failures and warnings found under both

    def line(self):
        changes = ", ".join(f"{n} {c} {d}→{r}" for (c, d, r), n in sorted(self.changed.items()))
        return (f"{self.fixtures} fixtures, {self.pairs} results paired, "
                f"{sum(self.changed.values())} changed status ({changes}), "
                f"{sum(self.left_out.values())} left out under rfc5280, "
                f"{self.kept_findings} rfc findings kept")


class Rfc5280Sweep(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.started = time.monotonic()
        # check id → {sub-rule id: source}, from the binary's own registry.
        cls.sources = {cid: {rule["id"]: rule["source"] for rule in c["rules"]}
                       for cid, c in reportcheck.registry().items()}
        cls.tally = Tally()

    @classmethod
    def tearDownClass(cls):
        print(f"\nrfc5280 sweep: {cls.tally.line()} in {time.monotonic() - cls.started:.1f} s",
              file=sys.stderr)

    def has_rfc_rule(self, check):
        # A check without sub-rules (merge.*) holds under every policy's sources.
        rules = self.sources.get(check, {})
        return not rules or "rfc" in rules.values()

    def rfc_named(self, result):
        """Whether a finding is an rfc one: it names an rfc sub-rule, or names
        none (the check's as a whole) and its check has one."""
        named = result.get("rules", [])
        if not named:
            return self.has_rfc_rule(result["check"])
        return any(self.sources[result["check"]][rule] == "rfc" for rule in named)

    def compare(self, where, default, rfc, policies=(DEFAULT, RFC)):
        """Asserts the contract on one fixture's two reports; returns
        {key: (default status, rfc status)} of the pairs that changed."""
        self.assertEqual(default.get("policy", policies[0]), policies[0], where)
        self.assertEqual(rfc.get("policy", policies[1]), policies[1], where)
        d, r = keyed(default), keyed(rfc)
        self.assertFalse(set(r) - set(d), f"{where}: results only under rfc5280")
        changed = {}
        for key, dr in d.items():
            check = dr["check"]
            if key not in r:
                # Left out: a check none of whose sub-rules is rfc.
                self.assertFalse(self.has_rfc_rule(check),
                                 f"{where}: {key} left out under rfc5280 but {check} has an rfc "
                                 f"sub-rule")
                self.tally.left_out[check] += 1
                continue
            rr = r[key]
            self.tally.pairs += 1
            self.assertTrue(self.has_rfc_rule(check),
                            f"{where}: {key} judged under rfc5280 without an rfc sub-rule")
            if rr["status"] == "pass" and rr.get("rules"):
                self.assertTrue(rr["message"].startswith(NOT_JUDGED), f"{where}: {rr}")
            if dr["status"] in FINDINGS and self.rfc_named(dr):
                # An rfc finding does not disappear.
                self.assertIn(rr["status"], FINDINGS, f"{where}: rfc finding {key} gone under "
                              f"rfc5280:\n{json.dumps(dr, indent=1)}\n{json.dumps(rr, indent=1)}")
                self.tally.kept_findings += 1
            if rr["status"] == dr["status"]:
                continue
            change = (check, dr["status"], rr["status"])
            changed[key] = change[1:]
            self.tally.changed[change] += 1
            self.assert_change_is_not_rfc(where, key, dr, rr)
        self.tally.fixtures += 1
        return changed

    def assert_change_is_not_rfc(self, where, key, dr, rr):
        """A status change must come from BR, CCADB or MRSP sub-rules the results name:
        fail or warn → pass only over such rules; fail ↔ warn only where the worse of
        the two names such a rule (what escalated it)."""
        check = dr["check"]
        both = f"\n{json.dumps(dr, indent=1)}\n{json.dumps(rr, indent=1)}"
        what = f"{where}: {key} changed {dr['status']} → {rr['status']}"
        if dr["status"] in FINDINGS and rr["status"] in FINDINGS:
            worse = dr if dr["status"] == "fail" else rr
            escalations = {rule for rule in worse.get("rules", [])
                           if self.sources[check][rule] != "rfc"}
            self.assertTrue(escalations, f"{what} with no BR/CCADB/MRSP sub-rule named{both}")
            return
        named = set(dr.get("rules", [])) | set(rr.get("rules", []))
        self.assertTrue(named, f"{what} naming no sub-rule{both}")
        families = {self.sources[check][rule] for rule in named}
        self.assertNotIn("rfc", families, f"{what} over rfc sub-rules {sorted(named)}{both}")

    def test_every_lab_scenario(self):
        per_scenario = {}
        with SharedLab() as shared:
            for scenario in SCENARIOS.values():
                # The SubCAs a shape leaves alone are served as in "healthy": not again.
                with self.subTest(scenario=scenario.name), \
                        shared.scenario(scenario, changed_only=True) as (profiles, args):
                    at = rfc3339(datetime.datetime.now(datetime.timezone.utc))
                    argv = [BINARY, "check", *profiles, *args, "--format", "json", "--at", at,
                            "--no-progress"]
                    default, rfc = run_both(argv, argv + ["--policy", RFC])
                    per_scenario[scenario.name] = self.compare(scenario.name, default, rfc)
        self.assertEqual(set(per_scenario), set(SCENARIOS), "every scenario ran")
        # The sweep sees BR-only faults pass: a CRL with two hours left breaks only the CCADB
        # margin (crl.current `min-remaining`).
        stale = {k: v for k, v in per_scenario["stale-crl-at-front-end"].items()
                 if k.startswith("crl.current |")}
        self.assertTrue(stale and set(stale.values()) == {("fail", "pass")}, stale)
        self.assertEqual(per_scenario["healthy"], {})

    def test_every_quick_hostile_reply(self):
        d = tempfile.mkdtemp(prefix="rfc5280-sweep-")
        self.addCleanup(shutil.rmtree, d, True)
        pki = os.path.join(d, "pki")
        subprocess.run([os.path.join(SOURCE, "profiles", "make-example-pki.sh"), pki],
                       check=True, capture_output=True, timeout=120)
        policies = {}
        for extends, name in ((DEFAULT, "hostile-lab"), (RFC, "hostile-lab-rfc5280")):
            policies[name] = os.path.join(d, f"{name}.yaml")
            with open(policies[name], "w", encoding="utf-8") as f:
                f.write(hostile_cases.policy(extends, name))
        lab = Lab(os.path.join(d, "servers"))
        self.addCleanup(lab.stop)
        for case in hostile_cases.QUICK:
            with self.subTest(case=case):
                server = hostile_cases.start(lab, case)
                profile = hostile_cases.write_profile(d, case, policies["hostile-lab"], pki,
                                                      [hostile_cases.URL],
                                                      hostile_cases.pinned_body(server))
                argv = [BINARY, "check", profile, "--format", "json", "--timeout", "2s",
                        "--no-progress"]
                default, rfc = run_both(argv, argv + ["--policy", policies["hostile-lab-rfc5280"]])
                self.assertEqual(default["verdict"], "not-ready", case)
                self.compare(f"hostile {case}", default, rfc, tuple(policies))

    def test_every_judged_artifact(self):
        d = tempfile.mkdtemp(prefix="rfc5280-sweep-")
        self.addCleanup(shutil.rmtree, d, True)
        made = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        inspect_artifacts.make(d)
        two_hours = datetime.timedelta(hours=2)
        changed = {}
        for name in inspect_artifacts.JUDGED:
            lifetime = (inspect_artifacts.OCSP_VALIDITY if name.startswith("ocsp")
                        else inspect_artifacts.CRL_VALIDITY)
            for when, at in (("made", made), ("near nextUpdate", made + lifetime - two_hours)):
                where = f"{name} ({when})"
                with self.subTest(artifact=where):
                    argv = [BINARY, "inspect", *inspect_artifacts.judged(d, name), "--format",
                            "json", "--at", rfc3339(at)]
                    default, rfc = run_both(argv, argv + ["--policy", RFC])
                    self.assertTrue(default["results"], f"{where}: nothing judged")
                    changed[where] = self.compare(where, default, rfc)
        # The CRLs kept as fuzz regressions, judged against the artifacts' CA.
        regressions = os.path.join(SOURCE, "tests", "regressions", "crl")
        for der in sorted(os.listdir(regressions)):
            with self.subTest(regression=der):
                argv = [BINARY, "inspect", os.path.join(regressions, der), "--issuer",
                        os.path.join(d, "ca", "ca.pem"), "--format", "json", "--at", rfc3339(made)]
                default, rfc = run_both(argv, argv + ["--policy", RFC])
                self.assertTrue(default["results"], f"{der}: nothing judged")
                changed[der] = self.compare(der, default, rfc)
        self.assertEqual(changed["crl (made)"], {})
        # Two hours before nextUpdate only the CCADB margin fails.
        self.assertEqual(set(changed["crl (near nextUpdate)"].values()), {("fail", "pass")})


if __name__ == "__main__":
    unittest.main()
