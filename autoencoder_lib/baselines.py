"""Classical baselines that every autoencoder in the book is measured against.

Explained in 第2章 2.5节 (first comparison) and 第5章 (latent-size sweep).
"""

from __future__ import annotations

import numpy as np

__all__ = ["pca_reconstruct", "mean_reconstruct"]


def _check_2d(a: np.ndarray, arg: str) -> np.ndarray:
    a = np.asarray(a)
    if a.ndim != 2:
        raise ValueError(f"{arg} must have shape (N, features), got {a.shape}")
    return a


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
    """
    from sklearn.decomposition import PCA

    x_train = _check_2d(x_train, "x_train")
    x = _check_2d(x, "x")
    if x.shape[1] != x_train.shape[1]:
        raise ValueError(f"x has {x.shape[1]} features but x_train has {x_train.shape[1]}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"k must be an int, got {type(k).__name__}")
    if not 1 <= k <= min(x_train.shape):
        raise ValueError(f"k must be between 1 and {min(x_train.shape)}, got {k}")
    pca = PCA(n_components=int(k), random_state=seed).fit(x_train)
    return pca.inverse_transform(pca.transform(x)).astype(x.dtype, copy=False)


def mean_reconstruct(x_train: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Reconstruct every row of ``x`` as the mean of ``x_train`` (a code of size 0).

    Returns
    -------
    numpy.ndarray, shape of ``x``
    """
    x_train = _check_2d(x_train, "x_train")
    x = _check_2d(x, "x")
    if x.shape[1] != x_train.shape[1]:
        raise ValueError(f"x has {x.shape[1]} features but x_train has {x_train.shape[1]}")
    return np.broadcast_to(x_train.mean(axis=0), x.shape).astype(x.dtype)
