"""The monitoring kit (examples/monitoring): promtool accepts its scrape
configuration and rules and passes the rules' unit tests; and, end to end, a
real Prometheus scraping `subca-preflight serve` against the lab fires the
2025-case alert when the front end drops a SubCA from its allowlist, and
clears it when the allowlist is restored."""

import os
import re
import subprocess
import sys
import time
import unittest

SOURCE = os.environ.get("PREFLIGHT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "examples", "lab"))
sys.path.insert(0, os.path.join(SOURCE, "tests", "harness"))

from lab import ALLOWLIST_BEFORE, NAMES, NEW_SUBCAS, PreflightLab  # noqa: E402
from monitoring import prometheus_api, start_prometheus, start_serve  # noqa: E402

BINARY = os.environ["PREFLIGHT_BIN"]
KIT = os.path.join(SOURCE, "examples", "monitoring")
ALERT = "SubcaPreflightPathFailsWhereReferencePasses"


def promtool(*args):
    done = subprocess.run(["promtool", *args], cwd=KIT, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


class MonitoringKit(unittest.TestCase):
    def test_promtool_accepts_the_kit(self):
        for args in (("check", "config", "prometheus.yml"), ("check", "rules", "alerts.yml"),
                     ("test", "rules", "alerts_test.yml")):
            code, output = promtool(*args)
            self.assertEqual(code, 0, f"promtool {' '.join(args)}:\n{output}")
            self.assertIn("SUCCESS", output)


class AlertsEndToEnd(unittest.TestCase):
    def test_allowlist_regression_fires_and_clears(self):
        lab = PreflightLab(allow=ALLOWLIST_BEFORE + NEW_SUBCAS)
        lab.__enter__()
        self.addCleanup(lab.__exit__, None, None, None)
        profiles = lab.write_profiles()
        # One profile keeps each scrape short; min-interval 0 so every scrape
        # sees the front end as it is now.
        serve = start_serve(lab.servers, BINARY, profiles[:1], "--min-interval", "0")

        # The shipped rules, with `for:` shortened to fit a test's seconds.
        with open(os.path.join(KIT, "alerts.yml")) as f:
            rules = re.sub(r"\bfor: \S+", "for: 0s", f.read())
        # The shipped job, pointed at this exporter, with intervals of seconds
        # (long enough for a run under the sanitizers).
        config = f"""global:
  scrape_interval: 8s
  scrape_timeout: 8s
  evaluation_interval: 1s
rule_files: [alerts.yml]
scrape_configs:
  - job_name: subca-preflight-lab
    metrics_path: /probe
    static_configs:
      - targets: ["{NAMES['subca1']}"]
        labels:
          region: lab
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_profile
      - source_labels: [__param_profile]
        target_label: instance
      - target_label: __address__
        replacement: 127.0.0.1:{serve.port}
"""
        prometheus = start_prometheus(lab.servers, config, {"alerts.yml": rules})

        def firing():
            return [a for a in prometheus_api(prometheus, "/api/v1/alerts")["alerts"]
                    if a["labels"]["alertname"] == ALERT and a["state"] == "firing"]

        def wait(condition, what, timeout=60):
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if condition():
                    return time.monotonic()
                time.sleep(0.5)
            self.fail(f"{what} not within {timeout} s\n{prometheus.describe_logs()}\n"
                      f"{serve.describe_logs()}")

        # Healthy: the probe runs and nothing fires.
        wait(lambda: prometheus_api(prometheus, "/api/v1/query?query=subca_preflight_probe_success")
             ["result"], "a first scrape")
        up = prometheus_api(prometheus, "/api/v1/query?query=subca_preflight_probe_success")
        self.assertEqual(up["result"][0]["value"][1], "1")
        self.assertEqual(firing(), [])

        # The front end is rebuilt from an old allowlist: it no longer passes
        # the new SubCAs.
        dropped = time.monotonic()
        lab.set_allowlist(ALLOWLIST_BEFORE)
        fired = wait(lambda: firing(), "the alert firing")
        alerts = firing()
        print(f"\nalert firing {fired - dropped:.1f} s after the allowlist dropped subca1:",
              file=sys.stderr)
        for a in alerts:
            print("  " + ", ".join(f"{k}={v}" for k, v in sorted(a["labels"].items())),
                  file=sys.stderr)
        self.assertLess(fired - dropped, 60)
        where = {(a["labels"]["path"], a["labels"]["url"], a["labels"]["check"]) for a in alerts}
        self.assertIn(("relying-party", "http://crl.examplepki.net/subca1.crl", "http.status"), where)
        self.assertTrue({a["labels"]["path"] for a in alerts} <= {"relying-party", "corp-proxy"})
        self.assertTrue(all(a["labels"]["region"] == "lab" and
                            a["labels"]["instance"] == NAMES["subca1"] for a in alerts))
        self.assertTrue(all(a["annotations"]["summary"] for a in alerts))

        # Restored: the alert clears.
        restored = time.monotonic()
        lab.set_allowlist(ALLOWLIST_BEFORE + NEW_SUBCAS)
        cleared = wait(lambda: not firing(), "the alert clearing")
        print(f"alert cleared {cleared - restored:.1f} s after the allowlist was restored",
              file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
