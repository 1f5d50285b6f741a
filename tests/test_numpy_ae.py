"""Tests of autoencoder_lib.numpy_ae, the from-scratch NumPy autoencoder (第3章, 第4章)."""

import numpy as np
import pytest

from autoencoder_lib import numpy_ae as nae
from autoencoder_lib.gradcheck import check_gradients, numerical_gradient, relative_error

RNG_SEED = 1234


@pytest.fixture
def rng():
    return np.random.default_rng(RNG_SEED)


@pytest.fixture(scope="module")
def keras():
    from autoencoder_lib.reproducibility import quiet_tensorflow

    quiet_tensorflow()
    import keras

    return keras


# --------------------------------------------------------------------------
# Activations and one dense layer
# --------------------------------------------------------------------------

@pytest.mark.parametrize("activation", nae.ACTIVATIONS)
def test_activation_derivative_matches_finite_differences(activation, rng):
    a = rng.normal(size=(4, 5))
    a[np.abs(a) < 1e-3] = 0.5  # keep away from the ReLU kink, where no derivative exists
    h = nae.activate(a, activation)
    numeric = numerical_gradient(lambda: float(np.sum(nae.activate(a, activation))), a)
    np.testing.assert_allclose(
        nae.activation_derivative(a, h, activation), numeric, rtol=1e-7, atol=1e-9
    )


def test_sigmoid_does_not_overflow_for_large_logits():
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is fine
        s = nae.sigmoid(np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0]))
    np.testing.assert_allclose(s, [0.0, np.exp(-40.0), 0.5, 1.0, 1.0], rtol=1e-12, atol=0)


@pytest.mark.parametrize("activation", nae.ACTIVATIONS)
def test_dense_backward_matches_finite_differences_for_weights_biases_and_input(activation, rng):
    layer = nae.Dense(rng.normal(size=(5, 3)), rng.normal(size=3), activation)
    x = rng.normal(size=(7, 5))
    upstream = rng.normal(size=(7, 3))  # L = sum(upstream * h), so dL/dh = upstream

    def loss() -> float:
        return float(np.sum(upstream * layer.forward(x)))

    loss()
    dx = layer.backward(upstream)
    check_gradients(loss, [layer.W, layer.b], [layer.dW, layer.db], names=["W", "b"], tol=1e-7)
    assert relative_error(dx, numerical_gradient(loss, x)) < 1e-7


def test_dense_forward_computes_x_at_W_plus_b_then_the_activation():
    layer = nae.Dense([[1.0, -1.0], [2.0, 0.5]], [0.5, -3.0], "relu")
    h = layer.forward([[1.0, 1.0], [-1.0, 0.0]])
    np.testing.assert_array_equal(layer.preactivation, [[3.5, -3.5], [-0.5, -2.0]])
    np.testing.assert_array_equal(h, [[3.5, 0.0], [0.0, 0.0]])


def test_dense_copies_its_parameters_and_stores_float64():
    W = np.ones((2, 3), dtype=np.float32)
    layer = nae.Dense(W, np.zeros(3))
    W[0, 0] = 5.0
    assert layer.W.dtype == np.float64 and layer.W[0, 0] == 1.0


def test_dense_refuses_backward_before_forward():
    layer = nae.Dense(np.ones((4, 2)), np.zeros(2))
    with pytest.raises(RuntimeError, match="forward"):
        layer.backward(np.ones((3, 2)))


# --------------------------------------------------------------------------
# Losses
# --------------------------------------------------------------------------

def test_mse_gradient_matches_finite_differences(rng):
    x, x_hat = rng.uniform(size=(6, 4)), rng.uniform(size=(6, 4))
    numeric = numerical_gradient(lambda: nae.mse(x, x_hat), x_hat)
    assert relative_error(nae.mse_grad(x, x_hat), numeric) < 1e-8


def test_bce_gradient_with_respect_to_logits_matches_finite_differences(rng):
    x, logits = rng.uniform(size=(6, 4)), rng.normal(scale=3.0, size=(6, 4))
    numeric = numerical_gradient(lambda: nae.bce_with_logits(x, logits), logits)
    assert relative_error(nae.bce_with_logits_grad(x, logits), numeric) < 1e-8
    np.testing.assert_allclose(
        nae.bce_with_logits_grad(x, logits), (nae.sigmoid(logits) - x) / x.size
    )


def test_mse_equals_keras_mean_squared_error(keras, rng):
    x, x_hat = rng.uniform(size=(8, 10)), rng.uniform(size=(8, 10))
    expected = float(keras.losses.MeanSquaredError(dtype="float64")(x, x_hat))
    assert nae.mse(x, x_hat) == pytest.approx(expected, rel=1e-12)


def test_bce_with_logits_equals_keras_binary_crossentropy_from_logits(keras, rng):
    x, logits = rng.uniform(size=(8, 10)), rng.normal(scale=4.0, size=(8, 10))
    expected = float(keras.losses.BinaryCrossentropy(from_logits=True, dtype="float64")(x, logits))
    assert nae.bce_with_logits(x, logits) == pytest.approx(expected, rel=1e-12)


def test_bce_with_logits_equals_keras_on_probabilities_away_from_its_clipping(keras, rng):
    # Keras clips probabilities to [1e-7, 1 - 1e-7]; logits in [-5, 5] stay far from that.
    x, logits = rng.uniform(size=(8, 10)), rng.uniform(-5.0, 5.0, size=(8, 10))
    expected = float(keras.losses.BinaryCrossentropy(dtype="float64")(x, nae.sigmoid(logits)))
    assert nae.bce_with_logits(x, logits) == pytest.approx(expected, rel=1e-9)


def test_bce_with_logits_stays_finite_where_the_naive_formula_overflows():
    x = np.array([[0.0, 1.0, 0.0, 1.0]])
    logits = np.array([[800.0, -800.0, -800.0, 800.0]])
    # Exact per-element values: 800, 800, ~0, ~0, so the mean is 400.
    assert nae.bce_with_logits(x, logits) == pytest.approx(400.0, rel=1e-15)
    with np.errstate(all="ignore"):
        x_hat = 1.0 / (1.0 + np.exp(-logits))
        naive = -np.mean(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat))
    assert not np.isfinite(naive)


# --------------------------------------------------------------------------
# Initialisers
# --------------------------------------------------------------------------

def test_variance_formulas():
    assert nae.glorot_variance(300, 100) == pytest.approx(2 / 400)
    assert nae.he_variance(50) == pytest.approx(2 / 50)


@pytest.mark.parametrize("distribution", ["normal", "uniform"])
@pytest.mark.parametrize("scheme", ["glorot", "he"])
def test_drawn_weights_have_zero_mean_and_the_requested_variance(scheme, distribution, rng):
    n_in, n_out = 400, 300  # 120 000 weights
    variance = nae.glorot_variance(n_in, n_out) if scheme == "glorot" else nae.he_variance(n_in)
    W = nae.draw_weights(n_in, n_out, variance, rng=rng, distribution=distribution)
    n = W.size
    # Standard error of a sample variance: sqrt((mu4 - var**2) / n), with mu4 = 3 var**2
    # (normal) or 9/5 var**2 (uniform); of the mean: sqrt(var / n). Allow 5 of them.
    mu4 = 3.0 if distribution == "normal" else 1.8
    assert abs(W.var() - variance) < 5 * variance * np.sqrt((mu4 - 1.0) / n)
    assert abs(W.mean()) < 5 * np.sqrt(variance / n)
    if distribution == "uniform":
        assert np.abs(W).max() <= np.sqrt(3 * variance)


def test_make_autoencoder_draws_he_weights_and_zero_biases():
    model = nae.make_autoencoder((64, 256, 8), init="he", seed=3)
    assert all(np.all(layer.b == 0) for layer in model.layers)
    first = model.layers[0].W  # 16 384 weights with variance 2/64
    assert abs(first.var() - 2 / 64) < 5 * (2 / 64) * np.sqrt(2 / first.size)


# --------------------------------------------------------------------------
# The autoencoder
# --------------------------------------------------------------------------

def _batch(rng, n=6, d=10):
    return rng.uniform(size=(n, d))


@pytest.mark.parametrize(
    ("loss", "output_activation", "activation"),
    [("mse", "sigmoid", "relu"), ("mse", "identity", "sigmoid"), ("bce", "sigmoid", "relu")],
)
def test_autoencoder_gradients_match_finite_differences(loss, output_activation, activation, rng):
    model = nae.make_autoencoder(
        (10, 7, 3), activation=activation, output_activation=output_activation, init="he", seed=5
    )
    x = _batch(rng)
    _, grads = model.loss_and_gradients(x, loss)
    errors = check_gradients(lambda: model.loss(x, loss), model.parameters(), grads,
                             names=model.parameter_names(), tol=1e-6)
    assert len(errors) == 8


@pytest.mark.parametrize(("loss", "output_activation"), [("mse", "identity"), ("bce", "sigmoid")])
def test_autoencoder_gradients_match_tensorflow_gradient_tape(keras, loss, output_activation, rng):
    import tensorflow as tf

    model = nae.make_autoencoder(
        (10, 7, 3), output_activation=output_activation, init="he", seed=7
    )
    x = _batch(rng)
    value, grads = model.loss_and_gradients(x, loss)
    keras_model = nae.to_keras(model)
    keras_loss = (keras.losses.MeanSquaredError(dtype="float64") if loss == "mse"
                  else keras.losses.BinaryCrossentropy(dtype="float64"))
    with tf.GradientTape() as tape:
        tf_value = keras_loss(x, keras_model(x))
    tf_grads = tape.gradient(tf_value, keras_model.trainable_weights)
    assert value == pytest.approx(float(tf_value), rel=1e-12)
    for ours, theirs in zip(grads, tf_grads):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-10, atol=1e-14)


def test_to_keras_copies_weights_and_computes_the_same_reconstruction(keras, rng):
    model = nae.make_autoencoder((10, 6, 3), activation="sigmoid", seed=4)
    keras_model = nae.to_keras(model)
    x = _batch(rng)
    assert keras_model.output_shape == (None, 10)
    np.testing.assert_allclose(keras_model(x).numpy(), model.forward(x), rtol=1e-13)


def test_autoencoder_shapes_and_parameter_names():
    model = nae.make_autoencoder((64, 32, 8), seed=0)
    x = np.zeros((5, 64))
    assert model.encode(x).shape == (5, 8)
    assert model.forward(x).shape == (5, 64)
    assert model.parameter_names() == ["W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4"]
    assert [p.shape for p in model.parameters()[::2]] == [(64, 32), (32, 8), (8, 32), (32, 64)]
    assert [layer.activation for layer in model.layers] == ["relu", "identity", "relu", "sigmoid"]


def test_autoencoder_rejects_a_decoder_that_does_not_end_at_the_input_width():
    enc = [nae.Dense(np.ones((5, 3)), np.zeros(3))]
    dec = [nae.Dense(np.ones((3, 3)), np.zeros(3))]  # the source article's bug (E1)
    with pytest.raises(ValueError, match="decoder must end with 5 outputs"):
        nae.Autoencoder(enc, dec)


def test_autoencoder_rejects_layers_that_do_not_chain():
    enc = [nae.Dense(np.ones((5, 3)), np.zeros(3)), nae.Dense(np.ones((4, 2)), np.zeros(2))]
    dec = [nae.Dense(np.ones((2, 5)), np.zeros(5))]
    with pytest.raises(ValueError, match="layer 0 has 3 outputs but layer 1 has 4 inputs"):
        nae.Autoencoder(enc, dec)


def test_bce_needs_a_sigmoid_output_layer(rng):
    linear = nae.make_autoencoder((10, 3), output_activation="identity")
    with pytest.raises(ValueError, match="loss='bce' needs a sigmoid output layer"):
        linear.loss(_batch(rng), "bce")


# --------------------------------------------------------------------------
# Optimisers and training
# --------------------------------------------------------------------------

def test_sgd_step_is_theta_minus_learning_rate_times_gradient():
    p = np.array([1.0, -2.0])
    nae.SGD(learning_rate=0.5).step([p], [np.array([4.0, 2.0])])
    np.testing.assert_array_equal(p, [-1.0, -3.0])


def test_adam_matches_keras_adam_over_several_steps(keras, rng):
    start = rng.normal(size=(3, 2))
    grads = [rng.normal(size=(3, 2)) for _ in range(5)]
    ours = start.copy()
    # Keras adds epsilon to sqrt(v) before the bias correction, we after it; with a
    # negligible epsilon on both sides the two updates are the same formula. Keras keeps
    # learning rate and betas as float32 (1 - 0.999 is then off by 1.3e-5), hence rtol 1e-4:
    # still far below what a wrong formula gives (no bias correction: a factor of 3 at t=1).
    adam = nae.Adam(learning_rate=0.01, eps=1e-12)
    var = keras.Variable(start.copy(), dtype="float64")
    keras_adam = keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-12)
    for g in grads:
        adam.step([ours], [g])
        keras_adam.apply_gradients([(keras.ops.convert_to_tensor(g), var)])
    np.testing.assert_allclose(ours, var.numpy(), rtol=1e-4, atol=1e-9)


def test_train_lowers_the_loss_and_is_reproducible(rng):
    x = nae.sigmoid(rng.normal(size=(40, 2)) @ rng.normal(size=(2, 10)))  # 2-D structure in 10-D
    runs = []
    for _ in range(2):
        model = nae.make_autoencoder((10, 6, 3), seed=0)
        start = model.loss(x)
        history = nae.train(
            model, x, optimizer=nae.Adam(0.01), epochs=30, batch_size=8, x_val=x[:5]
        )
        runs.append(history)
        assert history["loss"][-1] < 0.1 * start  # about 0.014 * start on this machine
        assert len(history["loss"]) == len(history["val_loss"]) == 30
    assert runs[0] == runs[1]


def test_train_full_batch_sgd_equals_repeated_manual_steps(rng):
    x = rng.uniform(size=(12, 10))
    a = nae.make_autoencoder((10, 4), seed=2)
    b = nae.make_autoencoder((10, 4), seed=2)
    nae.train(
        a, x, optimizer=nae.SGD(0.5), epochs=3
    )  # batch_size=None: all rows, order irrelevant
    opt = nae.SGD(0.5)
    for _ in range(3):
        _, grads = b.loss_and_gradients(x)
        opt.step(b.parameters(), grads)
    for pa, pb in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(pa, pb, rtol=1e-13, atol=1e-15)


# --------------------------------------------------------------------------
# Bad input: a clear error, never a silent wrong number
# --------------------------------------------------------------------------

def test_sigmoid_rejects_nan_but_maps_infinities_to_their_limits():
    np.testing.assert_array_equal(nae.sigmoid(np.array([-np.inf, np.inf])), [0.0, 1.0])
    with pytest.raises(ValueError, match=r"a contains NaN \(1 of 2 values\)"):
        nae.sigmoid(np.array([0.0, np.nan]))


def test_dense_forward_raises_floating_point_error_when_weights_have_blown_up():
    layer = nae.Dense(np.full((2, 1), 1e308), np.zeros(1))
    with pytest.raises(FloatingPointError, match="not finite.*learning rate is too large"):
        layer.forward(np.ones((1, 2)) * 10)


@pytest.mark.parametrize("opt", [nae.SGD(0.1), nae.Adam(1e-3)])
def test_optimiser_step_refuses_a_non_finite_gradient_and_leaves_the_parameters_alone(opt):
    p = np.ones(3)
    with pytest.raises(
        FloatingPointError, match=r"grads\[0\] contains NaN.*lower the learning rate"
    ):
        opt.step([p], [np.array([0.1, np.nan, 0.1])])
    np.testing.assert_array_equal(p, np.ones(3))


def test_diverging_training_raises_floating_point_error_naming_the_step_and_keeping_the_history():
    x = (
        np.random.default_rng(0).random((32, 8)) * 100.0
    )  # large inputs, linear output: explodes at once
    model = nae.make_autoencoder((8, 4), output_activation="identity", seed=0)
    with pytest.raises(
        FloatingPointError,
        match=r"training diverged at epoch \d+, step \d+: .* is not finite\. "
        r"Lower the learning rate \(now 5\)",
    ) as info:
        nae.train(model, x, optimizer=nae.SGD(5.0), epochs=50, batch_size=8)
    epoch = int(str(info.value).split("epoch ")[1].split(",")[0])
    assert len(info.value.history["loss"]) == epoch - 1


def test_a_stable_learning_rate_trains_without_any_floating_point_warning():
    x = np.random.default_rng(0).random((32, 8))
    with np.errstate(all="raise"):
        history = nae.train(
            nae.make_autoencoder((8, 4), seed=0), x, optimizer=nae.Adam(1e-2), epochs=3
        )
    assert np.all(np.isfinite(history["loss"]))


def test_train_applies_no_update_from_a_non_finite_gradient(monkeypatch):
    x = np.random.default_rng(0).random((8, 6))
    model = nae.make_autoencoder((6, 2), seed=0)
    real, calls, before = model._loss_and_gradients, [], []

    def second_gradient_is_nan(batch, loss):
        value, grads = real(batch, loss)
        calls.append(1)
        if len(calls) == 2:
            before.extend(p.copy() for p in model.parameters())
            grads[0][0, 0] = np.nan
        return value, grads

    monkeypatch.setattr(model, "_loss_and_gradients", second_gradient_is_nan)
    with pytest.raises(FloatingPointError, match=r"epoch 1, step 2: a gradient .* not finite"):
        nae.train(model, x, optimizer=nae.Adam(0.1), epochs=2, batch_size=4)
    for p, q in zip(model.parameters(), before):
        np.testing.assert_array_equal(p, q)
