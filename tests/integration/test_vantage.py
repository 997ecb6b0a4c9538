"""Several vantage points, one verdict: `check --vantage`, `merge` and
`handoff` on the bundled lab, with a second front end standing for a CDN edge
in another region that still has the allowlist of before the ceremony."""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

SOURCE = os.environ.get("PREFLIGHT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "examples", "lab"))
sys.path.insert(0, os.path.join(SOURCE, "tests", "harness"))

from lab import ALLOWLIST_BEFORE, NEW_SUBCAS, PreflightLab, crl_url  # noqa: E402

import reportcheck  # noqa: E402

BINARY = os.environ["PREFLIGHT_BIN"]
CRL = crl_url("subca1")


def run(*args, cwd=None):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def merge(*args):
    done = run("merge", *args, "--format", "json")
    try:
        return done.returncode, reportcheck.check_json_report(done.stdout), done
    except json.JSONDecodeError:
        raise AssertionError(f"no JSON report (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")


def results(report, check, status=None):
    return [r for r in report["results"]
            if r["check"] == check and (status is None or r["status"] == status)]


def rewrite_manifest(folder):
    """Writes a manifest that matches the folder's files again (as anyone who
    can edit a report can)."""
    lines = []
    for dirpath, _, files in os.walk(folder):
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            relative = os.path.relpath(path, folder)
            if relative == "MANIFEST.sha256" or os.path.islink(path):
                continue
            with open(path, "rb") as f:
                lines.append(f"{hashlib.sha256(f.read()).hexdigest()}  {relative}\n")
    with open(os.path.join(folder, "MANIFEST.sha256"), "w") as f:
        f.writelines(lines)


class Vantage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.lab = PreflightLab(allow=ALLOWLIST_BEFORE + NEW_SUBCAS, regional_allow=ALLOWLIST_BEFORE)
        cls.lab.__enter__()
        cls.tmp = tempfile.mkdtemp(prefix="preflight-vantage-")
        cls.profile = cls.lab.write_profiles()[0]
        with open(cls.profile) as f:
            cls.base = f.read().split("paths:")[0]
        cls.core = cls.run_vantage("ca-core", cls.lab.front.port)
        cls.cn = cls.run_vantage("cn-edge", cls.lab.regional.port)

    @classmethod
    def tearDownClass(cls):
        cls.lab.__exit__(None, None, None)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def write_profile(cls, name, port, edit=("", "")):
        path = os.path.join(cls.lab.run_dir, "profiles", f"{name}.yaml")
        with open(path, "w") as f:
            f.write(cls.base.replace(*edit) + f'paths:\n  - name: cdn\n    connect_to: ["::127.0.0.1:{port}"]\n')
        return path

    @classmethod
    def run_vantage(cls, name, port, *extra, edit=("", "")):
        evidence = os.path.join(cls.tmp, f"evidence-{name}")
        done = run("check", cls.write_profile(name, port, edit), "--vantage", name,
                   "--evidence", evidence, "--format", "json", *extra)
        assert done.returncode in (0, 1), done.stderr
        return evidence

    def copy(self, folder):
        target = tempfile.mkdtemp(dir=self.tmp)
        os.rmdir(target)
        shutil.copytree(folder, target, symlinks=True)
        return target

    def report_of(self, folder):
        with open(os.path.join(folder, "report.json")) as f:
            return reportcheck.check_json_report(f.read())

    def test_check_records_vantage_digest_start_and_address(self):
        core, cn = self.report_of(self.core), self.report_of(self.cn)
        self.assertEqual((core["vantage"], cn["vantage"]), ("ca-core", "cn-edge"))
        # Paths differ by vantage point; the digest does not.
        self.assertEqual(core["profile_digest"], cn["profile_digest"])
        self.assertLessEqual(abs(reportcheck.parse_rfc3339_utc(core["started_at"]).timestamp()
                                 - time.time()), 600)
        for report, port in ((core, self.lab.front.port), (cn, self.lab.regional.port)):
            http = [r for r in report["results"] if "path" in r]
            self.assertTrue(http)
            self.assertEqual({r["connected_to"] for r in http}, {f"127.0.0.1:{port}"})
            self.assertEqual({r["proxy"] for r in http}, {None})
        # The text report names it too.
        text = run("check", os.path.join(self.lab.run_dir, "profiles", "ca-core.yaml"),
                   "--vantage", "ca-core", "--color", "never").stdout
        self.assertIn("vantage ca-core", text.splitlines()[0])

    def test_bad_vantage_name_is_a_usage_error(self):
        done = run("check", self.profile, "--vantage", "cn edge\x1b")
        self.assertEqual(done.returncode, 2)
        self.assertIn("--vantage", done.stderr)

    def test_merge_names_the_failing_vantage_point(self):
        code, report, _ = merge(self.core, self.cn, "--require-vantage", "ca-core",
                                "--require-vantage", "cn-edge", "--max-age", "1h")
        self.assertEqual(code, 1)
        self.assertEqual(report["verdict"], "not-ready")
        self.assertEqual([i["vantage"] for i in report["inputs"]], ["ca-core", "cn-edge"])
        self.assertFalse([r for r in report["results"]
                          if r["check"].startswith("merge.") and r["status"] == "fail"])
        status = [r for r in results(report, "http.status", "fail") if r["url"] == CRL]
        self.assertEqual(len(status), 1)
        self.assertTrue(status[0]["message"].startswith("fails from cn-edge only; passes from ca-core:"),
                        status[0]["message"])
        self.assertEqual(status[0]["evidence"]["vantages"]["cn-edge"]["connected_to"],
                         f"127.0.0.1:{self.lab.regional.port}")
        scopes = [d["scope"] for d in report["diagnoses"]]
        self.assertTrue(any(CRL in s and "fails from cn-edge" in s for s in scopes), scopes)
        # Every format carries the vantage points.
        for fmt, validate in (("junit", reportcheck.check_junit),
                              ("prometheus", reportcheck.check_prometheus),
                              ("markdown", reportcheck.check_markdown_tables), ("text", None)):
            done = run("merge", self.core, self.cn, "--format", fmt, "--color", "never")
            self.assertEqual(done.returncode, 1, fmt)
            if validate:
                validate(done.stdout)
            self.assertIn("cn-edge", done.stdout, fmt)

    def test_missing_required_vantage(self):
        code, report, _ = merge(self.core, "--require-vantage", "ca-core",
                                "--require-vantage", "eu-edge")
        self.assertEqual(code, 1)
        failed = results(report, "merge.vantage", "fail")
        self.assertEqual(len(failed), 1)
        self.assertIn("eu-edge is missing", failed[0]["message"])
        self.assertEqual(code, 1)
        # Alone, the passing vantage point is ready.
        self.assertEqual(merge(self.core, "--require-vantage", "ca-core")[0], 0)

    def test_stale_report(self):
        report = self.report_of(self.core)
        old = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3 * 86400))
        report["at"] = report["started_at"] = old
        stale = os.path.join(self.tmp, "stale.json")
        with open(stale, "w") as f:
            json.dump(report, f)
        code, merged, _ = merge(stale, "--max-age", "1d")
        self.assertEqual(code, 1)
        self.assertIn("more than --max-age", results(merged, "merge.age", "fail")[0]["message"])
        code, merged, _ = merge(stale)
        self.assertEqual(code, 0)
        self.assertEqual(results(merged, "merge.age")[0]["status"], "skip")

    def test_run_with_at_cannot_vouch_for_today(self):
        evidence = self.run_vantage("past", self.lab.front.port, "--at",
                                    time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                  time.gmtime(time.time() - 86400)))
        code, report, _ = merge(self.core, evidence)
        self.assertEqual(code, 1)
        failed = results(report, "merge.clock", "fail")
        self.assertEqual([r["vantage"] for r in failed], ["past"])

    def test_edited_profile(self):
        evidence = self.run_vantage("edited", self.lab.front.port,
                                    edit=("expect: revoked", "expect: good"))
        code, report, _ = merge(self.core, evidence)
        self.assertEqual(code, 1)
        self.assertIn("different versions of the profile",
                      results(report, "merge.profile-digest", "fail")[0]["message"])

    def test_tampered_evidence(self):
        folder = self.copy(self.core)
        body = next(os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs
                    if f.endswith(".body"))
        with open(body, "ab") as f:
            f.write(b"x")
        code, report, _ = merge(folder)
        self.assertEqual(code, 1)
        message = results(report, "merge.manifest", "fail")[0]["message"]
        self.assertIn(os.path.relpath(body, folder) + ": SHA-256 differs", message)

    def test_unreadable_inputs_are_usage_errors(self):
        not_json = os.path.join(self.tmp, "not.json")
        with open(not_json, "w") as f:
            f.write("<html>")
        empty = tempfile.mkdtemp(dir=self.tmp)
        for source in (os.path.join(self.tmp, "missing.json"), not_json, empty):
            done = run("merge", self.core, source)
            self.assertEqual(done.returncode, 2, done.stderr)
            self.assertIn(source, done.stderr)

    def test_hostile_evidence_folder(self):
        folder = self.copy(self.core)
        bodies = sorted(os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs
                        if f.endswith(".body"))
        os.remove(bodies[0])
        os.symlink("/etc/passwd", bodies[0])
        huge = os.path.join(folder, "huge.body")
        with open(huge, "wb") as f:
            f.truncate(2 << 30)  # sparse: 2 GiB without the disk space
        with open(os.path.join(folder, "MANIFEST.sha256"), "a") as f:
            f.write("0" * 64 + "  ../outside\n")
            f.write("0" * 64 + "  huge.body\n")
            f.write("0" * 64 + "  a\x1b[31mb\n")
        code, report, done = merge(folder)
        self.assertEqual(code, 1, done.stderr)
        message = results(report, "merge.manifest", "fail")[0]["message"]
        self.assertIn("is a symbolic link, not followed", message)
        self.assertIn("larger than 1024 MiB", message)
        self.assertIn("is not \"<sha256>  <relative path>\" inside the folder", message)
        # A vantage name holding control characters, with a manifest to match.
        folder = self.copy(self.core)
        with open(os.path.join(folder, "report.json")) as f:
            report = json.load(f)
        report["vantage"] = "evil\x1b[31m"
        with open(os.path.join(folder, "report.json"), "w") as f:
            json.dump(report, f)
        rewrite_manifest(folder)
        done = run("merge", folder, "--color", "never")
        self.assertEqual(done.returncode, 1)
        self.assertNotIn("\x1b", done.stdout)
        self.assertIn("merge.input", done.stdout)

    def test_handoff_through_the_customer_proxy(self):
        kit = os.path.join(self.tmp, "kit")
        done = run("handoff", self.profile, "--path", "corp-proxy", "--vantage", "customer",
                   "--out", kit)
        self.assertEqual(done.returncode, 0, done.stderr)
        files = sorted(os.path.relpath(os.path.join(d, f), kit) for d, _, fs in os.walk(kit) for f in fs)
        self.assertEqual(files, ["ALLOWLIST.txt", "README.md", "certs/issuer.pem",
                                 "certs/probe-1.pem", "certs/probe-2.pem", "certs/subca.pem",
                                 "profile.yaml"])
        for name in files:
            with open(os.path.join(kit, name)) as f:
                self.assertNotIn("PRIVATE KEY", f.read(), name)
        with open(os.path.join(kit, "profile.yaml")) as f:
            profile = f.read()
        self.assertEqual(re.findall(r"- name: \"([^\"]+)\"", profile), ["corp-proxy"])
        self.assertNotIn("connect_to:", profile)
        self.assertNotIn(str(self.lab.origin.port), profile)
        with open(os.path.join(kit, "ALLOWLIST.txt")) as f:
            self.assertIn(f"GET  {CRL}\n", f.read())
        with open(os.path.join(kit, "README.md")) as f:
            command = re.search(r"```\n(subca-preflight check [^\n]+)\n```", f.read()).group(1)
        argv = command.split()
        done = run(*argv[1:], cwd=kit)
        self.assertEqual(done.returncode, 0, done.stdout[-3000:])
        evidence = os.path.join(kit, argv[argv.index("--evidence") + 1])
        customer = self.report_of(evidence)
        self.assertEqual({r["proxy"] for r in customer["results"] if "path" in r},
                         {f"http://127.0.0.1:{self.lab.proxy.port}"})
        code, report, _ = merge(self.core, evidence, "--require-vantage", "customer")
        self.assertEqual(code, 0, json.dumps([r for r in report["results"] if r["status"] == "fail"])[:3000])
        self.assertEqual(results(report, "merge.profile-digest")[0]["status"], "pass")


class DocsExample(unittest.TestCase):
    def test_vantage_md_lab_example_runs_as_written(self):
        with open(os.path.join(SOURCE, "docs", "vantage.md")) as f:
            script = re.search(r"```bash\n(.*?)```", f.read(), re.S).group(1)
        done = subprocess.run(["bash", "-c", script], cwd=SOURCE, capture_output=True, text=True,
                              timeout=300, env=dict(os.environ, PREFLIGHT_BIN=BINARY))
        self.assertIn("fails from cn-edge only; passes from ca-core and eu-edge", done.stdout,
                      done.stdout[-3000:] + done.stderr[-3000:])
        self.assertIn("merge exit 1", done.stdout)


if __name__ == "__main__":
    unittest.main()
