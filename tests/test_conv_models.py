"""autoencoder_lib.models.build_conv_autoencoder (the dense builder: tests/test_models.py)."""

import sys

import numpy as np
import pytest

from autoencoder_lib.reproducibility import quiet_tensorflow

if (
    "tensorflow" not in sys.modules
):  # silence start-up logs unless another module already imported it
    quiet_tensorflow()

from autoencoder_lib import models  # noqa: E402


@pytest.mark.parametrize("upsampling", ["transpose", "resize"])
def test_conv_autoencoder_restores_the_input_shape_through_a_vector_code(upsampling):
    encoder, decoder, autoencoder = models.build_conv_autoencoder(
        (28, 28, 1), 16, filters=(8, 16), upsampling=upsampling
    )
    assert encoder.output_shape == (None, 16)
    assert decoder.input_shape == (None, 16)
    assert autoencoder.output_shape == (None, 28, 28, 1)
    x = np.random.default_rng(0).random((3, 28, 28, 1)).astype(np.float32)
    out = autoencoder.predict(x, verbose=0)
    assert out.shape == x.shape and out.min() >= 0 and out.max() <= 1  # sigmoid output
    np.testing.assert_allclose(
        out, decoder.predict(encoder.predict(x, verbose=0), verbose=0), atol=1e-6
    )


def test_decoder_mirrors_the_encoder_stage_by_stage():
    _, decoder, autoencoder = models.build_conv_autoencoder((28, 28, 1), 32, filters=(32, 64))
    encoder = autoencoder.get_layer("conv_ae_encoder")
    assert encoder.get_layer("enc_conv_1").output.shape == (None, 14, 14, 32)
    assert encoder.get_layer("enc_conv_2").output.shape == (None, 7, 7, 64)
    assert decoder.get_layer("dec_reshape").output.shape == (None, 7, 7, 64)
    assert decoder.get_layer("dec_tconv_1").output.shape == (None, 14, 14, 32)
    assert decoder.get_layer("reconstruction").output.shape == (None, 28, 28, 1)
    assert [type(layer).__name__ for layer in decoder.layers[-2:]] == ["Conv2DTranspose"] * 2
    assert decoder.get_layer("reconstruction").activation.__name__ == "sigmoid"
    assert decoder.get_layer("dec_tconv_1").activation.__name__ == "relu"


def test_three_stages_and_several_channels():
    _, decoder, autoencoder = models.build_conv_autoencoder((32, 16, 3), 4, filters=(4, 8, 16))
    assert decoder.get_layer("dec_reshape").output.shape == (None, 4, 2, 16)
    assert decoder.get_layer("dec_tconv_1").output.shape == (None, 8, 4, 8)
    assert decoder.get_layer("dec_tconv_2").output.shape == (None, 16, 8, 4)
    assert autoencoder.output_shape == (None, 32, 16, 3)


def test_resize_upsampling_uses_nearest_neighbour_then_convolution():
    _, decoder, _ = models.build_conv_autoencoder(
        (16, 16, 3), 8, filters=(4, 6), upsampling="resize"
    )
    assert type(decoder.get_layer("dec_up_1")).__name__ == "UpSampling2D"
    assert decoder.get_layer("dec_up_1").interpolation == "nearest"
    assert decoder.get_layer("dec_conv_1").output.shape == (None, 8, 8, 4)
    assert type(decoder.get_layer("reconstruction")).__name__ == "Conv2D"
    assert decoder.output_shape == (None, 16, 16, 3)
    assert not any(type(layer).__name__ == "Conv2DTranspose" for layer in decoder.layers)


def test_fully_convolutional_variant_keeps_a_spatial_code():
    encoder, decoder, autoencoder = models.build_conv_autoencoder(
        (28, 28, 1), None, filters=(8, 16)
    )
    assert encoder.output_shape == (None, 7, 7, 16)
    assert decoder.input_shape == (None, 7, 7, 16)
    assert autoencoder.output_shape == (None, 28, 28, 1)
    assert not any(
        type(layer).__name__ in ("Dense", "Flatten") for layer in encoder.layers + decoder.layers
    )


def test_parameter_count_of_the_default_model_is_the_one_computed_by_hand():
    _, _, autoencoder = models.build_conv_autoencoder((28, 28, 1), 32, filters=(32, 64))
    by_hand = (
        (3 * 3 * 1 * 32 + 32) + (3 * 3 * 32 * 64 + 64) + (7 * 7 * 64 * 32 + 32)  # encoder
        + (32 * 7 * 7 * 64 + 7 * 7 * 64) + (3 * 3 * 64 * 32 + 32) + (3 * 3 * 32 * 1 + 1)  # decoder
    )
    assert autoencoder.count_params() == by_hand



def test_a_size_the_decoder_cannot_restore_is_rejected_with_the_reason():
    with pytest.raises(
        ValueError, match=r"divisible by 2\*\*len\(filters\) = 4.*input_shape=\(30, 28, 1\)"
    ):
        models.build_conv_autoencoder((30, 28, 1), 8)
