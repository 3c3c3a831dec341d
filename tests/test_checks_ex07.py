"""Tests of the checks of exercise 07 (the sparse double descent).

Every task is tested three ways — the stub is "not attempted", the reference solution is "correct",
and plausible wrong answers (real mistakes) are "incorrect" with a message naming the mistake — plus
wrong shapes and types, which must give "incorrect" without raising.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from overparam import theory
from overparam.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ex07
from check_helpers import status as _status, assert_incorrect as _assert_incorrect

FUNCTION_TASKS = [ex07.task1, ex07.task2, ex07.task3, ex07.task4]
ALL_TASKS = FUNCTION_TASKS + [ex07.task5]


# ----------------------------------------------------------------------------------------------
# common to all tasks (stubs, None, the reference and wrong types: test_checks_common.py)
# ----------------------------------------------------------------------------------------------


def test_task5_stub_is_not_attempted():
    assert _status(ex07.task5, ...) == NOT_ATTEMPTED


def test_task5_none_is_incorrect_not_a_stub():
    assert _status(ex07.task5, None) == INCORRECT


def test_task5_reference_is_correct():
    result = ex07.task5.evaluate(_grid())
    assert result.status == CORRECT, result.message


@pytest.mark.parametrize(
    "answer",
    ["a string", 42, np.zeros(20), np.zeros((5, 4, 1)), [[True, False], [True]], lambda: None,
     np.full((5, 4), np.nan), np.full((5, 4), 0.5), np.full((5, 4), "x")],
    ids=["string", "int", "flat", "3-d", "ragged", "function", "nan", "floats", "strings"],
)
def test_task5_wrong_type_or_shape_is_incorrect_without_raising(answer):
    result = ex07.task5.evaluate(answer)
    assert result.status == INCORRECT, result.message
    assert result.message.startswith("✘")


@pytest.mark.parametrize("task", ALL_TASKS, ids=lambda t: t.name)
def test_hint_and_solution_print(task, capsys):
    task.hint()
    task.solution()
    out = capsys.readouterr().out
    assert "Hint for" in out and "def " in out


# ----------------------------------------------------------------------------------------------
# Task 1: the problem of one cell
# ----------------------------------------------------------------------------------------------


def _cell_with(coef, tail_coef=lambda c: 0.0, eigs_fn=None, tail_len=lambda d, s: d - s):
    def cell(s, snr, noise_var=1.0, tail_var=0.05, d=3000):
        c = coef(s, snr, noise_var)
        m = tail_len(d, s)
        eigs = np.concatenate([np.ones(s), np.full(m, tail_var)]) if eigs_fn is None else eigs_fn(s, tail_var, d)
        beta = np.concatenate([np.full(s, c), np.full(m, tail_coef(c))])
        return eigs, beta

    return cell


TASK1_WRONG = {
    "no-square-root": (_cell_with(lambda s, r, v: r * v / s), "square root"),
    "not-divided-by-s": (_cell_with(lambda s, r, v: np.sqrt(r * v)), "divide by s"),
    "noise-ignored": (_cell_with(lambda s, r, v: np.sqrt(r / s)), "noise variance matters"),
    "divided-by-noise": (_cell_with(lambda s, r, v: np.sqrt(r / (s * v))), "do not divide"),
    "tail-carries-signal": (_cell_with(lambda s, r, v: np.sqrt(r * v / s), tail_coef=lambda c: c), "no signal"),
    "negative-root": (_cell_with(lambda s, r, v: -np.sqrt(r * v / s)), "positive square root"),
    "tail-variance-one": (
        _cell_with(lambda s, r, v: np.sqrt(r * v / s), eigs_fn=lambda s, t, d: np.ones(d)), "tail_var, not 1"),
    "variances-swapped": (
        _cell_with(lambda s, r, v: np.sqrt(r * v / s),
                   eigs_fn=lambda s, t, d: np.concatenate([np.full(s, t), np.ones(d - s)])), "other way round"),
    "tail-of-length-d": (_cell_with(lambda s, r, v: np.sqrt(r * v / s), tail_len=lambda d, s: d), "d = "),
    "signal-spread-over-all": (
        lambda s, r, v=1.0, t=0.05, d=3000: (np.concatenate([np.ones(s), np.full(d - s, t)]), np.full(d, np.sqrt(r * v / d))),
        "only the first s"),
    "returns-beta-only": (lambda s, r, v=1.0, t=0.05, d=3000: ex07.cell_problem(s, r, v, t, d)[1], "pair"),
    "returns-problem": (lambda s, r, v=1.0, t=0.05, d=3000: ex07.cell_problem(s, r, v, t, d) + (v,), "pair"),
}


@pytest.mark.parametrize("name", TASK1_WRONG)
def test_task1_wrong_answers(name):
    wrong, fragment = TASK1_WRONG[name]
    _assert_incorrect(ex07.task1, wrong, fragment)


def test_task1_statement_values():
    eigs, beta = ex07.cell_problem(50, 1.0)
    assert eigs.shape == beta.shape == (3000,)
    assert np.isclose(np.sum(beta**2), 1.0) and np.isclose(beta[0], np.sqrt(0.02))
    assert np.isclose(np.sum(eigs * beta**2), 1.0)


# ----------------------------------------------------------------------------------------------
# Task 2: the small-model baseline
# ----------------------------------------------------------------------------------------------


def _omitted(eigs, beta, support, weight=True):
    out = np.ones(len(beta), dtype=bool)
    out[np.asarray(support)] = False
    e = np.asarray(eigs)[out] if weight else 1.0
    return float(np.sum(e * np.asarray(beta)[out] ** 2))


TASK2_WRONG = {
    "exact-finite-n": (
        lambda e, b, v, n, S: (v + _omitted(e, b, S)) * (1 + len(S) / (n - len(S) - 1)), "exact finite-n"),
    "noise-only": (lambda e, b, v, n, S: v * n / (n - len(S)), "sigma_S^2 = sigma^2 +"),
    "omitted-not-amplified": (lambda e, b, v, n, S: v * n / (n - len(S)) + _omitted(e, b, S), "amplified"),
    "no-lambda": (lambda e, b, v, n, S: (v + _omitted(e, b, S, weight=False)) * n / (n - len(S)), "not beta_j^2"),
    "variance-only": (lambda e, b, v, n, S: (v + _omitted(e, b, S)) * len(S) / (n - len(S)), "variance part"),
    "no-noise": (lambda e, b, v, n, S: _omitted(e, b, S) * n / (n - len(S)), "label noise"),
    "no-variance-factor": (lambda e, b, v, n, S: v + _omitted(e, b, S), "variance factor"),
    "excess-risk": (lambda e, b, v, n, S: (v + _omitted(e, b, S)) * n / (n - len(S)) - v, "incl. noise"),
    "prefix-support": (
        lambda e, b, v, n, S: ex07.small_model_asymptotic(e, b, v, n, np.arange(len(S))),
        "first s features as the support"),
}


@pytest.mark.parametrize("name", TASK2_WRONG)
def test_task2_wrong_answers(name):
    wrong, fragment = TASK2_WRONG[name]
    _assert_incorrect(ex07.task2, wrong, fragment)


def test_task2_equals_pruned_risk_at_p_equals_s():
    """At p = s nothing is pruned: the oracle-pruned risk of the prefix model is the small model's."""
    eigs, beta = ex07.cell_problem(50, 1.0)
    small = ex07.small_model_asymptotic(eigs, beta, 1.0, 100, np.arange(50))
    assert np.isclose(small, 2.0)
    assert np.isclose(theory.pruned_risk(eigs, beta, 1.0, 100, 50, 50, "oracle"), small)


# ----------------------------------------------------------------------------------------------
# Task 3: best dense size
# ----------------------------------------------------------------------------------------------


def _scan(start, stop, count, method=None, pick=np.argmin):
    def best(eigs, beta, noise_var, n, s, m="oracle"):
        d = len(beta)
        lo, hi = start(n, s, d), stop(n, s, d)
        ps = np.unique(np.rint(np.geomspace(lo, hi, count)).astype(int))
        risks = theory.pruned_risk(eigs, beta, noise_var, n, ps, s, method or m)
        return int(ps[pick(risks)])

    return best


TASK3_WRONG = {
    "scan-from-s": (_scan(lambda n, s, d: s, lambda n, s, d: d, 400), "p = s"),
    "below-threshold-only": (_scan(lambda n, s, d: s + 1, lambda n, s, d: n - 1, 50), "beyond the threshold"),
    "ignores-method": (_scan(lambda n, s, d: n + 1, lambda n, s, d: d, 400, method="oracle"), "oracle pruning"),
    "coarse-grid": (_scan(lambda n, s, d: n + 1, lambda n, s, d: d, 4), "Scan a grid"),
    "stops-early": (_scan(lambda n, s, d: n + 1, lambda n, s, d: 2 * n, 100), "near either end"),
    "argmax": (_scan(lambda n, s, d: n + 2, lambda n, s, d: d, 100, pick=np.argmax), "lower by"),
    "returns-risk": (
        lambda e, b, v, n, s, m="oracle": theory.best_pruning_size(e, b, v, n, s, m, np.arange(n + 1, len(b) + 1))[1],
        "returned a risk"),
    "returns-pair": (
        lambda e, b, v, n, s, m="oracle": theory.best_pruning_size(e, b, v, n, s, m, np.arange(n + 1, len(b) + 1)),
        "only p"),
    "beyond-d": (lambda e, b, v, n, s, m="oracle": len(b) + 1, "only d ="),
    "fractional": (lambda e, b, v, n, s, m="oracle": n + 0.5, "whole number"),
}


@pytest.mark.parametrize("name", TASK3_WRONG)
def test_task3_wrong_answers(name):
    wrong, fragment = TASK3_WRONG[name]
    _assert_incorrect(ex07.task3, wrong, fragment)


def test_task3_accepts_a_full_scan_a_float_p_and_the_library():
    def full(eigs, beta, noise_var, n, s, method="oracle"):
        ps = np.arange(n + 1, len(beta) + 1)
        return float(ps[np.argmin(theory.pruned_risk(eigs, beta, noise_var, n, ps, s, method))])

    def library(eigs, beta, noise_var, n, s, method="oracle"):
        return theory.best_pruning_size(eigs, beta, noise_var, n, s, method, range(n + 1, len(beta) + 1))[0]

    assert _status(ex07.task3, full) == CORRECT
    assert _status(ex07.task3, library) == CORRECT
    assert _status(ex07.task3, _scan(lambda n, s, d: n + 1, lambda n, s, d: d, 60)) == CORRECT


def test_task3_cases_exercise_both_ends_and_the_method():
    """The grader's cases: one whose best p is at the far end, one where p = s beats every p > n,
    and one where the oracle's best p is a poor choice for magnitude pruning."""
    far = ex07._task3_reference(3)
    assert far[2] > 0.9 * len(far[0]) + 100
    eigs, beta, v, n, s, m = ex07._task3_cases()[2]
    assert theory.pruned_risk(eigs, beta, v, n, s, s, m) < ex07._task3_reference(2)[3]
    ps, risks, _, best = ex07._task3_reference(1)
    oracle_p = ex07._task3_reference(0)[2]
    assert risks[oracle_p - 101] > best * (1 + 10 * ex07.TASK3_RISK_RTOL)


# ----------------------------------------------------------------------------------------------
# Task 4: prune-from-large vs small model
# ----------------------------------------------------------------------------------------------


def _variant(**kwargs):
    def ratio(s_over_n, snr, n=100, tail_var=0.05, d=3000, method="oracle"):
        return ex07._task4_variant((s_over_n, snr, n, tail_var, d, method), **kwargs)

    return ratio


TASK4_WRONG = {
    "inverted": (lambda *a: 1.0 / ex07.prune_vs_small(*a), "other way round"),
    "exact-small-model": (_variant(small="exact"), "exact finite-n"),
    "includes-p-below-n": (_variant(from_s=True), "below the threshold"),
    "coefficients-no-sqrt": (_variant(scale=lambda r, s: r / s), "coefficients are wrong"),
    "ignores-method": (
        lambda r, snr, n=100, t=0.05, d=3000, m="oracle": ex07.prune_vs_small(r, snr, n, t, d, "oracle"), "method"),
    "fixed-defaults": (lambda r, snr, n=100, t=0.05, d=3000, m="oracle": ex07.prune_vs_small(r, snr, 100, 0.05, 3000, m),
                       "off by a relative"),
    "returns-pruned-risk": (
        lambda r, snr, n=100, t=0.05, d=3000, m="oracle": ex07.prune_vs_small(r, snr, n, t, d, m) * n / (n - round(r * n)),
        "off by a relative"),
    "returns-dict": (
        lambda r, snr, n=100, t=0.05, d=3000, m="oracle": theory.prune_vs_small_ratio(r, snr, n, t, d, methods=(m,)),
        "one number"),
}


@pytest.mark.parametrize("name", TASK4_WRONG)
def test_task4_wrong_answers(name):
    wrong, fragment = TASK4_WRONG[name]
    _assert_incorrect(ex07.task4, wrong, fragment)


def test_task4_reference_matches_theory_table():
    """Reference M, column SNR = 1, and two more cells (2 decimals)."""
    assert round(ex07.prune_vs_small(0.5, 1.0), 2) == 0.71
    assert round(ex07.prune_vs_small(0.9, 1.0), 2) == 0.16
    assert round(ex07.prune_vs_small(0.3, 0.25), 2) == 0.80


# ----------------------------------------------------------------------------------------------
# Task 5: where pruning wins
# ----------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _cached_grid():
    return ex07._task5_answer()


def _grid():
    return _cached_grid().copy()


def _one_flipped():
    g = _grid().copy()
    g[0, 0] = ~g[0, 0]
    return g


TASK5_WRONG = {
    "transposed": (lambda: _grid().T, "rows are the s/n values"),
    "inverted": (lambda: ~_grid(), "flipped"),
    "ratios": (lambda: ex07._task5_reference(), "not the ratios"),
    "one-cell": (_one_flipped, "1 of the 20"),
    "all-true": (lambda: np.ones((5, 4), dtype=bool), "of the 20"),
}


@pytest.mark.parametrize("name", TASK5_WRONG)
def test_task5_wrong_answers(name):
    answer, fragment = TASK5_WRONG[name]
    _assert_incorrect(ex07.task5, answer(), fragment)


def test_task5_accepts_lists_and_zero_one():
    grid = _grid()
    assert _status(ex07.task5, grid.tolist()) == CORRECT
    assert _status(ex07.task5, grid.astype(int)) == CORRECT


def test_task5_grid_has_both_outcomes_and_matches_theory_table():
    grid = _grid()
    assert 0 < grid.sum() < grid.size
    # lesson 07: wins where s/n is large and the SNR moderate, loses where s/n is small and the SNR high
    assert grid[4].all() and grid[0, 0] and not grid[0, 1:].any()
