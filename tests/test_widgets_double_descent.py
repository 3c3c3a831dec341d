"""The explorer of lesson 02 (isotropic double descent): sizes, exact rescaling, figure, validation."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from overparam import experiments, theory
from overparam.widgets import Explorer
from overparam.widgets import double_descent as dd

N = 40
SIGNAL, NOISE = 1.0, 0.25


@pytest.fixture(scope="module")
def sweep():
    """A small cached bias–variance sweep (4 trials) shared by the tests."""
    return experiments.isotropic_bias_variance_sweep(N, dd.model_sizes(N), SIGNAL, NOISE, trials=4, seed=3)


@pytest.fixture(scope="module")
def explorer(sweep):
    bias, variance = sweep
    return dd.make_explorer(bias, variance, n=N, signal=SIGNAL, noise_var=NOISE)


# ----------------------------------------------------------------------------------------------
# model_sizes
# ----------------------------------------------------------------------------------------------


def test_model_sizes_cover_the_range_skip_the_threshold_and_resolve_the_peak():
    ps = dd.model_sizes(100)
    assert ps[0] == 10 and ps[-1] == 1000
    assert 100 not in ps
    assert np.all(np.diff(ps) > 0)
    assert {90, 95, 105, 110} <= set(ps.tolist())
    assert 25 <= ps.size <= 29


def test_model_sizes_for_small_n_stay_valid():
    ps = dd.model_sizes(5, points=30)
    assert ps.min() >= 1 and 5 not in ps and np.unique(ps).size == ps.size


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n": 1}, ValueError, "n must be at least 2"),
        ({"n": 10.5}, TypeError, "n must be an integer"),
        ({"points": 1}, ValueError, "points must be at least 2"),
        ({"gamma_min": 0.0}, ValueError, "gamma_min must be greater than 0"),
        ({"gamma_min": 2.0, "gamma_max": 1.0}, ValueError, "gamma_max must exceed"),
    ],
)
def test_model_sizes_validation(kwargs, error, match):
    with pytest.raises(error, match=match):
        dd.model_sizes(**kwargs)


# ----------------------------------------------------------------------------------------------
# rescaled_excess: the explorer's simulation markers
# ----------------------------------------------------------------------------------------------


def test_rescaling_to_the_same_values_gives_bias_plus_variance(sweep):
    bias, variance = sweep
    same = dd.rescaled_excess(bias, variance, SIGNAL, NOISE, SIGNAL, NOISE)
    np.testing.assert_allclose(same.values, np.maximum(bias.values, 0) + variance.values, rtol=1e-12)
    np.testing.assert_array_equal(same.x, bias.x)


def test_rescaling_matches_a_fresh_sweep_on_the_same_designs(sweep):
    """Same seed = same designs; only r^2 and sigma^2 change, so rescaling must be exact."""
    bias, variance = sweep
    new_signal, new_noise = 2.5, 0.9
    fresh_bias, fresh_var = experiments.isotropic_bias_variance_sweep(
        N, dd.model_sizes(N), new_signal, new_noise, trials=4, seed=3
    )
    rescaled = dd.rescaled_excess(bias, variance, SIGNAL, NOISE, new_signal, new_noise)
    np.testing.assert_allclose(
        rescaled.values, np.maximum(fresh_bias.values, 0) + fresh_var.values, rtol=1e-9, atol=1e-12
    )


def test_rescaled_medians_follow_theory_away_from_the_peak():
    n = 200
    ps = np.array([50, 100, 400, 800])
    bias, variance = experiments.isotropic_bias_variance_sweep(n, ps, SIGNAL, NOISE, trials=12, seed=5)
    new_signal, new_noise = 2.0, 0.5
    medians = dd.rescaled_excess(bias, variance, SIGNAL, NOISE, new_signal, new_noise).median
    expected = theory.isotropic_risk(ps / n, new_signal, new_noise) - new_noise
    np.testing.assert_allclose(medians, expected, rtol=0.08)


def test_rescaled_excess_validation(sweep):
    bias, variance = sweep
    with pytest.raises(TypeError, match="bias must be an overparam.experiments.Summary"):
        dd.rescaled_excess(bias.values, variance, SIGNAL, NOISE, 1.0, 1.0)
    other = experiments.summarize(variance.x[:3], variance.values[:, :3])
    with pytest.raises(ValueError, match="same sweep"):
        dd.rescaled_excess(bias, other, SIGNAL, NOISE, 1.0, 1.0)
    with pytest.raises(ValueError, match="signal must be greater than 0"):
        dd.rescaled_excess(bias, variance, 0.0, NOISE, 1.0, 1.0)
    with pytest.raises(ValueError, match="new_noise_var must be at least 0"):
        dd.rescaled_excess(bias, variance, SIGNAL, NOISE, 1.0, -0.1)


# ----------------------------------------------------------------------------------------------
# draw and make_explorer
# ----------------------------------------------------------------------------------------------


def _legend(fig):
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_draw_marks_the_best_ratio_and_the_break_even_ratio():
    fig = dd.draw(0.25, 1.0)
    assert isinstance(fig, Figure)
    labels = _legend(fig)
    assert any("γ* = 2.00, excess 0.750" in t for t in labels)
    assert any("threshold at γ₀ = 0.75" in t for t in labels)
    assert "interpolation threshold" in labels
    # gamma_0 is a white diamond, the star is a star: neither looks like a round simulation marker
    ax = fig.axes[0]
    zero = [line for line in ax.lines if "γ₀" in line.get_label()]
    assert len(zero) == 1 and zero[0].get_marker() == "D" and zero[0].get_markerfacecolor() == "white"
    assert zero[0].get_xdata()[0] == pytest.approx(0.75)
    star = [line for line in ax.lines if "γ* =" in line.get_label()]
    assert len(star) == 1 and star[0].get_marker() == "*"
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_ylim() == pytest.approx(dd.Y_LIMITS)


def test_draw_without_an_optimum_says_so():
    fig = dd.draw(noise_var=2.0, signal=0.5)
    labels = _legend(fig)
    assert not any("γ*" in t for t in labels)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "r ≤ σ" in texts and "0.20" in texts


def test_draw_needs_n_with_a_simulation(sweep):
    with pytest.raises(ValueError, match="n \\(training samples"):
        dd.draw(0.25, 1.0, simulation=sweep[0])
    with pytest.raises(ValueError, match="noise_var must be greater than 0"):
        dd.draw(0.0, 1.0)


def test_explorer_controls_and_default_figure(explorer, sweep):
    assert isinstance(explorer, Explorer)
    assert explorer.values == {"noise_var": NOISE, "signal": SIGNAL}
    fig = explorer.figure()
    labels = _legend(fig)
    assert any("simulation, n = 40" in t and "median of 4 trials" in t for t in labels)
    # the markers are the medians of bias + variance of the cached designs, at p / n
    bias, variance = sweep
    points = [line for line in fig.axes[0].lines if line.get_marker() == "o" and line.get_linestyle() == "None"]
    x, y = points[0].get_data()
    np.testing.assert_allclose(x, bias.x / N)
    np.testing.assert_allclose(y, np.median(np.maximum(bias.values, 0) + variance.values, axis=0))


def test_moving_a_slider_rescales_the_markers_without_a_new_sweep(explorer, sweep, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the explorer callback must not run a new sweep")

    monkeypatch.setattr(experiments, "isotropic_bias_variance_sweep", forbidden)
    monkeypatch.setattr(dd, "isotropic_bias_variance_sweep", forbidden)
    fig = explorer.figure(noise_var=1.0, signal=2.0)
    bias, variance = sweep
    points = [line for line in fig.axes[0].lines if line.get_marker() == "o" and line.get_linestyle() == "None"]
    _, y = points[0].get_data()
    want = np.median(2.0 * np.maximum(bias.values, 0) + 4.0 * variance.values, axis=0)
    np.testing.assert_allclose(y, want)
    assert explorer.redraw_seconds(noise_var=0.5) > 0


def test_make_explorer_runs_its_own_sweep_when_given_none():
    explorer = dd.make_explorer(n=20, trials=2, seed=1)
    assert set(explorer.controls) == {"noise_var", "signal"}
    assert isinstance(explorer.figure(signal=3.0), Figure)


def test_make_explorer_validation(sweep):
    bias, variance = sweep
    with pytest.raises(ValueError, match="pass both bias and variance"):
        dd.make_explorer(bias)
    with pytest.raises(TypeError, match="variance must be an overparam.experiments.Summary"):
        dd.make_explorer(bias, variance.values, n=N)
    with pytest.raises(ValueError, match="slider ranges"):
        dd.make_explorer(bias, variance, n=N, signal=10.0)
    with pytest.raises(ValueError, match="signal must be greater than 0"):
        dd.make_explorer(bias, variance, n=N, signal=0.0)
