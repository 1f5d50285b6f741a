"""Keras model builders that return the encoder, the decoder and the whole autoencoder.

Explained in 第2章 (a first dense autoencoder) and 第5章 (dense, convolutional
and denoising autoencoders).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

__all__ = ["AutoencoderParts", "build_dense_autoencoder"]


class AutoencoderParts(NamedTuple):
    """The three models a builder returns; they share their layers (and weights).

    ``autoencoder(x) == decoder(encoder(x))``: train ``autoencoder``, then use
    ``encoder`` to get codes and ``decoder`` to map codes back to inputs.
    """

    encoder: object
    decoder: object
    autoencoder: object


def _check_positive_int(value, arg: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{arg} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{arg} must be positive, got {value}")
    return int(value)


def _check_activation(value, arg: str):
    import keras

    if value is None:
        return "linear"
    try:
        keras.activations.get(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{arg} is not a Keras activation: {value!r}") from exc
    return value


def build_dense_autoencoder(
    input_dim: int,
    latent_dim: int,
    *,
    hidden_units: Sequence[int] = (),
    activation: str = "relu",
    latent_activation: str | None = None,
    output_activation: str | None = "sigmoid",
    name: str = "dense_ae",
) -> AutoencoderParts:
    """Build a fully connected (dense) autoencoder with a mirrored decoder.

    The encoder is ``input_dim → hidden_units… → latent_dim`` and the decoder
    ``latent_dim → reversed(hidden_units)… → input_dim``. The decoder always
    ends with ``input_dim`` units, so ``x`` and ``x̂`` have the same shape
    (the bug of the source article's program, see 第5章 5.2节).

    Explained in 第2章 2.5节.

    Parameters
    ----------
    input_dim : int
        Number of input features (784 for a flattened 28×28 image).
    latent_dim : int
        Size of the code ``z`` (the bottleneck).
    hidden_units : sequence of int, default ()
        Widths of the encoder's hidden layers, outermost first.
    activation : str, default "relu"
        Activation of every hidden layer.
    latent_activation : str or None, default None (linear)
        Activation of the code layer. Linear avoids the "dead" ReLU code units
        that the source article's 2-D plot shows (第5章 5.2节).
    output_activation : str or None, default "sigmoid"
        Match it to the data: ``"sigmoid"`` for values in [0, 1] (pixels),
        ``None`` / ``"linear"`` for unbounded, standardised data.
    name : str
        Prefix of the three models' names.

    Returns
    -------
    AutoencoderParts
        ``encoder`` maps ``(batch, input_dim)`` to ``(batch, latent_dim)``;
        ``decoder`` maps ``(batch, latent_dim)`` to ``(batch, input_dim)``;
        ``autoencoder`` maps ``(batch, input_dim)`` to ``(batch, input_dim)``.
        None is compiled.

    Raises
    ------
    TypeError, ValueError
        On a non-integer or non-positive size, or an unknown activation.

    Examples
    --------
    >>> parts = build_dense_autoencoder(784, 32, hidden_units=[256])
    >>> parts.autoencoder.output_shape
    (None, 784)
    """
    import keras
    from keras import layers

    input_dim = _check_positive_int(input_dim, "input_dim")
    latent_dim = _check_positive_int(latent_dim, "latent_dim")
    if isinstance(hidden_units, (str, bytes)) or not isinstance(hidden_units, Sequence):
        raise TypeError(f"hidden_units must be a sequence of ints, got {type(hidden_units).__name__}")
    hidden = [_check_positive_int(u, f"hidden_units[{i}]") for i, u in enumerate(hidden_units)]
    activation = _check_activation(activation, "activation")
    latent_activation = _check_activation(latent_activation, "latent_activation")
    output_activation = _check_activation(output_activation, "output_activation")

    x_in = keras.Input(shape=(input_dim,), name="x")
    h = x_in
    for i, units in enumerate(hidden, start=1):
        h = layers.Dense(units, activation=activation, name=f"enc_dense_{i}")(h)
    z = layers.Dense(latent_dim, activation=latent_activation, name="code")(h)
    encoder = keras.Model(x_in, z, name=f"{name}_encoder")

    z_in = keras.Input(shape=(latent_dim,), name="z")
    h = z_in
    for i, units in enumerate(reversed(hidden), start=1):
        h = layers.Dense(units, activation=activation, name=f"dec_dense_{i}")(h)
    x_hat = layers.Dense(input_dim, activation=output_activation, name="reconstruction")(h)
    decoder = keras.Model(z_in, x_hat, name=f"{name}_decoder")

    x_full = keras.Input(shape=(input_dim,), name="x")
    autoencoder = keras.Model(x_full, decoder(encoder(x_full)), name=name)
    return AutoencoderParts(encoder, decoder, autoencoder)
