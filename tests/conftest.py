"""Shared fixtures: small data files made by the tests themselves (never downloaded).

The test tiers and the notebook timing report are in the repository root's conftest.py;
helpers shared with the scripts are in scripts/site_tools.py (pytest's pythonpath).
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import apiref  # book/_ext/apiref.py (pytest's pythonpath), the book's _toc.yml walker
import numpy as np
import pytest
import site_tools

from autoencoder_lib import data

ROOT = site_tools.ROOT


def _load_apiref():
    """The book's Sphinx extension that walks _toc.yml (one walker for the build and the tests)."""
    return apiref


def toc_files() -> list[str]:
    """Every page _toc.yml lists (root first), as paths without suffix, in reading order."""
    return site_tools.toc_files()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_idx(path: Path, array: np.ndarray) -> Path:
    """Write a uint8 array as a gzipped IDX file (the MNIST format)."""
    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb") as fh:
        fh.write(header + array.tobytes())
    return path


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No mirror, a private empty cache, downloads allowed: each test sets what it needs."""
    monkeypatch.delenv(data.MIRROR_ENV, raising=False)
    monkeypatch.delenv(data.OFFLINE_ENV, raising=False)
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def register(monkeypatch):
    """Point REMOTE_FILES[name] at a local file:// URL with the file's real hash."""

    def _register(name: str, source: Path, *, sha256: str | None = None) -> data.RemoteFile:
        remote = data.RemoteFile(source.resolve().as_uri(), sha256 or sha256_of(source),
                                 source.stat().st_size)
        monkeypatch.setitem(data.REMOTE_FILES, name, remote)
        return remote

    return _register


@pytest.fixture
def fake_fashion_mirror(tmp_path, register):
    """A mirror with tiny Fashion-MNIST look-alikes: 50 train and 20 test images."""
    rng = np.random.default_rng(1)
    mirror = tmp_path / "mirror"
    for prefix, n in (("train", 50), ("t10k", 20)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        images[0] = 0
        images[1] = 255  # make sure both ends of the range occur
        labels = np.arange(n, dtype=np.uint8) % 10
        for kind, array in (("images-idx3", images), ("labels-idx1", labels)):
            name = f"fashion-mnist/{prefix}-{kind}-ubyte.gz"
            register(name, write_idx(mirror / name, array))
    return mirror


@pytest.fixture
def fake_ecg_mirror(tmp_path, register):
    """A mirror with a 200-row ECG5000 look-alike: 140 samples + label (1 normal, 0 abnormal)."""
    rng = np.random.default_rng(2)
    labels = np.r_[np.ones(120), np.zeros(80)]
    signals = rng.normal(size=(200, 140)) * 2.0 + labels[:, None]
    table = np.column_stack([signals, labels])
    path = tmp_path / "mirror" / "ecg5000" / "ecg.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savetxt(path, table, delimiter=",", fmt="%.8e")
    register("ecg5000/ecg.csv", path)
    return path.parent.parent


# ------------------------------------------------- the built site (tier `browser`)

SITE = ROOT / "_build" / "html"


@pytest.fixture(scope="module")
def site() -> Path:
    """The site `make book` built; a test that uses it is in the `browser` tier."""
    if not (SITE / "index.html").is_file():
        pytest.fail("the site is not built: run `make book` first (make test does it for you)")
    return SITE


@pytest.fixture(scope="module")
def base_url(site):
    """The built site served on 127.0.0.1 only."""
    with site_tools.serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium: CHROMIUM, else a system one, else Playwright's (find_browser.py)."""
    import find_browser
    from playwright.sync_api import sync_playwright

    try:
        executable = find_browser.find_browser()
    except find_browser.BrowserNotFound as exc:
        pytest.fail(str(exc), pytrace=False)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, args=list(site_tools.CHROMIUM_FLAGS))
        yield b
        b.close()
