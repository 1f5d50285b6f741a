"""Anomaly detectors scored and compared: threshold choice and metric tables.

A detector gives every example a *score*, higher meaning "more anomalous"
(e.g. an autoencoder's reconstruction error). Turning scores into decisions
needs a threshold, chosen on labelled **validation** data with
:func:`select_threshold`, never on the test data it is reported on.
:func:`detector_metrics` then measures the decisions (precision, recall, F1,
accuracy, confusion matrix) and the scores themselves (ROC-AUC, PR-AUC) for a
chosen positive class, and :func:`metrics_tables` lays several detectors out
side by side.

Explained in 第6章 6.3节.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from . import _validation as _v
from .tables import MarkdownTable, markdown_table

__all__ = ["CRITERIA", "select_threshold", "detector_metrics", "metrics_tables"]

#: Criteria :func:`select_threshold` can maximise on the validation data.
CRITERIA = ("f1", "youden")


def _scores_and_positives(scores, y_true, positive) -> tuple[np.ndarray, np.ndarray]:
    """Scores as float64 and the boolean mask ``y_true == positive``, after the checks."""
    scores = _v.as_array(scores, "scores", ndim=1, dtype=np.float64)
    y_true = np.asarray(y_true)
    _v.check_same_shape(y_true, scores, "y_true", "scores")
    labels = set(np.unique(y_true).tolist())
    if not labels <= {0, 1}:
        raise ValueError(f"y_true must hold only the labels 0 and 1, got {sorted(labels)}")
    positive = _v.check_choice(
        _v.check_int(positive, "positive", minimum=None), (0, 1), "positive"
    )
    is_pos = y_true == positive
    if is_pos.all() or not is_pos.any():
        raise ValueError("y_true must contain both the positive and the negative class")
    return scores, is_pos


def select_threshold(scores, y_true, *, positive: int = 1, criterion: str = "f1") -> float:
    """Choose the decision threshold that maximises a criterion on labelled data.

    An example is flagged positive when ``score > threshold``. Every distinct
    cut between sorted scores is tried; the threshold returned is the
    midpoint between the lowest flagged and the highest unflagged score (or
    just below the lowest score when flagging everything is best). Ties in the
    criterion go to the highest threshold (fewest alarms).

    Criteria:

    - ``"f1"``: the F1 score of the positive class, the harmonic mean of
      precision and recall;
    - ``"youden"``: Youden's J = true-positive rate − false-positive rate,
      the point of the ROC curve farthest above the diagonal.

    Use it on **validation** scores; report test metrics with the returned
    threshold.

    Explained in 第6章 6.3节.

    Parameters
    ----------
    scores : array_like, shape ``(N,)``
        Detector scores, higher = more likely positive.
    y_true : array_like, shape ``(N,)``
        Labels 0/1; both the positive and the negative class must occur.
    positive : {0, 1}, default 1
        The label that counts as positive (the anomaly).
    criterion : {"f1", "youden"}, default "f1"

    Returns
    -------
    float
        The threshold.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).

    Examples
    --------
    >>> select_threshold([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])
    0.5
    """
    criterion = _v.check_choice(criterion, CRITERIA, "criterion")
    scores, is_pos = _scores_and_positives(scores, y_true, positive)
    order = np.argsort(-scores, kind="stable")
    s, p = scores[order], is_pos[order]
    tp = np.cumsum(p)
    fp = np.cumsum(~p)
    # Cut only after the last of a run of equal scores: tied examples get the same decision.
    last = np.r_[s[1:] != s[:-1], True]
    tp, fp = tp[last], fp[last]
    n_pos, n_neg = int(is_pos.sum()), int((~is_pos).sum())
    if criterion == "f1":
        value = 2.0 * tp / (tp + fp + n_pos)
    else:
        value = tp / n_pos - fp / n_neg
    # np.argmax takes the first maximum: the highest threshold among equals.
    best = int(np.argmax(value))
    lowest_flagged = s[last][best]
    below = s[s < lowest_flagged]
    if below.size:
        return float((lowest_flagged + below.max()) / 2.0)
    return float(np.nextafter(lowest_flagged, -np.inf))


def detector_metrics(y_true, scores, threshold: float, *, positive: int = 1) -> dict:
    """Measure a detector's scores and its decisions at a threshold.

    Decisions: positive when ``score > threshold``. To report a detector that
    flags *low* scores (e.g. "normal when the error is small", with normal as
    the positive class) pass ``-scores`` and ``-threshold``.

    Explained in 第6章 6.3节.

    Parameters
    ----------
    y_true : array_like, shape ``(N,)``
        Labels 0/1, both classes present.
    scores : array_like, shape ``(N,)``
        Detector scores, higher = more likely positive.
    threshold : float
        Decision threshold, e.g. from :func:`select_threshold` on validation data.
    positive : {0, 1}, default 1
        The label that counts as positive.

    Returns
    -------
    dict
        ``precision``, ``recall``, ``f1``, ``accuracy`` of the decisions;
        ``roc_auc`` and ``pr_auc`` (average precision) of the scores, which
        do not depend on the threshold; ``confusion``: a 2×2 int array with
        rows = true class and columns = decision, each ordered
        (negative, positive), i.e. ``[[TN, FP], [FN, TP]]``; and ``tn``,
        ``fp``, ``fn``, ``tp`` as ints. Precision is 0.0 when nothing is
        flagged. All values are plain Python numbers.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    from sklearn.metrics import average_precision_score, roc_auc_score

    scores, is_pos = _scores_and_positives(scores, y_true, positive)
    threshold = _v.check_number(threshold, "threshold")
    flagged = scores > threshold
    tp = int(np.sum(flagged & is_pos))
    fp = int(np.sum(flagged & ~is_pos))
    fn = int(np.sum(~flagged & is_pos))
    tn = int(np.sum(~flagged & ~is_pos))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn)
    f1 = 2.0 * tp / (2 * tp + fp + fn)
    return {
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "accuracy": float((tp + tn) / scores.size),
        "roc_auc": float(roc_auc_score(is_pos, scores)),
        "pr_auc": float(average_precision_score(is_pos, scores)),
        "confusion": np.array([[tn, fp], [fn, tp]]),
        "tn": tn, "fp": fp, "fn": fn, "tp": tp,
    }


def metrics_tables(
    results: Mapping[str, Mapping], *, digits: int = 3
) -> tuple[MarkdownTable, MarkdownTable]:
    """Lay out several detectors' :func:`detector_metrics` as two tables.

    Explained in 第6章 6.3节.

    Parameters
    ----------
    results : mapping of str to dict
        Method name → the dict :func:`detector_metrics` returned, in the order
        the rows should appear.
    digits : int, default 3
        Decimals of the scores.

    Returns
    -------
    (MarkdownTable, MarkdownTable)
        First: precision, recall, F1, accuracy, ROC-AUC, PR-AUC per method.
        Second: the confusion-matrix counts TP, FN, FP, TN per method (the
        table is split in two so that each fits the text column).

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    if not results:
        raise ValueError("results must name at least one detector, got none")
    digits = _v.check_int(digits, "digits", minimum=0)
    keys = ("precision", "recall", "f1", "accuracy", "roc_auc", "pr_auc", "tp", "fn", "fp", "tn")
    for name, m in results.items():
        missing = [k for k in keys if k not in m]
        if missing:
            raise ValueError(
                f"results[{name!r}] lacks {missing}; pass detector_metrics(...) dicts"
            )
    fmt = f".{digits}f"
    scores = markdown_table(
        ["方法", "精确率", "召回率", "F1", "准确率", "ROC-AUC", "PR-AUC"],
        [[name] + [m[k] for k in keys[:6]] for name, m in results.items()],
        formats=[None] + [fmt] * 6,
    )
    counts = markdown_table(
        ["方法", "TP", "FN", "FP", "TN"],
        [[name] + [m[k] for k in keys[6:]] for name, m in results.items()],
        formats=[None, "d", "d", "d", "d"],
    )
    return scores, counts
