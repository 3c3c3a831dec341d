"""Helpers and explorer of lesson 09: pruning the hidden neurons of a random-features model.

The lesson's setting (the course's reference D, after Chang, Li, Oymak & Thrampoulidis, AAAI 2021):
inputs ``x ~ N(0, I_d)`` with ``d =`` :data:`D` ``= 20``, a frozen first layer of ``N`` ReLU units
``z_j(x) = ReLU(<theta_j, x> / sqrt(d))`` with rows ``theta_j ~ N(0, I_d)``, a linear teacher
``y = <beta, x> + noise`` with ``||beta|| = 1`` and noise variance ``sigma^2 = 0.04``, and a second
layer ``a`` fitted on ``n = 200`` samples by min-norm least squares (or ridge, penalty convention of
:func:`overparam.random_features.fit_second_layer`). Pruning keeps ``s`` of the ``N`` neurons: the
entries of ``a`` on a support ``S``, by magnitude ``|a_j|``, by the Hessian-style score
``|a_j| ||Z_j||`` (the diagonal of the Hessian of the training loss in ``a_j`` is ``||Z_j||^2 / n``:
the optimal-brain-damage saliency) or at random, with or without retraining (least squares on the
kept features, :func:`overparam.prune.retrain`).

The exact second moments of the features (``K = E[z z^T]``, ``r = E[z y]``) are
:meth:`overparam.random_features.RandomFeaturesProblem.second_moments`, and the split of a pruned
network's risk into floor, target mismatch and shrinkage (section 3 of the lesson) is
:func:`overparam.random_features.support_costs`; this module only holds the lesson's constants and
its explorer.

The explorer (:func:`make_explorer`) redraws the sparse double descent for a few cached draws
(:class:`PruningCache`): the SVD of the features of every width is computed once, so a fit for any
ridge is a rescaling, and it is linear in the noise level because the signal and noise parts of the
labels are kept apart; retraining on ``s <= 100`` kept features is a small solve. Used by lesson 09
(``lessons/09_pruning_random_features.ipynb``).
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import NullLocator

from .. import experiments, plots, prune
from .._validate import as_float, as_generator, as_int, as_int_array
from ..random_features import RandomFeaturesProblem, random_features_problem
from . import Explorer, choice_slider

__all__ = [
    "D",
    "N_TRAIN",
    "S",
    "NOISE_VAR",
    "WIDTHS",
    "S_CHOICES",
    "NOISE_CHOICES",
    "RIDGE_CHOICES",
    "Y_LIMITS",
    "CURVES",
    "lesson_problem",
    "PruningCache",
    "draw",
    "make_explorer",
]

#: Input dimension of reference D.
D = 20
#: Training samples of reference D.
N_TRAIN = 200
#: Neurons kept after pruning in reference D.
S = 40
#: Label noise variance of reference D (sigma = 0.2).
NOISE_VAR = 0.04
#: Dense widths cached by the explorer (``N = n = 200`` is left out: min-norm's risk is infinite there).
WIDTHS = (20, 30, 40, 60, 100, 140, 180, 220, 300, 400, 600, 1000)
#: Numbers of kept neurons offered by the explorer.
S_CHOICES = (10, 20, 30, 40, 60, 80, 100)
#: Label noise variances offered by the explorer.
NOISE_CHOICES = (0.0, 0.01, 0.04, 0.1, 0.25, 0.5, 1.0)
#: Ridge penalties of the dense fit offered by the explorer (0 = min-norm).
RIDGE_CHOICES = (0.0, 1e-4, 1e-3, 0.01, 0.1, 1.0)
#: Fixed y-range of the explorer (excess risk, log scale).
Y_LIMITS = (0.02, 10.0)
#: The curves of the explorer: key, legend name, colour, marker.
CURVES = (
    ("dense", "dense model, N neurons", plots.COLORS["dense"], "o"),
    ("magnitude", "magnitude, not retrained", plots.COLORS["magnitude"], "^"),
    ("magnitude+retrain", "magnitude + retrained", plots.PALETTE["vermillion"], "s"),
    ("hessian+retrain", "Hessian score + retrained", plots.COLORS["hessian"], "D"),
    ("random+retrain", "random + retrained", plots.COLORS["random"], "v"),
)

_RULES = ("magnitude", "hessian", "random")


def lesson_problem(noise_var: float = NOISE_VAR, seed: int = 9) -> RandomFeaturesProblem:
    """Reference D: ``d = 20`` Gaussian inputs, a linear teacher with ``||beta|| = 1``, noise ``noise_var``.

    Parameters
    ----------
    noise_var : float
        Label noise variance (reference D: 0.04).
    seed : int
        Seed of the teacher's direction (:func:`overparam.random_features.random_features_problem`).

    Returns
    -------
    RandomFeaturesProblem

    Examples
    --------
    >>> pb = lesson_problem()
    >>> pb.d, pb.inputs, round(pb.signal, 12), pb.noise_var
    (20, 'gaussian', 1.0, 0.04)
    """
    return random_features_problem(d=D, signal=1.0, noise_var=noise_var, inputs="gaussian", rng=seed)


def _check_problem(problem) -> RandomFeaturesProblem:
    if not isinstance(problem, RandomFeaturesProblem):
        raise TypeError(f"problem must be a RandomFeaturesProblem, got {type(problem).__name__}")
    return problem


# ----------------------------------------------------------------------------------------------
# The explorer's cache: per draw, everything that does not depend on s, the noise or the ridge
# ----------------------------------------------------------------------------------------------


class _Draw:
    """One (first layer, training set) draw with its per-width SVDs (internal)."""

    def __init__(self, problem: RandomFeaturesProblem, n: int, widths: np.ndarray, rng, mask_rng):
        n_max = int(widths.max())
        self.theta = problem.draw_first_layer(n_max, rng)
        # The draws of problem.sample (inputs, then standard normals for the noise), kept apart:
        unit = RandomFeaturesProblem(problem.d, problem.beta, 1.0, problem.inputs)
        X, y_unit = unit.sample(n, rng)
        y_signal = X @ problem.beta
        self.eps = y_unit - y_signal
        self.y_signal = y_signal
        self.Z = problem.features(X, self.theta)
        self.K, self.r = problem.second_moments(self.theta)
        self.scale = np.sqrt(prune.column_variances(self.Z))  # sqrt of the Hessian's diagonal ||Z_j||^2 / n
        self.svd = []
        for N in widths:
            U, sv, Vt = np.linalg.svd(self.Z[:, :N], full_matrices=False)
            self.svd.append((Vt, sv, U.T @ y_signal, U.T @ self.eps))
        self.order = [mask_rng.permutation(int(N)) for N in widths]  # nested random supports: the first s


class PruningCache:
    """Cached draws of reference D for fast pruning experiments at any ``s``, noise and ridge.

    Each draw is one wide first layer (``max(widths)`` rows) and one training set, drawn in the
    order of :func:`overparam.experiments.random_features_pruning_sweep`; the exact moments ``K, r``
    (:meth:`~overparam.random_features.RandomFeaturesProblem.second_moments`) and the SVD of the features of every width are computed once. Then
    the min-norm or ridge fit of width ``N`` is ``V diag(f(sv)) U^T (y_signal + sigma eps)`` for
    any penalty (a rescaling of the singular values) and noise level ``sigma^2`` (the signal and noise
    parts of the labels are kept apart), and retraining on ``s`` kept features is an ``s x s`` solve.

    Parameters
    ----------
    draws : int
        Number of (first layer, training set) draws.
    seed : int or numpy.random.Generator
    widths : sequence of int
        Dense widths, distinct, at least 1; the largest sets the first layer (and ``N x N`` memory).
    problem : RandomFeaturesProblem, optional
        Default :func:`lesson_problem` (its noise level is not used: :meth:`risks` takes one).
    n : int
        Training samples.

    Examples
    --------
    >>> cache = PruningCache(draws=2, seed=0, widths=(20, 60))
    >>> out = cache.risks(s=20, noise_var=0.04, ridge=0.0)
    >>> out["dense"].values.shape, out["small"].x.tolist()
    ((2, 2), [20.0, 60.0])
    """

    def __init__(self, draws: int = 6, seed=0, widths=WIDTHS, problem: RandomFeaturesProblem | None = None,
                 n: int = N_TRAIN):
        draws = as_int(draws, "draws", minimum=1)
        widths = np.unique(as_int_array(widths, "widths", minimum=1))
        self.problem = lesson_problem() if problem is None else _check_problem(problem)
        self.n = as_int(n, "n", minimum=2)
        self.widths = widths
        rng = as_generator(seed)
        mask_rng = rng.spawn(1)[0]
        self.draws = [_Draw(self.problem, self.n, widths, rng, mask_rng) for _ in range(draws)]

    def _fit(self, draw: _Draw, j: int, sigma: float, ridge: float) -> np.ndarray:
        Vt, sv, uy, ue = draw.svd[j]
        N = int(self.widths[j])
        if ridge == 0.0:  # the pseudo-inverse, with numpy.linalg.lstsq's cutoff (as fit.min_norm_least_squares)
            cutoff = max(self.n, N) * np.finfo(float).eps * sv[0]
            filt = np.where(sv > cutoff, 1.0 / np.where(sv > cutoff, sv, 1.0), 0.0)
        else:
            filt = sv / (sv**2 + self.n * ridge * N / self.problem.d)
        return Vt.T @ (filt * (uy + sigma * ue))

    def risks(self, s: int, noise_var: float, ridge: float = 0.0, rules=_RULES) -> dict:
        """Exact risks (including noise) of the dense, pruned and retrained models of every cached draw.

        Parameters
        ----------
        s : int
            Neurons kept; widths below ``s`` are skipped.
        noise_var : float
            Label noise variance ``sigma^2 >= 0``.
        ridge : float
            Penalty of the dense fit in the ``(N/d) lambda`` convention (0 = min-norm). Retraining
            and the small model are plain least squares, as in
            :func:`~overparam.experiments.random_features_pruning_sweep`.
        rules : sequence of str
            Any of ``"magnitude"``, ``"hessian"``, ``"random"``.

        Returns
        -------
        dict of str to Summary
            Keys ``"dense"``, ``"<rule>"``, ``"<rule>+retrain"`` and ``"small"`` (least squares on
            the first ``s`` features), ``x`` = the widths at least ``s``, values of shape
            ``(draws, widths)``.
        """
        s = as_int(s, "s", minimum=1)
        noise_var = as_float(noise_var, "noise_var", minimum=0.0)
        ridge = as_float(ridge, "ridge", minimum=0.0)
        rules = tuple(rules)
        for rule in rules:
            if rule not in _RULES:
                raise ValueError(f"unknown pruning rule {rule!r}: rules must be among {_RULES}")
        if s > self.n - 3:
            raise ValueError(f"s must be at most n - 3 = {self.n - 3} (retraining is least squares), got {s}")
        cols = np.flatnonzero(self.widths >= s)
        if cols.size == 0:
            raise ValueError(f"s = {s} exceeds every cached width {self.widths.tolist()}")
        sigma = float(np.sqrt(noise_var))
        keys = ["dense"] + [k for rule in rules for k in (rule, rule + "+retrain")] + ["small"]
        out = {key: np.empty((len(self.draws), cols.size)) for key in keys}
        base = self.problem.signal + noise_var
        for t, draw in enumerate(self.draws):
            y = draw.y_signal + sigma * draw.eps
            Zty = draw.Z.T @ y

            def risk(idx, w):
                return base - 2.0 * w @ draw.r[idx] + w @ draw.K[np.ix_(idx, idx)] @ w

            def refit(idx):
                Zs = draw.Z[:, idx]
                return np.linalg.solve(Zs.T @ Zs, Zty[idx])

            first = np.arange(s)
            out["small"][t] = risk(first, refit(first))
            for k, j in enumerate(cols):
                N = int(self.widths[j])
                a = self._fit(draw, j, sigma, ridge)
                out["dense"][t, k] = base - 2.0 * a @ draw.r[:N] + a @ draw.K[:N, :N] @ a
                for rule in rules:
                    if rule == "random":
                        idx = np.sort(draw.order[j][:s])
                    else:
                        score = np.abs(a) if rule == "magnitude" else np.abs(a) * draw.scale[:N]
                        idx = np.sort(np.argsort(-score, kind="stable")[:s])  # ties to the lower index, as prune.top_s_mask
                    out[rule][t, k] = risk(idx, a[idx])
                    out[rule + "+retrain"][t, k] = risk(idx, refit(idx))
        x = self.widths[cols].astype(float)
        return {key: experiments.Summary(x=x, values=out[key]) for key in keys}


# ----------------------------------------------------------------------------------------------
# Explorer
# ----------------------------------------------------------------------------------------------


def _excess(summary, noise_var: float, factor: float = 1.0):
    return experiments.Summary(x=summary.x * factor, values=summary.values - noise_var)


def draw(s: int = S, noise_var: float = NOISE_VAR, ridge: float = 0.0, cache: PruningCache | None = None):
    """The explorer's figure: excess risk against the dense width ``N``, pruned to ``s`` neurons.

    Parameters
    ----------
    s : int
        Neurons kept.
    noise_var : float
        Label noise variance.
    ridge : float
        Penalty of the dense fit (retraining and the small model stay least squares).
    cache : PruningCache, optional
        The cached draws (default: a fresh ``PruningCache()``, about a second).

    Returns
    -------
    matplotlib.figure.Figure
    """
    cache = PruningCache() if cache is None else cache
    if not isinstance(cache, PruningCache):
        raise TypeError(f"cache must be a PruningCache, got {type(cache).__name__}")
    sims = cache.risks(s, noise_var, ridge)
    fig, ax = plots.new_figure(width=10.0, height=6.8)
    fig.set_layout_engine("none")  # fixed margins: the layout solver would double the redraw time
    ax.set_position([0.1, 0.33, 0.86, 0.58])
    small = float(np.median(sims["small"].values[:, 0])) - noise_var
    ax.axhline(small, color=plots.COLORS["small"], linestyle="--", linewidth=2,
               label=f"small model: {s} random features trained directly (median {small:.3f})")
    for k, (key, name, color, marker) in enumerate(CURVES):
        excess = _excess(sims[key], noise_var, factor=1.04 ** (k - 2))  # small offsets keep the bars apart
        ax.plot(excess.x, excess.median, color=color, linewidth=1.0, alpha=0.6)
        plots.simulation_points(ax, excess, label=name, color=color, marker=marker, markersize=6)
    plots.mark_threshold(ax, cache.n, label=f"N = n = {cache.n}")
    plots.finish(
        ax, f"neurons N of the dense model before pruning (log scale; d = {cache.problem.d})",
        "excess risk  R − σ²  (log scale)",
        title=f"prune to s = {s} neurons;  σ² = {noise_var:g};  ridge λ = {ridge:g} (dense fit only)",
        logx=True, logy=True, ylim=Y_LIMITS, legend=False,
    )
    ax.set_xlim(0.8 * sims["dense"].x.min(), 1.25 * cache.widths.max())
    plots.plain_log_ticks(ax)
    ax.yaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_locator(NullLocator())
    ax.text(0.01, 0.97, f"{len(cache.draws)} cached draws, exact risks; y clipped to [{Y_LIMITS[0]:g}, {Y_LIMITS[1]:g}]",
            transform=ax.transAxes, ha="left", va="top", fontsize=10, color="#555555")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=10.5)
    return fig


def make_explorer(cache: PruningCache | None = None, *, draws: int = 6, seed=0) -> Explorer:
    """Sliders for the kept neurons ``s``, the noise ``sigma^2`` and the ridge of the dense fit.

    Parameters
    ----------
    cache : PruningCache, optional
        Cached draws to use; default ``PruningCache(draws, seed)`` (built here, about a second).
    draws : int
        Draws of the default cache.
    seed : int or numpy.random.Generator
        Seed of the default cache.

    Returns
    -------
    Explorer
        Controls ``s`` (one of :data:`S_CHOICES`, starting at 40), ``noise_var`` (one of
        :data:`NOISE_CHOICES`, starting at 0.04) and ``ridge`` (one of :data:`RIDGE_CHOICES`,
        starting at 0). A redraw refits from the cached SVDs; it never draws new data.

    Examples
    --------
    >>> explorer = make_explorer(PruningCache(draws=1, widths=(40, 100)))
    >>> sorted(explorer.values)
    ['noise_var', 'ridge', 's']

    In a notebook, ``explorer.show()`` displays the sliders and the figure.
    """
    cache = PruningCache(draws=draws, seed=seed) if cache is None else cache
    if not isinstance(cache, PruningCache):
        raise TypeError(f"cache must be a PruningCache, got {type(cache).__name__}")

    def redraw(s: int, noise_var: float, ridge: float):
        return draw(s, noise_var, ridge, cache=cache)

    controls = {
        "s": choice_slider("kept neurons s", [(str(v), v) for v in S_CHOICES], S),
        "noise_var": choice_slider("noise σ²", [(f"{v:g}", v) for v in NOISE_CHOICES], NOISE_VAR),
        "ridge": choice_slider("ridge λ (dense fit)", [(f"{v:g}", v) for v in RIDGE_CHOICES], 0.0),
    }
    return Explorer(redraw, controls)
