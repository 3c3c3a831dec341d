"""Helpers and explorer of lesson 08: retraining after pruning, with correlated features.

The lesson's problem: ``n = 100`` training samples; ``d = 300`` features with unit variances,
correlated either as AR(1) (``corr(x_i, x_j) = rho^|i - j|``, :func:`overparam.models.ar1_problem`)
or equicorrelated (``corr = rho`` for every pair, :func:`overparam.models.equicorrelated_problem`);
``beta_i`` proportional to ``1/i`` with ``||beta|| = 1``; label noise ``sigma^2 = 0.1``. A min-norm
model on the first ``p`` features is pruned to the oracle support ``S`` = the first ``s = 20``
features, then either kept as it is or retrained (least squares on ``S``).

For any weights ``w`` supported on ``S`` the risk splits exactly into the floor of the best model on
``S`` and a quadratic cost::

    R(w) = floor + (w_S - b_S)^T Sigma_SS (w_S - b_S),   b_S, floor = problem.best_support_weights(S).

The general theory lives in :func:`overparam.theory.pruning_cost_decomposition`: it predicts the
expected cost of the pruned min-norm weights and splits it into **shrinkage**, **target mismatch**,
their **interaction** and the large model's **noise** (the auxiliary model of lesson 06 written in
the eigenbasis of the covariance), and gives the risk after retraining on ``S`` (the small model,
``floor * (1 + s / (n - s - 1))``). :func:`cost_decomposition` is its shorthand for a
:class:`~overparam.models.CorrelatedProblem`; this module adds the lesson's problem, the simulation
over ``rho``, the bar chart of the parts, and the explorer, which uses the closed-form spectra of
the two covariance families to stay fast.

The explorer (:func:`make_explorer`) draws the two risks against ``rho`` and the decomposition at
one ``rho``, from these formulas (cached per setting) and from cached simulations; it never
simulates. Used by lesson 08 (``lessons/08_retraining_and_correlations.ipynb``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.ticker import NullLocator
from scipy.linalg import eigh_tridiagonal

from .. import experiments, plots, theory
from .._validate import as_float, as_float_array, as_int
from ..models import CorrelatedProblem, ar1_problem, equicorrelated_problem
from . import Explorer, choice_slider, dropdown

__all__ = [
    "N",
    "D",
    "S",
    "NOISE_VAR",
    "FAMILIES",
    "RHO_GRID",
    "CURVE_RHOS",
    "RATIO_CHOICES",
    "NOISE_CHOICES",
    "PARTS",
    "lesson_beta",
    "lesson_problem",
    "CostDecomposition",
    "cost_decomposition",
    "rho_sweep",
    "draw_decomposition",
    "draw",
    "make_explorer",
]

#: Training samples.
N = 100
#: Features in the universe.
D = 300
#: Weights kept after pruning; the oracle support is the first ``S`` features.
S = 20
#: Label noise variance of the lesson's problem.
NOISE_VAR = 0.1
#: The two correlation structures, with their legend names.
FAMILIES = {"ar1": "AR(1): corr(xᵢ, xⱼ) = ρ^|i−j|", "equicorrelated": "equicorrelated: corr(xᵢ, xⱼ) = ρ"}
#: Correlation strengths offered by the explorer's slider.
RHO_GRID = tuple(round(0.05 * k, 2) for k in range(20))
#: Correlation strengths of the explorer's theory curves against rho.
CURVE_RHOS = (0.0, 0.05) + tuple(round(0.1 * k, 1) for k in range(1, 10)) + (0.95,)
#: Ratios ``p/n`` offered by the explorer (``p = n`` is excluded: infinite risk).
RATIO_CHOICES = (0.5, 0.8, 1.5, 2.0, 3.0)
#: Noise variances offered by the explorer.
NOISE_CHOICES = (0.01, 0.03, 0.1, 0.3, 1.0)
#: Parts of the risk in drawing order: (field of CostDecomposition, legend name, colour).
PARTS = (
    ("floor", "floor R(b_S): best model on S", "#BBBBBB"),
    ("shrinkage", "shrinkage  (m_S − c_S)", plots.PALETTE["sky"]),
    ("mismatch", "target mismatch  (c_S − b_S)", plots.PALETTE["vermillion"]),
    ("interaction", "interaction of the two (2× cross term)", plots.PALETTE["yellow"]),
    ("noise", "noise of the large model", plots.PALETTE["green"]),
    ("refit_variance", "refit variance floor·s/(n−s−1)", plots.PALETTE["black"]),
)


def lesson_beta(d: int = D) -> np.ndarray:
    """The lesson's coefficients: ``beta_i`` proportional to ``1/i`` (``i = 1..d``), ``||beta|| = 1``.

    Examples
    --------
    >>> b = lesson_beta()
    >>> round(float(b @ b), 12), round(float(b[0] / b[1]), 12)
    (1.0, 2.0)
    """
    d = as_int(d, "d", minimum=1)
    beta = 1.0 / np.arange(1, d + 1)
    return beta / np.linalg.norm(beta)


def _check_family(family) -> str:
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {list(FAMILIES)}, got {family!r}")
    return family


def lesson_problem(family: str = "ar1", rho: float = 0.0, noise_var: float = NOISE_VAR) -> CorrelatedProblem:
    """The lesson's problem: ``D = 300`` unit-variance features correlated by ``family`` with strength ``rho``.

    Parameters
    ----------
    family : {"ar1", "equicorrelated"}
    rho : float
        Correlation strength, ``0 <= rho < 1``.
    noise_var : float
        Label noise variance.

    Returns
    -------
    CorrelatedProblem

    Examples
    --------
    >>> pb = lesson_problem("ar1", 0.5)
    >>> pb.d, float(pb.cov[0, 2]), pb.noise_var
    (300, 0.25, 0.1)
    """
    family = _check_family(family)
    rho = as_float(rho, "rho", minimum=0.0)
    if rho >= 1.0:
        raise ValueError(f"rho must be below 1, got {rho}")
    make = ar1_problem if family == "ar1" else equicorrelated_problem
    return make(D, rho, lesson_beta(D), noise_var)


#: The decomposition's result type (defined in :mod:`overparam.theory`).
CostDecomposition = theory.CostDecomposition


def cost_decomposition(problem: CorrelatedProblem, n: int, p: int, support) -> CostDecomposition:
    """Predict the risk of pruning min-norm least squares to ``support``, without and with retraining.

    Shorthand for :func:`overparam.theory.pruning_cost_decomposition` with the covariance,
    coefficients and noise of ``problem`` (see there for the formulas and the validation).

    Parameters
    ----------
    problem : CorrelatedProblem
    n : int
        Training samples.
    p : int
        Size of the large model, ``max(support) < p <= d`` and ``p != n``.
    support : array_like of int
        The kept features, ``s <= n - 2`` distinct indices below ``p``.

    Returns
    -------
    CostDecomposition

    Examples
    --------
    >>> dec = cost_decomposition(lesson_problem("ar1", 0.0), n=100, p=300, support=range(20))
    >>> round(dec.zeta, 6), round(dec.mismatch, 6)       # independent features: zeta = p/n - 1, no mismatch
    (2.0, 0.0)
    >>> round(dec.without_retraining, 3), round(dec.with_retraining, 3)
    (0.578, 0.16)
    """
    if not isinstance(problem, CorrelatedProblem):
        raise TypeError(f"problem must be a CorrelatedProblem, got {type(problem).__name__}")
    return theory.pruning_cost_decomposition(problem.cov, problem.beta, problem.noise_var, n, p, support)


def rho_sweep(family: str, rhos, p: int = 3 * N, trials: int = 100, seed=0, rules=("oracle",),
              noise_var: float = NOISE_VAR) -> dict:
    """Simulate pruning with and without retraining at several correlation strengths.

    For each ``rho`` runs :func:`overparam.experiments.pruning_sweep` on
    ``lesson_problem(family, rho, noise_var)`` with ``n = N``, the single size ``p``, ``s = S`` and
    the oracle support fixed to the first ``S`` features, and stacks the results into summaries
    over ``rho``. The same seed is used at every ``rho`` (common random numbers: the standard
    normals behind the training sets are the same, only the covariance changes).

    Parameters
    ----------
    family : {"ar1", "equicorrelated"}
    rhos : array_like of float
        Correlation strengths, each in ``[0, 1)``.
    p : int
        Size of the large model, ``S <= p <= D``.
    trials : int
        Training sets per ``rho``.
    seed : int or numpy.random.Generator
        Seed of every ``pruning_sweep`` call; from a generator one integer seed is drawn and
        reused at every ``rho``.
    rules : sequence of str
        Pruning rules (see :func:`~overparam.experiments.pruning_sweep`).
    noise_var : float
        Label noise variance.

    Returns
    -------
    dict of str to Summary
        Keys as :func:`~overparam.experiments.pruning_sweep` (``"dense"``, ``"<rule>"``,
        ``"<rule>+retrain"``, ``"small"``), each with ``x`` = the ``rhos`` and values of shape
        ``(trials, len(rhos))`` (exact risks, test MSE including noise).
    """
    family = _check_family(family)
    rhos = as_float_array(rhos, "rhos", ndim=1)
    if rhos.size == 0:
        raise ValueError("rhos must hold at least one correlation strength")
    if isinstance(seed, np.random.Generator):  # draw one integer seed, then reuse it at every rho
        seed = int(seed.integers(2**31))
    elif isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int or a numpy Generator, got {type(seed).__name__}")
    columns: dict = {}
    for rho in rhos:
        out = experiments.pruning_sweep(
            lesson_problem(family, float(rho), noise_var), N, [p], S, trials=trials, seed=seed,
            rules=rules, support=np.arange(S),
        )
        for key, summary in out.items():
            columns.setdefault(key, []).append(summary.values[:, 0])
    return {key: experiments.summarize(rhos, np.column_stack(cols)) for key, cols in columns.items()}


def draw_decomposition(ax, decompositions: dict, width: float = 0.38, totals: bool = True):
    """Stacked bars: for each entry, the risk without retraining (split into parts) and with retraining.

    Parameters
    ----------
    ax : matplotlib Axes
    decompositions : dict of str to CostDecomposition
        One group of two bars per entry, labelled by the key (for example ``"ρ = 0.3"``).
    width : float
        Width of one bar.
    totals : bool
        Write the total risk above each bar.

    Returns
    -------
    list of str
        The names of the parts drawn (in legend order), for a caller that builds its own legend.
    """
    if not isinstance(decompositions, dict) or not decompositions:
        raise TypeError("decompositions must be a non-empty dict of label -> CostDecomposition")
    labels = list(decompositions)
    x = np.arange(len(labels), dtype=float)
    drawn = []
    for j, dec in enumerate(decompositions.values()):
        if not isinstance(dec, CostDecomposition):
            raise TypeError(f"decompositions[{labels[j]!r}] must be a CostDecomposition, got {type(dec).__name__}")
        for side, fields in ((-1, ("floor", "shrinkage", "mismatch", "interaction", "noise")),
                             (+1, ("floor", "refit_variance"))):
            bottom = 0.0
            for field, name, color in PARTS:
                if field not in fields:
                    continue
                height = getattr(dec, field)
                label = name if name not in drawn else None
                ax.bar(x[j] + side * width / 2, height, width, bottom=bottom, color=color, label=label,
                       edgecolor="white", linewidth=0.8,
                       hatch="//" if height < 0 else None)  # a negative interaction is drawn downwards, hatched
                if label:
                    drawn.append(name)
                bottom += height
            if totals:
                ax.text(x[j] + side * width / 2, bottom, f"{bottom:.2f}", ha="center", va="bottom", fontsize=11)
    rotate = len(labels) > 2  # narrow bars: upright one-line labels
    ax.set_xticks(np.concatenate([x - width / 2, x + width / 2]))
    names = ("as pruned", "retrained") if rotate else ("as\npruned", "re-\ntrained")
    ax.set_xticklabels([names[0]] * len(labels) + [names[1]] * len(labels), fontsize=10.5,
                       rotation=90 if rotate else 0)
    ax.tick_params(axis="x", length=0)
    for j, lab in enumerate(labels):
        ax.annotate(lab, xy=(x[j], 0.0), xycoords=("data", "axes fraction"), xytext=(0, -72 if rotate else -42),
                    textcoords="offset points", ha="center", va="top", fontsize=12, annotation_clip=False)
    return drawn


# ----------------------------------------------------------------------------------------------
# Explorer
# ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _helmert(p: int) -> np.ndarray:
    """An orthonormal basis of R^p whose first vector is the constant one (internal)."""
    M = np.eye(p)
    M[:, 0] = 1.0
    Q, _ = np.linalg.qr(M)
    return Q * np.sign(Q[0, 0])


def _structured_spectrum(family: str, rho: float, p: int) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues and eigenvectors of the lesson's ``Sigma_pp``, from its structure (fast; internal).

    AR(1): the inverse covariance is tridiagonal, ``(1 - rho^2) Sigma^{-1} = tridiag(-rho; 1, 1 + rho^2,
    ..., 1 + rho^2, 1; -rho)``. Equicorrelated: eigenvalue ``1 + (p - 1) rho`` on the constant
    vector and ``1 - rho`` on its orthogonal complement. Both agree with ``numpy.linalg.eigh``.
    """
    if rho == 0.0:
        return np.ones(p), np.eye(p)
    if family == "equicorrelated":
        lam = np.full(p, 1.0 - rho)
        lam[0] = 1.0 + (p - 1) * rho
        return lam, _helmert(p)
    diag = np.full(p, 1.0 + rho**2)
    diag[0] = diag[-1] = 1.0
    inv_eigs, Q = eigh_tridiagonal(diag / (1.0 - rho**2), np.full(p - 1, -rho / (1.0 - rho**2)))
    return 1.0 / inv_eigs, Q


@lru_cache(maxsize=64)
def _cached_cov(family: str, rho: float) -> np.ndarray:
    """The covariance of :func:`lesson_problem`, shared by every ``p`` (internal, cached)."""
    return lesson_problem(family, rho, 0.0).cov


@lru_cache(maxsize=512)
def _cached_decomposition(family: str, rho: float, p: int) -> CostDecomposition:
    """The decomposition at every noise level of :data:`NOISE_CHOICES` at once (internal, cached)."""
    return theory.pruning_cost_decomposition(
        _cached_cov(family, rho), lesson_beta(D), np.array(NOISE_CHOICES), N, p, np.arange(S),
        spectrum=_structured_spectrum(family, rho, p),
    )


def _decomposition(family: str, rho: float, ratio: float, noise_var: float) -> CostDecomposition:
    """The explorer's decomposition: from the cache for the offered noise levels, computed otherwise."""
    p = int(round(ratio * N))
    hits = np.flatnonzero(np.isclose(NOISE_CHOICES, noise_var, rtol=0.0, atol=1e-12))
    if hits.size == 0:
        return theory.pruning_cost_decomposition(
            _cached_cov(family, float(rho)), lesson_beta(D), float(noise_var), N, p, np.arange(S),
            spectrum=_structured_spectrum(family, rho, p),
        )
    all_noises = _cached_decomposition(family, float(rho), p)
    k = int(hits[0])
    return CostDecomposition(*(float(v) if np.ndim(v) == 0 else float(v[k]) for v in all_noises))


def _check_simulations(simulations) -> dict:
    if simulations is None:
        return {}
    if not isinstance(simulations, dict):
        raise TypeError(
            "simulations must be a dict keyed by family ('ar1', 'equicorrelated') of rho_sweep results, "
            f"got {type(simulations).__name__}"
        )
    for family, sweep in simulations.items():
        _check_family(family)
        if not isinstance(sweep, dict):
            raise TypeError(f"simulations[{family!r}] must be the dict returned by rho_sweep, got {type(sweep).__name__}")
        for key, summary in sweep.items():
            if not isinstance(summary, experiments.Summary):
                raise TypeError(f"simulations[{family!r}][{key!r}] must be an experiments.Summary, got {type(summary).__name__}")
    return simulations


def draw(family: str = "ar1", rho: float = 0.6, ratio: float = 3.0, noise_var: float = NOISE_VAR, simulations=None):
    """Risk with and without retraining against ``rho`` (left) and its decomposition at one ``rho`` (right).

    Parameters
    ----------
    family : {"ar1", "equicorrelated"}
    rho : float
        Correlation strength of the right panel, one of :data:`RHO_GRID`.
    ratio : float
        ``p/n`` of the large model, one of :data:`RATIO_CHOICES`.
    noise_var : float
        Label noise variance, one of :data:`NOISE_CHOICES`.
    simulations : dict, optional
        ``{family: rho_sweep(...)}`` computed at ``p = 3n`` and ``noise_var = 0.1`` with the oracle
        rule; drawn (means with ±1 s.e.) only at those settings.

    Returns
    -------
    matplotlib.figure.Figure
    """
    family = _check_family(family)
    if not any(np.isclose(rho, r) for r in RHO_GRID):
        raise ValueError(f"rho must be one of {RHO_GRID}, got {rho!r}")
    if not any(np.isclose(ratio, r) for r in RATIO_CHOICES):
        raise ValueError(f"ratio must be one of {RATIO_CHOICES}, got {ratio!r}")
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    simulations = _check_simulations(simulations)
    rho = float(RHO_GRID[int(np.argmin(np.abs(np.array(RHO_GRID) - rho)))])

    decs = [_decomposition(family, r, ratio, noise_var) for r in CURVE_RHOS]
    here = _decomposition(family, rho, ratio, noise_var)
    fig, (ax, ax2) = plots.new_figure(ncols=2, width=7.0, height=5.6)

    grid = np.array(CURVE_RHOS)
    plots.theory_line(ax, grid, [d.without_retraining for d in decs], label="pruned, not retrained (theory)",
                      color=plots.COLORS["oracle"])
    plots.theory_line(ax, grid, [d.with_retraining for d in decs], label="pruned + retrained (exact)",
                      color=plots.PALETTE["black"], linestyle="--")
    ax.plot(grid, [d.floor for d in decs], ":", color="#888888", linewidth=2, label="floor R(b_S)")
    ax.axvline(rho, color=plots.COLORS["threshold"], linewidth=1, zorder=0)
    sweep = simulations.get(family)
    shown = False
    if sweep and np.isclose(ratio, 3.0) and np.isclose(noise_var, NOISE_VAR) and "oracle" in sweep:
        plots.simulation_points(ax, sweep["oracle"], label="not retrained, sim.", color=plots.COLORS["oracle"],
                                stat="mean", shift=-0.006)
        if "oracle+retrain" in sweep:
            plots.simulation_points(ax, sweep["oracle+retrain"], label="retrained, sim.", color=plots.PALETTE["black"],
                                    stat="mean", marker="s", shift=0.006, markersize=5)
        shown = True
    plots.finish(ax, "correlation strength ρ", "risk: test MSE incl. noise (log)",
                 title=f"{'AR(1)' if family == 'ar1' else 'equicorrelated'}, p/n = {ratio:g}, σ² = {noise_var:g}",
                 logy=True, legend=False)
    plots.plain_log_ticks(ax, "y")
    ax.yaxis.set_minor_locator(NullLocator())  # unlabelled minor ticks of a log axis cost a third of a redraw
    ax.legend(fontsize=9.5, loc="upper left")
    ax.text(0.99, 0.02, "cached simulation: " + ("shown" if shown else "none at these settings"),
            transform=ax.transAxes, ha="right", fontsize=10, color="#555555")

    names = draw_decomposition(ax2, {f"ρ = {rho:g}": here}, width=0.55)
    ax2.set_xlim(-0.9, 0.9)
    ax2.set_ylim(min(0.0, here.interaction) * 1.2, 1.18 * max(here.without_retraining, here.with_retraining))
    plots.finish(ax2, "", "risk: test MSE incl. noise",
                 title=f"ζ = {here.zeta:.2f}, gain from retraining ×{here.without_retraining / here.with_retraining:.2f}",
                 legend=False)
    handles, labels = ax2.get_legend_handles_labels()
    ax2.legend(handles[::-1], labels[::-1], fontsize=9.5, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax2.grid(axis="x", visible=False)
    return fig


def make_explorer(simulations=None) -> Explorer:
    """Build the lesson-08 explorer: correlation family, ``rho``, ``p/n`` and the noise.

    Parameters
    ----------
    simulations : dict, optional
        ``{family: rho_sweep(family, rhos, p=300, rules=("oracle",))}`` at ``noise_var = 0.1``;
        drawn only at ``p/n = 3`` and that noise. Nothing is simulated when the explorer is built or
        redrawn; the theory of each ``(family, rho, p)`` is computed once and cached (the curves
        against rho for every family and p/n while building, about 0.6 s).

    Returns
    -------
    Explorer

    Examples
    --------
    >>> explorer = make_explorer()
    >>> sorted(explorer.values)
    ['family', 'noise_var', 'ratio', 'rho']
    """
    cache = dict(_check_simulations(simulations))
    # The theory curves against rho for every family and p/n (120 closed forms, about 0.6 s), so
    # that any move of a control costs at most one new decomposition (the right panel's rho).
    for family in FAMILIES:
        for ratio in RATIO_CHOICES:
            for rho in CURVE_RHOS:
                _cached_decomposition(family, rho, int(round(ratio * N)))

    def _draw(family, rho, ratio, noise_var):
        return draw(family, rho, ratio, noise_var, simulations=cache)

    controls = {
        "family": dropdown("correlation", {name: key for key, name in FAMILIES.items()}, "ar1"),
        "rho": choice_slider("correlation ρ", [(f"{r:.2f}", r) for r in RHO_GRID], 0.6),
        "ratio": choice_slider("p/n (large model)", [(f"{r:g}", r) for r in RATIO_CHOICES], 3.0),
        "noise_var": choice_slider("noise σ²", [(f"{v:g}", v) for v in NOISE_CHOICES], NOISE_VAR),
    }
    return Explorer(_draw, controls)
