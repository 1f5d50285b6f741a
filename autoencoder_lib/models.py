"""Keras model builders that return the encoder, the decoder and the whole autoencoder.

Explained in 第2章 (a first dense autoencoder) and 第5章 (dense, convolutional
and denoising autoencoders).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from . import _validation as _v

__all__ = [
    "AutoencoderParts",
    "build_dense_autoencoder",
    "build_conv_autoencoder",
    "dense_from_numpy",
]


class AutoencoderParts(NamedTuple):
    """The three models a builder returns; they share their layers (and weights).

    ``autoencoder(x) == decoder(encoder(x))``: train ``autoencoder``, then use
    ``encoder`` to get codes and ``decoder`` to map codes back to inputs.
    """

    encoder: object
    decoder: object
    autoencoder: object


def _check_name(name) -> str:
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {name!r}")
    return name


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
        On an invalid argument (the message names it).

    Examples
    --------
    >>> parts = build_dense_autoencoder(784, 32, hidden_units=[256])
    >>> parts.autoencoder.output_shape
    (None, 784)
    """
    import keras
    from keras import layers

    input_dim = _v.check_int(input_dim, "input_dim")
    latent_dim = _v.check_int(latent_dim, "latent_dim")
    hidden = _v.check_int_sequence(hidden_units, "hidden_units")
    name = _check_name(name)
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


def build_conv_autoencoder(
    input_shape: Sequence[int] = (28, 28, 1),
    latent_dim: int | None = 32,
    *,
    filters: Sequence[int] = (32, 64),
    kernel_size: int = 3,
    upsampling: str = "transpose",
    activation: str = "relu",
    latent_activation: str | None = None,
    output_activation: str | None = "sigmoid",
    name: str = "conv_ae",
) -> AutoencoderParts:
    """Build a convolutional autoencoder: stride-2 convolutions down, then back up.

    Encoder: one ``Conv2D(filters[i], kernel_size, strides=2, padding="same")``
    per entry of ``filters``, each halving height and width (28 → 14 → 7 for
    two entries), then, if ``latent_dim`` is given, ``Flatten`` and a
    ``Dense(latent_dim)`` code layer. The decoder is the exact mirror: a
    ``Dense`` layer and a ``Reshape`` back to the smallest feature map, then one
    upsampling stage per entry of ``filters``, each doubling height and width
    and stepping the channels back down the encoder's ladder: for
    ``filters=(32, 64)`` and one input channel, 64 → 32 → 1. The last stage
    outputs the input's channels with ``output_activation``.

    An upsampling stage is either a transposed convolution
    ``Conv2DTranspose(f, kernel_size, strides=2, padding="same")``
    (``upsampling="transpose"``) or nearest-neighbour resizing followed by an
    ordinary convolution, ``UpSampling2D(2)`` + ``Conv2D(f, kernel_size,
    padding="same")`` (``upsampling="resize"``), the alternative that avoids
    checkerboard artefacts (Odena et al. 2016).

    Explained in 第5章 5.5节 (shapes, transposed convolution, checkerboard
    artefacts) and 5.6节 (used as a denoiser).

    Parameters
    ----------
    input_shape : (int, int, int), default (28, 28, 1)
        ``(height, width, channels)`` of one image, channels last. Height and
        width must be divisible by ``2 ** len(filters)``, so that the decoder's
        output has exactly the input's shape.
    latent_dim : int or None, default 32
        Size of the code vector. ``None`` leaves out the ``Flatten`` and
        ``Dense`` layers: the code is then the last feature map of shape
        ``(height / 2**L, width / 2**L, filters[-1])``, a fully convolutional
        autoencoder without a vector bottleneck.
    filters : sequence of int, default (32, 64)
        Channels of the encoder's convolutions, outermost first (``L`` entries).
    kernel_size : int, default 3
        Side of every square convolution kernel.
    upsampling : {"transpose", "resize"}, default "transpose"
        How the decoder doubles the resolution (see above).
    activation : str, default "relu"
        Activation of every hidden layer.
    latent_activation : str or None, default None (linear)
        Activation of the ``Dense`` code layer (ignored when ``latent_dim`` is None).
    output_activation : str or None, default "sigmoid"
        Activation of the last convolution; ``"sigmoid"`` for pixels in [0, 1].
    name : str
        Prefix of the three models' names.

    Returns
    -------
    AutoencoderParts
        ``encoder`` maps ``(batch, *input_shape)`` to ``(batch, latent_dim)``
        (or to the last feature map); ``decoder`` maps the code back to
        ``(batch, *input_shape)``; ``autoencoder`` maps ``(batch, *input_shape)``
        to ``(batch, *input_shape)``. None is compiled.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).

    Examples
    --------
    >>> parts = build_conv_autoencoder((28, 28, 1), 32, filters=(16, 32))
    >>> parts.encoder.output_shape, parts.autoencoder.output_shape
    ((None, 32), (None, 28, 28, 1))
    >>> parts.decoder.get_layer("dec_tconv_1").output.shape  # 7x7x32 -> 14x14x16
    (None, 14, 14, 16)
    """
    import keras
    from keras import layers

    shape = _v.check_int_sequence(input_shape, "input_shape")
    if len(shape) != 3:
        raise ValueError(
            f"input_shape must be (height, width, channels), got {tuple(input_shape)}"
        )
    filters = _v.check_int_sequence(filters, "filters")
    if not filters:
        raise ValueError("filters must have at least one entry, got an empty sequence")
    factor = 2 ** len(filters)
    height, width, channels = shape
    if height % factor or width % factor:
        raise ValueError(
            f"input_shape height and width must be divisible by 2**len(filters) = {factor} "
            f"so that the decoder can restore them, got input_shape={tuple(shape)}"
        )
    if latent_dim is not None:
        latent_dim = _v.check_int(latent_dim, "latent_dim")
    kernel_size = _v.check_int(kernel_size, "kernel_size")
    name = _check_name(name)
    _v.check_choice(upsampling, ("transpose", "resize"), "upsampling")
    activation = _check_activation(activation, "activation")
    latent_activation = _check_activation(latent_activation, "latent_activation")
    output_activation = _check_activation(output_activation, "output_activation")

    x_in = keras.Input(shape=tuple(shape), name="x")
    h = x_in
    for i, f in enumerate(filters, start=1):
        h = layers.Conv2D(f, kernel_size, strides=2, padding="same", activation=activation,
                          name=f"enc_conv_{i}")(h)
    small_shape = (height // factor, width // factor, filters[-1])
    if latent_dim is not None:
        h = layers.Flatten(name="flatten")(h)
        h = layers.Dense(latent_dim, activation=latent_activation, name="code")(h)
    encoder = keras.Model(x_in, h, name=f"{name}_encoder")

    if latent_dim is not None:
        z_in = keras.Input(shape=(latent_dim,), name="z")
        h = layers.Dense(int(np.prod(small_shape)), activation=activation, name="dec_dense")(z_in)
        h = layers.Reshape(small_shape, name="dec_reshape")(h)
    else:
        z_in = keras.Input(shape=small_shape, name="z")
        h = z_in
    # Channels after each upsampling stage: the encoder's ladder walked back down to the input's.
    ladder = list(reversed(filters[:-1])) + [channels]
    for i, f in enumerate(ladder, start=1):
        last = i == len(ladder)
        act = output_activation if last else activation
        if upsampling == "transpose":
            h = layers.Conv2DTranspose(f, kernel_size, strides=2, padding="same", activation=act,
                                       name="reconstruction" if last else f"dec_tconv_{i}")(h)
        else:
            h = layers.UpSampling2D(2, interpolation="nearest", name=f"dec_up_{i}")(h)
            h = layers.Conv2D(f, kernel_size, padding="same", activation=act,
                              name="reconstruction" if last else f"dec_conv_{i}")(h)
    x_hat = h
    decoder = keras.Model(z_in, x_hat, name=f"{name}_decoder")

    x_full = keras.Input(shape=tuple(shape), name="x")
    autoencoder = keras.Model(x_full, decoder(encoder(x_full)), name=name)
    return AutoencoderParts(encoder, decoder, autoencoder)


def dense_from_numpy(weights: Sequence[np.ndarray], activations: Sequence[str]):
    """A float64 ``keras.Sequential`` of ``Dense`` layers with the given weights.

    The Keras side of :func:`autoencoder_lib.numpy_ae.to_keras`, which passes a
    NumPy autoencoder's ``parameters()`` and its layers' activations: the copy
    computes the same function, so TensorFlow's automatic differentiation
    (``tf.GradientTape``) can check the hand-written gradients.

    Explained in 第3章 3.3节.

    Parameters
    ----------
    weights : sequence of numpy.ndarray
        ``[W1, b1, W2, b2, ...]`` with ``W`` of shape ``(n_in, n_out)`` and
        ``b`` of shape ``(n_out,)``, each layer's input the previous one's output.
    activations : sequence of str
        One per layer: ``"identity"`` (Keras's ``"linear"``), ``"relu"`` or ``"sigmoid"``.

    Returns
    -------
    keras.Sequential
        Layers ``dense_1, dense_2, ...`` of dtype float64, mapping
        ``(N, W1.shape[0])`` to ``(N, n_out of the last layer)``.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    weights = _v.check_sequence(weights, "weights", of="numpy arrays", min_len=2)
    activations = _v.check_sequence(activations, "activations", of="str", min_len=1)
    if len(weights) != 2 * len(activations):
        raise ValueError(
            f"weights must hold a W and a b per activation ({2 * len(activations)} arrays), "
            f"got {len(weights)}"
        )
    weights = [_v.as_array(w, f"weights[{i}]", ndim=2 - i % 2) for i, w in enumerate(weights)]
    activations = [_v.check_choice(a, ("identity", "relu", "sigmoid"), f"activations[{i}]")
                   for i, a in enumerate(activations)]
    return _dense_from_numpy(weights, activations)


def _dense_from_numpy(weights: list[np.ndarray], activations: list[str]):
    import keras

    model_layers = [keras.Input(shape=(weights[0].shape[0],), dtype="float64")]
    for i, (b, activation) in enumerate(zip(weights[1::2], activations), start=1):
        activation = "linear" if activation == "identity" else activation
        model_layers.append(keras.layers.Dense(
            b.shape[0], activation=activation, dtype="float64", name=f"dense_{i}",
        ))
    keras_model = keras.Sequential(model_layers, name="numpy_ae_copy")
    keras_model.set_weights([w.astype(np.float64) for w in weights])
    return keras_model
