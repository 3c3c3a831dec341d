"""Tests of the exercise-04 checks: stubs, reference solutions, plausible mistakes, wrong types."""

from __future__ import annotations

import math

import numpy as np
import pytest

from overparam import random_features, theory
from overparam.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ex04

FUNCTION_TASKS = [ex04.task1, ex04.task2, ex04.task4]
ALL_TASKS = [ex04.task1, ex04.task2, ex04.task3, ex04.task4, ex04.task5]
RELU_EXACT = (1 / np.sqrt(2 * np.pi), 0.5, 0.25 - 1 / (2 * np.pi))


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


@pytest.mark.parametrize("task", FUNCTION_TASKS, ids=["task1", "task2", "task4"])
def test_function_stubs_are_not_attempted(task):
    assert status(task, ...) == NOT_ATTEMPTED
    assert status(task, _raises_not_implemented) == NOT_ATTEMPTED
    assert status(task, None) == INCORRECT  # None is a mistake, not the stub


def test_task3_stubs():
    assert status(ex04.task3, ...) == NOT_ATTEMPTED
    assert status(ex04.task3, (_raises_not_implemented, (..., ..., ...))) == NOT_ATTEMPTED
    assert status(ex04.task3, (..., ...)) == NOT_ATTEMPTED
    assert "relu_exact" in message(ex04.task3, (ex04.activation_constants, (..., ..., ...)))
    assert "activation_constants" in message(ex04.task3, (_raises_not_implemented, RELU_EXACT))


def test_task5_stubs():
    assert status(ex04.task5, ...) == NOT_ATTEMPTED
    assert status(ex04.task5, (..., ...)) == NOT_ATTEMPTED
    assert "n_break_even" in message(ex04.task5, (72, ...))
    assert "n_classical" in message(ex04.task5, (..., 573))


# ------------------------------------------------------------------------------------------------
# Task 1: features
# ------------------------------------------------------------------------------------------------


def test_task1_reference_and_variants_pass():
    assert status(ex04.task1, ex04.relu_features) == CORRECT
    assert status(ex04.task1, lambda X, th: np.clip(X @ th.T / math.sqrt(X.shape[1]), 0, None)) == CORRECT
    assert status(ex04.task1, lambda X, th: random_features.relu((th @ X.T).T / np.sqrt(th.shape[1]))) == CORRECT


def test_task1_missing_sqrt_d():
    assert "sqrt(d) times too large" in message(ex04.task1, lambda X, th: np.maximum(X @ th.T, 0))


def test_task1_divided_by_d():
    assert "divided by d" in message(ex04.task1, lambda X, th: np.maximum(X @ th.T / X.shape[1], 0))


def test_task1_wrong_dimension_in_the_scale():
    by_N = lambda X, th: np.maximum(X @ th.T / np.sqrt(th.shape[0]), 0)
    assert "number of neurons" in message(ex04.task1, by_N)
    by_n = lambda X, th: np.maximum(X @ th.T / np.sqrt(X.shape[0]), 0)
    assert "number of samples" in message(ex04.task1, by_n)


def test_task1_missing_relu_and_other_activations():
    assert "Apply the ReLU" in message(ex04.task1, lambda X, th: X @ th.T / np.sqrt(X.shape[1]))
    assert "|u|" in message(ex04.task1, lambda X, th: np.abs(X @ th.T / np.sqrt(X.shape[1])))
    assert "NEGATIVE part" in message(ex04.task1, lambda X, th: np.minimum(X @ th.T / np.sqrt(X.shape[1]), 0))


def test_task1_transposed():
    text = message(ex04.task1, lambda X, th: np.maximum(th @ X.T / np.sqrt(X.shape[1]), 0))
    assert "transposed" in text and "ROW per sample" in text


def test_task1_transpose_missing_raises_inside():
    text = message(ex04.task1, lambda X, th: np.maximum(X @ th / np.sqrt(X.shape[1]), 0))
    assert "transposed" in text and "raised" in text


def test_task1_wrong_shape_and_type():
    assert "shape" in message(ex04.task1, lambda X, th: np.maximum(X @ th.T, 0).ravel())
    assert "function" in message(ex04.task1, np.zeros((3, 4)))
    assert "array of numbers" in message(ex04.task1, lambda X, th: "features")
    assert "None" in message(ex04.task1, lambda X, th: None)
    assert status(ex04.task1, lambda X: X) == INCORRECT  # wrong signature


# ------------------------------------------------------------------------------------------------
# Task 2: min-norm second layer
# ------------------------------------------------------------------------------------------------


def test_task2_reference_and_variants_pass():
    assert status(ex04.task2, ex04.min_norm_second_layer) == CORRECT
    assert status(ex04.task2, lambda Z, y: np.linalg.lstsq(Z, y, rcond=None)[0]) == CORRECT

    def two_branches(Z, y):
        n, N = Z.shape
        if N < n:
            return np.linalg.solve(Z.T @ Z, Z.T @ y)
        return Z.T @ np.linalg.solve(Z @ Z.T, y)

    assert status(ex04.task2, two_branches) == CORRECT
    assert status(ex04.task2, lambda Z, y: random_features.fit_second_layer(Z, y, 10)) == CORRECT


def test_task2_big_ridge_is_caught():
    def ridge(Z, y, penalty=1.0):
        N = Z.shape[1]
        return np.linalg.solve(Z.T @ Z + penalty * np.eye(N), Z.T @ y)

    assert "RIDGE" in message(ex04.task2, ridge)
    assert "RIDGE" in message(ex04.task2, lambda Z, y: random_features.fit_second_layer(Z, y, 20, ridge=0.1))


def test_task2_null_space_component_is_caught():
    def with_null_space(Z, y):
        a = np.linalg.pinv(Z) @ y
        n, N = Z.shape
        if N <= n:
            return a
        v = np.random.default_rng(0).standard_normal(N)
        return a + v - np.linalg.pinv(Z) @ (Z @ v)      # add (I - P) v: still interpolates

    text = message(ex04.task2, with_null_space)
    assert "interpolate" in text and "null space" in text


def test_task2_inverse_of_singular_gram_matrix():
    def normal_equations(Z, y):  # fine below the threshold, singular above it
        return np.linalg.inv(Z.T @ Z) @ Z.T @ y

    text = message(ex04.task2, normal_equations)
    assert "do not interpolate" in text and "N > n" in text

    def raising(Z, y):
        if Z.shape[1] > Z.shape[0]:
            raise np.linalg.LinAlgError("Singular matrix")
        return np.linalg.pinv(Z) @ y

    text = message(ex04.task2, raising)
    assert "rank n" in text and "pinv" in text

    def interpolator_formula_everywhere(Z, y):  # Z^T (Z Z^T)^-1 y is for N > n only
        return Z.T @ np.linalg.inv(Z @ Z.T) @ y

    text = message(ex04.task2, interpolator_formula_everywhere)
    assert "normal equations" in text and "N < n" in text


def test_task2_gradient_descent_not_run_to_convergence():
    def few_steps(Z, y, steps=50):
        a = np.zeros(Z.shape[1])
        lr = 1.0 / np.linalg.norm(Z, 2) ** 2
        for _ in range(steps):
            a -= lr * Z.T @ (Z @ a - y)
        return a

    assert "normal equations" in message(ex04.task2, few_steps)


def test_task2_wrong_shape_and_type():
    assert "first element" in message(ex04.task2, lambda Z, y: np.linalg.lstsq(Z, y, rcond=None))
    assert "1-D" in message(ex04.task2, lambda Z, y: (np.linalg.pinv(Z) @ y)[:, None])
    assert "shape" in message(ex04.task2, lambda Z, y: np.linalg.pinv(Z))
    assert "array of numbers" in message(ex04.task2, lambda Z, y: "weights")
    assert "function" in message(ex04.task2, np.zeros(3))


# ------------------------------------------------------------------------------------------------
# Task 3: activation constants
# ------------------------------------------------------------------------------------------------


def _mc(mustar2_fn):
    def fn(activation, n_samples, rng):
        g = rng.standard_normal(n_samples)
        s = activation(g)
        mu0, mu1 = np.mean(s), np.mean(g * s)
        return mu0, mu1, mustar2_fn(s, mu0, mu1)

    return fn


def test_task3_reference_and_variants_pass():
    assert status(ex04.task3, (ex04.activation_constants, RELU_EXACT)) == CORRECT
    lib = lambda act, n, rng: tuple(random_features.activation_constants_mc(act, n, rng)[:3])
    c = random_features.relu_constants()
    assert status(ex04.task3, (lib, [c.mu0, c.mu1, c.mustar2])) == CORRECT
    var_form = _mc(lambda s, mu0, mu1: np.var(s, ddof=1) - mu1**2)
    assert status(ex04.task3, (var_form, np.array(RELU_EXACT))) == CORRECT


def test_task3_forgot_mu1_squared():
    text = message(ex04.task3, (_mc(lambda s, mu0, mu1: np.mean(s**2) - mu0**2), RELU_EXACT))
    assert "mu1^2" in text
    wrong_exact = (RELU_EXACT[0], 0.5, 0.5 - 1 / (2 * np.pi))
    text = message(ex04.task3, (ex04.activation_constants, wrong_exact))
    assert "mu1^2" in text and "0.86" in text


def test_task3_other_mc_mistakes():
    assert "E sigma(G)^2 itself" in message(ex04.task3, (_mc(lambda s, mu0, mu1: np.mean(s**2)), RELU_EXACT))

    def uniform_draws(activation, n_samples, rng):
        g = rng.random(n_samples)
        s = activation(g)
        mu0, mu1 = np.mean(s), np.mean(g * s)
        return mu0, mu1, np.mean(s**2) - mu0**2 - mu1**2

    assert "mu0" in message(ex04.task3, (uniform_draws, RELU_EXACT))

    def product_of_means(activation, n_samples, rng):
        g = rng.standard_normal(n_samples)
        s = activation(g)
        mu0, mu1 = np.mean(s), np.mean(g) * np.mean(s)
        return mu0, mu1, np.mean(s**2) - mu0**2 - mu1**2

    assert "PRODUCT" in message(ex04.task3, (product_of_means, RELU_EXACT))

    def too_few_samples(activation, n_samples, rng):
        return ex04.activation_constants(activation, 200, rng)

    assert "standard errors" in message(ex04.task3, (too_few_samples, RELU_EXACT))


def test_task3_exact_value_mistakes():
    text = message(ex04.task3, (ex04.activation_constants, (0.4, 0.5, 0.091)))
    assert "Monte Carlo accuracy" in text
    mc = random_features.activation_constants_mc(random_features.relu, 200_000, 1)
    assert "Monte Carlo accuracy" in message(ex04.task3, (ex04.activation_constants, tuple(mc[:3])))
    assert "normal density" in message(ex04.task3, (ex04.activation_constants, (1 / (2 * np.pi), 0.5, RELU_EXACT[2])))
    assert "mu1" in message(ex04.task3, (ex04.activation_constants, (RELU_EXACT[0], 1.0, RELU_EXACT[2])))
    assert "itself" in message(ex04.task3, (ex04.activation_constants, (RELU_EXACT[0], 0.5, 0.5)))
    assert "mu_*" in message(ex04.task3, (ex04.activation_constants, (RELU_EXACT[0], 0.5, np.sqrt(RELU_EXACT[2]))))


def test_task3_wrong_shape_and_type():
    assert "tuple" in message(ex04.task3, ex04.activation_constants)
    assert "tuple" in message(ex04.task3, (ex04.activation_constants, RELU_EXACT, 1.0))
    assert "three numbers" in message(ex04.task3, (ex04.activation_constants, (0.4, 0.5)))
    assert "text" in message(ex04.task3, (ex04.activation_constants, ("0.4", "0.5", "0.09")))
    assert "three numbers" in message(ex04.task3, (lambda a, n, r: (0.4, 0.5), RELU_EXACT))
    assert "text" in message(ex04.task3, (lambda a, n, r: ("0.4", "0.5", "0.09"), RELU_EXACT))
    assert "function" in message(ex04.task3, (0.4, RELU_EXACT))
    assert "raised" in message(ex04.task3, (lambda a, n: (0.4, 0.5, 0.09), RELU_EXACT))


# ------------------------------------------------------------------------------------------------
# Task 4: arccos kernel
# ------------------------------------------------------------------------------------------------


def _kernel(numerator, scale=2 * np.pi):
    def fn(rho):
        rho = np.asarray(rho, dtype=float)
        return numerator(rho, np.arccos(np.clip(rho, -1, 1))) / scale

    return fn


def test_task4_reference_and_variants_pass():
    assert status(ex04.task4, ex04.relu_kernel) == CORRECT
    assert status(ex04.task4, random_features.relu_kernel) == CORRECT
    arcsin_form = _kernel(lambda r, a: np.sqrt(1 - r**2) + r * (np.pi / 2 + np.arcsin(r)))
    assert status(ex04.task4, arcsin_form) == CORRECT
    no_clip = lambda r: (np.sqrt(1 - np.asarray(r) ** 2) + r * (np.pi - np.arccos(r))) / (2 * np.pi)
    assert status(ex04.task4, no_clip) == CORRECT


def test_task4_rho_times_arccos():
    wrong = _kernel(lambda r, a: np.sqrt(1 - r**2) + r * a)
    assert "pi minus that angle" in message(ex04.task4, wrong)


def test_task4_missing_or_wrong_factor():
    right = lambda r, a: np.sqrt(1 - r**2) + r * (np.pi - a)
    assert "1/(2 pi) is missing" in message(ex04.task4, _kernel(right, scale=1.0))
    assert "not by pi" in message(ex04.task4, _kernel(right, scale=np.pi))
    assert "half" in message(ex04.task4, _kernel(right, scale=4 * np.pi))


def test_task4_missing_terms():
    assert "sqrt(1 - rho^2)" in message(ex04.task4, _kernel(lambda r, a: r * (np.pi - a)))
    assert "rho term is missing" in message(ex04.task4, _kernel(lambda r, a: np.sqrt(1 - r**2)))


def test_task4_other_mistake_gets_a_monte_carlo_witness():
    wrong = _kernel(lambda r, a: np.sqrt(1 - r**2) + r * (np.pi - a) + 0.05 * r**2)
    assert "Monte Carlo" in message(ex04.task4, wrong)


def test_task4_not_vectorized_and_nan():
    def scalar_only(rho):
        return (math.sqrt(1 - rho**2) + rho * (math.pi - math.acos(rho))) / (2 * math.pi)

    assert "single rho" in message(ex04.task4, scalar_only)

    def nan_at_edges(rho):
        rho = np.asarray(rho, dtype=float) * (1 + 1e-15)      # round-off pushes |rho| above 1
        return (np.sqrt(1 - rho**2) + rho * (np.pi - np.arccos(rho))) / (2 * np.pi)

    assert "nan" in message(ex04.task4, nan_at_edges)


def test_task4_wrong_shape_and_type():
    assert "shape" in message(ex04.task4, lambda rho: 0.5)
    assert "shape" in message(ex04.task4, lambda rho: ex04.relu_kernel(rho)[:-1])
    assert "array of numbers" in message(ex04.task4, lambda rho: "kernel")
    assert "function" in message(ex04.task4, 0.5)
    assert "None" in message(ex04.task4, lambda rho: None)


# ------------------------------------------------------------------------------------------------
# Task 5: classical optimum and break-even width
# ------------------------------------------------------------------------------------------------

# tau^2 = 0.5, d = 100, n = 300: classical optimum near N = 72, break-even near N = 573
D, N_SAMPLES = 100, 300


def _risk(N, noise_var=0.5):
    return theory.random_features_risk(np.asarray(N, dtype=float) / D, N_SAMPLES / D, noise_var=noise_var)


def _grid_answer(noise_var=0.5):
    narrow = np.arange(1, N_SAMPLES)
    n_c = int(narrow[np.argmin(_risk(narrow, noise_var))])
    wide = np.arange(N_SAMPLES + 1, 10 * N_SAMPLES)
    n_b = int(wide[np.argmax(_risk(wide, noise_var) <= _risk(n_c, noise_var))])
    return n_c, n_b


def test_task5_values():
    n_c, n_b = _grid_answer()
    assert 60 < n_c < 85 and 560 < n_b < 590
    assert _risk(n_b) <= _risk(n_c) < _risk(n_b - 1)


def test_task5_reference_and_rounded_answers_pass():
    n_c, n_b = _grid_answer()
    assert status(ex04.task5, (n_c, n_b)) == CORRECT
    assert status(ex04.task5, [np.int64(n_c), np.float64(n_b)]) == CORRECT
    exact_c, _, exact_b = ex04._t5_answer()
    assert status(ex04.task5, (exact_c, exact_b)) == CORRECT
    assert status(ex04.task5, (70, 570)) == CORRECT  # a grid of step 10, rounded


def test_task5_tolerances_match_the_statement():
    exact_c, r_min, exact_b = ex04._t5_answer()
    for factor in (1.01, 0.99):
        assert status(ex04.task5, (exact_c, exact_b * factor)) == CORRECT
    for factor in (1.012, 0.988):
        assert status(ex04.task5, (exact_c, exact_b * factor)) == INCORRECT
    widths = np.linspace(1, N_SAMPLES - 1, 5000)
    ok = widths[_risk(widths) <= r_min * (1 + ex04.TASK5_CLASSICAL_RISK_RTOL)]
    assert status(ex04.task5, (ok.min() + 0.01, exact_b)) == CORRECT
    assert status(ex04.task5, (ok.max() - 0.01, exact_b)) == CORRECT
    assert status(ex04.task5, (ok.min() - 2, exact_b)) == INCORRECT
    assert status(ex04.task5, (ok.max() + 2, exact_b)) == INCORRECT


def test_task5_the_lessons_noise_is_not_the_answer():
    n_c, n_b = _grid_answer(noise_var=0.25)
    text = message(ex04.task5, (n_c, n_b))
    assert "noise_var = 0.25" in text and "0.5" in text
    good_c, _ = _grid_answer()
    assert "noise_var = 0.25" in message(ex04.task5, (good_c, n_b))


def test_task5_noise_level_for_variance():
    n_c, n_b = _grid_answer(noise_var=np.sqrt(0.5))
    assert "VARIANCE" in message(ex04.task5, (n_c, n_b))


def test_task5_widths_passed_as_ratios():
    def raw_risk(N):
        return theory.random_features_risk(np.asarray(N, dtype=float), float(N_SAMPLES), noise_var=0.5)

    narrow = np.arange(1, N_SAMPLES)
    n_c = int(narrow[np.argmin(raw_risk(narrow))])
    assert "RATIOS" in message(ex04.task5, (n_c, 573))
    exact_c, _, exact_b = ex04._t5_answer()
    assert "widths N" in message(ex04.task5, (exact_c / D, exact_b / D))


def test_task5_peak_and_branch_mistakes():
    exact_c, _, exact_b = ex04._t5_answer()
    assert "PEAKS" in message(ex04.task5, (N_SAMPLES, exact_b))
    assert "PEAKS" in message(ex04.task5, (exact_c, N_SAMPLES))
    assert "narrow models" in message(ex04.task5, (1000, exact_b))
    assert "still above" in message(ex04.task5, (exact_c, 450))
    assert "smaller width" in message(ex04.task5, (exact_c, 2000))
    assert "finite width" in message(ex04.task5, (exact_c, np.inf))
    assert "not the best width" in message(ex04.task5, (200, exact_b))
    assert "beyond the threshold" in message(ex04.task5, (exact_c, 150))


def test_task5_wrong_shape_and_type():
    assert "tuple" in message(ex04.task5, 72)
    assert "tuple" in message(ex04.task5, (72, 573, 1))
    assert "text" in message(ex04.task5, ("72", "573"))
    assert "single number" in message(ex04.task5, (np.array([72, 73]), 573))
    assert "None" in message(ex04.task5, (None, 573))


def test_task5_messages_do_not_reveal_the_answer():
    exact_c, _, exact_b = ex04._t5_answer()
    wrong = [(exact_c, 450), (exact_c, 2000), (200, exact_b), (N_SAMPLES, exact_b), (exact_c, np.inf)]
    for answer in wrong:
        text = message(ex04.task5, answer)
        assert "572" not in text and "573" not in text and "71.9" not in text and " 72" not in text


# ------------------------------------------------------------------------------------------------
# messages and helpers
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("task", ALL_TASKS, ids=[f"task{k}" for k in range(1, 6)])
def test_hint_and_solution_print(task, capsys):
    task.hint()
    task.solution()
    out = capsys.readouterr().out
    assert task.label in out and "solution" in out


@pytest.mark.parametrize("task", ALL_TASKS, ids=[f"task{k}" for k in range(1, 6)])
def test_names_match_the_module(task):
    k = ALL_TASKS.index(task) + 1
    assert task.name == f"ex04.task{k}"


def test_learners_data_is_left_untouched():
    """The graders pass copies: a learner's function that scribbles on its inputs does not break them."""

    def scribbling_features(X, theta):
        Z = ex04.relu_features(X, theta)
        X[:] = 0.0
        theta[:] = 0.0
        return Z

    assert status(ex04.task1, scribbling_features) == CORRECT
    assert status(ex04.task1, ex04.relu_features) == CORRECT


def test_task1_dividing_by_row_norms_is_named():
    by_theta_norm = lambda X, th: np.maximum(X @ th.T / np.linalg.norm(th, axis=1), 0)
    by_x_norm = lambda X, th: np.maximum(X @ th.T / np.linalg.norm(X, axis=1)[:, None], 0)
    assert "norm of each theta_a" in message(ex04.task1, by_theta_norm)
    assert "norm of each input" in message(ex04.task1, by_x_norm)


def test_task2_gradient_descent_close_but_not_converged_is_named():
    def many_steps(Z, y, steps=3000):
        a = np.zeros(Z.shape[1])
        lr = 1.0 / np.linalg.norm(Z, 2) ** 2
        for _ in range(steps):
            a -= lr * Z.T @ (Z @ a - y)
        return a

    assert "not fully converged" in message(ex04.task2, many_steps)
