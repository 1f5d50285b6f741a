"""Reconstruction-quality metrics, per image, in stated units.

Explained in 第2章 2.5节 (per-pixel MSE) and 第5章 (per-image SSE, PSNR, SSIM).
"""

from __future__ import annotations

import numpy as np

from . import _validation as _v

__all__ = ["per_image_sse", "per_image_mse", "psnr", "ssim"]


def _checked_pair(x, x_hat, *, ndim=None, shape_text="(N, ...)") -> tuple[np.ndarray, np.ndarray]:
    """Both arrays numeric, same shape, batch axis first, not empty, finite, same kind."""
    min_ndim = None if ndim is not None else 2
    x = _v.as_array(x, "x", ndim=ndim, min_ndim=min_ndim, shape_text=shape_text)
    x_hat = _v.as_array(x_hat, "x_hat", ndim=ndim, min_ndim=min_ndim, shape_text=shape_text)
    _v.check_same_shape(x, x_hat, "x", "x_hat")
    _v.check_same_kind(x, x_hat, "x", "x_hat")
    return x, x_hat


def _flat_float64(x: np.ndarray, x_hat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, x_hat = x.astype(np.float64, copy=False), x_hat.astype(np.float64, copy=False)
    return x.reshape(len(x), -1), x_hat.reshape(len(x_hat), -1)


def _per_image_mse(x: np.ndarray, x_hat: np.ndarray) -> np.ndarray:
    x, x_hat = _flat_float64(x, x_hat)
    return np.mean((x - x_hat) ** 2, axis=1)


# Rounding may put a value just beyond [0, data_range] (a float32 filter gives 1 + 6e-8):
# tolerated, as a fraction of data_range.
_RANGE_SLACK = 1e-5


def _check_pixel_range(x: np.ndarray, x_hat: np.ndarray, data_range: float) -> None:
    """PSNR and SSIM are defined for pixels in [0, data_range]; else the scale is wrong."""
    for arg, a in (("x", x), ("x_hat", x_hat)):
        hi = float(np.max(a))
        if 1.5 * data_range < hi <= 255:
            hint = (f"; 8-bit pixels (0-255)? pass data_range=255, or scale both images to "
                    f"[0, {data_range:g}] (e.g. {arg} / 255)")
        else:
            hint = (f"; scale both images to [0, data_range], or clip reconstructions first "
                    f"(np.clip({arg}, 0, {data_range:g}))")
        _v.check_in_range(a, arg, 0.0, data_range, purpose=f" (data_range={data_range:g})",
                          hint=hint, slack=_RANGE_SLACK * data_range)
    top = max(float(np.max(x)), float(np.max(x_hat)))
    if data_range >= 255 and x.dtype.kind == "f" and top <= 1.0:
        raise ValueError(
            f"x and x_hat both lie in [0, 1] but data_range={data_range:g}: for images in [0, 1] "
            "pass data_range=1.0 (the default), or scale both images by 255"
        )


def per_image_sse(x: np.ndarray, x_hat: np.ndarray) -> np.ndarray:
    """Sum of squared errors of each image, the unit of Hinton & Salakhutdinov (2006).

    Parameters
    ----------
    x, x_hat : numpy.ndarray, shape (N, ...)
        Originals and reconstructions, same shape (any trailing shape).

    Returns
    -------
    numpy.ndarray of float64, shape (N,)
        ``sum_j (x_j - x_hat_j)**2`` for each image.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument; one integer and one floating-point array (0-255
        pixels next to [0, 1] ones) is a ``TypeError`` that says how to convert.
    """
    x, x_hat = _flat_float64(*_checked_pair(x, x_hat))
    return np.sum((x - x_hat) ** 2, axis=1)


def per_image_mse(x: np.ndarray, x_hat: np.ndarray) -> np.ndarray:
    """Mean squared error of each image (per pixel): SSE divided by the pixel count.

    Parameters
    ----------
    x, x_hat : numpy.ndarray, shape (N, ...)
        Originals and reconstructions, same shape (any trailing shape).

    Returns
    -------
    numpy.ndarray of float64, shape (N,)

    Raises
    ------
    TypeError, ValueError
        As :func:`per_image_sse`.
    """
    return _per_image_mse(*_checked_pair(x, x_hat))


def _check_data_range(data_range) -> float:
    return _v.check_number(data_range, "data_range", low=0.0, low_open=True)


def psnr(x: np.ndarray, x_hat: np.ndarray, *, data_range: float = 1.0) -> np.ndarray:
    """Peak signal-to-noise ratio of each image, in decibels.

    ``PSNR = 10 log10(data_range**2 / MSE)``, with the MSE taken over all
    pixels of one image. Higher is better; halving the MSE adds about 3 dB.
    Same definition as ``tf.image.psnr`` (which the unit tests compare against).
    Explained in 第5章 5.6节.

    Parameters
    ----------
    x, x_hat : numpy.ndarray, shape (N, ...)
        Clean images and their noisy or restored versions, same shape, both
        integer or both floating point, every value in ``[0, data_range]``
        (up to a rounding slack of ``1e-5 * data_range``).
    data_range : float, default 1.0
        Difference between the largest and smallest possible pixel value
        (1 for pixels in [0, 1], 255 for 8-bit images).

    Returns
    -------
    numpy.ndarray of float64, shape (N,)
        PSNR of each image in dB; ``inf`` where ``x_hat`` equals ``x`` exactly.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument, as :func:`per_image_sse`; a ``ValueError`` when
        pixels and ``data_range`` disagree says which scale to use.
    """
    data_range = _check_data_range(data_range)
    x, x_hat = _checked_pair(x, x_hat)
    _check_pixel_range(x, x_hat, data_range)
    mse = _per_image_mse(x, x_hat)
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(data_range**2 / mse)


def _gaussian_window(size: int, sigma: float) -> np.ndarray:
    """Normalised 1-D Gaussian of ``size`` taps (the 2-D window is its outer product)."""
    t = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    g = np.exp(-0.5 * (t / sigma) ** 2)
    return g / g.sum()


def _filter_valid(a: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Separable 'valid' filtering of (N, H, W, C) arrays along H and W with window ``g``.

    Only positions where the whole window lies inside the image are kept:
    the result has shape ``(N, H - s + 1, W - s + 1, C)`` for a window of ``s`` taps.
    """
    from scipy import ndimage

    s = len(g)
    lo = s // 2  # scipy centres the window on tap s // 2
    for axis in (1, 2):
        a = ndimage.correlate1d(a, g, axis=axis, mode="constant")
        a = np.take(a, np.arange(lo, a.shape[axis] - (s - 1 - lo)), axis=axis)
    return a


def ssim(
    x: np.ndarray,
    x_hat: np.ndarray,
    *,
    data_range: float = 1.0,
    filter_size: int = 11,
    filter_sigma: float = 1.5,
    k1: float = 0.01,
    k2: float = 0.03,
) -> np.ndarray:
    """Structural similarity (SSIM) of each image, Wang et al. (2004).

    Local means, variances and the covariance are taken under a Gaussian
    window (``filter_size`` taps, standard deviation ``filter_sigma``) at
    every position where the window fits inside the image; the SSIM map

    ``(2 mu_x mu_y + C1)(2 sigma_xy + C2) /
    ((mu_x**2 + mu_y**2 + C1)(sigma_x**2 + sigma_y**2 + C2))``

    with ``C1 = (k1 * data_range)**2`` and ``C2 = (k2 * data_range)**2`` is
    averaged over positions and channels. The defaults are the paper's and
    those of ``tf.image.ssim``, which the unit tests compare against.
    1 means identical images. Explained in 第5章 5.6节.

    Parameters
    ----------
    x, x_hat : numpy.ndarray, shape (N, H, W) or (N, H, W, C)
        Clean images and their noisy or restored versions, same shape;
        ``H`` and ``W`` at least ``filter_size``; both integer or both
        floating point, every value in ``[0, data_range]`` (up to a rounding
        slack of ``1e-5 * data_range``).
    data_range : float, default 1.0
        Difference between the largest and smallest possible pixel value.
    filter_size : int, default 11
        Side of the Gaussian window.
    filter_sigma : float, default 1.5
        Standard deviation of the Gaussian window, in pixels.
    k1, k2 : float, default 0.01 and 0.03
        Stabilising constants of the luminance and contrast-structure terms.

    Returns
    -------
    numpy.ndarray of float64, shape (N,)
        SSIM of each image, at most 1. Computed in float32 when both inputs
        are float32, else in float64.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument, as :func:`psnr`.
    """
    data_range = _check_data_range(data_range)
    x, x_hat = _checked_pair(x, x_hat, ndim=(3, 4), shape_text="(N, H, W) or (N, H, W, C)")
    _check_pixel_range(x, x_hat, data_range)
    # float32 images are processed in float32 (as tf.image.ssim does, twice as fast); others in
    # float64.
    dtype = np.float32 if np.result_type(x, x_hat) == np.float32 else np.float64
    x, x_hat = x.astype(dtype, copy=False), x_hat.astype(dtype, copy=False)
    if x.ndim == 3:
        x, x_hat = x[..., None], x_hat[..., None]
    filter_size = _v.check_int(filter_size, "filter_size", maximum=min(x.shape[1:3]))
    filter_sigma, k1, k2 = (_v.check_number(value, arg, low=0.0, low_open=True) for arg, value
                            in (("filter_sigma", filter_sigma), ("k1", k1), ("k2", k2)))
    g = _gaussian_window(filter_size, filter_sigma).astype(dtype)
    c1, c2 = (k1 * data_range) ** 2, (k2 * data_range) ** 2
    mu_x, mu_y = _filter_valid(x, g), _filter_valid(x_hat, g)
    var_x = _filter_valid(x * x, g) - mu_x**2
    var_y = _filter_valid(x_hat * x_hat, g) - mu_y**2
    cov = _filter_valid(x * x_hat, g) - mu_x * mu_y
    ssim_map = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / (
        (mu_x**2 + mu_y**2 + c1) * (var_x + var_y + c2)
    )
    return ssim_map.mean(axis=(1, 2, 3), dtype=np.float64)
