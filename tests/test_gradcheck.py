"""Tests of autoencoder_lib.gradcheck: the checker itself must catch wrong gradients."""

import numpy as np
import pytest

from autoencoder_lib.gradcheck import (
    GradientCheckError,
    check_gradients,
    numerical_gradient,
    relative_error,
)


def test_numerical_gradient_of_a_cubic_matches_its_derivative_and_restores_the_parameter():
    theta = np.array([[-1.5, 0.25], [2.0, 3.0]])
    before = theta.copy()
    grad = numerical_gradient(lambda: float(np.sum(theta ** 3)), theta)
    np.testing.assert_allclose(grad, 3 * before ** 2, rtol=1e-8)
    np.testing.assert_array_equal(theta, before)


def test_numerical_gradient_refuses_a_float32_array_it_could_not_perturb_precisely():
    with pytest.raises(TypeError, match="param must be a float64"):
        numerical_gradient(lambda: 0.0, np.zeros(3, dtype=np.float32))


def test_relative_error_is_zero_for_equal_arrays_and_for_two_zero_arrays():
    a = np.array([1.0, -2.0, 3.0])
    assert relative_error(a, a.copy()) == 0.0
    assert relative_error(np.zeros(4), np.zeros(4)) == 0.0
    assert relative_error(a, -a) == pytest.approx(1.0)


def test_relative_error_rejects_different_shapes():
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.zeros(3), np.zeros(4))


def _quadratic_problem():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(5, 3))
    W = rng.normal(size=(3, 2))
    b = rng.normal(size=2)

    def loss() -> float:
        return float(np.sum((A @ W + b) ** 2))

    residual = A @ W + b
    grads = [2 * A.T @ residual, 2 * residual.sum(axis=0)]
    return loss, [W, b], grads


def test_check_gradients_accepts_correct_gradients():
    loss, params, grads = _quadratic_problem()
    errors = check_gradients(loss, params, grads, names=["W", "b"])
    assert set(errors) == {"W", "b"}
    assert max(errors.values()) < 1e-8


def test_check_gradients_catches_a_flipped_sign_and_names_the_parameter():
    loss, params, grads = _quadratic_problem()
    grads[1] = -grads[1]  # the kind of bug a hand-written backward pass can have
    with pytest.raises(GradientCheckError, match="gradient of b"):
        check_gradients(loss, params, grads, names=["W", "b"])


def test_check_gradients_catches_a_missing_factor_of_two():
    loss, params, grads = _quadratic_problem()
    grads[0] = grads[0] / 2
    with pytest.raises(GradientCheckError, match="gradient of W"):
        check_gradients(loss, params, grads, names=["W", "b"])


def test_check_gradients_rejects_mismatched_shapes():
    loss, params, grads = _quadratic_problem()
    with pytest.raises(ValueError, match="gradient of p0 must have shape"):
        check_gradients(loss, params, [grads[0].T, grads[1]])


# --- bad input ---------------------------------------------------------------------


def test_numerical_gradient_names_the_element_where_the_loss_is_not_finite_and_restores_it():
    p = np.array([1.0, 0.0, 2.0])
    with np.errstate(invalid="ignore"), pytest.raises(ValueError, match=r"around param\[1\] .* must be finite"):
        numerical_gradient(lambda: float(np.sum(np.sqrt(p))), p, eps=1e-3)  # sqrt(-eps) is NaN
    np.testing.assert_array_equal(p, [1.0, 0.0, 2.0])


@pytest.mark.parametrize("f, match", [
    (lambda: np.array([1.0, 2.0]), r"f must return one number \(the loss\), got ndarray of shape \(2,\)"),
    (lambda: "1.0", "f must return one number"),
])
def test_numerical_gradient_rejects_a_loss_that_is_not_one_number(f, match):
    p = np.zeros(2)
    with pytest.raises(TypeError, match=match):
        numerical_gradient(f, p)
    np.testing.assert_array_equal(p, np.zeros(2))  # restored


@pytest.mark.parametrize("call, error, match", [
    (lambda p: numerical_gradient("loss", p), TypeError, "f must be callable, got str"),
    (lambda p: numerical_gradient(lambda: 0.0, p, eps=0.0), ValueError, "eps must be positive, got 0.0"),
    (lambda p: numerical_gradient(lambda: 0.0, p, eps="1e-6"), TypeError, "eps must be a number, got str"),
    (lambda p: numerical_gradient(lambda: 0.0, np.array([np.nan])), ValueError, "param contains NaN"),
    (lambda p: relative_error(np.array([np.nan]), np.zeros(1)), ValueError, "a contains NaN"),
    (lambda p: relative_error(np.zeros(1), np.array(["x"])), TypeError, "b must be a numeric"),
    (lambda p: check_gradients(lambda: 0.0, [p], [np.full(2, np.inf)]), ValueError,
     "gradient of p0 contains NaN or infinite values"),
    (lambda p: check_gradients(lambda: 0.0, [p], [p], tol=-1.0), ValueError, "tol must be positive, got -1.0"),
    (lambda p: check_gradients(lambda: 0.0, p, [p]), TypeError, "params must be a sequence of numpy arrays"),
    (lambda p: check_gradients(lambda: 0.0, [p], [p], names="W"), TypeError, "names must be a sequence"),
])
def test_gradient_checks_reject_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call(np.zeros(2))
