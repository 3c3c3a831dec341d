"""Explorer of lesson 00: train small, or train large and prune? (theory curves: oracle pruning and the small model).

The problem family generalizes reference C of :mod:`overparam.theory`: ``n = 100`` training samples; ``s`` informative
features of variance 1 carrying all the signal (coefficients ``1/sqrt(s)``, signal power 1); then
weak features of variance :data:`BULK` = 0.05 that carry none, up to ``d = 1000``
(:func:`overparam.models.spiked_problem`); label noise ``noise_var``. With ``s = 80`` and
``noise_var = 0.1`` it is :func:`overparam.models.pruning_showcase_problem`.

The figure compares, against the dense model size ``p`` (the first ``p`` features):

* the dense min-norm model (:func:`overparam.theory.minnorm_risk`);
* that model pruned back to the ``s`` informative features, without retraining
  (:func:`overparam.theory.oracle_pruned_risk`), optionally with cached simulation markers;
* the small model: least squares on the ``s`` informative features only
  (:func:`overparam.theory.small_model_risk`, exact finite ``n``);
* optionally, the small model with a tuned ridge penalty (:func:`overparam.theory.optimal_ridge`,
  asymptotic), the fair baseline: pruning a large min-norm model is implicit regularization.

Everything drawn is a closed form or a cached simulation: a redraw never simulates.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import plots, theory
from .._validate import as_float, as_int
from ..models import LinearProblem, spiked_problem
from . import Explorer, checkbox, choice_slider, int_slider

__all__ = ["N", "D", "BULK", "NOISE_CHOICES", "problem", "model_sizes", "curves", "draw", "make_explorer"]

#: Training samples.
N = 100
#: Features in the universe (the largest dense model).
D = 1000
#: Variance of the weak, signal-free features.
BULK = 0.05
#: Noise variances offered by the explorer (0.1 is reference C).
NOISE_CHOICES = (0.01, 0.03, 0.1, 0.3, 1.0)

_Y_TICKS = (0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0)


def problem(s: int = 80, noise_var: float = 0.1) -> LinearProblem:
    """The teaser's problem with ``s`` informative features and noise variance ``noise_var``.

    Parameters
    ----------
    s : int
        Informative features, ``1 <= s <= N - 2`` (the small model needs ``s <= n - 2``).
    noise_var : float
        Label noise variance ``sigma^2 >= 0``.

    Returns
    -------
    LinearProblem
    """
    s = as_int(s, "s", minimum=1)
    if s > N - 2:
        raise ValueError(f"s must be at most n - 2 = {N - 2}, got {s}")
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    return spiked_problem(D, s, 1.0, BULK, noise_var)


def model_sizes(s: int, points: int = 160) -> np.ndarray:
    """Dense model sizes from ``s`` to ``D``, roughly log-spaced, without ``p = N`` (infinite risk)."""
    s = as_int(s, "s", minimum=1)
    points = as_int(points, "points", minimum=2)
    ps = np.unique(np.round(np.geomspace(s, D, points)).astype(int))
    return ps[ps != N]


def curves(s: int = 80, noise_var: float = 0.1, points: int = 160) -> dict:
    """Theory curves and baselines of the teaser figure (cached: a slider revisit costs nothing).

    Returns
    -------
    dict
        ``p`` (sizes), ``dense`` and ``pruned`` (risks, test MSE including noise, at each size),
        ``small`` (exact finite-n risk of least squares on the ``s`` informative features),
        ``small_ridge`` (asymptotic risk of that small model with the best ridge penalty).
    """
    prob = problem(s, noise_var)  # validates s and noise_var
    points = as_int(points, "points", minimum=2)
    cached = _curves(int(s), float(prob.noise_var), points)
    return {key: (value.copy() if isinstance(value, np.ndarray) else value) for key, value in cached.items()}


@lru_cache(maxsize=256)
def _curves(s: int, noise_var: float, points: int) -> dict:
    prob = problem(s, noise_var)
    ps = model_sizes(s, points)
    args = (prob.eigs, prob.beta, prob.noise_var, N)
    return {
        "p": ps,
        "dense": theory.minnorm_risk(*args, ps),
        "pruned": theory.oracle_pruned_risk(*args, ps, s),
        "small": theory.small_model_risk(*args, np.arange(s)),
        "small_ridge": theory.optimal_ridge(*args, s)[1],
    }


def draw(s: int = 80, noise_var: float = 0.1, tuned_ridge: bool = True, pruned=None):
    """The teaser figure: risk against dense model size ``p`` (log axes, y-range clipped).

    Parameters
    ----------
    s, noise_var
        See :func:`problem`.
    tuned_ridge : bool
        Also draw the small model with a tuned ridge penalty.
    pruned : Summary, optional
        Cached simulation of the oracle-pruned risk (from
        :func:`overparam.experiments.oracle_prune_sweep`) for ``s = 80, noise_var = 0.1``; drawn as
        markers only at those settings.

    Returns
    -------
    matplotlib.figure.Figure
    """
    c = curves(s, noise_var)
    fig, ax = plots.new_figure(width=10.0, height=6.5)
    plots.theory_line(ax, c["p"], c["dense"], label="dense min-norm model (theory)", color=plots.COLORS["dense"])
    plots.theory_line(ax, c["p"], c["pruned"], label=f"large model pruned to the {s} informative features (theory)",
                      color=plots.COLORS["oracle"])
    if pruned is not None and s == 80 and noise_var == 0.1:
        plots.simulation_points(ax, pruned, label="pruned, simulation", color=plots.COLORS["oracle"])
    ax.axhline(c["small"], color=plots.COLORS["small"], linewidth=2.5,
               label=f"small model: least squares on the {s} features ({c['small']:.3f})")
    if tuned_ridge:
        ax.axhline(c["small_ridge"], color=plots.COLORS["ridge"], linestyle="--", linewidth=2,
                   label=f"small model + tuned ridge (theory, {c['small_ridge']:.3f})")
    plots.mark_threshold(ax, at=N, label=f"interpolation threshold p = n = {N}")
    over = np.flatnonzero(c["p"] > N)
    best = over[int(np.argmin(c["pruned"][over]))]
    low = min(float(np.min(c["pruned"])), c["small_ridge"], c["small"])
    top = max(2.0 * c["small"], 1.5 * low)
    plots.finish(ax, "dense model size p (features)", "risk (test MSE incl. noise; y clipped)",
                 logx=True, logy=True, ylim=(0.7 * low, top), legend=False)
    title = f"s = {s}, σ² = {noise_var:g}.  Best pruned (p > n) ÷ small model = {c['pruned'][best] / c['small']:.2f}"
    if tuned_ridge:
        title += f";  ÷ small + ridge = {c['pruned'][best] / c['small_ridge']:.2f}"
    ax.set_title(title, fontsize=13)
    # Plain tick labels, no minor ticks: cheaper to redraw than mathtext labels on log axes.
    ax.minorticks_off()
    xticks = [t for t in (s, 100, 200, 400, 1000) if t >= s]
    ax.set_xticks(xticks, [str(t) for t in xticks])
    yticks = [t for t in _Y_TICKS if 0.7 * low <= t <= top]
    ax.set_yticks(yticks, [f"{t:g}" for t in yticks])
    # A little less space between the columns and around the (frameless) legend: the widest one (no
    # ridge line, s = 95, large noise) then still fits the 10-inch figure, which keeps every redraw
    # on the one-pass render of overparam.widgets._png_bundle.
    fig.legend(loc="outside lower center", ncols=2, fontsize=11, columnspacing=1.0, handletextpad=0.5, borderpad=0.1)
    return fig


def make_explorer(pruned=None, s: int = 80, noise_var: float = 0.1) -> Explorer:
    """The explorer of lesson 00: sliders for ``s`` and the noise variance, a ridge-baseline switch.

    Parameters
    ----------
    pruned : Summary, optional
        Cached simulation for ``s = 80, noise_var = 0.1`` (see :func:`draw`).
    s : int
        Initial number of informative features, a multiple of 5 in ``10..95``.
    noise_var : float
        Initial noise variance, one of :data:`NOISE_CHOICES`.

    Returns
    -------
    Explorer
        Controls ``s`` (10..95), ``noise_var`` (:data:`NOISE_CHOICES`) and ``tuned_ridge``.
    """
    s = as_int(s, "s", minimum=10)
    if s > 95 or s % 5:
        raise ValueError(f"s must be a multiple of 5 between 10 and 95, got {s}")
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    if noise_var not in NOISE_CHOICES:
        raise ValueError(f"noise_var must be one of {NOISE_CHOICES}, got {noise_var}")

    def _draw(s: int, noise_var: float, tuned_ridge: bool):
        return draw(s, noise_var, tuned_ridge, pruned)

    controls = {
        "s": int_slider("informative features s", 10, 95, 5, s),
        "noise_var": choice_slider("noise σ²", list(NOISE_CHOICES), noise_var),
        "tuned_ridge": checkbox("show small model + tuned ridge", True),
    }
    return Explorer(_draw, controls)
