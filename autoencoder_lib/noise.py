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

import keras
import numpy as np

from . import _validation as _v

__all__ = ["add_gaussian_noise", "noisy_pairs", "NoisyPairs"]


def _check_sigma_per_image(sigma, n: int) -> float | np.ndarray:
    """A number, or one number per image (shape ``(n,)``), each finite and >= 0."""
    if isinstance(sigma, np.ndarray) and sigma.ndim > 0:
        sigma = _v.as_array(sigma, "sigma", ndim=1, shape_text=f"({n},)")
        if sigma.shape != (n,) or np.any(sigma < 0):
            raise ValueError(f"sigma must be >= 0 with shape ({n},), got shape {sigma.shape}")
        return sigma
    return _v.check_number(sigma, "sigma", low=0.0)


def _check_clean_images(x, clip) -> None:
    """Inside the clip range: clipping 0-255 pixels to [0, 1] would wipe the images out."""
    if clip is None or x.size == 0:
        return
    low, high = clip
    if float(np.max(x)) > 1.5 * high and high <= 1.0:
        hint = "; 8-bit pixels? scale them first (x / 255), or pass clip=(0, 255)"
    else:
        hint = "; pass images in that range or a clip that matches them (None: no clipping)"
    _v.check_in_range(x, "x", low, high, purpose=f" (clip={tuple(clip)!r})", hint=hint,
                      slack=1e-5 * (high - low))


def _noisy(x: np.ndarray, sigma, rng: np.random.Generator, clip) -> np.ndarray:
    """``clip(x + sigma * eps)`` without checks (``sigma`` broadcast against ``x``)."""
    if isinstance(sigma, np.ndarray):
        sigma = sigma.astype(x.dtype).reshape((-1,) + (1,) * (x.ndim - 1))
    noisy = x + sigma * rng.standard_normal(x.shape).astype(x.dtype, copy=False)
    if clip is not None:
        np.clip(noisy, clip[0], clip[1], out=noisy)
    return noisy


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
    TypeError, ValueError
        On an invalid argument; also a ``ValueError`` if ``x`` lies outside ``clip``
        (with a hint when it looks like 8-bit pixels).
    """
    x = _v.as_array(x, "x", kinds="f", nonempty=False)
    sigma = _check_sigma_per_image(sigma, len(x) if x.ndim else 0)
    rng = _v.check_seed(seed, "seed", as_generator=True)
    clip = None if clip is None else _v.check_pair(clip, "clip")
    _check_clean_images(x, clip)
    return _noisy(x, sigma, rng, clip)


class NoisyPairs(keras.utils.PyDataset):
    """Batches ``(noisy, clean)`` with fresh noise and a fresh shuffle every epoch.

    What :func:`noisy_pairs` returns (build it with that function, which checks
    the arguments). The noise depends only on ``(seed, epoch, batch index)``: the
    same whatever order Keras asks for the batches in.

    Explained in 第5章 5.6节.
    """

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
        rows = self._order[idx * self.batch_size : (idx + 1) * self.batch_size]
        clean = self.x[rows]
        rng = np.random.default_rng([self.seed, self.epoch, idx])
        low, high = self.sigma
        sigma = low if low == high else rng.uniform(low, high, size=len(clean))
        return _noisy(clean, sigma, rng, self.clip), clean

    def on_epoch_end(self):
        self.epoch += 1
        self._order = self._make_order()


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
        On an invalid argument, as :func:`add_gaussian_noise`.
    """
    x = _v.as_array(x, "x", kinds="f", min_ndim=2, shape_text="(N, ...)")
    if isinstance(sigma, (tuple, list)):
        sigma = _v.check_pair(sigma, "sigma", low=0.0, equal_ok=True)
    else:
        sigma = (_v.check_number(sigma, "sigma", low=0.0),) * 2
    batch_size = _v.check_int(batch_size, "batch_size")
    seed = _v.check_seed(seed, "seed")
    clip = None if clip is None else _v.check_pair(clip, "clip")
    _check_clean_images(x, clip)
    return NoisyPairs(x, sigma, batch_size, seed, bool(shuffle), clip)
