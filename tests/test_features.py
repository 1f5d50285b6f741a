"""autoencoder_lib.features: batched encoding, linear probe, precision@k."""

from __future__ import annotations

import numpy as np
import pytest

from autoencoder_lib import features


class _LinearEncoder:
    """A stand-in for a Keras encoder: z = tanh(x W), called like a model."""

    def __init__(self, d_in: int, d_out: int) -> None:
        self.w = np.random.default_rng(0).normal(size=(d_in, d_out)).astype(np.float32)

    def __call__(self, x, training=False):
        return np.tanh(np.asarray(x) @ self.w)


def test_encoding_in_batches_equals_one_shot_with_a_numpy_model():
    x = np.random.default_rng(1).random((103, 12), dtype=np.float32)
    enc = _LinearEncoder(12, 4)
    z = features.encode(enc, x, batch_size=10)
    assert z.shape == (103, 4) and z.dtype == np.float32
    np.testing.assert_array_equal(z, features.encode(enc, x, batch_size=1000))


def test_encoding_in_batches_equals_one_shot_with_a_keras_encoder():
    from autoencoder_lib.models import build_dense_autoencoder

    parts = build_dense_autoencoder(20, 3, hidden_units=[8])
    x = np.random.default_rng(2).random((57, 20), dtype=np.float32)
    one_shot = np.asarray(parts.encoder(x, training=False))
    np.testing.assert_allclose(features.encode(parts.encoder, x, batch_size=7), one_shot,
                               rtol=1e-5, atol=1e-6)


def test_precision_at_k_on_a_hand_made_example():
    # Base: class 0 near 0, class 1 near 10, plus one class-1 point at 0.5 among the zeros.
    base = np.array([[0.0], [0.2], [0.5], [10.0], [10.3], [9.6]])
    y_base = np.array([0, 0, 1, 1, 1, 1])
    queries = np.array([[0.1], [10.1], [0.45]])
    y_query = np.array([0, 1, 0])
    # k=2: query 0.1 -> {0.0, 0.2}: 2/2; 10.1 -> {10.0, 10.3}: 2/2; 0.45 -> {0.5, 0.2}: 1/2.
    np.testing.assert_allclose(features.precision_at_k(queries, y_query, base, y_base, k=2),
                               [1.0, 1.0, 0.5])
    # k=3: 0.1 -> {0.0, 0.2, 0.5}: 2/3; 10.1 -> {10.0, 10.3, 9.6}: 3/3; 0.45 -> same as 0.1: 2/3.
    np.testing.assert_allclose(
        features.precision_at_k(queries, y_query, base, y_base, k=3, batch_size=1),
        [2 / 3, 1.0, 2 / 3])


def test_precision_at_k_matches_a_brute_force_search():
    rng = np.random.default_rng(3)
    zq, zb = rng.normal(size=(40, 5)), rng.normal(size=(200, 5))
    yq, yb = rng.integers(0, 3, 40), rng.integers(0, 3, 200)
    d = ((zq[:, None, :] - zb[None, :, :]) ** 2).sum(-1)
    expected = (yb[np.argsort(d, axis=1)[:, :7]] == yq[:, None]).mean(1)
    np.testing.assert_allclose(
        features.precision_at_k(zq, yq, zb, yb, k=7, batch_size=9), expected
    )


def _blobs(n, seed, shift=3.0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    return rng.normal(size=(n, 4)) + shift * np.eye(3, 4)[y], y


def test_linear_probe_reports_mean_and_spread_over_draws():
    (zt, yt), (zs, ys) = _blobs(300, 0), _blobs(150, 1)
    r = features.linear_probe(zt, yt, zs, ys, 30, n_draws=4, seed=0)
    assert r.n_labels == 30 and r.accuracies.shape == (4,)
    assert r.mean == pytest.approx(r.accuracies.mean())
    assert r.std == pytest.approx(r.accuracies.std(ddof=1))
    assert r.mean > 0.8, "three well-separated blobs are easy"
    # the same seed gives the same draws; all labels means one fit
    again = features.linear_probe(zt, yt, zs, ys, 30, n_draws=4, seed=0)
    np.testing.assert_array_equal(r.accuracies, again.accuracies)
    full = features.linear_probe(zt, yt, zs, ys, 300, n_draws=4)
    assert full.accuracies.shape == (1,) and full.std == 0.0


def test_linear_probe_is_at_chance_on_features_without_information():
    rng = np.random.default_rng(4)
    y = np.arange(600) % 2
    r = features.linear_probe(rng.normal(size=(400, 3)), y[:400], rng.normal(size=(200, 3)),
                              y[400:], 100, n_draws=3)
    assert abs(r.mean - 0.5) < 0.12

