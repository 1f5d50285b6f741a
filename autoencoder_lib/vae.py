"""Variational autoencoder (VAE): sampling layer, model, KL term and the IWAE bound.

The model is a Keras 3 ``Model`` subclass with its own ``train_step`` and
``test_step`` so that the bookkeeping is explicit: every loss is a sum over
pixels and latent dimensions, averaged over images, i.e. in **nats per image**,
and the logged ``neg_elbo`` is exactly ``reconstruction + kl``.

Likelihood: Bernoulli on binary pixels, ``log p(x|z) = -BCE(x, logits)``
summed over the 784 pixels. Training images are binarised afresh at every step
(dynamic binarisation, :func:`binarize`); evaluation uses one fixed binarised
copy, so the numbers are log-probabilities of discrete data and can be compared
between models (a Bernoulli "likelihood" of grey values is not normalised).

Explained in 第6章 6.4节.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import keras
import numpy as np
from keras import layers, ops

from . import _validation as _v

__all__ = [
    "Sampling",
    "VAE",
    "build_dense_vae",
    "kl_divergence_normal",
    "binarize",
    "log_mean_exp",
    "iwae_bound",
    "LinearGaussianToy",
]

LOG_2PI = math.log(2.0 * math.pi)


# --------------------------------------------------------------------------
# Pieces
# --------------------------------------------------------------------------

def kl_divergence_normal(mean, log_var):
    """KL divergence ``KL(N(mean, diag(exp(log_var))) || N(0, I))`` per example.

    Closed form, summed over the latent dimensions::

        KL = 0.5 * sum_j (exp(log_var_j) + mean_j**2 - 1 - log_var_j)

    Explained in 第6章 6.4节.

    Parameters
    ----------
    mean, log_var : array-like or tensor, shape (batch, latent_dim)
        Mean and log-variance of the diagonal Gaussian ``q(z|x)``.

    Returns
    -------
    tensor of float32, shape (batch,)
        KL in nats for each example (``keras.ops`` tensor; ``np.asarray`` it
        if needed). Always ``>= 0``; zero only when ``mean = 0, log_var = 0``.

    Raises
    ------
    ValueError
        If the shapes differ or are not 2-D.
    """
    mean = ops.convert_to_tensor(mean, dtype="float32")
    log_var = ops.convert_to_tensor(log_var, dtype="float32")
    if tuple(mean.shape) != tuple(log_var.shape) or len(mean.shape) != 2:
        raise ValueError(
            f"mean and log_var must have the same 2-D shape (batch, latent_dim), "
            f"got {tuple(mean.shape)} and {tuple(log_var.shape)}"
        )
    return _kl_divergence_normal(mean, log_var)


def _kl_divergence_normal(mean, log_var):
    return 0.5 * ops.sum(ops.exp(log_var) + ops.square(mean) - 1.0 - log_var, axis=-1)


def binarize(x, *, seed: int | None = 0) -> np.ndarray:
    """Draw binary images ``b ~ Bernoulli(x)`` pixel by pixel (stochastic binarisation).

    Explained in 第6章 6.4节.

    Parameters
    ----------
    x : array-like, values in [0, 1]
        Grey images, any shape.
    seed : int or None, default 0
        Seed of the draw (same ``x`` and ``seed``: same result).

    Returns
    -------
    numpy.ndarray of float32, same shape as ``x``, values in {0, 1}

    Raises
    ------
    ValueError
        If ``x`` has values outside [0, 1] (or NaN).
    """
    x = _v.as_array(x, "x", nonempty=False, dtype=np.float32)  # numeric, no NaN or inf
    if x.size:
        _v.check_in_range(x, "x", 0.0, 1.0)
    rng = np.random.default_rng(seed)
    return (rng.random(x.shape, dtype=np.float32) < x).astype(np.float32)


_register = keras.saving.register_keras_serializable(package="autoencoder_lib")


@_register
class Sampling(layers.Layer):
    """Reparameterisation: ``z = mean + exp(log_var / 2) * eps`` with ``eps ~ N(0, I)``.

    The randomness sits in ``eps``, so gradients flow to ``mean`` and
    ``log_var`` (Kingma & Welling 2014). Explained in 第6章 6.4节.

    Call with ``[mean, log_var]``, both of shape ``(batch, latent_dim)``;
    returns ``z`` of the same shape.
    """

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def get_config(self):
        """The constructor arguments, for saving as a ``.keras`` file."""
        return {**super().get_config(), "seed": self.seed}

    def call(self, inputs):
        mean, log_var = inputs
        eps = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * eps


def build_dense_vae(
    input_dim: int = 784,
    latent_dim: int = 2,
    *,
    hidden_units: Sequence[int] = (512,),
    activation: str = "relu",
    name: str = "vae",
) -> tuple[keras.Model, keras.Model]:
    """Build the encoder ``x -> (mean, log_var)`` and the decoder ``z -> logits`` of a dense VAE.

    Explained in 第6章 6.4节.

    Parameters
    ----------
    input_dim : int, default 784
    latent_dim : int, default 2
    hidden_units : sequence of int, default (512,)
        Encoder hidden widths (the decoder mirrors them).
    activation : str, default "relu"
    name : str, default "vae"

    Returns
    -------
    encoder : keras.Model
        ``(batch, input_dim) -> [(batch, latent_dim), (batch, latent_dim)]``:
        mean and log-variance of ``q(z|x)``.
    decoder : keras.Model
        ``(batch, latent_dim) -> (batch, input_dim)``: Bernoulli **logits**
        (apply a sigmoid for pixel probabilities).
    """
    input_dim = _v.check_int(input_dim, "input_dim")
    latent_dim = _v.check_int(latent_dim, "latent_dim")
    hidden = _v.check_int_sequence(hidden_units, "hidden_units")

    x_in = keras.Input(shape=(input_dim,), name="x")
    h = x_in
    for i, units in enumerate(hidden, start=1):
        h = layers.Dense(units, activation=activation, name=f"enc_dense_{i}")(h)
    mean = layers.Dense(latent_dim, name="z_mean")(h)
    log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    encoder = keras.Model(x_in, [mean, log_var], name=f"{name}_encoder")

    z_in = keras.Input(shape=(latent_dim,), name="z")
    h = z_in
    for i, units in enumerate(reversed(hidden), start=1):
        h = layers.Dense(units, activation=activation, name=f"dec_dense_{i}")(h)
    logits = layers.Dense(input_dim, name="logits")(h)
    decoder = keras.Model(z_in, logits, name=f"{name}_decoder")
    return encoder, decoder


def _bernoulli_nll(x, logits):
    """``-log p(x|z)`` of binary ``x`` under Bernoulli(sigmoid(logits)), summed over the last
    axis."""
    # Numerically stable BCE from logits: max(l, 0) - l * x + log(1 + exp(-|l|)).
    return ops.sum(ops.relu(logits) - logits * x + ops.softplus(-ops.abs(logits)), axis=-1)


# --------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------

@_register
class VAE(keras.Model):
    """A VAE with Bernoulli likelihood, standard-normal prior and a β weight on the KL term.

    Trains by minimising ``reconstruction + beta * kl`` per image, where
    ``reconstruction = -log p(x|z)`` (BCE from logits, summed over pixels, one
    sample ``z ~ q(z|x)``) and ``kl = KL(q(z|x) || N(0, I))`` in closed form.
    With ``beta = 1`` this is the negative ELBO.

    Metrics logged by ``fit``/``evaluate`` (means over the images seen, nats per image):

    - ``loss``: the objective, ``reconstruction + beta * kl``;
    - ``neg_elbo``: ``reconstruction + kl`` (exactly the sum of the two below);
    - ``reconstruction``, ``kl``.

    Explained in 第6章 6.4节.

    Parameters
    ----------
    encoder : keras.Model
        ``x -> [mean, log_var]`` (see :func:`build_dense_vae`).
    decoder : keras.Model
        ``z -> logits``.
    beta : float, default 1.0
        Weight of the KL term in the training objective (β-VAE, Higgins et al. 2017).
    dynamic_binarization : bool, default True
        In ``train_step``, replace each batch ``x`` (grey values in [0, 1]) by a
        fresh draw ``Bernoulli(x)``. ``test_step`` never binarises: evaluate on
        a fixed binarised copy (:func:`binarize`).
    seed : int or None, default None
        Seed of the sampling and binarisation noise.
    """

    def __init__(self, encoder, decoder, *, beta: float = 1.0, dynamic_binarization: bool = True,
                 seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(encoder, keras.Model) or not isinstance(decoder, keras.Model):
            raise TypeError(
                "encoder and decoder must be keras.Model instances (see build_dense_vae)"
            )
        self.encoder = encoder
        self.decoder = decoder
        self.beta = _v.check_number(beta, "beta", low=0.0)
        self.dynamic_binarization = bool(dynamic_binarization)
        self.seed = seed
        self.sampling = Sampling(seed=seed, name="sampling")
        self.binarize_seed = keras.random.SeedGenerator(None if seed is None else seed + 1)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.neg_elbo_tracker = keras.metrics.Mean(name="neg_elbo")
        self.recon_tracker = keras.metrics.Mean(name="reconstruction")
        self.kl_tracker = keras.metrics.Mean(name="kl")

    @property
    def metrics(self):
        return [self.loss_tracker, self.neg_elbo_tracker, self.recon_tracker, self.kl_tracker]

    def call(self, x, training=False):
        """Reconstruction probabilities from the posterior mean: ``sigmoid(decoder(mean(x)))``."""
        mean, _ = self.encoder(x, training=training)
        return ops.sigmoid(self.decoder(mean, training=training))

    def loss_terms(self, x, training=False):
        """Per-image ``(reconstruction, kl)`` in nats, each of shape ``(batch,)``; one z sample."""
        mean, log_var = self.encoder(x, training=training)
        z = self.sampling([mean, log_var])
        logits = self.decoder(z, training=training)
        return _bernoulli_nll(x, logits), _kl_divergence_normal(mean, log_var)

    def _update(self, recon, kl):
        self.loss_tracker.update_state(recon + self.beta * kl)
        self.neg_elbo_tracker.update_state(recon + kl)
        self.recon_tracker.update_state(recon)
        self.kl_tracker.update_state(kl)
        return {m.name: m.result() for m in self.metrics}

    def train_step(self, data):
        import tensorflow as tf

        x = data[0] if isinstance(data, tuple) else data
        if self.dynamic_binarization:
            u = keras.random.uniform(ops.shape(x), seed=self.binarize_seed)
            x = ops.cast(u < x, "float32")
        with tf.GradientTape() as tape:
            recon, kl = self.loss_terms(x, training=True)
            loss = ops.mean(recon + self.beta * kl)
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        return self._update(recon, kl)

    def test_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        recon, kl = self.loss_terms(x, training=False)
        return self._update(recon, kl)

    def log_importance_weights(self, x, k: int, seed: int | None = 0) -> np.ndarray:
        """``log p(x, z_i) - log q(z_i|x)`` for ``k`` samples ``z_i ~ q(z|x)`` per image.

        Parameters
        ----------
        x : array-like, shape (batch, input_dim)
            Binary images.
        k : int
            Number of samples per image.
        seed : int or None

        Returns
        -------
        numpy.ndarray of float64, shape (batch, k)
        """
        x = ops.convert_to_tensor(np.asarray(x, dtype=np.float32))
        mean, log_var = self.encoder(x, training=False)
        batch, dim = mean.shape
        eps = keras.random.normal((batch, k, dim), seed=seed)
        z = mean[:, None, :] + ops.exp(0.5 * log_var)[:, None, :] * eps
        logits = ops.reshape(
            self.decoder(ops.reshape(z, (batch * k, dim)), training=False), (batch, k, -1)
        )
        log_px_z = -_bernoulli_nll(x[:, None, :], logits)
        log_pz = -0.5 * ops.sum(ops.square(z) + LOG_2PI, axis=-1)
        log_qz = -0.5 * ops.sum(ops.square(eps) + LOG_2PI + log_var[:, None, :], axis=-1)
        return np.asarray(log_px_z + log_pz - log_qz, dtype=np.float64)

    def get_config(self):
        """The constructor arguments, for saving as a ``.keras`` file."""
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "beta": self.beta,
            "dynamic_binarization": self.dynamic_binarization,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        """Rebuild a VAE from :meth:`get_config` (encoder and decoder included)."""
        config = dict(config)
        for key in ("encoder", "decoder"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


# --------------------------------------------------------------------------
# Importance-weighted bound (Burda, Grosse & Salakhutdinov 2016)
# --------------------------------------------------------------------------

def log_mean_exp(a, axis: int = -1) -> np.ndarray:
    """``log(mean(exp(a), axis))`` computed stably (the maximum is factored out).

    Explained in 第6章 6.4节.

    Parameters
    ----------
    a : array-like
    axis : int, default -1

    Returns
    -------
    numpy.ndarray of float64, ``a``'s shape without ``axis``
    """
    a = np.asarray(a, dtype=np.float64)
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):  # all weights zero: log 0 = -inf, as it should be
        out = np.log(np.mean(np.exp(a - m), axis=axis, keepdims=True)) + m
    return np.squeeze(out, axis=axis)


def iwae_bound(model, x, k: int, *, batch_size: int = 100, seed: int = 0) -> np.ndarray:
    """Importance-weighted lower bound of each image's log-likelihood.

    ``L_k(x) = E[log (1/k) sum_i p(x, z_i) / q(z_i|x)]``.

    One draw of the estimator per image: ``log_mean_exp`` of ``k`` log importance
    weights. ``L_1`` is the ELBO (estimated with one sample); ``L_k`` grows with
    ``k`` and tends to ``log p(x)`` (Burda et al. 2016, Theorem 1).
    The result is a log-likelihood in **nats per image**; ``-L_k`` is an
    upper bound on the negative log-likelihood.

    Explained in 第6章 6.4节.

    Parameters
    ----------
    model : object
        Anything with ``log_importance_weights(x, k, seed) -> (batch, k)``:
        a :class:`VAE` or a :class:`LinearGaussianToy`.
    x : array-like, shape (n, d)
        Data (binary images for a VAE).
    k : int
        Importance samples per image.
    batch_size : int, default 100
        Images per call of ``model``; memory grows as ``batch_size * k``.
    seed : int, default 0
        Seed of the first batch (batch ``b`` uses ``seed + b``).

    Returns
    -------
    numpy.ndarray of float64, shape (n,)

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    if not callable(getattr(model, "log_importance_weights", None)):
        raise TypeError(
            "model must have a log_importance_weights(x, k, seed) method, "
            f"got {type(model).__name__}"
        )
    k = _v.check_int(k, "k")
    batch_size = _v.check_int(batch_size, "batch_size")
    seed = _v.check_int(seed, "seed", minimum=None)
    x = _v.as_array(x, "x", ndim=2)  # numeric, (n, d), not empty, no NaN or inf
    out = []
    for b, start in enumerate(range(0, x.shape[0], batch_size)):
        logw = np.asarray(model.log_importance_weights(x[start:start + batch_size], k, seed + b))
        out.append(log_mean_exp(logw, axis=1))
    return np.concatenate(out)


class LinearGaussianToy:
    """A linear-Gaussian latent-variable model whose exact log-likelihood is known.

    ``z ~ N(0, I_m)``, ``x | z ~ N(W z + b, s² I_d)``, so ``x ~ N(b, W Wᵀ + s² I)``.
    The proposal ``q(z|x)`` is the exact (full-covariance) posterior with its
    mean shifted by ``mean_shift`` and its spread multiplied by ``std_scale``;
    with ``mean_shift = 0`` and ``std_scale = 1`` every importance weight
    equals ``p(x)`` and all bounds are exact. Used to test :func:`iwae_bound`.

    Explained in 第6章 6.4节.

    Parameters
    ----------
    W : array-like, shape (d, m)
    b : array-like, shape (d,)
    noise_std : float
    mean_shift : float, default 0.0
    std_scale : float, default 1.0
    """

    def __init__(self, W, b, noise_std: float, *, mean_shift: float = 0.0, std_scale: float = 1.0):
        self.W = _v.as_array(W, "W", dtype=np.float64)
        self.b = _v.as_array(b, "b", dtype=np.float64)
        if self.W.ndim != 2 or self.b.shape != (self.W.shape[0],):
            raise ValueError(f"W must be (d, m) and b (d,), got {self.W.shape} and {self.b.shape}")
        self.s2 = _v.check_number(noise_std, "noise_std", low=0.0, low_open=True) ** 2
        self.mean_shift = _v.check_number(mean_shift, "mean_shift")
        self.std_scale = _v.check_number(std_scale, "std_scale", low=0.0, low_open=True)
        d, m = self.W.shape
        # Exact posterior: precision P = I + Wᵀ W / s², mean = P⁻¹ Wᵀ (x - b) / s².
        self.post_cov = np.linalg.inv(np.eye(m) + self.W.T @ self.W / self.s2)
        # q(z|x) = N(mean + mean_shift, L Lᵀ) with L the scaled Cholesky factor of the
        # posterior covariance.
        self.q_chol = np.linalg.cholesky(self.post_cov) * self.std_scale

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` draws of ``x``, shape ``(n, d)``."""
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((n, self.W.shape[1]))
        return (
            z @ self.W.T + self.b + math.sqrt(self.s2) * rng.standard_normal((n, self.W.shape[0]))
        )

    def log_likelihood(self, x) -> np.ndarray:
        """Exact ``log p(x)`` per row, shape ``(n,)``."""
        x = np.asarray(x, dtype=np.float64) - self.b
        cov = self.W @ self.W.T + self.s2 * np.eye(self.W.shape[0])
        _, logdet = np.linalg.slogdet(cov)
        maha = np.einsum("nd,nd->n", x @ np.linalg.inv(cov), x)
        return -0.5 * (maha + logdet + x.shape[1] * LOG_2PI)

    def log_importance_weights(self, x, k: int, seed: int | None = 0) -> np.ndarray:
        """``log p(x, z_i) - log q(z_i|x)`` for ``k`` draws from ``q``, shape ``(n, k)``."""
        x = np.asarray(x, dtype=np.float64)
        rng = np.random.default_rng(seed)
        q_mean = (x - self.b) @ self.W @ self.post_cov.T / self.s2 + self.mean_shift
        eps = rng.standard_normal((x.shape[0], k, self.W.shape[1]))
        z = q_mean[:, None, :] + eps @ self.q_chol.T
        resid = x[:, None, :] - (z @ self.W.T + self.b)
        d = x.shape[1]
        log_px_z = -0.5 * (
            np.sum(resid**2, axis=-1) / self.s2 + d * math.log(self.s2) + d * LOG_2PI
        )
        log_pz = -0.5 * np.sum(z**2 + LOG_2PI, axis=-1)
        log_qz = -0.5 * np.sum(eps**2 + LOG_2PI, axis=-1) - np.sum(np.log(np.diag(self.q_chol)))
        return log_px_z + log_pz - log_qz
