"""autoencoder_lib.metrics: per-image errors in stated units."""

from __future__ import annotations

import numpy as np
import pytest

from autoencoder_lib import metrics


def test_per_image_sse_and_mse_by_hand():
    x = np.array([[0.0, 0.0, 1.0, 1.0], [0.5, 0.5, 0.5, 0.5]])
    x_hat = np.array([[0.0, 1.0, 1.0, 0.0], [0.5, 0.5, 0.5, 0.0]])
    np.testing.assert_array_equal(metrics.per_image_sse(x, x_hat), [2.0, 0.25])
    np.testing.assert_array_equal(metrics.per_image_mse(x, x_hat), [0.5, 0.0625])


def test_image_shaped_input_gives_the_same_numbers_as_flat():
    rng = np.random.default_rng(0)
    x, x_hat = rng.random((5, 28, 28, 1)), rng.random((5, 28, 28, 1))
    np.testing.assert_allclose(metrics.per_image_sse(x, x_hat), metrics.per_image_sse(x.reshape(5, -1), x_hat.reshape(5, -1)))


def test_mismatched_or_unbatched_input_is_rejected():
    with pytest.raises(ValueError, match="same shape"):
        metrics.per_image_sse(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="batch axis"):
        metrics.per_image_mse(np.zeros(3), np.zeros(3))
