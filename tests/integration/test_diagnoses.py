"""The operator's first screen against the lab: the diagnoses of the demo's
first run (-q) name every SubCA, every failing path and every URL the front
end's allowlist lacks, within 25 lines of a 100-column terminal; Markdown for
20 SubCAs stays within a CI step summary; the progress line and the notice
for a profile without paths."""

import os
import pty
import re
import select
import subprocess
import sys
import tempfile
import fcntl
import struct
import termios
import time
import unittest

SOURCE = os.environ.get("PREFLIGHT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "examples", "lab"))

from lab import NAMES, NEW_SUBCAS, PreflightLab, crl_url, ocsp_url  # noqa: E402

BINARY = os.environ["PREFLIGHT_BIN"]
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|\r")


def on_terminal(argv, columns=100, env=None):
    """Runs argv with standard output and error on a pseudo-terminal of that width."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
                               env=dict(os.environ, COLUMNS=str(columns), **(env or {})))
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            process.kill()
            raise AssertionError("no output for 120 s")
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    process.wait(timeout=60)
    return process.returncode, b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


class FirstScreen(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.lab = PreflightLab()
        cls.lab.__enter__()
        cls.profiles = cls.lab.write_profiles()

    @classmethod
    def tearDownClass(cls):
        cls.lab.__exit__(None, None, None)

    def test_quiet_first_screen_tells_the_whole_fix(self):
        code, screen = on_terminal([BINARY, "check", "-q", "--color", "never", *self.profiles])
        self.assertEqual(code, 1, screen)
        lines = screen.rstrip("\n").split("\n")
        self.assertLessEqual(len(lines), 25, screen)
        self.assertTrue(all(len(line) <= 100 for line in lines), screen)  # wrapped to the width
        text = " ".join(line.strip() for line in lines)
        for ca in NEW_SUBCAS:
            self.assertIn(NAMES[ca], text)
            # Every URL the front end's allowlist lacks, as the line to add.
            self.assertIn(f"GET  {crl_url(ca)}", screen)
            self.assertIn(f"POST {ocsp_url(ca)}", screen)
            self.assertIn(f"GET  {ocsp_url(ca)}/*", screen)
        for path in ("relying-party", "corp-proxy"):
            self.assertIn(path, text)
        self.assertIn("NOT READY", lines[-1])
        # One root cause: the front end; nothing says to publish at the origin.
        self.assertIn("does not pass 6 URLs of 3 SubCAs", text)
        self.assertNotIn("publish", text)
        # The progress line never mixes into a -q screen.
        self.assertNotIn("requests", text)

    def test_progress_on_a_terminal_only(self):
        argv = [BINARY, "check", "--format", "json", "--path", "origin", self.profiles[2]]
        code, screen = on_terminal(argv, env={"CI": ""})
        self.assertRegex(ANSI.sub("\n", screen), r"\d+/\d+ requests")
        for env, extra in (({"CI": "true"}, []), ({"CI": ""}, ["--no-progress"])):
            with self.subTest(env=env, extra=extra):
                code, screen = on_terminal(argv + extra, env=env)
                self.assertNotRegex(screen, r"\d+/\d+ requests")
        piped = subprocess.run(argv, capture_output=True, text=True, env=dict(os.environ, CI=""))
        self.assertNotIn("requests", piped.stderr)

    def test_markdown_for_twenty_subcas_fits_a_step_summary(self):
        with tempfile.TemporaryDirectory() as folder:
            many = []
            for i in range(20):
                source = self.profiles[i % 3]
                with open(source) as f:
                    text = f.read()
                text = re.sub(r"^name: (.*)$", rf"name: \1 no. {i + 1}", text, count=1, flags=re.M)
                # Relative file names in the profile resolve against its folder.
                target = os.path.join(os.path.dirname(source), f"many-{i}.yaml")
                with open(target, "w") as f:
                    f.write(text)
                many.append(target)
            report = os.path.join(folder, "summary.md")
            started = time.monotonic()
            done = subprocess.run([BINARY, "check", "-q", "--report", f"markdown={report}", *many],
                                  capture_output=True, text=True, timeout=300)
            self.assertEqual(done.returncode, 1, done.stderr)
            with open(report, "rb") as f:
                size = len(f.read())
            self.assertLess(size, 1 << 20, f"{size} bytes")
            with open(report) as f:
                markdown = f.read()
            self.assertTrue(markdown.split("\n")[2].startswith("### Diagnoses"), markdown[:400])
            self.assertIn("does not pass 6 URLs of 20 SubCAs", markdown)
            for path in many:
                os.unlink(path)
            print(f"20 SubCAs: markdown {size} bytes in {time.monotonic() - started:.1f} s",
                  file=sys.stderr)

    def test_a_profile_without_paths_gets_a_notice(self):
        with open(self.profiles[0]) as f:
            text = f.read()
        target = os.path.join(os.path.dirname(self.profiles[0]), "no-paths.yaml")
        with open(target, "w") as f:
            f.write(text[:text.index("\npaths:")] + "\n")
        self.addCleanup(os.unlink, target)
        # Only the notice is asked for: the run itself would go to public DNS.
        process = subprocess.Popen([BINARY, "check", "-q", "--timeout", "1s", target],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            first = process.stderr.readline()
        finally:
            process.kill()
            process.wait()
            process.stderr.close()
        self.assertIn("no paths: in the profile", first)
        self.assertIn("resolver and proxy settings", first)


if __name__ == "__main__":
    unittest.main()
