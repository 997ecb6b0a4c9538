"""The man pages generated at build time (build/docs/man1) cover the command
line exactly: a page per command `--help` lists, every option `--help` shows
on that command's page and no other, the positionals in the synopsis; each
page renders through `man -l` and `groff -ww` without a warning and has a
NAME line `lexgrog` (whatis) reads."""

import gzip
import os
import re
import subprocess
import unittest

BIN = os.environ["PREFLIGHT_BIN"]
MAN_DIR = os.path.join(os.environ["PREFLIGHT_BUILD_DIR"], "docs", "man1")


def help_text(*command):
    done = subprocess.run([BIN, *command, "--help"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout


def section(text, title):
    """Lines of CLI11's help section `title:` (indented lines after it)."""
    lines = text.splitlines()
    if title + ":" not in lines:
        return []
    out = []
    for line in lines[lines.index(title + ":") + 1:]:
        if line and not line[0].isspace():
            break
        out.append(line)
    return out


def commands():
    return [line.split()[0] for line in section(help_text(), "Subcommands") if line.strip()]


def help_options(*command):
    names = set()
    for line in section(help_text(*command), "Options"):
        if line.strip().startswith("-"):
            names.update(n for n in line.split()[0].split(",") if n.startswith("-"))
    return names


def help_positionals(*command):
    return [line.split()[0] for line in section(help_text(*command), "Positionals") if line.strip()]


def page_name(command):
    return "subca-preflight" + ("-" + command if command else "") + ".1"


def read_page(name):
    with gzip.open(os.path.join(MAN_DIR, name + ".gz"), "rt", encoding="ascii") as f:
        return f.read()


def roff_sections(roff):
    sections, current = {}, None
    for line in roff.splitlines():
        if line.startswith(".SH "):
            current = line[4:].strip('"')
            sections[current] = []
        elif current:
            sections[current].append(line)
    return sections


def page_options(roff):
    """Option names on the .TP item lines of OPTIONS, as typed."""
    lines = roff_sections(roff).get("OPTIONS", [])
    names = set()
    for previous, line in zip(lines, lines[1:]):
        if previous == ".TP":
            names.update(re.findall(r"\\fB((?:\\-)+[A-Za-z][\w\\-]*)\\fR", line))
    return {n.replace("\\-", "-") for n in names}


class ManPagesTest(unittest.TestCase):
    def test_a_page_per_command_and_no_other(self):
        expected = {page_name(None)} | {page_name(c) for c in commands()}
        self.assertIn("subca-preflight-check.1", expected)
        pages = {f[:-len(".gz")] for f in os.listdir(MAN_DIR) if f.endswith(".1.gz")}
        self.assertEqual(pages, expected)

    def test_every_help_option_is_on_the_page_and_no_other(self):
        for command in [None, *commands()]:
            argv = [command] if command else []
            with self.subTest(command=command or "subca-preflight"):
                in_help = help_options(*argv)
                self.assertIn("--help", in_help)
                self.assertEqual(page_options(read_page(page_name(command))), in_help)

    def test_positionals_are_in_the_synopsis(self):
        for command in commands():
            with self.subTest(command=command):
                synopsis = " ".join(roff_sections(read_page(page_name(command)))["SYNOPSIS"])
                for positional in help_positionals(command):
                    self.assertIn(positional.upper(), synopsis)

    def test_main_page_lists_every_command(self):
        listed = " ".join(roff_sections(read_page(page_name(None)))["COMMANDS"])
        for command in commands():
            self.assertIn("\\fB" + command.replace("-", "\\-") + "\\fR", listed)

    def test_pages_render_without_warnings(self):
        for name in sorted(os.listdir(MAN_DIR)):
            if not name.endswith(".1.gz"):
                continue
            path = os.path.join(MAN_DIR, name)
            with self.subTest(page=name):
                groff = subprocess.run(["groff", "-ww", "-b", "-z", "-man", "-Tutf8"],
                                       input=read_page(name[:-len(".gz")]), capture_output=True,
                                       text=True, timeout=30)
                self.assertEqual((groff.returncode, groff.stderr), (0, ""))
                man = subprocess.run(["man", "--warnings", "-l", path], capture_output=True,
                                     text=True, timeout=30,
                                     env={**os.environ, "MANWIDTH": "80", "MANPAGER": "cat",
                                          "LC_ALL": "C.UTF-8"})
                self.assertEqual((man.returncode, man.stderr), (0, ""))
                self.assertIn("NAME", man.stdout)
                whatis = subprocess.run(["lexgrog", path], capture_output=True, text=True,
                                        timeout=30)
                self.assertEqual(whatis.returncode, 0, whatis.stdout + whatis.stderr)
                self.assertIn(name[:-len(".1.gz")] + " - ", whatis.stdout)


if __name__ == "__main__":
    unittest.main()
