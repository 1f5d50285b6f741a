"""autoencoder_lib.vae: KL closed form, IWAE bound on a toy with a known likelihood, the VAE."""

from __future__ import annotations

import numpy as np
import pytest

from autoencoder_lib import vae
from autoencoder_lib.reproducibility import set_seed

# --------------------------------------------------------------------------
# KL term
# --------------------------------------------------------------------------

def test_kl_closed_form_matches_monte_carlo():
    rng = np.random.default_rng(0)
    mean = np.array([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]], dtype=np.float32)
    log_var = np.array([[-1.0, 0.3, 0.5], [0.0, 0.0, 0.0]], dtype=np.float32)
    exact = np.asarray(vae.kl_divergence_normal(mean, log_var))
    n = 400_000
    std = np.exp(0.5 * log_var[0].astype(np.float64))
    z = mean[0] + std * rng.standard_normal((n, 3))
    log_q = -0.5 * np.sum(((z - mean[0]) / std) ** 2 + np.log(2 * np.pi) + log_var[0], axis=1)
    log_p = -0.5 * np.sum(z**2 + np.log(2 * np.pi), axis=1)
    mc = (log_q - log_p).mean()
    se = (log_q - log_p).std() / np.sqrt(n)
    assert abs(exact[0] - mc) < 4 * se
    assert exact[1] == pytest.approx(0.0, abs=1e-7)  # q equal to the prior
    assert exact.shape == (2,)


def test_kl_is_positive_and_grows_away_from_the_prior():
    log_var = np.zeros((3, 2), dtype=np.float32)
    mean = np.array([[0.1, 0.0], [1.0, 0.0], [2.0, 0.0]], dtype=np.float32)
    kl = np.asarray(vae.kl_divergence_normal(mean, log_var))
    np.testing.assert_allclose(kl, 0.5 * mean[:, 0] ** 2, rtol=1e-5, atol=1e-6)  # float32
    assert np.all(np.diff(kl) > 0)


# --------------------------------------------------------------------------
# IWAE on a linear-Gaussian toy with an exact log-likelihood
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def toy():
    rng = np.random.default_rng(3)
    W = rng.normal(size=(5, 2))
    b = rng.normal(size=5)
    model = vae.LinearGaussianToy(W, b, noise_std=0.5, mean_shift=0.4, std_scale=1.5)
    return model, model.sample(2_000, seed=4)


def test_iwae_is_below_log_likelihood_above_elbo_and_monotone_in_k(toy):
    model, x = toy
    log_px = model.log_likelihood(x).mean()
    bounds = {
        k: vae.iwae_bound(model, x, k, batch_size=256, seed=5).mean() for k in (1, 10, 100, 1000)
    }
    elbo = bounds[1]
    assert all(bounds[k] <= log_px for k in bounds), (bounds, log_px)
    assert bounds[1] < bounds[10] < bounds[100] < bounds[1000], bounds
    assert all(bounds[k] >= elbo for k in bounds)
    # A bad proposal leaves a real gap at k = 1 that importance weighting mostly closes.
    assert log_px - bounds[1] > 0.5
    assert log_px - bounds[1000] < 0.2 * (log_px - bounds[1])


def test_one_sample_bound_estimates_the_exact_elbo(toy):
    model, x = toy
    # q = N(posterior mean + delta, c² Σ): ELBO = log p(x) - KL(q || posterior), in closed form.
    m, c = model.W.shape[1], model.std_scale
    delta = np.full(m, model.mean_shift)
    kl = 0.5 * (m * c**2 + delta @ np.linalg.inv(model.post_cov) @ delta - m - 2 * m * np.log(c))
    elbo = model.log_likelihood(x) - kl
    l1 = vae.iwae_bound(model, x, 1, seed=11)
    se = np.std(l1 - elbo) / np.sqrt(len(x))
    assert abs(np.mean(l1 - elbo)) < 4 * se


def test_iwae_is_exact_with_the_true_posterior():
    rng = np.random.default_rng(6)
    model = vae.LinearGaussianToy(rng.normal(size=(4, 2)), np.zeros(4), noise_std=0.3)
    x = model.sample(50, seed=7)
    np.testing.assert_allclose(vae.iwae_bound(model, x, 3), model.log_likelihood(x), atol=1e-9)


def test_iwae_batching_does_not_change_the_estimate_with_the_true_posterior():
    rng = np.random.default_rng(8)
    model = vae.LinearGaussianToy(rng.normal(size=(3, 1)), np.ones(3), noise_std=1.0)
    x = model.sample(37, seed=9)
    a = vae.iwae_bound(model, x, 5, batch_size=10)
    b = vae.iwae_bound(model, x, 5, batch_size=37)
    np.testing.assert_allclose(a, b, atol=1e-9)
    assert a.shape == (37,)


def test_log_mean_exp_is_stable_for_large_values():
    a = np.array([[1000.0, 1000.0], [-1000.0, -1000.0 + np.log(3.0)]])
    np.testing.assert_allclose(
        vae.log_mean_exp(a, axis=1), [1000.0, -1000.0 + np.log(2.0)], rtol=1e-12
    )
    assert np.isneginf(vae.log_mean_exp(np.array([-np.inf, -np.inf])))


# --------------------------------------------------------------------------
# The Keras model
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_vae():
    import keras

    set_seed(0)
    encoder, decoder = vae.build_dense_vae(12, 2, hidden_units=[8])
    model = vae.VAE(encoder, decoder, beta=1.0, seed=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    x = (np.random.default_rng(0).random((64, 12)) < 0.3).astype("float32")
    history = model.fit(x, epochs=2, batch_size=16, verbose=0)
    return model, x, history


def test_logged_total_is_reconstruction_plus_kl(small_vae):
    model, x, history = small_vae
    h = history.history
    np.testing.assert_allclose(np.add(h["reconstruction"], h["kl"]), h["neg_elbo"], rtol=1e-5)
    np.testing.assert_allclose(h["loss"], h["neg_elbo"], rtol=1e-5)  # beta = 1
    r = model.evaluate(x[:16], batch_size=16, verbose=0, return_dict=True)
    assert r["neg_elbo"] == pytest.approx(r["reconstruction"] + r["kl"], rel=1e-5)
    assert r["kl"] > 0 and r["reconstruction"] > 0


def test_reconstruction_is_summed_bce_from_logits(small_vae):
    model, x, _ = small_vae
    recon, kl = model.loss_terms(x[:4])
    assert np.asarray(recon).shape == (4,) and np.asarray(kl).shape == (4,)
    # Bernoulli NLL of 12 pixels: between 0 and 12 * log(1 / min p); an untrained-ish model is
    # near 12 * log 2.
    assert 0 < float(np.mean(recon)) < 12 * np.log(2) * 3


def test_beta_weights_only_the_training_objective():
    import keras

    set_seed(1)
    encoder, decoder = vae.build_dense_vae(6, 2, hidden_units=[4])
    model = vae.VAE(encoder, decoder, beta=4.0, seed=1)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    x = (np.random.default_rng(1).random((32, 6)) < 0.5).astype("float32")
    r = model.evaluate(x, batch_size=32, verbose=0, return_dict=True)
    assert r["loss"] == pytest.approx(r["reconstruction"] + 4.0 * r["kl"], rel=1e-5)
    assert r["neg_elbo"] == pytest.approx(r["reconstruction"] + r["kl"], rel=1e-5)


def test_vae_iwae_bounds_tighten_with_k(small_vae):
    model, x, _ = small_vae
    b1 = vae.iwae_bound(model, x, 1, seed=0).mean()
    b50 = vae.iwae_bound(model, x, 50, seed=0).mean()
    assert b50 > b1
    assert np.all(np.isfinite(vae.iwae_bound(model, x, 50, batch_size=7)))


def test_vae_call_gives_probabilities(small_vae):
    model, x, _ = small_vae
    p = np.asarray(model(x[:3]))
    assert p.shape == (3, 12) and p.min() >= 0 and p.max() <= 1


def test_vae_round_trips_through_a_keras_file(small_vae, tmp_path):
    import keras

    model, x, _ = small_vae
    model.save(tmp_path / "vae.keras")
    loaded = keras.saving.load_model(tmp_path / "vae.keras")
    assert isinstance(loaded, vae.VAE) and loaded.beta == model.beta
    np.testing.assert_array_equal(np.asarray(loaded(x[:5])), np.asarray(model(x[:5])))


def test_sampling_layer_uses_mean_and_variance():
    layer = vae.Sampling(seed=0)
    mean = np.full((20_000, 1), 2.0, dtype="float32")
    log_var = np.full((20_000, 1), np.log(0.25), dtype="float32")
    z = np.asarray(layer([mean, log_var]))
    assert z.mean() == pytest.approx(2.0, abs=0.02)
    assert z.std() == pytest.approx(0.5, abs=0.02)


def test_binarize_draws_bernoulli_pixels_and_validates():
    x = np.full((200, 100), 0.3, dtype=np.float32)
    b = vae.binarize(x, seed=0)
    assert set(np.unique(b)) <= {0.0, 1.0}
    assert b.mean() == pytest.approx(0.3, abs=0.01)
    np.testing.assert_array_equal(b, vae.binarize(x, seed=0))

