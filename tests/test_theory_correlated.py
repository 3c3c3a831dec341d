"""theory.pruning_cost_decomposition: pruning min-norm least squares with correlated features (lesson 08).

Checked four ways: it reduces to the diagonal formulas (theory.oracle_pruned_risk and
theory.small_model_risk) when the covariance is diagonal; its parts match their definitions and sum
to the total, computed independently with explicit matrix inverses instead of the eigenbasis; it
agrees with simulation (experiments.pruning_sweep on a fixed support); and it validates its input.
"""

import numpy as np
import pytest

from overparam import experiments, models, prune, theory


def _random_problem(d=40, seed=5, noise_var=0.2):
    rng = np.random.default_rng(seed)
    L = rng.standard_normal((d, d)) / np.sqrt(d) + np.eye(d)
    return models.CorrelatedProblem(L @ L.T, 0.3 * rng.standard_normal(d), noise_var)


# ---------------------------------------------------------------------------------------------
# reductions and identities (exact)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [30, 70, 150, 400])
def test_diagonal_covariance_reduces_to_the_oracle_formula(p):
    """Independent features: no target mismatch, and the totals are the diagonal formulas of lesson 05."""
    d, n, s, noise_var = 400, 100, 12, 0.3
    eigs = np.linspace(2.0, 0.2, d)                        # distinct variances
    beta = np.cos(np.arange(d)) / np.arange(1, d + 1) ** 0.6
    support = np.flatnonzero(prune.oracle_mask(eigs, beta, p, s))
    dec = theory.pruning_cost_decomposition(np.diag(eigs), beta, noise_var, n, p, support)
    assert dec.mismatch == pytest.approx(0.0, abs=1e-14) and dec.interaction == pytest.approx(0.0, abs=1e-14)
    assert dec.zeta == pytest.approx(theory.implicit_regularization(eigs[:p], n), rel=1e-10)
    assert dec.tau2 == pytest.approx(theory.minnorm_risk(eigs, beta, noise_var, n, p), rel=1e-10)
    assert dec.without_retraining == pytest.approx(theory.oracle_pruned_risk(eigs, beta, noise_var, n, p, s), rel=1e-10)
    assert dec.with_retraining == pytest.approx(theory.small_model_risk(eigs, beta, noise_var, n, support), rel=1e-12)
    if p < n:  # ordinary least squares: unbiased, so no shrinkage
        assert dec.zeta == 0.0 and dec.shrinkage == pytest.approx(0.0, abs=1e-14)


@pytest.mark.parametrize("p", [25, 35, 40])
def test_parts_match_their_definitions_and_sum_to_the_total(p):
    """Every part from explicit inverses (no eigenbasis); the four parts add up to the cost."""
    problem = _random_problem()
    cov, n = problem.cov, 30
    support = np.array([3, 0, 7, 11, 19])
    dec = theory.pruning_cost_decomposition(cov, problem.beta, problem.noise_var, n, p, support)

    c, floor_p = problem.best_support_weights(np.arange(p))
    b_S, floor = problem.best_support_weights(support)
    C = cov[:p, :p]
    zeta = theory.implicit_regularization(np.linalg.eigvalsh(C), n)
    R = np.linalg.inv(C + zeta * np.eye(p))
    m = R @ C @ c                                           # mean of the trained weights
    tau2 = theory.minnorm_risk(np.linalg.eigvalsh(C), np.linalg.eigh(C)[1].T @ c, floor_p, n, p)
    cov_w = tau2 / n * R @ C @ R                            # their covariance
    A = cov[np.ix_(support, support)]
    e1, e2 = m[support] - c[support], c[support] - b_S
    assert dec.zeta == pytest.approx(zeta) and dec.tau2 == pytest.approx(tau2) and dec.floor == pytest.approx(floor)
    assert dec.shrinkage == pytest.approx(e1 @ A @ e1)
    assert dec.mismatch == pytest.approx(e2 @ A @ e2)
    assert dec.interaction == pytest.approx(2 * e1 @ A @ e2)
    assert dec.noise == pytest.approx(np.trace(A @ cov_w[np.ix_(support, support)]))
    # the total: E (w_S - b_S)' A (w_S - b_S) = (m_S - b_S)' A (m_S - b_S) + tr(A Cov_SS)
    gap = m[support] - b_S
    total = gap @ A @ gap + np.trace(A @ cov_w[np.ix_(support, support)])
    assert dec.cost == pytest.approx(total, rel=1e-10)
    assert dec.cost == dec.shrinkage + dec.mismatch + dec.interaction + dec.noise
    assert dec.without_retraining == pytest.approx(floor + total, rel=1e-10)
    assert dec.refit_variance == pytest.approx(floor * 5 / (n - 5 - 1))
    assert dec.with_retraining == pytest.approx(floor + dec.refit_variance)
    assert dec.mismatch > 0 and dec.noise > 0 and (p < n or dec.shrinkage > 0)


def test_relabelling_the_features_changes_nothing():
    """Min-norm least squares does not depend on the order of the features inside the model."""
    problem = _random_problem()
    n, p, support = 30, 36, np.array([2, 9, 30])
    perm = np.concatenate([np.random.default_rng(1).permutation(p), np.arange(p, problem.d)])
    inverse = np.argsort(perm)
    dec = theory.pruning_cost_decomposition(problem.cov, problem.beta, 0.2, n, p, support)
    moved = theory.pruning_cost_decomposition(problem.cov[np.ix_(perm, perm)], problem.beta[perm], 0.2, n, p,
                                              inverse[support])
    np.testing.assert_allclose(np.array(moved), np.array(dec), rtol=1e-9, atol=1e-13)


def test_several_noise_levels_at_once_and_a_given_spectrum():
    problem = _random_problem()
    n, p, support = 30, 40, [1, 4, 6]
    noises = np.array([0.0, 0.1, 1.0])
    many = theory.pruning_cost_decomposition(problem.cov, problem.beta, noises, n, p, support)
    assert many.tau2.shape == many.floor.shape == many.noise.shape == many.with_retraining.shape == (3,)
    assert isinstance(many.zeta, float) and isinstance(many.shrinkage, float)
    spectrum = np.linalg.eigh(problem.cov[:p, :p])
    for k, noise_var in enumerate(noises):
        one = theory.pruning_cost_decomposition(problem.cov, problem.beta, noise_var, n, p, support, spectrum=spectrum)
        assert all(isinstance(v, float) for v in one)
        np.testing.assert_allclose([v if np.ndim(v) == 0 else v[k] for v in many], np.array(one), rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# against simulation
# ---------------------------------------------------------------------------------------------

TRIALS = 400


def _sim_problem(family):
    d = 400
    rng = np.random.default_rng(3)
    beta = rng.standard_normal(d) / np.arange(1, d + 1) ** 0.75
    beta /= np.linalg.norm(beta)
    if family == "ar1":
        return models.ar1_problem(d, 0.8, beta, 0.05)
    return models.equicorrelated_problem(d, 0.2, np.abs(beta), 0.05)  # positive beta: a large target mismatch


@pytest.mark.parametrize("family, ps", [("ar1", [70, 250, 400]), ("equicorrelated", [70, 250])])
def test_prediction_agrees_with_simulation(family, ps):
    """Means of 400 simulated training sets (exact population risks) against the prediction.

    A non-contiguous support of 10 features, large models below and above n = 100, including p = d.
    Tolerance: 4 standard errors of the mean (sampling), plus, for the predictions that are
    n -> infinity limits (the dense risk tau^2 and the pruned model as it is), 2% of the predicted
    excess (the O(1/n) finite-sample correction: for instance below n the exact dense OLS risk is
    larger by (n - 1)(n - p) / (n (n - p - 1)), 2.4% at p = 70). Measured with these seeds: within
    2.5 s.e., except the dense risk of AR(1) at p = 70 (3.3 s.e.; 1.3 s.e. after that exact factor).
    The risk after retraining is exact in expectation, so it gets the sampling tolerance only.
    """
    problem = _sim_problem(family)
    n, support = 100, np.array([0, 1, 2, 3, 5, 8, 13, 21, 34, 55])
    sweep = experiments.pruning_sweep(problem, n, ps, support.size, trials=TRIALS, seed=7, rules=("oracle",),
                                      support=support)
    assert sweep["oracle"].n_trials == TRIALS
    for j, p in enumerate(ps):
        dec = theory.pruning_cost_decomposition(problem.cov, problem.beta, problem.noise_var, n, p, support)
        for key, predicted, finite_n in (
            ("dense", dec.tau2, 0.02 * (dec.tau2 - problem.noise_var)),
            ("oracle", dec.without_retraining, 0.02 * dec.cost),
            ("oracle+retrain", dec.with_retraining, 0.0),
        ):
            mean, sem = sweep[key].mean[j], sweep[key].sem[j]
            assert abs(mean - predicted) <= 4 * sem + finite_n, (family, p, key, mean, sem, predicted)
    # the comparison has teeth: the target mismatch alone is many standard errors
    assert dec.mismatch > 20 * sweep["oracle"].sem[-1]


# ---------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------


def test_validation():
    problem = _random_problem()
    cov, beta = problem.cov, problem.beta
    f = theory.pruning_cost_decomposition
    with pytest.raises(ValueError, match="p must differ from n"):
        f(cov, beta, 0.1, 30, 30, [0, 1])
    with pytest.raises(ValueError, match="p must be at most d = 40"):
        f(cov, beta, 0.1, 30, 41, [0, 1])
    with pytest.raises(ValueError, match="among the first p = 10"):
        f(cov, beta, 0.1, 30, 10, [0, 12])
    with pytest.raises(ValueError, match="must not repeat"):
        f(cov, beta, 0.1, 30, 40, [1, 1])
    with pytest.raises(ValueError, match="s <= n - 2"):
        f(cov, beta, 0.1, 10, 40, np.arange(9))
    with pytest.raises(TypeError, match="not a boolean mask"):
        f(cov, beta, 0.1, 30, 40, np.arange(40) < 3)
    with pytest.raises(ValueError, match="noise_var must be at least 0"):
        f(cov, beta, [0.1, -0.1], 30, 40, [0, 1])
    with pytest.raises(ValueError, match="beta must have shape"):
        f(cov, beta[:-1], 0.1, 30, 40, [0, 1])
    with pytest.raises(ValueError, match="symmetric"):
        f(cov + np.triu(np.ones_like(cov), 1), beta, 0.1, 30, 40, [0, 1])
    with pytest.raises(ValueError, match="positive definite"):
        f(-cov, beta, 0.1, 30, 40, [0, 1])
    with pytest.raises(TypeError, match="n must be an integer"):
        f(cov, beta, 0.1, 30.5, 40, [0, 1])
    with pytest.raises(TypeError, match="spectrum must be a tuple"):
        f(cov, beta, 0.1, 30, 40, [0, 1], spectrum=np.linalg.eigvalsh(cov))
    with pytest.raises(ValueError, match="spectrum must hold 40 eigenvalues"):
        f(cov, beta, 0.1, 30, 40, [0, 1], spectrum=np.linalg.eigh(cov[:39, :39]))
    lam, Q = np.linalg.eigh(cov)
    with pytest.raises(ValueError, match="spectrum does not match"):
        f(cov, beta, 0.1, 30, 40, [0, 1], spectrum=(lam[::-1], Q))
    with pytest.raises(ValueError, match="positive eigenvalues"):
        f(cov, beta, 0.1, 30, 40, [0, 1], spectrum=(-lam, Q))
