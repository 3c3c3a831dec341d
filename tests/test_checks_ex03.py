"""Tests of the checks of exercise 03 (weak features and ridge).

Every task is tested three ways — the stub is "not attempted", the reference solution is "correct",
and plausible wrong answers (real mistakes) are "incorrect" with a message naming the mistake — plus
wrong shapes and types, which must give "incorrect" without raising.
"""

from __future__ import annotations

import numpy as np
import pytest

from overparam import fit, theory
from overparam.checks import CORRECT, INCORRECT, ex03
from check_helpers import status as _status, assert_incorrect as _assert_incorrect

TASKS = [ex03.task1, ex03.task2, ex03.task3, ex03.task4, ex03.task5]


def _message(task, answer):
    return task.evaluate(answer).message


# ----------------------------------------------------------------------------------------------
# common to all tasks (stubs, None, the reference and wrong types: test_checks_common.py)
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("task", TASKS, ids=lambda t: t.name)
def test_hint_and_solution_print(task, capsys):
    task.hint()
    task.solution()
    out = capsys.readouterr().out
    assert "Hint for" in out and "def " in out


# ----------------------------------------------------------------------------------------------
# Task 1: effective noise
# ----------------------------------------------------------------------------------------------


TASK1_WRONG = {
    "no-lambda": (lambda e, b, s, p: s + np.sum(b[p:] ** 2), "variance lambda_j"),
    "includes-feature-p": (lambda e, b, s, p: s + np.sum(e[p - 1:] * b[p - 1:] ** 2), "off by one"),
    "skips-feature-p+1": (lambda e, b, s, p: s + np.sum(e[p + 1:] * b[p + 1:] ** 2), "off by one"),
    "no-label-noise": (lambda e, b, s, p: np.sum(e[p:] * b[p:] ** 2), "label noise"),
    "lambda-squared": (lambda e, b, s, p: s + np.sum(e[p:] ** 2 * b[p:] ** 2), "lambda_j^2"),
    "std-not-variance": (lambda e, b, s, p: np.sqrt(s + np.sum(e[p:] * b[p:] ** 2)), "variance"),
    "inside-not-outside": (lambda e, b, s, p: s + np.sum(e[:p] * b[:p] ** 2), "off by"),
    "per-feature-array": (lambda e, b, s, p: s + e[p:] * b[p:] ** 2, "single number"),
}


@pytest.mark.parametrize("name", TASK1_WRONG)
def test_task1_wrong_answers(name):
    wrong, fragment = TASK1_WRONG[name]
    result = ex03.task1.evaluate(wrong)
    assert result.status == INCORRECT
    assert fragment in result.message


def test_task1_accepts_a_variant_implementation():
    def via_cumsum(eigs, beta, noise_var, p):
        tail = np.cumsum((np.asarray(eigs) * np.asarray(beta) ** 2)[::-1])[::-1]
        return noise_var + (tail[p] if p < len(tail) else 0.0)

    assert _status(ex03.task1, via_cumsum) == CORRECT


# ----------------------------------------------------------------------------------------------
# Task 2: Belkin–Hsu–Xu risk
# ----------------------------------------------------------------------------------------------


def _bhx(beta, noise_var, n, p, tail=True, bias=lambda n, p: 1 - n / p, over=1, under=1, minus=0.0, peak=np.inf):
    beta = np.asarray(beta)
    inside = np.sum(beta[:p] ** 2)
    noise = noise_var + (np.sum(beta[p:] ** 2) if tail else 0.0)
    if p <= n - 2:
        return noise * (1 + p / (n - p - under)) - minus * noise_var
    if p >= n + 2:
        return inside * bias(n, p) + noise * (1 + n / (p - n - over)) - minus * noise_var
    return peak


TASK2_WRONG = {
    "no-tail-in-noise": (lambda b, s, n, p: _bhx(b, s, n, p, tail=False), "beta_Tc"),
    "bias-1-p/n": (lambda b, s, n, p: _bhx(b, s, n, p, bias=lambda n, p: 1 - p / n), "bias factor"),
    "n/(p-n)": (lambda b, s, n, p: _bhx(b, s, n, p, over=0), "finite-n correction"),
    "p/(n-p)": (lambda b, s, n, p: _bhx(b, s, n, p, under=0), "finite-n correction"),
    "both-uncorrected": (lambda b, s, n, p: _bhx(b, s, n, p, over=0, under=0), "finite-n correction"),
    "excess-risk": (lambda b, s, n, p: _bhx(b, s, n, p, minus=1.0), "including the label noise"),
    "finite-at-peak": (lambda b, s, n, p: _bhx(b, s, n, p, peak=1e12), "infinite"),
    "minus-inf-at-peak": (lambda b, s, n, p: _bhx(b, s, n, p, peak=-np.inf), "infinite"),
    "nan-at-peak": (lambda b, s, n, p: _bhx(b, s, n, p, peak=np.nan), "nan"),
    "overparameterized-side-missing": (lambda b, s, n, p: _bhx(b, s, n, p) if p <= n + 1 else 1.0, "beyond the threshold"),
}


@pytest.mark.parametrize("name", TASK2_WRONG)
def test_task2_wrong_answers(name):
    wrong, fragment = TASK2_WRONG[name]
    result = ex03.task2.evaluate(wrong)
    assert result.status == INCORRECT
    assert fragment in result.message, result.message


def test_task2_no_branches_divides_by_zero_at_the_peak():
    """A formula without the peak branch raises ZeroDivisionError at p = n + 1 (python ints)."""

    def no_branch(beta, noise_var, n, p):
        inside, outside = sum(beta[:p] ** 2), noise_var + sum(beta[p:] ** 2)
        if p < n:
            return outside * (1 + p / (n - p - 1))
        return inside * (1 - n / p) + outside * (1 + n / (p - n - 1))

    result = ex03.task2.evaluate(no_branch)
    assert result.status == INCORRECT
    assert "ZeroDivisionError" in result.message and "infinite" in result.message


def test_task2_finite_n_correction_is_caught_far_from_the_peak():
    """The n/(p-n) slip changes the risk by well under 1% at large p; the check must still see it."""
    beta = ex03._task2_cases()[1][0]
    right = ex03.bhx_risk(beta, 0.25, 100, 400)
    slip = TASK2_WRONG["n/(p-n)"][0](beta, 0.25, 100, 400)
    assert 0 < abs(slip - right) / right < 0.01
    assert _status(ex03.task2, TASK2_WRONG["n/(p-n)"][0]) == INCORRECT


def test_task2_accepts_numpy_inf_and_library_call():
    def via_library(beta, noise_var, n, p):
        return theory.prefix_risk(beta, noise_var, n, p)

    assert _status(ex03.task2, via_library) == CORRECT


# ----------------------------------------------------------------------------------------------
# Task 3: ridge by validation
# ----------------------------------------------------------------------------------------------


def _val_errors(X, y, Xv, yv, penalties, scale):
    p = X.shape[1]
    return [np.mean((yv - Xv @ np.linalg.solve(X.T @ X + scale * lam * np.eye(p), X.T @ y)) ** 2) for lam in penalties]


TASK3_WRONG = {
    "by-training-error": (
        lambda X, y, Xv, yv, pens: pens[int(np.argmin(_val_errors(X, y, X, y, pens, len(y))))],
        "training",
    ),
    "index-not-value": (lambda X, y, Xv, yv, pens: int(np.argmin(_val_errors(X, y, Xv, yv, pens, len(y)))), "index"),
    "penalty-without-n": (
        lambda X, y, Xv, yv, pens: pens[int(np.argmin(_val_errors(X, y, Xv, yv, pens, 1.0)))],
        "convention",
    ),
    "n-of-validation-set": (
        lambda X, y, Xv, yv, pens: pens[int(np.argmin(_val_errors(X, y, Xv, yv, pens, len(yv))))],
        "training",
    ),
    "returns-errors": (lambda X, y, Xv, yv, pens: np.array(_val_errors(X, y, Xv, yv, pens, len(y))), "array"),
    "returns-min-error": (lambda X, y, Xv, yv, pens: min(_val_errors(X, y, Xv, yv, pens, len(y))), "smallest validation error"),
    # at the peak the largest validation error sits at the smallest penalty, so either message fits
    "argmax": (lambda X, y, Xv, yv, pens: pens[int(np.argmax(_val_errors(X, y, Xv, yv, pens, len(y))))], ("largest", "training")),
    "smallest-penalty": (lambda X, y, Xv, yv, pens: min(pens), "training"),
    "pair": (lambda X, y, Xv, yv, pens: (pens[0], 0.1), "tuple"),
}


@pytest.mark.parametrize("name", TASK3_WRONG)
def test_task3_wrong_answers(name):
    wrong, fragment = TASK3_WRONG[name]
    _assert_incorrect(ex03.task3, wrong, fragment)


def test_task3_accepts_library_ridge():
    def via_library(X_train, y_train, X_val, y_val, penalties):
        errors = [np.mean((y_val - X_val @ fit.ridge(X_train, y_train, lam)) ** 2) for lam in penalties]
        return penalties[int(np.argmin(errors))]

    assert _status(ex03.task3, via_library) == CORRECT


def test_task3_grader_data_is_unambiguous():
    """The best penalty beats the runner-up clearly and differs from every wrong answer's choice."""
    for X, y, Xv, yv, pens in ex03._task3_cases():
        n = len(y)
        errors = np.array(_val_errors(X, y, Xv, yv, pens, n))
        order = np.argsort(errors)
        assert (errors[order[1]] - errors[order[0]]) / errors[order[0]] > 1e-3
        best = pens[order[0]]
        for scale in (1.0, len(yv)):
            assert pens[int(np.argmin(_val_errors(X, y, Xv, yv, pens, scale)))] != best
        assert pens[int(np.argmin(_val_errors(X, y, X, y, pens, n)))] != best
        assert best != order[0]


# ----------------------------------------------------------------------------------------------
# Task 4: optimal ridge penalty (isotropic features)
# ----------------------------------------------------------------------------------------------


def _signal(b, p):
    return np.sum(np.asarray(b)[:p] ** 2)


def _sigma_p2(b, s, p):
    return s + np.sum(np.asarray(b)[p:] ** 2)


TASK4_WRONG = {
    "sigma2-not-sigma_p2": (lambda b, s, n, p: p / n * s / _signal(b, p), "sigma_p^2"),
    "total-signal": (lambda b, s, n, p: p / n * _sigma_p2(b, s, p) / np.sum(np.asarray(b) ** 2), "beta_T"),
    "no-gamma": (lambda b, s, n, p: _sigma_p2(b, s, p) / _signal(b, p), "gamma"),
    "n/p": (lambda b, s, n, p: n / p * _sigma_p2(b, s, p) / _signal(b, p), "n/p"),
    "signal-to-noise": (lambda b, s, n, p: p / n * _signal(b, p) / _sigma_p2(b, s, p), "noise-to-signal"),
    "returns-risk": (lambda b, s, n, p: theory.optimal_ridge(np.ones(len(b)), b, s, n, p)[1], "optimal risk"),
    "returns-pair": (lambda b, s, n, p: theory.optimal_ridge(np.ones(len(b)), b, s, n, p), "tuple"),
    "off-by-a-bit": (lambda b, s, n, p: 1.01 * p / n * _sigma_p2(b, s, p) / _signal(b, p), "relative"),
    # the search route: a grid far too coarse to pin the minimum down
    "coarse-grid-search": (lambda b, s, n, p: _grid_search(b, s, n, p, np.logspace(-3, 3, 25)), "refine"),
    # the search route with only the model's own features: the left-out signal no longer counts as noise
    "search-without-left-out-features": (
        lambda b, s, n, p: _bounded_search(np.asarray(b)[:p], s, n, p), "sigma_p^2"),
}


def _grid_search(beta, noise_var, n, p, grid):
    risks = theory.ridge_risk(np.ones(len(beta)), beta, noise_var, n, p, grid)
    return float(grid[int(np.argmin(risks))])


def _bounded_search(beta, noise_var, n, p):
    from scipy.optimize import minimize_scalar

    def risk(t):
        return theory.ridge_risk(np.ones(len(beta)), beta, noise_var, n, p, 10.0**t)

    return float(10.0 ** minimize_scalar(risk, bounds=(-6, 4), method="bounded").x)


@pytest.mark.parametrize("name", TASK4_WRONG)
def test_task4_wrong_answers(name):
    wrong, fragment = TASK4_WRONG[name]
    result = ex03.task4.evaluate(wrong)
    assert result.status == INCORRECT
    assert fragment in result.message, result.message


def test_task4_accepts_the_library_optimizer():
    def via_library(beta, noise_var, n, p):
        return theory.optimal_ridge(np.ones(len(beta)), beta, noise_var, n, p)[0]

    assert _status(ex03.task4, via_library) == CORRECT


def test_task4_accepts_a_numerical_search():
    """Either route counts: a bounded search of theory.ridge_risk, or a fine grid, is correct."""
    assert _status(ex03.task4, _bounded_search) == CORRECT
    fine = np.logspace(-3, 3, 3001)
    assert _status(ex03.task4, lambda b, s, n, p: _grid_search(b, s, n, p, fine)) == CORRECT


def test_task4_every_mistake_is_outside_the_tolerance():
    """Each wrong formula misses the optimum by more than the tolerance on at least one case."""
    for name, (wrong, _) in TASK4_WRONG.items():
        if name.startswith("returns-"):
            continue
        gaps = [abs(float(wrong(b, s, n, p)) / theory.optimal_ridge(np.ones(b.size), b, s, n, p)[0] - 1)
                for b, s, n, p in ex03._task4_cases()]
        assert max(gaps) > 2 * ex03.TASK4_RTOL, name


def test_task4_closed_form_matches_the_optimizer_tightly():
    """The closed form and the numerical optimum agree far inside the check's tolerance."""
    for beta, noise_var, n, p in ex03._task4_cases():
        numeric, _ = theory.optimal_ridge(np.ones(beta.size), beta, noise_var, n, p)
        assert abs(ex03.optimal_penalty(beta, noise_var, n, p) / numeric - 1) < 1e-5
        assert 1e-6 < numeric < 1e2  # well inside the optimizer's search range


# ----------------------------------------------------------------------------------------------
# Task 5: population ridge
# ----------------------------------------------------------------------------------------------


TASK5_WRONG = {
    "inverse-on-beta": (lambda e, b, z: b / (e + z), "not to beta"),
    "eigs-squared": (lambda e, b, z: e**2 / (e**2 + z) * b, "do not square"),
    "eigs-squared-numerator": (lambda e, b, z: e**2 / (e + z) * b, "do not square"),
    "denominator-squared": (lambda e, b, z: e / (e + z) ** 2 * b, "denominator"),
    "removed-part": (lambda e, b, z: z / (e + z) * b, "what is left"),
    "inverted": (lambda e, b, z: (e + z) / e * b, "larger than beta"),
    "shrinkage-only": (lambda e, b, z: e / (e + z), "depend on beta"),
    "penalty-added-to-every-entry": (lambda e, b, z: np.linalg.solve(np.diag(e) + z, np.diag(e) @ b), "off by"),
    "returns-scalar": (lambda e, b, z: float(np.sum(e / (e + z) * b)), "shape"),
    "too-short": (lambda e, b, z: (e / (e + z) * b)[:-1], "shape"),
}


@pytest.mark.parametrize("name", TASK5_WRONG)
def test_task5_wrong_answers(name):
    wrong, fragment = TASK5_WRONG[name]
    result = ex03.task5.evaluate(wrong)
    assert result.status == INCORRECT
    assert fragment in result.message, result.message


def test_task5_accepts_dense_matrix_algebra():
    def via_matrices(eigs, beta, penalty):
        sigma = np.diag(eigs)
        return np.linalg.solve(sigma + penalty * np.eye(len(eigs)), sigma @ beta)

    assert _status(ex03.task5, via_matrices) == CORRECT


def test_task4_accepts_a_coarse_grid_search_that_reaches_the_optimal_risk():
    """A 2000-point grid over the hint's range can miss lambda* by > 0.5% but not the risk."""
    from overparam import theory

    def grid_search(beta, noise_var, n, p):
        grid = np.logspace(-6, 4, 2000)
        risks = theory.ridge_risk(np.ones(beta.size), beta, noise_var, n, p, grid)
        return float(grid[np.argmin(risks)])

    assert ex03.task4.evaluate(grid_search).status == CORRECT
