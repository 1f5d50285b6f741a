"""autoencoder_lib.baselines: PCA and mean reconstructions."""

from __future__ import annotations

import numpy as np
import pytest

from autoencoder_lib import baselines


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
