"""Codes as features: batched encoding, a linear probe, nearest-neighbour retrieval.

Three measurements of whether an encoder's codes are *useful* features:

- :func:`encode` turns a large array into codes batch by batch (bounded memory);
- :func:`linear_probe` fits a logistic regression on the codes of ``n``
  labelled examples, over several random label draws, and reports the test
  accuracy as mean and spread;
- :func:`precision_at_k` asks how many of a query's ``k`` nearest neighbours
  in code space share its class.

Explained in 第6章 6.2节.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validation as _v

__all__ = ["ProbeResult", "encode", "linear_probe", "precision_at_k"]


def _check_labels(y, n: int, arg: str, x_arg: str) -> np.ndarray:
    """One label per row of ``x_arg``; labels may be of any dtype (ints, strings)."""
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(
            f"{arg} must have shape ({n},), one label per row of {x_arg}, got {y.shape}"
        )
    return y


def encode(encoder, x, *, batch_size: int = 1024) -> np.ndarray:
    """Encode ``x`` batch by batch with a Keras encoder (or any callable model).

    Explained in 第6章 6.2节.

    Parameters
    ----------
    encoder : callable
        A Keras model, called as ``encoder(batch, training=False)``; e.g. the
        ``encoder`` of :func:`autoencoder_lib.models.build_dense_autoencoder`.
    x : array_like, shape ``(N, ...)``
        Inputs in the shape the encoder expects, ``N >= 1``.
    batch_size : int, default 1024
        Rows per call; only memory use depends on it, not the result.

    Returns
    -------
    numpy.ndarray of float32, shape ``(N, latent_dim)``
        The codes, in the order of ``x``; equal to encoding all of ``x`` at
        once (up to float rounding).

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    encoder = _v.check_callable(encoder, "encoder")
    batch_size = _v.check_int(batch_size, "batch_size")
    x = _v.as_array(x, "x", min_ndim=2, shape_text="(N, ...)", dtype=np.float32)
    parts = []
    for start in range(0, x.shape[0], batch_size):
        z = np.asarray(encoder(x[start:start + batch_size], training=False), dtype=np.float32)
        parts.append(z.reshape(z.shape[0], -1))
    return np.concatenate(parts, axis=0)


@dataclass(frozen=True)
class ProbeResult:
    """Test accuracies of a linear probe, one per label draw.

    ``mean`` and ``std`` summarise ``accuracies``; ``std`` is the sample
    standard deviation (``ddof=1``), 0.0 when there is a single draw.
    """

    n_labels: int
    accuracies: np.ndarray
    mean: float
    std: float


def _draw_labelled(y: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``n`` examples, stratified: each class in proportion to its share."""
    from sklearn.model_selection import train_test_split

    idx = np.arange(y.shape[0])
    if n == y.shape[0]:
        return idx
    chosen, _ = train_test_split(idx, train_size=n, stratify=y,
                                 random_state=int(rng.integers(2**31 - 1)))
    return np.sort(chosen)


def linear_probe(
    z_train,
    y_train,
    z_test,
    y_test,
    n_labels: int,
    *,
    n_draws: int = 5,
    seed: int = 0,
    C: float = 1.0,
    max_iter: int = 500,
    standardize: bool = True,
) -> ProbeResult:
    """Logistic regression on the features of ``n_labels`` labelled examples.

    For each of ``n_draws`` draws, pick ``n_labels`` training examples
    (stratified by class, so every class appears in its share), fit
    scikit-learn's ``LogisticRegression`` (multinomial, L2 penalty ``C``) on
    their features, optionally standardised with statistics of those same
    examples, and measure the accuracy on all of ``z_test``. The fits run
    on one thread (faster for problems this small). When
    ``n_labels`` is the whole training set every draw is the same, so one fit
    is made.

    Explained in 第6章 6.2节.

    Parameters
    ----------
    z_train : array_like, shape ``(N, d)``
        Features (codes, PCA scores or pixels) of the training examples.
    y_train : array_like, shape ``(N,)``
        Their class labels.
    z_test : array_like, shape ``(M, d)``
        Features of the test examples (same ``d``).
    y_test : array_like, shape ``(M,)``
        Their labels.
    n_labels : int
        How many labelled training examples the probe may use, at least the
        number of classes and at most ``N``.
    n_draws : int, default 5
        Independent label draws (ignored when ``n_labels == N``).
    seed : int, default 0
        Seed of the draws.
    C : float, default 1.0
        Inverse L2 regularisation strength of the logistic regression.
    max_iter : int, default 500
        Iteration cap of the L-BFGS solver.
    standardize : bool, default True
        Scale each feature to zero mean and unit variance (fitted on the
        labelled examples only) before the regression.

    Returns
    -------
    ProbeResult
        ``accuracies`` of shape ``(n_draws,)`` (or ``(1,)``), their mean and
        standard deviation.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    z_train = _v.as_array(z_train, "z_train", ndim=2, shape_text="(N, d)")
    z_test = _v.as_array(z_test, "z_test", ndim=2, shape_text="(M, d)")
    if z_test.shape[1] != z_train.shape[1]:
        raise ValueError(f"z_test has {z_test.shape[1]} features, z_train has {z_train.shape[1]}")
    y_train = _check_labels(y_train, z_train.shape[0], "y_train", "z_train")
    y_test = _check_labels(y_test, z_test.shape[0], "y_test", "z_test")
    n_labels = _v.check_int(n_labels, "n_labels")
    n_classes = np.unique(y_train).size
    if not n_classes <= n_labels <= z_train.shape[0]:
        raise ValueError(
            f"n_labels must be between the number of classes ({n_classes}) and "
            f"len(z_train) ({z_train.shape[0]}), got {n_labels}"
        )
    n_draws = _v.check_int(n_draws, "n_draws")
    seed = _v.check_int(seed, "seed", minimum=0)
    C = _v.check_number(C, "C", low=0.0, low_open=True)
    max_iter = _v.check_int(max_iter, "max_iter")
    if n_labels == z_train.shape[0]:
        n_draws = 1

    rng = np.random.default_rng(seed)
    accuracies = []
    for _ in range(n_draws):
        idx = _draw_labelled(y_train, n_labels, rng)
        a, b = z_train[idx].astype(np.float64), z_test.astype(np.float64)
        if standardize:
            scaler = StandardScaler().fit(a)
            a, b = scaler.transform(a), scaler.transform(b)
        clf = LogisticRegression(C=C, max_iter=max_iter)
        # One thread: these fits are small, and on a busy or 2-core machine extra
        # BLAS/OpenMP threads mostly spin and wait (measured about 10x slower).
        with warnings.catch_warnings(), threadpool_limits(1):
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(a, y_train[idx])
        accuracies.append(float(np.mean(clf.predict(b) == y_test)))
    acc = np.asarray(accuracies)
    std = float(acc.std(ddof=1)) if acc.size > 1 else 0.0
    return ProbeResult(n_labels, acc, float(acc.mean()), std)


def precision_at_k(
    z_query,
    y_query,
    z_base,
    y_base,
    *,
    k: int = 10,
    batch_size: int = 1000,
) -> np.ndarray:
    """Share of each query's ``k`` nearest neighbours that have its class.

    Distances are Euclidean; the neighbours are searched in ``z_base`` (which
    should not contain the queries themselves, or each query finds itself).
    Ties at the ``k``-th distance are broken arbitrarily.

    Explained in 第6章 6.2节.

    Parameters
    ----------
    z_query : array_like, shape ``(M, d)``
        Features of the queries.
    y_query : array_like, shape ``(M,)``
        Their classes.
    z_base : array_like, shape ``(N, d)``
        Features of the searched collection, ``N >= k``.
    y_base : array_like, shape ``(N,)``
        Their classes.
    k : int, default 10
        Neighbours per query.
    batch_size : int, default 1000
        Queries per distance block (memory only).

    Returns
    -------
    numpy.ndarray of float64, shape ``(M,)``
        Precision@k of every query, each a multiple of ``1/k``; take the
        mean for the collection's precision@k.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).

    Examples
    --------
    >>> precision_at_k([[0.0]], [0], [[0.1], [0.2], [5.0]], [0, 1, 0], k=2)
    array([0.5])
    """
    z_query = _v.as_array(z_query, "z_query", ndim=2, shape_text="(M, d)", dtype=np.float64)
    z_base = _v.as_array(z_base, "z_base", ndim=2, shape_text="(N, d)", dtype=np.float64)
    if z_query.shape[1] != z_base.shape[1]:
        raise ValueError(f"z_query has {z_query.shape[1]} features, z_base has {z_base.shape[1]}")
    y_query = _check_labels(y_query, z_query.shape[0], "y_query", "z_query")
    y_base = _check_labels(y_base, z_base.shape[0], "y_base", "z_base")
    k = _v.check_int(k, "k")
    if k > z_base.shape[0]:
        raise ValueError(f"k must be at most len(z_base) = {z_base.shape[0]}, got {k}")
    batch_size = _v.check_int(batch_size, "batch_size")

    base_sq = np.einsum("ij,ij->i", z_base, z_base)
    out = np.empty(z_query.shape[0])
    for start in range(0, z_query.shape[0], batch_size):
        q = z_query[start:start + batch_size]
        # Squared distances up to the per-query constant |q|^2, which does not change the order.
        d = base_sq[None, :] - 2.0 * q @ z_base.T
        nearest = np.argpartition(d, k - 1, axis=1)[:, :k]
        same = y_base[nearest] == y_query[start:start + q.shape[0], None]
        out[start:start + q.shape[0]] = same.mean(axis=1)
    return out
