"""examples/deploy/ stays runnable: each file parses, and every
subca-preflight command it runs names a subcommand the binary has and
options that subcommand's --help documents. (The Kubernetes manifests need a
container image that cannot be built here: these checks are all they get.)"""

import os
import re
import shlex
import subprocess
import unittest

import yaml

BINARY = os.environ["PREFLIGHT_BIN"]
SOURCE = os.environ.get("PREFLIGHT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
DEPLOY = os.path.join(SOURCE, "examples", "deploy")


def load(name):
    with open(os.path.join(DEPLOY, name)) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def shell_commands(script):
    """The subca-preflight invocations of a shell script, as argument lists;
    CI expressions (${{ … }}, $VAR) count as plain words."""
    script = re.sub(r"\$\{\{[^}]*\}\}", "X", script.replace("\\\n", " "))
    commands = []
    for line in script.splitlines():
        line = line.split(" || ")[0]
        words = shlex.split(line, comments=True) if "subca-preflight " in line else []
        if words and words[0] == "subca-preflight" and len(words) > 1:
            commands.append(words)
    return commands


def walk(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)
    else:
        yield node


class DeployExamples(unittest.TestCase):
    help_texts = {}

    def assert_accepted(self, argv, where):
        sub = argv[1]
        if sub not in self.help_texts:
            done = subprocess.run([BINARY, sub, "--help"], capture_output=True, text=True)
            self.assertEqual(done.returncode, 0, f"{where}: no subcommand {sub}")
            self.help_texts[sub] = done.stdout
        for word in argv[2:]:
            if word.startswith("-") and word != "-":
                option = word.split("=")[0]
                self.assertRegex(self.help_texts[sub], r"(^|[\s,])" + re.escape(option) + r"\b",
                                 f"{where}: {sub} has no option {option}")

    def test_kubernetes(self):
        subcommands = set()
        for name in ("kubernetes/cronjob.yaml", "kubernetes/merge-job.yaml"):
            with open(os.path.join(DEPLOY, name)) as f:
                text = f.read()
            self.assertIn("UNTESTED beyond parse and option checks", text)
            for doc in load(name):
                self.assertIn(doc["kind"], ("CronJob", "Job"))
                if doc["kind"] == "CronJob":
                    self.assertEqual(doc["spec"]["concurrencyPolicy"], "Forbid")
                    pod = doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
                else:
                    pod = doc["spec"]["template"]["spec"]
                for container in pod["containers"]:
                    argv = container["command"]
                    self.assertEqual(argv[0], "subca-preflight")
                    self.assert_accepted(argv, f"{name} {doc['metadata']['name']}")
                    subcommands.add(argv[1])
                    mounts = [m["mountPath"] for m in container["volumeMounts"]]
                    if argv[1] == "check":
                        evidence = argv[argv.index("--evidence") + 1]
                        self.assertTrue(any(evidence.startswith(m + "/") for m in mounts), evidence)
                        self.assertIn("--vantage", argv)
        self.assertEqual(subcommands, {"check", "merge"})

    def test_github_actions(self):
        (workflow,) = load("github-actions-vantage.yml")
        jobs = workflow["jobs"]
        self.assertIn("self-hosted", jobs["check"]["runs-on"])
        self.assertTrue(jobs["check"]["strategy"]["matrix"]["vantage"])
        self.assertEqual(jobs["merge"]["needs"], "check")
        self.check_scripts({k: [s.get("run", "") for s in j["steps"]] for k, j in jobs.items()},
                           "github-actions-vantage.yml")

    def test_gitlab(self):
        (pipeline,) = load("gitlab-ci-vantage.yml")
        self.assertTrue(pipeline["check"]["parallel"]["matrix"][0]["VANTAGE"])
        self.assertEqual(pipeline["merge"]["needs"], ["check"])
        scripts = {}
        for job in ("check", "merge"):
            lines = [line for item in pipeline[job]["script"]
                     for line in (item if isinstance(item, list) else [item])]
            scripts[job] = lines
        self.check_scripts(scripts, "gitlab-ci-vantage.yml")

    def check_scripts(self, scripts, where):
        seen = {}
        for job, lines in scripts.items():
            for argv in shell_commands("\n".join(lines)):
                self.assert_accepted(argv, f"{where} {job}")
                seen.setdefault(job, set()).add(argv[1])
        self.assertIn("check", seen.get("check", set()), where)
        self.assertEqual(seen.get("merge"), {"merge"}, where)


if __name__ == "__main__":
    unittest.main()
