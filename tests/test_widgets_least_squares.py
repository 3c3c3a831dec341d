"""Lesson 01's explorer module: toy data, fits, the quadrature risk, and the explorer itself."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from overparam import fit, models, plots
from overparam.widgets import Explorer
from overparam.widgets import least_squares as ls


@pytest.fixture(autouse=True)
def _style():
    plots.use_style()


def test_toy_data_is_reproducible_sorted_and_in_range():
    x1, y1 = ls.toy_data()
    x2, y2 = ls.toy_data()
    assert x1.shape == y1.shape == (ls.N_TRAIN,)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert np.all(np.diff(x1) >= 0) and np.all(np.abs(x1) <= 1)
    x0, y0 = ls.toy_data(n=30, noise=0.0, seed=5)
    assert np.allclose(y0, ls.toy_target(x0))
    x3, _ = ls.toy_data(seed=2)
    assert not np.array_equal(x1, x3)


def test_fit_features_matches_library_fits():
    x, y = ls.toy_data()
    X = models.fourier_features(x, 40)
    assert np.allclose(ls.fit_features(x, y, 40), fit.min_norm_least_squares(X, y))
    assert np.allclose(ls.fit_features(x, y, 40, 1e-2), fit.ridge(X, y, 1e-2))


def test_min_norm_fit_regimes_on_the_toy_set():
    """Underfit for p < n, an exploding interpolant at p = n, a calm interpolant for p >> n."""
    x, y = ls.toy_data()
    n = x.size
    w_small = ls.fit_features(x, y, 3)
    w_square = ls.fit_features(x, y, n)
    w_large = ls.fit_features(x, y, 1000)
    assert np.mean((models.fourier_features(x, 3) @ w_small - y) ** 2) > 0.01
    for w in (w_square, w_large):
        assert np.allclose(models.fourier_features(x, w.size) @ w, y, atol=1e-5)
    assert np.linalg.norm(w_square) > 1e3 * np.linalg.norm(w_large)
    assert ls.toy_risk(w_square) > 100 * ls.toy_risk(w_large)
    # ridge tames the interpolation peak
    assert ls.toy_risk(ls.fit_features(x, y, n, 1e-3)) < 1.0


def test_toy_risk_against_closed_form_and_monte_carlo():
    # w = 0: risk = noise^2 + E[f(x)^2], x ~ U[-1, 1], in closed form.
    ef2 = 0.5 - np.sin(6.0) / 12 + 0.16 / 3 + 0.8 * (-np.cos(3.0) / 3 + np.sin(3.0) / 9)
    assert ls.toy_risk(np.zeros(5)) == pytest.approx(ls.NOISE**2 + ef2, rel=1e-6)
    # a fitted w: compare with a large Monte Carlo test set
    x, y = ls.toy_data()
    w = ls.fit_features(x, y, 200)
    rng = np.random.default_rng(0)
    xt = rng.uniform(-1, 1, 200_000)
    yt = ls.toy_target(xt) + ls.NOISE * rng.standard_normal(xt.size)
    mc = models.test_error(w, models.fourier_features(xt, 200), yt)
    assert ls.toy_risk(w) == pytest.approx(mc, rel=0.02)


def test_validation_messages():
    with pytest.raises(ValueError, match="at most P_MAX"):
        ls.toy_risk(np.zeros(ls.P_MAX + 1))
    with pytest.raises(ValueError, match="same shape"):
        ls.fit_features([0.0, 0.5], [1.0], 3)
    with pytest.raises(ValueError, match="penalty must be at least 0"):
        ls.fit_features([0.0], [1.0], 3, -1.0)
    with pytest.raises(ValueError, match="both x and y"):
        ls.make_explorer(x=[0.0, 0.1])
    with pytest.raises(ValueError, match="P_CHOICES"):
        ls.make_explorer(p=17_000)
    with pytest.raises(ValueError, match="penalty must be one of"):
        ls.make_explorer(penalty=0.5)
    with pytest.raises(TypeError, match="n must be an integer"):
        ls.toy_data(n=2.5)


def test_make_explorer_without_arguments_draws_both_panels():
    explorer = ls.make_explorer()
    assert isinstance(explorer, Explorer)
    assert set(explorer.controls) == {"p", "lam"}
    assert explorer.values == {"p": 15, "lam": 0.0}
    fig = explorer.figure()
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    # at p = n with no penalty the current fit is off the risk chart, and the legend says so
    labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert any("off the chart" in label for label in labels)
    fig = explorer.figure(p=1000, lam=1e-3)
    labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert any("ridge" in label for label in labels)
    assert not any("off the chart" in label for label in labels)


def test_every_slider_position_draws():
    explorer = ls.make_explorer()
    for p in (1, 15, 16, 1000):
        for _, lam in ls.PENALTY_CHOICES[::3]:
            seconds = explorer.redraw_seconds(p=p, lam=lam)
            assert np.isfinite(seconds)


def _forbidden(*args, **kwargs):
    raise AssertionError("a redraw must not fit or simulate anything")


def test_callback_never_refits_or_simulates(monkeypatch):
    """Building the explorer computes every slider position; a redraw only looks results up."""
    explorer = ls.make_explorer()
    for name in ("fit_features", "toy_risk", "_risk_curve", "ridge", "min_norm_least_squares", "toy_data"):
        monkeypatch.setattr(ls, name, _forbidden)
    for _, lam in ls.PENALTY_CHOICES:  # every penalty, at sizes below, at and above n
        for p in (1, 14, 15, 16, 1000):
            assert isinstance(explorer.figure(p=p, lam=lam), Figure)
    for p in ls.P_CHOICES:  # every size, at one penalty
        explorer.figure(p=p, lam=1e-3)
    explorer.update(p=40, lam=1e-2)  # a slider move goes through the same path
    assert np.isfinite(explorer.last_seconds)


def test_explorer_draws_the_same_fit_as_plot_fit():
    """The cached fits behind the explorer are the fits of the lesson's static figure."""
    from overparam.plots import new_figure

    x, y = ls.toy_data()
    explorer = ls.make_explorer(x, y)
    for p, lam in ((3, 0.0), (15, 0.0), (15, 1e-3), (1000, 1e-6)):
        fig, ax = new_figure()
        ls.plot_fit(ax, x, y, p, lam)
        title = explorer.figure(p=p, lam=lam).axes[0].get_title()
        assert title == ax.get_title()
        fitted = explorer.figure(p=p, lam=lam).axes[0].get_lines()[1].get_ydata()
        assert np.allclose(fitted, ax.get_lines()[1].get_ydata())


def test_explorer_has_no_layout_engine_and_keeps_its_axes_in_the_figure():
    from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine

    fig = ls.make_explorer().figure(p=1000, lam=1e-3)
    # a layout engine would re-measure every text on every redraw (a third of the redraw time)
    assert not isinstance(fig.get_layout_engine(), (ConstrainedLayoutEngine, TightLayoutEngine))
    for ax in fig.axes:
        x0, y0, x1, y1 = ax.get_position().extents
        assert 0 < x0 < x1 < 1 and 0 < y0 < y1 < 1


def test_risk_curves_are_cached_and_show_the_peak():
    x, y = ls.toy_data()
    cache = {}
    curve = ls._risk_curve(x, y, 0.0, cache)
    assert ls._risk_curve(x, y, 0.0, cache) is curve  # second call served from the cache
    at_n = curve[list(ls._CURVE_PS).index(ls.N_TRAIN)]
    assert at_n > 1e3 and curve[-1] < 1.0
    ridge_curve = ls._risk_curve(x, y, 1e-3, cache)
    assert np.max(ridge_curve) < 2.0


def test_plot_fit_validates_p_and_returns_the_weights():
    from overparam.plots import new_figure

    x, y = ls.toy_data()
    fig, ax = new_figure()
    w = ls.plot_fit(ax, x, y, 40)
    assert np.allclose(w, ls.fit_features(x, y, 40))
    assert "p = 40 (p > n)" in ax.get_title()
    with pytest.raises(ValueError, match="at most P_MAX"):
        ls.plot_fit(ax, x, y, ls.P_MAX + 1)
