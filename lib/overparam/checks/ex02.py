"""Checks for exercise 02 (double descent): ``from overparam.checks import ex02``.

* ``task1`` — ``isotropic_excess_risk(gamma, signal, noise_var)``, the asymptotic excess risk of
  min-norm least squares in the isotropic model (Hastie, Montanari, Rosset & Tibshirani 2022),
  vectorized over ``gamma``;
* ``task2`` — ``bias_variance_given_design(X, beta, noise_var)``, bias and variance of min-norm
  least squares given one design (isotropic features);
* ``task3`` — ``smallest_singular_value(X)``, the smallest non-zero singular value of ``X / sqrt(n)``;
* ``task4`` — the pair ``(gamma_star, best_excess)``: the best ratio ``gamma > 1`` and its excess
  risk for ``r^2 = 1``, ``sigma^2 = 0.09`` (not the lesson's ``sigma^2 = 0.25``, whose answer the
  lesson prints).

Every grader uses its own seeded data and more than one input, and recognizes the usual mistakes
(a missing factor, sigma for sigma^2, a wrong branch of the formula, the structural zeros of
``X^T X``) so that the
message names the mistake without giving the answer away.
"""

from __future__ import annotations


import numpy as np

from .. import theory
from . import Check, Incorrect, NotAttempted, expect_close, expect_number
from . import attempt as _quiet
from . import describe_exception as _describe

__all__ = ["task1", "task2", "task3", "task4"]

_SEED = 2021  # the graders' own data; learners never see it


def _reject_text(value, what: str) -> None:
    """Numbers written as text (``"0.75"``) would convert silently: refuse them."""
    items = value if isinstance(value, (tuple, list)) else [value]
    if any(isinstance(item, (str, bytes)) for item in items):
        raise Incorrect(f"{what} should be numbers, not text (remove the quotes)")


def _close(a, b, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


# ----------------------------------------------------------------------------------------------
# Task 1: the isotropic excess risk formula
# ----------------------------------------------------------------------------------------------

_T1_GRID = np.array([0.1, 0.25, 0.5, 0.8, 0.95, 1.0, 1.05, 1.25, 1.5, 2.0, 4.0, 10.0])
_T1_CASES = ((1.0, 0.25), (2.0, 0.5), (0.5, 1.0))  # (signal r^2, noise_var sigma^2)


def isotropic_excess_risk(gamma, signal, noise_var):
    gamma = np.asarray(gamma, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        below = noise_var * gamma / (1 - gamma)                       # variance only
        above = signal * (1 - 1 / gamma) + noise_var / (gamma - 1)    # bias + variance
        excess = np.where(gamma < 1, below, above)
    return np.where(gamma == 1, np.inf, excess)


def _grade_task1(fn) -> None:
    for signal, noise_var in _T1_CASES:
        grid = _T1_GRID.copy()
        out, exc = _quiet(fn, grid, signal, noise_var)
        if exc is not None:
            _, scalar_exc = _quiet(fn, 2.0, signal, noise_var)
            if scalar_exc is None:
                raise Incorrect(
                    f"your function works for a single gamma but fails on an array of gamma values "
                    f"({_describe(exc)}); make it vectorized: an `if` on gamma cannot decide for every "
                    "entry at once, `np.where` can"
                )
            raise Incorrect(f"your function raised {_describe(exc)}")
        try:
            values = np.asarray(out, dtype=float)
        except (TypeError, ValueError):
            raise Incorrect(f"for an array of gamma values, expected an array of numbers, got {type(out).__name__}") from None
        if values.shape != grid.shape:
            raise Incorrect(
                f"for an array of {grid.size} gamma values your function returned shape {values.shape}, "
                f"expected {grid.shape} (one excess risk per gamma)"
            )
        peak = grid == 1.0
        if not np.all(np.isposinf(values[peak])):
            raise Incorrect(
                f"at gamma = 1 your function returns {values[peak][0]:.4g}; at the interpolation "
                "threshold the excess risk is infinite (the statement says what to return there)"
            )
        expected = theory.isotropic_risk(grid, signal, noise_var) - noise_var
        ok = ~peak
        got, want = values[ok], expected[ok]
        if _close(got, want):
            continue
        g = grid[ok]
        if _close(got, want + noise_var):
            raise Incorrect(
                "your values are the risk including the noise sigma^2; this check wants the EXCESS "
                "risk (risk minus sigma^2)"
            )
        below, above = g < 1, g > 1
        if not _close(got[below], want[below]):
            gb = g[below]
            no_gamma = noise_var / (1 - gb)
            if _close(got[below], no_gamma):
                raise Incorrect(
                    "below the threshold (gamma < 1) your variance does not vanish as gamma -> 0: with "
                    "very few parameters there is almost nothing to fit the noise with"
                )
            if _close(got[below], np.sqrt(noise_var) * gb / (1 - gb)):
                raise Incorrect(
                    f"below the threshold (gamma < 1, noise_var = {noise_var}) the factor in front of your "
                    "variance is the noise LEVEL sigma = sqrt(noise_var); the variance is proportional to "
                    "the noise VARIANCE sigma^2, and the argument noise_var already is sigma^2"
                )
            if _close(got[below], noise_var**2 * gb / (1 - gb)):
                raise Incorrect(
                    f"below the threshold (gamma < 1, noise_var = {noise_var}) the factor in front of your "
                    "variance is noise_var squared; the argument noise_var already is sigma^2, do not square it"
                )
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = got[below] / want[below]
            if np.all(np.isfinite(ratio)) and np.all(ratio > 0) and _close(ratio, np.full_like(ratio, ratio[0]), rtol=1e-6):
                raise Incorrect(
                    f"below the threshold (gamma < 1, noise_var = {noise_var}) your values have the right "
                    f"shape in gamma but are {ratio[0]:.3g} times the correct ones: the noise factor in "
                    "front of the variance is off"
                )
            raise Incorrect(
                f"wrong for gamma < 1 (with signal = {signal}, noise_var = {noise_var}): below the "
                "threshold the excess risk is pure variance"
            )
        ga = g[above]
        bias_over_gamma = signal / ga + noise_var / (ga - 1)
        if _close(got[above], bias_over_gamma):
            raise Incorrect(
                "above the threshold (gamma > 1) your bias term shrinks as gamma grows; it should grow: "
                "the more parameters per sample, the larger the part of beta the n samples cannot see"
            )
        if _close(got[above], signal * (1 - 1 / ga) + np.sqrt(noise_var) / (ga - 1)):
            raise Incorrect(
                f"above the threshold (gamma > 1, noise_var = {noise_var}) the factor in front of your "
                "variance term is the noise LEVEL sigma = sqrt(noise_var); the variance is proportional to "
                "the noise VARIANCE sigma^2, and the argument noise_var already is sigma^2"
            )
        if _close(got[above], np.sqrt(signal) * (1 - 1 / ga) + noise_var / (ga - 1)):
            raise Incorrect(
                f"above the threshold (gamma > 1, signal = {signal}) the factor in front of your bias term "
                "is r = sqrt(signal); the bias is a fraction of the squared size r^2 of beta, and the "
                "argument signal already is r^2"
            )
        raise Incorrect(
            f"wrong for gamma > 1 (with signal = {signal}, noise_var = {noise_var}): above the "
            "threshold the excess risk is bias plus variance"
        )
    # a single gamma must work too (and give one number)
    out, exc = _quiet(fn, 1.5, 1.0, 0.25)
    if exc is not None:
        raise Incorrect(f"your function works on arrays but raised {_describe(exc)} for a single gamma = 1.5")
    value = expect_number(out, what="isotropic_excess_risk(1.5, 1.0, 0.25)")
    expect_close(value, theory.isotropic_risk(1.5, 1.0, 0.25) - 0.25, what="isotropic_excess_risk(1.5, 1.0, 0.25)")


task1 = Check(
    label="Task 1 (isotropic excess risk)",
    name="ex02.task1",
    grader=_grade_task1,
    hint=(
        "Two branches. For gamma < 1 there is no bias (least squares is unbiased) and the variance is "
        "sigma^2 gamma / (1 - gamma). For gamma > 1 the bias is the part of beta outside the row space "
        "of X, a fraction 1 - 1/gamma of r^2, and the variance is sigma^2 / (gamma - 1). Evaluate "
        "both with np.where(gamma < 1, ..., ...) inside `with np.errstate(divide='ignore')`, then put "
        "np.inf at gamma == 1."
    ),
    reference=isotropic_excess_risk,
)


# ----------------------------------------------------------------------------------------------
# Task 2: bias and variance given the design
# ----------------------------------------------------------------------------------------------

_T2_CASES = ((40, 15, 1.0, 0.25), (40, 28, 2.0, 2.0), (40, 70, 1.0, 0.25), (40, 130, 2.0, 2.0))


def bias_variance_given_design(X, beta, noise_var):
    n, p = X.shape
    _, s, Vt = np.linalg.svd(X, full_matrices=False)
    keep = s > max(n, p) * np.finfo(float).eps * s[0]   # the non-zero singular values
    V = Vt[keep].T                                       # basis of the row space of X (p x rank)
    unseen = beta - V @ (V.T @ beta)                     # (I - P) beta
    bias = float(unseen @ unseen)
    variance = float(noise_var * np.sum(1.0 / s[keep] ** 2))   # sigma^2 tr((X^T X)^+)
    return bias, variance


def _task2_data():
    rng = np.random.default_rng(_SEED)
    for n, p, signal, noise_var in _T2_CASES:
        X = rng.standard_normal((n, p))
        beta = rng.standard_normal(p)
        beta *= np.sqrt(signal) / np.linalg.norm(beta)
        yield X, beta, signal, noise_var


def _grade_task2(fn) -> None:
    for X, beta, signal, noise_var in _task2_data():
        n, p = X.shape
        where = f"for n = {n}, p = {p}"
        out, exc = _quiet(fn, X.copy(), beta.copy(), noise_var)
        if exc is not None:
            if isinstance(exc, np.linalg.LinAlgError) and p > n:
                raise Incorrect(
                    f"{where} your function raised {_describe(exc)}: when p > n the p x p matrix X^T X "
                    "has rank n < p, so it has no ordinary inverse"
                )
            shape_words = ("mismatch", "not aligned", "broadcast")
            if isinstance(exc, ValueError) and n != p and any(w in str(exc) for w in shape_words):
                raise Incorrect(
                    f"{where} your function raised {_describe(exc)}. beta has p entries, so the "
                    "projection acting on it must be p x p: the projection onto the ROW space of X "
                    "(spanned by its rows, vectors of length p), not onto its column space"
                )
            raise Incorrect(f"{where} your function raised {_describe(exc)}")
        if isinstance(out, (str, bytes, dict)):
            raise Incorrect(f"expected a pair (bias, variance), got {type(out).__name__}")
        _reject_text(out, "bias and variance")
        try:
            pair = np.asarray(out, dtype=float)
        except (TypeError, ValueError):
            raise Incorrect(f"expected a pair of numbers (bias, variance), got {type(out).__name__}") from None
        if pair.shape != (2,):
            raise Incorrect(f"expected a pair of two numbers (bias, variance), got shape {pair.shape}")
        bias, variance = pair
        ref_bias, ref_var = bias_variance_given_design(X, beta, noise_var)
        if not np.isfinite(variance) or (p > n and not _close(variance, ref_var) and
                                          (variance < 0 or variance > 100 * ref_var)):
            raise Incorrect(
                f"{where} your variance is {variance:.3g}, far outside any sensible range: when p > n "
                "the p x p matrix X^T X has rank n < p, and inverting it numerically returns garbage"
            )
        if not np.isfinite(bias):
            raise Incorrect(f"{where} your bias is {bias}")
        if _close(bias, ref_bias) and _close(variance, ref_var):
            continue
        if _close(bias, ref_var) and _close(variance, ref_bias):
            raise Incorrect("bias and variance are swapped: return (bias, variance) in that order")
        if not _close(bias, ref_bias):
            if _close(bias, signal - ref_bias):
                raise Incorrect(
                    f"{where} your bias is the squared norm of the part of beta that the data CAN see; "
                    "the bias is the part it cannot see"
                )
            side = "p < n (where the row space is all of R^p)" if p < n else "p > n"
            raise Incorrect(f"{where} your bias is wrong ({side})")
        if _close(variance, ref_var / noise_var):
            raise Incorrect(f"{where} your variance does not scale with the noise level noise_var")
        if _close(variance, ref_var * n):
            raise Incorrect(
                f"{where} your variance is n times too large: use X itself here, not X / sqrt(n)"
            )
        raise Incorrect(f"{where} your variance is wrong")


task2 = Check(
    label="Task 2 (bias and variance given the design)",
    name="ex02.task2",
    grader=_grade_task2,
    hint=(
        "Take the thin SVD X = U diag(s) V^T and keep the non-zero singular values (there are "
        "min(n, p) of them). The columns of V kept span the row space of X: bias = ||beta - V V^T "
        "beta||^2 (zero when p < n). The variance is noise_var times tr((X^T X)^+) = sum 1/s_i^2 over "
        "the kept s_i; np.linalg.pinv works too, np.linalg.inv does not when p > n."
    ),
    reference=bias_variance_given_design,
)


# ----------------------------------------------------------------------------------------------
# Task 3: the smallest non-zero singular value
# ----------------------------------------------------------------------------------------------

_T3_SHAPES = ((60, 20), (60, 45), (50, 50), (40, 90), (30, 150))


def smallest_singular_value(X):
    n, p = X.shape
    s = np.linalg.svd(X / np.sqrt(n), compute_uv=False)   # min(n, p) values, largest first
    return float(s[min(n, p) - 1])                        # the last one is the smallest non-zero


def _grade_task3(fn) -> None:
    rng = np.random.default_rng(_SEED + 3)
    for n, p in _T3_SHAPES:
        X = rng.standard_normal((n, p))
        where = f"for a {n} x {p} design"
        out, exc = _quiet(fn, X.copy())
        if exc is not None:
            note = ""
            if isinstance(exc, IndexError):
                note = f" (X / sqrt(n) has only min(n, p) = {min(n, p)} singular values)"
            raise Incorrect(f"{where} your function raised {_describe(exc)}{note}")
        _reject_text(out, "your value")
        s = np.linalg.svd(X, compute_uv=False)
        ref = float(s[-1] / np.sqrt(n))
        if p > n and out is not None and np.size(out) == 1:
            try:
                value = float(np.asarray(out, dtype=float).reshape(()))
            except (TypeError, ValueError):
                value = None
            if value is not None and (not np.isfinite(value) or abs(value) < 1e-3 * ref):
                raise Incorrect(
                    f"{where} (p > n) your value is {value:.3g}: X^T X is p x p but has rank n, so it "
                    "has p - n eigenvalues that are exactly zero (numerically tiny or even negative). "
                    "The question asks for the smallest NON-ZERO singular value"
                )
        value = expect_number(out, what=f"your value {where}")
        if _close(value, ref):
            continue
        if _close(value, s[-1]):
            raise Incorrect(f"{where} your value is sqrt(n) times too large: use X / sqrt(n), not X")
        if _close(value, ref**2):
            raise Incorrect(f"{where} your value is the square of a singular value (an eigenvalue of X^T X / n)")
        if p != n and _close(value, s[-1] / np.sqrt(p)):
            raise Incorrect(f"{where} you scaled by sqrt(p); scale by sqrt(n), the number of samples")
        if _close(value, s[-1] / n):
            raise Incorrect(f"{where} you divided by n; divide X by sqrt(n)")
        if _close(value, s[0] / np.sqrt(n)):
            raise Incorrect(f"{where} your value is the LARGEST singular value of X / sqrt(n)")
        raise Incorrect(f"{where} your value is wrong")


task3 = Check(
    label="Task 3 (smallest non-zero singular value)",
    name="ex02.task3",
    grader=_grade_task3,
    hint=(
        "np.linalg.svd(A, compute_uv=False) returns the min(n, p) singular values of an n x p matrix, "
        "largest first; a Gaussian design has full rank, so all of them are non-zero. Apply it to "
        "X / sqrt(n). Eigenvalues of X^T X / n are squared singular values, and when p > n p - n of "
        "them are structural zeros."
    ),
    reference=smallest_singular_value,
)


# ----------------------------------------------------------------------------------------------
# Task 4: the best overparameterization ratio
# ----------------------------------------------------------------------------------------------

# Not the lesson's sigma^2 = 0.25: lesson 02 derives gamma* and prints its value for that setting.
_T4_SIGNAL, _T4_NOISE = 1.0, 0.09
_LESSON_NOISE = 0.25
# Accepted: |gamma_star - gamma*| <= 0.5 % of gamma* and |best_excess - E*| <= 0.1 % of E*, bounds
# included (the statement says "within"); a numerical minimum on a grid of spacing 0.01 is accepted.
_T4_GAMMA_RTOL = 5e-3
_T4_EXCESS_RTOL = 1e-3


def _within(value: float, target: float, rtol: float) -> bool:
    """``|value - target| <= rtol |target|``, bound included (up to floating-point round-off)."""
    return abs(value - target) <= rtol * abs(target) * (1 + 1e-9) + 1e-12

_REFERENCE_TASK4 = """\
For gamma > 1 the excess risk is E(gamma) = r^2 (1 - 1/gamma) + sigma^2 / (gamma - 1).
E'(gamma) = r^2 / gamma^2 - sigma^2 / (gamma - 1)^2 = 0  <=>  r (gamma - 1) = sigma gamma
  =>  gamma* = r / (r - sigma)   (needs r > sigma), and
E(gamma*) = r^2 sigma / r + sigma^2 (r - sigma) / sigma = 2 r sigma - sigma^2.
With r^2 = 1 and sigma^2 = 0.09, use r = 1 and sigma = 0.3 (standard deviations, not variances):

r, sigma = np.sqrt(1.0), np.sqrt(0.09)
gamma_star = r / (r - sigma)          # 10/7
best_excess = 2 * r * sigma - sigma**2

At gamma* the slope of the rising bias, r^2 / gamma^2, equals minus the slope of the falling
variance, sigma^2 / (gamma - 1)^2: the two effects balance in their rates of change, not in size.
"""


def _grade_task4(answer) -> None:
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Incorrect(
            f"pass the pair (gamma_star, best_excess) as a tuple, got {type(answer).__name__}"
            + (f" of length {len(answer)}" if isinstance(answer, (tuple, list)) else "")
        )
    gamma_star, best_excess = answer
    _reject_text(answer, "gamma_star and best_excess")
    stub = [x is Ellipsis for x in answer]
    if all(stub):
        raise NotAttempted()
    if stub[0]:
        raise Incorrect("gamma_star is still `...`; answer both values")
    if stub[1]:
        raise Incorrect("best_excess is still `...`; answer both values")
    if isinstance(gamma_star, (int, float, np.number)) and not isinstance(gamma_star, bool) and np.isposinf(gamma_star):
        raise Incorrect(
            "gamma_star = inf is where the variance alone is smallest; the bias grows with gamma, so "
            "minimize the SUM of bias and variance"
        )
    g = expect_number(gamma_star, what="gamma_star")
    e = expect_number(best_excess, what="best_excess")
    r, sigma = np.sqrt(_T4_SIGNAL), np.sqrt(_T4_NOISE)
    want_g, want_e = theory.isotropic_optimal_ratio(_T4_SIGNAL, _T4_NOISE)
    if g <= 1:
        raise Incorrect(f"gamma_star = {g:g}: the question asks for the best ratio beyond the threshold, gamma > 1")
    gamma_ok = _within(g, want_g, _T4_GAMMA_RTOL)
    used_variance = _within(g, r / (r - _T4_NOISE), _T4_GAMMA_RTOL)
    lesson_g, lesson_e = theory.isotropic_optimal_ratio(_T4_SIGNAL, _LESSON_NOISE)
    if not gamma_ok:
        if _within(g, lesson_g, _T4_GAMMA_RTOL):
            raise Incorrect(
                f"gamma_star = {g:g} is the best ratio for the lesson's noise sigma^2 = {_LESSON_NOISE}; "
                f"this task uses sigma^2 = {_T4_NOISE}"
            )
        if used_variance:
            raise Incorrect(
                "you used the noise VARIANCE sigma^2 where the formula needs the noise LEVEL sigma "
                "(its square root); the same goes for r"
            )
        if g > 20:
            raise Incorrect(
                f"gamma_star = {g:g} is far out where the variance alone keeps falling; the bias grows "
                "with gamma, so minimize the SUM of bias and variance"
            )
        raise Incorrect(f"gamma_star = {g:g} is not the minimizer of the excess risk over gamma > 1")
    if _within(e, want_e, _T4_EXCESS_RTOL):
        return
    excess_at = theory.isotropic_risk(want_g, _T4_SIGNAL, _T4_NOISE) - _T4_NOISE
    if _within(e, want_e + _T4_NOISE, _T4_EXCESS_RTOL):
        raise Incorrect("best_excess is the risk including the noise; the question asks for the EXCESS risk")
    if _within(e, lesson_e, _T4_EXCESS_RTOL):
        raise Incorrect(
            f"best_excess is the value for the lesson's noise sigma^2 = {_LESSON_NOISE}; this task uses "
            f"sigma^2 = {_T4_NOISE}"
        )
    if _within(e, 2 * r * _T4_NOISE - _T4_NOISE**2, _T4_EXCESS_RTOL):
        raise Incorrect(
            "best_excess: you used the noise VARIANCE sigma^2 where the formula needs the noise LEVEL "
            "sigma (its square root)"
        )
    _, variance_part = theory.isotropic_bias_variance(want_g, _T4_SIGNAL, _T4_NOISE)
    bias_part = excess_at - variance_part
    if _within(e, variance_part, _T4_EXCESS_RTOL) or _within(e, bias_part, _T4_EXCESS_RTOL):
        raise Incorrect("best_excess is only one of the two terms; the excess risk is bias PLUS variance")
    raise Incorrect("gamma_star is right but best_excess is not the excess risk at gamma_star")


task4 = Check(
    label="Task 4 (the best overparameterization)",
    name="ex02.task4",
    grader=_grade_task4,
    hint=(
        "For gamma > 1 write the excess risk as bias + variance, differentiate with respect to gamma "
        "and set the derivative to zero (or minimize your Task 1 function on a fine grid of gamma > 1). "
        "The closed form uses r and sigma, the square roots of the signal r^2 and of the noise variance "
        "sigma^2 (here r^2 = 1 and sigma^2 = 0.09). For the question on what balances at gamma*: look "
        "at what the derivative being zero says about the slopes of the bias and of the variance."
    ),
    reference=_REFERENCE_TASK4,
)
