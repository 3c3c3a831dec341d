"""Lesson 05's explorer and figures: reference C, its generalization, and what each rule keeps."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from overparam import experiments, models, plots, prune, theory
from overparam.widgets import Explorer
from overparam.widgets import pruning


@pytest.fixture(autouse=True)
def _style():
    plots.use_style()


def _legend_texts(fig):
    texts = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is not None:
            texts += [t.get_text() for t in legend.get_texts()]
    return texts


def test_default_problem_is_reference_c():
    ref = models.pruning_showcase_problem(pruning.D)
    pb = pruning.problem()
    assert np.array_equal(pb.eigs, ref.eigs)
    assert np.allclose(pb.beta, ref.beta)
    assert pb.noise_var == ref.noise_var


def test_problem_family():
    pb = pruning.problem(s=40, noise_var=0.3, tail_var=0.2)
    assert pb.d == pruning.D
    assert np.all(pb.eigs[:40] == 1.0) and np.all(pb.eigs[40:] == 0.2)
    assert pb.signal == pytest.approx(1.0)
    assert np.all(pb.beta[40:] == 0.0)


@pytest.mark.parametrize(
    "p, expected",
    [
        (400, {"oracle": 0.311, "hessian": 0.316, "magnitude": 0.446, "dense": 0.327}),
        (150, {"oracle": 0.433, "hessian": 0.479, "magnitude": 0.679}),
        (1000, {"oracle": 0.396, "hessian": 0.398, "magnitude": 0.469, "dense": 0.410}),
    ],
)
def test_curves_reproduce_reference_c(p, expected):
    c = pruning.curves()
    j = int(np.flatnonzero(c["p"] == p)[0])
    for rule, value in expected.items():
        assert c[rule][j] == pytest.approx(value, abs=1.5e-3), rule
    assert c["small"] == pytest.approx(0.521, abs=5e-4)
    assert c["small_asymptotic"] == pytest.approx(0.500, abs=5e-4)
    # the tuned-ridge small model is the better baseline: below every pruned curve beyond n
    over = c["p"] > pruning.N
    assert c["small_ridge"] < c["small"]
    assert c["small_ridge"] <= np.min(c["oracle"][over]) + 1e-9


def test_curves_agree_with_the_theory_functions_off_reference():
    pb = pruning.problem(30, 0.3, 0.2)
    c = pruning.curves(30, 0.3, 0.2)
    args = (pb.eigs, pb.beta, pb.noise_var, pruning.N)
    assert np.allclose(c["magnitude"], theory.pruned_risk(*args, c["p"], 30, "magnitude"))
    assert c["small"] == pytest.approx(theory.small_model_risk(*args, np.arange(30)))
    # with a flat spectrum (all variances 1) the Hessian score is the magnitude score
    flat = pruning.curves(30, 0.3, 1.0)
    assert np.allclose(flat["hessian"], flat["magnitude"], equal_nan=True)


def test_curves_are_cached_but_callers_get_copies():
    a = pruning.curves(60, 0.3, 0.1)
    a["oracle"][:] = 0.0
    b = pruning.curves(60, 0.3, 0.1)
    assert np.all(b["oracle"] > 0)


def test_model_sizes():
    ps = pruning.model_sizes(80)
    assert ps[0] == 80 and ps[-1] == pruning.D
    assert pruning.N not in ps and np.all(np.diff(ps) > 0)
    assert set(pruning.P_CHOICES) <= set(ps.tolist())
    assert pruning.model_sizes(20)[0] == 20


def test_validation():
    with pytest.raises(ValueError, match="n - 2"):
        pruning.problem(99)
    with pytest.raises(ValueError, match="tail_var must be greater than 0"):
        pruning.problem(80, 0.1, 0.0)
    with pytest.raises(ValueError, match="noise_var must be at least 0"):
        pruning.problem(80, -0.1)
    with pytest.raises(ValueError, match="p must be one of"):
        pruning.draw(p=500)
    with pytest.raises(TypeError, match="pruning_sweep"):
        pruning.make_explorer(simulations=[1, 2])
    with pytest.raises(TypeError, match="Summary"):
        pruning.make_explorer(simulations={"oracle": 0.3})
    with pytest.raises(ValueError, match="multiple of 5"):
        pruning.make_explorer(s=42)
    with pytest.raises(ValueError, match="tail_var must be one of"):
        pruning.make_explorer(tail_var=0.3)
    with pytest.raises(ValueError, match="p must be one of"):
        pruning.make_explorer(p=500)


@pytest.fixture(scope="module")
def small_sweep():
    return experiments.pruning_sweep(models.pruning_showcase_problem(), pruning.N, [150, 400], 80, trials=3, seed=0)


def test_draw_shows_simulation_only_at_reference_settings(small_sweep):
    fig = pruning.draw(80, 0.1, 0.05, 400, simulations=small_sweep)
    assert isinstance(fig, Figure)
    assert any("simulation" in text for text in _legend_texts(fig))
    for other in ((60, 0.1, 0.05), (80, 0.3, 0.05), (80, 0.1, 0.2)):
        fig = pruning.draw(*other, 400, simulations=small_sweep)
        assert not any("simulation" in text for text in _legend_texts(fig)), other


def test_make_explorer_without_arguments():
    explorer = pruning.make_explorer()
    assert isinstance(explorer, Explorer)
    assert explorer.values == {"s": 80, "noise_var": 0.1, "tail_var": 0.05, "p": 400}
    assert pruning.make_explorer(tail_var=0.01, p=200).values["tail_var"] == 0.01
    for values in ({}, {"s": 10, "noise_var": 1.0, "p": 120}, {"s": 95, "noise_var": 0.01, "tail_var": 1.0, "p": 1000}):
        assert np.isfinite(explorer.redraw_seconds(**values))


def test_draw_kept_reports_what_each_rule_keeps():
    pb = models.pruning_showcase_problem()
    X, y = pb.sample(pruning.N, np.random.default_rng(3), p=400)
    from overparam.fit import min_norm_least_squares

    w = min_norm_least_squares(X, y)
    masks = {"magnitude": prune.magnitude_mask(w, 80), "hessian": prune.hessian_mask(w, 80, pb.eigs[:400])}
    fig = pruning.draw_kept(w, pb.eigs[:400], masks, 80)
    texts = _legend_texts(fig)
    for rule, mask in masks.items():
        expected = f"kept: {int(mask[:80].sum())} informative + {int(mask[80:].sum())} weak"
        assert expected in texts, (rule, texts)
    # magnitude pruning keeps weak features here, the Hessian rule far fewer (lesson 05's point)
    assert masks["magnitude"][80:].sum() > masks["hessian"][80:].sum()
    with pytest.raises(ValueError, match="masks"):
        pruning.draw_kept(w, pb.eigs[:400], {"oracle": masks["magnitude"]}, 80)
    with pytest.raises(ValueError, match="eigs"):
        pruning.draw_kept(w, pb.eigs[:300], masks, 80)
