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
from .fit import min_norm_least_squares, ridge
from .models import LinearProblem, isotropic_problem

__all__ = [
    "Summary",
    "summarize",
    "prefix_sweep",
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
    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or values.shape[1] != x.size:
        raise ValueError(f"values must have shape (trials, {x.size}), got {values.shape}")
    return Summary(x=x, values=values)


def _check_common(n, trials, seed):
    n = as_int(n, "n", minimum=1)
    trials = as_int(trials, "trials", minimum=1)
    rng = as_generator(seed)
    return n, trials, rng


def prefix_sweep(problem: LinearProblem, n: int, ps, trials: int = 20, seed=0, penalty: float = 0.0) -> Summary:
    """Risk of min-norm (or ridge) least squares on the first ``p`` features, for each ``p``.

    A fixed problem and a growing model (lesson 03): each trial draws one training set of all
    ``d`` features and fits every prefix on it.

    Parameters
    ----------
    problem : LinearProblem
    n : int
        Training samples.
    ps : array_like of int
        Model sizes, ``1 <= p <= d``.
    trials : int
        Independent training sets.
    seed : int or numpy.random.Generator
    penalty : float
        Ridge penalty (0 = min-norm least squares).

    Returns
    -------
    Summary
        Exact risk (test MSE including noise) per trial and size.
    """
    if not isinstance(problem, LinearProblem):
        raise TypeError(f"problem must be a LinearProblem, got {type(problem).__name__}")
    n, trials, rng = _check_common(n, trials, seed)
    ps = as_int_array(ps, "ps", minimum=1)
    if ps.max() > problem.d:
        raise ValueError(f"every p must be at most d = {problem.d}, got {ps.max()}")
    penalty = as_float(penalty, "penalty", minimum=0.0)
    X = rng.standard_normal((trials, n, problem.d)) * np.sqrt(problem.eigs)
    y = X @ problem.beta + np.sqrt(problem.noise_var) * rng.standard_normal((trials, n))
    risks = np.empty((trials, ps.size))
    for j, p in enumerate(ps):
        W = ridge(X[:, :, :p], y, penalty) if penalty > 0 else min_norm_least_squares(X[:, :, :p], y)
        risks[:, j] = problem.risk(W)
    return Summary(x=ps.astype(float), values=risks)


def _isotropic_draws(n, p, trials, rng, signal, noise_var):
    problem = isotropic_problem(int(p), signal, noise_var)
    X = rng.standard_normal((trials, n, int(p)))
    y = X @ problem.beta + np.sqrt(noise_var) * rng.standard_normal((trials, n))
    return problem, X, y


def isotropic_sweep(n: int, ps, signal: float = 1.0, noise_var: float = 0.25, trials: int = 20, seed=0) -> Summary:
    """Risk of min-norm least squares in the isotropic model, one problem per size (lesson 02).

    For each ``p`` the problem has ``Sigma = I_p`` and ``||beta||^2 = signal`` (THEORY §1), so the
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
