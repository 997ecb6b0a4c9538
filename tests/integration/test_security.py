"""Issue 17: no secrets in anything the tool writes, no writes outside the
evidence folder or through planted links, bounded plans, exit 3 instead of an
abort, and inspect escaping hostile strings.

Everything happens inside one mkdtemp() tree; planted links point at sentinel
files in that tree. Servers listen on 127.0.0.1 only (tests/harness/servers.py).
The PKI comes from profiles/make-example-pki.sh."""

import base64
import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

SOURCE = os.environ.get("PREFLIGHT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "tests", "harness"))

from hostile_cases import profile_text  # noqa: E402
from servers import Lab  # noqa: E402

BINARY = os.environ["PREFLIGHT_BIN"]
FORMATS = ("text", "json", "junit", "markdown", "prometheus")

# Credentials of the forward proxy (one user in the profile, one in
# http_proxy), of a CRL URL's userinfo, and a bearer token header. The
# profile's proxy password is typed with its '-' percent-encoded (tinyproxy
# takes letters, digits and "-._" in passwords).
PROXY_USER, PROXY_PASS = "pxuser", "Px-S3cret.Qz"
PROXY_PASS_TYPED = PROXY_PASS.replace("-", "%2D")
ENV_USER, ENV_PASS = "envuser", "Env-S3cretWq"
URL_USER, URL_PASS = "crluser", "Url-S3cretJk"
TOKEN = "tok-9f8e7d6c5b4a"

POLICY = """extends: cabf-tls-br
name: security-lab
max_body: 1MiB
"""


def secret_forms():
    """Every form in which a secret must not appear: as typed, percent-encoded
    (both cases) and in the base64 of Basic credentials and the bare value."""
    forms = set()
    pairs = [(PROXY_USER, PROXY_PASS), (ENV_USER, ENV_PASS), (URL_USER, URL_PASS)]
    for user, password in pairs:
        forms.add(password)
        forms.add(urllib.parse.quote(password, safe=""))
        forms.add(urllib.parse.quote(password, safe="").lower())
        forms.add(base64.b64encode(f"{user}:{password}".encode()).decode().rstrip("="))
    forms.add(PROXY_PASS_TYPED)
    forms.add(PROXY_PASS_TYPED.lower())
    forms.add(TOKEN)
    forms.add(base64.b64encode(TOKEN.encode()).decode().rstrip("="))
    forms.add(base64.b64encode(f"Bearer {TOKEN}".encode()).decode().rstrip("="))
    return sorted(forms)


def run(argv, env=None, cwd=None, preexec_fn=None, timeout=120):
    child = subprocess.run(argv, capture_output=True, env=env, cwd=cwd, timeout=timeout,
                           preexec_fn=preexec_fn)
    return child.returncode, child.stdout, child.stderr


class Security(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="preflight-security-")
        cls.pki = os.path.join(cls.dir, "pki")
        subprocess.run([os.path.join(SOURCE, "profiles", "make-example-pki.sh"), cls.pki],
                       check=True, capture_output=True, timeout=120)
        cls.policy = os.path.join(cls.dir, "policy.yaml")
        with open(cls.policy, "w", encoding="utf-8") as f:
            f.write(POLICY)
        cls.lab = Lab(run_dir=os.path.join(cls.dir, "lab"))
        cls.echo = cls.lab.hostile("echo", body="not a crl")
        cls.proxy = cls.lab.tinyproxy(basic_auth=[(PROXY_USER, PROXY_PASS), (ENV_USER, ENV_PASS)])

    @classmethod
    def tearDownClass(cls):
        cls.lab.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def profile(self, name, crls, paths, extra="", file=None):
        file = file or self.path(name.replace("/", "_") + ".yaml")
        with open(file, "w", encoding="utf-8") as f:
            f.write(profile_text(name, self.policy, self.pki, crls, paths, extra))
        return file

    def fresh(self, name):
        d = self.path(name)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        return d

    def sentinel(self, name):
        p = self.path(name)
        with open(p, "w") as f:
            f.write("sentinel\n")
        return p

    def assert_sentinel(self, p):
        self.assertFalse(os.path.islink(p))
        with open(p) as f:
            self.assertEqual(f.read(), "sentinel\n")

    # --- item 1: redaction ------------------------------------------------------------------

    def leaky_profile(self, public_header=False):
        port = self.echo.port
        proxy_url = (f"http://{PROXY_USER}:{PROXY_PASS_TYPED}"
                     f"@127.0.0.1:{self.proxy.port}")
        headers = f'Authorization: "Bearer {TOKEN}"' + (', X-Preflight: "1"' if public_header else "")
        paths = (f'  - name: corp-proxy\n'
                 f'    proxy: "{proxy_url}"\n'
                 f'    headers: {{{headers}}}\n'
                 + ('    public_headers: [X-Preflight]\n' if public_header else "")
                 + '  - name: env-proxy\n')
        extra = f'  ocsp: ["http://127.0.0.1:{port}/ocsp"]'
        return self.profile("Leaky", [f"http://{URL_USER}:{URL_PASS}@127.0.0.1:{port}/sub.crl"],
                            paths, extra)

    def test_no_secret_in_any_output(self):
        profile = self.leaky_profile()
        env = dict(os.environ)
        for var in ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"):
            env.pop(var, None)
        env["http_proxy"] = f"http://{ENV_USER}:{ENV_PASS}@127.0.0.1:{self.proxy.port}"
        outputs = {}
        for fmt in FORMATS:
            out_dir = self.fresh(f"leak-{fmt}")
            reports = [a for other in FORMATS for a in
                       ("--report", f"{other}={out_dir}/report.{other}")]
            for extra in (["-v"], []) if fmt == "text" else ([],):
                evidence = os.path.join(out_dir, "evidence" + "".join(extra))
                argv = [BINARY, "check", profile, "--format", fmt, "--evidence", evidence,
                        *reports, *extra]
                code, out, err = run(argv, env=env)
                self.assertEqual(code, 1, err.decode(errors="replace"))
                outputs[f"{fmt} {extra} stdout"] = out
                outputs[f"{fmt} {extra} stderr"] = err
            code, out, err = run([BINARY, "check", profile, "-q"], env=env)
            outputs["-q stdout"], outputs["-q stderr"] = out, err
            for root, _, files in os.walk(out_dir):
                for name in files:
                    with open(os.path.join(root, name), "rb") as f:
                        outputs[os.path.join(root, name)] = f.read()
        # The run used the credentials: the proxy let requests through to the
        # server (407 otherwise), and the header reached it.
        with open(self.echo.logs[-1]) as f:
            log = [json.loads(line) for line in f if line.strip()]
        self.assertTrue(any(r.get("headers", {}).get("authorization") == f"Bearer {TOKEN}"
                            for r in log), log[:3])
        for form in secret_forms():
            for where, data in outputs.items():
                self.assertNotIn(form.encode(), data, f"{form!r} in {where}")
        self.assertIn(b"REDACTED", outputs["json [] stdout"])
        self.assertIn(b"Authorization: REDACTED", outputs["text ['-v'] stderr"])
        # The server echoed the Authorization header back: the evidence shows
        # the header name, not the value.
        headers_files = [k for k in outputs if k.endswith(".headers")]
        self.assertTrue(headers_files)
        self.assertTrue(any(b"X-Echo-authorization: REDACTED" in outputs[k] for k in headers_files))
        # The password of a typed URL is a warning of profile.urls (RFC 9110 §4.2.4).
        report = json.loads(outputs["json [] stdout"])
        warned = [r for r in report["results"] if r["check"] == "profile.urls"
                  and r["status"] == "warn"]
        self.assertEqual(len(warned), 1, warned)
        self.assertIn(f"{URL_USER}:REDACTED@", warned[0]["message"])

    def test_a_public_header_stays_readable(self):
        profile = self.leaky_profile(public_header=True)
        code, _, err = run([BINARY, "check", profile, "-v", "--path", "corp-proxy"])
        self.assertEqual(code, 1, err)
        self.assertIn(b'header "X-Preflight: 1"', err)
        self.assertIn(b'header "Authorization: REDACTED"', err)
        self.assertNotIn(TOKEN.encode(), err)

    def test_error_messages_are_redacted_and_escaped(self):
        bad = self.path("bad-key.yaml")
        with open(bad, "w", encoding="utf-8") as f:
            f.write(f'version: 1\nname: x\n"\u202egnp.exe\\e[2J": 1\n')
        code, _, err = run([BINARY, "lint", bad])
        self.assertEqual(code, 2)
        self.assertNotIn("\u202e".encode(), err)
        self.assertNotIn(b"\x1b", err)
        self.assertIn(b"\\u{202e}gnp.exe\\x1b[2J", err)

    # --- item 3: evidence and reports -----------------------------------------------------------

    def plain_paths(self):
        return "  - name: direct\n"

    def run_check(self, profile, *args, env=None):
        return run([BINARY, "check", profile, "--format", "json", *args], env=env)

    def test_colliding_and_dot_names_stay_inside_and_verify(self):
        root = self.fresh("collide")
        www = os.path.join(root, "www")
        os.makedirs(os.path.join(www, "a"))
        with open(os.path.join(www, "a", "X.crl"), "wb") as f:
            f.write(b"first body")
        with open(os.path.join(www, "a_X.crl"), "wb") as f:
            f.write(b"second body")
        nginx = self.lab.nginx("location / { }", root=www)
        base = f"http://127.0.0.1:{nginx.port}"
        work = os.path.join(root, "work")
        os.makedirs(work)
        profile = self.profile("..", [f"{base}/a/X.crl", f"{base}/a_X.crl"],
                               "  - name: ..\n  - name: a/../../b\n",
                               file=os.path.join(work, "dots.yaml"))
        evidence = os.path.join(work, "evidence")
        code, out, err = self.run_check(profile, "--evidence", evidence)
        self.assertEqual(code, 1, err)
        self.assertEqual(sorted(os.listdir(work)), ["dots.yaml", "evidence"])
        self.assertEqual(sorted(os.listdir(root)), ["work", "www"])
        check = subprocess.run(["sha256sum", "--strict", "-c", "MANIFEST.sha256"], cwd=evidence,
                               capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        bodies = {}
        for dirpath, _, files in os.walk(evidence):
            for name in files:
                if name.endswith(".body"):
                    with open(os.path.join(dirpath, name), "rb") as f:
                        bodies[os.path.relpath(os.path.join(dirpath, name), evidence)] = f.read()
        # 2 URLs x 2 paths, every body kept.
        self.assertEqual(sorted(bodies.values()), [b"first body"] * 2 + [b"second body"] * 2)
        for rel in bodies:
            self.assertNotIn("..", rel.split(os.sep))

    def test_nonempty_evidence_folder_is_refused_and_overwrite_rules(self):
        root = self.fresh("overwrite")
        profile = self.profile("Overwrite", [f"http://127.0.0.1:{self.echo.port}/one.crl"],
                               self.plain_paths())
        evidence = os.path.join(root, "evidence")
        code, _, err = self.run_check(profile, "--evidence", evidence)
        self.assertEqual(code, 1, err)
        first = sorted(os.listdir(evidence))
        # Again without --evidence-overwrite: refused before any request.
        code, _, err = self.run_check(profile, "--evidence", evidence)
        self.assertEqual(code, 2)
        self.assertIn(b"--evidence-overwrite", err)
        self.assertEqual(sorted(os.listdir(evidence)), first)
        # With it, and another URL: the old run's files are gone, the folder verifies.
        other = self.profile("Overwrite", [f"http://127.0.0.1:{self.echo.port}/two.crl"],
                             self.plain_paths(), file=self.path("overwrite-two.yaml"))
        code, _, err = self.run_check(other, "--evidence", evidence, "--evidence-overwrite")
        self.assertEqual(code, 1, err)
        listed = []
        for dirpath, _, files in os.walk(evidence):
            listed += [os.path.relpath(os.path.join(dirpath, n), evidence) for n in files]
        self.assertFalse(any("one.crl" in p for p in listed), listed)
        self.assertTrue(any("two.crl" in p for p in listed), listed)
        check = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=evidence,
                               capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout)
        # An unlisted file: refused, nothing deleted.
        stray = os.path.join(evidence, "notes.txt")
        with open(stray, "w") as f:
            f.write("mine\n")
        before = sorted(listed + ["notes.txt"])
        code, _, err = self.run_check(other, "--evidence", evidence, "--evidence-overwrite")
        self.assertEqual(code, 2)
        self.assertIn(b"notes.txt", err)
        after = []
        for dirpath, _, files in os.walk(evidence):
            after += [os.path.relpath(os.path.join(dirpath, n), evidence) for n in files]
        self.assertEqual(sorted(after), before)
        # A folder that is not an evidence folder (a mistyped --evidence): nothing deleted.
        home = self.fresh("not-evidence")
        kept = self.sentinel("not-evidence/thesis.tex")
        code, _, err = self.run_check(other, "--evidence", home, "--evidence-overwrite")
        self.assertEqual(code, 2)
        self.assertIn(b"MANIFEST.sha256", err)
        self.assert_sentinel(kept)

    def test_planted_links_are_never_followed(self):
        root = self.fresh("links")
        outside = os.path.join(root, "outside")
        os.makedirs(outside)
        sentinel = self.sentinel("links/sentinel.txt")
        profile = self.profile("Links", [f"http://127.0.0.1:{self.echo.port}/l.crl"],
                               self.plain_paths())
        # A previous run's folder with a link planted as the manifest, a body and a sub-folder.
        evidence = os.path.join(root, "evidence")
        code, _, err = self.run_check(profile, "--evidence", evidence)
        self.assertEqual(code, 1, err)
        for planted in ("MANIFEST.sha256", "report.json"):
            os.replace(os.path.join(evidence, planted), os.path.join(root, planted + ".old"))
            os.symlink(sentinel, os.path.join(evidence, planted))
            code, _, err = self.run_check(profile, "--evidence", evidence, "--evidence-overwrite")
            self.assertEqual(code, 2, err)
            self.assert_sentinel(sentinel)
            os.unlink(os.path.join(evidence, planted))
            os.replace(os.path.join(root, planted + ".old"), os.path.join(evidence, planted))
        shutil.rmtree(os.path.join(evidence, "Links"))
        os.symlink(outside, os.path.join(evidence, "Links"))
        code, _, err = self.run_check(profile, "--evidence", evidence, "--evidence-overwrite")
        self.assertEqual(code, 2, err)
        self.assertEqual(os.listdir(outside), [])
        # --report onto a planted link: the link is replaced, its target untouched.
        link = os.path.join(root, "report.xml")
        os.symlink(sentinel, link)
        code, out, err = self.run_check(profile, "--report", f"junit={link}")
        self.assertEqual(code, 1, err)
        self.assert_sentinel(sentinel)
        self.assertFalse(os.path.islink(link))
        with open(link, "rb") as f:
            self.assertTrue(f.read().startswith(b"<?xml"))
        self.assertEqual(sorted(os.listdir(root)),
                         sorted(["evidence", "outside", "sentinel.txt", "report.xml"]))

    def test_reports_are_written_before_stdout(self):
        root = self.fresh("pipe")
        profile = self.profile("Pipe", [f"http://127.0.0.1:{self.echo.port}/p.crl"],
                               self.plain_paths())
        report = os.path.join(root, "r.json")
        # stdout closed at once, as with `| head -0`: the report file is still complete.
        child = subprocess.Popen([BINARY, "check", profile, "--report", f"json={report}"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        child.stdout.close()
        child.wait(timeout=120)
        with open(report) as f:
            self.assertEqual(json.load(f)["verdict"], "not-ready")

    # --- item 4: request cap, exit 3, inspect size cap --------------------------------------------

    def test_request_cap_is_an_input_error_with_the_count(self):
        urls = [f"http://crl{i}.example.invalid/c.crl" for i in range(1001)]
        paths = "".join(f"  - name: p{i}\n" for i in range(100))
        profile = self.profile("Huge", urls, paths)
        code, _, err = run([BINARY, "check", profile], timeout=60)
        self.assertEqual(code, 2, err)
        self.assertIn(b"100100 requests", err)
        self.assertIn(b"100000", err)

    def test_a_failed_evidence_write_is_exit_3_with_the_reason(self):
        root = self.fresh("efbig")
        profile = self.profile("Big", [f"http://127.0.0.1:{self.echo.port}/big.crl"],
                               self.plain_paths())

        def small_files():
            # Files over 4 bytes fail with EFBIG (SIGXFSZ ignored), as a full disk would.
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (4, 4))

        code, _, err = run([BINARY, "check", profile, "--evidence", os.path.join(root, "ev")],
                           preexec_fn=small_files)
        self.assertEqual(code, 3, err)
        self.assertIn(b"cannot write evidence file", err)
        self.assertIn(b"File too large", err)

    def test_inspect_refuses_a_file_over_max_body_before_reading(self):
        big = self.path("big.crl")
        with open(big, "wb") as f:
            f.truncate(2 << 20)  # sparse: nothing is written to disk
        code, _, err = run([BINARY, "inspect", big, "--policy", self.policy])
        self.assertEqual(code, 2, err)
        self.assertIn(b"more than the policy's max_body", err)

    @unittest.skipIf("ASAN_OPTIONS" in os.environ, "AddressSanitizer reserves more address space")
    def test_out_of_memory_is_exit_3_not_an_abort(self):
        big = self.path("big150.crl")
        with open(big, "wb") as f:
            f.truncate(150 << 20)  # under the default max_body, over the address space below

        def little_memory():
            resource.setrlimit(resource.RLIMIT_AS, (100 << 20, 100 << 20))

        code, _, err = run([BINARY, "inspect", big], preexec_fn=little_memory)
        os.unlink(big)
        self.assertEqual(code, 3, err)
        self.assertIn(b"out of memory", err)

    # --- item 6: inspect escapes hostile strings ---------------------------------------------------

    def test_inspect_of_a_crl_with_control_bytes_in_its_idp(self):
        der = os.path.join(SOURCE, "tests", "regressions", "crl", "idp-uri-with-control-bytes.der")
        code, out, _ = run([BINARY, "inspect", der])
        self.assertEqual(code, 0)
        expected = ("      - CA R1\\x17\\x0d261127L90000Z0\\x0a\\x06\\x08*\\x86H\\xce=\\x00\\x03"
                    "\\x02crl\n").encode()
        self.assertIn(b"    full_name:\n" + expected, out)
        for byte in range(0x20):
            if byte != 0x0A:
                self.assertNotIn(bytes([byte]), out)
        out.decode("utf-8")  # valid UTF-8 throughout


if __name__ == "__main__":
    unittest.main()
