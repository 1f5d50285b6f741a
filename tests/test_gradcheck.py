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


def test_relative_error_is_zero_for_equal_arrays_and_for_two_zero_arrays():
    a = np.array([1.0, -2.0, 3.0])
    assert relative_error(a, a.copy()) == 0.0
    assert relative_error(np.zeros(4), np.zeros(4)) == 0.0
    assert relative_error(a, -a) == pytest.approx(1.0)


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


# --- bad input ---------------------------------------------------------------------


def test_numerical_gradient_names_the_element_where_the_loss_is_not_finite_and_restores_it():
    p = np.array([1.0, 0.0, 2.0])
    with (
        np.errstate(invalid="ignore"),
        pytest.raises(ValueError, match=r"around param\[1\] .* must be finite"),
    ):
        numerical_gradient(lambda: float(np.sum(np.sqrt(p))), p, eps=1e-3)  # sqrt(-eps) is NaN
    np.testing.assert_array_equal(p, [1.0, 0.0, 2.0])


@pytest.mark.parametrize(
    "f, match",
    [
        (
            lambda: np.array([1.0, 2.0]),
            r"f must return one number \(the loss\), got ndarray of shape \(2,\)",
        ),
        (lambda: "1.0", "f must return one number"),
    ],
)
def test_numerical_gradient_rejects_a_loss_that_is_not_one_number(f, match):
    p = np.zeros(2)
    with pytest.raises(TypeError, match=match):
        numerical_gradient(f, p)
    np.testing.assert_array_equal(p, np.zeros(2))  # restored

