"""Explorer of lesson 01: fitting a few noisy points of a 1-D function with ``p`` Fourier features.

The toy problem: ``N_TRAIN = 15`` inputs ``x ~ U[-1, 1]``, labels ``y = f(x) + noise`` with
``f(x) = sin(3x) + 0.4x`` (:func:`toy_target`) and noise standard deviation ``NOISE = 0.2``, one
training set fixed by ``DATA_SEED`` (:func:`toy_data`). A model of size ``p`` uses the first ``p``
columns of :func:`overparam.models.fourier_features` and is fitted by ridge with penalty ``lam``
(``lam = 0``: min-norm least squares), in the course's convention
``w = (X^T X + n*lam*I)^{-1} X^T y``.

The figure has two panels: the fitted function over ``[-1, 1]`` with the training points and the
truth, and the risk (test MSE including noise) against ``p`` for min-norm least squares and for
the chosen penalty. The risk of a fit is computed by numerical integration over ``x ~ U[-1, 1]``
(a midpoint rule on :data:`N_QUAD` points), not from a random test set, so the curves are
deterministic. Every fit is one small SVD of a ``15 x p`` matrix; building the explorer fits every
slider position once and computes the risk curve of every penalty, so a redraw only looks results
up and draws (on fixed axes, without a layout engine), well under the course's 0.3 s budget.

Used by lesson 01 (the static three-panel picture via :func:`plot_fit` and the explorer via
:func:`make_explorer`).
"""

from __future__ import annotations

import numpy as np

from .. import plots
from .._validate import as_float, as_float_array, as_generator, as_int
from ..fit import min_norm_least_squares, ridge
from ..models import fourier_features
from . import Explorer, choice_slider

__all__ = [
    "N_TRAIN",
    "NOISE",
    "DATA_SEED",
    "P_MAX",
    "N_QUAD",
    "P_CHOICES",
    "PENALTY_CHOICES",
    "toy_target",
    "toy_data",
    "fit_features",
    "toy_risk",
    "plot_fit",
    "make_explorer",
]

#: Training samples of the toy problem.
N_TRAIN = 15
#: Standard deviation of the label noise.
NOISE = 0.2
#: Seed of the fixed training set.
DATA_SEED = 1
#: Largest model size the explorer offers.
P_MAX = 1000
#: Number of midpoints of the quadrature rule that computes the risk over ``x ~ U[-1, 1]``.
N_QUAD = 2000
#: Model sizes offered by the ``p`` slider (dense around ``p = n``, then roughly log-spaced).
P_CHOICES = tuple(range(1, 31)) + (35, 40, 50, 60, 80, 100, 150, 200, 300, 500, 700, 1000)
#: Ridge penalties offered by the ``lam`` slider, as (label, value); 0 is min-norm least squares.
PENALTY_CHOICES = (("0", 0.0),) + tuple(
    (f"1e{e}" if e else "1", 10.0**e) for e in range(-8, 1)
)

_GRID = np.linspace(-1.0, 1.0, 400)
_CURVE_PS = np.unique(np.concatenate([np.arange(1, 31), np.round(np.geomspace(30, P_MAX, 25))])).astype(int)
_Y_TOP = 1e3


def toy_target(x) -> np.ndarray:
    """The true function of the toy problem, ``f(x) = sin(3x) + 0.4x``.

    Parameters
    ----------
    x : array_like of shape (m,)

    Returns
    -------
    ndarray of shape (m,)
    """
    x = as_float_array(x, "x", ndim=1)
    return np.sin(3.0 * x) + 0.4 * x


def toy_data(n: int = N_TRAIN, noise: float = NOISE, seed=DATA_SEED) -> tuple[np.ndarray, np.ndarray]:
    """Draw the toy training set: ``x ~ U[-1, 1]`` (sorted) and ``y = f(x) + noise * N(0, 1)``.

    Parameters
    ----------
    n : int
        Number of samples.
    noise : float
        Standard deviation of the label noise.
    seed : int or numpy.random.Generator
        The defaults give the training set of lesson 01 and its explorer.

    Returns
    -------
    x, y : ndarray of shape (n,)
    """
    n = as_int(n, "n", minimum=1)
    noise = as_float(noise, "noise", minimum=0.0)
    rng = as_generator(seed)
    x = np.sort(rng.uniform(-1.0, 1.0, n))
    y = toy_target(x) + noise * rng.standard_normal(n)
    return x, y


def fit_features(x, y, p: int, penalty: float = 0.0) -> np.ndarray:
    """Fit ``p`` Fourier features to ``(x, y)`` by ridge (``penalty = 0``: min-norm least squares).

    Parameters
    ----------
    x, y : array_like of shape (n,)
        Training inputs and labels.
    p : int
        Number of features (:func:`overparam.models.fourier_features`).
    penalty : float
        Ridge penalty ``lam >= 0`` (convention ``(X^T X + n lam I)^{-1} X^T y``).

    Returns
    -------
    ndarray of shape (p,)
        The weights.
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    penalty = as_float(penalty, "penalty", minimum=0.0)
    X = fourier_features(x, p)
    return ridge(X, y, penalty) if penalty > 0 else min_norm_least_squares(X, y)


_QUAD_X = -1.0 + (np.arange(N_QUAD) + 0.5) * (2.0 / N_QUAD)
_QUAD_CACHE: dict[str, np.ndarray] = {}


def _quad_features() -> np.ndarray:
    if "features" not in _QUAD_CACHE:
        _QUAD_CACHE["features"] = fourier_features(_QUAD_X, P_MAX)
        _QUAD_CACHE["target"] = toy_target(_QUAD_X)
    return _QUAD_CACHE["features"]


def _grid_features() -> np.ndarray:
    if "grid" not in _QUAD_CACHE:
        _QUAD_CACHE["grid"] = fourier_features(_GRID, P_MAX)
    return _QUAD_CACHE["grid"]


def toy_risk(w, noise: float = NOISE) -> float:
    """Risk (test MSE including noise) of the weights ``w`` on the toy problem.

    ``R(w) = noise^2 + E_x (f(x) - <phi(x), w>)^2`` with ``x ~ U[-1, 1]``, the expectation computed
    with a midpoint rule on :data:`N_QUAD` points (accurate to far more digits than any figure
    shows for the fits of this module).

    Parameters
    ----------
    w : array_like of shape (p,), p <= P_MAX
    noise : float
        Label noise standard deviation.

    Returns
    -------
    float
    """
    w = as_float_array(w, "w", ndim=1)
    if w.size > P_MAX:
        raise ValueError(f"w may have at most P_MAX = {P_MAX} weights, got {w.size}")
    noise = as_float(noise, "noise", minimum=0.0)
    F = _quad_features()
    return float(noise**2 + np.mean((_QUAD_CACHE["target"] - F[:, : w.size] @ w) ** 2))


def plot_fit(ax, x, y, p: int, penalty: float = 0.0, ylim=(-3.0, 3.0)) -> np.ndarray:
    """Draw the fit with ``p`` features on ``ax``: fitted function, truth and training points.

    The title gives ``p``, the training MSE and the risk. The y-range is clipped to ``ylim``
    (a wild interpolant leaves the frame; the title's risk says by how much it misses).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x, y : array_like of shape (n,)
        Training set (labels assumed to come from :func:`toy_target` for the risk).
    p : int
        Number of features, ``1 <= p <= P_MAX``.
    penalty : float
        Ridge penalty (0 = min-norm least squares).
    ylim : pair of float
        y-range of the panel.

    Returns
    -------
    ndarray of shape (p,)
        The fitted weights.
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    p = as_int(p, "p", minimum=1)
    if p > P_MAX:
        raise ValueError(f"p must be at most P_MAX = {P_MAX}, got {p}")
    w = fit_features(x, y, p, penalty)
    train = float(np.mean((y - fourier_features(x, p) @ w) ** 2))
    ax.plot(_GRID, toy_target(_GRID), color=plots.PALETTE["black"], linestyle=":", linewidth=2,
            label="truth $f(x)$")
    ax.plot(_GRID, _grid_features()[:, :p] @ w, color=plots.COLORS["theory"], label="fit")
    ax.plot(x, y, "o", color=plots.COLORS["simulation"], markersize=8, label=f"{x.size} training points",
            zorder=3)
    ax.set_ylim(*ylim)
    ax.set_xlim(-1.0, 1.0)
    ax.set_xlabel("input $x$")
    ax.set_ylabel("$y$")
    regime = "p < n" if p < x.size else ("p = n" if p == x.size else "p > n")
    ax.set_title(f"p = {p} ({regime}): train MSE {train:.3f}, risk {_fmt(toy_risk(w))}", fontsize=13)
    return w


def _fmt(value: float) -> str:
    return f"{value:.3f}" if value < 100 else f"{value:.2g}"


def _risk_curve(x, y, penalty: float, cache: dict) -> np.ndarray:
    """Risk of the fit at every size in ``_CURVE_PS`` for one penalty (memoized in ``cache``)."""
    key = float(penalty)
    if key not in cache:
        F = _quad_features()
        X = fourier_features(x, P_MAX)
        target = _QUAD_CACHE["target"]
        risks = np.empty(_CURVE_PS.size)
        for i, p in enumerate(_CURVE_PS):
            w = ridge(X[:, :p], y, key) if key > 0 else min_norm_least_squares(X[:, :p], y)
            risks[i] = NOISE**2 + np.mean((target - F[:, :p] @ w) ** 2)
        cache[key] = risks
    return cache[key]


def _precompute(x, y) -> tuple[dict, dict]:
    """Everything the explorer can show, computed once when it is built.

    Returns the risk curve of every penalty in :data:`PENALTY_CHOICES` and, for every slider
    position ``(p, lam)``, the fitted function on the plotting grid, the training MSE and the risk
    (about 420 small fits and 10 risk curves: a fraction of a second in all). A redraw then only
    looks these up.
    """
    curves: dict[float, np.ndarray] = {}
    fits: dict[tuple[int, float], tuple[np.ndarray, float, float]] = {}
    grid = _grid_features()
    for _, lam in PENALTY_CHOICES:
        _risk_curve(x, y, lam, curves)
        for p in P_CHOICES:
            w = fit_features(x, y, p, lam)
            train = float(np.mean((y - fourier_features(x, p) @ w) ** 2))
            fits[(p, float(lam))] = (grid[:, :p] @ w, train, toy_risk(w))
    return curves, fits


#: Axes positions of the explorer figure (fixed: a layout engine would cost a third of a redraw).
_LEFT_BOX = (0.055, 0.135, 0.42, 0.79)
_RIGHT_BOX = (0.575, 0.135, 0.415, 0.79)


def make_explorer(x=None, y=None, p: int = 15, penalty: float = 0.0) -> Explorer:
    """The explorer of lesson 01: sliders for the number of features ``p`` and the ridge penalty.

    Parameters
    ----------
    x, y : array_like of shape (n,), optional
        Training set; default :func:`toy_data` (the lesson's set). The risk panel assumes labels
        from :func:`toy_target` with noise :data:`NOISE`.
    p : int
        Initial number of features, one of :data:`P_CHOICES`.
    penalty : float
        Initial ridge penalty, one of the values in :data:`PENALTY_CHOICES`.

    Returns
    -------
    Explorer
        Controls ``p`` and ``lam``. Building it fits every slider position once (about 420 small
        fits and a risk curve per penalty, a fraction of a second); a redraw only looks results up
        and draws, well inside the course's 0.3 s budget.

    Examples
    --------
    >>> explorer = make_explorer()
    >>> sorted(explorer.controls)
    ['lam', 'p']
    >>> fig = explorer.figure(p=1000, lam=1e-3)   # what a slider move would draw
    """
    if x is None and y is None:
        x, y = toy_data()
    elif x is None or y is None:
        raise ValueError("give both x and y, or neither (for the lesson's training set)")
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    p = as_int(p, "p", minimum=1)
    if p not in P_CHOICES:
        raise ValueError(f"p must be one of P_CHOICES {P_CHOICES}, got {p}")
    penalty = as_float(penalty, "penalty", minimum=0.0)
    values = [v for _, v in PENALTY_CHOICES]
    if penalty not in values:
        raise ValueError(f"penalty must be one of {values}, got {penalty}")
    n = x.size
    curves, fits = _precompute(x, y)
    truth = toy_target(_GRID)

    def draw(p: int, lam: float):
        fitted, train, risk = fits[(int(p), float(lam))]
        fig, (left, right) = plots.new_figure(ncols=2, width=7.0, height=5.0)
        # Fixed axes positions instead of the constrained layout: same look, much cheaper redraw.
        fig.set_layout_engine("none")
        left.set_position(_LEFT_BOX)
        right.set_position(_RIGHT_BOX)

        left.plot(_GRID, truth, color=plots.PALETTE["black"], linestyle=":", linewidth=2, label="truth $f(x)$")
        left.plot(_GRID, fitted, color=plots.COLORS["theory"], label="fit")
        left.plot(x, y, "o", color=plots.COLORS["simulation"], markersize=8, label=f"{n} training points",
                  zorder=3)
        left.set_xlim(-1.0, 1.0)
        left.set_ylim(-3.0, 3.0)
        left.set_xticks([-1.0, -0.5, 0.0, 0.5, 1.0], ["−1", "−0.5", "0", "0.5", "1"])
        left.set_yticks([-3, -2, -1, 0, 1, 2, 3], ["−3", "−2", "−1", "0", "1", "2", "3"])
        left.set_xlabel("input $x$")
        left.set_ylabel("$y$")
        regime = "p < n" if p < n else ("p = n" if p == n else "p > n")
        left.set_title(f"p = {p} ({regime}): train MSE {train:.3f}, risk {_fmt(risk)}", fontsize=13)
        left.legend(loc="lower right", fontsize=11, frameon=True, framealpha=0.9, edgecolor="none")

        right.plot(_CURVE_PS, curves[0.0], color=plots.COLORS["threshold"], linewidth=2, label="min-norm (λ = 0)")
        if lam > 0:
            right.plot(_CURVE_PS, curves[float(lam)], color=plots.COLORS["ridge"], label=f"ridge λ = {lam:g}")
        if risk <= _Y_TOP:
            right.plot([p], [risk], "o", color=plots.COLORS["simulation"], markersize=10,
                       label="current fit", zorder=3)
        else:  # off the chart: an arrow at the top edge
            right.plot([p], [0.7 * _Y_TOP], "^", color=plots.COLORS["simulation"], markersize=12,
                       label=f"current fit: risk {_fmt(risk)}, off the chart", zorder=3)
        plots.mark_threshold(right, at=n, label=f"p = n = {n}")
        right.axhline(NOISE**2, color=plots.PALETTE["black"], linestyle=":", linewidth=1.5,
                      label=f"noise floor σ² = {NOISE**2:g}")
        right.set_xscale("log")
        right.set_yscale("log")
        right.set_ylim(0.02, _Y_TOP)
        # Plain tick labels and no minor ticks: log axes with mathtext labels are the slowest part
        # of a redraw.
        right.minorticks_off()
        right.set_xticks([1, 10, 100, 1000], ["1", "10", "100", "1000"])
        right.set_yticks([0.1, 1, 10, 100, 1000], ["0.1", "1", "10", "100", "1000"])
        right.set_xlabel("number of features p")
        right.set_ylabel("risk (test MSE incl. noise)")
        right.set_title("risk vs p (y-axis clipped)", fontsize=13)
        right.legend(loc="upper right", fontsize=10, frameon=True, framealpha=0.9, edgecolor="none")
        return fig

    controls = {
        "p": choice_slider("features p", list(P_CHOICES), p),
        "lam": choice_slider("ridge penalty λ", list(PENALTY_CHOICES), penalty),
    }
    return Explorer(draw, controls)
