"""Explorer and figures of lesson 07: the sparse double descent.

Fix the number of training samples ``n`` and the number of weights kept ``s``; grow the dense model
``p`` from ``s`` to :data:`D` = 20 n. The problem family generalizes reference C of
:mod:`overparam.theory`: ``n = 100``; ``s`` informative features of variance 1 that carry all the
signal (coefficients ``1/sqrt(s)``, signal power 1); then weak features of variance ``tail_var``
that carry none, up to ``d = D`` (:func:`overparam.models.spiked_problem`); label noise
``noise_var``. With ``s = 80``, ``noise_var = 0.1`` and ``tail_var = 0.05`` it is
:func:`overparam.models.pruning_showcase_problem` with ``d = 2000`` (the features beyond
``p = 1000`` carry no signal, so every value at ``p <= 1000`` is reference C's).

* :func:`curves` — the theory curves (cached): the dense min-norm risk and the risk of the dense
  model pruned to ``s`` weights by the oracle, Hessian and magnitude rules
  (:func:`overparam.theory.pruned_risk`); the implicit regularization ``zeta(p)``; the oracle-pruned
  risk split into floor, shrinkage bias and noise on the kept weights (from the auxiliary model of
  lesson 06); and the baselines: least squares on the ``s`` informative features (exact finite
  ``n``), the same small model with a tuned ridge penalty, and predicting zero.
* :func:`draw` — risk against ``p`` (log axes) with the baselines and, at reference C, cached
  simulations from :func:`overparam.experiments.pruning_sweep`; optionally a second panel with the
  anatomy of the oracle curve. :func:`make_explorer` puts sliders for ``s``, ``noise_var`` and
  ``tail_var`` on it; a redraw only evaluates closed forms (cached per setting), never a simulation.
* :func:`draw_anatomy` — ``zeta(p)`` and the shrinkage ``a = 1/(1 + zeta)`` next to the split of the
  oracle curve, with the four stages of the sparse double descent marked.
* :func:`draw_tails` — the oracle curve and ``zeta(p)`` for several weak-feature variances: the
  stronger the added features, the faster ``zeta`` grows, and the earlier (and worse) the best ``p``.
* :func:`draw_regime_map` — the regime map of the lesson: best prune-from-large risk over the small
  model's (:func:`overparam.theory.prune_vs_small_ratio`) against both baselines, the 1.0 contour
  drawn and the cells where both lose to predicting zero marked.

Used by lesson 07 (``lessons/07_sparse_double_descent.ipynb``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.colors import TwoSlopeNorm

from .. import plots, theory
from .._validate import as_float, as_float_array, as_int
from ..models import LinearProblem, spiked_problem
from . import Explorer, choice_slider, int_slider

__all__ = [
    "N",
    "D",
    "NOISE_CHOICES",
    "TAIL_CHOICES",
    "KEY_SIZES",
    "RULES",
    "problem",
    "model_sizes",
    "curves",
    "draw",
    "draw_anatomy",
    "draw_tails",
    "draw_regime_map",
    "make_explorer",
]

#: Training samples.
N = 100
#: Features in the universe (the largest dense model): 20 n.
D = 2000
#: Noise variances offered by the explorer (0.1 is reference C).
NOISE_CHOICES = (0.01, 0.03, 0.1, 0.3, 1.0)
#: Variances offered for the weak, signal-free features (0.05 is reference C; 1 is as strong as the informative ones).
TAIL_CHOICES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
#: Dense sizes that always lie on the curves (the lesson's table and reference C).
KEY_SIZES = (90, 120, 150, 200, 300, 400, 600, 1000, 2000)
#: Sizes next to the threshold, always on the curves so that they visibly leave the (clipped) window at
#: ``p = n`` instead of drawing a finite spike between two coarse grid points.
_NEAR_N = (N - 5, N - 2, N - 1, N + 1, N + 2, N + 5)
#: The pruning rules with a theory curve, in drawing order, with their legend names and colours.
RULES = {
    "oracle": ("oracle", plots.COLORS["oracle"]),
    "hessian": ("Hessian", plots.COLORS["hessian"]),
    "magnitude": ("magnitude", plots.COLORS["magnitude"]),
}
#: The settings of reference C, the only ones at which cached simulations are drawn.
_REFERENCE = (80, 0.1, 0.05)
_Y_TICKS = (0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0)
_X_TICKS = (10, 20, 50, 100, 200, 500, 1000, 2000)
_STAGE_COLOR = "#777777"
#: Log-spaced sizes per curve in the lesson's figures, and in the explorer (fewer: a redraw of a new
#: setting evaluates the closed forms at every size, so this keeps it well inside the 0.3 s budget).
_POINTS = 100
_EXPLORER_POINTS = 60


def problem(s: int = 80, noise_var: float = 0.1, tail_var: float = 0.05) -> LinearProblem:
    """The lesson's problem: ``s`` informative features, then weak ones of variance ``tail_var`` up to ``D``.

    Parameters
    ----------
    s : int
        Informative features (variance 1, coefficients ``1/sqrt(s)``), ``1 <= s <= N - 2`` (the
        small model needs ``s <= n - 2`` for a finite expected risk).
    noise_var : float
        Label noise ``sigma^2 >= 0``.
    tail_var : float
        Variance of the weak features, which carry no signal (``> 0``).

    Returns
    -------
    LinearProblem

    Examples
    --------
    >>> pb = problem()                                # reference C, up to d = 2000
    >>> pb.d, float(pb.eigs[80]), round(pb.signal, 6)
    (2000, 0.05, 1.0)
    """
    s = as_int(s, "s", minimum=1)
    if s > N - 2:
        raise ValueError(f"s must be at most n - 2 = {N - 2} (the small model needs s <= n - 2), got {s}")
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    tail_var = as_float(tail_var, "tail_var", minimum=0.0, strict=True)
    return spiked_problem(D, s, 1.0, tail_var, noise_var)


def model_sizes(s: int, points: int = 100) -> np.ndarray:
    """Dense sizes from ``s`` to ``D``, log-spaced, plus :data:`KEY_SIZES` and sizes next to ``N``, without ``p = N`` (infinite risk).

    Examples
    --------
    >>> ps = model_sizes(80)
    >>> int(ps[0]), int(ps[-1]), bool(N in ps), bool(400 in ps)
    (80, 2000, False, True)
    """
    s = as_int(s, "s", minimum=1)
    if s > D:
        raise ValueError(f"s must be at most D = {D}, got {s}")
    points = as_int(points, "points", minimum=2)
    ps = np.unique(np.round(np.geomspace(s, D, points)).astype(int))
    ps = np.union1d(np.union1d(ps, KEY_SIZES), _NEAR_N)
    return ps[(ps != N) & (ps >= s)]


def curves(s: int = 80, noise_var: float = 0.1, tail_var: float = 0.05) -> dict:
    """Theory curves and baselines of the lesson's figures (cached: revisiting a setting costs nothing).

    Returns
    -------
    dict
        ``p`` (sizes); ``dense``, ``oracle``, ``hessian``, ``magnitude`` (asymptotic risks, test
        MSE including noise, at each size); ``zeta`` (implicit regularization, 0 for ``p < n``,
        ``nan`` at ``p = n``); the oracle curve split as ``oracle = floor + bias + variance``:
        ``floor`` (noise plus signal left out, ``sigma^2`` here), ``bias`` (shrinkage of the kept
        weights, ``sum_{i in S} lambda_i (1 - a_i)^2 beta_i^2``) and ``variance`` (noise on the kept
        weights, ``sum_{i in S} a_i^2 tau^2 / n``); ``best`` (``{rule: (p, risk)}``, the best size
        beyond ``n`` on this grid); ``small`` (exact finite-n risk of least squares on the ``s``
        informative features), ``small_asymptotic`` (its limit ``sigma_S^2 n / (n - s)``),
        ``small_ridge`` (asymptotic risk of that small model with the best ridge penalty), ``null``
        (risk of predicting zero).

    Examples
    --------
    >>> c = curves()
    >>> j = list(c["p"]).index(400)
    >>> [round(float(c[r][j]), 3) for r in ("oracle", "hessian", "magnitude", "dense")]
    [0.311, 0.316, 0.446, 0.327]
    """
    pb = problem(s, noise_var, tail_var)  # validates
    return _copy(_curves(int(s), float(pb.noise_var), float(tail_var), _POINTS))


def _copy(cached: dict) -> dict:
    """A copy of a cached result that callers may change freely."""
    out = {}
    for key, value in cached.items():
        if isinstance(value, np.ndarray):
            out[key] = value.copy()
        elif isinstance(value, dict):
            out[key] = dict(value)
        else:
            out[key] = value
    return out


@lru_cache(maxsize=1024)
def _curves(s: int, noise_var: float, tail_var: float, points: int = _POINTS) -> dict:
    pb = problem(s, noise_var, tail_var)
    ps = model_sizes(s, points)
    args = (pb.eigs, pb.beta, pb.noise_var, N)
    support = np.arange(s)  # the oracle's support: the informative features come first
    tau2 = theory.effective_noise_level(*args, ps)  # = the dense risk
    out = {"p": ps, "dense": tau2}
    for rule in RULES:
        out[rule] = theory.pruned_risk(*args, ps, s, rule)
    # anatomy of the oracle curve, from the auxiliary model (lesson 06): kept weight i is
    # a_i (beta_i + tau g_i / sqrt(n lambda_i)), so it costs lambda_i (1 - a_i)^2 beta_i^2 + a_i^2 tau^2 / n
    zeta = np.array([theory.implicit_regularization(pb.eigs[:p], N) if p > N else 0.0 for p in ps])
    lam, b = pb.eigs[support], pb.beta[support]
    a = lam[None, :] / (lam[None, :] + zeta[:, None])
    out["zeta"] = zeta
    out["floor"] = np.array([pb.effective_noise(p) + float(np.sum(pb.eigs[s:p] * pb.beta[s:p] ** 2)) for p in ps])
    out["bias"] = np.sum(lam * (1.0 - a) ** 2 * b**2, axis=1)
    out["variance"] = np.sum(a**2, axis=1) * tau2 / N
    # best p beyond n: the best grid size, refined to the best integer size in (n, D]
    out["best"] = {rule: _best_size(args, s, rule, ps, out[rule]) for rule in RULES}
    out["best_zeta"] = float(theory.implicit_regularization(pb.eigs[: out["best"]["oracle"][0]], N))
    out["small"] = float(theory.small_model_risk(*args, support))
    out["small_asymptotic"] = float(theory.minnorm_risk(*args, s))  # p = s < n: sigma_S^2 n / (n - s)
    out["small_ridge"] = float(theory.small_model_ridge_risk(*args, support))
    out["null"] = float(pb.null_risk)
    for value in out.values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
    return out


def _best_size(args: tuple, s: int, rule: str, ps: np.ndarray, risks: np.ndarray) -> tuple:
    """The best integer size beyond ``N`` for one rule, from its curve on the grid ``ps``.

    Each curve has a single minimum beyond ``n``, so the best integer lies strictly between the grid
    neighbours of the best grid size. The bracket is narrowed on about ten sizes at a time until at
    most 24 integers are left, which are all evaluated (a few dozen evaluations instead of one per
    integer in a wide bracket: the coarse explorer grid has brackets of up to 200 integers).
    """
    over = ps > N
    j = int(np.argmin(np.where(over, risks, np.inf)))
    best = (int(ps[j]), float(risks[j]))
    lo = int(ps[j - 1]) + 1 if j > 0 and ps[j - 1] > N else N + 1
    hi = int(ps[j + 1]) - 1 if j + 1 < ps.size else int(ps[j])
    while hi - lo > 24:
        sub = np.unique(np.round(np.linspace(lo, hi, 10)).astype(int))
        sub_risks = np.atleast_1d(theory.pruned_risk(*args, sub, s, rule))
        k = int(np.argmin(sub_risks))
        if sub_risks[k] < best[1]:
            best = (int(sub[k]), float(sub_risks[k]))
        lo = int(sub[k - 1]) + 1 if k > 0 else lo
        hi = int(sub[k + 1]) - 1 if k + 1 < sub.size else hi
        if not lo <= best[0] <= hi:  # the best so far is a grid size just outside: keep it in the bracket
            lo, hi = min(lo, best[0]), max(hi, best[0])
    found = theory.best_pruning_size(*args, s, rule, np.arange(lo, hi + 1))
    return found if found[1] <= best[1] else best


def _is_reference(s, noise_var, tail_var) -> bool:
    return bool(s == _REFERENCE[0] and np.isclose(noise_var, _REFERENCE[1]) and np.isclose(tail_var, _REFERENCE[2]))


def _check_simulations(simulations) -> dict:
    if simulations is None:
        return {}
    if not isinstance(simulations, dict):
        raise TypeError(
            "simulations must be the dict returned by overparam.experiments.pruning_sweep, "
            f"got {type(simulations).__name__}"
        )
    for key, summary in simulations.items():
        if not all(hasattr(summary, a) for a in ("x", "values", "median", "q25", "q75", "n_trials")):
            raise TypeError(f"simulations[{key!r}] must be an overparam.experiments.Summary, got {type(summary).__name__}")
    return simulations


def _finite(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return x[np.isfinite(x)]


def _log_ticks(ax, ylim, xlim) -> None:
    """Plain tick labels, no minor ticks (cheaper to redraw than mathtext labels on log axes)."""
    ax.minorticks_off()
    xticks = [t for t in _X_TICKS if xlim[0] <= t <= xlim[1]]
    ax.set_xticks(xticks, [str(t) for t in xticks])
    ax.set_xlim(*xlim)
    decades = np.log10(ylim[1] / ylim[0])
    if decades > 3:
        choices = [10.0**k for k in range(-4, 4)]
    elif decades > 1.5:
        choices = [m * 10.0**k for k in range(-4, 4) for m in (1, 3)]
    else:
        choices = _Y_TICKS
    yticks = [t for t in choices if ylim[0] <= t <= ylim[1]]
    ax.set_yticks(yticks, [f"{t:g}" for t in yticks])
    ax.set_ylim(*ylim)


def _risk_panel(ax, c: dict, s: int, simulations: dict, show_sims: bool, compact: bool = False) -> None:
    ps = c["p"]
    for rule, (name, color) in RULES.items():
        plots.theory_line(ax, ps, c[rule], label=f"pruned: {name}", color=color)
    # dotted, so that it is not mistaken for the (sky blue) Hessian curve where the two nearly coincide
    plots.theory_line(ax, ps, c["dense"], label="dense, not pruned", color=plots.COLORS["dense"],
                      linewidth=2.0, linestyle=":")
    ax.axhline(c["small"], color=plots.COLORS["small"], linewidth=2.2,
               label=f"small model, least squares ({c['small']:.3f}, exact)")
    ax.axhline(c["small_ridge"], color=plots.COLORS["small"], linestyle="--", linewidth=1.8,
               label=f"small model, tuned ridge ({c['small_ridge']:.3f})")
    p_best, r_best = c["best"]["oracle"]
    ax.plot([p_best], [r_best], marker="*", markersize=16, color=plots.COLORS["oracle"], markeredgecolor="black",
            linestyle="none", label=f"oracle's best p = {p_best} ({r_best:.3f})", zorder=5)
    sim_values = []
    if show_sims:
        for (rule, (_, color)), marker, size in zip(RULES.items(), ("o", "s", "D"), (8, 6, 6)):
            summary = simulations.get(rule)
            if summary is not None:
                name = rule.replace("hessian", "Hessian")
                plots.simulation_points(ax, summary, label=f"{name}, simulation", color=color, marker=marker,
                                        markeredgecolor="black", markersize=size)
                sim_values.append(summary.median)
        summary = simulations.get("magnitude+retrain")
        if summary is not None:
            plots.simulation_points(ax, summary, label="magnitude + retraining, simulation only",
                                    color=plots.COLORS["magnitude"], marker="s", markerfacecolor="white",
                                    markersize=7, markeredgewidth=1.8)
    # in the explorer the dashed line at the tick p = 100 speaks for itself: one legend entry less to render
    plots.mark_threshold(ax, at=N, label=None if compact else f"threshold p = n = {N}")
    far = ps >= 1.5 * N
    upper = [_finite(c[r][far]) for r in RULES]
    top = max(3.0 * c["small_asymptotic"], 1.3 * max(float(u.max()) for u in upper if u.size))
    low = 0.65 * min(c["small_ridge"], float(_finite(c["oracle"]).min()))
    plots.finish(ax, "dense model size p (first p features; log scale)", "risk: test MSE incl. noise (y clipped)",
                 logx=True, logy=True, legend=False)
    _log_ticks(ax, (low, top), (0.92 * s, 1.08 * D))


def _stage_marks(ax, c: dict, s: int, ylim) -> None:
    """Number the four stages on the oracle curve: 1 p = s, 2 s < p < n, 3 p near n, 4 p > n (at the best p)."""
    ps, risk = c["p"], c["oracle"]
    p_best, r_best = c["best"]["oracle"]
    p2 = int(round(s + 0.5 * (N - s)))  # halfway between s and n
    j2 = int(np.argmin(np.abs(ps - p2)))
    r3 = ylim[1] / 1.25
    marks = [
        ("1", s, float(risk[0]), (-15, 0)),
        ("2", int(ps[j2]), float(risk[j2]), (-15, 3)),
        ("3", N, r3, (16, 0)),
        ("4", p_best, r_best, (0, 20)),
    ]
    if N - s < 6:  # no room for stage 2: s is close to n
        marks.pop(1)
    box = {"boxstyle": "circle,pad=0.2", "facecolor": "white", "edgecolor": _STAGE_COLOR, "lw": 1.5}
    for text, x, y, offset in marks:
        if text != "3":
            ax.plot([x], [y], "o", color="black", markersize=5, zorder=6)
        ax.annotate(text, (x, y), xytext=offset, textcoords="offset points", ha="center", va="center",
                    fontsize=12, fontweight="bold", color="black", bbox=box, zorder=6)
    key = "1  p = s: the small model\n2  s < p < n: noise grows\n3  p → n: the peak\n4  p > n: implicit ridge ζ(p)"
    ax.text(0.98, 0.97, key, transform=ax.transAxes, ha="right", va="top", fontsize=11, multialignment="left",
            bbox={"facecolor": "white", "edgecolor": _STAGE_COLOR, "alpha": 0.9})
    ax.axvline(p_best, color=plots.COLORS["oracle"], linestyle=":", linewidth=1.8)


def _anatomy_panel(ax, c: dict, s: int, stages: bool = True) -> None:
    ps = c["p"]
    plots.theory_line(ax, ps, c["oracle"], label="oracle-pruned risk = sum of the three below", color=plots.COLORS["oracle"])
    plots.theory_line(ax, ps, np.where(c["bias"] > 0, c["bias"], np.nan),
                      label="shrinkage bias of the kept weights", color=plots.COLORS["dense"], linestyle="--")
    plots.theory_line(ax, ps, c["variance"], label="noise on the kept weights",
                      color=plots.COLORS["variance"], linestyle="-.")
    plots.theory_line(ax, ps, c["floor"], label="floor: label noise σ²",
                      color=plots.COLORS["threshold"], linestyle=":")
    plots.mark_threshold(ax, at=N, label=None)
    p_best = c["best"]["oracle"][0]
    far = ps >= 1.5 * N
    j_best = int(np.argmin(np.abs(ps - p_best)))  # the grid size nearest the best p
    top = max(3.0 * c["small_asymptotic"], 1.3 * float(_finite(c["oracle"][far]).max()))
    parts = [float(_finite(c["floor"]).min()), float(_finite(c["variance"][far]).min())]
    if c["bias"][j_best] > 0:
        parts.append(float(c["bias"][j_best]))
    low = 0.3 * min(parts)
    plots.finish(ax, "dense model size p (log scale)", "risk and its parts (y clipped)",
                 title=f"Anatomy of the oracle curve: best p = {p_best}, ζ = {c['best_zeta']:.2f}",
                 logx=True, logy=True, legend=False)
    ylim = (low, top)
    _log_ticks(ax, ylim, ((0.8 if stages else 0.92) * s, 1.08 * D))
    if stages:
        _stage_marks(ax, c, s, ylim)


def draw(s: int = 80, noise_var: float = 0.1, tail_var: float = 0.05, simulations=None, anatomy: bool = True):
    """Risk against the dense size ``p`` for the rules and the baselines; optionally the anatomy panel.

    Parameters
    ----------
    s, noise_var, tail_var
        See :func:`problem`.
    simulations : dict of Summary, optional
        The result of :func:`overparam.experiments.pruning_sweep` on reference C (``s = 80``,
        ``noise_var = 0.1``, ``tail_var = 0.05``, ``n = N``); its ``"oracle"``, ``"hessian"``,
        ``"magnitude"`` and ``"magnitude+retrain"`` entries are drawn as markers (medians with
        quartile bars) only at those settings.
    anatomy : bool
        Add a right-hand panel splitting the oracle curve into floor, shrinkage bias and noise on
        the kept weights, with the four stages marked (see :func:`draw_anatomy`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    return _draw(s, noise_var, tail_var, _check_simulations(simulations), anatomy, _POINTS)


def _draw(s: int, noise_var: float, tail_var: float, simulations: dict, anatomy: bool, points: int):
    """:func:`draw` with the number of log-spaced sizes per curve (fewer in the explorer)."""
    pb = problem(s, noise_var, tail_var)  # validates
    c = _curves(int(s), float(pb.noise_var), float(tail_var), points)  # read-only arrays, not changed here
    show_sims = bool(simulations) and _is_reference(s, noise_var, tail_var)
    if anatomy:
        fig, (ax, bx) = plots.new_figure(ncols=2, width=7.5, height=6.2)
    else:
        fig, ax = plots.new_figure(width=12.0, height=8.0)
    _risk_panel(ax, c, s, simulations, show_sims, compact=anatomy)
    title = f"pruned to s = {s} weights; σ² = {noise_var:g}, weak-feature variance {tail_var:g}"
    ax.set_title(title if anatomy else f"The sparse double descent: n = {N}, {title}", fontsize=14)
    if anatomy:
        _anatomy_panel(bx, c, s, stages=False)
        # fixed axes positions instead of constrained layout: a redraw stays within the 0.3 s budget
        fig.set_layout_engine("none")
        ax.set_position([0.055, 0.34, 0.405, 0.58])
        bx.set_position([0.56, 0.34, 0.405, 0.58])
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncols=2, fontsize=11)
        bx.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), fontsize=11)
    else:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.11), ncols=2, fontsize=11)
    return fig


def draw_anatomy(s: int = 80, noise_var: float = 0.1, tail_var: float = 0.05):
    """The four stages of the sparse double descent: ``zeta(p)`` and shrinkage, and the split oracle curve.

    Left: the implicit regularization ``zeta(p)`` of the dense min-norm model (0 below ``n``) and the
    shrinkage ``a = 1/(1 + zeta)`` of each kept (informative) weight. Right: the oracle-pruned risk
    split into floor, shrinkage bias and noise on the kept weights (:func:`curves`), with the stages
    I (``p = s``), II (``s < p < n``), III (``p`` near ``n``) and IV (``p > n``) and the best ``p``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    c = curves(s, noise_var, tail_var)
    ps = c["p"]
    fig, (ax, bx) = plots.new_figure(ncols=2, width=7.5, height=5.8)
    zeta = np.where(ps > N, c["zeta"], np.where(ps < N, 0.0, np.nan))
    plots.theory_line(ax, ps, zeta, label="implicit regularization ζ(p)", color=plots.COLORS["dense"])
    plots.theory_line(ax, ps, 1.0 / (1.0 + zeta), label="shrinkage of a kept weight a = 1/(1 + ζ)",
                      color=plots.COLORS["oracle"], linestyle="--")
    plots.mark_threshold(ax, at=N, label=f"p = n = {N}")
    p_best = c["best"]["oracle"][0]
    ax.axvline(p_best, color=plots.COLORS["oracle"], linestyle=":", linewidth=1.8, label=f"best p = {p_best}")
    plots.finish(ax, "dense model size p (log scale)", "ζ  and  a", title=f"Implicit ridge grows with p (weak-feature variance {tail_var:g})",
                 logx=True, legend=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=11)
    ax.title.set_fontsize(13)
    ax.minorticks_off()
    xticks = [t for t in _X_TICKS if 0.8 * s <= t <= 1.08 * D]
    ax.set_xticks(xticks, [str(t) for t in xticks])
    ax.set_xlim(0.8 * s, 1.08 * D)
    ax.set_ylim(0.0, max(1.6, 1.1 * float(np.nanmax(zeta))))
    _anatomy_panel(bx, c, s, stages=True)
    bx.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=11)
    bx.title.set_fontsize(13)
    return fig


def draw_tails(tails=(0.01, 0.05, 0.2, 1.0), s: int = 80, noise_var: float = 0.1):
    """The oracle curve and ``zeta(p)`` for several weak-feature variances, best ``p`` marked.

    Parameters
    ----------
    tails : sequence of float
        Weak-feature variances, each ``> 0`` (at most six).
    s, noise_var
        See :func:`problem`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    tails = as_float_array(tails, "tails", ndim=1)
    if tails.size == 0 or tails.size > 6 or np.any(tails <= 0):
        raise ValueError(f"tails must hold one to six positive variances, got {tails.tolist()}")
    colors = [plots.PALETTE[k] for k in ("sky", "green", "orange", "vermillion", "purple", "black")]
    fig, (ax, bx) = plots.new_figure(ncols=2, width=7.5, height=5.8)
    first = None
    lows, tops = [], []
    for tail, color in zip(tails, colors):
        c = curves(s, noise_var, float(tail))
        first = first or c
        ps = c["p"]
        p_best, r_best = c["best"]["oracle"]
        plots.theory_line(ax, ps, c["oracle"], label=f"weak-feature variance {tail:g}: best p = {p_best}", color=color)
        ax.plot([p_best], [r_best], "*", color=color, markersize=16, markeredgecolor="black", zorder=5)
        zeta = np.where(ps > N, c["zeta"], np.where(ps < N, 0.0, np.nan))
        plots.theory_line(bx, ps, zeta, label=f"variance {tail:g}", color=color)
        bx.plot([p_best], [c["best_zeta"]], "*", color=color, markersize=16, markeredgecolor="black", zorder=5)
        lows.append(float(_finite(c["oracle"]).min()))
        tops.append(float(_finite(c["oracle"][ps >= 1.5 * N]).max()))
    ax.axhline(first["small"], color=plots.COLORS["small"], linewidth=2.2, label=f"small model, least squares ({first['small']:.3f})")
    ax.axhline(first["small_ridge"], color=plots.COLORS["small"], linestyle="--", linewidth=1.8,
               label=f"small model + tuned ridge ({first['small_ridge']:.3f})")
    plots.mark_threshold(ax, at=N, label=None)
    plots.mark_threshold(bx, at=N, label=None)
    ylim = (0.8 * min(lows + [first["small_ridge"]]), max(3.0 * first["small_asymptotic"], 1.1 * max(tops)))
    plots.finish(ax, "dense model size p (log scale)", "oracle-pruned risk (incl. noise; y clipped)",
                 title=f"s = {s}, σ² = {noise_var:g}: stars = best p", logx=True, logy=True, legend=False)
    _log_ticks(ax, ylim, (0.92 * s, 1.08 * D))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=11)
    plots.finish(bx, "dense model size p (log scale)", "implicit regularization ζ(p)",
                 title="How fast the added features raise ζ", logx=True, legend=False)
    bx.minorticks_off()
    xticks = [t for t in _X_TICKS if 0.92 * s <= t <= 1.08 * D]
    bx.set_xticks(xticks, [str(t) for t in xticks])
    bx.set_xlim(0.92 * s, 1.08 * D)
    bx.set_ylim(0.0, 2.0)
    bx.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=11, ncols=2)
    return fig


def _edges_to_centres(edges: np.ndarray, log: bool) -> np.ndarray:
    return np.sqrt(edges[:-1] * edges[1:]) if log else 0.5 * (edges[:-1] + edges[1:])


def draw_regime_map(
    s_edges=None,
    snr_edges=None,
    method: str = "oracle",
    table_s=(0.1, 0.3, 0.5, 0.7, 0.9),
    table_snr=(0.25, 1.0, 4.0, 16.0),
    n: int = N,
    tail_var: float = 0.05,
    d: int = 3000,
):
    """The regime map: best prune-from-large risk over the small model's, against both baselines.

    For every cell ``(s/n, SNR)`` of a grid, :func:`overparam.theory.prune_vs_small_ratio` gives the
    best pruned risk over ``p > n`` divided by (left) least squares on the ``s`` informative features
    and (right) that small model with a tuned ridge penalty (noise ``sigma^2 = 1``, ``s``
    informative features of variance 1 and equal coefficients, a zero-signal tail of variance
    ``tail_var`` up to ``d``). Colour: the ratio on a log scale, centred at 1 (purple: pruning wins,
    orange: it loses); black line: the 1.0 contour; ``x``: cells where both the pruned model and
    the small model lose to predicting zero (risk ``sigma^2 + ||beta||^2``); numbers: the ratio at
    the cells of the course's reference table (``table_s`` x ``table_snr``).

    Parameters
    ----------
    s_edges : array_like, optional
        Cell edges in ``s/n`` (default: 19 cells centred at 0.05, 0.10, ..., 0.95).
    snr_edges : array_like, optional
        Cell edges in SNR, positive (default: 30 log-spaced cells from 0.1 to 100).
    method : {"oracle", "hessian", "magnitude"}
        Pruning rule.
    table_s, table_snr : sequence of float
        The cells annotated with their value.
    n, tail_var, d
        As :func:`overparam.theory.prune_vs_small_ratio`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    maps : dict
        ``"s_over_n"``, ``"snr"`` (cell centres), ``"least_squares"`` and ``"ridge"`` (the ratio
        per cell, shape ``(len(s_over_n), len(snr))``) and ``"both_lose"`` (boolean, same shape).
    """
    s_edges = np.linspace(0.025, 0.975, 20) if s_edges is None else as_float_array(s_edges, "s_edges", ndim=1)
    snr_edges = np.geomspace(0.1, 100.0, 31) if snr_edges is None else as_float_array(snr_edges, "snr_edges", ndim=1)
    if s_edges.size < 2 or np.any(np.diff(s_edges) <= 0):
        raise ValueError("s_edges must be at least two increasing values")
    if snr_edges.size < 2 or np.any(np.diff(snr_edges) <= 0) or snr_edges[0] <= 0:
        raise ValueError("snr_edges must be at least two increasing positive values")
    s_c = np.round(_edges_to_centres(s_edges, log=False), 6)
    snr_c = _edges_to_centres(snr_edges, log=True)
    grid = (s_c[:, None], snr_c[None, :])
    kwargs = {"n": n, "tail_var": tail_var, "d": d, "methods": (method,)}
    ls = theory.prune_vs_small_ratio(*grid, baseline="least_squares", **kwargs)
    ridge = theory.prune_vs_small_ratio(*grid, baseline="ridge", **kwargs)
    both_lose = (ls["null"] <= 1.0) & (ls["null"] <= ls[method])
    maps = {"s_over_n": s_c, "snr": snr_c, "least_squares": ls[method], "ridge": ridge[method], "both_lose": both_lose}

    t_s, t_snr = np.asarray(table_s, dtype=float), np.asarray(table_snr, dtype=float)
    table_s_sorted = np.sort(t_s)
    table_ls = theory.prune_vs_small_ratio(t_s[:, None], t_snr[None, :], baseline="least_squares", **kwargs)[method]
    table_ridge = theory.prune_vs_small_ratio(t_s[:, None], t_snr[None, :], baseline="ridge", **kwargs)[method]

    lo = min(float(np.min(maps["least_squares"])), 0.9)
    hi = max(float(np.max(maps["least_squares"])), float(np.max(maps["ridge"])), 1.1)
    norm = TwoSlopeNorm(vmin=np.log10(lo), vcenter=0.0, vmax=np.log10(hi))
    fig, axes = plots.new_figure(ncols=2, width=7.0, height=5.6)
    titles = ("÷ small model, least squares", "÷ small model, tuned ridge")
    for ax, key, table, title in zip(axes, ("least_squares", "ridge"), (table_ls, table_ridge), titles):
        ratio = maps[key]
        mesh = ax.pcolormesh(snr_edges, s_edges, np.log10(ratio), cmap="PuOr_r", norm=norm, shading="flat")
        if np.nanmin(ratio) < 1.0 < np.nanmax(ratio):
            contour = ax.contour(snr_c, s_c, ratio, levels=[1.0], colors="black", linewidths=2.5)
            # label the contour where it crosses the middle of the map (manual placement, no interaction)
            k = int(np.argmin(np.abs(s_c - 0.5)))
            j = int(np.argmin(np.abs(ratio[k] - 1.0)))
            ax.clabel(contour, fmt={1.0: "1.0"}, fontsize=12, manual=[(snr_c[j], s_c[k])])
        else:
            # between the first two rows of value boxes (mid-height if there are fewer), so it hides none of them
            y_note = 0.5 * (table_s_sorted[0] + table_s_sorted[1]) if len(table_s_sorted) > 1 else 0.5 * (s_edges[0] + s_edges[-1])
            ax.text(0.5, y_note, f"no 1.0 contour: ratio ≥ {np.min(ratio):.2f} everywhere",
                    transform=ax.get_yaxis_transform(), ha="center", va="center", fontsize=12,
                    bbox={"facecolor": "white", "alpha": 0.9, "lw": 0})
        if key == "least_squares" and np.any(both_lose):
            i, j = np.nonzero(both_lose)
            ax.plot(snr_c[j], s_c[i], "x", color="black", markersize=6, markeredgewidth=1.5,
                    label="both lose to predicting zero")
            ax.legend(loc="lower right", fontsize=10, frameon=True)
        for a, sv in enumerate(t_s):
            for b, snr in enumerate(t_snr):
                ax.text(snr, sv, f"{table[a, b]:.2f}", ha="center", va="center", fontsize=10,
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.85, "lw": 0})
        ax.set_xscale("log")
        ax.set_xlim(snr_edges[0], snr_edges[-1])
        ax.set_ylim(s_edges[0], s_edges[-1])
        ax.grid(False)
        ax.minorticks_off()
        xticks = [t for t in (0.1, 0.3, 1, 3, 10, 30, 100) if snr_edges[0] <= t <= snr_edges[-1]]
        ax.set_xticks(xticks, [f"{t:g}" for t in xticks])
        ax.set_xlabel("SNR = ‖β‖² / σ²  (log scale)")
        ax.set_ylabel("kept weights s / n")
        ax.set_title(f"best pruned risk ({method}, p > n) {title}", fontsize=12)
    bar = fig.colorbar(mesh, ax=list(axes), shrink=0.9, pad=0.02)
    ticks = [t for t in (0.05, 0.1, 0.2, 0.5, 1.0, 1.1, 1.25, 1.5, 2.0) if lo <= t <= hi]
    bar.set_ticks(np.log10(ticks), labels=[f"{t:g}" for t in ticks])
    bar.set_label("risk ratio (below 1: train large, then prune, wins)")
    fig.suptitle(f"n = {n}, σ² = 1, s informative features of variance 1, zero-signal tail of variance {tail_var:g} up to d = {d}",
                 fontsize=12)
    return fig, maps


def make_explorer(simulations=None, s: int = 80, noise_var: float = 0.1, tail_var: float = 0.05) -> Explorer:
    """The explorer of lesson 07: sliders for ``s``, the noise and the weak-feature variance.

    Parameters
    ----------
    simulations : dict of Summary, optional
        Cached result of :func:`overparam.experiments.pruning_sweep` on reference C, drawn only at
        ``s = 80``, ``noise_var = 0.1``, ``tail_var = 0.05`` (see :func:`draw`). Nothing is
        simulated when the explorer is built or redrawn.
    s : int
        Initial number of kept weights (= informative features), a multiple of 5 in ``10..95``.
    noise_var : float
        Initial noise variance, one of :data:`NOISE_CHOICES`.
    tail_var : float
        Initial variance of the weak features, one of :data:`TAIL_CHOICES`.

    Returns
    -------
    Explorer
        Controls ``s``, ``noise_var`` and ``tail_var``; by default at reference C.

    Examples
    --------
    >>> explorer = make_explorer()
    >>> explorer.values
    {'s': 80, 'noise_var': 0.1, 'tail_var': 0.05}
    """
    cache = _check_simulations(simulations)
    s = as_int(s, "s", minimum=10)
    if s > 95 or s % 5:
        raise ValueError(f"s must be a multiple of 5 between 10 and 95, got {s}")
    for name, value, choices in (("noise_var", noise_var, NOISE_CHOICES), ("tail_var", tail_var, TAIL_CHOICES)):
        as_float(value, name)
        if value not in choices:
            raise ValueError(f"{name} must be one of {choices}, got {value}")

    # The curves of every setting are cached (first visit: about 0.05 s of closed forms, then the
    # ~0.15 s PNG render). Warm the weak-feature-variance row of the starting s and noise, the
    # lesson's first "Try", at build time (about 0.3 s); the whole 630-setting grid would take ~30 s.
    for tail in TAIL_CHOICES:
        _curves(s, float(noise_var), float(tail), _EXPLORER_POINTS)

    def _redraw(s: int, noise_var: float, tail_var: float):
        return _draw(s, noise_var, tail_var, cache, True, _EXPLORER_POINTS)

    controls = {
        "s": int_slider("kept weights s (= informative features)", 10, 95, 5, s),
        "noise_var": choice_slider("noise σ²", list(NOISE_CHOICES), noise_var),
        "tail_var": choice_slider("weak-feature variance", list(TAIL_CHOICES), tail_var),
    }
    return Explorer(_redraw, controls)
