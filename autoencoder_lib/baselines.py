"""Classical baselines that every autoencoder in the book is measured against.

Explained in 第2章 2.5节 (first comparison), 第5章 5.4节 (latent-size sweep)
and 5.6节 (classical denoisers).
"""

from __future__ import annotations

import numpy as np

from . import _validation as _v

__all__ = [
    "pca_reconstruct",
    "mean_reconstruct",
    "gaussian_denoise",
    "median_denoise",
    "tune_denoiser",
]


def _check_2d(a: np.ndarray, arg: str) -> np.ndarray:
    """Floating point (an integer result would be truncated), (N, features), not empty, finite."""
    a = _v.as_array(a, arg, ndim=2, shape_text="(N, features)", finite=False, nonempty=False)
    if a.dtype.kind != "f":
        raise TypeError(f"{arg} must be a floating-point array, got dtype {a.dtype}; "
                        f"convert it first, e.g. {arg}.astype(np.float32) / 255 for 8-bit pixels")
    return _v.as_array(a, arg)


def _check_pair_2d(x_train, x) -> tuple[np.ndarray, np.ndarray]:
    x_train = _check_2d(x_train, "x_train")
    x = _check_2d(x, "x")
    if x.shape[1] != x_train.shape[1]:
        raise ValueError(f"x has {x.shape[1]} features but x_train has {x_train.shape[1]}")
    return x_train, x


def pca_reconstruct(x_train: np.ndarray, x: np.ndarray, k: int, *, seed: int = 0) -> np.ndarray:
    """Project ``x`` onto the top-``k`` principal components of ``x_train`` and back.

    PCA is the best rank-``k`` *linear* reconstruction in squared error, so it
    is the baseline a nonlinear autoencoder with a ``k``-dimensional code must beat.

    Parameters
    ----------
    x_train : numpy.ndarray, shape (N_train, D)
        Data the components (and the mean) are fitted on.
    x : numpy.ndarray, shape (N, D)
        Data to reconstruct (e.g. the test set).
    k : int
        Number of components, ``1 <= k <= min(N_train, D)``.
    seed : int, default 0
        Seed of the randomized SVD solver scikit-learn may choose.

    Returns
    -------
    numpy.ndarray, shape (N, D), dtype of ``x``
        The reconstructions ``mean + (x - mean) V_k V_k^T``.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    from sklearn.decomposition import PCA

    x_train, x = _check_pair_2d(x_train, x)
    k = _v.check_int(k, "k", minimum=1, maximum=min(x_train.shape))
    seed = _v.check_int(seed, "seed", minimum=0)
    pca = PCA(n_components=int(k), random_state=seed).fit(x_train)
    return pca.inverse_transform(pca.transform(x)).astype(x.dtype, copy=False)


def mean_reconstruct(x_train: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Reconstruct every row of ``x`` as the mean of ``x_train`` (a code of size 0).

    Parameters
    ----------
    x_train : numpy.ndarray, shape (N_train, D)
    x : numpy.ndarray, shape (N, D)

    Returns
    -------
    numpy.ndarray, shape of ``x``

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    x_train, x = _check_pair_2d(x_train, x)
    return np.broadcast_to(x_train.mean(axis=0), x.shape).astype(x.dtype)


def _check_images(x: np.ndarray, arg: str = "x") -> np.ndarray:
    x = _v.as_array(x, arg, finite=False, nonempty=False)
    if x.ndim not in (3, 4) or (x.ndim == 4 and x.shape[-1] != 1):
        raise ValueError(f"{arg} must have shape (N, H, W) or (N, H, W, 1), got {x.shape}")
    return _v.as_array(x, arg, kinds="f")  # floating point, not empty, finite


def _spatial(x: np.ndarray, value, other) -> tuple:
    """Per-axis parameter that acts on height and width only, never across images or channels."""
    return (other, value, value) + ((other,) if x.ndim == 4 else ())


def gaussian_denoise(x: np.ndarray, sigma: float) -> np.ndarray:
    """Smooth each image with a Gaussian filter (``scipy.ndimage.gaussian_filter``).

    The classical linear denoiser: every pixel becomes a weighted average of
    its neighbours, which removes noise and blurs edges alike. Borders are
    handled by reflection. Explained in 第5章 5.6节.

    Parameters
    ----------
    x : numpy.ndarray, shape (N, H, W) or (N, H, W, 1)
        Noisy grey-scale images, floating point.
    sigma : float
        Standard deviation of the Gaussian, in pixels, ``>= 0`` (0 returns a copy).

    Returns
    -------
    numpy.ndarray, shape and dtype of ``x``

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    from scipy import ndimage

    x = _check_images(x)
    sigma = _v.check_number(sigma, "sigma", low=0.0)
    return ndimage.gaussian_filter(x, sigma=_spatial(x, sigma, 0.0), mode="reflect")


def median_denoise(x: np.ndarray, size: int) -> np.ndarray:
    """Replace each pixel by the median of its ``size × size`` neighbourhood.

    The classical non-linear denoiser (``scipy.ndimage.median_filter``):
    robust to outliers and kinder to edges than a Gaussian blur. Explained
    in 第5章 5.6节.

    Parameters
    ----------
    x : numpy.ndarray, shape (N, H, W) or (N, H, W, 1)
        Noisy grey-scale images, floating point.
    size : int
        Side of the square neighbourhood, ``>= 1`` (1 returns a copy).

    Returns
    -------
    numpy.ndarray, shape and dtype of ``x``

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    from scipy import ndimage

    x = _check_images(x)
    size = _v.check_int(size, "size")
    return ndimage.median_filter(x, size=_spatial(x, size, 1), mode="reflect")


def tune_denoiser(
    denoise, x_noisy: np.ndarray, x_clean: np.ndarray, candidates
) -> tuple[object, dict]:
    """Pick the parameter of a classical denoiser that gives the highest mean PSNR.

    Tune on validation images, never on the test images the methods are
    finally compared on. Explained in 第5章 5.6节.

    Parameters
    ----------
    denoise : callable
        ``denoise(x_noisy, parameter)`` returning images of the same shape,
        e.g. :func:`gaussian_denoise` or :func:`median_denoise`.
    x_noisy, x_clean : numpy.ndarray, shape (N, H, W) or (N, H, W, 1)
        Noisy validation images and their clean originals.
    candidates : sequence
        Parameter values to try (at least one).

    Returns
    -------
    best : object
        The candidate with the highest mean PSNR (the first one on a tie).
    scores : dict
        Mean PSNR in dB (a Python float) for every candidate.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    from .metrics import psnr

    _v.check_callable(denoise, "denoise")
    candidates = _v.check_sequence(candidates, "candidates", of="parameter values", iterable=True)
    if not candidates:
        raise ValueError("candidates must hold at least one parameter value, got none")
    for c in candidates:
        try:
            hash(c)
        except TypeError as exc:
            raise TypeError(
                f"candidates must be hashable (keys of the scores), got {type(c).__name__}"
            ) from exc
    if len(set(candidates)) != len(candidates):
        raise ValueError(f"candidates must not repeat a value, got {candidates!r}")
    x_noisy, x_clean = _check_images(x_noisy, "x_noisy"), _check_images(x_clean, "x_clean")
    if x_noisy.shape != x_clean.shape:
        raise ValueError(
            "x_noisy and x_clean must have the same shape, "
            f"got {x_noisy.shape} and {x_clean.shape}"
        )
    scores = {}
    for c in candidates:
        out = np.asarray(denoise(x_noisy, c))
        if out.shape != x_clean.shape:
            raise ValueError(
                f"denoise(x_noisy, {c!r}) returned shape {out.shape}, expected {x_clean.shape}"
            )
        scores[c] = float(np.mean(psnr(x_clean, out)))
    best = max(candidates, key=lambda c: scores[c])
    return best, scores
