"""Check hand-written gradients against central finite differences.

A gradient from backpropagation can be wrong in ways that still let training
run (a missing factor 2, a transposed matrix, a flipped sign). Comparing it
with a numerical estimate catches such mistakes. Explained in 第3章 3.3节.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from . import _validation as _v

__all__ = ["GradientCheckError", "numerical_gradient", "relative_error", "check_gradients"]


class GradientCheckError(AssertionError):
    """An analytic gradient disagrees with its finite-difference estimate."""


def numerical_gradient(
    f: Callable[[], float], param: np.ndarray, *, eps: float = 1e-6
) -> np.ndarray:
    """Estimate ``df/dparam`` element by element with central differences.

    ``(f(theta + eps) - f(theta - eps)) / (2 eps)`` has an error of order
    ``eps**2`` (truncation) plus ``1e-16 * |f| / eps`` (rounding in float64);
    ``eps = 1e-6`` keeps both near 1e-10 for losses of order 1.

    Parameters
    ----------
    f : callable
        Takes no argument and returns the loss (a float) computed from the
        current values of ``param``, which it must read, not copy.
    param : numpy.ndarray of float64, any shape
        Perturbed in place one element at a time and restored afterwards.
    eps : float, default 1e-6

    Returns
    -------
    numpy.ndarray of float64, shape of ``param``

    Raises
    ------
    TypeError, ValueError
        On an invalid argument, or if ``f`` returns something else than a finite
        number (the message names the element; ``param`` is restored first).
    """
    _v.check_callable(f, "f")
    _check_param(param, "param")
    eps = _v.check_number(eps, "eps", low=0.0, low_open=True)
    return _numerical_gradient(f, param, eps)


def _check_param(param, arg: str) -> None:
    """A float64 NumPy array without NaN or infinity (it is perturbed in place)."""
    if not isinstance(param, np.ndarray) or param.dtype != np.float64:
        raise TypeError(f"{arg} must be a float64 numpy.ndarray, got {type(param).__name__} "
                        f"of dtype {getattr(param, 'dtype', None)}")
    _v.as_array(param, arg, nonempty=False)


def _numerical_gradient(f: Callable[[], float], param: np.ndarray, eps: float) -> np.ndarray:
    grad = np.zeros_like(param)
    for idx in np.ndindex(param.shape):
        old = param[idx]
        try:
            param[idx] = old + eps
            f_plus = _loss_value(f)
            param[idx] = old - eps
            f_minus = _loss_value(f)
        finally:
            param[idx] = old                                  # restore exactly, even on an error
        if not (np.isfinite(f_plus) and np.isfinite(f_minus)):
            raise ValueError(
                f"f returned {f_plus} and {f_minus} around param[{', '.join(map(str, idx))}] "
                f"+- eps = {eps:g}: the loss must be finite there"
            )
        grad[idx] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def _loss_value(f: Callable[[], float]) -> float:
    value = f()
    if isinstance(value, (bool, str, bytes)) or np.ndim(value) != 0:
        raise TypeError(f"f must return one number (the loss), got {type(value).__name__} "
                        f"of shape {np.shape(value)}")
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"f must return one number (the loss), got {type(value).__name__}"
        ) from exc


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """``||a - b|| / (||a|| + ||b||)`` with Frobenius norms, 0 when both are zero.

    Norms of whole arrays, not element-wise ratios: elements that are exactly
    zero in both (a dead ReLU unit) would make an element-wise ratio 0/0.

    Parameters
    ----------
    a, b : numpy.ndarray, same shape

    Returns
    -------
    float
        In [0, 1]; about 1e-10 or less for a correct float64 gradient (0 for
        two empty arrays).

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    a = _v.as_array(a, "a", nonempty=False, dtype=np.float64)
    b = _v.as_array(b, "b", nonempty=False, dtype=np.float64)
    _v.check_same_shape(a, b, "a", "b")
    return _relative_error(a, b)


def _relative_error(a: np.ndarray, b: np.ndarray) -> float:
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0.0 else float(np.linalg.norm(a - b) / denom)


def check_gradients(
    f: Callable[[], float],
    params: Sequence[np.ndarray],
    grads: Sequence[np.ndarray],
    *,
    names: Sequence[str] | None = None,
    eps: float = 1e-6,
    tol: float = 1e-6,
) -> dict[str, float]:
    """Compare analytic gradients with :func:`numerical_gradient`, parameter by parameter.

    Explained in 第3章 3.3节.

    Parameters
    ----------
    f : callable
        Returns the loss from the current values of ``params``.
    params : sequence of numpy.ndarray (float64)
        The arrays ``f`` reads, e.g. ``model.parameters()``.
    grads : sequence of numpy.ndarray
        The analytic gradients to check, same shapes as ``params``.
    names : sequence of str, optional
        Names used in the result and the error message; default ``p0, p1, ...``.
    eps : float, default 1e-6
        Finite-difference step.
    tol : float, default 1e-6
        Largest accepted :func:`relative_error`.

    Returns
    -------
    dict of str to float
        Relative error of each parameter.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    GradientCheckError
        If any relative error exceeds ``tol``; the message names the parameter.
    """
    _v.check_callable(f, "f")
    params = _v.check_sequence(params, "params", of="numpy arrays")
    grads = _v.check_sequence(grads, "grads", of="numpy arrays")
    eps = _v.check_number(eps, "eps", low=0.0, low_open=True)
    tol = _v.check_number(tol, "tol", low=0.0, low_open=True)
    if len(params) != len(grads):
        raise ValueError(
            f"params and grads must have the same length, got {len(params)} and {len(grads)}"
        )
    names = ([f"p{i}" for i in range(len(params))] if names is None
             else [str(n) for n in _v.check_sequence(names, "names", of="str")])
    if len(names) != len(params):
        raise ValueError(f"names must have {len(params)} entries, got {len(names)}")
    errors = {}
    for name, p, g in zip(names, params, grads):
        if np.shape(g) != np.shape(p):
            raise ValueError(
                f"gradient of {name} must have shape {np.shape(p)}, got {np.shape(g)}"
            )
        _check_param(p, name)
        g = _v.as_array(g, f"gradient of {name}", nonempty=False, dtype=np.float64)
        errors[name] = _relative_error(g, _numerical_gradient(f, p, eps))
    bad = {k: v for k, v in errors.items() if v > tol}
    if bad:
        worst = max(bad, key=bad.get)
        raise GradientCheckError(
            f"gradient of {worst} disagrees with finite differences: relative error "
            f"{bad[worst]:.3e} > tol {tol:.1e} (failing: {sorted(bad)})"
        )
    return errors
