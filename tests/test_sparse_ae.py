"""autoencoder_lib.sparse_ae: the TopK and L1/ReLU sparse autoencoders in Keras."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from autoencoder_lib import sae_metrics as M
from autoencoder_lib import sparse_ae as S


def test_topk_keeps_exactly_k_positive_values_per_row():
    rng = np.random.default_rng(0)
    x = rng.uniform(0.1, 1.0, size=(64, 40)).astype("float32")
    out = keras.ops.convert_to_numpy(S.TopK(5)(x))
    assert (np.count_nonzero(out, axis=1) == 5).all()
    kept = np.sort(x, axis=1)[:, -5:]
    assert np.allclose(np.sort(out, axis=1)[:, -5:], kept)


def test_topk_applies_relu_to_the_kept_values():
    x = np.array([[-1.0, -2.0, -3.0, 0.5]], dtype="float32")
    out = keras.ops.convert_to_numpy(S.TopK(2)(x))
    assert out.tolist() == [[0.0, 0.0, 0.0, 0.5]]


def test_l1_penalty_adds_the_stated_formula():
    layer = S.L1Penalty(0.5)
    z = np.array([[1.0, -2.0], [0.0, 3.0]], dtype="float32")
    out = layer(z)
    assert np.allclose(keras.ops.convert_to_numpy(out), z)
    assert float(layer.losses[0]) == pytest.approx(0.5 * (3.0 + 3.0) / 2)


@pytest.mark.parametrize("kind", ["topk", "relu"])
def test_decoder_columns_stay_unit_norm_after_training(kind):
    keras.utils.set_random_seed(0)
    toy = M.make_superposition_data(512, dim=6, n_features=12, p=0.1)
    parts = S.build_sparse_autoencoder(6, 24, kind=kind, k=3, l1=1e-2)
    S.fit_sparse_autoencoder(parts, toy.x, epochs=2, batch_size=64, learning_rate=1e-2)
    norms = np.linalg.norm(S.decoder_directions(parts), axis=1)
    assert np.allclose(norms, 1.0, atol=1e-5)
    z = S.encode(parts, toy.x, batch_size=100)
    assert z.shape == (512, 24) and (z >= 0).all()
    if kind == "topk":
        assert M.l0_per_example(z).max() <= 3


def test_without_the_constraint_decoder_norms_drift():
    keras.utils.set_random_seed(0)
    toy = M.make_superposition_data(512, dim=6, n_features=12, p=0.1)
    parts = S.build_sparse_autoencoder(6, 24, kind="relu", unit_norm_decoder=False)
    S.fit_sparse_autoencoder(parts, toy.x, epochs=2, batch_size=64, learning_rate=1e-2)
    assert not np.allclose(np.linalg.norm(S.decoder_directions(parts), axis=1), 1.0, atol=1e-3)


def test_fit_starts_the_biases_from_the_data_mean():
    rng = np.random.default_rng(0)
    x = rng.uniform(0.0, 1.0, size=(256, 5)).astype("float32")  # all positive, like ReLUs
    parts = S.build_sparse_autoencoder(5, 9, kind="relu", l1=0.0)
    S.fit_sparse_autoencoder(parts, x, epochs=1, batch_size=256, learning_rate=1e-12)
    mean = x.mean(axis=0)
    assert np.allclose(parts.decoder.get_layer("dictionary").bias.numpy(), mean, atol=1e-5)
    encode = parts.encoder.get_layer("encode")
    pre = mean @ encode.kernel.numpy() + encode.bias.numpy()
    assert np.allclose(pre, 0.0, atol=1e-5)


def test_encoder_starts_as_the_transpose_of_the_dictionary():
    parts = S.build_sparse_autoencoder(5, 9, seed=2)
    assert np.allclose(parts.encoder.get_layer("encode").kernel.numpy(),
                       S.decoder_directions(parts).T)


@pytest.mark.parametrize("call, arg", [
    (lambda: S.TopK(0), "k"),
    (lambda: S.L1Penalty(-1.0), "l1"),
    (lambda: S.build_sparse_autoencoder(4, 8, kind="gated"), "kind"),
    (lambda: S.build_sparse_autoencoder(4, 8, k=9), "k"),
    (lambda: S.build_sparse_autoencoder(0, 8), "dim"),
    (lambda: S.build_sparse_autoencoder(4, 8, unit_norm_decoder=1), "unit_norm_decoder"),
    (lambda: S.encode("model", np.ones((2, 4), dtype="float32")), "parts"),
    (lambda: S.encode(S.build_sparse_autoencoder(4, 8), np.ones((2, 3), dtype="float32")), "x"),
    (lambda: S.fit_sparse_autoencoder(S.build_sparse_autoencoder(4, 8),
                                      np.ones((2, 4), dtype="float32"), epochs=0), "epochs"),
    (lambda: S.fit_sparse_autoencoder(S.build_sparse_autoencoder(4, 8),
                                      np.ones((2, 4), dtype="float32"), centre=1), "centre"),
])
def test_bad_input_names_the_argument(call, arg):
    with pytest.raises((ValueError, TypeError), match=arg):
        call()
