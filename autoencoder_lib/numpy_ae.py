"""A from-scratch autoencoder in NumPy: layers, losses, initialisers, optimisers, training.

Everything is float64 and written out by hand, so that each line can be matched
with an equation of 第3章 and 第4章. There is no automatic differentiation here:
every backward pass is the chain rule, written once per operation.

Conventions (the same as Keras, so weights can be copied across):

- a batch holds one example per **row**: ``x`` has shape ``(N, n_in)``;
- a dense layer computes ``a = x @ W + b`` with ``W`` of shape ``(n_in, n_out)``
  and ``b`` of shape ``(n_out,)``, then ``h = act(a)``;
- a loss is the mean over all ``N * D`` elements (Keras's ``"sum_over_batch_size"``
  reduction of its per-example means).

Explained in 第3章 (forward pass, backpropagation, training) and 第4章
(initialisation, losses, the worked example, linear autoencoder and PCA).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import _validation as _v

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "sigmoid",
    "activate",
    "activation_derivative",
    "Dense",
    "mse",
    "mse_grad",
    "bce_with_logits",
    "bce_with_logits_grad",
    "glorot_variance",
    "he_variance",
    "draw_weights",
    "SGD",
    "Adam",
    "Autoencoder",
    "make_autoencoder",
    "train",
    "to_keras",
]

#: Activation functions a :class:`Dense` layer knows.
ACTIVATIONS = ("identity", "relu", "sigmoid")
#: Reconstruction losses an :class:`Autoencoder` knows.
LOSSES = ("mse", "bce")


# --------------------------------------------------------------------------
# Input checks, made once by each public function; the private versions
# (``_forward``, ``_mse``, ...) that the library calls inside check nothing.
# --------------------------------------------------------------------------

def _as_float_array(value, arg: str, ndim: int | None = None) -> np.ndarray:
    return _v.as_array(value, arg, ndim=ndim, nonempty=False, dtype=np.float64)


def _check_batch(x, width: int, arg: str) -> np.ndarray:
    x = _as_float_array(x, arg, ndim=2)
    if x.shape[1] != width:
        raise ValueError(f"{arg} must have shape (N, {width}), got {x.shape}")
    if x.shape[0] == 0:
        raise ValueError(f"{arg} has no rows (shape {x.shape}); pass at least one example")
    return x


def _check_pair(x, other, arg: str) -> tuple[np.ndarray, np.ndarray]:
    x = _as_float_array(x, "x")
    other = _as_float_array(other, arg)
    _v.check_same_shape(x, other, "x", arg)
    if x.size == 0:
        raise ValueError("x must not be empty")
    return x, other


def _check_positive_float(value, arg: str) -> float:
    return _v.check_number(value, arg, low=0.0, low_open=True)


def _without_nan(a, arg: str) -> np.ndarray:
    """A real-valued float64 array without NaN (+-inf allowed: activations have limits there)."""
    a = _v.as_array(a, arg, nonempty=False, finite=False, dtype=np.float64)
    if np.isnan(a).any():
        raise ValueError(f"{arg} contains NaN ({int(np.isnan(a).sum())} of {a.size} values)")
    return a


# --------------------------------------------------------------------------
# Activations
# --------------------------------------------------------------------------

def sigmoid(a: np.ndarray) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-a))``, without overflow for large ``|a|``.

    Explained in 第4章 4.3节.

    Parameters
    ----------
    a : numpy.ndarray, any shape
        Pre-activations (logits).

    Returns
    -------
    numpy.ndarray of float64, shape of ``a``
        Values in [0, 1] (``+-inf`` give 1 and 0).

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    return _sigmoid(_without_nan(a, "a"))


def _sigmoid(a: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(a))                      # in (0, 1]: never overflows
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def activate(a: np.ndarray, activation: str) -> np.ndarray:
    """Apply an activation function element-wise: ``h = act(a)``.

    Explained in 第3章 3.1节.

    Parameters
    ----------
    a : numpy.ndarray, shape (N, n_out)
        Pre-activations.
    activation : {"identity", "relu", "sigmoid"}

    Returns
    -------
    numpy.ndarray of float64, shape (N, n_out)

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    _v.check_choice(activation, ACTIVATIONS, "activation")
    return _activate(_without_nan(a, "a"), activation)


def _activate(a: np.ndarray, activation: str) -> np.ndarray:
    if activation == "relu":
        return np.maximum(a, 0.0)
    if activation == "sigmoid":
        return _sigmoid(a)
    return a


def activation_derivative(a: np.ndarray, h: np.ndarray, activation: str) -> np.ndarray:
    """Element-wise derivative ``dh/da`` of an activation, from ``a`` and ``h = act(a)``.

    ReLU: 1 where ``a > 0`` else 0 (the value 0 is used at the kink ``a = 0``);
    sigmoid: ``h * (1 - h)``; identity: 1. Explained in 第3章 3.3节.

    Parameters
    ----------
    a, h : numpy.ndarray, shape (N, n_out)
        Pre-activations and the activations computed from them.
    activation : {"identity", "relu", "sigmoid"}

    Returns
    -------
    numpy.ndarray of float64, shape (N, n_out)

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    _v.check_choice(activation, ACTIVATIONS, "activation")
    a, h = _without_nan(a, "a"), _without_nan(h, "h")
    _v.check_same_shape(a, h, "a", "h")
    return _activation_derivative(a, h, activation)


def _activation_derivative(a: np.ndarray, h: np.ndarray, activation: str) -> np.ndarray:
    if activation == "relu":
        return (a > 0).astype(np.float64)
    if activation == "sigmoid":
        return h * (1.0 - h)
    return np.ones_like(a, dtype=np.float64)


# --------------------------------------------------------------------------
# Dense layer
# --------------------------------------------------------------------------

class Dense:
    """A fully connected layer ``h = act(x @ W + b)`` with a hand-written backward pass.

    Explained in 第3章 3.1节 (forward) and 3.3节 (backward).

    Parameters
    ----------
    W : array-like, shape (n_in, n_out)
        Weights (copied, stored as float64).
    b : array-like, shape (n_out,)
        Biases (copied, stored as float64).
    activation : {"identity", "relu", "sigmoid"}, default "identity"

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).

    Attributes
    ----------
    W, b : numpy.ndarray
        The parameters. Optimisers update these arrays in place.
    dW, db : numpy.ndarray
        Gradients of the loss with respect to ``W`` and ``b``, set by :meth:`backward`.

    Examples
    --------
    >>> layer = Dense(np.ones((3, 2)), np.zeros(2), activation="relu")
    >>> layer.forward(np.array([[1.0, -2.0, 0.5]]))
    array([[0., 0.]])
    """

    def __init__(self, W, b, activation: str = "identity"):
        W = _v.as_array(W, "W", ndim=2, dtype=np.float64).copy()   # not empty, finite
        b = _as_float_array(b, "b", ndim=1).copy()
        if b.shape != (W.shape[1],):
            raise ValueError(
                f"b must have shape ({W.shape[1]},) to match W {W.shape}, got {b.shape}"
            )
        self.W, self.b = W, b
        self.activation = _v.check_choice(activation, ACTIVATIONS, "activation")
        self.dW, self.db = np.zeros_like(W), np.zeros_like(b)
        self._x = self._a = self._h = None          # cache of the last forward pass

    @property
    def n_in(self) -> int:
        return self.W.shape[0]

    @property
    def n_out(self) -> int:
        return self.W.shape[1]

    def __repr__(self) -> str:
        return f"Dense({self.n_in} -> {self.n_out}, activation={self.activation!r})"

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Compute ``h = act(x @ W + b)`` and remember ``x``, ``a``, ``h`` for :meth:`backward`.

        Parameters
        ----------
        x : numpy.ndarray, shape (N, n_in)
            At least one row, finite values.

        Returns
        -------
        numpy.ndarray of float64, shape (N, n_out)

        Raises
        ------
        ValueError
            If ``x`` has another shape, no row, or NaN/infinity.
        FloatingPointError
            If ``x @ W + b`` overflows to infinity or NaN (weights blown up by
            a too large learning rate).
        """
        return self._forward(_check_batch(x, self.n_in, "x"))

    def _forward(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):
            a = x @ self.W + self.b                 # (N, n_in) @ (n_in, n_out) + (n_out,)
        if not np.all(np.isfinite(a)):
            raise FloatingPointError(
                f"{self!r}: the pre-activation x @ W + b is not finite "
                f"(max |W| = {np.abs(self.W).max():.3g}); "
                "the weights have blown up, typically because the learning rate is too large"
            )
        h = _activate(a, self.activation)           # (N, n_out)
        self._x, self._a, self._h = x, a, h
        return h

    @property
    def preactivation(self) -> np.ndarray:
        """``a = x @ W + b`` of the last forward pass, (N, n_out); a sigmoid layer's logits."""
        if self._a is None:
            raise RuntimeError("call forward() before reading preactivation")
        return self._a

    def backward(self, dh: np.ndarray) -> np.ndarray:
        """Given ``dL/dh``, set ``dW`` and ``db`` and return ``dL/dx``.

        Parameters
        ----------
        dh : numpy.ndarray, shape (N, n_out)
            Gradient of the loss with respect to this layer's output.

        Returns
        -------
        numpy.ndarray of float64, shape (N, n_in)
            Gradient of the loss with respect to this layer's input.
        """
        if self._h is None:
            raise RuntimeError("call forward() before backward()")
        dh = _as_float_array(dh, "dh")
        if dh.shape != self._h.shape:
            raise ValueError(f"dh must have shape {self._h.shape}, got {dh.shape}")
        return self._backward(dh)

    def _backward(self, dh: np.ndarray) -> np.ndarray:
        da = dh * _activation_derivative(self._a, self._h, self.activation)  # (N, n_out)
        return self._backward_from_preactivation(da)

    def backward_from_preactivation(self, da: np.ndarray) -> np.ndarray:
        """Given ``dL/da`` (gradient at the pre-activation), set ``dW``, ``db``; return ``dL/dx``.

        Used directly when the loss is written in terms of ``a`` (sigmoid output
        with binary cross-entropy from logits, 第4章 4.3节).

        Parameters
        ----------
        da : numpy.ndarray, shape (N, n_out)

        Returns
        -------
        numpy.ndarray of float64, shape (N, n_in)
        """
        if self._x is None:
            raise RuntimeError("call forward() before backward_from_preactivation()")
        da = _as_float_array(da, "da")
        if da.shape != self._a.shape:
            raise ValueError(f"da must have shape {self._a.shape}, got {da.shape}")
        return self._backward_from_preactivation(da)

    def _backward_from_preactivation(self, da: np.ndarray) -> np.ndarray:
        self.dW = self._x.T @ da                    # (n_in, N) @ (N, n_out) -> (n_in, n_out)
        self.db = da.sum(axis=0)                    # (n_out,): b was added to every row
        return da @ self.W.T                        # (N, n_out) @ (n_out, n_in) -> (N, n_in)


# --------------------------------------------------------------------------
# Losses and their gradients
# --------------------------------------------------------------------------

def mse(x: np.ndarray, x_hat: np.ndarray) -> float:
    """Mean squared error between the input ``x`` and its reconstruction ``x_hat``.

    ``L = (1 / (N*D)) * sum((x_hat - x)**2)``: the mean over all elements, as
    ``keras.losses.MeanSquaredError()`` computes it. Explained in 第4章 4.3节.

    Parameters
    ----------
    x, x_hat : numpy.ndarray, shape (N, D)
        Inputs and reconstructions (any shape, as long as it is the same).

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    return _mse(*_check_pair(x, x_hat, "x_hat"))


def _mse(x: np.ndarray, x_hat: np.ndarray) -> float:
    return float(np.mean((x_hat - x) ** 2))


def mse_grad(x: np.ndarray, x_hat: np.ndarray) -> np.ndarray:
    """Gradient of :func:`mse` with respect to ``x_hat``: ``2 * (x_hat - x) / (N*D)``.

    Explained in 第4章 4.3节.

    Returns
    -------
    numpy.ndarray of float64, shape of ``x``

    Raises
    ------
    ValueError, TypeError
        As :func:`mse`.
    """
    return _mse_grad(*_check_pair(x, x_hat, "x_hat"))


def _mse_grad(x: np.ndarray, x_hat: np.ndarray) -> np.ndarray:
    return 2.0 * (x_hat - x) / x.size


def _check_targets_01(x: np.ndarray, arg: str = "x") -> None:
    _v.check_in_range(x, arg, 0.0, 1.0, purpose=" for binary cross-entropy")


def bce_with_logits(x: np.ndarray, logits: np.ndarray) -> float:
    """Binary cross-entropy of targets ``x`` in [0, 1] and ``x_hat = sigmoid(logits)``.

    Uses the stable form ``max(a, 0) - a*x + log(1 + exp(-|a|))`` per element,
    which equals ``-[x log x_hat + (1 - x) log(1 - x_hat)]`` but never takes the
    log of 0 nor overflows ``exp``; then the mean over all elements, as
    ``keras.losses.BinaryCrossentropy(from_logits=True)``. Explained in 第4章 4.3节.

    Parameters
    ----------
    x : numpy.ndarray, shape (N, D)
        Targets (the inputs of the autoencoder), every value in [0, 1].
    logits : numpy.ndarray, shape (N, D)
        Pre-activations ``a`` of the sigmoid output layer.

    Returns
    -------
    float
        Mean binary cross-entropy in nats per element.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    x, a = _check_pair(x, logits, "logits")
    _check_targets_01(x)
    return _bce(x, a)


def _bce(x: np.ndarray, a: np.ndarray) -> float:
    return float(np.mean(np.maximum(a, 0.0) - a * x + np.log1p(np.exp(-np.abs(a)))))


def bce_with_logits_grad(x: np.ndarray, logits: np.ndarray) -> np.ndarray:
    """Gradient of :func:`bce_with_logits` with respect to the logits.

    ``(sigmoid(a) - x) / (N*D)``.

    Explained in 第4章 4.3节.

    Returns
    -------
    numpy.ndarray of float64, shape of ``x``

    Raises
    ------
    ValueError, TypeError
        As :func:`bce_with_logits`.
    """
    x, a = _check_pair(x, logits, "logits")
    _check_targets_01(x)
    return _bce_grad(x, a)


def _bce_grad(x: np.ndarray, a: np.ndarray) -> np.ndarray:
    return (_sigmoid(a) - x) / x.size


# --------------------------------------------------------------------------
# Initialisation
# --------------------------------------------------------------------------

def glorot_variance(n_in: int, n_out: int) -> float:
    """Weight variance of Glorot (Xavier) initialisation: ``2 / (n_in + n_out)``.

    Explained in 第4章 4.1节.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    n_in = _v.check_int(n_in, "n_in")
    n_out = _v.check_int(n_out, "n_out")
    return 2.0 / (n_in + n_out)


def he_variance(n_in: int) -> float:
    """Weight variance of He (Kaiming) initialisation for ReLU layers: ``2 / n_in``.

    Explained in 第4章 4.1节.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    return 2.0 / _v.check_int(n_in, "n_in")


def draw_weights(
    n_in: int,
    n_out: int,
    variance: float,
    *,
    rng: np.random.Generator,
    distribution: str = "normal",
) -> np.ndarray:
    """Draw a weight matrix with zero mean and the given variance.

    ``"normal"``: N(0, variance). ``"uniform"``: U(-l, l) with ``l = sqrt(3 * variance)``,
    whose variance is ``l**2 / 3 = variance`` (Keras's ``GlorotUniform`` is this with
    :func:`glorot_variance`). Explained in 第4章 4.1节.

    Parameters
    ----------
    n_in, n_out : int
        Fan-in and fan-out of the layer.
    variance : float
        Target variance of each weight, e.g. :func:`glorot_variance` or :func:`he_variance`.
    rng : numpy.random.Generator
    distribution : {"normal", "uniform"}, default "normal"

    Returns
    -------
    numpy.ndarray of float64, shape (n_in, n_out)

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    n_in = _v.check_int(n_in, "n_in")
    n_out = _v.check_int(n_out, "n_out")
    variance = _check_positive_float(variance, "variance")
    _v.check_choice(distribution, ("normal", "uniform"), "distribution")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if distribution == "normal":
        return rng.normal(0.0, np.sqrt(variance), size=(n_in, n_out))
    limit = np.sqrt(3.0 * variance)
    return rng.uniform(-limit, limit, size=(n_in, n_out))


# --------------------------------------------------------------------------
# Optimisers: they *use* gradients; backpropagation *computes* them
# --------------------------------------------------------------------------

def _check_params_grads(params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
    params = _v.check_sequence(params, "params", of="numpy arrays")
    grads = _v.check_sequence(grads, "grads", of="numpy arrays")
    if len(params) != len(grads):
        raise ValueError(
            f"params and grads must have the same length, got {len(params)} and {len(grads)}"
        )
    for i, (p, g) in enumerate(zip(params, grads)):
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
            raise TypeError(
                f"params[{i}] must be a floating-point numpy.ndarray (it is updated in place), "
                f"got {type(p).__name__} of dtype {getattr(p, 'dtype', None)}"
            )
        if np.shape(p) != np.shape(g):
            raise ValueError(f"grads[{i}] must have shape {np.shape(p)}, got {np.shape(g)}")
        g = _v.as_array(g, f"grads[{i}]", nonempty=False, finite=False)
        if not np.all(np.isfinite(g)):
            raise FloatingPointError(
                f"grads[{i}] contains NaN or infinite values; the parameters were not updated. "
                "The loss has diverged: lower the learning rate"
            )


class SGD:
    """Plain gradient descent: ``theta <- theta - learning_rate * grad``.

    Explained in 第3章 3.3节.

    Parameters
    ----------
    learning_rate : float, default 0.1
        Positive and finite.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """

    def __init__(self, learning_rate: float = 0.1):
        self.learning_rate = _check_positive_float(learning_rate, "learning_rate")

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """Update every array of ``params`` in place from the matching array of ``grads``.

        Raises
        ------
        TypeError, ValueError
            On an invalid argument (the message names it).
        FloatingPointError
            If a gradient holds NaN or infinity (nothing is updated).
        """
        _check_params_grads(params, grads)
        self._update(params, grads)

    def _update(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        for p, g in zip(params, grads):
            p -= self.learning_rate * g


class Adam:
    """Adam (Kingma & Ba 2015): gradient descent with per-parameter step sizes.

    ``m <- b1 m + (1 - b1) g``; ``v <- b2 v + (1 - b2) g**2``;
    ``theta <- theta - lr * m_hat / (sqrt(v_hat) + eps)`` with the bias corrections
    ``m_hat = m / (1 - b1**t)``, ``v_hat = v / (1 - b2**t)``. Explained in 第3章 3.4节.

    Parameters
    ----------
    learning_rate : float, default 1e-3
        Positive and finite.
    beta1, beta2 : float, default 0.9, 0.999
        Decay rates of the moments, in [0, 1).
    eps : float, default 1e-8
        Positive and finite.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """

    def __init__(self, learning_rate: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        self.learning_rate = _check_positive_float(learning_rate, "learning_rate")
        self.beta1, self.beta2 = (_v.check_number(value, arg, low=0.0, high=1.0, high_open=True)
                                  for arg, value in (("beta1", beta1), ("beta2", beta2)))
        self.eps = _check_positive_float(eps, "eps")
        self.t = 0
        self.m: list[np.ndarray] = []
        self.v: list[np.ndarray] = []

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """Update every array of ``params`` in place; the moments are kept per position.

        Raises
        ------
        TypeError, ValueError, FloatingPointError
            As :meth:`SGD.step`; also a ``ValueError`` if the number of arrays
            changes between steps.
        """
        _check_params_grads(params, grads)
        if self.t > 0 and len(params) != len(self.m):
            raise ValueError(
                f"params has {len(params)} arrays, but this Adam was started with {len(self.m)}"
            )
        self._update(params, grads)

    def _update(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        if self.t == 0:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.t += 1
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * g ** 2
            m_hat = m / (1.0 - self.beta1 ** self.t)
            v_hat = v / (1.0 - self.beta2 ** self.t)
            p -= self.learning_rate * m_hat / (np.sqrt(v_hat) + self.eps)


# --------------------------------------------------------------------------
# The autoencoder
# --------------------------------------------------------------------------

class Autoencoder:
    """An encoder and a decoder, lists of :class:`Dense` layers, trained to reconstruct ``x``.

    Explained in 第3章 3.1–3.4节.

    Parameters
    ----------
    encoder : sequence of Dense
        Maps ``(N, n)`` to the code ``(N, k)``.
    decoder : sequence of Dense
        Maps ``(N, k)`` back to ``(N, n)``: the last layer must have as many
        outputs as the first encoder layer has inputs.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """

    def __init__(self, encoder: Sequence[Dense], decoder: Sequence[Dense]):
        for arg, part in (("encoder", encoder), ("decoder", decoder)):
            part = _v.check_sequence(part, arg, of="Dense layers")
            if len(part) == 0 or not all(isinstance(layer, Dense) for layer in part):
                raise ValueError(f"{arg} must be a non-empty sequence of Dense layers")
        self.encoder, self.decoder = list(encoder), list(decoder)
        layers = self.layers
        for i in range(len(layers) - 1):
            if layers[i].n_out != layers[i + 1].n_in:
                raise ValueError(
                    f"layer {i} has {layers[i].n_out} outputs but layer {i + 1} has "
                    f"{layers[i + 1].n_in} inputs"
                )
        if layers[-1].n_out != layers[0].n_in:
            raise ValueError(
                f"the decoder must end with {layers[0].n_in} outputs (the input width), "
                f"got {layers[-1].n_out}"
            )

    @property
    def layers(self) -> list[Dense]:
        return self.encoder + self.decoder

    @property
    def input_dim(self) -> int:
        return self.encoder[0].n_in

    @property
    def code_dim(self) -> int:
        return self.encoder[-1].n_out

    def __repr__(self) -> str:
        sizes = [self.input_dim] + [layer.n_out for layer in self.layers]
        return f"Autoencoder({' -> '.join(map(str, sizes))}, code_dim={self.code_dim})"

    def encode(self, x: np.ndarray) -> np.ndarray:
        """Map inputs ``(N, n)`` to codes ``(N, k)``; ``x`` checked as in :meth:`Dense.forward`."""
        return self._run(self.encoder, _check_batch(x, self.input_dim, "x"))

    def decode(self, z: np.ndarray) -> np.ndarray:
        """Map codes ``(N, k)`` to reconstructions ``(N, n)``; ``z`` checked like ``x``."""
        return self._run(self.decoder, _check_batch(z, self.code_dim, "z"))

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Reconstruct ``x``: ``decode(encode(x))``, shape (N, n)."""
        return self._run(self.layers, _check_batch(x, self.input_dim, "x"))

    @staticmethod
    def _run(layers: list[Dense], h: np.ndarray) -> np.ndarray:
        for layer in layers:
            h = layer._forward(h)
        return h

    def parameters(self) -> list[np.ndarray]:
        """``[W1, b1, W2, b2, ...]``: the layers' own arrays (updating them updates the model)."""
        return [p for layer in self.layers for p in (layer.W, layer.b)]

    def parameter_names(self) -> list[str]:
        """``["W1", "b1", "W2", "b2", ...]``, in the order of :meth:`parameters`."""
        return [f"{p}{i}" for i in range(1, len(self.layers) + 1) for p in ("W", "b")]

    def _check_loss(self, loss: str) -> None:
        _v.check_choice(loss, LOSSES, "loss")
        if loss == "bce" and self.layers[-1].activation != "sigmoid":
            raise ValueError(
                "loss='bce' needs a sigmoid output layer, got output activation "
                f"{self.layers[-1].activation!r}"
            )

    def loss(self, x: np.ndarray, loss: str = "mse") -> float:
        """Reconstruction loss of ``x`` (mean over all elements).

        Parameters
        ----------
        x : numpy.ndarray, shape (N, n)
        loss : {"mse", "bce"}, default "mse"
            ``"bce"`` is computed from the output layer's logits (stable form)
            and needs a sigmoid output layer and ``x`` in [0, 1].

        Returns
        -------
        float

        Raises
        ------
        ValueError
            On an invalid argument (the message names it).
        FloatingPointError
            If the weights have blown up (see :meth:`Dense.forward`).
        """
        return self._loss(self._check_data(x, loss), loss)

    def _check_data(self, x, loss: str, arg: str = "x") -> np.ndarray:
        """``x`` checked for this model and ``loss`` (which is checked first)."""
        self._check_loss(loss)
        x = _check_batch(x, self.input_dim, arg)
        if loss == "bce":
            _check_targets_01(x, arg)
        return x

    def _loss(self, x: np.ndarray, loss: str) -> float:
        x_hat = self._run(self.layers, x)
        if loss == "mse":
            return _mse(x, x_hat)
        return _bce(x, self.layers[-1].preactivation)

    def loss_and_gradients(
        self, x: np.ndarray, loss: str = "mse"
    ) -> tuple[float, list[np.ndarray]]:
        """Forward pass, loss, then backpropagation through every layer in reverse order.

        Explained in 第3章 3.3节.

        Parameters
        ----------
        x : numpy.ndarray, shape (N, n)
        loss : {"mse", "bce"}, default "mse"

        Returns
        -------
        value : float
            The loss.
        grads : list of numpy.ndarray
            ``[dW1, db1, dW2, db2, ...]``, same shapes and order as :meth:`parameters`
            (copies, safe to keep).

        Raises
        ------
        ValueError, FloatingPointError
            As :meth:`loss`.
        """
        return self._loss_and_gradients(self._check_data(x, loss), loss)

    def _loss_and_gradients(self, x: np.ndarray, loss: str) -> tuple[float, list[np.ndarray]]:
        layers = self.layers
        x_hat = self._run(layers, x)                         # (N, n)
        if loss == "mse":
            value = _mse(x, x_hat)
            g = _mse_grad(x, x_hat)                          # dL/dx_hat, (N, n)
            g = layers[-1]._backward(g)
        else:
            logits = layers[-1].preactivation                # (N, n)
            value = _bce(x, logits)
            g = _bce_grad(x, logits)                         # dL/da_out = (x_hat - x) / (N*n)
            g = layers[-1]._backward_from_preactivation(g)
        for layer in reversed(layers[:-1]):                  # the chain rule, last layer to first
            g = layer._backward(g)
        grads = [d.copy() for layer in layers for d in (layer.dW, layer.db)]
        return value, grads


def make_autoencoder(
    layer_sizes: Sequence[int],
    *,
    activation: str = "relu",
    code_activation: str = "identity",
    output_activation: str = "sigmoid",
    init: str = "glorot",
    seed: int = 0,
) -> Autoencoder:
    """Build an autoencoder with a mirrored decoder, random weights and zero biases.

    ``layer_sizes=(64, 32, 8)`` gives the encoder 64→32→8 and the decoder 8→32→64.
    Explained in 第3章 3.4节.

    Parameters
    ----------
    layer_sizes : sequence of int
        Input width, hidden widths, code width (at least two numbers).
    activation : {"identity", "relu", "sigmoid"}, default "relu"
        Activation of every hidden layer.
    code_activation : default "identity"
        Activation of the code layer.
    output_activation : default "sigmoid"
        Activation of the reconstruction layer; match it to the data range.
    init : {"glorot", "he"}, default "glorot"
        Weight variance :func:`glorot_variance` or :func:`he_variance`; weights are
        drawn from a normal distribution, biases are zero.
    seed : int, default 0
        Seed of the weights, ``>= 0``.

    Returns
    -------
    Autoencoder

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    sizes = _v.check_int_sequence(layer_sizes, "layer_sizes", min_len=2)
    for arg, value in (("activation", activation), ("code_activation", code_activation),
                       ("output_activation", output_activation)):
        _v.check_choice(value, ACTIVATIONS, arg)
    _v.check_choice(init, ("glorot", "he"), "init")
    rng = np.random.default_rng(_v.check_int(seed, "seed", minimum=0))

    def dense(n_in: int, n_out: int, act: str) -> Dense:
        variance = glorot_variance(n_in, n_out) if init == "glorot" else he_variance(n_in)
        return Dense(draw_weights(n_in, n_out, variance, rng=rng), np.zeros(n_out), act)

    n_enc = len(sizes) - 1
    encoder = [dense(sizes[i], sizes[i + 1], code_activation if i == n_enc - 1 else activation)
               for i in range(n_enc)]
    back = sizes[::-1]
    decoder = [dense(back[i], back[i + 1], output_activation if i == n_enc - 1 else activation)
               for i in range(n_enc)]
    return Autoencoder(encoder, decoder)


def train(
    model: Autoencoder,
    x: np.ndarray,
    *,
    optimizer: SGD | Adam,
    epochs: int,
    batch_size: int | None = None,
    loss: str = "mse",
    x_val: np.ndarray | None = None,
    seed: int = 0,
) -> dict[str, list[float]]:
    """Train ``model`` to reconstruct ``x`` with mini-batch gradient steps.

    Each epoch shuffles the rows, then for every mini-batch: forward pass, loss,
    backpropagation (:meth:`Autoencoder.loss_and_gradients`), and one
    ``optimizer.step``. After each epoch the loss on all of ``x`` (and ``x_val``)
    is recorded. Explained in 第3章 3.4节 and 第4章 4.5节.

    Parameters
    ----------
    model : Autoencoder
        Updated in place.
    x : numpy.ndarray, shape (N, n)
        Training data (inputs and targets at once).
    optimizer : SGD or Adam
    epochs : int
    batch_size : int, optional
        Rows per step; default: all ``N`` rows (full-batch gradient descent).
    loss : {"mse", "bce"}, default "mse"
    x_val : numpy.ndarray, shape (N_val, n), optional
        Validation data, only evaluated.
    seed : int, default 0
        Seed of the shuffling, ``>= 0``.

    Returns
    -------
    dict
        ``{"loss": [...], "val_loss": [...]}``, one float per epoch (``val_loss`` only
        with ``x_val``).

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    FloatingPointError
        If training diverges: the loss or a gradient of a mini-batch, or a
        weight after a step, is no longer finite. The message gives the epoch
        and step and says to lower the learning rate; the exception's
        ``history`` attribute holds the losses of the epochs completed before.
        The model keeps its weights at that moment (no update is applied from
        a non-finite gradient).
    """
    if not isinstance(model, Autoencoder):
        raise TypeError(f"model must be an Autoencoder, got {type(model).__name__}")
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(
            f"optimizer must have a step(params, grads) method, got {type(optimizer).__name__}"
        )
    x = model._check_data(x, loss)
    epochs = _v.check_int(epochs, "epochs")
    n = x.shape[0]
    batch_size = n if batch_size is None else _v.check_int(batch_size, "batch_size")
    data = {"loss": x}
    if x_val is not None:
        data["val_loss"] = model._check_data(x_val, loss, "x_val")
    rng = np.random.default_rng(_v.check_seed(seed))
    # The library's own optimisers skip the argument checks of .step() (done once here).
    update = optimizer._update if isinstance(optimizer, (SGD, Adam)) else optimizer.step
    params = model.parameters()
    history: dict[str, list[float]] = {key: [] for key in data}
    step = 0

    def diverged(what: str, epoch: int) -> FloatingPointError:
        lr = getattr(optimizer, "learning_rate", None)
        lr_text = f" (now {lr:g})" if isinstance(lr, float) else ""
        exc = FloatingPointError(
            f"training diverged at epoch {epoch}, step {step}: {what} is not finite. "
            f"Lower the learning rate{lr_text}; the losses of the {epoch - 1} completed epochs "
            "are in this exception's .history"
        )
        exc.history = {key: values[: epoch - 1] for key, values in history.items()}
        return exc

    # Overflow warnings are silenced: the FloatingPointError below replaces them.
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, epochs + 1):
            order = rng.permutation(n)                      # a new shuffle every epoch
            for start in range(0, n, batch_size):
                step += 1
                batch = x[order[start : start + batch_size]]  # (B, n)
                try:
                    value, grads = model._loss_and_gradients(batch, loss)
                except FloatingPointError as exc:           # Dense: the weights have blown up
                    raise diverged("the forward pass (mini-batch loss)", epoch) from exc
                if not np.isfinite(value):
                    raise diverged(f"the mini-batch loss ({value})", epoch)
                if not all(np.all(np.isfinite(g)) for g in grads):
                    raise diverged("a gradient of the mini-batch loss", epoch)  # no update
                update(params, grads)
                if not all(np.all(np.isfinite(p)) for p in params):
                    raise diverged("a weight after the update", epoch)
            for key, values in data.items():                # the loss of the whole epoch
                try:
                    value = model._loss(values, loss)
                except FloatingPointError as exc:
                    raise diverged(
                        f"the forward pass ({key} at the end of the epoch)", epoch
                    ) from exc
                if not np.isfinite(value):
                    raise diverged(f"the {key} at the end of the epoch ({value})", epoch)
                history[key].append(value)
    return history


def to_keras(model: Autoencoder):
    """Copy a NumPy :class:`Autoencoder` into a float64 ``keras.Sequential`` with the same weights.

    The Keras model computes the same function with Keras's own ``Dense``
    layers, so TensorFlow's automatic differentiation (``tf.GradientTape``) can
    check the hand-written gradients. Explained in 第3章 3.3节.

    Parameters
    ----------
    model : Autoencoder

    Returns
    -------
    keras.Sequential
        Layers ``dense_1, dense_2, ...``, dtype float64, activations as in
        ``model`` (``"identity"`` becomes Keras's ``"linear"``); maps
        ``(N, n)`` to ``(N, n)``.
    """
    if not isinstance(model, Autoencoder):
        raise TypeError(f"model must be an Autoencoder, got {type(model).__name__}")
    from .models import _dense_from_numpy  # Keras lives outside the NumPy core

    return _dense_from_numpy(model.parameters(), [layer.activation for layer in model.layers])
