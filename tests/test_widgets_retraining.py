"""Lesson 08's helpers and explorer: the cost decomposition, the rho sweep, and a fast, simulation-free explorer."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from overparam import experiments, fit, models, prune, theory
from overparam.widgets import Explorer
from overparam.widgets import retraining as rt


# ---------------------------------------------------------------------------------------------
# the problem
# ---------------------------------------------------------------------------------------------


def test_lesson_problem_matches_the_library_constructors():
    beta = rt.lesson_beta()
    assert beta.shape == (rt.D,) and np.isclose(beta @ beta, 1.0)
    np.testing.assert_allclose(beta * np.arange(1, rt.D + 1), beta[0])  # beta_i proportional to 1/i
    ar = rt.lesson_problem("ar1", 0.6)
    np.testing.assert_allclose(ar.cov, models.ar1_problem(rt.D, 0.6, beta, 0.1).cov)
    eq = rt.lesson_problem("equicorrelated", 0.3, noise_var=0.5)
    assert eq.noise_var == 0.5 and eq.cov[0, 7] == pytest.approx(0.3) and eq.cov[5, 5] == 1.0
    with pytest.raises(ValueError, match="family must be one of"):
        rt.lesson_problem("toeplitz", 0.3)
    with pytest.raises(ValueError, match="rho must be below 1"):
        rt.lesson_problem("ar1", 1.0)


# ---------------------------------------------------------------------------------------------
# the cost decomposition
# ---------------------------------------------------------------------------------------------


def test_cost_decomposition_is_the_theory_function_for_the_problem():
    """The lesson's shorthand passes the problem's covariance, coefficients and noise to the theory."""
    problem = rt.lesson_problem("equicorrelated", 0.3, noise_var=0.2)
    dec = rt.cost_decomposition(problem, 100, 150, np.arange(20))
    expected = theory.pruning_cost_decomposition(problem.cov, problem.beta, 0.2, 100, 150, np.arange(20))
    assert rt.CostDecomposition is theory.CostDecomposition
    np.testing.assert_array_equal(np.array(dec), np.array(expected))
    # rho = 0: zeta = p/n - 1 and the oracle formula of lesson 05; the retrained side is the small model
    beta = rt.lesson_beta()
    dec = rt.cost_decomposition(rt.lesson_problem("ar1", 0.0), 100, 300, np.arange(20))
    assert dec.zeta == pytest.approx(2.0) and dec.mismatch == pytest.approx(0.0, abs=1e-12)
    assert dec.without_retraining == pytest.approx(theory.oracle_pruned_risk(np.ones(rt.D), beta, 0.1, 100, 300, 20))
    assert dec.with_retraining == pytest.approx(theory.small_model_risk(np.ones(rt.D), beta, 0.1, 100, np.arange(20)))


@pytest.mark.parametrize("family, rho", [("ar1", 0.6), ("equicorrelated", 0.3)])
def test_prediction_agrees_with_simulation(family, rho):
    """The eigenbasis auxiliary model against 300 simulated training sets (means within 4 s.e. and 3%)."""
    problem = rt.lesson_problem(family, rho)
    dec = rt.cost_decomposition(problem, rt.N, 300, np.arange(rt.S))
    sweep = experiments.pruning_sweep(problem, rt.N, [300], rt.S, trials=300, seed=11, rules=("oracle",),
                                      support=np.arange(rt.S))
    for key, predicted in (("oracle", dec.without_retraining), ("oracle+retrain", dec.with_retraining)):
        mean, sem = sweep[key].mean[0], sweep[key].sem[0]
        assert abs(mean - predicted) < max(4 * sem, 0.03 * predicted), (key, mean, sem, predicted)


def test_identity_floor_plus_cost_is_exact_for_one_fit():
    problem = rt.lesson_problem("ar1", 0.9)
    X, y = problem.sample(rt.N, 3)
    w = fit.min_norm_least_squares(X, y)
    mask = np.arange(rt.D) < rt.S
    b_S, floor = problem.best_support_weights(np.arange(rt.S))
    gap = w[: rt.S] - b_S
    assert problem.risk(prune.apply_mask(w, mask)) == pytest.approx(
        floor + gap @ problem.cov[: rt.S, : rt.S] @ gap, rel=1e-10)


def test_structured_spectra_give_the_same_decomposition_as_eigh():
    """The explorer's cached decompositions (closed-form spectra, all noise levels at once) equal the plain ones."""
    for family in rt.FAMILIES:
        for rho in (0.0, 0.35, 0.9):
            for ratio in (0.5, 3.0):
                for noise_var in (0.1, 1.0, 0.2):  # 0.2 is not offered by the explorer: computed directly
                    fast = rt._decomposition(family, rho, ratio, noise_var)
                    slow = rt.cost_decomposition(rt.lesson_problem(family, rho, noise_var), rt.N, int(ratio * rt.N),
                                                 np.arange(rt.S))
                    assert all(isinstance(v, float) for v in fast)
                    np.testing.assert_allclose(np.array(fast), np.array(slow), rtol=1e-8, atol=1e-12)


def test_cost_decomposition_validation():
    with pytest.raises(TypeError, match="problem must be a CorrelatedProblem"):
        rt.cost_decomposition(models.isotropic_problem(10, 1.0, 0.1), 5, 8, [0, 1])
    with pytest.raises(ValueError, match="p must differ from n"):  # the theory function's checks apply
        rt.cost_decomposition(rt.lesson_problem("ar1", 0.3), 100, 100, np.arange(20))


# ---------------------------------------------------------------------------------------------
# the rho sweep
# ---------------------------------------------------------------------------------------------


def test_rho_sweep_stacks_pruning_sweeps_with_one_seed():
    rhos = [0.0, 0.5]
    out = rt.rho_sweep("ar1", rhos, p=150, trials=4, seed=9, rules=("oracle", "magnitude"))
    assert set(out) == {"dense", "oracle", "oracle+retrain", "magnitude", "magnitude+retrain", "small"}
    assert out["oracle"].values.shape == (4, 2)
    np.testing.assert_allclose(out["oracle"].x, rhos)
    single = experiments.pruning_sweep(rt.lesson_problem("ar1", 0.5), rt.N, [150], rt.S, trials=4, seed=9,
                                       rules=("oracle", "magnitude"), support=np.arange(rt.S))
    np.testing.assert_allclose(out["magnitude+retrain"].values[:, 1], single["magnitude+retrain"].values[:, 0])
    # a generator seed is turned into one integer seed: same generator state, same results
    a = rt.rho_sweep("equicorrelated", [0.2], p=150, trials=3, seed=np.random.default_rng(1))
    b = rt.rho_sweep("equicorrelated", [0.2], p=150, trials=3, seed=np.random.default_rng(1))
    np.testing.assert_array_equal(a["oracle"].values, b["oracle"].values)
    with pytest.raises(TypeError, match="seed must be an int or a numpy Generator"):
        rt.rho_sweep("ar1", [0.1], seed=0.5)
    with pytest.raises(ValueError, match="at least one"):
        rt.rho_sweep("ar1", [])


# ---------------------------------------------------------------------------------------------
# the explorer
# ---------------------------------------------------------------------------------------------


def _labels(fig):
    texts = []
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is not None:
            texts += [t.get_text() for t in legend.get_texts()]
    return texts


def test_make_explorer_without_arguments():
    explorer = rt.make_explorer()
    assert isinstance(explorer, Explorer)
    assert explorer.values == {"family": "ar1", "rho": 0.6, "ratio": 3.0, "noise_var": 0.1}
    fig = explorer.figure()
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    labels = _labels(fig)
    assert any("not retrained (theory)" in t for t in labels) and not any("sim." in t for t in labels)
    assert any("target mismatch" in t for t in labels)


def test_redraw_is_fast_and_never_simulates(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the explorer callback must not fit or simulate")

    monkeypatch.setattr(experiments, "pruning_sweep", forbidden)
    monkeypatch.setattr(fit, "min_norm_least_squares", forbidden)
    monkeypatch.setattr(rt, "rho_sweep", forbidden)
    explorer = rt.make_explorer()
    explorer.redraw_seconds()  # warm up (fonts, caches of the default setting)
    times = [explorer.redraw_seconds(**values) for values in (
        {}, {"rho": 0.95}, {"noise_var": 1.0}, {"family": "equicorrelated", "rho": 0.3}, {"ratio": 0.5},
    )]
    assert all(np.isfinite(t) and t > 0 for t in times)  # the 0.3 s budget is measured by the benchmark
    for values in ({"rho": 0.0}, {"family": "equicorrelated", "ratio": 1.5}):
        explorer.update(**values)
        assert explorer.last_seconds > 0


def test_cached_simulations_only_at_their_settings():
    sweep = {"ar1": rt.rho_sweep("ar1", [0.0, 0.6], p=300, trials=3, seed=2)}
    explorer = rt.make_explorer(simulations=sweep)

    def sims(**values):
        return [t for t in _labels(explorer.figure(**values)) if "sim." in t]

    assert len(sims()) == 2
    assert any("mean of 3 trials" in t for t in sims())
    assert sims(ratio=2.0) == [] and sims(noise_var=0.3) == [] and sims(family="equicorrelated") == []


def test_figure_curves_match_the_decomposition():
    fig = rt.draw("equicorrelated", 0.3, 1.5, 0.3)
    line = next(l for l in fig.axes[0].get_lines() if l.get_label().startswith("pruned, not retrained"))
    expected = [rt.cost_decomposition(rt.lesson_problem("equicorrelated", r, 0.3), rt.N, 150, np.arange(rt.S))
                .without_retraining for r in rt.CURVE_RHOS]
    np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-8)


def test_draw_and_explorer_validation():
    with pytest.raises(ValueError, match="rho must be one of"):
        rt.draw(rho=0.33)
    with pytest.raises(ValueError, match="ratio must be one of"):
        rt.draw(ratio=1.0)
    with pytest.raises(ValueError, match="family must be one of"):
        rt.draw(family="flat")
    with pytest.raises(TypeError, match="simulations must be a dict"):
        rt.make_explorer(simulations=[1])
    with pytest.raises(ValueError, match="family must be one of"):
        rt.make_explorer(simulations={"other": {}})
    with pytest.raises(TypeError, match="must be an experiments.Summary"):
        rt.make_explorer(simulations={"ar1": {"oracle": [1.0]}})
    fig, ax = matplotlib.pyplot.subplots()
    with pytest.raises(TypeError, match="non-empty dict"):
        rt.draw_decomposition(ax, {})
    with pytest.raises(TypeError, match="must be a CostDecomposition"):
        rt.draw_decomposition(ax, {"x": (1, 2)})
    matplotlib.pyplot.close(fig)
