"""Launch buttons and hosted notebooks: bookconf's rule, Binder's files, Colab's first cell.

The built-site side (a tiny book built in both states) is in tests/test_site.py; these
tests are fast and need no build.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
from types import SimpleNamespace

import bookconf  # book/_ext/bookconf.py (pytest's pythonpath), the rule the build uses
from site_tools import ROOT

SNIPPET = ROOT / "binder" / "colab_first_cell.py"


def _theme_options(monkeypatch, url: str, env: dict[str, str] | None = None) -> dict:
    for key in (bookconf.REPOSITORY_ENV, bookconf.BRANCH_ENV):
        monkeypatch.delenv(key, raising=False)
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)
    config = SimpleNamespace(html_theme_options={
        "repository_url": url, "repository_branch": "main", "path_to_docs": "",
        "launch_buttons": {"binderhub_url": "https://mybinder.org",
                           "colab_url": "https://colab.research.google.com", "jupyterhub_url": ""},
    })
    bookconf._repository_buttons(None, config)
    return config.html_theme_options


BUTTONS = ("use_repository_button", "use_issues_button", "use_edit_page_button")


def test_no_url_no_buttons(monkeypatch):
    options = _theme_options(monkeypatch, "")
    assert not any(options[b] for b in BUTTONS)
    assert not any(options["launch_buttons"].values())
    assert options["repository_url"] == ""


def test_jupyter_books_own_default_url_counts_as_unset(monkeypatch):
    options = _theme_options(monkeypatch, "https://github.com/executablebooks/jupyter-book")
    assert not any(options[b] for b in BUTTONS) and not options["launch_buttons"]["binderhub_url"]


def test_a_github_url_turns_on_every_button_and_both_launchers(monkeypatch):
    options = _theme_options(monkeypatch, "https://github.com/org/book")
    assert all(options[b] for b in BUTTONS)
    assert options["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert options["launch_buttons"]["colab_url"] == "https://colab.research.google.com"


def test_colab_only_for_github(monkeypatch):
    options = _theme_options(monkeypatch, "https://gitlab.com/org/book")
    assert all(options[b] for b in BUTTONS)
    launch = options["launch_buttons"]
    assert launch["binderhub_url"] and not launch["colab_url"]


def test_environment_overrides_the_setting_both_ways(monkeypatch):
    on = _theme_options(monkeypatch, "", {"AUTOENCODER_BOOK_REPOSITORY": "https://github.com/fork/book",
                                          "AUTOENCODER_BOOK_BRANCH": "dev"})
    assert on["repository_url"] == "https://github.com/fork/book"
    assert on["repository_branch"] == "dev"
    assert all(on[b] for b in BUTTONS)
    off = _theme_options(monkeypatch, "https://github.com/org/book",
                         {"AUTOENCODER_BOOK_REPOSITORY": "off"})
    assert not any(off[b] for b in BUTTONS) and not any(off["launch_buttons"].values())


def test_binder_gets_the_pinned_requirements_and_the_library():
    binder = ROOT / "binder"
    assert (binder / "runtime.txt").read_text().strip() == "python-3.11"
    lines = [ln for ln in (binder / "requirements.txt").read_text().splitlines()
             if ln and not ln.startswith("#")]
    assert lines == ["-r ../requirements.txt"]
    assert (binder / lines[0].split()[1]).resolve() == ROOT / "requirements.txt"
    post = binder / "postBuild"
    assert os.access(post, os.X_OK)
    assert "pip install --no-deps -e ." in post.read_text()


def _run_snippet(monkeypatch, importable: bool) -> list[list[str]]:
    calls: list[list[str]] = []
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: (real_find_spec(name, *a)
                                          if importable or name != "autoencoder_lib" else None))
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append(cmd))
    code = compile(SNIPPET.read_text(encoding="utf-8"), str(SNIPPET), "exec")
    exec(code, {"__name__": "__main__"})
    return calls


def test_colab_cell_does_nothing_where_the_library_is_importable(monkeypatch):
    assert _run_snippet(monkeypatch, importable=True) == []


def test_colab_cell_installs_the_pinned_extras_and_the_library(monkeypatch):
    calls = _run_snippet(monkeypatch, importable=False)
    assert len(calls) == 2
    requirements = (ROOT / "requirements.txt").read_text()
    pins = set(re.findall(r"^([\w-]+==[\w.]+)", requirements, flags=re.M))
    extras = [a for a in calls[0] if "==" in a]
    assert extras and set(extras) <= pins, "the extras must be the book's own pins"
    assert "--no-deps" in calls[1] and calls[1][-1].startswith("git+https://")


def test_readme_shows_the_colab_cell_verbatim():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert SNIPPET.read_text(encoding="utf-8").strip() in readme


def test_snippet_lines_fit_a_notebook_cell():
    long = [ln for ln in SNIPPET.read_text(encoding="utf-8").splitlines() if len(ln) > 79]
    assert not long, long
