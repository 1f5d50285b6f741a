"""A learned image codec: GDN transforms, a factorized prior and a scale hyperprior.

The recipe of Ballé et al. (2016, 2017, 2018), small enough for 28×28 grey
images on a laptop CPU, in Keras 3:

- :class:`GDN` is the generalized divisive normalization between the
  convolutions of the analysis transform ``g_a`` (``inverse=True``: the
  synthesis transform ``g_s``);
- :class:`FactorizedPrior` is a learned density per channel (the
  "non-parametric" model of Ballé et al. 2018, appendix 6.1), used for the
  hyper-latents ``z``;
- :func:`gaussian_likelihood` is the Gaussian conditional of the latents
  ``y`` whose scales ``sigma`` come from the hyper-decoder ``h_s``;
- :class:`HyperpriorCodec` puts them together, trains on the rate–distortion
  loss ``R + lambda * D`` with uniform noise standing in for rounding, and
  :meth:`HyperpriorCodec.compress` / :meth:`HyperpriorCodec.decompress` write
  and read real bytes with ``constriction``'s range coder. The scales are
  rounded up to a fixed :data:`SCALE_TABLE`, so the decoder rebuilds exactly
  the probabilities the encoder used.

Explained in 第8章 8.7节.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import keras
import numpy as np
from keras import ops

from . import _validation as _v

__all__ = [
    "GDN",
    "FactorizedPrior",
    "gaussian_likelihood",
    "SCALE_TABLE",
    "scale_indices",
    "gaussian_pmf_table",
    "HyperpriorCodec",
    "Compressed",
]

#: Smallest scale of the Gaussian conditional (as in Ballé et al. 2018's code).
SCALE_MIN = 0.11
#: The scales the coder may use, log-spaced from 0.11 to 64; a predicted scale
#: is rounded up to the next entry.
SCALE_TABLE = np.exp(np.linspace(math.log(SCALE_MIN), math.log(64.0), 64))
#: Smallest probability a likelihood is allowed to reach (keeps ``log`` finite).
LIKELIHOOD_MIN = 1e-9


# --------------------------------------------------------------------------
# GDN
# --------------------------------------------------------------------------

@keras.saving.register_keras_serializable(package="autoencoder_lib")
class GDN(keras.layers.Layer):
    r"""Generalized divisive normalization (Ballé et al. 2016), over channels.

    For channel ``i`` at one position, with ``x`` the vector of all channels
    there::

        GDN:          y_i = x_i / sqrt(beta_i + sum_j gamma_ij * x_j**2)
        inverse GDN:  y_i = x_i * sqrt(beta_i + sum_j gamma_ij * x_j**2)

    ``beta > 0`` and ``gamma >= 0`` are learned; they are stored as
    ``beta = beta_raw**2 + 1e-6`` and ``gamma = gamma_raw**2`` so that any
    gradient step keeps them valid. Initialised as ``beta = 1`` and
    ``gamma = 0.1 * I``. Explained in 第8章 8.7节.

    Parameters
    ----------
    inverse : bool, default False
        Multiply instead of divide (the synthesis transform's layer).

    Input and output shapes are equal: ``(..., channels)``.
    """

    def __init__(self, inverse: bool = False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(inverse, bool):
            raise TypeError(f"inverse must be a bool, got {type(inverse).__name__}")
        self.inverse = inverse

    def build(self, input_shape):
        channels = int(input_shape[-1])
        self.beta_raw = self.add_weight(
            name="beta_raw", shape=(channels,), initializer="ones")
        self.gamma_raw = self.add_weight(
            name="gamma_raw", shape=(channels, channels),
            initializer=keras.initializers.Constant(math.sqrt(0.1) * np.eye(channels)))

    @property
    def beta(self):
        """``beta``, shape (channels,), positive."""
        return ops.square(self.beta_raw) + 1e-6

    @property
    def gamma(self):
        """``gamma``, shape (channels, channels): row ``i`` weighs the squares for ``y_i``."""
        return ops.square(self.gamma_raw)

    def call(self, x):
        norm = ops.sqrt(self.beta + ops.matmul(ops.square(x), ops.transpose(self.gamma)))
        return x * norm if self.inverse else x / norm

    def get_config(self):
        return {**super().get_config(), "inverse": self.inverse}


# --------------------------------------------------------------------------
# Entropy models
# --------------------------------------------------------------------------

@keras.saving.register_keras_serializable(package="autoencoder_lib")
class FactorizedPrior(keras.layers.Layer):
    """A learned density per channel, evaluated on unit-width intervals.

    Each channel has its own cumulative function ``c(x)``: a chain of
    ``1 → 3 → 3 → 3 → 1`` affine maps with positive matrices (``softplus`` of
    a free weight) and gates ``v + tanh(a) * tanh(v)``, then a sigmoid, so
    ``c`` increases from 0 to 1 (Ballé et al. 2018, appendix 6.1). The layer
    returns the probability of the unit interval around each value,
    ``c(x + 1/2) - c(x - 1/2)``: the density convolved with ``U(-1/2, 1/2)``
    at the noisy training values, and the probability mass of the integer
    at rounded ones. Explained in 第8章 8.7节.

    Input ``(batch, ..., channels)``; output of the same shape, in
    ``[LIKELIHOOD_MIN, 1]``.
    """

    FILTERS = (3, 3, 3)
    INIT_SCALE = 10.0

    def build(self, input_shape):
        channels = int(input_shape[-1])
        dims = (1, *self.FILTERS, 1)
        scale = self.INIT_SCALE ** (1.0 / (len(dims) - 1))
        self.matrices, self.biases, self.factors = [], [], []
        for k in range(len(dims) - 1):
            init = math.log(math.expm1(1.0 / scale / dims[k + 1]))
            self.matrices.append(self.add_weight(
                name=f"matrix_{k}", shape=(channels, dims[k + 1], dims[k]),
                initializer=keras.initializers.Constant(init)))
            self.biases.append(self.add_weight(
                name=f"bias_{k}", shape=(channels, dims[k + 1], 1),
                initializer=keras.initializers.RandomUniform(-0.5, 0.5, seed=k)))
            if k < len(dims) - 2:
                self.factors.append(self.add_weight(
                    name=f"factor_{k}", shape=(channels, dims[k + 1], 1),
                    initializer="zeros"))

    def logits_cumulative(self, v):
        """The logit of ``c``; ``v`` of shape (channels, 1, n) → (channels, 1, n)."""
        for k, (matrix, bias) in enumerate(zip(self.matrices, self.biases)):
            v = ops.matmul(ops.softplus(matrix), v) + bias
            if k < len(self.factors):
                v = v + ops.tanh(self.factors[k]) * ops.tanh(v)
        return v

    def call(self, x):
        shape = ops.shape(x)
        channels = shape[-1]
        v = ops.transpose(ops.reshape(x, (-1, channels)))[:, None, :]  # (C, 1, n)
        lower = self.logits_cumulative(v - 0.5)
        upper = self.logits_cumulative(v + 0.5)
        # Subtract on the side of the sigmoid where it is not saturated.
        sign = -ops.sign(lower + upper)
        p = ops.abs(ops.sigmoid(sign * upper) - ops.sigmoid(sign * lower))
        p = ops.reshape(ops.transpose(p[:, 0, :]), shape)
        return ops.maximum(p, LIKELIHOOD_MIN)

    def pmf_table(self, radius: int) -> np.ndarray:
        """Probabilities of the integers ``-radius … radius`` per channel.

        The tails beyond ``±radius`` are added to the two end symbols, so each
        row sums to 1. Returns float64, shape ``(channels, 2 * radius + 1)``.
        """
        channels = int(self.matrices[0].shape[0])
        grid = np.arange(-radius, radius + 1, dtype=np.float32)
        v = np.broadcast_to(grid, (channels, 1, grid.size)).astype(np.float32)
        up = keras.ops.convert_to_numpy(self.logits_cumulative(v + 0.5))[:, 0].astype(np.float64)
        cdf_up = 1.0 / (1.0 + np.exp(-up))
        cdf_up[:, -1] = 1.0
        pmf = np.diff(np.concatenate([np.zeros((channels, 1)), cdf_up], axis=1), axis=1)
        pmf = np.maximum(pmf, LIKELIHOOD_MIN)
        return pmf / pmf.sum(axis=1, keepdims=True)


def _std_normal_cdf(x):
    return 0.5 * (1.0 + ops.erf(x / math.sqrt(2.0)))


def gaussian_likelihood(y, scale):
    """Probability of the unit interval around ``y`` under ``N(0, scale**2)``.

    ``Phi((1/2 - |y|) / s) - Phi((-1/2 - |y|) / s)`` with ``s = max(scale,
    SCALE_MIN)``: the Gaussian convolved with ``U(-1/2, 1/2)`` at noisy
    values, the mass of the integer at rounded ones (the symmetric form
    keeps precision in the tails). Explained in 第8章 8.7节.

    Returns a tensor of ``y``'s shape, at least ``LIKELIHOOD_MIN``.
    """
    s = ops.maximum(scale, SCALE_MIN)
    y = ops.abs(y)
    p = _std_normal_cdf((0.5 - y) / s) - _std_normal_cdf((-0.5 - y) / s)
    return ops.maximum(p, LIKELIHOOD_MIN)


def scale_indices(scales: np.ndarray) -> np.ndarray:
    """Index of the smallest :data:`SCALE_TABLE` entry ``>=`` each scale (clipped to the table).

    Returns int32 of the input's shape. Explained in 第8章 8.7节.
    """
    s = _v.as_array(scales, "scales", dtype=np.float64)
    return np.clip(np.searchsorted(SCALE_TABLE, s, side="left"), 0, SCALE_TABLE.size - 1).astype(
        np.int32)


def gaussian_pmf_table(radius: int) -> np.ndarray:
    """Integer probabilities ``-radius … radius`` for every :data:`SCALE_TABLE` scale.

    Row ``i`` is ``N(0, SCALE_TABLE[i]**2)`` integrated over unit intervals,
    the tails added to the end symbols. Returns float64, shape
    ``(len(SCALE_TABLE), 2 * radius + 1)``, rows summing to 1.
    Explained in 第8章 8.7节.
    """
    from scipy.stats import norm

    radius = _v.check_int(radius, "radius", minimum=1)
    edges = np.arange(-radius, radius + 1) + 0.5
    cdf = norm.cdf(edges[None, :] / SCALE_TABLE[:, None])
    cdf[:, -1] = 1.0
    pmf = np.diff(np.concatenate([np.zeros((SCALE_TABLE.size, 1)), cdf], axis=1), axis=1)
    pmf = np.maximum(pmf, LIKELIHOOD_MIN)
    return pmf / pmf.sum(axis=1, keepdims=True)


# --------------------------------------------------------------------------
# The codec
# --------------------------------------------------------------------------

class Compressed(NamedTuple):
    """What :meth:`HyperpriorCodec.compress` wrote, and what it cost.

    ``data`` is the stream (all images, one after another). ``ideal_bits``
    has shape ``(N, 2)``: ``-sum log2 p`` per image of its latents ``y``
    (column 0) and hyper-latents ``z`` (column 1) under the coder's tables.
    ``y`` and ``z`` are the integer symbols, shapes ``(N, 7, 7, M)`` and
    ``(N, 3, 3, M_h)``, and ``clipped`` counts symbols that fell outside the
    alphabet and were clipped to its end.
    """

    data: bytes
    ideal_bits: np.ndarray
    y: np.ndarray
    z: np.ndarray
    clipped: int

    @property
    def bits_per_image(self) -> float:
        """Bytes of the stream, times 8, divided by the number of images."""
        return 8.0 * len(self.data) / len(self.y)


@keras.saving.register_keras_serializable(package="autoencoder_lib")
class HyperpriorCodec(keras.Model):
    """Analysis/synthesis transforms with GDN and a scale hyperprior (Ballé et al. 2018).

    For 28×28×1 images in [0, 1]::

        g_a:  conv 5×5/2 → GDN → conv 5×5/2 → GDN → conv 3×3        y: 7×7×M
        h_a:  |y| → conv 3×3 valid → ReLU → conv 3×3 valid          z: 3×3×M_h
        h_s:  deconv 3×3 valid → ReLU → deconv 3×3 valid → softplus  sigma: 7×7×M
        g_s:  deconv 3×3 → IGDN → deconv 5×5/2 → IGDN → deconv 5×5/2   x_hat: 28×28×1

    Training adds ``U(-1/2, 1/2)`` noise to ``y`` and ``z`` (rounding at
    test time) and minimises, per image, ``R + lam * D`` with ``R`` the bits
    ``-log2 p(y | sigma) - log2 p(z)`` and ``D`` the mean squared error in
    8-bit grey levels (``255**2 * MSE``). Explained in 第8章 8.7节.

    Parameters
    ----------
    lam : float
        The rate–distortion trade-off ``lambda`` (bits per unit of ``D``);
        larger values buy quality with bits.
    filters : int, default 64
        Channels of the transforms' hidden layers (N).
    latent_channels : int, default 16
        Channels of ``y`` (M).
    hyper_channels : int, default 16
        Channels of ``z`` (M_h).
    seed : int, default 0
        Seed of the training noise.
    decoder_rounding : bool, default True
        In training, feed ``g_s`` the rounded latents with a straight-through
        gradient (the rate term still uses the noisy ones; Minnen and Singh
        2020); ``False`` feeds it the noisy latents, as in Ballé et al. 2018.
    nonlinearity : {"gdn", "relu"}, default "gdn"
        Between the transforms' convolutions: GDN / inverse GDN, or ReLU (the
        comparison of 第8章 8.7节).
    """

    #: The symbols of ``y`` are coded in ``-Y_RADIUS … Y_RADIUS``.
    Y_RADIUS = 48
    #: The symbols of ``z`` are coded in ``-Z_RADIUS … Z_RADIUS``.
    Z_RADIUS = 24

    def __init__(self, lam: float, filters: int = 64, latent_channels: int = 16,
                 hyper_channels: int = 16, seed: int = 0, decoder_rounding: bool = True,
                 nonlinearity: str = "gdn", **kwargs):
        super().__init__(**kwargs)
        self.lam = _v.check_number(lam, "lam", low=0.0, low_open=True)
        self.filters = _v.check_int(filters, "filters")
        self.latent_channels = _v.check_int(latent_channels, "latent_channels")
        self.hyper_channels = _v.check_int(hyper_channels, "hyper_channels")
        self.seed = _v.check_seed(seed)
        if not isinstance(decoder_rounding, bool):
            raise TypeError(f"decoder_rounding must be a bool, got {decoder_rounding!r}")
        self.decoder_rounding = decoder_rounding
        self.nonlinearity = _v.check_choice(nonlinearity, ["gdn", "relu"], "nonlinearity")
        layers = keras.layers
        n, m, mh = self.filters, self.latent_channels, self.hyper_channels

        def act(inverse):
            return GDN(inverse=inverse) if self.nonlinearity == "gdn" else layers.ReLU()

        self.g_a = keras.Sequential([
            layers.Conv2D(n, 5, strides=2, padding="same"), act(False),
            layers.Conv2D(n, 5, strides=2, padding="same"), act(False),
            layers.Conv2D(m, 3, padding="same"),
        ], name="g_a")
        self.g_s = keras.Sequential([
            layers.Conv2DTranspose(n, 3, padding="same"), act(True),
            layers.Conv2DTranspose(n, 5, strides=2, padding="same"), act(True),
            layers.Conv2DTranspose(1, 5, strides=2, padding="same"),
        ], name="g_s")
        self.h_a = keras.Sequential([
            layers.Conv2D(mh, 3, activation="relu"),
            layers.Conv2D(mh, 3),
        ], name="h_a")
        self.h_s = keras.Sequential([
            layers.Conv2DTranspose(mh, 3, activation="relu"),
            layers.Conv2DTranspose(m, 3, activation="softplus"),
        ], name="h_s")
        self.z_prior = FactorizedPrior(name="z_prior")
        self.noise = keras.random.SeedGenerator(self.seed)
        self.rate_tracker = keras.metrics.Mean(name="bits")
        self.mse_tracker = keras.metrics.Mean(name="mse")

    def build(self, input_shape=(None, 28, 28, 1)):
        self.g_a.build(input_shape)
        y_shape = (input_shape[0], input_shape[1] // 4, input_shape[2] // 4, self.latent_channels)
        self.g_s.build(y_shape)
        self.h_a.build(y_shape)
        z_shape = (input_shape[0], y_shape[1] - 4, y_shape[2] - 4, self.hyper_channels)
        self.h_s.build(z_shape)
        self.z_prior.build(z_shape)
        self.built = True

    def _perturb(self, v, training):
        if training:
            return v + keras.random.uniform(ops.shape(v), -0.5, 0.5, seed=self.noise)
        return ops.round(v)

    def call(self, x, training=False):
        """``x`` (B, 28, 28, 1) → ``(x_hat, bits)``: reconstructions, bits per image (B,)."""
        y = self.g_a(x)
        z = self.h_a(ops.abs(y))
        z_tilde = self._perturb(z, training)
        sigma = self.h_s(z_tilde)
        y_tilde = self._perturb(y, training)
        if training and self.decoder_rounding:
            # The decoder sees the rounded latents (straight-through gradient).
            x_hat = self.g_s(y + ops.stop_gradient(ops.round(y) - y))
        else:
            x_hat = self.g_s(y_tilde)
        log2 = math.log(2.0)
        bits_y = -ops.sum(ops.log(gaussian_likelihood(y_tilde, sigma)), axis=(1, 2, 3)) / log2
        bits_z = -ops.sum(ops.log(self.z_prior(z_tilde)), axis=(1, 2, 3)) / log2
        return x_hat, bits_y + bits_z

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The batch's rate–distortion loss ``mean(bits) + lam * 255**2 * MSE``."""
        x_hat, bits = y_pred
        mse = ops.mean(ops.square(x - x_hat))
        rate = ops.mean(bits)
        self.rate_tracker.update_state(rate)
        self.mse_tracker.update_state(mse)
        return rate + self.lam * (255.0 ** 2) * mse

    @property
    def metrics(self):
        return [*super().metrics, self.rate_tracker, self.mse_tracker]

    def get_config(self):
        return {**super().get_config(), "lam": self.lam, "filters": self.filters,
                "latent_channels": self.latent_channels,
                "hyper_channels": self.hyper_channels, "seed": self.seed,
                "decoder_rounding": self.decoder_rounding, "nonlinearity": self.nonlinearity}

    # ----------------------------------------------------------------------
    # Real bytes
    # ----------------------------------------------------------------------

    def coding_tables(self) -> tuple[np.ndarray, np.ndarray]:
        """The probability tables both sides of the channel compute from the weights.

        Returns
        -------
        z_table : numpy.ndarray, shape (M_h, 2 * Z_RADIUS + 1)
            Per channel of ``z``: :meth:`FactorizedPrior.pmf_table`.
        y_table : numpy.ndarray, shape (len(SCALE_TABLE), 2 * Y_RADIUS + 1)
            Per entry of :data:`SCALE_TABLE`: :func:`gaussian_pmf_table`.
        """
        return self.z_prior.pmf_table(self.Z_RADIUS), gaussian_pmf_table(self.Y_RADIUS)

    def _scale_index(self, z_one: np.ndarray) -> np.ndarray:
        # One image at a time (batch 1), on both sides of the channel, so the
        # encoder and the decoder run exactly the same computation.
        sigma = ops.convert_to_numpy(self.h_s(z_one[None].astype(np.float32), training=False))
        return scale_indices(sigma[0]).ravel()

    def compress(self, images: np.ndarray) -> Compressed:
        """Encode images into one stream: per image its ``z``, then its ``y``.

        ``y = round(g_a(x))`` and ``z = round(h_a(|y|))``; the symbols of
        ``z`` are coded with the factorized prior's tables, those of ``y``
        with the Gaussian table of their scale index, computed from ``z``
        one image at a time. Explained in 第8章 8.7节.

        Parameters
        ----------
        images : numpy.ndarray, shape (N, 28, 28, 1) or (N, 28, 28), values in [0, 1]

        Returns
        -------
        Compressed
            The stream, the ideal bits per image and the symbols.

        Raises
        ------
        ValueError
            On another shape, or values outside [0, 1].
        """
        import constriction

        x = _check_images(images)
        y = _apply(self.g_a, x)
        z = _apply(self.h_a, np.abs(y))
        y_sym, clipped_y = _round_clip(y, self.Y_RADIUS)
        z_sym, clipped_z = _round_clip(z, self.Z_RADIUS)
        z_table, y_table = self.coding_tables()
        z_rows = np.resize(np.arange(z_sym.shape[-1]), z_sym[0].size)
        family = constriction.stream.model.Categorical(perfect=False)
        encoder = constriction.stream.queue.RangeEncoder()
        ideal = np.zeros((len(x), 2))
        for i in range(len(x)):
            zi = z_sym[i].ravel() + self.Z_RADIUS
            z_probs = z_table[z_rows]
            encoder.encode(zi.astype(np.int32), family, z_probs)
            y_probs = y_table[self._scale_index(z_sym[i])]
            yi = y_sym[i].ravel() + self.Y_RADIUS
            encoder.encode(yi.astype(np.int32), family, y_probs)
            ideal[i, 0] = -np.log2(y_probs[np.arange(yi.size), yi]).sum()
            ideal[i, 1] = -np.log2(z_probs[np.arange(zi.size), zi]).sum()
        data = np.asarray(encoder.get_compressed(), dtype="<u4").tobytes()
        return Compressed(data, ideal, y_sym, z_sym, clipped_y + clipped_z)

    def decompress(self, data: bytes, n_images: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Decode a stream written by :meth:`compress`, one image at a time.

        Returns
        -------
        images : numpy.ndarray of float32, shape (n_images, 28, 28, 1), clipped to [0, 1]
        y, z : numpy.ndarray of int32
            The decoded symbols, shapes ``(n_images, 7, 7, M)`` and ``(n_images, 3, 3, M_h)``.

        Raises
        ------
        TypeError, ValueError
            If ``data`` is not bytes of whole 32-bit words or ``n_images`` is
            not a non-negative int.
        """
        import constriction

        if not isinstance(data, (bytes, bytearray)):
            raise TypeError(f"data must be bytes, got {type(data).__name__}")
        if len(data) % 4:
            raise ValueError(f"data must be a whole number of 32-bit words, got {len(data)} bytes")
        n_images = _v.check_int(n_images, "n_images", minimum=0)
        z_shape = (3, 3, self.hyper_channels)
        y_shape = (7, 7, self.latent_channels)
        z_table, y_table = self.coding_tables()
        z_probs = z_table[np.resize(np.arange(self.hyper_channels), math.prod(z_shape))]
        family = constriction.stream.model.Categorical(perfect=False)
        decoder = constriction.stream.queue.RangeDecoder(
            np.frombuffer(bytes(data), dtype="<u4").astype(np.uint32))
        ys, zs = [], []
        for _ in range(n_images):
            zi = decoder.decode(family, z_probs).reshape(z_shape) - self.Z_RADIUS
            y_probs = y_table[self._scale_index(zi)]
            yi = decoder.decode(family, y_probs).reshape(y_shape) - self.Y_RADIUS
            zs.append(zi)
            ys.append(yi)
        y = np.asarray(ys, dtype=np.int32).reshape((n_images, *y_shape))
        z = np.asarray(zs, dtype=np.int32).reshape((n_images, *z_shape))
        return np.clip(_apply(self.g_s, y.astype(np.float32)), 0.0, 1.0), y, z


def _apply(model, x: np.ndarray, batch: int = 500) -> np.ndarray:
    # Eager calls in fixed-size batches (no tf.function retracing).
    parts = [ops.convert_to_numpy(model(x[i:i + batch], training=False))
             for i in range(0, len(x), batch)]
    return np.concatenate(parts) if parts else np.zeros((0, *model.output_shape[1:]), np.float32)


def _check_images(images) -> np.ndarray:
    x = _v.as_array(images, "images", dtype=np.float32)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[1:] != (28, 28, 1):
        raise ValueError(f"images must have shape (N, 28, 28, 1) or (N, 28, 28), got {x.shape}")
    _v.check_in_range(x, "images", 0.0, 1.0)
    return x


def _round_clip(v: np.ndarray, radius: int) -> tuple[np.ndarray, int]:
    q = np.rint(v)
    clipped = int(np.count_nonzero(np.abs(q) > radius))
    return np.clip(q, -radius, radius).astype(np.int32), clipped
