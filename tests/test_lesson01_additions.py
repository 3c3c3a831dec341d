"""Library additions made for lesson 01: the Fourier feature map of a scalar input."""

import numpy as np
import pytest

from overparam import fit, models


def test_fourier_features_known_values():
    F = models.fourier_features([0.0, 1.0, -1.0], 5)
    # columns: 1, sin(pi x/2), cos(pi x/2), sin(pi x)/2, cos(pi x)/2
    expected = np.array(
        [
            [1.0, 0.0, 1.0, 0.0, 0.5],
            [1.0, 1.0, 0.0, 0.0, -0.5],
            [1.0, -1.0, 0.0, 0.0, -0.5],
        ]
    )
    assert F.shape == (3, 5)
    assert np.allclose(F, expected, atol=1e-12)


def test_fourier_features_are_nested_in_p():
    x = np.linspace(-1, 1, 7)
    big = models.fourier_features(x, 40)
    for p in (1, 2, 3, 10, 39):
        assert np.array_equal(models.fourier_features(x, p), big[:, :p])


def test_fourier_features_decay_scales_frequency_k():
    x = np.linspace(-1, 1, 11)
    plain = models.fourier_features(x, 9, decay=0.0)
    scaled = models.fourier_features(x, 9, decay=2.0)
    k = np.array([1, 1, 1, 2, 2, 3, 3, 4, 4], dtype=float)  # column 0 (the constant) is not scaled
    assert np.allclose(scaled * k**2, plain)
    assert np.allclose(plain[:, 0], 1.0)


def test_fourier_features_orthogonal_over_a_full_period():
    # On [-2, 2) (one period of the slowest wave) distinct columns are orthogonal.
    m = 4000
    x = -2.0 + 4.0 * np.arange(m) / m
    F = models.fourier_features(x, 21, decay=0.0)
    gram = F.T @ F / m
    off = gram - np.diag(np.diag(gram))
    assert np.max(np.abs(off)) < 1e-10
    assert np.allclose(np.diag(gram)[1:], 0.5) and gram[0, 0] == pytest.approx(1.0)


def test_min_norm_fit_interpolates_when_p_exceeds_n():
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(-1, 1, 12))
    y = np.sin(3 * x) + 0.1 * rng.standard_normal(12)
    for p in (12, 50, 500):
        w = fit.min_norm_least_squares(models.fourier_features(x, p), y)
        assert np.allclose(models.fourier_features(x, p) @ w, y, atol=1e-6)
    w = fit.min_norm_least_squares(models.fourier_features(x, 4), y)
    assert np.mean((models.fourier_features(x, 4) @ w - y) ** 2) > 1e-3  # p < n cannot interpolate


def test_fourier_features_validation():
    with pytest.raises(ValueError, match="p must be at least 1"):
        models.fourier_features([0.0], 0)
    with pytest.raises(TypeError, match="p must be an integer"):
        models.fourier_features([0.0], 2.5)
    with pytest.raises(ValueError, match="x must be 1-D"):
        models.fourier_features(np.zeros((2, 2)), 3)
    with pytest.raises(TypeError, match="x must be an array"):
        models.fourier_features("abc", 3)
    with pytest.raises(ValueError, match="decay must be at least 0"):
        models.fourier_features([0.0], 3, decay=-1.0)
    with pytest.raises(ValueError, match="finite"):
        models.fourier_features([np.nan], 3)


def test_fourier_features_registered():
    assert "fourier_features" in models.__all__


# --- plots.draw_gd_distances and plots.draw_row_space (lesson 01, exercise 01) -------------------

from overparam import plots  # noqa: E402


def _gd_runs():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((8, 20))
    y = rng.standard_normal(8)
    w_mn = fit.min_norm_least_squares(X, y)
    run = fit.gradient_descent(X, y, n_steps=60, record_every=5)
    w0 = 0.3 * rng.standard_normal(20)
    path_w0 = w0 + fit.gradient_descent(X, y - X @ w0, n_steps=60, record_every=5).path
    limit_w0 = w_mn + w0 - fit.min_norm_least_squares(X, X @ w0)
    sv = fit.singular_values(X)
    return X, y, w_mn, run, path_w0, limit_w0, 1 - (sv[-1] / sv[0]) ** 2


def test_draw_gd_distances_plots_the_distances_and_an_upper_bound():
    plots.use_style()
    X, y, w_mn, run, path_w0, limit_w0, rate = _gd_runs()
    fig, ax = plots.new_figure()
    plots.draw_gd_distances(ax, run.steps, run.path, w_mn, rate=rate, bound_label="bound (theory)",
                            start_path=path_w0, start_target=limit_w0)
    lines = {line.get_label(): line for line in ax.get_lines()}
    zero = lines["GD from 0 (run)"].get_ydata()
    assert np.allclose(zero, np.linalg.norm(run.path - w_mn, axis=1))
    bound = lines["bound (theory)"].get_ydata()
    assert np.all(zero <= bound * (1 + 1e-9) + 1e-13)  # the line is an upper bound on the run
    gap = np.linalg.norm(limit_w0 - w_mn)
    from_w0 = lines[r"GD from a random $w_0$ (run)"].get_ydata()
    assert from_w0[-1] == pytest.approx(gap, rel=1e-3)  # the run from w0 stops at ||(I - P) w0||
    assert ax.get_yscale() == "log"
    assert "bound (theory)" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_draw_gd_distances_validation():
    X, y, w_mn, run, path_w0, limit_w0, rate = _gd_runs()
    fig, ax = plots.new_figure()
    with pytest.raises(ValueError, match="path must have shape"):
        plots.draw_gd_distances(ax, run.steps[:-1], run.path, w_mn)
    with pytest.raises(ValueError, match="start_target"):
        plots.draw_gd_distances(ax, run.steps, run.path, w_mn, start_path=path_w0)
    with pytest.raises(ValueError, match="rate must be below 1"):
        plots.draw_gd_distances(ax, run.steps, run.path, w_mn, rate=1.5)
    with pytest.raises(ValueError, match="shapes of path and target"):
        plots.draw_gd_distances(ax, run.steps, run.path, w_mn, start_path=path_w0[:, :3], start_target=limit_w0)


def test_draw_row_space_geometry():
    plots.use_style()
    x_row, y_one = np.array([[2.0, 1.0]]), np.array([2.0])
    start = np.array([-1.0, 2.0])
    step = 0.3 / np.sum(x_row**2)
    zero = fit.gradient_descent(x_row, y_one, n_steps=40, step_size=step, record_every=1).path
    from_start = start + fit.gradient_descent(x_row, y_one - x_row @ start, n_steps=40, step_size=step,
                                              record_every=1).path
    fig, ax = plots.new_figure()
    plots.draw_row_space(ax, x_row, y_one, zero, from_start)
    lines = {line.get_label(): line for line in ax.get_lines()}
    star = lines[r"$w_{\rm mn} = X^+y$"]
    assert np.allclose([star.get_xdata()[0], star.get_ydata()[0]], [0.8, 0.4])  # x y / ||x||^2
    interp = lines[r"interpolators $\{w : \langle x, w\rangle = y\}$"]
    pts = np.column_stack([interp.get_xdata(), interp.get_ydata()])
    assert np.allclose(pts @ x_row[0], 2.0)  # every drawn point interpolates
    row = lines["row space (direction of $x$)"]
    assert np.allclose(row.get_xdata() * 1.0 - 2.0 * row.get_ydata(), 0.0)  # multiples of (2, 1)
    # colours shared with draw_gd_distances: the run from zero is the simulation colour
    assert lines["GD from 0"].get_color() == plots.COLORS["simulation"]
    assert lines["GD from $w_0$"].get_color() == plots.COLORS["variance"]
    assert ax.get_aspect() == 1.0
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    for point in np.vstack([zero, from_start]):
        assert x0 <= point[0] <= x1 and y0 <= point[1] <= y1


def test_draw_row_space_validation():
    fig, ax = plots.new_figure()
    path = np.zeros((3, 2))
    with pytest.raises(ValueError, match="exactly two numbers"):
        plots.draw_row_space(ax, [1.0, 2.0, 3.0], 1.0, path)
    with pytest.raises(ValueError, match="must not be zero"):
        plots.draw_row_space(ax, [0.0, 0.0], 1.0, path)
    with pytest.raises(ValueError, match=r"path_zero must have shape \(k, 2\)"):
        plots.draw_row_space(ax, [1.0, 2.0], 1.0, np.zeros((3, 3)))
    with pytest.raises(TypeError, match="x_row must be an array"):
        plots.draw_row_space(ax, "x", 1.0, path)


def test_lesson01_plot_helpers_registered():
    assert {"draw_gd_distances", "draw_row_space"} <= set(plots.__all__)
