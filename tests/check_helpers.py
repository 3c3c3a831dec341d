"""Assertions the exercise-check tests share (imported by ``tests/test_checks_exNN.py``)."""

from __future__ import annotations

from overparam.checks import INCORRECT


def status(task, answer) -> str:
    """The status a check gives ``answer``: not attempted, correct or incorrect."""
    return task.evaluate(answer).status


def assert_incorrect(task, answer, fragment) -> str:
    """Assert that ``answer`` is graded incorrect with a message containing ``fragment``.

    ``fragment`` is a string, or a tuple of strings of which one must appear. The message must be
    the check's own one-line verdict, never a traceback. Returns the message.
    """
    result = task.evaluate(answer)
    assert result.status == INCORRECT, result.message
    fragments = fragment if isinstance(fragment, tuple) else (fragment,)
    assert any(f in result.message for f in fragments), result.message
    assert "Traceback" not in result.message
    assert result.message.startswith("✘"), result.message
    return result.message
