"""Checks for exercise 04 (random features): ``from overparam.checks import ex04``.

* ``task1`` — ``relu_features(X, theta)``, the random ReLU features ``Z = ReLU(X Theta^T / sqrt(d))``,
  one row per sample and one column per neuron;
* ``task2`` — ``min_norm_second_layer(Z, y)``, the second layer fitted by min-norm least squares,
  graded with fewer and with more neurons than samples (least squares, then the interpolator of
  smallest norm);
* ``task3`` — the pair ``(activation_constants, relu_exact)``: a Monte Carlo estimator of
  ``(mu0, mu1, mustar2)`` for any activation, and the three constants of ReLU in closed form;
* ``task4`` — ``relu_kernel(rho)``, the arccos kernel ``E[ReLU(u) ReLU(v)]`` for standard normal
  ``u, v`` with correlation ``rho``, vectorized;
* ``task5`` — the pair ``(n_classical, n_break_even)``: the best width below the interpolation
  threshold and the smallest width beyond it that does at least as well, read off the
  Mei–Montanari curve :func:`overparam.theory.random_features_risk` for ``d = 100``, ``n = 300``,
  ``noise_var = 0.5`` (not the lesson's ``0.25``).

The references are the library's (:mod:`overparam.random_features` and
:func:`overparam.theory.random_features_risk`); every grader uses its own seeded data and more than
one input, and recognizes the usual mistakes (a missing ``sqrt(d)``, a transposed result, a ridge
that shrinks, a null-space component, forgetting to subtract ``mu1^2``, ``rho arccos(rho)`` for
``rho (pi - arccos(rho))``) so that the message names the mistake without giving the answer away.
"""

from __future__ import annotations

import warnings

import numpy as np

from .. import random_features as rf
from .. import theory
from . import Check, Incorrect, NotAttempted, expect_number
from . import attempt as _quiet
from . import describe_exception as _describe

__all__ = [
    "task1",
    "task2",
    "task3",
    "task4",
    "task5",
    "TASK5_SETTING",
    "TASK5_CLASSICAL_RISK_RTOL",
    "TASK5_BREAK_EVEN_RTOL",
]

_SEED = 2004  # the graders' own data; learners never see it


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------


def _as_array(value, what: str) -> np.ndarray:
    """Float array from the learner's value, or :class:`Incorrect` naming what came back."""
    if value is None:
        raise Incorrect(f"{what} is None — is a `return` statement missing?")
    if isinstance(value, (str, bytes, dict)):
        raise Incorrect(f"{what} should be an array of numbers, got {type(value).__name__}")
    try:
        kind = np.asarray(value).dtype.kind
    except (TypeError, ValueError):
        kind = "O"
    if kind == "c":
        raise Incorrect(f"{what} has complex numbers; expected real numbers")
    if kind in "USO" and not isinstance(value, (list, tuple)):
        raise Incorrect(f"{what} should be an array of numbers, got {type(value).__name__}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"{what} should be an array of numbers, got {type(value).__name__}") from None


def _reject_text(values, what: str) -> None:
    """Numbers written as text (``"0.75"``) would convert silently: refuse them."""
    items = values if isinstance(values, (tuple, list)) else [values]
    if any(isinstance(item, (str, bytes)) for item in items):
        raise Incorrect(f"{what} should be numbers, not text (remove the quotes)")


def _close(a, b, rtol: float = 1e-7, atol: float = 1e-10) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _rel(a, b) -> float:
    """Relative distance ``||a - b|| / ||b||`` (Frobenius / Euclidean)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


def _problem(d: int):
    return rf.random_features_problem(d, signal=1.0, noise_var=0.25, inputs="gaussian", rng=_SEED + d)


# ----------------------------------------------------------------------------------------------
# Task 1: the ReLU feature map
# ----------------------------------------------------------------------------------------------

# (n samples, d input dimension, N neurons): all three different so that a transposed or
# mis-normalized result cannot pass by accident
_T1_CASES = ((30, 20, 45), (50, 16, 12), (24, 64, 7))


def relu_features(X, theta):
    d = X.shape[1]
    pre_activation = X @ theta.T / np.sqrt(d)      # (n, N), variance 1 for x, theta on the sphere
    return np.maximum(pre_activation, 0.0)


def _task1_cases():
    for n, d, N in _T1_CASES:
        problem = _problem(d)
        rng = np.random.default_rng(_SEED + 100 * d + n)
        X, _ = problem.sample(n, rng)
        theta = problem.draw_first_layer(N, rng)
        yield X, theta, problem.features(X, theta)


def _grade_task1(fn) -> None:
    for X, theta, reference in _task1_cases():
        (n, d), N = X.shape, theta.shape[0]
        where = f"for n = {n} samples, d = {d}, N = {N} neurons"
        out, exc = _quiet(fn, X.copy(), theta.copy())
        if exc is not None:
            note = ""
            if isinstance(exc, ValueError) and any(w in str(exc) for w in ("mismatch", "aligned", "broadcast")):
                note = (
                    f" — X is n x d = {n} x {d} and theta is N x d = {N} x {d}: the pre-activations "
                    "<theta_a, x_i> pair rows of X with rows of theta, so one of them must be transposed"
                )
            raise Incorrect(f"{where} your function raised {_describe(exc)}{note}")
        Z = _as_array(out, f"your Z {where}")
        if Z.shape == (N, n) and _close(Z, reference.T):
            raise Incorrect(
                f"{where} your Z has shape ({N}, {n}): it is transposed — one ROW per sample and one "
                "column per neuron, shape (n, N), so that Z @ a predicts one label per sample"
            )
        if Z.shape != (n, N):
            raise Incorrect(f"{where} your Z has shape {Z.shape}, expected (n, N) = ({n}, {N})")
        if not np.all(np.isfinite(Z)):
            raise Incorrect(f"{where} your Z contains nan or inf")
        if _close(Z, reference):
            continue
        pre = X @ theta.T / np.sqrt(d)
        if np.any(Z < -1e-12):
            if _close(Z, pre):
                raise Incorrect(
                    f"{where} your Z has negative entries: it is the pre-activation itself. Apply "
                    "the ReLU, max(u, 0), to every entry"
                )
            if _close(Z, np.minimum(pre, 0.0)):
                raise Incorrect(f"{where} your Z keeps the NEGATIVE part; ReLU keeps max(u, 0)")
            raise Incorrect(f"{where} your Z has negative entries; a ReLU output never is negative")
        if _close(Z, np.abs(pre)):
            raise Incorrect(f"{where} you took |u|; ReLU sets negative pre-activations to zero, max(u, 0)")
        raw = X @ theta.T
        theta_norms = np.linalg.norm(theta, axis=1)
        x_norms = np.linalg.norm(X, axis=1)
        for scaled, words in (
            (raw / theta_norms[None, :], "the norm of each theta_a"),
            (raw / x_norms[:, None], "the norm of each input x_i"),
            (raw / (x_norms[:, None] * theta_norms[None, :]) * np.sqrt(d), "the norms of x_i and theta_a"),
        ):
            if _close(Z, np.maximum(scaled, 0.0)):
                raise Incorrect(
                    f"{where} you divided by {words}. On the sphere that norm is sqrt(d), but the checks "
                    "also use Gaussian inputs and weights, whose norms are only close to sqrt(d): divide "
                    "by sqrt(d) itself, with d = X.shape[1]"
                )
        zero_pattern_ok = np.array_equal(Z > 1e-12, reference > 1e-12)
        if zero_pattern_ok:
            ratio = float(np.sum(Z * reference) / np.sum(reference * reference))
            if _close(Z, ratio * reference, rtol=1e-6):
                for factor, words in (
                    (np.sqrt(d), "sqrt(d) times too large: divide the pre-activations by sqrt(d), "
                     "so that <theta, x> / sqrt(d) has variance 1 when x and theta lie on the sphere "
                     "of radius sqrt(d)"),
                    (1 / np.sqrt(d), "sqrt(d) times too small: you divided by d; divide by sqrt(d)"),
                    (np.sqrt(d / N), "scaled by 1/sqrt(N): divide by sqrt(d), the INPUT dimension, not by "
                     "the number of neurons"),
                    (np.sqrt(d / n), "scaled by 1/sqrt(n): divide by sqrt(d), the INPUT dimension, not by "
                     "the number of samples"),
                ):
                    if abs(ratio - factor) <= 1e-6 * factor:
                        raise Incorrect(f"{where} your Z is {words}")
                raise Incorrect(f"{where} your Z has the right zeros but the wrong scale (a factor {ratio:.3g})")
        raise Incorrect(f"{where} your Z is wrong")


task1 = Check(
    label="Task 1 (random ReLU features)",
    name="ex04.task1",
    grader=_grade_task1,
    hint=(
        "X is n x d and theta is N x d, so X @ theta.T is the n x N matrix of inner products "
        "<theta_a, x_i>. Divide it by sqrt(d) (d = X.shape[1], the input dimension) so that each "
        "pre-activation has variance 1, then apply np.maximum(., 0) entrywise."
    ),
    reference=relu_features,
)


# ----------------------------------------------------------------------------------------------
# Task 2: the second layer by min-norm least squares
# ----------------------------------------------------------------------------------------------

# (n samples, N neurons, d): below the threshold (least squares, a unique solution) and above it
# (many interpolators; the min-norm one is wanted). N = n itself is left out: Z is nearly singular.
_T2_CASES = ((80, 30, 20), (120, 60, 30), (60, 150, 20), (40, 400, 25))


def min_norm_second_layer(Z, y):
    return np.linalg.pinv(Z) @ y     # = np.linalg.lstsq(Z, y, rcond=None)[0]


def _task2_cases():
    for n, N, d in _T2_CASES:
        problem = _problem(d)
        rng = np.random.default_rng(_SEED + 7 * n + N)
        X, y = problem.sample(n, rng)
        theta = problem.draw_first_layer(N, rng)
        Z = problem.features(X, theta)
        yield Z, y, d


def _near_miss(a, reference, where: str) -> None:
    """Coefficients within 1% of the reference but not equal to it: an unconverged iterative method."""
    gap = _rel(a, reference)
    if gap < 1e-2:
        raise Incorrect(
            f"{where} your coefficients are close to the min-norm least-squares solution (relative "
            f"distance {gap:.1e}) but not equal to it (at most 1e-06 is accepted) — an iterative method "
            "such as gradient descent that has not fully converged? Use a direct solver"
        )


def _grade_task2(fn) -> None:
    for Z, y, d in _task2_cases():
        n, N = Z.shape
        side = "fewer neurons than samples" if N < n else "more neurons than samples"
        where = f"for n = {n} samples and N = {N} neurons ({side})"
        out, exc = _quiet(fn, Z.copy(), y.copy())
        if exc is not None:
            if isinstance(exc, np.linalg.LinAlgError):
                small, big = ("n", "N") if N > n else ("N", "n")
                raise Incorrect(
                    f"{where} your function raised {_describe(exc)}: with {small} < {big} the "
                    f"{big} x {big} matrix {'Z^T Z' if N > n else 'Z Z^T'} has rank {small} and no "
                    "ordinary inverse; np.linalg.pinv or np.linalg.lstsq handle both sides"
                )
            raise Incorrect(f"{where} your function raised {_describe(exc)}")
        if isinstance(out, tuple) and len(out) == 4:
            raise Incorrect(
                "your function returns a tuple of four things: np.linalg.lstsq returns (solution, "
                "residuals, rank, singular values) — return only its first element"
            )
        a = _as_array(out, f"your coefficients {where}")
        if a.shape == (N, 1):
            raise Incorrect(f"{where} your coefficients have shape ({N}, 1); return a 1-D array of shape ({N},)")
        if a.shape != (N,):
            raise Incorrect(f"{where} your coefficients have shape {a.shape}, expected (N,) = ({N},)")
        if not np.all(np.isfinite(a)):
            raise Incorrect(f"{where} your coefficients contain nan or inf")
        reference = rf.fit_second_layer(Z, y, d)
        if _rel(a, reference) <= 1e-6:
            continue
        residual = Z @ a - y
        gradient = Z.T @ residual                       # zero at any least-squares solution
        scale = np.linalg.norm(Z.T @ y)
        if a @ a > 0:
            shrink = -float(gradient @ a) / float(a @ a)
            if shrink > 0 and np.linalg.norm(gradient + shrink * a) <= 1e-6 * max(np.linalg.norm(gradient), 1e-300):
                raise Incorrect(
                    f"{where} your coefficients solve a RIDGE problem (Z^T Z + c I) a = Z^T y with a "
                    "penalty c > 0, so they are shrunk towards zero; min-norm least squares is the "
                    "limit c -> 0, with no penalty at all"
                )
        if N > n:
            if np.linalg.norm(residual) <= 1e-6 * np.linalg.norm(y):
                excess = float(np.linalg.norm(a) ** 2 - np.linalg.norm(reference) ** 2)
                raise Incorrect(
                    f"{where} your coefficients interpolate (Z a = y) but their norm is not the smallest "
                    f"possible (squared norm larger by {excess:.3g}): they have a component in the null "
                    "space of Z. The min-norm interpolator lies in the row space of Z"
                )
            _near_miss(a, reference, where)
            raise Incorrect(
                f"{where} your coefficients do not interpolate the training data (Z a != y), although "
                "with N > n neurons (and Z of full rank n) an exact fit exists"
                + ("; inverting the singular N x N matrix Z^T Z gives garbage" if np.linalg.norm(a) > 1e3 * np.linalg.norm(reference) else "")
            )
        _near_miss(a, reference, where)
        if np.linalg.norm(gradient) > 1e-6 * scale:
            raise Incorrect(
                f"{where} your coefficients do not minimize the training error: the normal equations "
                "Z^T (Z a - y) = 0 do not hold (note that with N < n the n x n matrix Z Z^T is singular, "
                "so the interpolator's formula Z^T (Z Z^T)^-1 y, meant for N > n, does not apply here)"
            )
        raise Incorrect(f"{where} your coefficients are wrong")


task2 = Check(
    label="Task 2 (min-norm second layer)",
    name="ex04.task2",
    grader=_grade_task2,
    hint=(
        "One line does both sides of the threshold: a = np.linalg.pinv(Z) @ y, or "
        "np.linalg.lstsq(Z, y, rcond=None)[0]. With N < n it is ordinary least squares; with N > n "
        "it is the interpolator of smallest norm, which lies in the row space of Z. Do not invert "
        "Z^T Z (singular when N > n) and do not add a ridge penalty."
    ),
    reference=min_norm_second_layer,
)


# ----------------------------------------------------------------------------------------------
# Task 3: activation constants, by Monte Carlo and in closed form
# ----------------------------------------------------------------------------------------------

_T3_SAMPLES = 200_000
#: a Monte Carlo estimate is accepted within this many standard errors of the exact constant
_T3_STANDARD_ERRORS = 6.0


def activation_constants(activation, n_samples, rng):
    g = rng.standard_normal(n_samples)
    s = activation(g)
    mu0 = np.mean(s)                          # E sigma(G)
    mu1 = np.mean(g * s)                      # E[G sigma(G)]
    mustar2 = np.mean(s**2) - mu0**2 - mu1**2  # what is left after the constant and the linear part
    return mu0, mu1, mustar2


_REFERENCE_TASK3 = '''\
def activation_constants(activation, n_samples, rng):
    g = rng.standard_normal(n_samples)
    s = activation(g)
    mu0 = np.mean(s)                          # E sigma(G)
    mu1 = np.mean(g * s)                      # E[G sigma(G)]
    mustar2 = np.mean(s**2) - mu0**2 - mu1**2  # what is left after the constant and the linear part
    return mu0, mu1, mustar2

# ReLU in closed form, with phi the standard normal density:
#   mu0 = E max(G, 0) = int_0^inf g phi(g) dg = phi(0) = 1 / sqrt(2 pi)
#   mu1 = E[G max(G, 0)] = E[G^2; G > 0] = 1/2
#   E max(G, 0)^2 = 1/2, so mustar2 = 1/2 - 1/(2 pi) - 1/4 = 1/4 - 1/(2 pi)
relu_exact = (1 / np.sqrt(2 * np.pi), 0.5, 0.25 - 1 / (2 * np.pi))
'''


def _gauss_moments(activation) -> np.ndarray:
    """E over G ~ N(0, 1) of [s, G s, s^2, s^2, G^2 s^2, s^4] for s = activation(G), by quadrature.

    Only used for smooth activations (``tanh``); ReLU and ``|u|`` have closed forms.
    """
    nodes, weights = np.polynomial.hermite_e.hermegauss(160)
    weights = weights / np.sqrt(2 * np.pi)
    s = activation(nodes)
    return np.array([weights @ f for f in (s, nodes * s, s**2, s**2, nodes**2 * s**2, s**4)])


def _t3_cases():
    """(name, activation, exact (mu0, mu1, mustar2), standard deviations of s, G s, s^2)."""
    cases = []
    # ReLU: E s^2 = 1/2, E G^2 s^2 = 3/2, E s^4 = 3/2
    relu_c = rf.relu_constants()
    mu0, mu1 = relu_c.mu0, relu_c.mu1
    cases.append(("ReLU", rf.relu, (mu0, mu1, relu_c.mustar2),
                  np.sqrt([0.5 - mu0**2, 1.5 - mu1**2, 1.5 - 0.25])))
    # |u|: mu0 = sqrt(2/pi), mu1 = 0, E s^2 = 1, E G^2 s^2 = 3, E s^4 = 3
    a0 = np.sqrt(2 / np.pi)
    cases.append(("abs", np.abs, (a0, 0.0, 1 - a0**2), np.sqrt([1 - a0**2, 3.0, 2.0])))
    # tanh by quadrature (smooth)
    m = _gauss_moments(np.tanh)
    cases.append(("tanh", np.tanh, (m[0], m[1], m[2] - m[0] ** 2 - m[1] ** 2),
                  np.sqrt([m[2] - m[0] ** 2, m[4] - m[1] ** 2, m[5] - m[2] ** 2])))
    return cases


def _unpack_pair(answer, names: tuple[str, str]) -> tuple:
    first, second = names
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Incorrect(
            f"pass the pair ({first}, {second}) as a tuple, got {type(answer).__name__}"
            + (f" of length {len(answer)}" if isinstance(answer, (tuple, list)) else "")
        )
    return answer[0], answer[1]


def _grade_mc(fn) -> None:
    for k, (name, activation, exact, sds) in enumerate(_t3_cases()):
        rng = np.random.default_rng(_SEED + 31 * k)
        where = f"for the activation {name} with n_samples = {_T3_SAMPLES}"
        out, exc = _quiet(fn, activation, _T3_SAMPLES, rng)
        if exc is not None:
            raise Incorrect(f"activation_constants {where} raised {_describe(exc)}")
        if isinstance(out, (tuple, list)):
            _reject_text(out, "activation_constants' values")
        values = _as_array(out, f"activation_constants' result {where}")
        if values.shape != (3,):
            raise Incorrect(
                f"activation_constants {where} returned shape {values.shape}; expected three numbers "
                "(mu0, mu1, mustar2)"
            )
        if not np.all(np.isfinite(values)):
            raise Incorrect(f"activation_constants {where} returned nan or inf")
        mu0, mu1, mustar2 = values
        e0, e1, e2 = exact
        # standard errors of the three estimates; mustar2's is dominated by that of E s^2
        tol = _T3_STANDARD_ERRORS * sds / np.sqrt(_T3_SAMPLES) + 1e-9
        ok = np.abs(values - np.array(exact)) <= tol
        if ok.all():
            continue
        if not ok[0]:
            raise Incorrect(
                f"activation_constants {where}: mu0 is off by {abs(mu0 - e0) / tol[0] * _T3_STANDARD_ERRORS:.0f} "
                "standard errors; mu0 is the mean of sigma(G) over standard normal draws G (use "
                "rng.standard_normal(n_samples), all of them)"
            )
        if not ok[1]:
            if abs(mu1) <= tol[1] and abs(e1) > 10 * tol[1]:
                raise Incorrect(
                    f"activation_constants {where}: your mu1 is about 0; mu1 = E[G sigma(G)] is the mean "
                    "of the PRODUCT g * sigma(g), not the product of the means"
                )
            raise Incorrect(
                f"activation_constants {where}: mu1 is off by {abs(mu1 - e1) / tol[1] * _T3_STANDARD_ERRORS:.0f} "
                "standard errors; mu1 = E[G sigma(G)], the mean of g * sigma(g)"
            )
        second_moment = e2 + e0**2 + e1**2
        if abs(mustar2 - (e2 + e1**2)) <= tol[2] and e1**2 > 10 * tol[2]:
            raise Incorrect(
                f"activation_constants {where}: mustar2 still contains mu1^2 — subtract both the "
                "constant part mu0^2 AND the linear part mu1^2 from E sigma(G)^2"
            )
        if abs(mustar2 - second_moment) <= tol[2]:
            raise Incorrect(
                f"activation_constants {where}: mustar2 is E sigma(G)^2 itself; subtract mu0^2 and mu1^2"
            )
        if abs(mustar2 - (e2 + e0**2)) <= tol[2] and e0**2 > 10 * tol[2]:
            raise Incorrect(f"activation_constants {where}: mustar2 still contains mu0^2; subtract it too")
        if e2 > 0 and abs(mustar2 - np.sqrt(e2)) <= tol[2] + 0.01 * np.sqrt(e2):
            raise Incorrect(f"activation_constants {where}: you returned mu_* itself; return its square mustar2")
        raise Incorrect(
            f"activation_constants {where}: mustar2 is off by {abs(mustar2 - e2) / tol[2] * _T3_STANDARD_ERRORS:.0f} "
            "standard errors; mustar2 = E sigma(G)^2 - mu0^2 - mu1^2"
        )


def _grade_exact(values) -> None:
    if isinstance(values, (tuple, list)):
        if all(v is Ellipsis for v in values):
            raise Incorrect("relu_exact is still `...`; write the three ReLU constants in closed form")
        _reject_text(values, "relu_exact")
    got = _as_array(values, "relu_exact")
    if got.shape != (3,):
        raise Incorrect(f"relu_exact should be three numbers (mu0, mu1, mustar2), got shape {got.shape}")
    if not np.all(np.isfinite(got)):
        raise Incorrect("relu_exact contains nan or inf")
    c = rf.relu_constants()
    exact = np.array([c.mu0, c.mu1, c.mustar2])
    if _close(got, exact, rtol=1e-6, atol=1e-9):
        return
    mu0, mu1, mustar2 = got
    if np.all(np.abs(got - exact) <= 0.02):
        raise Incorrect(
            "relu_exact agrees with the constants only to Monte Carlo accuracy; write them in closed "
            "form (with np.sqrt and np.pi), exactly"
        )
    if not _close(mu0, c.mu0, rtol=1e-6):
        if _close(mu0, 1 / (2 * np.pi), rtol=1e-6) or _close(mu0, 1 / np.sqrt(np.pi), rtol=1e-6) or _close(mu0, np.sqrt(2 / np.pi), rtol=1e-6):
            raise Incorrect(
                "relu_exact: mu0 = E max(G, 0) = integral of g phi(g) over g > 0; check the constant "
                "of the normal density phi(g) = exp(-g^2/2) / sqrt(2 pi)"
            )
        raise Incorrect("relu_exact: mu0 = E max(G, 0) is wrong")
    if not _close(mu1, c.mu1, rtol=1e-6):
        raise Incorrect(
            "relu_exact: mu1 = E[G max(G, 0)] = E[G^2 ; G > 0] is wrong (by symmetry it is half of E G^2)"
        )
    if _close(mustar2, c.mustar2 + c.mu1**2, rtol=1e-6):
        zeta_wrong = c.mu1 / np.sqrt(mustar2)
        raise Incorrect(
            f"relu_exact: your mustar2 still contains mu1^2 (it would give the ratio mu1 / mu_* = "
            f"{zeta_wrong:.2f} and a badly wrong risk curve); subtract mu1^2 as well as mu0^2"
        )
    if _close(mustar2, 0.5, rtol=1e-6):
        raise Incorrect("relu_exact: your mustar2 is E max(G, 0)^2 itself; subtract mu0^2 and mu1^2")
    if _close(mustar2, np.sqrt(c.mustar2), rtol=1e-6):
        raise Incorrect("relu_exact: you gave mu_*; give its square mustar2")
    raise Incorrect("relu_exact: mustar2 = E max(G, 0)^2 - mu0^2 - mu1^2 is wrong (E max(G, 0)^2 = E[G^2; G > 0])")


def _grade_task3(answer) -> None:
    fn, values = _unpack_pair(answer, ("activation_constants", "relu_exact"))
    fn_attempted = True
    try:
        _grade_mc(fn)
    except NotAttempted:
        fn_attempted = False
    values_stub = values is Ellipsis or (
        isinstance(values, (tuple, list)) and len(values) > 0 and all(v is Ellipsis for v in values)
    )
    if not fn_attempted and values_stub:
        raise NotAttempted()
    if not fn_attempted:
        raise Incorrect("activation_constants is still the stub; write it as well as relu_exact")
    if values_stub:
        raise Incorrect("relu_exact is still `...`; write the three ReLU constants in closed form")
    _grade_exact(values)


task3 = Check(
    label="Task 3 (activation constants)",
    name="ex04.task3",
    grader=_grade_task3,
    hint=(
        "Monte Carlo: draw g = rng.standard_normal(n_samples), s = activation(g); then mu0 = mean of s, "
        "mu1 = mean of g * s, and mustar2 = mean of s**2 minus mu0**2 minus mu1**2 (the part of "
        "sigma that is neither constant nor linear). Closed form for ReLU: E max(G, 0) is the integral "
        "of g phi(g) over g > 0, which equals phi(0); E[G max(G, 0)] and E max(G, 0)^2 are both half of "
        "E G^2 by symmetry."
    ),
    reference=_REFERENCE_TASK3,
)


# ----------------------------------------------------------------------------------------------
# Task 4: the arccos kernel
# ----------------------------------------------------------------------------------------------

_T4_GRID = np.concatenate([np.linspace(-1.0, 1.0, 41), [-0.999999, -0.73, 0.123, 0.999999]])
_T4_MC_RHOS = (-0.6, 0.3, 0.85)
_T4_MC_PAIRS = 400_000


def relu_kernel(rho):
    rho = np.clip(np.asarray(rho, dtype=float), -1.0, 1.0)   # guard round-off just outside [-1, 1]
    angle = np.arccos(rho)                                     # angle between the two directions
    return (np.sqrt(1 - rho**2) + rho * (np.pi - angle)) / (2 * np.pi)


def _mc_kernel(rho: float, rng) -> tuple[float, float]:
    """Average of ReLU(u) ReLU(v) over correlated standard normal pairs, and its standard error."""
    u = rng.standard_normal(_T4_MC_PAIRS)
    v = rho * u + np.sqrt(1 - rho**2) * rng.standard_normal(_T4_MC_PAIRS)
    prod = np.maximum(u, 0) * np.maximum(v, 0)
    return float(prod.mean()), float(prod.std() / np.sqrt(_T4_MC_PAIRS))


def _grade_task4(fn) -> None:
    grid = _T4_GRID.copy()
    out, exc = _quiet(fn, grid)
    if exc is not None:
        _, scalar_exc = _quiet(fn, 0.5)
        if scalar_exc is None:
            raise Incorrect(
                f"your function works for a single rho but fails on an array ({_describe(exc)}); use "
                "numpy functions (np.arccos, np.sqrt), which act on every entry of an array at once, "
                "not math.acos or an `if` on rho"
            )
        raise Incorrect(f"your function raised {_describe(exc)}")
    values = _as_array(out, "your k(rho) for an array of rho")
    if values.shape != grid.shape:
        raise Incorrect(
            f"for an array of {grid.size} correlations your function returned shape {values.shape}, "
            f"expected {grid.shape} (one value per rho)"
        )
    if not np.all(np.isfinite(values)):
        bad = grid[~np.isfinite(values)]
        raise Incorrect(
            f"your k(rho) is nan or inf at rho = {bad[0]:g}; sqrt(1 - rho^2) and arccos(rho) are "
            "defined on all of [-1, 1] (clip rho into [-1, 1] if round-off pushes it out)"
        )
    reference = rf.relu_kernel(grid)
    if not _close(values, reference, rtol=1e-8, atol=1e-12):
        with np.errstate(all="ignore"):
            root, angle = np.sqrt(1 - grid**2), np.arccos(grid)
        two_pi = 2 * np.pi
        if _close(values, (root + grid * angle) / two_pi):
            raise Incorrect(
                "the rho term: you wrote rho * arccos(rho); at rho = 1 the kernel must equal "
                "E max(G, 0)^2 = 1/2, and at rho = -1 (v = -u, never both positive) it must be 0. "
                "The angle between the directions is arccos(rho); its factor is pi minus that angle"
            )
        ratio = float(np.sum(values * reference) / np.sum(reference**2))
        if _close(values, ratio * reference, rtol=1e-6):
            for factor, words in (
                (two_pi, "2 pi times too large: the factor 1/(2 pi) is missing"),
                (2.0, "twice too large: divide by 2 pi, not by pi (at rho = 1 the kernel is E max(G, 0)^2 = 1/2)"),
                (np.pi, "pi times too large: divide by 2 pi, not by 2"),
                (0.5, "half of what it should be (at rho = 1 the kernel is E max(G, 0)^2 = 1/2)"),
            ):
                if abs(ratio - factor) <= 1e-6 * factor:
                    raise Incorrect(f"your k(rho) is {words}")
            raise Incorrect(f"your k(rho) has the right shape in rho but the wrong overall factor ({ratio:.3g})")
        if _close(values, grid * (np.pi - angle) / two_pi):
            raise Incorrect("the term sqrt(1 - rho^2) is missing: at rho = 0 the kernel is (E max(G, 0))^2 > 0")
        if _close(values, root / two_pi):
            raise Incorrect("the rho term is missing: rho * (pi - arccos(rho)) / (2 pi)")
        # say where it goes wrong, with a Monte Carlo estimate as the witness
        rng = np.random.default_rng(_SEED + 4)
        for rho in _T4_MC_RHOS:
            estimate, se = _mc_kernel(rho, rng)
            mine = values[np.argmin(np.abs(grid - rho))] if np.any(np.isclose(grid, rho)) else None
            if mine is None:
                mine_val, mine_exc = _quiet(fn, np.array([rho]))
                mine = float(np.asarray(mine_val, dtype=float).ravel()[0]) if mine_exc is None else np.nan
            if not np.isfinite(mine) or abs(mine - estimate) > 6 * se:
                raise Incorrect(
                    f"at rho = {rho} your k(rho) is {abs(mine - estimate) / se:.0f} standard errors away "
                    f"from a Monte Carlo average of max(u, 0) max(v, 0) over {_T4_MC_PAIRS} correlated "
                    "standard normal pairs (u, v)"
                )
        raise Incorrect("your k(rho) is wrong")
    # cross-check against simulation (the reference itself is the library's closed form)
    rng = np.random.default_rng(_SEED + 4)
    for rho in _T4_MC_RHOS:
        estimate, se = _mc_kernel(rho, rng)
        mine_val, mine_exc = _quiet(fn, np.array([rho]))
        if mine_exc is not None:
            raise Incorrect(f"your function raised {_describe(mine_exc)} for a one-element array")
        mine = _as_array(mine_val, "your k(rho) for a one-element array").ravel()
        if mine.size != 1 or abs(mine[0] - estimate) > 6 * se:
            raise Incorrect(f"at rho = {rho} your k(rho) disagrees with a Monte Carlo average")
    scalar_val, scalar_exc = _quiet(fn, 0.5)
    if scalar_exc is not None:
        raise Incorrect(f"for a single number rho = 0.5 your function raised {_describe(scalar_exc)}")
    scalar = _as_array(scalar_val, "your k(0.5)")
    if scalar.size != 1 or not _close(scalar.ravel()[0], rf.relu_kernel(0.5)):
        raise Incorrect("for a single number rho = 0.5 your function should return one number, k(0.5)")


task4 = Check(
    label="Task 4 (arccos kernel)",
    name="ex04.task4",
    grader=_grade_task4,
    hint=(
        "Write theta = np.arccos(rho), the angle between the two weight vectors. Then "
        "k(rho) = (sin(theta) + (pi - theta) cos(theta)) / (2 pi) with sin(theta) = sqrt(1 - rho^2) and "
        "cos(theta) = rho. Sanity checks: k(1) = E max(G, 0)^2 = 1/2, k(0) = (E max(G, 0))^2, k(-1) = 0."
    ),
    reference=relu_kernel,
)


# ----------------------------------------------------------------------------------------------
# Task 5: the classical optimum and the break-even width
# ----------------------------------------------------------------------------------------------

#: the setting of Task 5 (the lesson uses noise_var = 0.25)
TASK5_SETTING = {"d": 100, "n": 300, "signal": 1.0, "noise_var": 0.5}
_LESSON_NOISE = 0.25
#: n_classical is accepted when its risk is within this relative margin of the best risk for N < n
TASK5_CLASSICAL_RISK_RTOL = 1e-3
#: n_break_even is accepted within this relative distance of the exact crossing (bounds included)
TASK5_BREAK_EVEN_RTOL = 1e-2


def _t5_curve(noise_var: float, ratio: float = 1.0):
    """Risk as a function of the width N for the Task 5 setting (``ratio`` = d / the learner's d)."""
    d, n, signal = TASK5_SETTING["d"], TASK5_SETTING["n"], TASK5_SETTING["signal"]

    def risk(N):
        N = np.asarray(N, dtype=float)
        return theory.random_features_risk(N / (d * ratio), n / (d * ratio), signal=signal, noise_var=noise_var)

    return risk


def _t5_answer(noise_var: float = None, ratio: float = 1.0) -> tuple[float, float, float]:
    """(N_classical, best risk for N < n, N_break_even) for the curve, by grid search and bisection."""
    noise_var = TASK5_SETTING["noise_var"] if noise_var is None else noise_var
    n = TASK5_SETTING["n"]
    risk = _t5_curve(noise_var, ratio)
    grid = np.linspace(1.0, n - 1.0, 29801)           # spacing 0.01
    values = risk(grid)
    best = int(np.argmin(values))
    lo, hi = max(grid[best] - 0.01, 1.0), min(grid[best] + 0.01, n - 1.0)
    for _ in range(60):                                # golden-section polish of the minimum
        m1, m2 = lo + 0.382 * (hi - lo), lo + 0.618 * (hi - lo)
        if float(risk(m1)) < float(risk(m2)):
            hi = m2
        else:
            lo = m1
    n_classical = 0.5 * (lo + hi)
    r_min = float(risk(n_classical))
    lo, hi = n + 1e-6, 1000.0 * n
    if float(risk(hi)) > r_min:
        return n_classical, r_min, np.inf
    for _ in range(200):                               # the risk falls monotonically beyond the peak
        mid = 0.5 * (lo + hi)
        if float(risk(mid)) > r_min:
            lo = mid
        else:
            hi = mid
    return n_classical, r_min, hi


def _within(value: float, target: float, rtol: float) -> bool:
    return abs(value - target) <= rtol * abs(target) * (1 + 1e-9) + 1e-12


_REFERENCE_TASK5 = """\
d, n, signal, noise_var = 100, 300, 1.0, 0.5
risk = lambda N: theory.random_features_risk(np.asarray(N, dtype=float) / d, n / d,
                                             signal=signal, noise_var=noise_var)
# the classical optimum: the best width below the threshold N = n (a fine grid is enough)
narrow = np.arange(1, n)
n_classical = narrow[np.argmin(risk(narrow))]
best_narrow = risk(n_classical)
# the break-even width: beyond the peak the risk falls steadily, so take the first width
# N > n whose risk is at or below the classical minimum
wide = np.arange(n + 1, 50 * n)
n_break_even = wide[np.argmax(risk(wide) <= best_narrow)]
"""


def _grade_task5(answer) -> None:
    n_c, n_b = _unpack_pair(answer, ("n_classical", "n_break_even"))
    stub = [x is Ellipsis for x in (n_c, n_b)]
    if all(stub):
        raise NotAttempted()
    if stub[0]:
        raise Incorrect("n_classical is still `...`; answer both values")
    if stub[1]:
        raise Incorrect("n_break_even is still `...`; answer both values")
    _reject_text((n_c, n_b), "n_classical and n_break_even")
    n_c = expect_number(n_c, what="n_classical")
    n_b = expect_number(n_b, what="n_break_even", allow_inf=True)
    d, n = TASK5_SETTING["d"], TASK5_SETTING["n"]
    want_c, r_min, want_b = _t5_answer()
    risk = _t5_curve(TASK5_SETTING["noise_var"])

    if n_c < n / d and np.isfinite(n_b) and n_b < 10 * n / d:
        raise Incorrect(
            "your values look like ratios psi_1 = N / d; the question asks for widths N (numbers of "
            f"neurons, with d = {d})"
        )
    # ---- n_classical
    if n_c <= 0:
        raise Incorrect(f"n_classical = {n_c:g}: a width is a positive number of neurons")
    if n_c >= n:
        if abs(n_c - n) <= 1:
            raise Incorrect(
                f"n_classical = {n_c:g} is the interpolation threshold N = n, where the risk PEAKS (it is "
                "infinite there); the classical optimum is the best width below it"
            )
        raise Incorrect(
            f"n_classical = {n_c:g} is not below the threshold N = n = {n}: the classical optimum is the "
            "best among the narrow models, N < n"
        )
    if float(risk(n_c)) > r_min * (1 + TASK5_CLASSICAL_RISK_RTOL):
        lesson_c, _, lesson_b = _t5_answer(noise_var=_LESSON_NOISE)
        raw_c, _, raw_b = _t5_answer(ratio=1.0 / d)
        sigma_c, _, sigma_b = _t5_answer(noise_var=np.sqrt(TASK5_SETTING["noise_var"]))
        if abs(n_c - lesson_c) <= 2:
            raise Incorrect(
                f"n_classical = {n_c:g} is the classical optimum for the lesson's noise_var = {_LESSON_NOISE}; "
                f"this task uses noise_var = {TASK5_SETTING['noise_var']}"
            )
        if abs(n_c - raw_c) <= 1.5:
            raise Incorrect(
                "random_features_risk takes the RATIOS psi_1 = N / d and psi_2 = n / d, not the widths "
                "and sample sizes themselves"
            )
        if abs(n_c - sigma_c) <= 2:
            raise Incorrect(
                "noise_var is the noise VARIANCE sigma^2 = 0.5; you passed its square root"
            )
        raise Incorrect(
            f"n_classical = {n_c:g} is not the best width below the threshold: narrow models of another "
            "width have a clearly lower risk"
        )
    # ---- n_break_even
    if not np.isfinite(n_b):
        raise Incorrect(
            "n_break_even = inf: beyond the threshold the risk falls below the classical minimum at a "
            "finite width"
        )
    if n_b <= n:
        if n_b >= n - 1:
            raise Incorrect(
                f"n_break_even = {n_b:g} is the interpolation threshold, where the risk PEAKS; the "
                "question asks where, beyond the peak, the risk comes back down to the classical minimum"
            )
        raise Incorrect(f"n_break_even = {n_b:g}: the break-even width lies beyond the threshold N = n = {n}")
    if _within(n_b, want_b, TASK5_BREAK_EVEN_RTOL):
        return
    lesson_c, _, lesson_b = _t5_answer(noise_var=_LESSON_NOISE)
    raw_c, _, raw_b = _t5_answer(ratio=1.0 / d)
    sigma_c, _, sigma_b = _t5_answer(noise_var=np.sqrt(TASK5_SETTING["noise_var"]))
    if _within(n_b, lesson_b, TASK5_BREAK_EVEN_RTOL):
        raise Incorrect(
            f"n_break_even = {n_b:g} is the break-even width for the lesson's noise_var = {_LESSON_NOISE}; "
            f"this task uses noise_var = {TASK5_SETTING['noise_var']}"
        )
    if _within(n_b, raw_b, TASK5_BREAK_EVEN_RTOL):
        raise Incorrect(
            "random_features_risk takes the RATIOS psi_1 = N / d and psi_2 = n / d, not the widths "
            "and sample sizes themselves"
        )
    if _within(n_b, sigma_b, TASK5_BREAK_EVEN_RTOL):
        raise Incorrect("noise_var is the noise VARIANCE sigma^2 = 0.5; you passed its square root")
    if n_b < want_b:
        raise Incorrect(
            f"at the width n_break_even = {n_b:g} the risk is still above the classical minimum; look further out"
        )
    raise Incorrect(
        f"n_break_even = {n_b:g} is too far out: the risk already drops to the classical minimum at a "
        "smaller width (the question asks for the smallest such width)"
    )


task5 = Check(
    label="Task 5 (classical optimum and break-even width)",
    name="ex04.task5",
    grader=_grade_task5,
    hint=(
        "theory.random_features_risk(psi1, psi2, signal=1.0, noise_var=0.5) takes the ratios "
        "psi1 = N / d and psi2 = n / d and is vectorized over psi1. Evaluate it for every width "
        "N = 1, ..., n - 1 and take the argmin: that is n_classical. Beyond the peak the risk falls "
        "steadily; the first width N > n whose risk is at or below that minimum is n_break_even."
    ),
    reference=_REFERENCE_TASK5,
)
