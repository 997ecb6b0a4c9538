"""The shapes the bundled lab (examples/lab/lab.py) is run in by the
integration tests: one listing, so that a test of one shape (test_check.py)
and a sweep over all of them (test_rfc5280_sweep.py) build the same fixtures.

A scenario is the front end's allowlist and extra nginx lines, the forward
proxy's filter, changes to what the origin publishes, paths added to the
profiles, and the `check` options it is run with.

    lab = start_lab(SCENARIOS["stale-crl-at-front-end"])   # a lab of its own
    profiles, args = scenario_profiles(lab, scenario)

    with SharedLab() as shared:                              # one PKI, origin and
        for scenario in SCENARIOS.values():                  # responders for all
            with shared.scenario(scenario) as (profiles, args):
                ...
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import sys
from typing import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "examples", "lab"))

from lab import ALLOWLIST_BEFORE, NEW_SUBCAS, PreflightLab  # noqa: E402
from servers import free_port  # noqa: E402

ALL = ALLOWLIST_BEFORE + NEW_SUBCAS


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    summary: str
    allow: tuple[str, ...] = tuple(ALL)
    # nginx lines in the front end's server block; a callable gets the lab.
    front_extra: str | Callable[[PreflightLab], str] = ""
    proxy_filter: tuple[str, ...] | None = None
    # Changes what the origin publishes, after the PKI is made.
    prepare: Callable[[PreflightLab], None] | None = None
    # YAML appended to each SubCA's profile (may start servers of its own).
    profile_extra: Callable[[PreflightLab], dict[str, str]] | None = None
    # Which of the lab's profiles are checked (indexes into NEW_SUBCAS); all by default.
    profiles: tuple[int, ...] | None = None
    check_args: tuple[str, ...] = ()
    # The SubCAs whose endpoints this shape changes (indexes into NEW_SUBCAS; None:
    # all): the others are served as in "healthy".
    changes: tuple[int, ...] | None = None

    def edge(self, lab: PreflightLab) -> tuple[list[str], str, list[str] | None]:
        extra = self.front_extra(lab) if callable(self.front_extra) else self.front_extra
        filters = list(self.proxy_filter) if self.proxy_filter is not None else None
        return list(self.allow), extra, filters


def _stale_dir(lab: PreflightLab) -> str:
    return os.path.join(lab.run_dir, "stale")


def _publish_stale_crl(lab: PreflightLab) -> None:
    # The front end keeps an older, short-lived CRL; the origin publishes a newer one.
    lab.publish_crl("subca1", os.path.join(_stale_dir(lab), "subca1.crl"), hours=2)
    lab.publish_crl("subca1", os.path.join(lab.pki, "publish", "crl", "subca1.crl"))


def _unpublish_subca3_crl(lab: PreflightLab) -> None:
    os.remove(os.path.join(lab.pki, "publish", "crl", "subca3.crl"))


def _slow_and_dead_paths(lab: PreflightLab) -> dict[str, str]:
    slow = lab.servers.hostile("delay", ms=8000)
    dead_port = free_port()
    return {"subca3": f'  - name: slow\n    connect_to: ["::127.0.0.1:{slow.port}"]\n'
                      f'  - name: dead\n    connect_to: ["::127.0.0.1:{dead_port}"]\n'}


SCENARIOS = {s.name: s for s in (
    Scenario("healthy", "every SubCA allowlisted: ready"),
    Scenario("allowlist-incident", "the front end passes only root and legacy (the 2025 incident)",
             allow=tuple(ALLOWLIST_BEFORE)),
    Scenario("redirect-to-https", "the front end redirects subca1's CRL to https",
             front_extra="    location = /subca1.crl { return 301 "
                         "https://crl.examplepki.net/subca1.crl; }", changes=(0,)),
    Scenario("html-soft-200", "the front end answers subca2's CRL URL with an HTML page and 200",
             front_extra='    location = /subca2.crl { default_type text/html; '
                         'return 200 "<html><title>Access denied</title></html>"; }',
             changes=(1,)),
    Scenario("slow-and-refused-paths", "subca3 through a path that never answers in time and "
             "one that refuses connections", profile_extra=_slow_and_dead_paths, profiles=(2,),
             check_args=("--timeout", "3s"), changes=(2,)),
    Scenario("stale-crl-at-front-end", "the front end serves an older CRL of subca1 with two "
             "hours left; the origin a newer one",
             front_extra=lambda lab: f"    location = /subca1.crl {{ root {_stale_dir(lab)}; }}",
             prepare=_publish_stale_crl, changes=(0,)),
    Scenario("crl-never-published", "subca3's CRL is missing at the origin",
             prepare=_unpublish_subca3_crl, profiles=(2,), changes=(2,)),
    Scenario("proxy-filters-a-host", "the forward proxy refuses subca2's responder host",
             proxy_filter=(r"^ocsp-subca2\.",), changes=(1,)),
)}


def scenario_profiles(lab: PreflightLab, scenario: Scenario,
                      changed_only: bool = False) -> tuple[list[str], list[str]]:
    """The profile files to check in this scenario (with changed_only, only those of
    the SubCAs it changes), and the extra `check` options."""
    extra = scenario.profile_extra(lab) if scenario.profile_extra else None
    files = lab.write_profiles(extra)
    chosen = range(len(files)) if scenario.profiles is None else scenario.profiles
    if changed_only and scenario.changes is not None:
        chosen = [i for i in chosen if i in scenario.changes]
    return [files[i] for i in chosen], list(scenario.check_args)


def start_lab(scenario: Scenario) -> PreflightLab:
    """A lab of its own in this scenario's shape, servers running; stop() it."""
    lab = PreflightLab()
    try:
        lab.make_pki()
        if scenario.prepare:
            scenario.prepare(lab)
        lab.allow, lab.front_extra, lab.proxy_filter = scenario.edge(lab)
        lab.start_servers()
    except BaseException:
        lab.stop()
        raise
    return lab


class SharedLab:
    """One PKI, origin and set of responders for many scenarios: each scenario
    gets its own front end and proxy, and what it changed at the origin is
    put back afterwards."""

    def __init__(self) -> None:
        self.lab = PreflightLab(allow=ALL, ocsp_reuse=True)
        self._published = os.path.join(self.lab.pki, "publish")
        self._pristine = os.path.join(self.lab.run_dir, "publish-pristine")

    def __enter__(self) -> "SharedLab":
        try:
            self.lab.make_pki()
            shutil.copytree(self._published, self._pristine)
            self.lab.start_servers()
        except BaseException:
            self.lab.stop()
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.lab.__exit__(exc_type, exc, tb)

    @contextlib.contextmanager
    def scenario(self, scenario: Scenario, changed_only: bool = False):
        """Runs the lab in that shape: yields scenario_profiles()."""
        lab = self.lab
        if scenario.prepare:
            scenario.prepare(lab)
        lab.restart_edge(*scenario.edge(lab))
        before = list(lab.servers.servers)
        try:
            yield scenario_profiles(lab, scenario, changed_only)
        finally:
            for server in [s for s in lab.servers.servers if s not in before]:
                lab.servers.stop_server(server)
            shutil.rmtree(self._published)
            shutil.copytree(self._pristine, self._published)
