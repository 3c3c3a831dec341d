"""Seeded Monte Carlo experiments returning tidy summaries.

Each sweep draws ``trials`` independent training sets from one seed, fits every model size on the
same draws (vectorized over trials), and measures the exact population risk, so no test set adds
noise. The result is a :class:`Summary`: the raw values plus mean, median, quartiles and standard
error per point. Introduced in lesson 02.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_float, as_float_array, as_generator, as_int, as_int_array
from .fit import min_norm_least_squares
from .models import LinearProblem, isotropic_problem

__all__ = [
    "Summary",
    "summarize",
    "prefix_sweep",
    "prefix_weights",
    "isotropic_sweep",
    "isotropic_bias_variance_sweep",
    "smallest_singular_value_sweep",
    "oracle_prune_sweep",
]


@dataclass(frozen=True)
class Summary:
    """Monte Carlo results at a list of points.

    Attributes
    ----------
    x : ndarray of shape (k,)
        The swept values (model sizes ``p``, or ratios).
    values : ndarray of shape (trials, k)
        One measured value per trial and point.
    """

    x: np.ndarray
    values: np.ndarray

    @property
    def n_trials(self) -> int:
        """Number of trials per point."""
        return int(self.values.shape[0])

    @property
    def mean(self) -> np.ndarray:
        return self.values.mean(axis=0)

    @property
    def median(self) -> np.ndarray:
        return np.median(self.values, axis=0)

    @property
    def q25(self) -> np.ndarray:
        """Lower quartile per point."""
        return np.quantile(self.values, 0.25, axis=0)

    @property
    def q75(self) -> np.ndarray:
        """Upper quartile per point."""
        return np.quantile(self.values, 0.75, axis=0)

    @property
    def sem(self) -> np.ndarray:
        """Standard error of the mean per point."""
        if self.n_trials < 2:
            return np.full(self.x.shape, np.nan)
        return self.values.std(axis=0, ddof=1) / np.sqrt(self.n_trials)

    def at(self, x) -> dict:
        """Statistics at the point ``x`` (which must be one of the swept values)."""
        if isinstance(x, (str, bytes)) or not np.isscalar(x):
            raise TypeError(f"x must be one of the swept values (a number), got {x!r}")
        idx = np.flatnonzero(np.isclose(self.x, x))
        if idx.size == 0:
            raise ValueError(f"{x} is not one of the swept points {self.x.tolist()}")
        i = idx[0]
        return {
            "mean": float(self.mean[i]),
            "median": float(self.median[i]),
            "q25": float(self.q25[i]),
            "q75": float(self.q75[i]),
            "sem": float(self.sem[i]),
        }


def summarize(x, values) -> Summary:
    """Build a :class:`Summary` from swept points ``x`` (k,) and values (trials, k)."""
    x = as_float_array(x, "x", ndim=1)
    try:
        values = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"values must be an array of numbers, got {type(values).__name__}") from None
    if values.ndim != 2 or values.shape[1] != x.size:
        raise ValueError(f"values must have shape (trials, {x.size}), got {values.shape}")
    return Summary(x=x, values=values)


def _check_common(n, trials, seed):
    n = as_int(n, "n", minimum=1)
    trials = as_int(trials, "trials", minimum=1)
    rng = as_generator(seed)
    return n, trials, rng


def _check_rules(rules, allowed: tuple, retrain) -> tuple:
    """Validate a sweep's pruning ``rules`` (a name or a sequence of distinct names) and ``retrain``."""
    if isinstance(rules, str):
        rules = (rules,)
    try:
        rules = tuple(rules)
    except TypeError:
        raise TypeError(f"rules must be a sequence of rule names, got {type(rules).__name__}") from None
    for rule in rules:
        if not isinstance(rule, str) or rule not in allowed:
            raise ValueError(f"unknown pruning rule {rule!r}: rules must be among {allowed}")
    if len(set(rules)) != len(rules):
        raise ValueError(f"rules must not repeat a rule, got {rules}")
    if not isinstance(retrain, (bool, np.bool_)):
        raise TypeError(f"retrain must be True or False, got {type(retrain).__name__}")
    return rules


def _isotropic_draws(n, p, trials, rng, signal, noise_var):
    problem = isotropic_problem(int(p), signal, noise_var)
    X = rng.standard_normal((trials, n, int(p)))
    y = X @ problem.beta + np.sqrt(noise_var) * rng.standard_normal((trials, n))
    return problem, X, y


def isotropic_sweep(n: int, ps, signal: float = 1.0, noise_var: float = 0.25, trials: int = 20, seed=0) -> Summary:
    """Risk of min-norm least squares in the isotropic model, one problem per size (lesson 02).

    For each ``p`` the problem has ``Sigma = I_p`` and ``||beta||^2 = signal`` (Hastie et al. 2022; lesson 02), so the
    signal does not grow with the model; compare with :func:`overparam.theory.isotropic_risk`.

    Returns
    -------
    Summary
        ``x`` holds the sizes ``p``; values are exact risks including noise.
    """
    n, trials, rng = _check_common(n, trials, seed)
    ps = as_int_array(ps, "ps", minimum=1)
    signal = as_float(signal, "signal", minimum=0.0)
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    risks = np.empty((trials, ps.size))
    for j, p in enumerate(ps):
        problem, X, y = _isotropic_draws(n, p, trials, rng, signal, noise_var)
        risks[:, j] = problem.risk(min_norm_least_squares(X, y))
    return Summary(x=ps.astype(float), values=risks)


def isotropic_bias_variance_sweep(
    n: int, ps, signal: float = 1.0, noise_var: float = 0.25, trials: int = 20, seed=0
) -> tuple[Summary, Summary]:
    """Bias and variance of min-norm least squares given each drawn design (isotropic model).

    For a design ``X`` with row-space projector ``P``, averaging over the label noise only gives
    ``bias = ||(I - P) beta||^2`` and ``variance = sigma^2 tr((X^T X)^+)``; their sum is the
    expected excess risk given ``X``. Both are computed from one SVD per design.

    Returns
    -------
    bias, variance : Summary
    """
    n, trials, rng = _check_common(n, trials, seed)
    ps = as_int_array(ps, "ps", minimum=1)
    signal = as_float(signal, "signal", minimum=0.0)
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    bias = np.empty((trials, ps.size))
    variance = np.empty((trials, ps.size))
    for j, p in enumerate(ps):
        problem = isotropic_problem(int(p), signal, noise_var)
        X = rng.standard_normal((trials, n, int(p)))
        _, s, Vt = np.linalg.svd(X, full_matrices=False)
        keep = s > max(n, p) * np.finfo(float).eps * s[:, :1]
        coords = np.einsum("tij,j->ti", Vt, problem.beta) * keep
        bias[:, j] = signal - np.sum(coords**2, axis=1)
        variance[:, j] = noise_var * np.sum(np.where(keep, 1.0 / np.where(keep, s, 1.0) ** 2, 0.0), axis=1)
    return Summary(x=ps.astype(float), values=bias), Summary(x=ps.astype(float), values=variance)


def smallest_singular_value_sweep(n: int, ps, trials: int = 20, seed=0) -> Summary:
    """Smallest non-zero singular value of ``X / sqrt(n)`` for Gaussian ``n x p`` designs.

    The variance of min-norm least squares is ``sigma^2 sum_i 1/s_i^2``; it explodes at ``p = n``
    because the smallest singular value goes to zero there. Marchenko–Pastur predicts
    ``|1 - sqrt(p/n)|`` (see :func:`overparam.theory.smallest_singular_value`).
    """
    n, trials, rng = _check_common(n, trials, seed)
    ps = as_int_array(ps, "ps", minimum=1)
    out = np.empty((trials, ps.size))
    for j, p in enumerate(ps):
        s = np.linalg.svd(rng.standard_normal((trials, n, int(p))), compute_uv=False)
        out[:, j] = s[:, min(n, int(p)) - 1] / np.sqrt(n)
    return Summary(x=ps.astype(float), values=out)


def oracle_prune_sweep(problem: LinearProblem, n: int, ps, support, trials: int = 20, seed=0) -> tuple[Summary, Summary]:
    """Dense and oracle-pruned risk of min-norm least squares on the first ``p`` features.

    Each trial fits every prefix on one training set, then keeps only the coefficients on
    ``support`` (known informative features, all among the first ``min(ps)``), without retraining.

    Returns
    -------
    dense, pruned : Summary
        Exact risks including noise.
    """
    if not isinstance(problem, LinearProblem):
        raise TypeError(f"problem must be a LinearProblem, got {type(problem).__name__}")
    n, trials, rng = _check_common(n, trials, seed)
    ps = as_int_array(ps, "ps", minimum=1)
    support = as_int_array(support, "support", minimum=0)
    if ps.max() > problem.d:
        raise ValueError(f"every p must be at most d = {problem.d}, got {ps.max()}")
    if support.size and support.max() >= ps.min():
        raise ValueError(f"every support index must be below the smallest p = {ps.min()}")
    X = rng.standard_normal((trials, n, problem.d)) * np.sqrt(problem.eigs)
    y = X @ problem.beta + np.sqrt(problem.noise_var) * rng.standard_normal((trials, n))
    dense = np.empty((trials, ps.size))
    pruned = np.empty((trials, ps.size))
    for j, p in enumerate(ps):
        W = min_norm_least_squares(X[:, :, :p], y)
        dense[:, j] = problem.risk(W)
        kept = np.zeros_like(W)
        kept[:, support] = W[:, support]
        pruned[:, j] = problem.risk(kept)
    x = ps.astype(float)
    return Summary(x=x, values=dense), Summary(x=x, values=pruned)


# ----------------------------------------------------------------------------------------------
# Lesson 03: fast prefix sweeps through the normal equations
# ----------------------------------------------------------------------------------------------


def _prefix_solve_stack(X: np.ndarray, y: np.ndarray, ps: np.ndarray, penalties: np.ndarray) -> list:
    """Min-norm / ridge weights of every prefix model for a stack of designs (internal).

    ``X`` has shape ``(trials, n, m)`` with ``m >= max(ps)``, ``y`` shape ``(trials, n)``. A model
    of size ``p < n`` solves the ``p x p`` system ``(X_p^T X_p + n lam I) w = X_p^T y`` (its matrix
    is the leading block of one ``X^T X``); a model of size ``p >= n`` solves the ``n x n`` system
    ``(X_p X_p^T + n lam I) alpha = y`` and returns ``w = X_p^T alpha``, where ``X_p X_p^T`` is
    accumulated column block by column block, so the whole sweep costs one Gram matrix. With
    ``lam = 0`` this is ``X_p^+ y`` (OLS below the threshold, the min-norm interpolator above).
    """
    trials, n, _ = X.shape
    out = [None] * ps.size
    near = (penalties == 0) & (np.abs(ps - n) <= 2)
    for j in np.flatnonzero(near):
        out[j] = min_norm_least_squares(X[:, :, : int(ps[j])], y)
    ps = np.where(near, -1, ps)  # handled: keep them out of both branches below
    under = np.flatnonzero((ps >= 0) & (ps < n))
    if under.size:
        m = int(ps[under].max())
        Xm = X[:, :, :m]
        A = np.matmul(Xm.transpose(0, 2, 1), Xm)
        b = np.matmul(y[:, None, :], Xm)[:, 0]
        for j in under:
            p = int(ps[j])
            lhs = A[:, :p, :p] + n * penalties[j] * np.eye(p)
            out[j] = np.linalg.solve(lhs, b[:, :p, None])[..., 0]
    over = np.flatnonzero(ps >= n)
    if over.size:
        G = np.zeros((trials, n, n))
        done = 0
        for j in over[np.argsort(ps[over], kind="stable")]:  # growing prefixes share one Gram
            p = int(ps[j])
            if p > done:
                block = X[:, :, done:p]
                G += np.matmul(block, block.transpose(0, 2, 1))
                done = p
            alpha = np.linalg.solve(G + n * penalties[j] * np.eye(n), y[..., None])[..., 0]
            out[j] = np.matmul(alpha[:, None, :], X[:, :, :p])[:, 0]
    return out


def _prefix_fit_chunks(problem: LinearProblem, n: int, ps, trials: int, seed, penalty):
    """Validate, draw training sets chunk by chunk, and fit every prefix (internal)."""
    if not isinstance(problem, LinearProblem):
        raise TypeError(f"problem must be a LinearProblem, got {type(problem).__name__}")
    n, trials, rng = _check_common(n, trials, seed)
    ps = as_int_array(ps, "ps", minimum=1)
    if ps.max() > problem.d:
        raise ValueError(f"every p must be at most d = {problem.d}, got {ps.max()}")
    pen = as_float_array(penalty, "penalty", ndim=(0, 1))
    if pen.ndim == 1 and pen.size != ps.size:
        raise ValueError(f"penalty must be a number or have one entry per size ({ps.size}), got {pen.size}")
    if np.any(pen < 0):
        raise ValueError("penalty must be non-negative")
    pen = np.broadcast_to(pen, ps.shape).astype(float)
    m = int(ps.max())
    # Features beyond the largest model are independent of the ones it uses, so their signal is
    # exactly extra Gaussian label noise: draw it as such instead of drawing those columns.
    tail_var = problem.effective_noise(m)
    chunk = max(1, min(trials, int(2**22 // (n * m))))
    weights = [[] for _ in range(ps.size)]
    scale = np.sqrt(problem.eigs[:m])
    for start in range(0, trials, chunk):
        t = min(chunk, trials - start)
        X = rng.standard_normal((t, n, m)) * scale
        y = X @ problem.beta[:m] + np.sqrt(tail_var) * rng.standard_normal((t, n))
        for j, W in enumerate(_prefix_solve_stack(X, y, ps, pen)):
            weights[j].append(W)
    return ps, [np.concatenate(w, axis=0) for w in weights]


def prefix_weights(problem: LinearProblem, n: int, ps, trials: int = 20, seed=0, penalty=0.0) -> list:
    """Fitted weights of min-norm (or ridge) least squares on the first ``p`` features, each ``p``.

    Each trial draws one training set and fits every prefix on it (as :func:`prefix_sweep`). The
    fits go through the normal equations — a ``p x p`` system below the threshold, an ``n x n``
    Gram system above it, the Gram matrices accumulated over growing prefixes — which is about ten
    times faster than one SVD per fit; min-norm fits within two of ``n`` use the SVD, since the
    normal equations square an already large condition number there. Features beyond ``max(ps)`` enter as the extra
    label noise they are equivalent to. Use it to average fitted coefficients over many trials
    (lesson 03: the mean of min-norm weights is the population ridge solution with penalty zeta).

    Parameters
    ----------
    problem : LinearProblem
    n : int
        Training samples.
    ps : array_like of int
        Model sizes, ``1 <= p <= d``. With ``penalty = 0``, fits near ``p = n`` are heavy-tailed
        (the interpolation peak).
    trials : int
        Independent training sets.
    seed : int or numpy.random.Generator
    penalty : float or array_like
        Ridge penalty ``lambda >= 0`` in the convention ``(X^T X + n lambda I)^{-1} X^T y``
        (0 = min-norm least squares), or one penalty per size.

    Returns
    -------
    list of Summary
        One per size, in the order of ``ps``: ``x`` holds the feature numbers ``1..p`` and
        ``values`` the fitted weights, shape ``(trials, p)``; ``.mean`` and ``.sem`` give the
        average coefficient and its standard error.

    Examples
    --------
    >>> from overparam import models
    >>> fits = prefix_weights(models.isotropic_problem(30), n=20, ps=[10, 30], trials=5, seed=0)
    >>> [f.values.shape for f in fits]
    [(5, 10), (5, 30)]
    """
    ps, weights = _prefix_fit_chunks(problem, n, ps, trials, seed, penalty)
    return [Summary(x=np.arange(1.0, p + 1), values=W) for p, W in zip(ps, weights)]




def prefix_sweep(problem: LinearProblem, n: int, ps, trials: int = 20, seed=0, penalty=0.0) -> Summary:
    """Risk of min-norm (or ridge) least squares on the first ``p`` features, for each ``p``.

    A fixed problem and a growing model (lesson 03): each trial draws one training set and fits
    every prefix on it, then measures the exact population risk (test MSE including noise), so no
    test set adds noise. The fits go through the normal equations as in :func:`prefix_weights`
    (about ten times faster than one SVD per fit, which makes 300-trial sweeps affordable in a
    lesson); min-norm fits within two of the threshold ``p = n`` use the SVD instead.

    Parameters
    ----------
    problem : LinearProblem
    n : int
    ps : array_like of int
        Model sizes, ``1 <= p <= d``.
    trials : int
    seed : int or numpy.random.Generator
    penalty : float or array_like
        Ridge penalty (0 = min-norm), or one per size (for example the optimal penalty of each p).

    Returns
    -------
    Summary

    Examples
    --------
    >>> from overparam import models
    >>> s = prefix_sweep(models.isotropic_problem(40, noise_var=0.25), n=20, ps=[5, 40], trials=50)
    >>> s.values.shape
    (50, 2)
    """
    ps, weights = _prefix_fit_chunks(problem, n, ps, trials, seed, penalty)
    risks = np.column_stack([problem.risk(W) for W in weights])
    return Summary(x=ps.astype(float), values=risks)




# ----------------------------------------------------------------------------------------------
# Lessons 05–08: train large, then prune (with and without retraining)
# ----------------------------------------------------------------------------------------------

#: the pruning rules :func:`pruning_sweep` knows, in its default order
PRUNING_RULES = ("magnitude", "hessian", "oracle", "random")


def pruning_sweep(
    problem,
    n: int,
    ps,
    s: int,
    trials: int = 20,
    seed=0,
    rules=PRUNING_RULES,
    retrain: bool = True,
    support=None,
) -> dict:
    """Risk of min-norm least squares on the first ``p`` features pruned to ``s`` weights, each ``p``.

    Each trial draws one training set and fits the dense min-norm model of every size ``p`` on it
    (as :func:`prefix_sweep`); every pruning rule then prunes *that same fit*, so the rules are
    compared on identical models. Rules (lesson 05, :mod:`overparam.prune`):

    * ``"magnitude"`` — keep the ``s`` largest ``|w_i|``;
    * ``"hessian"`` — keep the ``s`` largest ``sqrt(lambda_i) |w_i|`` with the *population*
      variances ``lambda_i = problem.eigs`` (for a :class:`~overparam.models.CorrelatedProblem`, the
      diagonal of its covariance);
    * ``"oracle"`` — keep the ``s`` largest ``lambda_i beta_i^2`` among the first ``p`` features
      (ties to the lower index, as :func:`overparam.theory.oracle_pruned_risk`), or the given
      ``support``; for correlated features this ranking uses only the diagonal of the covariance,
      so pass ``support`` if a lesson wants another one;
    * ``"random"`` — ``s`` weights chosen uniformly at random, independently per trial and ``p``.

    Each pruned model is measured without retraining (the kept weights of the dense fit) and, if
    ``retrain``, after refitting least squares on the kept columns (:func:`overparam.prune.retrain`).
    All values are exact population risks (test MSE including noise), so no test set adds noise.

    Sizes with ``p = n`` (and its neighbours) are computed like any other, through the SVD: their
    risks are just very large and heavy-tailed (the interpolation peak); prefer medians there. For
    the same ``seed`` and a :class:`~overparam.models.LinearProblem` the ``"dense"`` values equal
    those of :func:`prefix_sweep` (same draws), unless the oracle support reaches beyond ``max(ps)``.
    Features beyond the ones drawn enter exactly as the label noise they amount to; for a
    correlated problem that is the Gaussian conditional given the drawn features (the kept ones
    also predict part of the rest, see :meth:`~overparam.models.CorrelatedProblem.best_support_weights`).

    Parameters
    ----------
    problem : LinearProblem or CorrelatedProblem
    n : int
        Training samples.
    ps : array_like of int
        Dense model sizes, ``s <= p <= d``; values below and above ``n`` are both fine.
    s : int
        Weights kept after pruning, ``s >= 1``.
    trials : int
        Independent training sets.
    seed : int or numpy.random.Generator
        Seeds the training sets; the random masks come from a generator spawned from it, so adding
        or removing a rule does not change the training sets. Same seed, same results.
    rules : sequence of str
        Any of ``"magnitude"``, ``"hessian"``, ``"oracle"``, ``"random"``.
    retrain : bool
        Also measure every rule after retraining on its support.
    support : array_like of int, optional
        The ``s`` "known best" features, used for the ``"oracle"`` rule at every ``p`` (all indices
        must then be below ``min(ps)``) and for the ``"small"`` baseline. Default: the top-``s``
        features by ``eigs * beta**2`` (ties to the lower index).

    Returns
    -------
    dict of str to Summary
        ``"dense"``; for each rule ``"<rule>"`` and, if ``retrain``, ``"<rule>+retrain"`` — each
        with ``x`` = the sizes ``p`` and values of shape ``(trials, len(ps))``; and ``"small"``: least
        squares trained directly on the support (the small model, fitted on the same training sets),
        with ``x = [s]`` and values of shape ``(trials, 1)`` (it does not depend on ``p``).

    Examples
    --------
    >>> from overparam import models
    >>> out = pruning_sweep(models.pruning_showcase_problem(300), n=100, ps=[150, 300], s=80,
    ...                     trials=3, rules=("magnitude", "oracle"))
    >>> list(out)
    ['dense', 'magnitude', 'magnitude+retrain', 'oracle', 'oracle+retrain', 'small']
    >>> out["oracle"].values.shape, out["small"].values.shape
    ((3, 2), (3, 1))
    """
    from . import prune
    from .models import CorrelatedProblem

    if not isinstance(problem, (LinearProblem, CorrelatedProblem)):
        raise TypeError(
            f"problem must be a LinearProblem or a CorrelatedProblem, got {type(problem).__name__}"
        )
    n, trials, rng = _check_common(n, trials, seed)
    ps = as_int_array(ps, "ps", minimum=1)
    s = as_int(s, "s", minimum=1)
    d = problem.d
    if ps.max() > d:
        raise ValueError(f"every p must be at most d = {d}, got {ps.max()}")
    if ps.min() < s:
        raise ValueError(
            f"every p must be at least s = {s} (a model cannot be pruned to more weights than it has), "
            f"got {ps.min()}"
        )
    rules = _check_rules(rules, PRUNING_RULES, retrain)

    eigs, beta = problem.eigs, problem.beta
    if support is None:
        ranked = np.lexsort((np.arange(d), -(eigs * beta**2)))
        support = np.sort(ranked[:s])
        given = False
    else:
        support = as_int_array(support, "support", minimum=0)
        if support.size != s:
            raise ValueError(f"support must hold exactly s = {s} feature indices, got {support.size}")
        if np.unique(support).size != s:
            raise ValueError("support must not repeat an index")
        if support.max() >= ps.min():
            raise ValueError(
                f"every support index must be below the smallest p = {ps.min()}, got {support.max()}"
            )
        given = True

    m = int(max(ps.max(), support.max() + 1))  # columns to draw
    if isinstance(problem, LinearProblem):
        mix, coef, tail_var = np.sqrt(eigs[:m]), beta[:m], problem.effective_noise(m)
    else:
        coef, tail_var = problem.best_support_weights(np.arange(m))  # y | first m features
        mix = np.linalg.cholesky(problem.cov[:m, :m]).T
    mask_rng = rng.spawn(1)[0]
    pen = np.zeros(ps.size)
    small_mask = np.zeros(m, dtype=bool)
    small_mask[support] = True

    keys = ["dense"]
    for rule in rules:
        keys += [rule, f"{rule}+retrain"] if retrain else [rule]
    values = {key: np.empty((trials, ps.size)) for key in keys}
    small = np.empty((trials, 1))
    chunk = max(1, min(trials, int(2**22 // (n * m))))  # as prefix_sweep: the same draws
    for start in range(0, trials, chunk):
        t = min(chunk, trials - start)
        rows = slice(start, start + t)
        Z = rng.standard_normal((t, n, m))
        X = Z * mix if mix.ndim == 1 else Z @ mix
        y = X @ coef + np.sqrt(tail_var) * rng.standard_normal((t, n))
        small[rows, 0] = problem.risk(prune.retrain(X, y, small_mask))
        for j, W in enumerate(_prefix_solve_stack(X, y, ps, pen)):
            p = int(ps[j])
            values["dense"][rows, j] = problem.risk(W)
            for rule in rules:
                if rule == "magnitude":
                    mask = prune.magnitude_mask(W, s)
                elif rule == "hessian":
                    mask = prune.hessian_mask(W, s, eigs[:p])
                elif rule == "oracle":
                    mask = small_mask[:p] if given else prune.oracle_mask(eigs, beta, p, s)
                else:
                    mask = prune.random_mask(p, s, mask_rng, trials=t)
                values[rule][rows, j] = problem.risk(prune.apply_mask(W, mask))
                if retrain:
                    refit = prune.retrain(X[:, :, :p], y, mask)
                    values[f"{rule}+retrain"][rows, j] = problem.risk(refit)
    x = ps.astype(float)
    out = {key: Summary(x=x, values=v) for key, v in values.items()}
    out["small"] = Summary(x=np.array([float(s)]), values=small)
    return out


__all__.append("pruning_sweep")
__all__.append("PRUNING_RULES")


# ----------------------------------------------------------------------------------------------
# Lesson 04: random features, nested widths of one wide draw
# ----------------------------------------------------------------------------------------------


def random_features_sweep(problem, n: int, Ns, trials: int = 10, seed=0, ridge=0.0) -> Summary:
    """Exact risk of random-features regression over widths ``N``, nested in each trial (lesson 04).

    Each trial draws one wide first layer ``Theta`` (``max(Ns)`` rows) and one training set, fits
    the second layer of every width ``N`` on the features of the first ``N`` rows
    (:func:`overparam.random_features.fit_second_layer`, penalty ``(N/d) ridge``), and measures the
    exact population risk through the arc-cosine kernel
    (:meth:`~overparam.random_features.RandomFeaturesProblem.risk`), so no test set adds noise.
    The fits go through the normal equations as in :func:`prefix_sweep` (an ``N x N`` block of one
    ``Z^T Z`` below ``N = n``, an ``n x n`` Gram matrix accumulated over growing widths above);
    min-norm fits within two of ``n`` use the SVD. The kernel matrix of the wide draw is built
    once per trial, block by block.

    ``N = n`` with ``ridge = 0`` is allowed: the min-norm fit is well defined (the SVD handles it),
    but its risk is huge and heavy-tailed (the theory is infinite there), so plot medians on a
    log axis, or leave that width out.

    Parameters
    ----------
    problem : overparam.random_features.RandomFeaturesProblem
    n : int
        Training samples.
    Ns : array_like of int
        Widths (numbers of random features), each at least 1.
    trials : int
        Independent (first layer, training set) draws.
    seed : int or numpy.random.Generator
    ridge : float or array_like
        ``lambda >= 0`` in the ``(N/d) lambda`` convention, or one value per width.

    Returns
    -------
    Summary
        ``x`` holds the widths; values are exact risks including noise, shape ``(trials, len(Ns))``.

    Examples
    --------
    >>> from overparam import random_features
    >>> problem = random_features.random_features_problem(d=20, noise_var=0.25)
    >>> s = random_features_sweep(problem, n=40, Ns=[10, 80], trials=3, seed=0)
    >>> s.values.shape
    (3, 2)
    """
    from .random_features import RandomFeaturesProblem

    if not isinstance(problem, RandomFeaturesProblem):
        raise TypeError(f"problem must be a RandomFeaturesProblem, got {type(problem).__name__}")
    n, trials, rng = _check_common(n, trials, seed)
    Ns = as_int_array(Ns, "Ns", minimum=1)
    lam = as_float_array(ridge, "ridge", ndim=(0, 1))
    if lam.ndim == 1 and lam.size != Ns.size:
        raise ValueError(f"ridge must be a number or have one entry per width ({Ns.size}), got {lam.size}")
    if np.any(lam < 0):
        raise ValueError("ridge must be non-negative")
    penalties = np.broadcast_to(lam, Ns.shape) * Ns / problem.d  # fit.ridge convention: n * penalty
    n_max = int(Ns.max())
    risks = np.empty((trials, Ns.size))
    for t in range(trials):
        theta = problem.draw_first_layer(n_max, rng)
        X, y = problem.sample(n, rng)
        Z = problem.features(X, theta)
        weights = [w[0] for w in _prefix_solve_stack(Z[None], y[None], Ns, penalties)]
        risks[t] = problem.noise_var + np.array(problem._nested_excess_risks(weights, theta))
    return Summary(x=Ns.astype(float), values=risks)


__all__.append("random_features_sweep")


# ----------------------------------------------------------------------------------------------
# Lesson 09: pruning random features (hidden neurons), with and without retraining
# ----------------------------------------------------------------------------------------------

#: the pruning rules :func:`random_features_pruning_sweep` knows, in its default order
RF_PRUNING_RULES = ("magnitude", "hessian", "random")


def random_features_pruning_sweep(
    problem,
    n: int,
    Ns,
    s: int,
    trials: int = 12,
    seed=0,
    rules=RF_PRUNING_RULES,
    retrain: bool = True,
    ridge=0.0,
    theta=None,
) -> dict:
    """Exact risks of random-features models of every width ``N``, pruned to ``s`` neurons (lesson 09).

    Each trial draws one wide first layer ``Theta`` (``max(Ns)`` rows) and one training set, in
    the same order as :func:`random_features_sweep` (so ``"dense"`` equals that sweep for the same
    ``seed``), and fits the second layer ``a`` of every width ``N`` on the first ``N`` features
    (:func:`overparam.random_features.fit_second_layer`: min-norm, or ridge with penalty
    ``(N/d) ridge``). Every rule then prunes *that same fit* to ``s`` hidden neurons
    (:mod:`overparam.prune`):

    * ``"magnitude"`` — keep the ``s`` largest ``|a_j|``;
    * ``"hessian"`` — keep the ``s`` largest ``|a_j| ||Z_j|| / sqrt(n)``, the weight times the
      root mean square of its feature over the training set
      (``hessian_mask(a, s, column_variances(Z))``);
    * ``"random"`` — ``s`` neurons chosen uniformly at random, independently per trial and width.

    Each pruned model is measured without retraining (the kept weights of the dense fit) and, if
    ``retrain``, after refitting least squares on the kept features (:func:`overparam.prune.retrain`;
    always plain least squares, whatever ``ridge``; min-norm if ``s >= n``). The baseline ``"small"`` is least squares on
    the first ``s`` features of the same draw: the small model trained directly on ``s`` random
    features. All values are exact population risks (test MSE including noise) through the
    arc-cosine kernel (:meth:`~overparam.random_features.RandomFeaturesProblem.risk`), the kernel
    of each wide draw built once; subtract ``problem.noise_var`` for the excess risk.

    With ``theta`` given, every trial keeps that one first layer and draws only a new training set:
    the simulation of one drawn network that
    :func:`overparam.theory.random_features_pruned_risk` predicts.

    At ``N = s`` every rule keeps all neurons, so with ``ridge = 0`` every pruned model is the
    small model. Near ``N = n`` the min-norm fits are heavy-tailed (the interpolation peak): use
    medians there.

    Parameters
    ----------
    problem : overparam.random_features.RandomFeaturesProblem
    n : int
        Training samples.
    Ns : array_like of int
        Dense widths, each at least ``s``.
    s : int
        Neurons kept after pruning, ``s >= 1``.
    trials : int
        Independent (first layer, training set) draws.
    seed : int or numpy.random.Generator
        Seeds the draws; the random masks come from a generator spawned from it, so adding or
        removing a rule does not change the draws. Same seed, same results.
    rules : sequence of str
        Any of ``"magnitude"``, ``"hessian"``, ``"random"``, each at most once (empty: only
        ``"dense"`` and ``"small"``).
    retrain : bool
        Also measure every rule after retraining on its kept neurons.
    ridge : float or array_like
        ``lambda >= 0`` of the dense fits in the ``(N/d) lambda`` convention, or one per width
        (0 = min-norm).
    theta : array_like of shape (N_max, d), optional
        One fixed first layer for every trial, with ``N_max >= max(Ns)`` rows (the width-``N``
        model uses the first ``N``). Default: a new first layer per trial.

    Returns
    -------
    dict of str to Summary
        ``"dense"``; for each rule ``"<rule>"`` and, if ``retrain``, ``"<rule>+retrain"``; and
        ``"small"`` (the same value at every width). Each has ``x`` = the widths and values of
        shape ``(trials, len(Ns))``.

    Examples
    --------
    >>> from overparam import random_features
    >>> problem = random_features.random_features_problem(d=10, noise_var=0.04, inputs="gaussian", rng=0)
    >>> out = random_features_pruning_sweep(problem, n=40, Ns=[10, 80], s=10, trials=3,
    ...                                     rules=("magnitude", "random"))
    >>> list(out)
    ['dense', 'magnitude', 'magnitude+retrain', 'random', 'random+retrain', 'small']
    >>> out["magnitude"].values.shape
    (3, 2)
    >>> bool(np.allclose(out["magnitude+retrain"].values[:, 0], out["small"].values[:, 0]))  # N = s
    True
    """
    from . import prune
    from .random_features import RandomFeaturesProblem, _check_theta

    if not isinstance(problem, RandomFeaturesProblem):
        raise TypeError(f"problem must be a RandomFeaturesProblem, got {type(problem).__name__}")
    n, trials, rng = _check_common(n, trials, seed)
    Ns = as_int_array(Ns, "Ns", minimum=1)
    s = as_int(s, "s", minimum=1)
    if Ns.min() < s:
        raise ValueError(
            f"every width N must be at least s = {s} (a model cannot be pruned to more neurons "
            f"than it has), got {Ns.min()}"
        )
    rules = _check_rules(rules, RF_PRUNING_RULES, retrain)
    lam = as_float_array(ridge, "ridge", ndim=(0, 1))
    if lam.ndim == 1 and lam.size != Ns.size:
        raise ValueError(f"ridge must be a number or have one entry per width ({Ns.size}), got {lam.size}")
    if np.any(lam < 0):
        raise ValueError(f"ridge must be non-negative (lambda >= 0), got {lam.min():g}")
    penalties = np.broadcast_to(lam, Ns.shape) * Ns / problem.d  # as random_features_sweep
    n_max = int(Ns.max())
    if theta is not None:
        theta = _check_theta(theta, problem.d)
        if theta.shape[0] < n_max:
            raise ValueError(f"theta must have at least max(Ns) = {n_max} rows, got {theta.shape[0]}")
        theta = theta[:n_max]
    mask_rng = rng.spawn(1)[0]

    keys = ["dense"]
    for rule in rules:
        keys += [rule, f"{rule}+retrain"] if retrain else [rule]
    values = {key: np.empty((trials, Ns.size)) for key in keys + ["small"]}
    keep_all = np.ones(s, dtype=bool)
    fixed = theta
    for t in range(trials):
        theta = fixed if fixed is not None else problem.draw_first_layer(n_max, rng)
        X, y = problem.sample(n, rng)
        Z = problem.features(X, theta)
        dense = [w[0] for w in _prefix_solve_stack(Z[None], y[None], Ns, penalties)]
        stacks = [prune.retrain(Z[:, :s], y, keep_all)]  # the small model, then one stack per width
        for j, a in enumerate(dense):
            N = int(Ns[j])
            ZN = Z[:, :N]
            masks = []
            for rule in rules:
                if rule == "magnitude":
                    masks.append(prune.magnitude_mask(a, s))
                elif rule == "hessian":
                    masks.append(prune.hessian_mask(a, s, prune.column_variances(ZN)))
                else:
                    masks.append(prune.random_mask(N, s, mask_rng))
            masks = np.array(masks, dtype=bool).reshape(len(rules), N)  # (0, N) when no rule is asked
            rows = [a[None], prune.apply_mask(a, masks)]
            if retrain and rules:
                rows.append(prune.retrain(ZN, y, masks))
            stacks.append(np.concatenate(rows, axis=0))
        risks = problem._nested_excess_risks(stacks, theta)
        values["small"][t] = problem.noise_var + risks[0]
        k = len(rules)
        for j in range(Ns.size):
            r = problem.noise_var + risks[j + 1]
            values["dense"][t, j] = r[0]
            for i, rule in enumerate(rules):
                values[rule][t, j] = r[1 + i]
                if retrain:
                    values[f"{rule}+retrain"][t, j] = r[1 + k + i]
    x = Ns.astype(float)
    return {key: Summary(x=x, values=values[key]) for key in keys + ["small"]}


__all__.append("random_features_pruning_sweep")
__all__.append("RF_PRUNING_RULES")
