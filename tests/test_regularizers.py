"""Sparse and contractive regularisers: the penalties equal their formulas."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from autoencoder_lib import regularizers


def test_kl_sparsity_equals_the_formula():
    rng = np.random.default_rng(0)
    h = rng.uniform(0.01, 0.99, size=(20, 6)).astype("float32")
    q = h.mean(axis=0)
    rho = 0.05
    expected = np.sum(rho * np.log(rho / q) + (1 - rho) * np.log((1 - rho) / (1 - q)))
    got = float(regularizers.kl_sparsity(h, rho))
    assert got == pytest.approx(expected, rel=1e-5)


def test_kl_sparsity_is_zero_when_every_unit_hits_the_target():
    h = np.full((8, 3), 0.05, dtype="float32")
    assert float(regularizers.kl_sparsity(h, 0.05)) == pytest.approx(0.0, abs=1e-6)


def test_kl_layer_adds_beta_times_penalty_and_passes_h_through():
    layer = regularizers.KLSparsity(rho=0.1, beta=3.0)
    h = np.random.default_rng(1).uniform(0.05, 0.95, size=(16, 4)).astype("float32")
    out = layer(h)
    np.testing.assert_array_equal(np.asarray(out), h)
    assert float(layer.losses[0]) == pytest.approx(
        3.0 * float(regularizers.kl_sparsity(h, 0.1)), rel=1e-5
    )


def test_contractive_closed_form_equals_the_autodiff_jacobian():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(5, 7))
    W = rng.normal(size=(7, 3))
    b = rng.normal(size=3)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        h = tf.sigmoid(xt @ W + b)
    jac = tape.batch_jacobian(h, xt).numpy()  # (N, units, n_in)
    np.testing.assert_allclose(
        regularizers.contractive_norms(x, W, b), (jac**2).sum(axis=(1, 2)), rtol=1e-10
    )


def test_contractive_layer_adds_lam_times_the_mean_norm():
    layer = regularizers.ContractiveDense(4, lam=0.5)
    x = np.random.default_rng(3).normal(size=(10, 6)).astype("float32")
    h = np.asarray(layer(x))
    W, b = (np.asarray(v) for v in (layer.kernel, layer.bias))
    assert h.shape == (10, 4)
    expected = 0.5 * regularizers.contractive_norms(x, W, b).mean()
    assert float(layer.losses[0]) == pytest.approx(expected, rel=1e-4)


def test_contractive_layer_without_penalty_adds_no_loss():
    layer = regularizers.ContractiveDense(2, lam=0.0)
    layer(np.zeros((3, 4), dtype="float32"))
    assert not layer.losses

