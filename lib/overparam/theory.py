"""Closed forms and asymptotic predictions, one public namespace.

Conventions: risk is the test MSE **including** label noise; a model of size ``p`` uses
the first ``p`` features and the features it leaves out act as extra noise; ``gamma = p / n``;
ridge uses the penalty convention ``w = (X^T X + n*lam*I)^{-1} X^T y``.

The risk functions are vectorized over their size argument (``gamma`` or ``p``), so a whole theory
curve is one call (200 points take a few milliseconds); the root-finders and the optimal-ridge
search take one model at a time.

Sources: Hastie, Montanari, Rosset, Tibshirani, *Surprises in high-dimensional ridgeless least
squares interpolation* (Ann. Statist. 2022) for the isotropic and general-covariance risks; Belkin,
Hsu, Xu, *Two models of double descent for weak features* (SIAM J. Math. Data Sci. 2020) for the
exact finite-n formula; the proportional-limit characterization of min-norm least squares behind
Chang, Li, Oymak, Thrampoulidis, *Provable benefits of overparameterization in model compression*
(AAAI 2021) for the implicit regularization ``zeta`` and pruning.

Reference values
----------------
A correct implementation reproduces these; the tests and lessons print them.

A. Isotropic, ``n = 200``, ``noise_var = 0.25``, ``signal = 1`` (excess risk): ``gamma = 0.75`` ->
   0.750 (exact at n = 200: 0.765); ``gamma = 1.5`` -> 0.833; ``gamma = 3`` -> 0.792 (lesson 02).
B. Weak features, ``d = 400``, ``n = 100``, ``sigma = 0.5``, ``beta_i`` iid ``N(0, 1/d)`` fixed by a
   seed: :func:`prefix_risk` and a 300-trial simulation agree within 2% at
   ``p`` in {20, 50, 150, 300, 400} (lesson 03).
C. Pruning showcase (:func:`overparam.models.pruning_showcase_problem`), ``n = 100``, ``s = 80``: the
   small model on the 80 informative features 0.521 (exact), 0.500 (asymptotic); pruned to the
   oracle support from ``p = 400``: 0.311, from ``p = 150``: 0.433, from ``p = 1000``: 0.396; the
   dense model at ``p = 400``: 0.327 and at ``p = 1000``: 0.410 (lesson 00, Part III).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.optimize import minimize_scalar

from ._validate import as_float, as_float_array, as_int, as_int_array

__all__ = [
    "isotropic_risk",
    "isotropic_bias_variance",
    "isotropic_optimal_ratio",
    "smallest_singular_value",
    "prefix_risk",
    "implicit_regularization",
    "effective_ridge",
    "minnorm_risk",
    "minnorm_bias_variance",
    "ridge_risk",
    "optimal_ridge",
    "population_ridge_weights",
    "oracle_pruned_risk",
    "small_model_risk",
    "isotropic_optimal_ridge",
    "isotropic_break_even_ratio",
]

_MAX_NEWTON = 500
_RTOL = 1e-13


# ----------------------------------------------------------------------------------------------
# §1 Isotropic double descent
# ----------------------------------------------------------------------------------------------


def _check_gamma(gamma) -> np.ndarray:
    gamma = as_float_array(gamma, "gamma", ndim=(0, 1))
    if np.any(gamma <= 0):
        raise ValueError("gamma = p/n must be positive")
    return gamma


def isotropic_bias_variance(gamma, signal: float, noise_var: float) -> tuple[np.ndarray, np.ndarray]:
    """Asymptotic bias and variance of min-norm least squares, isotropic model (Hastie et al. 2022).

    Parameters
    ----------
    gamma : float or array_like
        Overparameterization ratio ``p / n > 0``.
    signal : float
        ``||beta||^2 = r^2``.
    noise_var : float
        ``sigma^2``.

    Returns
    -------
    bias, variance : ndarray
        ``bias = 0`` for ``gamma < 1`` and ``r^2 (1 - 1/gamma)`` beyond; ``variance =
        sigma^2 gamma / (1 - gamma)`` below the threshold and ``sigma^2 / (gamma - 1)`` beyond; both
        ``inf`` at ``gamma = 1`` (the bias is 0 there, and so is the variance without noise). Their
        sum is the excess risk.
    """
    gamma = _check_gamma(gamma)
    signal = as_float(signal, "signal", minimum=0.0)
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        under = gamma < 1
        bias = np.where(under, 0.0, signal * (1.0 - 1.0 / gamma))
        variance = np.where(under, noise_var * gamma / (1.0 - gamma), noise_var / (gamma - 1.0))
    # At gamma = 1 the bias tends to 0 from both sides; the variance blows up unless there is no noise.
    at_peak = gamma == 1
    bias = np.where(at_peak, 0.0, bias)
    variance = np.where(at_peak, np.inf if noise_var > 0 else 0.0, variance)
    return bias, variance


def isotropic_risk(gamma, signal: float, noise_var: float) -> np.ndarray | float:
    """Asymptotic risk (test MSE including noise) of min-norm least squares, isotropic model.

    Hastie, Montanari, Rosset, Tibshirani (2022): ``noise_var + sigma^2 gamma/(1-gamma)`` for ``gamma < 1`` and
    ``noise_var + r^2 (1 - 1/gamma) + sigma^2/(gamma - 1)`` for ``gamma > 1``; ``inf`` at 1.

    Parameters
    ----------
    gamma : float or array_like
        ``p / n``.
    signal : float
        ``||beta||^2``.
    noise_var : float
        ``sigma^2``.

    Returns
    -------
    float or ndarray (same shape as ``gamma``)

    Examples
    --------
    >>> round(float(isotropic_risk(1.5, signal=1.0, noise_var=0.25)) - 0.25, 3)  # reference A
    0.833
    """
    bias, variance = isotropic_bias_variance(gamma, signal, noise_var)
    risk = float(noise_var) + bias + variance
    return float(risk) if np.ndim(risk) == 0 else risk


def isotropic_optimal_ratio(signal: float, noise_var: float) -> tuple[float, float]:
    """Best overparameterization ratio ``gamma* = r/(r - sigma)`` beyond the threshold (Hastie et al. 2022).

    Returns
    -------
    gamma_star, excess : float
        The minimizer over ``gamma > 1`` and its excess risk ``2 r sigma - sigma^2``. When
        ``r <= sigma`` the excess risk decreases all the way to ``gamma -> inf`` and
        ``(inf, r^2)`` is returned.
    """
    signal = as_float(signal, "signal", minimum=0.0)
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    r, sigma = np.sqrt(signal), np.sqrt(noise_var)
    if r <= sigma:
        return float("inf"), signal
    return float(r / (r - sigma)), float(2 * r * sigma - noise_var)


def smallest_singular_value(gamma) -> np.ndarray | float:
    """Limit of the smallest non-zero singular value of ``X / sqrt(n)`` (Marchenko–Pastur).

    For an ``n x p`` design with iid ``N(0, 1)`` entries and ``p / n -> gamma``, the non-zero
    singular values of ``X / sqrt(n)`` fill ``[|1 - sqrt(gamma)|, 1 + sqrt(gamma)]``; the lower edge
    touches zero at ``gamma = 1``, which is why the variance of min-norm least squares explodes
    there (lesson 02).

    Parameters
    ----------
    gamma : float or array_like
        ``p / n > 0``.

    Returns
    -------
    float or ndarray
    """
    gamma = _check_gamma(gamma)
    edge = np.abs(1.0 - np.sqrt(gamma))
    return float(edge) if np.ndim(edge) == 0 else edge


# ----------------------------------------------------------------------------------------------
# §2 Fixed problem, growing model (Belkin, Hsu, Xu)
# ----------------------------------------------------------------------------------------------


def _check_sizes(n, p, d: int) -> tuple[int, np.ndarray, bool]:
    n = as_int(n, "n", minimum=1)
    scalar = np.ndim(p) == 0
    p = as_int_array(p, "p", minimum=1)
    if np.any(p > d):
        raise ValueError(f"p must be at most the number of features d = {d}, got {p.max()}")
    return n, p, scalar


def _out(values: np.ndarray, scalar: bool):
    return float(values[0]) if scalar else values


def prefix_risk(beta, noise_var: float, n: int, p) -> np.ndarray | float:
    """Exact finite-n expected risk of min-norm least squares on the first ``p`` isotropic features.

    Belkin, Hsu, Xu (2020), exact for Gaussian designs. With ``T`` the first ``p`` features:

    * ``p <= n - 2``: ``(||beta_Tc||^2 + sigma^2) (1 + p / (n - p - 1))``
    * ``p >= n + 2``: ``||beta_T||^2 (1 - n/p) + (||beta_Tc||^2 + sigma^2) (1 + n / (p - n - 1))``
    * ``inf`` for ``p`` in ``{n-1, n, n+1}``.

    Parameters
    ----------
    beta : array_like of shape (d,)
        True coefficients of the whole universe, in model order.
    noise_var : float
        ``sigma^2``.
    n : int
        Number of training samples.
    p : int or array_like of int
        Model size(s), ``1 <= p <= d``.

    Returns
    -------
    float or ndarray
    """
    beta = as_float_array(beta, "beta", ndim=1)
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    n, p, scalar = _check_sizes(n, p, beta.size)
    cum = np.concatenate([[0.0], np.cumsum(beta**2)])
    inside = cum[p]
    outside = cum[-1] - inside + noise_var
    pf, nf = p.astype(float), float(n)
    # p in {n-1, n, n+1}: infinite expected risk, except without any noise (exact fit, no variance)
    risk = np.where(outside > 0, np.inf, np.where(p <= n, 0.0, inside * (1.0 - n / pf)))
    under = p <= n - 2
    over = p >= n + 2
    risk[under] = outside[under] * (1.0 + pf[under] / (nf - pf[under] - 1.0))
    risk[over] = inside[over] * (1.0 - nf / pf[over]) + outside[over] * (
        1.0 + nf / (pf[over] - nf - 1.0)
    )
    return _out(risk, scalar)


# ----------------------------------------------------------------------------------------------
# §3 Min-norm least squares and ridge with a diagonal covariance
# ----------------------------------------------------------------------------------------------


def _prefix_mask(p: np.ndarray, d: int) -> np.ndarray:
    return np.arange(d)[None, :] < p[:, None]


def _zeta(eigs: np.ndarray, n: int, p: np.ndarray) -> np.ndarray:
    """Implicit regularization for each model size in ``p`` (prefixes of ``eigs``).

    Solves ``f(z) = sum_{i<=p} eigs_i / (eigs_i + z) - n = 0`` by Newton's method from ``z = 0``.
    ``f`` is convex and decreasing, so Newton from the left increases monotonically to the root.
    """
    zeta = np.zeros(p.shape)
    over = p > n
    if not np.any(over):
        return zeta
    mask = _prefix_mask(p[over], eigs.size)
    lam = eigs[None, :]
    z = np.zeros(mask.shape[0])
    for _ in range(_MAX_NEWTON):
        ratio = np.where(mask, lam / (lam + z[:, None]), 0.0)
        f = ratio.sum(axis=1) - n
        fprime = -np.sum(np.where(mask, ratio / (lam + z[:, None]), 0.0), axis=1)
        step = f / fprime
        z = z - step
        if np.all(np.abs(step) <= _RTOL * np.maximum(z, 1e-300)):
            break
    zeta[over] = z
    return zeta


def implicit_regularization(eigs, n: int) -> float:
    """Implicit regularization ``zeta`` of min-norm least squares (the proportional-limit characterization).

    ``zeta = 0`` when ``p = len(eigs) <= n``; otherwise the unique root ``zeta > 0`` of
    ``sum_i eigs_i / (eigs_i + zeta) = n``. Isotropic features give ``zeta = p/n - 1``.

    Parameters
    ----------
    eigs : array_like of shape (p,)
        Variances of the features in the model.
    n : int
        Number of training samples.

    Returns
    -------
    float

    Examples
    --------
    >>> round(implicit_regularization([1.0] * 300, 100), 10)
    2.0
    """
    eigs = _check_eigs(eigs)
    n = as_int(n, "n", minimum=1)
    return float(_zeta(eigs, n, np.array([eigs.size]))[0])


def _check_eigs(eigs) -> np.ndarray:
    eigs = as_float_array(eigs, "eigs", ndim=1)
    if eigs.size == 0 or np.any(eigs <= 0):
        raise ValueError("eigs must be a non-empty array of positive feature variances")
    return eigs


def _check_problem(eigs, beta, noise_var):
    eigs = _check_eigs(eigs)
    beta = as_float_array(beta, "beta", ndim=1)
    if beta.shape != eigs.shape:
        raise ValueError(f"beta must have the same shape as eigs {eigs.shape}, got {beta.shape}")
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    return eigs, beta, noise_var


def _effective_noise(eigs, beta, noise_var, p):
    cum = np.concatenate([[0.0], np.cumsum(eigs * beta**2)])
    return noise_var + cum[-1] - cum[p]


def _kappa(eigs: np.ndarray, n: int, p: np.ndarray, penalty: np.ndarray) -> np.ndarray:
    """Effective ridge ``kappa`` for each (p, penalty) pair (broadcast 1-D arrays).

    Solves ``h(k) = k - penalty - (k/n) sum_{i<=p} eigs_i/(eigs_i + k) = 0``. ``h`` is convex,
    negative at ``k = penalty`` and positive at ``penalty + sum(eigs)/n``; Newton from that upper
    bound decreases monotonically to the root. ``penalty = 0`` is delegated to :func:`_zeta`.
    """
    kappa = np.zeros(p.shape)
    zero = penalty == 0
    if np.any(zero):
        kappa[zero] = _zeta(eigs, n, p[zero])
    pos = ~zero
    if not np.any(pos):
        return kappa
    mask = _prefix_mask(p[pos], eigs.size)
    lam = eigs[None, :]
    pen = penalty[pos]
    k = pen + np.where(mask, lam, 0.0).sum(axis=1) / n
    for _ in range(_MAX_NEWTON):
        ratio = np.where(mask, lam / (lam + k[:, None]), 0.0)
        h = k - pen - k * ratio.sum(axis=1) / n
        hprime = 1.0 - np.sum(ratio**2, axis=1) / n
        step = h / hprime
        k = np.maximum(k - step, pen)
        if np.all(np.abs(step) <= _RTOL * k):
            break
    kappa[pos] = k
    return kappa


def effective_ridge(eigs, n: int, ridge: float) -> float:
    """Effective penalty ``kappa`` of ridge with penalty ``ridge`` (Hastie et al. 2022, general covariance).

    ``kappa`` solves ``kappa - ridge = (kappa/n) sum_i eigs_i / (eigs_i + kappa)``; ``kappa > ridge``
    for ``ridge > 0`` and ``kappa = zeta`` (the implicit regularization) at ``ridge = 0``.

    Parameters
    ----------
    eigs : array_like of shape (p,)
        Feature variances of the model.
    n : int
        Training samples.
    ridge : float
        Penalty ``lambda >= 0``.

    Returns
    -------
    float
    """
    eigs = _check_eigs(eigs)
    n = as_int(n, "n", minimum=1)
    ridge = as_float(ridge, "ridge", minimum=0.0)
    return float(_kappa(eigs, n, np.array([eigs.size]), np.array([ridge]))[0])


def _ridge_parts(eigs, beta, noise_var, n, p, penalty, with_kappa: bool = False):
    """Bias and variance (excess-risk parts) for 1-D arrays ``p`` and ``penalty`` of equal length.

    Returns ``(bias, variance, sigma_p2)``, and ``kappa`` too when ``with_kappa``.
    """
    kappa = _kappa(eigs, n, p, penalty)
    mask = _prefix_mask(p, eigs.size)
    lam = eigs[None, :]
    kcol = kappa[:, None]
    d2 = np.sum(np.where(mask, (lam / (lam + kcol)) ** 2, 0.0), axis=1)
    shrunk_signal = np.sum(np.where(mask, lam * beta[None, :] ** 2 / (lam + kcol) ** 2, 0.0), axis=1)
    sigma_p2 = _effective_noise(eigs, beta, noise_var, p)
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = 1.0 - d2 / n
        bias = kappa**2 * shrunk_signal / denom
        variance = sigma_p2 * (d2 / n) / denom
    # p = n without a penalty: the bias tends to 0 (zeta -> 0 faster than n - D2), the variance to
    # infinity unless the model sees no noise at all (sigma_p^2 = 0: exact recovery).
    singular = ((penalty == 0) & (p == n)) | (denom <= 0)
    bias = np.where(singular, 0.0, bias)
    variance = np.where(singular, np.where(sigma_p2 > 0, np.inf, 0.0), variance)
    if with_kappa:
        return bias, variance, sigma_p2, kappa
    return bias, variance, sigma_p2


def minnorm_bias_variance(eigs, beta, noise_var: float, n: int, p):
    """Asymptotic bias and variance of min-norm least squares on the first ``p`` features.

    ``V = sigma_p^2 D2 / (n - D2)`` and
    ``B = zeta^2 sum_i lambda_i beta_i^2 / (lambda_i + zeta)^2 * n / (n - D2)``, with
    ``D2 = sum_i a_i^2``, ``a_i = lambda_i / (lambda_i + zeta)``.

    Parameters
    ----------
    eigs, beta : array_like of shape (d,)
        Feature variances and true coefficients of the whole universe.
    noise_var : float
        Label noise ``sigma^2``.
    n : int
        Training samples.
    p : int or array_like of int
        Model size(s), ``1 <= p <= d``.

    Returns
    -------
    bias, variance : float or ndarray
        Their sum plus ``sigma_p^2`` is :func:`minnorm_risk`; both are ``inf`` at ``p = n``.
    """
    eigs, beta, noise_var = _check_problem(eigs, beta, noise_var)
    n, p, scalar = _check_sizes(n, p, eigs.size)
    bias, variance, _ = _ridge_parts(eigs, beta, noise_var, n, p, np.zeros(p.shape))
    return _out(bias, scalar), _out(variance, scalar)


def minnorm_risk(eigs, beta, noise_var: float, n: int, p) -> np.ndarray | float:
    """Asymptotic risk (test MSE including noise) of min-norm least squares (Hastie et al. 2022).

    The model uses the first ``p`` features of a universe with variances ``eigs`` and
    coefficients ``beta``; the others fold into the effective noise ``sigma_p^2``. The result is
    ``tau^2``: ``sigma_p^2 / (1 - p/n)`` for ``p < n`` and
    ``[sigma_p^2 + zeta^2 sum lambda_i beta_i^2/(lambda_i + zeta)^2] / (1 - D2/n)`` for ``p > n``;
    ``inf`` at ``p = n``.

    Parameters
    ----------
    eigs, beta : array_like of shape (d,)
    noise_var : float
    n : int
    p : int or array_like of int

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> import numpy as np
    >>> round(minnorm_risk(np.ones(600), np.full(600, 1 / np.sqrt(600)), 0.25, 200, 600), 3)
    1.042
    """
    eigs, beta, noise_var = _check_problem(eigs, beta, noise_var)
    n, p, scalar = _check_sizes(n, p, eigs.size)
    bias, variance, sigma_p2 = _ridge_parts(eigs, beta, noise_var, n, p, np.zeros(p.shape))
    return _out(sigma_p2 + bias + variance, scalar)


def ridge_risk(eigs, beta, noise_var: float, n: int, p, ridge) -> np.ndarray | float:
    """Asymptotic risk (test MSE including noise) of ridge on the first ``p`` features (Hastie et al. 2022).

    ``risk = sigma_p^2 + [kappa^2 sum lambda_i beta_i^2/(lambda_i + kappa)^2 + sigma_p^2 D2/n]
    / (1 - D2/n)`` with ``D2 = sum lambda_i^2/(lambda_i + kappa)^2`` and ``kappa`` from
    :func:`effective_ridge`. ``ridge = 0`` reproduces :func:`minnorm_risk`.

    Parameters
    ----------
    eigs, beta : array_like of shape (d,)
    noise_var : float
    n : int
    p : int or array_like of int
    ridge : float or array_like
        Penalty ``lambda >= 0`` in the convention ``w = (X^T X + n lambda I)^{-1} X^T y``. ``p``
        and ``ridge`` broadcast against each other (one of them may be an array).

    Returns
    -------
    float or ndarray
    """
    eigs, beta, noise_var = _check_problem(eigs, beta, noise_var)
    scalar = np.ndim(p) == 0 and np.ndim(ridge) == 0
    ridge_arr = as_float_array(ridge, "ridge", ndim=(0, 1))
    if np.any(ridge_arr < 0):
        raise ValueError("ridge must be non-negative")
    n, p_arr, _ = _check_sizes(n, p, eigs.size)
    try:
        p_b, r_b = np.broadcast_arrays(p_arr, np.atleast_1d(ridge_arr))
    except ValueError:
        raise ValueError(
            f"p and ridge must broadcast together, got {p_arr.size} sizes and {ridge_arr.size} penalties"
        ) from None
    bias, variance, sigma_p2 = _ridge_parts(eigs, beta, noise_var, n, p_b.copy(), r_b.astype(float))
    return _out(sigma_p2 + bias + variance, scalar)


def optimal_ridge(eigs, beta, noise_var: float, n: int, p: int) -> tuple[float, float]:
    """Ridge penalty that minimizes :func:`ridge_risk` for one model size, and that risk.

    Searches ``log10(lambda)`` in ``[-8, 3]`` with a bounded scalar minimizer, and warns when the
    minimum sits at an edge of that range (no noise: the optimum is 0; no signal: infinite).

    Returns
    -------
    penalty, risk : float
    """
    eigs, beta, noise_var = _check_problem(eigs, beta, noise_var)
    p = as_int(p, "p", minimum=1)

    def objective(log_pen: float) -> float:
        return ridge_risk(eigs, beta, noise_var, n, p, 10.0**log_pen)

    best = minimize_scalar(objective, bounds=(-8.0, 3.0), method="bounded", options={"xatol": 1e-6})
    if best.x < -7.9 or best.x > 2.9:
        warnings.warn(
            f"optimal_ridge: the best penalty lies at the edge of the searched range [1e-8, 1e3] "
            f"({10.0**best.x:.3g}); the true optimum is probably {'0' if best.x < 0 else 'infinite'} "
            "(no noise, or no signal in the model)",
            RuntimeWarning,
            stacklevel=2,
        )
    return float(10.0**best.x), float(best.fun)


def population_ridge_weights(eigs, beta, penalty: float) -> np.ndarray:
    """Population ridge solution ``(Sigma + penalty I)^{-1} Sigma beta`` for diagonal ``Sigma``.

    Entry ``i`` is ``beta_i * eigs_i / (eigs_i + penalty)``: each coefficient shrunk by
    ``a_i = eigs_i / (eigs_i + penalty)``. With ``penalty = zeta`` (the implicit regularization)
    this is what min-norm least squares estimates on average (lesson 03).
    """
    eigs = _check_eigs(eigs)
    beta = as_float_array(beta, "beta", ndim=1)
    if beta.shape != eigs.shape:
        raise ValueError(f"beta must have the same shape as eigs {eigs.shape}, got {beta.shape}")
    penalty = as_float(penalty, "penalty", minimum=0.0)
    return beta * eigs / (eigs + penalty)


def _oracle_supports(eigs, beta, p: np.ndarray, s: int) -> np.ndarray:
    """Boolean masks ``(len(p), d)``: the ``s`` largest ``eigs * beta**2`` among the first ``p``.

    Ties go to the lower index. One global ranking serves every prefix: the oracle support of a
    prefix is the first ``s`` ranked features that lie inside it.
    """
    d = eigs.size
    order = np.lexsort((np.arange(d), -(eigs * beta**2)))
    inside = order[None, :] < p[:, None]  # ranked features inside each prefix
    chosen = inside & (np.cumsum(inside, axis=1) <= s)
    support = np.zeros((p.size, d), dtype=bool)
    support[:, order] = chosen
    return support


def oracle_pruned_risk(eigs, beta, noise_var: float, n: int, p, s: int) -> np.ndarray | float:
    """Asymptotic risk of min-norm least squares on ``p`` features pruned to the oracle support.

    The oracle keeps the ``s`` features with the largest ``eigs_i * beta_i**2`` among the first
    ``p`` and zeroes the others, without retraining (Chang et al. 2021; lesson 05):
    ``R = sigma_p^2 + sum_{i not in S} lambda_i beta_i^2
    + sum_{i in S} lambda_i [(1 - a_i)^2 beta_i^2 + a_i^2 tau^2 / (n lambda_i)]``,
    with ``a_i = lambda_i / (lambda_i + zeta)`` and ``tau^2`` the dense risk
    (:func:`minnorm_risk`). ``inf`` at ``p = n``.

    Parameters
    ----------
    eigs, beta : array_like of shape (d,)
    noise_var : float
    n : int
    p : int or array_like of int
        Dense model size(s), each at least ``s``.
    s : int
        Number of weights kept.

    Returns
    -------
    float or ndarray
    """
    eigs, beta, noise_var = _check_problem(eigs, beta, noise_var)
    n, p, scalar = _check_sizes(n, p, eigs.size)
    s = as_int(s, "s", minimum=1)
    if np.any(p < s):
        raise ValueError(f"every p must be at least s = {s}, got {p.min()}")
    bias, variance, sigma_p2, zeta = _ridge_parts(eigs, beta, noise_var, n, p, np.zeros(p.shape), with_kappa=True)
    tau2 = sigma_p2 + bias + variance  # the dense risk
    support = _oracle_supports(eigs, beta, p, s)  # (len(p), d) boolean
    lam, b2 = eigs[None, :], beta[None, :] ** 2
    a = lam / (lam + zeta[:, None])
    with np.errstate(invalid="ignore"):  # tau2 = inf at p = n
        kept = np.where(support, lam * (1 - a) ** 2 * b2 + a**2 * tau2[:, None] / n, 0.0).sum(axis=1)
    inside = np.where(_prefix_mask(p, eigs.size) & ~support, lam * b2, 0.0).sum(axis=1)
    risk = np.where(np.isfinite(tau2), sigma_p2 + inside + kept, np.inf)
    return _out(risk, scalar)


def small_model_risk(eigs, beta, noise_var: float, n: int, support) -> float:
    """Exact finite-n risk of least squares trained only on the features in ``support``.

    Diagonal covariance, exact for Gaussian designs: ``R = sigma_S^2 (1 + s / (n - s - 1))`` with
    ``sigma_S^2 = sigma^2 + sum_{j not in S} lambda_j beta_j^2`` and ``s = |S| <= n - 2``.

    Parameters
    ----------
    eigs, beta : array_like of shape (d,)
    noise_var : float
    n : int
    support : array_like of int
        Distinct feature indices, ``0 <= index < d``.

    Returns
    -------
    float
    """
    eigs, beta, noise_var = _check_problem(eigs, beta, noise_var)
    n = as_int(n, "n", minimum=1)
    support = as_int_array(support, "support", minimum=0)
    if np.any(support >= eigs.size):
        raise ValueError(f"support indices must be below d = {eigs.size}, got {support.max()}")
    if np.unique(support).size != support.size:
        raise ValueError("support must not repeat an index")
    s = support.size
    if s > n - 2:
        raise ValueError(f"the small model needs s <= n - 2 for a finite expected risk, got s = {s}, n = {n}")
    outside = np.ones(eigs.size, dtype=bool)
    outside[support] = False
    sigma_s2 = noise_var + float(np.sum(eigs[outside] * beta[outside] ** 2))
    return sigma_s2 * (1.0 + s / (n - s - 1.0))


def isotropic_optimal_ridge(beta, noise_var: float, n: int, p) -> np.ndarray | float:
    """Optimal ridge penalty for a model on the first ``p`` isotropic features (lesson 03).

    ``lambda* = sigma_p^2 * (p / n) / ||beta_T||^2`` with ``sigma_p^2 = sigma^2 + ||beta_Tc||^2``:
    noise over signal, times ``gamma = p/n``. It is the penalty at which ridge equals the Bayes
    posterior mean under a prior ``beta_T ~ N(0, ||beta_T||^2 / p I)`` (features left out act as
    independent noise), and it minimizes :func:`ridge_risk` for ``Sigma = I`` — check it against
    :func:`optimal_ridge`, which searches numerically.

    Parameters
    ----------
    beta : array_like of shape (d,)
        True coefficients of the universe, in model order.
    noise_var : float
        ``sigma^2``.
    n : int
        Training samples.
    p : int or array_like of int
        Model size(s), ``1 <= p <= d``; ``beta[:p]`` must not be all zero.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> import numpy as np
    >>> round(isotropic_optimal_ridge(np.full(400, 0.05), 0.25, 100, 400), 4)
    1.0
    """
    beta = as_float_array(beta, "beta", ndim=1)
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    n, p_arr, scalar = _check_sizes(n, p, beta.size)
    cum = np.concatenate([[0.0], np.cumsum(beta**2)])
    inside = cum[p_arr]
    if np.any(inside <= 0):
        raise ValueError("beta[:p] must carry some signal (||beta_T||^2 > 0) for every p")
    sigma_p2 = noise_var + cum[-1] - inside
    return _out(sigma_p2 * (p_arr / n) / inside, scalar)


def isotropic_break_even_ratio(signal: float, noise_var: float) -> float:
    """Underparameterized ratio whose excess risk equals the best one beyond the threshold (lesson 02).

    In the isotropic model the excess risk below the threshold,
    ``sigma^2 gamma / (1 - gamma)``, rises from 0 at ``gamma -> 0`` to infinity at ``gamma = 1``.
    Beyond the threshold the smallest excess risk is ``E* = 2 r sigma - sigma^2`` (at
    ``gamma* = r / (r - sigma)``) when ``r > sigma``, and ``E* = r^2`` (approached as
    ``gamma -> inf``) when ``r <= sigma``; see :func:`isotropic_optimal_ratio`. This returns the
    ratio ``gamma_0 < 1`` with the same excess risk, ``gamma_0 = E* / (sigma^2 + E*)``:

    * ``r > sigma``: ``gamma_0 = 1 - sigma / (2 r)``;
    * ``r <= sigma``: ``gamma_0 = r^2 / (r^2 + sigma^2) = SNR / (1 + SNR)``.

    So the best overparameterized model beats every underparameterized one with
    ``gamma_0 < gamma < 1`` and loses to every one with ``gamma < gamma_0``; in this model the
    global minimum of the excess risk is the limit ``gamma -> 0`` (zero excess risk).

    Parameters
    ----------
    signal : float
        ``||beta||^2 = r^2 >= 0``.
    noise_var : float
        ``sigma^2 >= 0``. With ``noise_var = 0`` every ``gamma < 1`` has zero excess risk and
        ``1.0`` is returned.

    Returns
    -------
    float
        ``gamma_0`` in ``[0, 1]``.

    Examples
    --------
    >>> isotropic_break_even_ratio(signal=1.0, noise_var=0.25)   # r = 1, sigma = 0.5
    0.75
    """
    signal = as_float(signal, "signal", minimum=0.0)
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    if noise_var == 0.0:
        return 1.0
    r, sigma = np.sqrt(signal), np.sqrt(noise_var)
    if r > sigma:
        return float(1.0 - sigma / (2.0 * r))
    return float(signal / (signal + noise_var))
