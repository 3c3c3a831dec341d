"""Linear Gaussian problems: the population models every lesson samples from.

A *problem* is a universe of ``d`` features in a fixed order, with independent Gaussian features
``x_j ~ N(0, eigs[j])``, true coefficients ``beta`` and label noise variance ``noise_var``:

    y = <x, beta> + sqrt(noise_var) * eps,   eps ~ N(0, 1).

A model of size ``p`` uses the first ``p`` features; the features it leaves out act as extra noise
(see :meth:`LinearProblem.effective_noise`). Risk is always the test mean squared error
*including* the label noise, everywhere in the course.

Introduced in lesson 01 (sampling, exact risk) and used in every later lesson.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_float, as_float_array, as_generator, as_int, as_int_array

__all__ = [
    "LinearProblem",
    "isotropic_problem",
    "diagonal_problem",
    "weak_features_problem",
    "spiked_problem",
    "pruning_showcase_problem",
    "test_error",
    "fourier_features",
]


@dataclass(frozen=True)
class LinearProblem:
    """A linear Gaussian regression problem with diagonal feature covariance.

    Parameters
    ----------
    eigs : ndarray of shape (d,)
        Feature variances ``lambda_j > 0`` (the diagonal of the covariance), in model order.
    beta : ndarray of shape (d,)
        True coefficients.
    noise_var : float
        Variance ``sigma^2`` of the label noise.

    Examples
    --------
    >>> import numpy as np
    >>> problem = isotropic_problem(d=50, signal=1.0, noise_var=0.25)
    >>> X, y = problem.sample(20, np.random.default_rng(0))
    >>> X.shape, y.shape
    ((20, 50), (20,))
    >>> float(problem.risk(np.zeros(50)))  # predicting zero: noise + signal
    1.25
    """

    eigs: np.ndarray
    beta: np.ndarray
    noise_var: float

    def __post_init__(self):
        eigs = as_float_array(self.eigs, "eigs", ndim=1)
        beta = as_float_array(self.beta, "beta", ndim=1)
        if eigs.size == 0:
            raise ValueError("eigs must contain at least one feature variance")
        if beta.shape != eigs.shape:
            raise ValueError(f"beta must have the same shape as eigs {eigs.shape}, got {beta.shape}")
        if np.any(eigs <= 0):
            raise ValueError("eigs (feature variances) must all be positive")
        noise_var = as_float(self.noise_var, "noise_var", minimum=0.0)
        object.__setattr__(self, "eigs", eigs)
        object.__setattr__(self, "beta", beta)
        object.__setattr__(self, "noise_var", noise_var)

    @property
    def d(self) -> int:
        """Number of features in the universe."""
        return int(self.eigs.size)

    @property
    def signal(self) -> float:
        """Signal power ``sum_j eigs_j beta_j^2`` (variance of ``<x, beta>``)."""
        return float(np.sum(self.eigs * self.beta**2))

    @property
    def null_risk(self) -> float:
        """Risk of predicting zero: ``noise_var + signal``."""
        return self.noise_var + self.signal

    def effective_noise(self, p) -> float | np.ndarray:
        """Noise level seen by a model of size ``p``: ``sigma_p^2 = sigma^2 + sum_{j>p} lambda_j beta_j^2``.

        Parameters
        ----------
        p : int or array_like of int
            Model size(s), ``0 <= p <= d``.

        Returns
        -------
        float, or ndarray for an array of sizes
        """
        if np.ndim(p) == 0:
            p = self._check_p(p)
            return self.noise_var + float(np.sum(self.eigs[p:] * self.beta[p:] ** 2))
        sizes = as_int_array(p, "p", minimum=0)
        if np.any(sizes > self.d):
            raise ValueError(f"p must be at most d = {self.d}, got {sizes.max()}")
        tail = np.concatenate([np.cumsum((self.eigs * self.beta**2)[::-1])[::-1], [0.0]])
        return self.noise_var + tail[sizes]

    def sample(self, n: int, rng, p: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` training samples.

        Parameters
        ----------
        n : int
            Number of samples.
        rng : numpy.random.Generator or int
            Random generator (or seed).
        p : int, optional
            Return only the first ``p`` columns of the design (labels always use all ``d``
            features). Default: all ``d``.

        Returns
        -------
        X : ndarray of shape (n, p)
        y : ndarray of shape (n,)
        """
        n = as_int(n, "n", minimum=1)
        rng = as_generator(rng)
        X = rng.standard_normal((n, self.d)) * np.sqrt(self.eigs)
        y = X @ self.beta + np.sqrt(self.noise_var) * rng.standard_normal(n)
        if p is not None:
            X = X[:, : self._check_p(p)]
        return X, y

    def risk(self, w) -> np.ndarray | float:
        """Exact population risk (test MSE including noise) of weights ``w``.

        ``R(w) = sigma^2 + sum_j lambda_j (w_j - beta_j)^2`` with ``w`` zero-padded to ``d``.

        Parameters
        ----------
        w : array_like of shape (p,) or (trials, p), p <= d
            Weights on the first ``p`` features; a 2-D array holds one weight vector per row.

        Returns
        -------
        float or ndarray of shape (trials,)
        """
        w = as_float_array(w, "w", ndim=(1, 2))
        p = w.shape[-1]
        if p > self.d:
            raise ValueError(f"w has {p} weights but the problem has only d = {self.d} features")
        err = w - self.beta[:p]
        inside = np.sum(self.eigs[:p] * err**2, axis=-1)
        result = self.effective_noise(p) + inside
        return float(result) if np.ndim(result) == 0 else result

    def prefix(self, p: int) -> "LinearProblem":
        """The problem restricted to its first ``p`` features, the rest folded into the noise."""
        p = self._check_p(p)
        if p == 0:
            raise ValueError("p must be at least 1 to form a restricted problem")
        return LinearProblem(self.eigs[:p], self.beta[:p], self.effective_noise(p))

    def _check_p(self, p) -> int:
        p = as_int(p, "p", minimum=0)
        if p > self.d:
            raise ValueError(f"p must be at most d = {self.d}, got {p}")
        return p


def isotropic_problem(d: int, signal: float = 1.0, noise_var: float = 0.25) -> LinearProblem:
    """Isotropic problem: ``Sigma = I_d`` and ``||beta||^2 = signal`` spread evenly.

    For isotropic Gaussian features the risk of min-norm least squares depends on ``beta`` only
    through its norm, so the direction is fixed to ``(1, ..., 1) / sqrt(d)``.

    Parameters
    ----------
    d : int
        Number of features.
    signal : float
        ``||beta||^2`` (``r^2`` in lesson 02).
    noise_var : float
        Label noise variance ``sigma^2``.

    Returns
    -------
    LinearProblem
    """
    d = as_int(d, "d", minimum=1)
    signal = as_float(signal, "signal", minimum=0.0)
    return LinearProblem(np.ones(d), np.full(d, np.sqrt(signal / d)), noise_var)


def diagonal_problem(eigs, beta, noise_var: float) -> LinearProblem:
    """A problem with given feature variances ``eigs`` and coefficients ``beta`` (same as the class)."""
    return LinearProblem(eigs, beta, noise_var)


def weak_features_problem(d: int, noise_var: float, rng) -> LinearProblem:
    """Belkin–Hsu–Xu weak-features problem: isotropic features, ``beta_j`` iid ``N(0, 1/d)``.

    The coefficients are drawn once from ``rng`` and then fixed; ``E||beta||^2 = 1``.

    Parameters
    ----------
    d : int
        Number of features in the universe.
    noise_var : float
        Label noise variance.
    rng : numpy.random.Generator or int
        Source of the fixed coefficients.
    """
    d = as_int(d, "d", minimum=1)
    rng = as_generator(rng)
    return LinearProblem(np.ones(d), rng.standard_normal(d) / np.sqrt(d), noise_var)


def spiked_problem(d: int, k: int, spike: float, bulk: float, noise_var: float) -> LinearProblem:
    """A spiked spectrum: ``k`` strong features (variance ``spike``) then ``d - k`` weak ones.

    All the signal sits on the strong features, split evenly so that the signal power is 1;
    the weak features carry none and act, once fitted, as an implicit regularizer.

    Parameters
    ----------
    d, k : int
        Total features and strong features, ``1 <= k <= d``.
    spike, bulk : float
        Variances of the strong and the weak features (both positive).
    noise_var : float
        Label noise variance.
    """
    d = as_int(d, "d", minimum=1)
    k = as_int(k, "k", minimum=1)
    if k > d:
        raise ValueError(f"k must be at most d = {d}, got {k}")
    spike = as_float(spike, "spike", minimum=0.0, strict=True)
    bulk = as_float(bulk, "bulk", minimum=0.0, strict=True)
    eigs = np.concatenate([np.full(k, spike), np.full(d - k, bulk)])
    beta = np.concatenate([np.full(k, 1.0 / np.sqrt(k * spike)), np.zeros(d - k)])
    return LinearProblem(eigs, beta, noise_var)


def pruning_showcase_problem(d: int = 1000) -> LinearProblem:
    """The pruning showcase, reference C of :mod:`overparam.theory` (lesson 00's teaser, Part III).

    Features 1..80 have variance 1 and coefficient ``1/sqrt(80)``; features 81..d have variance
    0.05 and no signal; noise variance 0.1. With ``n = 100`` training samples, least squares on the
    80 informative features has risk 0.521, while a min-norm model on the first 400 features pruned
    back to those 80 has risk about 0.31.
    """
    d = as_int(d, "d", minimum=81)
    eigs = np.concatenate([np.ones(80), np.full(d - 80, 0.05)])
    beta = np.concatenate([np.full(80, 1.0 / np.sqrt(80)), np.zeros(d - 80)])
    return LinearProblem(eigs, beta, 0.1)


def test_error(w, X_test, y_test) -> float:
    """Empirical test MSE of weights ``w`` on a test set (a Monte Carlo estimate of the risk).

    Parameters
    ----------
    w : array_like of shape (p,)
    X_test : array_like of shape (m, p)
    y_test : array_like of shape (m,)

    Returns
    -------
    float
    """
    w = as_float_array(w, "w", ndim=1)
    X_test = as_float_array(X_test, "X_test", ndim=2)
    y_test = as_float_array(y_test, "y_test", ndim=1)
    if X_test.shape[1] != w.size:
        raise ValueError(f"X_test has {X_test.shape[1]} columns but w has {w.size} weights")
    if X_test.shape[0] != y_test.size:
        raise ValueError(f"X_test has {X_test.shape[0]} rows but y_test has {y_test.size} labels")
    return float(np.mean((y_test - X_test @ w) ** 2))


test_error.__test__ = False  # keep pytest from collecting this function as a test


def fourier_features(x, p: int, decay: float = 1.0) -> np.ndarray:
    """A fixed feature map of a scalar input: a constant, then sines and cosines of rising frequency.

    Column ``j`` (0-based) of the result is ``1`` for ``j = 0``; for ``j >= 1``, with frequency
    index ``k = (j + 1) // 2``, it is ``sin(k*pi*x/2) / k**decay`` (odd ``j``) or
    ``cos(k*pi*x/2) / k**decay`` (even ``j``). The map is meant for inputs in ``[-1, 1]``; the
    period of the slowest wave, 4, is twice that interval, so fits need not be periodic on it.

    The columns are nested: the first ``p`` columns of ``fourier_features(x, q)`` for ``q > p`` are
    ``fourier_features(x, p)``, so growing ``p`` adds features in a fixed order (the course's
    convention). Because high frequencies are scaled down by ``k**decay``, the minimum-norm
    interpolant for ``p`` much larger than the number of samples prefers slow waves: a calm fit.
    Used in lesson 01 (the 1-D picture of under- and overparameterized fits and its explorer).

    Parameters
    ----------
    x : array_like of shape (m,)
        Scalar inputs (any finite values; ``[-1, 1]`` is the intended range).
    p : int
        Number of features, ``p >= 1``.
    decay : float
        Exponent of the ``1/k**decay`` scaling of frequency ``k``, ``decay >= 0`` (0 = no scaling).

    Returns
    -------
    ndarray of shape (m, p)

    Examples
    --------
    >>> import numpy as np
    >>> np.round(fourier_features([0.0, 1.0], 3), 3)
    array([[1., 0., 1.],
           [1., 1., 0.]])
    """
    x = as_float_array(x, "x", ndim=1)
    p = as_int(p, "p", minimum=1)
    decay = as_float(decay, "decay", minimum=0.0)
    j = np.arange(p)
    k = (j + 1) // 2
    phase = np.pi * k[None, :] * x[:, None] / 2.0
    cols = np.where(j[None, :] % 2 == 1, np.sin(phase), np.cos(phase))
    scale = np.where(k > 0, np.maximum(k, 1).astype(float) ** -decay, 1.0)
    return cols * scale[None, :]


# ----------------------------------------------------------------------------------------------
# Lessons 05–08: correlated features (retraining after pruning)
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorrelatedProblem:
    """A linear Gaussian regression problem with a general (correlated) feature covariance.

    Features ``x ~ N(0, cov)`` over a universe of ``d`` features in a fixed order, labels
    ``y = <x, beta> + sqrt(noise_var) * eps``. The same interface as :class:`LinearProblem` where
    it makes sense (``d``, ``signal``, ``null_risk``, ``eigs``, ``sample``, ``risk``); with
    correlated features the best weights of a model that sees only some features are not the
    true coefficients on them, see :meth:`best_support_weights` (lesson 08).

    Parameters
    ----------
    cov : ndarray of shape (d, d)
        Feature covariance, symmetric positive definite.
    beta : ndarray of shape (d,)
        True coefficients.
    noise_var : float
        Variance ``sigma^2`` of the label noise.

    Examples
    --------
    >>> import numpy as np
    >>> problem = CorrelatedProblem(np.array([[1.0, 0.5], [0.5, 1.0]]), np.array([1.0, 1.0]), 0.1)
    >>> round(problem.null_risk, 3)  # noise + beta^T cov beta
    3.1
    >>> b, floor = problem.best_support_weights([0])  # feature 0 alone also predicts half of x_1
    >>> float(b[0]), round(floor, 3)
    (1.5, 0.85)
    """

    cov: np.ndarray
    beta: np.ndarray
    noise_var: float

    def __post_init__(self):
        cov = as_float_array(self.cov, "cov", ndim=2)
        beta = as_float_array(self.beta, "beta", ndim=1)
        if cov.shape[0] == 0 or cov.shape[0] != cov.shape[1]:
            raise ValueError(f"cov must be a non-empty square matrix, got shape {cov.shape}")
        if beta.shape != (cov.shape[0],):
            raise ValueError(f"beta must have shape ({cov.shape[0]},) to match cov, got {beta.shape}")
        if not np.allclose(cov, cov.T, rtol=1e-10, atol=1e-12 * np.max(np.abs(cov))):
            raise ValueError("cov must be symmetric")
        cov = (cov + cov.T) / 2
        try:
            chol = np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            raise ValueError("cov must be positive definite (its Cholesky factorization failed)") from None
        noise_var = as_float(self.noise_var, "noise_var", minimum=0.0)
        object.__setattr__(self, "cov", cov)
        object.__setattr__(self, "beta", beta)
        object.__setattr__(self, "noise_var", noise_var)
        object.__setattr__(self, "_chol", chol)  # cov = chol @ chol.T, used by sample
        object.__setattr__(self, "_cov_beta", cov @ beta)  # cov @ beta, used by risk

    @property
    def d(self) -> int:
        """Number of features in the universe."""
        return int(self.beta.size)

    @property
    def eigs(self) -> np.ndarray:
        """The feature variances: the diagonal of ``cov`` (not its eigenvalues).

        Named as in :class:`LinearProblem`, so that per-feature rules — Hessian pruning with the
        population variances, the oracle's ranking by ``eigs * beta**2`` — apply unchanged.
        """
        return np.diag(self.cov).copy()

    @property
    def signal(self) -> float:
        """Signal power ``beta^T cov beta`` (variance of ``<x, beta>``)."""
        return float(self.beta @ self._cov_beta)

    @property
    def null_risk(self) -> float:
        """Risk of predicting zero: ``noise_var + signal``."""
        return self.noise_var + self.signal

    def _check_p(self, p) -> int:
        p = as_int(p, "p", minimum=1)
        if p > self.d:
            raise ValueError(f"p must be at most d = {self.d}, got {p}")
        return p

    def sample(self, n: int, rng, p: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` training samples, ``x = L z`` with ``cov = L L^T`` (Cholesky) and ``z ~ N(0, I)``.

        The generator is used as in :meth:`LinearProblem.sample` (first the ``(n, d)`` standard
        normals, then the ``n`` label noises), so a diagonal ``cov`` gives the same draws as the
        :class:`LinearProblem` with those variances.

        Parameters
        ----------
        n : int
            Number of samples.
        rng : numpy.random.Generator or int
            Random generator (or seed).
        p : int, optional
            Return only the first ``p`` columns (labels always use all ``d`` features).

        Returns
        -------
        X : ndarray of shape (n, p)
        y : ndarray of shape (n,)
        """
        n = as_int(n, "n", minimum=1)
        rng = as_generator(rng)
        X = rng.standard_normal((n, self.d)) @ self._chol.T
        y = X @ self.beta + np.sqrt(self.noise_var) * rng.standard_normal(n)
        if p is not None:
            X = X[:, : self._check_p(p)]
        return X, y

    def risk(self, w) -> np.ndarray | float:
        """Exact population risk (test MSE including noise) of weights ``w``.

        ``R(w) = sigma^2 + (w - beta)^T cov (w - beta)`` with ``w`` zero-padded to ``d``; computed
        as ``null_risk - 2 w^T (cov beta)_p + w^T cov_pp w``, which costs ``p^2`` per weight vector.

        Parameters
        ----------
        w : array_like of shape (p,) or (trials, p), p <= d
            Weights on the first ``p`` features; a 2-D array holds one weight vector per row.

        Returns
        -------
        float or ndarray of shape (trials,)
        """
        w = as_float_array(w, "w", ndim=(1, 2))
        p = w.shape[-1]
        if p > self.d:
            raise ValueError(f"w has {p} weights but the problem has only d = {self.d} features")
        quad = np.sum((w @ self.cov[:p, :p]) * w, axis=-1)
        result = self.null_risk - 2.0 * (w @ self._cov_beta[:p]) + quad
        return float(result) if np.ndim(result) == 0 else result

    def best_support_weights(self, support) -> tuple[np.ndarray, float]:
        """The best weights a model on the features ``support`` can have, and their risk.

        Minimizing the risk over weights supported on ``S`` gives (lessons 05–06)
        ``b_S = beta_S + cov_SS^{-1} cov_{S,Sc} beta_Sc`` — the kept features also stand in for
        the omitted ones they correlate with — and the floor
        ``sigma^2 + beta_Sc^T (cov_ScSc - cov_ScS cov_SS^{-1} cov_SSc) beta_Sc`` (a Schur
        complement), the risk of a small model on ``S`` trained on infinitely many samples.
        With a diagonal ``cov``, ``b_S = beta_S`` and the floor is ``sigma_S^2``.

        Parameters
        ----------
        support : array_like of int, or boolean mask of shape (d,)
            Distinct feature indices ``0 <= i < d`` (the weights come back in this order).

        Returns
        -------
        b_S : ndarray of shape (s,)
        floor : float
        """
        arr = np.asarray(support)
        if arr.dtype == bool:
            if arr.shape != (self.d,):
                raise ValueError(f"a boolean support must have shape ({self.d},), got {arr.shape}")
            S = np.flatnonzero(arr)
        else:
            S = as_int_array(support, "support", minimum=0)
        if S.size == 0:
            raise ValueError("support must contain at least one feature")
        if S.max() >= self.d:
            raise ValueError(f"support indices must be below d = {self.d}, got {S.max()}")
        if np.unique(S).size != S.size:
            raise ValueError("support must not repeat an index")
        rest = np.setdiff1d(np.arange(self.d), S)
        C_SS = self.cov[np.ix_(S, S)]
        C_SR = self.cov[np.ix_(S, rest)]
        beta_R = self.beta[rest]
        cross = C_SR @ beta_R
        b_S = self.beta[S] + np.linalg.solve(C_SS, cross)
        schur = beta_R @ (self.cov[np.ix_(rest, rest)] @ beta_R) - cross @ np.linalg.solve(C_SS, cross)
        return b_S, float(self.noise_var + max(schur, 0.0))


__all__.append("CorrelatedProblem")


def _check_beta_for(beta, d: int) -> np.ndarray:
    beta = as_float_array(beta, "beta", ndim=1)
    if beta.shape != (d,):
        raise ValueError(f"beta must have shape ({d},) for d = {d} features, got {beta.shape}")
    return beta


def equicorrelated_problem(d: int, rho: float, beta, noise_var: float) -> CorrelatedProblem:
    """Equicorrelated features: unit variances and correlation ``rho`` between every pair.

    ``cov = (1 - rho) I + rho 1 1^T``, positive definite for ``-1/(d - 1) < rho < 1``.

    Parameters
    ----------
    d : int
        Number of features.
    rho : float
        Common correlation.
    beta : array_like of shape (d,)
        True coefficients.
    noise_var : float
        Label noise variance.

    Returns
    -------
    CorrelatedProblem

    Examples
    --------
    >>> equicorrelated_problem(3, 0.5, [1.0, 0.0, 0.0], 0.1).cov
    array([[1. , 0.5, 0.5],
           [0.5, 1. , 0.5],
           [0.5, 0.5, 1. ]])
    """
    d = as_int(d, "d", minimum=1)
    rho = as_float(rho, "rho")
    lower = -1.0 / (d - 1) if d > 1 else -np.inf
    if not lower < rho < 1.0:
        raise ValueError(
            f"rho must lie in ({lower:.4g}, 1) for the covariance to be positive definite, got {rho}"
        )
    beta = _check_beta_for(beta, d)
    cov = np.full((d, d), rho) + (1.0 - rho) * np.eye(d)
    return CorrelatedProblem(cov, beta, noise_var)


__all__.append("equicorrelated_problem")


def ar1_problem(d: int, rho: float, beta, noise_var: float) -> CorrelatedProblem:
    """AR(1) (Toeplitz) features: unit variances, ``corr(x_i, x_j) = rho^|i - j|``.

    Neighbouring features are correlated and the correlation decays with distance in the feature
    order; positive definite for ``-1 < rho < 1``. Reference E of :mod:`overparam.theory` (lesson 08) uses it.

    Parameters
    ----------
    d : int
        Number of features.
    rho : float
        Correlation of neighbours, ``|rho| < 1``.
    beta : array_like of shape (d,)
        True coefficients.
    noise_var : float
        Label noise variance.

    Returns
    -------
    CorrelatedProblem

    Examples
    --------
    >>> ar1_problem(3, 0.5, [1.0, 0.0, 0.0], 0.1).cov
    array([[1.  , 0.5 , 0.25],
           [0.5 , 1.  , 0.5 ],
           [0.25, 0.5 , 1.  ]])
    """
    d = as_int(d, "d", minimum=1)
    rho = as_float(rho, "rho")
    if not -1.0 < rho < 1.0:
        raise ValueError(f"rho must lie in (-1, 1) for the covariance to be positive definite, got {rho}")
    beta = _check_beta_for(beta, d)
    lag = np.abs(np.arange(d)[:, None] - np.arange(d)[None, :])
    return CorrelatedProblem(rho**lag, beta, noise_var)


__all__.append("ar1_problem")
