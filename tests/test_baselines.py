"""autoencoder_lib.baselines: PCA and mean reconstructions, classical denoisers (第5章 5.6节)."""

from __future__ import annotations

import numpy as np
import pytest

from autoencoder_lib import baselines, metrics


@pytest.fixture
def gaussian():
    rng = np.random.default_rng(0)
    scales = np.array([5.0, 3.0, 2.0, 1.0, 0.5, 0.1])
    return rng.normal(size=(400, 6)) * scales + 7.0


def test_pca_error_equals_the_discarded_eigenvalues(gaussian):
    """Training-set MSE of rank-k PCA = sum of the dropped covariance eigenvalues / D (exact)."""
    centred = gaussian - gaussian.mean(axis=0)
    eig = np.sort(np.linalg.eigvalsh(centred.T @ centred / len(gaussian)))[::-1]
    for k in (1, 3, 5):
        rec = baselines.pca_reconstruct(gaussian, gaussian, k)
        mse = np.mean((gaussian - rec) ** 2)
        assert mse == pytest.approx(eig[k:].sum() / 6, rel=1e-9)


def test_full_rank_pca_reconstructs_exactly(gaussian):
    np.testing.assert_allclose(
        baselines.pca_reconstruct(gaussian, gaussian[:5], 6), gaussian[:5], atol=1e-9
    )


def test_mean_reconstruction_repeats_the_training_mean(gaussian):
    rec = baselines.mean_reconstruct(gaussian, gaussian[:3])
    np.testing.assert_allclose(rec, np.tile(gaussian.mean(axis=0), (3, 1)))


# --- classical denoisers -------------------------------------------------------


@pytest.fixture(scope="module")
def smooth_and_noisy():
    """Smooth 20x20 patterns (blobs) and clipped noisy copies, (12, 20, 20, 1) float64, [0, 1]."""
    yy, xx = np.mgrid[0:20, 0:20]
    rng = np.random.default_rng(0)
    centres = rng.uniform(5, 15, size=(12, 2))
    clean = np.exp(-((yy - centres[:, :1, None]) ** 2 + (xx - centres[:, 1:, None]) ** 2) / 30.0)[
        ..., None
    ]
    noisy = np.clip(
        clean + 0.2 * rng.standard_normal(clean.shape), 0.0, 1.0
    )  # valid images: PSNR needs [0, 1]
    return clean, noisy


def test_gaussian_filter_acts_within_each_image_only():
    x = np.zeros((3, 9, 9, 1))
    x[1, 4, 4, 0] = 1.0  # an impulse in the middle image only
    out = baselines.gaussian_denoise(x, 1.0)
    assert out.shape == x.shape
    assert np.all(out[0] == 0) and np.all(out[2] == 0)  # nothing leaks to neighbouring images
    assert out[1].sum() == pytest.approx(1.0, rel=1e-3)  # a normalised blur of the impulse
    assert out[1, 4, 4, 0] == out[1].max() < 1.0


def test_median_filter_removes_an_isolated_outlier_and_keeps_flat_regions():
    x = np.full((2, 7, 7), 0.5)
    x[0, 3, 3] = 1.0
    out = baselines.median_denoise(x, 3)
    np.testing.assert_array_equal(out, np.full((2, 7, 7), 0.5))


def test_parameters_that_do_nothing_return_the_input(smooth_and_noisy):
    _, noisy = smooth_and_noisy
    np.testing.assert_array_equal(baselines.gaussian_denoise(noisy, 0), noisy)
    np.testing.assert_array_equal(baselines.median_denoise(noisy, 1), noisy)


def test_both_filters_raise_psnr_on_noisy_smooth_images(smooth_and_noisy):
    clean, noisy = smooth_and_noisy
    before = metrics.psnr(clean, noisy).mean()
    assert metrics.psnr(clean, baselines.gaussian_denoise(noisy, 1.5)).mean() > before + 5
    assert metrics.psnr(clean, baselines.median_denoise(noisy, 3)).mean() > before + 3


def test_tune_denoiser_returns_the_candidate_with_highest_psnr(smooth_and_noisy):
    clean, noisy = smooth_and_noisy
    best, scores = baselines.tune_denoiser(
        baselines.gaussian_denoise, noisy, clean, [0.0, 0.5, 1.5, 6.0]
    )
    assert set(scores) == {0.0, 0.5, 1.5, 6.0}
    assert all(isinstance(v, float) for v in scores.values())
    assert best == max(scores, key=scores.get)
    assert best not in (0.0, 6.0)  # no smoothing and far too much smoothing both lose
    expected = metrics.psnr(clean, baselines.gaussian_denoise(noisy, best)).mean()
    assert scores[best] == pytest.approx(expected)


# --- bad input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "fn", [lambda a, b: baselines.pca_reconstruct(a, b, 2), baselines.mean_reconstruct]
)
def test_linear_baselines_reject_integer_arrays_whose_result_would_be_truncated(fn):
    a = np.random.default_rng(0).integers(0, 256, (10, 5))
    with pytest.raises(
        TypeError, match=r"x must be a floating-point array, got dtype int64; .*astype"
    ):
        fn(a.astype(np.float64), a)

