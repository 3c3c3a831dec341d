"""Lesson 00's teaser explorer: reference C of overparam.theory and its generalization to other s and noise."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from overparam import experiments, models, plots, theory
from overparam.widgets import Explorer
from overparam.widgets import teaser


@pytest.fixture(autouse=True)
def _style():
    plots.use_style()


def test_default_problem_is_reference_c():
    ref = models.pruning_showcase_problem(teaser.D)
    prob = teaser.problem()
    assert np.array_equal(prob.eigs, ref.eigs)
    assert np.allclose(prob.beta, ref.beta)
    assert prob.noise_var == ref.noise_var


def test_curves_reproduce_reference_c_numbers():
    c = teaser.curves(80, 0.1)
    assert c["small"] == pytest.approx(0.521, abs=5e-4)
    prob = teaser.problem()
    pruned_400 = theory.oracle_pruned_risk(prob.eigs, prob.beta, prob.noise_var, teaser.N, 400, 80)
    assert pruned_400 == pytest.approx(0.311, abs=5e-4)
    # the curve passes through the reference value near p = 400 (it is smooth there)
    assert np.interp(400, c["p"], c["pruned"]) == pytest.approx(0.311, abs=2e-3)
    # the best pruned risk beyond the threshold beats the small model by roughly 40 %
    over = c["p"] > teaser.N
    assert 0.55 < np.min(c["pruned"][over]) / c["small"] < 0.62
    # ... but a tuned ridge on the small model does at least as well (lesson 00's honest baseline)
    assert c["small_ridge"] <= np.min(c["pruned"][over])


def test_model_sizes_skip_the_threshold():
    ps = teaser.model_sizes(80)
    assert ps[0] == 80 and ps[-1] == teaser.D
    assert teaser.N not in ps and np.all(np.diff(ps) > 0)


def test_problem_validation():
    with pytest.raises(ValueError, match="n - 2"):
        teaser.problem(99)
    with pytest.raises(ValueError, match="noise_var must be at least 0"):
        teaser.problem(80, -0.1)
    with pytest.raises(ValueError, match="multiple of 5"):
        teaser.make_explorer(s=42)
    with pytest.raises(ValueError, match="noise_var must be one of"):
        teaser.make_explorer(noise_var=0.2)


def test_draw_shows_simulation_only_at_its_settings():
    _, pruned = experiments.oracle_prune_sweep(
        teaser.problem(), teaser.N, [120, 400], np.arange(80), trials=3, seed=0
    )
    fig = teaser.draw(80, 0.1, pruned=pruned)
    assert isinstance(fig, Figure)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("simulation" in label for label in labels)
    fig = teaser.draw(50, 0.1, pruned=pruned)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert not any("simulation" in label for label in labels)


def test_make_explorer_without_arguments():
    explorer = teaser.make_explorer()
    assert isinstance(explorer, Explorer)
    assert explorer.values == {"s": 80, "noise_var": 0.1, "tuned_ridge": True}
    for values in ({}, {"s": 10, "noise_var": 1.0}, {"s": 95, "noise_var": 0.01, "tuned_ridge": False}):
        assert np.isfinite(explorer.redraw_seconds(**values))


def test_curves_are_cached_but_callers_get_copies():
    a = teaser.curves(60, 0.3)
    a["pruned"][:] = 0.0
    b = teaser.curves(60, 0.3)
    assert np.all(b["pruned"] > 0)
