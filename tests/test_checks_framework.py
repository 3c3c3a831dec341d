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


# ----------------------------------------------------------------------------------------------
# Time limit on the learner's code
# ----------------------------------------------------------------------------------------------

import signal  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from overparam import checks  # noqa: E402
from overparam.checks import TimeLimitExceeded, time_limited  # noqa: E402

LIMIT = 0.5  # seconds: short, so that the tests stay fast
SLACK = 1.5  # seconds of scheduling slack allowed on a loaded machine
HAS_ALARM = hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM")
needs_alarm = pytest.mark.skipif(not HAS_ALARM, reason="SIGALRM/setitimer not available on this platform")
TIMEOUT_TEXT = (
    "did not finish within 0.5 s: is there a loop that never stops? "
    "(interrupt the kernel if a cell ever hangs)"
)


def _grader_via_call(fn):
    expect_close(expect_number(call(fn, 2.0)), 4.0, what="your result")


def _grader_like_quiet(fn):
    """Calls the learner's function directly and diagnoses any Exception (as ex02/ex04 do)."""
    try:
        value = fn(2.0)
    except Exception as exc:
        raise Incorrect(f"raised {type(exc).__name__}") from None
    expect_close(expect_number(value), 4.0, what="your result")


SHORT = Check("Task 2 (square it)", "exdemo.task2", _grader_via_call, "Multiply x by itself.", "x * x",
              time_limit=LIMIT)
SHORT_DIRECT = Check("Task 3 (square it)", "exdemo.task3", _grader_like_quiet, "x * x", "x * x",
                     time_limit=LIMIT)


def _endless_fixed_point(x):
    """A fixed-point iteration whose stopping rule never triggers."""
    while True:
        x = x * x / x
        if x != x:  # never true
            return x


def _sleeps(seconds):
    def square_slowly(x):
        time.sleep(seconds)
        return x * x

    return square_slowly


@pytest.fixture
def alarm_state():
    """Save and restore the SIGALRM handler and interval timer around a test."""
    if not HAS_ALARM:
        yield
        return
    handler = signal.getsignal(signal.SIGALRM)
    timer = signal.setitimer(signal.ITIMER_REAL, 0)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, handler)
    if timer[0] > 0:
        signal.setitimer(signal.ITIMER_REAL, *timer)


@needs_alarm
@pytest.mark.parametrize("task", [SHORT, SHORT_DIRECT], ids=["through-call", "direct-call"])
def test_endless_loop_is_incorrect_within_the_limit(task, alarm_state):
    start = time.monotonic()
    result = task.evaluate(_endless_fixed_point)
    elapsed = time.monotonic() - start
    assert result.status == INCORRECT
    assert f"incorrect — `_endless_fixed_point` {TIMEOUT_TEXT}" in result.message
    assert f"{task.name}.hint()" in result.message
    assert LIMIT * 0.9 <= elapsed < LIMIT + SLACK
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@needs_alarm
def test_lambda_and_learner_except_clauses_do_not_hide_the_time_limit(alarm_state):
    def catches_everything_it_can(x):
        while True:
            try:
                time.sleep(0.01)
            except Exception:  # a learner's broad except: the time limit is not an Exception
                return x * x

    result = SHORT.evaluate(catches_everything_it_can)
    assert result.status == INCORRECT and TIMEOUT_TEXT in result.message
    result = SHORT.evaluate(lambda x: _endless_fixed_point(x))
    assert result.status == INCORRECT and f"your function {TIMEOUT_TEXT}" in result.message


@needs_alarm
def test_an_alarm_swallowed_by_a_bare_except_comes_again(alarm_state):
    def swallows_once(x):
        try:
            _endless_fixed_point(x)
        except BaseException:
            pass
        return _endless_fixed_point(x)

    start = time.monotonic()
    result = SHORT.evaluate(swallows_once)
    assert result.status == INCORRECT and TIMEOUT_TEXT in result.message
    assert time.monotonic() - start < LIMIT + checks._REPEAT_INTERVAL + SLACK


@pytest.mark.parametrize("task", [SHORT, SHORT_DIRECT], ids=["through-call", "direct-call"])
def test_a_normal_function_is_unaffected(task, alarm_state):
    assert task.evaluate(lambda x: x * x).status == CORRECT
    assert task.evaluate(lambda x: x + 1).status == INCORRECT
    assert task.evaluate(_sleeps(0.1)).status == CORRECT
    if HAS_ALARM:
        assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_only_the_learner_code_is_timed_not_the_grader(alarm_state):
    def slow_grader(fn):
        time.sleep(LIMIT + 0.3)  # the grader's own reference computation
        _grader_via_call(fn)
        time.sleep(LIMIT + 0.3)

    task = Check("Task 4", "exdemo.task4", slow_grader, "h", "r", time_limit=LIMIT)
    assert task.evaluate(lambda x: x * x).status == CORRECT


@needs_alarm
@pytest.mark.parametrize("learner", [lambda x: x * x, _endless_fixed_point], ids=["correct", "endless"])
def test_a_previous_sigalrm_handler_is_restored(learner, alarm_state):
    def previous(signum, frame):
        pass

    signal.signal(signal.SIGALRM, previous)
    SHORT.evaluate(learner)
    assert signal.getsignal(signal.SIGALRM) is previous


@needs_alarm
def test_a_previous_interval_timer_is_restored(alarm_state):
    fired = []
    signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(time.monotonic()))
    signal.setitimer(signal.ITIMER_REAL, 30.0, 7.0)
    assert SHORT.evaluate(_sleeps(0.2)).status == CORRECT
    assert SHORT.evaluate(_endless_fixed_point).status == INCORRECT
    delay, interval = signal.getitimer(signal.ITIMER_REAL)
    assert 30.0 - 0.7 - SLACK < delay < 30.0 - 0.7 + 0.01 and interval == pytest.approx(7.0)
    assert fired == []


@needs_alarm
def test_a_previous_timer_that_comes_due_fires_after_the_learner_code(alarm_state):
    fired = []
    signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(time.monotonic()))
    signal.setitimer(signal.ITIMER_REAL, 0.1)
    assert SHORT.evaluate(_sleeps(0.3)).status == CORRECT  # the outer alarm is not a timeout...
    finished = time.monotonic()
    deadline = finished + SLACK
    while not fired and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(fired) == 1  # ...and it is delivered (late) to its own handler
    assert fired[0] - finished < SLACK


@needs_alarm
def test_nested_time_limits_keep_the_outer_one(alarm_state):
    inner = time_limited(lambda x: x * x, seconds=0.05)

    def slow_then_inner(x):
        time.sleep(0.2)  # longer than the inner limit, within the outer one
        return inner(x)

    assert SHORT.evaluate(slow_then_inner).status == CORRECT
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize("task", [SHORT, SHORT_DIRECT], ids=["through-call", "direct-call"])
def test_keyboard_interrupt_still_interrupts(task, alarm_state):
    def interrupted(x):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        task.evaluate(interrupted)
    if HAS_ALARM:
        assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_outside_the_main_thread_there_is_no_limit_but_checks_work(alarm_state):
    results = {}

    def worker():
        results["slow"] = SHORT.evaluate(_sleeps(LIMIT + 0.3)).status  # over the limit: not stopped
        results["right"] = SHORT_DIRECT.evaluate(lambda x: x * x).status
        results["wrong"] = SHORT.evaluate(lambda x: x + 1).status

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=30)
    assert results == {"slow": CORRECT, "right": CORRECT, "wrong": INCORRECT}
    if HAS_ALARM:
        assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


def test_without_setitimer_there_is_no_limit(monkeypatch):
    monkeypatch.delattr(signal, "setitimer")  # as on Windows
    assert SHORT.evaluate(_sleeps(LIMIT + 0.3)).status == CORRECT


@needs_alarm
def test_the_module_default_applies_and_a_check_can_override_it(monkeypatch, alarm_state):
    monkeypatch.setattr(checks, "TIME_LIMIT", 0.3)
    default = Check("Task 5", "exdemo.task5", _grader_via_call, "h", "r")
    generous = Check("Task 6", "exdemo.task6", _grader_via_call, "h", "r", time_limit=5)
    slow = _sleeps(0.8)
    assert default.time_limit is None and generous.time_limit == 5.0
    result = default.evaluate(slow)
    assert result.status == INCORRECT and "within 0.3 s" in result.message
    assert generous.evaluate(slow).status == CORRECT
    with pytest.raises(TimeLimitExceeded, match="within 0.3 s"):  # call() alone is limited too
        call(_endless_fixed_point, 1.0)


def test_the_module_default_suits_every_reference_solution():
    assert checks.TIME_LIMIT == 20.0


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-1.0, ValueError), (float("nan"), ValueError),
                                        ("10", TypeError), (True, TypeError)])
def test_time_limit_is_validated(bad, error):
    with pytest.raises(error, match="time_limit"):
        Check("t", "x.t", _grader_via_call, "h", "r", time_limit=bad)


def test_time_limited_keeps_name_and_signature_and_does_not_wrap_twice():
    import inspect

    def learner_function(x, y=2):
        """Docstring."""
        return x + y

    wrapped = time_limited(learner_function, seconds=5)
    assert wrapped.__name__ == "learner_function" and wrapped.__doc__ == "Docstring."
    assert str(inspect.signature(wrapped)) == "(x, y=2)"
    assert wrapped(1) == 3 and time_limited(wrapped) is wrapped
    with pytest.raises(TypeError, match="fn must be callable"):
        time_limited(42)
