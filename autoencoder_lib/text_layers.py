"""The Keras layers of the sequence autoencoder that :mod:`autoencoder_lib.text` builds.

Each layer is a module-level class registered with
``keras.saving.register_keras_serializable`` (package ``"autoencoder_lib"``) and
has a ``get_config``, so a model from
:func:`autoencoder_lib.text.build_sequence_autoencoder` saves as a ``.keras``
file and loads back with ``keras.saving.load_model`` once this module has been
imported. This module imports Keras; :mod:`autoencoder_lib.text` imports it only
inside the builder, so the vocabulary and batching helpers stay TensorFlow-free.

Explained in 第6章 6.5节.
"""

from __future__ import annotations

import keras
from keras import ops

from . import _validation as _v
from .text import END_ID, PAD_ID, UNK_ID

__all__ = ["TokenDropout", "ConcatCode", "NotPadding", "TiedEmbedding"]

_register = keras.saving.register_keras_serializable(package="autoencoder_lib")


@_register
class TokenDropout(keras.layers.Layer):
    """During training, replace each real input id by ``UNK_ID`` with probability ``rate``.

    The "word dropout" of Bowman et al. (2016): the decoder cannot always lean
    on the previous character, so it must use the code more. Padding, ``START``
    and ``END`` are kept. Inactive outside training.

    Explained in 第6章 6.5节.

    Parameters
    ----------
    rate : float, default 0
        Probability in [0, 1).
    seed : int, optional
        Seed of the layer's random draws.
    """

    def __init__(self, rate: float = 0.0, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _v.check_number(rate, "rate", low=0.0, high=1.0, high_open=True)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, ids, training=None):
        if not training or self.rate == 0.0:
            return ids
        hit = keras.random.uniform(ops.shape(ids), seed=self.seed_generator) < self.rate
        hit = ops.logical_and(hit, ops.greater(ids, END_ID))
        return ops.where(hit, ops.full_like(ids, UNK_ID), ids)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        """The constructor arguments, for saving as a ``.keras`` file."""
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


@_register
class ConcatCode(keras.layers.Layer):
    """Append the code vector ``(N, C)`` to the input ``(N, T, E)`` of every decoder step.

    Returns shape ``(N, T, E + C)``.
    """

    def call(self, inputs):
        x, code = inputs
        steps = ops.shape(x)[1]
        tiled = ops.repeat(ops.expand_dims(code, 1), steps, axis=1)
        return ops.concatenate([x, ops.cast(tiled, x.dtype)], axis=-1)

    def compute_output_shape(self, input_shapes):
        (n, t, e), (_, c) = input_shapes
        return (n, t, e + c)

    def get_config(self):
        """The constructor arguments, for saving as a ``.keras`` file."""
        return super().get_config()  # no arguments of its own


@_register
class NotPadding(keras.layers.Layer):
    """Boolean mask ``ids != PAD_ID`` (the encoder skips padding)."""

    def call(self, ids):
        return ops.not_equal(ids, PAD_ID)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        """The constructor arguments, for saving as a ``.keras`` file."""
        return super().get_config()  # no arguments of its own


@_register
class TiedEmbedding(keras.layers.Layer):
    """One character table used both ways ("tied" embeddings).

    ``layer(ids)`` looks up the vectors ``(N, T) -> (N, T, dim)``;
    ``layer(h, reverse=True)`` scores vectors against the same table,
    ``h @ table.T + bias``, giving logits ``(..., dim) -> (..., vocab_size)``.
    Both weights (``table`` and ``bias``) belong to this one layer, so it
    saves and loads like any Keras layer.

    Explained in 第6章 6.5节.

    Parameters
    ----------
    vocab_size : int
        Rows of the table (reserved symbols included).
    dim : int
        Numbers per symbol.
    """

    def __init__(self, vocab_size: int, dim: int, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size = _v.check_int(vocab_size, "vocab_size")
        self.dim = _v.check_int(dim, "dim")

    def build(self, input_shape=None):
        self.table = self.add_weight(
            shape=(self.vocab_size, self.dim),
            name="table",
            initializer=keras.initializers.RandomNormal(stddev=0.1),
        )
        self.bias = self.add_weight(shape=(self.vocab_size,), name="bias", initializer="zeros")

    def call(self, inputs, reverse=False):
        if reverse:
            return ops.matmul(inputs, ops.transpose(self.table)) + self.bias
        return ops.take(self.table, ops.cast(inputs, "int32"), axis=0)

    def get_config(self):
        """The constructor arguments, for saving as a ``.keras`` file."""
        return {**super().get_config(), "vocab_size": self.vocab_size, "dim": self.dim}
