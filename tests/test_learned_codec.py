"""autoencoder_lib.learned_codec: GDN, the two entropy models, the noise/rounding paths
and real bytes with the scale table (tiny models; bad arguments are rows of
tests/test_validation.py)."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import ops

from autoencoder_lib import learned_codec as lc
from autoencoder_lib.reproducibility import set_seed


def _codec(**kwargs) -> lc.HyperpriorCodec:
    set_seed(0)
    args = {"lam": 1.0, "filters": 8, "latent_channels": 4, "hyper_channels": 4} | kwargs
    model = lc.HyperpriorCodec(**args)
    model.build()
    return model


def _images(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 28, 28, 1)).astype(np.float32)


@pytest.fixture(scope="module")
def codec():
    return _codec()


# --- GDN ---------------------------------------------------------------------------


@pytest.mark.parametrize("inverse", [False, True])
def test_gdn_follows_its_formula(inverse):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 5, 5, 3)).astype(np.float32)
    layer = lc.GDN(inverse=inverse)
    layer.build(x.shape)
    beta_raw = rng.uniform(0.5, 2.0, size=3).astype(np.float32)
    gamma_raw = rng.uniform(-1.0, 1.0, size=(3, 3)).astype(np.float32)
    layer.set_weights([beta_raw, gamma_raw])
    beta = beta_raw.astype(np.float64) ** 2 + 1e-6
    gamma = gamma_raw.astype(np.float64) ** 2
    norm = np.sqrt(beta + np.einsum("ij,...j->...i", gamma, x.astype(np.float64) ** 2))
    expected = x * norm if inverse else x / norm
    out = ops.convert_to_numpy(layer(x))
    assert out.shape == x.shape
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ops.convert_to_numpy(layer.beta), beta, rtol=1e-6)
    np.testing.assert_allclose(ops.convert_to_numpy(layer.gamma), gamma, rtol=1e-6)


def test_gdn_starts_as_beta_one_gamma_a_tenth_of_the_identity():
    layer = lc.GDN()
    layer.build((None, 4))
    np.testing.assert_allclose(ops.convert_to_numpy(layer.beta), np.ones(4) + 1e-6, rtol=1e-6)
    np.testing.assert_allclose(ops.convert_to_numpy(layer.gamma), 0.1 * np.eye(4), atol=1e-7)


def test_gdn_and_its_inverse_rebuild_from_their_config():
    for layer in (lc.GDN(name="gdn"), lc.GDN(inverse=True, name="igdn")):
        config = keras.saving.serialize_keras_object(layer)
        assert config["registered_name"] == "autoencoder_lib>GDN"
        clone = keras.saving.deserialize_keras_object(config)
        assert type(clone) is lc.GDN and clone.get_config() == layer.get_config()
        assert clone.inverse is layer.inverse


# --- noise in training, rounding at test time ----------------------------------------


def test_perturb_adds_uniform_noise_in_training_and_rounds_at_test_time(codec):
    v = np.linspace(-3.0, 3.0, 2001, dtype=np.float32)
    noisy = ops.convert_to_numpy(codec._perturb(v, training=True))
    delta = noisy - v
    assert np.all(np.abs(delta) <= 0.5 + 1e-6)
    assert delta.std() == pytest.approx(1 / np.sqrt(12), rel=0.1)  # U(-1/2, 1/2)
    np.testing.assert_array_equal(ops.convert_to_numpy(codec._perturb(v, training=False)),
                                  np.round(v))


def test_training_and_test_bits_differ_and_test_bits_are_deterministic(codec):
    x = _images(4)
    _, bits_train = codec(x, training=True)
    _, bits_test = codec(x, training=False)
    _, bits_again = codec(x, training=False)
    bits_train, bits_test = ops.convert_to_numpy(bits_train), ops.convert_to_numpy(bits_test)
    assert bits_train.shape == bits_test.shape == (4,)
    assert np.all(bits_test > 0) and not np.allclose(bits_train, bits_test)
    np.testing.assert_array_equal(bits_test, ops.convert_to_numpy(bits_again))


def test_the_decoder_sees_rounded_latents_in_training_with_decoder_rounding(codec):
    x = _images(3)
    y = codec.g_a(x)
    rounded = ops.convert_to_numpy(codec.g_s(ops.round(y)))
    x_hat, _ = codec(x, training=True)
    np.testing.assert_allclose(ops.convert_to_numpy(x_hat), rounded, atol=1e-5)
    codec.decoder_rounding = False  # the noisy latents instead
    try:
        x_hat_noisy, _ = codec(x, training=True)
    finally:
        codec.decoder_rounding = True
    assert np.abs(ops.convert_to_numpy(x_hat_noisy) - rounded).max() > 1e-4


def test_the_straight_through_gradient_reaches_the_analysis_transform(codec):
    import tensorflow as tf

    x = _images(2)
    with tf.GradientTape() as tape:
        x_hat, _ = codec(x, training=True)
        loss = ops.sum(ops.square(x_hat - x))  # distortion only: through g_s and the rounding
    grads = tape.gradient(loss, codec.g_a.trainable_variables)
    assert all(g is not None for g in grads)
    assert max(float(ops.max(ops.abs(g))) for g in grads) > 0


def test_one_training_step_reports_bits_and_mse():
    model = _codec()
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    history = model.fit(_images(64), batch_size=32, epochs=1, verbose=0)
    assert set(history.history) >= {"loss", "bits", "mse"}
    assert all(np.isfinite(v[0]) for v in history.history.values())


# --- scales and likelihoods ------------------------------------------------------------


def test_the_hyper_decoder_predicts_non_negative_scales(codec):
    z = np.random.default_rng(2).normal(scale=3.0, size=(5, 3, 3, 4)).astype(np.float32)
    sigma = ops.convert_to_numpy(codec.h_s(z))
    assert sigma.shape == (5, 7, 7, 4) and np.all(sigma >= 0)


def test_gaussian_likelihood_is_a_probability_floored_at_likelihood_min():
    y = np.array([0.0, 0.3, -1.0, 2.0, 7.5, -40.0, 1e4])
    for scale in (0.0, 1e-3, lc.SCALE_MIN, 1.0, 30.0, 1e3):
        p = ops.convert_to_numpy(lc.gaussian_likelihood(y, np.full_like(y, scale)))
        assert np.all(p >= lc.LIKELIHOOD_MIN) and np.all(p <= 1.0)
    p = ops.convert_to_numpy(lc.gaussian_likelihood(y, np.full_like(y, 1.0)))
    assert p[-1] == lc.LIKELIHOOD_MIN  # far in the tail: the floor
    np.testing.assert_allclose(  # symmetric in y, below SCALE_MIN the same as SCALE_MIN
        ops.convert_to_numpy(lc.gaussian_likelihood(-y, np.full_like(y, 1e-3))),
        ops.convert_to_numpy(lc.gaussian_likelihood(y, np.full_like(y, lc.SCALE_MIN))))


def test_scale_indices_round_up_to_the_table():
    table = lc.SCALE_TABLE
    assert table[0] == pytest.approx(lc.SCALE_MIN) and table[-1] == pytest.approx(64.0)
    assert np.all(np.diff(table) > 0)
    scales = np.exp(np.random.default_rng(3).uniform(np.log(0.01), np.log(100.0), 500))
    idx = lc.scale_indices(scales)
    assert idx.dtype == np.int32 and idx.shape == scales.shape
    inside = scales <= table[-1]
    assert np.all(table[idx[inside]] >= scales[inside])  # the smallest entry >= the scale
    above_previous = idx[inside] == 0
    above_previous |= table[np.maximum(idx[inside] - 1, 0)] < scales[inside]
    assert np.all(above_previous)
    assert np.all(idx[~inside] == table.size - 1)  # past the end: clipped to the last entry
    np.testing.assert_array_equal(lc.scale_indices(table[[0, 5, 63]]), [0, 5, 63])
    np.testing.assert_array_equal(lc.scale_indices(np.zeros((2, 3))), np.zeros((2, 3)))


def test_gaussian_pmf_table_rows_are_the_likelihood_at_the_integers():
    radius = 8
    table = lc.gaussian_pmf_table(radius)
    assert table.shape == (lc.SCALE_TABLE.size, 2 * radius + 1) and table.dtype == np.float64
    np.testing.assert_allclose(table.sum(axis=1), 1.0, rtol=1e-12)
    k = np.arange(-radius + 1, radius)  # away from the end symbols, which hold the tails
    for i in (0, 20, 40, 63):
        p = ops.convert_to_numpy(lc.gaussian_likelihood(k.astype(np.float64),
                                                       np.full(k.size, lc.SCALE_TABLE[i])))
        big = table[i, 1:-1] > 1e-6
        np.testing.assert_allclose(table[i, 1:-1][big], p[big], rtol=1e-6)


def test_factorized_prior_is_a_distribution_matching_its_table():
    set_seed(0)
    prior = lc.FactorizedPrior()
    radius, channels = 6, 3
    grid = np.arange(-radius, radius + 1, dtype=np.float32)
    x = np.repeat(grid[:, None], channels, axis=1).reshape(1, -1, 1, channels)
    p = ops.convert_to_numpy(prior(x)).reshape(-1, channels).T  # (channels, 2R+1)
    table = prior.pmf_table(radius)
    assert table.shape == (channels, 2 * radius + 1) and table.dtype == np.float64
    np.testing.assert_allclose(table.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(table[:, 1:-1], p[:, 1:-1], rtol=1e-4, atol=1e-7)
    assert np.all(table[:, [0, -1]] >= p[:, [0, -1]] - 1e-7)  # the end symbols add the tails
    noisy = ops.convert_to_numpy(prior(np.random.default_rng(4).normal(size=(2, 3, 3, 3)) * 5))
    assert np.all(noisy >= lc.LIKELIHOOD_MIN) and np.all(noisy <= 1.0)


# --- real bytes ------------------------------------------------------------------------


def test_compress_then_decompress_gives_back_the_symbols_and_the_reconstruction(codec):
    x = _images(5)
    out = codec.compress(x)
    assert isinstance(out, lc.Compressed) and isinstance(out.data, bytes)
    assert out.y.shape == (5, 7, 7, 4) and out.z.shape == (5, 3, 3, 4) and out.clipped == 0
    np.testing.assert_array_equal(out.y, np.rint(ops.convert_to_numpy(codec.g_a(x))))
    images, y, z = codec.decompress(out.data, 5)
    np.testing.assert_array_equal(y, out.y)
    np.testing.assert_array_equal(z, out.z)
    assert images.shape == (5, 28, 28, 1) and images.dtype == np.float32
    assert images.min() >= 0.0 and images.max() <= 1.0
    expected = np.clip(ops.convert_to_numpy(codec.g_s(out.y.astype(np.float32))), 0, 1)
    np.testing.assert_allclose(images, expected, atol=1e-6)
    # One stream: the range coder's bits are the ideal code length plus at most two words.
    bits, ideal = 8 * len(out.data), out.ideal_bits.sum()
    assert out.ideal_bits.shape == (5, 2) and np.all(out.ideal_bits > 0)
    assert ideal - 8 <= bits <= ideal + 64, (bits, ideal)
    assert out.bits_per_image == pytest.approx(bits / 5)


def test_the_ideal_bits_match_the_model_at_test_time(codec):
    """Rounding the scales up to the table costs a little, never much, on these images."""
    x = _images(5, seed=7)
    out = codec.compress(x)
    _, bits = codec(x, training=False)
    np.testing.assert_allclose(out.ideal_bits.sum(axis=1), ops.convert_to_numpy(bits), rtol=0.1)


def test_the_stream_is_deterministic_and_decodes_image_by_image(codec):
    x = _images(3, seed=5)
    whole = codec.compress(x)
    assert codec.compress(x).data == whole.data
    _, y, z = codec.decompress(whole.data, 2)  # a prefix of the images
    np.testing.assert_array_equal(y, whole.y[:2])
    np.testing.assert_array_equal(z, whole.z[:2])
    empty = codec.decompress(b"", 0)
    assert [a.shape for a in empty] == [(0, 28, 28, 1), (0, 7, 7, 4), (0, 3, 3, 4)]


def test_compress_accepts_images_without_the_channel_axis(codec):
    x = _images(2, seed=6)
    assert codec.compress(x[..., 0]).data == codec.compress(x).data


def test_a_saved_codec_writes_the_same_bytes(tmp_path, codec):
    path = tmp_path / "codec.keras"
    codec.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is lc.HyperpriorCodec
    assert loaded.get_config() == codec.get_config()
    x = _images(2, seed=8)
    assert loaded.compress(x).data == codec.compress(x).data


def test_the_tables_are_the_same_on_both_sides(codec):
    z_table, y_table = codec.coding_tables()
    assert z_table.shape == (4, 2 * codec.Z_RADIUS + 1)
    assert y_table.shape == (lc.SCALE_TABLE.size, 2 * codec.Y_RADIUS + 1)
    np.testing.assert_array_equal(y_table, lc.gaussian_pmf_table(codec.Y_RADIUS))
    np.testing.assert_array_equal(z_table, codec.z_prior.pmf_table(codec.Z_RADIUS))
