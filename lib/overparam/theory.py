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
   dense model at ``p = 400``: 0.327 and at ``p = 1000``: 0.410 (lesson 00, Part III). Hessian
   and magnitude pruning (:func:`pruned_risk`): 0.316 and 0.446 from ``p = 400``, 0.479 and 0.679
   from ``p = 150``, 0.398 and 0.469 from ``p = 1000`` (lessons 05-07).
R. Random ReLU features (Mei & Montanari 2019), ``d = 100``, ``n = 300``, ``noise_var = 0.25``,
   ``signal = 1``, no ridge, excess risk (:func:`random_features_risk` minus the noise): ``N = 30``
   -> 0.91, 100 -> 0.80, 277 -> 5.1, 325 -> 4.8, 523 -> 0.64, 3000 -> 0.152, kernel limit 0.108
   (lesson 04). Simulations sit a few percent above once ``N / d**2`` is not small.
M. The regime map (lesson 07, :func:`prune_vs_small_ratio`): ``n = 100``, ``sigma^2 = 1``,
   ``s`` informative features of variance 1 with equal coefficients, ``SNR = ||beta_S||^2``, a
   zero-signal tail of variance 0.05 up to ``d = 3000``; best oracle prune-from-large risk over
   ``p > n``, divided by the least-squares small model ``sigma^2 n / (n - s)``. Rows
   ``s/n = 0.1, 0.3, 0.5, 0.7, 0.9``, columns ``SNR = 0.25, 1, 4, 16``:
   0.97 1.01 1.05 1.11 / 0.80 0.91 1.03 1.18 / 0.59 0.71 0.90 1.13 / 0.36 0.46 0.64 0.92 /
   0.12 0.16 0.25 0.41. Against a small model with a tuned ridge the ratio is 1.00-1.19 for the
   oracle and 1.00-1.21 for Hessian pruning.
E. Retraining with correlated features (lesson 08, :func:`pruning_cost_decomposition`):
   ``n = 100``, ``p = 300``, ``s = 20``, ``sigma^2 = 0.1``, ``beta_i`` proportional to ``1/i`` with
   ``||beta|| = 1``, AR(1) covariance ``rho^|i-j|``, oracle support the first 20 features. Risk
   without / with retraining: ``rho = 0``: 0.578 / 0.160; 0.3: 0.611 / 0.188; 0.6: 0.534 / 0.255;
   0.9: 0.605 / 0.595 (simulations with 200 trials agree within 1.3%).
D. Pruning random features (lesson 09,
   :func:`overparam.experiments.random_features_pruning_sweep`): ReLU features, inputs and
   first-layer rows ``N(0, I_20)`` (``random_features_problem(d=20, signal=1, noise_var=0.04,
   inputs="gaussian")``), ``n = 200``, ``s = 40`` neurons kept, min-norm second layer; excess risk,
   medians over 75 trials (``seed=0``), at widths ``N = 40 (= s), 100, 180, 220, 400, 1000, 3000``:
   dense 0.285 0.162 0.55 0.66 0.114 0.068 0.055; magnitude pruning without retraining 0.285 0.293
   1.7 1.9 0.54 0.62 0.80; magnitude + retraining 0.285 0.185 0.289 0.267 0.214 0.163 0.157;
   Hessian + retraining 0.285 0.175 0.278 0.273 0.205 0.170 0.158; random neurons + retraining
   0.285 0.282 0.262 0.269 0.263 0.285 0.279. The small model (40 random features trained
   directly) is the ``N = 40`` column. Magnitude pruning plus retraining beats it in 87-99% of the
   paired trials at ``N = 100`` and ``N >= 400`` (median gain 0.13 at ``N = 3000``) but only ties
   near ``N = n``: the pruned curve dips, bumps near the threshold, then descends again (a sparse
   double descent). Random neurons with retraining only tie with the small model, and pruning
   without retraining is poor at every width (the correlated features' target mismatch). Medians
   of 15 trials move by about 0.03 between seeds (by far more near ``N = n``).
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


# ----------------------------------------------------------------------------------------------
# §6 Random features (Mei & Montanari 2019): closed form, kernel limit
# ----------------------------------------------------------------------------------------------

from .random_features import relu_constants as _relu_constants  # noqa: E402


def _rf_chi_ridgeless(m: np.ndarray, zeta2: float) -> np.ndarray:
    """``t = -chi > 0`` solving ``t + zeta^2 t / (1 + zeta^2 t) = m``.

    The ridgeless ``chi`` of Mei & Montanari is ``-t`` at ``m = min(psi1, psi2)``.
    """
    b = 1.0 + zeta2 - m * zeta2
    return (-b + np.sqrt(b * b + 4.0 * zeta2 * m)) / (2.0 * zeta2)


def _rf_chi(psi1: np.ndarray, psi2: np.ndarray, lam_bar: np.ndarray, zeta2: float) -> np.ndarray:
    """Mei–Montanari ``chi = -ab`` for broadcast 1-D arrays (``lam_bar = ridge / mustar2``).

    With ``s = sqrt(psi1 psi2 lam_bar)`` the fixed point
    ``a = psi1 / (s + b + zeta^2 b/(1 + zeta^2 ab))``,
    ``b = psi2 / (s + a + zeta^2 a/(1 + zeta^2 ab))`` reduces, with ``t = ab`` and
    ``g(t) = t + zeta^2 t/(1 + zeta^2 t)``, to ``a s = psi1 - g``, ``b s = psi2 - g``, hence to one
    scalar equation ``s^2 t = (psi1 - g)(psi2 - g)`` on ``0 < g < min(psi1, psi2)``: increasing
    minus decreasing in ``u = g(t)``, so bisection on ``u`` finds the unique root. ``lam_bar = 0``
    is the limit ``g = min(psi1, psi2)`` in closed form.
    """
    m = np.minimum(psi1, psi2)
    t = _rf_chi_ridgeless(m, zeta2)
    pos = lam_bar > 0
    if np.any(pos):
        p1, p2, mm = psi1[pos], psi2[pos], m[pos]
        s2 = p1 * p2 * lam_bar[pos]
        lo, hi = np.zeros_like(mm), mm.copy()
        for _ in range(120):  # the bracket [0, m] shrinks to rounding level well before 120 halvings
            u = 0.5 * (lo + hi)
            above = s2 * _rf_chi_ridgeless(u, zeta2) > (p1 - u) * (p2 - u)
            hi = np.where(above, u, hi)
            lo = np.where(above, lo, u)
        t[pos] = _rf_chi_ridgeless(0.5 * (lo + hi), zeta2)
    return -t


def _rf_bias_variance(psi1: np.ndarray, psi2: np.ndarray, ridge: np.ndarray):
    """Mei–Montanari bias ``E1/E0`` and variance ``E2/E0`` for ReLU (broadcast 1-D arrays)."""
    c = _relu_constants()
    z2 = c.zeta**2
    chi = _rf_chi(psi1, psi2, ridge / c.mustar2, z2)
    p1, p2, x = psi1, psi2, chi
    z4, z6 = z2 * z2, z2 * z2 * z2
    x2 = x * x
    x3 = x2 * x
    e0 = (
        -(x3 * x2) * z6 + 3 * (x2 * x2) * z4 + (p1 * p2 - p2 - p1 + 1) * x3 * z6 - 2 * x3 * z4
        - 3 * x3 * z2 + (p1 + p2 - 3 * p1 * p2 + 1) * x2 * z4 + 2 * x2 * z2 + x2
        + 3 * p1 * p2 * x * z2 - p1 * p2
    )
    e1 = p2 * x3 * z4 - p2 * x2 * z2 + p1 * p2 * x * z2 - p1 * p2
    e2 = (
        (x3 * x2) * z6 - 3 * (x2 * x2) * z4 + (p1 - 1) * x3 * z6 + 2 * x3 * z4 + 3 * x3 * z2
        - (p1 + 1) * x2 * z4 - 2 * x2 * z2 - x2
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        bias, variance = e1 / e0, e2 / e0
    peak = (ridge == 0) & (psi1 == psi2)
    return np.where(peak, np.inf, bias), np.where(peak, np.inf, variance)


def _rf_broadcast(**arrays):
    """Validate positive ratios (``psi1``, ``psi2``) and a non-negative ``ridge``; broadcast them.

    Returns the 1-D float arrays in the order given, then ``scalar`` (all inputs were 0-D).
    """
    checked = []
    for name, value in arrays.items():
        arr = as_float_array(value, name, ndim=(0, 1))
        if name == "ridge" and np.any(arr < 0):
            raise ValueError("ridge must be non-negative")
        if name != "ridge" and np.any(arr <= 0):
            raise ValueError(f"{name} must be positive")
        checked.append(arr)
    scalar = all(arr.ndim == 0 for arr in checked)
    try:
        out = np.broadcast_arrays(*(np.atleast_1d(arr) for arr in checked))
    except ValueError:
        sizes = ", ".join(f"{name} has {arr.size}" for name, arr in zip(arrays, checked))
        raise ValueError(f"{', '.join(arrays)} must broadcast together, got sizes: {sizes}") from None
    return (*(arr.astype(float) for arr in out), scalar)


def random_features_risk(
    psi1, psi2, signal: float = 1.0, nonlinear: float = 0.0, noise_var: float = 0.0, ridge=0.0
) -> np.ndarray | float:
    """Asymptotic risk (test MSE including noise) of ReLU random-features regression.

    The closed form of Mei & Montanari (2019) for ``N`` features
    ``ReLU(<theta_a, x>/sqrt(d))``, ``n`` samples and input dimension ``d`` growing together with
    ``psi1 = N/d`` and ``psi2 = n/d``; second layer trained with the penalty
    ``(N/d) ridge ||a||^2`` on the mean squared loss
    (:func:`overparam.random_features.fit_second_layer`).
    With the bias ``B = E1/E0`` and variance ``V = E2/E0`` (polynomials in
    ``chi``, ``zeta``, ``psi1``, ``psi2``), the excess risk is
    ``R = signal B + (noise_var + nonlinear) V + nonlinear`` and the result is ``R + noise_var``.

    Parameters
    ----------
    psi1 : float or array_like
        ``N / d > 0`` (the curve's x-axis; vectorized).
    psi2 : float or array_like
        ``n / d > 0``; the interpolation threshold is ``psi1 = psi2``.
    signal : float
        ``F1^2 = ||beta||^2``, the power of the linear part of the target.
    nonlinear : float
        ``F*^2``, the power of a nonlinear part of the target (0 for a linear teacher); it acts
        like extra label noise and is never learned.
    noise_var : float
        Label noise ``tau^2``.
    ridge : float or array_like
        ``lambda >= 0`` in the ``(N/d) lambda`` convention; ``psi1``, ``psi2`` and ``ridge``
        broadcast together.

    Returns
    -------
    float or ndarray
        ``inf`` at ``psi1 == psi2`` when ``ridge == 0`` (the interpolation peak; even without
        noise, since the features' own nonlinear part acts as noise).

    Examples
    --------
    >>> r = random_features_risk([0.3, 1.0, 30.0], psi2=3.0, noise_var=0.25)   # d = 100, n = 300
    >>> [round(float(v) - 0.25, 3) for v in r]   # excess risk at N = 30, 100, 3000 (reference R)
    [0.91, 0.797, 0.152]
    """
    psi1, psi2, ridge, scalar = _rf_broadcast(psi1=psi1, psi2=psi2, ridge=ridge)
    signal = as_float(signal, "signal", minimum=0.0)
    nonlinear = as_float(nonlinear, "nonlinear", minimum=0.0)
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    bias, variance = _rf_bias_variance(psi1, psi2, ridge)
    with np.errstate(invalid="ignore"):  # 0 * inf when a term has no weight
        excess = np.where(signal > 0, signal * bias, 0.0) + np.where(
            noise_var + nonlinear > 0, (noise_var + nonlinear) * variance, 0.0
        )
    risk = excess + nonlinear + noise_var
    return float(risk[0]) if scalar else risk


__all__.append("random_features_risk")


def random_features_kernel_limit(
    psi2, signal: float = 1.0, nonlinear: float = 0.0, noise_var: float = 0.0, ridge=0.0
) -> np.ndarray | float:
    """Risk of ReLU random features with infinitely many features (``psi1 -> inf``): kernel ridge.

    In this limit the random-features model is kernel ridge regression with the arc-cosine kernel,
    which on the sphere behaves as *linear* ridge regression on isotropic features with aspect
    ratio ``gamma = d/n = 1/psi2``, effective penalty ``(1 + psi2 ridge/mustar2) / (zeta^2 psi2)``
    (in the ``(X^T X + n lambda I)`` convention; the nonlinear part of the features is an implicit
    ridge), noise ``noise_var + nonlinear``, plus the unlearnable ``nonlinear``. Closed form via the
    isotropic effective ridge ``kappa`` (Hastie et al. 2022):
    ``kappa^2 + kappa (1 - lambda - gamma) - lambda = 0`` and excess
    ``[kappa^2 r^2 + sigma^2 gamma] / ((1 + kappa)^2 - gamma)``. It is the large-``psi1`` limit
    of :func:`random_features_risk`.

    Parameters
    ----------
    psi2 : float or array_like
        ``n / d > 0`` (vectorized; may broadcast with ``ridge``).
    signal, nonlinear, noise_var : float
        As in :func:`random_features_risk`.
    ridge : float or array_like
        ``lambda >= 0``, ``(N/d) lambda`` convention.

    Returns
    -------
    float or ndarray
        Risk including noise.

    Examples
    --------
    >>> round(random_features_kernel_limit(3.0, noise_var=0.25) - 0.25, 3)   # reference R, N -> inf
    0.108
    """
    psi2, ridge, scalar = _rf_broadcast(psi2=psi2, ridge=ridge)
    signal = as_float(signal, "signal", minimum=0.0)
    nonlinear = as_float(nonlinear, "nonlinear", minimum=0.0)
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    c = _relu_constants()
    gamma = 1.0 / psi2
    lam = (1.0 + psi2 * ridge / c.mustar2) / (c.zeta**2 * psi2)
    kappa = 0.5 * ((gamma + lam - 1.0) + np.sqrt((1.0 - lam - gamma) ** 2 + 4.0 * lam))
    sigma2 = noise_var + nonlinear
    excess = (kappa**2 * signal + sigma2 * gamma) / ((1.0 + kappa) ** 2 - gamma)
    risk = excess + nonlinear + noise_var
    return float(risk[0]) if scalar else risk


__all__.append("random_features_kernel_limit")


# ----------------------------------------------------------------------------------------------
# §3–§4 The auxiliary model and the risk of pruning min-norm least squares
# ----------------------------------------------------------------------------------------------

from dataclasses import dataclass as _dataclass  # noqa: E402

from scipy.special import ndtr as _ndtr  # noqa: E402

from ._validate import as_generator as _as_generator  # noqa: E402

_PRUNING_METHODS = ("magnitude", "hessian", "oracle")
_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


def _normal_pdf(x):
    return _INV_SQRT_2PI * np.exp(-0.5 * x * x)


@_dataclass(frozen=True, eq=False)
class AuxiliaryModel:
    """The auxiliary (Gaussian) model of the min-norm solution on the first ``p`` features (lesson 06).

    Coordinate ``i`` of the trained model behaves, as ``n, p`` grow proportionally, like
    ``beta~_i = a_i (beta_i + tau g_i / sqrt(n lambda_i))`` with ``g_i`` iid ``N(0, 1)``: a shrunk
    copy of the truth plus independent Gaussian noise. Built by :func:`auxiliary_model`.

    Attributes
    ----------
    zeta : float
        Implicit regularization (0 when ``p <= n``).
    shrinkage : ndarray of shape (p,)
        ``a_i = lambda_i / (lambda_i + zeta)``.
    tau2 : float
        Effective noise level ``tau^2`` (= the dense risk; ``inf`` at ``p = n``).
    mean : ndarray of shape (p,)
        ``a_i beta_i``, the centre of each coordinate.
    std : ndarray of shape (p,)
        ``a_i tau / sqrt(n lambda_i)``, its standard deviation.
    """

    zeta: float
    shrinkage: np.ndarray
    tau2: float
    mean: np.ndarray
    std: np.ndarray

    @property
    def p(self) -> int:
        """Number of coordinates (the model size)."""
        return int(self.mean.size)

    def sample(self, rng, size: int | None = None) -> np.ndarray:
        """Draw coordinates of the auxiliary estimator ``beta~``.

        Parameters
        ----------
        rng : numpy.random.Generator or int
            Random generator (or seed).
        size : int, optional
            Number of independent draws. Default: one draw.

        Returns
        -------
        ndarray of shape (p,), or (size, p) when ``size`` is given
        """
        rng = _as_generator(rng)
        if not np.isfinite(self.tau2):
            raise ValueError("the auxiliary model has infinite noise (p = n): nothing to sample")
        shape = self.mean.shape if size is None else (as_int(size, "size", minimum=1), self.p)
        return self.mean + self.std * rng.standard_normal(shape)


def auxiliary_model(eigs, beta, noise_var: float, n: int, p: int) -> AuxiliaryModel:
    """The auxiliary model of min-norm least squares on the first ``p`` features (lesson 06).

    ``zeta`` solves ``sum_{i<=p} lambda_i / (lambda_i + zeta) = n`` (0 when ``p <= n``),
    ``a_i = lambda_i / (lambda_i + zeta)``, ``tau^2`` is the dense risk
    (:func:`effective_noise_level`), and coordinate ``i`` is ``N(a_i beta_i, a_i^2 tau^2 /
    (n lambda_i))``. The empirical distribution of the trained weights matches that of draws
    from this model as ``n, p`` grow proportionally (lessons 06 and 07).

    Parameters
    ----------
    eigs, beta : array_like of shape (d,)
        Feature variances and true coefficients of the universe, in model order.
    noise_var : float
        Label noise ``sigma^2``; features beyond ``p`` add to it (``sigma_p^2``).
    n : int
        Training samples.
    p : int
        Model size, ``1 <= p <= d``.

    Returns
    -------
    AuxiliaryModel

    Examples
    --------
    >>> import numpy as np
    >>> aux = auxiliary_model(np.ones(300), np.full(300, 0.1), 0.5, 100, 300)
    >>> round(aux.zeta, 6), round(float(aux.shrinkage[0]), 6)   # isotropic: zeta = p/n - 1
    (2.0, 0.333333)
    """
    eigs, beta, noise_var = _check_problem(eigs, beta, noise_var)
    n = as_int(n, "n", minimum=1)
    p = as_int(p, "p", minimum=1)
    if p > eigs.size:
        raise ValueError(f"p must be at most the number of features d = {eigs.size}, got {p}")
    bias, variance, sigma_p2, zeta = _ridge_parts(
        eigs, beta, noise_var, n, np.array([p]), np.zeros(1), with_kappa=True
    )
    tau2 = float(sigma_p2[0] + bias[0] + variance[0])
    lam = eigs[:p]
    shrink = lam / (lam + zeta[0])
    mean = shrink * beta[:p]
    std = shrink * np.sqrt(tau2 / (n * lam)) if np.isfinite(tau2) else np.full(p, np.inf)
    for arr in (shrink, mean, std):
        arr.setflags(write=False)
    return AuxiliaryModel(float(zeta[0]), shrink, tau2, mean, std)


__all__.append("AuxiliaryModel")
__all__.append("auxiliary_model")


def effective_noise_level(eigs, beta, noise_var: float, n: int, p) -> np.ndarray | float:
    """Effective noise level ``tau^2`` of the auxiliary model (lesson 06), vectorized over ``p``.

    ``p < n``: ``tau^2 = sigma_p^2 / (1 - p/n)``; ``p > n``: ``tau^2 = [sigma_p^2 + zeta^2
    sum_i lambda_i beta_i^2 / (lambda_i + zeta)^2] / (1 - D2/n)``; ``inf`` at ``p = n`` (unless
    ``sigma_p^2 = 0``). It equals the dense risk :func:`minnorm_risk`.

    Parameters
    ----------
    eigs, beta : array_like of shape (d,)
    noise_var : float
    n : int
    p : int or array_like of int
        Model size(s), ``1 <= p <= d``.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> from overparam.models import pruning_showcase_problem
    >>> pb = pruning_showcase_problem()                 # reference C: dense risk 0.327 at p = 400
    >>> tau2 = effective_noise_level(pb.eigs, pb.beta, pb.noise_var, 100, [50, 400])
    >>> [round(float(t), 3) for t in tau2]             # p = 50: sigma_p^2 / (1 - p/n) = 0.475 / 0.5
    [0.95, 0.327]
    """
    return minnorm_risk(eigs, beta, noise_var, n, p)


__all__.append("effective_noise_level")


def _feature_groups(eigs, beta, p: np.ndarray):
    """Features of each prefix as weighted entries ``(row, lam, beta, count)``.

    Entries are grouped by ``(lambda, beta)``.

    Row ``k`` holds the distinct ``(lambda, beta)`` pairs among the first ``p[k]`` features with
    their multiplicities, so the reference-C problem has two entries per row whatever ``p`` is.
    When grouping saves little (more than ``d/4`` groups) every feature is its own entry.
    Entries are sorted by row.
    """
    d = eigs.size
    pairs, inverse = np.unique(np.column_stack([eigs, beta]), axis=0, return_inverse=True)
    inverse = np.ravel(inverse)
    if 4 * pairs.shape[0] > d:
        row = np.repeat(np.arange(p.size), p)
        feature = np.arange(row.size) - np.repeat(np.cumsum(p) - p, p)
        return row, eigs[feature], beta[feature], np.ones(row.size)
    counts = np.stack([np.bincount(inverse[:k], minlength=pairs.shape[0]) for k in p])
    row, group = np.nonzero(counts)
    return row, pairs[group, 0], pairs[group, 1], counts[row, group].astype(float)


def _threshold_rule_risk(row, lam, beta, count, zeta, tau2, sigma_p2, n, s, power):
    """Risk of the threshold rule ``keep i when lambda_i**power * |beta~_i| >= t`` (lessons 05–06).

    The models (rows) are given as weighted feature entries sorted by ``row`` (see
    :func:`_feature_groups`); ``zeta``, ``tau2``, ``sigma_p2`` and ``s`` are per row and every row
    has at least one entry. ``t`` solves ``sum_i P(keep i) = s`` by Newton's method safeguarded by
    bisection, for all rows at once; the risk is the closed form in the normal cdf/pdf.
    ``power = 0`` is magnitude pruning, ``0.5`` Hessian pruning.
    """
    rows = zeta.size
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])

    def row_sum(x):
        return np.add.reduceat(x, starts)

    s = np.broadcast_to(np.asarray(s, dtype=float), (rows,))
    shrink = lam / (lam + zeta[row])
    risk = np.full(rows, np.inf)
    finite = np.isfinite(tau2)
    keep_all = finite & (row_sum(count) <= s)
    risk[keep_all] = tau2[keep_all]  # nothing pruned: the dense risk
    exact = finite & ~keep_all & (tau2 <= 0)
    for k in np.flatnonzero(exact):  # no noise at all: beta~ = a * beta exactly, keep the top s
        e = row == k
        c, lm, b, a = count[e], lam[e], beta[e], shrink[e]
        order = np.argsort(-(lm**power) * np.abs(a * b), kind="stable")
        kept = np.empty_like(c)
        kept[order] = np.clip(s[k] - (np.cumsum(c[order]) - c[order]), 0.0, c[order])
        risk[k] = sigma_p2[k] + np.sum(lm * (kept * ((1 - a) * b) ** 2 + (c - kept) * b**2))
    live_rows = finite & ~keep_all & (tau2 > 0)
    if not np.any(live_rows):
        return risk
    live = live_rows[row]
    r, c, lm, b, a = row[live], count[live], lam[live], beta[live], shrink[live]
    starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
    s_l = s[live_rows]
    mean = a * b
    sd = a * np.sqrt(tau2[r] / (n * lm))
    w = lm**power
    mu, sc = w * mean, w * sd  # the score w * beta~ is N(mu, sc^2)
    lo = np.zeros(starts.size)
    hi = np.maximum.reduceat(np.abs(mu) + 9.0 * sc, starts)  # keeps ~nothing
    t = 0.5 * hi
    ri = np.cumsum(np.r_[0, r[1:] != r[:-1]])  # compact row index of each entry
    inv_sc, z_mu, c_sc = 1.0 / sc, mu / sc, c / sc
    for _ in range(200):
        t_sc = t[ri] * inv_sc
        upper, lower = t_sc - z_mu, -t_sc - z_mu  # standardized thresholds
        p_out = _ndtr(-upper) + _ndtr(lower)
        f = np.add.reduceat(c * p_out, starts) - s_l
        fprime = -np.add.reduceat(c_sc * (_normal_pdf(upper) + _normal_pdf(lower)), starts)
        lo = np.where(f > 0, t, lo)
        hi = np.where(f > 0, hi, t)
        done = (np.abs(f) <= 1e-10 * s_l) | (hi - lo <= 1e-15 * hi)
        if np.all(done):
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = t - f / fprime
        inside = (newton > lo) & (newton < hi)
        t = np.where(done, t, np.where(inside, newton, 0.5 * (lo + hi)))
    p_in = 1.0 - p_out
    pdf_lo, pdf_up = _normal_pdf(lower), _normal_pdf(upper)
    u = b - mean
    err_in = (
        u**2 * p_in - 2 * u * sd * (pdf_lo - pdf_up) + sd**2 * (p_in + lower * pdf_lo - upper * pdf_up)
    )
    per_feature = lm * (b**2 * p_in + u**2 + sd**2 - err_in)
    risk[live_rows] = sigma_p2[live_rows] + np.add.reduceat(c * per_feature, starts)
    return risk


def _check_method(method, allowed: tuple = _PRUNING_METHODS) -> str:
    if not isinstance(method, str):
        raise TypeError(f"method must be a string, one of {allowed}, got {type(method).__name__}")
    if method not in allowed:
        raise ValueError(f"method must be one of {allowed}, got {method!r}")
    return method


def pruned_risk(eigs, beta, noise_var: float, n: int, p, s: int, method: str) -> np.ndarray | float:
    """Asymptotic risk of min-norm least squares on ``p`` features pruned to ``s`` weights (lessons 05–06).

    The large model is fitted on the first ``p`` features and then pruned, without retraining, to
    ``s`` weights chosen by ``method``:

    * ``"magnitude"`` (MP): the ``s`` largest ``|beta^_i|``;
    * ``"hessian"`` (HP): the ``s`` largest ``sqrt(lambda_i) |beta^_i|`` (the diagonal of the
      square-loss Hessian is the covariance);
    * ``"oracle"``: the ``s`` largest ``lambda_i beta_i^2`` (:func:`oracle_pruned_risk`);
    * ``"random"``: ``s`` of the ``p`` weights uniformly at random (a baseline). Each weight is kept
      with probability ``q = s / p`` whatever its value, so the expected risk is
      ``sigma_p^2 + sum_{i<=p} lambda_i [q E(beta~_i - beta_i)^2 + (1 - q) beta_i^2]``.

    MP and HP become threshold rules in the proportional limit: with the auxiliary model of
    :func:`auxiliary_model`, coordinate ``i`` is ``X_i ~ N(a_i beta_i, a_i^2 tau^2 / (n lambda_i))``
    and is kept when ``w_i |X_i| >= t`` (``w_i = 1`` or ``sqrt(lambda_i)``), where ``t`` solves
    ``sum_i P(w_i |X_i| >= t) = s``. The risk
    ``sigma_p^2 + sum_i lambda_i E[(beta_i - X_i 1{kept})^2]`` is then a closed form in the normal
    cdf and pdf (no Monte Carlo). Features with identical ``(lambda_i, beta_i)`` are grouped, and
    the threshold is found for all sizes at once (safeguarded Newton), so a 200-point curve of the
    showcase problem takes a few tens of milliseconds.

    Parameters
    ----------
    eigs, beta : array_like of shape (d,)
        Feature variances and true coefficients of the universe, in model order.
    noise_var : float
        Label noise ``sigma^2``.
    n : int
        Training samples.
    p : int or array_like of int
        Dense model size(s), each ``s <= p <= d``. At ``p = s`` nothing is pruned and the result is
        the dense risk :func:`minnorm_risk`; at ``p = n`` the risk is ``inf``.
    s : int
        Number of weights kept, ``s >= 1``.
    method : {"magnitude", "hessian", "oracle", "random"}
        Pruning rule.

    Returns
    -------
    float or ndarray (one risk per ``p``), test MSE including noise

    Examples
    --------
    >>> from overparam.models import pruning_showcase_problem
    >>> pb = pruning_showcase_problem()                       # reference C
    >>> [round(pruned_risk(pb.eigs, pb.beta, pb.noise_var, 100, 400, 80, m), 3)
    ...  for m in ("oracle", "hessian", "magnitude")]
    [0.311, 0.316, 0.446]
    """
    method = _check_method(method, _PRUNING_METHODS + ("random",))
    eigs, beta, noise_var = _check_problem(eigs, beta, noise_var)
    n, p_arr, scalar = _check_sizes(n, p, eigs.size)
    s = as_int(s, "s", minimum=1)
    if np.any(p_arr < s):
        raise ValueError(
            f"every p must be at least s = {s} (a model cannot keep more weights than it has), "
            f"got {p_arr.min()}"
        )
    if method == "oracle":
        return oracle_pruned_risk(eigs, beta, noise_var, n, p, s)
    bias, variance, sigma_p2, zeta = _ridge_parts(
        eigs, beta, noise_var, n, p_arr, np.zeros(p_arr.shape), with_kappa=True
    )
    tau2 = sigma_p2 + bias + variance
    if method == "random":
        return _out(_random_pruning_risk(eigs, beta, n, p_arr, s, zeta, tau2, sigma_p2), scalar)
    row, lam, b, count = _feature_groups(eigs, beta, p_arr)
    power = 0.0 if method == "magnitude" else 0.5
    risk = _threshold_rule_risk(row, lam, b, count, zeta, tau2, sigma_p2, n, s, power)
    return _out(risk, scalar)


def _random_pruning_risk(eigs, beta, n, p, s, zeta, tau2, sigma_p2) -> np.ndarray:
    """Expected risk of keeping ``s`` of the first ``p`` weights uniformly at random (internal)."""
    lam, b2 = eigs[None, :], beta[None, :] ** 2
    a = lam / (lam + zeta[:, None])
    q = (s / p)[:, None]
    with np.errstate(invalid="ignore"):  # tau2 = inf at p = n
        kept = lam * (1 - a) ** 2 * b2 + a**2 * tau2[:, None] / n  # lambda_i E(beta~_i - beta_i)^2
        cost = np.where(_prefix_mask(p, eigs.size), q * kept + (1 - q) * lam * b2, 0.0).sum(axis=1)
    return np.where(np.isfinite(tau2), sigma_p2 + cost, np.inf)


__all__.append("pruned_risk")


def _moments_eigenproblem(K: np.ndarray, r: np.ndarray, signal: float):
    """The linear problem of one drawn first layer in the eigenbasis of its second moments.

    ``K = E[z z^T]`` and ``r = E[z y]``: returns the eigenvalues (floored at rounding level), the
    eigenvectors, the best linear weights in that basis ``coef = V^T K^{-1} r`` and the signal no
    linear function of ``z`` explains, ``max(signal - r^T K^{-1} r, 0)``.
    """
    eigs, vecs = np.linalg.eigh(K)
    eigs = np.maximum(eigs, np.finfo(float).eps * eigs[-1])
    cross = vecs.T @ r
    coef = cross / eigs
    return eigs, vecs, coef, max(signal - float(np.sum(cross * coef)), 0.0)


def _check_first_layer(theta, beta) -> tuple[np.ndarray, np.ndarray]:
    """Validate a drawn first layer ``theta`` (N, d) and a linear teacher ``beta`` (d,) of the same ``d``."""
    theta = as_float_array(theta, "theta", ndim=2)
    beta = as_float_array(beta, "beta", ndim=1)
    if beta.shape != (theta.shape[1],):
        raise ValueError(
            f"beta must have shape (d,) = ({theta.shape[1]},) to match theta {theta.shape}, got {beta.shape}"
        )
    return theta, beta


def random_features_draw_risk(
    theta,
    beta,
    noise_var: float,
    n: int,
    Ns,
    ridge: float = 0.0,
    nonlinear: float = 0.0,
    covariance: str = "gaussian",
) -> np.ndarray | float:
    """Per-draw theory: asymptotic risk of the random-features models ``Theta[:N]`` of one first layer.

    Gaussian equivalence (Mei & Montanari 2019): for a fixed first layer the features behave like Gaussian
    features with covariance ``Sigma_F`` whose best linear predictor of ``y`` is
    ``b* = Sigma_F^{-1} E[z y]``, ``E[z y] = mu1 W beta`` (``W = Theta/sqrt(d)``). In the
    eigenbasis of ``Sigma_F`` (variances ``lambda_k``, coefficients ``b~_k``) this is the diagonal
    linear problem of §3 above (lesson 06) with effective noise ``noise_var + sigma_res^2 + nonlinear``,
    ``sigma_res^2 = ||beta||^2 - sum_k lambda_k b~_k^2``; its ridge / min-norm risk
    (:func:`ridge_risk`, same machinery) with the penalty ``(N/d) ridge`` is returned.

    ``covariance`` chooses ``Sigma_F``:

    * ``"gaussian"``: ``mu1^2 W W^T + mustar2 I``, diagonalized through the ``d x d`` matrix
      ``W^T W`` (fast; exact Gaussian equivalence for rows of norm ``sqrt(d)``, the sphere).
    * ``"arccos"``: the exact second-moment matrix ``K`` of the ReLU features
      (:func:`overparam.random_features.relu_kernel`), which keeps the mean and the higher-order
      parts of ReLU, and the actual row norms; costs an ``N x N`` eigendecomposition per width
      (about a second at ``N = 2000``).

    Parameters
    ----------
    theta : array_like of shape (N_max, d)
        One drawn first layer (rows ``theta_a``; features ``ReLU(<theta_a, x>/sqrt(d))``).
    beta : array_like of shape (d,)
        Linear teacher.
    noise_var : float
        Label noise ``tau^2``.
    n : int
        Training samples.
    Ns : int or array_like of int
        Widths ``1 <= N <= N_max``; the width-``N`` model uses the first ``N`` rows of ``theta``.
    ridge : float
        ``lambda >= 0`` in the ``(N/d) lambda`` convention of
        :func:`overparam.random_features.fit_second_layer`.
    nonlinear : float
        ``F*^2``, power of a nonlinear part of the target (acts as noise).
    covariance : {"gaussian", "arccos"}

    Returns
    -------
    float or ndarray
        Risk including noise per width; ``inf`` at ``N = n`` when ``ridge = 0``.

    Examples
    --------
    >>> from overparam.random_features import random_features_problem
    >>> problem = random_features_problem(d=20, noise_var=0.25)
    >>> theta = problem.draw_first_layer(200, rng=0)
    >>> risk = random_features_draw_risk(theta, problem.beta, 0.25, n=60, Ns=[20, 60, 200])
    >>> risk.shape, bool(np.isinf(risk[1])), bool(risk[2] < risk[0])   # the peak at N = n
    ((3,), True, True)
    """
    theta, beta = _check_first_layer(theta, beta)
    n_max, d = theta.shape
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    n = as_int(n, "n", minimum=1)
    scalar = np.ndim(Ns) == 0
    Ns = as_int_array(Ns, "Ns", minimum=1)
    if np.any(Ns > n_max):
        raise ValueError(
            f"every N must be at most the number of rows of theta ({n_max}), got {Ns.max()}"
        )
    ridge = as_float(ridge, "ridge", minimum=0.0)
    nonlinear = as_float(nonlinear, "nonlinear", minimum=0.0)
    if not isinstance(covariance, str) or covariance not in ("gaussian", "arccos"):
        raise ValueError(f"covariance must be 'gaussian' or 'arccos', got {covariance!r}")
    from .random_features import _kernel_block

    c = _relu_constants()
    W = theta / np.sqrt(d)
    signal = float(beta @ beta)
    gram, done = np.zeros((d, d)), 0
    risk = np.empty(Ns.size)
    for j in np.argsort(Ns, kind="stable"):
        N = int(Ns[j])
        if covariance == "gaussian":
            if N > done:  # W_N^T W_N, accumulated over growing widths
                gram += W[done:N].T @ W[done:N]
                done = N
            s2, vecs = np.linalg.eigh(gram)
            k = min(N, d)
            s2, vecs = np.maximum(s2[::-1][:k], 0.0), vecs[:, ::-1][:, :k]
            lam = c.mustar2 + c.mu1**2 * s2
            cross = c.mu1 * np.sqrt(s2) * (vecs.T @ beta)  # E[z y] in the eigenbasis
            eigs = np.concatenate([lam, np.full(N - k, c.mustar2)])
            cross = np.concatenate([cross, np.zeros(N - k)])
            coef = cross / eigs
            resid = max(signal - float(np.sum(cross * coef)), 0.0)
        else:
            eigs, _, coef, resid = _moments_eigenproblem(
                _kernel_block(theta[:N], theta[:N], d), c.mu1 * (W[:N] @ beta), signal)
        bias, variance, sigma2 = _ridge_parts(
            eigs, coef, noise_var + resid + nonlinear, n, np.array([N]), np.array([ridge * N / d])
        )
        risk[j] = sigma2[0] + bias[0] + variance[0]
    return float(risk[0]) if scalar else risk


__all__.append("random_features_draw_risk")


# ----------------------------------------------------------------------------------------------
# §5 Train large then prune, against the small model
# ----------------------------------------------------------------------------------------------


def best_pruning_size(
    eigs, beta, noise_var: float, n: int, s: int, method: str, ps
) -> tuple[int, float]:
    """The dense size, among candidates ``ps``, whose pruned model has the smallest risk (lesson 07).

    Parameters
    ----------
    eigs, beta : array_like of shape (d,)
    noise_var : float
    n : int
    s : int
        Number of weights kept.
    method : {"magnitude", "hessian", "oracle"}
        Pruning rule, as in :func:`pruned_risk`.
    ps : array_like of int
        Candidate dense sizes, each ``s <= p <= d``.

    Returns
    -------
    p_star : int
        The best candidate (on ties, the one that comes first in ``ps``; ``ps[0]`` if every
        risk is infinite).
    risk : float
        :func:`pruned_risk` at ``p_star``.

    Examples
    --------
    >>> from overparam.models import pruning_showcase_problem
    >>> pb = pruning_showcase_problem()
    >>> ps = range(101, 1001)
    >>> p_star, risk = best_pruning_size(pb.eigs, pb.beta, pb.noise_var, 100, 80, "oracle", ps)
    >>> p_star, round(risk, 3)
    (325, 0.307)
    """
    ps = as_int_array(ps, "ps", minimum=1)
    risks = np.atleast_1d(pruned_risk(eigs, beta, noise_var, n, ps, s, method))
    best = int(np.argmin(risks))
    return int(ps[best]), float(risks[best])


__all__.append("best_pruning_size")


def small_model_ridge_risk(eigs, beta, noise_var: float, n: int, support) -> float:
    """Asymptotic risk of ridge trained only on the features in ``support``, penalty tuned optimally.

    The second baseline of lesson 07: the small model on a known support ``S``, regularized as well
    as possible. The features are reordered so that ``S`` comes first (the others fold into the
    effective noise ``sigma_S^2``) and :func:`optimal_ridge` is applied to the model of size
    ``|S|``. Compare :func:`small_model_risk` (no penalty, exact finite n).

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
        Test MSE including noise. Without signal on ``S`` the best penalty is infinite and
        :func:`optimal_ridge` warns; without noise it is 0.

    Examples
    --------
    >>> from overparam.models import pruning_showcase_problem
    >>> pb = pruning_showcase_problem()
    >>> round(small_model_ridge_risk(pb.eigs, pb.beta, pb.noise_var, 100, range(80)), 3)
    0.286
    """
    eigs, beta, noise_var = _check_problem(eigs, beta, noise_var)
    n = as_int(n, "n", minimum=1)
    support = as_int_array(support, "support", minimum=0)
    if np.any(support >= eigs.size):
        raise ValueError(f"support indices must be below d = {eigs.size}, got {support.max()}")
    if np.unique(support).size != support.size:
        raise ValueError("support must not repeat an index")
    rest = np.setdiff1d(np.arange(eigs.size), support)
    order = np.concatenate([support, rest])
    return optimal_ridge(eigs[order], beta[order], noise_var, n, support.size)[1]


__all__.append("small_model_ridge_risk")


def _two_group_zeta(count1, lam1, count2, lam2, n):
    """``zeta`` solving ``count1 lam1/(lam1+z) + count2 lam2/(lam2+z) = n`` per row (all rows p > n).

    The left side is convex and decreasing, so Newton from ``z = 0`` increases monotonically to the
    root (the grouped form of :func:`_zeta`).
    """
    z = np.zeros(np.shape(count1))
    for _ in range(_MAX_NEWTON):
        r1, r2 = lam1 / (lam1 + z), lam2 / (lam2 + z)
        f = count1 * r1 + count2 * r2 - n
        fprime = -(count1 * r1 / (lam1 + z) + count2 * r2 / (lam2 + z))
        step = f / fprime
        z = z - step
        if np.all(np.abs(step) <= _RTOL * np.maximum(z, 1e-300)):
            break
    return z


def prune_vs_small_ratio(
    s_over_n,
    snr,
    n: int = 100,
    tail_var: float = 0.05,
    d: int = 3000,
    methods=("oracle", "hessian"),
    baseline: str = "least_squares",
) -> dict:
    """Best prune-from-large risk over the small model's risk: the regime map of lesson 07 (reference M).

    The problem: ``n`` training samples, noise ``sigma^2 = 1``, ``s = round(s_over_n * n)``
    informative features with variance 1 and equal coefficients, ``||beta_S||^2 = snr``, then a
    zero-signal tail of variance ``tail_var`` up to ``d`` features. For each method the dense
    min-norm model on the first ``p`` features is pruned to ``s`` weights (:func:`pruned_risk`)
    and the best ``p > n`` is taken, over 200 log-spaced integer sizes in ``(n, d]``. That risk is
    divided by the small model's on the ``s`` informative features:

    * ``baseline="least_squares"``: the asymptotic least-squares risk ``sigma^2 n / (n - s)``
      (reference M; below 1, training large and pruning wins);
    * ``baseline="ridge"``: ridge with the optimal penalty (:func:`small_model_ridge_risk`; the
      support is isotropic, so the optimum is :func:`isotropic_optimal_ridge`).

    The ratio is invariant to the scale of ``sigma^2`` at fixed ``snr``, so ``sigma^2 = 1`` loses
    nothing. Everything is vectorized over the cells (one grouped computation: two feature groups
    per model), so a 15 x 15 map takes well under a second.

    Cells where both lose to predicting zero: every cell gets its ratio (never ``nan``). The
    returned dictionary also holds ``"null"``, the risk of predicting zero (``sigma^2 + snr``)
    over the same baseline. In cells where ``result["null"] <= 1`` the baseline loses to predicting
    zero, and where also ``result["null"] <= result[method]`` the pruned model loses to it too:
    both lose. Mark those cells on a map. With ``baseline="ridge"`` this never happens (an
    infinite penalty predicts zero, so the tuned small model is never worse than zero).

    Parameters
    ----------
    s_over_n : float or array_like
        Sparsity target over ``n``; ``s = round(s_over_n * n)`` must lie in ``[1, n - 1]``.
    snr : float or array_like
        ``||beta_S||^2 / sigma^2 > 0``; broadcasts against ``s_over_n`` (pass a column and a row
        for a grid).
    n : int
        Training samples (``>= 2``).
    tail_var : float
        Variance of the zero-signal tail features (``> 0``).
    d : int
        Total number of features (``> n``).
    methods : sequence of {"oracle", "hessian", "magnitude"}
        Pruning rules to evaluate.
    baseline : {"least_squares", "ridge"}
        Small model to divide by.

    Returns
    -------
    dict
        ``{method: ratio, ..., "null": null risk / baseline}``; each value is a float for scalar
        inputs, else an array of the broadcast shape.

    Examples
    --------
    >>> out = prune_vs_small_ratio([0.1, 0.5, 0.9], 1.0)          # reference M, column SNR = 1
    >>> [round(float(x), 2) for x in out["oracle"]]
    [1.01, 0.71, 0.16]
    """
    n = as_int(n, "n", minimum=2)
    tail_var = as_float(tail_var, "tail_var", minimum=0.0, strict=True)
    d = as_int(d, "d", minimum=1)
    if d <= n:
        raise ValueError(f"d must exceed n = {n} (the dense models have p > n features), got {d}")
    if isinstance(methods, str):
        methods = (methods,)
    try:
        methods = tuple(methods)
    except TypeError:
        raise TypeError(
            f"methods must be a sequence of method names, got {type(methods).__name__}"
        ) from None
    if not methods:
        raise ValueError(f"methods must name at least one of {_PRUNING_METHODS}")
    methods = tuple(_check_method(m) for m in methods)
    if not isinstance(baseline, str) or baseline not in ("least_squares", "ridge"):
        raise ValueError(f"baseline must be 'least_squares' or 'ridge', got {baseline!r}")
    ratio_in = as_float_array(s_over_n, "s_over_n")
    snr_in = as_float_array(snr, "snr")
    if np.any(snr_in <= 0):
        raise ValueError("snr must be positive")
    try:
        ratio_b, snr_b = np.broadcast_arrays(ratio_in, snr_in)
    except ValueError:
        raise ValueError(
            f"s_over_n and snr must broadcast together, got shapes {ratio_in.shape} and {snr_in.shape}"
        ) from None
    shape = ratio_b.shape
    s_cell = np.rint(ratio_b.ravel() * n).astype(int)
    if np.any(s_cell < 1) or np.any(s_cell > n - 1):
        raise ValueError(
            f"s = round(s_over_n * n) must lie in [1, n - 1] = [1, {n - 1}]; check s_over_n"
        )
    snr_cell = snr_b.ravel().astype(float)
    noise_var = 1.0
    b_cell = np.sqrt(snr_cell * noise_var / s_cell)

    ps = np.unique(np.rint(np.geomspace(n + 1, d, 200)).astype(int))
    cells, sizes = s_cell.size, ps.size
    s_r = np.repeat(s_cell, sizes).astype(float)
    b_r = np.repeat(b_cell, sizes)
    tail_r = np.tile(ps, cells) - s_r
    zeta = _two_group_zeta(s_r, 1.0, tail_r, tail_var, n)
    a1, a2 = 1.0 / (1.0 + zeta), tail_var / (tail_var + zeta)
    d2 = s_r * a1**2 + tail_r * a2**2
    tau2 = (noise_var + zeta**2 * s_r * b_r**2 / (1.0 + zeta) ** 2) / (1.0 - d2 / n)
    sigma_p2 = np.full(tau2.shape, noise_var)

    if baseline == "least_squares":
        base = noise_var * n / (n - s_cell)
    else:
        base = np.empty(cells)
        for k in range(cells):
            beta_s = np.full(s_cell[k], b_cell[k])
            penalty = isotropic_optimal_ridge(beta_s, noise_var, n, s_cell[k])
            base[k] = ridge_risk(np.ones(s_cell[k]), beta_s, noise_var, n, s_cell[k], penalty)

    out = {}
    for method in methods:
        if method == "oracle":  # keeps exactly the s informative features
            risk = noise_var + s_r * ((1.0 - a1) ** 2 * b_r**2 + a1**2 * tau2 / n)
        else:
            row = np.repeat(np.arange(s_r.size), 2)
            lam = np.tile([1.0, tail_var], s_r.size)
            beta = np.column_stack([b_r, np.zeros(s_r.size)]).ravel()
            count = np.column_stack([s_r, tail_r]).ravel()
            power = 0.0 if method == "magnitude" else 0.5
            risk = _threshold_rule_risk(row, lam, beta, count, zeta, tau2, sigma_p2, n, s_r, power)
        best = risk.reshape(cells, sizes).min(axis=1)
        out[method] = best / base
    out["null"] = (noise_var + snr_cell * noise_var) / base
    return {k: (float(v[0]) if shape == () else v.reshape(shape)) for k, v in out.items()}


__all__.append("prune_vs_small_ratio")


# ----------------------------------------------------------------------------------------------
# §4–§5 Correlated features: the cost of pruning without retraining, split into its parts
# ----------------------------------------------------------------------------------------------

from typing import NamedTuple as _NamedTuple  # noqa: E402

from .models import CorrelatedProblem as _CorrelatedProblem  # noqa: E402


class CostDecomposition(_NamedTuple):
    """Risk of a pruned min-norm model without retraining, split into parts, and with retraining.

    Built by :func:`pruning_cost_decomposition`. All values are risks or parts of a risk (test MSE
    including noise), except ``zeta`` and ``tau2``. The fields that depend on the label noise
    (``tau2``, ``floor``, ``noise``, ``refit_variance``) have the shape of the ``noise_var`` given
    (floats for a single noise level); the others are floats.

    Attributes
    ----------
    zeta : float
        Implicit regularization of the large model (0 when ``p < n``).
    tau2 : float or ndarray
        Its effective noise level (= its dense risk).
    floor : float or ndarray
        Risk of the best weights on the support, ``R(b_S)``.
    shrinkage : float
        ``(m_S - c_S)^T Sigma_SS (m_S - c_S)``: the cost of the large model's shrinkage alone.
    mismatch : float
        ``(c_S - b_S)^T Sigma_SS (c_S - b_S)``: the cost of aiming at ``c_S`` instead of ``b_S`` alone.
    interaction : float
        ``2 (m_S - c_S)^T Sigma_SS (c_S - b_S)``: positive when the two errors point the same way.
    noise : float or ndarray
        ``E (w_S - m_S)^T Sigma_SS (w_S - m_S)``: the large model's noise on the kept weights.
    refit_variance : float or ndarray
        ``floor * s / (n - s - 1)``: what retraining on the support pays on top of the floor.
    """

    zeta: float
    tau2: float
    floor: float
    shrinkage: float
    mismatch: float
    interaction: float
    noise: float
    refit_variance: float

    @property
    def cost(self):
        """Expected cost of not retraining, ``E (w_S - b_S)^T Sigma_SS (w_S - b_S)``: the sum of four parts."""
        return self.shrinkage + self.mismatch + self.interaction + self.noise

    @property
    def without_retraining(self):
        """Predicted risk of the pruned model as it is: ``floor + cost``."""
        return self.floor + self.cost

    @property
    def with_retraining(self):
        """Expected risk after retraining on the support (the small model): ``floor + refit_variance``."""
        return self.floor + self.refit_variance


def _check_cost_support(support, p: int, n: int) -> np.ndarray:
    if np.asarray(support).dtype == bool:
        raise TypeError("support must be an array of feature indices, not a boolean mask")
    support = as_int_array(support, "support", minimum=0)
    if np.unique(support).size != support.size:
        raise ValueError("support must not repeat an index")
    if support.max() >= p:
        raise ValueError(f"support indices must lie among the first p = {p} features, got {support.max()}")
    if support.size > n - 2:
        raise ValueError(f"the retrained model needs s <= n - 2 = {n - 2} kept weights, got s = {support.size}")
    return support


def _check_spectrum(spectrum, cov_pp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(spectrum, tuple) or len(spectrum) != 2:
        raise TypeError("spectrum must be a tuple (eigenvalues, eigenvectors) as returned by numpy.linalg.eigh")
    p = cov_pp.shape[0]
    lam = as_float_array(spectrum[0], "spectrum[0] (eigenvalues)", ndim=1)
    Q = as_float_array(spectrum[1], "spectrum[1] (eigenvectors)", ndim=2)
    if lam.shape != (p,) or Q.shape != (p, p):
        raise ValueError(f"spectrum must hold {p} eigenvalues and a ({p}, {p}) matrix of eigenvectors, "
                         f"got shapes {lam.shape} and {Q.shape}")
    if np.any(lam <= 0):
        raise ValueError("spectrum[0] must hold positive eigenvalues")
    probe = np.cos(1.3 * np.arange(p) + 0.1)  # a fixed generic vector: cov_pp @ probe must equal Q diag(lam) Q^T probe
    if np.linalg.norm(cov_pp @ probe - Q @ (lam * (Q.T @ probe))) > 1e-8 * np.abs(cov_pp).max() * np.linalg.norm(probe) * p:
        raise ValueError("spectrum does not match cov[:p, :p] (expected its eigenvalues and orthonormal eigenvectors)")
    return lam, Q


def pruning_cost_decomposition(cov, beta, noise_var, n: int, p: int, support, *, spectrum=None) -> CostDecomposition:
    """Predicted risk of pruning min-norm least squares to a fixed support, without and with retraining.

    The large model is min-norm least squares on the first ``p`` of ``d`` correlated Gaussian
    features (``x ~ N(0, cov)``, ``y = <x, beta> + noise``), trained on ``n`` samples, then pruned to
    the fixed ``support`` ``S`` (an oracle's choice, not chosen from the data). For any weights
    ``w`` on ``S`` the risk is exactly ``R(w) = floor + (w_S - b_S)^T Sigma_SS (w_S - b_S)``, where
    ``b_S`` and ``floor = R(b_S)`` are the best weights on ``S`` and their risk
    (:meth:`overparam.models.CorrelatedProblem.best_support_weights`).

    *Without retraining* the weights come from the large model. Min-norm least squares does not
    depend on the basis, so the auxiliary model of the diagonal theory (:func:`auxiliary_model`)
    applies in the eigenbasis of ``Sigma_pp = cov[:p, :p]``: with its eigenvalues ``mu_k``,
    ``zeta`` solves ``sum_k mu_k / (mu_k + zeta) = n`` (:func:`implicit_regularization`) and
    ``tau^2`` is the dense risk (:func:`effective_noise_level`, the features beyond ``p`` acting as
    noise). Rotated back, the trained weights have mean ``m = (Sigma_pp + zeta I)^{-1} Sigma_pp c``
    and covariance ``(tau^2 / n) (Sigma_pp + zeta I)^{-1} Sigma_pp (Sigma_pp + zeta I)^{-1}``, with
    ``c`` the best weights on the first ``p`` features (``c = beta`` when ``p = d``). Writing
    ``w_S - b_S = (m_S - c_S) + (c_S - b_S) + (w_S - m_S)``, the expected cost splits into
    **shrinkage** (the implicit ridge ``zeta``), **target mismatch** (the large model aims at
    ``c_S``, the best model on ``S`` at ``b_S``; zero for independent features), their
    **interaction** (twice the cross term) and the large model's **noise**. It is an
    ``n, p -> infinity`` prediction; for a diagonal ``cov`` it equals :func:`oracle_pruned_risk`.

    *With retraining* (least squares on the columns of ``S``) the model is the small model on
    ``S``: its expected risk is ``floor * (1 + s / (n - s - 1))``, exact for Gaussian features,
    because the residual ``y - <x_S, b_S>`` is independent of ``x_S`` with variance ``floor``.

    Sources: Hastie, Montanari, Rosset, Tibshirani (2022) for min-norm least squares with a general
    covariance; Chang, Li, Oymak, Thrampoulidis (AAAI 2021) for the link between retraining and
    feature correlations. Lesson 08.

    Parameters
    ----------
    cov : array_like of shape (d, d)
        Feature covariance, symmetric positive definite.
    beta : array_like of shape (d,)
        True coefficients.
    noise_var : float or array_like of float
        Label noise variance(s) ``sigma^2 >= 0``. Several values share the expensive work; the
        noise-dependent fields of the result then have the shape of ``noise_var``.
    n : int
        Training samples.
    p : int
        Size of the large model: it uses features ``0..p-1``; ``p <= d`` and ``p != n``.
    support : array_like of int
        The ``s`` kept features: distinct indices below ``p``, ``s <= n - 2``.
    spectrum : tuple (eigenvalues, eigenvectors), optional
        The eigendecomposition of ``cov[:p, :p]`` as returned by :func:`numpy.linalg.eigh`, if it is
        already known (for instance in closed form); checked against ``cov`` on a probe vector.
        Default: computed with :func:`numpy.linalg.eigh`.

    Returns
    -------
    CostDecomposition
        Use ``.without_retraining`` and ``.with_retraining`` for the two risks, ``.cost`` for the
        expected cost of not retraining.

    Raises
    ------
    ValueError
        If ``p = n`` (the risk is infinite at the interpolation threshold), ``p > d``, or the
        support is out of range, repeats an index or is too large to retrain.
    TypeError
        If ``support`` is a boolean mask or an argument is not numeric.

    Examples
    --------
    Independent features (``zeta = p/n - 1 = 2``, no target mismatch), as in lesson 08 at ``rho = 0``:

    >>> import numpy as np
    >>> beta = 1.0 / np.arange(1, 301); beta /= np.linalg.norm(beta)
    >>> dec = pruning_cost_decomposition(np.eye(300), beta, 0.1, n=100, p=300, support=range(20))
    >>> round(dec.zeta, 6), round(dec.mismatch, 6)
    (2.0, 0.0)
    >>> round(dec.without_retraining, 3), round(dec.with_retraining, 3)
    (0.578, 0.16)

    Equicorrelated features: the kept weights must also stand in for the omitted ones.

    >>> cov = np.full((300, 300), 0.3) + 0.7 * np.eye(300)
    >>> dec = pruning_cost_decomposition(cov, beta, [0.1, 1.0], n=100, p=300, support=range(20))
    >>> round(dec.mismatch, 3), [round(float(r), 3) for r in dec.with_retraining]
    (1.18, [0.322, 1.45])
    """
    noise = as_float_array(noise_var, "noise_var", ndim=(0, 1))
    if np.any(noise < 0):
        raise ValueError(f"noise_var must be at least 0, got {noise.min()}")
    problem = _CorrelatedProblem(cov, beta, 0.0)  # validates cov and beta; noise enters below
    n = as_int(n, "n", minimum=1)
    p = as_int(p, "p", minimum=1)
    if p > problem.d:
        raise ValueError(f"p must be at most d = {problem.d}, got {p}")
    if p == n:
        raise ValueError(f"p must differ from n = {n}: at the interpolation threshold the risk is infinite")
    support = _check_cost_support(support, p, n)
    s = support.size

    c, omitted_p = problem.best_support_weights(np.arange(p))  # with zero noise, the floors are omitted signal
    b_S, omitted_S = problem.best_support_weights(support)
    cov_pp = problem.cov[:p, :p]
    lam, Q = np.linalg.eigh(cov_pp) if spectrum is None else _check_spectrum(spectrum, cov_pp)
    theta = Q.T @ c                                         # c in the eigenbasis
    zeta = implicit_regularization(lam, n)
    a = lam / (lam + zeta)
    m = Q @ (a * theta)                                     # (Sigma_pp + zeta I)^{-1} Sigma_pp c
    A = problem.cov[np.ix_(support, support)]
    shrink, miss = m[support] - c[support], c[support] - b_S
    QS = Q[support]
    noise_per_tau2 = float(np.sum(A * ((QS * (a**2 / lam)) @ QS.T)))  # tr(A Cov_SS) / (tau^2 / n)
    tau2 = np.array([effective_noise_level(lam, theta, sigma2 + omitted_p, n, p) for sigma2 in noise.ravel()])
    tau2 = tau2.reshape(noise.shape)
    floor = noise + omitted_S

    def out(x):
        return float(x) if np.ndim(x) == 0 else x

    return CostDecomposition(
        zeta=float(zeta), tau2=out(tau2), floor=out(floor), shrinkage=float(shrink @ A @ shrink),
        mismatch=float(miss @ A @ miss), interaction=float(2.0 * shrink @ A @ miss),
        noise=out(tau2 / n * noise_per_tau2), refit_variance=out(floor * s / (n - s - 1.0)),
    )


__all__.append("CostDecomposition")
__all__.append("pruning_cost_decomposition")


# ----------------------------------------------------------------------------------------------
# Lesson 09: pruning one random-features draw without retraining (auxiliary model, Monte Carlo)
# ----------------------------------------------------------------------------------------------

_RF_PRUNING_METHODS = ("magnitude", "hessian")


def random_features_pruned_risk(
    theta,
    beta,
    noise_var: float,
    n: int,
    Ns,
    s: int,
    method: str = "magnitude",
    ridge: float = 0.0,
    draws: int = 2000,
    rng=0,
) -> np.ndarray | float:
    """Per-draw theory: expected risk of pruning a random-features model to ``s`` neurons, without retraining.

    For one drawn first layer ``Theta`` and each width ``N``, the second layer trained on ``n``
    samples (min-norm, or ridge with penalty ``(N/d) ridge``) is modelled by Gaussian equivalence
    plus the auxiliary model (lesson 06): with ``K`` the exact second-moment matrix of the first
    ``N`` ReLU features (the arc-cosine kernel, not centred: it keeps the features' mean, as
    :func:`random_features_draw_risk` with ``covariance="arccos"``), its eigenvalues ``lambda_k``
    and eigenvectors ``V``, the best linear weights ``b* = K^{-1} E[z y]``, the effective
    regularization ``kappa`` (``zeta`` for min-norm) and the dense risk ``tau^2``, the trained
    weights behave like the Gaussian vector

        a ~ N(m, C),  m = (K + kappa I)^{-1} K b*,  C = (tau^2/n) (K + kappa I)^{-1} K (K + kappa I)^{-1}

    (the rotation :func:`pruning_cost_decomposition` uses). ``draws`` samples of it are pruned to
    their ``s`` largest scores — ``|a_j|`` (``"magnitude"``) or ``sqrt(K_jj) |a_j|``
    (``"hessian"``; ``K_jj`` is the population value of the training-set column mean square that
    :func:`overparam.prune.column_variances` estimates) — and the exact risk of each pruned vector
    is averaged. No training data are drawn. The kept neurons are correlated with the pruned ones,
    so the kept weights aim at the wrong target (they were fitted together with the others): that
    is why pruning random features without retraining is poor.

    It is an ``n, N -> infinity`` prediction. For ``d = 20``, ``n = 200``, ``s = 40`` (four draws,
    100 training sets each, magnitude and Hessian pruning) its excess risk was on average 6-7%
    below simulations of the same draw at ``N = 100`` and ``400`` (up to 12% for one draw) and 1%
    below at ``N = 1000``; the dense per-draw risk sits 5-10% below simulation there as well.

    Parameters
    ----------
    theta : array_like of shape (N_max, d)
        One drawn first layer (features ``ReLU(<theta_a, x>/sqrt(d))``).
    beta : array_like of shape (d,)
        Linear teacher.
    noise_var : float
        Label noise variance.
    n : int
        Training samples.
    Ns : int or array_like of int
        Widths, ``s <= N <= N_max``; the width-``N`` model uses the first ``N`` rows of ``theta``.
    s : int
        Neurons kept, ``s >= 1``.
    method : {"magnitude", "hessian"}
        Pruning rule.
    ridge : float
        ``lambda >= 0`` in the ``(N/d) lambda`` convention of
        :func:`overparam.random_features.fit_second_layer` (0 = min-norm).
    draws : int
        Monte Carlo draws of the auxiliary weights per width; the Monte Carlo standard error is
        the spread of the pruned risk divided by ``sqrt(draws)`` (well under 1% at 2000).
    rng : numpy.random.Generator or int
        Seeds the Monte Carlo draws.

    Returns
    -------
    float or ndarray
        Expected risk including noise per width; ``inf`` at ``N = n`` when ``ridge = 0``. Each
        width costs an ``N x N`` eigendecomposition (about 0.3 s at ``N = 1000``).

    Examples
    --------
    >>> from overparam.random_features import random_features_problem
    >>> problem = random_features_problem(d=20, noise_var=0.04, inputs="gaussian", rng=0)
    >>> theta = problem.draw_first_layer(400, rng=1)
    >>> r = random_features_pruned_risk(theta, problem.beta, 0.04, n=200, Ns=[40, 400], s=40)
    >>> dense = random_features_draw_risk(theta, problem.beta, 0.04, 200, 400, covariance="arccos")
    >>> bool(r[1] > 3 * dense)    # pruning the wide model without retraining is poor
    True
    """
    from .random_features import RandomFeaturesProblem

    theta, beta = _check_first_layer(theta, beta)
    n_max, d = theta.shape
    noise_var = as_float(noise_var, "noise_var", minimum=0.0)
    n = as_int(n, "n", minimum=1)
    s = as_int(s, "s", minimum=1)
    scalar = np.ndim(Ns) == 0
    Ns = as_int_array(Ns, "Ns", minimum=1)
    if np.any(Ns < s):
        raise ValueError(f"every width N must be at least s = {s}, got {Ns.min()}")
    if np.any(Ns > n_max):
        raise ValueError(
            f"every N must be at most the number of rows of theta ({n_max}), got {Ns.max()}"
        )
    if not isinstance(method, str) or method not in _RF_PRUNING_METHODS:
        raise ValueError(f"method must be one of {_RF_PRUNING_METHODS}, got {method!r}")
    ridge = as_float(ridge, "ridge", minimum=0.0)
    draws = as_int(draws, "draws", minimum=2)
    rng = _as_generator(rng)

    from .prune import top_s_mask

    signal = float(beta @ beta)
    # exact E[z z^T] and E[z y] of the widest model; the width-N model uses their leading blocks
    K_all, r_all = RandomFeaturesProblem(d=d, beta=beta, noise_var=noise_var).second_moments(theta[: Ns.max()])
    out = np.empty(Ns.size)
    for j, N in enumerate(Ns.tolist()):
        K, q = K_all[:N, :N], r_all[:N]
        lam, V, coef, resid = _moments_eigenproblem(K, q, signal)
        bias, variance, sigma2, kappa = _ridge_parts(
            lam, coef, noise_var + resid, n, np.array([N]), np.array([ridge * N / d]), with_kappa=True
        )
        tau2 = float(sigma2[0] + bias[0] + variance[0])
        if not np.isfinite(tau2):
            out[j] = np.inf
            continue
        shrink = lam / (lam + kappa[0])
        mean = V @ (shrink * coef)
        std = shrink * np.sqrt(tau2 / (n * lam))
        scale = np.sqrt(np.diag(K)) if method == "hessian" else np.ones(N)
        total = 0.0
        for start in range(0, draws, 500):  # bounded memory: 500 draws at a time
            m = min(500, draws - start)
            A = mean + (rng.standard_normal((m, N)) * std) @ V.T
            A = np.where(top_s_mask(scale * np.abs(A), s), A, 0.0)
            total += float(np.sum(noise_var + signal - 2.0 * (A @ q) + np.sum((A @ K) * A, axis=1)))
        out[j] = total / draws
    return float(out[0]) if scalar else out


__all__.append("random_features_pruned_risk")
