"""Data sets of the book, fetched once, verified by sha256, then read locally.

Where a file comes from, in this order:

1. a **mirror directory** named by the environment variable
   ``AUTOENCODER_BOOK_DATA`` (or the ``mirror=`` argument): a read-only folder
   with the same layout as the cache, e.g. ``<mirror>/fashion-mnist/t10k-labels-idx1-ubyte.gz``.
   CI points it at an offline copy, so tests never touch the network;
2. the **cache directory**: ``AUTOENCODER_BOOK_CACHE`` if set, else Keras's
   own cache ``$KERAS_HOME/datasets`` (default ``~/.keras/datasets``). The
   layout is Keras's, so files that ``keras.datasets.fashion_mnist`` already
   downloaded are reused (after their hash is checked);
3. a **download** into the cache, streamed to a temporary file in the same
   folder, checked against the expected sha256, then renamed into place. A
   failed or corrupt download never leaves a partial file behind. Setting
   ``AUTOENCODER_BOOK_OFFLINE=1`` forbids downloads.

Explained in 第2章 (first use) and 第5章 5.1节 (set-up).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tempfile
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from . import _validation as _v

__all__ = [
    "DataUnavailableError",
    "DataIntegrityError",
    "REMOTE_FILES",
    "FASHION_MNIST_CLASSES",
    "ECGSplits",
    "cache_dir",
    "fetch_file",
    "load_fashion_mnist",
    "load_ecg5000",
    "read_ecg_csv",
    "load_digits",
    "read_idx",
    "TangVerses",
    "load_tang_poems",
]

MIRROR_ENV = "AUTOENCODER_BOOK_DATA"
CACHE_ENV = "AUTOENCODER_BOOK_CACHE"
OFFLINE_ENV = "AUTOENCODER_BOOK_OFFLINE"

_REGISTRY = "datasets.json"  # package data: the one list of files, also read by `make data-key`


@dataclass(frozen=True)
class RemoteFile:
    """A file the book downloads: where from, and what it must hash to."""

    url: str
    sha256: str
    size: int
    note: str = ""


def _read_registry() -> dict[str, RemoteFile]:
    text = resources.files(__package__).joinpath(_REGISTRY).read_text(encoding="utf-8")
    return {name: RemoteFile(**entry) for name, entry in json.loads(text)["files"].items()}


#: Every file the book can download, keyed by its path relative to the cache
#: (read from the package's ``datasets.json``).
REMOTE_FILES: dict[str, RemoteFile] = _read_registry()

#: Fashion-MNIST class names (label 0 to 9), in Chinese as the book uses them.
FASHION_MNIST_CLASSES = (
    "T恤/上衣", "裤子", "套头衫", "连衣裙", "外套",
    "凉鞋", "衬衫", "运动鞋", "包", "短靴",
)


class DataUnavailableError(FileNotFoundError):
    """A data file is in no mirror and no cache, and cannot be downloaded."""


class DataIntegrityError(OSError):
    """A data file does not have the expected sha256 (corrupt or wrong file)."""


# --------------------------------------------------------------------------
# Fetching
# --------------------------------------------------------------------------

def cache_dir() -> Path:
    """Return the cache directory that :func:`fetch_file` downloads into.

    ``AUTOENCODER_BOOK_CACHE`` if set, else ``$KERAS_HOME/datasets``, else
    ``~/.keras/datasets`` (Keras's own cache, so earlier Keras downloads are
    reused). The folder is not created here.
    """
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    keras_home = os.environ.get("KERAS_HOME") or os.path.join("~", ".keras")
    return Path(keras_home).expanduser() / "datasets"


def _sha256(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _download(url: str, target: Path, expected_sha256: str, timeout: float) -> None:
    """Stream ``url`` into ``target`` atomically, checking its sha256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            while block := resp.read(1 << 20):
                digest.update(block)
                out.write(block)
        got = digest.hexdigest()
        if got != expected_sha256:
            raise DataIntegrityError(
                f"downloaded {url} but its sha256 is {got}, expected {expected_sha256}; "
                "the partial file was removed, try again later"
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def fetch_file(
    name: str,
    *,
    mirror: str | os.PathLike | None = None,
    cache: str | os.PathLike | None = None,
    download: bool | None = None,
    timeout: float = 60.0,
) -> Path:
    """Return the local path of a verified data file, downloading it if needed.

    Explained in 第5章 5.1节.

    Parameters
    ----------
    name : str
        Key of :data:`REMOTE_FILES`, e.g. ``"fashion-mnist/t10k-labels-idx1-ubyte.gz"``.
    mirror : path-like, optional
        Read-only mirror directory; default: ``$AUTOENCODER_BOOK_DATA``.
    cache : path-like, optional
        Cache directory; default: :func:`cache_dir`.
    download : bool, optional
        Allow downloading. Default: ``True`` unless ``AUTOENCODER_BOOK_OFFLINE=1``.
    timeout : float, default 60
        Network timeout in seconds.

    Returns
    -------
    pathlib.Path
        Path of a file whose sha256 matches the expected one.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    DataIntegrityError
        If the mirror's copy has the wrong hash (the mirror is left untouched),
        or a download has the wrong hash (nothing is left behind).
    DataUnavailableError
        If the file is nowhere locally and downloading is off or fails; the
        message names the file, where it was looked for and the URL.
    """
    _v.check_choice(name, sorted(REMOTE_FILES), "name")
    timeout = _v.check_number(timeout, "timeout", low=0.0, low_open=True)
    if download is not None and not isinstance(download, (bool, np.bool_)):
        raise TypeError(f"download must be True, False or None, got {type(download).__name__}")
    remote = REMOTE_FILES[name]
    looked = []

    mirror = mirror if mirror is not None else os.environ.get(MIRROR_ENV) or None
    if mirror is not None:
        candidate = Path(mirror).expanduser() / name
        looked.append(str(candidate))
        if candidate.is_file():
            got = _sha256(candidate)
            if got != remote.sha256:
                raise DataIntegrityError(
                    f"mirror file {candidate} has sha256 {got}, expected {remote.sha256}; "
                    "replace it with a good copy (the mirror is never modified by the book)"
                )
            return candidate

    target = Path(cache if cache is not None else cache_dir()).expanduser() / name
    looked.append(str(target))
    if target.is_file():
        if _sha256(target) == remote.sha256:
            return target
        target.unlink()  # corrupt or truncated cache entry: drop it, then re-download

    if download is None:
        download = os.environ.get(OFFLINE_ENV, "") not in {"1", "true", "yes"}
    hint = (
        f"Data file {name!r} was not found (looked in: {', '.join(looked)}). "
        f"Download {remote.url} ({remote.size} bytes, sha256 {remote.sha256}) and put it at "
        f"{target}, or set {MIRROR_ENV} to a folder that holds {name}."
    )
    if not download:
        raise DataUnavailableError(
            hint + f" Downloading is off ({OFFLINE_ENV} is set or download=False)."
        )
    try:
        _download(remote.url, target, remote.sha256, timeout)
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise DataUnavailableError(hint + f" The download failed: {exc}.") from exc
    return target


# --------------------------------------------------------------------------
# Fashion-MNIST
# --------------------------------------------------------------------------

def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read a (gzipped) IDX file, the format of MNIST and Fashion-MNIST.

    Parameters
    ----------
    path : path-like
        ``.gz`` or plain IDX file holding unsigned bytes.

    Returns
    -------
    numpy.ndarray of uint8
        Shape given by the file header, e.g. ``(N, 28, 28)`` or ``(N,)``.

    Raises
    ------
    ValueError
        If the file is not an unsigned-byte IDX file of the size its header
        says, or a ``.gz`` file is truncated or corrupt (the message names it).
    FileNotFoundError
        If there is no such file.
    """
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rb") as fh:
            raw = fh.read()
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise ValueError(
            f"{Path(path).name}: not a valid gzip file ({exc}); replace it with a good copy"
        ) from exc
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"{Path(path).name}: not an IDX file (bad magic number)")
    if raw[2] != 0x08:
        raise ValueError(f"{Path(path).name}: IDX type 0x{raw[2]:02x} is not unsigned byte (0x08)")
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    if len(raw) - header != int(np.prod(shape)):
        raise ValueError(
            f"{Path(path).name}: header says shape {shape}, data has {len(raw) - header} bytes"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _check_shape_option(shape: str) -> None:
    _v.check_choice(shape, ("flat", "image"), "shape")


def load_fashion_mnist(
    split: str = "train",
    *,
    shape: str = "flat",
    n: int | None = None,
    seed: int = 0,
    mirror: str | os.PathLike | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Load Fashion-MNIST images scaled to [0, 1] and their labels.

    Explained in 第2章 (first autoencoder) and 第5章.

    Parameters
    ----------
    split : {"train", "test"}
        60 000 training or 10 000 test images.
    shape : {"flat", "image"}
        ``"flat"`` gives ``x`` of shape ``(N, 784)``, ``"image"`` gives
        ``(N, 28, 28, 1)`` (channels last, as Keras convolutions expect).
    n : int, optional
        Keep a random subset of ``n`` images, drawn without replacement with
        ``seed`` (same ``n`` and ``seed``: same images, in the same order).
    seed : int, default 0
        Seed of the subset draw, ``>= 0``.
    mirror : path-like, optional
        Passed to :func:`fetch_file`.

    Returns
    -------
    x : numpy.ndarray of float32, values in [0, 1]
        Shape ``(N, 784)`` or ``(N, 28, 28, 1)``.
    y : numpy.ndarray of int64, shape ``(N,)``
        Class labels 0 to 9 (names in :data:`FASHION_MNIST_CLASSES`).

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    DataIntegrityError, DataUnavailableError
        As :func:`fetch_file`.
    """
    _v.check_choice(split, ("train", "test"), "split")
    _check_shape_option(shape)
    n = None if n is None else _v.check_int(n, "n")
    seed = _v.check_seed(seed)
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(fetch_file(f"fashion-mnist/{prefix}-images-idx3-ubyte.gz", mirror=mirror))
    labels = read_idx(fetch_file(f"fashion-mnist/{prefix}-labels-idx1-ubyte.gz", mirror=mirror))
    if images.shape[0] != labels.shape[0] or images.shape[1:] != (28, 28):
        raise ValueError(f"unexpected Fashion-MNIST shapes {images.shape} and {labels.shape}")
    if n is not None:
        n = _v.check_int(n, "n", maximum=images.shape[0])  # the range needs the file
        idx = np.random.default_rng(seed).permutation(images.shape[0])[:n]
        images, labels = images[idx], labels[idx]
    x = images.astype(np.float32) / np.float32(255.0)
    x = x.reshape(-1, 784) if shape == "flat" else x.reshape(-1, 28, 28, 1)
    return x, labels.astype(np.int64)


# --------------------------------------------------------------------------
# ECG5000
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class ECGSplits:
    """ECG5000 split into training, validation and test sets, scaled.

    All ``x_*`` are float32 arrays of shape ``(N, 140)``; all ``y_*`` are int64
    of shape ``(N,)`` with ``1`` = normal heartbeat and ``0`` = abnormal.
    ``scale_min`` and ``scale_max`` were computed on ``x_train`` only; the
    same affine map ``(x - scale_min) / (scale_max - scale_min)`` was applied
    to every split, so validation and test values may fall slightly outside [0, 1].
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    scale_min: float
    scale_max: float


ECG_WIDTH = 141  # 140 samples of one heartbeat, then the label


def read_ecg_csv(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """Read and validate an ECG5000 table: 140 samples and a 0/1 label per row.

    Explained in 第6章 6.3节.

    Parameters
    ----------
    path : path-like
        Comma-separated text file, one heartbeat per line, no header.

    Returns
    -------
    x : numpy.ndarray of float64, shape ``(N, 140)``
        The signals.
    y : numpy.ndarray of int64, shape ``(N,)``
        ``1`` = normal heartbeat, ``0`` = abnormal.

    Raises
    ------
    ValueError
        Naming the file and the line when a row does not have 141 cells, a
        cell is not a finite number, a label is not 0 or 1, or the file holds
        no rows.
    """
    name = Path(path).name
    try:
        table = np.loadtxt(path, delimiter=",", dtype=np.float64, ndmin=2)
    except ValueError:
        table = None
    if table is None or table.shape[1:] != (ECG_WIDTH,):
        # Find the first offending line, to say exactly what is wrong and where.
        with open(path, encoding="utf-8", errors="replace") as fh:
            for lineno, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                cells = line.strip().split(",")
                if len(cells) != ECG_WIDTH:
                    raise ValueError(
                        f"{name}: line {lineno} has {len(cells)} cells, expected {ECG_WIDTH} "
                        "(140 samples and a label); is this the two-class ECG5000 file?"
                    )
                for col, cell in enumerate(cells, start=1):
                    try:
                        float(cell)
                    except ValueError:
                        raise ValueError(
                            f"{name}: line {lineno}, column {col} is not a number: "
                            f"{cell.strip()[:20]!r}"
                        ) from None
        raise ValueError(f"{name}: not a table of {ECG_WIDTH} numeric columns (shape "
                         f"{None if table is None else table.shape})")
    if table.shape[0] == 0:
        raise ValueError(f"{name}: the file holds no rows")
    bad = ~np.isfinite(table)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(f"{name}: line {row + 1}, column {col + 1} is not a finite number")
    labels = table[:, -1]
    wrong = ~np.isin(labels, (0.0, 1.0))
    if wrong.any():
        row = int(np.flatnonzero(wrong)[0])
        raise ValueError(
            f"{name}: line {row + 1} has label {float(labels[row])!r}; "
            "labels must be 0 (abnormal) "
            f"or 1 (normal), found {np.unique(labels[wrong])[:5].tolist()}"
        )
    return table[:, :-1], labels.astype(np.int64)


def load_ecg5000(
    *,
    val_fraction: float = 0.15,
    test_fraction: float = 0.2,
    seed: int = 0,
    mirror: str | os.PathLike | None = None,
) -> ECGSplits:
    """Load ECG5000, split it (stratified by label), then min-max scale it.

    The order matters: the data are split *first*, and the scaling constants
    are fitted on the training split alone, so nothing about the validation
    or test heartbeats leaks into training. Used by the anomaly-detection
    section of 第6章 6.3节. The file is validated by :func:`read_ecg_csv`.

    Parameters
    ----------
    val_fraction, test_fraction : float
        Fractions of all 4998 rows for validation and test; both in (0, 1)
        with a sum below 1.
    seed : int, default 0
        Seed of the stratified shuffle, ``>= 0``.
    mirror : path-like, optional
        Passed to :func:`fetch_file`.

    Returns
    -------
    ECGSplits

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    DataIntegrityError, DataUnavailableError
        As :func:`fetch_file`.
    """
    for arg, value in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        _v.check_number(value, arg, low=0.0, high=1.0, low_open=True, high_open=True)
    if val_fraction + test_fraction >= 1.0:
        raise ValueError(
            f"val_fraction + test_fraction must be below 1, got {val_fraction} + {test_fraction}"
        )
    seed = _v.check_int(seed, "seed", minimum=0)
    from sklearn.model_selection import train_test_split

    x, y = read_ecg_csv(fetch_file("ecg5000/ecg.csv", mirror=mirror))
    x_rest, x_test, y_rest, y_test = train_test_split(
        x, y, test_size=test_fraction, stratify=y, random_state=seed
    )
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest, y_rest, test_size=val_fraction / (1.0 - test_fraction), stratify=y_rest,
        random_state=seed,
    )
    lo, hi = float(x_train.min()), float(x_train.max())

    def scale(a: np.ndarray) -> np.ndarray:
        return ((a - lo) / (hi - lo)).astype(np.float32)

    return ECGSplits(scale(x_train), y_train, scale(x_val), y_val, scale(x_test), y_test, lo, hi)


# --------------------------------------------------------------------------
# scikit-learn's 8x8 digits (bundled, no download)
# --------------------------------------------------------------------------

def load_digits(
    *, shape: str = "flat", dtype: type | np.dtype = np.float32
) -> tuple[np.ndarray, np.ndarray]:
    """Load scikit-learn's 1797 handwritten 8×8 digits, scaled to [0, 1].

    Bundled with scikit-learn, so it needs no download: the book uses it
    where a tiny, fast image set serves (第3章, 第4章).

    Parameters
    ----------
    shape : {"flat", "image"}
        ``(1797, 64)`` or ``(1797, 8, 8, 1)``.
    dtype : numpy dtype, default float32
        Use ``np.float64`` for the from-scratch NumPy code and gradient checks.

    Returns
    -------
    x : numpy.ndarray, values in [0, 1]
        Pixel intensities (the originals are 0..16) divided by 16.
    y : numpy.ndarray of int64, shape ``(1797,)``
        Digit labels 0 to 9.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    _check_shape_option(shape)
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"dtype must be a floating-point dtype, got {dtype}")
    from sklearn.datasets import load_digits as _sk_load_digits

    bunch = _sk_load_digits()
    x = (bunch.data / 16.0).astype(dtype)
    x = x if shape == "flat" else x.reshape(-1, 8, 8, 1)
    return x, bunch.target.astype(np.int64)


# --------------------------------------------------------------------------
# 唐诗三百首 (Debian's fortunes-zh)
# --------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_TITLE = re.compile(r"^\x1b\[[0-9;]*m《(?P<title>[^》]+)》\x1b\[[0-9;]*m$")
_AUTHOR = re.compile(r"^\x1b\[[0-9;]*m作者：(?P<author>.+?)\x1b\[[0-9;]*m$")
_CLAUSE_SPLIT = re.compile(r"[，。？！；：、]")
_HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")


@dataclass(frozen=True)
class TangVerses:
    """Verses of 《唐诗三百首》, split by poem into training and held-out sets.

    ``train`` and ``test`` are lists of verses (str of 5 or 7 Chinese
    characters, no punctuation); ``train_poem[i]`` / ``test_poem[i]`` is the
    index into ``titles`` and ``authors`` of the poem verse ``i`` comes from.
    Whole poems are held out, so no held-out verse has a sibling verse of the
    same poem in ``train``. ``n_lines_skipped`` counts body lines that were not
    made of 5- or 7-character verses (irregular lines, prose prefaces).
    """

    train: list
    test: list
    train_poem: np.ndarray
    test_poem: np.ndarray
    titles: tuple
    authors: tuple
    n_lines_skipped: int


def _tang_path(mirror) -> Path:
    name = "fortunes-zh/tang300"
    try:
        return fetch_file(name, mirror=mirror)
    except DataUnavailableError as exc:
        raise DataUnavailableError(
            f"{exc} The file is not on the web at a verified address: it comes "
            "from Debian's package fortunes-zh (version 2.98; source "
            "https://salsa.debian.org/chinese-team/fortunes-zh). On Debian or "
            "Ubuntu run `apt-get install fortunes-zh` (it installs "
            "/usr/share/games/fortunes/tang300, which the book then copies into "
            "its cache); elsewhere copy that file from the package into a folder "
            f"<dir>/fortunes-zh/tang300 and set {MIRROR_ENV}=<dir>, or pass "
            "path= to load_tang_poems."
        ) from None


def _parse_fortune_poems(path: Path) -> list[tuple[str, str, list[str]]]:
    """Parse a fortunes-zh file into (title, author, body lines) per poem."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); expected "
            "a fortunes-zh poem file such as Debian's tang300"
        ) from None
    poems = []
    record: list[tuple[int, str]] = []
    lines = text.split("\n")
    for lineno, line in enumerate(lines + ["%"], start=1):
        line = line.rstrip("\r")
        if line != "%":
            if line.strip() or record:
                record.append((lineno, line))
            continue
        if not record:
            continue
        (n1, first), *rest = record
        record = []
        title = _TITLE.match(first)
        if title is None:
            raise ValueError(
                f"{path}, line {n1}: expected a coloured title line such as "
                r"'\x1b[32m《静夜思》\x1b[m' at the start of a poem, got "
                f"{first[:40]!r}; this is not a fortunes-zh poem file (Debian's tang300)"
            )
        author = _AUTHOR.match(rest[0][1]) if rest else None
        if author is None:
            n2 = rest[0][0] if rest else n1
            raise ValueError(
                f"{path}, line {n2}: expected a coloured author line such as "
                r"'\x1b[33m作者：李白\x1b[m' after the title; this is not a "
                "fortunes-zh poem file (Debian's tang300)"
            )
        body = [_ANSI.sub("", ln).strip() for _, ln in rest[1:]]
        poems.append((title["title"], author["author"].strip(), [b for b in body if b]))
    if not poems:
        raise ValueError(f"{path}: no poems found; expected a fortunes-zh poem file")
    return poems


def load_tang_poems(
    *,
    test_fraction: float = 0.1,
    seed: int = 0,
    path: str | os.PathLike | None = None,
    mirror: str | os.PathLike | None = None,
) -> TangVerses:
    """Load the 5- and 7-character verses of 《唐诗三百首》, with held-out poems.

    The file is Debian's ``fortunes-zh`` ``tang300``: poems separated by a
    line ``%``, each a title line and an author line wrapped in ANSI colour
    escapes, then lines of verses ended by Chinese punctuation. The loader
    drops the escapes, titles and authors, splits each line at its
    punctuation, and keeps a line's verses only when every verse of the line
    has 5 or 7 Chinese characters (irregular lines and prose prefaces are
    skipped and counted). Then a fraction of the *poems*, drawn with
    ``seed``, is held out.

    Explained in 第6章 6.5节.

    Parameters
    ----------
    test_fraction : float, default 0.1
        Fraction of poems held out, in (0, 1).
    seed : int, default 0
        Seed of the draw of held-out poems (same seed: same split).
    path : path-like, optional
        Read this file instead of the verified ``fortunes-zh/tang300``.
    mirror : path-like, optional
        Passed to :func:`fetch_file`.

    Returns
    -------
    TangVerses

    Raises
    ------
    TypeError, ValueError
        On an invalid argument; a ``ValueError`` naming the file and line if the
        file is not in the expected format.
    DataUnavailableError
        If the file is nowhere to be found; the message says how to get it.
    """
    test_fraction = _v.check_number(test_fraction, "test_fraction", low=0.0, high=1.0,
                                    low_open=True, high_open=True)
    path = Path(path) if path is not None else _tang_path(mirror)
    poems = _parse_fortune_poems(path)
    verses, poem_of, skipped = [], [], 0
    for k, (_, _, body) in enumerate(poems):
        for line in body:
            parts = [p for p in _CLAUSE_SPLIT.split(line) if p]
            if parts and all(len(p) in (5, 7) and _HAN.match(p) for p in parts):
                verses.extend(parts)
                poem_of.extend([k] * len(parts))
            else:
                skipped += 1
    if not verses:
        raise ValueError(f"{path}: no 5- or 7-character verses found")
    n_test = max(1, int(round(test_fraction * len(poems))))
    if n_test >= len(poems):
        raise ValueError(
            f"test_fraction={test_fraction} holds out all {len(poems)} poems of {path}"
        )
    held = set(np.random.default_rng(seed).permutation(len(poems))[:n_test].tolist())
    poem_of = np.asarray(poem_of, dtype=np.int64)
    is_test = np.array([p in held for p in poem_of.tolist()], dtype=bool)
    return TangVerses(
        train=[v for v, t in zip(verses, is_test) if not t],
        test=[v for v, t in zip(verses, is_test) if t],
        train_poem=poem_of[~is_test],
        test_poem=poem_of[is_test],
        titles=tuple(p[0] for p in poems),
        authors=tuple(p[1] for p in poems),
        n_lines_skipped=skipped,
    )
