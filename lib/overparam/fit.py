"""Fitting linear models: min-norm least squares, ridge, and gradient descent from zero.

All three are computed from one singular value decomposition ``X = U diag(s) V^T``:

* min-norm least squares ``w = X^+ y = V diag(1/s) U^T y`` (singular values below a relative
  cutoff are dropped), which is ordinary least squares when ``p < n`` and the minimum-l2-norm
  interpolator when ``p > n``; the SVD keeps it numerically sound at ``p = n`` too;
* ridge ``w = (X^T X + n*lam*I)^{-1} X^T y = V diag(s / (s^2 + n*lam)) U^T y``.

Both accept a stack of designs of shape ``(trials, n, p)`` so that Monte Carlo experiments can be
vectorized over trials. Introduced in lesson 01.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validate import as_float, as_float_array, as_int

__all__ = ["min_norm_least_squares", "ridge", "gradient_descent", "GDResult", "singular_values"]


def _check_design(X, y) -> tuple[np.ndarray, np.ndarray]:
    X = as_float_array(X, "X", ndim=(2, 3))
    y = as_float_array(y, "y", ndim=(1, 2))
    if y.ndim != X.ndim - 1:
        raise ValueError(
            f"y must have one dimension fewer than X: X has shape {X.shape}, y has shape {y.shape}"
        )
    if X.shape[-1] == 0 or X.shape[-2] == 0:
        raise ValueError(f"X must have at least one row and one column, got shape {X.shape}")
    if y.shape != X.shape[:-1]:
        raise ValueError(
            f"X has shape {X.shape}, so y must have shape {X.shape[:-1]} (one label per row), "
            f"got {y.shape}"
        )
    return X, y


def _svd_solve(X: np.ndarray, y: np.ndarray, filter_fn) -> np.ndarray:
    """Return ``V diag(filter(s)) U^T y`` for a (stack of) design(s)."""
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    Uty = np.einsum("...ij,...i->...j", U, y)
    return np.einsum("...ji,...j->...i", Vt, filter_fn(s) * Uty)


def min_norm_least_squares(X, y, rcond: float | None = None) -> np.ndarray:
    """Min-norm least squares ``w = X^+ y``.

    Parameters
    ----------
    X : array_like of shape (n, p) or (trials, n, p)
        Design matrix (or a stack of them).
    y : array_like of shape (n,) or (trials, n)
        Labels.
    rcond : float, optional
        Singular values below ``rcond * s_max`` are treated as zero. Default:
        ``max(n, p) * machine epsilon``, as in ``numpy.linalg.lstsq``.

    Returns
    -------
    ndarray of shape (p,) or (trials, p)

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 1.0]]); y = np.array([2.0])
    >>> min_norm_least_squares(X, y)   # the interpolator of smallest norm
    array([1., 1.])
    """
    X, y = _check_design(X, y)
    n, p = X.shape[-2:]
    if rcond is None:
        rcond = max(n, p) * np.finfo(float).eps
    rcond = as_float(rcond, "rcond", minimum=0.0)

    def pinv_filter(s):
        cutoff = rcond * s[..., :1]
        safe = np.where(s > cutoff, s, 1.0)
        return np.where(s > cutoff, 1.0 / safe, 0.0)

    return _svd_solve(X, y, pinv_filter)


def ridge(X, y, penalty: float) -> np.ndarray:
    """Ridge regression ``w = (X^T X + n * penalty * I)^{-1} X^T y``.

    The course's penalty convention (lesson 01): minimizing
    ``(1/n)||y - X w||^2 + penalty * ||w||^2``. ``penalty = 0`` gives min-norm least squares.

    Parameters
    ----------
    X : array_like of shape (n, p) or (trials, n, p)
    y : array_like of shape (n,) or (trials, n)
    penalty : float
        Ridge penalty ``lambda >= 0``.

    Returns
    -------
    ndarray of shape (p,) or (trials, p)
    """
    penalty = as_float(penalty, "penalty", minimum=0.0)
    if penalty == 0.0:
        return min_norm_least_squares(X, y)
    X, y = _check_design(X, y)
    n = X.shape[-2]
    return _svd_solve(X, y, lambda s: s / (s**2 + n * penalty))


def singular_values(X) -> np.ndarray:
    """Singular values of a design (or a stack of designs), largest first."""
    X = as_float_array(X, "X", ndim=(2, 3))
    return np.linalg.svd(X, compute_uv=False)


@dataclass
class GDResult:
    """Result of :func:`gradient_descent`.

    Attributes
    ----------
    weights : ndarray of shape (p,)
        Final iterate.
    steps : ndarray of shape (k,)
        Iteration numbers at which the path was recorded (empty unless ``record_every`` is set).
    path : ndarray of shape (k, p)
        Recorded iterates.
    step_size : float
        The step size that was used.
    """

    weights: np.ndarray
    step_size: float
    steps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    path: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))


def gradient_descent(
    X,
    y,
    n_steps: int,
    step_size: float | None = None,
    record_every: int | None = None,
) -> GDResult:
    """Gradient descent on ``L(w) = ||y - X w||^2 / (2n)`` started at ``w = 0``.

    Started at zero, every iterate stays in the row space of ``X``, so when ``p > n`` the
    iterates converge to the min-norm interpolator ``X^+ y`` (lesson 01 shows it).

    Parameters
    ----------
    X : array_like of shape (n, p)
    y : array_like of shape (n,)
    n_steps : int
        Number of gradient steps.
    step_size : float, optional
        Step size; default ``1 / L`` with ``L = s_max^2 / n`` the smoothness constant. It must be
        below ``2 / L`` for the iteration to converge.
    record_every : int, optional
        Record the iterate every this many steps (and at step 0 and the last step).

    Returns
    -------
    GDResult
    """
    X, y = _check_design(X, y)
    if X.ndim != 2:
        raise ValueError(f"gradient_descent takes one design of shape (n, p), got shape {X.shape}")
    n_steps = as_int(n_steps, "n_steps", minimum=0)
    n, p = X.shape
    smooth = np.linalg.norm(X, 2) ** 2 / n
    if smooth == 0:
        raise ValueError("X is all zeros: the loss is flat and gradient descent has nothing to fit")
    if step_size is None:
        step_size = 1.0 / smooth
    step_size = as_float(step_size, "step_size", minimum=0.0, strict=True)
    if step_size >= 2.0 / smooth:
        raise ValueError(
            f"step_size must be below 2/L = {2.0 / smooth:.4g} for gradient descent to converge, "
            f"got {step_size:.4g}"
        )
    if record_every is not None:
        record_every = as_int(record_every, "record_every", minimum=1)
    w = np.zeros(p)
    steps, path = [], []
    for t in range(n_steps + 1):
        if record_every is not None and (t % record_every == 0 or t == n_steps):
            steps.append(t)
            path.append(w.copy())
        if t == n_steps:
            break
        w -= step_size * (X.T @ (X @ w - y)) / n
    if record_every is None:
        return GDResult(weights=w, step_size=step_size)
    return GDResult(weights=w, step_size=step_size, steps=np.array(steps), path=np.array(path))
