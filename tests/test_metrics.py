"""autoencoder_lib.metrics: per-image errors in stated units; PSNR, SSIM against TensorFlow's."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from autoencoder_lib import metrics
from autoencoder_lib.reproducibility import quiet_tensorflow


def test_per_image_sse_and_mse_by_hand():
    x = np.array([[0.0, 0.0, 1.0, 1.0], [0.5, 0.5, 0.5, 0.5]])
    x_hat = np.array([[0.0, 1.0, 1.0, 0.0], [0.5, 0.5, 0.5, 0.0]])
    np.testing.assert_array_equal(metrics.per_image_sse(x, x_hat), [2.0, 0.25])
    np.testing.assert_array_equal(metrics.per_image_mse(x, x_hat), [0.5, 0.0625])


def test_image_shaped_input_gives_the_same_numbers_as_flat():
    rng = np.random.default_rng(0)
    x, x_hat = rng.random((5, 28, 28, 1)), rng.random((5, 28, 28, 1))
    np.testing.assert_allclose(
        metrics.per_image_sse(x, x_hat),
        metrics.per_image_sse(x.reshape(5, -1), x_hat.reshape(5, -1)),
    )


# --- PSNR and SSIM --------------------------------------------------------------


@pytest.fixture(scope="module")
def tf():
    if (
        "tensorflow" not in sys.modules
    ):  # silence start-up logs unless another module already imported it
        quiet_tensorflow()
    import tensorflow

    return tensorflow


@pytest.fixture(scope="module")
def image_pairs():
    """Random 'clean' images and noisy versions of them, (6, 28, 28, 1) float32 in [0, 1]."""
    rng = np.random.default_rng(0)
    clean = rng.random((6, 28, 28, 1)).astype(np.float32)
    noisy = np.clip(clean + 0.2 * rng.standard_normal(clean.shape), 0, 1).astype(np.float32)
    return clean, noisy


def test_psnr_matches_tf_image_psnr(tf, image_pairs):
    clean, noisy = image_pairs
    ours = metrics.psnr(clean, noisy)
    theirs = tf.image.psnr(clean, noisy, max_val=1.0).numpy()
    assert ours.shape == (6,)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)


def test_psnr_with_data_range_255_matches_tf(tf, image_pairs):
    clean, noisy = (255 * a for a in image_pairs)
    np.testing.assert_allclose(metrics.psnr(clean, noisy, data_range=255),
                               tf.image.psnr(clean, noisy, max_val=255.0).numpy(), rtol=1e-5)


def test_psnr_of_known_mse_is_exact():
    x = np.zeros((1, 4, 4))
    x_hat = np.full((1, 4, 4), 0.1)  # MSE 0.01 -> 20 dB
    assert metrics.psnr(x, x_hat)[0] == pytest.approx(20.0)


def test_psnr_of_identical_images_is_infinite_without_warning(image_pairs):
    clean, _ = image_pairs
    with np.errstate(all="raise"):
        assert np.all(np.isinf(metrics.psnr(clean, clean)))


def test_ssim_matches_tf_image_ssim(tf, image_pairs):
    clean, noisy = image_pairs
    ours = metrics.ssim(clean, noisy)
    theirs = tf.image.ssim(clean, noisy, max_val=1.0).numpy()
    assert ours.shape == (6,)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


@pytest.mark.parametrize("filter_size, filter_sigma", [(7, 1.0), (8, 1.2)])  # odd and even windows
def test_ssim_matches_tf_on_smooth_images_and_other_windows(tf, filter_size, filter_sigma):
    yy, xx = np.mgrid[0:32, 0:32] / 31.0
    clean = np.stack([np.sin(3 * xx + p) * yy * 0.5 + 0.5 for p in (0.0, 1.0)])[..., None].astype(
        np.float32
    )
    blurred = (0.7 * clean + 0.3 * clean.mean()).astype(np.float32)
    ours = metrics.ssim(clean, blurred, filter_size=filter_size, filter_sigma=filter_sigma)
    theirs = tf.image.ssim(
        clean, blurred, max_val=1.0, filter_size=filter_size, filter_sigma=filter_sigma
    ).numpy()
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


def test_ssim_accepts_images_without_channel_axis(image_pairs):
    clean, noisy = image_pairs
    np.testing.assert_allclose(
        metrics.ssim(clean[..., 0], noisy[..., 0]), metrics.ssim(clean, noisy)
    )


def test_ssim_is_one_for_identical_images_and_lower_for_noisier_ones(image_pairs):
    clean, noisy = image_pairs
    np.testing.assert_allclose(metrics.ssim(clean, clean), 1.0)
    noisier = np.clip(clean + 2 * (noisy - clean), 0, 1)
    assert np.all(metrics.ssim(clean, noisier) < metrics.ssim(clean, noisy))


# --- bad input: a clear error, never a silent wrong number ----------------------------

FLOAT01 = np.linspace(0, 1, 2 * 16 * 16, dtype=np.float32).reshape(2, 16, 16)
UINT8 = (FLOAT01 * 255).round().astype(np.uint8)


@pytest.mark.parametrize("metric", [metrics.psnr, metrics.ssim])
def test_8_bit_values_with_the_default_data_range_are_rejected_with_a_data_range_hint(metric):
    with pytest.raises(
        ValueError,
        match=r"x must lie in \[0, 1\] \(data_range=1\), got values in \[0, 255\];"
        r" 8-bit pixels \(0-255\)\? pass data_range=255",
    ):
        metric(FLOAT01 * 255, FLOAT01 * 255)


@pytest.mark.parametrize("metric", [metrics.psnr, metrics.ssim])
def test_8_bit_values_work_with_data_range_255(metric):
    assert np.all(metric(UINT8, UINT8, data_range=255) >= 1.0)


@pytest.mark.parametrize("metric", [metrics.psnr, metrics.ssim])
def test_images_in_0_1_with_data_range_255_are_rejected(metric):
    with pytest.raises(
        ValueError, match=r"both lie in \[0, 1\] but data_range=255: .* pass data_range=1.0"
    ):
        metric(FLOAT01, FLOAT01 * 0.9, data_range=255)


@pytest.mark.parametrize(
    "metric", [metrics.psnr, metrics.ssim, metrics.per_image_mse, metrics.per_image_sse]
)
def test_integer_next_to_float_images_are_rejected_naming_both_arguments(metric):
    with pytest.raises(
        TypeError, match=r"x is an integer array \(uint8\) but x_hat is floating point \(float32\)"
    ):
        metric(UINT8, FLOAT01)


@pytest.mark.parametrize("metric", [metrics.psnr, metrics.ssim])
def test_values_beyond_the_range_suggest_clipping(metric):
    over = FLOAT01 * 1.1
    with pytest.raises(ValueError, match=r"x_hat must lie in \[0, 1\].*np\.clip\(x_hat, 0, 1\)"):
        metric(FLOAT01, over)
    with pytest.raises(ValueError, match=r"x_hat must lie in \[0, 1\].*got values in \[-0\.5"):
        metric(FLOAT01, FLOAT01 - 0.5)


@pytest.mark.parametrize("metric", [metrics.psnr, metrics.ssim])
def test_rounding_just_beyond_the_range_is_tolerated(metric):
    one_ulp_above = np.nextafter(FLOAT01, np.float32(2))  # 1 + 1.2e-7 at the top
    assert metric(FLOAT01, one_ulp_above).shape == (2,)
    with pytest.raises(ValueError, match="x_hat must lie"):
        metric(FLOAT01, FLOAT01 * np.float32(1 + 1e-4))  # beyond the 1e-5 slack

