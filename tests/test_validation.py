"""Bad inputs to public functions give ValueError/TypeError with a message that says what was expected."""

import numpy as np
import pytest

from overparam import experiments, fit, models, theory

X = np.ones((5, 3))
y = np.ones(5)
EIGS = np.ones(10)
BETA = np.ones(10)

CASES = [
    (lambda: fit.min_norm_least_squares(X, np.ones(4)), ValueError, r"y must have shape \(5,\)"),
    (lambda: fit.min_norm_least_squares(np.ones(5), y), ValueError, "X must be 2-D or 3-D"),
    (lambda: fit.min_norm_least_squares("abc", y), TypeError, "X must be an array of numbers"),
    (lambda: fit.min_norm_least_squares(np.full((5, 3), np.nan), y), ValueError, "finite"),
    (lambda: fit.ridge(X, y, -1.0), ValueError, "penalty must be at least 0"),
    (lambda: fit.ridge(X, y, "big"), TypeError, "penalty must be a real number"),
    (lambda: fit.gradient_descent(X, y, 2.5), TypeError, "n_steps must be an integer"),
    (lambda: fit.gradient_descent(X, y, -1), ValueError, "n_steps must be at least 0"),
    (lambda: models.LinearProblem(np.ones(3), np.ones(4), 0.1), ValueError, "beta must have the same shape"),
    (lambda: models.LinearProblem(np.array([1.0, -1.0]), np.ones(2), 0.1), ValueError, "positive"),
    (lambda: models.LinearProblem(np.ones(2), np.ones(2), -0.1), ValueError, "noise_var must be at least 0"),
    (lambda: models.isotropic_problem(10).sample(5, rng="seed"), TypeError, "rng must be a numpy.random.Generator"),
    (lambda: models.isotropic_problem(10).risk(np.ones(11)), ValueError, "only d = 10 features"),
    (lambda: models.isotropic_problem(10).effective_noise(11), ValueError, "p must be at most d = 10"),
    (lambda: models.test_error(np.ones(3), np.ones((4, 2)), np.ones(4)), ValueError, "columns"),
    (lambda: models.spiked_problem(5, 6, 1.0, 0.1, 0.1), ValueError, "k must be at most d"),
    (lambda: theory.isotropic_risk(-1.0, 1.0, 0.1), ValueError, "gamma = p/n must be positive"),
    (lambda: theory.isotropic_risk(0.5, -1.0, 0.1), ValueError, "signal must be at least 0"),
    (lambda: theory.prefix_risk(BETA, 0.1, 5, 11), ValueError, "p must be at most the number of features"),
    (lambda: theory.prefix_risk(BETA, 0.1, 5, 2.5), TypeError, "p must contain integers"),
    (lambda: theory.prefix_risk(BETA, 0.1, 0, 3), ValueError, "n must be at least 1"),
    (lambda: theory.implicit_regularization([], 5), ValueError, "non-empty array of positive"),
    (lambda: theory.minnorm_risk(EIGS, np.ones(9), 0.1, 5, 3), ValueError, "beta must have the same shape"),
    (lambda: theory.ridge_risk(EIGS, BETA, 0.1, 5, [3, 4], [0.1, 0.2, 0.3]), ValueError, "broadcast"),
    (lambda: theory.ridge_risk(EIGS, BETA, 0.1, 5, 3, -0.1), ValueError, "ridge must be non-negative"),
    (lambda: theory.oracle_pruned_risk(EIGS, BETA, 0.1, 5, 3, 4), ValueError, "at least s = 4"),
    (lambda: theory.small_model_risk(EIGS, BETA, 0.1, 5, [0, 1, 2, 3]), ValueError, "s <= n - 2"),
    (lambda: theory.small_model_risk(EIGS, BETA, 0.1, 50, [0, 0]), ValueError, "repeat"),
    (lambda: experiments.prefix_sweep("problem", 5, [2]), TypeError, "problem must be a LinearProblem"),
    (lambda: experiments.isotropic_sweep(5, [2], trials=0), ValueError, "trials must be at least 1"),
]


@pytest.mark.parametrize("call, error, message", CASES, ids=[c[2] for c in CASES])
def test_bad_input_gives_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


MORE_CASES = [
    (lambda: fit.min_norm_least_squares(X + 1j, y), TypeError, "complex"),
    (lambda: experiments.prefix_sweep(models.isotropic_problem(10), 5, []), ValueError, "ps must not be empty"),
    (lambda: theory.prefix_risk(BETA, 0.1, 5.5, 3), TypeError, "n must be an integer"),
]


@pytest.mark.parametrize("call, error, message", MORE_CASES, ids=[c[2] for c in MORE_CASES])
def test_more_bad_inputs(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_integral_floats_are_accepted_as_sizes():
    assert theory.prefix_risk(BETA, 0.1, 5.0, 3) == theory.prefix_risk(BETA, 0.1, 5, 3)


def test_optimal_ridge_warns_at_the_edge_of_its_search():
    with pytest.warns(RuntimeWarning, match="edge of the searched range"):
        theory.optimal_ridge(np.ones(50), np.zeros(50), 0.25, 100, 50)  # no signal: infinite penalty


EVEN_MORE_CASES = [
    (lambda: fit.min_norm_least_squares(np.ones((0, 3)), np.ones(0)), ValueError, "at least one row"),
    (lambda: fit.gradient_descent(np.zeros((4, 3)), np.ones(4), 5), ValueError, "X is all zeros"),
    (lambda: experiments.summarize([1, 2], [["a", "b"]]), TypeError, "values must be an array of numbers"),
    (lambda: experiments.summarize([1], [[1.0]]).at("a"), TypeError, "one of the swept values"),
]


@pytest.mark.parametrize("call, error, message", EVEN_MORE_CASES, ids=[c[2] for c in EVEN_MORE_CASES])
def test_even_more_bad_inputs(call, error, message):
    with pytest.raises(error, match=message):
        call()
