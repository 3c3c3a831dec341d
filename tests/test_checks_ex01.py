"""Tests of the checks of exercise 01 (least squares and interpolation).

Every task is checked three ways — the stub is "not attempted", the reference solution is
"correct", plausible mistakes are "incorrect" with a message naming the mistake — and a wrong shape
or type gives "incorrect" without raising.
"""

from __future__ import annotations

import numpy as np
import pytest

from overparam import fit
from overparam.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ex01


def _raises_not_implemented(*args, **kwargs):
    raise NotImplementedError("Task: replace this stub")


def _returns_none(*args, **kwargs):
    # a function whose body is still `...` returns None
    ...


ALL_TASKS = [ex01.task1, ex01.task2, ex01.task3, ex01.task4, ex01.task5]
FUNCTION_TASKS = [ex01.task1, ex01.task2, ex01.task3, ex01.task4]


def _incorrect(task, answer, *fragments):
    result = task.evaluate(answer)
    assert result.status == INCORRECT, result.message
    for fragment in fragments:
        assert fragment in result.message, result.message
    assert result.message.startswith("✘")
    return result.message


# --- stubs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("task", ALL_TASKS, ids=lambda t: t.name)
def test_ellipsis_is_not_attempted_and_none_is_incorrect(task):
    assert task.evaluate(...).status == NOT_ATTEMPTED
    # None is not the stub (the stubs are `...` and `raise NotImplementedError`): it is a mistake
    assert task.evaluate(None).status == INCORRECT


@pytest.mark.parametrize("task", FUNCTION_TASKS, ids=lambda t: t.name)
def test_stub_functions_are_not_attempted(task):
    assert task.evaluate(_raises_not_implemented).status == NOT_ATTEMPTED
    # a body that forgot its `return` is told so
    _incorrect(task, _returns_none, "None")


# --- reference solutions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "task, answer",
    [
        (ex01.task1, ex01.min_norm_interpolator),
        (ex01.task2, ex01.gradient_descent),
        (ex01.task3, ex01.component_outside_row_space),
        (ex01.task4, ex01.ridge_solution),
        (ex01.task5, 40 / 60),
    ],
    ids=["task1", "task2", "task3", "task4", "task5"],
)
def test_reference_is_correct(task, answer):
    result = task.evaluate(answer)
    assert result.status == CORRECT, result.message


def test_other_correct_answers_pass():
    # the pseudo-inverse, lstsq, and the library are all right answers too
    assert ex01.task1.evaluate(lambda X, y: np.linalg.pinv(X) @ y).status == CORRECT
    assert ex01.task1.evaluate(lambda X, y: np.linalg.lstsq(X, y, rcond=None)[0]).status == CORRECT
    assert ex01.task1.evaluate(fit.min_norm_least_squares).status == CORRECT
    assert ex01.task1.evaluate(lambda X, y: list(fit.min_norm_least_squares(X, y))).status == CORRECT
    # the library's GD with the exercise's argument order
    assert ex01.task2.evaluate(
        lambda X, y, n_steps, step_size: fit.gradient_descent(X, y, n_steps, step_size=step_size).weights
    ).status == CORRECT
    # projection with the pseudo-inverse
    assert ex01.task3.evaluate(lambda X, w0: w0 - np.linalg.pinv(X) @ (X @ w0)).status == CORRECT
    # the p x p (primal) form of ridge is accurate enough at the grader's penalties
    primal = lambda X, y, lam: np.linalg.solve(X.T @ X + len(y) * lam * np.eye(X.shape[1]), X.T @ y)  # noqa: E731
    assert ex01.task4.evaluate(primal).status == CORRECT
    inverse = lambda X, y, lam: np.linalg.inv(X.T @ X + len(y) * lam * np.eye(X.shape[1])) @ X.T @ y  # noqa: E731
    assert ex01.task4.evaluate(inverse).status == CORRECT
    assert ex01.task4.evaluate(fit.ridge).status == CORRECT
    # a Monte Carlo estimate within its standard error
    assert ex01.task5.evaluate(0.66).status == CORRECT
    assert ex01.task5.evaluate(np.float64(2 / 3)).status == CORRECT


def test_reference_functions_match_the_library():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((15, 40))
    y = rng.standard_normal(15)
    w0 = rng.standard_normal(40)
    assert np.allclose(ex01.min_norm_interpolator(X, y), fit.min_norm_least_squares(X, y))
    step = 15 / np.linalg.norm(X, 2) ** 2
    assert np.allclose(
        ex01.gradient_descent(X, y, 30, step), fit.gradient_descent(X, y, 30, step_size=step).weights
    )
    outside = ex01.component_outside_row_space(X, w0)
    assert np.allclose(X @ outside, 0.0, atol=1e-10)
    assert np.allclose(w0 - outside, np.linalg.pinv(X) @ (X @ w0))
    for penalty in (1.0, 1e-3):
        assert np.allclose(ex01.ridge_solution(X, y, penalty), fit.ridge(X, y, penalty))
        # p < n takes the p x p form
        assert np.allclose(ex01.ridge_solution(X.T, w0, penalty), fit.ridge(X.T, w0, penalty))


def test_hint_and_solution_print(capsys):
    for task in ALL_TASKS:
        task.hint()
        task.solution()
    out = capsys.readouterr().out
    assert "def min_norm_interpolator" in out
    assert "fraction_outside =" in out


# --- task 1: plausible mistakes ------------------------------------------------------------------


def test_task1_solve_with_XtX_is_incorrect():
    # for p > n, X^T X is singular: solve returns some interpolator (or fails), not the min-norm one
    _incorrect(ex01.task1, lambda X, y: np.linalg.solve(X.T @ X, X.T @ y), "smallest norm", "row space")


def test_task1_inverse_of_XtX_raising_is_incorrect():
    def singular(X, y):
        raise np.linalg.LinAlgError("Singular matrix")

    _incorrect(ex01.task1, singular, "LinAlgError", "singular")


def test_task1_Xty_is_incorrect():
    _incorrect(ex01.task1, lambda X, y: X.T @ y, "multiple of X^T y", "(X X^T)^{-1}")


def test_task1_interpolates_but_adds_null_direction():
    def shifted(X, y):
        w = np.linalg.pinv(X) @ y
        e = np.zeros(X.shape[1])
        e[0] = 1.0
        return w + (e - np.linalg.pinv(X) @ (X @ e))

    _incorrect(ex01.task1, shifted, "smallest norm")


def test_task1_wrong_shapes_and_types():
    _incorrect(ex01.task1, lambda X, y: (X.T @ np.linalg.solve(X @ X.T, y))[:, None], "shape")
    _incorrect(ex01.task1, lambda X, y: np.linalg.solve(X @ X.T, y), "shape")  # alpha, not w
    _incorrect(ex01.task1, lambda X, y: "w", "array of numbers")
    _incorrect(ex01.task1, lambda X, y: 1.0 / 0.0, "ZeroDivisionError")
    _incorrect(ex01.task1, np.zeros(10), "expected a function")
    _incorrect(ex01.task1, lambda X: X, "TypeError")


# --- task 2: plausible mistakes ------------------------------------------------------------------


def _gd(scale=None, sign=1.0, start=None, extra_steps=0):
    def run(X, y, n_steps, step_size):
        n, p = X.shape
        s = 1.0 / n if scale is None else scale(n)
        w = np.zeros(p) if start is None else start(p)
        for _ in range(n_steps + extra_steps):
            w = w - sign * step_size * s * (X.T @ (X @ w - y))
        return w

    return run


def test_task2_missing_one_over_n():
    _incorrect(ex01.task2, _gd(scale=lambda n: 1.0), "1/n")


def test_task2_wrong_sign():
    _incorrect(ex01.task2, _gd(sign=-1.0), "uphill")


def test_task2_factor_two():
    message = _incorrect(ex01.task2, _gd(scale=lambda n: 2.0 / n), "twice too long", "1/2")
    assert "step_size" not in message.split("—", 1)[1].split("(with")[0]  # not blamed on the step


def test_task2_step_size_ignored_and_one_over_L_used():
    # a common slip: computing the "right" step 1/L = n / sigma_max^2 inside the function
    def own_step(X, y, n_steps, step_size):
        n, p = X.shape
        eta = n / np.linalg.norm(X, 2) ** 2
        w = np.zeros(p)
        for _ in range(n_steps):
            w = w - eta * X.T @ (X @ w - y) / n
        return w

    message = _incorrect(ex01.task2, own_step, "ignore its step_size", "1/L")
    assert "twice" not in message and "1/2" not in message


def test_task2_step_size_ignored_with_a_fixed_step():
    def fixed_step(X, y, n_steps, step_size):
        return _gd()(X, y, n_steps, 0.01)

    _incorrect(ex01.task2, fixed_step, "does not change when step_size changes")


def test_task2_starting_elsewhere():
    _incorrect(ex01.task2, _gd(start=np.ones), "starts at w = 0")
    _incorrect(ex01.task2, _gd(start=lambda p: np.random.default_rng(0).standard_normal(p)), "starts at w = 0")


def test_task2_off_by_one():
    _incorrect(ex01.task2, _gd(extra_steps=1), "one step too many")

    def one_too_few(X, y, n_steps, step_size):
        return _gd()(X, y, max(n_steps - 1, 0), step_size)

    _incorrect(ex01.task2, one_too_few, "one step too few")


def test_task2_jumps_to_min_norm():
    # returning the limit instead of the n_steps-th iterate is not what was asked
    _incorrect(ex01.task2, lambda X, y, n_steps, step_size: np.linalg.pinv(X) @ y, "starting point")


def test_task2_wrong_shapes_and_types():
    _incorrect(ex01.task2, lambda X, y, n_steps, step_size: np.zeros((X.shape[1], 1)), "shape")
    _incorrect(
        ex01.task2,
        lambda X, y, n_steps, step_size: fit.gradient_descent(X, y, n_steps, step_size=step_size),
        "GDResult",
    )
    _incorrect(ex01.task2, lambda X, y, n_steps, step_size: [np.nan] * X.shape[1], "nan")
    # step_size and n_steps swapped in the signature: range() of a float raises a TypeError
    _incorrect(ex01.task2, lambda X, y, step_size, n_steps: _gd()(X, y, n_steps, step_size), "TypeError")


# --- task 3: plausible mistakes ------------------------------------------------------------------


def test_task3_returns_row_space_component():
    _incorrect(ex01.task3, lambda X, w0: np.linalg.pinv(X) @ (X @ w0), "inside the row space")


def test_task3_returns_w0():
    _incorrect(ex01.task3, lambda X, w0: w0, "unchanged")


def test_task3_not_a_projection():
    # forgetting the (X X^T)^{-1}: w0 - X^T X w0 is not in the null space
    _incorrect(ex01.task3, lambda X, w0: w0 - X.T @ (X @ w0), "not in the null space")


def test_task3_null_vector_but_not_the_projection():
    def other_null_vector(X, w0):
        r = w0 - np.linalg.pinv(X) @ (X @ w0)
        return 2.0 * r

    _incorrect(ex01.task3, other_null_vector, "orthogonal projection")


def test_task3_wrong_shapes_and_types():
    _incorrect(ex01.task3, lambda X, w0: np.linalg.norm(w0 - np.linalg.pinv(X) @ (X @ w0)), "shape")
    _incorrect(ex01.task3, lambda X, w0: {"w": w0}, "array of numbers")


# --- task 4: plausible mistakes ------------------------------------------------------------------


def _primal(scale):
    def ridge(X, y, penalty):
        n, p = X.shape
        return np.linalg.solve(X.T @ X + scale(n) * penalty * np.eye(p), X.T @ y)

    return ridge


def test_task4_penalty_without_n():
    message = _incorrect(ex01.task4, _primal(lambda n: 1.0), "without the factor n", "(1/n)")
    assert "penalty = 1" in message  # the first (largest) penalty already shows the mistake


def test_task4_dual_form_without_n():
    def dual(X, y, penalty):
        n = X.shape[0]
        return X.T @ np.linalg.solve(X @ X.T + penalty * np.eye(n), y)

    _incorrect(ex01.task4, dual, "without the factor n")


def test_task4_n_twice():
    _incorrect(ex01.task4, _primal(lambda n: n * n), "applied twice")


def test_task4_ignores_penalty():
    _incorrect(ex01.task4, lambda X, y, penalty: np.linalg.pinv(X) @ y, "does not depend on the penalty")


def test_task4_overall_factor():
    def scaled(X, y, penalty):
        n, p = X.shape
        return np.linalg.solve(X.T @ X / n + penalty * np.eye(p), X.T @ y)  # forgot X^T y / n

    _incorrect(ex01.task4, scaled, "constant multiple")


def test_task4_messages_do_not_give_numbers_away():
    message = ex01.task4.evaluate(_primal(lambda n: 1.0)).message
    reference = fit.ridge(*ex01._design(401, 20, 50), 1.0)
    assert f"{reference[0]:.3g}" not in message


def test_task4_wrong_shapes_and_types():
    _incorrect(ex01.task4, lambda X, y, penalty: np.zeros(X.shape[0]), "shape")
    _incorrect(ex01.task4, lambda X, y, penalty: None if penalty < 1 else np.zeros(X.shape[1]), "")
    _incorrect(ex01.task4, lambda X, y, penalty: object(), "array of numbers")


# --- task 5: plausible mistakes ------------------------------------------------------------------


def test_task5_fraction_inside():
    _incorrect(ex01.task5, 20 / 60, "inside the row space")


def test_task5_dimension_instead_of_fraction():
    _incorrect(ex01.task5, 40, "dimension of the null space")


def test_task5_ratio_of_norms():
    _incorrect(ex01.task5, np.sqrt(2 / 3), "ratio of norms")


def test_task5_none_gets_a_message_about_the_value():
    message = _incorrect(ex01.task5, None, "fraction_outside is None", "number between 0 and 1")
    assert "return" not in message.split("(for a hint")[0]  # a value has no return statement


def test_task5_hint_asks_instead_of_telling():
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ex01.task5.hint()
    text = out.getvalue()
    assert "?" in text
    assert "40" not in text and "2/3" not in text and "0.667" not in text


def test_task5_other_wrong_values_and_types():
    _incorrect(ex01.task5, 0.5, "not the expected fraction")
    _incorrect(ex01.task5, -0.3, "between 0 and 1")
    _incorrect(ex01.task5, "2/3", "should be a number")
    _incorrect(ex01.task5, [0.6, 0.7], "single number")
    _incorrect(ex01.task5, True, "bool")
    _incorrect(ex01.task5, float("nan"), "finite")


def test_incorrect_messages_never_raise_and_name_the_handle():
    for task in ALL_TASKS:
        message = task.evaluate(lambda *a: 1 / 0 if a else 0).message
        assert task.name in message


def test_overflowing_answers_do_not_warn(recwarn):
    # gradient ascent blows up on the long runs; the check reports it without numpy warnings
    def ascent(X, y, n_steps, step_size):
        w = np.zeros(X.shape[1])
        for _ in range(n_steps * 50):
            w = w + step_size * 1e3 * (X.T @ (X @ w - y))
        return w

    _incorrect(ex01.task2, ascent, "")
    assert len(recwarn) == 0
