"""Lossy compression in real bytes: quantise a code, model its symbols, entropy-code them.

A float code vector is not a file. It becomes one in three steps, each a
function here:

1. :func:`quantize` maps each code value to an integer symbol with a uniform
   step (this is where information is lost; :func:`dequantize` goes back);
2. :func:`fit_symbol_model` estimates, from *training* symbols only, one
   probability table per code dimension (:class:`SymbolModel`);
3. :func:`encode` / :func:`encode_rows` turn symbols into bytes with a range
   coder from ``constriction``, and :func:`decode` / :func:`decode_rows` give
   back exactly the same symbols.

:func:`code_length_bits` is the ideal cost ``-sum log2 p`` under the model,
which a good entropy coder reaches within a few bytes, and
:func:`empirical_entropy_bits` the plug-in entropy of the symbols themselves.

The standard image codecs (JPEG, PNG, WebP through Pillow) are measured with
:func:`codec_roundtrip` (one file per image) and :func:`tiled_codec_roundtrip`
(all images in one file, so fixed header bytes are shared).

Rate–distortion curves are lists of :class:`RatePoint` (amortised bits per
image and per-image PSNR of one setting): :func:`quantizer_sweep` runs the
three steps above for a list of quantiser steps, :func:`codec_sweep` a
standard codec for a list of qualities, and :func:`psnr_at_rate` compares
curves at the same rate by mixing the two settings around it.

Explained in 第6章 6.1节.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import _validation as _v

__all__ = [
    "quantize",
    "dequantize",
    "SymbolModel",
    "fit_symbol_model",
    "code_length_bits",
    "empirical_entropy_bits",
    "encode",
    "decode",
    "encode_rows",
    "decode_rows",
    "CodecResult",
    "CODECS",
    "JPEG_QUALITIES",
    "WEBP_QUALITIES",
    "to_uint8",
    "codec_roundtrip",
    "tiled_codec_roundtrip",
    "RatePoint",
    "quantizer_sweep",
    "codec_sweep",
    "psnr_at_rate",
]


# --------------------------------------------------------------------------
# Quantiser
# --------------------------------------------------------------------------

def quantize(z: np.ndarray, step: float) -> np.ndarray:
    """Uniform scalar quantiser: round every value to the nearest multiple of ``step``.

    Symbol ``q = round(z / step)``; :func:`dequantize` gives back ``q * step``,
    at most ``step / 2`` away from ``z``. A larger step means fewer distinct
    symbols (fewer bits) and a larger error. Explained in 第6章 6.1节.

    Parameters
    ----------
    z : numpy.ndarray, any shape
        Finite real values (e.g. codes of shape ``(N, k)``).
    step : float
        Quantisation step, positive, in the units of ``z``.

    Returns
    -------
    numpy.ndarray of int32, shape of ``z``
        The integer symbols.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    step = _v.check_number(step, "step", low=0.0, low_open=True)
    z = _v.as_array(z, "z", nonempty=False, dtype=np.float64)  # numeric, no NaN or inf
    return _quantize(z, step)


def _quantize(z: np.ndarray, step: float) -> np.ndarray:
    q = np.rint(np.asarray(z, dtype=np.float64) / step)
    if q.size and np.max(np.abs(q)) >= 2**31 - 1:
        raise ValueError(f"step={step} is too small for these values: symbols overflow int32")
    return q.astype(np.int32)


def dequantize(symbols: np.ndarray, step: float) -> np.ndarray:
    """Map integer symbols back to values: ``symbols * step``, as float32.

    Explained in 第6章 6.1节.

    Returns
    -------
    numpy.ndarray of float32, shape of ``symbols``
    """
    step = _v.check_number(step, "step", low=0.0, low_open=True)
    symbols = _integer_symbols(symbols, "symbols")
    return _dequantize(symbols, step)


def _dequantize(symbols: np.ndarray, step: float) -> np.ndarray:
    return (symbols.astype(np.float64) * step).astype(np.float32)


# --------------------------------------------------------------------------
# Probability model
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class SymbolModel:
    """One categorical distribution per code dimension over the alphabet ``low … high``.

    ``probabilities[j, a]`` is the probability that dimension ``j`` takes the
    symbol ``low + a``; every row sums to 1 and every entry is positive, so any
    symbol of the alphabet can be coded. Symbols outside ``[low, high]``
    cannot. Explained in 第6章 6.1节.
    """

    low: int
    probabilities: np.ndarray

    @property
    def high(self) -> int:
        """Largest symbol of the alphabet."""
        return self.low + self.probabilities.shape[1] - 1

    @property
    def dims(self) -> int:
        """Number of code dimensions ``k`` (symbols per row)."""
        return self.probabilities.shape[0]

    def clip(self, symbols: np.ndarray) -> np.ndarray:
        """Clamp symbols into ``[low, high]`` (a change of the data: count it as distortion)."""
        return np.clip(np.asarray(symbols), self.low, self.high).astype(np.int32)

    def outside(self, symbols: np.ndarray) -> int:
        """Number of symbols outside the alphabet."""
        symbols = np.asarray(symbols)
        return int(np.count_nonzero((symbols < self.low) | (symbols > self.high)))


def _integer_symbols(symbols, arg: str, *, nonempty: bool = False, **shape) -> np.ndarray:
    """``as_array`` for integer symbols, pointing float codes to :func:`quantize`."""
    try:
        return _v.as_array(symbols, arg, kinds="iu", nonempty=nonempty, **shape)
    except TypeError as exc:
        raise TypeError(f"{exc}; turn float codes into symbols with quantize first") from None


def _symbol_rows(symbols, arg: str = "symbols", *, nonempty: bool = False) -> np.ndarray:
    return _integer_symbols(symbols, arg, nonempty=nonempty, ndim=2,
                            shape_text="(N, k), one row of k symbols per example")


_MARGIN, _SMOOTHING = 2, 1.0  # fit_symbol_model's defaults, also quantizer_sweep's


def fit_symbol_model(
    symbols: np.ndarray,
    *,
    low: int | None = None,
    high: int | None = None,
    margin: int = _MARGIN,
    smoothing: float = _SMOOTHING,
) -> SymbolModel:
    """Fit one categorical distribution per dimension to training symbols.

    Counts plus ``smoothing`` (add-``smoothing`` estimate).

    ``p_j(a) = (count_j(a) + smoothing) / (N + smoothing * A)`` over the
    alphabet of ``A = high - low + 1`` symbols (Laplace's rule for
    ``smoothing=1``). The smoothing gives every symbol of the alphabet a
    positive probability, so a test symbol never seen in training can still be
    coded (at a high cost in bits). Fit on training data only: the decoder
    must know the model before it sees any test image.
    Explained in 第6章 6.1节.

    Parameters
    ----------
    symbols : numpy.ndarray of int, shape (N, k)
        Training symbols, one row per example.
    low, high : int, optional
        Alphabet bounds. Default: the smallest and largest training symbol,
        widened by ``margin`` on each side.
    margin : int, default 2
        Extra symbols on each side when ``low``/``high`` are not given.
    smoothing : float, default 1.0
        Pseudo-count added to every symbol of every dimension; positive.

    Returns
    -------
    SymbolModel
        ``probabilities`` of shape ``(k, high - low + 1)``, float64.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    symbols = _symbol_rows(symbols, nonempty=True)  # at least one row and one column
    smoothing = _v.check_number(smoothing, "smoothing", low=0.0, low_open=True)
    margin = _v.check_int(margin, "margin", minimum=0)
    low = int(symbols.min()) - margin if low is None else _v.check_int(low, "low", minimum=None)
    high = (
        int(symbols.max()) + margin if high is None else _v.check_int(high, "high", minimum=None)
    )
    if low > high:
        raise ValueError(f"low must not exceed high, got low={low}, high={high}")
    if symbols.min() < low or symbols.max() > high:
        raise ValueError(
            f"training symbols span [{symbols.min()}, {symbols.max()}], "
            f"outside the alphabet [{low}, {high}]"
        )
    return _fit_symbol_model(symbols, low, high, smoothing)


def _fit_symbol_model(symbols: np.ndarray, low: int, high: int, smoothing: float) -> SymbolModel:
    n, k = symbols.shape
    size = high - low + 1
    counts = np.zeros((k, size), dtype=np.float64)
    offsets = (symbols - low).astype(np.int64) + np.arange(k, dtype=np.int64) * size
    np.add.at(counts.reshape(-1), offsets.reshape(-1), 1.0)
    counts += smoothing
    return SymbolModel(low=low, probabilities=counts / counts.sum(axis=1, keepdims=True))


def _check_in_alphabet(symbols: np.ndarray, model: SymbolModel) -> np.ndarray:
    symbols = _symbol_rows(symbols)
    if not isinstance(model, SymbolModel):
        raise TypeError(
            f"model must be a SymbolModel (see fit_symbol_model), got {type(model).__name__}"
        )
    if symbols.shape[1] != model.dims:
        raise ValueError(
            f"symbols have {symbols.shape[1]} columns but the model has {model.dims} dimensions"
        )
    bad = model.outside(symbols)
    if bad:
        row, col = np.argwhere((symbols < model.low) | (symbols > model.high))[0]
        raise ValueError(
            f"{bad} symbol(s) lie outside the model's alphabet [{model.low}, {model.high}], "
            f"first at row {row}, column {col} (value {symbols[row, col]}); nothing was encoded. "
            "Clamp them with model.clip() (and count the change as distortion) "
            "or refit with a wider alphabet."
        )
    return symbols


def code_length_bits(symbols: np.ndarray, model: SymbolModel) -> np.ndarray:
    """Ideal code length of each row under the model: ``-sum_j log2 p_j(s_j)``, in bits.

    An entropy coder reaches this within a few bytes per stream; averaged
    over test rows it is the cross-entropy between the test symbols and the
    model fitted on training symbols. Explained in 第6章 6.1节.

    Returns
    -------
    numpy.ndarray of float64, shape (N,)

    Raises
    ------
    ValueError
        If a symbol lies outside the model's alphabet or the widths differ.
    """
    symbols = _check_in_alphabet(symbols, model)
    return _code_length_bits(symbols, model)


def _code_length_bits(symbols: np.ndarray, model: SymbolModel) -> np.ndarray:
    p = model.probabilities[np.arange(model.dims), symbols - model.low]
    return -np.log2(p).sum(axis=1)


def empirical_entropy_bits(symbols: np.ndarray) -> float:
    """Plug-in entropy of the symbols, summed over dimensions, in bits per row.

    ``sum_j H(histogram of column j)``: what a coder would need per row if it
    knew these very symbols' frequencies in advance (and treated the dimensions
    as independent). A model fitted on *other* data pays more; the difference
    is the price of not knowing the test data. Explained in 第6章 6.1节.

    Returns
    -------
    float
    """
    symbols = _symbol_rows(symbols)
    total = 0.0
    for column in symbols.T:
        _, counts = np.unique(column, return_counts=True)
        p = counts / counts.sum()
        total += float(-(p * np.log2(p)).sum())
    return total


# --------------------------------------------------------------------------
# Entropy coding with constriction's range coder
# --------------------------------------------------------------------------

def _constriction():
    import constriction

    return constriction.stream


def _column_models(model: SymbolModel) -> list:
    categorical = _constriction().model.Categorical
    return [categorical(p, perfect=False) for p in model.probabilities]


def _words_to_bytes(words: np.ndarray) -> bytes:
    return np.asarray(words, dtype=np.uint32).astype("<u4").tobytes()


def _bytes_to_words(data, arg: str = "data") -> np.ndarray:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"{arg} must be bytes, got {type(data).__name__}")
    if len(data) % 4:
        raise ValueError(f"{arg} must be a whole number of 32-bit words, got {len(data)} bytes")
    return np.frombuffer(bytes(data), dtype="<u4").astype(np.uint32)


def encode(symbols: np.ndarray, model: SymbolModel) -> bytes:
    """Entropy-code all rows into one stream (a single file for a whole set).

    The stream holds column 0 of every row, then column 1, and so on, each
    coded with its dimension's table; a range coder (``constriction``) writes
    32-bit words, so the length is a multiple of 4 bytes. Explained in 第6章 6.1节.

    Parameters
    ----------
    symbols : numpy.ndarray of int, shape (N, k)
    model : SymbolModel
        Fitted on training symbols; the decoder needs the same model.

    Returns
    -------
    bytes
        The compressed stream; decode it with :func:`decode` and ``N``.

    Raises
    ------
    ValueError
        If a symbol lies outside the model's alphabet (checked before anything
        is written) or the widths differ.
    """
    symbols = _check_in_alphabet(symbols, model)
    return _encode(symbols, model)


def _encode(symbols: np.ndarray, model: SymbolModel) -> bytes:
    encoder = _constriction().queue.RangeEncoder()
    for j, column_model in enumerate(_column_models(model)):
        encoder.encode(
            np.ascontiguousarray(symbols[:, j] - model.low, dtype=np.int32), column_model
        )
    return _words_to_bytes(encoder.get_compressed())


def decode(data: bytes, model: SymbolModel, n_rows: int) -> np.ndarray:
    """Decode a stream written by :func:`encode` back to symbols.

    Returns
    -------
    numpy.ndarray of int32, shape (n_rows, k)

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    n_rows = _v.check_int(n_rows, "n_rows", minimum=0)
    return _decode(_bytes_to_words(data), model, n_rows)


def _decode(words: np.ndarray, model: SymbolModel, n_rows: int) -> np.ndarray:
    decoder = _constriction().queue.RangeDecoder(words)
    columns = [decoder.decode(m, n_rows) for m in _column_models(model)]
    return (np.stack(columns, axis=1).astype(np.int32) + model.low).reshape(n_rows, model.dims)


def encode_rows(symbols: np.ndarray, model: SymbolModel) -> list[bytes]:
    """Entropy-code every row into its own stream (one file per example).

    Each stream decodes on its own, so it pays its own rounding to whole
    32-bit words and the coder's end-of-stream bits: a few bytes per row more
    than :func:`encode`. Explained in 第6章 6.1节.

    Returns
    -------
    list of bytes, one per row

    Raises
    ------
    ValueError
        If any symbol lies outside the model's alphabet (nothing is written).
    """
    stream = _constriction()
    symbols = _check_in_alphabet(symbols, model)
    categorical = stream.model.Categorical(perfect=False)
    table = model.probabilities
    out = []
    for row in symbols:
        encoder = stream.queue.RangeEncoder()
        encoder.encode(np.ascontiguousarray(row - model.low, dtype=np.int32), categorical, table)
        out.append(_words_to_bytes(encoder.get_compressed()))
    return out


def decode_rows(streams, model: SymbolModel) -> np.ndarray:
    """Decode streams written by :func:`encode_rows`.

    Returns
    -------
    numpy.ndarray of int32, shape (len(streams), k)
    """
    stream = _constriction()
    categorical = stream.model.Categorical(perfect=False)
    rows = []
    for i, data in enumerate(streams):
        decoder = stream.queue.RangeDecoder(_bytes_to_words(data, f"streams[{i}]"))
        rows.append(decoder.decode(categorical, model.probabilities))
    rows = np.asarray(rows, dtype=np.int32).reshape(len(rows), model.dims)
    return rows + model.low


# --------------------------------------------------------------------------
# Standard codecs through Pillow
# --------------------------------------------------------------------------

#: The book's JPEG quality grid (第6章 6.1节, 第8章 8.7节), dense enough that every
#: doubling of the rate between the cheapest setting and 1,100 bits per image holds
#: several settings on 28×28 Fashion-MNIST images.
JPEG_QUALITIES = (1, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 19, 22, 25, 29, 33, 50, 75, 90)
#: The book's WebP quality grid; fractional qualities are settings of their own
#: (between qualities 0 and 1 the amortised rate jumps from about 311 to 472 bits per image).
WEBP_QUALITIES = (0, 0.01, 0.1, 0.4, 1, 2, 4, 7, 10, 14, 19, 25, 32, 40, 50, 75, 90)

#: Codec name → (Pillow format, whether it takes a quality, fixed save options).
CODECS = {
    "jpeg": ("JPEG", True, {"optimize": True}),
    "png": ("PNG", False, {"optimize": True}),
    "webp": ("WEBP", True, {}),
    "webp-lossless": ("WEBP", False, {"lossless": True}),
}


class CodecResult(NamedTuple):
    """Bytes written and images decoded by a codec round trip.

    ``nbytes`` holds the size of every file written: one per image for
    :func:`codec_roundtrip`, a single entry for :func:`tiled_codec_roundtrip`.
    ``decoded`` has the shape of the input images, float32 in [0, 1].
    """

    nbytes: np.ndarray
    decoded: np.ndarray

    @property
    def bits_per_image(self) -> float:
        """All bytes written, times 8, divided by the number of images."""
        return 8.0 * float(np.sum(self.nbytes)) / len(self.decoded)


def to_uint8(images: np.ndarray) -> np.ndarray:
    """Images in [0, 1] → 8-bit grey levels ``round(255 x)``, shape (N, H, W).

    Accepts ``(N, H, W)`` or ``(N, H, W, 1)``. Fashion-MNIST pixels are
    already multiples of 1/255, so this loses nothing for them.

    Returns
    -------
    numpy.ndarray of uint8, shape (N, H, W)

    Raises
    ------
    ValueError
        On another shape or values outside [0, 1].
    """
    x = _v.as_array(images, "images", dtype=np.float64)  # numeric, not empty, no NaN or inf
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 3:
        raise ValueError(f"images must have shape (N, H, W) or (N, H, W, 1), got {x.shape}")
    _v.check_in_range(x, "images", 0.0, 1.0)
    return np.rint(x * 255.0).astype(np.uint8)


def _save_options(codec: str, quality, arg: str = "quality") -> tuple[str, dict]:
    codec = _v.check_choice(codec, sorted(CODECS), "codec")
    fmt, takes_quality, options = CODECS[codec]
    options = dict(options)
    if takes_quality:
        if quality is None:
            kind = "number" if fmt == "WEBP" else "int"
            raise ValueError(f"codec {codec!r} needs a quality: pass {arg}=<{kind} in 0 … 100>")
        if fmt == "WEBP":  # libwebp's quality is a float: 0.5 is a setting of its own
            options["quality"] = _v.check_number(quality, arg, low=0.0, high=100.0)
        else:
            options["quality"] = _v.check_int(quality, arg, minimum=0, maximum=100)
    elif quality is not None:
        raise ValueError(
            f"codec {codec!r} is lossless and takes no quality, got {arg}={quality!r}"
        )
    return fmt, options


def _roundtrip(gray: np.ndarray, fmt: str, options: dict) -> tuple[int, np.ndarray]:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(gray, mode="L").save(buffer, format=fmt, **options)
    data = buffer.getvalue()
    decoded = np.asarray(Image.open(io.BytesIO(data)).convert("L"))
    return len(data), decoded


def _back(decoded_u8: np.ndarray, like: np.ndarray) -> np.ndarray:
    out = decoded_u8.astype(np.float32) / np.float32(255.0)
    return out.reshape(np.shape(like))


def codec_roundtrip(images: np.ndarray, codec: str, *, quality: int | None = None) -> CodecResult:
    """Save every image as its own file with a standard codec, and read it back.

    Each file carries the codec's full header (JPEG: quantisation and Huffman
    tables; PNG and WebP: chunk headers), which dominates for 28×28 images.
    Explained in 第6章 6.1节.

    Parameters
    ----------
    images : numpy.ndarray, shape (N, H, W) or (N, H, W, 1), values in [0, 1]
    codec : {"jpeg", "png", "webp", "webp-lossless"}
        JPEG with optimised Huffman tables, PNG with ``optimize=True``, WebP
        lossy or lossless (see :data:`CODECS`).
    quality : int or float, optional
        0 … 100, required for ``"jpeg"`` (an int) and ``"webp"`` (any number:
        libwebp's quality is a float, so 0.5 lies between 0 and 1); not allowed
        for the lossless codecs.

    Returns
    -------
    CodecResult
        ``nbytes`` of shape ``(N,)`` (file size of each image) and
        ``decoded`` of the input's shape, float32 in [0, 1].

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    fmt, options = _save_options(codec, quality)
    gray = to_uint8(images)
    return _file_roundtrip(gray, fmt, options, images)


def _file_roundtrip(gray: np.ndarray, fmt: str, options: dict, like: np.ndarray) -> CodecResult:
    sizes, decoded = zip(*(_roundtrip(img, fmt, options) for img in gray))
    return CodecResult(np.asarray(sizes, dtype=np.int64), _back(np.stack(decoded), like))


def tiled_codec_roundtrip(
    images: np.ndarray, codec: str, *, quality: int | None = None, columns: int | None = None
) -> CodecResult:
    """Tile all images into one grid, save it as a single file, read it back and cut it up.

    The header is paid once for all images, so ``bits_per_image`` is the
    codec's amortised cost. A tile grid is not quite the same signal as the
    separate images (JPEG's 8×8 blocks straddle the 28-pixel tile borders),
    so the decoded images, and their PSNR, come from this file too.
    Explained in 第6章 6.1节.

    Parameters
    ----------
    images, codec, quality
        As in :func:`codec_roundtrip`.
    columns : int, optional
        Images per grid row; default ``ceil(sqrt(N))``. Unused grid cells are black.

    Returns
    -------
    CodecResult
        ``nbytes`` of shape ``(1,)`` (the one file) and ``decoded`` of the input's shape.
    """
    fmt, options = _save_options(codec, quality)
    gray = to_uint8(images)
    if columns is not None:
        columns = _v.check_int(columns, "columns")
    return _tiled_roundtrip(gray, fmt, options, columns, images)


def _tiled_roundtrip(gray: np.ndarray, fmt: str, options: dict, columns: int | None,
                     like: np.ndarray) -> CodecResult:
    n, h, w = gray.shape
    if columns is None:
        columns = math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    grid = np.zeros((rows * columns, h, w), dtype=np.uint8)
    grid[:n] = gray
    sheet = grid.reshape(rows, columns, h, w).transpose(0, 2, 1, 3).reshape(rows * h, columns * w)
    size, decoded = _roundtrip(sheet, fmt, options)
    tiles = (
        decoded.reshape(rows, h, columns, w)
        .transpose(0, 2, 1, 3)
        .reshape(rows * columns, h, w)[:n]
    )
    return CodecResult(np.asarray([size], dtype=np.int64), _back(tiles, like))


# --------------------------------------------------------------------------
# Rate–distortion curves
# --------------------------------------------------------------------------

class RatePoint(NamedTuple):
    """One setting of a lossy coder, measured on a set of images.

    A curve is a list of these, one per quantiser step or codec quality.
    ``bits`` is the amortised rate: one stream (a quantiser) or one tiled file
    (a codec) for all images, divided by the number of images, so fixed
    header bytes are shared. ``items`` holds the PSNR of every image decoded
    from that stream or file. Explained in 第6章 6.1节.

    The quantiser fields (``ideal_bits``, ``outside``) are set by
    :func:`quantizer_sweep`, the one-file-per-image fields (``file_bits``,
    ``file_items``) by :func:`codec_sweep`; the others stay ``None``.
    """

    #: Quantiser step, codec quality, or None for a lossless codec.
    setting: float | int | None
    #: Amortised rate in bits per image (all bytes written x 8 / N).
    bits: float
    #: PSNR of each image in dB, float64 of shape (N,).
    items: np.ndarray
    #: Mean ideal code length under the symbol model, in bits per image.
    ideal_bits: float | None = None
    #: Number of test symbols outside the alphabet (clamped into it).
    outside: int | None = None
    #: Mean size of one file per image, in bits per image.
    file_bits: float | None = None
    #: PSNR of each image saved as a file of its own, shape (N,).
    file_items: np.ndarray | None = None

    @property
    def psnr(self) -> float:
        """The test PSNR of this setting in dB, the mean of ``items``."""
        return float(np.mean(self.items))

    @property
    def file_psnr(self) -> float | None:
        """Mean of ``file_items`` (None where no per-image files were written)."""
        return None if self.file_items is None else float(np.mean(self.file_items))


def _psnr(images: np.ndarray, decoded: np.ndarray) -> np.ndarray:
    from .metrics import psnr

    return psnr(images, decoded)


def quantizer_sweep(
    codes_train: np.ndarray,
    codes_test: np.ndarray,
    images: np.ndarray,
    steps,
    decode,
) -> list[RatePoint]:
    """Rate and per-image PSNR of a quantised code, for each quantiser step.

    For every step: :func:`quantize` the codes; fit the symbol model on the
    training symbols only (:func:`fit_symbol_model`, its defaults); clamp the
    test symbols into its alphabet (counted in ``outside``; the change shows up
    as distortion); :func:`encode` all test rows into one stream and check
    that :func:`decode` gives back the same symbols; :func:`dequantize`,
    ``decode`` to images, clip them to [0, 1] and take each image's PSNR
    against ``images``. Explained in 第6章 6.1节.

    Parameters
    ----------
    codes_train : numpy.ndarray, shape (N_train, k)
        Codes of the training images: the symbol model is fitted on them.
    codes_test : numpy.ndarray, shape (N, k)
        Codes of the images to compress.
    images : numpy.ndarray, shape (N, ...), values in [0, 1]
        The images ``codes_test`` came from, in the shape PSNR is taken on.
    steps : sequence of float
        Quantiser steps, each positive, in the units of the codes.
    decode : callable
        Maps dequantised codes, float32 of shape ``(N, k)``, to ``N`` images
        with ``images[0].size`` values each (reshaped to ``images.shape``),
        e.g. a Keras decoder's ``predict`` or PCA's ``inverse_transform``.

    Returns
    -------
    list of RatePoint
        One per step, in the order of ``steps``: ``setting`` the step,
        ``bits`` the stream's size in bits per image, ``items`` the per-image
        PSNR of shape ``(N,)``, ``ideal_bits`` the mean ideal code length
        (:func:`code_length_bits`) and ``outside`` the clamped test symbols.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it), or if ``decode``
        returns the wrong number of values.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> images = rng.random((50, 4))
    >>> codes = 2 * images - 1  # an invertible "encoder"
    >>> curve = quantizer_sweep(codes, codes, images, [0.5, 0.1],
    ...                         lambda z: (z + 1) / 2)
    >>> [p.setting for p in curve], curve[0].bits < curve[1].bits
    ([0.5, 0.1], True)
    """
    codes_train = _v.as_array(codes_train, "codes_train", ndim=2, shape_text="(N_train, k)")
    codes_test = _v.as_array(codes_test, "codes_test", ndim=2, shape_text="(N, k)")
    if codes_test.shape[1] != codes_train.shape[1]:
        raise ValueError(
            f"codes_test must have k={codes_train.shape[1]} columns as codes_train, "
            f"got {codes_test.shape[1]}"
        )
    images = _v.as_array(images, "images", kinds="f", min_ndim=2, shape_text="(N, ...)")
    if len(images) != len(codes_test):
        raise ValueError(
            f"images must hold one image per row of codes_test ({len(codes_test)}), "
            f"got {len(images)}"
        )
    _v.check_in_range(images, "images", 0.0, 1.0)
    steps = _v.check_sequence(steps, "steps", of="positive numbers", min_len=1, iterable=True)
    steps = [_v.check_number(s, f"steps[{i}]", low=0.0, low_open=True)
             for i, s in enumerate(steps)]
    _v.check_callable(decode, "decode")
    return [_quantizer_point(codes_train, codes_test, images, step, decode) for step in steps]


def _quantizer_point(codes_train, codes_test, images, step, decode) -> RatePoint:
    train = _quantize(codes_train, step)
    low, high = int(train.min()) - _MARGIN, int(train.max()) + _MARGIN
    model = _fit_symbol_model(train, low, high, _SMOOTHING)
    q = _quantize(codes_test, step)
    outside = model.outside(q)
    q = model.clip(q)
    stream = _encode(q, model)
    if not np.array_equal(_decode(_bytes_to_words(stream), model, len(q)), q):
        raise RuntimeError(f"step={step}: the decoded symbols differ from the encoded ones")
    decoded = np.asarray(decode(_dequantize(q, step)))
    if decoded.size != images.size:
        raise ValueError(
            f"decode must return {len(images)} images of {images[0].size} values "
            f"(images' shape {images.shape}), got shape {decoded.shape}"
        )
    if decoded.dtype.kind != "f":
        decoded = decoded.astype(np.float64)
    decoded = np.clip(decoded.reshape(images.shape), 0.0, 1.0)
    return RatePoint(
        setting=step,
        bits=8.0 * len(stream) / len(q),
        items=_psnr(images, decoded),
        ideal_bits=float(_code_length_bits(q, model).mean()),
        outside=outside,
    )


def codec_sweep(images: np.ndarray, codec: str, qualities=None, *,
                files: bool = True) -> list[RatePoint]:
    """Rate and per-image PSNR of a standard codec, for each quality.

    For every quality the images are tiled into one file
    (:func:`tiled_codec_roundtrip`): its size per image is ``bits`` and the
    images cut back out of it give ``items``, the amortised curve to compare
    with a coder whose fixed costs also sit outside the file. With
    ``files=True`` each image is also saved as a file of its own
    (:func:`codec_roundtrip`, header and all): ``file_bits`` and
    ``file_items``. Explained in 第6章 6.1节.

    Parameters
    ----------
    images : numpy.ndarray, shape (N, H, W) or (N, H, W, 1), values in [0, 1]
    codec : {"jpeg", "png", "webp", "webp-lossless"}
        See :data:`CODECS`.
    qualities : sequence of numbers, optional
        Required for ``"jpeg"`` (ints in 0 … 100) and ``"webp"`` (numbers in
        0 … 100; fractions are settings of their own). Leave out for a
        lossless codec: one point, ``setting`` None.
    files : bool, default True
        Also write one file per image (slower: ``N`` files per quality).

    Returns
    -------
    list of RatePoint
        One per quality, in the order given: ``setting`` the quality,
        ``bits`` the tiled file's bits per image, ``items`` the per-image PSNR
        of shape ``(N,)`` (``inf`` where an image comes back exactly), and
        with ``files`` ``file_bits`` (mean bits of a single-image file) and
        ``file_items``.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).

    Examples
    --------
    >>> images = np.random.default_rng(0).random((16, 8, 8))
    >>> curve = codec_sweep(images, "webp", [0, 0.5, 50], files=False)
    >>> [p.setting for p in curve], curve[0].bits < curve[-1].bits
    ([0.0, 0.5, 50.0], True)
    """
    gray = to_uint8(images)
    codec = _v.check_choice(codec, sorted(CODECS), "codec")
    if not isinstance(files, bool):
        raise TypeError(f"files must be a bool, got {type(files).__name__}")
    if CODECS[codec][1]:
        if qualities is None:
            raise ValueError(f"codec {codec!r} needs qualities: pass a list of numbers in 0 … 100")
        qualities = _v.check_sequence(qualities, "qualities", of="qualities", min_len=1,
                                      iterable=True)
    elif qualities is not None:
        raise ValueError(
            f"codec {codec!r} is lossless and takes no qualities, got qualities={qualities!r}"
        )
    else:
        qualities = [None]
    settings = [_save_options(codec, q, f"qualities[{i}]") for i, q in enumerate(qualities)]
    points = []
    for fmt, options in settings:
        tiled = _tiled_roundtrip(gray, fmt, options, None, images)
        point = RatePoint(setting=options.get("quality"), bits=tiled.bits_per_image,
                          items=_psnr(images, tiled.decoded))
        if files:
            single = _file_roundtrip(gray, fmt, options, images)
            point = point._replace(file_bits=single.bits_per_image,
                                   file_items=_psnr(images, single.decoded))
        points.append(point)
    return points


_RATES = ("bits", "ideal_bits")  # what psnr_at_rate interpolates on


def psnr_at_rate(points, bits: float, *, rate: str = "bits") -> np.ndarray | None:
    """Per-image PSNR at a given rate, mixing the two settings around it.

    Encode a share ``w`` of the images with the cheaper setting and the rest
    with the dearer one, ``w`` chosen so the mean rate is ``bits``: each
    image's expected PSNR is ``w * items_lo + (1 - w) * items_hi``, and the
    mean over images lies on the straight line between the two settings'
    (rate, mean PSNR) points, so the interpolated point is achievable. Two
    curves compared at the same ``bits`` are then paired image by image.
    Explained in 第6章 6.1节.

    Parameters
    ----------
    points : sequence of RatePoint
        One curve (any order), all measured on the same ``N`` images.
    bits : float
        The rate, in bits per image, ``>= 0``.
    rate : {"bits", "ideal_bits"}, default "bits"
        Interpolate on the real amortised rate or, for quantiser points, on
        the ideal code length.

    Returns
    -------
    numpy.ndarray of float64, shape (N,), or None
        None if ``bits`` is below the cheapest setting (the curve cannot go
        that low); the dearest setting's ``items`` if ``bits`` is at or above
        its rate; else the mixture.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).

    Examples
    --------
    >>> curve = [RatePoint(1, 100.0, np.array([20.0, 22.0])),
    ...          RatePoint(2, 200.0, np.array([30.0, 30.0]))]
    >>> psnr_at_rate(curve, 150.0)
    array([25., 26.])
    >>> psnr_at_rate(curve, 50.0) is None
    True
    """
    points = _v.check_sequence(points, "points", of="RatePoint", min_len=1, iterable=True)
    for i, p in enumerate(points):
        if not isinstance(p, RatePoint):
            raise TypeError(f"points[{i}] must be a RatePoint, got {type(p).__name__}")
    rate = _v.check_choice(rate, _RATES, "rate")
    bits = _v.check_number(bits, "bits", low=0.0)
    rates = [getattr(p, rate) for p in points]
    if any(r is None for r in rates):
        raise ValueError(f"rate={rate!r} needs every point's {rate}; some are None")
    rates = _v.as_array(rates, f"points' {rate}", dtype=np.float64)
    items = [_v.as_array(p.items, f"points[{i}].items", ndim=1, finite=False,
                         dtype=np.float64) for i, p in enumerate(points)]
    if len({len(it) for it in items}) > 1:
        raise ValueError(
            "points must all hold the same images, got items of lengths "
            f"{sorted({len(it) for it in items})}"
        )
    return _psnr_at_rate(rates, items, bits)


def _psnr_at_rate(rates: np.ndarray, items: list[np.ndarray], bits: float) -> np.ndarray | None:
    order = np.argsort(rates, kind="stable")
    rates = rates[order]
    if bits < rates[0]:
        return None  # no setting is this cheap
    if bits >= rates[-1]:
        return items[order[-1]].copy()  # the dearest setting
    hi = int(np.searchsorted(rates, bits, side="right"))
    w = (rates[hi] - bits) / (rates[hi] - rates[hi - 1])  # share at the cheaper setting
    low_items, high_items = items[order[hi - 1]], items[order[hi]]
    if w == 1.0:
        return low_items.copy()
    return w * low_items + (1.0 - w) * high_items
