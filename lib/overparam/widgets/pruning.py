"""Explorer and figures of lesson 05: train the small model, or train a large one and prune it?

The problem family generalizes reference C of :mod:`overparam.theory`: ``n = 100`` training
samples; ``s`` informative features of variance 1 that carry all the signal (coefficients
``1/sqrt(s)``, signal power 1), then weak features of variance ``tail_var`` that carry none, up to
``d = 1000`` (:func:`overparam.models.spiked_problem`); label noise ``noise_var``. With ``s = 80``,
``noise_var = 0.1`` and ``tail_var = 0.05`` it is :func:`overparam.models.pruning_showcase_problem`.

The explorer draws, against the dense model size ``p`` (the first ``p`` features), the asymptotic
risk of the min-norm model pruned to ``s`` weights without retraining by each rule of
:func:`overparam.theory.pruned_risk` (oracle, Hessian, magnitude), the dense model
(:func:`overparam.theory.minnorm_risk`) and two small-model baselines: least squares on the ``s``
informative features (:func:`overparam.theory.small_model_risk`, exact finite ``n``) and that
small model with a tuned ridge penalty (:func:`overparam.theory.small_model_ridge_risk`). A second
panel shows the risks at one chosen ``p`` side by side. Cached simulations (from
:func:`overparam.experiments.pruning_sweep`) are drawn only at the settings they were computed
for. A redraw only evaluates closed forms (cached per setting); it never simulates.

:func:`draw_kept` draws what magnitude and Hessian pruning keep on one trained model (lesson 05,
section 2).

Used by lesson 05 (``lessons/05_train_small_or_prune_large.ipynb``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import plots, theory
from .._validate import as_float, as_float_array, as_int
from ..models import LinearProblem, spiked_problem
from . import Explorer, choice_slider, int_slider

__all__ = [
    "N",
    "D",
    "NOISE_CHOICES",
    "TAIL_CHOICES",
    "P_CHOICES",
    "RULES",
    "problem",
    "model_sizes",
    "curves",
    "draw",
    "draw_kept",
    "make_explorer",
]

#: Training samples.
N = 100
#: Features in the universe (the largest dense model).
D = 1000
#: Noise variances offered by the explorer (0.1 is reference C).
NOISE_CHOICES = (0.01, 0.03, 0.1, 0.3, 1.0)
#: Variances offered for the weak, signal-free features (0.05 is reference C; 1 is a flat spectrum).
TAIL_CHOICES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
#: Dense model sizes offered for the side-by-side panel (all beyond the threshold ``p = n``).
P_CHOICES = (120, 150, 200, 300, 400, 600, 1000)
#: The pruning rules with a theory curve, in drawing order, with their legend names and colours.
RULES = {
    "oracle": ("oracle", plots.COLORS["oracle"]),
    "hessian": ("Hessian (√λᵢ·|ŵᵢ|)", plots.COLORS["hessian"]),
    "magnitude": ("magnitude (|ŵᵢ|)", plots.COLORS["magnitude"]),
}
#: The settings of reference C, the only ones at which cached simulations are drawn.
_REFERENCE = (80, 0.1, 0.05)
_Y_TICKS = (0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 2.0, 3.0, 5.0, 10.0)


def problem(s: int = 80, noise_var: float = 0.1, tail_var: float = 0.05) -> LinearProblem:
    """The lesson's problem with ``s`` informative features, noise ``noise_var``, weak variance ``tail_var``.

    Parameters
    ----------
    s : int
        Informative features (variance 1, coefficient ``1/sqrt(s)``), ``1 <= s <= N - 2``.
    noise_var : float
        Label noise variance ``sigma^2 >= 0``.
    tail_var : float
        Variance ``> 0`` of the ``D - s`` weak features (coefficient 0).

    Returns
    -------
    LinearProblem

    Examples
    --------
    >>> pb = problem()
    >>> pb.d, float(pb.eigs[79]), float(pb.eigs[80]), pb.noise_var
    (1000, 1.0, 0.05, 0.1)
    """
    s = as_int(s, "s", minimum=1)
    if s > N - 2:
        raise ValueError(f"s must be at most n - 2 = {N - 2} (the small model needs s <= n - 2), got {s}")
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    tail_var = as_float(tail_var, "tail_var", minimum=0.0, strict=True)
    return spiked_problem(D, s, 1.0, tail_var, noise_var)


def model_sizes(s: int, points: int = 120) -> np.ndarray:
    """Dense model sizes from ``s`` to ``D``, roughly log-spaced, without ``p = N`` (infinite risk).

    Examples
    --------
    >>> ps = model_sizes(80)
    >>> int(ps[0]), int(ps[-1]), bool(N in ps)
    (80, 1000, False)
    """
    s = as_int(s, "s", minimum=1)
    if s > D:
        raise ValueError(f"s must be at most D = {D}, got {s}")
    points = as_int(points, "points", minimum=2)
    ps = np.unique(np.round(np.geomspace(s, D, points)).astype(int))
    ps = np.union1d(ps, P_CHOICES)  # the side panel's sizes lie exactly on the curves
    return ps[(ps != N) & (ps >= s)]


def curves(s: int = 80, noise_var: float = 0.1, tail_var: float = 0.05) -> dict:
    """Theory curves and baselines of the explorer (cached: revisiting a setting costs nothing).

    Returns
    -------
    dict
        ``p`` (sizes); ``dense``, ``oracle``, ``hessian``, ``magnitude`` (asymptotic risks, test
        MSE including noise, at each size); ``small`` (exact finite-n risk of least squares on the
        ``s`` informative features), ``small_asymptotic`` (its ``n -> infinity`` limit
        ``sigma_S^2 n / (n - s)``), ``small_ridge`` (asymptotic risk of that small model with the
        best ridge penalty); ``null`` (risk of predicting zero).

    Examples
    --------
    >>> c = curves()
    >>> round(c["small"], 3), round(c["small_asymptotic"], 3)
    (0.521, 0.5)
    """
    pb = problem(s, noise_var, tail_var)  # validates
    cached = _curves(int(s), float(pb.noise_var), float(tail_var))
    return {key: (value.copy() if isinstance(value, np.ndarray) else value) for key, value in cached.items()}


@lru_cache(maxsize=256)
def _curves(s: int, noise_var: float, tail_var: float) -> dict:
    pb = problem(s, noise_var, tail_var)
    ps = model_sizes(s)
    args = (pb.eigs, pb.beta, pb.noise_var, N)
    support = np.arange(s)
    out = {"p": ps, "dense": theory.minnorm_risk(*args, ps)}
    for rule in RULES:
        out[rule] = theory.pruned_risk(*args, ps, s, rule)
    out["small"] = theory.small_model_risk(*args, support)
    out["small_asymptotic"] = float(theory.minnorm_risk(*args, s))  # p = s < n: sigma_S^2 n / (n - s)
    out["small_ridge"] = float(theory.small_model_ridge_risk(*args, support))
    out["null"] = pb.null_risk
    return out


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
        if not (hasattr(summary, "x") and hasattr(summary, "values") and hasattr(summary, "median")):
            raise TypeError(f"simulations[{key!r}] must be an overparam.experiments.Summary, got {type(summary).__name__}")
    return simulations


def draw(s: int = 80, noise_var: float = 0.1, tail_var: float = 0.05, p: int = 400, simulations=None):
    """Risk of each pruning rule against the dense size ``p``, and side by side at one ``p``.

    Parameters
    ----------
    s, noise_var, tail_var
        See :func:`problem`.
    p : int
        Dense model size of the right-hand panel, one of :data:`P_CHOICES`.
    simulations : dict of Summary, optional
        The result of :func:`overparam.experiments.pruning_sweep` on reference C (``s = 80``,
        ``noise_var = 0.1``, ``tail_var = 0.05``, ``n = N``); drawn as markers (means with ±1
        standard error, like the lesson's table) only at those settings.

    Returns
    -------
    matplotlib.figure.Figure
    """
    p = as_int(p, "p", minimum=1)
    if p not in P_CHOICES:
        raise ValueError(f"p must be one of {P_CHOICES}, got {p}")
    simulations = _check_simulations(simulations)
    c = curves(s, noise_var, tail_var)
    show_sims = bool(simulations) and _is_reference(s, noise_var, tail_var)
    fig, (ax, bx) = plots.new_figure(ncols=2, width=7.5, height=6.2)

    # left: theory curves against p (log axes), cached simulations as markers
    plots.theory_line(ax, c["p"], c["dense"], label="dense min-norm model (not pruned)", color=plots.COLORS["dense"],
                      linewidth=1.8)
    for rule, (name, color) in RULES.items():
        plots.theory_line(ax, c["p"], c[rule], label=f"pruned: {name}", color=color)
    ax.axhline(c["small"], color=plots.COLORS["small"], linewidth=2.2,
               label=f"small model: least squares on the s features ({c['small']:.3f})")
    ax.axhline(c["small_ridge"], color=plots.COLORS["small"], linestyle="--", linewidth=1.8,
               label=f"small model + tuned ridge ({c['small_ridge']:.3f})")
    ax.axvline(p, color=plots.PALETTE["black"], linestyle=":", linewidth=1.5, label="p shown on the right")
    if show_sims:
        # markers at the simulated sizes themselves (a nudge would misplace them on the steep part of
        # the curves); distinct shapes and sizes keep coinciding ones visible
        for (rule, (_, color)), marker, size in zip(RULES.items(), ("o", "s", "D"), (8, 5, 5)):
            summary = simulations.get(rule)
            if summary is not None:
                plots.simulation_points(ax, summary, label=f"{rule.replace('hessian', 'Hessian')}, simulation",
                                        color=color, stat="mean", marker=marker, markeredgecolor="black",
                                        markersize=size)
    plots.mark_threshold(ax, at=N, label=None)
    low = min(float(np.nanmin(np.where(np.isfinite(c["oracle"]), c["oracle"], np.nan))), c["small_ridge"])
    top = max(1.6 * c["small"], 1.15 * c["null"])
    ylim = (0.8 * low, top)
    plots.finish(ax, "dense model size p (first p features)", "risk (test MSE incl. noise; y clipped)",
                 title=f"s = {s}, σ² = {noise_var:g}, weak-feature variance {tail_var:g}",
                 logx=True, logy=True, ylim=ylim, legend=False)
    # plain tick labels, no minor ticks: cheaper to redraw than mathtext labels on log axes
    ax.minorticks_off()
    xticks = [t for t in (s, 100, 200, 400, 1000) if t >= s]
    ax.set_xticks(xticks, [str(t) for t in xticks])
    yticks = [t for t in _Y_TICKS if ylim[0] <= t <= ylim[1]]
    ax.set_yticks(yticks, [f"{t:g}" for t in yticks])
    ax.text(N * 1.03, ylim[0] * 1.04, f"p = n = {N}", color=plots.COLORS["threshold"], fontsize=11, va="bottom")

    # right: the risks at the chosen p side by side (bars: theory), the baselines as lines
    j = int(np.flatnonzero(c["p"] == p)[0])
    names = ["oracle", "hessian", "magnitude", "dense"]
    labels = ["oracle", "Hessian", "magnitude", "dense\n(not pruned)"]
    colors = [RULES[r][1] for r in names[:3]] + [plots.COLORS["dense"]]
    values = [c[r][j] for r in names]
    xs = np.arange(len(names))
    bx.bar(xs, values, color=colors, width=0.6, alpha=0.85)
    for x, v in zip(xs, values):
        bx.text(x - 0.05, v, f"{v:.3f}", ha="center", va="bottom", fontsize=12)
    top_r = 1.3 * max(max(values), c["small"])
    for value, style, text in ((c["small"], "-", "least squares"), (c["small_ridge"], "--", "tuned ridge")):
        bx.axhline(value, color=plots.COLORS["small"], linestyle=style, linewidth=2.0 if style == "-" else 1.8)
        bx.text(4.75, value + 0.01 * top_r, f"small model,\n{text}", ha="right", va="bottom", fontsize=11)
    if show_sims:
        sx, centre, err = [], [], []
        for x, r in zip(xs, names):
            summary = simulations.get(r)
            if summary is not None and np.any(np.isclose(summary.x, p)):
                st = summary.at(p)
                sx.append(x + 0.2)
                centre.append(st["mean"])
                err.append(st["sem"])
        if sx:
            trials = simulations[next(r for r in names if r in simulations)].n_trials
            bx.errorbar(sx, centre, yerr=err, fmt="o", color=plots.COLORS["simulation"], capsize=3,
                        markeredgecolor="black", label=f"simulation (mean of {trials} trials, ±1 s.e.)")
            bx.legend(loc="upper left", fontsize=11)
    bx.set_xticks(xs, labels)
    bx.set_xlim(-0.5, 4.8)  # room on the right for the baselines' labels
    bx.set_ylim(0.0, top_r)
    bx.grid(axis="x", visible=False)
    plots.finish(bx, "", "risk (test MSE incl. noise)", title=f"pruned to s = {s} weights from p = {p} (bars: theory)",
                 legend=False)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=3, fontsize=11)
    return fig


def draw_kept(w, eigs, masks: dict, s_informative: int, aux=None, axes=None):
    """What magnitude and Hessian pruning keep on one trained model (lesson 05, section 2).

    One panel per mask: the score of every coefficient against its feature index (``|w_i|`` for
    ``"magnitude"``, ``sqrt(eigs_i) |w_i|`` for ``"hessian"``), kept coefficients in colour and
    dropped ones in grey, a vertical line after the informative features (the first
    ``s_informative``), and the cut-off score as a dashed line.

    Parameters
    ----------
    w : array_like of shape (p,)
        The trained (dense) weights.
    eigs : array_like of shape (p,)
        Variances of the ``p`` features (population, or the diagonal of ``X^T X / n``).
    masks : dict
        ``{"magnitude": mask, "hessian": mask}`` (either key may be left out), boolean arrays of
        shape ``(p,)``.
    s_informative : int
        The informative features are ``0 .. s_informative - 1``.
    aux : AuxiliaryModel, optional
        The prediction of :func:`overparam.theory.auxiliary_model` for this model size; if given,
        each panel also shows the predicted centre ``|a_i beta_i|`` of every score (a line) and
        the range centre ± 2 noise standard deviations (a band), in the panel's units.
    axes : sequence of Axes, optional
        One per mask; by default a new pyplot figure is made.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    w = as_float_array(w, "w", ndim=1)
    eigs = as_float_array(eigs, "eigs", ndim=1)
    if eigs.shape != w.shape:
        raise ValueError(f"eigs must have the shape of w {w.shape}, got {eigs.shape}")
    if not isinstance(masks, dict) or not masks or set(masks) - {"magnitude", "hessian"}:
        raise ValueError("masks must be a non-empty dict with keys 'magnitude' and/or 'hessian'")
    s_informative = as_int(s_informative, "s_informative", minimum=0)
    if aux is not None:
        if not (hasattr(aux, "mean") and hasattr(aux, "std")):
            raise TypeError(f"aux must be an overparam.theory.AuxiliaryModel, got {type(aux).__name__}")
        if np.shape(aux.mean) != w.shape:
            raise ValueError(f"aux must describe a model of size {w.size}, got size {np.size(aux.mean)}")
    if axes is None:
        fig, axes = plots.subplots(ncols=len(masks), width=7.0, height=5.0)
        axes = np.atleast_1d(axes)
    else:
        axes = np.atleast_1d(axes)
        if axes.size != len(masks):
            raise ValueError(f"axes must hold one Axes per mask ({len(masks)}), got {axes.size}")
        fig = axes[0].figure
    index = np.arange(1, w.size + 1)
    for ax, (rule, mask) in zip(axes, masks.items()):
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != w.shape:
            raise ValueError(f"masks[{rule!r}] must have shape {w.shape}, got {mask.shape}")
        score = np.abs(w) if rule == "magnitude" else np.sqrt(eigs) * np.abs(w)
        cut = score[mask].min()
        informative = index <= s_informative
        kept_inf, kept_weak = int(np.sum(mask & informative)), int(np.sum(mask & ~informative))
        ax.axvline(s_informative + 0.5, color="black", lw=1.0)
        if aux is not None:
            unit = 1.0 if rule == "magnitude" else np.sqrt(eigs)
            centre, spread = unit * np.abs(aux.mean), unit * aux.std
            ax.fill_between(index, np.maximum(centre - 2 * spread, 0.0), centre + 2 * spread, step="mid",
                            color=plots.PALETTE["blue"], alpha=0.10, lw=0, label="theory: centre ± 2 noise std")
            ax.step(index, centre, where="mid", color=plots.PALETTE["blue"], lw=1.2, alpha=0.8)
        ax.scatter(index[~mask], score[~mask], s=14, color="#AAAAAA", label=f"dropped ({int(np.sum(~mask))})")
        color = RULES[rule][1]
        ax.scatter(index[mask], score[mask], s=26, color=color, edgecolor="black", linewidth=0.4,
                   label=f"kept: {kept_inf} informative + {kept_weak} weak")
        ax.axhline(cut, color="black", linestyle="--", linewidth=1.2, label="cut-off (s-th largest score)")
        ylabel = "|ŵᵢ|  (magnitude score)" if rule == "magnitude" else "√λᵢ·|ŵᵢ|  (Hessian score)"
        title = "magnitude pruning" if rule == "magnitude" else "Hessian pruning"
        plots.finish(ax, "feature index i", ylabel, title=title, legend=False)
        top = 1.35 * float(score.max())
        ax.set_ylim(0.0, top)
        ax.set_xlim(0.5, w.size + 0.5)
        ax.text(s_informative / 2, 0.98 * top, f"informative\n1–{s_informative}", ha="center", va="top", fontsize=11)
        ax.text(s_informative + 0.5 + 0.03 * w.size, 0.98 * top, f"weak: {s_informative + 1}–{w.size}", ha="left",
                va="top", fontsize=11)
        ax.legend(loc="upper right", bbox_to_anchor=(1.0, 0.9), fontsize=11)
    return fig


def make_explorer(simulations=None, s: int = 80, noise_var: float = 0.1, tail_var: float = 0.05,
                  p: int = 400) -> Explorer:
    """The explorer of lesson 05: sliders for ``s``, the noise, the weak-feature variance and ``p``.

    Parameters
    ----------
    simulations : dict of Summary, optional
        Cached result of :func:`overparam.experiments.pruning_sweep` on reference C, drawn only at
        ``s = 80``, ``noise_var = 0.1``, ``tail_var = 0.05`` (see :func:`draw`). Nothing is
        simulated when the explorer is built or redrawn.
    s : int
        Initial number of informative features, a multiple of 5 in ``10..95``.
    noise_var : float
        Initial noise variance, one of :data:`NOISE_CHOICES`.
    tail_var : float
        Initial variance of the weak features, one of :data:`TAIL_CHOICES`.
    p : int
        Initial dense size of the right-hand panel, one of :data:`P_CHOICES`.

    Returns
    -------
    Explorer
        Controls ``s`` (10..95), ``noise_var``, ``tail_var`` and ``p``; by default at reference C
        with ``p = 400``.

    Examples
    --------
    >>> explorer = make_explorer()
    >>> explorer.values
    {'s': 80, 'noise_var': 0.1, 'tail_var': 0.05, 'p': 400}
    """
    cache = _check_simulations(simulations)
    s = as_int(s, "s", minimum=10)
    if s > 95 or s % 5:
        raise ValueError(f"s must be a multiple of 5 between 10 and 95, got {s}")
    for name, value, choices in (("noise_var", noise_var, NOISE_CHOICES), ("tail_var", tail_var, TAIL_CHOICES),
                                 ("p", p, P_CHOICES)):
        as_float(value, name)
        if value not in choices:
            raise ValueError(f"{name} must be one of {choices}, got {value}")

    def _draw(s: int, noise_var: float, tail_var: float, p: int):
        return draw(s, noise_var, tail_var, p, simulations=cache)

    controls = {
        "s": int_slider("informative features s", 10, 95, 5, s),
        "noise_var": choice_slider("noise σ²", list(NOISE_CHOICES), noise_var),
        "tail_var": choice_slider("weak-feature variance", list(TAIL_CHOICES), tail_var),
        "p": choice_slider("dense size p (right panel)", list(P_CHOICES), p),
    }
    return Explorer(_draw, controls)
