"""Hostile profiles (issue 7): an alias bomb, 10,000 URLs, bytes that are not
UTF-8, a folder where a file belongs, a 1 GB certificate file. Each ends in
bounded time and memory with exit 2 and a message naming the problem (or,
for 10,000 URLs, an ordinary verdict), and no file contents on the screen.

The PKI comes from profiles/make-example-pki.sh, the profile from
profiles/tls-issuing-ca.yaml; `lint` runs everything up to the network."""

import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

BIN = os.environ["PREFLIGHT_BIN"]
SOURCE = os.environ["PREFLIGHT_SOURCE_DIR"]
EXAMPLE = os.path.join(SOURCE, "profiles", "tls-issuing-ca.yaml")

TIME_LIMIT_S = 10
RSS_LIMIT = 256 << 20  # far below what reading 1 GB or expanding a bomb would take
STDERR_LIMIT = 1000  # one message, not a dump


def run_measured(*args):
    """Runs the binary; returns (exit code, stdout, stderr, wall seconds, peak RSS bytes)."""
    start = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen([BIN, *args], stdout=out, stderr=err)
        killer = threading.Timer(TIME_LIMIT_S + 30, child.kill)
        killer.start()
        # wait4 on this child alone: RUSAGE_CHILDREN would mix in earlier runs.
        _, status, usage = os.wait4(child.pid, 0)
        killer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (child.returncode, out.read().decode(errors="replace"),
                err.read().decode(errors="replace"), time.monotonic() - start,
                usage.ru_maxrss * 1024)


class BadProfiles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="preflight-bad-profiles-")
        subprocess.run([os.path.join(SOURCE, "profiles", "make-example-pki.sh"),
                        os.path.join(cls.dir, "generated")],
                       check=True, capture_output=True, timeout=120)
        with open(EXAMPLE, encoding="utf-8") as f:
            cls.example_text = f.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def write(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    def variant(self, name, old, new):
        self.assertIn(old, self.example_text)
        return self.write(name, self.example_text.replace(old, new, 1))

    def lint(self, profile, expect_code=2):
        code, out, err, elapsed, rss = run_measured("lint", profile)
        self.assertEqual(code, expect_code, out + err[:STDERR_LIMIT])
        self.assertLess(elapsed, TIME_LIMIT_S)
        self.assertLess(rss, RSS_LIMIT, f"peak RSS {rss >> 20} MiB")
        self.assertNotIn("AddressSanitizer", err)
        self.assertNotIn("runtime error", err)
        self.assertNotIn("terminate called", err)
        return out, err

    def assert_input_error(self, profile, *message_parts):
        _, err = self.lint(profile)
        self.assertLess(len(err), STDERR_LIMIT, err[:STDERR_LIMIT])
        self.assertEqual(err.count("\n"), 1, err)
        for part in message_parts:
            self.assertIn(part, err)
        return err

    def test_yaml_alias_bomb(self):
        # Billion laughs: 9 levels of 9 aliases name 9^9 strings if expanded.
        lines = ['lol0: &lol0 "lol"']
        for level in range(1, 10):
            refs = ", ".join([f"*lol{level - 1}"] * 9)
            lines.append(f"lol{level}: &lol{level} [{refs}]")
        bomb = "\n".join(lines) + "\n"
        with self.subTest("under an unknown key"):
            path = self.write("bomb-unknown-key.yaml",
                              "bomb:\n" + "".join("  " + l + "\n" for l in lines) + self.example_text)
            self.assert_input_error(path, f"{path}:1:1: ", "bomb")
        with self.subTest("as a list of URLs"):
            text = self.example_text.replace(
                'controls:                       # an older SubCA\'s CRL on the same front end, known to work\n'
                '  - "http://crl.crlocsp.cn/ExampleLegacyCA.crl"',
                "x-anchors:\n" + "".join("  " + l + "\n" for l in lines) + "controls: *lol9", 1)
            self.assertIn("controls: *lol9", text)
            path = self.write("bomb-controls.yaml", text)
            err = self.assert_input_error(path, f"{path}:")
            self.assertNotIn("lol", err.replace("lol9", ""))
        with self.subTest("as the name"):
            path = self.write("bomb-name.yaml", bomb + self.example_text.replace(
                "name: Example Asia DV CA R1", "name: *lol9", 1))
            self.assert_input_error(path, f"{path}:")

    def test_ten_thousand_urls_are_judged_in_bounded_time(self):
        # Decision (docs/robustness.md): a long list is not an input error; it
        # is linted like any other, so it costs time linear in its length.
        urls = ", ".join(f'"http://crl.crlocsp.cn/p{i}.crl"' for i in range(10000))
        path = self.variant("ten-thousand.yaml",
                            '  full_crls: ["http://crl.crlocsp.cn/ExampleAsiaDVCAR1.crl"]',
                            f'  full_crls: ["http://crl.crlocsp.cn/ExampleAsiaDVCAR1.crl", {urls}]')
        out, err = self.lint(path, expect_code=0)
        self.assertEqual(err, "")
        self.assertLess(len(out), 100000)

    def test_url_count_up_to_the_file_cap_costs_linear_time(self):
        # 25,000 URLs fill most of the 1 MiB a profile may have; profile.urls
        # once compared every URL with every other one (~15 s here, ~40 s
        # under sanitizers) and now takes about a second.
        urls = ", ".join(f'"http://crl.crlocsp.cn/p{i}.crl"' for i in range(25000))
        path = self.variant("many.yaml",
                            '  full_crls: ["http://crl.crlocsp.cn/ExampleAsiaDVCAR1.crl"]',
                            f'  full_crls: ["http://crl.crlocsp.cn/ExampleAsiaDVCAR1.crl", {urls}]')
        self.assertLess(os.path.getsize(path), 1 << 20)
        self.lint(path, expect_code=0)

    def test_ten_thousand_urls_with_a_bad_one_names_its_position(self):
        urls = ", ".join(f'"http://crl.crlocsp.cn/p{i}.crl"' for i in range(10000))
        path = self.variant("ten-thousand-bad.yaml",
                            '  full_crls: ["http://crl.crlocsp.cn/ExampleAsiaDVCAR1.crl"]',
                            f'  full_crls: [{urls}, "http://exa mple/x.crl"]')
        self.assert_input_error(path, f"{path}:")

    def test_non_utf8_profile(self):
        data = self.example_text.encode("utf-8").replace(
            b"name: Example Asia DV CA R1", b"name: Example \xff\xfe CA R1", 1)
        path = self.write("latin.yaml", data)
        line = self.example_text[:self.example_text.index("name: Example Asia")].count("\n") + 1
        err = self.assert_input_error(path, f"{path}:{line}:15: not UTF-8: byte 0xff")
        self.assertNotIn("\ufffd", err)

    def test_folder_where_a_certificate_belongs(self):
        os.makedirs(os.path.join(self.dir, "generated", "folder.pem"), exist_ok=True)
        path = self.variant("folder-cert.yaml", "certificate: generated/root.pem",
                            "certificate: generated/folder.pem")
        self.assert_input_error(path, f"{path}:", "folder.pem")

    def test_folder_given_as_the_profile(self):
        self.assert_input_error(os.path.join(self.dir, "generated"), "generated")

    def test_one_gigabyte_certificate_is_not_read(self):
        big = os.path.join(self.dir, "generated", "huge.pem")
        with open(big, "wb") as f:
            f.truncate(1 << 30)  # sparse: costs no disk
        path = self.variant("huge-cert.yaml", "certificate: generated/root.pem",
                            "certificate: generated/huge.pem")
        self.assert_input_error(path, f"{path}:", "huge.pem")

    def test_one_gigabyte_profile_is_not_read(self):
        big = os.path.join(self.dir, "huge.yaml")
        with open(big, "wb") as f:
            f.truncate(1 << 30)
        self.assert_input_error(big, "huge.yaml")

    def test_device_where_a_certificate_belongs(self):
        path = self.variant("device-cert.yaml", "certificate: generated/root.pem",
                            "certificate: /dev/zero")
        self.assert_input_error(path, f"{path}:", "/dev/zero")


if __name__ == "__main__":
    unittest.main()
