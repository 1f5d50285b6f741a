"""The test tiers and the notebook timing report (conftest.py at the repository root).

- `slow` is exactly the reserved set: the tiny-book build of the button test and
  the tests that run Makefile targets. Any other way of marking a test `slow`
  shows up here, so the fast tier cannot be made fast by relabelling.
- `notebook` is every nbval item and nothing else; `browser` the tests that need
  the built site; `pdf` the PDF's own tests.
- Each Makefile tier keeps `pdf` out; `make test-fast` leaves out the notebooks,
  the site and the slow tests, and nothing else.
- Tests import shared code as modules (pytest's `pythonpath`), never by file
  path, never from each other; no script imports from `tests`.
- The timing report: budgets, sums per notebook, slowest first.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from site_tools import ROOT

# The whole `slow` tier, as `path::test function`. Changing it means changing this line.
RESERVED_SLOW = {
    "tests/test_site.py::test_one_setting_turns_all_buttons_on_or_off",
    "tests/test_workflow.py::test_the_data_key_follows_the_sha256_sums",
    "tests/test_workflow.py::test_make_targets_run_without_downloading",
}
FAST_TIER = "not notebook and not browser and not slow and not pdf"


def _function(nodeid: str) -> str:
    return re.sub(r"\[.*\]$", "", nodeid)


def _tests_tiers(tier_rules) -> dict[str, list[str]]:
    """Tier markers of every item under tests/: this session's, else a fresh collection."""
    collected = {n: t for n, t in tier_rules.collected.items() if n.startswith("tests/")}
    files = {n.split("::")[0] for n in collected}
    wanted = {n.split("::")[0] for n in RESERVED_SLOW} | {"tests/test_site_layout.py"}
    every_file = {f"tests/{p.name}" for p in (ROOT / "tests").glob("test_*.py")}
    if wanted | every_file <= files:
        return collected
    # This session collected only part of tests/ (`pytest tests/test_tiers.py`): collect it all.
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist", "-m", "slow",
         "tests"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    slow = [ln.strip() for ln in out.stdout.splitlines() if "::" in ln]
    others = {n: t for n, t in collected.items() if "slow" not in t}
    return {**others, **{n: ["slow"] for n in slow}}


def test_every_tier_marker_is_registered():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    options = config["tool"]["pytest"]["ini_options"]
    registered = {m.split(":")[0] for m in options["markers"]}
    assert {"notebook", "browser", "slow", "pdf"} <= registered
    assert "-m 'not pdf'" in options["addopts"]
    assert "no:cacheprovider" not in options["addopts"], "the pytest cache (--lf, --ff) stays on"
    assert options["cache_dir"].startswith("_build/"), "where the book's build does not look"
    assert set(options["pythonpath"]) >= {".", "scripts", "book/_ext"}


def test_slow_is_exactly_the_reserved_set(tier_rules):
    assert tier_rules.plugin.SLOW_TESTS == RESERVED_SLOW
    tiers = _tests_tiers(tier_rules)
    slow = {_function(n) for n, t in tiers.items() if "slow" in t}
    assert slow == RESERVED_SLOW, (
        f"marked slow but not reserved: {sorted(slow - RESERVED_SLOW)}; "
        f"reserved but not collected as slow: {sorted(RESERVED_SLOW - slow)}"
    )


def test_notebook_is_every_nbval_item_and_nothing_else(tier_rules):
    for nodeid, tiers in tier_rules.collected.items():
        assert ("notebook" in tiers) == nodeid.split("::")[0].endswith(".ipynb"), (nodeid, tiers)


def test_browser_and_pdf_tiers_are_the_site_and_pdf_tests(tier_rules):
    tiers = {n: t for n, t in tier_rules.collected.items() if n.startswith("tests/")}
    for nodeid, marks in tiers.items():
        path = nodeid.split("::")[0]
        if "browser" in marks:
            assert path in {"tests/test_site.py", "tests/test_site_layout.py",
                            "tests/test_site_tex.py"}, nodeid
        if path == "tests/test_site_layout.py":
            assert "browser" in marks, nodeid
        assert ("pdf" in marks) == (path == "tests/test_pdf.py"), nodeid
    tiny_book = "tests/test_site.py::test_one_setting_turns_all_buttons_on_or_off"
    assert "browser" not in tiers.get(tiny_book, [])


def test_every_makefile_tier_keeps_pdf_out_and_fast_leaves_out_only_the_heavy_tiers():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    variables = dict(re.findall(r"^([A-Z_]+) :?= (.*)$", text, flags=re.M))
    assert variables["FAST_TIER"] == FAST_TIER
    assert variables["NB_TIER"] == "notebook and not pdf"
    recipe = r"^test-fast: .*\n\t\$\(PYTEST\) -p no:xdist -m '\$\(FAST_TIER\)' tests "
    assert re.search(recipe, text, flags=re.M), "make test-fast runs the fast tier of tests/"


# ------------------------------------------------------------------ one home for helpers

def _python_files(folder: str) -> list:
    return sorted((ROOT / folder).rglob("*.py"))


def test_tests_import_modules_not_files():
    offenders = [str(p.relative_to(ROOT)) for p in _python_files("tests")
                 if "spec_from_file_location" in p.read_text(encoding="utf-8")
                 and p.name != "test_tiers.py"]
    assert not offenders, f"use pytest's pythonpath (import the module) instead: {offenders}"


def test_no_script_imports_tests():
    pattern = re.compile(r"^\s*(from|import)\s+tests\b", flags=re.M)
    offenders = [str(p.relative_to(ROOT)) for folder in ("scripts", "autoencoder_lib", "book")
                 for p in _python_files(folder) if pattern.search(p.read_text(encoding="utf-8"))]
    assert not offenders, f"shared helpers belong in scripts/site_tools.py: {offenders}"


def test_test_modules_do_not_import_each_other():
    pattern = re.compile(r"^\s*(from|import)\s+(\.|tests\.)test_\w+", flags=re.M)
    offenders = [str(p.relative_to(ROOT)) for p in _python_files("tests")
                 if pattern.search(p.read_text(encoding="utf-8"))]
    assert not offenders, (
        f"move what they share to tests/conftest.py or scripts/site_tools.py: {offenders}")


def test_one_quiet_server_and_one_set_of_chromium_flags():
    for path in _python_files("tests") + _python_files("scripts"):
        text = path.read_text(encoding="utf-8")
        if path.name in {"site_tools.py", "test_tiers.py"}:
            continue
        assert "ThreadingHTTPServer" not in text, f"{path.name}: use site_tools.serve"
        assert "--disable-background-networking" not in text, (
            f"{path.name}: use site_tools.CHROMIUM_FLAGS")
        assert "```\\{glossary\\}" not in text, f"{path.name}: use site_tools.glossary_entries"


# ------------------------------------------------------------------ the timing report

def test_budgets_default_and_exceptions(tier_rules):
    budget_of = tier_rules.plugin.budget_of
    assert budget_of("book/ch04_math/4_2_forward.ipynb") == 60
    assert budget_of("book/ch05_practice/5_6_denoising.ipynb") == 90
    assert budget_of("book/ch05_practice/5_1_environment.ipynb") == 60
    assert budget_of("book/ch06_applications/6_4_vae.ipynb") == 120
    assert budget_of("book/ch09_faq/9_4_training_tips.ipynb") == 120
    assert budget_of("book/ch08_summary/8_5_anything.ipynb") == 90


def test_every_budget_exception_is_a_notebook_or_a_planned_one(tier_rules):
    notebooks = [p.relative_to(ROOT).as_posix() for p in (ROOT / "book").rglob("*.ipynb")
                 if ".ipynb_checkpoints" not in p.parts]
    import fnmatch

    for pattern in tier_rules.plugin.NOTEBOOK_BUDGETS:
        planned = pattern.startswith("book/ch08_")  # 8.4-8.6, written by later issues
        assert planned or fnmatch.filter(notebooks, pattern), f"{pattern} matches no notebook"


def test_the_report_sums_each_notebook_slowest_first(tier_rules):
    times = tier_rules.plugin.NotebookTimes()
    fast, slow = "book/ch04_math/4_2_forward.ipynb", "book/ch06_applications/6_4_vae.ipynb"
    for nodeid, when, seconds in [
        (f"{fast}::Cell 0", "setup", 1.5),  # kernel start
        (f"{fast}::Cell 0", "call", 2.0), (f"{fast}::Cell 1", "call", 3.0),
        (f"{fast}::Cell 1", "teardown", 0.5),
        (f"{slow}::Cell 0", "setup", 1.0), (f"{slow}::Cell 0", "call", 130.0),
        ("tests/test_x.py::test_y", "call", 99.0),  # not a notebook
    ]:
        times.add(nodeid, when, seconds, failed=False)
    rows = times.rows()
    assert [r["notebook"] for r in rows] == [slow, fast]
    assert rows[0] == {"notebook": slow, "seconds": 131.0, "budget": 120, "margin": -11.0,
                       "over": True, "cells": 1, "failed": False}
    assert rows[1]["seconds"] == 7.0 and rows[1]["cells"] == 2 and not rows[1]["over"]
    table = tier_rules.plugin.format_table(rows)
    assert "OVER 11.0" in table[1] and "under 53.0" in table[2]


def test_the_readme_budget_line_points_to_the_report(tier_rules):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(ln for ln in readme.splitlines() if ln.startswith("- Budget:"))
    paragraph = readme[readme.index(line):].split("\n\n")[0]
    assert "NOTEBOOK_BUDGETS" in paragraph and "notebook_times.json" in paragraph
    plugin = tier_rules.plugin
    for seconds in {plugin.DEFAULT_BUDGET_S, *plugin.NOTEBOOK_BUDGETS.values()}:
        assert f"{seconds} s" in paragraph, seconds
