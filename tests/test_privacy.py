"""Tests of autoencoder_lib.privacy: the attack's metrics, DP-SGD's pieces and the accountant."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score, roc_curve

from autoencoder_lib.reproducibility import quiet_tensorflow

if "tensorflow" not in sys.modules:  # quiet start-up logs unless TensorFlow is already imported
    quiet_tensorflow()

import keras
import tensorflow as tf

from autoencoder_lib import models, privacy


@pytest.fixture(scope="module")
def small_ae():
    keras.utils.set_random_seed(0)
    return models.build_dense_autoencoder(12, 3, hidden_units=[5]).autoencoder


@pytest.fixture(scope="module")
def batch():
    return np.random.default_rng(0).random((6, 12)).astype(np.float32)


# ----------------------------------------------------------------------- attack


def test_membership_scores_are_minus_per_image_mse():
    x = np.zeros((2, 4, 4))
    x_hat = np.stack([np.full((4, 4), 0.1), np.full((4, 4), 0.5)])
    np.testing.assert_allclose(privacy.membership_scores(x, x_hat), [-0.01, -0.25])


def test_roc_auc_matches_sklearn_with_ties():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 200)
    score = np.round(rng.normal(size=200) + y, 1)  # rounded: many ties
    assert privacy.roc_auc(y, score) == pytest.approx(roc_auc_score(y, score))


def test_tpr_at_fpr_is_the_best_roc_point_within_the_fpr():
    rng = np.random.default_rng(2)
    y = np.r_[np.ones(300), np.zeros(1000)]
    score = rng.normal(size=1300) + 1.5 * y
    fpr, tpr, _ = roc_curve(y, score)
    for level in (0.001, 0.01, 0.1):
        expected = tpr[fpr <= level].max()
        assert privacy.tpr_at_fpr(y, score, level) == pytest.approx(expected)


def test_tpr_at_fpr_never_lets_more_false_positives_through_with_ties():
    y = np.r_[np.ones(4), np.zeros(10)]
    score = np.r_[[5.0, 5.0, 1.0, 0.0], [5.0] + [0.0] * 9]  # a non-member ties the members
    assert privacy.tpr_at_fpr(y, score, 0.01) == 0.0
    assert privacy.tpr_at_fpr(y, score, 0.1) == 0.75  # one false positive allowed


# -------------------------------------------------------------- per-example gradients


def _single_example_gradients(model, x):
    out = []
    for row in x:
        with tf.GradientTape() as tape:
            pred = model(row[None], training=False)
            loss = tf.reduce_mean(tf.square(pred - row[None]))
        out.append([g.numpy() for g in tape.gradient(loss, model.trainable_variables)])
    return out


@pytest.mark.parametrize("method", privacy.METHODS)
def test_per_example_gradients_equal_single_example_gradients(small_ae, batch, method):
    expected = _single_example_gradients(small_ae, batch)
    got = privacy.per_example_gradients(small_ae, batch, method=method)
    assert len(got) == len(small_ae.trainable_variables)
    for j, var in enumerate(small_ae.trainable_variables):
        assert tuple(got[j].shape) == (len(batch), *var.shape)
        for i in range(len(batch)):
            np.testing.assert_allclose(got[j][i].numpy(), expected[i][j], rtol=1e-5, atol=1e-7)


def test_dense_layers_walks_nested_models_in_order(small_ae):
    names = [layer.name for layer in privacy.dense_layers(small_ae)]
    assert names == ["enc_dense_1", "code", "dec_dense_1", "reconstruction"]


def test_analytic_method_rejects_a_model_with_other_layers():
    inp = keras.Input((4,))
    model = keras.Model(inp, keras.layers.Dense(4)(keras.layers.Dropout(0.1)(inp)))
    with pytest.raises(TypeError, match="model must be a chain of Dense layers"):
        privacy.per_example_gradients(model, np.zeros((2, 4), np.float32))


def test_clipping_bounds_every_examples_norm(small_ae, batch):
    grads = privacy.per_example_gradients(small_ae, batch)
    norms_before = np.sqrt(sum(np.sum(g.numpy().reshape(len(batch), -1) ** 2, axis=1)
                               for g in grads))
    c = float(np.median(norms_before))  # half the examples need clipping
    clipped, norms = privacy.clip_gradients(grads, c)
    np.testing.assert_allclose(norms.numpy(), norms_before, rtol=1e-5)
    after = np.sqrt(sum(np.sum(g.numpy().reshape(len(batch), -1) ** 2, axis=1) for g in clipped))
    assert np.all(after <= c * (1 + 1e-5))
    small = norms_before <= c  # untouched below the bound, scaled onto it above
    np.testing.assert_allclose(after[small], norms_before[small], rtol=1e-5)
    np.testing.assert_allclose(after[~small], c, rtol=1e-5)


@pytest.mark.parametrize("method", ["analytic", "loop"])
def test_dp_gradient_is_the_sum_of_clipped_gradients_over_the_expected_batch(
        small_ae, batch, method):
    grads = privacy.per_example_gradients(small_ae, batch, method="loop")
    c = 0.5 * float(privacy.clip_gradients(grads, 1.0)[1].numpy().max())
    clipped, _ = privacy.clip_gradients(grads, c)
    got, norms = privacy.dp_sgd_gradient(small_ae, batch, l2_norm_clip=c, noise_multiplier=0.0,
                                         expected_batch_size=10.0, method=method)
    assert norms.shape == (len(batch),)
    for g, cl in zip(got, clipped):
        np.testing.assert_allclose(g.numpy(), cl.numpy().sum(axis=0) / 10.0, rtol=1e-5,
                                   atol=1e-8)


def test_noise_has_standard_deviation_sigma_c_over_the_expected_batch(small_ae):
    empty = np.zeros((0, 12), np.float32)  # an empty Poisson batch: pure noise
    gen = tf.random.Generator.from_seed(0)
    got, _ = privacy.dp_sgd_gradient(small_ae, empty, l2_norm_clip=2.0, noise_multiplier=1.5,
                                     expected_batch_size=4.0, generator=gen)
    flat = np.concatenate([g.numpy().ravel() for g in got])
    assert np.std(flat) == pytest.approx(1.5 * 2.0 / 4.0, rel=0.15)


def test_no_noise_and_no_clipping_equals_plain_sgd(batch):
    keras.utils.set_random_seed(0)
    a = models.build_dense_autoencoder(12, 3, hidden_units=[5]).autoencoder
    b = keras.models.clone_model(a)
    b.set_weights(a.get_weights())
    grads, _ = privacy.dp_sgd_gradient(a, batch, l2_norm_clip=None, noise_multiplier=0.0,
                                       expected_batch_size=len(batch))
    keras.optimizers.SGD(0.5).apply_gradients(zip(grads, a.trainable_variables))
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(b(batch) - batch))
    plain = tape.gradient(loss, b.trainable_variables)
    keras.optimizers.SGD(0.5).apply_gradients(zip(plain, b.trainable_variables))
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=1e-7)


def test_poisson_batches_draw_each_example_with_probability_q():
    sizes = [len(b) for b in privacy.poisson_batches(1000, 0.05, 200, seed=3)]
    assert len(sizes) == 200
    assert np.mean(sizes) == pytest.approx(50, rel=0.05)
    assert len(set(sizes)) > 5  # sizes vary, as Poisson sampling does


def test_dp_sgd_train_records_what_the_accountant_needs():
    keras.utils.set_random_seed(0)
    ae = models.build_dense_autoencoder(12, 3, hidden_units=[5]).autoencoder
    x = np.random.default_rng(4).random((40, 12)).astype(np.float32)
    run = privacy.dp_sgd_train(ae, x, keras.optimizers.Adam(1e-2), sampling_rate=0.25,
                               noise_multiplier=0.5, steps=30, l2_norm_clip=0.1, seed=1)
    assert (run.sampling_rate, run.noise_multiplier, run.steps, run.n) == (0.25, 0.5, 30, 40)
    assert len(run.loss) == 30 and 0.0 <= run.clipped_fraction <= 1.0


# ----------------------------------------------------------------------- accountant


def test_one_full_batch_step_is_the_gaussian_mechanism():
    import dp_accounting

    for sigma in (0.8, 2.0):
        exact = dp_accounting.gaussian_mechanism.get_epsilon_gaussian(sigma, 1e-5)
        pld = privacy.epsilon(sigma, 1.0, 1, 1e-5, accountant="pld")
        assert pld == pytest.approx(exact, rel=1e-3)
        assert privacy.epsilon(sigma, 1.0, 1, 1e-5) >= exact  # RDP is an upper bound


def test_epsilon_grows_with_steps_and_sampling_rate_and_falls_with_noise():
    base = privacy.epsilon(1.0, 0.01, 100, 1e-5)
    assert privacy.epsilon(1.0, 0.01, 400, 1e-5) > base
    assert privacy.epsilon(1.0, 0.04, 100, 1e-5) > base
    assert privacy.epsilon(2.0, 0.01, 100, 1e-5) < base


def test_epsilon_matches_the_toolchain_note():
    # TOOLCHAIN.md: q = 256/60000, 10 epochs (2,340 steps), delta = 1e-5, sigma = 1.1 -> 1.10.
    assert privacy.epsilon(1.1, 256 / 60000, 2340, 1e-5) == pytest.approx(1.10, abs=0.01)


# ---------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "arg"),
    [
        (lambda: privacy.membership_scores(np.zeros((2, 3)), np.zeros((2, 4))), "x and x_hat"),
        (lambda: privacy.roc_auc([0, 2], [0.1, 0.2]), "is_member"),
        (lambda: privacy.roc_auc([1, 1], [0.1, 0.2]), "is_member"),
        (lambda: privacy.roc_auc([0, 1], [0.1, 0.2, 0.3]), "score"),
        (lambda: privacy.tpr_at_fpr([0, 1], [0.1, 0.2], fpr=0.0), "fpr"),
        (lambda: privacy.per_example_gradients(None, np.zeros((2, 3), np.float32),
                                               method="pfor"), "method"),
        (lambda: privacy.clip_gradients([tf.ones((2, 3))], 0.0), "l2_norm_clip"),
        (lambda: privacy.poisson_batches(10, 1.5, 3).__next__(), "sampling_rate"),
        (lambda: privacy.epsilon(0.0, 0.1, 10, 1e-5), "noise_multiplier"),
        (lambda: privacy.epsilon(1.0, 0.1, 0, 1e-5), "steps"),
        (lambda: privacy.epsilon(1.0, 0.1, 10, 1.0), "delta"),
        (lambda: privacy.epsilon(1.0, 0.1, 10, 1e-5, accountant="moments"), "accountant"),
    ],
)
def test_bad_input_names_the_argument(call, arg):
    with pytest.raises((ValueError, TypeError), match=arg):
        call()


def test_noise_without_a_clipping_norm_is_refused(small_ae, batch):
    with pytest.raises(ValueError, match="noise_multiplier"):
        privacy.dp_sgd_gradient(small_ae, batch, l2_norm_clip=None, noise_multiplier=1.0,
                                expected_batch_size=6.0)
