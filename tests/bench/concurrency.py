#!/usr/bin/env python3
"""Concurrency benchmark (issue 6): `subca-preflight check` with default
settings against a server that delays every response by 200 ms.

Scenario 1: 100 endpoints x 3 paths = 300 requests, every URL on one host
name (as behind one CDN front end), each path pinned to the delay server
with connect_to. Prints the wall time, the ideal (slowest request x
ceil(requests / jobs)) and their ratio; the target is at most 1.5.

Scenario 2 (the issue-4 claim): 20 endpoints x 3 paths = 60 requests, with
default settings and with --jobs 60, compared with the slowest request and
with the sum of all requests.

Usage: concurrency.py --bin PATH/TO/subca-preflight [--delay-ms 200]
Exit 1 when scenario 1 misses its target.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "harness"))

from servers import Lab  # noqa: E402

HOST = "crl.bench.test"
PATHS = ("edge-a", "edge-b", "origin")
TARGET = 1.5


def openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_pki(d: str) -> None:
    """root.pem and subca.pem (EC P-256, CA profile) with the openssl CLI."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", f"{d}/root.key", "-out", f"{d}/root.pem",
            "-subj", "/C=GB/O=Bench/CN=Bench Root", "-days", "30",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", "-new", *ec, "-keyout", f"{d}/subca.key", "-out", f"{d}/subca.csr",
            "-subj", "/C=GB/O=Bench/CN=Bench SubCA")
    with open(f"{d}/subca.ext", "w") as f:
        f.write("basicConstraints=critical,CA:TRUE,pathlen:0\n"
                "keyUsage=critical,keyCertSign,cRLSign,digitalSignature\n"
                "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
    openssl("x509", "-req", "-in", f"{d}/subca.csr", "-CA", f"{d}/root.pem", "-CAkey", f"{d}/root.key",
            "-CAcreateserial", "-days", "30", "-extfile", f"{d}/subca.ext", "-out", f"{d}/subca.pem")


def write_profile(d: str, name: str, endpoints: int, port: int) -> str:
    urls = ", ".join(f'"http://{HOST}/crl/{i}.crl"' for i in range(endpoints))
    paths = "\n".join(f"  - name: {p}\n    connect_to: [\"{HOST}:80:127.0.0.1:{port}\"]" for p in PATHS)
    path = os.path.join(d, f"{name}.yaml")
    with open(path, "w") as f:
        f.write(f"""version: 1
name: {name}
issuer:
  certificate: root.pem
subca:
  certificate: subca.pem
issued:
  crl_distribution_points: [{urls}]
paths:
{paths}
""")
    return path


def default_jobs(binary: str) -> int:
    text = subprocess.run([binary, "check", "--help"], capture_output=True, text=True).stdout
    found = re.search(r"Concurrent requests \(default (\d+)\)", text)
    if not found:
        sys.exit("cannot read the default of --jobs from `check --help`")
    return int(found.group(1))


def run_check(binary: str, profile: str, *extra: str) -> tuple[float, list[float]]:
    """Wall seconds of one `check` run and each request's elapsed seconds."""
    start = time.monotonic()
    done = subprocess.run([binary, "check", profile, "--format", "json", *extra],
                          capture_output=True, text=True, timeout=600)
    wall = time.monotonic() - start
    report = json.loads(done.stdout)
    elapsed = {}
    for r in report["results"]:
        if r["check"] == "http.latency":
            elapsed[(r["url"], r["path"])] = r["evidence"]["elapsed_ms"] / 1000.0
    return wall, list(elapsed.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--delay-ms", type=int, default=200)
    opts = parser.parse_args()
    jobs = default_jobs(opts.bin)

    with Lab() as lab, tempfile.TemporaryDirectory(prefix="preflight-concurrency-") as d:
        make_pki(d)
        delay = lab.hostile("delay", ms=opts.delay_ms, body="not a CRL",
                            header=["Content-Type: application/pkix-crl"])
        print(f"Concurrency benchmark: every response delayed {opts.delay_ms} ms, "
              f"{len(PATHS)} paths, one host name; default --jobs {jobs}")

        big = write_profile(d, "Bench 100x3", 100, delay.port)
        wall, elapsed = run_check(opts.bin, big)
        ideal = max(elapsed) * math.ceil(len(elapsed) / jobs)
        ratio = wall / ideal
        print(f"  100 endpoints x 3 paths: {len(elapsed)} requests in {wall:.2f} s; "
              f"ideal {ideal:.2f} s (slowest {max(elapsed) * 1000:.0f} ms x "
              f"ceil({len(elapsed)}/{jobs})); ratio {ratio:.2f} (target <= {TARGET})")

        small = write_profile(d, "Bench 20x3", 20, delay.port)
        for label, extra in ((f"default --jobs {jobs}", ()), ("--jobs 60", ("--jobs", "60"))):
            wall20, elapsed20 = run_check(opts.bin, small, *extra)
            print(f"  20 endpoints x 3 paths, {label}: {len(elapsed20)} requests in {wall20:.2f} s; "
                  f"slowest {max(elapsed20):.2f} s ({wall20 / max(elapsed20):.1f}x), "
                  f"sum {sum(elapsed20):.2f} s ({wall20 / sum(elapsed20):.2f}x)")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
