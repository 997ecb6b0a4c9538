"""`subca-preflight serve` against the bundled lab: /probe answers what
`check` finds, in the same metric names; only the profiles given at start
can be probed; concurrent scrapes share one run; the scrape timeout bounds
each request; SIGHUP reloads; SIGTERM stops at once."""

import base64
import concurrent.futures
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

SOURCE = os.environ.get("PREFLIGHT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "examples", "lab"))
sys.path.insert(0, os.path.join(SOURCE, "tests", "harness"))

from lab import NAMES, PreflightLab  # noqa: E402
from monitoring import exporter_counters, http_get, probe_url, start_serve  # noqa: E402

import reportcheck  # noqa: E402

BINARY = os.environ["PREFLIGHT_BIN"]
DV = NAMES["subca1"]
RANK = {"skip": 0, "pass": 1, "warn": 2, "fail": 3}


def rfc3339(text):
    return reportcheck.parse_rfc3339_utc(text).timestamp()


def promtool_check_metrics(text):
    done = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                          text=True, timeout=60)
    return done.returncode, done.stdout + done.stderr


def worst_by_request(pairs):
    """{(check, role, url, path, method, request): worst status}."""
    worst = {}
    for key, status in pairs:
        if key not in worst or RANK[status] > RANK[worst[key]]:
            worst[key] = status
    return worst


class ServeAgainstLab(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.lab = PreflightLab()
        cls.lab.__enter__()
        cls.profiles = cls.lab.write_profiles()
        # A profile whose only path leads to a server that accepts and never
        # answers: its runs last as long as the request limit allows.
        silent = cls.lab.servers.hostile("silent")
        with open(cls.profiles[2]) as f:
            text = f.read()
        text = text.replace(f"name: {NAMES['subca3']}", "name: Stuck")
        text = text.replace(cls.lab.paths_yaml(), f"""paths:
  - name: stuck
    connect_to: ["::127.0.0.1:{silent.port}"]
""")
        cls.stuck = os.path.join(os.path.dirname(cls.profiles[2]), "stuck.yaml")
        with open(cls.stuck, "w") as f:
            f.write(text)

    @classmethod
    def tearDownClass(cls):
        cls.lab.__exit__(None, None, None)

    def serve(self, profiles, *args):
        server = start_serve(self.lab.servers, BINARY, profiles, *args)
        self.addCleanup(server.stop)
        return server

    def test_probe_matches_check(self):
        server = self.serve(self.profiles, "--min-interval", "0")
        status, text = http_get(probe_url(server, DV))
        self.assertEqual(status, 200, text)
        code, output = promtool_check_metrics(text)
        self.assertEqual(code, 0, output)
        samples = reportcheck.check_prometheus(text)
        done = subprocess.run([BINARY, "check", self.profiles[0], "--format", "json"],
                              capture_output=True, text=True, timeout=120)
        report = json.loads(done.stdout)

        def of(name):
            return [s for s in samples if s.name == name]

        self.assertEqual([s.value for s in of("subca_preflight_probe_success")], [1.0])
        self.assertEqual([s.value for s in of("subca_preflight_ready")],
                         [1.0 if report["verdict"] == "ready" else 0.0])

        # Statuses: the worst per request agrees (the exporter folds repeats).
        def key(d):
            return (d["check"], d.get("role", ""), d.get("url", ""), d.get("path", ""),
                    d.get("method", ""), d.get("request", ""))
        expected = worst_by_request((key(r), r["status"]) for r in report["results"])
        got = worst_by_request((key(s.labels), s.labels["status"])
                               for s in of("subca_preflight_check_status") if s.value == 1)
        self.assertEqual(got, expected)
        # A state set: four series per result, exactly one of them 1.
        self.assertEqual(len(of("subca_preflight_check_status")), 4 * sum(
            1 for s in of("subca_preflight_check_status") if s.value == 1))
        # No serial in any label: the unused serial changes every run.
        serials = {r["serial"] for r in report["results"] if r.get("serial")}
        self.assertFalse([s for s in samples if set(s.labels.values()) & serials])
        self.assertTrue(all(s.labels["reference"] == ("true" if s.labels["path"] == "origin"
                                                      else "false")
                            for s in of("subca_preflight_check_status") if s.labels["path"]))

        # CRL times and numbers as the JSON report's evidence gives them.
        crls = {}
        for r in report["results"]:
            where = (r.get("role"), r.get("url"), r.get("path"))
            if r["check"] == "crl.validity" and r["status"] != "skip":
                crls.setdefault(where, {}).update(
                    this=rfc3339(r["evidence"]["this_update"]),
                    next=rfc3339(r["evidence"]["next_update"]))
            if r["check"] == "crl.number" and "crl_number_decimal" in r.get("evidence", {}):
                crls.setdefault(where, {})["number"] = float(r["evidence"]["crl_number_decimal"])
        self.assertTrue(crls)
        metrics = {}
        for name, field in (("subca_preflight_crl_this_update_timestamp_seconds", "this"),
                            ("subca_preflight_crl_next_update_timestamp_seconds", "next"),
                            ("subca_preflight_crl_number", "number")):
            for s in of(name):
                where = (s.labels["role"], s.labels["url"], s.labels["path"])
                metrics.setdefault(where, {})[field] = s.value
        self.assertEqual(metrics, crls)

        # OCSP: the lab's responders sign a fresh answer per request, so the
        # two runs' thisUpdate differ by the seconds between them.
        ocsp = {}
        for r in report["results"]:
            if r["check"] == "ocsp.current" and r["status"] != "skip":
                where = (r["role"], r["url"], r["path"], r["method"], r["request"])
                ocsp[where] = rfc3339(r["evidence"]["this_update"])
        self.assertTrue(ocsp)
        exported = {(s.labels["role"], s.labels["url"], s.labels["path"], s.labels["method"],
                     s.labels["request"]): s.value
                    for s in of("subca_preflight_ocsp_this_update_timestamp_seconds")}
        # The SHA-256 CertID questions are answered too; ocsp.current judges
        # only the SHA-1 form when both agree.
        self.assertEqual({k for k in exported if k[4] != "sha256-certid"}, set(ocsp))
        for where, value in exported.items():
            if where in ocsp:
                    self.assertLess(abs(value - ocsp[where]), 120, where)
        good = {(s.labels["url"], s.labels["path"], s.labels["request"], s.labels["probe"])
                for s in of("subca_preflight_ocsp_cert_status")
                if s.labels["cert_status"] == "revoked" and s.value == 1}
        # The lab's revoked probe is the second probe of subca1 (index 1).
        self.assertIn(("http://ocsp-subca1.examplepki.net", "origin", "probe", "1"), good)

        policy = {s.labels["key"]: s.value for s in of("subca_preflight_policy_seconds")}
        self.assertEqual(policy["crl.min_remaining"], 4 * 3600)
        self.assertEqual(policy["ocsp.max_age"], 4 * 86400)
        statuses = {(s.labels["path"], s.labels["url"]): s.value
                    for s in of("subca_preflight_http_status_code") if s.labels["request"] == "fetch"}
        self.assertEqual(statuses[("relying-party", "http://crl.examplepki.net/subca1.crl")], 404)
        self.assertEqual(statuses[("origin", "http://crl.examplepki.net/subca1.crl")], 200)

    def test_batch_file_has_the_same_metric_names(self):
        server = self.serve(self.profiles[:1])
        _, served = http_get(probe_url(server, DV))
        folder = tempfile.mkdtemp(prefix="preflight-prom-")
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        target = os.path.join(folder, "subca.prom")
        subprocess.run([BINARY, "check", self.profiles[0], "--format", "prometheus", "--report",
                        f"prometheus={target}"], capture_output=True, timeout=120)
        with open(target) as f:
            written = f.read()
        code, output = promtool_check_metrics(written)
        self.assertEqual(code, 0, output)
        # Written by rename: no temporary file left for the textfile collector.
        self.assertEqual(os.listdir(folder), ["subca.prom"])

        def names(text):
            return {s.name for s in reportcheck.check_prometheus(text)}

        self.assertEqual(names(written), names(served))

    def test_only_the_profiles_given_can_be_probed(self):
        server = self.serve(self.profiles[:1])
        _, index = http_get(server.url + "/")
        self.assertIn(DV, index)
        self.assertIn("/probe?profile=Example%20Asia%20DV%20CA%20R1&amp;path=origin", index)
        self.assertEqual(http_get(server.url + "/-/healthy")[0], 200)
        self.assertEqual(http_get(probe_url(server, "nope"))[0], 404)
        self.assertEqual(http_get(probe_url(server, NAMES["subca2"]))[0], 404)
        self.assertEqual(http_get(probe_url(server, self.profiles[1]))[0], 404)
        self.assertEqual(http_get(probe_url(server, "http://127.0.0.1:9/x"))[0], 404)
        self.assertEqual(http_get(probe_url(server, DV, path="nope"))[0], 404)
        for query in ("target=http://127.0.0.1:9/", "url=http://127.0.0.1:9/",
                      "profile=" + "Example+Asia+DV+CA+R1&file=/etc/passwd",
                      "profile=a&profile=b"):
            status, text = http_get(server.url + "/probe?" + query)
            self.assertEqual(status, 400, query)
        self.assertEqual(exporter_counters(server)["subca_preflight_exporter_check_runs_total"], 0)

    def test_concurrent_scrapes_share_one_run_bounded_by_the_scrape_timeout(self):
        server = self.serve([self.stuck], "--min-interval", "0")
        url = probe_url(server, "Stuck")
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
            answers = list(pool.map(
                lambda _: http_get(url, {"X-Prometheus-Scrape-Timeout-Seconds": "3"}), range(50)))
        elapsed = time.monotonic() - started
        self.assertEqual({status for status, _ in answers}, {200})
        self.assertEqual(len({text for _, text in answers}), 1)
        counters = exporter_counters(server)
        self.assertEqual(counters["subca_preflight_exporter_check_runs_total"], 1)
        self.assertEqual(counters["subca_preflight_exporter_shared_scrapes_total"], 49)
        samples = reportcheck.check_prometheus(answers[0][1])
        # Each request was cut at 3 s − 0.5 s, not at the policy's 10 s.
        durations = [s.value for s in samples if s.name == "subca_preflight_http_duration_seconds"]
        self.assertTrue(durations)
        self.assertLess(max(durations), 3.5, durations)
        self.assertGreater(min(durations), 2.0, durations)
        self.assertLess(elapsed, 60)
        reachable = [s for s in samples if s.name == "subca_preflight_check_status"
                     and s.labels["check"] == "http.reachable" and s.value == 1]
        self.assertTrue(reachable)
        self.assertEqual({s.labels["status"] for s in reachable}, {"fail"})

    def test_min_interval_serves_the_cached_result(self):
        server = self.serve(self.profiles[:1])  # default --min-interval 60s
        first = http_get(probe_url(server, DV))
        second = http_get(probe_url(server, DV))
        self.assertEqual(first, second)
        counters = exporter_counters(server)
        self.assertEqual(counters["subca_preflight_exporter_check_runs_total"], 1)
        self.assertEqual(counters["subca_preflight_exporter_cached_scrapes_total"], 1)

    def test_sigterm_during_a_slow_probe_exits_promptly(self):
        server = self.serve([self.stuck])
        answer = []
        scrape = threading.Thread(target=lambda: answer.append(
            self.try_get(probe_url(server, "Stuck"))))
        scrape.start()
        time.sleep(1)
        self.assertIsNone(server.proc.poll())
        started = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(timeout=10)
        self.assertLess(time.monotonic() - started, 2)
        self.assertEqual(server.proc.returncode, 0)
        scrape.join(timeout=10)
        self.assertFalse(scrape.is_alive())

    @staticmethod
    def try_get(url):
        try:
            return http_get(url, timeout=20)
        except OSError as e:
            return e

    def test_sighup_reloads_and_a_bad_file_keeps_the_old_set(self):
        folder = tempfile.mkdtemp(prefix="preflight-serve-", dir=os.path.dirname(self.profiles[0]))
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        profile = os.path.join(folder, "p.yaml")
        with open(self.profiles[0]) as f:
            good = f.read().replace("../pki/", "../../pki/")
        with open(profile, "w") as f:
            f.write(good)
        server = self.serve([profile])
        self.assertIn(DV, http_get(server.url + "/")[1])

        with open(profile, "w") as f:
            f.write(good + "\nissuer: [unclosed\n")
        server.proc.send_signal(signal.SIGHUP)
        self.wait_for(lambda: exporter_counters(server)[
            "subca_preflight_exporter_reload_errors_total"] == 1)
        self.assertEqual(exporter_counters(server)["subca_preflight_exporter_last_reload_success"], 0)
        self.assertIn(DV, http_get(server.url + "/")[1])
        with open(server.logs[0]) as f:
            self.assertRegex(f.read(), r"reload failed, keeping the profiles loaded before: .*p\.yaml:\d+")

        with open(profile, "w") as f:
            f.write(good.replace(f"name: {DV}", "name: Renamed"))
        server.proc.send_signal(signal.SIGHUP)
        self.wait_for(lambda: exporter_counters(server)["subca_preflight_exporter_reloads_total"] == 1)
        self.assertIn("Renamed", http_get(server.url + "/")[1])
        self.assertEqual(http_get(probe_url(server, DV))[0], 404)
        self.assertEqual(exporter_counters(server)["subca_preflight_exporter_last_reload_success"], 1)

    def wait_for(self, condition, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.05)
        self.fail("condition not met in time")

    def test_tls_and_basic_auth(self):
        folder = tempfile.mkdtemp(prefix="preflight-tls-")
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        cert, key, auth = (os.path.join(folder, n) for n in ("cert.pem", "key.pem", "auth"))
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                        "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
        with open(auth, "w") as f:
            f.write("prometheus:s3cret-Passw0rd\n")
        server = self.serve(self.profiles[:1], "--tls-cert", cert, "--tls-key", key,
                            "--basic-auth-file", auth)
        context = ssl.create_default_context(cafile=cert)
        url = f"https://127.0.0.1:{server.port}/-/healthy"

        def get(credentials):
            request = urllib.request.Request(url)
            if credentials:
                request.add_header("Authorization",
                                   "Basic " + base64.b64encode(credentials.encode()).decode())
            try:
                with urllib.request.urlopen(request, context=context, timeout=10) as response:
                    return response.status
            except urllib.error.HTTPError as e:
                return e.code

        self.assertEqual(get(None), 401)
        self.assertEqual(get("prometheus:wrong"), 401)
        self.assertEqual(get("prometheus:s3cret-Passw0rd"), 200)
        with self.assertRaises(OSError):  # no plain HTTP on the TLS port
            http_get(f"http://127.0.0.1:{server.port}/-/healthy", timeout=2)

    def test_bad_listen_address_is_an_input_error(self):
        done = subprocess.run([BINARY, "serve", "--listen", "localhost:9935", self.profiles[0]],
                              capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 2)
        self.assertTrue(re.search(r"numeric address", done.stderr), done.stderr)


if __name__ == "__main__":
    unittest.main()
