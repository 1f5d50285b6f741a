"""autoencoder_lib.sae_metrics: toy superposition data and the scores of a dictionary."""

from __future__ import annotations

import numpy as np
import pytest

from autoencoder_lib import sae_metrics as M


def test_superposition_data_has_unit_features_and_the_stated_density():
    toy = M.make_superposition_data(20_000, dim=8, n_features=40, p=0.05, seed=3)
    assert toy.x.shape == (20_000, 8) and toy.codes.shape == (20_000, 40)
    assert np.allclose(np.linalg.norm(toy.features, axis=1), 1.0)
    assert np.allclose(toy.x, toy.codes @ toy.features, atol=1e-5)
    assert (toy.codes >= 0).all() and (toy.codes <= 1).all()
    assert np.mean(toy.codes > 0) == pytest.approx(0.05, abs=0.003)


def test_superposition_data_reuses_given_features_and_is_seeded():
    a = M.make_superposition_data(100, dim=4, n_features=6, seed=0)
    b = M.make_superposition_data(100, dim=4, n_features=6, seed=1, features=a.features)
    again = M.make_superposition_data(100, dim=4, n_features=6, seed=0)
    assert np.allclose(a.features, b.features)
    assert not np.allclose(a.x, b.x)
    assert np.array_equal(a.x, again.x)


def test_mmcs_of_a_known_permutation_is_one():
    rng = np.random.default_rng(0)
    f = rng.normal(size=(10, 5))
    perm = rng.permutation(10)
    assert M.mmcs(f, 3.0 * f[perm]) == pytest.approx(1.0)
    assert M.recovery_fraction(f, f[perm]) == 1.0


def test_signed_and_unsigned_matching_of_flipped_directions():
    f = np.eye(3)
    assert M.mmcs(f, -f) == pytest.approx(0.0)
    assert M.mmcs(f, -f, signed=False) == pytest.approx(1.0)


def test_max_cosine_and_recovery_on_a_hand_made_case():
    true = np.array([[1.0, 0.0], [0.0, 1.0]])
    # one learned direction at 0.95 of the first feature, one at 45 degrees
    learned = np.array([[0.95, np.sqrt(1 - 0.95**2)], [1.0, -1.0]])
    best = M.max_cosine_similarity(true, learned)
    assert best == pytest.approx([0.95, np.sqrt(1 - 0.95**2)])
    assert M.recovery_fraction(true, learned, threshold=0.9) == 0.5
    assert M.mmcs(true, learned) == pytest.approx((0.95 + np.sqrt(1 - 0.95**2)) / 2)


def test_l0_and_dead_latents_on_a_hand_made_code():
    codes = np.array([[0.0, 2.0, 0.0, 0.5], [0.0, 0.0, 0.0, 1e-3], [0.0, 1.0, 0.0, 0.0]])
    assert M.l0_per_example(codes).tolist() == [2, 1, 1]
    assert M.l0_per_example(codes, tol=0.01).tolist() == [2, 0, 1]
    assert M.dead_latents(codes).tolist() == [True, False, True, False]


def test_fvu_is_zero_for_perfect_and_one_for_the_mean():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(50, 3))
    assert M.fraction_of_variance_unexplained(x, x) == 0.0
    mean = np.broadcast_to(x.mean(axis=0), x.shape)
    assert M.fraction_of_variance_unexplained(x, mean) == pytest.approx(1.0)
    per = M.fraction_of_variance_unexplained(x, 0.5 * x, per_example=True)
    assert per.shape == (50,)
    assert per.mean() == pytest.approx(M.fraction_of_variance_unexplained(x, 0.5 * x))


def test_purity_of_top_activations_on_a_hand_made_case():
    labels = np.array([0, 0, 0, 1, 1, 2])
    acts = np.array([
        [5.0, 1.0, 0.0],
        [4.0, 6.0, 0.0],
        [3.0, 0.0, 0.0],
        [0.0, 5.0, 0.0],
        [0.0, 4.0, 1.0],
        [0.0, 0.0, 0.0],
    ])
    purity = M.top_activation_purity(acts, labels, k=3)
    # unit 0: labels 0,0,0; unit 1: labels 0,1,1; unit 2: fewer than 3 positive values
    assert purity[:2] == pytest.approx([1.0, 2 / 3])
    assert np.isnan(purity[2])


@pytest.mark.parametrize("call, arg", [
    (lambda: M.make_superposition_data(0), "n_samples"),
    (lambda: M.make_superposition_data(10, p=0.0), "p"),
    (lambda: M.make_superposition_data(10, dim=4, n_features=6, features=np.ones((5, 4))),
     "features"),
    (lambda: M.mmcs(np.ones((3, 4)), np.ones((3, 5))), "true_dirs"),
    (lambda: M.mmcs(np.ones(4), np.ones((3, 4))), "true_dirs"),
    (lambda: M.recovery_fraction(np.eye(2), np.eye(2), threshold=1.5), "threshold"),
    (lambda: M.l0_per_example(np.ones(3)), "codes"),
    (lambda: M.fraction_of_variance_unexplained(np.ones((3, 2)), np.ones((3, 3))), "x"),
    (lambda: M.top_activation_purity(np.ones((3, 2)), np.array([0, 1]), k=1), "labels"),
    (lambda: M.top_activation_purity(np.ones((3, 2)), np.array([0.0, 1.0, 1.0])), "labels"),
    (lambda: M.top_activation_purity(np.ones((3, 2)), np.array([0, 1, 1]), k=4), "k"),
])
def test_bad_input_names_the_argument(call, arg):
    with pytest.raises((ValueError, TypeError), match=arg):
        call()
