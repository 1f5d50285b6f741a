"""Comparing two methods honestly: a difference, its 95 % interval and a verdict.

Explained in 第2章 2.5节 (why one test set's difference needs an interval,
paired resampling of test items) and used by every later comparison.

Three entry points, one result type:

- :func:`paired_bootstrap`: per-item scores of two methods on the *same* test
  items (squared error, PSNR, nats per image, 0/1 correctness); the statistic
  is the mean difference, resampled by item with ``scipy.stats.bootstrap``.
- :func:`paired_metric_bootstrap`: a whole-set metric (ROC-AUC, PR-AUC …)
  recomputed on each paired resample of the items.
- :func:`seed_difference`: one number per training seed for each method
  (retraining noise); the t interval with the right degrees of freedom,
  paired by seed (n - 1) or Welch's when the seeds are unpaired.

Every interval is two-sided; the verdict only says on which side of zero it
lies. An interval from resampling test items covers the sampling of the test
set only, not retraining: for that, use :func:`seed_difference` over seeds.
NumPy and SciPy only: this module imports no deep-learning framework.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from . import _validation as _v

__all__ = [
    "Comparison",
    "paired_bootstrap",
    "paired_metric_bootstrap",
    "seed_difference",
    "N_RESAMPLES",
    "RANDOM_STATE",
]

#: The number of resamples of every bootstrap in the book (fixed, so glued endpoints
#: reproduce).
N_RESAMPLES = 2000
#: The seed of every bootstrap in the book.
RANDOM_STATE = 0


@dataclass(frozen=True)
class Comparison:
    """The difference ``A - B``, its interval and which side of zero it lies on.

    Attributes
    ----------
    difference : float
        The statistic of ``A`` minus that of ``B`` on the full data.
    low, high : float
        Endpoints of the two-sided interval at level ``confidence``.
    confidence : float
        E.g. 0.95.
    n : int
        Number of paired items (or seeds; for Welch, the smaller group).
    method : str
        How the interval was made, e.g. ``"paired bootstrap, percentile, 2000 resamples"``.
    distribution : numpy.ndarray or None
        The bootstrap distribution of the difference, shape ``(n_resamples,)``
        (``None`` for t intervals and for identical inputs).
    """

    difference: float
    low: float
    high: float
    confidence: float
    n: int
    method: str
    distribution: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def sign(self) -> int:
        """+1 if the whole interval is above 0, -1 if below, 0 if it covers 0."""
        if self.low > 0:
            return 1
        if self.high < 0:
            return -1
        return 0

    @property
    def verdict(self) -> str:
        """``"higher"``, ``"lower"`` or ``"level"`` (A's statistic against B's)."""
        return {1: "higher", -1: "lower", 0: "level"}[self.sign]

    def word(self, higher: str, lower: str, level: str) -> str:
        """The word for the verdict, to glue into a sentence.

        Examples
        --------
        >>> c = Comparison(0.3, 0.1, 0.5, 0.95, 100, "example")
        >>> c.word("高于", "低于", "与之分不出高下")
        '高于'
        """
        return {1: higher, -1: lower, 0: level}[self.sign]

    def covers(self, value: float) -> bool:
        """Whether ``low <= value <= high``."""
        return self.low <= value <= self.high


def _check_level(confidence, n_resamples, random_state) -> tuple[float, int, int]:
    confidence = _v.check_number(confidence, "confidence", low=0.0, high=1.0, low_open=True,
                                 high_open=True)
    n_resamples = _v.check_int(n_resamples, "n_resamples", minimum=100)
    random_state = _v.check_int(random_state, "random_state", minimum=0)
    return confidence, n_resamples, random_state


def _check_pair(a, b, names=("a", "b")) -> tuple[np.ndarray, np.ndarray]:
    a = _v.as_array(a, names[0], ndim=1, shape_text="(n,)").astype(np.float64)
    b = _v.as_array(b, names[1], ndim=1, shape_text="(n,)").astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(f"{names[0]} and {names[1]} must hold one value per item, paired, "
                         f"got shapes {a.shape} and {b.shape}")
    return a, b


def _bootstrap(data, statistic, *, vectorized, confidence, n_resamples, random_state):
    result = stats.bootstrap(data, statistic, paired=True, vectorized=vectorized,
                             n_resamples=n_resamples, confidence_level=confidence,
                             method="percentile", random_state=random_state)
    low, high = result.confidence_interval
    return float(low), float(high), np.asarray(result.bootstrap_distribution, dtype=np.float64)


def paired_bootstrap(a, b, *, confidence: float = 0.95, n_resamples: int = N_RESAMPLES,
                     random_state: int = RANDOM_STATE) -> Comparison:
    """Mean of ``a - b`` over paired test items, with a paired bootstrap interval.

    Items are resampled with replacement (the same items for both methods),
    the mean difference is recomputed on each resample, and the interval is
    the percentile interval of those means (``scipy.stats.bootstrap``,
    ``paired=True``, ``method="percentile"``).

    Explained in 第2章 2.5节.

    Parameters
    ----------
    a, b : array-like, shape (n,)
        A score per test item for method A and method B, same items, same order
        (e.g. per-image MSE, PSNR in dB, nats per image, 1.0/0.0 for correct).
    confidence : float, default 0.95
    n_resamples : int, default :data:`N_RESAMPLES`
    random_state : int, default :data:`RANDOM_STATE`

    Returns
    -------
    Comparison
        ``difference = mean(a) - mean(b)``. If every item has the same
        difference, the interval is that value at both ends (no resampling,
        ``distribution=None``), never NaN.

    Raises
    ------
    ValueError, TypeError
        Naming the bad argument (shapes differ, fewer than 2 items, NaN …).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> b = rng.normal(size=500)
    >>> a = b + 0.5 + rng.normal(scale=0.1, size=500)
    >>> c = paired_bootstrap(a, b)
    >>> c.verdict, c.covers(0.5)
    ('higher', True)
    """
    a, b = _check_pair(a, b)
    if a.size < 2:
        raise ValueError(f"a and b must hold at least 2 paired items, got {a.size}")
    confidence, n_resamples, random_state = _check_level(confidence, n_resamples, random_state)
    d = a - b
    mean = float(np.mean(d))
    method = f"paired bootstrap, percentile, {n_resamples} resamples"
    if np.ptp(d) == 0:
        return Comparison(mean, mean, mean, confidence, d.size, method)
    low, high, dist = _bootstrap((d,), np.mean, vectorized=True, confidence=confidence,
                                 n_resamples=n_resamples, random_state=random_state)
    return Comparison(mean, low, high, confidence, d.size, method, dist)


def _roc_auc_batched(y: np.ndarray, score: np.ndarray) -> np.ndarray:
    """ROC-AUC of each row (Mann-Whitney U with mid-ranks for ties), any leading shape."""
    ranks = stats.rankdata(score, axis=-1)
    n_pos = y.sum(axis=-1)
    n_neg = y.shape[-1] - n_pos
    if np.any(n_pos == 0) or np.any(n_neg == 0):
        raise ValueError(
            "a bootstrap resample holds items of only one class, so ROC-AUC is undefined "
            "there; use more test items of the rarer class"
        )
    rank_sum = np.sum(ranks * y, axis=-1)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


_METRICS = {"roc_auc": _roc_auc_batched}


def paired_metric_bootstrap(y_true, score_a, score_b, metric: str | Callable = "roc_auc", *,
                            confidence: float = 0.95, n_resamples: int = N_RESAMPLES,
                            random_state: int = RANDOM_STATE) -> Comparison:
    """Difference of a whole-set metric, ``metric(A) - metric(B)``, with a paired interval.

    Each resample draws test items with replacement, keeping each item's label
    and both methods' scores together, and recomputes the metric for both
    methods on it. ``"roc_auc"`` is computed for all resamples at once (ranks,
    ties at mid-rank, equal to ``sklearn.metrics.roc_auc_score``); a
    callable ``metric(y_true, score) -> float`` (e.g.
    ``sklearn.metrics.average_precision_score``) is called twice per
    resample, which is slower (about 1.5 ms per call on 1,000 items).

    Explained in 第2章 2.5节 (the paired bootstrap) and 第6章 6.3节 (ROC-AUC).

    Parameters
    ----------
    y_true : array-like of 0/1, shape (n,)
        1 for the positive class (e.g. anomalous).
    score_a, score_b : array-like, shape (n,)
        Each method's score per item (higher means more positive).
    metric : {"roc_auc"} or callable, default "roc_auc"
    confidence, n_resamples, random_state
        As in :func:`paired_bootstrap`.

    Returns
    -------
    Comparison
        If the metric is the same on every resample, the interval is that
        value at both ends, never NaN.

    Raises
    ------
    ValueError, TypeError
        Naming the bad argument; ``ValueError`` also when a resample holds
        only one class (the metric is then undefined), rather than a skip.
    """
    y = _v.as_array(y_true, "y_true", ndim=1, shape_text="(n,)")
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"y_true must hold only 0 and 1, got values {np.unique(y)[:5]}")
    y = y.astype(np.float64)
    a, b = _check_pair(score_a, score_b, ("score_a", "score_b"))
    if a.shape != y.shape:
        raise ValueError(f"y_true and the scores must have the same length, got {y.shape} and "
                         f"{a.shape}")
    confidence, n_resamples, random_state = _check_level(confidence, n_resamples, random_state)
    if isinstance(metric, str):
        batched = _METRICS[_v.check_choice(metric, tuple(_METRICS), "metric")]
        name = metric

        def statistic(y_, a_, b_, axis=-1):
            return batched(y_, a_) - batched(y_, b_)

        vectorized = True
    else:
        func = _v.check_callable(metric, "metric")
        name = getattr(func, "__name__", "metric")

        def statistic(y_, a_, b_):
            if y_.min() == y_.max():
                raise ValueError(f"a bootstrap resample holds items of only one class, so "
                                 f"{name} is undefined there; use more test items of each class")
            return float(func(y_, a_)) - float(func(y_, b_))

        vectorized = False
    if y.min() == y.max():
        raise ValueError("y_true must hold both classes, got only one")
    diff = float(statistic(y, a, b))
    method = f"paired bootstrap of {name}, percentile, {n_resamples} resamples"
    low, high, dist = _bootstrap((y, a, b), statistic, vectorized=vectorized,
                                 confidence=confidence, n_resamples=n_resamples,
                                 random_state=random_state)
    if np.ptp(dist) == 0:
        low = high = diff
    return Comparison(diff, low, high, confidence, y.size, method, dist)


def seed_difference(a, b, *, paired: bool = True, confidence: float = 0.95) -> Comparison:
    """Mean of A minus mean of B over training seeds, with a t interval.

    With ``paired=True`` seed ``i`` of A and of B share everything that the
    seed fixes (data order, initial weights of the shared parts), and the
    interval is the one-sample t interval of the per-seed differences with
    ``n - 1`` degrees of freedom (``scipy.stats.ttest_rel``). With
    ``paired=False`` it is Welch's interval (``scipy.stats.ttest_ind``,
    ``equal_var=False``). With 3 seeds the 95 % factor is 4.30, not 2.

    Explained in 第2章 2.5节; used in 第9章 9.4节.

    Parameters
    ----------
    a, b : array-like, shape (n,) or (n_a,) and (n_b,)
        One result per seed (e.g. test MSE of each retrained model).
    paired : bool, default True
    confidence : float, default 0.95

    Returns
    -------
    Comparison
        ``difference = mean(a) - mean(b)``; if the differences (paired) or both
        groups (Welch) have no spread, the interval is that value at both ends.
    """
    if not isinstance(paired, bool):
        raise TypeError(f"paired must be True or False, got {type(paired).__name__}")
    confidence = _v.check_number(confidence, "confidence", low=0.0, high=1.0, low_open=True,
                                 high_open=True)
    if paired:
        a, b = _check_pair(a, b)
    else:
        a = _v.as_array(a, "a", ndim=1, shape_text="(n_a,)").astype(np.float64)
        b = _v.as_array(b, "b", ndim=1, shape_text="(n_b,)").astype(np.float64)
    if min(a.size, b.size) < 2:
        raise ValueError(f"a and b must hold at least 2 seeds each, got {a.size} and {b.size}")
    diff = float(np.mean(a) - np.mean(b))
    if paired:
        d = a - b
        method = f"paired t over {d.size} seeds, {d.size - 1} df"
        if np.ptp(d) == 0:
            return Comparison(diff, diff, diff, confidence, d.size, method)
        ci = stats.ttest_rel(a, b).confidence_interval(confidence)
    else:
        method = f"Welch t over {a.size} and {b.size} seeds"
        if np.ptp(a) == 0 and np.ptp(b) == 0:
            return Comparison(diff, diff, diff, confidence, min(a.size, b.size), method)
        ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(confidence)
    return Comparison(diff, float(ci.low), float(ci.high), confidence, min(a.size, b.size),
                      method)


# One whole-set metric against a fixed reference (added for 第8章 8.6节).
__all__ += ["metric_bootstrap"]


def metric_bootstrap(y_true, score, metric: str | Callable = "roc_auc", *, reference: float = 0.0,
                     confidence: float = 0.95, n_resamples: int = N_RESAMPLES,
                     random_state: int = RANDOM_STATE) -> Comparison:
    """One method's whole-set metric minus a fixed ``reference``, with a bootstrap interval.

    For a question about one score set, such as "is the attack's ROC-AUC above
    chance (0.5)?": the test items are resampled with replacement (labels and
    scores together), the metric is recomputed on each resample, and the
    percentile interval of ``metric - reference`` is returned, so the verdict
    says on which side of the reference the metric lies. Like
    :func:`paired_metric_bootstrap`, it covers the sampling of the test items
    only, not retraining.

    Explained in 第8章 8.6节.

    Parameters
    ----------
    y_true : array-like of 0/1, shape (n,)
    score : array-like, shape (n,)
        Higher means more positive.
    metric : {"roc_auc"} or callable, default "roc_auc"
        A callable is called as ``metric(y_true, score) -> float`` once per resample.
    reference : float, default 0.0
        Subtracted from the metric (0.5 for ROC-AUC at chance).
    confidence, n_resamples, random_state
        As in :func:`paired_bootstrap`.

    Returns
    -------
    Comparison
        ``difference = metric(y_true, score) - reference``; ``low``/``high`` on
        the same scale (add ``reference`` back for the metric's own interval).

    Raises
    ------
    ValueError, TypeError
        Naming the bad argument; ``ValueError`` also when ``y_true`` or a
        resample holds only one class.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.r_[np.ones(200), np.zeros(200)]
    >>> score = y + np.random.default_rng(0).normal(size=400)
    >>> c = metric_bootstrap(y, score, reference=0.5)
    >>> c.verdict
    'higher'
    """
    y = _v.as_array(y_true, "y_true", ndim=1, shape_text="(n,)")
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"y_true must hold only 0 and 1, got values {np.unique(y)[:5]}")
    y = y.astype(np.float64)
    s = _v.as_array(score, "score", ndim=1, shape_text="(n,)").astype(np.float64)
    if s.shape != y.shape:
        raise ValueError(f"y_true and score must have the same length, got {y.shape} and "
                         f"{s.shape}")
    if y.min() == y.max():
        raise ValueError("y_true must hold both classes, got only one")
    reference = _v.check_number(reference, "reference")
    confidence, n_resamples, random_state = _check_level(confidence, n_resamples, random_state)
    if isinstance(metric, str):
        batched = _METRICS[_v.check_choice(metric, tuple(_METRICS), "metric")]
        name = metric

        def statistic(y_, s_, axis=-1):
            return batched(y_, s_) - reference

        vectorized = True
    else:
        func = _v.check_callable(metric, "metric")
        name = getattr(func, "__name__", "metric")

        def statistic(y_, s_):
            if y_.min() == y_.max():
                raise ValueError(f"a bootstrap resample holds items of only one class, so "
                                 f"{name} is undefined there; use more test items of each class")
            return float(func(y_, s_)) - reference

        vectorized = False
    diff = float(statistic(y, s))
    method = f"bootstrap of {name}, percentile, {n_resamples} resamples"
    low, high, dist = _bootstrap((y, s), statistic, vectorized=vectorized,
                                 confidence=confidence, n_resamples=n_resamples,
                                 random_state=random_state)
    if np.ptp(dist) == 0:
        low = high = diff
    return Comparison(diff, low, high, confidence, y.size, method, dist)
