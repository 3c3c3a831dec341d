"""Checks for exercise 01 — least squares and interpolation.

Used by ``exercises/01_least_squares_and_interpolation.ipynb``::

    from overparam.checks import ex01
    ex01.task1.check(min_norm_interpolator)

Tasks
-----
task1
    ``min_norm_interpolator(X, y)``: the min-norm interpolator ``X^T (X X^T)^{-1} y`` for ``p > n``.
task2
    ``gradient_descent(X, y, n_steps, step_size)``: gradient descent from zero on
    ``L(w) = ||y - X w||^2 / (2n)``, returning the last iterate.
task3
    ``component_outside_row_space(X, w0)``: the orthogonal projection of ``w0`` onto the null space
    of ``X`` (the part of a starting point that gradient descent never changes).
task4
    ``ridge_solution(X, y, penalty)``: ridge with the course convention
    ``(X^T X + n * penalty * I)^{-1} X^T y``.
task5
    ``fraction_outside``: the expected fraction of ``||w0||^2`` outside the row space of a full-rank
    ``20 x 60`` design, for an isotropic Gaussian ``w0``.

Every grader draws its own seeded data (several sizes), compares with the library
(:mod:`overparam.fit`) and, when the answer is wrong, names the likely mistake — a wrong shape, a
missing factor ``1/n``, the wrong penalty convention, the wrong starting point — without printing the
expected numbers. Introduced in exercise 01.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np

from .. import fit
from . import Check, Incorrect, call, expect_array, expect_number

__all__ = ["task1", "task2", "task3", "task4", "task5"]

#: Relative tolerance (in norm) for answers that a correct float64 implementation reproduces to
#: round-off; the diagnosed mistakes are off by 1e-3 or (much) more on the grader's data.
_RTOL = 1e-6


# ----------------------------------------------------------------------------------------------
# Reference solutions (what ``taskK.solution()`` prints)
# ----------------------------------------------------------------------------------------------


def min_norm_interpolator(X, y):
    """Min-norm interpolator ``w = X^T (X X^T)^{-1} y`` for a design with ``p > n``."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    alpha = np.linalg.solve(X @ X.T, y)  # n x n system: one coefficient per training sample
    return X.T @ alpha  # a combination of the rows of X, so it lies in the row space


def gradient_descent(X, y, n_steps, step_size):
    """Gradient descent from ``w = 0`` on ``L(w) = ||y - X w||^2 / (2n)``; returns the last iterate."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, p = X.shape
    w = np.zeros(p)
    for _ in range(n_steps):
        gradient = X.T @ (X @ w - y) / n
        w = w - step_size * gradient
    return w


def component_outside_row_space(X, w0):
    """Orthogonal projection of ``w0`` onto the null space of ``X`` (``X`` of full row rank)."""
    X = np.asarray(X, dtype=float)
    w0 = np.asarray(w0, dtype=float)
    inside = X.T @ np.linalg.solve(X @ X.T, X @ w0)  # projection onto the row space
    return w0 - inside


def ridge_solution(X, y, penalty):
    """Ridge ``(X^T X + n*penalty*I)^{-1} X^T y``: the n x n form for p > n, the p x p form otherwise."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, p = X.shape
    if p > n:  # n x n (dual) form; X X^T is invertible, X^T X is not
        alpha = np.linalg.solve(X @ X.T + n * penalty * np.eye(n), y)
        return X.T @ alpha  # equal to (X^T X + n*penalty*I)^{-1} X^T y (push-through identity)
    return np.linalg.solve(X.T @ X + n * penalty * np.eye(p), X.T @ y)  # p x p (primal) form


_TASK5_REFERENCE = """\
# The null space of a full-rank 20 x 60 design has dimension 60 - 20 = 40. An isotropic Gaussian w0
# spreads its squared norm evenly over the 60 directions of any orthonormal basis, so on average
# 40/60 of ||w0||^2 lies in the null space (outside the row space):
fraction_outside = (60 - 20) / 60

# A Monte Carlo check with your function from task 3:
# rng = np.random.default_rng(0)
# X = rng.standard_normal((20, 60))
# draws = [component_outside_row_space(X, w0) for w0 in rng.standard_normal((2000, 60))]
# ... the mean of ||component||^2 / ||w0||^2 is close to 0.667.
"""


# ----------------------------------------------------------------------------------------------
# Grader helpers
# ----------------------------------------------------------------------------------------------


def _design(seed: int, n: int, p: int) -> tuple[np.ndarray, np.ndarray]:
    """A seeded Gaussian design and labels (the graders' own data)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ (rng.standard_normal(p) / np.sqrt(p)) + 0.5 * rng.standard_normal(n)
    return X, y


def _rel_gap(value: np.ndarray, expected: np.ndarray) -> float:
    """``||value - expected|| / ||expected||`` (or the plain norm if ``expected`` is zero)."""
    scale = np.linalg.norm(expected)
    gap = np.linalg.norm(value - expected)
    return float(gap / scale) if scale > 0 else float(gap)


def _near(value: np.ndarray, expected: np.ndarray, rtol: float = _RTOL) -> bool:
    return _rel_gap(value, expected) <= rtol


def _multiple_of(value: np.ndarray, expected: np.ndarray, rtol: float = 1e-4) -> float | None:
    """The factor ``c`` if ``value`` is ``c * expected`` (up to ``rtol``), else ``None``."""
    denom = float(expected @ expected)
    if denom == 0.0:
        return None
    c = float(value @ expected) / denom
    if c != 0.0 and _rel_gap(value, c * expected) <= rtol:
        return c
    return None


def _call_array(fn, args, shape, what):
    """Call the learner's function on copies of ``args`` and check the shape of the result."""
    copies = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
    # A wrong answer may overflow or divide by zero: the check reports it, numpy need not warn.
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        result = call(fn, *copies, what=what)
        return expect_array(result, shape, what="the returned array")


def _quietly(grader):
    """Run a grader with numpy's floating-point warnings silenced.

    A wrong answer may be huge (gradient ascent, a missing 1/n): comparing it may overflow, and the
    check reports that as incorrect without printing a warning into the learner's notebook.
    """

    @functools.wraps(grader)
    def quiet(answer):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return grader(answer)

    return quiet


def _size_text(n: int, p: int) -> str:
    return f"n = {n} samples, p = {p} features"


# ----------------------------------------------------------------------------------------------
# Task 1: the min-norm interpolator
# ----------------------------------------------------------------------------------------------

_TASK1_CASES = ((101, 4, 10), (102, 20, 60), (103, 50, 80))


def _grade_task1(fn) -> None:
    for seed, n, p in _TASK1_CASES:
        X, y = _design(seed, n, p)
        where = f"(on a design with {_size_text(n, p)})"
        try:
            w = _call_array(fn, (X, y), (p,), "min_norm_interpolator")
        except Incorrect as exc:
            text = str(exc)
            if "LinAlgError" in text:
                text += (
                    ". For p > n the p x p matrix X^T X has rank n < p and is singular; the n x n "
                    "matrix X X^T is invertible"
                )
            raise Incorrect(f"{text} {where}") from None
        reference = fit.min_norm_least_squares(X, y)
        if _near(w, reference):
            continue
        residual = _rel_gap(X @ w, y)
        if residual > 1e-6:
            factor = _multiple_of(w, X.T @ y)
            if factor is not None:
                raise Incorrect(
                    f"your w is a multiple of X^T y {where}: it lies in the row space but does not "
                    "fit the data (X @ w differs from y); the (X X^T)^{-1} factor is missing"
                )
            raise Incorrect(
                f"your w does not interpolate {where}: X @ w differs from y by a relative "
                f"{residual:.2g}, although for p > n exact interpolators exist (if you inverted the "
                "p x p matrix X^T X: it is singular when p > n)"
            )
        raise Incorrect(
            f"your w interpolates the data {where} but is not the interpolator of smallest norm: it "
            "has a component outside the row space of X. (Solving with the p x p matrix X^T X, "
            "which is singular when p > n, picks an arbitrary interpolator.)"
        )


task1 = Check(
    label="Task 1 (min-norm interpolator)",
    name="ex01.task1",
    grader=_quietly(_grade_task1),
    hint=(
        "Look for w in the row space of X, w = X^T alpha with alpha in R^n. Then X w = y becomes the "
        "n x n system (X X^T) alpha = y: solve it with np.linalg.solve, and return X^T alpha, an "
        "array of shape (p,)."
    ),
    reference=min_norm_interpolator,
)


# ----------------------------------------------------------------------------------------------
# Task 2: gradient descent from zero
# ----------------------------------------------------------------------------------------------

# (seed, n, p, n_steps, step size as a fraction of 1/L with L = sigma_max(X)^2 / n). No fraction is
# 0.5: there a run that ignores step_size and uses 1/L would look exactly like a gradient twice too
# large, and the check could not tell the two mistakes apart.
_TASK2_CASES = (
    (201, 10, 30, 0, 0.3),
    (202, 10, 30, 1, 0.3),
    (203, 20, 50, 25, 0.9),
    (204, 40, 15, 60, 1.0),
    (205, 12, 40, 400, 1.0),
)


def _plain_gd(X, y, n_steps, step_size, scale, w0=None) -> np.ndarray:
    """Gradient descent with the gradient ``X^T (X w - y) * scale`` (for diagnosing mistakes)."""
    w = np.zeros(X.shape[1]) if w0 is None else np.array(w0, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_steps):
            w = w - step_size * scale * (X.T @ (X @ w - y))
    return w


def _diagnose_gd(fn, w, X, y, n_steps, step_size, where) -> None:
    """Raise :class:`Incorrect` naming the most likely mistake of a wrong GD result ``w = fn(...)``."""
    n = X.shape[0]
    # Ignoring the step_size argument comes first: with its own fixed step (often 1/L) a run can
    # mimic a wrongly scaled gradient, and the scaling messages below would then blame the wrong thing.
    default_step = n / np.linalg.norm(X, 2) ** 2
    if _near(w, _plain_gd(X, y, n_steps, default_step, 1.0 / n), 1e-6):
        raise Incorrect(
            f"your function seems to ignore its step_size argument and use the step 1/L = "
            f"n / sigma_max(X)^2 instead {where}; take steps of the given size step_size"
        )
    mistakes = (
        (-1.0 / n, "your iterates move uphill: the step must go against the gradient, w <- w - step_size * gradient"),
        (1.0, "the gradient is missing the factor 1/n: the loss is ||y - X w||^2 / (2n), so its gradient is X^T (X w - y) / n"),
        (2.0 / n, "your steps are twice too long: if you differentiated the loss yourself, note the 1/2 in front, ||y - X w||^2 / (2n), which cancels the 2 of the square, so the gradient is X^T (X w - y) / n"),
        (1.0 / (2.0 * n), "the gradient is half what it should be: the 1/2 in the loss cancels the 2 from differentiating the square"),
    )
    for scale, message in mistakes:
        candidate = _plain_gd(X, y, n_steps, step_size, scale)
        if np.all(np.isfinite(candidate)) and _near(w, candidate, 1e-6):
            raise Incorrect(f"{message} {where}")
    for extra, word in ((1, "one step too many"), (-1, "one step too few")):
        if n_steps + extra >= 0 and _near(w, _plain_gd(X, y, n_steps + extra, step_size, 1.0 / n), 1e-6):
            raise Incorrect(f"your function takes {word} {where}: take exactly n_steps steps")
    try:
        other = _call_array(fn, (X, y, n_steps, 0.5 * step_size), (X.shape[1],), "gradient_descent")
    except Incorrect:
        other = None
    if other is not None and np.array_equal(other, w):
        raise Incorrect(
            f"your result does not change when step_size changes {where}: use the argument "
            "step_size in the update w <- w - step_size * gradient"
        )
    reference = _plain_gd(X, y, n_steps, step_size, 1.0 / n)
    raise Incorrect(
        f"your final iterate differs from gradient descent from zero {where} by a relative "
        f"{_rel_gap(w, reference):.2g}; check the update w <- w - step_size * X^T (X w - y) / n"
    )


def _grade_task2(fn) -> None:
    for seed, n, p, n_steps, fraction in _TASK2_CASES:
        X, y = _design(seed, n, p)
        step_size = fraction * n / np.linalg.norm(X, 2) ** 2
        where = f"(with {_size_text(n, p)}, n_steps = {n_steps}, step_size = {step_size:.3g})"
        try:
            w = _call_array(fn, (X, y, n_steps, step_size), (p,), "gradient_descent")
        except Incorrect as exc:
            raise Incorrect(f"{exc} {where}") from None
        reference = fit.gradient_descent(X, y, n_steps, step_size=step_size).weights
        if _near(w, reference):
            continue
        if n_steps == 0:
            if _near(w, _plain_gd(X, y, 1, step_size, 1.0 / n), 1e-6):
                raise Incorrect(f"your function takes one step too many {where}: take exactly n_steps steps")
            raise Incorrect(
                f"with n_steps = 0 your function should return the starting point, and gradient "
                f"descent here starts at w = 0 (np.zeros(p)); yours returned something else {where}"
            )
        _diagnose_gd(fn, w, X, y, n_steps, step_size, where)


task2 = Check(
    label="Task 2 (gradient descent from zero)",
    name="ex01.task2",
    grader=_quietly(_grade_task2),
    hint=(
        "Start from w = np.zeros(p). The gradient of L(w) = ||y - X w||^2 / (2n) is "
        "X^T (X w - y) / n; repeat w = w - step_size * gradient exactly n_steps times and return w "
        "(an array of shape (p,))."
    ),
    reference=gradient_descent,
)


# ----------------------------------------------------------------------------------------------
# Task 3: the component of a starting point outside the row space
# ----------------------------------------------------------------------------------------------

_TASK3_CASES = ((301, 5, 12), (302, 20, 50), (303, 30, 45))


def _grade_task3(fn) -> None:
    for seed, n, p in _TASK3_CASES:
        rng = np.random.default_rng(seed)
        X = rng.standard_normal((n, p))
        w0 = rng.standard_normal(p)
        where = f"(on a design with {_size_text(n, p)})"
        try:
            r = _call_array(fn, (X, w0), (p,), "component_outside_row_space")
        except Incorrect as exc:
            raise Incorrect(f"{exc} {where}") from None
        inside = fit.min_norm_least_squares(X, X @ w0)  # projection of w0 onto the row space
        reference = w0 - inside
        if _near(r, reference):
            continue
        if _near(r, inside):
            raise Incorrect(
                f"you returned the component inside the row space of X {where}; the task asks for "
                "the rest of w0, the part in the null space of X"
            )
        if _near(r, w0):
            raise Incorrect(f"you returned w0 unchanged {where}; remove its row-space component")
        leak = np.linalg.norm(X @ r) / (np.linalg.norm(X, 2) * max(np.linalg.norm(r), 1e-300))
        if leak > 1e-6:
            raise Incorrect(
                f"X @ result is not zero {where}, so your vector is not in the null space of X "
                "(the directions that gradient descent never moves along)"
            )
        raise Incorrect(
            f"your vector lies in the null space of X {where} but is not the orthogonal projection "
            "of w0: w0 minus your vector should lie in the row space of X"
        )


task3 = Check(
    label="Task 3 (component outside the row space)",
    name="ex01.task3",
    grader=_quietly(_grade_task3),
    hint=(
        "Project w0 onto the row space first: it is the min-norm solution v of X v = X w0, that is "
        "X^T (X X^T)^{-1} X w0 (your task-1 formula with y = X w0). The component outside the row "
        "space is what is left: w0 minus that projection."
    ),
    reference=component_outside_row_space,
)


# ----------------------------------------------------------------------------------------------
# Task 4: ridge with the course convention
# ----------------------------------------------------------------------------------------------

# (seed, n, p, penalties, largest first so that a convention mistake shows where it matters most)
_TASK4_CASES = (
    (401, 20, 50, (1.0, 0.01, 1e-6)),
    (402, 40, 15, (0.5, 0.01)),
    (403, 10, 40, (2.0, 1e-4, 1e-6)),
)

_CONVENTION = (
    "the course minimizes (1/n) ||y - X w||^2 + penalty * ||w||^2, whose solution adds "
    "n * penalty * I to X^T X"
)


def _grade_task4(fn) -> None:
    for seed, n, p, penalties in _TASK4_CASES:
        X, y = _design(seed, n, p)
        for penalty in penalties:
            where = f"(with {_size_text(n, p)}, penalty = {penalty:g})"
            try:
                w = _call_array(fn, (X, y, penalty), (p,), "ridge_solution")
            except Incorrect as exc:
                raise Incorrect(f"{exc} {where}") from None
            reference = fit.ridge(X, y, penalty)
            if _near(w, reference):
                continue
            if _near(w, fit.ridge(X, y, penalty / n), 1e-6):
                raise Incorrect(
                    f"your result matches ridge with penalty * I added to X^T X, without the "
                    f"factor n {where}; {_CONVENTION}"
                )
            if _near(w, fit.ridge(X, y, penalty * n), 1e-6):
                raise Incorrect(
                    f"your result matches ridge with n^2 * penalty * I, the factor n applied twice "
                    f"{where}; {_CONVENTION}"
                )
            if _near(w, fit.min_norm_least_squares(X, y), 1e-6):
                raise Incorrect(f"your result does not depend on the penalty {where}")
            factor = _multiple_of(w, reference)
            if factor is not None:
                raise Incorrect(
                    f"your result is a constant multiple of the ridge solution {where}: check that "
                    "X^T X and X^T y are scaled the same way"
                )
            raise Incorrect(
                f"your result differs from ridge by a relative {_rel_gap(w, reference):.2g} "
                f"{where}; {_CONVENTION}"
            )


task4 = Check(
    label="Task 4 (ridge, course convention)",
    name="ex01.task4",
    grader=_quietly(_grade_task4),
    hint=(
        "Setting the gradient of (1/n)||y - X w||^2 + penalty * ||w||^2 to zero gives "
        "(X^T X + n * penalty * I) w = X^T y. The n x n form "
        "w = X^T (X X^T + n * penalty * I)^{-1} y is the same vector: use it when p > n and the "
        "p x p form when p < n (each becomes ill-conditioned for tiny penalties in the other "
        "regime). Return an array of shape (p,)."
    ),
    reference=ridge_solution,
)


# ----------------------------------------------------------------------------------------------
# Task 5: how much of a random start survives gradient descent
# ----------------------------------------------------------------------------------------------

_TASK5_N, _TASK5_P = 20, 60
#: Allowed gap: a Monte Carlo estimate from a few hundred draws has a standard error of about 0.006
#: (the per-draw fraction is Beta(20, 10)-distributed, standard deviation 0.085).
_TASK5_TOL = 0.02


def _grade_task5(answer) -> None:
    if answer is None:
        raise Incorrect(
            "fraction_outside is None; assign it a number between 0 and 1 (a plain number, or an "
            "expression that evaluates to one)"
        )
    value = expect_number(answer, what="fraction_outside")
    n, p = _TASK5_N, _TASK5_P
    truth = (p - n) / p
    if abs(value - truth) <= _TASK5_TOL:
        return
    if value > 1.0 or value < 0.0:
        if abs(value - (p - n)) < 0.5:
            raise Incorrect(
                "that is the dimension of the null space; the question asks for the fraction of "
                "||w0||^2, a number between 0 and 1"
            )
        raise Incorrect("a fraction of a squared norm lies between 0 and 1")
    if abs(value - n / p) <= _TASK5_TOL:
        raise Incorrect(
            "that is the fraction inside the row space (the part gradient descent can change); the "
            "question asks for the part outside it"
        )
    if abs(value - np.sqrt(truth)) <= _TASK5_TOL:
        raise Incorrect(
            "that looks like a ratio of norms, ||component|| / ||w0||; the question asks for the "
            "ratio of squared norms"
        )
    raise Incorrect(
        "not the expected fraction: count the dimensions of the null space and of the whole space "
        "(or average ||component||^2 / ||w0||^2 over many random w0 with your task-3 function)"
    )


task5 = Check(
    label="Task 5 (how much of a random start survives)",
    name="ex01.task5",
    grader=_quietly(_grade_task5),
    hint=(
        "What are the dimensions of the row space and of the null space of a full-rank 20 x 60 "
        "design? How does an isotropic Gaussian w0 share its squared norm, on average, between "
        "orthogonal subspaces? (Or estimate it: average ||component||^2 / ||w0||^2 over a few "
        "hundred random w0 with your task-3 function.)"
    ),
    reference=_TASK5_REFERENCE,
)
