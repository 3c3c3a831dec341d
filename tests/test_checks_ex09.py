"""Tests of the checks of exercise 09 (pruning random features).

Every task is tested three ways — the stub is "not attempted", the reference solution is "correct",
and plausible wrong answers (real mistakes) are "incorrect" with a message naming the mistake — plus
wrong shapes and types, which must give "incorrect" without raising. The function tasks' common
contract (stubs, None, the reference, wrong types) is in test_checks_common.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from overparam import experiments, fit, prune
from overparam import random_features as rf
from overparam.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ex09
from check_helpers import status as _status, assert_incorrect as _assert_incorrect

FUNCTION_TASKS = [ex09.task1, ex09.task2, ex09.task3, ex09.task4]


@pytest.mark.parametrize("task", FUNCTION_TASKS, ids=lambda t: t.name)
def test_hint_and_solution_print(task, capsys):
    task.hint()
    task.solution()
    out = capsys.readouterr().out
    assert "Hint for" in out and "def " in out


def test_task5_hint_and_solution_print(capsys):
    ex09.task5.hint()
    ex09.task5.solution()
    out = capsys.readouterr().out
    assert "Hint for" in out and "answer =" in out


# ----------------------------------------------------------------------------------------------
# Task 1: Hessian-style scores
# ----------------------------------------------------------------------------------------------


def _scores(fn):
    """A hessian_scores built from fn(a, Z) with float arrays."""
    def scores(a, Z):
        return fn(np.asarray(a, dtype=float), np.asarray(Z, dtype=float))
    return scores


def _col(Z):
    return np.linalg.norm(Z, axis=-2)


def _one_d_only(a, Z):
    """A learner's 1-D version: the norm along axis=0, which is the sample axis only for one design."""
    return np.abs(a) * np.linalg.norm(Z, axis=0)


def _in_place(a, Z):
    np.abs(a, out=a)
    return a * np.linalg.norm(Z, axis=-2)


TASK1_WRONG = {
    "magnitude-only": (_scores(lambda a, Z: np.abs(a)), "ignore the features"),
    "squared": (_scores(lambda a, Z: a**2 * np.sum(Z**2, axis=-2)), "squared score"),
    "squared-rms": (_scores(lambda a, Z: a**2 * np.mean(Z**2, axis=-2)), "squared score"),
    "variance-not-norm": (_scores(lambda a, Z: np.abs(a) * np.mean(Z**2, axis=-2)), "squared norm"),
    "signed": (_scores(lambda a, Z: a * _col(Z)), "sign"),
    "features-only": (_scores(lambda a, Z: _col(Z) + 0 * a), "only on the features"),
    "divides": (_scores(lambda a, Z: np.abs(a) / _col(Z)), "divided"),
    "np-std": (_scores(lambda a, Z: np.abs(a) * np.std(Z, axis=-2)), "centres"),
    "centred-norm": (_scores(lambda a, Z: np.abs(a) * _col(Z - Z.mean(axis=-2, keepdims=True))), "centred"),
    "mean-abs": (_scores(lambda a, Z: np.abs(a) * np.mean(np.abs(Z), axis=-2)), "mean |z_j|"),
    "whole-matrix-norm": (_scores(lambda a, Z: np.abs(a) * np.linalg.norm(Z)), ("whole matrix", "off by")),
    "row-norms": (_scores(lambda a, Z: np.abs(a) * np.linalg.norm(Z, axis=-1)), ("rows", "per training sample",
                                                                              "raised")),
    "one-d-only": (_one_d_only, ("axis=-2", "sample axis")),
    "off-by-a-bit": (_scores(lambda a, Z: 1.01 * np.abs(a) * _col(Z)), "off by a relative"),
    "modifies-a": (_in_place, "changed the arrays"),
    "scores-as-list": (lambda a, Z: [1.0, 2.0], "shape"),
    "np-var": (_scores(lambda a, Z: np.abs(a) * np.var(Z, axis=-2)), "np.var"),
    "divided-by-n": (_scores(lambda a, Z: np.abs(a) * _col(Z) / Z.shape[-2]), "divided the norm by n"),
    "row-norms-1d": (_scores(lambda a, Z: np.abs(a) * np.linalg.norm(Z, axis=1)), ("column of Z", "rows")),
}


@pytest.mark.parametrize("name", TASK1_WRONG)
def test_task1_wrong_answers(name):
    wrong, fragment = TASK1_WRONG[name]
    _assert_incorrect(ex09.task1, wrong, fragment)


def test_task1_accepts_both_normalisations_and_the_library_score():
    assert _status(ex09.task1, _scores(lambda a, Z: np.abs(a) * np.sqrt(np.sum(Z**2, axis=-2)))) == CORRECT
    assert _status(ex09.task1, _scores(lambda a, Z: np.abs(a) * np.sqrt(prune.column_variances(Z)))) == CORRECT
    assert _status(ex09.task1, _scores(lambda a, Z: np.linalg.norm(a[..., None, :] * Z, axis=-2))) == CORRECT


def test_task1_accepts_loops_and_single_precision():
    def loop(a, Z):
        a, Z = np.asarray(a), np.asarray(Z)
        if a.ndim == 2:
            return np.stack([loop(a[t], Z[t]) for t in range(a.shape[0])])
        return np.array([abs(a[j]) * np.sqrt(np.sum(Z[:, j] ** 2)) for j in range(a.size)])

    def single(a, Z):
        a, Z = np.asarray(a, dtype=np.float32), np.asarray(Z, dtype=np.float32)
        return np.abs(a) * np.sqrt(np.einsum("...ij,...ij->...j", Z, Z))

    assert _status(ex09.task1, loop) == CORRECT
    assert _status(ex09.task1, single) == CORRECT


def test_task1_example_of_the_statement():
    scores = ex09.hessian_scores(np.array([2.0, -1.0]), np.array([[1.0, 0.0], [1.0, 3.0]]))
    assert np.allclose(scores, [2 * np.sqrt(2), 3.0])


def test_task1_grader_cases_cover_a_stack_and_a_square_design():
    cases = ex09._task1_cases()
    assert any(a.ndim == 2 and Z.ndim == 3 for a, Z in cases)
    assert any(Z.shape[-2] == Z.shape[-1] for a, Z in cases)
    # the stack's number of models differs from its number of samples, so axis=0 cannot pass by accident
    assert all(Z.shape[0] != Z.shape[1] for a, Z in cases if Z.ndim == 3)


def test_task1_reference_ranks_like_the_library_hessian_mask():
    a, Z = ex09._task1_cases()[0]
    for s in (5, 20):
        mine = prune.top_s_mask(ex09.hessian_scores(a, Z), s)
        assert np.array_equal(mine, prune.hessian_mask(a, s, prune.column_variances(Z)))


# ----------------------------------------------------------------------------------------------
# Task 2: prune and retrain
# ----------------------------------------------------------------------------------------------


def _with_scores(score_fn, solver=None):
    """A prune_and_retrain that ranks by score_fn(a, Z, rule) and fits with solver(Zs, y)."""
    def prune_and_retrain(Z, y, a, s, rule):
        keep = np.argsort(-score_fn(np.asarray(a), np.asarray(Z), rule), kind="stable")[:s]
        w = np.zeros(len(a))
        w[keep] = (solver or (lambda Zs, yy: np.linalg.lstsq(Zs, yy, rcond=None)[0]))(Z[:, keep], y)
        return w
    return prune_and_retrain


def _right_score(a, Z, rule):
    return np.abs(a) if rule == "magnitude" else np.abs(a) * _col(Z)


def _no_retrain(Z, y, a, s, rule):
    keep = np.argsort(-_right_score(a, Z, rule))[:s]
    w = np.zeros(len(a))
    w[keep] = a[keep]
    return w


def _gd_steps(Zs, y, steps=20):
    """A learner's gradient descent with a fixed number of steps: not converged."""
    b = np.zeros(Zs.shape[1])
    lr = 1.0 / np.linalg.norm(Zs, 2) ** 2
    for _ in range(steps):
        b += lr * Zs.T @ (y - Zs @ b)
    return b


TASK2_WRONG = {
    "no-retraining": (_no_retrain, "without retraining"),
    "unchanged": (lambda Z, y, a, s, rule: np.array(a, dtype=float), "weights unchanged"),
    "refit-all": (lambda Z, y, a, s, rule: np.linalg.pinv(Z) @ y, "all N features"),
    "ridge": (_with_scores(_right_score, lambda Zs, y: fit.ridge(Zs, y, 0.05)), "orthogonal"),
    "gd-steps": (_with_scores(_right_score, _gd_steps), "orthogonal"),
    "one-too-many": (lambda Z, y, a, s, rule: ex09.prune_and_retrain(Z, y, a, s + 1, rule), "nonzero weights"),
    "hessian-by-magnitude": (_with_scores(lambda a, Z, rule: np.abs(a)), "alone"),
    "magnitude-by-hessian": (_with_scores(lambda a, Z, rule: np.abs(a) * _col(Z)), "Hessian score"),
    "keeps-smallest": (_with_scores(lambda a, Z, rule: -_right_score(a, Z, rule)), "smallest"),
    "signed": (_with_scores(lambda a, Z, rule: a if rule == "magnitude" else a * _col(Z)), "sign"),
    "first-s": (_with_scores(lambda a, Z, rule: -np.arange(a.size, dtype=float)), "first s neurons"),
    "hessian-squared-norm": (_with_scores(lambda a, Z, rule: np.abs(a) * _col(Z) ** 2 if rule == "hessian"
                                          else np.abs(a)), ("||Z_j||^2", "other neurons")),
    "kept-weights-only": (lambda Z, y, a, s, rule: ex09.prune_and_retrain(Z, y, a, s, rule)[
        np.argsort(-_right_score(a, Z, rule))[:s]], "only the"),
    "returns-mask": (lambda Z, y, a, s, rule: ex09.prune_and_retrain(Z, y, a, s, rule) != 0, "mask"),
    "returns-pair": (lambda Z, y, a, s, rule: (ex09.prune_and_retrain(Z, y, a, s, rule), None), "pair"),
    "nonzero-elsewhere": (lambda Z, y, a, s, rule: ex09.prune_and_retrain(Z, y, a, s, rule) + 1e-3 *
                          (ex09.prune_and_retrain(Z, y, a, s, rule) == 0), "exactly zero"),
    "modifies-a": (lambda Z, y, a, s, rule: ex09.prune_and_retrain(Z, y, np.abs(a, out=a), s, rule), "changed"),
    "hessian-centred": (_with_scores(lambda a, Z, rule: np.abs(a) * np.std(Z, axis=0) if rule == "hessian"
                                     else np.abs(a)), "centred"),
    # a tiny ridge penalty is still a mistake: the precision that lets float32 through does not let it pass
    "ridge-1e-3": (_with_scores(_right_score, lambda Zs, y: np.linalg.solve(Zs.T @ Zs + 1e-3 * np.eye(Zs.shape[1]),
                                                                            Zs.T @ y)), "orthogonal"),
}


@pytest.mark.parametrize("name", TASK2_WRONG)
def test_task2_wrong_answers(name):
    wrong, fragment = TASK2_WRONG[name]
    _assert_incorrect(ex09.task2, wrong, fragment)


def test_task2_accepts_the_library_and_other_solvers():
    def via_library(Z, y, a, s, rule):
        variances = prune.column_variances(Z)
        mask = prune.magnitude_mask(a, s) if rule == "magnitude" else prune.hessian_mask(a, s, variances)
        return prune.retrain(Z, y, mask)

    assert _status(ex09.task2, via_library) == CORRECT
    assert _status(ex09.task2, _with_scores(_right_score, lambda Zs, y: np.linalg.pinv(Zs) @ y)) == CORRECT
    assert _status(ex09.task2, _with_scores(_right_score, lambda Zs, y: np.linalg.solve(Zs.T @ Zs, Zs.T @ y))) == CORRECT
    # the root-mean-square score ranks the same
    assert _status(ex09.task2, _with_scores(lambda a, Z, rule: np.abs(a) if rule == "magnitude" else
                                            np.abs(a) * np.sqrt(np.mean(Z**2, axis=0)))) == CORRECT


def test_task2_accepts_argpartition_index_lists_and_single_precision():
    def argpartition(Z, y, a, s, rule):
        scores = np.abs(a) if rule == "magnitude" else np.abs(a) * np.sqrt(np.sum(Z**2, axis=0))
        keep = np.argpartition(scores, -s)[-s:]                 # unordered: the set is what matters
        w = np.zeros(len(a))
        w[keep] = np.linalg.solve(Z[:, keep].T @ Z[:, keep], Z[:, keep].T @ y)
        return w

    def single(Z, y, a, s, rule):
        Z, y, a = (np.asarray(v, dtype=np.float32) for v in (Z, y, a))
        scores = np.abs(a) if rule == "magnitude" else np.abs(a) * np.linalg.norm(Z, axis=0)
        keep = sorted(range(len(a)), key=lambda j: -scores[j])[:s]   # a list of indices
        w = np.zeros(len(a), dtype=np.float32)
        w[keep] = np.linalg.lstsq(Z[:, keep], y, rcond=None)[0]
        return w

    assert _status(ex09.task2, argpartition) == CORRECT
    assert _status(ex09.task2, single) == CORRECT


def test_task2_grader_cases_tell_the_rules_apart():
    cases = ex09._task2_cases()
    assert {rule for *_, rule in cases} == {"magnitude", "hessian"}
    for Z, y, a, s, rule in cases:
        assert s < Z.shape[0]
        if rule == "hessian":
            assert not np.array_equal(prune.magnitude_mask(a, s), ex09._library_mask(Z, a, s, rule))


# ----------------------------------------------------------------------------------------------
# Task 3: best weights on a support
# ----------------------------------------------------------------------------------------------


def _solve_block(K, c, S):
    S = np.asarray(S)
    return np.linalg.solve(np.asarray(K)[np.ix_(S, S)], np.asarray(c)[S])


def _padded(K, c, S):
    w = np.zeros(len(c))
    w[np.asarray(S)] = _solve_block(K, c, S)
    return w


TASK3_WRONG = {
    "r_S": (lambda K, c, S: np.asarray(c)[S], "K_SS b = r_S"),
    "whole-K": (lambda K, c, S: np.linalg.solve(K, c)[S], "whole K"),
    "diagonal": (lambda K, c, S: np.asarray(c)[S] / np.diag(np.asarray(K)[np.ix_(S, S)]), "on its own"),
    "multiplied": (lambda K, c, S: np.asarray(K)[np.ix_(S, S)] @ np.asarray(c)[S], "multiplied"),
    "half": (lambda K, c, S: _solve_block(K, c, S) / 2, "half"),
    "twice": (lambda K, c, S: 2 * _solve_block(K, c, S), "twice"),
    "sorted-support": (lambda K, c, S: _solve_block(K, c, np.sort(S)), "sorted support"),
    "padded": (_padded, "zeros off the support"),
    "one-per-neuron": (lambda K, c, S: np.linalg.solve(K, c), "one per neuron"),
    "rows-only": (lambda K, c, S: np.linalg.lstsq(np.asarray(K)[S], np.asarray(c)[S], rcond=None)[0], ("returned",
                                                                                                    "shape")),
    "pair": (lambda K, c, S: (_solve_block(K, c, S), 0.0), "pair"),
    "off-by-a-bit": (lambda K, c, S: 1.001 * _solve_block(K, c, S), "off by a relative"),
}


@pytest.mark.parametrize("name", TASK3_WRONG)
def test_task3_wrong_answers(name):
    wrong, fragment = TASK3_WRONG[name]
    _assert_incorrect(ex09.task3, wrong, fragment)


def test_task3_accepts_other_routes():
    assert _status(ex09.task3, lambda K, c, S: np.linalg.inv(np.asarray(K)[np.ix_(S, S)]) @ np.asarray(c)[S]) == CORRECT
    assert _status(ex09.task3, lambda K, c, S: np.linalg.lstsq(np.asarray(K)[np.ix_(S, S)], np.asarray(c)[S],
                                                               rcond=None)[0]) == CORRECT
    # single precision, and the block built by a double loop over a list of indices
    assert _status(ex09.task3, lambda K, c, S: np.linalg.solve(np.asarray(K, dtype=np.float32)[np.ix_(S, S)],
                                                               np.asarray(c, dtype=np.float32)[S])) == CORRECT
    assert _status(ex09.task3, lambda K, c, S: np.linalg.solve(
        np.array([[K[i, j] for j in list(S)] for i in list(S)]), np.asarray(c)[list(S)])) == CORRECT


def test_task3_floor_is_the_minimum_over_the_support():
    """b_S from the reference minimises the exact risk among weights on S (perturbations only raise it)."""
    problem = rf.random_features_problem(d=20, noise_var=0.04, inputs="gaussian", rng=3)
    theta = problem.draw_first_layer(60, 6)
    K, c = problem.second_moments(theta)
    S = np.array([5, 40, 12, 33])
    w = np.zeros(60)
    w[S] = ex09.best_weights_on_support(K, c, S)
    best = problem.risk(w, theta)
    rng = np.random.default_rng(7)
    for _ in range(5):
        v = w.copy()
        v[S] += 0.01 * rng.standard_normal(S.size)
        assert problem.risk(v, theta) > best


# ----------------------------------------------------------------------------------------------
# Task 4: the cost of keeping the large model's weights
# ----------------------------------------------------------------------------------------------


def _cost_with(get_b=_solve_block, metric=lambda K, S: np.asarray(K)[np.ix_(S, S)], take=lambda a, S: np.asarray(a)[S]):
    def cost(K, c, a, S):
        g = take(a, S) - get_b(K, c, S)
        return float(g @ metric(K, S) @ g)
    return cost


def _pruned_risk_minus_constant(K, c, a, S):
    a_S, K_SS = np.asarray(a)[S], np.asarray(K)[np.ix_(S, S)]
    return float(a_S @ K_SS @ a_S - 2 * a_S @ np.asarray(c)[S])


def _unpruned(K, c, a, S):
    b = np.zeros(len(a))
    b[S] = _solve_block(K, c, S)
    g = np.asarray(a) - b
    return float(g @ K @ g)


TASK4_WRONG = {
    "no-K": (_cost_with(metric=lambda K, S: np.eye(len(S))), "plain sum of squares"),
    "K-inverse": (_cost_with(metric=lambda K, S: np.linalg.inv(np.asarray(K)[np.ix_(S, S)])), "K_SS^{-1}"),
    "square-root": (lambda K, c, a, S: np.sqrt(ex09.pruning_cost(K, c, a, S)), "square root"),
    "unpruned": (_unpruned, "all N weights"),
    "first-s": (_cost_with(take=lambda a, S: np.asarray(a)[: len(S)]), "first s weights"),
    "b-is-c": (_cost_with(get_b=lambda K, c, S: np.asarray(c)[S]), "in place of b_S"),
    "b-from-whole-K": (_cost_with(get_b=lambda K, c, S: np.linalg.solve(K, c)[S]), "whole K"),
    "risk-up-to-constant": (_pruned_risk_minus_constant, "up to the constant"),
    "output-power": (lambda K, c, a, S: float(np.asarray(a)[S] @ np.asarray(K)[np.ix_(S, S)] @ np.asarray(a)[S]),
                     "power of the pruned model"),
    "off-by-a-bit": (lambda K, c, a, S: 1.01 * ex09.pruning_cost(K, c, a, S), "off by a relative"),
    "vector": (lambda K, c, a, S: np.asarray(a)[S] - _solve_block(K, c, S), "single number"),
    "pair": (lambda K, c, a, S: (ex09.pruning_cost(K, c, a, S), 0.0), "one number"),
    "half": (lambda K, c, a, S: 0.5 * ex09.pruning_cost(K, c, a, S), "half the cost"),
    "sorted-b": (_cost_with(get_b=lambda K, c, S: _solve_block(K, c, np.sort(S))), "different orders"),
}


@pytest.mark.parametrize("name", TASK4_WRONG)
def test_task4_wrong_answers(name):
    wrong, fragment = TASK4_WRONG[name]
    _assert_incorrect(ex09.task4, wrong, fragment)


def test_task4_floor_plus_cost_is_the_exact_risk_of_the_pruned_model():
    problem = rf.random_features_problem(d=20, noise_var=0.04, inputs="gaussian", rng=11)
    theta = problem.draw_first_layer(120, 12)
    X, y = problem.sample(80, 13)
    a = rf.fit_second_layer(problem.features(X, theta), y, problem.d)
    K, c = problem.second_moments(theta)
    S = np.flatnonzero(prune.magnitude_mask(a, 15))
    floor = problem.noise_var + problem.signal - c[S] @ ex09.best_weights_on_support(K, c, S)
    assert np.isclose(floor + ex09.pruning_cost(K, c, a, S), problem.risk(prune.apply_mask(a, prune.magnitude_mask(a, 15)), theta),
                      rtol=1e-9)


def test_task4_accepts_risk_minus_floor():
    def via_risk(K, c, a, S):
        a_S, K_SS, c_S = np.asarray(a)[S], np.asarray(K)[np.ix_(S, S)], np.asarray(c)[S]
        b = np.linalg.solve(K_SS, c_S)
        return (a_S @ K_SS @ a_S - 2 * a_S @ c_S) + c_S @ b

    assert _status(ex09.task4, via_risk) == CORRECT


def test_task4_accepts_loops_and_single_precision():
    def loop(K, c, a, S):
        b = np.linalg.solve(np.asarray(K, dtype=np.float32)[np.ix_(S, S)], np.asarray(c, dtype=np.float32)[S])
        g = np.asarray(a)[S] - b
        return sum(g[i] * K[S[i], S[j]] * g[j] for i in range(len(S)) for j in range(len(S)))

    assert _status(ex09.task4, loop) == CORRECT
    assert _status(ex09.task4, lambda K, c, a, S: np.array([ex09.pruning_cost(K, c, a, S)])) == CORRECT


# ----------------------------------------------------------------------------------------------
# Task 5: the measured ratio
# ----------------------------------------------------------------------------------------------


def test_task5_stub_and_reference():
    assert _status(ex09.task5, ...) == NOT_ATTEMPTED
    assert _status(ex09.task5, None) == INCORRECT
    assert _status(ex09.task5, ex09.task5_answer()) == CORRECT
    assert _status(ex09.task5, round(ex09.task5_answer(), 3)) == CORRECT
    assert _status(ex09.task5, np.float64(ex09.task5_answer())) == CORRECT


def test_task5_matches_the_notebook_sweep():
    """The check's own run (N = 1000 only) equals the column N = 1000 of the notebook's grid."""
    NS = [40, 60, 100, 150, 180, 220, 300, 400, 600, 1000]
    sweep = experiments.random_features_pruning_sweep(
        ex09.task5_problem(), ex09.N_TRAIN, NS, ex09.S_KEEP, trials=ex09.TASK5_TRIALS, seed=ex09.TASK5_SEED)
    noise = ex09.NOISE_VAR
    ratio = np.median(sweep["magnitude+retrain"].values[:, -1] - noise) / np.median(sweep["small"].values[:, -1] - noise)
    assert np.isclose(ratio, ex09.task5_answer(), rtol=1e-12)
    assert 0.3 < ratio < 0.8      # pruning the wide model and retraining wins clearly (reference D: ~0.55)


def test_task5_wrong_answers():
    for wrong, reason in ex09._task5_wrong():
        result = ex09.task5.evaluate(wrong)
        assert result.status == INCORRECT, (reason, result.message)
        assert reason in result.message
        assert f"{ex09.task5_answer():.3f}" not in result.message


@pytest.mark.parametrize(
    "transform, fragment",
    [(lambda x: 100 * x, "percentage"), (lambda x: 1 - x, "relative gain")],
)
def test_task5_percentage_and_gain(transform, fragment):
    _assert_incorrect(ex09.task5, transform(ex09.task5_answer()), fragment)


def test_task5_alternatives_are_far_from_the_answer():
    expected = ex09.task5_answer()
    for wrong, _ in ex09._task5_wrong():
        assert abs(wrong - expected) > 2 * ex09.TASK5_RTOL * expected


@pytest.mark.parametrize(
    "answer, fragment",
    [
        (0.7, "off by a relative"),
        (-0.5, "positive"),
        ("0.5", "one number"),
        ((0.5, 0.6), "one number"),
        (np.array([0.5, 0.6]), "single number"),
        (np.nan, "finite"),
        (True, "bool"),
        (1 + 2j, "complex"),
    ],
)
def test_task5_wrong_types_and_values(answer, fragment):
    _assert_incorrect(ex09.task5, answer, fragment)
