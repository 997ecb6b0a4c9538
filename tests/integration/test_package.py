"""The Debian package: `cpack -G DEB` from the build tree into a temporary
folder, `lintian` with no error and only the warnings docs/packaging.md
accepts, Depends from dpkg-shlibdeps, the version cmake/version.cmake wrote,
the files in Debian's places. Then `dpkg-deb -x` into a temporary root (the
package is never installed on this machine) and the unpacked binary checks
the bundled lab (examples/lab), which is ready with every SubCA allowed.

Skipped in the sanitizer build: its binary needs the sanitizer runtimes and
its Depends would name them, which is no package anyone ships."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE = os.environ["PREFLIGHT_SOURCE_DIR"]
BUILD = os.environ["PREFLIGHT_BUILD_DIR"]
sys.path.insert(0, os.path.join(SOURCE, "examples", "lab"))
sys.path.insert(0, os.path.join(SOURCE, "tests", "harness"))

from lab import ALLOWLIST_BEFORE, NEW_SUBCAS, PreflightLab  # noqa: E402


def sanitizer_build():
    with open(os.path.join(BUILD, "CMakeCache.txt"), encoding="utf-8") as f:
        return "PREFLIGHT_SANITIZE:BOOL=ON" in f.read()


def accepted_warnings():
    """Tags listed under "## Accepted lintian warnings" in docs/packaging.md."""
    with open(os.path.join(SOURCE, "docs", "packaging.md"), encoding="utf-8") as f:
        text = f.read()
    block = text.split("## Accepted lintian warnings", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^- `([a-z0-9.+-]+)`", block, re.M))


def package_version():
    with open(os.path.join(BUILD, "version", "package_version.cmake"), encoding="utf-8") as f:
        return re.search(r'"(.+)"', f.read()).group(1)


def run(argv, **kwargs):
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, **kwargs)
    assert done.returncode == 0, f"{argv}: {done.stdout}{done.stderr}"
    return done.stdout


@unittest.skipIf(sanitizer_build(), "no package of a sanitizer build")
class PackageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="preflight-package-")
        run(["cpack", "-G", "DEB", "--config", os.path.join(BUILD, "CPackConfig.cmake"),
             "-B", cls.tmp])
        debs = [f for f in os.listdir(cls.tmp) if f.endswith(".deb")]
        assert len(debs) == 1, debs
        cls.deb = os.path.join(cls.tmp, debs[0])
        cls.root = os.path.join(cls.tmp, "root")
        run(["dpkg-deb", "-x", cls.deb, cls.root])
        cls.listing = run(["dpkg-deb", "-c", cls.deb])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def field(self, name):
        return run(["dpkg-deb", "-f", self.deb, name]).strip()

    def test_lintian(self):
        # Every instance of a tag shown; exit 0 unless an error.
        done = subprocess.run(["lintian", "--tag-display-limit", "0", self.deb],
                              capture_output=True, text=True, timeout=300)
        tags = re.findall(r"^([EWIPX]): subca-preflight(?: \w+)?: (\S+)", done.stdout, re.M)
        errors = [tag for level, tag in tags if level == "E"]
        self.assertEqual(errors, [], done.stdout)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        warnings = {tag for level, tag in tags if level == "W"}
        self.assertLessEqual(warnings, accepted_warnings(), done.stdout)

    def test_control_fields(self):
        self.assertEqual(self.field("Package"), "subca-preflight")
        self.assertEqual(self.field("Version"), package_version())
        run(["dpkg", "--validate-version", package_version()])
        self.assertEqual(self.field("Architecture"), run(["dpkg", "--print-architecture"]).strip())
        depends = {d.split()[0] for d in self.field("Depends").split(", ")}
        # What the binary links, as dpkg-shlibdeps names it on Debian 12.
        for package in ("libc6", "libstdc++6", "libgcc-s1", "libssl3", "libcurl4",
                        "libyaml-cpp0.7"):
            self.assertIn(package, depends)

    def test_files_in_debian_places(self):
        paths = {line.split()[-1] for line in self.listing.splitlines()}
        for path in ("./usr/bin/subca-preflight",
                     "./usr/share/subca-preflight/policies/cabf-tls-br.yaml",
                     "./usr/share/man/man1/subca-preflight.1.gz",
                     "./usr/share/man/man1/subca-preflight-check.1.gz",
                     "./usr/share/bash-completion/completions/subca-preflight",
                     "./usr/share/doc/subca-preflight/copyright",
                     "./usr/share/doc/subca-preflight/changelog.gz",
                     "./usr/share/doc/subca-preflight/README.md"):
            self.assertIn(path, paths)
        for line in self.listing.splitlines():
            self.assertIn(" root/root ", line)

    def test_unpacked_binary_checks_the_lab(self):
        binary = os.path.join(self.root, "usr", "bin", "subca-preflight")
        version = run([binary, "--version"]).strip()
        with PreflightLab(allow=ALLOWLIST_BEFORE + NEW_SUBCAS) as lab:
            done = subprocess.run([binary, "check", *lab.write_profiles(), "--format", "json"],
                                  capture_output=True, text=True, timeout=120,
                                  env={k: v for k, v in os.environ.items()
                                       if k != "SUBCA_PREFLIGHT_POLICY_DIR"})
        report = json.loads(done.stdout)
        self.assertEqual((done.returncode, report["verdict"]), (0, "ready"), done.stderr)
        self.assertEqual("subca-preflight " + report["version"], version)
        self.assertEqual(report["policy"], "cabf-tls-br")


if __name__ == "__main__":
    unittest.main()
