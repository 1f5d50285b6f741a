"""autoencoder_lib.baselines: PCA and mean reconstructions, and the classical denoisers (第5章 5.6节)."""

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
    np.testing.assert_allclose(baselines.pca_reconstruct(gaussian, gaussian[:5], 6), gaussian[:5], atol=1e-9)


def test_mean_reconstruction_repeats_the_training_mean(gaussian):
    rec = baselines.mean_reconstruct(gaussian, gaussian[:3])
    np.testing.assert_allclose(rec, np.tile(gaussian.mean(axis=0), (3, 1)))


@pytest.mark.parametrize(("k", "error"), [(0, ValueError), (7, ValueError), (2.0, TypeError)])
def test_pca_rejects_bad_k(gaussian, k, error):
    with pytest.raises(error, match="k must be"):
        baselines.pca_reconstruct(gaussian, gaussian, k)


def test_feature_counts_must_agree(gaussian):
    with pytest.raises(ValueError, match="features"):
        baselines.pca_reconstruct(gaussian, gaussian[:, :5], 2)
    with pytest.raises(ValueError, match=r"shape \(N, features\)"):
        baselines.mean_reconstruct(gaussian, gaussian[0])


# --- classical denoisers -------------------------------------------------------


@pytest.fixture(scope="module")
def smooth_and_noisy():
    """Smooth 20x20 test patterns (blobs) and clipped noisy copies, (12, 20, 20, 1) float64 in [0, 1]."""
    yy, xx = np.mgrid[0:20, 0:20]
    rng = np.random.default_rng(0)
    centres = rng.uniform(5, 15, size=(12, 2))
    clean = np.exp(-((yy - centres[:, :1, None]) ** 2 + (xx - centres[:, 1:, None]) ** 2) / 30.0)[..., None]
    noisy = np.clip(clean + 0.2 * rng.standard_normal(clean.shape), 0.0, 1.0)  # valid images: PSNR needs [0, 1]
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
    best, scores = baselines.tune_denoiser(baselines.gaussian_denoise, noisy, clean, [0.0, 0.5, 1.5, 6.0])
    assert set(scores) == {0.0, 0.5, 1.5, 6.0}
    assert all(isinstance(v, float) for v in scores.values())
    assert best == max(scores, key=scores.get)
    assert best not in (0.0, 6.0)  # no smoothing and far too much smoothing both lose
    expected = metrics.psnr(clean, baselines.gaussian_denoise(noisy, best)).mean()
    assert scores[best] == pytest.approx(expected)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda x: baselines.gaussian_denoise(x, -1.0), ValueError, "sigma must be a finite number >= 0, got -1.0"),
        (lambda x: baselines.gaussian_denoise(x, "1"), TypeError, "sigma must be a number, got str"),
        (lambda x: baselines.median_denoise(x, 0), ValueError, "size must be positive, got 0"),
        (lambda x: baselines.median_denoise(x, 3.0), TypeError, "size must be an int, got float"),
        (lambda x: baselines.gaussian_denoise(x.reshape(12, -1), 1.0), ValueError, r"x must have shape \(N, H, W\)"),
        (lambda x: baselines.median_denoise(x.astype(np.uint8), 3), TypeError, "floating-point array, got dtype uint8"),
        (lambda x: baselines.tune_denoiser(baselines.median_denoise, x, x, []), ValueError, "candidates must hold"),
        (lambda x: baselines.tune_denoiser("median", x, x, [3]), TypeError, "denoise must be callable, got str"),
        (lambda x: baselines.tune_denoiser(baselines.median_denoise, x, x[:2], [3]), ValueError, "same shape"),
    ],
)
def test_denoisers_reject_bad_arguments(smooth_and_noisy, call, error, match):
    _, noisy = smooth_and_noisy
    with pytest.raises(error, match=match):
        call(noisy)


# --- bad input ---------------------------------------------------------------------


@pytest.mark.parametrize("fn", [lambda a, b: baselines.pca_reconstruct(a, b, 2), baselines.mean_reconstruct])
@pytest.mark.parametrize("which", ["x_train", "x"])
def test_linear_baselines_reject_nan_naming_the_array(fn, which):
    a, b = np.random.default_rng(0).random((2, 10, 5))
    (a if which == "x_train" else b)[3, 2] = np.nan
    with pytest.raises(ValueError, match=rf"^{which} contains NaN or infinite values"):
        fn(a, b)


@pytest.mark.parametrize("fn", [lambda a, b: baselines.pca_reconstruct(a, b, 2), baselines.mean_reconstruct])
def test_linear_baselines_reject_integer_arrays_whose_result_would_be_truncated(fn):
    a = np.random.default_rng(0).integers(0, 256, (10, 5))
    with pytest.raises(TypeError, match=r"x must be a floating-point array, got dtype int64; .*astype"):
        fn(a.astype(np.float64), a)


@pytest.mark.parametrize("fn", [lambda a, b: baselines.pca_reconstruct(a, b, 2), baselines.mean_reconstruct])
def test_linear_baselines_reject_empty_arrays(fn):
    a = np.random.default_rng(0).random((10, 5))
    with pytest.raises(ValueError, match=r"x is empty \(shape \(0, 5\)\)"):
        fn(a, a[:0])


@pytest.mark.parametrize("seed, error", [(-1, ValueError), ("0", TypeError)])
def test_pca_rejects_a_bad_seed(seed, error):
    a = np.random.default_rng(0).random((10, 5))
    with pytest.raises(error, match="seed"):
        baselines.pca_reconstruct(a, a, 2, seed=seed)


@pytest.mark.parametrize("call, error, match", [
    (lambda x: baselines.gaussian_denoise(x, float("inf")), ValueError, "sigma must be a finite number >= 0, got inf"),
    (lambda x: baselines.gaussian_denoise(np.where(x > 0.5, np.nan, x), 1.0), ValueError, "x contains NaN"),
    (lambda x: baselines.median_denoise(x[:0], 3), ValueError, "x is empty"),
    (lambda x: baselines.tune_denoiser(baselines.median_denoise, x, x, [[3]]), TypeError,
     "candidates must be hashable"),
    (lambda x: baselines.tune_denoiser(baselines.median_denoise, x, x, [3, 3]), ValueError,
     "candidates must not repeat a value"),
    (lambda x: baselines.tune_denoiser(lambda a, c: a[:, :4], x, x, [1]), ValueError,
     r"denoise\(x_noisy, 1\) returned shape"),
    (lambda x: baselines.tune_denoiser(lambda a, c: a * 255, x, x, [1]), ValueError,
     r"x_hat must lie in \[0, 1\]"),
])
def test_denoisers_reject_non_finite_empty_and_inconsistent_input(smooth_and_noisy, call, error, match):
    _, noisy = smooth_and_noisy
    with pytest.raises(error, match=match):
        call(noisy)
