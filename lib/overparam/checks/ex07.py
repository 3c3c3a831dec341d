"""Checks for exercise 07 — the sparse double descent: ``from overparam.checks import ex07``.

Five tasks on the regime map of lesson 07 (reference M) (n training samples, s informative features with
variance 1 and equal coefficients, a zero-signal tail of small variance; fix s and grow the dense
model p):

1. ``cell_problem(s, snr, noise_var, tail_var, d)`` — the pair ``(eigs, beta)`` of one cell of the
   map, compared exactly with the grader's construction;
2. ``small_model_asymptotic(eigs, beta, noise_var, n, support)`` — the asymptotic risk of least
   squares on the known support, ``sigma_S^2 n / (n - s)``, compared with
   :func:`overparam.theory.minnorm_risk` of the model whose features are the support;
3. ``best_p(eigs, beta, noise_var, n, s, method)`` — the dense size ``n < p <= d`` whose pruned
   model has the smallest theoretical risk (:func:`overparam.theory.pruned_risk`), graded on the
   risk it reaches: within :data:`TASK3_RISK_RTOL` of the best over every ``p`` in ``(n, d]``
   (:func:`overparam.theory.best_pruning_size`), so a fine grid is as good as a full scan;
4. ``prune_vs_small(s_over_n, snr, n, tail_var, d, method)`` — best prune-from-large risk over
   the small model's, compared with :func:`overparam.theory.prune_vs_small_ratio`;
5. ``wins`` — a boolean grid (rows ``S_OVER_N``, columns ``SNRS``): where does pruning a large
   model beat the small model? Graded exactly against :func:`overparam.theory.prune_vs_small_ratio`.

Use in the notebook: ``ex07.task1.check(cell_problem)``, ..., ``ex07.task5.check(wins)``.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import models, theory
from . import Check, Incorrect, NotAttempted, call, expect_array, expect_number
from . import call_quietly as _quiet_call

__all__ = ["task1", "task2", "task3", "task4", "task5", "S_OVER_N", "SNRS", "TASK3_RISK_RTOL", "TASK4_RTOL"]

#: The regime map of lesson 07 (reference M of overparam.theory): rows (sparsity target s/n) and columns (SNR = ||beta_S||^2 / sigma^2).
S_OVER_N = (0.1, 0.3, 0.5, 0.7, 0.9)
SNRS = (0.25, 1.0, 4.0, 16.0)
#: Task 3: the risk at the learner's p may exceed the best risk over (n, d] by this relative margin.
TASK3_RISK_RTOL = 1e-3
#: Task 4: relative accuracy of the ratio (a grid of a few hundred sizes reaches it easily).
TASK4_RTOL = 2e-3


def _size(value) -> int:
    """Number of entries of a learner's value, or -1 when it is not a regular array of numbers."""
    try:
        return int(np.asarray(value, dtype=float).size)
    except (TypeError, ValueError):
        return -1


def _reject_text(value, what: str) -> None:
    items = value if isinstance(value, (tuple, list)) else [value]
    if any(isinstance(item, (str, bytes)) for item in items):
        raise Incorrect(f"{what} should be numbers, not text")


def _cell(s, snr, noise_var=1.0, tail_var=0.05, d=3000):
    """The grader's construction of one cell (the same as :func:`cell_problem`)."""
    eigs = np.concatenate([np.ones(s), np.full(d - s, tail_var)])
    beta = np.concatenate([np.full(s, np.sqrt(snr * noise_var / s)), np.zeros(d - s)])
    return eigs, beta


# ----------------------------------------------------------------------------------------------
# Task 1: the problem of one cell
# ----------------------------------------------------------------------------------------------


def cell_problem(s, snr, noise_var=1.0, tail_var=0.05, d=3000):
    """Feature variances and coefficients of one cell of the regime map (reference solution)."""
    eigs = np.concatenate([np.ones(s), np.full(d - s, tail_var)])       # s informative, then the tail
    coef = np.sqrt(snr * noise_var / s)                                  # s * coef**2 = snr * sigma^2
    beta = np.concatenate([np.full(s, coef), np.zeros(d - s)])
    return eigs, beta


_TASK1_CASES = ((50, 1.0, 1.0, 0.05, 3000), (30, 4.0, 0.5, 0.1, 400), (9, 0.25, 2.0, 0.02, 120))


def _task1_wrong(s, snr, noise_var, tail_var, d):
    eigs, beta = _cell(s, snr, noise_var, tail_var, d)
    b = beta[0]
    tail = np.zeros(d - s)
    return (
        (np.concatenate([np.full(s, snr * noise_var / s), tail]), "||beta_S||^2 = s * beta_i^2 must equal "
         "snr * noise_var: each coefficient is a square root"),
        (np.concatenate([np.full(s, np.sqrt(snr * noise_var)), tail]), "with s equal coefficients, "
         "||beta_S||^2 = s * beta_i^2: divide by s before taking the square root"),
        (np.concatenate([np.full(s, np.sqrt(snr / s)), tail]), "SNR = ||beta_S||^2 / sigma^2, so "
         "||beta_S||^2 = snr * noise_var: the noise variance matters"),
        (np.concatenate([np.full(s, np.sqrt(snr / (s * noise_var))), tail]), "SNR = ||beta_S||^2 / sigma^2, "
         "so ||beta_S||^2 = snr * noise_var (multiply by the noise variance, do not divide)"),
        (np.concatenate([np.full(s, b), np.full(d - s, b)]), "the tail features carry no signal: their "
         "coefficients are 0"),
        (np.full(d, np.sqrt(snr * noise_var / d)), "only the first s features carry signal"),
    )


def _grade_task1(fn) -> None:
    for s, snr, noise_var, tail_var, d in _TASK1_CASES:
        what = f"cell_problem(s={s}, snr={snr:g}, noise_var={noise_var:g}, tail_var={tail_var:g}, d={d})"
        raw = _quiet_call(fn, s, snr, noise_var, tail_var, d, what=what)
        if not isinstance(raw, (tuple, list)) or len(raw) != 2:
            raise Incorrect(f"{what} returned a {type(raw).__name__}; return the pair (eigs, beta)")
        eigs, beta = raw
        _reject_text(raw, "eigs and beta")
        for name, value in (("eigs", eigs), ("beta", beta)):
            if _size(value) in (d - s, d + s):
                raise Incorrect(
                    f"{name} has {_size(value)} entries; the universe has d = {d} features in all: s informative "
                    "ones followed by d - s tail features"
                )
        eigs = expect_array(eigs, (d,), what=f"eigs of {what}")
        beta = expect_array(beta, (d,), what=f"beta of {what}")
        ref_eigs, ref_beta = _cell(s, snr, noise_var, tail_var, d)
        if not np.allclose(eigs, ref_eigs, rtol=1e-12, atol=0):
            if np.allclose(eigs, ref_eigs[::-1], rtol=1e-12, atol=0):
                raise Incorrect("the informative features come first (model order): eigs starts with s ones")
            if np.allclose(eigs[:s], 1.0) and np.allclose(eigs[s:], 1.0):
                raise Incorrect("the tail features have variance tail_var, not 1")
            if np.allclose(eigs[:s], tail_var):
                raise Incorrect("the informative features have variance 1 and the tail tail_var, not the other way round")
            raise Incorrect(f"eigs of {what} is wrong: s features of variance 1, then d - s of variance tail_var")
        if np.allclose(beta, ref_beta, rtol=1e-12, atol=1e-15):
            continue
        if np.allclose(beta, -ref_beta, rtol=1e-12, atol=1e-15):
            raise Incorrect("take the positive square root for the equal coefficients")
        for wrong, reason in _task1_wrong(s, snr, noise_var, tail_var, d):
            if np.allclose(beta, wrong, rtol=1e-12, atol=1e-15):
                raise Incorrect(reason)
        raise Incorrect(
            f"beta of {what} is wrong: s equal positive coefficients with s * beta_i^2 = snr * noise_var, then zeros"
        )


task1 = Check(
    label="Task 1 (the problem of one cell)",
    name="ex07.task1",
    grader=_grade_task1,
    hint=(
        "eigs = np.concatenate([np.ones(s), np.full(d - s, tail_var)]). For beta: s equal coefficients "
        "b with ||beta_S||^2 = s * b**2 = snr * noise_var, so b = np.sqrt(snr * noise_var / s); the "
        "d - s tail coefficients are zero."
    ),
    reference=cell_problem,
)


# ----------------------------------------------------------------------------------------------
# Task 2: the small-model baseline
# ----------------------------------------------------------------------------------------------


def small_model_asymptotic(eigs, beta, noise_var, n, support):
    """Asymptotic risk of least squares trained on the features in ``support`` (reference solution)."""
    eigs = np.asarray(eigs, dtype=float)
    beta = np.asarray(beta, dtype=float)
    outside = np.ones(beta.size, dtype=bool)
    outside[np.asarray(support)] = False
    sigma_S2 = noise_var + np.sum(eigs[outside] * beta[outside] ** 2)   # the omitted signal is noise
    s = len(support)
    return float(sigma_S2 * n / (n - s))


def _task2_cases():
    # Signal outside the support first: without it some mistakes coincide (the excess risk is then
    # exactly the variance part).
    rng = np.random.default_rng(7002)
    eigs = rng.uniform(0.2, 2.0, 80)
    beta = rng.standard_normal(80) / 6
    cases = [(eigs, beta, 0.3, 60, np.array([3, 17, 40, 8, 71, 22, 55, 9, 30, 64]))]
    cases.append((eigs, beta, 0.3, 200, np.arange(0, 80, 2)))
    eigs, beta = _cell(50, 1.0, 1.0, 0.05, 600)
    cases.append((eigs, beta, 1.0, 100, np.arange(50)))
    return cases


def _grade_task2(fn) -> None:
    for eigs, beta, noise_var, n, support in _task2_cases():
        s = support.size
        what = f"small_model_asymptotic(...) with n = {n}, s = {s}"
        raw = _quiet_call(fn, eigs.copy(), beta.copy(), noise_var, n, support.copy(), what=what)
        if isinstance(raw, (tuple, list)):
            raise Incorrect(f"{what} returned a {type(raw).__name__}; return one number, the risk")
        value = expect_number(raw, what=what)
        rest = np.setdiff1d(np.arange(beta.size), support)
        order = np.concatenate([support, rest])
        expected = float(theory.minnorm_risk(eigs[order], beta[order], noise_var, n, s))
        if np.isclose(value, expected, rtol=1e-9, atol=0):
            continue
        out = np.ones(beta.size, dtype=bool)
        out[support] = False
        omitted = float(np.sum(eigs[out] * beta[out] ** 2))
        sigma_S2 = noise_var + omitted
        wrongs = (
            (sigma_S2 * (1 + s / (n - s - 1)), "that is the exact finite-n risk (with n - s - 1); the task asks "
             "for the large-n limit, sigma_S^2 * n / (n - s)"),
            (noise_var * n / (n - s), "the signal of the omitted features is noise to the small model: use "
             "sigma_S^2 = sigma^2 + sum over omitted j of lambda_j beta_j^2"),
            (noise_var * n / (n - s) + omitted, "the omitted signal acts like label noise, so it is amplified by "
             "n / (n - s) too: multiply sigma_S^2 as a whole"),
            ((noise_var + float(np.sum(beta[out] ** 2))) * n / (n - s), "an omitted feature adds lambda_j beta_j^2 "
             "to the noise, not beta_j^2"),
            (sigma_S2 * s / (n - s), "that is only the variance part; the risk includes the floor sigma_S^2 "
             "itself: sigma_S^2 (1 + s / (n - s))"),
            (omitted * n / (n - s), "the label noise sigma^2 is part of sigma_S^2"),
            (sigma_S2, "the small model is fitted on n samples, so it pays the variance factor n / (n - s) on top "
             "of sigma_S^2"),
            (sigma_S2 * n / (n - s) - noise_var, "the risk includes the label noise (test MSE incl. noise)"),
        )
        for wrong, reason in wrongs:
            if np.isclose(value, wrong, rtol=1e-9, atol=0):
                raise Incorrect(reason)
        prefix_floor = noise_var + float(np.sum(eigs[s:] * beta[s:] ** 2))
        if not np.array_equal(np.sort(support), np.arange(s)) and any(
            np.isclose(value, prefix_floor * factor, rtol=1e-9, atol=0) for factor in (n / (n - s), 1 + s / (n - s - 1))
        ):
            raise Incorrect(
                f"{what}: you treated the first s features as the support; `support` can be any s indices "
                "(here it is not the first s) — sum the omitted signal over the features NOT in support"
            )
        raise Incorrect(f"{what} is off by a relative {abs(value - expected) / expected:.2g}")


task2 = Check(
    label="Task 2 (the small-model baseline)",
    name="ex07.task2",
    grader=_grade_task2,
    hint=(
        "The features outside the support act as noise: sigma_S^2 = noise_var + sum of eigs[j] * "
        "beta[j]**2 over the omitted j (a boolean mask that is True outside the support helps). Least "
        "squares on s < n features then has asymptotic risk sigma_S^2 / (1 - s/n) = sigma_S^2 n / (n - s)."
    ),
    reference=small_model_asymptotic,
)


# ----------------------------------------------------------------------------------------------
# Task 3: the best dense size for a given s
# ----------------------------------------------------------------------------------------------


def best_p(eigs, beta, noise_var, n, s, method="oracle"):
    """The dense size n < p <= d whose pruned model has the smallest theoretical risk (reference)."""
    d = len(beta)
    ps = np.unique(np.rint(np.geomspace(n + 1, d, 200)).astype(int))   # a log grid over (n, d]
    risks = theory.pruned_risk(eigs, beta, noise_var, n, ps, s, method)
    return int(ps[np.argmin(risks)])


def _task3_cases():
    showcase = models.pruning_showcase_problem(1000)
    eigs, beta = _cell(30, 16.0, 1.0, 0.05, 1000)   # ratio > 1: the small model p = s is better
    low = _cell(70, 0.25, 1.0, 0.05, 1500)           # low SNR: the best p is at the far end
    return (
        (showcase.eigs, showcase.beta, showcase.noise_var, 100, 80, "oracle"),
        (showcase.eigs, showcase.beta, showcase.noise_var, 100, 80, "magnitude"),
        (eigs, beta, 1.0, 100, 30, "hessian"),
        (low[0], low[1], 1.0, 100, 70, "oracle"),
    )


@functools.lru_cache(maxsize=None)
def _task3_reference(index: int):
    """(risks over every p in (n, d], p*, best risk) for case ``index`` (computed once)."""
    eigs, beta, noise_var, n, s, method = _task3_cases()[index]
    ps = np.arange(n + 1, beta.size + 1)
    risks = theory.pruned_risk(eigs, beta, noise_var, n, ps, s, method)
    return ps, risks, int(ps[np.argmin(risks)]), float(risks.min())


@functools.lru_cache(maxsize=None)
def _task3_oracle_risks(index: int) -> np.ndarray:
    """Oracle-pruned risks over every p in (n, d] for case ``index`` (to name a 'wrong method' slip)."""
    eigs, beta, noise_var, n, s, _ = _task3_cases()[index]
    return theory.oracle_pruned_risk(eigs, beta, noise_var, n, np.arange(n + 1, beta.size + 1), s)


def _grade_task3(fn) -> None:
    for index, (eigs, beta, noise_var, n, s, method) in enumerate(_task3_cases()):
        d = beta.size
        what = f"best_p(...) with n = {n}, s = {s}, d = {d}, method = {method!r}"
        raw = _quiet_call(fn, eigs.copy(), beta.copy(), noise_var, n, s, method, what=what)
        if isinstance(raw, (tuple, list)):
            raise Incorrect(f"{what} returned a {type(raw).__name__}; return only p (one integer)")
        value = expect_number(raw, what=what)
        ps, risks, p_star, best = _task3_reference(index)
        if not float(value).is_integer():
            if np.isclose(value, best, rtol=1e-2):
                raise Incorrect(f"{what} returned a risk; return the size p that reaches it")
            raise Incorrect(f"{what} returned {value:g}; a model size p is a whole number")
        p = int(value)
        if p <= n:
            if p == s:
                raise Incorrect(
                    f"{what} returned p = s: the small model itself (nothing to prune). The task asks for the "
                    f"best overparameterized model, n < p <= d — scan only p > n"
                )
            raise Incorrect(f"{what} returned p = {p}; the task asks for a size beyond the threshold, n < p <= d")
        if p > d:
            raise Incorrect(f"{what} returned p = {p}, but the universe has only d = {d} features")
        reached = float(risks[p - n - 1])
        if reached <= best * (1 + TASK3_RISK_RTOL):
            continue
        if method != "oracle":
            oracle = _task3_oracle_risks(index)
            if oracle[p - n - 1] <= oracle.min() * (1 + TASK3_RISK_RTOL):
                raise Incorrect(f"{what}: that is the best p for oracle pruning; use the `method` you are given")
        raise Incorrect(
            f"{what}: the pruned risk at your p is {reached:.4g}, but some p in (n, d] reaches a risk lower by "
            f"a relative {reached / best - 1:.2g} (allowed {TASK3_RISK_RTOL:g}). Scan a grid over the whole "
            "range (n, d] — the best p can be near either end — and take the argmin"
        )


task3 = Check(
    label="Task 3 (best dense size)",
    name="ex07.task3",
    grader=_grade_task3,
    hint=(
        "Build candidate sizes over (n, d] — a log-spaced grid, ps = np.unique(np.rint(np.geomspace(n + 1, "
        "d, 200)).astype(int)), is fine — evaluate theory.pruned_risk(eigs, beta, noise_var, n, ps, s, "
        "method) once (it is vectorized over p), and return int(ps[np.argmin(risks)])."
    ),
    reference=best_p,
)


# ----------------------------------------------------------------------------------------------
# Task 4: pruning a large model vs the small model, one cell
# ----------------------------------------------------------------------------------------------


def prune_vs_small(s_over_n, snr, n=100, tail_var=0.05, d=3000, method="oracle"):
    """Best prune-from-large risk over p > n, divided by the small model's risk (reference solution)."""
    s = int(round(s_over_n * n))
    eigs, beta = cell_problem(s, snr, 1.0, tail_var, d)                  # Task 1, sigma^2 = 1
    p = best_p(eigs, beta, 1.0, n, s, method)                            # Task 3
    pruned = theory.pruned_risk(eigs, beta, 1.0, n, p, s, method)
    small = small_model_asymptotic(eigs, beta, 1.0, n, np.arange(s))    # Task 2
    return float(pruned / small)


_TASK4_CASES = (
    (0.5, 1.0, 100, 0.05, 3000, "oracle"),
    (0.3, 16.0, 100, 0.05, 3000, "oracle"),
    (0.7, 4.0, 100, 0.05, 3000, "hessian"),
    (0.4, 2.0, 50, 0.1, 800, "oracle"),
)


@functools.lru_cache(maxsize=None)
def _task4_reference(case):
    s_over_n, snr, n, tail_var, d, method = case
    return float(theory.prune_vs_small_ratio(s_over_n, snr, n, tail_var, d, methods=(method,))[method])


def _task4_variant(case, *, scale=None, small="asymptotic", from_s=False, method=None):
    """The ratio computed with one mistake (the grader's own scan, on the library's grid)."""
    s_over_n, snr, n, tail_var, d, true_method = case
    method = method or true_method
    s = int(round(s_over_n * n))
    coef = np.sqrt(snr / s) if scale is None else scale(snr, s)
    eigs = np.concatenate([np.ones(s), np.full(d - s, tail_var)])
    beta = np.concatenate([np.full(s, coef), np.zeros(d - s)])
    start = s if from_s else n + 1
    ps = np.unique(np.rint(np.geomspace(start, d, 300)).astype(int))
    risk = float(np.min(theory.pruned_risk(eigs, beta, 1.0, n, ps, s, method)))
    base = n / (n - s) if small == "asymptotic" else (1 + s / (n - s - 1))
    return risk / base


def _grade_task4(fn) -> None:
    for case in _TASK4_CASES:
        s_over_n, snr, n, tail_var, d, method = case
        what = f"prune_vs_small({s_over_n:g}, {snr:g}, n={n}, tail_var={tail_var:g}, d={d}, method={method!r})"
        raw = _quiet_call(fn, s_over_n, snr, n, tail_var, d, method, what=what)
        if isinstance(raw, (tuple, list, dict)):
            raise Incorrect(f"{what} returned a {type(raw).__name__}; return one number, the ratio")
        value = expect_number(raw, what=what)
        expected = _task4_reference(case)
        if np.isclose(value, expected, rtol=TASK4_RTOL, atol=0):
            continue
        if np.isclose(value, 1.0 / expected, rtol=TASK4_RTOL):
            raise Incorrect("that is the small model's risk over the pruned one; divide the other way round")
        variants = (
            (dict(small="exact"), "divide by the asymptotic small-model risk of Task 2 (n / (n - s)), "
             "not the exact finite-n one"),
            (dict(from_s=True), "you let p go below the threshold: at p = s nothing is pruned and the "
             "'pruned' model is the small model itself. Take the best p > n only"),
            (dict(scale=lambda r, s: r / s), "the coefficients are wrong: ||beta_S||^2 = snr * sigma^2 "
             "(Task 1)"),
            (dict(scale=lambda r, s: np.sqrt(r)), "the coefficients are wrong: ||beta_S||^2 = snr * sigma^2 "
             "(Task 1)"),
            (dict(method="hessian" if method == "oracle" else "oracle"), "use the pruning `method` you are given"),
        )
        for kwargs, reason in variants:
            if np.isclose(value, _task4_variant(case, **kwargs), rtol=TASK4_RTOL, atol=0):
                raise Incorrect(reason)
        raise Incorrect(
            f"{what} is off by a relative {abs(value - expected) / expected:.2g} (allowed {TASK4_RTOL:g}). Use "
            "sigma^2 = 1, s = round(s_over_n * n), the best pruned risk over p in (n, d], and the asymptotic "
            "small model on the s informative features"
        )


task4 = Check(
    label="Task 4 (prune-from-large vs small model)",
    name="ex07.task4",
    grader=_grade_task4,
    hint=(
        "Chain Tasks 1-3 with sigma^2 = 1: s = int(round(s_over_n * n)); eigs, beta = cell_problem(s, snr, "
        "1.0, tail_var, d); p = best_p(eigs, beta, 1.0, n, s, method); divide theory.pruned_risk(eigs, beta, "
        "1.0, n, p, s, method) by small_model_asymptotic(eigs, beta, 1.0, n, np.arange(s))."
    ),
    reference=prune_vs_small,
)


# ----------------------------------------------------------------------------------------------
# Task 5: where does pruning a large model win?
# ----------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _task5_reference():
    ratio = theory.prune_vs_small_ratio(np.array(S_OVER_N)[:, None], np.array(SNRS)[None, :], methods=("oracle",))
    return np.asarray(ratio["oracle"])


def _task5_answer():
    """A reference answer for Task 5, computed with the reference solutions of Tasks 1–4."""
    ratios = np.array([[prune_vs_small(r, snr) for snr in SNRS] for r in S_OVER_N])
    return ratios < 1


def _grade_task5(answer) -> None:
    if answer is Ellipsis:
        raise NotAttempted()
    if callable(answer):
        raise Incorrect("wins should be an array of True/False values, not a function")
    shape = (len(S_OVER_N), len(SNRS))
    if isinstance(answer, (str, bytes)):
        raise Incorrect("wins should be an array of True/False values, not text")
    try:
        arr = np.asarray(answer)
    except (TypeError, ValueError):
        raise Incorrect("wins should be a rectangular array of True/False values") from None
    if arr.dtype == object:
        raise Incorrect("wins should be a rectangular array of True/False values")
    if arr.shape == shape[::-1]:
        raise Incorrect(f"wins has shape {arr.shape}; rows are the s/n values and columns the SNRs: shape {shape}")
    if arr.shape != shape:
        raise Incorrect(f"wins has shape {arr.shape}, expected {shape} (rows s/n = {S_OVER_N}, columns SNR = {SNRS})")
    if arr.dtype != bool:
        if arr.dtype.kind in "iuf" and np.all(np.isin(arr, (0, 1))):
            arr = arr.astype(bool)
        else:
            raise Incorrect("wins should hold True/False values (a comparison such as ratios < 1), not the ratios")
    ratio = _task5_reference()
    expected = ratio < 1
    if np.array_equal(arr, expected):
        return
    if np.array_equal(arr, ~expected):
        raise Incorrect("every cell is flipped: pruning wins where its risk is BELOW the small model's (ratio < 1)")
    wrong = int(np.sum(arr != expected))
    raise Incorrect(
        f"{wrong} of the {expected.size} cells are wrong. Compute the ratio of Task 4 for every cell, with "
        "the oracle rule and the default n, tail_var and d, and mark the cells where it is below 1"
    )


task5 = Check(
    label="Task 5 (where pruning wins)",
    name="ex07.task5",
    grader=_grade_task5,
    hint=(
        "ratios = np.array([[prune_vs_small(r, snr) for snr in ex07.SNRS] for r in ex07.S_OVER_N]); "
        "wins = ratios < 1 — rows are the s/n values, columns the SNRs."
    ),
    reference=_task5_answer,
)
