"""Tests of the checks of exercise 05 (train small, or train large and prune?).

Every task is tested three ways — the stub is "not attempted", the reference solution is "correct",
and plausible wrong answers (real mistakes) are "incorrect" with a message naming the mistake — plus
wrong shapes and types, which must give "incorrect" without raising.
"""

from __future__ import annotations

import numpy as np
import pytest

from overparam import fit, prune
from overparam.checks import CORRECT, INCORRECT, ex05
from check_helpers import status as _status, assert_incorrect as _assert_incorrect

TASKS = [ex05.task1, ex05.task2, ex05.task3, ex05.task4]


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
# Task 1: magnitude mask
# ----------------------------------------------------------------------------------------------


def _keep(scores_fn):
    """A mask function that keeps the s largest of scores_fn(w) per row (stable ranking)."""
    def mask_fn(w, s, *args):
        scores = scores_fn(np.asarray(w, dtype=float), *args)
        order = np.argsort(-scores, axis=-1, kind="stable")
        mask = np.zeros(np.shape(w), dtype=bool)
        np.put_along_axis(mask, order[..., :s], True, axis=-1)
        return mask
    return mask_fn


def _threshold_mask(w, s):
    """Keep every |w| at least the s-th largest: too many on ties."""
    a = np.abs(np.asarray(w, dtype=float))
    t = -np.sort(-a, axis=-1)[..., s - 1 : s]
    return a >= t


def _flat_top_s(w, s):
    """Rank the whole 2-D array at once instead of row by row."""
    w = np.asarray(w, dtype=float)
    mask = np.zeros(w.size, dtype=bool)
    mask[np.argsort(-np.abs(w).ravel(), kind="stable")[:s]] = True
    return mask.reshape(w.shape)


def _indices(w, s):
    return np.argsort(-np.abs(np.asarray(w)), axis=-1, kind="stable")[..., :s]


def _in_place(w, s):
    w[np.abs(w) < -np.sort(-np.abs(w), axis=-1)[..., s - 1 : s]] = 0.0
    return ex05.magnitude_mask(w, s)


def _one_d_magnitude(w, s):
    """A learner's 1-D-only magnitude mask: fails on a 2-D stack of models."""
    w = np.asarray(w)
    mask = np.zeros(w.shape, dtype=bool)
    mask[np.argsort(-np.abs(w))[:s]] = True
    return mask

TASK1_WRONG = {
    "keeps-smallest": (_keep(lambda w: -np.abs(w)), "smallest"),
    "no-abs": (_keep(lambda w: w), "magnitudes |w|"),
    "threshold-keeps-ties": (_threshold_mask, "tied"),
    "indices-not-mask": (_indices, "integer positions"),
    "zeros-and-ones": (lambda w, s: ex05.magnitude_mask(w, s).astype(int), "dtype bool"),
    "float-mask": (lambda w, s: ex05.magnitude_mask(w, s).astype(float), "dtype bool"),
    "whole-array-ranking": (_flat_top_s, "each row"),
    "pruned-weights-not-mask": (lambda w, s: np.where(ex05.magnitude_mask(w, s), w, 0.0), "the pruned weights"),
    "one-d-only": (lambda w, s: _one_d_magnitude(w, s), "one model per row"),
    "one-too-many": (lambda w, s: ex05.magnitude_mask(w, min(s + 1, np.shape(w)[-1])), "kept"),
    "modifies-w": (_in_place, "changed the array w"),
}


@pytest.mark.parametrize("name", TASK1_WRONG)
def test_task1_wrong_answers(name):
    wrong, fragment = TASK1_WRONG[name]
    result = ex05.task1.evaluate(wrong)
    assert result.status == INCORRECT
    assert fragment in result.message, result.message


def test_task1_accepts_the_library_and_any_tie_break():
    assert _status(ex05.task1, prune.magnitude_mask) == CORRECT
    # ties to the *higher* index: reverse, rank stably, reverse back
    def ties_to_the_end(w, s):
        return ex05.magnitude_mask(np.asarray(w)[..., ::-1], s)[..., ::-1]
    assert _status(ex05.task1, ties_to_the_end) == CORRECT
    assert _status(ex05.task1, lambda w, s: np.abs(w) >= np.sort(np.abs(w), axis=-1)[..., -s:-s + 1 or None]) == INCORRECT


def test_task1_grader_has_ties_at_the_cut():
    """At least one case has more tied magnitudes at the s-th place than slots, so a threshold fails."""
    assert any(ties for _, _, ties in ex05._mask_cases())
    assert any(np.atleast_2d(w).shape[0] > 1 for w, _, _ in ex05._mask_cases())


# ----------------------------------------------------------------------------------------------
# Task 2: Hessian mask
# ----------------------------------------------------------------------------------------------


TASK2_WRONG = {
    "lambda-not-sqrt": (_keep(lambda w, v: v * np.abs(w)), "sqrt(lambda_i)"),
    "magnitude-only": (_keep(lambda w, v: np.abs(w)), "ignores the variances"),
    "no-abs": (_keep(lambda w, v: np.sqrt(v) * w), "magnitude |w_i|"),
    "divides": (_keep(lambda w, v: np.abs(w) / np.sqrt(v)), "divided"),
    "divides-by-lambda": (_keep(lambda w, v: np.abs(w) / v), "divided"),
    "variances-only": (_keep(lambda w, v: np.broadcast_to(v, w.shape) + 0.0), "only on the variances"),
    "keeps-smallest": (_keep(lambda w, v: -np.sqrt(v) * np.abs(w)), "smallest"),
    "indices": (lambda w, s, v: np.argsort(-np.sqrt(v) * np.abs(w), axis=-1)[..., :s], "integer positions"),
    "returns-scores": (lambda w, s, v: np.sqrt(v) * np.abs(w), "dtype"),
}


@pytest.mark.parametrize("name", TASK2_WRONG)
def test_task2_wrong_answers(name):
    wrong, fragment = TASK2_WRONG[name]
    result = ex05.task2.evaluate(wrong)
    assert result.status == INCORRECT
    assert fragment in result.message, result.message


def test_task2_accepts_equivalent_scores_and_the_library():
    assert _status(ex05.task2, prune.hessian_mask) == CORRECT
    # lambda * w^2 ranks exactly like sqrt(lambda) |w| (the loss increase of removing a weight)
    assert _status(ex05.task2, _keep(lambda w, v: v * w**2)) == CORRECT
    # reuse of Task 1 on the scores
    assert _status(ex05.task2, lambda w, s, v: ex05.magnitude_mask(np.sqrt(v) * np.abs(w), s)) == CORRECT


# ----------------------------------------------------------------------------------------------
# Task 3: retrain on a mask
# ----------------------------------------------------------------------------------------------


def _normal_equations(X, y, mask):
    w = np.zeros(X.shape[1])
    Xs = X[:, mask]
    w[mask] = np.linalg.solve(Xs.T @ Xs, Xs.T @ y)
    return w


def _zeroed_columns(X, y, mask):
    """Min-norm on X with the pruned columns zeroed: the same answer, another route."""
    return np.linalg.pinv(X * mask) @ y


TASK3_WRONG = {
    "kept-weights-only": (lambda X, y, m: np.linalg.pinv(X[:, m]) @ y, "only the"),
    "no-retraining": (lambda X, y, m: np.where(m, np.linalg.pinv(X) @ y, 0.0), "without retraining"),
    "dense-fit": (lambda X, y, m: np.linalg.pinv(X) @ y, "all columns"),
    "normal-equations-when-s>n": (_normal_equations, ("minimum norm", "raised")),
    "ridge": (lambda X, y, m: np.where(m, 0.0, 0.0) + _put(m, fit.ridge(X[:, m], y, 0.1)), "kept weights are off"),
    "nonzero-elsewhere": (lambda X, y, m: ex05.retrain(X, y, m) + (~m) * 1e-3, "exactly zero"),
}


def _put(mask, values):
    w = np.zeros(mask.size)
    w[mask] = values
    return w


@pytest.mark.parametrize("name", TASK3_WRONG)
def test_task3_wrong_answers(name):
    wrong, fragment = TASK3_WRONG[name]
    _assert_incorrect(ex05.task3, wrong, fragment)


def test_task3_accepts_other_routes():
    assert _status(ex05.task3, prune.retrain) == CORRECT
    assert _status(ex05.task3, _zeroed_columns) == CORRECT
    assert _status(ex05.task3, lambda X, y, m: _put(m, np.linalg.lstsq(X[:, m], y, rcond=None)[0])) == CORRECT


def test_task3_grader_covers_both_sides_of_n():
    sizes = [(X.shape[0], int(m.sum())) for X, _, m in ex05._task3_cases()]
    assert any(s < n for n, s in sizes) and any(s > n for n, s in sizes)


# ----------------------------------------------------------------------------------------------
# Task 4: the rules side by side
# ----------------------------------------------------------------------------------------------


def _variant(**changes):
    def fn(problem, X, y, s):
        out = ex05.compare_rules(problem, X, y, s)
        for key, change in changes.items():
            out[key] = change(problem, X, y, s, out)
        return out
    return fn


def _pruned(problem, X, y, mask):
    return float(problem.risk(np.where(mask, np.linalg.pinv(X) @ y, 0.0)))


TASK4_WRONG = {
    "excess-risk": (_variant(dense=lambda P, X, y, s, o: o["dense"] - P.noise_var), "excess risk"),
    "hessian-lambda": (
        _variant(hessian=lambda P, X, y, s, o: _pruned(P, X, y, ex05.hessian_mask(np.linalg.pinv(X) @ y, s, P.eigs[: X.shape[1]] ** 2))),
        "sqrt(lambda_i)",
    ),
    "oracle-by-beta": (
        _variant(oracle=lambda P, X, y, s, o: _pruned(P, X, y, ex05.magnitude_mask(P.beta[: X.shape[1]], s))),
        "largest |beta_i|",
    ),
    "oracle-retrained": (
        _variant(oracle=lambda P, X, y, s, o: float(P.risk(ex05.retrain(X, y, prune.oracle_mask(P.eigs, P.beta, X.shape[1], s))))),
        "retrains",
    ),
    "magnitude-retrained": (_variant(magnitude=lambda P, X, y, s, o: o["magnitude+retrain"]), "retrained"),
    "retrain-forgotten": (_variant(**{"magnitude+retrain": lambda P, X, y, s, o: o["magnitude"]}), "not retrained"),
    "training-error": (
        _variant(dense=lambda P, X, y, s, o: float(np.mean((y - X @ (np.linalg.pinv(X) @ y)) ** 2))),
        "training error",
    ),
    "swapped-keys": (_variant(hessian=lambda P, X, y, s, o: o["magnitude"], magnitude=lambda P, X, y, s, o: o["hessian"]), "check the keys"),
    "missing-key": (lambda P, X, y, s: {k: v for k, v in ex05.compare_rules(P, X, y, s).items() if k != "oracle"}, "without the key"),
    "extra-key": (lambda P, X, y, s: {**ex05.compare_rules(P, X, y, s), "random": 1.0}, "unexpected key"),
    "list-not-dict": (lambda P, X, y, s: list(ex05.compare_rules(P, X, y, s).values()), "dict"),
    "array-entry": (_variant(dense=lambda P, X, y, s, o: np.array([o["dense"], 0.0])), "single number"),
}


@pytest.mark.parametrize("name", TASK4_WRONG)
def test_task4_wrong_answers(name):
    wrong, fragment = TASK4_WRONG[name]
    result = ex05.task4.evaluate(wrong)
    assert result.status == INCORRECT
    assert fragment in result.message, result.message


def test_task4_accepts_column_variances_and_the_library():
    def with_column_variances(problem, X, y, s):
        out = ex05.compare_rules(problem, X, y, s)
        w = np.linalg.pinv(X) @ y
        out["hessian"] = float(problem.risk(prune.apply_mask(w, prune.hessian_mask(w, s, prune.column_variances(X)))))
        return out

    assert _status(ex05.task4, with_column_variances) == CORRECT
    assert _status(ex05.task4, ex05._library_rules) == CORRECT


def test_task4_reference_agrees_with_the_library():
    for problem, X, y, s in ex05._task4_cases():
        mine, lib = ex05.compare_rules(problem, X, y, s), ex05._library_rules(problem, X, y, s)
        for key in ex05.RULES:
            assert np.isclose(mine[key], lib[key], rtol=1e-9), key


def test_task4_grader_data_tells_the_mistakes_apart():
    """On the second case the oracle support differs from the top |beta| and from the top variances."""
    problem, X, y, s = ex05._task4_cases()[1]
    p = X.shape[1]
    oracle = prune.oracle_mask(problem.eigs, problem.beta, p, s)
    assert not np.array_equal(oracle, prune.magnitude_mask(problem.beta[:p], s))
    assert not np.array_equal(oracle, prune.magnitude_mask(problem.eigs[:p], s))
