"""The book's test tiers and the notebook timing report, for every pytest run.

It sits at the repository root so that it also applies when only notebooks are
collected (``make test-nb``). Fixtures live in ``tests/conftest.py``.

Tiers: one collection hook gives every item its markers (registered in
``pyproject.toml``):

- ``notebook``: an nbval item (a cell of a notebook under ``book/``);
- ``browser``: needs the built site (``make book``) and Chromium: any test that
  uses the ``site``, ``base_url`` or ``browser`` fixture;
- ``pdf``: ``tests/test_pdf.py`` (needs ``make pdf``; left out unless asked for);
- ``slow``: exactly :data:`SLOW_TESTS`: the tiny-book build of the button test and
  the tests that run Makefile targets. ``tests/test_tiers.py`` asserts that set,
  so the fast tier cannot be made fast by relabelling.

Timing report: every run that executes notebooks ends with one table, slowest
first, of each notebook's wall time (its nbval items' set-up, call and
tear-down, so kernel start and shutdown included) against its budget
(:data:`NOTEBOOK_BUDGETS`, else :data:`DEFAULT_BUDGET_S`), also written to
``_build/notebook_times.json``. Over budget is a loud warning, not a failure, by
default (a loaded machine would make it unfair); ``--nb-budget=fail`` turns it
into a failure for a timing run on a quiet machine.
"""

from __future__ import annotations

import datetime
import fnmatch
import json
import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent
REPORT = ROOT / "_build" / "notebook_times.json"

#: Seconds a notebook may take on 2 CPU cores (README, "Writing a chapter"), unless listed below.
DEFAULT_BUDGET_S = 60
#: Notebook budgets above the default: a glob on the path from the repository root -> seconds.
#: The one table of exceptions; a new heavy notebook adds its line here (and to the README).
NOTEBOOK_BUDGETS = {
    "book/ch05_practice/5_3_*.ipynb": 90,
    "book/ch05_practice/5_4_*.ipynb": 90,
    "book/ch05_practice/5_5_*.ipynb": 90,
    "book/ch05_practice/5_6_*.ipynb": 90,
    "book/ch06_applications/6_1_*.ipynb": 90,  # trains, and measures 36 codec settings
    "book/ch06_applications/6_4_*.ipynb": 120,
    "book/ch06_applications/6_5_*.ipynb": 120,
    "book/ch08_*/8_4_*.ipynb": 90,
    "book/ch08_*/8_5_*.ipynb": 90,
    "book/ch08_*/8_6_*.ipynb": 90,
    "book/ch08_*/8_7_*.ipynb": 90,
    "book/ch09_faq/9_4_*.ipynb": 120,
}

#: The whole ``slow`` tier, as ``path::test function`` (every parametrization of it).
SLOW_TESTS = frozenset({
    "tests/test_site.py::test_one_setting_turns_all_buttons_on_or_off",
    "tests/test_workflow.py::test_the_data_key_follows_the_sha256_sums",
    "tests/test_workflow.py::test_make_targets_run_without_downloading",
})
#: Fixtures that need the built site (and, for the last two, Chromium).
BROWSER_FIXTURES = frozenset({"site", "base_url", "browser"})
PDF_MODULES = frozenset({"tests/test_pdf.py"})
TIERS = ("notebook", "browser", "slow", "pdf")
_COLLECTED = pytest.StashKey[dict]()


def budget_of(notebook: str) -> int:
    """Budget in seconds of ``notebook`` (a path from the repository root, ``/``-separated)."""
    for pattern, seconds in NOTEBOOK_BUDGETS.items():
        if fnmatch.fnmatch(notebook, pattern):
            return seconds
    return DEFAULT_BUDGET_S


def _relative(path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return Path(path).as_posix()


def tiers_of(item) -> set[str]:
    """The tier markers an item gets: notebook, browser, pdf and/or slow."""
    path = _relative(item.path)
    function = getattr(item, "originalname", None) or item.name
    tiers = set()
    if path.endswith(".ipynb"):
        tiers.add("notebook")
    if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
        tiers.add("browser")
    if path in PDF_MODULES:
        tiers.add("pdf")
    if f"{path}::{function}" in SLOW_TESTS:
        tiers.add("slow")
    return tiers


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects anything
def pytest_collection_modifyitems(config, items):
    for item in items:
        for tier in sorted(tiers_of(item)):
            item.add_marker(tier)
    # Every item this session collected, with all its tier markers (however given), for
    # tests/test_tiers.py: a marker added anywhere else shows up here too.
    config.stash[_COLLECTED] = {
        item.nodeid: sorted({m.name for m in item.iter_markers()} & set(TIERS)) for item in items
    }


@pytest.fixture
def tier_rules(request) -> SimpleNamespace:
    """This plugin (its tables and report functions) and the tiers of every collected item."""
    return SimpleNamespace(plugin=sys.modules[__name__],
                           collected=request.config.stash.get(_COLLECTED, {}))


# ------------------------------------------------------------------ timing report


def pytest_addoption(parser):
    parser.addoption(
        "--nb-budget", choices=("warn", "fail"), default="warn",
        help="a notebook over its time budget: a loud warning (default) or a failed run",
    )


class NotebookTimes:
    """Sums the reported durations of each notebook's nbval items."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.cells: dict[str, int] = {}
        self.failed: set[str] = set()

    def add(self, nodeid: str, when: str, duration: float, failed: bool) -> None:
        notebook = nodeid.split("::", 1)[0]
        if not notebook.endswith(".ipynb"):
            return
        self.seconds[notebook] = self.seconds.get(notebook, 0.0) + duration
        self.cells[notebook] = self.cells.get(notebook, 0) + (when == "call")
        if failed:
            self.failed.add(notebook)

    def rows(self) -> list[dict]:
        """One row per notebook, slowest first."""
        rows = []
        for notebook, seconds in self.seconds.items():
            budget = budget_of(notebook)
            rows.append({
                "notebook": notebook, "seconds": round(seconds, 1), "budget": budget,
                "margin": round(budget - seconds, 1), "over": seconds > budget,
                "cells": self.cells[notebook], "failed": notebook in self.failed,
            })
        return sorted(rows, key=lambda r: -r["seconds"])


def format_table(rows: list[dict]) -> list[str]:
    """The report as text lines: notebook, wall time, budget, over/under, slowest first."""
    width = max([len("notebook")] + [len(r["notebook"]) for r in rows])
    lines = [f"{'notebook':<{width}}  {'cells':>5}  {'wall/s':>7}  {'budget/s':>8}  "
             f"{'over/under':>10}"]
    for r in rows:
        verdict = f"OVER {-r['margin']:.1f}" if r["over"] else f"under {r['margin']:.1f}"
        note = "  (failed)" if r["failed"] else ""
        lines.append(f"{r['notebook']:<{width}}  {r['cells']:>5}  {r['seconds']:>7.1f}  "
                     f"{r['budget']:>8}  {verdict:>10}{note}")
    total = sum(r["seconds"] for r in rows)
    lines.append(f"{len(rows)} notebooks, {total:.0f} s of notebook time in all "
                 f"(budgets: conftest.py NOTEBOOK_BUDGETS, default {DEFAULT_BUDGET_S} s)")
    return lines


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")  # a pytest-xdist worker: the controller reports


def pytest_configure(config):
    if not _is_worker(config):
        config.pluginmanager.register(TimingReport(config), "notebook-timing-report")


class TimingReport:
    """The plugin that collects the times, writes the JSON and prints the table."""

    def __init__(self, config):
        self.config = config
        self.times = NotebookTimes()
        self.rows: list[dict] = []
        self.machine = ""

    def pytest_runtest_logreport(self, report):
        self.times.add(report.nodeid, report.when, report.duration, report.failed)

    def pytest_sessionfinish(self, session):
        if not self.times.seconds:
            return
        self.rows = self.times.rows()
        self.machine = (f"{os.cpu_count()} CPU cores, "
                        f"1-minute load average {os.getloadavg()[0]:.1f} at the end")
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text(json.dumps({
            "recorded": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "machine": self.machine, "default_budget": DEFAULT_BUDGET_S, "notebooks": self.rows,
        }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if self._failing() and any(r["over"] for r in self.rows):
            if session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def _failing(self) -> bool:
        return self.config.getoption("nb_budget") == "fail"

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter):
        if not self.rows:
            return
        tr = terminalreporter
        over = {r["notebook"]: r for r in self.rows if r["over"]}
        tr.write_sep("=", "notebook times against their budgets (slowest first)", bold=True)
        for line in format_table(self.rows):
            tr.write_line(line, red=line.split()[0] in over, bold=line.split()[0] in over)
        tr.write_line(f"machine: {self.machine}; JSON: {REPORT.relative_to(ROOT)}")
        if over:
            tr.write_sep("!", f"{len(over)} notebook(s) OVER BUDGET"
                         + (" (a failure: --nb-budget=fail)" if self._failing() else
                            " (a warning; --nb-budget=fail makes it a failure)"),
                         red=True, bold=True)
            for r in over.values():
                tr.write_line(f"  {r['notebook']}: {r['seconds']:.0f} s > {r['budget']} s",
                              red=True, bold=True)
