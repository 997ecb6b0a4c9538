"""Validators for subca-preflight reports, shared by integration tests.

Each check_* function takes the report text, raises AssertionError naming
the first thing that breaks the contract (docs/cli.md for JSON; JUnit XML as CI
reporters read it; Prometheus text exposition format 0.0.4) and returns the
parsed report for further assertions.
"""

import collections
import datetime
import json
import math
import os
import re
import subprocess
import xml.etree.ElementTree as ET

STATUSES = ("pass", "fail", "warn", "skip")
SEVERITIES = ("error", "warning")
ROLES = (
    "subca.crl", "subca.ocsp", "subca.ca_issuers",
    "issued.crl", "issued.ocsp", "issued.ca_issuers", "disclosure.crl",
)
REQUESTS = ("fetch", "unused-serial", "probe", "subca-serial", "sha256-certid")
METHODS = ("GET", "POST")

TOP_KEYS = ("tool", "version", "profile", "policy", "at", "vantage", "started_at", "profile_digest",
            "verdict", "summary", "diagnoses", "results")
# lint fetches nothing: no vantage point, start time or digests.
LINT_TOP_KEYS = ("tool", "version", "profile", "policy", "at", "verdict", "summary", "diagnoses",
                 "results")
MERGE_TOP_KEYS = ("tool", "version", "profile", "policy", "at", "inputs", "verdict", "summary",
                  "diagnoses", "results")
INSPECT_TOP_KEYS = ("tool", "version", "at", "artifact", "cert_status", "verdict", "summary",
                    "results")
# The report's order of a result's keys; the optional ones appear only when set.
RESULT_KEYS = ("check", "key", "status", "severity", "impact", "citations", "rules", "role", "url",
               "path",
               "connected_to", "proxy", "method", "request", "serial", "vantage", "profile",
               "message", "hint", "evidence")
# Present on every HTTP result of a check report; null when not connected / direct.
NULLABLE_KEYS = ("connected_to", "proxy")
# merge: where one URL and path behave differently by vantage point.
VANTAGE_DIAGNOSIS_KEYS = ("id", "cause", "impact", "scope", "evidence", "fix")
RESULT_REQUIRED = ("check", "status", "severity", "impact", "citations", "message", "evidence")
IMPACTS = ("relying-party", "compliance")
DIAGNOSIS_KEYS = ("id", "cause", "title", "status", "severity", "impact", "scope", "evidence", "fix",
                  "results")
CAUSES = ("not-published", "path-down", "front-end-does-not-pass", "stale-cache",
          "responder-not-configured", "responder-lacks-serials", "wrong-object", "object-findings",
          "other")
# Hints and diagnoses that say the origin lacks an object.
ORIGIN_LACKS = ("origin does not serve it", "publish it there first", "not published at the origin",
                "publish the object at the origin")


def registry():
    """The check registry as the built tool lists it (`checks --format json`), by id."""
    global _REGISTRY
    if _REGISTRY is None:
        out = subprocess.run([os.environ["PREFLIGHT_BIN"], "checks", "--format", "json"],
                             check=True, capture_output=True, text=True).stdout
        _REGISTRY = {c["id"]: c for c in json.loads(out)["checks"]}
    return _REGISTRY


_REGISTRY = None
LOCATION_KEYS = ("role", "url", "path", "method", "request")
ARTIFACT_KINDS = ("crl", "ocsp-response", "certificate", "pkcs7", "csr", "unknown")

CHECK_ID = re.compile(r"[a-z][a-z0-9-]*(\.[a-z0-9-]+)+")
RFC3339_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
HEX = re.compile(r"[0-9a-f]+")


def _no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    duplicates = [k for k, n in collections.Counter(keys).items() if n > 1]
    assert not duplicates, f"duplicate JSON keys {duplicates}"
    return dict(pairs)


def parse_rfc3339_utc(text):
    assert isinstance(text, str) and RFC3339_UTC.fullmatch(text), f"not RFC 3339 UTC: {text!r}"
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)


def _check_result(result, index, profiles, inspect):
    where = f"results[{index}]"
    assert isinstance(result, dict), f"{where} is not an object"
    keys = list(result)
    unknown = [k for k in keys if k not in RESULT_KEYS]
    assert not unknown, f"{where}: unknown keys {unknown}"
    assert keys == [k for k in RESULT_KEYS if k in result], \
        f"{where}: keys out of the report's order: {keys}"
    for key in RESULT_REQUIRED:
        assert key in result, f"{where}: missing {key}"
    for key in keys:
        if key in ("citations", "rules") or (key in NULLABLE_KEYS and result[key] is None):
            continue
        if key != "evidence":
            assert isinstance(result[key], str), f"{where}.{key} is not a string"
        if key not in ("message", "evidence"):
            assert result[key] != "", f"{where}.{key} is present but empty"
    check, status, severity = result["check"], result["status"], result["severity"]
    assert CHECK_ID.fullmatch(check), f"{where}: bad check id {check!r}"
    # Every result names a registered check and carries its citations and an impact.
    assert check in registry() or check.startswith("advisory."), \
        f"{where}: check {check!r} is not in the registry"
    assert result["impact"] in IMPACTS, f"{where}: bad impact {result['impact']!r}"
    if check in registry():
        assert result["citations"] == registry()[check]["citations"], \
            f"{where}: citations differ from the registry"
    if "rules" in result:
        # The sub-rules a finding names, by id, each once, all of its own check.
        rules = result["rules"]
        assert isinstance(rules, list) and rules, f"{where}: rules is not a non-empty list"
        assert len(set(rules)) == len(rules), f"{where}: rules repeat"
        known = {rule["id"] for rule in registry().get(check, {}).get("rules", [])}
        assert set(rules) <= known, f"{where}: rules {rules} not sub-rules of {check}"
        assert status != "skip", f"{where}: a skip names rules"
    assert status in STATUSES, f"{where}: bad status {status!r}"
    assert severity in SEVERITIES, f"{where}: bad severity {severity!r}"
    # Results are final: a failure at severity warning is reported as warn.
    if status == "warn":
        assert severity == "warning", f"{where}: warn with severity {severity}"
    if status == "fail":
        assert severity == "error", f"{where}: fail with severity {severity}"
    if check.startswith("profile."):
        present = [k for k in LOCATION_KEYS if k in result]
        assert not present, f"{where}: profile.* result carries {present}"
    if "role" in result and not inspect:
        assert result["role"] in ROLES, f"{where}: unknown role {result['role']!r}"
    if "method" in result:
        assert result["method"] in METHODS, f"{where}: bad method {result['method']!r}"
    if "request" in result:
        assert result["request"] in REQUESTS, f"{where}: bad request {result['request']!r}"
    if "serial" in result:
        assert HEX.fullmatch(result["serial"]), f"{where}: serial not lowercase hex"
    if inspect:
        assert "url" not in result and "path" not in result, f"{where}: inspect result with url/path"
        assert "profile" not in result, f"{where}: inspect result with profile"
    elif len(profiles) > 1 and not (check.startswith("merge.") and "profile" not in result):
        assert result.get("profile") in profiles, f"{where}: profile missing or not in {profiles}"
    else:
        assert "profile" not in result, f"{where}: profile with a single-profile report"
    assert isinstance(result["evidence"], dict), f"{where}.evidence is not an object"


def check_json_report(text):
    """Parses a `--format json` report and checks it against the JSON report contract of docs/cli.md."""
    doc = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    assert isinstance(doc, dict), "report is not an object"
    inspect = "artifact" in doc
    merge = "inputs" in doc
    expected = (INSPECT_TOP_KEYS if inspect else MERGE_TOP_KEYS if merge
                else TOP_KEYS if "vantage" in doc else LINT_TOP_KEYS)
    assert tuple(doc) == expected, f"top-level keys {list(doc)}, expected {list(expected)}"
    if merge:
        for d in doc["diagnoses"]:
            assert tuple(d) == VANTAGE_DIAGNOSIS_KEYS, f"diagnosis keys {list(d)}"
            assert d["impact"] in IMPACTS, "diagnosis impact"
    elif "vantage" in doc:
        assert isinstance(doc["vantage"], str) and doc["vantage"], "vantage"
        parse_rfc3339_utc(doc["started_at"])
        assert isinstance(doc["profile_digest"], dict), "profile_digest"
        for digest in doc["profile_digest"].values():
            assert isinstance(digest, str) and re.fullmatch(r"[0-9a-f]{64}", digest), "digest"
    assert doc["tool"] == "subca-preflight"
    assert isinstance(doc["version"], str) and doc["version"], "version"
    parse_rfc3339_utc(doc["at"])
    profiles = []
    if inspect:
        assert isinstance(doc["artifact"], dict), "artifact is not an object"
        assert doc["artifact"].get("kind") in ARTIFACT_KINDS, "artifact.kind"
        assert doc["cert_status"] in ("good", "revoked", "unknown", "not-covered", None), "cert_status"
    else:
        profile = doc["profile"]
        if isinstance(profile, list):
            assert len(profile) != 1, "a single profile is a string, not a list"
            assert all(isinstance(p, str) for p in profile), "profile names are strings"
            assert len(set(profile)) == len(profile), "profile names repeat"
            profiles = profile
        else:
            assert isinstance(profile, str), "profile is neither a string nor a list"
            profiles = [profile]
        assert isinstance(doc["policy"], str), "policy"
    assert isinstance(doc["results"], list), "results is not a list"
    for index, result in enumerate(doc["results"]):
        _check_result(result, index, profiles, inspect)
    summary = doc["summary"]
    assert isinstance(summary, dict) and tuple(summary) == STATUSES + ("by_impact",), \
        f"summary keys {summary}"
    for impact in IMPACTS:
        for status in ("fail", "warn"):
            held = sum(1 for r in doc["results"] if r["status"] == status and r["impact"] == impact)
            assert summary["by_impact"][impact][status] == held, \
                f"summary.by_impact.{impact}.{status} = {summary['by_impact'][impact][status]}, " \
                f"results hold {held}"
    counts = collections.Counter(r["status"] for r in doc["results"])
    for status in STATUSES:
        assert summary[status] == counts[status], \
            f"summary.{status} = {summary[status]}, results hold {counts[status]}"
    if not inspect and not merge:
        _check_diagnoses(doc)
    blocking = any(r["status"] == "fail" and r["severity"] == "error" for r in doc["results"])
    assert doc["verdict"] == ("not-ready" if blocking else "ready"), \
        f"verdict {doc['verdict']!r} does not follow from the results"
    return doc


def _check_diagnoses(doc):
    """Every failure and warning is explained by exactly one diagnosis, by its key."""
    keys = [r["key"] for r in doc["results"]]
    assert len(set(keys)) == len(keys), "result keys repeat"
    findings = {r["key"] for r in doc["results"] if r["status"] in ("fail", "warn")}
    explained = collections.Counter()
    for index, d in enumerate(doc["diagnoses"]):
        where = f"diagnoses[{index}]"
        assert tuple(d) == DIAGNOSIS_KEYS, f"{where}: keys {list(d)}"
        assert d["id"] == f"D{index + 1}", f"{where}: id {d['id']}"
        assert d["cause"] in CAUSES, f"{where}: cause {d['cause']}"
        assert d["status"] in ("fail", "warn") and d["impact"] in IMPACTS, where
        assert tuple(d["scope"]) == ("profiles", "urls", "paths"), f"{where}: scope"
        assert tuple(d["fix"]) == ("action", "items") and d["fix"]["action"], f"{where}: fix"
        assert d["results"], f"{where} explains nothing"
        explained.update(d["results"])
    twice = [k for k, n in explained.items() if n > 1]
    assert not twice, f"explained by more than one diagnosis: {twice[:3]}"
    assert set(explained) == findings, \
        f"unexplained {sorted(findings - set(explained))[:3]}, " \
        f"not failures {sorted(set(explained) - findings)[:3]}"


def check_origin_claims(doc, reference="origin"):
    """No hint or diagnosis says the origin lacks an object its reference path served with 200."""
    served = {(r.get("profile", doc["profile"]), r["url"]) for r in doc["results"]
              if r["check"] == "http.status" and r.get("path") == reference and r["status"] == "pass"
              and r.get("request") in ("fetch", "probe", "subca-serial")}
    for r in doc["results"]:
        claims = [c for c in ORIGIN_LACKS if c in r.get("hint", "")]
        where = (r.get("profile", doc["profile"]), r.get("url"))
        assert not (claims and where in served), f"{r['key']}: hint {r['hint']!r}"
    for d in doc["diagnoses"]:
        if d["cause"] != "not-published":
            continue
        for url in d["scope"]["urls"]:
            for profile in d["scope"]["profiles"]:
                assert (profile, url) not in served, f"{d['id']}: {url} served by {reference}"


def check_junit(text):
    """Parses a JUnit XML report; checks counts, names and failure elements.

    Returns {"tests", "failures", "errors", "skipped", "suites": {name: [testcase]}}.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    root = ET.fromstring(data)
    assert root.tag == "testsuites", f"root element <{root.tag}>"
    totals = collections.Counter()
    suites = {}
    seen = set()
    # The Jenkins/Ant JUnit schemas: <testsuites> carries no `skipped`.
    assert set(root.attrib) <= {"name", "time", "tests", "failures", "disabled", "errors"}, \
        f"<testsuites> attributes {sorted(root.attrib)}"
    for suite in root:
        assert suite.tag == "testsuite", f"<{suite.tag}> under <testsuites>"
        name = suite.get("name")
        assert name, "testsuite without a name"
        assert name not in suites, f"testsuite {name!r} repeats"
        cases = suite.findall("testcase")
        # JUnit's <properties> (the vantage point) comes first, once.
        children = [c for c in suite if c.tag != "properties"]
        assert len(suite) - len(children) <= 1 and (len(children) == len(suite) or suite[0].tag == "properties"), \
            f"suite {name!r}: <properties> not first or repeated"
        assert len(cases) == len(children), f"suite {name!r} holds more than testcases"
        counts = collections.Counter(tests=len(cases))
        for case in cases:
            key = (case.get("classname"), case.get("name"))
            assert all(key), f"testcase without classname or name in {name!r}"
            # GitHub reporters show NaN for a testcase without time.
            assert re.fullmatch(r"\d+\.\d{3}", case.get("time", "")), f"testcase {key}: time"
            assert key not in seen, f"testcase {key} repeats"
            seen.add(key)
            outcomes = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
            assert len(outcomes) <= 1, f"testcase {key} has {outcomes}"
            for child in case:
                assert child.tag in ("failure", "error", "skipped", "system-out", "system-err"), \
                    f"testcase {key} holds <{child.tag}>"
                if child.tag in ("failure", "error"):
                    assert child.get("message") is not None, f"{key}: <{child.tag}> without message"
                    assert child.get("type"), f"{key}: <{child.tag}> without type"
            for outcome, counter in (("failure", "failures"), ("error", "errors"),
                                     ("skipped", "skipped")):
                counts[counter] += outcomes.count(outcome)
        for counter in ("tests", "failures", "errors", "skipped"):
            assert int(suite.get(counter, "0")) == counts[counter], \
                f"suite {name!r}: {counter}={suite.get(counter)}, counted {counts[counter]}"
        totals.update(counts)
        suites[name] = cases
    for counter in ("tests", "failures", "errors"):
        assert int(root.get(counter, "0")) == totals[counter], \
            f"<testsuites> {counter}={root.get(counter)}, counted {totals[counter]}"
    return {"tests": totals["tests"], "failures": totals["failures"],
            "errors": totals["errors"], "skipped": totals["skipped"], "suites": suites}


_METRIC = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
_LABEL_VALUE = r'"(?:[^"\\\n]|\\[\\"n])*"'
_PAIR = rf"({_LABEL})=({_LABEL_VALUE})"
SAMPLE_LINE = re.compile(
    rf"({_METRIC})(?:\{{((?:{_LABEL}={_LABEL_VALUE})(?:,{_LABEL}={_LABEL_VALUE})*,?)?\}})?"
    r" (\S+)(?: (-?\d+))?")
HELP_LINE = re.compile(rf"# HELP ({_METRIC}) ((?:[^\\\n]|\\[\\n])*)")
TYPE_LINE = re.compile(rf"# TYPE ({_METRIC}) (counter|gauge|histogram|summary|untyped)")
_UNESCAPE = {"\\\\": "\\", '\\"': '"', "\\n": "\n"}

Sample = collections.namedtuple("Sample", "name labels value")


def _parse_value(text, line):
    if text in ("NaN", "+Inf", "-Inf"):
        return float(text.replace("Inf", "inf").replace("NaN", "nan"))
    try:
        value = float(text)
    except ValueError:
        raise AssertionError(f"bad sample value in {line!r}") from None
    assert not math.isnan(value) and not math.isinf(value), f"spell NaN/Inf in {line!r}"
    return value


def check_prometheus(text):
    """Checks the text exposition format 0.0.4 line by line.

    Returns the samples (name, labels dict with unescaped values, value).
    """
    assert text.endswith("\n"), "the last line must end with a line feed"
    samples = []
    typed, helped, finished = {}, set(), set()
    series = set()
    current = None
    for number, line in enumerate(text.split("\n")[:-1], 1):
        where = f"line {number}: {line!r}"
        if line == "":
            continue
        if line.startswith("#"):
            help_match, type_match = HELP_LINE.fullmatch(line), TYPE_LINE.fullmatch(line)
            if line.startswith("# HELP "):
                assert help_match, f"malformed HELP, {where}"
                name = help_match.group(1)
                assert name not in helped, f"second HELP for {name}, {where}"
                helped.add(name)
            elif line.startswith("# TYPE "):
                assert type_match, f"malformed TYPE, {where}"
                name = type_match.group(1)
                assert name not in typed, f"second TYPE for {name}, {where}"
                assert not any(s.name == name for s in samples), f"TYPE after samples, {where}"
                typed[name] = type_match.group(2)
            continue
        match = SAMPLE_LINE.fullmatch(line)
        assert match, f"not a sample line, {where}"
        name, label_text, value_text = match.group(1), match.group(2) or "", match.group(3)
        labels = {}
        for label, value in re.findall(_PAIR, label_text):
            assert label not in labels, f"label {label} twice, {where}"
            assert not label.startswith("__"), f"reserved label {label}, {where}"
            labels[label] = re.sub(r'\\[\\"n]', lambda m: _UNESCAPE[m.group(0)], value[1:-1])
        if name != current:
            assert name not in finished, f"samples of {name} are not grouped together, {where}"
            if current is not None:
                finished.add(current)
            current = name
        key = (name, tuple(sorted(labels.items())))
        assert key not in series, f"series repeats, {where}"
        series.add(key)
        samples.append(Sample(name, labels, _parse_value(value_text, line)))
    return samples


def markdown_cells(row):
    """Splits a GFM table row at its unescaped pipes."""
    assert row.startswith("|") and row.endswith("|"), f"not a table row: {row!r}"
    cells, cell, escaped = [], "", False
    for c in row[1:-1]:
        if c == "|" and not escaped:
            cells.append(cell.strip())
            cell = ""
        else:
            cell += c
        escaped = c == "\\" and not escaped
    cells.append(cell.strip())
    return cells


def check_markdown_tables(text):
    """Every table row has as many cells as its header. Returns the body rows."""
    rows, width = [], None
    for line in text.split("\n"):
        if not line.startswith("|"):
            width = None
            continue
        cells = markdown_cells(line)
        if width is None:
            width = len(cells)
        elif all(set(c) <= set("-:") and c for c in cells):
            assert len(cells) == width, f"delimiter row width {len(cells)} != {width}"
        else:
            assert len(cells) == width, f"row has {len(cells)} cells, header {width}: {line!r}"
            rows.append(cells)
    return rows
