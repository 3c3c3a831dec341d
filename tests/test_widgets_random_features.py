"""The explorer of lesson 04 (random features): widths, figure, cached simulations, validation."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from overparam import experiments, theory
from overparam.random_features import random_features_problem
from overparam.widgets import Explorer
from overparam.widgets import random_features as rfw

NOISE = 0.25


@pytest.fixture(scope="module")
def small_sweep():
    """A small cached sweep at n/d = 3 (d = 100, n = 300), 3 draws, 6 widths."""
    problem = random_features_problem(rfw.D, noise_var=NOISE, rng=11)
    Ns = np.array([30, 100, 250, 400, 800, 1500])
    return experiments.random_features_sweep(problem, 3 * rfw.D, Ns, trials=3, seed=5)


@pytest.fixture(scope="module")
def explorer(small_sweep):
    return rfw.make_explorer(simulations={(3.0, NOISE, 0.0): small_sweep})


def _lines(fig, label_part):
    return [line for line in fig.axes[0].lines if label_part in line.get_label()]


def _legend(fig):
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def _markers(fig):
    return [line for line in fig.axes[0].lines if line.get_marker() == "o" and line.get_linestyle() == "None"]


# ----------------------------------------------------------------------------------------------
# widths
# ----------------------------------------------------------------------------------------------


def test_widths_cover_the_range_skip_the_threshold_and_add_extras():
    Ns = rfw.widths(300, low=30, high=3000, points=28, extra=[100, 277, 325, 523])
    assert Ns[0] == 30 and Ns[-1] == 3000
    assert 300 not in Ns
    assert {100, 277, 325, 523} <= set(Ns.tolist())
    assert np.all(np.diff(Ns) > 0)


def test_widths_drop_n_even_when_it_is_on_the_grid():
    Ns = rfw.widths(100, low=10, high=1000, points=3)  # the grid is 10, 100, 1000
    assert Ns.tolist() == [10, 1000]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n": 0}, ValueError, "n must be at least 1"),
        ({"n": 300, "low": 100, "high": 50}, ValueError, "high must exceed"),
        ({"n": 300, "points": 1}, ValueError, "points must be at least 2"),
        ({"n": 300, "extra": [0]}, ValueError, "extra must be at least 1"),
        ({"n": 300.5}, TypeError, "n must be an integer"),
    ],
)
def test_widths_validation(kwargs, error, match):
    with pytest.raises(error, match=match):
        rfw.widths(**kwargs)


# ----------------------------------------------------------------------------------------------
# draw
# ----------------------------------------------------------------------------------------------


def test_draw_plots_the_closed_form_as_excess_risk_on_log_axes():
    fig = rfw.draw(n_over_d=3.0, noise_var=NOISE, ridge=0.0)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_ylim() == pytest.approx(rfw.Y_LIMITS)
    (curve,) = _lines(fig, "min-norm (theory")
    N, excess = curve.get_data()
    finite = np.isfinite(excess)
    want = theory.random_features_risk(N[finite] / rfw.D, 3.0, noise_var=NOISE) - NOISE
    np.testing.assert_allclose(excess[finite], want, rtol=1e-12)
    # the curve reaches the top of the window next to the threshold, and passes the reference value at N = 30
    assert np.nanmax(excess) > rfw.Y_LIMITS[1]
    assert np.interp(np.log(30.0), np.log(N[finite]), excess[finite]) == pytest.approx(0.910, abs=0.002)
    assert _lines(fig, "ridge") == []  # no ridge curve at lambda = 0


def test_draw_marks_the_threshold_at_n_and_the_kernel_limit():
    fig = rfw.draw(n_over_d=5.0, noise_var=0.5, ridge=0.0)
    (threshold,) = _lines(fig, "threshold")
    assert np.allclose(threshold.get_xdata(), 5.0 * rfw.D)
    (limit,) = _lines(fig, "kernel limit")
    want = theory.random_features_kernel_limit(5.0, noise_var=0.5) - 0.5
    assert np.allclose(limit.get_ydata(), want)
    assert f"{want:.3g}" in limit.get_label()


def test_draw_with_ridge_adds_its_curve_and_its_kernel_limit():
    fig = rfw.draw(n_over_d=3.0, noise_var=NOISE, ridge=0.01)
    (curve,) = _lines(fig, "ridge λ = 0.01")
    N, excess = curve.get_data()
    np.testing.assert_allclose(excess, theory.random_features_risk(N / rfw.D, 3.0, noise_var=NOISE, ridge=0.01) - NOISE)
    assert np.all(np.isfinite(excess)) and excess.max() < 1.0  # ridge removes the peak at this penalty
    (limit,) = _lines(fig, "ridge, kernel limit")
    assert np.allclose(limit.get_ydata(), theory.random_features_kernel_limit(3.0, noise_var=NOISE, ridge=0.01) - NOISE)


def test_draw_shows_a_cached_simulation_only_at_its_own_settings(small_sweep):
    sims = {(3.0, NOISE, 0.0): small_sweep}
    fig = rfw.draw(3.0, NOISE, 0.0, simulations=sims)
    (points,) = _markers(fig)
    x, y = points.get_data()
    np.testing.assert_allclose(x, small_sweep.x)
    np.testing.assert_allclose(y, np.median(small_sweep.values - NOISE, axis=0))  # excess risk: noise removed
    assert any("median of 3 trials" in t for t in _legend(fig))
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "cached simulation shown" in texts
    for other in [dict(n_over_d=5.0), dict(noise_var=0.3), dict(ridge=0.01)]:
        settings = {"n_over_d": 3.0, "noise_var": NOISE, "ridge": 0.0, **other}
        fig = rfw.draw(**settings, simulations=sims)
        assert _markers(fig) == [], other
        assert "no cached simulation here" in " ".join(t.get_text() for t in fig.axes[0].texts)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_over_d": 0.0}, ValueError, "n_over_d must be greater than 0"),
        ({"noise_var": -0.1}, ValueError, "noise_var must be at least 0"),
        ({"ridge": -1.0}, ValueError, "ridge must be at least 0"),
        ({"ridge": "big"}, TypeError, "ridge must be a real number"),
        ({"simulations": [1, 2]}, TypeError, "simulations must be a dict"),
        ({"simulations": {(3.0, 0.25): None}}, ValueError, "must be a tuple \\(n_over_d, noise_var, ridge\\)"),
        ({"simulations": {(3.0, 0.25, 0.0): np.zeros((2, 3))}}, TypeError, "must be an overparam.experiments.Summary"),
    ],
)
def test_draw_validation(kwargs, error, match):
    with pytest.raises(error, match=match):
        rfw.draw(**kwargs)


# ----------------------------------------------------------------------------------------------
# make_explorer
# ----------------------------------------------------------------------------------------------


def test_explorer_controls_and_default_figure(explorer):
    assert isinstance(explorer, Explorer)
    assert explorer.values == {"n_over_d": 3.0, "noise_var": NOISE, "ridge": 0.0}
    fig = explorer.figure()
    assert len(_markers(fig)) == 1
    assert isinstance(explorer.figure(n_over_d=10.0, ridge=0.1), Figure)


def test_the_callback_never_simulates(explorer, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the explorer callback must not run a sweep")

    monkeypatch.setattr(experiments, "random_features_sweep", forbidden)
    for values in [dict(ridge=0.03), dict(n_over_d=0.5, noise_var=0.0), dict(n_over_d=3.0, noise_var=NOISE, ridge=0.0)]:
        assert explorer.redraw_seconds(**values) > 0


def test_make_explorer_without_arguments_caches_its_own_simulation():
    explorer = rfw.make_explorer(trials=2)
    fig = explorer.figure()
    (points,) = _markers(fig)
    x, _ = points.get_data()
    assert x.min() == 30 and x.max() == 2000 and 300 not in x
    assert any("median of 2 trials" in t for t in _legend(fig))


def test_default_simulation_follows_the_theory_away_from_the_peak():
    (key, sweep), = rfw.default_simulation(trials=4, seed=1).items()
    assert key == (3.0, 0.25, 0.0)
    Ns = sweep.x
    away = (Ns <= 120) | (Ns >= 600)
    theory_excess = theory.random_features_risk(Ns[away] / rfw.D, 3.0, noise_var=0.25) - 0.25
    ratio = (sweep.median[away] - 0.25) / theory_excess
    # finite d: about +2% to +7% for N/d^2 in 0.05 .. 0.2, plus draw-to-draw scatter of 4 draws
    assert np.all(ratio > 0.85) and np.all(ratio < 1.2), ratio
    near = np.abs(Ns / 300 - 1) < 0.2
    assert np.all(sweep.median[near] - 0.25 > 1.5)  # the peak is there


def test_make_explorer_validation(small_sweep):
    with pytest.raises(TypeError, match="simulations must be a dict"):
        rfw.make_explorer(simulations=small_sweep)
    with pytest.raises(ValueError, match="n_over_d must be greater than 0"):
        rfw.make_explorer(simulations={(0.0, 0.25, 0.0): small_sweep})
    with pytest.raises(ValueError, match="trials must be at least 1"):
        rfw.make_explorer(trials=0)
