"""Theory functions against closed forms, limits, the reference values of overparam.theory and Monte Carlo.

Monte Carlo tolerances: a simulated mean must fall within 4 standard errors of the *exact finite-n*
expectation where one exists (prefix_risk, small_model_risk). Against an *asymptotic* formula we
allow 4 standard errors plus a stated finite-size allowance (reference C measured gaps of
1-3% at n = 100).
"""

import numpy as np
import pytest

from overparam import experiments, fit, models, theory


# ---------------------------------------------------------------- §1 isotropic (reference A)

@pytest.mark.parametrize("gamma, excess", [(0.75, 0.750), (1.5, 0.833), (3.0, 0.792)])
def test_isotropic_reference_a(gamma, excess):
    assert theory.isotropic_risk(gamma, signal=1.0, noise_var=0.25) - 0.25 == pytest.approx(excess, abs=5e-4)


def test_isotropic_finite_n_reference_a():
    # exact finite-n excess for gamma = 0.75 at n = 200: sigma^2 p / (n - p - 1)
    beta = np.full(150, 1 / np.sqrt(150))
    assert theory.prefix_risk(beta, 0.25, 200, 150) - 0.25 == pytest.approx(0.765, abs=5e-4)


def test_isotropic_vectorized_and_infinite_at_threshold():
    g = np.array([0.5, 1.0, 2.0])
    r = theory.isotropic_risk(g, 1.0, 0.25)
    assert r.shape == (3,) and np.isinf(r[1]) and np.all(np.isfinite(r[[0, 2]]))


def test_isotropic_limits():
    # gamma -> 0: no variance, no bias; gamma -> inf: the null risk r^2 + sigma^2
    assert theory.isotropic_risk(1e-9, 1.0, 0.25) == pytest.approx(0.25, abs=1e-6)
    assert theory.isotropic_risk(1e9, 1.0, 0.25) == pytest.approx(1.25, abs=1e-6)


def test_isotropic_bias_variance_sum_to_excess():
    g = np.linspace(0.1, 5, 50)
    g = g[g != 1]
    b, v = theory.isotropic_bias_variance(g, 2.0, 0.5)
    assert np.allclose(b + v + 0.5, theory.isotropic_risk(g, 2.0, 0.5))
    assert np.all(b[g < 1] == 0)


def test_isotropic_optimal_ratio_matches_grid_search():
    g_star, excess = theory.isotropic_optimal_ratio(1.0, 0.25)
    assert g_star == pytest.approx(2.0) and excess == pytest.approx(0.75)
    grid = np.linspace(1.01, 20, 200_000)
    risk = theory.isotropic_risk(grid, 1.0, 0.25) - 0.25
    assert grid[np.argmin(risk)] == pytest.approx(g_star, rel=1e-3)
    assert risk.min() == pytest.approx(excess, rel=1e-6)
    assert theory.isotropic_optimal_ratio(0.2, 0.25) == (float("inf"), 0.2)


def test_isotropic_simulation_matches_exact_finite_n():
    n, ps = 100, np.array([50, 200, 300])
    sim = experiments.isotropic_sweep(n, ps, signal=1.0, noise_var=0.25, trials=60, seed=1)
    exact = np.array([theory.prefix_risk(np.full(p, 1 / np.sqrt(p)), 0.25, n, p) for p in ps])
    assert np.all(np.abs(sim.mean - exact) < 4 * sim.sem)


def test_smallest_singular_value_edge():
    assert theory.smallest_singular_value(1.0) == 0.0
    assert np.allclose(theory.smallest_singular_value(np.array([0.25, 4.0])), [0.5, 1.0])
    sim = experiments.smallest_singular_value_sweep(400, [100, 1600], trials=3, seed=0)
    assert np.allclose(sim.mean, [0.5, 1.0], atol=0.03)


# ---------------------------------------------------------------- §2 Belkin-Hsu-Xu (reference B)

def test_prefix_risk_infinite_band_and_closed_form():
    beta = np.linspace(1, 0, 30)
    r = theory.prefix_risk(beta, 0.1, 10, np.arange(1, 31))
    assert np.all(np.isinf(r[[8, 9, 10]]))  # p = 9, 10, 11
    p = 5
    tail = np.sum(beta[p:] ** 2) + 0.1
    assert r[p - 1] == pytest.approx(tail * (1 + p / (10 - p - 1)))
    p = 20
    assert r[p - 1] == pytest.approx(np.sum(beta[:p] ** 2) * (1 - 10 / p) + tail_at(beta, p, 0.1) * (1 + 10 / (p - 11)))


def tail_at(beta, p, noise):
    return np.sum(beta[p:] ** 2) + noise


def test_reference_b_simulation_within_stated_error():
    # reference B: d = 400, n = 100, sigma = 0.5, beta_i iid N(0, 1/d) fixed by a seed.
    problem = models.weak_features_problem(400, 0.25, rng=7)
    ps = np.array([20, 50, 150, 300, 400])
    sim = experiments.prefix_sweep(problem, 100, ps, trials=150, seed=3)
    formula = theory.prefix_risk(problem.beta, 0.25, 100, ps)
    assert np.all(np.abs(sim.mean - formula) < 4 * sim.sem)
    assert np.all(np.abs(sim.mean / formula - 1) < 0.05)


# ---------------------------------------------------------------- §3 min-norm and ridge

def test_zeta_isotropic_and_root_equation():
    assert theory.implicit_regularization(np.ones(300), 100) == pytest.approx(2.0, rel=1e-12)
    assert theory.implicit_regularization(np.ones(100), 100) == 0.0
    assert theory.implicit_regularization(np.ones(50), 100) == 0.0
    eigs = np.random.default_rng(0).uniform(0.01, 3, 700)
    z = theory.implicit_regularization(eigs, 200)
    assert np.sum(eigs / (eigs + z)) == pytest.approx(200, rel=1e-10)


def test_effective_ridge_equation_and_limits():
    eigs = np.random.default_rng(1).uniform(0.05, 2, 300)
    for lam in [1e-3, 0.1, 2.0]:
        k = theory.effective_ridge(eigs, 100, lam)
        assert k > lam
        assert k - lam == pytest.approx(k / 100 * np.sum(eigs / (eigs + k)), rel=1e-10)
    assert theory.effective_ridge(eigs, 100, 0.0) == pytest.approx(theory.implicit_regularization(eigs, 100))
    # few features and a vanishing penalty: kappa -> penalty / (1 - p/n)
    assert theory.effective_ridge(np.ones(50), 100, 1e-8) == pytest.approx(2e-8, rel=1e-4)


def test_minnorm_reduces_to_isotropic():
    for p in [50, 150, 300, 1000]:
        beta = np.full(p, np.sqrt(2.0 / p))
        assert theory.minnorm_risk(np.ones(p), beta, 0.3, 200, p) == pytest.approx(
            theory.isotropic_risk(p / 200, 2.0, 0.3), rel=1e-10
        )


def test_minnorm_underparameterized_closed_form_and_peak():
    problem = models.pruning_showcase_problem()
    p = np.array([60, 100])
    r = theory.minnorm_risk(problem.eigs, problem.beta, 0.1, 100, p)
    assert r[0] == pytest.approx(problem.effective_noise(60) / (1 - 0.6))
    assert np.isinf(r[1])


def test_minnorm_bias_variance_sum():
    problem = models.pruning_showcase_problem()
    ps = np.array([50, 150, 400])
    b, v = theory.minnorm_bias_variance(problem.eigs, problem.beta, 0.1, 100, ps)
    noise = np.array([problem.effective_noise(p) for p in ps])
    assert np.allclose(noise + b + v, theory.minnorm_risk(problem.eigs, problem.beta, 0.1, 100, ps))


def test_reference_c_dense_risk():
    problem = models.pruning_showcase_problem(1000)
    r = theory.minnorm_risk(problem.eigs, problem.beta, 0.1, 100, [400, 1000])
    assert r == pytest.approx([0.327, 0.410], abs=1e-3)


def test_minnorm_monte_carlo_reference_c():
    problem = models.pruning_showcase_problem(1000)
    sim = experiments.prefix_sweep(problem, 100, [400], trials=40, seed=5)
    predicted = theory.minnorm_risk(problem.eigs, problem.beta, 0.1, 100, 400)
    # 4 standard errors plus a 3% finite-size allowance (n = 100)
    assert abs(sim.mean[0] - predicted) < 4 * sim.sem[0] + 0.03 * predicted


def test_ridge_zero_is_minnorm_and_penalty_tames_peak():
    problem = models.pruning_showcase_problem()
    ps = np.array([50, 99, 101, 300])
    assert np.allclose(
        theory.ridge_risk(problem.eigs, problem.beta, 0.1, 100, ps, 0.0),
        theory.minnorm_risk(problem.eigs, problem.beta, 0.1, 100, ps),
    )
    assert np.isfinite(theory.ridge_risk(problem.eigs, problem.beta, 0.1, 100, 100, 0.01))
    assert theory.ridge_risk(problem.eigs, problem.beta, 0.1, 100, [100], [0.01]).shape == (1,)


def test_ridge_monte_carlo():
    problem = models.spiked_problem(300, 20, spike=1.0, bulk=0.2, noise_var=0.2)
    sim = experiments.prefix_sweep(problem, 100, [80, 300], trials=60, seed=2, penalty=0.05)
    predicted = theory.ridge_risk(problem.eigs, problem.beta, 0.2, 100, [80, 300], 0.05)
    assert np.all(np.abs(sim.mean - predicted) < 4 * sim.sem + 0.03 * predicted)


def test_optimal_ridge_isotropic_closed_form():
    # Isotropic features, beta spread evenly: the optimum is lambda* = sigma^2 gamma / r^2.
    p, n = 300, 200
    lam, risk = theory.optimal_ridge(np.ones(p), np.full(p, 1 / np.sqrt(p)), 0.25, n, p)
    assert lam == pytest.approx(0.25 * 1.5 / 1.0, rel=1e-3)
    assert risk < theory.minnorm_risk(np.ones(p), np.full(p, 1 / np.sqrt(p)), 0.25, n, p)


def test_population_ridge_weights_match_average_minnorm_fit():
    problem = models.spiked_problem(300, 10, spike=1.0, bulk=0.1, noise_var=0.1)
    zeta = theory.implicit_regularization(problem.eigs, 100)
    X, y = [], []
    rng = np.random.default_rng(4)
    for _ in range(200):
        Xi, yi = problem.sample(100, rng)
        X.append(Xi)
        y.append(yi)
    mean_fit = fit.min_norm_least_squares(np.array(X), np.array(y)).mean(axis=0)
    target = theory.population_ridge_weights(problem.eigs, problem.beta, zeta)
    # strong coordinates (each well determined): within 3% of the population ridge weight
    assert np.allclose(mean_fit[:10], target[:10], rtol=0.03)


# ---------------------------------------------------------------- §4 oracle pruning, small model

def test_reference_c_oracle_and_small_model():
    problem = models.pruning_showcase_problem(1000)
    oracle = theory.oracle_pruned_risk(problem.eigs, problem.beta, 0.1, 100, [150, 400, 1000], 80)
    assert oracle == pytest.approx([0.433, 0.311, 0.396], abs=1e-3)
    small = theory.small_model_risk(problem.eigs, problem.beta, 0.1, 100, np.arange(80))
    assert small == pytest.approx(0.521, abs=1e-3)
    # asymptotically the small model is min-norm (here OLS) on the first 80 features: sigma_S^2 n / (n - s)
    assert theory.minnorm_risk(problem.eigs, problem.beta, 0.1, 100, 80) == pytest.approx(0.5)


def test_oracle_monte_carlo_reference_c():
    problem = models.pruning_showcase_problem(1000)
    dense, pruned = experiments.oracle_prune_sweep(problem, 100, [400], np.arange(80), trials=30, seed=0)
    predicted = theory.oracle_pruned_risk(problem.eigs, problem.beta, 0.1, 100, 400, 80)
    assert abs(pruned.mean[0] - predicted) < 4 * pruned.sem[0] + 0.03 * predicted


def test_small_model_monte_carlo_exact():
    problem = models.pruning_showcase_problem(200)
    sim = experiments.prefix_sweep(problem, 100, [80], trials=200, seed=9)
    assert abs(sim.mean[0] - 0.5210526) < 4 * sim.sem[0]


def test_oracle_support_matches_brute_force_with_ties():
    rng = np.random.default_rng(0)
    eigs, beta = rng.uniform(0.1, 2, 50), rng.standard_normal(50)
    eigs[10:20], beta[10:20] = eigs[0], beta[0]  # eleven features with the same score
    ps = np.array([5, 12, 30, 50])
    masks = theory._oracle_supports(eigs, beta, ps, 5)
    for p, mask in zip(ps, masks):
        score = eigs[:p] * beta[:p] ** 2
        expected = sorted(range(p), key=lambda i: (-score[i], i))[:5]  # ties: lower index first
        assert np.flatnonzero(mask).tolist() == sorted(expected)


def test_oracle_pruned_risk_equals_dense_risk_when_nothing_is_pruned():
    # s = p keeps every coordinate: pruning changes nothing
    problem = models.spiked_problem(300, 10, spike=1.0, bulk=0.1, noise_var=0.2)
    for p in [50, 200]:
        assert theory.oracle_pruned_risk(problem.eigs, problem.beta, 0.2, 100, p, p) == pytest.approx(
            theory.minnorm_risk(problem.eigs, problem.beta, 0.2, 100, p), rel=1e-10
        )


def test_no_noise_means_no_peak():
    # Without label noise (and nothing left out) the interpolation threshold is harmless.
    assert theory.isotropic_risk(1.0, 1.0, 0.0) == 0.0
    assert theory.isotropic_risk(1.0, 1.0, 0.25) == np.inf
    beta = np.full(100, 0.1)
    assert theory.minnorm_risk(np.ones(100), beta, 0.0, 100, 100) == 0.0
    assert theory.prefix_risk(beta, 0.0, 100, 100) == 0.0
    assert theory.prefix_risk(np.full(101, 0.1), 0.0, 100, 101) == pytest.approx(0.01 * 101 * (1 - 100 / 101))
    # and in simulation: a square, noiseless Gaussian system is solved exactly
    X = np.random.default_rng(0).standard_normal((50, 50))
    w = fit.min_norm_least_squares(X, X @ np.ones(50))
    assert np.allclose(w, 1.0, atol=1e-8)
