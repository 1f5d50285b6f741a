"""scripts/find_browser.py: which browser `make test` uses, and the one failure message.

Everything is faked: PATH, CHROMIUM, the Playwright cache and its installer.
No browser is started and nothing is downloaded.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import find_browser as fb  # scripts/find_browser.py (pytest's pythonpath)
import pytest
from site_tools import ROOT


def _exe(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def bare(tmp_path, monkeypatch):
    """An empty PATH, no CHROMIUM, an empty cache, an installer that must not be called."""
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.delenv(fb.NO_DOWNLOAD_ENV, raising=False)
    calls = []

    def installer(cache):
        calls.append(cache)
        raise AssertionError("the installer must not run here")

    kwargs = dict(cache=tmp_path / "cache", locate=lambda cache: None, install=installer,
                  system_paths=())
    return tmp_path, kwargs, calls


def test_chromium_variable_wins_over_path(bare, monkeypatch):
    tmp, kwargs, _ = bare
    _exe(tmp / "bin" / "chromium")
    mine = _exe(tmp / "opt" / "my-chrome")
    monkeypatch.setenv("CHROMIUM", str(mine))
    assert fb.find_browser(**kwargs) == str(mine.resolve())


def test_chromium_variable_may_name_a_command(bare, monkeypatch):
    tmp, kwargs, _ = bare
    cmd = _exe(tmp / "bin" / "my-chrome")
    monkeypatch.setenv("CHROMIUM", "my-chrome")
    assert fb.find_browser(**kwargs) == str(cmd.resolve())


def test_a_wrong_chromium_variable_is_an_error_not_a_fallback(bare, monkeypatch):
    tmp, kwargs, calls = bare
    _exe(tmp / "bin" / "chromium")
    monkeypatch.setenv("CHROMIUM", str(tmp / "nowhere" / "chrome"))
    with pytest.raises(fb.BrowserNotFound, match="CHROMIUM="):
        fb.find_browser(**kwargs)
    assert not calls


@pytest.mark.parametrize("name", ["chromium", "chromium-browser", "google-chrome"])
def test_a_system_browser_on_path_is_used(bare, name):
    tmp, kwargs, calls = bare
    found = _exe(tmp / "bin" / name)
    assert fb.find_browser(**kwargs) == str(found.resolve())
    assert not calls


def test_a_non_executable_file_on_path_is_ignored(bare):
    tmp, kwargs, _ = bare
    (tmp / "bin").mkdir()
    (tmp / "bin" / "chromium").write_text("not a program")
    os.chmod(tmp / "bin" / "chromium", 0o644)
    with pytest.raises(fb.BrowserNotFound):
        fb.find_browser(**{**kwargs, "install": lambda cache: (False, "offline")})


def test_playwright_browser_already_in_the_cache_is_used_without_download(bare):
    tmp, kwargs, calls = bare
    cached = _exe(tmp / "cache" / "chromium-1" / "chrome-linux" / "chrome")
    kwargs["locate"] = lambda cache: str(cached) if cache == tmp / "cache" else None
    assert fb.find_browser(**kwargs) == str(cached)
    assert not calls


def test_download_into_the_project_cache_when_nothing_else_exists(bare):
    tmp, kwargs, _ = bare
    cache = kwargs["cache"]
    installed: list[Path] = []

    def installer(where):
        installed.append(where)
        _exe(where / "chromium-1" / "chrome-linux" / "chrome")
        return True, "done"

    def locate(where):
        path = where / "chromium-1" / "chrome-linux" / "chrome"
        return str(path) if path.exists() else None

    found = fb.find_browser(**{**kwargs, "install": installer, "locate": locate})
    assert installed == [cache]
    assert found == str(cache / "chromium-1" / "chrome-linux" / "chrome")


def test_failed_download_gives_one_message_with_the_three_ways(bare):
    tmp, kwargs, _ = bare
    kwargs["install"] = lambda cache: (False, "getaddrinfo ENOTFOUND cdn.playwright.dev")
    with pytest.raises(fb.BrowserNotFound) as info:
        fb.find_browser(**kwargs)
    text = str(info.value)
    assert "ENOTFOUND" in text
    for way in ("CHROMIUM=", "apt-get install chromium", "playwright install"):
        assert way in text
    assert str(kwargs["cache"]) in text


def test_download_can_be_forbidden(bare, monkeypatch):
    tmp, kwargs, calls = bare
    monkeypatch.setenv(fb.NO_DOWNLOAD_ENV, "1")
    with pytest.raises(fb.BrowserNotFound, match=fb.NO_DOWNLOAD_ENV):
        fb.find_browser(**kwargs)
    assert not calls


def test_the_installer_is_called_with_the_project_cache(tmp_path, monkeypatch):
    """The real installer runs `python -m playwright install` with PLAYWRIGHT_BROWSERS_PATH set."""
    seen = {}

    def fake_run(cmd, env, **kw):
        seen.update(cmd=cmd, path=env["PLAYWRIGHT_BROWSERS_PATH"])
        return subprocess.CompletedProcess(cmd, 1, "", "network is unreachable")

    monkeypatch.setattr(fb.subprocess, "run", fake_run)
    ok, log = fb.install_playwright_chromium(tmp_path / "c")
    assert not ok and "unreachable" in log
    assert seen["cmd"][1:] == ["-m", "playwright", "install", "--no-shell", "chromium"]
    assert seen["path"] == str(tmp_path / "c")


def test_the_project_cache_is_git_ignored():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert fb.CACHE == ROOT / ".cache" / "ms-playwright"
    assert "/.cache/" in ignored


def test_script_prints_the_path_or_the_message(tmp_path):
    exe = _exe(tmp_path / "chrome")
    script = ROOT / "scripts" / "find_browser.py"
    ok = subprocess.run([sys.executable, script], env={**os.environ, "CHROMIUM": str(exe)},
                        capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.strip() == str(exe.resolve())
    bad = subprocess.run([sys.executable, script],
                         env={**os.environ, "CHROMIUM": str(tmp_path / "x")},
                         capture_output=True, text=True)
    assert bad.returncode == 1 and not bad.stdout and "three ways" in bad.stderr
