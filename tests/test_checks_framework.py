"""The three-state check framework itself."""

import numpy as np
import pytest

from overparam.checks import (
    CORRECT,
    INCORRECT,
    NOT_ATTEMPTED,
    Check,
    Incorrect,
    call,
    expect_array,
    expect_close,
    expect_number,
)


def _reference(x):
    return 2 * np.asarray(x)


def _grader(fn):
    out = expect_array(call(fn, np.arange(3.0)), (3,), "the returned array")
    expect_close(out, _reference(np.arange(3.0)), what="the returned array", why="Did you double?")


TASK = Check("Task 1 (double it)", "exdemo.task1", _grader, "Multiply by two.", _reference)


def _stub(x):
    raise NotImplementedError


@pytest.mark.parametrize("answer", [..., _stub])
def test_stub_is_not_attempted(answer):
    assert TASK.evaluate(answer).status == NOT_ATTEMPTED


def test_reference_is_correct(capsys):
    assert TASK.evaluate(_reference).status == CORRECT
    TASK.check(_reference)
    assert "✔ Task 1 (double it): correct." in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, fragment",
    [
        (lambda x: 3 * x, "off by a relative"),
        (lambda x: np.zeros(4), "shape (4,), expected (3,)"),
        (lambda x: 1 / 0, "raised ZeroDivisionError"),
        (lambda x: "text", "array of numbers"),
        (42, "expected a function"),
        (lambda x: None, "is None — is a `return` statement missing?"),
        (None, "expected a function"),
    ],
)
def test_wrong_answers_are_incorrect_with_reason(answer, fragment):
    result = TASK.evaluate(answer)
    assert result.status == INCORRECT
    assert fragment in result.message and "exdemo.task1.hint()" in result.message


def test_hint_and_solution_print(capsys):
    TASK.hint()
    TASK.solution()
    out = capsys.readouterr().out
    assert "Multiply by two." in out and "def _reference" in out


def test_expect_number():
    assert expect_number(np.float64(2.5)) == 2.5
    for bad in [True, "x", [1.0, 2.0], float("nan")]:
        with pytest.raises(Incorrect):
            expect_number(bad)


def test_grader_must_be_callable():
    with pytest.raises(TypeError, match="grader must be callable"):
        Check("t", "x.t", None, "h", "ref")


def test_passes_guards_cells_that_use_the_answer():
    assert TASK.passes(_reference) is True
    assert TASK.passes(_stub) is False and TASK.passes(...) is False
    assert TASK.passes(lambda x: 3 * x) is False


def test_complex_and_nan_answers_get_specific_messages():
    assert "complex" in TASK.evaluate(lambda x: np.asarray(x) * (1 + 0j) + 1j).message
    with pytest.raises(Incorrect, match="inf where the value is infinite"):
        expect_number(float("nan"), allow_inf=True)
    assert expect_number(float("inf"), allow_inf=True) == float("inf")
