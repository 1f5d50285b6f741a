"""Sparse and contractive regularisers of a sigmoid code layer, as Keras layers.

Both penalties are added with ``add_loss`` inside the layer, so what is added is
exactly the formula in the docstring (Keras' ``activity_regularizer`` would divide
it by the batch size). Explained in 第9章 9.4节.

- :class:`KLSparsity`: Ng's sparsity penalty (CS294A notes, 2011), the KL divergence
  between a target mean activation ``rho`` and each unit's mean activation over the batch.
- :class:`ContractiveDense`: a sigmoid dense layer with Rifai et al.'s (2011)
  contractive penalty, the squared Frobenius norm of the Jacobian of the code with
  respect to the input, in closed form.
- :func:`contractive_norms`: the same Frobenius norms in NumPy, to measure a trained layer.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from . import _validation as _v

__all__ = ["KLSparsity", "ContractiveDense", "kl_sparsity", "contractive_norms"]


def _check_rho(rho) -> float:
    """The target activation: a number strictly between 0 and 1."""
    return _v.check_number(rho, "rho", low=0.0, high=1.0, low_open=True, high_open=True)


def kl_sparsity(h, rho: float):
    """Ng's sparsity penalty ``sum_j KL(rho || mean_n h[n, j])`` of a batch of activations.

    Explained in 第9章 9.4节.

    Parameters
    ----------
    h : tensor or numpy.ndarray, shape (N, units)
        Sigmoid activations in (0, 1).
    rho : float in (0, 1)
        Target mean activation of every unit, e.g. 0.05.

    Returns
    -------
    scalar (same framework as ``h``)
        ``sum_j [rho log(rho / q_j) + (1 - rho) log((1 - rho) / (1 - q_j))]`` with
        ``q_j`` the batch mean of unit ``j``, clipped to ``[1e-7, 1 - 1e-7]``.
    """
    return _kl_sparsity(h, _check_rho(rho))


def _kl_sparsity(h, rho: float):
    q = ops.clip(ops.mean(h, axis=0), 1e-7, 1.0 - 1e-7)
    return ops.sum(rho * ops.log(rho / q) + (1.0 - rho) * ops.log((1.0 - rho) / (1.0 - q)))


_register = keras.saving.register_keras_serializable(package="autoencoder_lib")


@_register
class KLSparsity(keras.layers.Layer):
    """Identity layer that adds ``beta * kl_sparsity(h, rho)`` to the model's loss.

    Place it right after a sigmoid code layer. Explained in 第9章 9.4节.

    Parameters
    ----------
    rho : float in (0, 1), default 0.05
        Target mean activation.
    beta : float >= 0, default 1.0
        Weight of the penalty.
    """

    def __init__(self, rho: float = 0.05, beta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.rho = _check_rho(rho)
        self.beta = _v.check_number(beta, "beta", low=0.0)

    def call(self, h):
        self.add_loss(self.beta * _kl_sparsity(h, self.rho))  # rho was checked in __init__
        return h

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "beta": self.beta}


@_register
class ContractiveDense(keras.layers.Layer):
    """Sigmoid dense layer ``h = sigmoid(x W + b)`` with the contractive penalty.

    For this layer the Jacobian ``J = dh/dx`` has entries ``h_j (1 - h_j) W_ij``, so
    ``||J||_F^2 = sum_j (h_j (1 - h_j))^2 sum_i W_ij^2`` (Rifai et al. 2011). The layer
    adds ``lam`` times its batch mean to the loss. Explained in 第9章 9.4节.

    Parameters
    ----------
    units : int > 0
        Code size.
    lam : float >= 0, default 0.1
        Weight of the penalty (0 gives a plain sigmoid layer).
    """

    def __init__(self, units: int, lam: float = 0.1, **kwargs):
        super().__init__(**kwargs)
        self.units = _v.check_int(units, "units")
        self.lam = _v.check_number(lam, "lam", low=0.0)

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="kernel"
        )
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, x):
        h = ops.sigmoid(ops.matmul(x, self.kernel) + self.bias)
        if self.lam:
            slope2 = ops.square(h * (1.0 - h))                      # (N, units)
            col_norm2 = ops.sum(ops.square(self.kernel), axis=0)     # (units,)
            self.add_loss(self.lam * ops.mean(ops.sum(slope2 * col_norm2, axis=1)))
        return h

    def get_config(self):
        return {**super().get_config(), "units": self.units, "lam": self.lam}


def contractive_norms(x, W, b) -> np.ndarray:
    """Squared Frobenius norm of ``d sigmoid(x W + b) / dx`` for each row of ``x``.

    Explained in 第9章 9.4节.

    Parameters
    ----------
    x : numpy.ndarray, shape (N, n_in)
    W : numpy.ndarray, shape (n_in, units)
    b : numpy.ndarray, shape (units,)

    Returns
    -------
    numpy.ndarray of float64, shape (N,)
        ``sum_j (h_j (1 - h_j))^2 sum_i W_ij^2`` for each example.
    """
    # Numeric, of the right dimension, no NaN or inf (empty arrays give an empty result).
    x = _v.as_array(x, "x", ndim=2, shape_text="(N, n_in)", nonempty=False, dtype=np.float64)
    W = _v.as_array(W, "W", ndim=2, shape_text="(n_in, units)", nonempty=False, dtype=np.float64)
    b = _v.as_array(b, "b", ndim=1, shape_text="(units,)", nonempty=False, dtype=np.float64)
    if x.shape[1] != W.shape[0] or W.shape[1] != b.shape[0]:
        raise ValueError(f"shapes do not chain: x {x.shape}, W {W.shape}, b {b.shape}")
    h = 1.0 / (1.0 + np.exp(-(x @ W + b)))
    return (np.square(h * (1.0 - h)) * np.square(W).sum(axis=0)).sum(axis=1)
