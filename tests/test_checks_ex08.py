"""Tests of the checks of exercise 08 (retraining and correlations).

Every task is tested three ways — the stub is "not attempted", the reference solution is "correct",
and plausible wrong answers (real mistakes) are "incorrect" with a message naming the mistake — plus
wrong shapes and types, which must give "incorrect" without raising.
"""

from __future__ import annotations

import numpy as np
import pytest

from overparam import experiments, models, theory
from overparam.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ex08
from check_helpers import status as _status, assert_incorrect as _assert_incorrect

FUNCTION_TASKS = [ex08.task1, ex08.task2, ex08.task3]
ALL_TASKS = FUNCTION_TASKS + [ex08.task4]


# ----------------------------------------------------------------------------------------------
# common to all tasks (stubs, None, the reference and wrong types: test_checks_common.py)
# ----------------------------------------------------------------------------------------------


def test_task4_stub_is_not_attempted():
    assert _status(ex08.task4, ...) == NOT_ATTEMPTED
    assert _status(ex08.task4, (..., ..., ...)) == NOT_ATTEMPTED


def test_task4_none_is_incorrect_not_a_stub():
    assert _status(ex08.task4, None) == INCORRECT


@pytest.mark.parametrize("task", ALL_TASKS, ids=lambda t: t.name)
def test_hint_and_solution_print(task, capsys):
    task.hint()
    task.solution()
    out = capsys.readouterr().out
    assert "Hint for" in out and "def " in out


# ----------------------------------------------------------------------------------------------
# Task 1: best weights on a support
# ----------------------------------------------------------------------------------------------


def _blocks(cov, beta, support):
    cov, beta, S = np.asarray(cov), np.asarray(beta), np.asarray(support)
    C = np.setdiff1d(np.arange(beta.size), S)
    return cov[np.ix_(S, S)], cov[np.ix_(S, C)], cov[np.ix_(C, C)], beta[S], beta[C]


def _floor(cov, beta, nv, S):
    return ex08.best_support_weights(cov, beta, nv, S)[1]


def _b(cov, beta, nv, S):
    return ex08.best_support_weights(cov, beta, nv, S)[0]


def _no_schur_floor(cov, beta, nv, S):
    _, _, cc, _, bc = _blocks(cov, beta, S)
    return nv + bc @ cc @ bc


TASK1_WRONG = {
    "b-is-beta_S": (lambda c, b, nv, S: (np.asarray(b)[S], _floor(c, b, nv, S)), "stand in"),
    "no-inverse": (
        lambda c, b, nv, S: (_blocks(c, b, S)[3] + _blocks(c, b, S)[1] @ _blocks(c, b, S)[4], _floor(c, b, nv, S)),
        "Sigma_SS^{-1}",
    ),
    "only-correction": (lambda c, b, nv, S: (_b(c, b, nv, S) - np.asarray(b)[S], _floor(c, b, nv, S)), "only the correction"),
    "sign-of-correction": (
        lambda c, b, nv, S: (2 * np.asarray(b)[S] - _b(c, b, nv, S), _floor(c, b, nv, S)), "sign"),
    "sorted-order": (lambda c, b, nv, S: ex08.best_support_weights(c, b, nv, np.sort(S)), "order of `support`"),
    "full-length": (
        lambda c, b, nv, S: (np.where(np.isin(np.arange(len(b)), S), 1.0, 0.0), _floor(c, b, nv, S)),
        "one weight per feature in support",
    ),
    "swapped": (lambda c, b, nv, S: ex08.best_support_weights(c, b, nv, S)[::-1], "order (b_S, floor)"),
    "floor-without-noise": (lambda c, b, nv, S: (_b(c, b, nv, S), _floor(c, b, nv, S) - nv), "label noise"),
    "floor-without-schur": (lambda c, b, nv, S: (_b(c, b, nv, S), _no_schur_floor(c, b, nv, S)), "Schur complement"),
    "floor-schur-sign": (
        lambda c, b, nv, S: (_b(c, b, nv, S), 2 * _no_schur_floor(c, b, nv, S) - _floor(c, b, nv, S)), "sign"),
    "floor-is-null-risk": (
        lambda c, b, nv, S: (_b(c, b, nv, S), nv + np.asarray(b) @ np.asarray(c) @ np.asarray(b)), "null risk"),
    "floor-is-noise": (lambda c, b, nv, S: (_b(c, b, nv, S), nv), "cannot predict"),
    "floor-off": (lambda c, b, nv, S: (_b(c, b, nv, S), 1.1 * _floor(c, b, nv, S)), "floor is off"),
    "returns-only-b": (lambda c, b, nv, S: _b(c, b, nv, S), "pair"),
}


@pytest.mark.parametrize("name", TASK1_WRONG)
def test_task1_wrong_answers(name):
    wrong, fragment = TASK1_WRONG[name]
    _assert_incorrect(ex08.task1, wrong, fragment)


def test_task1_accepts_the_library_and_a_normal_equations_route():
    def via_library(cov, beta, noise_var, support):
        return models.CorrelatedProblem(cov, beta, noise_var).best_support_weights(support)

    def via_normal_equations(cov, beta, noise_var, support):
        cov, beta = np.asarray(cov), np.asarray(beta)
        b_S = np.linalg.inv(cov[np.ix_(support, support)]) @ (cov @ beta)[support]
        w = np.zeros(beta.size)
        w[support] = b_S
        return b_S, noise_var + (w - beta) @ cov @ (w - beta)

    assert _status(ex08.task1, via_library) == CORRECT
    assert _status(ex08.task1, via_normal_equations) == CORRECT


def test_task1_example_of_the_statement():
    b, floor = ex08.best_support_weights(np.array([[1.0, 0.5], [0.5, 1.0]]), np.array([1.0, 1.0]), 0.1, np.array([0]))
    assert np.allclose(b, [1.5]) and np.isclose(floor, 0.85)


def test_task1_grader_cases_tell_the_mistakes_apart():
    """On every grader case each wrong variant differs clearly from the reference."""
    for cov, beta, nv, S in ex08._task1_cases():
        ref_b, ref_floor = ex08.best_support_weights(cov, beta, nv, S)
        for wrong, _ in ex08._task1_wrong_b(cov, beta, S):
            assert np.max(np.abs(wrong - ref_b)) > 1e-3
        for wrong, _ in ex08._task1_wrong_floor(cov, beta, nv, S):
            assert abs(wrong - ref_floor) > 1e-3


# ----------------------------------------------------------------------------------------------
# Task 2: cost of pruning without retraining
# ----------------------------------------------------------------------------------------------


def _cost_to(target, weight):
    def cost(cov, beta, w_S, S):
        cov, beta = np.asarray(cov), np.asarray(beta)
        g = np.asarray(w_S) - target(cov, beta, S)
        return float(g @ weight(cov, S) @ g)

    return cost


def _b0(cov, beta, S):
    return ex08.best_support_weights(cov, beta, 0.0, S)[0]


def _pruned_risk(cov, beta, w_S, S, nv):
    w = np.zeros(len(beta))
    w[S] = w_S
    return models.CorrelatedProblem(cov, beta, nv).risk(w)


TASK2_WRONG = {
    "distance-to-beta_S": (_cost_to(lambda c, b, S: b[S], lambda c, S: c[np.ix_(S, S)]), "distance to beta_S"),
    "no-covariance": (_cost_to(_b0, lambda c, S: np.eye(len(S))), "Sigma_SS"),
    "prefix-block": (_cost_to(_b0, lambda c, S: c[: len(S), : len(S)]), "off by"),
    "square-root": (lambda c, b, w, S: np.sqrt(ex08.pruning_cost(c, b, w, S)), "square root"),
    "whole-risk": (lambda c, b, w, S: _pruned_risk(c, b, w, S, 1.0), "whole risk"),
    "excess-over-noise": (lambda c, b, w, S: _pruned_risk(c, b, w, S, 0.0), "excess risk"),
    "pair": (lambda c, b, w, S: (ex08.pruning_cost(c, b, w, S), 0.0), "one number"),
    "vector": (lambda c, b, w, S: np.asarray(w) - _b0(c, b, S), "single number"),
}


@pytest.mark.parametrize("name", TASK2_WRONG)
def test_task2_wrong_answers(name):
    wrong, fragment = TASK2_WRONG[name]
    _assert_incorrect(ex08.task2, wrong, fragment)


def test_task2_accepts_risk_minus_floor():
    def via_risk(cov, beta, w_S, support):
        problem = models.CorrelatedProblem(cov, beta, 0.3)
        w = np.zeros(problem.d)
        w[support] = w_S
        return problem.risk(w) - problem.best_support_weights(support)[1]

    assert _status(ex08.task2, via_risk) == CORRECT


def test_task2_decomposition_on_the_example():
    """floor + cost = risk: the two-feature example of the statement."""
    cov, beta = np.array([[1.0, 0.5], [0.5, 1.0]]), np.array([1.0, 1.0])
    cost = ex08.pruning_cost(cov, beta, np.array([1.0]), np.array([0]))
    assert np.isclose(cost, 0.25)
    assert np.isclose(0.85 + cost, models.CorrelatedProblem(cov, beta, 0.1).risk(np.array([1.0, 0.0])))


# ----------------------------------------------------------------------------------------------
# Task 3: the exact risk of retraining on a fixed support
# ----------------------------------------------------------------------------------------------


def _risk_with(factor=lambda n, s: 1 + s / (n - s - 1), floor=_floor, shift=lambda nv: 0.0, guard=True):
    """A retrained_risk built from a refit factor and a floor; ``guard`` returns inf for s >= n - 1."""
    def risk(cov, beta, nv, n, S):
        s = len(S)
        if guard and s >= n - 1:
            return np.inf
        return floor(cov, beta, nv, S) * factor(n, s) - shift(nv)

    return risk


def _floor_without_schur(cov, beta, nv, S):
    return _no_schur_floor(cov, beta, nv, S)


TASK3_WRONG = {
    "asymptotic-n-over-n-minus-s": (_risk_with(factor=lambda n, s: n / (n - s)), "large-n approximation"),
    "factor-1-plus-s-over-n-minus-s": (_risk_with(factor=lambda n, s: 1 + s / (n - s)), "1 + s/(n - s)"),
    "fixed-design-1-plus-s-over-n": (_risk_with(factor=lambda n, s: 1 + s / n), "fixed design"),
    "noise-instead-of-floor": (_risk_with(floor=lambda c, b, nv, S: nv), "label noise sigma^2"),
    "floor-without-noise": (_risk_with(floor=lambda c, b, nv, S: _floor(c, b, nv, S) - nv), "leaves out the label noise"),
    "floor-without-schur": (_risk_with(floor=_floor_without_schur), "Schur complement"),
    "floor-alone": (_risk_with(factor=lambda n, s: 1.0), "refit variance on top"),
    "refit-variance-alone": (_risk_with(factor=lambda n, s: s / (n - s - 1)), "only the refit variance"),
    "excess-risk": (_risk_with(shift=lambda nv: nv), "excess risk"),
    "prefix-support": (_risk_with(floor=lambda c, b, nv, S: _floor(c, b, nv, np.arange(len(S)))), "first s features"),
    "inf-everywhere": (lambda c, b, nv, n, S: np.inf, "finite"),
    "off-by-a-bit": (_risk_with(factor=lambda n, s: 1.01 + s / (n - s - 1)), "off by a relative"),
    # s >= n - 1 not handled: Python division by zero at s = n - 1, or a negative number at s = n
    "no-guard-python-ints": (_risk_with(guard=False), ("ZeroDivisionError", "return np.inf")),
    "no-guard-numpy-floats": (
        _risk_with(factor=lambda n, s: 1 + np.float64(s) / np.float64(n - s - 1), guard=False), "return np.inf"),
    "guard-too-late": (
        lambda c, b, nv, n, S: np.inf if len(S) >= n else _risk_with(guard=False)(c, b, nv, n, S), "return np.inf"),
    "nan-when-infinite": (lambda c, b, nv, n, S: np.nan if len(S) >= n - 1 else ex08.retrained_risk(c, b, nv, n, S), "nan"),
    "raises-when-infinite": (_risk_with(guard=False, factor=lambda n, s: 1 + s / (n - s - 1) if s < n - 1
                                        else (_ for _ in ()).throw(ValueError("s too large"))), "ValueError"),
    "returns-pair": (lambda c, b, nv, n, S: (ex08.retrained_risk(c, b, nv, n, S), 0.0), "one number"),
    "returns-text": (lambda c, b, nv, n, S: "0.5", "text"),
}


@pytest.mark.parametrize("name", TASK3_WRONG)
def test_task3_wrong_answers(name):
    wrong, fragment = TASK3_WRONG[name]
    _assert_incorrect(ex08.task3, wrong, fragment)


def test_task3_accepts_the_library_floor_and_numpy_inf_routes():
    def via_library(cov, beta, noise_var, n, support):
        s = len(support)
        if s > n - 2:
            return float("inf")
        floor = models.CorrelatedProblem(cov, beta, noise_var).best_support_weights(support)[1]
        return floor + floor * s / (n - s - 1)

    def via_decomposition(cov, beta, noise_var, n, support):   # the library's theory, with p = d
        s = len(support)
        if s >= n - 1:
            return np.inf
        return theory.pruning_cost_decomposition(cov, beta, noise_var, n, len(beta), support).with_retraining

    assert _status(ex08.task3, via_library) == CORRECT
    assert _status(ex08.task3, via_decomposition) == CORRECT


def test_task3_example_of_the_statement():
    cov, beta = np.array([[1.0, 0.5], [0.5, 1.0]]), np.array([1.0, 1.0])
    assert np.isclose(ex08.retrained_risk(cov, beta, 0.1, 10, np.array([0])), 0.85 * 9 / 8)
    assert ex08.retrained_risk(cov, beta, 0.1, 2, np.array([0])) == np.inf


def test_task3_grader_cases_tell_the_mistakes_apart():
    """On every finite grader case each wrong variant differs clearly from the reference."""
    cases = ex08._task3_cases()
    assert any(S.size == n - 2 for _, _, _, n, S in cases)
    assert all(not np.array_equal(S, np.sort(S)) for _, _, _, _, S in cases)
    for case in cases:
        ref = ex08.retrained_risk(*case)
        for wrong, _ in ex08._task3_wrong(*case):
            assert abs(wrong - ref) > 1e-3 * ref
    assert [S.size - n for _, _, _, n, S in ex08._task3_infinite_cases()] == [-1, 0]


def test_task3_reference_matches_a_simulation():
    """The exact formula agrees with the mean risk of least squares refitted on S (4000 training sets)."""
    problem = models.ar1_problem(30, 0.7, 1.0 / np.arange(1, 31), 0.2)
    n, S = 20, np.array([9, 2, 5, 0, 14, 7, 11, 3])
    sweep = experiments.pruning_sweep(problem, n, [problem.d], S.size, trials=4000, seed=80, rules=("oracle",),
                                      support=S)
    small = sweep["small"]
    exact = ex08.retrained_risk(problem.cov, problem.beta, problem.noise_var, n, S)
    assert abs(small.mean[0] - exact) < 4 * small.sem[0]
    _, floor = problem.best_support_weights(S)
    assert abs(small.mean[0] - floor * n / (n - S.size)) > 4 * small.sem[0]   # the large-n value is off


# ----------------------------------------------------------------------------------------------
# Task 4: a design where retraining is essential
# ----------------------------------------------------------------------------------------------


def _reference_design():
    return ex08.correlated_design()


def test_task4_reference_is_correct_with_margin():
    cov, beta, nv = _reference_design()
    result = ex08.task4.evaluate((cov, beta, nv))
    assert result.status == CORRECT, result.message
    corr = ex08._task4_measure(models.CorrelatedProblem(cov, beta, nv))
    indep = ex08._task4_measure(models.diagonal_problem(np.ones(ex08.TASK4_D), beta, nv))
    assert corr[0] / corr[1] > 2 * ex08.TASK4_MIN_GAIN
    assert indep[0] / indep[1] < ex08.TASK4_MAX_GAIN_INDEPENDENT - 0.05


def test_task4_accepts_a_correlated_problem_object():
    assert _status(ex08.task4, models.CorrelatedProblem(*_reference_design())) == CORRECT


def _with(**changes):
    cov, beta, nv = _reference_design()
    parts = {"cov": cov, "beta": beta, "noise_var": nv}
    parts.update(changes)
    return parts["cov"], parts["beta"], parts["noise_var"]


def _ar1(rho):
    d = ex08.TASK4_D
    return models.ar1_problem(d, rho, _reference_design()[1], 1.0).cov


def _high_snr_beta():
    beta = np.concatenate([np.full(ex08.TASK4_S, 0.5), np.full(ex08.TASK4_D - ex08.TASK4_S, 0.01)])
    return beta


TASK4_WRONG = {
    "independent-features": (_with(cov=np.eye(ex08.TASK4_D)), "does not win by enough"),
    "ar1-0.9": (_with(cov=_ar1(0.9)), "does not win by enough"),
    # strong signal on the kept features and little noise: retraining wins by undoing shrinkage alone
    "shrinkage-not-correlation": (
        _with(cov=np.eye(ex08.TASK4_D), beta=_high_snr_beta(), noise_var=0.05), "also wins with independent"),
    "shrinkage-with-correlation": (_with(beta=_high_snr_beta(), noise_var=0.05), "also wins with independent"),
    "oracle-not-first-s": (_with(beta=_reference_design()[1][::-1].copy()), "oracle's choice"),
    "variances-not-one": (_with(cov=2 * _reference_design()[0]), "variance 1"),
    "not-symmetric": (_with(cov=np.triu(_reference_design()[0])), "symmetric"),
    "singular": (_with(cov=np.ones((ex08.TASK4_D, ex08.TASK4_D))), "smallest eigenvalue"),
    "nearly-singular": (_with(cov=0.995 * np.ones((200, 200)) + 0.005 * np.eye(200)), "smallest eigenvalue"),
    "no-noise": (_with(noise_var=0.0), "noisy"),
    "wrong-size": (_with(cov=np.eye(100), beta=np.ones(100)), "shape"),
    "pair": (_reference_design()[:2], "triple"),
    "partly-stub": ((_reference_design()[0], ..., 1.0), "still `...`"),
    "linear-problem": (models.diagonal_problem(np.ones(200), _reference_design()[1], 1.0), "independent features"),
    "noise-as-text": (_with(noise_var="1.0"), ("number", "text")),
    "nan-in-cov": (_with(cov=np.full((200, 200), np.nan)), "nan"),
}


@pytest.mark.parametrize("name", TASK4_WRONG)
def test_task4_wrong_answers(name):
    answer, fragment = TASK4_WRONG[name]
    _assert_incorrect(ex08.task4, answer, fragment)


def test_task4_shrinkage_case_really_gains_from_retraining_without_correlation():
    """The 'shrinkage' wrong answer fails condition (b), not (a): retraining wins there for another reason."""
    cov, beta, nv = TASK4_WRONG["shrinkage-with-correlation"][0]
    corr = ex08._task4_measure(models.CorrelatedProblem(cov, beta, nv))
    indep = ex08._task4_measure(models.diagonal_problem(np.ones(200), beta, nv))
    assert corr[0] / corr[1] >= ex08.TASK4_MIN_GAIN
    assert indep[0] / indep[1] > 2 * ex08.TASK4_MAX_GAIN_INDEPENDENT


@pytest.mark.parametrize(
    "cov_name, cov",
    [
        ("equicorrelated-0.3", 0.3 * np.ones((200, 200)) + 0.7 * np.eye(200)),
        # 20 blocks: kept feature k and nine omitted features, equicorrelated (0.9) within a block
        ("blocks-0.9", np.where(np.equal.outer(*(2 * [np.r_[np.arange(20), np.repeat(np.arange(20), 9)]])), 0.9, 0.0)
         + 0.1 * np.eye(200)),
    ],
)
def test_task4_other_reasonable_designs_pass(cov_name, cov):
    """Designs a learner would naturally try (not the reference's copies) are accepted."""
    beta = _reference_design()[1]
    assert ex08.task4.evaluate((cov, beta, 1.0)).status == CORRECT


def test_task4_failure_reports_both_ratios():
    text = ex08.task4.evaluate(_with(cov=np.eye(ex08.TASK4_D))).message
    assert text.count("ratio") >= 2 and "independent features" in text
