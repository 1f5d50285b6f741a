"""Tests of autoencoder_lib.compare: intervals with known answers, verdicts, clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import average_precision_score, roc_auc_score

from autoencoder_lib import compare


def test_zero_mean_difference_interval_covers_zero_in_most_repeats():
    covered = 0
    for seed in range(100):
        rng = np.random.default_rng(seed)
        b = rng.normal(size=200)
        a = b + rng.normal(scale=0.5, size=200)  # the true mean difference is 0
        covered += compare.paired_bootstrap(a, b, n_resamples=500, random_state=seed).covers(0.0)
    assert covered >= 90


def test_a_shift_is_found_and_contained():
    rng = np.random.default_rng(1)
    b = rng.normal(size=400)
    delta = 0.3
    c = compare.paired_bootstrap(b + delta + rng.normal(scale=0.2, size=400), b)
    assert c.low > 0 and c.covers(delta)
    assert c.verdict == "higher" and c.sign == 1
    assert c.word("高于", "低于", "持平") == "高于"
    flipped = compare.paired_bootstrap(b, b + delta + rng.normal(scale=0.2, size=400))
    assert flipped.verdict == "lower" and flipped.word("高于", "低于", "持平") == "低于"


def test_pairing_removes_the_item_to_item_spread():
    rng = np.random.default_rng(2)
    items = rng.normal(scale=10.0, size=300)  # large differences between items
    a = items + 0.2 + rng.normal(scale=0.1, size=300)
    c = compare.paired_bootstrap(a, items)
    assert c.high - c.low < 0.1  # unpaired, the interval would be about 3 wide


def test_identical_inputs_give_a_zero_width_interval_not_nan():
    x = np.linspace(0, 1, 50)
    c = compare.paired_bootstrap(x, x)
    assert (c.difference, c.low, c.high) == (0.0, 0.0, 0.0)
    assert c.verdict == "level" and c.distribution is None
    m = compare.paired_metric_bootstrap(np.r_[np.zeros(20), np.ones(20)], x[:40], x[:40])
    assert (m.difference, m.low, m.high) == (0.0, 0.0, 0.0)
    s = compare.seed_difference([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert (s.difference, s.low, s.high) == (0.0, 0.0, 0.0)


def test_fixed_random_state_reproduces_the_endpoints():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=100), rng.normal(size=100)
    one, two = compare.paired_bootstrap(a, b), compare.paired_bootstrap(a, b)
    assert (one.low, one.high) == (two.low, two.high)
    assert one.distribution.shape == (compare.N_RESAMPLES,)


def test_batched_roc_auc_equals_scikit_learn_with_ties():
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, size=(6, 80))
    score = np.round(rng.normal(size=(6, 80)) + y, 1)  # rounding makes ties
    ours = compare._roc_auc_batched(y.astype(float), score)
    theirs = [roc_auc_score(y[i], score[i]) for i in range(6)]
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


def test_metric_difference_matches_scikit_learn_and_finds_a_real_gap():
    rng = np.random.default_rng(5)
    y = (rng.random(600) < 0.4).astype(int)
    good, poor = y + rng.normal(scale=0.5, size=600), y + rng.normal(scale=2.0, size=600)
    c = compare.paired_metric_bootstrap(y, good, poor)
    assert c.difference == pytest.approx(roc_auc_score(y, good) - roc_auc_score(y, poor))
    assert c.verdict == "higher"
    ap = compare.paired_metric_bootstrap(y, good, poor, average_precision_score,
                                         n_resamples=200)
    assert ap.difference == pytest.approx(average_precision_score(y, good)
                                          - average_precision_score(y, poor))
    assert ap.low > 0


@pytest.mark.parametrize("metric", ["roc_auc", average_precision_score])
def test_a_resample_without_one_class_is_a_clear_error(metric):
    y = np.r_[np.zeros(9), 1.0]  # one positive: most resamples lack it
    with pytest.raises(ValueError, match="only one class"):
        compare.paired_metric_bootstrap(y, np.arange(10.0), np.arange(10.0)[::-1], metric,
                                        n_resamples=200)


def test_seed_difference_uses_t_with_n_minus_1_df_when_paired():
    a, b = np.array([1.0, 2.0, 3.5]), np.array([0.8, 1.5, 3.0])
    c = compare.seed_difference(a, b)
    d = a - b
    half = stats.t.ppf(0.975, df=2) * d.std(ddof=1) / np.sqrt(3)
    assert stats.t.ppf(0.975, df=2) == pytest.approx(4.303, abs=1e-3)
    assert (c.low, c.high) == pytest.approx((d.mean() - half, d.mean() + half))
    assert c.method == "paired t over 3 seeds, 2 df"


def test_seed_difference_unpaired_is_welch():
    a, b = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.0, 1.0, 5.0])
    c = compare.seed_difference(a, b, paired=False)
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval()
    assert (c.low, c.high) == pytest.approx((ci.low, ci.high))
    assert c.n == 3


@pytest.mark.parametrize(
    ("call", "arg"),
    [
        (lambda: compare.paired_bootstrap([1.0, 2.0], [1.0, 2.0, 3.0]), "a and b"),
        (lambda: compare.paired_bootstrap([1.0], [2.0]), "at least 2"),
        (lambda: compare.paired_bootstrap([1.0, np.nan], [1.0, 2.0]), "a"),
        (lambda: compare.paired_bootstrap([1.0, 2.0], [1.0, 2.0], confidence=1.5), "confidence"),
        (lambda: compare.paired_bootstrap([1.0, 2.0], [1.0, 2.0], n_resamples=10), "n_resamples"),
        (lambda: compare.paired_metric_bootstrap([0, 2], [1.0, 2.0], [1.0, 2.0]), "y_true"),
        (lambda: compare.paired_metric_bootstrap([0, 1], [1.0, 2.0], [1.0, 2.0], "f1"), "metric"),
        (lambda: compare.paired_metric_bootstrap([0, 1, 1], [1.0, 2.0], [1.0, 2.0]), "y_true"),
        (lambda: compare.seed_difference([1.0], [2.0]), "at least 2"),
        (lambda: compare.seed_difference([1.0, 2.0], [1.0, 2.0], paired=1), "paired"),
    ],
)
def test_bad_input_names_the_argument(call, arg):
    with pytest.raises((ValueError, TypeError), match=arg):
        call()


# metric_bootstrap: one metric against a fixed reference (第8章 8.6节).


def test_metric_bootstrap_auc_minus_chance_matches_sklearn_and_shifts_the_interval():
    rng = np.random.default_rng(1)
    y = np.r_[np.ones(150), np.zeros(150)]
    score = 0.5 * y + rng.normal(size=300)
    c = compare.metric_bootstrap(y, score, reference=0.5)
    assert c.difference == pytest.approx(roc_auc_score(y, score) - 0.5)
    assert c.low < c.difference < c.high and c.verdict == "higher"
    plain = compare.metric_bootstrap(y, score)
    assert (plain.low - 0.5, plain.high - 0.5) == pytest.approx((c.low, c.high))


def test_metric_bootstrap_of_a_random_score_covers_chance():
    rng = np.random.default_rng(2)
    y = np.r_[np.ones(200), np.zeros(200)]
    c = compare.metric_bootstrap(y, rng.normal(size=400), reference=0.5)
    assert c.covers(0.0) and c.verdict == "level"


def test_metric_bootstrap_callable_agrees_with_the_batched_auc():
    rng = np.random.default_rng(3)
    y = np.r_[np.ones(60), np.zeros(60)]
    score = y + rng.normal(size=120)
    fast = compare.metric_bootstrap(y, score, reference=0.5)
    slow = compare.metric_bootstrap(y, score, roc_auc_score, reference=0.5)
    assert slow.difference == pytest.approx(fast.difference)
    assert (slow.low, slow.high) == pytest.approx((fast.low, fast.high), abs=1e-12)


@pytest.mark.parametrize(
    ("call", "arg"),
    [
        (lambda: compare.metric_bootstrap([0, 2], [1.0, 2.0]), "y_true"),
        (lambda: compare.metric_bootstrap([0, 1], [1.0, 2.0, 3.0]), "score"),
        (lambda: compare.metric_bootstrap([1, 1], [1.0, 2.0]), "both classes"),
        (lambda: compare.metric_bootstrap([0, 1], [1.0, 2.0], reference="0.5"), "reference"),
        (lambda: compare.metric_bootstrap([0, 1], [1.0, 2.0], "f1"), "metric"),
    ],
)
def test_metric_bootstrap_bad_input_names_the_argument(call, arg):
    with pytest.raises((ValueError, TypeError), match=arg):
        call()
