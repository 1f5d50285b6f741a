"""autoencoder_lib.data: verified fetching and the data set loaders (fixtures only, no network)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import tomllib
from pathlib import Path

import numpy as np
import pytest

from autoencoder_lib import data

from .conftest import sha256_of, write_idx

NAME = "ecg5000/ecg.csv"


@pytest.fixture
def source(tmp_path, register):
    """A small file registered under NAME, served from a file:// URL."""
    path = tmp_path / "origin" / "ecg.csv"
    path.parent.mkdir()
    path.write_bytes(b"0.5,1.0\n" * 100)
    register(NAME, path)
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# ---------------------------------------------------------------- fetch_file

def test_download_lands_in_cache_with_verified_hash(clean_env, source):
    path = data.fetch_file(NAME)
    assert path == clean_env / "cache" / NAME
    assert sha256_of(path) == sha256_of(source)
    assert leftovers(path.parent) == ["ecg.csv"], "no temporary .part file may remain"


def test_mirror_is_read_first_and_left_untouched(clean_env, source, monkeypatch):
    mirror = clean_env / "mirror"
    (mirror / "ecg5000").mkdir(parents=True)
    (mirror / NAME).write_bytes(source.read_bytes())
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    monkeypatch.setenv(data.OFFLINE_ENV, "1")
    assert data.fetch_file(NAME) == mirror / NAME
    assert not (clean_env / "cache").exists(), "a mirror hit must not write to the cache"


def test_mirror_with_wrong_hash_is_an_error_and_is_not_deleted(clean_env, source):
    mirror = clean_env / "mirror"
    (mirror / "ecg5000").mkdir(parents=True)
    (mirror / NAME).write_bytes(b"tampered")
    with pytest.raises(data.DataIntegrityError, match="mirror file"):
        data.fetch_file(NAME, mirror=mirror)
    assert (mirror / NAME).read_bytes() == b"tampered"


def test_good_cache_entry_is_used_without_download(clean_env, source, register):
    cached = clean_env / "cache" / NAME
    cached.parent.mkdir(parents=True)
    cached.write_bytes(source.read_bytes())
    source.unlink()  # the URL now points nowhere: only the cache can answer
    assert data.fetch_file(NAME, download=False) == cached


def test_corrupt_cache_entry_is_removed_and_downloaded_again(clean_env, source):
    cached = clean_env / "cache" / NAME
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"truncated")
    path = data.fetch_file(NAME)
    assert sha256_of(path) == sha256_of(source)


def test_corrupt_cache_entry_is_removed_even_when_offline(clean_env, source):
    cached = clean_env / "cache" / NAME
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"truncated")
    with pytest.raises(data.DataUnavailableError):
        data.fetch_file(NAME, download=False)
    assert not cached.exists()


def test_download_with_wrong_hash_leaves_nothing_behind(clean_env, source, register):
    register(NAME, source, sha256="0" * 64)
    with pytest.raises(data.DataIntegrityError, match="sha256"):
        data.fetch_file(NAME)
    assert leftovers(clean_env / "cache") == []


def test_failed_download_names_file_paths_and_url(clean_env, source):
    url = data.REMOTE_FILES[NAME].url
    source.unlink()  # file:// URL now fails like a dead network
    with pytest.raises(data.DataUnavailableError) as info:
        data.fetch_file(NAME)
    message = str(info.value)
    assert NAME in message and url in message and str(clean_env / "cache" / NAME) in message
    assert data.MIRROR_ENV in message
    assert leftovers(clean_env / "cache") == []


def test_offline_without_mirror_or_cache_gives_documented_error(clean_env, source, monkeypatch):
    monkeypatch.setenv(data.OFFLINE_ENV, "1")
    with pytest.raises(data.DataUnavailableError, match="Downloading is off") as info:
        data.fetch_file(NAME, mirror=clean_env / "empty-mirror")
    message = str(info.value)
    assert str(clean_env / "empty-mirror" / NAME) in message  # where it looked
    assert data.REMOTE_FILES[NAME].url in message  # where to get it
    assert not (clean_env / "cache").exists()


def test_default_cache_follows_keras_home(monkeypatch, tmp_path):
    monkeypatch.delenv(data.CACHE_ENV, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    assert data.cache_dir() == tmp_path / "kh" / "datasets"
    monkeypatch.delenv("KERAS_HOME")
    assert data.cache_dir() == Path(os.path.expanduser("~")) / ".keras" / "datasets"


def test_registered_hashes_match_the_documented_mirror():
    """The hashes of the published files, which the offline mirror holds byte for byte."""
    expected = {
        "fashion-mnist/train-images-idx3-ubyte.gz":
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        "fashion-mnist/t10k-labels-idx1-ubyte.gz":
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        "ecg5000/ecg.csv": "72ce7b040ca0c6ed36c3368e570c6ac4ddf20100476e47373c63b2395e012df1",
    }
    for name, sha in expected.items():
        assert data.REMOTE_FILES[name].sha256 == sha
        assert data.REMOTE_FILES[name].url.startswith("https://")


ROOT = Path(__file__).resolve().parent.parent


def test_make_data_key_hashes_the_registry_that_data_reads():
    out = subprocess.run(["make", "-s", "data-key"], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    sums = sorted(f'"{remote.sha256}"\n' for remote in data.REMOTE_FILES.values())
    digest = hashlib.sha256("".join(sums).encode()).hexdigest()[:16]
    assert out.stdout.strip() == f"key={digest}"


def test_the_registry_ships_as_package_data():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "datasets.json" in pyproject["tool"]["setuptools"]["package-data"]["autoencoder_lib"]
    assert (ROOT / "autoencoder_lib" / "datasets.json").is_file()


# ---------------------------------------------------------------- IDX

def test_read_idx_round_trip(tmp_path):
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    np.testing.assert_array_equal(data.read_idx(write_idx(tmp_path / "a.gz", array)), array)


def test_read_idx_rejects_bad_magic_and_bad_size(tmp_path):
    bad = tmp_path / "bad.idx"
    bad.write_bytes(b"\x01\x02\x08\x01\x00\x00\x00\x02ab")
    with pytest.raises(ValueError, match="magic"):
        data.read_idx(bad)
    short = tmp_path / "short.idx"
    short.write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x05ab")
    with pytest.raises(ValueError, match="shape"):
        data.read_idx(short)


# ---------------------------------------------------------------- Fashion-MNIST

def test_fashion_mnist_flat_and_image_shapes(clean_env, fake_fashion_mirror):
    x, y = data.load_fashion_mnist("train", mirror=fake_fashion_mirror)
    assert x.shape == (50, 784) and x.dtype == np.float32
    assert y.shape == (50,) and y.dtype == np.int64
    assert x.min() == 0.0 and x.max() == 1.0
    xi, _ = data.load_fashion_mnist("test", shape="image", mirror=fake_fashion_mirror)
    assert xi.shape == (20, 28, 28, 1)


def test_fashion_mnist_subset_is_seeded_and_keeps_labels_aligned(clean_env, fake_fashion_mirror):
    full_x, full_y = data.load_fashion_mnist("train", mirror=fake_fashion_mirror)
    a_x, a_y = data.load_fashion_mnist("train", n=10, seed=3, mirror=fake_fashion_mirror)
    b_x, b_y = data.load_fashion_mnist("train", n=10, seed=3, mirror=fake_fashion_mirror)
    c_x, _ = data.load_fashion_mnist("train", n=10, seed=4, mirror=fake_fashion_mirror)
    np.testing.assert_array_equal(a_x, b_x)
    assert not np.array_equal(a_x, c_x)
    for img, label in zip(a_x, a_y):
        row = np.flatnonzero((full_x == img).all(axis=1))[0]
        assert full_y[row] == label


# ---------------------------------------------------------------- ECG5000

def test_fashion_mnist_subset_cannot_exceed_the_file(clean_env, fake_fashion_mirror):
    with pytest.raises(ValueError, match="n must be between 1 and 50, got 51"):
        data.load_fashion_mnist(mirror=fake_fashion_mirror, n=51)


def test_ecg_splits_are_disjoint_stratified_and_scaled_on_train_only(clean_env, fake_ecg_mirror):
    s = data.load_ecg5000(val_fraction=0.15, test_fraction=0.2, mirror=fake_ecg_mirror)
    assert (len(s.x_train), len(s.x_val), len(s.x_test)) == (130, 30, 40)
    for x in (s.x_train, s.x_val, s.x_test):
        assert x.shape[1] == 140 and x.dtype == np.float32
    # stratified: every split keeps the 60 % share of normal beats
    for y in (s.y_train, s.y_val, s.y_test):
        assert abs(y.mean() - 0.6) < 0.02
    # scaling constants come from the training split only
    assert s.x_train.min() == pytest.approx(0.0, abs=1e-6)
    assert s.x_train.max() == pytest.approx(1.0, abs=1e-6)
    raw = np.loadtxt(fake_ecg_mirror / "ecg5000" / "ecg.csv", delimiter=",")[:, :140]
    restored = s.x_test.astype(np.float64) * (s.scale_max - s.scale_min) + s.scale_min
    nearest = np.abs(restored[:, None, :] - raw[None, :, :]).max(axis=2).min(axis=1)
    assert nearest.max() < 1e-4, "test rows = raw rows mapped with the training split's constants"
    # no heartbeat appears in two splits
    train_rows = {r.tobytes() for r in s.x_train}
    assert not any(r.tobytes() in train_rows for r in np.vstack([s.x_val, s.x_test]))


# ---------------------------------------------------------------- digits

def test_digits_are_bundled_and_scaled():
    x, y = data.load_digits()
    assert x.shape == (1797, 64) and x.dtype == np.float32
    assert x.min() == 0.0 and x.max() == 1.0
    assert set(np.unique(y)) == set(range(10))
    x64, _ = data.load_digits(shape="image", dtype=np.float64)
    assert x64.shape == (1797, 8, 8, 1) and x64.dtype == np.float64


# ---------------------------------------------------------------- bad input

def test_read_idx_reports_a_truncated_gzip_file_by_name(tmp_path):
    path = write_idx(tmp_path / "x-idx1-ubyte.gz", np.arange(5000) % 256)
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(ValueError, match=r"x-idx1-ubyte.gz: not a valid gzip file"):
        data.read_idx(path)


# ---------------------------------------------------------------- ECG5000: bad files

def _ecg_rows(n=20, seed=5):
    rng = np.random.default_rng(seed)
    labels = (np.arange(n) % 2).astype(float)
    return np.column_stack([rng.normal(size=(n, 140)), labels])


def _bad_ecg_mirror(tmp_path, register, text: str):
    path = tmp_path / "bad" / "ecg5000" / "ecg.csv"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    register("ecg5000/ecg.csv", path)
    return path.parent.parent


def _csv(table) -> str:
    return "\n".join(",".join(f"{v:.6g}" for v in row) for row in table) + "\n"


def test_read_ecg_csv_returns_signals_and_labels(tmp_path):
    table = _ecg_rows()
    path = tmp_path / "ok.csv"
    path.write_text(_csv(table))
    x, y = data.read_ecg_csv(path)
    assert x.shape == (20, 140) and y.dtype == np.int64
    np.testing.assert_array_equal(y, table[:, 140].astype(int))


@pytest.mark.parametrize("edit, match", [
    (lambda t: t[:, :100], r"line 1 has 100 cells, expected 141"),
    (lambda t: np.column_stack([t, t[:, :1]]), r"line 1 has 142 cells"),
    (lambda t: np.where((np.arange(20)[:, None] == 2) & (np.arange(141) == 140), 2.0, t),
     r"line 3 has label 2\.0; labels must be 0 \(abnormal\) or 1 \(normal\), found \[2\.0\]"),
])
def test_ecg_loader_rejects_wrong_width_and_labels(clean_env, register, edit, match):
    mirror = _bad_ecg_mirror(clean_env, register, _csv(edit(_ecg_rows())))
    with pytest.raises(ValueError, match="ecg.csv: " + match):
        data.load_ecg5000(mirror=mirror)


def test_ecg_loader_names_a_non_numeric_cell(clean_env, register):
    lines = _csv(_ecg_rows()).splitlines()
    cells = lines[4].split(",")
    cells[7] = "n/a"
    lines[4] = ",".join(cells)
    mirror = _bad_ecg_mirror(clean_env, register, "\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"ecg.csv: line 5, column 8 is not a number: 'n/a'"):
        data.load_ecg5000(mirror=mirror)


def test_ecg_loader_rejects_ragged_rows_and_nan(clean_env, register, tmp_path):
    lines = _csv(_ecg_rows()).splitlines()
    lines[9] = lines[9].rsplit(",", 1)[0]  # row 10 loses its label
    mirror = _bad_ecg_mirror(clean_env, register, "\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"ecg.csv: line 10 has 140 cells"):
        data.load_ecg5000(mirror=mirror)
    table = _ecg_rows()
    table[2, 3] = np.nan
    path = tmp_path / "nan.csv"
    path.write_text(_csv(table))
    with pytest.raises(ValueError, match=r"nan.csv: line 3, column 4 is not a finite number"):
        data.read_ecg_csv(path)
