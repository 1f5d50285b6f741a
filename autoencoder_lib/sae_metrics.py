"""Ground truth and scores for sparse dictionaries (NumPy only).

A sparse autoencoder (SAE), classical sparse coding or PCA each return a set of
directions in activation space and a code per example. This module makes toy
data whose true directions are known (superposition: more sparse features than
dimensions) and scores a learned set of directions against them, and scores
codes by sparsity, dead units, reconstruction and label purity.

- :func:`make_superposition_data`: ``n_features`` random unit directions in
  ``dim`` dimensions, each feature on with probability ``p`` and a uniform
  magnitude; the truth the toy model of 第8章 8.4节 measures against.
- :func:`max_cosine_similarity`, :func:`mmcs`, :func:`recovery_fraction`: how
  well learned directions match the true ones.
- :func:`l0_per_example`, :func:`dead_latents`,
  :func:`fraction_of_variance_unexplained`: sparsity, unused units and
  reconstruction of a code.
- :func:`top_activation_purity`: label purity of each unit's top-activating
  examples (第8章 8.5节).

Explained in 第8章 8.4节. NumPy only: no deep-learning framework is imported,
so these scores (and their tests) run without TensorFlow.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _validation as _v

__all__ = [
    "SuperpositionData",
    "dead_latents",
    "fraction_of_variance_unexplained",
    "l0_per_example",
    "make_superposition_data",
    "max_cosine_similarity",
    "mmcs",
    "recovery_fraction",
    "top_activation_purity",
]


class SuperpositionData(NamedTuple):
    """Toy data with known features: ``x = codes @ features``.

    - ``x``: float32 array of shape ``(n_samples, dim)``, the observed vectors;
    - ``codes``: float32 array of shape ``(n_samples, n_features)``, the true
      sparse coefficients (mostly 0);
    - ``features``: float64 array of shape ``(n_features, dim)``, the true
      feature directions, one unit-norm row each.
    """

    x: np.ndarray
    codes: np.ndarray
    features: np.ndarray


def make_superposition_data(n_samples: int, *, dim: int = 32, n_features: int = 128,
                            p: float = 0.03, seed: int = 0,
                            features=None) -> SuperpositionData:
    """Sparse features in superposition: more feature directions than dimensions.

    Each of ``n_features`` true directions is a random unit vector in
    ``dim`` dimensions (Gaussian, normalised). In each sample every feature is
    on independently with probability ``p``, with a magnitude drawn from
    U(0, 1); the sample is the sum of the active features' directions times
    their magnitudes (the setting of Elhage et al. 2022's toy models and of
    the SAE papers' synthetic checks). With ``features`` given, the same
    directions are reused (fresh samples from the same truth, e.g. a test set).

    Explained in 第8章 8.4节.

    Parameters
    ----------
    n_samples : int
        Number of samples, >= 1.
    dim : int, default 32
        Dimension of the observed vectors.
    n_features : int, default 128
        Number of true features (may exceed ``dim``: superposition).
    p : float in (0, 1], default 0.03
        Probability that a feature is on in a sample.
    seed : int, default 0
        Seed of the directions (when drawn) and of the samples.
    features : array-like, shape (n_features, dim), optional
        True directions to reuse; rows are normalised to unit length.

    Returns
    -------
    SuperpositionData
        ``x`` of shape ``(n_samples, dim)``, ``codes`` of shape
        ``(n_samples, n_features)``, ``features`` of shape ``(n_features, dim)``.

    Raises
    ------
    ValueError, TypeError
        Naming the bad argument.

    Examples
    --------
    >>> toy = make_superposition_data(1000, dim=8, n_features=20, p=0.1)
    >>> toy.x.shape, toy.codes.shape, toy.features.shape
    ((1000, 8), (1000, 20), (20, 8))
    """
    n_samples = _v.check_int(n_samples, "n_samples")
    dim = _v.check_int(dim, "dim")
    n_features = _v.check_int(n_features, "n_features")
    p = _v.check_number(p, "p", low=0.0, high=1.0, low_open=True)
    seed = _v.check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    if features is None:
        f = rng.normal(size=(n_features, dim))
    else:
        f = _v.as_array(features, "features", ndim=2, shape_text="(n_features, dim)")
        f = f.astype(np.float64)
        if f.shape != (n_features, dim):
            raise ValueError(f"features must have shape (n_features, dim) = "
                             f"({n_features}, {dim}), got {f.shape}")
    norms = np.linalg.norm(f, axis=1, keepdims=True)
    if np.any(norms == 0):
        raise ValueError("features must not contain a zero row")
    f = f / norms
    on = rng.random((n_samples, n_features)) < p
    codes = np.where(on, rng.random((n_samples, n_features)), 0.0)
    return SuperpositionData(x=(codes @ f).astype(np.float32),
                             codes=codes.astype(np.float32), features=f)


def _unit_rows(a: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(a, axis=1, keepdims=True)
    return a / np.where(norms == 0, 1.0, norms)


def _check_directions(true_dirs, learned_dirs) -> tuple[np.ndarray, np.ndarray]:
    t = _v.as_array(true_dirs, "true_dirs", ndim=2, shape_text="(n_true, dim)")
    s = _v.as_array(learned_dirs, "learned_dirs", ndim=2, shape_text="(n_learned, dim)")
    if t.shape[1] != s.shape[1]:
        raise ValueError(f"true_dirs and learned_dirs must have the same dim (columns), "
                         f"got {t.shape[1]} and {s.shape[1]}")
    return _unit_rows(t.astype(np.float64)), _unit_rows(s.astype(np.float64))


def _check_signed(signed) -> bool:
    if not isinstance(signed, bool):
        raise TypeError(f"signed must be True or False, got {type(signed).__name__}")
    return signed


def _max_cos(t: np.ndarray, s: np.ndarray, signed: bool) -> np.ndarray:
    cos = t @ s.T
    return (cos if signed else np.abs(cos)).max(axis=1)


def max_cosine_similarity(true_dirs, learned_dirs, *, signed: bool = True) -> np.ndarray:
    """For each true direction, the largest cosine similarity to any learned direction.

    Explained in 第8章 8.4节.

    Parameters
    ----------
    true_dirs : array-like, shape (n_true, dim)
        The true feature directions (any length; rows are normalised).
    learned_dirs : array-like, shape (n_learned, dim)
        Learned directions, e.g. an SAE's decoder columns, PCA components or
        a dictionary's atoms (rows are normalised; a zero row matches nothing).
    signed : bool, default True
        ``False`` takes ``|cos|``: for methods whose directions have no sign
        (PCA, ICA), a direction and its negative are the same.

    Returns
    -------
    numpy.ndarray of float64, shape (n_true,)
        Values in [-1, 1] (in [0, 1] with ``signed=False``).
    """
    return _max_cos(*_check_directions(true_dirs, learned_dirs), _check_signed(signed))


def mmcs(true_dirs, learned_dirs, *, signed: bool = True) -> float:
    """Mean max cosine similarity (MMCS) of the true directions to the learned ones.

    The mean over true directions of :func:`max_cosine_similarity`: 1 when every
    true direction appears among the learned ones (a permutation, or a
    superset), near ``sqrt(2 / (pi * dim))`` for unrelated random directions.

    Explained in 第8章 8.4节.

    Parameters
    ----------
    true_dirs : array-like, shape (n_true, dim)
    learned_dirs : array-like, shape (n_learned, dim)
    signed : bool, default True
        As in :func:`max_cosine_similarity`.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> f = np.eye(4)
    >>> mmcs(f, f[[2, 0, 3, 1]])
    1.0
    """
    best = _max_cos(*_check_directions(true_dirs, learned_dirs), _check_signed(signed))
    return float(np.mean(best))


def recovery_fraction(true_dirs, learned_dirs, *, threshold: float = 0.9,
                      signed: bool = True) -> float:
    """Fraction of true directions matched by some learned direction with cos > ``threshold``.

    Explained in 第8章 8.4节.

    Parameters
    ----------
    true_dirs : array-like, shape (n_true, dim)
    learned_dirs : array-like, shape (n_learned, dim)
    threshold : float in [-1, 1), default 0.9
    signed : bool, default True
        As in :func:`max_cosine_similarity`.

    Returns
    -------
    float in [0, 1]
    """
    threshold = _v.check_number(threshold, "threshold", low=-1.0, high=1.0, high_open=True)
    best = _max_cos(*_check_directions(true_dirs, learned_dirs), _check_signed(signed))
    return float(np.mean(best > threshold))


def _check_codes(codes) -> np.ndarray:
    return _v.as_array(codes, "codes", ndim=2, shape_text="(n_samples, n_latents)")


def l0_per_example(codes, *, tol: float = 0.0) -> np.ndarray:
    """Number of non-zero latents in each example's code (its L0 "norm").

    Explained in 第8章 8.4节.

    Parameters
    ----------
    codes : array-like, shape (n_samples, n_latents)
    tol : float >= 0, default 0.0
        A latent counts as active when ``|value| > tol``.

    Returns
    -------
    numpy.ndarray of int64, shape (n_samples,)
    """
    codes = _check_codes(codes)
    tol = _v.check_number(tol, "tol", low=0.0)
    return np.count_nonzero(np.abs(codes) > tol, axis=1).astype(np.int64)


def dead_latents(codes, *, tol: float = 0.0) -> np.ndarray:
    """Boolean mask of the latents that are never active on the given examples.

    Explained in 第8章 8.4节.

    Parameters
    ----------
    codes : array-like, shape (n_samples, n_latents)
    tol : float >= 0, default 0.0
        A latent is active on an example when ``|value| > tol``.

    Returns
    -------
    numpy.ndarray of bool, shape (n_latents,)
        ``True`` for a latent that is zero (within ``tol``) on every example.
    """
    codes = _check_codes(codes)
    tol = _v.check_number(tol, "tol", low=0.0)
    return ~np.any(np.abs(codes) > tol, axis=0)


def fraction_of_variance_unexplained(x, x_hat, *, per_example: bool = False):
    """Fraction of variance unexplained (FVU): ``sum ||x - x_hat||^2 / sum ||x - mean(x)||^2``.

    0 for a perfect reconstruction, 1 for predicting the mean of ``x``
    everywhere. With ``per_example=True`` each example's squared error is
    divided by the same total (the mean variance per example), so the mean of
    the returned values is the FVU: per-item scores for a paired bootstrap.

    Explained in 第8章 8.4节.

    Parameters
    ----------
    x : array-like, shape (n_samples, dim)
    x_hat : array-like, shape (n_samples, dim)
    per_example : bool, default False

    Returns
    -------
    float, or numpy.ndarray of float64 of shape (n_samples,)
    """
    x = _v.as_array(x, "x", ndim=2, shape_text="(n_samples, dim)").astype(np.float64)
    x_hat = _v.as_array(x_hat, "x_hat", ndim=2, shape_text="(n_samples, dim)")
    _v.check_same_shape(x, x_hat, "x", "x_hat")
    if not isinstance(per_example, bool):
        raise TypeError(f"per_example must be True or False, got {type(per_example).__name__}")
    centred = x - x.mean(axis=0)
    mean_var = float(np.sum(centred**2)) / len(x)
    if mean_var == 0:
        raise ValueError("x has no variance (all rows equal), so FVU is undefined")
    err = np.sum((x - x_hat.astype(np.float64)) ** 2, axis=1) / mean_var
    return err if per_example else float(np.mean(err))


def top_activation_purity(activations, labels, *, k: int = 20) -> np.ndarray:
    """Label purity of each unit's ``k`` top-activating examples.

    For every unit (a column of ``activations``), take the ``k`` examples on
    which it is largest and return the share of them that carry the most
    common label among those ``k``: 1 when all its top examples are of one
    class, about 1/n_classes for a unit that ignores the labels. Units whose
    ``k``-th largest value is not above 0 (rarely or never active) get NaN.

    Explained in 第8章 8.5节.

    Parameters
    ----------
    activations : array-like, shape (n_samples, n_units)
        E.g. SAE latents, neurons, or projections on PCA directions.
    labels : array-like of int, shape (n_samples,)
    k : int, default 20
        Top examples per unit, ``1 <= k <= n_samples``.

    Returns
    -------
    numpy.ndarray of float64, shape (n_units,)
        Purity in [1/k, 1], NaN for units with fewer than ``k`` positive values.

    Examples
    --------
    >>> import numpy as np
    >>> acts = np.array([[3., 0.], [2., 1.], [0., 2.], [1., 3.]])
    >>> top_activation_purity(acts, np.array([0, 0, 1, 1]), k=2).tolist()
    [1.0, 1.0]
    """
    a = _v.as_array(activations, "activations", ndim=2, shape_text="(n_samples, n_units)")
    y = _v.as_array(labels, "labels", kinds="iu", ndim=1, shape_text="(n_samples,)")
    if len(y) != len(a):
        raise ValueError(f"labels must hold one label per row of activations, got {len(y)} "
                         f"labels for {len(a)} rows")
    k = _v.check_int(k, "k", maximum=len(a))
    top = np.argsort(-a, axis=0, kind="stable")[:k]           # (k, n_units)
    top_labels = y[top]                                      # (k, n_units)
    purity = np.empty(a.shape[1])
    for j in range(a.shape[1]):
        counts = np.bincount(top_labels[:, j])
        purity[j] = counts.max() / k
    kth = np.take_along_axis(a, top[-1:], axis=0)[0]
    purity[kth <= 0] = np.nan
    return purity
