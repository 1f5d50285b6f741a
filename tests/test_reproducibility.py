"""autoencoder_lib.reproducibility: seeding gives identical results twice."""

from __future__ import annotations

import os
import random

import numpy as np
import pytest

from autoencoder_lib.reproducibility import TF_QUIET_ENV, quiet_tensorflow, set_seed


def _train_tiny_model(seed: int) -> list[np.ndarray]:
    import keras

    from autoencoder_lib.models import build_dense_autoencoder

    set_seed(seed)
    x = np.random.random((64, 6)).astype("float32")  # drawn from the seeded global NumPy state
    ae = build_dense_autoencoder(6, 2, hidden_units=[4]).autoencoder
    ae.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    ae.fit(x, x, epochs=3, batch_size=16, shuffle=True, verbose=0)
    return [w.copy() for w in ae.get_weights()]


def test_same_seed_gives_bit_identical_training():
    first, second = _train_tiny_model(7), _train_tiny_model(7)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_different_seed_gives_different_weights():
    first, other = _train_tiny_model(7), _train_tiny_model(8)
    assert any(not np.array_equal(a, b) for a, b in zip(first, other))


def test_python_and_numpy_are_seeded_without_tensorflow():
    set_seed(3, tensorflow=False)
    a = (random.random(), np.random.random())
    set_seed(3, tensorflow=False)
    assert (random.random(), np.random.random()) == a


def test_quiet_tensorflow_sets_both_log_variables(monkeypatch):
    for key in TF_QUIET_ENV:
        monkeypatch.delenv(key, raising=False)
    import tensorflow  # noqa: F401  (imported by other tests anyway)

    with pytest.warns(RuntimeWarning, match="after TensorFlow was imported"):
        assert quiet_tensorflow() is False
    for key, value in TF_QUIET_ENV.items():
        assert os.environ[key] == value

