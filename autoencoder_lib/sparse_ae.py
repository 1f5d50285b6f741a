"""Sparse autoencoders (SAEs) for reading features: the L1/ReLU form and the TopK form.

An SAE for interpretability is *overcomplete*: it maps a ``dim``-dimensional
activation vector to ``n_latents > dim`` non-negative latents, of which only a
few are non-zero, and reconstructs the vector as a sum of decoder columns
(one direction per latent, the "dictionary"). Two ways to make the code sparse:

- ``kind="relu"``: ReLU latents with an L1 penalty ``l1 * sum_j z_j`` added to
  the loss (Bricken et al. 2023; Cunningham et al. 2024). The decoder columns
  are kept at unit norm, else the penalty could be dodged by shrinking ``z``
  and growing the columns.
- ``kind="topk"``: keep the ``k`` largest pre-activations per example, ReLU
  them, zero the rest (Makhzani & Frey's k-sparse autoencoder, used at scale
  by Gao et al. 2024): sparsity is set directly, no penalty to tune.

Everything Keras lives at module level here (layers, loss); builders only wire
them. The scores (MMCS, recovery, L0, dead latents, FVU, purity) are NumPy
functions in :mod:`autoencoder_lib.sae_metrics`.

Explained in 第8章 8.4节 (and used on a real network in 第8章 8.5节).
"""

from __future__ import annotations

from typing import NamedTuple

import keras
import numpy as np
from keras import ops

from . import _validation as _v

__all__ = [
    "L1Penalty",
    "SparseAutoencoderParts",
    "TopK",
    "build_sparse_autoencoder",
    "decoder_directions",
    "encode",
    "fit_sparse_autoencoder",
    "sum_squared_error",
]

_KINDS = ("relu", "topk")


@keras.saving.register_keras_serializable(package="autoencoder_lib")
class TopK(keras.layers.Layer):
    """Keep the ``k`` largest values of each row, apply ReLU to them, set the rest to 0.

    Gradients flow only through the kept entries. With all inputs positive,
    exactly ``k`` entries per row are non-zero; negative entries among the top
    ``k`` become 0 through the ReLU, so a row has at most ``k`` non-zeros.

    Explained in 第8章 8.4节.

    Parameters
    ----------
    k : int
        Number of values kept per row, >= 1 (and at most the row length).

    Examples
    --------
    >>> import numpy as np
    >>> TopK(2)(np.array([[0.1, 0.5, 0.3, 0.2]], dtype="float32")).numpy().tolist()
    [[0.0, 0.5, 0.30000001192092896, 0.0]]
    """

    def __init__(self, k: int, **kwargs):
        super().__init__(**kwargs)
        self.k = _v.check_int(k, "k")

    def build(self, input_shape):
        width = input_shape[-1]
        if width is not None and self.k > width:
            raise ValueError(f"k must be at most the number of latents ({width}), got {self.k}")

    def call(self, inputs):
        _, idx = ops.top_k(inputs, self.k)                          # (batch, k)
        mask = ops.sum(ops.one_hot(idx, ops.shape(inputs)[-1], dtype=inputs.dtype), axis=1)
        return ops.relu(inputs) * mask                               # (batch, n_latents)

    def get_config(self):
        return {**super().get_config(), "k": self.k}


@keras.saving.register_keras_serializable(package="autoencoder_lib")
class L1Penalty(keras.layers.Layer):
    """Identity layer that adds ``l1 * mean_over_batch(sum_j |z_j|)`` to the model's loss.

    Added with ``add_loss`` so the penalty is exactly this formula (Keras'
    ``activity_regularizer`` would divide it by the batch size).

    Explained in 第8章 8.4节.

    Parameters
    ----------
    l1 : float >= 0
        Weight of the penalty.
    """

    def __init__(self, l1: float, **kwargs):
        super().__init__(**kwargs)
        self.l1 = _v.check_number(l1, "l1", low=0.0)

    def call(self, inputs):
        self.add_loss(self.l1 * ops.mean(ops.sum(ops.abs(inputs), axis=-1)))
        return inputs

    def get_config(self):
        return {**super().get_config(), "l1": self.l1}


@keras.saving.register_keras_serializable(package="autoencoder_lib")
def sum_squared_error(y_true, y_pred):
    """Per-example squared error summed over features, ``||x - x_hat||^2``: shape (batch,).

    Keras averages it over the batch. Explained in 第8章 8.4节.
    """
    return ops.sum(ops.square(y_true - y_pred), axis=-1)


class SparseAutoencoderParts(NamedTuple):
    """The three Keras models of a sparse autoencoder, sharing weights, and its kind.

    - ``encoder``: ``(batch, dim) -> (batch, n_latents)``, non-negative and sparse;
    - ``decoder``: ``(batch, n_latents) -> (batch, dim)``, linear; its layer named
      ``"dictionary"`` holds the decoder directions as kernel rows;
    - ``autoencoder``: ``decoder(encoder(x))``, with the L1 penalty among its
      losses when ``kind == "relu"``;
    - ``kind``: ``"relu"`` or ``"topk"``.
    """

    encoder: keras.Model
    decoder: keras.Model
    autoencoder: keras.Model
    kind: str


def build_sparse_autoencoder(dim: int, n_latents: int, *, kind: str = "topk", k: int = 8,
                             l1: float = 1e-3, unit_norm_decoder: bool = True,
                             seed: int = 0) -> SparseAutoencoderParts:
    """An overcomplete sparse autoencoder: encoder, decoder and the whole model.

    ``z = sparsify(W_e x + b_e)`` with ``sparsify`` the ReLU (``kind="relu"``,
    plus the L1 penalty) or :class:`TopK` (``kind="topk"``); ``x_hat = z D + b_d``
    with ``D`` of shape ``(n_latents, dim)``, the dictionary. Its rows (the
    decoder columns in the papers' notation) start as random unit vectors and,
    with ``unit_norm_decoder=True``, are projected back to unit norm after
    every update (:class:`keras.constraints.UnitNorm`). The encoder starts as
    the transpose of the dictionary (Gao et al. 2024), which leaves fewer dead
    latents. The papers' extra pre-encoder bias is left out: ``b_e`` absorbs it.

    Explained in 第8章 8.4节.

    Parameters
    ----------
    dim : int
        Input dimension (the width of the activations), >= 1.
    n_latents : int
        Number of latents (dictionary size), >= 1; usually several times ``dim``.
    kind : {"topk", "relu"}, default "topk"
    k : int, default 8
        Latents kept per example (``kind="topk"``), ``1 <= k <= n_latents``.
    l1 : float >= 0, default 1e-3
        Weight of the L1 penalty (``kind="relu"``).
    unit_norm_decoder : bool, default True
    seed : int, default 0
        Seed of the initial dictionary.

    Returns
    -------
    SparseAutoencoderParts
        ``encoder``: ``(batch, dim) -> (batch, n_latents)``; ``decoder``:
        ``(batch, n_latents) -> (batch, dim)``; ``autoencoder``:
        ``(batch, dim) -> (batch, dim)`` (uncompiled).

    Raises
    ------
    ValueError, TypeError
        Naming the bad argument.
    """
    dim = _v.check_int(dim, "dim")
    n_latents = _v.check_int(n_latents, "n_latents")
    kind = _v.check_choice(kind, _KINDS, "kind")
    k = _v.check_int(k, "k", maximum=n_latents)
    l1 = _v.check_number(l1, "l1", low=0.0)
    if not isinstance(unit_norm_decoder, bool):
        raise TypeError(f"unit_norm_decoder must be True or False, "
                        f"got {type(unit_norm_decoder).__name__}")
    seed = _v.check_int(seed, "seed", minimum=0)

    rng = np.random.default_rng(seed)
    dictionary = rng.normal(size=(n_latents, dim))
    dictionary /= np.linalg.norm(dictionary, axis=1, keepdims=True)
    dictionary = dictionary.astype("float32")

    x_in = keras.Input(shape=(dim,), name="activations")
    pre = keras.layers.Dense(n_latents, name="encode")(x_in)
    if kind == "topk":
        z = TopK(k, name="topk")(pre)
    else:
        z = L1Penalty(l1, name="l1_penalty")(keras.layers.ReLU(name="relu")(pre))
    encoder = keras.Model(x_in, z, name=f"sae_encoder_{kind}")

    z_in = keras.Input(shape=(n_latents,), name="latents")
    constraint = keras.constraints.UnitNorm(axis=1) if unit_norm_decoder else None
    dict_layer = keras.layers.Dense(dim, kernel_constraint=constraint, name="dictionary")
    decoder = keras.Model(z_in, dict_layer(z_in), name="sae_decoder")

    dict_layer.kernel.assign(dictionary)
    encoder.get_layer("encode").kernel.assign(dictionary.T)
    x_hat = decoder(encoder(x_in))
    autoencoder = keras.Model(x_in, x_hat, name=f"sparse_autoencoder_{kind}")
    return SparseAutoencoderParts(encoder, decoder, autoencoder, kind)


def _check_parts(parts) -> SparseAutoencoderParts:
    if not isinstance(parts, SparseAutoencoderParts):
        raise TypeError(f"parts must be the SparseAutoencoderParts that build_sparse_autoencoder "
                        f"returns, got {type(parts).__name__}")
    return parts


def fit_sparse_autoencoder(parts, x, *, epochs: int = 5, batch_size: int = 256,
                           learning_rate: float = 1e-3, validation_data=None,
                           centre: bool = True):
    """Compile (Adam, :func:`sum_squared_error`) and train a sparse autoencoder on ``x``.

    With ``centre=True`` the biases first start from the data: the decoder
    bias ``b_d`` is set to the mean of ``x`` and the encoder bias to
    ``-mean(x) @ W_e``, so the encoder initially sees centred inputs (the
    papers subtract ``b_d`` before encoding; here ``b_e`` absorbs it). Without
    it, on non-negative activations (after a ReLU) every latent whose random
    direction points away from the data mean never wins a TopK slot and dies.

    Explained in 第8章 8.4节.

    Parameters
    ----------
    parts : SparseAutoencoderParts
        From :func:`build_sparse_autoencoder`.
    x : array-like of float, shape (n_samples, dim)
        Training activations.
    epochs : int, default 5
    batch_size : int, default 256
    learning_rate : float > 0, default 1e-3
    validation_data : array-like of float, shape (n_val, dim), optional
        Reported in the history as ``val_loss``.
    centre : bool, default True
        Start the biases from the mean of ``x`` (see above).

    Returns
    -------
    keras.callbacks.History
    """
    parts = _check_parts(parts)
    dim = parts.encoder.input_shape[-1]
    x = _v.as_array(x, "x", kinds="f", ndim=2, shape_text="(n_samples, dim)", dtype="float32")
    if x.shape[1] != dim:
        raise ValueError(f"x must have {dim} columns (the SAE's dim), got {x.shape[1]}")
    epochs = _v.check_int(epochs, "epochs")
    batch_size = _v.check_int(batch_size, "batch_size")
    learning_rate = _v.check_number(learning_rate, "learning_rate", low=0.0, low_open=True)
    val = None
    if validation_data is not None:
        v = _v.as_array(validation_data, "validation_data", kinds="f", ndim=2,
                        shape_text="(n_val, dim)", dtype="float32")
        if v.shape[1] != dim:
            raise ValueError(f"validation_data must have {dim} columns, got {v.shape[1]}")
        val = (v, v)
    if not isinstance(centre, bool):
        raise TypeError(f"centre must be True or False, got {type(centre).__name__}")
    if centre:
        mean = x.mean(axis=0)                                          # (dim,)
        encode_layer = parts.encoder.get_layer("encode")
        parts.decoder.get_layer("dictionary").bias.assign(mean)
        encode_layer.bias.assign(-mean @ encode_layer.kernel.numpy())  # (n_latents,)
    parts.autoencoder.compile(optimizer=keras.optimizers.Adam(learning_rate),
                              loss=sum_squared_error)
    return parts.autoencoder.fit(x, x, epochs=epochs, batch_size=batch_size, verbose=0,
                                 validation_data=val)


def encode(parts, x, *, batch_size: int = 4096) -> np.ndarray:
    """The latents of ``x``, computed in batches, as a NumPy array.

    Explained in 第8章 8.4节.

    Parameters
    ----------
    parts : SparseAutoencoderParts
    x : array-like of float, shape (n_samples, dim)
    batch_size : int, default 4096

    Returns
    -------
    numpy.ndarray of float32, shape (n_samples, n_latents)
    """
    parts = _check_parts(parts)
    x = _v.as_array(x, "x", kinds="f", ndim=2, shape_text="(n_samples, dim)", dtype="float32")
    dim = parts.encoder.input_shape[-1]
    if x.shape[1] != dim:
        raise ValueError(f"x must have {dim} columns (the SAE's dim), got {x.shape[1]}")
    batch_size = _v.check_int(batch_size, "batch_size")
    out = [ops.convert_to_numpy(parts.encoder(x[i:i + batch_size], training=False))
           for i in range(0, len(x), batch_size)]
    return np.concatenate(out).astype(np.float32)


def decoder_directions(parts) -> np.ndarray:
    """The dictionary: one decoder direction per latent, as rows.

    Explained in 第8章 8.4节.

    Parameters
    ----------
    parts : SparseAutoencoderParts

    Returns
    -------
    numpy.ndarray of float32, shape (n_latents, dim)
        Unit-norm rows when the SAE was built with ``unit_norm_decoder=True``.
    """
    parts = _check_parts(parts)
    return np.array(parts.decoder.get_layer("dictionary").kernel.numpy(), dtype=np.float32)
