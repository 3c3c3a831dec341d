"""Monte Carlo sweeps: shapes, seeding, summaries, and agreement with direct computation."""

import numpy as np
import pytest

from overparam import experiments, fit, models


def test_summary_statistics():
    values = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0]])
    s = experiments.summarize([5, 6], values)
    assert s.n_trials == 4
    assert np.allclose(s.mean, [2.5, 25.0]) and np.allclose(s.median, [2.5, 25.0])
    assert np.allclose(s.q25, [1.75, 17.5]) and np.allclose(s.q75, [3.25, 32.5])
    assert np.allclose(s.sem, values.std(axis=0, ddof=1) / 2)
    assert s.at(6)["median"] == 25.0
    with pytest.raises(ValueError, match="not one of the swept points"):
        s.at(7)


def test_prefix_sweep_is_seeded():
    problem = models.spiked_problem(60, 5, spike=1.0, bulk=0.2, noise_var=0.1)
    a = experiments.prefix_sweep(problem, 20, [5, 40], trials=3, seed=1)
    b = experiments.prefix_sweep(problem, 20, [5, 40], trials=3, seed=1)
    assert np.array_equal(a.values, b.values) and a.values.shape == (3, 2)


def test_isotropic_sweeps_shapes():
    s = experiments.isotropic_sweep(20, [10, 40], trials=4, seed=0)
    b, v = experiments.isotropic_bias_variance_sweep(20, [10, 40], trials=4, seed=0)
    assert s.values.shape == b.values.shape == v.values.shape == (4, 2)
    assert np.allclose(b.values[:, 0], 0, atol=1e-10)  # p < n: no bias
    assert np.all(b.values[:, 1] > 0) and np.all(v.values > 0)


def test_bias_variance_sum_matches_noise_average():
    # bias + variance given X equals the risk averaged over label noise for that X
    n, p = 15, 40
    rng = np.random.default_rng(2)
    b, v = experiments.isotropic_bias_variance_sweep(n, [p], signal=1.0, noise_var=0.5, trials=1, seed=rng)
    rng = np.random.default_rng(2)
    problem = models.isotropic_problem(p, 1.0, 0.5)
    X = rng.standard_normal((1, n, p))[0]
    noise = np.random.default_rng(5).standard_normal((4000, n)) * np.sqrt(0.5)
    W = fit.min_norm_least_squares(np.broadcast_to(X, (4000, n, p)), X @ problem.beta + noise)
    excess = problem.risk(W) - 0.5
    assert excess.mean() == pytest.approx(b.values[0, 0] + v.values[0, 0], rel=0.05)


def test_oracle_prune_sweep_keeps_only_support():
    problem = models.pruning_showcase_problem(300)
    dense, pruned = experiments.oracle_prune_sweep(problem, 100, [150, 300], np.arange(80), trials=3, seed=0)
    assert dense.values.shape == pruned.values.shape == (3, 2)
    # redraw the same training sets and prune by hand: keep the first 80 coefficients, zero the rest
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 100, 300)) * np.sqrt(problem.eigs)
    y = X @ problem.beta + np.sqrt(problem.noise_var) * rng.standard_normal((3, 100))
    for j, p in enumerate([150, 300]):
        W = fit.min_norm_least_squares(X[:, :, :p], y)
        assert np.allclose(dense.values[:, j], problem.risk(W))
        W[:, 80:] = 0.0
        assert np.allclose(pruned.values[:, j], problem.risk(W))
    with pytest.raises(ValueError, match="support index"):
        experiments.oracle_prune_sweep(problem, 100, [50], np.arange(80), trials=2)
