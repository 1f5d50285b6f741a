#!/usr/bin/env python3
"""Find a Chromium/Chrome for the built-site test (and `make pdf`), or get one.

Order, first match wins:

1. ``CHROMIUM``: an executable path (or a command name on ``PATH``). If it is
   set but wrong, that is an error: a wrong setting is never skipped silently.
2. A system browser on ``PATH``: ``chromium``, ``chromium-browser``,
   ``google-chrome``, ``google-chrome-stable``, ``chrome`` (and the usual
   macOS application path).
3. Playwright's own Chromium in the project's cache ``.cache/ms-playwright``
   (``PLAYWRIGHT_BROWSERS_PATH``): used if already there, else downloaded
   once with ``python -m playwright install --no-shell chromium`` (needs
   internet). ``AUTOENCODER_BOOK_NO_BROWSER_DOWNLOAD=1`` forbids the download.

If none works, :class:`BrowserNotFound` carries one message naming the three
ways to get a browser. As a script it prints the browser's path on stdout
(exit 0), or that message on stderr (exit 1). The Makefile passes the path on
to pytest as ``CHROMIUM``; the ``browser`` fixture of ``tests/conftest.py`` calls
:func:`find_browser`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Where Playwright's Chromium is installed for this project (git-ignored).
CACHE = ROOT / ".cache" / "ms-playwright"
SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
SYSTEM_PATHS = ("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
                "/Applications/Chromium.app/Contents/MacOS/Chromium")
NO_DOWNLOAD_ENV = "AUTOENCODER_BOOK_NO_BROWSER_DOWNLOAD"
INSTALL_TIMEOUT_S = 900


class BrowserNotFound(RuntimeError):
    """No usable Chromium/Chrome: the message says the three ways to get one."""


def _executable(path: str | os.PathLike | None) -> str | None:
    if path and Path(path).is_file() and os.access(path, os.X_OK):
        return str(Path(path).resolve())
    return None


def _playwright_env(cache: Path) -> dict[str, str]:
    return {**os.environ, "PLAYWRIGHT_BROWSERS_PATH": str(cache)}


def playwright_chromium(cache: Path) -> str | None:
    """Path of Playwright's Chromium under ``cache`` if it is installed there, else None."""
    code = ("from playwright.sync_api import sync_playwright\n"
            "with sync_playwright() as p: print(p.chromium.executable_path)")
    try:
        out = subprocess.run([sys.executable, "-c", code], env=_playwright_env(cache),
                             capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = out.stdout.strip().splitlines()
    return _executable(lines[-1]) if out.returncode == 0 and lines else None


def install_playwright_chromium(cache: Path) -> tuple[bool, str]:
    """Run ``python -m playwright install --no-shell chromium`` into ``cache``.

    Returns ``(ok, last lines of its output)``.
    """
    cache.mkdir(parents=True, exist_ok=True)
    print(f"find_browser: downloading Playwright's Chromium into {cache} ...", file=sys.stderr)
    try:
        out = subprocess.run(
            [sys.executable, "-m", "playwright", "install", "--no-shell", "chromium"],
            env=_playwright_env(cache),
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT_S,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    lines = [ln.strip() for ln in (out.stdout + out.stderr).splitlines() if ln.strip()]
    errors = [ln for ln in lines if "error" in ln.lower()]
    return out.returncode == 0, " / ".join((errors or lines)[-2:])


def _message(cache: Path, why: str) -> str:
    return (
        "no Chromium/Chrome for the site test (make test) and make pdf. "
        f"{why}\nGet one in any of these three ways, then run the command again:\n"
        "  1. set CHROMIUM=/path/to/chromium-or-chrome;\n"
        "  2. install a system Chromium or Chrome, e.g. `sudo apt-get install chromium` "
        "on Debian/Ubuntu (.ci/run does this);\n"
        "  3. let the project download Playwright's Chromium (needs internet): "
        f"PLAYWRIGHT_BROWSERS_PATH={cache} .venv/bin/python -m playwright install "
        "--no-shell chromium "
        "(make test tries this by itself unless "
        f"{NO_DOWNLOAD_ENV}=1; on Linux it may also need `playwright install-deps`)."
    )


def find_browser(
    *,
    env: Mapping[str, str] | None = None,
    cache: Path = CACHE,
    which: Callable[[str], str | None] = shutil.which,
    locate: Callable[[Path], str | None] = playwright_chromium,
    install: Callable[[Path], tuple[bool, str]] = install_playwright_chromium,
    system_paths: tuple[str, ...] = SYSTEM_PATHS,
) -> str:
    """Return the path of a Chromium/Chrome executable, downloading one if need be.

    Parameters
    ----------
    env : mapping, default ``os.environ``
        Where ``CHROMIUM`` and ``AUTOENCODER_BOOK_NO_BROWSER_DOWNLOAD`` are read.
    cache : Path
        Playwright's browser folder (``PLAYWRIGHT_BROWSERS_PATH``).
    which, locate, install, system_paths
        Injected for the unit tests: ``shutil.which``, the look-up of an
        installed Playwright Chromium, the installer and fixed system paths.

    Returns
    -------
    str
        Absolute path of an executable file.

    Raises
    ------
    BrowserNotFound
        If ``CHROMIUM`` names no executable, or no browser is found and the
        download is forbidden or fails. The message lists the three ways.
    """
    env = os.environ if env is None else env
    cache = Path(cache)
    wanted = (env.get("CHROMIUM") or "").strip()
    if wanted:
        found = _executable(wanted) or _executable(which(wanted))
        if found:
            return found
        raise BrowserNotFound(
            _message(cache, f"CHROMIUM={wanted!r} is not an executable file or command.")
        )
    for name in SYSTEM_NAMES:
        if found := _executable(which(name)):
            return found
    for path in system_paths:
        if found := _executable(path):
            return found
    if found := locate(cache):
        return found
    if (env.get(NO_DOWNLOAD_ENV) or "").strip().lower() in {"1", "true", "yes"}:
        raise BrowserNotFound(
            _message(
                cache, f"None on PATH or in {cache}, and {NO_DOWNLOAD_ENV} forbids the download."
            )
        )
    ok, log = install(cache)
    if ok and (found := locate(cache)):
        return found
    why = "the download did not give one" if ok else "the download failed"
    raise BrowserNotFound(
        _message(cache, f"None on PATH or in {cache}; {why}: {log.strip() or 'no output'}")
    )


def main() -> int:
    try:
        print(find_browser())
    except BrowserNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
