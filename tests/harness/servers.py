#!/usr/bin/env python3
"""Real servers on 127.0.0.1 for integration tests and the demo lab.

Python standard library only. Everything binds 127.0.0.1 and is stopped by
PID (terminate, wait, kill), also when a test fails: use Lab as a context
manager, or rely on its atexit hook. Logs stay in the run folder; on failure
Lab prints their paths and tails.

    with Lab() as lab:
        web = lab.nginx("location / { return 200 'ok'; }")
        proxy = lab.tinyproxy(filter_hosts=["blocked.test"])
        odd = lab.hostile("delay", ms=500)
        ocsp = lab.ocsp_front(index=..., ca=..., rsigner=..., rkey=...)

Set PREFLIGHT_KEEP_LAB=1 to keep the run folder (configs, logs) after a run.

Command line (one server, prints one JSON line with its port, then runs until
SIGTERM; children die with it):

    python3 servers.py hostile MODE [--ms N] [--status N] [--body TEXT] ...
    python3 servers.py tinyproxy [--filter HOST ...] [--default-deny] [--upstream 127.0.0.1:PORT]
                                 [--basic-auth USER:PASSWORD]
    python3 servers.py nginx --conf-file LOCATIONS.conf [--http-conf-file HTTP.conf] [--root DIR]
    python3 servers.py ocsp --index I --ca CA --rsigner R --rkey K [--rother O] [--ndays N] [--reuse]
"""

from __future__ import annotations

import argparse
import atexit
import base64
import binascii
import ctypes
import gzip
import http.server
import json
import os
import shutil
import signal
import socket
import socketserver
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HOST = "127.0.0.1"
HERE = os.path.dirname(os.path.abspath(__file__))
# An OCSPResponse with responseStatus malformedRequest (RFC 6960 §4.2.1).
OCSP_MALFORMED = bytes([0x30, 0x03, 0x0A, 0x01, 0x01])


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen | None = None, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {HOST}:{port} after {timeout} s")


def _die_with_parent() -> None:
    # Linux PR_SET_PDEATHSIG: a server must not outlive whoever started it.
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def tail(path: str, lines: int = 20) -> str:
    try:
        with open(path, "r", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as e:
        return f"({e})"


class Server:
    """A child process listening on 127.0.0.1:port, stopped by PID."""

    def __init__(self, name: str, argv: list[str], port: int, logs: list[str], cwd: str | None = None):
        self.name = name
        self.port = port
        self.logs = logs
        stdout_log = logs[0] if logs else os.devnull
        self._out = open(stdout_log, "ab")
        self.proc = subprocess.Popen(argv, stdout=self._out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=cwd, preexec_fn=_die_with_parent)
        self.pid = self.proc.pid
        try:
            wait_for_port(port, self.proc)
        except Exception:
            self.stop()
            print(self.describe_logs(), file=sys.stderr)
            raise

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.close()

    def describe_logs(self) -> str:
        return "\n".join(f"--- {self.name} log {p}:\n{tail(p)}" for p in self.logs)


class Lab:
    """Owns a run folder and every server started through it."""

    def __init__(self, run_dir: str | None = None, keep: bool = False):
        self.run_dir = run_dir or tempfile.mkdtemp(prefix="preflight-lab-")
        os.makedirs(self.run_dir, exist_ok=True)
        # PREFLIGHT_KEEP_LAB=1 keeps configs and logs for a look after the run.
        self.keep = keep or os.environ.get("PREFLIGHT_KEEP_LAB") == "1"
        self.servers: list[Server] = []
        self._started = 0
        atexit.register(self.stop)

    def __enter__(self) -> "Lab":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None and not issubclass(exc_type, (SystemExit, KeyboardInterrupt)):
            self.keep = True
            print(self.describe_logs(), file=sys.stderr)
        self.stop()

    def describe_logs(self) -> str:
        return f"lab run folder: {self.run_dir}\n" + "\n".join(s.describe_logs() for s in self.servers)

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()
        self.servers.clear()
        if not self.keep and os.path.isdir(self.run_dir):
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def stop_server(self, server: Server) -> None:
        """Stops one server of this lab now (by PID) and forgets it."""
        server.stop()
        self.servers.remove(server)

    def _dir(self, name: str) -> str:
        # Numbered by servers ever started: a server started after stop_server
        # gets a folder of its own, not the stopped one's configs and caches.
        self._started += 1
        path = os.path.join(self.run_dir, f"{name}-{self._started - 1}")
        os.makedirs(path, exist_ok=True)
        return path

    def _add(self, server: Server) -> Server:
        self.servers.append(server)
        return server

    def nginx(self, locations: str, root: str | None = None, http_extra: str = "",
              port: int | None = None) -> Server:
        """nginx with one server block `listen 127.0.0.1:PORT` holding `locations`;
        `http_extra` goes in the http block (e.g. proxy_cache_path). "@DIR@" in either
        stands for this server's own folder (caches, static files)."""
        d = self._dir("nginx")
        locations = locations.replace("@DIR@", d)
        http_extra = http_extra.replace("@DIR@", d)
        port = port or free_port()
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi", "cache"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        conf = os.path.join(d, "nginx.conf")
        error_log = os.path.join(d, "error.log")
        # Started as root, nginx workers would drop to "nobody" and could not
        # use the private run folder (temp files, caches) or the caller's files.
        user = "user root;" if os.geteuid() == 0 else ""
        with open(conf, "w") as f:
            f.write(f"""daemon off;
{user}
worker_processes 1;
pid {d}/nginx.pid;
error_log {error_log} info;
events {{ worker_connections 256; }}
http {{
  access_log {d}/access.log;
  client_body_temp_path {d}/client_body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
  default_type application/octet-stream;
  types {{ application/pkix-crl crl; application/pkix-cert crt cer; application/pkcs7-mime p7c; }}
  {http_extra}
  server {{
    listen {HOST}:{port};
    server_name _;
    root {root or d};
    {locations}
  }}
}}
""")
        argv = ["/usr/sbin/nginx", "-p", d, "-c", conf, "-e", error_log]
        return self._add(Server("nginx", argv, port,
                                [os.path.join(d, "stdout.log"), error_log, os.path.join(d, "access.log")]))

    def tinyproxy(self, filter_hosts: list[str] | None = None, default_deny: bool = False,
                  port: int | None = None, upstream: str | None = None,
                  basic_auth: str | list[tuple[str, str]] | None = None) -> Server:
        """tinyproxy on 127.0.0.1; filter_hosts are regexes of host names it answers 403 for
        (or, with default_deny, the only ones it lets through). upstream ("127.0.0.1:PORT")
        sends every request on to that HTTP proxy or front end instead of resolving names.
        basic_auth ("USER:PASSWORD" or (user, password) pairs): only those may use the
        proxy (407 otherwise)."""
        d = self._dir("tinyproxy")
        port = port or free_port()
        log = os.path.join(d, "tinyproxy.log")
        lines = [f"Port {port}", f"Listen {HOST}", "Timeout 30", f"LogFile \"{log}\"",
                 "LogLevel Info", f"PidFile \"{d}/tinyproxy.pid\"", "MaxClients 64"]
        if filter_hosts is not None:
            filter_file = os.path.join(d, "filter")
            with open(filter_file, "w") as f:
                f.write("".join(h + "\n" for h in filter_hosts))
            lines.append(f"Filter \"{filter_file}\"")
            lines.append(f"FilterDefaultDeny {'Yes' if default_deny else 'No'}")
        if upstream:
            lines.append(f"Upstream http {upstream}")
        if isinstance(basic_auth, str):
            basic_auth = [tuple(basic_auth.split(":", 1))]
        for user, password in basic_auth or []:
            lines.append(f"BasicAuth {user} {password}")
        conf = os.path.join(d, "tinyproxy.conf")
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        return self._add(Server("tinyproxy", ["tinyproxy", "-d", "-c", conf], port,
                                [os.path.join(d, "stdout.log"), log]))

    def _python(self, name: str, args: list[str]) -> Server:
        d = self._dir(name)
        port = free_port()
        log = os.path.join(d, "requests.log")
        argv = [sys.executable, os.path.join(HERE, "servers.py"), "_serve", name, "--port", str(port),
                "--log", log] + args
        return self._add(Server(name, argv, port, [os.path.join(d, "stdout.log"), log]))

    def hostile(self, mode: str, **params) -> Server:
        """A raw-socket HTTP server that misbehaves as `mode` says (see HOSTILE_MODES)."""
        args = [mode]
        for key, value in params.items():
            flag = "--" + key.replace("_", "-")
            if isinstance(value, (list, tuple)):
                for v in value:
                    args += [flag, str(v)]
            else:
                args += [flag, str(value)]
        return self._python("hostile", args)

    def ocsp_front(self, index: str, ca: str, rsigner: str, rkey: str, rother: str | None = None,
                   ndays: int = 1, reuse: bool = False) -> Server:
        """HTTP OCSP responder on 127.0.0.1 running `openssl ocsp` once per request; with
        reuse, once per distinct request (later ones get the same answer, as from a
        responder that serves pre-produced answers, RFC 5019 §1)."""
        args = ["--index", index, "--ca", ca, "--rsigner", rsigner, "--rkey", rkey, "--ndays", str(ndays)]
        if rother:
            args += ["--rother", rother]
        if reuse:
            args.append("--reuse")
        return self._python("ocsp", args)


# --- request log shared by the python servers --------------------------------

class RequestLog:
    def __init__(self, path: str | None):
        self._lock = threading.Lock()
        self._path = path

    def write(self, record: dict) -> None:
        if not self._path:
            return
        with self._lock, open(self._path, "a") as f:
            f.write(json.dumps(record) + "\n")


# --- OCSP front ----------------------------------------------------------------

def decode_get_path(path: str) -> bytes | None:
    """RFC 6960 A.1: the path is url-encoded base64 of the DER OCSPRequest.
    Be liberal: percent-decode once, then base64 (tolerating a missing pad)."""
    text = urllib.parse.unquote(path.lstrip("/"))
    text += "=" * (-len(text) % 4)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def make_ocsp_handler(opts, log: RequestLog):
    answered: dict[bytes, bytes] = {}  # --reuse: request DER → answer

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def _answer(self, der_request: bytes | None) -> None:
            body = OCSP_MALFORMED
            if der_request is not None and der_request in answered:
                body = answered[der_request]
            elif der_request is not None:
                with tempfile.TemporaryDirectory() as tmp:
                    req, resp = os.path.join(tmp, "req.der"), os.path.join(tmp, "resp.der")
                    with open(req, "wb") as f:
                        f.write(der_request)
                    argv = ["openssl", "ocsp", "-index", opts.index, "-CA", opts.ca, "-rsigner",
                            opts.rsigner, "-rkey", opts.rkey, "-reqin", req, "-respout", resp,
                            "-ndays", str(opts.ndays)]
                    if opts.rother:
                        argv += ["-rother", opts.rother]
                    done = subprocess.run(argv, capture_output=True, timeout=20)
                    if done.returncode == 0 and os.path.exists(resp):
                        with open(resp, "rb") as f:
                            body = f.read()
                        if opts.reuse:
                            answered[der_request] = body
            log.write({"method": self.command, "path": self.path, "bytes": len(body)})
            self.send_response(200)
            self.send_header("Content-Type", "application/ocsp-response")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self._answer(decode_get_path(urllib.parse.urlsplit(self.path).path))

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0") or 0)
            self._answer(self.rfile.read(min(length, 1 << 16)))

    return Handler


def serve_ocsp(opts, log: RequestLog) -> None:
    class ThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = ThreadingServer((HOST, opts.port), make_ocsp_handler(opts, log))
    server.serve_forever()


# --- hostile / odd HTTP server ------------------------------------------------

HOSTILE_MODES = {
    "fixed": "answer --status with --body and --header NAME:VALUE lines",
    "delay": "wait --ms before answering like fixed",
    "drip": "send headers, then one body byte every --ms (Content-Length --bytes)",
    "endless": "200 without Content-Length, body bytes forever",
    "lying-length": "Content-Length --bytes, send half of it, close",
    "reset": "Content-Length --bytes, send half of it, reset the connection",
    "redirect": "--status (302) to --location",
    "hops": "/N redirects to /N+1 while N < --count, then answers like fixed",
    "huge-headers": "200 with --bytes of header lines",
    "gzip": "200 with Content-Encoding: gzip of --body, never asked for",
    "http09": "the body alone, no status line (HTTP/0.9)",
    "silent": "accept and never answer",
    "echo": "answer like fixed, with every request header echoed back as X-Echo-NAME",
    "close": "accept and close without a byte",
    "flaky": "the first --count requests get the connection closed without a byte, later ones "
             "an answer like fixed",
    "spoofed-status": "--status (404) with a header line 'HTTP/1.1: 200 OK', then --body",
    "interim": "100 Continue and 103 Early Hints (with a Link header), then an answer like fixed",
    "long-header-line": "200 with one header line of --bytes",
    "bulk": "200 with --bytes body bytes, no Content-Length, then close",
}

REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 303: "See Other",
           307: "Temporary Redirect", 308: "Permanent Redirect", 403: "Forbidden",
           404: "Not Found", 500: "Internal Server Error", 503: "Service Unavailable"}


def read_request(conn: socket.socket, buf: bytearray) -> tuple[str, str, dict, bytes] | None:
    """One HTTP/1.1 request from the connection (head capped at 64 KiB)."""
    while b"\r\n\r\n" not in buf:
        if len(buf) > 65536:
            return None
        chunk = conn.recv(65536)
        if not chunk:
            return None
        buf += chunk
    head, _, rest = bytes(buf).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) < 3:
        return None
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    body = bytearray(rest)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    buf[:] = body[length:]
    return parts[0], parts[1], headers, bytes(body[:length])


def response_head(status: int, headers: list[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
    lines += [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def fixed_reply(opts, status: int | None = None, extra: list[tuple[str, str]] | None = None) -> bytes:
    body = opts.body.encode()
    headers = [tuple(h.split(":", 1)) for h in opts.header]
    headers = [(k.strip(), v.strip()) for k, v in headers] + (extra or [])
    headers.append(("Content-Length", str(len(body))))
    return response_head(status or opts.status, headers) + body


class Counter:
    def __init__(self):
        self._lock = threading.Lock()
        self._n = 0

    def next(self) -> int:
        with self._lock:
            self._n += 1
            return self._n


def hostile_connection(conn: socket.socket, opts, log: RequestLog, requests_seen: Counter) -> None:
    mode = opts.mode
    if mode == "silent":
        time.sleep(3600)
        return
    if mode == "close":
        return
    buf = bytearray()
    while True:
        request = read_request(conn, buf)
        if request is None:
            return
        method, target, headers, body = request
        if mode == "flaky" and requests_seen.next() <= opts.count:
            log.write({"mode": mode, "target": target, "closed": True, "time": time.time()})
            return
        log.write({"mode": mode, "method": method, "target": target, "headers": headers,
                   "body_bytes": len(body), "time": time.time()})
        if mode in ("fixed", "flaky"):
            conn.sendall(fixed_reply(opts))
        elif mode == "echo":
            conn.sendall(fixed_reply(opts, extra=[("X-Echo-" + k, v) for k, v in headers.items()]))
        elif mode == "delay":
            time.sleep(opts.ms / 1000.0)
            conn.sendall(fixed_reply(opts))
        elif mode == "redirect":
            status = opts.status if 300 <= opts.status < 400 else 302
            conn.sendall(response_head(status, [("Location", opts.location), ("Content-Length", "0")]))
        elif mode == "hops":
            step = int(target.strip("/") or "0") if target.strip("/").isdigit() else 0
            if step < opts.count:
                conn.sendall(response_head(302, [("Location", f"/{step + 1}"), ("Content-Length", "0")]))
            else:
                conn.sendall(fixed_reply(opts))
        elif mode == "drip":
            conn.sendall(response_head(200, [("Content-Length", str(opts.bytes))]))
            for _ in range(opts.bytes):
                conn.sendall(b"x")
                time.sleep(opts.ms / 1000.0)
        elif mode == "endless":
            conn.sendall(response_head(200, [("Content-Type", "application/pkix-crl"),
                                             ("Connection", "close")]))
            chunk = b"\0" * 65536
            while True:
                conn.sendall(chunk)
        elif mode in ("lying-length", "reset"):
            conn.sendall(response_head(200, [("Content-Length", str(opts.bytes))]))
            conn.sendall(b"x" * (opts.bytes // 2))
            time.sleep(0.1)
            if mode == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        elif mode == "huge-headers":
            line = "X-Filler: " + "y" * 90
            count = max(1, opts.bytes // (len(line) + 2))
            conn.sendall(response_head(200, [("X-Filler", "y" * 90)] * count + [("Content-Length", "0")]))
        elif mode == "spoofed-status":
            body = opts.body.encode()
            head = (f"HTTP/1.1 {opts.status} {REASONS.get(opts.status, 'Status')}\r\n"
                    "HTTP/1.1: 200 OK\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n")
            conn.sendall(head.encode("latin-1") + body)
        elif mode == "interim":
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n"
                         b"HTTP/1.1 103 Early Hints\r\nLink: </hint.css>; rel=preload\r\n\r\n")
            conn.sendall(fixed_reply(opts))
        elif mode == "long-header-line":
            conn.sendall(response_head(200, [("X-Long", "y" * opts.bytes), ("Content-Length", "0")]))
        elif mode == "bulk":
            conn.sendall(response_head(200, [("Connection", "close")]))
            chunk = b"b" * 65536
            left = opts.bytes
            while left > 0:
                conn.sendall(chunk[:left])
                left -= len(chunk)
            return
        elif mode == "gzip":
            packed = gzip.compress(opts.body.encode())
            conn.sendall(response_head(200, [("Content-Encoding", "gzip"),
                                             ("Content-Length", str(len(packed)))]) + packed)
        elif mode == "http09":
            conn.sendall(opts.body.encode())
            return
        else:
            return


def serve_hostile(opts, log: RequestLog) -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((HOST, opts.port))
    listener.listen(128)

    requests_seen = Counter()

    def run(conn: socket.socket) -> None:
        with conn:
            try:
                hostile_connection(conn, opts, log, requests_seen)
            except OSError:
                pass

    while True:
        conn, _ = listener.accept()
        threading.Thread(target=run, args=(conn,), daemon=True).start()


# --- command line ----------------------------------------------------------------

def add_hostile_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("mode", choices=sorted(HOSTILE_MODES))
    p.add_argument("--ms", type=int, default=0)
    p.add_argument("--status", type=int, default=200)
    p.add_argument("--body", default="ok")
    p.add_argument("--header", action="append", default=[])
    p.add_argument("--location", default="/")
    p.add_argument("--bytes", type=int, default=1000)
    p.add_argument("--count", type=int, default=1)


def add_ocsp_args(p: argparse.ArgumentParser) -> None:
    for name in ("index", "ca", "rsigner", "rkey"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--rother")
    p.add_argument("--ndays", type=int, default=1)
    p.add_argument("--reuse", action="store_true",
                   help="run openssl once per distinct request, answer repeats with its answer")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("_serve", help=argparse.SUPPRESS)
    serve_sub = serve.add_subparsers(dest="kind", required=True)
    for kind, add in (("hostile", add_hostile_args), ("ocsp", add_ocsp_args)):
        p = serve_sub.add_parser(kind)
        p.add_argument("--port", type=int, required=True)
        p.add_argument("--log")
        add(p)

    add_hostile_args(sub.add_parser(
        "hostile", help="an odd or hostile HTTP server",
        epilog="modes:\n" + "\n".join(f"  {k:13} {v}" for k, v in sorted(HOSTILE_MODES.items())),
        formatter_class=argparse.RawDescriptionHelpFormatter))
    add_ocsp_args(sub.add_parser("ocsp", help="OCSP responder front (openssl ocsp per request)"))
    tp = sub.add_parser("tinyproxy", help="tinyproxy on 127.0.0.1")
    tp.add_argument("--filter", action="append")
    tp.add_argument("--default-deny", action="store_true")
    tp.add_argument("--upstream", help="127.0.0.1:PORT to send every request on to")
    tp.add_argument("--basic-auth", help="USER:PASSWORD the proxy requires")
    ng = sub.add_parser("nginx", help="nginx on 127.0.0.1")
    ng.add_argument("--conf-file", required=True, help="file with the server block's locations")
    ng.add_argument("--http-conf-file", help="file with directives for the http block")
    ng.add_argument("--root")

    opts = parser.parse_args(argv)
    if opts.command == "_serve":
        log = RequestLog(opts.log)
        (serve_hostile if opts.kind == "hostile" else serve_ocsp)(opts, log)
        return 0

    # SIGTERM from whoever started us stops the lab through the with-block.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with Lab() as lab:
        if opts.command == "hostile":
            params = {k: v for k, v in vars(opts).items() if k not in ("command", "mode")}
            server = lab.hostile(opts.mode, **params)
        elif opts.command == "ocsp":
            server = lab.ocsp_front(opts.index, opts.ca, opts.rsigner, opts.rkey, opts.rother, opts.ndays,
                                    opts.reuse)
        elif opts.command == "tinyproxy":
            server = lab.tinyproxy(opts.filter, opts.default_deny, upstream=opts.upstream,
                                   basic_auth=opts.basic_auth)
        else:
            with open(opts.conf_file) as f:
                locations = f.read()
            http_extra = ""
            if opts.http_conf_file:
                with open(opts.http_conf_file) as f:
                    http_extra = f.read()
            server = lab.nginx(locations, root=opts.root, http_extra=http_extra)
        print(json.dumps({"port": server.port, "pid": server.pid, "logs": server.logs,
                          "run_dir": lab.run_dir}), flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
