"""Lesson 07's explorer and figures: the sparse double descent and the regime map."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from overparam import experiments, models, plots, theory
from overparam.widgets import Explorer
from overparam.widgets import sparse_double_descent as sdd


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


def test_default_problem_is_reference_c_extended_to_20n():
    ref = models.pruning_showcase_problem(sdd.D)
    pb = sdd.problem()
    assert sdd.D >= 10 * sdd.N
    assert np.array_equal(pb.eigs, ref.eigs)
    assert np.allclose(pb.beta, ref.beta)
    assert pb.noise_var == ref.noise_var


def test_problem_family_and_validation():
    pb = sdd.problem(s=40, noise_var=0.3, tail_var=0.2)
    assert pb.d == sdd.D and pb.signal == pytest.approx(1.0)
    assert np.all(pb.eigs[:40] == 1.0) and np.all(pb.eigs[40:] == 0.2) and np.all(pb.beta[40:] == 0.0)
    with pytest.raises(ValueError, match="s must be at most"):
        sdd.problem(s=99)
    with pytest.raises(ValueError, match="tail_var"):
        sdd.problem(tail_var=0.0)
    with pytest.raises(TypeError, match="noise_var"):
        sdd.problem(noise_var="0.1")


def test_model_sizes_span_s_to_d_without_the_threshold():
    ps = sdd.model_sizes(80)
    assert ps[0] == 80 and ps[-1] == sdd.D
    assert sdd.N not in ps
    assert set(sdd.KEY_SIZES) <= set(ps.tolist())
    assert np.all(np.diff(ps) > 0)
    assert sdd.model_sizes(95)[0] == 95 and 90 not in sdd.model_sizes(95)


@pytest.mark.parametrize(
    "p, expected",
    [
        (400, {"oracle": 0.311, "hessian": 0.316, "magnitude": 0.446, "dense": 0.327}),
        (150, {"oracle": 0.433, "hessian": 0.479, "magnitude": 0.679}),
        (1000, {"oracle": 0.396, "hessian": 0.398, "magnitude": 0.469, "dense": 0.410}),
    ],
)
def test_curves_reproduce_reference_c(p, expected):
    c = sdd.curves()
    j = int(np.flatnonzero(c["p"] == p)[0])
    for rule, value in expected.items():
        assert c[rule][j] == pytest.approx(value, abs=1.5e-3), rule
    assert c["small"] == pytest.approx(0.521, abs=5e-4)
    assert c["small_asymptotic"] == pytest.approx(0.500, abs=5e-4)
    assert c["small_ridge"] == pytest.approx(theory.small_model_ridge_risk(*_args(sdd.problem()), np.arange(80)))
    assert c["null"] == pytest.approx(1.1)


def _args(pb):
    return pb.eigs, pb.beta, pb.noise_var, sdd.N


def test_curves_agree_with_the_theory_functions_off_reference():
    pb = sdd.problem(30, 0.3, 0.2)
    c = sdd.curves(30, 0.3, 0.2)
    for rule in ("oracle", "hessian", "magnitude"):
        assert np.allclose(c[rule], theory.pruned_risk(*_args(pb), c["p"], 30, rule), equal_nan=True)
    assert np.allclose(c["dense"], theory.minnorm_risk(*_args(pb), c["p"]))
    assert c["small"] == pytest.approx(theory.small_model_risk(*_args(pb), np.arange(30)))


@pytest.mark.parametrize("setting", [(80, 0.1, 0.05), (30, 0.3, 0.2), (95, 1.0, 1.0), (10, 0.01, 0.01)])
def test_anatomy_adds_up_to_the_oracle_curve(setting):
    c = sdd.curves(*setting)
    finite = np.isfinite(c["oracle"])
    assert np.allclose((c["floor"] + c["bias"] + c["variance"])[finite], c["oracle"][finite], rtol=1e-10)
    below = c["p"] < sdd.N
    assert np.all(c["zeta"][below] == 0) and np.all(c["bias"][below] == 0)
    above = c["p"] > sdd.N
    assert np.all(np.diff(c["zeta"][above]) > 0)  # the implicit ridge grows with p
    for p in (c["p"][above][0], c["p"][-1]):
        assert c["zeta"][c["p"] == p][0] == pytest.approx(theory.auxiliary_model(*_args(sdd.problem(*setting)), int(p)).zeta)


def test_best_p_is_the_best_integer_size_beyond_n():
    c = sdd.curves()
    pb = sdd.problem()
    for rule in ("oracle", "magnitude"):
        p_star, risk = theory.best_pruning_size(*_args(pb), 80, rule, np.arange(sdd.N + 1, sdd.D + 1))
        assert c["best"][rule] == (p_star, pytest.approx(risk))
    assert c["best"]["oracle"][0] == 325
    assert c["best_zeta"] == pytest.approx(theory.implicit_regularization(pb.eigs[:325], sdd.N))


def test_strong_added_features_over_shrink_early():
    best = {t: sdd.curves(80, 0.1, t)["best"]["oracle"] for t in (0.01, 0.05, 0.2, 1.0)}
    ps = [best[t][0] for t in (0.01, 0.05, 0.2, 1.0)]
    risks = [best[t][1] for t in (0.01, 0.05, 0.2, 1.0)]
    assert ps == sorted(ps, reverse=True)  # the stronger the added features, the earlier the best p
    assert risks == sorted(risks)  # ... and the worse it is
    # strong features (variance 1): zeta = p/n - 1 exactly
    c = sdd.curves(80, 0.1, 1.0)
    above = c["p"] > sdd.N
    assert np.allclose(c["zeta"][above], c["p"][above] / sdd.N - 1.0)


def test_curves_are_cached_but_callers_get_copies():
    a = sdd.curves(60, 0.3, 0.1)
    a["oracle"][:] = 0.0
    a["best"]["oracle"] = (0, 0.0)
    b = sdd.curves(60, 0.3, 0.1)
    assert np.all(b["oracle"][np.isfinite(b["oracle"])] > 0)
    assert b["best"]["oracle"][0] > sdd.N


@pytest.fixture(scope="module")
def small_sweep():
    pb = sdd.problem()
    return experiments.pruning_sweep(pb, sdd.N, [150, 400], 80, trials=3, seed=0,
                                     rules=("oracle", "hessian", "magnitude"), retrain=True)


def test_draw_shows_simulation_only_at_reference_settings(small_sweep):
    fig = sdd.draw(simulations=small_sweep, anatomy=False)
    assert isinstance(fig, Figure)
    texts = _legend_texts(fig)
    assert any("oracle, simulation" in t and "3 trials" in t for t in texts)
    assert any("magnitude + retraining" in t for t in texts)
    assert any("tuned ridge" in t for t in texts) and any("least squares" in t for t in texts)
    assert any("p = n = 100" in t for t in texts)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and "risk" in ax.get_ylabel()
    off = sdd.draw(s=60, simulations=small_sweep)
    assert not any("simulation" in t for t in _legend_texts(off))
    assert len(off.axes) == 2


def test_draw_validates_simulations():
    with pytest.raises(TypeError, match="pruning_sweep"):
        sdd.draw(simulations=[1, 2])
    with pytest.raises(TypeError, match="Summary"):
        sdd.draw(simulations={"oracle": 1.0})


def test_other_figures_build():
    assert len(sdd.draw_anatomy().axes) == 2
    assert len(sdd.draw_tails(tails=(0.05, 1.0)).axes) == 2
    with pytest.raises(ValueError, match="tails"):
        sdd.draw_tails(tails=(0.05, -1.0))


def test_regime_map_matches_the_library_and_theory_table():
    s_edges = np.array([0.2, 0.4, 0.6, 1.0])
    snr_edges = np.array([0.05, 0.5, 2.0, 8.0, 32.0])
    fig, maps = sdd.draw_regime_map(s_edges=s_edges, snr_edges=snr_edges)
    assert isinstance(fig, Figure)
    assert np.allclose(maps["s_over_n"], [0.3, 0.5, 0.8])
    assert np.allclose(maps["snr"], np.sqrt(snr_edges[:-1] * snr_edges[1:]))
    grid = (maps["s_over_n"][:, None], maps["snr"][None, :])
    ls = theory.prune_vs_small_ratio(*grid, methods=("oracle",))
    ridge = theory.prune_vs_small_ratio(*grid, methods=("oracle",), baseline="ridge")
    assert np.allclose(maps["least_squares"], ls["oracle"])
    assert np.allclose(maps["ridge"], ridge["oracle"])
    assert np.array_equal(maps["both_lose"], (ls["null"] <= 1) & (ls["null"] <= ls["oracle"]))
    # low SNR with many kept weights: both lose to predicting zero; high SNR: they do not
    assert maps["both_lose"][2, 0] and not maps["both_lose"][:, -1].any()
    # pruning beats least squares at large s/n, never the tuned-ridge small model
    assert maps["least_squares"][2, 0] < 1 < maps["least_squares"][0, -1]
    assert np.all(maps["ridge"] >= 1.0 - 1e-9)
    # reference M's values are printed on the map
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"0.97", "1.18", "0.12", "0.41"} <= texts


def test_regime_map_validation():
    with pytest.raises(ValueError, match="s_edges"):
        sdd.draw_regime_map(s_edges=[0.5, 0.4])
    with pytest.raises(ValueError, match="snr_edges"):
        sdd.draw_regime_map(snr_edges=[0.0, 1.0])


def test_make_explorer_without_arguments():
    explorer = sdd.make_explorer()
    assert isinstance(explorer, Explorer)
    assert explorer.values == {"s": 80, "noise_var": 0.1, "tail_var": 0.05}
    for values in ({}, {"s": 20, "noise_var": 0.01}, {"tail_var": 1.0}, {"s": 95, "noise_var": 1.0}):
        assert np.isfinite(explorer.redraw_seconds(**values))


def test_make_explorer_validation(small_sweep):
    assert sdd.make_explorer(simulations=small_sweep, tail_var=0.01).values["tail_var"] == 0.01
    with pytest.raises(ValueError, match="multiple of 5"):
        sdd.make_explorer(s=83)
    with pytest.raises(ValueError, match="noise_var"):
        sdd.make_explorer(noise_var=0.2)
    with pytest.raises(ValueError, match="tail_var"):
        sdd.make_explorer(tail_var=0.3)


def test_callback_never_simulates(monkeypatch):
    explorer = sdd.make_explorer()

    def forbidden(*args, **kwargs):
        raise AssertionError("the explorer must not simulate")

    monkeypatch.setattr(experiments, "pruning_sweep", forbidden)
    monkeypatch.setattr(models.LinearProblem, "sample", forbidden)
    assert explorer.redraw_seconds(s=45, noise_var=0.3, tail_var=0.5) > 0


def test_model_sizes_reach_next_to_the_threshold():
    # without sizes next to n a coarse grid draws a finite spike at p = n instead of leaving the window
    ps = sdd.model_sizes(80, points=30)
    assert {sdd.N - 1, sdd.N + 1} <= set(ps.tolist()) and sdd.N not in ps


@pytest.mark.parametrize("setting", [(95, 1.0, 1.0), (95, 1.0, 0.01), (20, 0.01, 0.01), (45, 0.3, 0.5)])
def test_explorer_best_p_is_the_exact_best_integer_size(setting):
    # the explorer evaluates a coarser grid; its best p must still be the best integer size in (n, D]
    s, noise_var, tail_var = setting
    pb = sdd.problem(*setting)
    p_star, risk = theory.best_pruning_size(*_args(pb), s, "oracle", np.arange(sdd.N + 1, sdd.D + 1))
    fig = sdd.make_explorer(s=s, noise_var=noise_var, tail_var=tail_var).figure()
    assert f"best p = {p_star}," in fig.axes[1].get_title()
    assert any(f"best p = {p_star} ({risk:.3f})" in t for t in _legend_texts(fig))


def test_dense_curve_is_told_apart_from_the_hessian_curve():
    fig = sdd.draw(anatomy=False)
    styles = {line.get_label(): line.get_linestyle() for line in fig.axes[0].get_lines()}
    assert styles["dense, not pruned"] != styles["pruned: Hessian"]
