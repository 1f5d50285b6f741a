"""Reconstruction-quality metrics, per image, in stated units.

Explained in 第2章 2.5节 (per-pixel MSE) and 第5章 (per-image SSE, PSNR, SSIM).
"""

from __future__ import annotations

import numpy as np

__all__ = ["per_image_sse", "per_image_mse"]


def _paired(x: np.ndarray, x_hat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=np.float64)
    x_hat = np.asarray(x_hat, dtype=np.float64)
    if x.shape != x_hat.shape:
        raise ValueError(f"x and x_hat must have the same shape, got {x.shape} and {x_hat.shape}")
    if x.ndim < 2:
        raise ValueError(f"x must have a batch axis first, shape (N, ...), got {x.shape}")
    return x.reshape(len(x), -1), x_hat.reshape(len(x_hat), -1)


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
    """
    x, x_hat = _paired(x, x_hat)
    return np.sum((x - x_hat) ** 2, axis=1)


def per_image_mse(x: np.ndarray, x_hat: np.ndarray) -> np.ndarray:
    """Mean squared error of each image (per pixel): SSE divided by the pixel count.

    Returns
    -------
    numpy.ndarray of float64, shape (N,)
    """
    x, x_hat = _paired(x, x_hat)
    return np.mean((x - x_hat) ** 2, axis=1)
