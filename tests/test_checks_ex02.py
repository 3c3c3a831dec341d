"""Tests of the exercise-02 checks: stubs, reference solutions, plausible mistakes, wrong types."""

from __future__ import annotations

import numpy as np
import pytest

from overparam.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ex02

TASKS = [ex02.task1, ex02.task2, ex02.task3, ex02.task4]


def _raises_not_implemented(*args):
    raise NotImplementedError("Task: replace this stub")


def status(task, answer):
    return task.evaluate(answer).status


def message(task, answer):
    result = task.evaluate(answer)
    assert result.status == INCORRECT, result.message
    return result.message


# ------------------------------------------------------------------------------------------------
# stubs
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("task", TASKS[:3], ids=["task1", "task2", "task3"])
def test_function_stubs_are_not_attempted(task):
    assert status(task, ...) == NOT_ATTEMPTED
    assert status(task, None) == INCORRECT  # None is a mistake, not the stub
    assert status(task, _raises_not_implemented) == NOT_ATTEMPTED


def test_value_stub_is_not_attempted():
    assert status(ex02.task4, ...) == NOT_ATTEMPTED
    assert status(ex02.task4, (..., ...)) == NOT_ATTEMPTED


def test_half_answered_value_is_incorrect():
    assert "best_excess" in message(ex02.task4, (10 / 7, ...))
    assert "gamma_star" in message(ex02.task4, (..., 0.51))


# ------------------------------------------------------------------------------------------------
# Task 1
# ------------------------------------------------------------------------------------------------


def _excess(gamma, signal, noise_var, bias_fn=None, var_below=None, plus_noise=False):
    gamma = np.asarray(gamma, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        below = var_below(gamma, noise_var) if var_below else noise_var * gamma / (1 - gamma)
        bias = bias_fn(gamma, signal) if bias_fn else signal * (1 - 1 / gamma)
        above = bias + noise_var / (gamma - 1)
        out = np.where(gamma < 1, below, above)
    out = np.where(gamma == 1, np.inf, out)
    return out + noise_var if plus_noise else out


def test_task1_reference_and_a_learner_style_solution_pass():
    assert status(ex02.task1, ex02.isotropic_excess_risk) == CORRECT

    def learner(gamma, signal, noise_var):  # no errstate, inf arises from the division
        gamma = np.asarray(gamma, dtype=float)
        return np.where(
            gamma < 1, noise_var * gamma / (1 - gamma), signal * (1 - 1 / gamma) + noise_var / (gamma - 1)
        )

    assert status(ex02.task1, learner) == CORRECT


def test_task1_bias_over_gamma():
    wrong = lambda g, s, v: _excess(g, s, v, bias_fn=lambda g, s: s / g)
    assert "bias" in message(ex02.task1, wrong)


def test_task1_variance_without_gamma():
    wrong = lambda g, s, v: _excess(g, s, v, var_below=lambda g, v: v / (1 - g))
    assert "gamma < 1" in message(ex02.task1, wrong)


def test_task1_noise_level_for_noise_variance_names_the_factor():
    """A learner who writes sigma = sqrt(noise_var) where sigma^2 belongs: the message names the factor."""
    wrong = lambda g, s, v: _excess(g, s, v, var_below=lambda g, v: np.sqrt(v) * g / (1 - g))
    text = message(ex02.task1, wrong)
    assert "gamma < 1" in text and "noise LEVEL sigma" in text and "factor" in text

    def sqrt_everywhere(gamma, signal, noise_var):
        return _excess(gamma, signal, np.sqrt(noise_var))

    text = message(ex02.task1, sqrt_everywhere)
    assert "noise LEVEL sigma" in text and "sqrt(noise_var)" in text

    def only_above(gamma, signal, noise_var):  # right below the threshold, sigma above it
        gamma = np.asarray(gamma, dtype=float)
        right = _excess(gamma, signal, noise_var)
        with np.errstate(divide="ignore", invalid="ignore"):
            above = signal * (1 - 1 / gamma) + np.sqrt(noise_var) / (gamma - 1)
        return np.where(gamma > 1, above, right)

    text = message(ex02.task1, only_above)
    assert "gamma > 1" in text and "noise LEVEL sigma" in text


def test_task1_squared_noise_variance_and_other_factors():
    squared = lambda g, s, v: _excess(g, s, v, var_below=lambda g, v: v**2 * g / (1 - g))
    assert "noise_var squared" in message(ex02.task1, squared)
    tripled = lambda g, s, v: _excess(g, s, v, var_below=lambda g, v: 3 * v * g / (1 - g))
    text = message(ex02.task1, tripled)
    assert "3 times" in text and "noise factor" in text


def test_task1_signal_level_for_signal_variance():
    wrong = lambda g, s, v: _excess(g, s, v, bias_fn=lambda g, s: np.sqrt(s) * (1 - 1 / g))
    text = message(ex02.task1, wrong)
    assert "gamma > 1" in text and "r = sqrt(signal)" in text


def test_task1_risk_including_noise():
    wrong = lambda g, s, v: _excess(g, s, v, plus_noise=True)
    assert "EXCESS" in message(ex02.task1, wrong)


def test_task1_not_vectorized():
    def wrong(gamma, signal, noise_var):
        if gamma == 1:
            return np.inf
        if gamma < 1:
            return noise_var * gamma / (1 - gamma)
        return signal * (1 - 1 / gamma) + noise_var / (gamma - 1)

    assert "vectorized" in message(ex02.task1, wrong)


def test_task1_finite_at_the_threshold():
    def wrong(gamma, signal, noise_var):
        return np.where(np.asarray(gamma) == 1, 1e6, _excess(gamma, signal, noise_var))

    assert "gamma = 1" in message(ex02.task1, wrong)


def test_task1_wrong_shape_and_type():
    assert "shape" in message(ex02.task1, lambda g, s, v: 0.5)
    assert "function" in message(ex02.task1, 0.75)
    assert "array of numbers" in message(ex02.task1, lambda g, s, v: "risk")
    assert status(ex02.task1, lambda g, s: g) == INCORRECT  # wrong signature


# ------------------------------------------------------------------------------------------------
# Task 2
# ------------------------------------------------------------------------------------------------


def _pinv_version(X, beta, noise_var):
    P = np.linalg.pinv(X) @ X
    unseen = beta - P @ beta
    return unseen @ unseen, noise_var * np.trace(np.linalg.pinv(X.T @ X))


def test_task2_reference_and_a_pinv_solution_pass():
    assert status(ex02.task2, ex02.bias_variance_given_design) == CORRECT
    assert status(ex02.task2, _pinv_version) == CORRECT


def test_task2_variance_without_noise_var():
    def wrong(X, beta, noise_var):
        bias, variance = _pinv_version(X, beta, noise_var)
        return bias, variance / noise_var

    assert "noise" in message(ex02.task2, wrong)


def test_task2_ordinary_inverse_for_p_above_n():
    def wrong(X, beta, noise_var):
        bias, _ = _pinv_version(X, beta, noise_var)
        return bias, noise_var * np.trace(np.linalg.inv(X.T @ X))

    assert "rank n" in message(ex02.task2, wrong)


def test_task2_ordinary_inverse_that_raises():
    def wrong(X, beta, noise_var):
        if X.shape[1] > X.shape[0]:
            raise np.linalg.LinAlgError("Singular matrix")
        return _pinv_version(X, beta, noise_var)

    assert "rank n" in message(ex02.task2, wrong)


def test_task2_column_space_projection():
    def wrong(X, beta, noise_var):
        H = X @ np.linalg.pinv(X)  # the hat matrix: projection onto the column space
        unseen = beta - H @ beta
        return unseen @ unseen, noise_var * np.trace(np.linalg.pinv(X.T @ X))

    assert "ROW space" in message(ex02.task2, wrong)


def test_task2_seen_part_as_bias():
    def wrong(X, beta, noise_var):
        P = np.linalg.pinv(X) @ X
        seen = P @ beta
        return seen @ seen, noise_var * np.trace(np.linalg.pinv(X.T @ X))

    assert "CAN see" in message(ex02.task2, wrong)


def test_task2_swapped_and_normalized():
    swapped = lambda X, b, v: _pinv_version(X, b, v)[::-1]
    assert "swapped" in message(ex02.task2, swapped)

    def normalized(X, beta, noise_var):
        n = X.shape[0]
        bias, _ = _pinv_version(X, beta, noise_var)
        return bias, noise_var * np.trace(np.linalg.pinv(X.T @ X / n))

    assert "sqrt(n)" in message(ex02.task2, normalized)


def test_task2_wrong_shape_and_type():
    assert "pair" in message(ex02.task2, lambda X, b, v: 0.3)
    assert "pair" in message(ex02.task2, lambda X, b, v: (0.1, 0.2, 0.3))
    assert "pair" in message(ex02.task2, lambda X, b, v: {"bias": 0.1, "variance": 0.2})
    assert "function" in message(ex02.task2, (0.1, 0.2))
    as_text = lambda X, b, v: tuple(str(x) for x in ex02.bias_variance_given_design(X, b, v))
    assert "text" in message(ex02.task2, as_text)


# ------------------------------------------------------------------------------------------------
# Task 3
# ------------------------------------------------------------------------------------------------


def test_task3_reference_and_plausible_variants_pass():
    assert status(ex02.task3, ex02.smallest_singular_value) == CORRECT
    assert status(ex02.task3, lambda X: np.linalg.svd(X / np.sqrt(len(X)), compute_uv=False).min()) == CORRECT

    def with_tolerance(X):
        s = np.linalg.svd(X, compute_uv=False) / np.sqrt(X.shape[0])
        return s[s > 1e-10 * s[0]].min()

    assert status(ex02.task3, with_tolerance) == CORRECT


def test_task3_forgot_sqrt_n():
    assert "sqrt(n)" in message(ex02.task3, lambda X: np.linalg.svd(X, compute_uv=False).min())


def test_task3_structural_zeros_of_the_gram_matrix():
    def wrong(X):
        n = X.shape[0]
        return np.sqrt(np.linalg.eigvalsh(X.T @ X / n).min())

    assert "NON-ZERO" in message(ex02.task3, wrong)

    def wrong_abs(X):  # taking abs avoids the nan but not the zero
        n = X.shape[0]
        return np.sqrt(np.abs(np.linalg.eigvalsh(X.T @ X / n)).min())

    assert "NON-ZERO" in message(ex02.task3, wrong_abs)


def test_task3_squared_largest_and_sqrt_p():
    squared = lambda X: np.linalg.eigvalsh(X.T @ X / X.shape[0]).min()  # also fails p > n first
    assert status(ex02.task3, squared) == INCORRECT
    assert "square" in message(ex02.task3, lambda X: ex02.smallest_singular_value(X) ** 2)
    assert "LARGEST" in message(ex02.task3, lambda X: np.linalg.svd(X / np.sqrt(len(X)), compute_uv=False).max())
    assert "sqrt(p)" in message(ex02.task3, lambda X: np.linalg.svd(X / np.sqrt(X.shape[1]), compute_uv=False).min())


def test_task3_wrong_shape_and_type():
    assert "single number" in message(ex02.task3, lambda X: np.linalg.svd(X, compute_uv=False) / np.sqrt(len(X)))
    assert "number" in message(ex02.task3, lambda X: "small")
    assert "text" in message(ex02.task3, lambda X: str(ex02.smallest_singular_value(X)))
    index_p = lambda X: np.linalg.svd(X / np.sqrt(len(X)), compute_uv=False)[X.shape[1] - 1]
    assert "min(n, p)" in message(ex02.task3, index_p)
    assert "function" in message(ex02.task3, 0.4)


# ------------------------------------------------------------------------------------------------
# Task 4
# ------------------------------------------------------------------------------------------------


# r^2 = 1, sigma^2 = 0.09: r = 1, sigma = 0.3, gamma* = 10/7, excess 2 r sigma - sigma^2 = 0.51
R, SIGMA = 1.0, 0.3
GAMMA_STAR, BEST = R / (R - SIGMA), 2 * R * SIGMA - SIGMA**2


def test_task4_values():
    assert GAMMA_STAR == pytest.approx(10 / 7) and BEST == pytest.approx(0.51)


def test_task4_reference_and_a_grid_minimum_pass():
    assert status(ex02.task4, (GAMMA_STAR, BEST)) == CORRECT
    grid = np.linspace(1.01, 10, 900)  # spacing 0.01: the numerical route is accepted
    excess = ex02.isotropic_excess_risk(grid, 1.0, 0.09)
    best = int(np.argmin(excess))
    assert status(ex02.task4, (grid[best], excess[best])) == CORRECT
    assert status(ex02.task4, [np.float64(GAMMA_STAR), np.float64(BEST)]) == CORRECT
    assert status(ex02.task4, (1.43, 0.51)) == CORRECT  # rounded to two decimals


def test_task4_tolerances_match_the_statement():
    """The statement: gamma* within 0.5 %, the excess risk within 0.1 % (bounds included)."""
    for factor in (1.005, 0.995):
        assert status(ex02.task4, (GAMMA_STAR * factor, BEST)) == CORRECT
    for factor in (1.006, 0.994):
        assert status(ex02.task4, (GAMMA_STAR * factor, BEST)) == INCORRECT
    for factor in (1.001, 0.999):
        assert status(ex02.task4, (GAMMA_STAR, BEST * factor)) == CORRECT
    for factor in (1.0015, 0.9985):
        assert status(ex02.task4, (GAMMA_STAR, BEST * factor)) == INCORRECT


def test_task4_the_lessons_setting_is_not_the_answer():
    """Lesson 02 prints gamma* = 2 and 0.75 for sigma^2 = 0.25; this task uses another noise level."""
    text = message(ex02.task4, (2.0, 0.75))
    assert "sigma^2 = 0.25" in text and "0.09" in text
    assert "sigma^2 = 0.25" in message(ex02.task4, (GAMMA_STAR, 0.75))


def test_task4_variance_alone():
    assert "variance alone" in message(ex02.task4, (np.inf, 0.0))
    assert "variance alone" in message(ex02.task4, (1e6, 1.0))


def test_task4_variance_in_place_of_level():
    sigma2 = 0.09
    gamma_wrong = 1.0 / (1.0 - sigma2)
    assert "VARIANCE" in message(ex02.task4, (gamma_wrong, 2 * sigma2 - sigma2**2))
    assert "VARIANCE" in message(ex02.task4, (GAMMA_STAR, 2 * sigma2 - sigma2**2))


def test_task4_other_mistakes():
    assert "EXCESS" in message(ex02.task4, (GAMMA_STAR, BEST + 0.09))      # risk including noise
    assert "one of the two terms" in message(ex02.task4, (GAMMA_STAR, 0.21))  # variance at gamma*
    assert "one of the two terms" in message(ex02.task4, (GAMMA_STAR, 0.30))  # bias at gamma*
    assert "gamma > 1" in message(ex02.task4, (0.5, 0.25))
    assert "not the minimizer" in message(ex02.task4, (3.0, 0.8))


def test_task4_wrong_shape_and_type():
    assert "tuple" in message(ex02.task4, 2.0)
    assert "tuple" in message(ex02.task4, (2.0, 0.75, 1.0))
    assert "number" in message(ex02.task4, ("two", 0.75))
    assert "single number" in message(ex02.task4, (np.array([2.0, 2.0]), 0.75))
    assert "text" in message(ex02.task4, ("2", "0.75"))


# ------------------------------------------------------------------------------------------------
# messages and helpers
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("task", TASKS, ids=["task1", "task2", "task3", "task4"])
def test_hint_and_solution_print(task, capsys):
    task.hint()
    task.solution()
    out = capsys.readouterr().out
    assert task.label in out and "solution" in out


def test_incorrect_messages_do_not_reveal_the_task4_answer():
    wrong_answers = [(np.inf, 0.0), (1 / 0.91, 0.1719), (2.0, 0.75), (GAMMA_STAR, 0.6), (GAMMA_STAR, 0.21),
                     (3.0, 0.8), (1e6, 1.0), (0.5, 0.25)]
    for wrong in wrong_answers:
        text = message(ex02.task4, wrong)
        assert "0.51" not in text and "1.43" not in text and "10/7" not in text and "0.3)" not in text


def test_hint_and_reference_use_the_tasks_parameters(capsys):
    ex02.task4.hint()
    ex02.task4.solution()
    out = capsys.readouterr().out
    assert "0.09" in out and "0.25" not in out
    assert "slope" in out  # the answer to "which two effects balance?" is one deliberate call away


def test_graders_do_not_print_warnings(recwarn):
    def noisy(gamma, signal, noise_var):
        gamma = np.asarray(gamma, dtype=float)
        return np.where(
            gamma < 1, noise_var * gamma / (1 - gamma), signal * (1 - 1 / gamma) + noise_var / (gamma - 1)
        )

    assert status(ex02.task1, noisy) == CORRECT
    assert len(recwarn) == 0
