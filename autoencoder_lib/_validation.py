"""Argument checks shared by every module of :mod:`autoencoder_lib` (private).

Every public function of the library validates its inputs at the boundary
with these helpers, so that bad input fails at once with a ``TypeError``
(wrong kind of value) or a ``ValueError`` (right kind, wrong value) whose
message names the argument, says what it received and, where there is one,
what to do instead. Nothing here imports anything but NumPy and the standard
library: the from-scratch :mod:`autoencoder_lib.numpy_ae` depends on this
module and NumPy only.

How to use it in a new module::

    from . import _validation as _v

    def smooth(x, sigma, *, size=3, mode="reflect"):
        x = _v.as_array(x, "x", kinds="f", ndim=3, shape_text="(N, H, W)")
        sigma = _v.check_number(sigma, "sigma", low=0.0)          # finite, >= 0
        size = _v.check_int(size, "size")                         # int >= 1
        mode = _v.check_choice(mode, ("reflect", "nearest"), "mode")
        ...

The helpers, each returning the checked (and normalised) value:

- :func:`check_int`: an integer (not a bool) within ``[minimum, maximum]``;
- :func:`check_number`: a finite real number (not a bool) within an interval,
  open or closed at either end (``low=0, low_open=True`` reads "positive");
- :func:`check_choice`: one of a fixed set of options;
- :func:`check_sequence` and :func:`check_int_sequence`: a list or tuple (not a
  string), optionally of positive ints;
- :func:`check_callable`;
- :func:`check_seed`: an int ``>= 0`` (or a NumPy ``Generator``, if allowed);
- :func:`check_pair`: a ``(low, high)`` pair of finite numbers with ``low < high``;
- :func:`as_array`: a NumPy array of an allowed dtype kind, dimension, not
  empty, without NaN or infinity (each check can be turned off);
- :func:`check_same_shape`, :func:`check_same_kind` (no integer/float mix);
- :func:`check_in_range`: every value within ``[low, high]``, with a hint.

The rule (scikit-learn's): validate once, at the door. A public function checks
its arguments with these helpers; what it calls inside the library gets checked
values and does not check them again (a private, unchecked version such as
``_noisy`` behind ``add_gaussian_noise``). A docstring's "Raises" section is one
line for these errors; only an error that teaches something (a diverged
training run, a corrupt download) gets its own entry.

Explained nowhere in the book: it is plumbing. Messages follow one pattern,
``"<arg> must <rule>, got <what it received>"``; ``tests/test_validation.py``
checks the wording once, and that every public function names its bad argument.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence, Set

import numpy as np

__all__ = [
    "check_int",
    "check_number",
    "check_choice",
    "check_sequence",
    "check_int_sequence",
    "check_callable",
    "check_seed",
    "check_pair",
    "as_array",
    "check_same_shape",
    "check_same_kind",
    "check_in_range",
]

_KIND_TEXT = {
    "f": "a floating-point array",
    "iu": "an integer array",
    "iuf": "a numeric (integer or floating-point) array",
}


def _type_name(value) -> str:
    return type(value).__name__


def check_int(value, arg: str, *, minimum: int | None = 1, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int`` after checking ``minimum <= value <= maximum``.

    Python and NumPy integers are accepted; ``bool`` and floats (even ``2.0``)
    are not. ``minimum=1`` (the default) reads "must be positive".

    Raises
    ------
    TypeError
        If ``value`` is not an integer.
    ValueError
        If it is out of range.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{arg} must be an int, got {_type_name(value)}")
    value = int(value)
    if maximum is not None and (value > maximum or (minimum is not None and value < minimum)):
        low = "-inf" if minimum is None else minimum
        raise ValueError(f"{arg} must be between {low} and {maximum}, got {value}")
    if minimum is not None and value < minimum:
        rule = "positive" if minimum == 1 else f">= {minimum}"
        raise ValueError(f"{arg} must be {rule}, got {value}")
    return value


def _interval(low, high, low_open: bool, high_open: bool) -> str:
    if high is None:
        if low == 0 and low_open:
            return "positive"
        return f"a finite number {'>' if low_open else '>='} {low:g}"
    if low is None:
        return f"a finite number {'<' if high_open else '<='} {high:g}"
    return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"


def check_number(
    value,
    arg: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a ``float`` after checking that it is finite and in the interval.

    ``low``/``high`` are the bounds (``None``: unbounded); ``low_open``/``high_open``
    exclude them. ``low=0, low_open=True`` reads "must be positive".

    Raises
    ------
    TypeError
        If ``value`` is not a real number (``bool`` and strings are not).
    ValueError
        If it is NaN, infinite or outside the interval.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{arg} must be a number, got {_type_name(value)}")
    number = float(value)
    rule = (
        _interval(low, high, low_open, high_open)
        if (low, high) != (None, None)
        else "a finite number"
    )
    if not np.isfinite(number):
        raise ValueError(f"{arg} must be {rule}, got {value}")
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and (number >= high if high_open else number > high)
    if too_low or too_high:
        raise ValueError(f"{arg} must be {rule}, got {value}")
    return number


def check_choice(value, choices: Sequence, arg: str):
    """Return ``value`` if it is one of ``choices``; else a ``ValueError`` listing them."""
    try:
        ok = value in choices
    except TypeError:  # an unhashable value tested against a set
        ok = False
    if not ok:
        raise ValueError(f"{arg} must be one of {list(choices)}, got {value!r}")
    return value


def check_sequence(
    values, arg: str, *, of: str = "values", min_len: int = 0, iterable: bool = False
) -> list:
    """Return ``list(values)`` for a list, tuple or other sequence that is not a string.

    ``iterable=True`` also accepts any ordered iterable (a generator, a NumPy
    array), but still no string, set or mapping.

    Raises
    ------
    TypeError
        If ``values`` is a string, bytes or not a sequence.
    ValueError
        If it has fewer than ``min_len`` entries.
    """
    ordered = isinstance(values, Sequence) or (
        iterable and isinstance(values, Iterable) and not isinstance(values, (Set, Mapping))
    )
    if isinstance(values, (str, bytes)) or not ordered:
        raise TypeError(f"{arg} must be a sequence of {of}, got {_type_name(values)}")
    values = list(values)
    if len(values) < min_len:
        raise ValueError(f"{arg} must have at least {min_len} entries, got {len(values)}")
    return values


def check_int_sequence(values, arg: str, *, minimum: int = 1, min_len: int = 0) -> list[int]:
    """Return a list of ints, each checked by :func:`check_int` as ``arg[i]``."""
    values = check_sequence(values, arg, of="ints", min_len=min_len)
    return [check_int(v, f"{arg}[{i}]", minimum=minimum) for i, v in enumerate(values)]


def check_callable(value, arg: str) -> Callable:
    """Return ``value`` if it is callable; else a ``TypeError`` naming ``arg``."""
    if not callable(value):
        raise TypeError(f"{arg} must be callable, got {_type_name(value)}")
    return value


def check_seed(value, arg: str = "seed", *, as_generator: bool = False):
    """Return a seed: an int ``>= 0``.

    ``as_generator=True`` also accepts a ``numpy.random.Generator`` (returned as
    it is) and turns an int into ``numpy.random.default_rng(seed)``.
    """
    if as_generator and isinstance(value, np.random.Generator):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        kinds = "an int or a numpy Generator" if as_generator else "an int"
        raise TypeError(f"{arg} must be {kinds}, got {_type_name(value)}")
    seed = check_int(value, arg, minimum=0)
    return np.random.default_rng(seed) if as_generator else seed


def check_pair(
    value, arg: str, *, low: float | None = None, equal_ok: bool = False
) -> tuple[float, float]:
    """Return ``(a, b)`` as floats: two finite numbers, each ``>= low``, with ``a < b``.

    ``equal_ok=True`` allows ``a == b``. A list, tuple or 1-D array of length 2.
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list, np.ndarray)):
        raise TypeError(f"{arg} must be a pair (low, high), got {_type_name(value)}")
    if len(value) != 2:
        raise ValueError(f"{arg} must be a pair (low, high), got {len(value)} values")
    a, b = (check_number(v, f"{arg}[{i}]", low=low) for i, v in enumerate(value))
    if a > b or (a == b and not equal_ok):
        rule = "low <= high" if equal_ok else "low < high"
        raise ValueError(f"{arg} must be (low, high) with {rule}, got ({a:g}, {b:g})")
    return a, b


def as_array(
    value,
    arg: str,
    *,
    kinds: str = "iuf",
    ndim: int | Sequence[int] | None = None,
    min_ndim: int | None = None,
    shape_text: str | None = None,
    nonempty: bool = True,
    finite: bool = True,
    dtype=None,
) -> np.ndarray:
    """Return ``value`` as a NumPy array after checking its dtype, dimension and values.

    Parameters
    ----------
    value : array-like
    arg : str
        Name of the argument, used in every message.
    kinds : str, default "iuf"
        Allowed ``dtype.kind`` letters: ``"f"`` floating point only, ``"iuf"``
        any real number (bool, complex, strings and objects are rejected).
    ndim : int or sequence of int, optional
        Allowed numbers of dimensions.
    min_ndim : int, optional
        Smallest allowed number of dimensions.
    shape_text : str, optional
        How to describe the expected shape in the message, e.g. ``"(N, H, W)"``.
    nonempty : bool, default True
        Reject arrays with no element.
    finite : bool, default True
        Reject NaN and infinite values.
    dtype : numpy dtype, optional
        Convert to this dtype after the checks.

    Raises
    ------
    TypeError
        On a dtype of another kind (or a value NumPy cannot turn into an array).
    ValueError
        On the wrong number of dimensions, an empty array, NaN or infinity.
    """
    try:
        a = np.asarray(value)
    except ValueError as exc:  # ragged nested lists
        raise TypeError(
            f"{arg} must be {_KIND_TEXT.get(kinds, 'an array')}, got {_type_name(value)}: {exc}"
        ) from exc
    if a.dtype.kind not in kinds:
        raise TypeError(
            f"{arg} must be {_KIND_TEXT.get(kinds, f'an array of kind {kinds!r}')}, "
            f"got dtype {a.dtype}"
        )
    allowed = None if ndim is None else ((ndim,) if isinstance(ndim, int) else tuple(ndim))
    if (allowed is not None and a.ndim not in allowed) or (
        min_ndim is not None and a.ndim < min_ndim
    ):
        if shape_text is None:
            shape_text = (f"{' or '.join(map(str, allowed))}-D" if allowed is not None
                          else f"at least {min_ndim}-D")
            raise ValueError(f"{arg} must be a {shape_text} array, got shape {a.shape}")
        raise ValueError(f"{arg} must have shape {shape_text}, got {a.shape}")
    if nonempty and a.size == 0:
        raise ValueError(f"{arg} is empty (shape {a.shape}); pass at least one value")
    if finite and a.dtype.kind == "f" and not np.all(np.isfinite(a)):
        n_nan, n_inf = int(np.isnan(a).sum()), int(np.isinf(a).sum())
        raise ValueError(
            f"{arg} contains NaN or infinite values ({n_nan} NaN, {n_inf} inf of {a.size}); "
            "remove or replace them first"
        )
    return a if dtype is None else a.astype(dtype, copy=False)


def check_same_shape(a: np.ndarray, b: np.ndarray, arg_a: str, arg_b: str) -> None:
    """Raise a ``ValueError`` naming both arguments if ``a`` and ``b`` differ in shape."""
    if np.shape(a) != np.shape(b):
        raise ValueError(
            f"{arg_a} and {arg_b} must have the same shape, got {np.shape(a)} and {np.shape(b)}"
        )


def check_same_kind(a: np.ndarray, b: np.ndarray, arg_a: str, arg_b: str) -> None:
    """Reject one integer and one floating-point array: usually 0-255 pixels next to [0, 1] ones.

    Raises
    ------
    TypeError
        Naming both arguments and both dtypes, with the usual fix.
    """
    kinds = {a.dtype.kind in "iu", b.dtype.kind in "iu"}
    if kinds == {True, False}:
        int_arg, float_arg = (arg_a, arg_b) if a.dtype.kind in "iu" else (arg_b, arg_a)
        int_dtype = a.dtype if int_arg == arg_a else b.dtype
        float_dtype = b.dtype if int_arg == arg_a else a.dtype
        raise TypeError(
            f"{int_arg} is an integer array ({int_dtype}) but {float_arg} is floating point "
            f"({float_dtype}); "
            f"put both on the same scale and dtype first, e.g. {int_arg}.astype(np.float32) / 255 "
            f"for 8-bit pixels and [0, 1] images"
        )


def check_in_range(
    a: np.ndarray,
    arg: str,
    low: float,
    high: float,
    *,
    purpose: str = "",
    hint: str = "",
    slack: float = 0.0,
) -> None:
    """Raise a ``ValueError`` if a value of ``a`` lies outside ``[low - slack, high + slack]``.

    ``purpose`` follows the interval (``" for binary cross-entropy"``); ``hint``
    ends the message with what to do (``"; pass data_range=255"``). ``slack``
    tolerates rounding (e.g. a float32 filter output of ``1 + 6e-8``).
    """
    lo, hi = float(np.min(a)), float(np.max(a))
    if lo < low - slack or hi > high + slack:
        raise ValueError(
            f"{arg} must lie in [{low:g}, {high:g}]{purpose}, got values in [{lo:g}, {hi:g}]{hint}"
        )
