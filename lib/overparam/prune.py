"""Pruning a trained linear model, and retraining it on the weights that survive.

A pruning rule scores every weight of a trained model and keeps the ``s`` best (lessons 05–06):

* magnitude pruning (MP) scores ``|w_i|`` (:func:`magnitude_mask`);
* Hessian (covariance-scaled) pruning (HP) scores ``sqrt(lambda_i) |w_i|``, where ``lambda_i`` is the
  variance of feature ``i`` — the diagonal of the square-loss Hessian — either the population value
  or its estimate ``diag(X^T X / n)`` from the training data (:func:`hessian_mask`,
  :func:`column_variances`);
* the oracle keeps the ``s`` known most informative features, the largest ``lambda_i beta_i^2``
  (:func:`oracle_mask`);
* random pruning keeps ``s`` weights chosen uniformly at random, a baseline (:func:`random_mask`).

A mask is a boolean array with exactly ``s`` ``True`` entries per row; ties in a score go to the
lower index, so every rule is deterministic given its inputs. :func:`apply_mask` zeroes the pruned
weights (pruning *without* retraining); :func:`retrain` refits least squares on the kept columns
only (pruning *with* retraining — for a fixed support that is exactly training the small model on
those features). Every function accepts a stack of models with a leading ``trials`` axis, so Monte
Carlo experiments stay vectorized. Used in lessons 05–08 and :func:`overparam.experiments.pruning_sweep`.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, as_generator, as_int
from .fit import min_norm_least_squares

__all__ = [
    "top_s_mask",
    "magnitude_mask",
    "hessian_mask",
    "column_variances",
    "oracle_mask",
    "random_mask",
    "apply_mask",
    "retrain",
]


def _check_s(s, p: int) -> int:
    s = as_int(s, "s", minimum=0)
    if s > p:
        raise ValueError(
            f"s (weights to keep) must be at most the number of weights p = {p}, got {s}"
        )
    return s


def _as_mask(mask, name: str = "mask") -> np.ndarray:
    """Check that ``mask`` is a 1-D or 2-D boolean array (not 0/1 numbers)."""
    if isinstance(mask, (str, bytes)) or mask is None:
        raise TypeError(f"{name} must be a boolean array, got {type(mask).__name__}")
    arr = np.asarray(mask)
    if arr.dtype != bool:
        raise TypeError(
            f"{name} must be a boolean array (True = keep), got dtype {arr.dtype}; "
            "build one with top_s_mask or compare, e.g. scores > 0"
        )
    if arr.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D or 2-D, got an array of shape {arr.shape}")
    return arr


def top_s_mask(scores, s: int) -> np.ndarray:
    """Boolean mask keeping exactly the ``s`` largest scores of each row.

    Ties go to the lower index: among equal scores the earlier entries are kept.

    Parameters
    ----------
    scores : array_like of shape (p,) or (trials, p)
        Finite scores; a 2-D array is ranked row by row.
    s : int
        Number of entries to keep per row, ``0 <= s <= p``.

    Returns
    -------
    ndarray of bool, same shape as ``scores``
        Exactly ``s`` ``True`` entries per row.

    Examples
    --------
    >>> top_s_mask([0.5, 2.0, 0.5, 1.0], 3)
    array([ True,  True, False,  True])
    """
    scores = as_float_array(scores, "scores", ndim=(1, 2))
    s = _check_s(s, scores.shape[-1])
    # a stable sort of -scores ranks the largest first and keeps equal scores in index order
    order = np.argsort(-scores, axis=-1, kind="stable")
    mask = np.zeros(scores.shape, dtype=bool)
    np.put_along_axis(mask, order[..., :s], True, axis=-1)
    return mask


def magnitude_mask(w, s: int) -> np.ndarray:
    """Magnitude pruning: keep the ``s`` weights of largest ``|w_i|`` (per row).

    Parameters
    ----------
    w : array_like of shape (p,) or (trials, p)
        Trained weights.
    s : int
        Weights to keep, ``0 <= s <= p``.

    Returns
    -------
    ndarray of bool, same shape as ``w``

    Examples
    --------
    >>> magnitude_mask([0.1, -3.0, 2.0], 2)
    array([False,  True,  True])
    """
    w = as_float_array(w, "w", ndim=(1, 2))
    return top_s_mask(np.abs(w), s)


def hessian_mask(w, s: int, variances) -> np.ndarray:
    """Hessian (covariance-scaled) pruning: keep the ``s`` largest ``sqrt(variances_i) |w_i|``.

    For the square loss the diagonal of the Hessian is the feature covariance's diagonal, so the
    score is the weight's contribution to the output's scale. Pass the population variances
    ``lambda_i`` (``problem.eigs[:p]``) or the training-data estimate :func:`column_variances`.
    With all variances equal this is magnitude pruning.

    Parameters
    ----------
    w : array_like of shape (p,) or (trials, p)
        Trained weights.
    s : int
        Weights to keep, ``0 <= s <= p``.
    variances : array_like of shape (p,) or (trials, p)
        Non-negative feature variances; a 1-D array is shared by every row of ``w``.

    Returns
    -------
    ndarray of bool, same shape as ``w``

    Examples
    --------
    >>> hessian_mask([1.0, 0.5], 1, variances=[0.04, 1.0])  # 0.2 * 1.0 < 1.0 * 0.5
    array([False,  True])
    """
    w = as_float_array(w, "w", ndim=(1, 2))
    variances = as_float_array(variances, "variances", ndim=(1, 2))
    if variances.ndim > w.ndim or variances.shape[-1] != w.shape[-1] or (
        variances.ndim == 2 and variances.shape != w.shape
    ):
        raise ValueError(
            f"variances must have shape ({w.shape[-1]},) or the shape of w {w.shape}, "
            f"got {variances.shape}"
        )
    if np.any(variances < 0):
        raise ValueError("variances must be non-negative")
    return top_s_mask(np.sqrt(variances) * np.abs(w), s)


def column_variances(X) -> np.ndarray:
    """Training-data estimate of the feature variances: the diagonal of ``X^T X / n``.

    (Uncentered, since the features have mean zero.) The data stand-in for ``lambda_i`` in
    :func:`hessian_mask`.

    Parameters
    ----------
    X : array_like of shape (n, p) or (trials, n, p)

    Returns
    -------
    ndarray of shape (p,) or (trials, p)

    Examples
    --------
    >>> column_variances([[1.0, 0.0], [3.0, 2.0]])
    array([5., 2.])
    """
    X = as_float_array(X, "X", ndim=(2, 3))
    if X.shape[-2] == 0:
        raise ValueError(f"X must have at least one row, got shape {X.shape}")
    return np.mean(X**2, axis=-2)


def oracle_mask(eigs, beta, p: int, s: int) -> np.ndarray:
    """Oracle pruning: keep the ``s`` features with the largest ``eigs_i * beta_i**2`` among the first ``p``.

    Ties go to the lower index (the same ranking as :func:`overparam.theory.oracle_pruned_risk`).
    For a problem with correlated features pass ``problem.eigs`` (the diagonal of the covariance):
    the score is then each feature's own signal power, which ignores correlations.

    Parameters
    ----------
    eigs, beta : array_like of shape (d,)
        Feature variances (positive) and true coefficients.
    p : int
        Model size: the mask covers the first ``p`` features, ``s <= p <= d``.
    s : int
        Features to keep.

    Returns
    -------
    ndarray of bool, shape (p,)

    Examples
    --------
    >>> oracle_mask([1.0, 1.0, 4.0, 1.0], [0.1, 1.0, 1.0, 2.0], p=3, s=2)
    array([False,  True,  True])
    """
    eigs = as_float_array(eigs, "eigs", ndim=1)
    beta = as_float_array(beta, "beta", ndim=1)
    if beta.shape != eigs.shape:
        raise ValueError(f"beta must have the same shape as eigs {eigs.shape}, got {beta.shape}")
    if np.any(eigs <= 0):
        raise ValueError("eigs (feature variances) must all be positive")
    p = as_int(p, "p", minimum=1)
    if p > eigs.size:
        raise ValueError(f"p must be at most d = {eigs.size}, got {p}")
    return top_s_mask(eigs[:p] * beta[:p] ** 2, s)


def random_mask(p: int, s: int, rng, trials: int | None = None) -> np.ndarray:
    """Random pruning: keep ``s`` of ``p`` weights chosen uniformly at random (a baseline).

    Every subset of size ``s`` is equally likely, independently per row.

    Parameters
    ----------
    p : int
        Number of weights.
    s : int
        Weights to keep, ``0 <= s <= p``.
    rng : numpy.random.Generator or int
        Random generator (or seed).
    trials : int, optional
        Draw one mask per trial, shape ``(trials, p)``. Default: one mask of shape ``(p,)``.

    Returns
    -------
    ndarray of bool

    Examples
    --------
    >>> int(random_mask(10, 4, rng=0).sum())
    4
    """
    p = as_int(p, "p", minimum=1)
    s = _check_s(s, p)
    rng = as_generator(rng)
    rows = 1 if trials is None else as_int(trials, "trials", minimum=1)
    keys = rng.random((rows, p))  # the s smallest of iid uniform keys form a uniform s-subset
    mask = np.zeros((rows, p), dtype=bool)
    np.put_along_axis(mask, np.argsort(keys, axis=-1)[:, :s], True, axis=-1)
    return mask[0] if trials is None else mask


def apply_mask(w, mask) -> np.ndarray:
    """Prune without retraining: keep the weights where ``mask`` is True, zero the others.

    Parameters
    ----------
    w : array_like of shape (p,) or (trials, p)
    mask : array_like of bool, shape (p,) or the shape of ``w``
        A 1-D mask is applied to every row of ``w``.

    Returns
    -------
    ndarray of the broadcast shape

    Examples
    --------
    >>> apply_mask([1.0, -2.0, 3.0], [True, False, True])
    array([1., 0., 3.])
    """
    w = as_float_array(w, "w", ndim=(1, 2))
    mask = _as_mask(mask)
    if mask.shape[-1] != w.shape[-1] or (mask.ndim == 2 and w.ndim == 2 and mask.shape != w.shape):
        raise ValueError(f"mask must have shape ({w.shape[-1]},) or {w.shape}, got {mask.shape}")
    return np.where(mask, w, 0.0)


def _solve_kept(Xs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least squares on a stack of kept-column designs ``(trials, n, s)`` (internal).

    Well below the threshold (``s <= n - 3``) the ``s x s`` normal equations are solved in one
    batched call; near or above it (where the normal equations square a large condition number, or
    the system is singular) the min-norm solution comes from the SVD.
    """
    n, s = Xs.shape[-2:]
    if s <= n - 3:
        A = np.matmul(Xs.transpose(0, 2, 1), Xs)
        b = np.matmul(y[:, None, :], Xs)[:, 0]
        try:
            return np.linalg.solve(A, b[..., None])[..., 0]
        except np.linalg.LinAlgError:  # a singular design (e.g. repeated columns): min-norm instead
            pass
    return min_norm_least_squares(Xs, y)


def retrain(X, y, mask) -> np.ndarray:
    """Prune with retraining: least squares on the kept columns only, zero weight elsewhere.

    For each row of ``mask`` this fits ``y`` on the columns of ``X`` where the mask is True —
    ordinary least squares when fewer than ``n`` are kept, the min-norm solution
    (:func:`overparam.fit.min_norm_least_squares`) otherwise — and returns the weights in the
    full ``p``-dimensional layout. For a fixed support it is exactly training the small model on
    those features. Batched: masks with the same number of kept columns in every row are solved
    in one call.

    Parameters
    ----------
    X : array_like of shape (n, p) or (trials, n, p)
        Training design(s) of the large model.
    y : array_like of shape (n,) or (trials, n)
        Labels, one row per design.
    mask : array_like of bool, shape (p,) or (trials, p)
        Columns to keep. A 1-D mask is used for every design; a 2-D mask with a single design
        refits that design once per mask row.

    Returns
    -------
    ndarray of shape (p,) if ``X`` and ``mask`` are both unbatched, else (trials, p)

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 0.0], [1.0, 2.0, 3.0]])
    >>> y = X @ np.array([1.0, 0.0, 0.5])  # the second column carries no signal
    >>> np.round(retrain(X, y, np.array([True, False, True])), 3)
    array([1. , 0. , 0.5])
    """
    X = as_float_array(X, "X", ndim=(2, 3))
    y = as_float_array(y, "y", ndim=(1, 2))
    mask = _as_mask(mask)
    if y.ndim != X.ndim - 1 or y.shape != X.shape[:-1]:
        raise ValueError(
            f"X has shape {X.shape}, so y must have shape {X.shape[:-1]} (one label per row), got {y.shape}"
        )
    n, p = X.shape[-2:]
    if n == 0 or p == 0:
        raise ValueError(f"X must have at least one row and one column, got shape {X.shape}")
    if mask.shape[-1] != p:
        raise ValueError(
            f"mask must have {p} entries per row (one per column of X), got shape {mask.shape}"
        )
    unbatched = X.ndim == 2 and mask.ndim == 1
    if X.ndim == 3:
        trials = X.shape[0]
    else:  # one design: once per mask row (a 1-D mask is a single row)
        trials = mask.shape[0] if mask.ndim == 2 else 1
    if X.ndim == 3 and mask.ndim == 2 and mask.shape[0] != trials:
        raise ValueError(f"mask must have one row per design ({trials}), got shape {mask.shape}")
    X3 = np.broadcast_to(X, (trials, n, p))
    y2 = np.broadcast_to(y, (trials, n))
    M = np.broadcast_to(mask, (trials, p))
    W = np.zeros((trials, p))
    counts = M.sum(axis=1)
    for s in np.unique(counts):  # one batched solve per distinct number of kept columns
        if s == 0:
            continue  # nothing kept: the zero model
        rows = np.flatnonzero(counts == s)
        cols = np.nonzero(M[rows])[1].reshape(rows.size, int(s))  # kept indices, in order, per row
        # gather only the kept columns, (rows, n, s): never a copy of the whole design per row
        # (X3 may be a zero-stride broadcast of one design, refitted on many masks)
        Xs = X3[rows[:, None, None], np.arange(n)[None, :, None], cols[:, None, :]]
        sol = _solve_kept(Xs, y2[rows])
        W_rows = np.zeros((rows.size, p))
        np.put_along_axis(W_rows, cols, sol, axis=1)
        W[rows] = W_rows
    return W[0] if unbatched else W
