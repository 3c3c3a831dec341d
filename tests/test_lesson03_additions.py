"""Library additions for lesson 03: fast prefix sweeps, the isotropic optimal ridge, plain log ticks.

Monte Carlo tolerances follow tests/test_theory.py: a simulated mean must fall within 4 standard
errors of an exact finite-n expectation; against an asymptotic formula we add a stated finite-size
allowance.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from overparam import experiments, fit, models, plots, theory
from overparam.experiments import _prefix_solve_stack


# ---------------------------------------------------------------- the normal-equation engine

@pytest.mark.parametrize("penalty", [0.0, 0.05])
def test_prefix_solve_stack_matches_svd_fits(penalty):
    rng = np.random.default_rng(11)
    X = rng.standard_normal((3, 30, 90))
    y = rng.standard_normal((3, 30))
    ps = np.array([60, 5, 29, 31, 90, 12, 60])  # unsorted, with a repeat, on both sides of n = 30
    fits = _prefix_solve_stack(X, y, ps, np.full(ps.size, penalty))
    for p, W in zip(ps, fits):
        ref = fit.ridge(X[:, :, :p], y, penalty)
        assert W.shape == (3, p)
        np.testing.assert_allclose(W, ref, rtol=1e-7, atol=1e-9)


def test_prefix_solve_stack_per_size_penalties():
    rng = np.random.default_rng(12)
    X = rng.standard_normal((2, 20, 50))
    y = rng.standard_normal((2, 20))
    ps = np.array([10, 10, 40, 40])
    pens = np.array([0.0, 0.3, 0.0, 0.3])
    fits = _prefix_solve_stack(X, y, ps, pens)
    for p, lam, W in zip(ps, pens, fits):
        np.testing.assert_allclose(W, fit.ridge(X[:, :, :p], y, lam), rtol=1e-8, atol=1e-10)
    assert not np.allclose(fits[2], fits[3])  # the penalty is applied per size


# ---------------------------------------------------------------- prefix_sweep

def test_prefix_sweep_equals_svd_fits_on_the_same_draws():
    # Re-draw the sweep's training sets from the same seed and fit each prefix by SVD.
    problem = models.spiked_problem(60, 5, spike=1.0, bulk=0.2, noise_var=0.3)
    ps = [3, 20, 29, 30, 40, 60]  # 29 and 30 go through the SVD branch (within two of n = 30)
    for penalty in (0.0, 0.1):
        sweep = experiments.prefix_sweep(problem, 30, ps, trials=8, seed=5, penalty=penalty)
        rng = np.random.default_rng(5)
        X = rng.standard_normal((8, 30, 60)) * np.sqrt(problem.eigs)
        y = X @ problem.beta + np.sqrt(problem.effective_noise(60)) * rng.standard_normal((8, 30))
        for j, p in enumerate(ps):
            expected = problem.risk(fit.ridge(X[:, :, :p], y, penalty))
            np.testing.assert_allclose(sweep.values[:, j], expected, rtol=1e-6)


def test_prefix_sweep_is_seeded_and_keeps_the_order_of_sizes():
    problem = models.weak_features_problem(80, 0.25, rng=1)
    a = experiments.prefix_sweep(problem, 20, [50, 5, 10], trials=6, seed=3)
    b = experiments.prefix_sweep(problem, 20, [50, 5, 10], trials=6, seed=3)
    np.testing.assert_array_equal(a.values, b.values)
    assert a.x.tolist() == [50.0, 5.0, 10.0] and a.values.shape == (6, 3)


def test_prefix_sweep_reference_b_against_exact_formula():
    # reference B of overparam.theory; ps stop below d, so the left-out features enter as folded-in noise.
    problem = models.weak_features_problem(400, 0.25, rng=9)
    ps = np.array([20, 50, 150, 300])
    sim = experiments.prefix_sweep(problem, 100, ps, trials=200, seed=21)
    formula = theory.prefix_risk(problem.beta, 0.25, 100, ps)
    assert np.all(np.abs(sim.mean - formula) < 4 * sim.sem)


def test_prefix_sweep_ridge_against_asymptotic_formula():
    problem = models.weak_features_problem(300, 0.25, rng=2)
    ps = np.array([50, 100, 200, 300])
    for penalty in (0.1, theory.isotropic_optimal_ridge(problem.beta, 0.25, 100, ps)):
        sim = experiments.prefix_sweep(problem, 100, ps, trials=100, seed=8, penalty=penalty)
        formula = theory.ridge_risk(problem.eigs, problem.beta, 0.25, 100, ps, penalty)
        # asymptotic formula at n = 100: 4 s.e. plus a 2% finite-size allowance
        assert np.all(np.abs(sim.mean - formula) < 4 * sim.sem + 0.02 * formula)


def test_prefix_sweep_validation():
    problem = models.isotropic_problem(20)
    with pytest.raises(TypeError, match="problem must be a LinearProblem"):
        experiments.prefix_sweep("problem", 10, [5])
    with pytest.raises(ValueError, match="at most d = 20"):
        experiments.prefix_sweep(problem, 10, [25])
    with pytest.raises(ValueError, match="one entry per size"):
        experiments.prefix_sweep(problem, 10, [5, 8], penalty=[0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="non-negative"):
        experiments.prefix_sweep(problem, 10, [5], penalty=-1.0)
    with pytest.raises(ValueError, match="trials must be at least 1"):
        experiments.prefix_sweep(problem, 10, [5], trials=0)


# ---------------------------------------------------------------- prefix_weights

def test_prefix_weights_shapes_and_feature_numbers():
    fits = experiments.prefix_weights(models.isotropic_problem(30), 20, [10, 30], trials=4, seed=0)
    assert [f.values.shape for f in fits] == [(4, 10), (4, 30)]
    assert fits[0].x.tolist() == list(range(1, 11))


def test_average_minnorm_is_population_ridge_zeta_and_sample_ridge_is_kappa():
    # E[min-norm] ~ (Sigma + zeta I)^-1 Sigma beta; sample ridge with lambda = zeta
    # lands on the population ridge solution with the larger penalty kappa(zeta).
    problem = models.spiked_problem(600, 20, spike=1.0, bulk=0.05, noise_var=0.25)
    n, p = 100, 300
    zeta = theory.implicit_regularization(problem.eigs[:p], n)
    kappa = theory.effective_ridge(problem.eigs[:p], n, zeta)
    assert kappa > 1.5 * zeta
    mn, rg = experiments.prefix_weights(problem, n, [p, p], trials=400, seed=17, penalty=[0.0, zeta])

    def kept(summary):  # mean fraction of a strong coefficient kept, per trial
        return (summary.values[:, :20] / problem.beta[:20]).mean(axis=1)

    for values, penalty in ((kept(mn), zeta), (kept(rg), kappa)):
        sem = values.std(ddof=1) / np.sqrt(values.size)
        # asymptotic prediction at n = 100: 4 s.e. plus a 1% finite-size allowance
        assert abs(values.mean() - 1 / (1 + penalty)) < 4 * sem + 0.01
    # and sample ridge with lambda = zeta is clearly NOT population ridge with penalty zeta
    assert kept(rg).mean() < 1 / (1 + zeta) - 0.05
    target = theory.population_ridge_weights(problem.eigs[:p], problem.beta[:p], zeta)
    z = (mn.mean - target) / mn.sem
    assert np.mean(z**2) < 1.5  # every coordinate, weak ones included, within sampling noise


# ---------------------------------------------------------------- isotropic_optimal_ridge

def test_isotropic_optimal_ridge_matches_numerical_search():
    problem = models.weak_features_problem(200, 0.3, rng=4)
    ps = [5, 40, 80, 100, 150, 200]
    closed = theory.isotropic_optimal_ridge(problem.beta, 0.3, 80, ps)
    assert closed.shape == (6,)
    for p, lam in zip(ps, closed):
        searched, _ = theory.optimal_ridge(problem.eigs, problem.beta, 0.3, 80, p)
        assert searched == pytest.approx(lam, rel=1e-4)


def test_isotropic_optimal_ridge_formula_and_validation():
    beta = np.array([0.5, 0.5, 0.0, 0.5])
    # p = 2: sigma_p^2 = 0.1 + 0.25, ||beta_T||^2 = 0.5, gamma = 2/4
    assert theory.isotropic_optimal_ridge(beta, 0.1, 4, 2) == pytest.approx(0.35 * 0.5 / 0.5)
    with pytest.raises(ValueError, match="must carry some signal"):
        theory.isotropic_optimal_ridge(np.array([0.0, 1.0]), 0.1, 4, 1)
    with pytest.raises(ValueError, match="at most the number of features"):
        theory.isotropic_optimal_ridge(beta, 0.1, 4, 5)
    with pytest.raises(TypeError, match="noise_var must be a real number"):
        theory.isotropic_optimal_ridge(beta, "0.1", 4, 2)


# ---------------------------------------------------------------- plain_log_ticks

def test_plain_log_ticks_labels_plain_numbers_and_leaves_linear_axes():
    fig, ax = plots.subplots()
    ax.plot([1, 400], [0.9, 3.0])
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(0.8, 4)
    xticks_before = ax.get_xticks().tolist()
    plots.plain_log_ticks(ax, axis="y")
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert labels == ["1", "2"]
    assert ax.get_xticks().tolist() == xticks_before  # x untouched when axis="y"
    plots.plain_log_ticks(ax)
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels() if t.get_text()][:3] == ["1", "2", "5"]
    plt.close(fig)

    fig, ax = plots.subplots()
    ax.plot([0, 1], [0, 1])
    before = ax.get_yticks().tolist()
    plots.plain_log_ticks(ax)
    assert ax.get_yticks().tolist() == before
    with pytest.raises(ValueError, match="axis must be"):
        plots.plain_log_ticks(ax, axis="z")
    plt.close(fig)
