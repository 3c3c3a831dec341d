"""Lesson 09's helpers and explorer: the cached pruning experiments and the figure."""

import time

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from overparam import experiments, fit, prune
from overparam import random_features as rf
from overparam.widgets import Explorer
from overparam.widgets import pruning_random_features as prf


@pytest.fixture(scope="module")
def small_cache():
    return prf.PruningCache(draws=3, seed=4, widths=(20, 40, 100, 300))


def test_lesson_problem_is_reference_d():
    pb = prf.lesson_problem()
    assert (pb.d, pb.inputs, pb.noise_var) == (20, "gaussian", 0.04)
    assert pb.signal == pytest.approx(1.0)
    np.testing.assert_array_equal(pb.beta, rf.random_features_problem(20, 1.0, 0.04, "gaussian", rng=9).beta)
    assert prf.lesson_problem(noise_var=0.3).noise_var == 0.3


@pytest.mark.parametrize("ridge", [0.0, 0.01])
def test_cache_equals_the_library_sweep(ridge):
    """Same seed and widths: the cached refits give the sweep's risks (the random masks differ by design)."""
    widths = (40, 100, 180, 300)
    cache = prf.PruningCache(draws=3, seed=11, widths=widths)
    for noise_var in (0.04, 0.25):
        out = cache.risks(40, noise_var, ridge)
        pb = prf.lesson_problem(noise_var=noise_var)
        sweep = experiments.random_features_pruning_sweep(pb, prf.N_TRAIN, widths, 40, trials=3, seed=11, ridge=ridge)
        for key in ("dense", "magnitude", "magnitude+retrain", "hessian", "hessian+retrain", "small"):
            np.testing.assert_allclose(out[key].values, sweep[key].values, rtol=1e-8, err_msg=key)
        assert out["random"].values.shape == (3, 4)


def test_cache_random_rule_by_hand(small_cache):
    """The random rule keeps the first s of a fixed permutation; its risks match prune.retrain by hand."""
    out = small_cache.risks(20, 0.1, 0.0)
    draw = small_cache.draws[1]
    pb = prf.lesson_problem(noise_var=0.1)
    j = list(small_cache.widths).index(100)
    mask = np.zeros(100, dtype=bool)
    mask[draw.order[j][:20]] = True
    y = draw.y_signal + np.sqrt(0.1) * draw.eps
    k = list(out["random"].x).index(100.0)
    assert out["random+retrain"].values[1, k] == pytest.approx(pb.risk(prune.retrain(draw.Z[:, :100], y, mask), draw.theta))
    a = fit.min_norm_least_squares(draw.Z[:, :100], y)
    assert out["random"].values[1, k] == pytest.approx(pb.risk(prune.apply_mask(a, mask), draw.theta), rel=1e-8)


def test_cache_widths_below_s_are_skipped_and_n_equals_s_is_the_small_model(small_cache):
    out = small_cache.risks(40, 0.04)
    np.testing.assert_array_equal(out["dense"].x, [40, 100, 300])
    for key in ("magnitude+retrain", "hessian+retrain", "random+retrain"):
        np.testing.assert_allclose(out[key].values[:, 0], out["small"].values[:, 0])
    np.testing.assert_allclose(out["magnitude"].values[:, 0], out["dense"].values[:, 0])
    assert set(small_cache.risks(20, 0.04, rules=("random",))) == {"dense", "random", "random+retrain", "small"}


def test_cache_validation(small_cache):
    with pytest.raises(ValueError, match="exceeds every cached width"):
        prf.PruningCache(draws=1, widths=(20, 40)).risks(60, 0.04)
    with pytest.raises(ValueError, match="at most n - 3"):
        small_cache.risks(199, 0.04)
    with pytest.raises(ValueError, match="unknown pruning rule"):
        small_cache.risks(20, 0.04, rules=("oracle",))
    with pytest.raises(ValueError, match="noise_var"):
        small_cache.risks(20, -0.1)
    with pytest.raises(TypeError, match="RandomFeaturesProblem"):
        prf.PruningCache(draws=1, widths=(10,), problem=object())


def test_draw_returns_a_figure(small_cache):
    fig = prf.draw(20, 0.04, 0.0, cache=small_cache)
    assert isinstance(fig, Figure)
    with pytest.raises(TypeError, match="PruningCache"):
        prf.draw(cache={})


def test_make_explorer_defaults_build_fast_and_redraws_are_fast():
    start = time.perf_counter()
    explorer = prf.make_explorer()
    build = time.perf_counter() - start
    assert isinstance(explorer, Explorer)
    assert explorer.values == {"s": 40, "noise_var": 0.04, "ridge": 0.0}
    assert build < 6.0  # about a second on one core; generous for loaded test machines
    explorer.redraw_seconds()  # warm up matplotlib
    times = [explorer.redraw_seconds(s=s, noise_var=v, ridge=lam)
             for s, v, lam in [(10, 0.0, 0.0), (100, 1.0, 1.0), (60, 0.25, 0.01), (40, 0.04, 0.0)]]
    assert np.median(times) < 1.0  # budget 0.3 s on an idle core (measured ~0.2 s); slack for loaded CI machines
    with pytest.raises(TypeError, match="PruningCache"):
        prf.make_explorer(cache="cache")
