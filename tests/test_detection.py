"""autoencoder_lib.detection: threshold choice on validation scores, detector metrics."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from autoencoder_lib import detection


@pytest.mark.parametrize("criterion", detection.CRITERIA)
def test_separable_scores_get_a_threshold_in_the_gap(criterion):
    rng = np.random.default_rng(0)
    normal, anomaly = rng.uniform(0.0, 1.0, 200), rng.uniform(2.0, 3.0, 30)
    scores = np.r_[normal, anomaly]
    y = np.r_[np.zeros(200), np.ones(30)].astype(int)
    t = detection.select_threshold(scores, y, criterion=criterion)
    assert normal.max() < t < anomaly.min()
    assert t == pytest.approx((normal.max() + anomaly.min()) / 2)


def test_known_best_threshold_with_overlap():
    # Scores 1..10; positives are 6..10 plus 3. Flagging > 5.5 gives TP 5, FP 0, FN 1: F1 = 10/11,
    # better than flagging > 2.5 (TP 6, FP 2: F1 = 12/14). Youden: 5/6 - 0 vs 1 - 2/4.
    scores = np.arange(1, 11, dtype=float)
    y = np.isin(scores, [3, 6, 7, 8, 9, 10]).astype(int)
    assert detection.select_threshold(scores, y, criterion="f1") == 5.5
    assert detection.select_threshold(scores, y, criterion="youden") == 5.5


def test_threshold_maximises_f1_and_youden_over_all_cuts():
    rng = np.random.default_rng(1)
    y = (rng.random(300) < 0.3).astype(int)
    scores = rng.normal(size=300) + 1.2 * y
    scores[:20] = np.round(scores[:20], 1)  # some ties
    cuts = np.r_[np.sort(np.unique(scores))[:-1] + 1e-9, scores.min() - 1]
    f1 = [skm.f1_score(y, scores > c) for c in cuts]
    t = detection.select_threshold(scores, y, criterion="f1")
    assert skm.f1_score(y, scores > t) == pytest.approx(max(f1))

    def j(c):
        pred = scores > c
        return pred[y == 1].mean() - pred[y == 0].mean()

    t = detection.select_threshold(scores, y, criterion="youden")
    assert j(t) == pytest.approx(max(j(c) for c in cuts))


def test_positive_label_zero_is_respected():
    scores = np.array([0.1, 0.2, 0.8, 0.9])
    assert detection.select_threshold(scores, [1, 1, 0, 0], positive=0) == 0.5


def test_ties_are_decided_together():
    scores = np.array([1.0, 2.0, 2.0, 3.0])
    # Cuts: flag {3} (F1 2/3), flag {3, 2, 2} (F1 4/5), flag all (F1 2/3). The tied
    # scores 2.0 are flagged together, one of them being normal: threshold 1.5.
    assert detection.select_threshold(scores, [0, 0, 1, 1]) == 1.5
    assert detection.select_threshold(scores, [0, 1, 0, 1]) == 1.5


@pytest.mark.parametrize("positive", [0, 1])
def test_detector_metrics_equal_scikit_learn(positive):
    rng = np.random.default_rng(2)
    y = (rng.random(500) < 0.4).astype(int)
    is_pos = y == positive
    scores = rng.normal(size=500) + 1.5 * is_pos
    t = 0.6
    m = detection.detector_metrics(y, scores, t, positive=positive)
    pred = np.where(scores > t, positive, 1 - positive)
    assert m["precision"] == pytest.approx(skm.precision_score(y, pred, pos_label=positive))
    assert m["recall"] == pytest.approx(skm.recall_score(y, pred, pos_label=positive))
    assert m["f1"] == pytest.approx(skm.f1_score(y, pred, pos_label=positive))
    assert m["accuracy"] == pytest.approx(skm.accuracy_score(y, pred))
    assert m["roc_auc"] == pytest.approx(skm.roc_auc_score(is_pos, scores))
    assert m["pr_auc"] == pytest.approx(skm.average_precision_score(is_pos, scores))
    expected = skm.confusion_matrix(y, pred, labels=[1 - positive, positive])
    np.testing.assert_array_equal(m["confusion"], expected)
    assert (m["tn"], m["fp"], m["fn"], m["tp"]) == tuple(expected.ravel())
    assert all(type(m[k]) in (float, int) for k in m if k != "confusion")


def test_low_scores_flagged_by_negating():
    y = np.array([1, 1, 0, 0])
    err = np.array([0.1, 0.2, 0.8, 0.9])  # normal (1) has small error
    m = detection.detector_metrics(y, -err, -0.5, positive=1)
    assert m["accuracy"] == 1.0 and m["tp"] == 2


def test_nothing_flagged_gives_zero_precision():
    m = detection.detector_metrics([0, 1, 0], [0.1, 0.2, 0.3], 1.0)
    assert m["precision"] == 0.0 and m["recall"] == 0.0 and m["f1"] == 0.0


def test_metrics_tables_have_one_row_per_method():
    y = np.array([0, 0, 1, 1])
    res = {"甲": detection.detector_metrics(y, [0.1, 0.2, 0.8, 0.9], 0.5),
           "乙": detection.detector_metrics(y, [0.1, 0.9, 0.2, 0.8], 0.5)}
    scores, counts = detection.metrics_tables(res)
    lines = str(scores).splitlines()
    assert len(lines) == 4 and lines[2].startswith("| 甲 | 1.000 | 1.000")
    assert str(counts).splitlines()[3] == "| 乙 | 1 | 1 | 1 | 1 |"
