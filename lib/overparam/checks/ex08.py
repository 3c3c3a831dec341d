"""Checks for exercise 08 — retraining and correlations: ``from overparam.checks import ex08``.

Four tasks, each graded on the grader's own seeded data (more than one input per task):

1. ``best_support_weights(cov, beta, noise_var, support)`` — the pair ``(b_S, floor)``: the best
   weights a model on the features ``S`` can have, ``b_S = beta_S + Sigma_SS^{-1} Sigma_{S,Sc}
   beta_Sc``, and their risk (a Schur complement), compared with
   :meth:`overparam.models.CorrelatedProblem.best_support_weights`;
2. ``pruning_cost(cov, beta, w_S, support)`` — what pruned weights ``w_S`` pay on top of the
   floor, ``(w_S - b_S)^T Sigma_SS (w_S - b_S)``, compared with the exact risk of the pruned model
   minus the floor (:meth:`~overparam.models.CorrelatedProblem.risk`);
3. ``retrain(X, y, mask)`` — least squares on the kept columns, zeros elsewhere, compared with
   :func:`overparam.prune.retrain`;
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

from .. import experiments, models, prune
from . import Check, Incorrect, NotAttempted, call, expect_array, expect_number
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
# Task 3: retraining on the kept columns
# ----------------------------------------------------------------------------------------------


def retrain(X, y, mask):
    """Least squares on the columns of ``X`` where ``mask`` is True, zero weight elsewhere (reference)."""
    X = np.asarray(X, dtype=float)
    mask = np.asarray(mask, dtype=bool)
    w = np.zeros(X.shape[1])
    w[mask] = np.linalg.lstsq(X[:, mask], y, rcond=None)[0]   # the small model on the kept features
    return w


def _task3_cases():
    rng = np.random.default_rng(8003)
    cases = []
    for n, p, s in ((60, 120, 15), (40, 30, 10), (50, 200, 45)):
        problem = models.ar1_problem(p, 0.5, rng.standard_normal(p) / np.sqrt(p), 0.2)
        X, y = problem.sample(n, rng)
        mask = np.zeros(p, dtype=bool)
        mask[rng.choice(p, size=s, replace=False)] = True
        if mask[:s].all():  # never a prefix: placement mistakes must show
            mask[0] = False
            mask[s] = True
        cases.append((X, y, mask))
    return cases


def _grade_task3(fn) -> None:
    for X, y, mask in _task3_cases():
        n, p = X.shape
        s = int(mask.sum())
        what = f"retrain(X, y, mask) with n = {n}, p = {p}, s = {s}"
        raw = _quiet_call(fn, X.copy(), y.copy(), mask.copy(), what="retrain")
        if _size(raw) == s and s < p:
            raise Incorrect(
                f"{what} returned {s} weights; return all p = {p} weights, with the refitted values at the "
                "kept features and zeros at the pruned ones"
            )
        w = expect_array(raw, (p,), what=what)
        expected = prune.retrain(X, y, mask)
        if _close(w, expected, rtol=1e-6, atol=1e-9):
            continue
        dense = np.linalg.pinv(X) @ y
        refit = np.linalg.lstsq(X[:, mask], y, rcond=None)[0]
        if _close(w, dense, rtol=1e-6, atol=1e-9):
            raise Incorrect(f"{what}: that is the dense min-norm fit; prune it and refit on the kept columns")
        if _close(w, np.where(mask, dense, 0.0), rtol=1e-6, atol=1e-9):
            raise Incorrect(
                f"{what}: that is pruning WITHOUT retraining (the large model's weights on the kept "
                "features); refit least squares using only the kept columns X[:, mask]"
            )
        if _close(w[:s], refit, rtol=1e-6) or (
            np.all(w[~mask] == 0) and np.allclose(np.sort(w[mask]), np.sort(refit), rtol=1e-6, atol=1e-9)
        ):
            raise Incorrect(f"{what}: the refitted weights sit at the wrong features; weight k of the refit "
                            "belongs to the k-th kept feature, np.flatnonzero(mask)[k]")
        if np.any(w[~mask] != 0):
            raise Incorrect(f"{what}: pruned features must have weight exactly zero")
        gap = np.max(np.abs(w - expected)) / np.max(np.abs(expected))
        raise Incorrect(
            f"{what}: your weights are off by a relative {gap:.2g}. Fit y by least squares on X[:, mask] "
            "alone (no penalty) and put the result back at the kept features"
        )


task3 = Check(
    label="Task 3 (retraining)",
    name="ex08.task3",
    grader=_grade_task3,
    hint=(
        "w = np.zeros(p); w[mask] = np.linalg.lstsq(X[:, mask], y, rcond=None)[0]. Boolean indexing "
        "picks the kept columns in feature order, and assigning to w[mask] puts the weights back in "
        "the same order."
    ),
    reference=retrain,
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
