"""Hostile replies at a CRL URL, as test_hostile.py sets them up and the
rfc5280 sweep (test_rfc5280_sweep.py) reuses them: one profile per case pins
the SubCA's CRL URL to a server of servers.py (connect_to); the identity is a
subject and a key, so that URL is the only one fetched. The PKI comes from
profiles/make-example-pki.sh.

    server = start(lab, "gzip")
    profile = write_profile(folder, "gzip", policy_file, pki, [URL], pinned_body(server))
"""

import json
import os

HOST = "crl.hostile.test"
URL = f"http://{HOST}/sub.crl"

PROFILE = """version: 1
name: {name}
policy: {policy}
issuer:
  certificate: {pki}/root.pem
subca:
  subject: "CN=Example Asia DV CA R1,O=Example Ltd,C=GB"
  public_key: {pki}/subca.pub.pem
issued:
  crl_distribution_points: {crls}
{extra}
paths:
{paths}
"""


def policy(extends="cabf-tls-br", name="hostile-lab"):
    """The endless body needs a small cap; the proxy case needs https allowed."""
    return f"""extends: {extends}
name: {name}
http:
  schemes: [http, https]
max_body: 8MiB
max_in_flight: 16MiB
"""


# The replies that end at once (the slow and endless ones of test_hostile.py
# take seconds or memory): case → servers.py mode and parameters.
QUICK = {
    "baseline": ("fixed", {"body": "not a crl"}),
    "redirect-loop": ("redirect", {"location": URL}),
    "huge-headers": ("huge-headers", {"bytes": 4 << 20}),
    "gzip": ("gzip", {"body": "x" * 100000}),
    "reset": ("reset", {"bytes": 200000}),
    "lying-length": ("lying-length", {"bytes": 200000}),
    "http09": ("http09", {"body": "this is no HTTP response\n"}),
    "spoofed-status": ("spoofed-status", {"status": 404, "body": "not a crl"}),
    "long-header-line": ("long-header-line", {"bytes": 10_000_000}),
}


def start(lab, case):
    """The server of a QUICK case, started in lab (servers.Lab)."""
    mode, params = QUICK[case]
    return lab.hostile(mode, **params)


def pinned_body(server):
    return f'    connect_to: ["{HOST}:80:127.0.0.1:{server.port}"]'


def profile_text(name, policy_file, pki, crls, paths, extra=""):
    """The profile text: `crls` the issued CRL URLs, `paths` the YAML of the
    paths list, `extra` more keys of `issued` (test_security.py adds OCSP)."""
    return PROFILE.format(name=json.dumps(name), policy=policy_file, pki=pki,
                          crls=json.dumps(crls), extra=extra, paths=paths)


def write_profile(folder, case, policy_file, pki, urls, path_body, path_name="pinned"):
    path = os.path.join(folder, f"{case}.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(profile_text(f"Hostile {case}", policy_file, pki, urls,
                             f"  - name: {path_name}\n{path_body}"))
    return path
