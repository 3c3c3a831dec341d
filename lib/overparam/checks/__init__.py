"""Exercise checks with three outcomes: not attempted, correct, or incorrect with a reason.

Each exercise notebook imports its module (``from overparam.checks import ex01``) and, after a task's
stub, runs ``ex01.task1.check(answer)``. A check

* says **not attempted** when the answer is still ``...``, or when calling it raises
  ``NotImplementedError`` (the stub);
* says **correct** when the answer passes every test of the grader;
* says **incorrect** with a specific reason otherwise (wrong shape, wrong value, an exception raised
  by the learner's code) — never the answer itself, and never a raw traceback.

``task.hint()`` prints a hint and ``task.solution()`` prints a reference solution: one deliberate
call away. Graders are small functions that raise :class:`Incorrect` (with a message) to fail; the
helpers :func:`call`, :func:`expect_array` and :func:`expect_close` cover the usual cases.
Introduced in exercise 01.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Check",
    "Result",
    "Incorrect",
    "NotAttempted",
    "call",
    "expect_array",
    "expect_close",
    "expect_number",
    "NOT_ATTEMPTED",
    "CORRECT",
    "INCORRECT",
]

NOT_ATTEMPTED = "not attempted"
CORRECT = "correct"
INCORRECT = "incorrect"


class Incorrect(Exception):
    """Raised by a grader to fail an answer; the message is shown to the learner."""


class NotAttempted(Exception):
    """Raised by a grader when the answer is still a stub."""


@dataclass(frozen=True)
class Result:
    """Outcome of a check: ``status`` is one of the three states, ``message`` says why."""

    status: str
    message: str

    def __str__(self) -> str:
        return self.message


def _is_stub(answer) -> bool:
    return answer is Ellipsis


def _reject_complex(value, what: str) -> None:
    try:
        kind = np.asarray(value).dtype.kind
    except (TypeError, ValueError):
        return
    if kind == "c":
        raise Incorrect(f"{what} has complex numbers; expected real numbers (np.sqrt of a negative number?)")


def _reject_none(value, what: str) -> None:
    if value is None:
        raise Incorrect(f"{what} is None — is a `return` statement missing?")


def call(fn, *args, what: str = "your function", **kwargs):
    """Call the learner's ``fn``, turning its failures into check outcomes.

    ``NotImplementedError`` means not attempted; any other exception becomes :class:`Incorrect`
    naming the exception, so the learner sees one line instead of a traceback.
    """
    if _is_stub(fn):
        raise NotAttempted()
    if not callable(fn):
        raise Incorrect(f"expected a function, got {type(fn).__name__}")
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise NotAttempted() from None
    except Exception as exc:  # the learner's code failed: report it in one line
        raise Incorrect(f"{what} raised {type(exc).__name__}: {exc}") from None


def expect_array(value, shape: tuple[int, ...], what: str = "your result") -> np.ndarray:
    """Convert ``value`` to a float array and check its shape (and that it is finite)."""
    if _is_stub(value):
        raise NotAttempted()
    _reject_none(value, what)
    _reject_complex(value, what)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"{what} should be an array of numbers, got {type(value).__name__}") from None
    if arr.shape != tuple(shape):
        raise Incorrect(f"{what} has shape {arr.shape}, expected {tuple(shape)}")
    if not np.all(np.isfinite(arr)):
        raise Incorrect(f"{what} contains nan or inf")
    return arr


def expect_number(value, what: str = "your answer", allow_inf: bool = False) -> float:
    """Check that ``value`` is a single real number (finite unless ``allow_inf``); return it."""
    if _is_stub(value):
        raise NotAttempted()
    _reject_none(value, what)
    if isinstance(value, bool):
        raise Incorrect(f"{what} should be a number, got a bool")
    _reject_complex(value, what)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"{what} should be a number, got {type(value).__name__}") from None
    if arr.size != 1:
        raise Incorrect(f"{what} should be a single number, got an array of shape {arr.shape}")
    number = float(arr.reshape(()))
    if np.isnan(number) and allow_inf:
        raise Incorrect(f"{what} is nan; expected a number (inf where the value is infinite)")
    if np.isnan(number) or (np.isinf(number) and not allow_inf):
        raise Incorrect(f"{what} is {number}; expected a finite number")
    return number


def expect_close(value, expected, rtol: float = 1e-6, atol: float = 1e-9, what: str = "your result", why: str = "") -> None:
    """Fail with a message when ``value`` is not close to ``expected`` (elementwise).

    The message says how far off the worst entry is, not what the expected value is.
    """
    value = np.asarray(value, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if value.shape != expected.shape:
        raise Incorrect(f"{what} has shape {value.shape}, expected {expected.shape}")
    if not np.allclose(value, expected, rtol=rtol, atol=atol):
        gap = np.max(np.abs(value - expected) / (np.abs(expected) + atol))
        hint = f" {why}" if why else ""
        raise Incorrect(f"{what} is off by a relative {gap:.2g} (allowed {rtol:g}).{hint}")


class Check:
    """One exercise task's check, hint and reference solution.

    Parameters
    ----------
    label : str
        How the task is named to the learner, for example ``"Task 1 (min-norm solution)"``.
    name : str
        How the learner reaches this object, for example ``"ex01.task1"`` (used in messages).
    grader : callable
        ``grader(answer)`` returns nothing when the answer is right, raises :class:`Incorrect` with
        a reason when it is wrong (and :class:`NotAttempted` for a stub).
    hint : str
        Shown by :meth:`hint`.
    reference : callable or str
        A reference solution: a function whose source :meth:`solution` prints, or a text.
    """

    def __init__(self, label: str, name: str, grader: Callable, hint: str, reference: Callable | str):
        if not callable(grader):
            raise TypeError(f"grader must be callable, got {type(grader).__name__}")
        self.label = label
        self.name = name
        self.grader = grader
        self._hint = hint
        self.reference = reference

    def __repr__(self) -> str:
        return f"Check({self.label!r})"

    def evaluate(self, answer) -> Result:
        """Grade ``answer`` and return a :class:`Result` (no printing)."""
        if _is_stub(answer):
            return Result(NOT_ATTEMPTED, self._not_attempted())
        try:
            self.grader(answer)
        except NotAttempted:
            return Result(NOT_ATTEMPTED, self._not_attempted())
        except Incorrect as exc:
            return Result(
                INCORRECT,
                f"✘ {self.label}: incorrect — {exc} (for a hint, run `{self._handle()}.hint()`)",
            )
        return Result(CORRECT, f"✔ {self.label}: correct.")

    def passes(self, answer) -> bool:
        """True when ``answer`` is correct; use it to guard a cell that plots the learner's answer.

        Examples
        --------
        >>> # if ex02.task1.passes(isotropic_excess_risk): draw_it()
        >>> # else: print("Complete Task 1 to see your curve here.")
        """
        return self.evaluate(answer).status == CORRECT

    def check(self, answer) -> None:
        """Grade ``answer`` and print the outcome."""
        print(self.evaluate(answer).message)

    def hint(self) -> None:
        """Print the hint."""
        print(f"Hint for {self.label}: {self._hint}")

    def solution(self) -> None:
        """Print a reference solution."""
        if callable(self.reference):
            source = textwrap.dedent(inspect.getsource(self.reference))
        else:
            source = str(self.reference)
        print(f"A reference solution for {self.label}:\n\n{source}")

    def _not_attempted(self) -> str:
        return f"○ {self.label}: not attempted yet — replace the stub with your code and run the check again."

    def _handle(self) -> str:
        return self.name
