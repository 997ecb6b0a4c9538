#!/usr/bin/env python3
"""The bundled lab: the 2025 incident on 127.0.0.1.

A root CA (the issuer) and three new SubCAs, plus an older SubCA that is
already on the front end's allowlist. The origin (nginx + one `openssl ocsp`
responder front per CA) serves every CRL, certificate and OCSP answer. A
CDN-like front end (nginx) passes only allowlisted CAs: CRLs it does not pass
are 404, OCSP requests for CAs it does not pass get a canned `unauthorized`.
A forward proxy (tinyproxy) is a third way in. Host names in the
certificates (crl.examplepki.net, ocsp-subca1.examplepki.net, …) are never
resolved: the profiles pin them with connect_to, and tinyproxy hands every
request to the front end.

    python3 lab.py up [--run-dir DIR] [--allow root,legacy]   # until SIGTERM / Ctrl-C
                      [--regional-allow root,legacy]           # a second front end (docs/vantage.md)
    python3 lab.py demo                                        # the demo's story, end to end

Used as a module by the integration tests (PreflightLab).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "tests", "harness"))

from servers import Lab  # noqa: E402

DOMAIN = "examplepki.net"
NEW_SUBCAS = ["subca1", "subca2", "subca3"]
ALL_CAS = ["root", "subca1", "subca2", "subca3", "legacy"]
NAMES = {
    "subca1": "Example Asia DV CA R1",
    "subca2": "Example Asia OV CA R1",
    "subca3": "Example Asia EV CA R1",
}
# Before the fix: the front end passes only what it passed before the ceremony.
ALLOWLIST_BEFORE = ["root", "legacy"]
# OCSPResponse { responseStatus unauthorized(6) } (RFC 6960 §4.2.1).
UNAUTHORIZED = "\x30\x03\x0a\x01\x06"


def crl_url(ca: str) -> str:
    return f"http://crl.{DOMAIN}/{ca}.crl"


def ocsp_url(ca: str) -> str:
    return f"http://ocsp-{ca}.{DOMAIN}"


def crt_url(ca: str) -> str:
    return f"http://crt.{DOMAIN}/{ca}.crt"


def children(pid: int) -> set[int]:
    """PIDs whose parent is pid (nginx workers of a master)."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(entry))
    return found


class PreflightLab:
    """Starts the lab's servers (through the test harness' Lab, which stops
    them by PID) and writes one profile per new SubCA."""

    def __init__(self, run_dir: str | None = None, allow: list[str] | None = None,
                 front_extra: str = "", proxy_filter: list[str] | None = None,
                 keep: bool = False, regional_allow: list[str] | None = None,
                 ocsp_reuse: bool = False):
        self.run_dir = os.path.abspath(run_dir or tempfile.mkdtemp(prefix="preflight-lab-"))
        os.makedirs(self.run_dir, exist_ok=True)
        self.pki = os.path.join(self.run_dir, "pki")
        self.allowlist_file = os.path.join(self.run_dir, "allowlist.map")
        self.allow = list(allow if allow is not None else ALLOWLIST_BEFORE)
        # A second front end, as a CDN edge in another region with its own
        # allowlist (docs/vantage.md); None: not started.
        self.regional_allow = regional_allow
        self.regional = None
        # The responders answer a repeated request with the answer they gave it
        # (servers.py ocsp --reuse): many runs against one lab, less openssl.
        self.ocsp_reuse = ocsp_reuse
        self.front_extra = front_extra
        self.proxy_filter = proxy_filter
        self.keep = keep
        self.servers = Lab(os.path.join(self.run_dir, "servers"), keep=True)

    # --- lifecycle -------------------------------------------------------------

    def __enter__(self) -> "PreflightLab":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None and not issubclass(exc_type, (SystemExit, KeyboardInterrupt)):
            print(self.servers.describe_logs(), file=sys.stderr)
        self.stop()

    def stop(self) -> None:
        self.servers.stop()

    def start(self) -> None:
        self.make_pki()
        self.start_servers()

    def make_pki(self) -> None:
        subprocess.run([os.path.join(HERE, "make-pki.sh"), self.pki], check=True,
                       stdout=subprocess.DEVNULL, env=dict(os.environ, LAB_DOMAIN=DOMAIN))

    def publish_crl(self, ca: str, target: str, hours: int | None = None) -> None:
        """Issues a new CRL for `ca` (`openssl ca -gencrl`, next cRLNumber) as
        DER into target; `hours` sets a short validity."""
        cnf = os.path.join(self.pki, ca, "ca.cnf")
        pem = os.path.join(self.run_dir, f"{ca}-new-crl.pem")
        span = ["-crlhours", str(hours)] if hours else ["-crldays", "7"]
        subprocess.run(["openssl", "ca", "-batch", "-config", cnf, "-gencrl", *span, "-out", pem],
                       check=True, capture_output=True)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        subprocess.run(["openssl", "crl", "-in", pem, "-outform", "DER", "-out", target], check=True)

    def start_servers(self) -> None:
        upstreams = []
        for ca in ALL_CAS:
            d = os.path.join(self.pki, ca)
            if ca == "subca1":  # a delegated responder (BR 7.1.2.8)
                signer, key = os.path.join(d, "responder.pem"), os.path.join(d, "responder.key")
            else:  # the CA signs its own answers (keyUsage digitalSignature)
                signer, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
            front = self.servers.ocsp_front(index=os.path.join(d, "index.txt"),
                                            ca=os.path.join(d, "cert.pem"), rsigner=signer, rkey=key,
                                            ndays=30 if ca == "root" else 1,
                                            reuse=self.ocsp_reuse)
            upstreams.append(f"    ocsp-{ca}.{DOMAIN} 127.0.0.1:{front.port};")
        self.canned = self.servers.hostile("fixed", status=200, body=UNAUTHORIZED,
                                           header=["Content-Type: application/ocsp-response"])
        self.origin = self.servers.nginx(
            root=os.path.join(self.pki, "publish"),
            http_extra="map $host $ocsp_upstream {\n    default \"\";\n" + "\n".join(upstreams) + "\n  }",
            locations="""
    merge_slashes off;
    location / {
      error_page 418 = @ocsp;
      if ($ocsp_upstream != "") { return 418; }
      root %s;
      try_files /crl$uri /crt$uri =404;
    }
    location @ocsp { proxy_pass http://$ocsp_upstream; }
""" % os.path.join(self.pki, "publish"))
        self.start_edge()

    def start_edge(self) -> None:
        """The front end(s) and the forward proxy, as allow, regional_allow,
        front_extra and proxy_filter say."""
        self.write_allowlist(self.allow)
        self.front = self.start_front(self.allowlist_file, self.canned.port)
        if self.regional_allow is not None:
            regional_file = os.path.join(self.run_dir, "regional-allowlist.map")
            self.write_allowlist(self.regional_allow, regional_file)
            self.regional = self.start_front(regional_file, self.canned.port)
        self.proxy = self.servers.tinyproxy(filter_hosts=self.proxy_filter,
                                            upstream=f"127.0.0.1:{self.front.port}")

    def restart_edge(self, allow: list[str], front_extra: str = "",
                     proxy_filter: list[str] | None = None) -> None:
        """Another front end and proxy configuration in front of the same PKI,
        origin and responders (profiles must be written again: ports change)."""
        for server in (self.proxy, self.regional, self.front):
            if server is not None:
                self.servers.stop_server(server)
        self.regional = None
        self.allow, self.front_extra, self.proxy_filter = list(allow), front_extra, proxy_filter
        self.start_edge()

    def start_front(self, allowlist_file: str, canned_port: int):
        return self.servers.nginx(
            http_extra="""map "$host$uri" $pass {
    default 0;
    include %s;
  }
  map $host $is_ocsp { default 0; ~^ocsp- 1; }""" % allowlist_file,
            locations="""
    merge_slashes off;
    add_header X-Served-By front always;
%s
    location / {
      error_page 418 = @unauthorized;
      set $verdict "$pass$is_ocsp";
      if ($verdict = "01") { return 418; }
      if ($verdict = "00") { return 404; }
      proxy_pass http://127.0.0.1:%d;
      proxy_set_header Host $host;
    }
    location @unauthorized { proxy_pass http://127.0.0.1:%d; }
""" % (self.front_extra, self.origin.port, canned_port))

    # --- the front end's allowlist ------------------------------------------------

    def write_allowlist(self, cas: list[str], target: str | None = None) -> None:
        lines = [f"  ~^crt\\.{DOMAIN.replace('.', '[.]')}/ 1;"]
        for ca in cas:
            lines.append(f"  crl.{DOMAIN}/{ca}.crl 1;")
            lines.append(f"  ~^ocsp-{ca}\\.{DOMAIN.replace('.', '[.]')}/ 1;")
        with open(target or self.allowlist_file, "w") as f:
            f.write("\n".join(lines) + "\n")

    def set_allowlist(self, cas: list[str]) -> None:
        """Rewrites the allowlist and reloads the front end (SIGHUP). Returns
        once the workers of the old configuration have exited: during a
        graceful reload they keep accepting connections for a while."""
        self.allow = list(cas)
        self.write_allowlist(self.allow)
        old_workers = children(self.front.pid)
        os.kill(self.front.pid, signal.SIGHUP)
        deadline = time.time() + 15
        while time.time() < deadline:
            workers = children(self.front.pid)
            if workers and not workers & old_workers:
                return
            time.sleep(0.05)
        raise RuntimeError("front end did not pick up the new allowlist")

    def fetch_status(self, url: str, port: int) -> int:
        host = url.split("/")[2]
        path = "/" + url.split("/", 3)[3] if url.count("/") > 2 else "/"
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                return resp.status
        except urllib.error.HTTPError as e:
            return e.code

    # --- profiles ---------------------------------------------------------------

    def paths_yaml(self) -> str:
        return f"""paths:
  - name: relying-party        # through the CDN-like front end, as relying parties go
    connect_to: ["::127.0.0.1:{self.front.port}"]
  - name: corp-proxy           # through a forward proxy (tinyproxy)
    proxy: "http://127.0.0.1:{self.proxy.port}"
  - name: origin               # the CA's origin, bypassing the front end
    reference: true
    connect_to: ["::127.0.0.1:{self.origin.port}"]
"""

    def write_profiles(self, extra: dict[str, str] | None = None) -> list[str]:
        """One profile per new SubCA (one ceremony, one gate). `extra` maps a
        SubCA to YAML appended to its profile."""
        folder = os.path.join(self.run_dir, "profiles")
        os.makedirs(folder, exist_ok=True)
        files = []
        for ca in NEW_SUBCAS:
            probes = ""
            if ca == "subca1":
                probes = """  probes:
    - certificate: ../pki/leaves/subca1-valid.pem
      expect: good
    - certificate: ../pki/leaves/subca1-revoked.pem
      expect: revoked
"""
            elif ca == "subca2":
                probes = """  probes:
    - certificate: ../pki/leaves/subca2-valid.pem
      expect: good
"""
            text = f"""# Lab profile for {NAMES[ca]}: generated by examples/lab/lab.py.
version: 1
name: {NAMES[ca]}
policy: cabf-tls-br
issuer:
  certificate: ../pki/root/cert.pem
subca:
  certificate: ../pki/{ca}/cert.pem
issued:
  crl_distribution_points: ["{crl_url(ca)}"]
  ocsp: ["{ocsp_url(ca)}"]
  ca_issuers: ["{crt_url(ca)}"]
{probes}controls:
  - "{crl_url('legacy')}"      # an older SubCA's CRL the front end is known to pass
disclosure:
  full_crls: ["{crl_url(ca)}"]
{self.paths_yaml()}{(extra or {}).get(ca, "")}"""
            path = os.path.join(folder, f"{ca}.yaml")
            with open(path, "w") as f:
                f.write(text)
            files.append(path)
        return files

    def state(self) -> dict:
        regional = {"regional_front": self.regional.port,
                    "regional_allowlist": self.regional_allow} if self.regional else {}
        return {"run_dir": self.run_dir, "origin": self.origin.port, "front": self.front.port,
                "proxy": self.proxy.port, "allowlist": self.allow, **regional,
                "pids": [s.pid for s in self.servers.servers]}


# --- command line --------------------------------------------------------------

def binary() -> str:
    return os.environ.get("PREFLIGHT_BIN", os.path.join(SOURCE, "build", "src", "subca-preflight"))


def run_check(profiles: list[str], reports: list[str], color: bool) -> int:
    # The console shows the diagnoses (each root cause and its fix) and the
    # verdict (-q); the files hold every result.
    argv = [binary(), "check", *profiles, *reports, "-q", "--color", "always" if color else "never"]
    print("$ subca-preflight check -q " + " ".join(os.path.relpath(p) for p in profiles), flush=True)
    return subprocess.run(argv).returncode


def demo(args) -> int:
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    color = sys.stdout.isatty()
    with PreflightLab(args.run_dir) as lab:
        profiles = lab.write_profiles()
        print(f"\n== 1. The ceremony is done; the front end still passes only {', '.join(lab.allow)}.\n",
              flush=True)
        before = run_check(profiles, ["--report", f"junit={out}/before.junit.xml",
                                      "--report", f"markdown={out}/before.md",
                                      "--report", f"text={out}/before.txt"], color)
        print(f"\n== 2. Add the new SubCAs to the front end's allowlist and reload it.\n", flush=True)
        lab.set_allowlist(ALLOWLIST_BEFORE + NEW_SUBCAS)
        after = run_check(profiles, ["--report", f"junit={out}/after.junit.xml",
                                     "--report", f"markdown={out}/after.md",
                                     "--report", f"text={out}/after.txt"], color)
    print(f"\nfirst run exit {before} (expected 1: NOT READY), second run exit {after} "
          f"(expected 0: READY); reports in {out}")
    return 0 if (before, after) == (1, 0) else 1


def up(args) -> int:
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    regional = args.regional_allow.split(",") if args.regional_allow is not None else None
    with PreflightLab(args.run_dir, allow=args.allow.split(","), regional_allow=regional) as lab:
        profiles = lab.write_profiles()
        state = dict(lab.state(), profiles=profiles)
        with open(os.path.join(lab.run_dir, "state.json"), "w") as f:
            json.dump(state, f, indent=2)
        print(json.dumps(state, indent=2), flush=True)
        try:
            while not stop:
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_up = sub.add_parser("up", help="start the lab and keep it up until SIGTERM or Ctrl-C")
    p_up.add_argument("--run-dir", default=os.path.join(HERE, "run"))
    p_up.add_argument("--allow", default=",".join(ALLOWLIST_BEFORE))
    p_up.add_argument("--regional-allow", default=None,
                      help="also start a second front end (a CDN edge in another region) "
                           "passing these CAs; its port is regional_front in state.json")
    p_demo = sub.add_parser("demo", help="NOT READY, fix the allowlist, READY")
    p_demo.add_argument("--run-dir", default=os.path.join(HERE, "run"))
    p_demo.add_argument("--out", default=os.path.join(HERE, "run", "reports"))
    args = parser.parse_args(argv)
    return up(args) if args.command == "up" else demo(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
