"""Explorer and figures of lesson 06: the anatomy of min-norm least squares.

The problem family is reference C of :mod:`overparam.theory` with two knobs: ``n = 100`` training
samples; :data:`S` = 80 *strong* features of variance 1 that carry all the signal (coefficients
``1/sqrt(80)``), then weak features of variance ``tail_var`` that carry none, up to ``d = 1000``
(:func:`overparam.models.spiked_problem`); label noise ``noise_var``. With the defaults
(``noise_var = 0.1``, ``tail_var = 0.05``) it is :func:`overparam.models.pruning_showcase_problem`.

The min-norm model on the first ``p`` features is described by the auxiliary Gaussian model of
:func:`overparam.theory.auxiliary_model`: coordinate ``i`` behaves like
``a_i (beta_i + tau g_i / sqrt(n lambda_i))``. Within each feature group (strong, weak) every
coordinate has the same ``lambda_i`` and ``beta_i``, so a group's trained coefficients, pooled over
features and training sets, should follow one Gaussian density.

* :func:`draw_group` draws that density for one group, over a histogram of trained coefficients
  when they are given;
* :func:`draw_scores` draws what magnitude or Hessian pruning ranks (``|w_i|`` or
  ``sqrt(lambda_i) |w_i|``) for both groups, as coordinates per fit, with the pruning threshold;
* :func:`draw` / :func:`make_explorer` — the explorer: the auxiliary densities for a chosen model
  size, noise and weak-feature variance, next to the curves ``zeta(p)`` and ``tau^2(p)``, with the
  predicted dense and pruned risks in the title. Cached trained coefficients (from
  :func:`overparam.experiments.prefix_weights` on the default problem) are drawn as histograms only
  at the default noise and weak-feature variance. A redraw evaluates closed forms only.

Used by lesson 06 (``lessons/06_anatomy_of_min_norm.ipynb``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.ticker import NullLocator

from .. import plots, theory
from .._validate import as_float, as_float_array, as_int
from ..models import LinearProblem, spiked_problem
from . import Explorer, choice_slider, dropdown
from .weak_features import model_sizes

__all__ = [
    "N",
    "S",
    "D",
    "P_CHOICES",
    "NOISE_CHOICES",
    "TAIL_CHOICES",
    "GROUPS",
    "DEFAULTS",
    "GROUP_COLORS",
    "problem",
    "group_slices",
    "predictions",
    "group_statistics",
    "draw_group",
    "draw_scores",
    "draw",
    "make_explorer",
]

#: Training samples.
N = 100
#: Strong (informative) features, and the number of weights kept by pruning.
S = 80
#: Features in the universe (the largest model).
D = 1000
#: Model sizes offered by the explorer (below and above the threshold ``p = N``).
P_CHOICES = (50, 90, 120, 150, 200, 300, 400, 600, 1000)
#: Noise variances offered by the explorer (0.1 is reference C).
NOISE_CHOICES = (0.01, 0.03, 0.1, 0.3, 1.0)
#: Variances offered for the weak features (0.05 is reference C; 1 is a flat spectrum).
TAIL_CHOICES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
#: Feature groups the explorer can show.
GROUPS = ("both", "strong", "weak")
#: The explorer's starting values (reference C at ``p = 400``); cached histograms belong to them.
DEFAULTS = {"p": 400, "noise_var": 0.1, "tail_var": 0.05, "group": "both"}
#: Colour of each group in every figure of the lesson.
GROUP_COLORS = {"strong": plots.PALETTE["blue"], "weak": plots.PALETTE["orange"]}

_GROUP_NAMES = {"strong": "strong features", "weak": "weak tail"}
_SCALES = ("raw", "hessian")


def problem(noise_var: float = 0.1, tail_var: float = 0.05) -> LinearProblem:
    """The lesson's problem: 80 strong features (variance 1, coefficient ``1/sqrt(80)``), then weak ones.

    Parameters
    ----------
    noise_var : float
        Label noise variance ``sigma^2 >= 0``.
    tail_var : float
        Variance ``> 0`` of the ``D - S`` weak features (coefficient 0).

    Returns
    -------
    LinearProblem
        With the defaults, reference C (:func:`overparam.models.pruning_showcase_problem`).

    Examples
    --------
    >>> pb = problem()
    >>> pb.d, float(pb.eigs[79]), float(pb.eigs[80]), pb.noise_var
    (1000, 1.0, 0.05, 0.1)
    """
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    tail_var = as_float(tail_var, "tail_var", minimum=0.0, strict=True)
    return spiked_problem(D, S, 1.0, tail_var, noise_var)


def group_slices(p: int) -> dict:
    """The feature groups of a model of size ``p``: ``"strong"`` (features 1..min(p, 80)) and ``"weak"``.

    The weak group is left out when ``p <= S`` (the model has no weak feature yet).

    Examples
    --------
    >>> group_slices(400)
    {'strong': slice(0, 80, None), 'weak': slice(80, 400, None)}
    >>> list(group_slices(50))
    ['strong']
    """
    p = as_int(p, "p", minimum=1)
    if p > D:
        raise ValueError(f"p must be at most D = {D}, got {p}")
    out = {"strong": slice(0, min(p, S))}
    if p > S:
        out["weak"] = slice(S, p)
    return out


def predictions(p: int = 400, noise_var: float = 0.1, tail_var: float = 0.05) -> dict:
    """The auxiliary model at size ``p`` and the risks it predicts (asymptotic theory).

    Parameters
    ----------
    p : int
        Model size, ``1 <= p <= D``, ``p != N``.
    noise_var, tail_var : float
        See :func:`problem`.

    Returns
    -------
    dict
        ``problem`` (LinearProblem); ``aux`` (:class:`overparam.theory.AuxiliaryModel`);
        ``dense`` (the dense risk, ``= aux.tau2``); ``oracle``, ``hessian``, ``magnitude``: the risk
        after pruning to ``S`` weights without retraining (:func:`overparam.theory.pruned_risk`),
        ``nan`` when ``p < S`` (nothing to prune). All risks are test MSE including noise.

    Examples
    --------
    >>> out = predictions()
    >>> [round(out[k], 3) for k in ("dense", "oracle", "hessian", "magnitude")]
    [0.327, 0.311, 0.316, 0.446]
    """
    pb = problem(noise_var, tail_var)
    p = as_int(p, "p", minimum=1)
    if p > D:
        raise ValueError(f"p must be at most D = {D}, got {p}")
    if p == N:
        raise ValueError(f"p must differ from n = {N} (the interpolation peak: infinite risk)")
    args = (pb.eigs, pb.beta, pb.noise_var, N)
    aux = theory.auxiliary_model(*args, p)
    out = {"problem": pb, "aux": aux, "dense": float(aux.tau2)}
    for rule in ("oracle", "hessian", "magnitude"):
        out[rule] = float(theory.pruned_risk(*args, p, S, rule)) if p >= S else float("nan")
    return out


def group_statistics(values) -> dict:
    """Centre and spread of each group's trained coefficients, pooled over fits and features.

    Parameters
    ----------
    values : array_like of shape (trials, p)
        Trained coefficients, one fit per row (at least two fits).

    Returns
    -------
    dict of str to dict
        For each group of :func:`group_slices`: ``mean`` (pooled mean) and ``mean_se`` (its
        standard error, from the spread of the per-fit group means, since coefficients of one fit
        are not independent); ``sd`` (pooled standard deviation around the pooled mean) and
        ``sd_se`` (its standard error, from the spread of the per-fit mean squared deviations).

    Examples
    --------
    >>> import numpy as np
    >>> stats = group_statistics(np.random.default_rng(0).normal(0.0, 2.0, size=(400, 100)))
    >>> round(stats["strong"]["sd"], 1), round(stats["weak"]["mean"], 1)
    (2.0, 0.0)
    """
    values = as_float_array(values, "values", ndim=2)
    trials, p = values.shape
    if trials < 2:
        raise ValueError(f"values must hold at least two fits (rows) for a standard error, got {trials}")
    out = {}
    for group, sl in group_slices(p).items():
        block = values[:, sl]
        per_fit_mean = block.mean(axis=1)
        mean = float(block.mean())
        per_fit_msd = np.mean((block - mean) ** 2, axis=1)
        sd = float(np.sqrt(per_fit_msd.mean()))
        out[group] = {
            "mean": mean,
            "mean_se": float(per_fit_mean.std(ddof=1) / np.sqrt(trials)),
            "sd": sd,
            "sd_se": float(per_fit_msd.std(ddof=1) / np.sqrt(trials) / (2 * sd)) if sd > 0 else 0.0,
        }
    return out


def _check_scale(scale) -> str:
    if scale not in _SCALES:
        raise ValueError(f"scale must be 'raw' (|w_i|, magnitude pruning) or 'hessian' (sqrt(lambda_i)|w_i|), got {scale!r}")
    return scale


def _check_values(values, p: int, name: str = "values") -> np.ndarray:
    values = as_float_array(values, name, ndim=2)
    if values.shape[1] != p:
        raise ValueError(f"{name} must have shape (trials, p) with p = {p}, got {values.shape}")
    return values


def _gaussian_mixture_pdf(x: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """Average over coordinates of the normal densities ``N(mean_i, std_i^2)`` at the points ``x``."""
    pairs, counts = np.unique(np.column_stack([mean, std]), axis=0, return_counts=True)
    z = (x[:, None] - pairs[None, :, 0]) / pairs[None, :, 1]
    pdf = np.exp(-0.5 * z**2) / (np.sqrt(2 * np.pi) * pairs[None, :, 1])
    return pdf @ counts / counts.sum()


def draw_group(ax, aux, problem: LinearProblem, group: str, values=None, bins: int = 50, xlim=None, label: bool = True):
    """One group's auxiliary-model density, over a histogram of trained coefficients if given.

    Parameters
    ----------
    ax : matplotlib Axes
    aux : overparam.theory.AuxiliaryModel
        The auxiliary model of the model size ``p = aux.p``.
    problem : LinearProblem
        The problem ``aux`` was built for (for the true coefficients).
    group : {"strong", "weak"}
        Which coordinates (see :func:`group_slices`).
    values : array_like of shape (trials, p), optional
        Trained coefficients (one fit per row), pooled over trials and the group's features.
    bins : int
        Histogram bins.
    xlim : (float, float), optional
        Range of the density and histogram; default: the group's centre ± 4.5 standard deviations.
    label : bool
        Add legend labels.

    Returns
    -------
    (float, float)
        The ``x`` range drawn.
    """
    slices = group_slices(aux.p)
    if group not in slices:
        raise ValueError(f"group must be one of {list(slices)} for p = {aux.p}, got {group!r}")
    if not np.isfinite(aux.tau2):
        raise ValueError("the auxiliary model has infinite noise (p = n): nothing to draw")
    sl = slices[group]
    mean, std = aux.mean[sl], aux.std[sl]
    if xlim is None:
        xlim = (float(np.min(mean - 4.5 * std)), float(np.max(mean + 4.5 * std)))
    color = GROUP_COLORS[group]
    count = sl.stop - sl.start
    name = _GROUP_NAMES[group]
    if values is not None:
        values = _check_values(values, aux.p)
        pooled = values[:, sl].ravel()
        edges = np.linspace(xlim[0], xlim[1], as_int(bins, "bins", minimum=2) + 1)
        density, _ = np.histogram(pooled, edges)
        density = density / (pooled.size * np.diff(edges))  # area 1 over all draws, outliers included
        ax.stairs(density, edges, fill=True, color=color, alpha=0.3,
                  label=f"{name}: trained, {values.shape[0]} fits × {count} features" if label else None)
    x = np.linspace(xlim[0], xlim[1], 400)
    ax.plot(x, _gaussian_mixture_pdf(x, mean, std), color=color, lw=2.5,
            label=f"{name}: auxiliary model (theory)" if label else None)
    beta = problem.beta[sl]
    if np.ptp(beta) == 0 and np.ptp(mean) == 0:  # one true value and one centre: mark both
        ax.axvline(beta[0], color=color, ls=":", lw=1.8,
                   label=f"{name}: true βᵢ = {beta[0]:.3f}" if label else None)
        if group == "strong":
            ax.axvline(mean[0], color=color, ls="--", lw=1.5,
                       label=f"{name}: centre aᵢβᵢ = {mean[0]:.3f}" if label else None)
    return xlim


def draw_scores(ax, values, problem: LinearProblem, s: int = S, scale: str = "raw", aux=None, bins: int = 60, xmax=None):
    """What a pruning rule ranks, for both groups: coordinates per fit against the score.

    The score is ``|w_i|`` (``scale="raw"``, magnitude pruning) or ``sqrt(lambda_i) |w_i|``
    (``scale="hessian"``, Hessian pruning). Each group's scores, pooled over the fits, are drawn
    as a histogram in *coordinates per fit* per bin (so a group of 320 features outweighs one of
    80), with the auxiliary model's prediction (a folded normal per coordinate) as a line, on a
    log scale. The dashed line is the median over fits of the ``s``-th largest score: the rule
    keeps what lies to its right.

    Parameters
    ----------
    ax : matplotlib Axes
    values : array_like of shape (trials, p)
        Trained coefficients, one fit per row (``p > S``).
    problem : LinearProblem
    s : int
        Weights kept by the rule.
    scale : {"raw", "hessian"}
    aux : overparam.theory.AuxiliaryModel, optional
        The auxiliary model of size ``p``; its predicted counts are drawn when given.
    bins : int
    xmax : float, optional
        Right end of the score axis (default: the largest score, a little beyond).

    Returns
    -------
    float
        The median threshold (the ``s``-th largest score).
    """
    scale = _check_scale(scale)
    values = as_float_array(values, "values", ndim=2)
    trials, p = values.shape
    if p <= S or p > problem.d:
        raise ValueError(f"values must have between {S + 1} and {problem.d} columns (a model with weak features), got {p}")
    s = as_int(s, "s", minimum=1)
    if s > p:
        raise ValueError(f"s must be at most p = {p}, got {s}")
    weight = np.ones(p) if scale == "raw" else np.sqrt(problem.eigs[:p])
    scores = np.abs(values) * weight
    threshold = float(np.median(np.sort(scores, axis=1)[:, p - s]))
    if xmax is None:
        xmax = 1.05 * float(scores.max())
    edges = np.linspace(0.0, xmax, as_int(bins, "bins", minimum=2) + 1)
    width = edges[1] - edges[0]
    x = np.linspace(0.0, xmax, 500)
    top = 0.0
    for group, sl in group_slices(p).items():
        color = GROUP_COLORS[group]
        count = sl.stop - sl.start
        per_fit, _ = np.histogram(scores[:, sl].ravel(), edges)
        ax.stairs(per_fit / trials, edges, fill=True, color=color, alpha=0.3,
                  label=f"{_GROUP_NAMES[group]} ({count}): {trials} trained fits")
        top = max(top, float(per_fit.max()) / trials)
        if aux is not None:
            m, sd = aux.mean[sl] * weight[sl], aux.std[sl] * weight[sl]
            folded = _gaussian_mixture_pdf(x, m, sd) + _gaussian_mixture_pdf(-x, m, sd)
            predicted = count * width * folded
            ax.plot(x, predicted, color=color, lw=2.2, label=f"{_GROUP_NAMES[group]}: auxiliary model")
            top = max(top, float(predicted.max()))
    rule = "magnitude" if scale == "raw" else "Hessian"
    ax.axvline(threshold, color=plots.PALETTE["black"], ls="--", lw=1.8,
               label=f"{rule} pruning keeps the {s} scores right of here")
    ax.set_yscale("log")
    ax.set_ylim(0.5 / trials, 3.0 * top)
    ax.set_xlim(0.0, xmax)
    return threshold


def _check_cache(weights) -> dict:
    if weights is None:
        return {}
    if not isinstance(weights, dict):
        raise TypeError(f"weights must be a dict of model size -> trained coefficients, got {type(weights).__name__}")
    cache = {}
    for p, fits in weights.items():
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)) or p not in P_CHOICES:
            raise ValueError(f"weights keys must be model sizes among {P_CHOICES}, got {p!r}")
        values = getattr(fits, "values", fits)  # a Summary from experiments.prefix_weights, or an array
        cache[int(p)] = _check_values(values, int(p), name=f"weights[{p}]")
    return cache


def _is_default(noise_var: float, tail_var: float) -> bool:
    return bool(np.isclose(noise_var, DEFAULTS["noise_var"]) and np.isclose(tail_var, DEFAULTS["tail_var"]))


def draw(p: int = 400, noise_var: float = 0.1, tail_var: float = 0.05, group: str = "both", weights=None):
    """The explorer's figure: auxiliary-model densities (left), ``zeta`` and ``tau^2`` against ``p`` (right).

    Parameters
    ----------
    p : int
        Model size, one of :data:`P_CHOICES`.
    noise_var, tail_var : float
        See :func:`problem`.
    group : {"both", "strong", "weak"}
        Which feature group(s) to draw on the left (a model with ``p <= 80`` has no weak group).
    weights : dict, optional
        Cached trained coefficients ``{p: Summary or array (trials, p)}`` of the default problem
        (``noise_var = 0.1``, ``tail_var = 0.05``); drawn as histograms only at those settings.

    Returns
    -------
    matplotlib.figure.Figure
    """
    p = as_int(p, "p", minimum=1)
    if p not in P_CHOICES:
        raise ValueError(f"p must be one of {P_CHOICES}, got {p}")
    if group not in GROUPS:
        raise ValueError(f"group must be one of {GROUPS}, got {group!r}")
    cache = _check_cache(weights)
    pred = predictions(p, noise_var, tail_var)
    pb, aux = pred["problem"], pred["aux"]
    fig, (ax, ax2) = plots.new_figure(ncols=2, width=7.5, height=6.8)
    # Fixed margins instead of constrained layout: the layout solver adds 10-15% to a redraw.
    # The bottom margin (1.84 in) holds the legends hung below the panels, even the longest one
    # (both groups with cached histograms), so everything lies inside the figure box and the PNG
    # is rendered in one pass (see overparam.widgets._png_bundle); its tight crop drops the rest.
    fig.set_layout_engine("none")
    ax.set_position([0.055, 0.2712, 0.405, 0.5682])
    ax2.set_position([0.565, 0.2712, 0.42, 0.5682])

    # left: the densities of the chosen groups
    slices = group_slices(p)
    shown = [g for g in slices if group in ("both", g)]
    values = cache.get(p) if _is_default(noise_var, tail_var) else None
    if shown:
        lo = min(float(np.min(aux.mean[slices[g]] - 4.5 * aux.std[slices[g]])) for g in shown)
        hi = max(float(np.max(aux.mean[slices[g]] + 4.5 * aux.std[slices[g]])) for g in shown)
        lo = min(lo, -0.02)
        hi = max(hi, float(pb.beta[0]) * 1.15)
        for g in shown:
            draw_group(ax, aux, pb, g, values=values, xlim=(lo, hi), bins=60)
    if not shown:  # the weak group asked for, but p <= S
        ax.text(0.5, 0.5, f"p = {p} ≤ {S}: the model has\nno weak features yet", transform=ax.transAxes,
                ha="center", va="center", fontsize=14)
    cached = "histograms: cached simulation" if values is not None else "no cached simulation at these settings"
    plots.finish(ax, "trained coefficient β̂ᵢ", "density (each group has area 1)",
                 title=f"Coefficients of the min-norm model, p = {p}\n({cached})", legend=False)
    ax.set_ylim(0, None)
    if shown:
        ax.legend(fontsize=10, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2)

    # right: zeta and tau^2 against p
    ps, zeta, tau2, sigma_p2 = _curves(float(pb.noise_var), float(tail_var))
    over = ps > N
    ax2.plot(ps[over], zeta[over], color=plots.PALETTE["green"], lw=2.5, label="ζ, implicit regularization (0 for p < n)")
    plots.theory_line(ax2, ps, tau2, label="τ², effective noise = dense risk")
    ax2.plot(ps, sigma_p2, ":", color=plots.COLORS["small"], lw=2, label="σₚ², noise + left-out signal")
    plots.mark_threshold(ax2, N, label=f"p = n = {N}")
    ax2.axvline(p, color=plots.PALETTE["black"], lw=1.2, label=f"this model, p = {p}")
    if aux.zeta > 0:
        ax2.plot([p], [aux.zeta], "o", color=plots.PALETTE["green"], ms=8)
    ax2.plot([p], [aux.tau2], "o", color=plots.COLORS["theory"], ms=8)
    top = max(10.0, 2.0 * float(np.max(zeta)))
    plots.finish(ax2, "model size p (first p features)", "ζ, τ² and σₚ² (theory)",
                 title="Implicit regularization and effective noise", logx=True, logy=True,
                 ylim=(0.005, top), legend=False)
    plots.plain_log_ticks(ax2)
    ax2.xaxis.set_minor_locator(NullLocator())  # fewer ticks: a redraw stays well inside 0.3 s
    ax2.yaxis.set_minor_locator(NullLocator())
    ax2.legend(fontsize=10, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2)

    strong = slices["strong"]
    line1 = (f"n = {N}, σ² = {noise_var:g}, weak-feature variance {tail_var:g}, p = {p}:  ζ = {aux.zeta:.3f},  "
             f"τ² = {aux.tau2:.3f},  strong: a = {aux.shrinkage[strong.start]:.2f}, sd = {aux.std[strong.start]:.3f}")
    if "weak" in slices:
        w = slices["weak"].start
        line1 += f";  weak: a = {aux.shrinkage[w]:.2f}, sd = {aux.std[w]:.3f}"
    if p >= S:
        line2 = (f"predicted risk (test MSE incl. noise): dense {pred['dense']:.3f};  pruned to {S} weights — "
                 f"oracle {pred['oracle']:.3f}, Hessian {pred['hessian']:.3f}, magnitude {pred['magnitude']:.3f}")
    else:
        line2 = f"predicted risk (test MSE incl. noise): dense {pred['dense']:.3f};  p < {S}: nothing to prune"
    fig.suptitle(line1 + "\n" + line2, fontsize=12, y=0.995)
    return fig


@lru_cache(maxsize=64)
def _curves(noise_var: float, tail_var: float):
    """``p``, ``zeta(p)``, ``tau^2(p)`` and ``sigma_p^2`` on about 150 sizes from 10 to ``D`` (cached per setting)."""
    pb = problem(noise_var, tail_var)
    ps = model_sizes(D)
    ps = ps[(ps >= 10) & (ps != N)]
    zeta = np.array([theory.implicit_regularization(pb.eigs[:q], N) for q in ps])
    tau2 = theory.effective_noise_level(pb.eigs, pb.beta, pb.noise_var, N, ps)
    for arr in (ps, zeta, tau2):
        arr.setflags(write=False)
    sigma_p2 = pb.effective_noise(ps)
    sigma_p2.setflags(write=False)
    return ps, zeta, tau2, sigma_p2


def make_explorer(weights=None) -> Explorer:
    """Build the lesson-06 explorer: model size, noise, weak-feature variance and feature group.

    Parameters
    ----------
    weights : dict, optional
        Cached trained coefficients of the default problem, ``{p: Summary or array (trials, p)}``
        with ``p`` among :data:`P_CHOICES` (for example ``experiments.prefix_weights`` at
        ``p = 150, 400, 1000``). Drawn as histograms only at ``noise_var = 0.1`` and
        ``tail_var = 0.05``. Nothing is simulated when the explorer is built or redrawn.

    Returns
    -------
    Explorer

    Examples
    --------
    >>> explorer = make_explorer()
    >>> sorted(explorer.values)
    ['group', 'noise_var', 'p', 'tail_var']
    """
    cache = _check_cache(weights)

    def _draw(p, noise_var, tail_var, group):
        return draw(p, noise_var, tail_var, group, weights=cache)

    controls = {
        "p": choice_slider("model size p", list(P_CHOICES), DEFAULTS["p"]),
        "noise_var": choice_slider("noise σ²", [(f"{v:g}", v) for v in NOISE_CHOICES], DEFAULTS["noise_var"]),
        "tail_var": choice_slider("weak-feature variance", [(f"{v:g}", v) for v in TAIL_CHOICES], DEFAULTS["tail_var"]),
        "group": dropdown("feature group", {"both groups": "both", "strong features (λ = 1)": "strong",
                                            "weak tail (β = 0)": "weak"}, DEFAULTS["group"]),
    }
    return Explorer(_draw, controls)
