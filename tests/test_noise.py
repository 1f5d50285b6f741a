"""Tests of autoencoder_lib.noise: clipped Gaussian noise and the denoising training batches."""

import sys

import numpy as np
import pytest

from autoencoder_lib import noise
from autoencoder_lib.reproducibility import quiet_tensorflow


@pytest.fixture()
def images():
    """Fifty 'images' of shape (50, 8, 8, 1): half black background, half mid-grey."""
    x = np.zeros((50, 8, 8, 1), dtype=np.float32)
    x[:, :, 4:] = 0.5
    return x


def test_noise_is_clipped_to_unit_range_and_keeps_shape_and_dtype(images):
    noisy = noise.add_gaussian_noise(images, 0.5, seed=1)
    assert noisy.shape == images.shape and noisy.dtype == np.float32
    assert noisy.min() >= 0.0 and noisy.max() <= 1.0
    assert not np.shares_memory(noisy, images)


def test_noise_has_the_requested_standard_deviation_without_clipping(images):
    noisy = noise.add_gaussian_noise(images, 0.3, seed=2, clip=None)
    assert np.std(noisy - images) == pytest.approx(0.3, rel=0.05)


def test_clipping_on_black_background_keeps_only_positive_noise(images):
    noisy = noise.add_gaussian_noise(images, 0.3, seed=3)
    background = (noisy - images)[:, :, :4]
    assert background.min() == 0.0
    # E[max(0, e)^2] = sigma^2 / 2 for e ~ N(0, sigma^2)
    assert np.mean(background**2) == pytest.approx(0.3**2 / 2, rel=0.1)


def test_same_seed_same_noise_other_seed_other_noise(images):
    a = noise.add_gaussian_noise(images, 0.1, seed=7)
    assert np.array_equal(a, noise.add_gaussian_noise(images, 0.1, seed=7))
    assert not np.array_equal(a, noise.add_gaussian_noise(images, 0.1, seed=8))


def test_zero_sigma_returns_the_images_unchanged(images):
    assert np.array_equal(noise.add_gaussian_noise(images, 0.0), images)


def test_noisy_pairs_yields_noisy_inputs_and_clean_targets(images):
    batches = noise.noisy_pairs(images, 0.3, batch_size=16, seed=0)
    assert len(batches) == 4  # 16 + 16 + 16 + 2
    noisy, clean = batches[3]
    assert noisy.shape == clean.shape == (2, 8, 8, 1)
    seen = np.concatenate([batches[i][1] for i in range(len(batches))])
    assert sorted(map(bytes, seen)) == sorted(map(bytes, images))  # every image exactly once
    noisy, clean = batches[0]
    assert not np.array_equal(noisy, clean) and noisy.min() >= 0 and noisy.max() <= 1


def test_noisy_pairs_draws_new_noise_each_epoch_reproducibly(images):
    first = noise.noisy_pairs(images, 0.3, batch_size=10, seed=0, shuffle=False)
    again = noise.noisy_pairs(images, 0.3, batch_size=10, seed=0, shuffle=False)
    epoch0 = first[0][0]
    assert np.array_equal(epoch0, first[0][0])  # asking twice within an epoch: same batch
    assert np.array_equal(epoch0, again[0][0])  # same seed: same noise
    first.on_epoch_end()
    assert np.array_equal(first[0][1], again[0][1])  # no shuffle: same clean images ...
    assert not np.array_equal(first[0][0], epoch0)  # ... with fresh noise


def test_noisy_pairs_trains_a_keras_model(images):
    if (
        "tensorflow" not in sys.modules
    ):  # silence start-up logs unless another module already imported it
        quiet_tensorflow()
    import keras

    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(1, 3, padding="same")])
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(noise.noisy_pairs(images, 0.1, batch_size=25), epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_per_image_sigma_scales_the_noise_of_each_image_separately():
    x = np.full((3, 16, 16), 0.5, dtype=np.float32)
    noisy = noise.add_gaussian_noise(x, np.array([0.0, 0.05, 0.2]), seed=0, clip=None)
    assert np.array_equal(noisy[0], x[0])
    stds = np.std(noisy - x, axis=(1, 2))
    assert stds[1] == pytest.approx(0.05, rel=0.15) and stds[2] == pytest.approx(0.2, rel=0.15)


def test_noisy_pairs_with_a_sigma_range_draws_a_level_per_image():
    x = np.full((400, 16, 16), 0.5, dtype=np.float32)
    noisy, clean = noise.noisy_pairs(x, (0.0, 0.2), batch_size=400, seed=0, clip=None)[0]
    stds = np.std(noisy - clean, axis=(1, 2))
    assert stds.min() < 0.02 and stds.max() > 0.18 and stds.max() < 0.23
    assert np.std(stds) > 0.04  # spread over the range, not one level for the whole batch


# --- bad input ---------------------------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda x: noise.add_gaussian_noise(x, 0.1),
    lambda x: noise.noisy_pairs(x, 0.1),
])
def test_8_bit_scaled_images_are_rejected_instead_of_being_clipped_to_white(make):
    x = np.full((4, 8, 8, 1), 128.0, dtype=np.float32)
    with pytest.raises(
        ValueError,
        match=r"x must lie in \[0, 1\] \(clip=\(0.0, 1.0\)\).*scale them first \(x / 255\)",
    ):
        make(x)


def test_images_outside_the_clip_range_work_with_a_matching_clip():
    x = np.full((2, 4, 4), 128.0, dtype=np.float32)
    noisy = noise.add_gaussian_noise(x, 5.0, clip=(0, 255))
    assert noisy.min() >= 0 and noisy.max() <= 255 and not np.array_equal(noisy, x)

