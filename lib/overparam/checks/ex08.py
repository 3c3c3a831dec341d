"""Checks for exercise 08 — retraining and correlations: ``from overparam.checks import ex08``.

Four tasks, each graded on the grader's own seeded data (more than one input per task):

1. ``best_support_weights(cov, beta, noise_var, support)`` — the pair ``(b_S, floor)``: the best
   weights a model on the features ``S`` can have, ``b_S = beta_S + Sigma_SS^{-1} Sigma_{S,Sc}
   beta_Sc``, and their risk (a Schur complement), compared with
   :meth:`overparam.models.CorrelatedProblem.best_support_weights`;
2. ``pruning_cost(cov, beta, w_S, support)`` — what pruned weights ``w_S`` pay on top of the
   floor, ``(w_S - b_S)^T Sigma_SS (w_S - b_S)``, compared with the exact risk of the pruned model
   minus the floor (:meth:`~overparam.models.CorrelatedProblem.risk`);
3. ``retrained_risk(cov, beta, noise_var, n, support)`` — the exact expected risk of retraining
   on the fixed support (the small model on ``S`` trained on ``n`` Gaussian samples),
   ``floor_S * (1 + s / (n - s - 1))``, and ``np.inf`` when ``s >= n - 1``; the floor is compared with
   :meth:`overparam.models.CorrelatedProblem.best_support_weights`, and the usual slips (the large-n
   factor ``n / (n - s)``, the label noise or the floor alone, the excess risk, ...) get their own
   messages;
4. ``design = (cov, beta, noise_var)`` — a correlated problem in which retraining is essential
   *because of* the correlations: with the learner's covariance, oracle pruning of a min-norm fit
   on all ``d = 200`` features from ``n = 100`` samples must lose at least a factor
   :data:`TASK4_MIN_GAIN` to pruning with retraining; with the same ``beta`` and noise but
   independent unit-variance features, retraining may gain at most a factor :data:`TASK4_MAX_GAIN_INDEPENDENT`.
   Both are measured by :func:`overparam.experiments.pruning_sweep` with a fixed seed.

Use in the notebook: ``ex08.task1.check(best_support_weights)``, ..., ``ex08.task4.check(design)``.
"""

from __future__ import annotations

import warnings

import numpy as np

from .. import experiments, models
from . import Check, Incorrect, NotAttempted, attempt, describe_exception, expect_array, expect_number
from . import call_quietly as _quiet_call

__all__ = [
    "task1",
    "task2",
    "task3",
    "task4",
    "TASK4_D",
    "TASK4_N",
    "TASK4_S",
    "TASK4_TRIALS",
    "TASK4_MIN_EIG",
    "TASK4_MIN_GAIN",
    "TASK4_MAX_GAIN_INDEPENDENT",
]

#: Task 4's problem size: features in the universe (and in the dense model), training samples,
#: weights kept (the first ``TASK4_S`` features, which must be the oracle's choice).
TASK4_D, TASK4_N, TASK4_S = 200, 100, 20
#: Monte Carlo trials of Task 4's measurement, and its seed (fixed: the grade is reproducible).
TASK4_TRIALS, TASK4_SEED = 20, 8004
#: Smallest eigenvalue allowed for the covariance of Task 4 (a well-posed, samplable problem).
TASK4_MIN_EIG = 0.01
#: With correlations: risk without retraining / risk with retraining must be at least this.
TASK4_MIN_GAIN = 2.0
#: With independent features (same beta, noise): the same ratio must be at most this.
TASK4_MAX_GAIN_INDEPENDENT = 1.1


def _close(a, b, rtol: float = 1e-7, atol: float = 1e-10) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _reject_text(value, what: str) -> None:
    items = value if isinstance(value, (tuple, list)) else [value]
    if any(isinstance(item, (str, bytes)) for item in items):
        raise Incorrect(f"{what} should be numbers, not text")


def _random_cov(rng, d: int, k: int) -> np.ndarray:
    """A correlated covariance with unequal variances: ``A A^T / k + 0.2 I``."""
    A = rng.standard_normal((d, k))
    return A @ A.T / k + 0.2 * np.eye(d)


def _size(value) -> int:
    """Number of entries of a learner's value, or -1 when it is not a regular array."""
    try:
        return int(np.asarray(value, dtype=float).size)
    except (TypeError, ValueError):
        return -1


def _complement(d: int, support: np.ndarray) -> np.ndarray:
    return np.setdiff1d(np.arange(d), support)


# ----------------------------------------------------------------------------------------------
# Task 1: the best weights on a support, and their floor
# ----------------------------------------------------------------------------------------------


def best_support_weights(cov, beta, noise_var, support):
    """Best weights of a model that sees only the features in ``support``, and their risk (reference).

    Setting the gradient of R(w) = sigma^2 + (w - beta)^T Sigma (w - beta) over w supported on S to
    zero gives Sigma_SS b_S = (Sigma beta)_S = Sigma_SS beta_S + Sigma_{S,Sc} beta_Sc.
    """
    cov = np.asarray(cov, dtype=float)
    beta = np.asarray(beta, dtype=float)
    S = np.asarray(support)
    C = np.setdiff1d(np.arange(beta.size), S)                  # the omitted features Sc
    cov_SS, cov_SC, cov_CC = cov[np.ix_(S, S)], cov[np.ix_(S, C)], cov[np.ix_(C, C)]
    b_S = beta[S] + np.linalg.solve(cov_SS, cov_SC @ beta[C])
    schur = cov_CC - cov_SC.T @ np.linalg.solve(cov_SS, cov_SC)   # what S cannot predict of x_Sc
    floor = noise_var + beta[C] @ schur @ beta[C]
    return b_S, float(floor)


def _task1_cases():
    rng = np.random.default_rng(8001)
    cases = []
    cov = _random_cov(rng, 12, 4)
    cases.append((cov, rng.standard_normal(12), 0.3, np.array([7, 2, 5, 10])))  # unsorted support
    ar1 = models.ar1_problem(30, 0.7, rng.standard_normal(30) / 3, 0.1)
    cases.append((ar1.cov, ar1.beta, ar1.noise_var, np.arange(6)))
    eq = models.equicorrelated_problem(15, 0.4, np.abs(rng.standard_normal(15)), 0.5)
    cases.append((eq.cov, eq.beta, eq.noise_var, np.array([1, 4, 8, 13, 14])))
    return cases


def _task1_wrong_b(cov, beta, S):
    C = _complement(beta.size, S)
    cross = cov[np.ix_(S, C)] @ beta[C]
    return (
        (beta[S], "b_S equals beta_S: with correlated features the kept features also stand in for the "
         "omitted features they correlate with (the term Sigma_SS^{-1} Sigma_{S,Sc} beta_Sc)"),
        (beta[S] + cross, "the correction Sigma_{S,Sc} beta_Sc must go through Sigma_SS^{-1} (solve a linear "
         "system with Sigma_SS), not be added as it is"),
        (np.linalg.solve(cov[np.ix_(S, S)], cross), "you returned only the correction; b_S is beta_S plus it"),
        (beta[S] - np.linalg.solve(cov[np.ix_(S, S)], cross), "check the sign of the correction: positively "
         "correlated omitted features with positive coefficients make the kept weights larger"),
    )


def _task1_wrong_floor(cov, beta, noise_var, S):
    C = _complement(beta.size, S)
    cov_SC = cov[np.ix_(S, C)]
    full = beta[C] @ cov[np.ix_(C, C)] @ beta[C]
    explained = (cov_SC @ beta[C]) @ np.linalg.solve(cov[np.ix_(S, S)], cov_SC @ beta[C])
    return (
        (full - explained, "the floor is a risk (test MSE including noise): add the label noise sigma^2"),
        (noise_var + full, "that is the floor if the kept features could predict nothing of the omitted "
         "ones (the risk of b_S = beta_S); subtract what they predict — the Schur complement "
         "Sigma_ScSc - Sigma_ScS Sigma_SS^{-1} Sigma_SSc"),
        (noise_var + full + explained, "check the sign in the Schur complement: the kept features "
         "remove part of the omitted signal, so the floor is smaller than sigma^2 + beta_Sc^T Sigma_ScSc beta_Sc"),
        (noise_var + beta @ cov @ beta, "that is the risk of predicting zero (the null risk), not the floor "
         "of the best model on S"),
        (noise_var, "the floor also contains the part of the omitted signal that the kept features "
         "cannot predict"),
    )


def _grade_task1(fn) -> None:
    for cov, beta, noise_var, support in _task1_cases():
        d, s = beta.size, support.size
        what = f"best_support_weights(...) with d = {d}, support of size {s}"
        raw = _quiet_call(fn, cov.copy(), beta.copy(), noise_var, support.copy(), what="best_support_weights")
        if not isinstance(raw, (tuple, list)) or len(raw) != 2:
            raise Incorrect(
                f"{what} returned a {type(raw).__name__}"
                + (f" of length {len(raw)}" if isinstance(raw, (tuple, list)) else "")
                + "; return the pair (b_S, floor)"
            )
        b, floor = raw
        _reject_text(raw, "b_S and floor")
        if _size(b) == 1 and _size(floor) == s and s > 1:
            raise Incorrect("return the pair in the order (b_S, floor): the weights first, then the floor")
        if _size(b) == d and s < d:
            raise Incorrect(
                f"b_S has {d} entries, one per feature of the universe; return one weight per feature in "
                f"support (shape ({s},)), in the order of support"
            )
        b = expect_array(b, (s,), what=f"b_S (support of size {s})")
        floor = expect_number(floor, what="floor")
        ref_b, ref_floor = models.CorrelatedProblem(cov, beta, noise_var).best_support_weights(support)
        if not _close(b, ref_b):
            order = np.argsort(support)
            sorted_b, _ = models.CorrelatedProblem(cov, beta, noise_var).best_support_weights(np.sort(support))
            if not np.array_equal(order, np.arange(s)) and _close(b, sorted_b):
                raise Incorrect(
                    "your weights are those of the sorted support; return them in the order of `support` "
                    "(entry k belongs to feature support[k])"
                )
            for wrong, reason in _task1_wrong_b(cov, beta, support):
                if _close(b, wrong):
                    raise Incorrect(reason)
            gap = np.max(np.abs(b - ref_b)) / np.max(np.abs(ref_b))
            raise Incorrect(
                f"{what}: b_S is off by a relative {gap:.2g}. b_S minimizes the risk over weights on S: "
                "set its gradient to zero and solve for b_S"
            )
        if not np.isclose(floor, ref_floor, rtol=1e-7, atol=1e-10):
            for wrong, reason in _task1_wrong_floor(cov, beta, noise_var, support):
                if np.isclose(floor, wrong, rtol=1e-7, atol=1e-10):
                    raise Incorrect(reason)
            raise Incorrect(
                f"{what}: your b_S is right but the floor is off by a relative "
                f"{abs(floor - ref_floor) / ref_floor:.2g}. The floor is the risk of b_S: sigma^2 + "
                "(w - beta)^T Sigma (w - beta) with w = b_S on S and 0 elsewhere"
            )


task1 = Check(
    label="Task 1 (best weights on a support)",
    name="ex08.task1",
    grader=_grade_task1,
    hint=(
        "Let C be the omitted features: C = np.setdiff1d(np.arange(d), support). Take the blocks "
        "cov[np.ix_(S, S)], cov[np.ix_(S, C)], cov[np.ix_(C, C)]. Then b_S = beta[S] + "
        "np.linalg.solve(cov_SS, cov_SC @ beta[C]), and the floor is noise_var + beta[C] @ (cov_CC - "
        "cov_SC.T @ np.linalg.solve(cov_SS, cov_SC)) @ beta[C]. Check the floor: it must equal the risk "
        "sigma^2 + (w - beta)^T cov (w - beta) of w = b_S on S, zero elsewhere."
    ),
    reference=best_support_weights,
)


# ----------------------------------------------------------------------------------------------
# Task 2: the cost of pruning without retraining
# ----------------------------------------------------------------------------------------------


def pruning_cost(cov, beta, w_S, support):
    """What pruned weights ``w_S`` on ``support`` pay on top of the floor (reference solution).

    The risk of w (w_S on S, zero elsewhere) is floor + (w_S - b_S)^T Sigma_SS (w_S - b_S):
    expand R(w) around its minimizer b_S over weights on S (the cross term vanishes there).
    """
    cov = np.asarray(cov, dtype=float)
    S = np.asarray(support)
    b_S, _ = best_support_weights(cov, beta, 0.0, S)   # the noise does not move b_S
    gap = np.asarray(w_S, dtype=float) - b_S
    return float(gap @ cov[np.ix_(S, S)] @ gap)


def _task2_cases():
    rng = np.random.default_rng(8002)
    cases = []
    cov = _random_cov(rng, 10, 3)
    beta = rng.standard_normal(10)
    S = np.array([8, 1, 4])
    cases.append((cov, beta, 0.5 * beta[S] + 0.1 * rng.standard_normal(3), S))
    ar1 = models.ar1_problem(40, 0.6, 1.0 / np.arange(1, 41), 0.1)
    S = np.arange(8)
    cases.append((ar1.cov, ar1.beta, 0.6 * ar1.beta[S], S))         # shrunk true coefficients
    eq = models.equicorrelated_problem(25, 0.5, np.abs(rng.standard_normal(25)), 0.3)
    S = np.array([3, 9, 10, 17, 20, 24])
    cases.append((eq.cov, eq.beta, eq.beta[S].copy(), S))           # exactly beta_S
    return cases


def _grade_task2(fn) -> None:
    for cov, beta, w_S, support in _task2_cases():
        d, s = beta.size, support.size
        what = f"pruning_cost(...) with d = {d}, support of size {s}"
        raw = _quiet_call(fn, cov.copy(), beta.copy(), w_S.copy(), support.copy(), what="pruning_cost")
        if isinstance(raw, (tuple, list)):
            raise Incorrect(f"{what} returned a {type(raw).__name__}; return one number, the cost")
        value = expect_number(raw, what=what)
        problem = models.CorrelatedProblem(cov, beta, 1.0)
        w = np.zeros(d)
        w[support] = w_S
        b_S, floor = problem.best_support_weights(support)
        expected = problem.risk(w) - floor
        if np.isclose(value, expected, rtol=1e-7, atol=1e-10):
            continue
        cov_SS = cov[np.ix_(support, support)]
        to_beta = w_S - beta[support]
        to_b = w_S - b_S
        wrongs = (
            (to_beta @ cov_SS @ to_beta, "you measured the distance to beta_S; the pruned model can at best "
             "reach b_S, the best weights on S, so the cost is measured from b_S"),
            (to_b @ to_b, "weight the error by Sigma_SS: the risk is a quadratic form in the covariance, "
             "(w_S - b_S)^T Sigma_SS (w_S - b_S)"),
            (np.sqrt(max(expected, 0.0)), "return the quadratic form itself, not its square root"),
            (expected + floor, "that is the whole risk of the pruned model; the cost is what it pays on top "
             "of the floor"),
            (expected + floor - 1.0, "that is the excess risk of the pruned model over the label noise "
             "(its distance to beta); the cost is its distance to the floor of the best model on S"),
        )
        for wrong, reason in wrongs:
            if np.isclose(value, wrong, rtol=1e-7, atol=1e-10):
                raise Incorrect(reason)
        raise Incorrect(
            f"{what} is off by a relative {abs(value - expected) / max(expected, 1e-12):.2g}. Check it: "
            "floor + cost must equal the exact risk of the pruned model (w_S on S, zero elsewhere)"
        )


task2 = Check(
    label="Task 2 (cost of pruning without retraining)",
    name="ex08.task2",
    grader=_grade_task2,
    hint=(
        "Get b_S from your Task 1 function (the noise variance does not change b_S), form "
        "g = w_S - b_S and return g @ cov[np.ix_(S, S)] @ g. To test it, put w_S into a zero vector "
        "of length d and compare floor + cost with the exact risk "
        "models.CorrelatedProblem(cov, beta, noise_var).risk(w)."
    ),
    reference=pruning_cost,
)


# ----------------------------------------------------------------------------------------------
# Task 3: the exact risk of retraining on a fixed support
# ----------------------------------------------------------------------------------------------


def retrained_risk(cov, beta, noise_var, n, support):
    """Expected risk of least squares refitted on the features in ``support`` from ``n`` samples (reference).

    For Gaussian features the residual e = y - <x_S, b_S> is independent of x_S with variance
    floor_S, so the retrained weights are b_S + (X_S^T X_S)^{-1} X_S^T e and, with the inverse-Wishart
    mean E (X_S^T X_S)^{-1} = Sigma_SS^{-1} / (n - s - 1), E R = floor_S (1 + s / (n - s - 1)).
    """
    s = len(np.asarray(support))
    if s >= n - 1:                       # E (X_S^T X_S)^{-1} does not exist: the expectation is infinite
        return np.inf
    _, floor = best_support_weights(cov, beta, noise_var, support)   # Task 1
    return floor * (1 + s / (n - s - 1))


def _task3_cases():
    """Finite cases (s <= n - 2): AR(1), equicorrelated, random SPD; unsorted supports, one at s = n - 2."""
    rng = np.random.default_rng(8003)
    cases = []
    ar1 = models.ar1_problem(30, 0.7, 1.0 / np.arange(1, 31), 0.2)
    cases.append((ar1.cov, ar1.beta, ar1.noise_var, 40, np.array([12, 3, 7, 20, 5, 0])))
    eq = models.equicorrelated_problem(15, 0.4, np.abs(rng.standard_normal(15)), 0.5)
    cases.append((eq.cov, eq.beta, eq.noise_var, 12, np.array([14, 1, 8, 4])))
    cov = _random_cov(rng, 12, 4)
    cases.append((cov, rng.standard_normal(12), 0.3, 25, np.array([7, 2, 5, 10, 11, 0, 3])))
    cases.append((cov, rng.standard_normal(12), 0.7, 6, np.array([9, 4, 1, 6])))       # s = n - 2
    return cases


def _task3_infinite_cases():
    """Cases with s = n - 1 and s = n, where the expected risk is infinite."""
    rng = np.random.default_rng(8013)
    cov = _random_cov(rng, 10, 3)
    beta = rng.standard_normal(10)
    return [(cov, beta, 0.4, 6, np.array([8, 2, 5, 0, 7])),        # s = n - 1
            (cov, beta, 0.4, 4, np.array([3, 9, 1, 6]))]           # s = n


def _task3_wrong(cov, beta, noise_var, n, support):
    """(value, reason) pairs for the mistakes a learner plausibly makes, on one finite case."""
    s = support.size
    problem = models.CorrelatedProblem(cov, beta, noise_var)
    _, floor = problem.best_support_weights(support)
    _, prefix_floor = problem.best_support_weights(np.arange(s))
    C = _complement(beta.size, support)
    no_schur = noise_var + beta[C] @ cov[np.ix_(C, C)] @ beta[C]
    exact = 1 + s / (n - s - 1)
    return (
        (floor * n / (n - s), "that is the large-n approximation floor * n/(n - s) (the same as floor * (1 + s/(n - s))), "
         "which holds as n grows with s/n fixed; at finite n the refit variance is larger: average "
         "(X_S^T X_S)^{-1} exactly, with the inverse-Wishart mean"),
        (floor * (1 + s / n), "floor * (1 + s/n) is the error of least squares on its own training inputs "
         "(fixed design); the risk is measured on a new x, where the refit variance is larger"),
        (noise_var * exact, "you scaled the label noise sigma^2; for the small model the part of the omitted "
         "signal that x_S cannot predict is noise too: scale the floor of Task 1"),
        ((floor - noise_var) * exact, "the floor you scaled leaves out the label noise sigma^2; the floor is a risk "
         "(test MSE including noise), as in Task 1"),
        (no_schur * exact, "the floor you scaled is that of b_S = beta_S: the kept features also predict part of "
         "the omitted ones (the Schur complement); use the floor of Task 1"),
        (floor, "that is the floor, the risk of b_S itself; the retrained weights are estimated from n samples "
         "and pay a refit variance on top of it"),
        (floor * (exact - 1), "that is only the refit variance, what retraining pays on top of the floor; "
         "return the whole risk"),
        (floor * exact - noise_var, "that is an excess risk (the risk minus the label noise sigma^2); return "
         "the risk, test MSE including noise"),
        (prefix_floor * exact, "you used the first s features, not the features listed in support"),
    )


def _grade_task3(fn) -> None:
    for cov, beta, noise_var, n, support in _task3_cases():
        d, s = beta.size, support.size
        what = f"retrained_risk(...) with d = {d}, n = {n}, support of size s = {s}"
        raw = _quiet_call(fn, cov.copy(), beta.copy(), noise_var, n, support.copy(), what="retrained_risk")
        if isinstance(raw, (tuple, list)):
            raise Incorrect(f"{what} returned a {type(raw).__name__}; return one number, the expected risk")
        if isinstance(raw, (str, bytes)):
            raise Incorrect(f"{what} returned text; return the expected risk as a number")
        value = expect_number(raw, what=what, allow_inf=True)
        if np.isinf(value):
            raise Incorrect(f"{what} returned {value}; with s <= n - 2 the expected risk is finite")
        _, floor = models.CorrelatedProblem(cov, beta, noise_var).best_support_weights(support)
        expected = floor * (1 + s / (n - s - 1))
        if np.isclose(value, expected, rtol=1e-7, atol=1e-10):
            continue
        for wrong, reason in _task3_wrong(cov, beta, noise_var, n, support):
            if np.isclose(value, wrong, rtol=1e-7, atol=1e-10):
                raise Incorrect(f"{what}: {reason}")
        raise Incorrect(
            f"{what} is off by a relative {abs(value - expected) / expected:.2g}. The retrained model is the "
            "small model on S: a well-specified regression with true weights b_S and noise variance floor_S; "
            "average its risk over Gaussian training sets of n samples"
        )
    for cov, beta, noise_var, n, support in _task3_infinite_cases():
        s = support.size
        case = "s = n - 1" if s == n - 1 else "s = n"
        what = f"retrained_risk(...) with n = {n} and {case} = {s} kept features"
        raw, exc = attempt(fn, cov.copy(), beta.copy(), noise_var, n, support.copy())
        if exc is not None:
            raise Incorrect(
                f"{what} raised {describe_exception(exc)}; with s >= n - 1 the expected risk is infinite "
                "(E (X_S^T X_S)^{-1} does not exist): return np.inf"
            )
        if isinstance(raw, (tuple, list)):
            raise Incorrect(f"{what} returned a {type(raw).__name__}; return one number, np.inf")
        if isinstance(raw, (str, bytes)):
            raise Incorrect(f"{what} returned text; return np.inf, a number")
        value = expect_number(raw, what=what, allow_inf=True)
        if not value == np.inf:
            raise Incorrect(
                f"{what} returned {value:.4g}; your formula does not hold there — with s >= n - 1 the "
                "expected risk is infinite (E (X_S^T X_S)^{-1} does not exist): return np.inf"
            )


task3 = Check(
    label="Task 3 (the exact risk of retraining)",
    name="ex08.task3",
    grader=_grade_task3,
    hint=(
        "Take the floor from your Task 1 function. Given the training inputs X_S, average over the "
        "residuals e first: E[(w_S - b_S)^T Sigma_SS (w_S - b_S) | X_S] = floor * trace(Sigma_SS "
        "(X_S^T X_S)^{-1}). Then use E (X_S^T X_S)^{-1} = Sigma_SS^{-1} / (n - s - 1): the refit variance "
        "is floor * s / (n - s - 1). Add the floor, and return np.inf first when s >= n - 1."
    ),
    reference=retrained_risk,
)


# ----------------------------------------------------------------------------------------------
# Task 4: a design where retraining is essential because of correlations
# ----------------------------------------------------------------------------------------------


def correlated_design():
    """A reference answer for Task 4: each kept feature has 9 noisy copies (correlation 0.9).

    Features 0..19 are 'parents'; the other 180 are their children, child = 0.9 * parent +
    sqrt(1 - 0.81) * fresh noise, 9 per parent. Every feature has variance 1. The parents carry the
    largest coefficients (0.2), the children small ones (0.05), noise variance 1.
    """
    s, copies, rho = 20, 9, 0.9
    d = s * (copies + 1)
    parent = np.repeat(np.arange(s), copies)            # parent of child j is parent[j - s]
    L = np.zeros((d, d))                                # x = L z with z ~ N(0, I)
    L[np.arange(s), np.arange(s)] = 1.0
    L[s + np.arange(d - s), parent] = rho
    L[s + np.arange(d - s), s + np.arange(d - s)] = np.sqrt(1 - rho**2)
    cov = L @ L.T
    beta = np.concatenate([np.full(s, 0.2), np.full(d - s, 0.05)])
    return cov, beta, 1.0


def _task4_unpack(answer):
    if isinstance(answer, models.CorrelatedProblem):
        return answer.cov, answer.beta, answer.noise_var
    if isinstance(answer, models.LinearProblem):
        raise Incorrect("a LinearProblem has independent features; the design needs a full covariance matrix")
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        raise Incorrect(
            f"design should be the triple (cov, beta, noise_var), got a {type(answer).__name__}"
            + (f" of length {len(answer)}" if isinstance(answer, (tuple, list)) else "")
        )
    stub = [item is Ellipsis for item in answer]
    if all(stub):
        raise NotAttempted()
    if any(stub):
        raise Incorrect("part of design is still `...`; give all three of cov, beta, noise_var")
    return answer


def _task4_measure(problem, n: int = TASK4_N, s: int = TASK4_S):
    """Mean exact risks of oracle pruning without and with retraining (fixed seed)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        sweep = experiments.pruning_sweep(
            problem, n, [problem.d], s, trials=TASK4_TRIALS, seed=TASK4_SEED, rules=("oracle",), retrain=True,
            support=np.arange(s),
        )
    return float(sweep["oracle"].mean[0]), float(sweep["oracle+retrain"].mean[0])


def _grade_task4(answer) -> None:
    if answer is Ellipsis:
        raise NotAttempted()
    cov, beta, noise_var = _task4_unpack(answer)
    d, s = TASK4_D, TASK4_S
    cov = expect_array(cov, (d, d), what="cov")
    beta = expect_array(beta, (d,), what="beta")
    if isinstance(noise_var, (tuple, list, np.ndarray)) and _size(noise_var) != 1:
        raise Incorrect("noise_var should be a single number")
    _reject_text(noise_var, "noise_var")
    noise_var = expect_number(noise_var, what="noise_var")
    if noise_var <= 0:
        raise Incorrect(f"noise_var = {noise_var:g}: the labels must be noisy (noise_var > 0)")
    if not np.allclose(cov, cov.T, rtol=0, atol=1e-10):
        raise Incorrect("cov is not symmetric")
    if not np.allclose(np.diag(cov), 1.0, rtol=0, atol=1e-8):
        raise Incorrect(
            "every feature must have variance 1 (the diagonal of cov); a correlation matrix is what "
            "the task asks for"
        )
    min_eig = float(np.linalg.eigvalsh((cov + cov.T) / 2).min())
    if min_eig < TASK4_MIN_EIG:
        raise Incorrect(
            f"the smallest eigenvalue of cov is {min_eig:.3g}; it must be at least {TASK4_MIN_EIG} "
            "(positive definite, and not nearly singular)"
        )
    kept, rest = np.abs(beta[:s]), np.abs(beta[s:])
    if not kept.min() > rest.max():
        raise Incorrect(
            f"the first {s} features must be the oracle's choice: every |beta_i|, i < {s}, must be larger "
            f"than every |beta_j|, j >= {s} (with unit variances the oracle keeps the largest |beta_i|)"
        )
    correlated = models.CorrelatedProblem(cov, beta, noise_var)
    no_retrain, with_retrain = _task4_measure(correlated)
    gain = no_retrain / with_retrain
    independent = models.diagonal_problem(np.ones(d), beta, noise_var)
    no_retrain_i, with_retrain_i = _task4_measure(independent)
    gain_i = no_retrain_i / with_retrain_i
    measured = (
        f"Measured: with your covariance, risk without retraining {no_retrain:.3g} and with retraining "
        f"{with_retrain:.3g} (ratio {gain:.2f}, at least {TASK4_MIN_GAIN:g} required); with independent "
        f"features, {no_retrain_i:.3g} and {with_retrain_i:.3g} (ratio {gain_i:.2f}, at most "
        f"{TASK4_MAX_GAIN_INDEPENDENT:g} allowed)."
    )
    if gain < TASK4_MIN_GAIN:
        raise Incorrect(
            f"{measured} Retraining does not win by enough with your covariance: make the omitted "
            "features carry signal that the kept features can stand in for"
        )
    if gain_i > TASK4_MAX_GAIN_INDEPENDENT:
        raise Incorrect(
            f"{measured} Retraining also wins with independent features and the same beta and noise: "
            "there it undoes the shrinkage of the large model, not a correlation effect. Give the omitted "
            "features more of the signal, or raise the noise"
        )


task4 = Check(
    label="Task 4 (a design where retraining is essential)",
    name="ex08.task4",
    grader=_grade_task4,
    hint=(
        "Two steps. (1) Without correlations retraining should not pay: choose beta and noise_var so "
        "that, with cov = I, the refit variance floor * s / (n - s - 1) is about as large as what "
        "retraining saves (much noise, or much of the signal on the omitted features — but each omitted "
        "|beta_j| smaller than the kept ones). (2) Make the omitted features correlated with the kept "
        "ones, so that b_S is far from beta_S: for example give every kept feature a few noisy copies, "
        "copy = rho * parent + sqrt(1 - rho^2) * fresh noise; build cov = L @ L.T from that recipe."
    ),
    reference=correlated_design,
)
