""".github/workflows/book.yml: valid, minimal, and only runs Makefile targets that work here.

GitHub Actions cannot run on this machine, so the workflow is checked as data:
it parses, has the triggers, permissions and official Pages actions it needs,
and every `run:` line is `make <target>` for a target the Makefile defines.
The other targets are then run for real, downloads forbidden (`slow` tier).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
# `make [-s] TARGET`, optionally appending its output to the step's outputs file.
RUN_LINE = re.compile(r'^make (-s )?(?P<target>[a-z][a-z0-9-]*)( >> "\$GITHUB_OUTPUT")?$')
DEFAULT_BRANCH_ONLY = "github.ref_name == github.event.repository.default_branch"


@pytest.fixture(scope="module")
def wf() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(wf):
    return [(name, step) for name, job in wf["jobs"].items() for step in job["steps"]]


def _uses(wf, action: str) -> list[dict]:
    return [s for _, s in _steps(wf) if s.get("uses", "").split("@")[0] == action]


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z0-9-]*):(?!=)", text, flags=re.M))


def test_runs_on_push_and_pull_request(wf):
    triggers = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` as True
    assert set(triggers) >= {"push", "pull_request"}
    assert wf["permissions"] == {"contents": "read"}, "least privilege by default"


def test_tests_on_ubuntu_with_python_311_and_a_pip_cache(wf):
    job = wf["jobs"]["test"]
    assert job["runs-on"].startswith("ubuntu-")
    (setup,) = _uses(wf, "actions/setup-python")
    assert str(setup["with"]["python-version"]) == "3.11"
    assert setup["with"]["cache"] == "pip"
    assert setup["with"]["cache-dependency-path"] == "requirements.txt"
    assert _uses(wf, "actions/checkout")


def test_data_sets_are_cached_by_their_sha256(wf):
    job = wf["jobs"]["test"]
    cache_dir = job["env"]["AUTOENCODER_BOOK_CACHE"]
    (cache,) = _uses(wf, "actions/cache")
    assert cache_dir.endswith("/" + cache["with"]["path"])
    key_step = next(s for _, s in _steps(wf) if s.get("id") == "data")
    assert key_step["run"].startswith("make -s data-key")
    assert "${{ steps.data.outputs.key }}" in cache["with"]["key"]
    names = [s.get("uses") or s.get("run") for _, s in _steps(wf)]
    assert names.index(cache["uses"]) < names.index("make data") < names.index("make test")


def test_the_data_key_follows_the_sha256_sums():
    out = _make("data-key")
    assert out.returncode == 0, out.stderr[-2000:]
    key = out.stdout.strip()
    assert re.fullmatch(r"key=[0-9a-f]{16}", key), key
    from autoencoder_lib import data

    registry = (ROOT / "autoencoder_lib" / "datasets.json").read_text(encoding="utf-8")
    n_sums = len(re.findall(r'"[0-9a-f]{64}"', registry))
    assert n_sums == len(data.REMOTE_FILES), "data-key must read every data set's sha256"


def test_runs_the_readme_test_command(wf):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme
    runs = [s["run"] for _, s in _steps(wf) if "run" in s]
    assert "make test" in runs


def test_every_run_line_is_a_makefile_target(wf):
    targets = makefile_targets()
    assert {"book", "test", "data", "data-key", "browser", "pdf"} <= targets
    for job, step in _steps(wf):
        if "run" not in step:
            continue
        lines = [ln for ln in step["run"].strip().splitlines() if ln.strip()]
        assert len(lines) == 1, f"{job}: one command per step, got {lines}"
        match = RUN_LINE.match(lines[0])
        assert match, f"{job}: `{lines[0]}` is not `make <target>`"
        assert match["target"] in targets, (
            f"{job}: make {match['target']}: no such Makefile target")


def test_publishes_to_pages_from_the_default_branch_only(wf):
    (upload,) = _uses(wf, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "_build/html"
    assert DEFAULT_BRANCH_ONLY in upload["if"] and "push" in upload["if"]
    deploy = wf["jobs"]["deploy"]
    assert deploy["needs"] == "test"
    assert DEFAULT_BRANCH_ONLY in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert "deployment" in deploy["environment"]["url"]


def test_actions_are_official_and_pinned_to_a_major_version(wf):
    for _, step in _steps(wf):
        if "uses" in step:
            assert re.fullmatch(r"actions/[a-z-]+@v\d+", step["uses"]), step["uses"]


def _make(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`make -s ARGS` here, with this session's venv if it is one that the Makefile built."""
    venv = [f"VENV={sys.prefix}"] if (Path(sys.prefix) / ".requirements.sha256").is_file() else []
    return subprocess.run(["make", "-s", *args, *venv], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


# Downloads are forbidden here: `make test` runs `make data` and finds (or fetches) the
# browser before its pytest session starts, so both targets only find what is already there.
NO_DOWNLOADS = {"AUTOENCODER_BOOK_OFFLINE": "1", "AUTOENCODER_BOOK_NO_BROWSER_DOWNLOAD": "1"}


@pytest.mark.parametrize("target", ["data-key", "browser", "data"])
def test_make_targets_run_without_downloading(target):
    """`make test` and `make book` are what this suite itself runs; these are the others."""
    out = _make(target, env=NO_DOWNLOADS)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.split()
    if target == "data":
        from autoencoder_lib import data

        assert len(lines) == len(data.REMOTE_FILES), out.stdout
        assert all(Path(line).is_file() for line in lines), out.stdout
    elif target == "browser":
        assert os.access(lines[-1], os.X_OK), out.stdout


# ------------------------------------------------------------------ the Makefile itself

HEADER = re.compile(r"^#   make (?P<target>[a-z][a-z0-9-]*)", flags=re.M)


def test_the_makefile_header_lists_every_target():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    listed = set(HEADER.findall(text))
    defined = makefile_targets() - {"venv"}  # venv: the prerequisite of the others
    assert listed == defined, (
        f"targets missing from the header: {sorted(defined - listed)}; "
        f"listed but not defined: {sorted(listed - defined)}"
    )


def test_the_makefile_examples_name_existing_files():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    paths = set(re.findall(r"\b(?:book|tests|scripts)/[\w./-]+\.(?:ipynb|py|md)\b", text))
    assert paths, "the header shows example paths"
    missing = sorted(p for p in paths if not (ROOT / p).is_file())
    assert not missing, f"the Makefile names files that do not exist: {missing}"


def test_every_test_target_passes_pytest_args_and_keeps_pdf_out():
    """PYTEST_ARGS reaches every pytest call; a target's own -m still leaves out `pdf`."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    variables = dict(re.findall(r"^([A-Z_]+) :?= (.*)$", text, flags=re.M))
    calls = [ln for ln in text.splitlines() if ln.startswith("\t") and "$(PYTEST)" in ln]
    assert len(calls) == 4, calls  # test, test-fast, test-nb, test-pdf
    for line in calls:
        assert line.rstrip().endswith("$(PYTEST_ARGS)"), line
        for expression in re.findall(r"-m '([^']*)'", line):
            expression = re.sub(r"\$\((\w+)\)", lambda m: variables[m.group(1)], expression)
            assert expression == "pdf" or "not pdf" in expression, line
