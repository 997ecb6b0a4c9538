"""`subca-preflight serve` and a Prometheus server of the test's own, both on
127.0.0.1 on free ports, started through a servers.Lab (stopped by PID)."""

from __future__ import annotations

import json
import os
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request

from servers import Lab, Server, free_port


def start_serve(lab: Lab, binary: str, profiles: list[str], *args: str) -> Server:
    port = free_port()
    folder = lab._dir("serve")
    argv = [binary, "serve", "--listen", f"127.0.0.1:{port}", *args, *profiles]
    return lab._add(Server("serve", argv, port, [os.path.join(folder, "stdout.log")]))


def http_get(url: str, headers: dict | None = None, timeout: float = 60) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def probe_url(server: Server, profile: str, **params: str) -> str:
    return server.url + "/probe?" + urllib.parse.urlencode({"profile": profile, **params})


def exporter_counters(server: Server) -> dict[str, float]:
    _, text = http_get(server.url + "/metrics")
    return {line.split()[0]: float(line.split()[1]) for line in text.splitlines()
            if line and not line.startswith("#")}


def start_prometheus(lab: Lab, config: str, rule_files: dict[str, str]) -> Server:
    """prometheus with `config` (its rule files written beside it), a fresh
    data folder, listening on 127.0.0.1 only."""
    folder = lab._dir("prometheus")
    for name, text in rule_files.items():
        with open(os.path.join(folder, name), "w") as f:
            f.write(text)
    with open(os.path.join(folder, "prometheus.yml"), "w") as f:
        f.write(config)
    data = os.path.join(folder, "data")
    os.makedirs(data)
    port = free_port()
    argv = [shutil.which("prometheus") or "/usr/bin/prometheus",
            "--config.file", os.path.join(folder, "prometheus.yml"),
            "--storage.tsdb.path", data,
            "--web.listen-address", f"127.0.0.1:{port}"]
    server = lab._add(Server("prometheus", argv, port, [os.path.join(folder, "stdout.log")],
                             cwd=folder))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if http_get(server.url + "/-/ready", timeout=2)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("prometheus did not become ready:\n" + server.describe_logs())


def prometheus_api(server: Server, path: str) -> dict:
    status, text = http_get(server.url + path, timeout=10)
    if status != 200:
        raise AssertionError(f"{path}: HTTP {status}: {text[:500]}")
    return json.loads(text)["data"]
