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

Time limit
----------
A natural slip (a fixed-point loop whose stopping rule never triggers, a bisection with a wrong
update) would otherwise hang the check cell. :meth:`Check.evaluate` therefore hands the grader the
learner's function wrapped by :func:`time_limited`: each call of the learner's code may take at most
:data:`TIME_LIMIT` seconds (or the ``time_limit`` given to that :class:`Check`), and a call that
runs longer makes the check say *incorrect — `fn` did not finish within N s*. Only the learner's
code is timed, never the grader's own reference computation. The limit uses
``signal.setitimer(signal.ITIMER_REAL, ...)`` and ``SIGALRM``, so it applies only in the main thread
of a platform that has them (Linux and macOS; Jupyter and IPython run cells in the main thread).
Elsewhere — on Windows, or in any other thread — the learner's code runs **without** a limit.
Any previous ``SIGALRM`` handler and interval timer are restored afterwards; a previous timer that
came due while the learner's code ran fires right after it. ``KeyboardInterrupt`` (interrupting the
kernel) still stops everything.
"""

from __future__ import annotations

import functools
import inspect
import math
import signal
import textwrap
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "Check",
    "Result",
    "Incorrect",
    "NotAttempted",
    "TimeLimitExceeded",
    "TIME_LIMIT",
    "call",
    "call_quietly",
    "attempt",
    "describe_exception",
    "time_limited",
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


#: Default time limit, in seconds, for one call of the learner's function inside a check. Measured
#: for exercises 01–08: a reference solution's slowest call takes under 0.05 s; the slowest correct
#: alternative in the tests (a 3001-point grid search in ex03 task 4) 1.5 s, 3.4 s on an overloaded
#: two-core machine. Override it for one task with ``Check(..., time_limit=...)``, or for every check
#: by assigning ``overparam.checks.TIME_LIMIT``.
TIME_LIMIT: float = 20.0

#: After the first alarm, the alarm repeats at this interval (seconds) while the learner's code is
#: still running, so that a learner's bare ``except:`` that swallows one alarm does not hang the cell.
_REPEAT_INTERVAL = 1.0

#: True while a time limit is running in the main thread (limits do not nest: the outer one holds).
_limit_running = False


class TimeLimitExceeded(BaseException):
    """The learner's function ran longer than its time limit.

    A :class:`BaseException`, like ``KeyboardInterrupt``, so that neither the learner's
    ``except Exception`` nor a grader's (which turns the learner's errors into diagnoses) can
    swallow it; :meth:`Check.evaluate` turns it into an *incorrect* result with :attr:`message`.

    Parameters
    ----------
    name : str
        How the function is named to the learner, for example ``"`fixed_point`"``.
    seconds : float
        The time limit that was exceeded.
    """

    def __init__(self, name: str, seconds: float):
        self.name = name
        self.seconds = seconds
        self.message = (
            f"{name} did not finish within {seconds:g} s: is there a loop that never stops? "
            "(interrupt the kernel if a cell ever hangs)"
        )
        super().__init__(self.message)


def _function_name(fn: Callable) -> str:
    """The learner's function as messages name it: ``"`name`"``, or ``"your function"`` for a lambda."""
    name = getattr(fn, "__name__", "")
    if isinstance(name, str) and name.isidentifier():
        return f"`{name}`"
    return "your function"


def _can_use_alarm() -> bool:
    """True when ``SIGALRM`` with ``setitimer`` can time code here: a POSIX main thread."""
    return (
        hasattr(signal, "setitimer")
        and hasattr(signal, "SIGALRM")
        and threading.current_thread() is threading.main_thread()
    )


def _run_with_time_limit(fn: Callable, args: tuple, kwargs: dict, seconds: float, name: str) -> Any:
    """Return ``fn(*args, **kwargs)``, raising :class:`TimeLimitExceeded` after ``seconds``.

    Runs ``fn`` without a limit when no alarm is available (see :func:`_can_use_alarm`), when a
    limit is already running (the outer one holds), when ``seconds`` is infinite, or when the
    current ``SIGALRM`` handler was not installed from Python (it could not be restored).
    """
    global _limit_running
    if _limit_running or math.isinf(seconds) or not _can_use_alarm():
        return fn(*args, **kwargs)
    previous_handler = signal.getsignal(signal.SIGALRM)
    if previous_handler is None:
        return fn(*args, **kwargs)
    timing = {"on": True}

    def on_alarm(signum, frame):
        if timing["on"]:
            raise TimeLimitExceeded(name, seconds)

    # Disarm any previous timer first, so that it cannot reach our handler; re-arm it afterwards.
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, 0)
    started = time.monotonic()
    signal.signal(signal.SIGALRM, on_alarm)
    _limit_running = True
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT_INTERVAL)
        return fn(*args, **kwargs)
    finally:
        timing["on"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        _limit_running = False
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay > 0:
            remaining = previous_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(remaining, 1e-6), previous_interval)


def time_limited(fn: Callable, seconds: float | None = None) -> Callable:
    """Wrap the learner's function so that each call may take at most ``seconds``.

    Parameters
    ----------
    fn : callable
        The learner's function.
    seconds : float, optional
        The limit for one call, in seconds (``math.inf`` for none); by default :data:`TIME_LIMIT`,
        read when the wrapper is called.

    Returns
    -------
    callable
        A wrapper with ``fn``'s name, docstring and signature whose call returns ``fn``'s result or
        raises :class:`TimeLimitExceeded`. A function that is already time-limited is returned as it
        is. In a thread other than the main thread, or on a platform without ``SIGALRM`` (Windows),
        the wrapper calls ``fn`` without a limit.

    Raises
    ------
    TypeError
        If ``fn`` is not callable.
    ValueError
        If ``seconds`` is not a positive number.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    seconds = _validate_time_limit(seconds, "seconds")
    if getattr(fn, "__overparam_time_limited__", False):
        return fn
    name = _function_name(fn)

    def limited(*args, **kwargs):
        limit = TIME_LIMIT if seconds is None else seconds
        return _run_with_time_limit(fn, args, kwargs, limit, name)

    try:
        functools.update_wrapper(limited, fn)
    except (AttributeError, TypeError):  # an unusual callable: keep the wrapper's own attributes
        limited.__wrapped__ = fn
    limited.__overparam_time_limited__ = True
    return limited


def _validate_time_limit(seconds: float | None, argument: str = "time_limit") -> float | None:
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{argument} must be a number of seconds or None, got {type(seconds).__name__}")
    if not seconds > 0:
        raise ValueError(f"{argument} must be a positive number of seconds, got {seconds!r}")
    return float(seconds)


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
    naming the exception, so the learner sees one line instead of a traceback. The call is
    time-limited (see :func:`time_limited`): inside :meth:`Check.evaluate` with the check's limit,
    elsewhere with :data:`TIME_LIMIT`; running too long raises :class:`TimeLimitExceeded`, which
    :meth:`Check.evaluate` reports as incorrect.
    """
    if _is_stub(fn):
        raise NotAttempted()
    if not callable(fn):
        raise Incorrect(f"expected a function, got {type(fn).__name__}")
    try:
        return time_limited(fn)(*args, **kwargs)
    except NotImplementedError:
        raise NotAttempted() from None
    except Exception as exc:  # the learner's code failed: report it in one line
        raise Incorrect(f"{what} raised {type(exc).__name__}: {exc}") from None


def call_quietly(fn, *args, what: str = "your function"):
    """:func:`call` with numpy's warnings silenced, and ``None`` reported as a missing return.

    A wrong answer may divide by zero or overflow; the check reports it, numpy need not print
    warnings into the learner's notebook.
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        result = call(fn, *args, what=what)
    if result is None:
        raise Incorrect(f"{what} returned None — is a `return` statement missing?")
    return result


def attempt(fn, *args) -> tuple[Any, Exception | None]:
    """Call the learner's ``fn`` with warnings silenced; return ``(value, exception)``.

    For graders that diagnose a failure themselves: the stub (``...`` or ``NotImplementedError``)
    raises :class:`NotAttempted`, a non-callable answer :class:`Incorrect`, and any other exception
    is returned (with ``None`` as the value) so the grader can say what it probably means.
    """
    if fn is Ellipsis:
        raise NotAttempted()
    if not callable(fn):
        raise Incorrect(f"expected a function, got {type(fn).__name__}")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return fn(*args), None
        except NotImplementedError:
            raise NotAttempted() from None
        except Exception as exc:  # the learner's code failed: the grader diagnoses it
            return None, exc


def describe_exception(exc: Exception) -> str:
    """``"TypeName: first line of the message"`` (or just the type name), for a one-line report."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


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
    time_limit : float, optional
        Seconds one call of the learner's function may take (``math.inf`` for no limit); by default
        the module's :data:`TIME_LIMIT`. Give a larger value only for a task whose correct answers
        legitimately need it.

    Notes
    -----
    When the answer is callable, :meth:`evaluate` passes the grader the answer wrapped by
    :func:`time_limited`, so every call of the learner's code (through :func:`call` or directly) is
    timed, while the grader's own computations are not.
    """

    def __init__(
        self,
        label: str,
        name: str,
        grader: Callable,
        hint: str,
        reference: Callable | str,
        time_limit: float | None = None,
    ):
        if not callable(grader):
            raise TypeError(f"grader must be callable, got {type(grader).__name__}")
        self.time_limit = _validate_time_limit(time_limit)
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
        if callable(answer) and not isinstance(answer, type):
            answer = time_limited(answer, self.time_limit)
        try:
            self.grader(answer)
        except NotAttempted:
            return Result(NOT_ATTEMPTED, self._not_attempted())
        except Incorrect as exc:
            return self._incorrect(str(exc))
        except TimeLimitExceeded as exc:
            return self._incorrect(exc.message)
        return Result(CORRECT, f"✔ {self.label}: correct.")

    def _incorrect(self, reason: str) -> Result:
        return Result(INCORRECT, f"✘ {self.label}: incorrect — {reason} (for a hint, run `{self._handle()}.hint()`)")

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
