"""Explorer of lesson 03: risk against model size for a fixed problem, with ridge.

Two fixed problems, both with ``n = 100`` training samples, grown one feature at a time:

* ``"weak"`` — the weak-features problem of Belkin, Hsu and Xu (2020): ``d = 400``
  isotropic features, ``beta_j`` iid ``N(0, 1/d)`` drawn once with seed :data:`BETA_SEED`
  (:func:`weak_problem`);
* ``"spiked"`` — 20 strong features (variance 1) that carry all the signal, then 980 weak ones of
  variance ``bulk`` that carry none (:func:`spiked_problem`); ``bulk = 1`` is a flat spectrum.

The figure shows the theory of min-norm least squares (the exact finite-n expectation
:func:`overparam.theory.prefix_risk` for the isotropic weak-features problem, the asymptotic
:func:`overparam.theory.minnorm_risk` for the spiked one), of
ridge at the chosen penalty (:func:`overparam.theory.ridge_risk`) and, for the weak-features
problem, of ridge with the best penalty for every ``p`` (closed form
:func:`overparam.theory.isotropic_optimal_ridge`), all on 200 model sizes. Cached Monte Carlo
results can be passed in; they are drawn only when the controls sit at the settings they were
computed for (weak features: means with ±1 s.e., matching the exact expectation; spiked: medians
with quartiles). The callback never runs a simulation.
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import models, plots, theory
from . import Explorer, choice_slider, dropdown, log_slider, slider

__all__ = [
    "N",
    "BETA_SEED",
    "WEAK_D",
    "SPIKED_D",
    "SPIKED_K",
    "BULK_VALUES",
    "weak_problem",
    "spiked_problem",
    "model_sizes",
    "draw",
    "make_explorer",
]

#: Training samples of both problems.
N = 100
#: Seed that fixes the coefficients of the weak-features problem (lesson 03 uses the same one).
BETA_SEED = 2021
#: Features in the weak-features universe (lesson 03, after Belkin, Hsu and Xu 2020).
WEAK_D = 400
#: Variances offered for the weak features of the spiked problem (1 = a flat spectrum).
BULK_VALUES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
#: Features in the spiked universe, and how many of them are strong.
SPIKED_D = 1000
SPIKED_K = 20

_PROBLEMS = {
    "weak features: flat spectrum, signal spread over all 400": "weak",
    "spiked: 20 strong features + 980 weak ones": "spiked",
}
_TITLES = {"weak": "weak features: d = 400, signal spread evenly", "spiked": "spiked: 20 strong + 980 weak features"}


def weak_problem(noise_var: float = 0.25) -> models.LinearProblem:
    """The weak-features problem of lesson 03 (``beta`` fixed by :data:`BETA_SEED`)."""
    return models.weak_features_problem(WEAK_D, noise_var, BETA_SEED)


def spiked_problem(noise_var: float = 0.25, bulk: float = 0.05) -> models.LinearProblem:
    """The spiked problem of lesson 03: 20 strong features (variance 1), 980 of variance ``bulk``."""
    return models.spiked_problem(SPIKED_D, SPIKED_K, 1.0, bulk, noise_var)


def model_sizes(d: int, count: int = 200) -> np.ndarray:
    """About ``count`` model sizes from 1 to ``d``, evenly spaced on a log scale (distinct integers)."""
    if isinstance(d, bool) or not isinstance(d, (numbers.Integral, np.integer)) or d < 1:
        raise ValueError(f"d must be a positive integer, got {d!r}")
    if isinstance(count, bool) or not isinstance(count, (numbers.Integral, np.integer)) or count < 2:
        raise ValueError(f"count must be an integer of at least 2, got {count!r}")
    grid = np.unique(np.round(np.geomspace(1, d, count)).astype(int))
    # fill up to `count` points with the sizes the log grid skipped, largest gaps first
    missing = np.setdiff1d(np.arange(1, d + 1), grid)
    if missing.size and grid.size < count:
        extra = missing[np.linspace(0, missing.size - 1, min(count - grid.size, missing.size)).astype(int)]
        grid = np.union1d(grid, extra)
    return grid


def _matches(a: float, b: float) -> bool:
    return bool(np.isclose(a, b, rtol=1e-6, atol=1e-12))


def _cached(simulations, problem: str, noise_var: float, bulk: float, penalty: float):
    """The cached summaries that apply to these settings: (min-norm or None, ridge or None)."""
    minnorm = ridge = None
    for key, summary in (simulations or {}).items():
        name, sim_noise, sim_bulk, sim_penalty = key
        if name != problem or not _matches(sim_noise, noise_var):
            continue
        if problem == "spiked" and not _matches(sim_bulk, bulk):
            continue
        if sim_penalty == 0:
            minnorm = summary
        elif _matches(sim_penalty, penalty):
            ridge = summary
    return minnorm, ridge


def draw(problem: str = "weak", ridge: float = 0.1, noise_var: float = 0.25, bulk: float = 0.05, simulations=None):
    """Draw risk (test MSE including noise) against model size ``p`` for one setting.

    Parameters
    ----------
    problem : {"weak", "spiked"}
    ridge : float
        Ridge penalty ``lambda > 0`` of the orange curve.
    noise_var : float
        Label noise ``sigma^2``.
    bulk : float
        Variance of the weak features of the spiked problem (ignored for ``"weak"``).
    simulations : dict, optional
        Cached Monte Carlo summaries keyed by ``(problem, noise_var, bulk, penalty)`` (``bulk`` is
        ignored for ``"weak"``; ``penalty = 0`` means min-norm). Drawn only when ``problem``,
        ``noise_var`` (and ``bulk``) match, and, for a ridge summary, when ``ridge`` matches.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if problem not in _TITLES:
        raise ValueError(f"problem must be 'weak' or 'spiked', got {problem!r}")
    pb = weak_problem(noise_var) if problem == "weak" else spiked_problem(noise_var, bulk)
    ps = model_sizes(pb.d)
    fig, ax = plots.new_figure(width=11.0)
    floor = pb.effective_noise(ps)
    if problem == "weak":  # isotropic: the exact finite-n expectation (Belkin-Hsu-Xu)
        plots.theory_line(ax, ps, theory.prefix_risk(pb.beta, pb.noise_var, N, ps), label="min-norm (exact finite-n theory)")
    else:
        plots.theory_line(ax, ps, theory.minnorm_risk(pb.eigs, pb.beta, pb.noise_var, N, ps), label="min-norm (theory)")
    plots.theory_line(
        ax, ps, theory.ridge_risk(pb.eigs, pb.beta, pb.noise_var, N, ps, ridge),
        label=f"ridge, λ = {ridge:.2g} (theory)", color=plots.COLORS["ridge"],
    )
    if problem == "weak":
        best = theory.isotropic_optimal_ridge(pb.beta, pb.noise_var, N, ps)
        plots.theory_line(
            ax, ps, theory.ridge_risk(pb.eigs, pb.beta, pb.noise_var, N, ps, best),
            label="ridge, best λ for each p (theory)", color=plots.COLORS["oracle"], linestyle="--",
        )
    ax.plot(ps, floor, color=plots.COLORS["small"], linestyle=":", linewidth=2,
            label="floor σₚ² (noise + left-out signal)")
    plots.mark_threshold(ax, N, label=f"p = n = {N}")
    minnorm_sim, ridge_sim = _cached(simulations, problem, noise_var, bulk, ridge)
    stat = "mean" if problem == "weak" else "median"  # the exact formula is an expectation
    if minnorm_sim is not None:
        plots.simulation_points(ax, minnorm_sim, label="min-norm, simulation", stat=stat)
    if ridge_sim is not None:
        plots.simulation_points(
            ax, ridge_sim, label="ridge, simulation", color=plots.PALETTE["black"], marker="s", stat=stat,
        )
    low = 0.7 * float(floor.min())
    high = 4.0 * pb.null_risk
    shown = "shown" if (minnorm_sim is not None or ridge_sim is not None) else "none at these settings"
    title = f"{_TITLES[problem]}\nn = {N}, σ² = {noise_var:.2f}"
    if problem == "spiked":
        title += f", weak-feature variance {bulk:g}"
    plots.finish(
        ax, "model size p (features used)", "risk: test MSE incl. noise",
        title=title, logx=True, logy=True, ylim=(low, high), legend=False,
    )
    plots.plain_log_ticks(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=11)
    ax.text(
        0.01, 0.02, f"log axes; y clipped at {high:.2g}\ncached simulation: {shown}",
        transform=ax.transAxes, fontsize=11, color="#555555",
    )
    return fig


def make_explorer(simulations=None) -> Explorer:
    """Build the lesson-03 explorer: problem, ridge penalty (log), noise and weak-feature variance.

    Parameters
    ----------
    simulations : dict, optional
        Cached Monte Carlo summaries (see :func:`draw`), for example the lesson's sweeps at
        ``noise_var = 0.25`` and ``bulk = 0.05``. They are shown only at the settings they were
        computed for; moving a slider away hides them (the figure says so). Nothing is simulated
        when the explorer is built or redrawn.

    Returns
    -------
    Explorer

    Examples
    --------
    >>> explorer = make_explorer()
    >>> sorted(explorer.values)
    ['bulk', 'noise_var', 'problem', 'ridge']
    """
    if simulations is not None:
        if not isinstance(simulations, dict):
            raise TypeError(f"simulations must be a dict keyed by (problem, noise_var, bulk, penalty), got {type(simulations).__name__}")
        for key, summary in simulations.items():
            if not (isinstance(key, tuple) and len(key) == 4 and key[0] in _TITLES):
                raise ValueError(f"simulation key {key!r} must be (problem, noise_var, bulk, penalty) with problem 'weak' or 'spiked'")
            if not (hasattr(summary, "x") and hasattr(summary, "values")):
                raise TypeError(f"simulation {key!r} must be an experiments.Summary, got {type(summary).__name__}")
    cache = dict(simulations or {})

    def _draw(problem, ridge, noise_var, bulk):
        return draw(problem, ridge, noise_var, bulk, simulations=cache)

    controls = {
        "problem": dropdown("problem", _PROBLEMS, "weak"),
        "ridge": log_slider("ridge penalty λ", -3.0, 1.0, 0.1),
        "noise_var": slider("noise σ²", 0.05, 1.0, 0.05, 0.25),
        "bulk": choice_slider("weak-feature variance", [(f"{v:g}", v) for v in BULK_VALUES], 0.05),
    }
    return Explorer(_draw, controls)
