#!/usr/bin/env python3
"""Ceremony-size benchmark: `subca-preflight check` over 50 SubCA profiles x 4
paths x (CRL, OCSP with 3 probes, caIssuers), on both sides of each SubCA
(the issuer's URLs, shared by all 50, and each SubCA's own), with --jobs 64.

Each path is pinned (connect_to) to its own local server that adds 100 ms to
every response itself and serves at most 64 requests at once (a Python
threading server behind a semaphore; no traffic shaping). The bodies are
fixed bytes (a CRL, a certificate, an OCSP-shaped body): what is measured is
fetching and judging every response, not whether the lab is healthy.

Printed: the requests the servers saw (N), the wall time, the ideal
ceil(N / 64) x 100 ms, their ratio (target <= 1.5), and the peak RSS of the
check. Exit 1 above the target.

Usage: ceremony.py --bin PATH/TO/subca-preflight [--subcas 50] [--repeat 5]
"""

from __future__ import annotations

import argparse
import http.server
import math
import os
import resource
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time

DELAY = 0.100
CONCURRENT = 64
JOBS = 64
PATHS = 4
PROBES = 3
TARGET = 1.5


def openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_pki(d: str, subcas: int) -> None:
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", f"{d}/root.key", "-out", f"{d}/root.pem",
            "-subj", "/C=GB/O=Bench/CN=Bench Root", "-days", "30",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("x509", "-in", f"{d}/root.pem", "-outform", "DER", "-out", f"{d}/root.der")
    with open(f"{d}/subca.ext", "w") as f:
        f.write("basicConstraints=critical,CA:TRUE,pathlen:0\n"
                "keyUsage=critical,keyCertSign,cRLSign,digitalSignature\n"
                "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
    for i in range(subcas):
        openssl("req", "-new", *ec, "-keyout", f"{d}/subca{i}.key", "-out", f"{d}/subca{i}.csr",
                "-subj", f"/C=GB/O=Bench/CN=Bench SubCA {i}")
        openssl("x509", "-req", "-in", f"{d}/subca{i}.csr", "-CA", f"{d}/root.pem",
                "-CAkey", f"{d}/root.key", "-set_serial", str(1000 + i), "-days", "30",
                "-extfile", f"{d}/subca.ext", "-out", f"{d}/subca{i}.pem")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    bodies: dict[str, tuple[str, bytes]] = {}
    gate = threading.BoundedSemaphore(CONCURRENT)
    count = 0
    lock = threading.Lock()

    def log_message(self, fmt, *args):
        pass

    def answer(self) -> None:
        with Handler.gate:
            with Handler.lock:
                Handler.count += 1
            time.sleep(DELAY)
            kind = "ocsp" if "/ocsp" in self.path else self.path.rsplit(".", 1)[-1]
            content_type, body = Handler.bodies.get(kind, ("text/plain", b"not found"))
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def do_GET(self):
        self.answer()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.answer()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 256


def write_profiles(d: str, subcas: int, ports: list[int]) -> list[str]:
    hosts = ("crl.bench.test", "ocsp.bench.test", "crt.bench.test")
    paths = "\n".join(
        f"  - name: edge-{k}\n    connect_to: [" +
        ", ".join(f'"{h}:80:127.0.0.1:{port}"' for h in hosts) + "]"
        for k, port in enumerate(ports))
    out = []
    for i in range(subcas):
        probes = "\n".join(f"    - serial: \"{0x5000 + i * 10 + p:x}\"\n      expect: good"
                           for p in range(PROBES))
        path = os.path.join(d, f"subca{i}.yaml")
        with open(path, "w") as f:
            f.write(f"""version: 1
name: Bench SubCA {i}
issuer:
  certificate: root.pem
subca:
  certificate: subca{i}.pem
  crl_distribution_points: ["http://crl.bench.test/root.crl"]
  ocsp: ["http://ocsp.bench.test/ocsp/root"]
  ca_issuers: ["http://crt.bench.test/root.crt"]
issued:
  crl_distribution_points: ["http://crl.bench.test/subca{i}.crl"]
  ocsp: ["http://ocsp.bench.test/ocsp/subca{i}"]
  ca_issuers: ["http://crt.bench.test/subca{i}.crt"]
  probes:
{probes}
paths:
{paths}
""")
        out.append(path)
    return out


def run_once(binary: str, profiles: list[str]) -> tuple[float, int, int]:
    """Wall seconds, peak RSS (KiB) and the requests the servers saw."""
    before = Handler.count
    start = time.monotonic()
    child = subprocess.Popen([binary, "check", *profiles, "--jobs", str(JOBS), "--format", "json"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, _, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - start
    child.stderr.close()
    return wall, usage.ru_maxrss, Handler.count - before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--subcas", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--crl", help="DER CRL the CRL URLs serve (default: a small one)")
    opts = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))

    with tempfile.TemporaryDirectory(prefix="preflight-ceremony-") as d:
        make_pki(d, opts.subcas)
        crl = open(opts.crl, "rb").read() if opts.crl else b"\x30\x03\x02\x01\x00"
        Handler.bodies = {
            "crl": ("application/pkix-crl", crl),
            "crt": ("application/pkix-cert", open(f"{d}/root.der", "rb").read()),
            "ocsp": ("application/ocsp-response", bytes.fromhex("30030a0101")),  # malformedRequest
        }
        servers = []
        for _ in range(PATHS):
            server = Server(("127.0.0.1", 0), Handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
        profiles = write_profiles(d, opts.subcas, [s.server_address[1] for s in servers])
        runs = [run_once(opts.bin, profiles) for _ in range(opts.repeat)]
        for server in servers:
            server.shutdown()

    wall = statistics.median(r[0] for r in runs)
    rss = max(r[1] for r in runs)
    requests = runs[0][2]
    ideal = math.ceil(requests / CONCURRENT) * DELAY
    ratio = wall / ideal
    print(f"Ceremony benchmark: {opts.subcas} SubCAs x {PATHS} paths x (CRL, OCSP with {PROBES} "
          f"probes, caIssuers) on both sides, --jobs {JOBS}; servers add {DELAY * 1000:.0f} ms, "
          f"{CONCURRENT} at once; median of {opts.repeat}")
    print(f"  requests sent: {requests} (every run: {sorted({r[2] for r in runs})})")
    print(f"  wall {wall:.2f} s; ideal ceil({requests}/{CONCURRENT}) x {DELAY * 1000:.0f} ms = "
          f"{ideal:.2f} s; ratio {ratio:.2f} (target <= {TARGET}); peak RSS {rss / 1024:.1f} MiB")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
