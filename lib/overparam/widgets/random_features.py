"""Explorer of lesson 04: double descent in the number of random ReLU features.

The setting of lesson 04 (after Mei & Montanari, arXiv 1908.05355): inputs ``x`` uniform on the
sphere of radius ``sqrt(d)`` in ``R^d`` with ``d =`` :data:`D` ``= 100``, a frozen first layer of
``N`` random ReLU units ``z_a(x) = ReLU(<theta_a, x> / sqrt(d))``, a linear target with
``||beta||^2 = 1``, label noise ``sigma^2``, and the second layer fitted on ``n`` samples by min-norm
least squares or ridge (penalty convention of :func:`overparam.random_features.fit_second_layer`).

The figure shows, against ``N``, the excess risk (test MSE minus the label noise ``sigma^2``) of the
closed form :func:`overparam.theory.random_features_risk` for min-norm least squares and, when the
ridge slider is above 0, for ridge; the kernel limit ``N -> infinity``
(:func:`overparam.theory.random_features_kernel_limit`) of the drawn curves as dotted lines; and
the interpolation threshold ``N = n``. The theory depends on ``N / d`` and ``n / d`` only.

Cached simulations (:func:`overparam.experiments.random_features_sweep`, risks including noise)
are drawn as medians with quartile bars only when the sliders sit exactly at the setting they were
computed for (``n / d``, ``sigma^2``, ``lambda``); the figure says whether a simulation is shown.
The callback evaluates closed forms only; it never simulates.

Used by lesson 04 (``lessons/04_random_features.ipynb``).
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import NullLocator

from .. import plots, theory
from .._validate import as_float, as_generator, as_int, as_int_array
from . import Explorer, choice_slider, slider

__all__ = [
    "D",
    "N_OVER_D_VALUES",
    "RIDGE_VALUES",
    "WIDTH_RANGE",
    "Y_LIMITS",
    "widths",
    "default_simulation",
    "draw",
    "make_explorer",
]

#: Input dimension of the explorer (and of lesson 04).
D = 100
#: Sample-size ratios ``n / d`` offered by the explorer (lesson 04 uses 3, i.e. n = 300).
N_OVER_D_VALUES = (0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)
#: Ridge penalties offered by the explorer (0 = min-norm least squares only).
RIDGE_VALUES = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0)
#: Range of widths ``N`` drawn by the explorer.
WIDTH_RANGE = (10, 10_000)
#: Fixed y-range (excess risk, log scale), so that slider moves compare visually.
Y_LIMITS = (1e-3, 30.0)

_GRID = np.geomspace(*WIDTH_RANGE, 240)
_NEAR_ONE = np.geomspace(1e-3, 0.05, 25)
_SETTINGS = ("n_over_d", "noise_var", "ridge")


def widths(n: int, low: int = 30, high: int = 3000, points: int = 27, extra=()) -> np.ndarray:
    """Widths ``N`` for a simulated sweep: log-spaced from ``low`` to ``high``, never ``N = n``.

    Parameters
    ----------
    n : int
        Training samples (the threshold ``N = n`` is left out: min-norm has an infinite expected
        risk there).
    low, high : int
        Smallest and largest width, ``1 <= low < high``.
    points : int
        Number of log-spaced widths (at least 2) before rounding and removing duplicates.
    extra : sequence of int
        Widths to add (for example the reference widths of lesson 04).

    Returns
    -------
    ndarray of int
        Sorted distinct widths, none equal to ``n``.

    Examples
    --------
    >>> widths(300, points=5, extra=[277, 325]).tolist()
    [30, 95, 277, 325, 949, 3000]
    """
    n = as_int(n, "n", minimum=1)
    low = as_int(low, "low", minimum=1)
    high = as_int(high, "high", minimum=1)
    points = as_int(points, "points", minimum=2)
    if high <= low:
        raise ValueError(f"high must exceed low = {low}, got {high}")
    grid = np.round(np.geomspace(low, high, points)).astype(int)
    if len(extra):
        grid = np.concatenate([grid, as_int_array(extra, "extra", minimum=1)])
    grid = np.unique(grid)
    return grid[grid != n]


def default_simulation(trials: int = 4, seed=0):
    """The explorer's own cached simulation: ``n / d = 3``, ``sigma^2 = 0.25``, min-norm.

    A small :func:`overparam.experiments.random_features_sweep` (``d`` = :data:`D`, ``n = 300``,
    11 widths from 30 to 2000, ``trials`` first-layer draws; a fraction of a second). Lesson 04 passes
    its own larger sweeps instead.

    Returns
    -------
    dict
        ``{(3.0, 0.25, 0.0): Summary}``, the form :func:`make_explorer` takes.
    """
    from ..experiments import random_features_sweep
    from ..random_features import random_features_problem

    trials = as_int(trials, "trials", minimum=1)
    # One stream for the teacher and the draws: seeding both with the same integer would make the
    # first unit of the first draw point exactly along beta.
    rng = as_generator(seed)
    problem = random_features_problem(D, signal=1.0, noise_var=0.25, rng=rng)
    n = 3 * D
    Ns = widths(n, low=30, high=2000, points=12)
    Ns = Ns[np.abs(Ns / n - 1) >= 0.05]  # 296 would sit off the plot, right on the peak
    return {(3.0, 0.25, 0.0): random_features_sweep(problem, n, Ns, trials=trials, seed=rng)}


def _check_simulations(simulations) -> dict:
    if simulations is None:
        return {}
    if not isinstance(simulations, dict):
        raise TypeError(
            "simulations must be a dict keyed by (n_over_d, noise_var, ridge) with Summary values, "
            f"got {type(simulations).__name__}"
        )
    checked = {}
    for key, summary in simulations.items():
        if not (isinstance(key, tuple) and len(key) == 3):
            raise ValueError(f"simulation key {key!r} must be a tuple (n_over_d, noise_var, ridge)")
        values = tuple(as_float(v, f"simulation key entry {name!r}", minimum=0.0) for v, name in zip(key, _SETTINGS))
        if values[0] <= 0:
            raise ValueError(f"simulation key {key!r}: n_over_d must be greater than 0")
        if not all(hasattr(summary, a) for a in ("x", "values", "median", "q25", "q75", "n_trials")):
            raise TypeError(f"simulation {key!r} must be an overparam.experiments.Summary, got {type(summary).__name__}")
        checked[values] = summary
    return checked


def _match(simulations: dict, n_over_d: float, noise_var: float, ridge: float):
    for (psi2, tau2, lam), summary in simulations.items():
        if np.allclose([psi2, tau2, lam], [n_over_d, noise_var, ridge], rtol=1e-6, atol=1e-12):
            return summary
    return None


def _excess(risk, noise_var: float) -> np.ndarray:
    return np.asarray(risk, dtype=float) - noise_var


def draw(n_over_d: float = 3.0, noise_var: float = 0.25, ridge: float = 0.0, simulations: dict | None = None):
    """The explorer's figure: excess risk against the number of features ``N`` (``d = 100``).

    Parameters
    ----------
    n_over_d : float
        ``psi_2 = n / d > 0``; the threshold is at ``N = n = psi_2 d``.
    noise_var : float
        Label noise ``sigma^2 >= 0``.
    ridge : float
        Ridge penalty ``lambda >= 0`` (0 draws min-norm only).
    simulations : dict, optional
        Cached sweeps keyed by ``(n_over_d, noise_var, ridge)``; values are
        :class:`overparam.experiments.Summary` of risks *including* noise over widths ``N`` at
        ``d = 100``. Drawn (as excess risk) only when the key matches the arguments.

    Returns
    -------
    matplotlib.figure.Figure
    """
    n_over_d = as_float(n_over_d, "n_over_d", minimum=0.0, strict=True)
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    ridge = as_float(ridge, "ridge", minimum=0.0)
    simulations = _check_simulations(simulations)
    n = n_over_d * D
    Ns = np.unique(np.concatenate([_GRID, n * (1 - _NEAR_ONE), n * (1 + _NEAR_ONE)]))
    Ns = Ns[(Ns >= WIDTH_RANGE[0]) & (Ns <= WIDTH_RANGE[1])]

    fig, ax = plots.new_figure(width=10.0, height=6.5)
    # Fixed margins instead of constrained layout: the layout solver would double the redraw time.
    fig.set_layout_engine("none")
    ax.set_position([0.1, 0.3, 0.86, 0.6])
    minnorm = _excess(theory.random_features_risk(Ns / D, n_over_d, noise_var=noise_var), noise_var)
    minnorm_limit = float(theory.random_features_kernel_limit(n_over_d, noise_var=noise_var)) - noise_var
    plots.theory_line(ax, Ns, minnorm, label="min-norm (theory, N, n, d → ∞)")
    ax.axhline(minnorm_limit, color=plots.COLORS["theory"], linestyle=":", linewidth=2,
               label=f"min-norm, kernel limit N → ∞: {minnorm_limit:.3g}")
    if ridge > 0:
        curve = _excess(theory.random_features_risk(Ns / D, n_over_d, noise_var=noise_var, ridge=ridge), noise_var)
        limit = float(theory.random_features_kernel_limit(n_over_d, noise_var=noise_var, ridge=ridge)) - noise_var
        plots.theory_line(ax, Ns, curve, label=f"ridge λ = {ridge:g} (theory)", color=plots.COLORS["ridge"])
        ax.axhline(limit, color=plots.COLORS["ridge"], linestyle=":", linewidth=2,
                   label=f"ridge, kernel limit N → ∞: {limit:.3g}")
    ax.axhline(1.0, color=plots.PALETTE["black"], linestyle=(0, (1, 3)), linewidth=1.5,
               label="predict zero: excess ‖β‖² = 1")
    sim = _match(simulations, n_over_d, noise_var, ridge)
    if sim is not None:
        excess = type(sim)(x=np.asarray(sim.x, dtype=float), values=np.asarray(sim.values) - noise_var)
        plots.simulation_points(ax, excess, label=f"simulation, d = {D}, n = {n:g}",
                                color=plots.PALETTE["black"] if ridge > 0 else None, zorder=4)
        shown = "cached simulation shown (these exact settings)"
    else:
        settings = ", ".join(f"n/d = {k[0]:g}, σ² = {k[1]:g}, λ = {k[2]:g}" for k in simulations) or "none"
        shown = f"no cached simulation here (cached: {settings})"
    plots.mark_threshold(ax, n, label=f"threshold N = n = {n:g}")
    plots.finish(
        ax, f"number of random features N  (d = {D}, log scale)", "excess risk  R − σ²  (log scale)",
        title=f"n/d = {n_over_d:g} (n = {n:g}),  noise σ² = {noise_var:.2f},  signal ‖β‖² = 1",
        logx=True, logy=True, ylim=Y_LIMITS, legend=False,
    )
    ax.set_xlim(*WIDTH_RANGE)
    plots.plain_log_ticks(ax)  # plain labels (10, 100, ...): rendering 10^k as math text costs a third of a redraw
    ax.yaxis.set_minor_locator(NullLocator())  # unlabelled minor ticks cost a good part of a redraw too
    ax.xaxis.set_minor_locator(NullLocator())
    ax.text(0.99, 0.97, shown + f"\ny clipped to [{Y_LIMITS[0]:g}, {Y_LIMITS[1]:g}]", transform=ax.transAxes, ha="right", va="top",
            fontsize=10, color="#555555")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize=11)
    return fig


def make_explorer(simulations: dict | None = None, *, trials: int = 4, seed=0) -> Explorer:
    """Sliders for ``n / d``, the noise ``sigma^2`` and the ridge penalty over the random-features curve.

    Parameters
    ----------
    simulations : dict, optional
        Cached sweeps keyed by ``(n_over_d, noise_var, ridge)`` (see :func:`draw`); lesson 04
        passes its own. If omitted, :func:`default_simulation` runs once here (``trials`` draws,
        ``seed``; a fraction of a second).
    trials : int
        Draws of the default simulation.
    seed : int or numpy.random.Generator
        Seed of the default simulation.

    Returns
    -------
    Explorer
        Controls ``n_over_d`` (one of :data:`N_OVER_D_VALUES`, starting at 3), ``noise_var``
        (``sigma^2`` from 0 to 1, starting at 0.25) and ``ridge`` (one of :data:`RIDGE_VALUES`,
        starting at 0). Every redraw evaluates closed forms; no simulation runs.

    Examples
    --------
    >>> explorer = make_explorer(simulations={})
    >>> sorted(explorer.values)
    ['n_over_d', 'noise_var', 'ridge']

    In a notebook, ``explorer.show()`` displays the sliders and the figure.
    """
    cache = _check_simulations(default_simulation(trials=trials, seed=seed) if simulations is None else simulations)

    def redraw(n_over_d: float, noise_var: float, ridge: float):
        return draw(n_over_d, noise_var, ridge, simulations=cache)

    controls = {
        "n_over_d": choice_slider("samples n/d", [(f"{v:g}", v) for v in N_OVER_D_VALUES], 3.0),
        "noise_var": slider("noise σ²", 0.0, 1.0, 0.05, 0.25),
        "ridge": choice_slider("ridge penalty λ", [(f"{v:g}", v) for v in RIDGE_VALUES], 0.0),
    }
    return Explorer(redraw, controls)
