"""The three-way contract every function task of exercises 03 and 05–08 shares.

For each task whose answer is a function: both stubs (``...`` and a function raising
``NotImplementedError``) are "not attempted", ``None`` is "incorrect" (a missing return, not a stub),
the reference solution is "correct", and answers of a wrong type or shape are "incorrect" with a
one-line message, never a traceback. The task-specific wrong answers (real mistakes, each with the
message that names it) stay in ``test_checks_exNN.py``, next to the task's other tests.
"""

from __future__ import annotations

import numpy as np
import pytest

from overparam.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ex03, ex05, ex06, ex07, ex08, ex09, ex10

#: (task, reference solution) for every task whose answer is a function
FUNCTION_TASKS = [
    (ex03.task1, ex03.effective_noise),
    (ex03.task2, ex03.bhx_risk),
    (ex03.task3, ex03.choose_ridge_by_validation),
    (ex03.task4, ex03.optimal_penalty),
    (ex03.task5, ex03.population_ridge),
    (ex05.task1, ex05.magnitude_mask),
    (ex05.task2, ex05.hessian_mask),
    (ex05.task3, ex05.retrain),
    (ex05.task4, ex05.compare_rules),
    (ex06.task1, ex06.solve_zeta),
    (ex06.task2, ex06.tau_squared),
    (ex06.task3, ex06.oracle_risk),
    (ex06.task4, ex06.auxiliary_moments),
    (ex07.task1, ex07.cell_problem),
    (ex07.task2, ex07.small_model_asymptotic),
    (ex07.task3, ex07.best_p),
    (ex07.task4, ex07.prune_vs_small),
    (ex08.task1, ex08.best_support_weights),
    (ex08.task2, ex08.pruning_cost),
    (ex08.task3, ex08.retrained_risk),
    (ex09.task1, ex09.hessian_scores),
    (ex09.task2, ex09.prune_and_retrain),
    (ex09.task3, ex09.best_weights_on_support),
    (ex09.task4, ex09.pruning_cost),
    (ex10.task1, ex10.global_magnitude_mask),
    (ex10.task2, ex10.train_masked),
    (ex10.task3, ex10.live_hidden_units),
]
TASKS = [task for task, _ in FUNCTION_TASKS]

#: answers of a wrong type or shape, each of which every function task must call incorrect
WRONG_TYPES = {
    "string": "a string",
    "int": 42,
    "returns-str": lambda *args: "not a number",
    "returns-matrix": lambda *args: np.zeros((2, 3)),
    "returns-bool-matrix": lambda *args: np.zeros((2, 3), dtype=bool),
    "returns-mixed-list": lambda *args: [1.0, "x"],
    "raises": lambda *args: 1 / 0,
    "returns-none": lambda *args: None,
    "returns-nan": lambda *args: np.nan,
    "returns-complex": lambda *args: 2.5 + 1j,
    "returns-dict": lambda *args: {"dense": "x"},
    "returns-pair-with-text": lambda *args: (np.zeros(3), "x"),
    "returns-triple": lambda *args: (np.zeros(3), np.zeros(3), np.zeros(3)),
}


def _stub(*args, **kwargs):
    raise NotImplementedError("Task K: replace this with your code")


@pytest.mark.parametrize("task", TASKS, ids=lambda t: t.name)
@pytest.mark.parametrize("stub", [..., _stub], ids=["ellipsis", "raises"])
def test_stub_is_not_attempted(task, stub):
    assert task.evaluate(stub).status == NOT_ATTEMPTED


@pytest.mark.parametrize("task", TASKS, ids=lambda t: t.name)
def test_none_is_incorrect_not_a_stub(task):
    assert task.evaluate(None).status == INCORRECT


@pytest.mark.parametrize("task,reference", FUNCTION_TASKS, ids=lambda x: getattr(x, "name", ""))
def test_reference_is_correct(task, reference):
    result = task.evaluate(reference)
    assert result.status == CORRECT, result.message


@pytest.mark.parametrize("task", TASKS, ids=lambda t: t.name)
@pytest.mark.parametrize("answer", list(WRONG_TYPES.values()), ids=list(WRONG_TYPES))
def test_wrong_type_or_shape_is_incorrect_without_raising(task, answer):
    result = task.evaluate(answer)
    assert result.status == INCORRECT, result.message
    assert "Traceback" not in result.message
    assert result.message.startswith("✘")
