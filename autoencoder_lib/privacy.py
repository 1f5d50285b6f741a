"""Membership inference against an autoencoder, and DP-SGD with a privacy accountant.

Explained in 第8章 8.6节. Three parts:

- **The attack** (Yeom et al. 2018; Hilprecht et al. 2019): an image the model
  was trained on tends to be reconstructed better than one it never saw, so
  the attacker's score is minus the per-image reconstruction error
  (:func:`membership_scores`); :func:`roc_auc` and :func:`tpr_at_fpr`
  (Carlini et al. 2022) measure how well it separates members from
  non-members.
- **DP-SGD** (Abadi et al. 2016) for a dense autoencoder, in TensorFlow:
  per-example gradients (:func:`per_example_gradients`, three ways), each
  example's gradient clipped to L2 norm ``C`` (:func:`clip_gradients`), summed,
  Gaussian noise of standard deviation ``sigma * C`` added, and divided by the
  *expected* batch size (:func:`dp_sgd_gradient`); batches are drawn by
  Poisson sampling (:func:`poisson_batches`), each example independently with
  probability ``q``; :func:`dp_sgd_train` runs the loop and returns the
  sampling rate, noise multiplier and step count it used.
- **The accountant**: :func:`epsilon` turns exactly those three numbers into
  ``epsilon`` at a given ``delta`` with Google's ``dp_accounting`` (RDP or PLD),
  for the Poisson-sampled Gaussian mechanism composed over the steps.

This module imports TensorFlow; ``import autoencoder_lib`` does not import it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
import tensorflow as tf

from . import _validation as _v

__all__ = [
    "METHODS",
    "DPSGDRun",
    "clip_gradients",
    "dense_layers",
    "dp_sgd_gradient",
    "dp_sgd_train",
    "epsilon",
    "membership_scores",
    "per_example_gradients",
    "poisson_batches",
    "roc_auc",
    "tpr_at_fpr",
]

#: Ways :func:`per_example_gradients` can compute per-example gradients.
METHODS = ("analytic", "vectorized_map", "jacobian", "loop")


# --------------------------------------------------------------------------- attack


def membership_scores(x, x_hat):
    """The loss-threshold attack's score: minus each image's reconstruction MSE.

    Higher means "more likely a training member". Explained in 第8章 8.6节.

    Parameters
    ----------
    x, x_hat : array-like, shape (N, D) or (N, H, W[, C])
        Images and the model's reconstructions, same shape and scale.

    Returns
    -------
    numpy.ndarray of float64, shape (N,)
        ``-mean((x - x_hat)**2)`` over every axis but the first.

    Raises
    ------
    ValueError, TypeError
        Naming ``x`` or ``x_hat`` (shapes differ, NaN, fewer than 2 axes …).
    """
    x = _v.as_array(x, "x", kinds="f", min_ndim=2)
    x_hat = _v.as_array(x_hat, "x_hat", kinds="f", min_ndim=2)
    _v.check_same_shape(x, x_hat, "x", "x_hat")
    err = (x.astype(np.float64) - x_hat.astype(np.float64)) ** 2
    return -err.reshape(len(err), -1).mean(axis=1)


def _check_labels_scores(is_member, score) -> tuple[np.ndarray, np.ndarray]:
    y = _v.as_array(is_member, "is_member", ndim=1, shape_text="(n,)")
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"is_member must hold only 0 and 1, got values {np.unique(y)[:5]}")
    s = _v.as_array(score, "score", ndim=1, shape_text="(n,)").astype(np.float64)
    if s.shape != y.shape:
        raise ValueError(f"is_member and score must have the same length, got {y.shape} and "
                         f"{s.shape}")
    if y.min() == y.max():
        raise ValueError("is_member must hold both members (1) and non-members (0), got one class")
    return y.astype(bool), s


def roc_auc(is_member, score) -> float:
    """Area under the attack's ROC curve (0.5: chance; 1: every member found first).

    Ties count one half (Mann–Whitney U with mid-ranks), as
    ``sklearn.metrics.roc_auc_score``. Explained in 第8章 8.6节.

    Parameters
    ----------
    is_member : array-like of 0/1, shape (n,)
        1 for a training member, 0 for a non-member.
    score : array-like, shape (n,)
        The attack's score per image, higher meaning "member".

    Returns
    -------
    float
    """
    y, s = _check_labels_scores(is_member, score)
    return _auc(y, s)


def _auc(y: np.ndarray, s: np.ndarray) -> float:
    from scipy.stats import rankdata

    ranks = rankdata(s)
    n_pos = int(y.sum())
    n_neg = y.size - n_pos
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def tpr_at_fpr(is_member, score, fpr: float = 0.01) -> float:
    """True-positive rate of the attack at a false-positive rate of at most ``fpr``.

    The threshold is set on the non-members: the attack says "member" when
    the score is strictly above the ``(floor(fpr * n_neg) + 1)``-th highest
    non-member score, so at most ``floor(fpr * n_neg)`` non-members are
    flagged; this is the highest TPR of any point of the ROC curve with
    FPR <= ``fpr``. A random guess has TPR = FPR on average, so ``fpr`` is its
    chance level. With ``n_neg`` non-members, ``fpr`` below ``1 / n_neg`` means
    "no false positive at all" and rests on the single highest non-member score.
    Explained in 第8章 8.6节 (Carlini et al. 2022).

    Parameters
    ----------
    is_member : array-like of 0/1, shape (n,)
    score : array-like, shape (n,)
    fpr : float in (0, 1), default 0.01

    Returns
    -------
    float
        The fraction of members whose score is above the threshold.
    """
    y, s = _check_labels_scores(is_member, score)
    fpr = _v.check_number(fpr, "fpr", low=0.0, high=1.0, low_open=True, high_open=True)
    return _tpr_at_fpr(y, s, fpr)


def _tpr_at_fpr(y: np.ndarray, s: np.ndarray, fpr: float) -> float:
    neg = np.sort(s[~y])[::-1]
    k = int(np.floor(fpr * neg.size + 1e-9))  # allowed false positives
    threshold = neg[min(k, neg.size - 1)]
    return float(np.mean(s[y] > threshold))


# --------------------------------------------------------------- per-example gradients


def dense_layers(model) -> list:
    """The Dense layers of a model built only from Dense layers, in the order data flows.

    Nested models (the encoder and decoder inside an autoencoder of
    :func:`autoencoder_lib.models.build_dense_autoencoder`) are walked in
    order. Explained in 第8章 8.6节.

    Returns
    -------
    list of keras.layers.Dense

    Raises
    ------
    TypeError
        If ``model`` is not a Keras model, or holds a layer that is neither
        Dense nor an input layer (the analytic per-example gradients need a
        plain chain of Dense layers).
    ValueError
        If it holds no Dense layer.
    """
    import keras

    found = []

    def walk(layer):
        if isinstance(layer, keras.layers.Dense):
            found.append(layer)
        elif isinstance(layer, keras.Model):
            for sub in layer.layers:
                walk(sub)
        elif not isinstance(layer, keras.layers.InputLayer):
            raise TypeError(f"model must be a chain of Dense layers, got a "
                             f"{type(layer).__name__} layer {layer.name!r}")

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    walk(model)
    if not found:
        raise ValueError("model must hold at least one Dense layer, got none")
    return found


def _per_example_losses(model, x):
    """Each example's reconstruction loss, ``mean((model(x) - x)**2)`` over features.

    Explained in 第8章 8.6节.

    Parameters
    ----------
    model : keras.Model
        Maps ``(B, D)`` to ``(B, D)``.
    x : tensor or array, shape (B, D), float32

    Returns
    -------
    tf.Tensor, shape (B,)
    """
    x = tf.convert_to_tensor(x, tf.float32)
    return tf.reduce_mean(tf.square(model(x, training=False) - x), axis=1)


def _analytic(model, x):
    """Per-example gradients of a Dense chain: outer(a_in, delta) and delta, per layer."""
    layers = dense_layers(model)
    with tf.GradientTape() as tape:
        a, inputs, pre = x, [], []
        for layer in layers:
            inputs.append(a)
            z = tf.matmul(a, layer.kernel) + layer.bias
            tape.watch(z)
            pre.append(z)
            a = layer.activation(z)
        loss = tf.reduce_sum(tf.reduce_mean(tf.square(a - x), axis=1))
    # Loss is a sum over examples, so row i of dLoss/dz is d loss_i / d z_i.
    deltas = tape.gradient(loss, pre)
    grads = {}
    for layer, a_in, d in zip(layers, inputs, deltas):
        grads[id(layer.kernel)] = tf.einsum("bi,bj->bij", a_in, d)
        grads[id(layer.bias)] = d
    return [grads[id(v)] for v in model.trainable_variables]


def _single_grad(model, x_i):
    with tf.GradientTape() as tape:
        loss = _per_example_losses(model, x_i[None])[0]
    return tape.gradient(loss, model.trainable_variables)


def per_example_gradients(model, x, *, method: str = "analytic") -> list:
    """Gradient of each example's loss, ``mean((model(x) - x)**2)``, for every weight.

    Explained in 第8章 8.6节.

    Parameters
    ----------
    model : keras.Model
        A chain of Dense layers (``"analytic"``); any model for the other methods.
    x : array-like, shape (B, D)
    method : {"analytic", "vectorized_map", "jacobian", "loop"}, default "analytic"
        ``"analytic"``: one backward pass for the gradient of the summed loss
        with respect to each layer's pre-activations ``z`` (shape (B, units));
        the kernel's per-example gradient is then ``outer(a_in[i], dz[i])``,
        the bias's ``dz[i]``. ``"vectorized_map"``: ``tf.vectorized_map`` of a
        one-example gradient. ``"jacobian"``: ``GradientTape.jacobian`` of the
        ``(B,)`` losses. ``"loop"``: one gradient per example in Python (the
        reference, slow).

    Returns
    -------
    list of tf.Tensor
        One per ``model.trainable_variables``, shape ``(B, *variable.shape)``.

    Raises
    ------
    ValueError, TypeError
        Naming ``x`` or ``method``; ``TypeError`` from :func:`dense_layers`
        for ``"analytic"`` on a model that is not a Dense chain.
    """
    method = _v.check_choice(method, METHODS, "method")
    x = tf.convert_to_tensor(_v.as_array(x, "x", kinds="f", ndim=2, shape_text="(B, D)"),
                             tf.float32)
    return _per_example(model, x, method)


def _per_example(model, x, method):
    if method == "analytic":
        return _analytic(model, x)
    if method == "vectorized_map":
        return tf.vectorized_map(lambda x_i: _single_grad(model, x_i), x)
    if method == "jacobian":
        with tf.GradientTape() as tape:
            losses = _per_example_losses(model, x)
        return tape.jacobian(losses, model.trainable_variables)
    per = [_single_grad(model, x[i]) for i in range(x.shape[0])]
    return [tf.stack(g) for g in zip(*per)]


def _global_norms(grads):
    """L2 norm of each example's whole gradient (every variable together), shape (B,)."""
    squares = [tf.reduce_sum(tf.reshape(tf.square(g), (tf.shape(g)[0], -1)), axis=1)
               for g in grads]
    return tf.sqrt(tf.add_n(squares))


def clip_gradients(grads, l2_norm_clip: float):
    """Scale each example's gradient so that its L2 norm is at most ``l2_norm_clip``.

    The norm is taken over all variables together (one vector per example);
    an example whose norm is already at most ``C`` is left unchanged, any
    other is multiplied by ``C / norm``. Explained in 第8章 8.6节.

    Parameters
    ----------
    grads : list of tensors, each shape (B, ...)
        Per-example gradients, as from :func:`per_example_gradients`.
    l2_norm_clip : float > 0
        The bound ``C``.

    Returns
    -------
    clipped : list of tf.Tensor
        Same shapes as ``grads``.
    norms : tf.Tensor, shape (B,)
        Each example's norm before clipping.
    """
    c = _v.check_number(l2_norm_clip, "l2_norm_clip", low=0.0, low_open=True)
    grads = _v.check_sequence(grads, "grads", of="tensors", min_len=1)
    return _clip(grads, c)


def _clip(grads, c):
    norms = _global_norms(grads)
    factor = tf.minimum(1.0, c / tf.maximum(norms, 1e-12))
    clipped = [g * tf.reshape(factor, [-1] + [1] * (len(g.shape) - 1)) for g in grads]
    return clipped, norms


def _clipped_sum_analytic(model, x, c):
    """Sum over examples of the clipped gradients without storing (B, in, out) arrays.

    Each example's squared norm is sum over layers of ||a_in||^2 ||dz||^2 + ||dz||^2
    (the norm of an outer product is the product of the norms).
    """
    layers = dense_layers(model)
    with tf.GradientTape() as tape:
        a, inputs, pre = x, [], []
        for layer in layers:
            inputs.append(a)
            z = tf.matmul(a, layer.kernel) + layer.bias
            tape.watch(z)
            pre.append(z)
            a = layer.activation(z)
        loss = tf.reduce_sum(tf.reduce_mean(tf.square(a - x), axis=1))
    deltas = tape.gradient(loss, pre)
    sq = tf.add_n([(tf.reduce_sum(tf.square(a_in), 1) + 1.0) * tf.reduce_sum(tf.square(d), 1)
                   for a_in, d in zip(inputs, deltas)])
    norms = tf.sqrt(sq)
    factor = tf.minimum(1.0, c / tf.maximum(norms, 1e-12)) if c is not None else tf.ones_like(sq)
    sums = {}
    for layer, a_in, d in zip(layers, inputs, deltas):
        d = d * factor[:, None]
        sums[id(layer.kernel)] = tf.matmul(a_in, d, transpose_a=True)
        sums[id(layer.bias)] = tf.reduce_sum(d, axis=0)
    return [sums[id(v)] for v in model.trainable_variables], norms


def dp_sgd_gradient(model, x, *, l2_norm_clip: float | None, noise_multiplier: float,
                    expected_batch_size: float, method: str = "analytic",
                    generator: tf.random.Generator | None = None):
    """The DP-SGD gradient of one batch: clip each example, sum, add noise, divide.

    ``(sum_i clip_C(g_i) + N(0, (sigma C)^2 I)) / L`` with ``L`` the *expected*
    batch size ``q N`` (Abadi et al. 2016): with Poisson sampling the real
    batch size is itself random and must not be used. With ``l2_norm_clip=None``
    nothing is clipped and the noise must be 0 (no bound, no guarantee): then
    with ``expected_batch_size = len(x)`` this is the plain gradient of the
    mean loss. Explained in 第8章 8.6节.

    Parameters
    ----------
    model : keras.Model
    x : array-like, shape (B, D)
        One batch (``B`` may be 0: the result is then pure noise).
    l2_norm_clip : float > 0 or None
        ``C``.
    noise_multiplier : float >= 0
        ``sigma``: the noise's standard deviation is ``sigma * C``.
    expected_batch_size : float > 0
        ``L = q N``.
    method : str, default "analytic"
        As in :func:`per_example_gradients`. ``"analytic"`` never stores the
        per-example gradients: each example's norm comes from its activations
        and pre-activation gradients, and the clipped sum is one matrix product
        per layer.
    generator : tf.random.Generator, optional
        Source of the noise (default: TensorFlow's global generator).

    Returns
    -------
    grads : list of tf.Tensor
        One per ``model.trainable_variables``, the variable's shape.
    norms : tf.Tensor, shape (B,)
        Each example's gradient norm before clipping.
    """
    method = _v.check_choice(method, METHODS, "method")
    c = (None if l2_norm_clip is None
         else _v.check_number(l2_norm_clip, "l2_norm_clip", low=0.0, low_open=True))
    sigma = _v.check_number(noise_multiplier, "noise_multiplier", low=0.0)
    if c is None and sigma > 0:
        raise ValueError("noise_multiplier must be 0 when l2_norm_clip is None (noise is "
                         f"sigma * C, and there is no C), got {noise_multiplier}")
    lot = _v.check_number(expected_batch_size, "expected_batch_size", low=0.0, low_open=True)
    x = tf.convert_to_tensor(_v.as_array(x, "x", kinds="f", ndim=2, shape_text="(B, D)",
                                         nonempty=False), tf.float32)
    return _dp_gradient(model, x, c, sigma, lot, method, generator)


def _dp_gradient(model, x, c, sigma, lot, method, generator):
    if method == "analytic":
        sums, norms = _clipped_sum_analytic(model, x, c)
    else:
        grads = _per_example(model, x, method)
        if c is None:
            norms = _global_norms(grads)
        else:
            grads, norms = _clip(grads, c)
        sums = [tf.reduce_sum(g, axis=0) for g in grads]
    if sigma > 0:
        gen = generator if generator is not None else tf.random.get_global_generator()
        sums = [s + gen.normal(tf.shape(s), stddev=sigma * c) for s in sums]
    return [s / lot for s in sums], norms


# ------------------------------------------------------------------------- training


def poisson_batches(n: int, sampling_rate: float, steps: int, *, seed: int = 0):
    """Yield ``steps`` batches of indices, each example drawn independently with prob. ``q``.

    This is the sampling the accountant's ``PoissonSampledDpEvent`` assumes:
    batch sizes vary (mean ``q n``), and an example may appear in several
    batches of an epoch or in none. Explained in 第8章 8.6节.

    Parameters
    ----------
    n : int
        Number of training examples.
    sampling_rate : float in (0, 1]
        ``q``.
    steps : int
    seed : int, default 0

    Yields
    ------
    numpy.ndarray of int64, shape (B_t,)
        Sorted indices of step ``t``'s batch.
    """
    n = _v.check_int(n, "n")
    q = _v.check_number(sampling_rate, "sampling_rate", low=0.0, high=1.0, low_open=True)
    steps = _v.check_int(steps, "steps")
    seed = _v.check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        yield np.flatnonzero(rng.random(n) < q)


@dataclass
class DPSGDRun:
    """What :func:`dp_sgd_train` did: the accountant's inputs and the training record.

    Attributes
    ----------
    sampling_rate : float
        ``q``, the probability with which each example joined each batch.
    noise_multiplier : float
        ``sigma``.
    steps : int
        Number of noisy gradient steps taken.
    l2_norm_clip : float or None
        ``C``.
    n : int
        Number of training examples.
    seconds : float
        Wall-clock time of the loop.
    loss : list of float
        Mean per-example loss of each step's batch (before the step).
    clipped_fraction : float
        Fraction of all per-example gradients that were clipped.
    """

    sampling_rate: float
    noise_multiplier: float
    steps: int
    l2_norm_clip: float | None
    n: int
    seconds: float = 0.0
    loss: list = field(default_factory=list, repr=False)
    clipped_fraction: float = 0.0


def dp_sgd_train(model, x, optimizer, *, sampling_rate: float, noise_multiplier: float,
                 steps: int, l2_norm_clip: float | None, seed: int = 0) -> DPSGDRun:
    """Train ``model`` to reconstruct ``x`` with DP-SGD on Poisson-sampled batches.

    Each step draws a batch with :func:`poisson_batches`, computes
    :func:`dp_sgd_gradient` (analytic per-example gradients, expected batch
    size ``q N``) and hands it to ``optimizer`` (any Keras optimizer: what it
    does with a noisy gradient is post-processing and costs no privacy).
    Pass the returned run's ``sampling_rate``, ``noise_multiplier`` and
    ``steps`` to :func:`epsilon`. Explained in 第8章 8.6节.

    Parameters
    ----------
    model : keras.Model
        A chain of Dense layers mapping ``(B, D)`` to ``(B, D)``.
    x : array-like, shape (N, D)
    optimizer : keras.optimizers.Optimizer
    sampling_rate : float in (0, 1]
    noise_multiplier : float >= 0
    steps : int
    l2_norm_clip : float > 0 or None
        ``None`` (with ``noise_multiplier=0``): plain training on Poisson batches.
    seed : int, default 0
        Seeds the batches and the noise.

    Returns
    -------
    DPSGDRun
    """
    x = _v.as_array(x, "x", kinds="f", ndim=2, shape_text="(N, D)", dtype=np.float32)
    q = _v.check_number(sampling_rate, "sampling_rate", low=0.0, high=1.0, low_open=True)
    sigma = _v.check_number(noise_multiplier, "noise_multiplier", low=0.0)
    steps = _v.check_int(steps, "steps")
    c = (None if l2_norm_clip is None
         else _v.check_number(l2_norm_clip, "l2_norm_clip", low=0.0, low_open=True))
    if c is None and sigma > 0:
        raise ValueError("noise_multiplier must be 0 when l2_norm_clip is None, got "
                         f"{noise_multiplier}")
    seed = _v.check_int(seed, "seed", minimum=0)
    dense_layers(model)
    lot = q * len(x)
    generator = tf.random.Generator.from_seed(seed)
    variables = model.trainable_variables

    @tf.function(input_signature=[tf.TensorSpec([None, x.shape[1]], tf.float32)])
    def step(batch):
        loss = tf.reduce_mean(_per_example_losses(model, batch))
        grads, norms = _dp_gradient(model, batch, c, sigma, lot, "analytic", generator)
        optimizer.apply_gradients(zip(grads, variables))
        clipped = (tf.zeros([], tf.int32) if c is None
                   else tf.reduce_sum(tf.cast(norms > c, tf.int32)))
        return loss, clipped

    run = DPSGDRun(q, sigma, steps, c, len(x))
    n_seen = n_clipped = 0
    start = time.perf_counter()
    for idx in poisson_batches(len(x), q, steps, seed=seed):
        loss, clipped = step(tf.constant(x[idx]))
        run.loss.append(float(loss) if idx.size else float("nan"))
        n_seen += idx.size
        n_clipped += int(clipped)
    run.seconds = time.perf_counter() - start
    run.clipped_fraction = n_clipped / max(n_seen, 1)
    return run


# ----------------------------------------------------------------------- accountant


def epsilon(noise_multiplier: float, sampling_rate: float, steps: int, delta: float, *,
            accountant: str = "rdp") -> float:
    """Epsilon of DP-SGD at ``delta``: Poisson-sampled Gaussian mechanism, ``steps`` times.

    Builds ``SelfComposedDpEvent(PoissonSampledDpEvent(q, GaussianDpEvent(sigma)),
    steps)`` and asks ``dp_accounting`` (imported here, not at module import)
    for the smallest epsilon it can certify at ``delta``: the Rényi-DP
    accountant (Mironov 2017) by default, or the privacy-loss-distribution
    accountant, which is tighter and slower. The event assumes each batch is a
    Poisson sample (:func:`poisson_batches`); shuffled fixed-size batches
    are a different event. For some small Rényi orders the RDP accountant's
    series does not converge; the package then leaves those orders out, which
    can only make epsilon larger, and its warnings about it are silenced here.
    Explained in 第8章 8.6节.

    Parameters
    ----------
    noise_multiplier : float > 0
        ``sigma``, noise standard deviation over the clipping norm.
    sampling_rate : float in (0, 1]
        ``q``.
    steps : int
        Number of noisy steps.
    delta : float in (0, 1)
        Should be well below ``1 / N``.
    accountant : {"rdp", "pld"}, default "rdp"

    Returns
    -------
    float
        Epsilon (``inf`` if the accountant cannot bound it).
    """
    sigma = _v.check_number(noise_multiplier, "noise_multiplier", low=0.0, low_open=True)
    q = _v.check_number(sampling_rate, "sampling_rate", low=0.0, high=1.0, low_open=True)
    steps = _v.check_int(steps, "steps")
    delta = _v.check_number(delta, "delta", low=0.0, high=1.0, low_open=True, high_open=True)
    accountant = _v.check_choice(accountant, ("rdp", "pld"), "accountant")
    import dp_accounting

    event = dp_accounting.SelfComposedDpEvent(
        dp_accounting.PoissonSampledDpEvent(q, dp_accounting.GaussianDpEvent(sigma)), steps)
    if accountant == "rdp":
        acc = dp_accounting.rdp.RdpAccountant()
    else:
        acc = dp_accounting.pld.PLDAccountant()
    absl = logging.getLogger("absl")  # the package warns through absl's logger
    level = absl.level
    absl.setLevel(logging.ERROR)
    try:
        return float(acc.compose(event).get_epsilon(delta))
    finally:
        absl.setLevel(level)
