"""Random-features regression: a frozen random ReLU layer and a trained linear second layer.

The model of lesson 04 (Mei & Montanari 2019, *The generalization error of random features
regression*, arXiv 1908.05355). Inputs ``x`` in ``R^d`` are uniform on the sphere of radius
``sqrt(d)`` (or standard Gaussian); the first layer ``Theta`` (``N x d``) is drawn once and frozen,
its rows on the same sphere; the features are

    z_a(x) = ReLU(<theta_a, x> / sqrt(d)),   a = 1..N,

so each pre-activation has variance ``||theta_a||^2 / d = 1``. The target is linear,
``y = <beta, x> + sqrt(noise_var) * eps``, and only the second layer ``a`` is trained, by ridge or
min-norm least squares (:func:`fit_second_layer`). Growing the model means adding rows: the
width-``N`` model uses the first ``N`` rows of one wide ``Theta`` (nested widths).

Because ReLU is positively homogeneous, the population second moments are known in closed form
for both input distributions: ``E[z_a z_b] = c_a c_b k(rho_ab)`` with the arc-cosine kernel
:func:`relu_kernel`, ``c_a = ||theta_a|| / sqrt(d)`` and ``rho_ab`` the cosine between ``theta_a``
and ``theta_b``, and ``E[z_a x] = theta_a / (2 sqrt(d))``. So the risk of a trained second layer
is exact, without a test set (:meth:`RandomFeaturesProblem.risk`):

    R(a) = noise_var + ||beta||^2 - a^T W beta + a^T K a,    W = Theta / sqrt(d).

Asymptotic theory for the same model is in :mod:`overparam.theory`
(:func:`~overparam.theory.random_features_risk` and friends); the sweep over widths is
:func:`overparam.experiments.random_features_sweep`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np

from ._validate import as_float, as_float_array, as_generator, as_int
from .fit import min_norm_least_squares
from .fit import ridge as _ridge_fit
from .models import test_error as _test_error

__all__ = [
    "relu",
    "relu_kernel",
    "ReluConstants",
    "relu_constants",
    "activation_constants_mc",
    "RandomFeaturesProblem",
    "random_features_problem",
    "fit_second_layer",
    "SupportCosts",
    "support_costs",
]

#: Rows of the kernel matrix built at once by the exact risk (bounds memory at large widths).
_KERNEL_BLOCK = 512


def relu(u) -> np.ndarray | float:
    """Rectified linear unit ``max(u, 0)``, elementwise.

    Parameters
    ----------
    u : float or array_like
        Pre-activations (finite).

    Returns
    -------
    float or ndarray (same shape as ``u``)

    Examples
    --------
    >>> relu([-1.0, 0.0, 2.5])
    array([0. , 0. , 2.5])
    """
    u = as_float_array(u, "u")
    out = np.maximum(u, 0.0)
    return float(out) if out.ndim == 0 else out


def _kernel_from_gram(gram: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``c_a c_b k(rho_ab)`` from the Gram matrix ``<w_a, w_b>`` and ``scale = c_a c_b`` (in place)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.divide(gram, scale, out=np.zeros_like(gram), where=scale > 0)
    np.clip(rho, -1.0, 1.0, out=rho)
    # c_a c_b k(rho) = [sqrt(c_a^2 c_b^2 - g^2) + g (pi - arccos rho)] / (2 pi), with g = c_a c_b rho
    out = np.arccos(rho)
    np.subtract(np.pi, out, out=out)
    out *= gram
    np.multiply(rho, rho, out=rho)
    np.subtract(1.0, rho, out=rho)
    np.maximum(rho, 0.0, out=rho)
    np.sqrt(rho, out=rho)
    rho *= scale
    out += rho
    out /= 2.0 * np.pi
    return out


def relu_kernel(rho) -> np.ndarray | float:
    """Arc-cosine kernel of ReLU: ``k(rho) = [sqrt(1 - rho^2) + rho (pi - arccos rho)] / (2 pi)``.

    For jointly Gaussian ``(u, v)`` with unit variances and correlation ``rho``,
    ``E[ReLU(u) ReLU(v)] = k(rho)`` (Cho & Saul 2009). Hence ``k(1) = 1/2``, ``k(0) = 1/(2 pi)``
    (the squared mean of ``ReLU(u)``) and ``k(-1) = 0``.

    Parameters
    ----------
    rho : float or array_like
        Correlations in ``[-1, 1]`` (values outside by at most ``1e-12``, from rounding, are
        clipped).

    Returns
    -------
    float or ndarray (same shape as ``rho``)

    Examples
    --------
    >>> [round(float(relu_kernel(r)), 6) for r in (1.0, 0.0, -1.0)]
    [0.5, 0.159155, 0.0]
    """
    rho = as_float_array(rho, "rho")
    if np.any(np.abs(rho) > 1.0 + 1e-12):
        raise ValueError(
            "rho must lie in [-1, 1] (a correlation), "
            f"got values up to {np.abs(rho).max():.6g} in size"
        )
    rho = np.clip(rho, -1.0, 1.0)
    out = (np.sqrt(1.0 - rho**2) + rho * (np.pi - np.arccos(rho))) / (2.0 * np.pi)
    return float(out) if out.ndim == 0 else out


class ReluConstants(NamedTuple):
    """Hermite constants of an activation ``sigma`` with ``G ~ N(0, 1)``.

    Attributes
    ----------
    mu0 : float
        ``E sigma(G)``.
    mu1 : float
        ``E[G sigma(G)]`` (the linear part).
    mustar2 : float
        ``E sigma(G)^2 - mu0^2 - mu1^2`` (the power of the nonlinear part).
    zeta : float
        ``mu1 / sqrt(mustar2)``, the signal-to-nonlinearity ratio of the features.
    """

    mu0: float
    mu1: float
    mustar2: float
    zeta: float


def relu_constants() -> ReluConstants:
    """Hermite constants of ReLU in closed form.

    ``mu0 = 1/sqrt(2 pi)``, ``mu1 = 1/2``, ``mustar2 = 1/4 - 1/(2 pi)`` (``E ReLU(G)^2 = 1/2``
    minus ``mu0^2`` minus ``mu1^2``) and ``zeta = mu1 / sqrt(mustar2)``. Forgetting to subtract
    ``mu1^2`` gives ``zeta ~ 0.86`` instead of ``1.659`` and a badly wrong theory curve.

    Returns
    -------
    ReluConstants

    Examples
    --------
    >>> c = relu_constants()
    >>> round(c.mu0, 4), c.mu1, round(c.mustar2, 5), round(c.zeta, 4)
    (0.3989, 0.5, 0.09085, 1.6589)
    """
    mu0 = 1.0 / np.sqrt(2.0 * np.pi)
    mu1 = 0.5
    mustar2 = 0.25 - 1.0 / (2.0 * np.pi)
    return ReluConstants(float(mu0), mu1, float(mustar2), float(mu1 / np.sqrt(mustar2)))


def activation_constants_mc(activation: Callable, n_samples: int, rng) -> ReluConstants:
    """Monte Carlo estimate of the Hermite constants of an activation (as :func:`relu_constants`).

    Draws ``n_samples`` standard normals ``G`` and averages ``sigma(G)``, ``G sigma(G)`` and
    ``sigma(G)^2``. The standard error of each constant is about ``1/sqrt(n_samples)`` times the
    spread of the averaged quantity.

    Parameters
    ----------
    activation : callable
        Elementwise function mapping an array of shape ``(n_samples,)`` to one of the same shape.
    n_samples : int
        Number of Monte Carlo draws, at least 2.
    rng : numpy.random.Generator or int

    Returns
    -------
    ReluConstants
        ``zeta`` is ``inf`` when the estimated ``mustar2`` is not positive (a linear activation).

    Examples
    --------
    >>> c = activation_constants_mc(relu, 200_000, 0)
    >>> abs(c.zeta - relu_constants().zeta) < 0.02
    True
    """
    if not callable(activation):
        raise TypeError(
            "activation must be a callable (for example overparam.random_features.relu), "
            f"got {type(activation).__name__}"
        )
    n_samples = as_int(n_samples, "n_samples", minimum=2)
    rng = as_generator(rng)
    g = rng.standard_normal(n_samples)
    values = np.asarray(activation(g), dtype=float)
    if values.shape != g.shape:
        raise ValueError(
            f"activation must return an array of the shape of its input {g.shape}, got {values.shape}"
        )
    if not np.all(np.isfinite(values)):
        raise ValueError("activation returned non-finite values on standard normal inputs")
    mu0 = float(values.mean())
    mu1 = float(np.mean(g * values))
    mustar2 = float(np.mean(values**2) - mu0**2 - mu1**2)
    zeta = mu1 / np.sqrt(mustar2) if mustar2 > 0 else float("inf")
    return ReluConstants(mu0, mu1, mustar2, float(zeta))


def _check_theta(theta, d: int, name: str = "theta") -> np.ndarray:
    theta = as_float_array(theta, name, ndim=2)
    if theta.shape[1] != d:
        raise ValueError(
            f"{name} must have d = {d} columns (one row per feature), got shape {theta.shape}"
        )
    if theta.shape[0] == 0:
        raise ValueError(f"{name} must have at least one row")
    return theta


def _kernel_block(rows: np.ndarray, cols: np.ndarray, d: int) -> np.ndarray:
    """Exact second moments ``E[z_a z_b]`` for the first-layer rows ``rows`` x ``cols``."""
    gram = rows @ cols.T / d
    scale = np.outer(np.linalg.norm(rows, axis=1), np.linalg.norm(cols, axis=1)) / d
    return _kernel_from_gram(gram, scale)


def _quadratic_forms(theta: np.ndarray, weights: list) -> list:
    """``a^T K_N a`` for each weight array in ``weights`` (shape ``(..., N)``, ``N <= len(theta)``).

    ``K`` is built block of rows by block of rows, so memory stays at ``_KERNEL_BLOCK x N``.
    """
    d = theta.shape[1]
    widths = [w.shape[-1] for w in weights]
    m = max(widths)
    out = [np.zeros(w.shape[:-1]) for w in weights]
    for r0 in range(0, m, _KERNEL_BLOCK):
        r1 = min(r0 + _KERNEL_BLOCK, m)
        block = _kernel_block(theta[r0:r1], theta[:m], d)
        for j, (w, N) in enumerate(zip(weights, widths)):
            if N <= r0:
                continue
            top = min(r1, N)
            kw = w[..., :N] @ block[: top - r0, :N].T  # (..., top - r0)
            out[j] = out[j] + np.sum(kw * w[..., r0:top], axis=-1)
    return out


_INPUTS = ("sphere", "gaussian")


@dataclass(frozen=True)
class RandomFeaturesProblem:
    """Random-features regression with a linear teacher (lesson 04).

    Parameters
    ----------
    d : int
        Input dimension.
    beta : ndarray of shape (d,)
        Teacher: ``y = <beta, x> + noise``; ``||beta||^2`` is the signal power (``F1^2``).
    noise_var : float
        Label noise variance ``sigma^2``.
    inputs : {"sphere", "gaussian"}
        Distribution of the inputs *and* of the first-layer rows: uniform on the sphere of radius
        ``sqrt(d)`` (the theory's setting) or standard Gaussian. Both have ``E x x^T = I``.

    Examples
    --------
    >>> import numpy as np
    >>> problem = random_features_problem(d=20, noise_var=0.25)
    >>> rng = np.random.default_rng(0)
    >>> theta = problem.draw_first_layer(50, rng)
    >>> X, y = problem.sample(30, rng)
    >>> Z = problem.features(X, theta)
    >>> a = fit_second_layer(Z, y, problem.d)
    >>> Z.shape, a.shape, float(problem.risk(np.zeros(50), theta))  # predicting 0: signal + noise
    ((30, 50), (50,), 1.25)
    """

    d: int
    beta: np.ndarray
    noise_var: float
    inputs: str = "sphere"

    def __post_init__(self):
        d = as_int(self.d, "d", minimum=1)
        beta = as_float_array(self.beta, "beta", ndim=1)
        if beta.shape != (d,):
            raise ValueError(f"beta must have shape (d,) = ({d},), got {beta.shape}")
        noise_var = as_float(self.noise_var, "noise_var", minimum=0.0)
        if not isinstance(self.inputs, str) or self.inputs not in _INPUTS:
            raise ValueError(f"inputs must be one of {_INPUTS}, got {self.inputs!r}")
        object.__setattr__(self, "d", d)
        object.__setattr__(self, "beta", beta)
        object.__setattr__(self, "noise_var", noise_var)

    @property
    def signal(self) -> float:
        """Signal power ``||beta||^2`` (the variance of ``<beta, x>``)."""
        return float(self.beta @ self.beta)

    @property
    def null_risk(self) -> float:
        """Risk of the zero predictor: ``signal + noise_var``."""
        return self.signal + self.noise_var

    def second_moments(self, theta) -> tuple[np.ndarray, np.ndarray]:
        """Exact second moments of the random features of one first layer: ``K = E[z z^T]``, ``r = E[z y]``.

        ``K_ab = c_a c_b k(rho_ab)`` with the arc-cosine kernel :func:`relu_kernel`,
        ``c_a = ||theta_a|| / sqrt(d)`` and ``rho_ab`` the cosine between ``theta_a`` and
        ``theta_b``; ``r = W beta / 2`` with ``W = Theta / sqrt(d)``, because
        ``E[ReLU(<w, x>) x] = w / 2`` when ``E x x^T = I`` and ``<w, x>`` is symmetric. Both are exact
        for spherical and for Gaussian inputs (ReLU is positively homogeneous). They are the
        moments behind :meth:`risk`:

            R(a) = noise_var + ||beta||^2 - 2 a^T r + a^T K a.

        Lessons 08 and 09 call the cross moment ``r`` and keep ``c = K^{-1} r`` for the best
        weights on all ``N`` features (the wide model's target).

        Parameters
        ----------
        theta : array_like of shape (N, d)
            First layer (one row per hidden unit).

        Returns
        -------
        K : ndarray of shape (N, N)
            Symmetric positive semi-definite; ``K_aa = ||theta_a||^2 / (2 d)``.
        r : ndarray of shape (N,)

        Examples
        --------
        >>> problem = random_features_problem(d=20, noise_var=0.04, inputs="gaussian", rng=0)
        >>> theta = problem.draw_first_layer(5, rng=1)
        >>> K, r = problem.second_moments(theta)
        >>> a = np.arange(5.0)
        >>> bool(np.isclose(problem.risk(a, theta), problem.noise_var + problem.signal - 2 * a @ r + a @ K @ a))
        True
        """
        theta = _check_theta(theta, self.d)
        K = _kernel_block(theta, theta, self.d)
        K = (K + K.T) / 2.0  # exactly symmetric (the blockwise formula is, up to rounding)
        r = theta @ self.beta / (2.0 * np.sqrt(self.d))
        return K, r

    def _draw_rows(self, shape: tuple, rng: np.random.Generator) -> np.ndarray:
        g = rng.standard_normal(shape + (self.d,))
        if self.inputs == "sphere":
            g *= np.sqrt(self.d) / np.linalg.norm(g, axis=-1, keepdims=True)
        return g

    def draw_first_layer(self, N: int, rng) -> np.ndarray:
        """Draw a frozen first layer ``Theta`` of ``N`` rows.

        Parameters
        ----------
        N : int
            Number of random features (hidden units).
        rng : numpy.random.Generator or int

        Returns
        -------
        ndarray of shape (N, d)
            Rows uniform on the sphere of radius ``sqrt(d)`` (``inputs="sphere"``) or iid
            ``N(0, I_d)`` (``inputs="gaussian"``). The first ``N'`` rows are the width-``N'``
            model of the same draw.
        """
        N = as_int(N, "N", minimum=1)
        return self._draw_rows((N,), as_generator(rng))

    def sample(self, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` labelled inputs.

        Parameters
        ----------
        n : int
        rng : numpy.random.Generator or int

        Returns
        -------
        X : ndarray of shape (n, d)
        y : ndarray of shape (n,)
            ``X @ beta + sqrt(noise_var) * eps``.
        """
        n = as_int(n, "n", minimum=1)
        rng = as_generator(rng)
        X = self._draw_rows((n,), rng)
        y = X @ self.beta + np.sqrt(self.noise_var) * rng.standard_normal(n)
        return X, y

    def features(self, X, theta) -> np.ndarray:
        """Random features ``Z = ReLU(X Theta^T / sqrt(d))``.

        Parameters
        ----------
        X : array_like of shape (n, d)
        theta : array_like of shape (N, d)

        Returns
        -------
        ndarray of shape (n, N)
        """
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != self.d:
            raise ValueError(f"X must have d = {self.d} columns, got shape {X.shape}")
        theta = _check_theta(theta, self.d)
        Z = X @ theta.T
        Z *= 1.0 / np.sqrt(self.d)
        return np.maximum(Z, 0.0, out=Z)

    def _check_weights(self, a, theta) -> tuple[np.ndarray, np.ndarray]:
        a = as_float_array(a, "a", ndim=(1, 2))
        theta = _check_theta(theta, self.d)
        if a.shape[-1] > theta.shape[0]:
            raise ValueError(
                f"a has {a.shape[-1]} weights but theta has only {theta.shape[0]} rows (features)"
            )
        return a, theta

    def _nested_excess_risks(self, weights: list, theta: np.ndarray) -> list:
        """Exact excess risks of weight arrays on nested widths of one first layer (internal).

        ``weights[j]`` has shape ``(..., N_j)`` and uses the first ``N_j`` rows of ``theta``; the
        kernel is built once, block by block, for the widest (as :func:`_quadratic_forms`).
        """
        m = max(w.shape[-1] for w in weights)
        proj = theta[:m] @ self.beta / np.sqrt(self.d)  # (W beta)_a, the linear term
        quads = _quadratic_forms(theta[:m], weights)
        return [self.signal - w @ proj[: w.shape[-1]] + q for w, q in zip(weights, quads)]

    def excess_risk(self, a, theta) -> np.ndarray | float:
        """Exact excess risk ``||beta||^2 - a^T W beta + a^T K a`` of second-layer weights ``a``.

        ``W = Theta / sqrt(d)`` and ``K_ab = c_a c_b k(rho_ab)`` (:func:`relu_kernel`): exact
        population second moments, for spherical and for Gaussian inputs alike.

        Parameters
        ----------
        a : array_like of shape (N,) or (trials, N)
            Second-layer weights on the first ``N`` rows of ``theta`` (one row of ``a`` per trial).
        theta : array_like of shape (N_max, d)
            First layer, ``N_max >= N``.

        Returns
        -------
        float or ndarray of shape (trials,)
        """
        a, theta = self._check_weights(a, theta)
        out = self._nested_excess_risks([a], theta)[0]
        return float(out) if np.ndim(out) == 0 else out

    def risk(self, a, theta) -> np.ndarray | float:
        """Exact population risk (test MSE including noise) of second-layer weights ``a``.

        ``R(a) = noise_var + ||beta||^2 - a^T W beta + a^T K a``; see :meth:`excess_risk`.

        Parameters
        ----------
        a : array_like of shape (N,) or (trials, N)
        theta : array_like of shape (N_max, d), N_max >= N

        Returns
        -------
        float or ndarray of shape (trials,)
        """
        out = self.excess_risk(a, theta) + self.noise_var
        return float(out) if np.ndim(out) == 0 else out

    def test_error(self, a, theta, X_test, y_test) -> float:
        """Empirical test MSE of weights ``a`` (on the first ``len(a)`` rows of ``theta``).

        Parameters
        ----------
        a : array_like of shape (N,)
        theta : array_like of shape (N_max, d)
        X_test : array_like of shape (m, d)
        y_test : array_like of shape (m,)

        Returns
        -------
        float
        """
        a = as_float_array(a, "a", ndim=1)
        a, theta = self._check_weights(a, theta)
        return _test_error(a, self.features(X_test, theta[: a.size]), y_test)


#: Second entry of the seed sequence a teacher direction is drawn from (see random_features_problem).
_TEACHER_STREAM = 7001


def random_features_problem(
    d: int, signal: float = 1.0, noise_var: float = 0.25, inputs: str = "sphere", rng=None
) -> RandomFeaturesProblem:
    """A random-features problem with a linear teacher of power ``signal``.

    Parameters
    ----------
    d : int
        Input dimension.
    signal : float
        ``||beta||^2`` (``F1^2`` in the theory).
    noise_var : float
        Label noise variance ``sigma^2``.
    inputs : {"sphere", "gaussian"}
        See :class:`RandomFeaturesProblem`.
    rng : None, int or numpy.random.Generator
        ``None``: the teacher points along ``(1, ..., 1)``; otherwise its direction is drawn
        uniformly at random from ``rng``. For spherical first layers the average risk depends on
        ``beta`` only through its norm. An integer seed draws the direction from a stream derived
        from it, not from ``default_rng(seed)`` itself: reusing the same integer to draw the first
        layer (or as a sweep's seed) would otherwise point the first hidden unit exactly along
        the teacher.

    Returns
    -------
    RandomFeaturesProblem

    Examples
    --------
    >>> problem = random_features_problem(d=4, signal=2.0, noise_var=0.1)
    >>> problem.beta, round(problem.null_risk, 3)     # along (1, ..., 1), ||beta||^2 = 2
    (array([0.70710678, 0.70710678, 0.70710678, 0.70710678]), 2.1)
    """
    d = as_int(d, "d", minimum=1)
    signal = as_float(signal, "signal", minimum=0.0)
    if rng is None:
        direction = np.ones(d)
    elif isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        direction = np.random.default_rng([int(rng), _TEACHER_STREAM]).standard_normal(d)
    else:
        direction = as_generator(rng).standard_normal(d)
    beta = np.sqrt(signal) * direction / np.linalg.norm(direction)
    return RandomFeaturesProblem(d=d, beta=beta, noise_var=noise_var, inputs=inputs)


def fit_second_layer(Z, y, d: int, ridge: float = 0.0) -> np.ndarray:
    """Train the second layer: ``a = (Z^T Z + n (N/d) ridge I)^{-1} Z^T y``.

    This minimizes ``(1/n) ||y - Z a||^2 + (N/d) ridge ||a||^2``, the penalty convention of
    Mei & Montanari (and of :func:`overparam.theory.random_features_risk`), i.e.
    :func:`overparam.fit.ridge` with penalty ``(N/d) ridge``. ``ridge = 0`` gives the min-norm
    least-squares solution ``Z^+ y`` (:func:`overparam.fit.min_norm_least_squares`), which is well
    defined at ``N = n`` too.

    Parameters
    ----------
    Z : array_like of shape (n, N) or (trials, n, N)
        Random features of the training inputs.
    y : array_like of shape (n,) or (trials, n)
        Labels.
    d : int
        Input dimension (sets the scale of the penalty).
    ridge : float
        ``lambda >= 0``.

    Returns
    -------
    ndarray of shape (N,) or (trials, N)

    Examples
    --------
    >>> problem = random_features_problem(d=10, noise_var=0.25)
    >>> theta = problem.draw_first_layer(40, rng=0)
    >>> X, y = problem.sample(20, rng=1)
    >>> Z = problem.features(X, theta)
    >>> a = fit_second_layer(Z, y, problem.d)              # N = 40 > n = 20: interpolates
    >>> bool(np.allclose(Z @ a, y)), fit_second_layer(Z, y, problem.d, ridge=0.1).shape
    (True, (40,))
    """
    d = as_int(d, "d", minimum=1)
    ridge = as_float(ridge, "ridge", minimum=0.0)
    if ridge == 0.0:
        return min_norm_least_squares(Z, y)
    Z = as_float_array(Z, "Z", ndim=(2, 3))
    return _ridge_fit(Z, y, ridge * Z.shape[-1] / d)


class SupportCosts(NamedTuple):
    """The risk of one pruned second layer, split into a floor and costs (see :func:`support_costs`).

    Attributes
    ----------
    floor : float
        ``R(b_S)``, the risk of the best weights on the support (including noise).
    cost : float
        ``(a_S - b_S)^T K_SS (a_S - b_S)``: the risk of the pruned weights is ``floor + cost``, exactly.
    shrinkage : float
        ``(m_S - c_S)^T K_SS (m_S - c_S)``: the cost of the implicit ridge alone.
    mismatch : float
        ``(c_S - b_S)^T K_SS (c_S - b_S)``: the cost of aiming at ``c_S`` instead of ``b_S`` alone.
    zeta : float
        Implicit regularization of the large model (0 when ``N <= n``).
    b_S, c_S, m_S : ndarray of shape (s,)
        Best weights on ``S``; the large model's target (best weights on all ``N`` features)
        restricted to ``S``; the auxiliary model's mean of the trained weights restricted to ``S``.
    """

    floor: float
    cost: float
    shrinkage: float
    mismatch: float
    zeta: float
    b_S: np.ndarray
    c_S: np.ndarray
    m_S: np.ndarray

    @property
    def rest(self) -> float:
        """``cost - shrinkage - mismatch``: the large model's noise on ``S`` and all cross terms."""
        return self.cost - self.shrinkage - self.mismatch


def support_costs(problem: RandomFeaturesProblem, theta, a, mask, n: int) -> SupportCosts:
    """Split the exact risk of second-layer weights ``a`` pruned to ``mask`` into a floor and costs.

    With the exact moments ``K, r`` of the first ``N = len(a)`` features
    (:meth:`RandomFeaturesProblem.second_moments`) the best weights on the support ``S`` are
    ``b_S = K_SS^{-1} r_S`` and, for any ``w`` supported on ``S``,
    ``R(w) = floor + (w_S - b_S)^T K_SS (w_S - b_S)`` exactly, ``floor = R(b_S)``. The cost of
    keeping the large model's weights is split as in lesson 08: the large min-norm model aims at
    ``c = K^{-1} r`` (the best weights on all its ``N`` features) and, by the auxiliary model of
    lessons 06 and 08 written in the eigenbasis of ``K``, its weights lie around
    ``m = (K + zeta I)^{-1} r``, where ``zeta`` solves ``sum_k mu_k / (mu_k + zeta) = n`` over the
    eigenvalues ``mu_k`` of ``K`` (:func:`overparam.theory.implicit_regularization`).
    ``m_S - c_S`` is the **shrinkage**, ``c_S - b_S`` the **target mismatch**, and the rest
    (``a_S - m_S``: the noise of the fit, and the cross terms) is what is left of the cost.

    ``floor`` and ``cost`` are exact for the given weights; only ``m`` (hence ``shrinkage`` and
    the split of the rest) uses the auxiliary model. Lesson 09. For the expected split over
    training sets of a linear model with a fixed support, see
    :func:`overparam.theory.pruning_cost_decomposition`.

    Parameters
    ----------
    problem : RandomFeaturesProblem
    theta : array_like of shape (N_max, d)
        First layer; the weights use its first ``N = len(a)`` rows.
    a : array_like of shape (N,)
        Second-layer weights of the large model.
    mask : array_like of bool, shape (N,)
        The kept neurons (at least one).
    n : int
        Training samples of the large model (for ``zeta``).

    Returns
    -------
    SupportCosts

    Examples
    --------
    >>> from overparam import prune
    >>> pb = random_features_problem(d=20, noise_var=0.04, inputs="gaussian", rng=9)
    >>> theta = pb.draw_first_layer(60, rng=1)
    >>> X, y = pb.sample(30, rng=2)
    >>> a = fit_second_layer(pb.features(X, theta), y, pb.d)
    >>> mask = prune.magnitude_mask(a, 10)
    >>> parts = support_costs(pb, theta, a, mask, n=30)
    >>> bool(np.isclose(pb.risk(prune.apply_mask(a, mask), theta), parts.floor + parts.cost))
    True
    """
    from .theory import implicit_regularization  # theory imports this module: import late

    if not isinstance(problem, RandomFeaturesProblem):
        raise TypeError(f"problem must be a RandomFeaturesProblem, got {type(problem).__name__}")
    theta = _check_theta(theta, problem.d)
    a = as_float_array(a, "a", ndim=1)
    if a.size == 0 or a.size > theta.shape[0]:
        raise ValueError(
            f"a must hold between 1 and {theta.shape[0]} weights (one per row of theta used), got {a.size}"
        )
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"mask must be a boolean array (True = keep), got dtype {mask.dtype}")
    if mask.shape != a.shape:
        raise ValueError(f"mask must have the shape of a {a.shape}, got {mask.shape}")
    if not mask.any():
        raise ValueError("mask must keep at least one neuron")
    n = as_int(n, "n", minimum=1)
    N = a.size
    K, r = problem.second_moments(theta[:N])
    S = np.flatnonzero(mask)
    K_SS = K[np.ix_(S, S)]
    b_S = np.linalg.solve(K_SS, r[S])
    floor = problem.noise_var + problem.signal - float(b_S @ r[S])
    mu = np.linalg.eigvalsh(K)
    zeta = float(implicit_regularization(np.maximum(mu, np.finfo(float).eps * mu[-1]), n))  # rounding can give mu <= 0
    c = np.linalg.solve(K, r)
    m = np.linalg.solve(K + zeta * np.eye(N), r)

    def quad(u):
        return float(u @ K_SS @ u)

    return SupportCosts(
        floor=float(floor), cost=quad(a[S] - b_S), shrinkage=quad(m[S] - c[S]),
        mismatch=quad(c[S] - b_S), zeta=zeta, b_S=b_S, c_S=c[S], m_S=m[S],
    )
