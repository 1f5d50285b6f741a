"""autoencoder_lib.models: the dense builder's shapes, weight sharing and validation."""

from __future__ import annotations

import numpy as np
import pytest

from autoencoder_lib.models import build_dense_autoencoder
from autoencoder_lib.reproducibility import set_seed


@pytest.fixture(scope="module")
def parts():
    set_seed(0)
    return build_dense_autoencoder(20, 3, hidden_units=[8, 5])


def test_shapes_of_encoder_decoder_and_autoencoder(parts):
    assert parts.encoder.input_shape == (None, 20)
    assert parts.encoder.output_shape == (None, 3)
    assert parts.decoder.input_shape == (None, 3)
    assert parts.decoder.output_shape == (None, 20)
    assert parts.autoencoder.output_shape == (None, 20)


def test_decoder_mirrors_encoder_widths(parts):
    enc = [layer.units for layer in parts.encoder.layers[1:]]
    dec = [layer.units for layer in parts.decoder.layers[1:]]
    assert enc == [8, 5, 3]
    assert dec == [5, 8, 20]
    assert [layer.name for layer in parts.encoder.layers[1:]] == [
        "enc_dense_1",
        "enc_dense_2",
        "code",
    ]


def test_autoencoder_is_decoder_after_encoder_with_shared_weights(parts):
    x = np.random.default_rng(0).random((4, 20)).astype("float32")
    np.testing.assert_allclose(
        parts.autoencoder.predict(x, verbose=0),
        parts.decoder.predict(parts.encoder.predict(x, verbose=0), verbose=0),
        rtol=1e-6, atol=1e-6,
    )
    assert len(parts.autoencoder.trainable_weights) == (
        len(parts.encoder.trainable_weights) + len(parts.decoder.trainable_weights)
    )


def test_activations_default_to_linear_code_and_sigmoid_output(parts):
    assert parts.encoder.get_layer("code").get_config()["activation"] == "linear"
    assert parts.decoder.get_layer("reconstruction").get_config()["activation"] == "sigmoid"
    x = np.random.default_rng(1).normal(size=(16, 20)).astype("float32") * 10
    out = parts.autoencoder.predict(x, verbose=0)
    assert out.min() >= 0.0 and out.max() <= 1.0


def test_linear_output_for_unbounded_data():
    p = build_dense_autoencoder(4, 2, output_activation=None)
    assert p.decoder.get_layer("reconstruction").get_config()["activation"] == "linear"
    assert len(p.encoder.layers) == 2  # input + code, no hidden layer

