"""Corrupting images on purpose, for denoising autoencoders.

A denoising autoencoder (Vincent et al. 2008) sees a corrupted input and is
trained to output the clean original. Here the corruption is additive
Gaussian noise, clipped back to the valid pixel range. For training, the
noise is drawn afresh every time an image is shown (:func:`noisy_pairs`),
as in the paper; for evaluation, one fixed noisy copy
(:func:`add_gaussian_noise` with a seed) is used by every method compared.

Explained in 第5章 5.6节.
"""

from __future__ import annotations

import functools

import numpy as np

from . import _validation as _v

__all__ = ["add_gaussian_noise", "noisy_pairs"]


def _check_sigma(sigma, arg: str = "sigma") -> float:
    return _v.check_number(sigma, arg, low=0.0)


def _check_sigma_per_image(sigma, n: int) -> float | np.ndarray:
    """A number, or one number per image (shape ``(n,)``), each finite and >= 0."""
    if isinstance(sigma, np.ndarray) and sigma.ndim > 0:
        if sigma.shape != (n,):
            raise ValueError(f"sigma must be a number or an array of shape ({n},), got shape {sigma.shape}")
        if sigma.dtype.kind not in "fiu" or not np.all(np.isfinite(sigma) & (sigma >= 0)):
            raise ValueError("sigma must hold finite numbers >= 0")
        return sigma
    return _check_sigma(sigma)


def _check_sigma_range(sigma) -> tuple[float, float]:
    """A number ``s`` (read as ``(s, s)``) or a pair ``(low, high)`` with ``0 <= low <= high``."""
    if isinstance(sigma, (tuple, list)):
        if len(sigma) != 2:
            raise ValueError(f"sigma must be a number or a pair (low, high), got {sigma!r}")
        low, high = _check_sigma(sigma[0], "sigma[0]"), _check_sigma(sigma[1], "sigma[1]")
        if low > high:
            raise ValueError(f"sigma must be (low, high) with low <= high, got {sigma!r}")
        return low, high
    s = _check_sigma(sigma)
    return s, s


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int or a numpy Generator, got {type(seed).__name__}")
    return _v.check_int(seed, "seed", minimum=0)


def _check_clip(clip) -> None:
    if clip is None:
        return
    if isinstance(clip, (str, bytes)) or not isinstance(clip, (tuple, list, np.ndarray)):
        raise TypeError(f"clip must be a pair (low, high) or None, got {type(clip).__name__}")
    if len(clip) != 2:
        raise ValueError(f"clip must be (low, high) with low < high, or None, got {clip!r}")
    low = _v.check_number(clip[0], "clip[0]")
    high = _v.check_number(clip[1], "clip[1]")
    if not low < high:
        raise ValueError(f"clip must be (low, high) with low < high, or None, got {clip!r}")


def _check_clean_images(x, clip) -> None:
    """Finite, and inside the clip range: clipping 0-255 pixels to [0, 1] would wipe the images out."""
    if x.size == 0:
        return
    _v.as_array(x, "x")  # no NaN or inf
    if clip is not None:
        low, high = float(clip[0]), float(clip[1])
        hint = ("; 8-bit pixels? scale them first (x / 255), or pass clip=(0, 255)"
                if float(np.max(x)) > 1.5 * high and high <= 1.0 else
                "; pass the images in that range or choose clip to match them (clip=None: no clipping)")
        _v.check_in_range(x, "x", low, high, purpose=f" (clip={tuple(clip)!r})", hint=hint,
                          slack=1e-5 * (high - low))


def add_gaussian_noise(
    x: np.ndarray,
    sigma: float | np.ndarray,
    *,
    seed: int | np.random.Generator = 0,
    clip: tuple[float, float] | None = (0.0, 1.0),
) -> np.ndarray:
    """Return ``clip(x + sigma * eps)`` with ``eps`` standard normal noise.

    Clipping keeps the noisy image a valid image (pixels in [0, 1]); it also
    means that on a black background only the positive half of the noise
    survives, so the noise actually added has a smaller variance than
    ``sigma**2`` there.

    Explained in 第5章 5.6节.

    Parameters
    ----------
    x : numpy.ndarray, any shape
        Clean images, floating point (e.g. ``(N, 28, 28, 1)`` in [0, 1]).
    sigma : float or numpy.ndarray of shape (N,)
        Standard deviation of the noise, ``>= 0``, in pixel units: one value
        for all images, or one value per image (``N = len(x)``).
    seed : int or numpy.random.Generator, default 0
        Seed of the noise (same seed, same noise) or a generator to draw from.
    clip : (float, float) or None, default (0.0, 1.0)
        Range to clip the result to; ``None`` for no clipping.

    Returns
    -------
    numpy.ndarray, shape and dtype of ``x``
        The noisy images; ``x`` itself is not modified.

    Raises
    ------
    TypeError
        If ``x`` is not floating point, ``sigma`` is not a number, ``seed``
        is neither an int nor a Generator, or ``clip`` is not a pair of numbers.
    ValueError
        If ``x`` holds NaN/infinity or values outside ``clip``, ``sigma`` is
        negative or not finite or has the wrong shape, ``seed`` is negative,
        or ``clip`` is not ``(low, high)`` with ``low < high``.
    """
    x = np.asarray(x)
    if x.dtype.kind != "f":
        raise TypeError(f"x must be a floating-point array, got dtype {x.dtype}")
    sigma = _check_sigma_per_image(sigma, len(x) if x.ndim else 0)
    if isinstance(sigma, np.ndarray):
        sigma = sigma.astype(x.dtype).reshape((-1,) + (1,) * (x.ndim - 1))
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(_check_seed(seed))
    _check_clip(clip)
    _check_clean_images(x, clip)
    noisy = x + sigma * rng.standard_normal(x.shape).astype(x.dtype, copy=False)
    if clip is not None:
        np.clip(noisy, clip[0], clip[1], out=noisy)
    return noisy


@functools.cache
def _noisy_pairs_class():
    """Define the PyDataset subclass on first use, so importing this module does not import Keras."""
    import keras

    class NoisyPairs(keras.utils.PyDataset):
        """Batches ``(noisy, clean)``; fresh noise and a fresh shuffle every epoch."""

        def __init__(self, x, sigma, batch_size, seed, shuffle, clip):
            super().__init__()
            self.x, self.sigma, self.batch_size = x, sigma, batch_size
            self.seed, self.shuffle, self.clip = seed, shuffle, clip
            self.epoch = 0
            self._order = self._make_order()

        def _make_order(self):
            if not self.shuffle:
                return np.arange(len(self.x))
            return np.random.default_rng([self.seed, self.epoch]).permutation(len(self.x))

        def __len__(self):
            return -(-len(self.x) // self.batch_size)

        def __getitem__(self, idx):
            rows = self._order[idx * self.batch_size:(idx + 1) * self.batch_size]
            clean = self.x[rows]
            # The noise depends only on (seed, epoch, batch): the same whatever order Keras asks in.
            rng = np.random.default_rng([self.seed, self.epoch, idx])
            low, high = self.sigma
            sigma = low if low == high else rng.uniform(low, high, size=len(clean))
            return add_gaussian_noise(clean, sigma, seed=rng, clip=self.clip), clean

        def on_epoch_end(self):
            self.epoch += 1
            self._order = self._make_order()

    return NoisyPairs


def noisy_pairs(
    x: np.ndarray,
    sigma: float | tuple[float, float],
    *,
    batch_size: int = 128,
    seed: int = 0,
    shuffle: bool = True,
    clip: tuple[float, float] | None = (0.0, 1.0),
):
    """Training batches for a denoising autoencoder: ``(noisy input, clean target)``.

    Pass the result to ``model.fit`` in place of ``(x, y)``. Every epoch the
    images are reshuffled and each one gets new noise from
    :func:`add_gaussian_noise`, so the network never sees the same corrupted
    copy twice and cannot learn the noise by heart (Vincent et al. 2008).
    The noise depends only on ``seed``, the epoch and the batch index, so a
    run is reproducible.

    Explained in 第5章 5.6节.

    Parameters
    ----------
    x : numpy.ndarray, shape (N, ...)
        Clean training images, floating point.
    sigma : float or (float, float)
        Standard deviation of the Gaussian noise, ``>= 0``; or a range
        ``(low, high)``: then every image, every time it is shown, gets its own
        ``sigma`` drawn uniformly from the range, so that one network learns
        to remove noise of any strength in it ("blind" denoising).
    batch_size : int, default 128
        Images per batch (the last batch may be smaller).
    seed : int, default 0
        Seed of the shuffles and the noise.
    shuffle : bool, default True
        Reshuffle the images every epoch.
    clip : (float, float) or None, default (0.0, 1.0)
        Passed to :func:`add_gaussian_noise`.

    Returns
    -------
    keras.utils.PyDataset
        ``len()`` is the number of batches; item ``i`` is a pair of arrays
        ``(noisy, clean)``, each of shape ``(batch, ...)`` and the dtype of ``x``.

    Raises
    ------
    TypeError, ValueError
        On an array without a batch axis, empty, not floating point, holding
        NaN/infinity or values outside ``clip``, or an invalid ``sigma``,
        ``batch_size``, ``seed`` or ``clip``.
    """
    x = np.asarray(x)
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"x must have shape (N, ...) with N >= 1, got {x.shape}")
    if x.dtype.kind != "f":
        raise TypeError(f"x must be a floating-point array, got dtype {x.dtype}")
    sigma = _check_sigma_range(sigma)
    batch_size = _v.check_int(batch_size, "batch_size")
    seed = _check_seed(seed)
    _check_clip(clip)
    _check_clean_images(x, clip)
    return _noisy_pairs_class()(x, sigma, batch_size, seed, bool(shuffle), clip)
