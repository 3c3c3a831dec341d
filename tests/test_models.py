"""Problems: sampling, effective noise, and exact risk against a large test set."""

import numpy as np
import pytest

from overparam import models


def test_sample_shapes_and_reproducibility():
    problem = models.isotropic_problem(30, 1.0, 0.25)
    X1, y1 = problem.sample(10, np.random.default_rng(3))
    X2, y2 = problem.sample(10, 3)
    assert X1.shape == (10, 30) and y1.shape == (10,)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    Xp, _ = problem.sample(10, 3, p=7)
    assert Xp.shape == (10, 7) and np.array_equal(Xp, X1[:, :7])


def test_isotropic_problem_signal():
    problem = models.isotropic_problem(50, signal=2.0, noise_var=0.1)
    assert problem.signal == pytest.approx(2.0)
    assert problem.null_risk == pytest.approx(2.1)


def test_effective_noise_and_prefix():
    problem = models.diagonal_problem([1.0, 2.0, 0.5], [1.0, -1.0, 2.0], 0.3)
    assert problem.effective_noise(3) == pytest.approx(0.3)
    assert problem.effective_noise(1) == pytest.approx(0.3 + 2.0 + 2.0)
    assert np.allclose(problem.effective_noise([0, 1, 3]), [0.3 + 1 + 2 + 2, 0.3 + 2 + 2, 0.3])
    small = problem.prefix(2)
    assert small.d == 2 and small.noise_var == pytest.approx(0.3 + 2.0)


def test_exact_risk_formula_and_batch():
    problem = models.diagonal_problem([1.0, 2.0, 0.5], [1.0, -1.0, 2.0], 0.3)
    w = np.array([0.5, 0.0])
    expected = 0.3 + 0.5 * 4 + 1.0 * 0.25 + 2.0 * 1.0
    assert problem.risk(w) == pytest.approx(expected)
    assert np.allclose(problem.risk(np.vstack([w, w])), [expected, expected])


def test_exact_risk_matches_large_test_set():
    problem = models.spiked_problem(40, 5, spike=2.0, bulk=0.3, noise_var=0.2)
    rng = np.random.default_rng(11)
    w = rng.standard_normal(25) * 0.2
    X_test, y_test = problem.sample(200_000, rng, p=25)
    estimate = models.test_error(w, X_test, y_test)
    # the test-set estimate has relative standard error about sqrt(2 / 200000) = 0.3%
    assert estimate == pytest.approx(problem.risk(w), rel=0.015)


def test_weak_features_problem_is_seeded():
    a = models.weak_features_problem(400, 0.25, rng=7)
    b = models.weak_features_problem(400, 0.25, rng=np.random.default_rng(7))
    assert np.array_equal(a.beta, b.beta)
    assert 0.8 < a.signal < 1.2


def test_showcase_problem_matches_reference_c():
    problem = models.pruning_showcase_problem(1000)
    assert problem.d == 1000 and problem.noise_var == 0.1
    assert problem.signal == pytest.approx(1.0)
    assert problem.effective_noise(80) == pytest.approx(0.1)
