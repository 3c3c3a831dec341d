"""Tests of the checks of exercise 06 (the anatomy of min-norm least squares).

Every task is tested three ways — the stub is "not attempted", the reference solution is "correct",
and plausible wrong answers (real mistakes) are "incorrect" with a message naming the mistake — plus
wrong shapes and types, which must give "incorrect" without raising.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from overparam import theory
from overparam.checks import CORRECT, INCORRECT, ex06
from check_helpers import status as _status, assert_incorrect as _assert_incorrect

TASKS = [ex06.task1, ex06.task2, ex06.task3, ex06.task4]


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
# Task 1: zeta by bisection
# ----------------------------------------------------------------------------------------------


def _bisect(eigs, n, steps=60, lhs=lambda e, z: np.sum(e / (e + z))):
    eigs = np.asarray(eigs, dtype=float)
    lo, hi = 0.0, eigs.sum() / n
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        if lhs(eigs, mid) > n:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


TASK1_WRONG = {
    "isotropic-formula": (lambda e, n: len(e) / n - 1, "isotropic"),
    "isotropic-formula-clipped": (lambda e, n: max(len(e) / n - 1, 0.0), "isotropic"),
    "no-p<n-branch": (lambda e, n: _bisect(e, n) if len(e) > n else -1.0, "negative"),
    "p<n-not-zero": (lambda e, n: _bisect(e, n) if len(e) > n else 0.5, "should be 0"),
    "too-few-halvings": (lambda e, n: _bisect(e, n, steps=12) if len(e) > n else 0.0, "halving"),
    "wrong-equation": (
        lambda e, n: _bisect(e, n, lhs=lambda e, z: -np.sum(z / (e + z)) + 2 * n) if len(e) > n else 0.0,
        ("solves sum zeta", "leaves sum"),
    ),
    "kept-wrong-half": (lambda e, n: np.sum(e) / n if len(e) > n else 0.0, "which half you keep"),
    "collapsed-to-zero": (lambda e, n: 1e-15 if len(e) > n else 0.0, "which half you keep"),
    "isotropic-formula-clipped": (lambda e, n: max(len(e) / n - 1.0, 0.0), "isotropic features only"),
    "coarse-bisection-on-isotropic": (lambda e, n: _bisect(e, n, steps=22) if len(e) > n else 0.0, "close but off"),
}


@pytest.mark.parametrize("name", TASK1_WRONG)
def test_task1_wrong_answers(name):
    wrong, fragment = TASK1_WRONG[name]
    _assert_incorrect(ex06.task1, wrong, fragment)


def test_task1_accepts_a_root_finder_and_enough_halvings():
    def with_brentq(eigs, n):
        if len(eigs) <= n:
            return 0.0
        return brentq(lambda z: np.sum(eigs / (eigs + z)) - n, 0.0, np.sum(eigs) / n, xtol=1e-15, rtol=1e-14)

    assert _status(ex06.task1, with_brentq) == CORRECT
    assert _status(ex06.task1, lambda e, n: _bisect(e, n, steps=80) if len(e) > n else 0.0) == CORRECT


def test_task1_cases_cover_p_below_at_and_above_n():
    sizes = [(e.size, n) for _, e, n in ex06._task1_cases()]
    assert any(p < n for p, n in sizes) and any(p == n for p, n in sizes) and any(p > n for p, n in sizes)


# ----------------------------------------------------------------------------------------------
# Task 2: tau^2
# ----------------------------------------------------------------------------------------------


def _tau2(eigs, beta, noise_var, n, p, tail=True, feedback=True, steps=100_000, d2_power=2, lam_weight=True):
    lam, b = np.asarray(eigs)[:p], np.asarray(beta)[:p]
    sigma_p2 = noise_var + (np.sum(np.asarray(eigs)[p:] * np.asarray(beta)[p:] ** 2) if tail else 0.0)
    zeta = theory.implicit_regularization(lam, n)
    a = lam / (lam + zeta)
    d2 = np.sum(a**d2_power)
    bias = zeta**2 * np.sum((lam if lam_weight else 1.0) * b**2 / (lam + zeta) ** 2)
    tau2 = sigma_p2
    for _ in range(steps):
        new = sigma_p2 + bias + (tau2 * d2 / n if feedback else 0.0)
        if abs(new - tau2) <= 1e-14 * abs(new):
            return new
        tau2 = new
    return tau2


def _tau2_no_bias(eigs, beta, noise_var, n, p):
    """A learner's slip: the fixed point without the signal lost to shrinkage."""
    lam = np.asarray(eigs)[:p]
    sigma_p2 = noise_var + np.sum(np.asarray(eigs)[p:] * np.asarray(beta)[p:] ** 2)
    a = lam / (lam + theory.implicit_regularization(lam, n))
    return sigma_p2 / (1 - np.sum(a**2) / n)

TASK2_WRONG = {
    "sigma2-not-sigma_p2": (lambda *a: _tau2(*a, tail=False), "sigma_p^2"),
    "no-feedback": (lambda *a: _tau2(*a, feedback=False), "first step"),
    "one-update": (lambda *a: _tau2(*a, steps=1), "one update"),
    "bias-without-lambda": (lambda *a: _tau2(*a, lam_weight=False), "weights each beta_i^2"),
    "too-few-iterations": (lambda *a: _tau2(*a, steps=30), ("close but off", "off by")),
    "d2-not-squared": (lambda *a: _tau2(*a, d2_power=1, steps=2000), ("off by", "squared")),
    "zeta-on-all-features": (
        lambda e, b, s, n, p: _tau2(e, b, s, n, p) * (1 + 0.01 * (p > n)), ("close but off", "off by"),
    ),
    "negative": (lambda *a: -_tau2(*a), "negative"),
    "no-lost-signal": (lambda *a: _tau2_no_bias(*a), "signal lost to shrinkage"),
    "all-features": (lambda e, b, s, n, p: _tau2(e, b, s, n, len(e)), "first p only"),
    "without-label-noise": (lambda e, b, s, n, p: _tau2(e, b, s, n, p) - s, "label noise"),
}


@pytest.mark.parametrize("name", TASK2_WRONG)
def test_task2_wrong_answers(name):
    wrong, fragment = TASK2_WRONG[name]
    _assert_incorrect(ex06.task2, wrong, fragment)


def test_task2_accepts_the_closed_form():
    def closed_form(eigs, beta, noise_var, n, p):
        return float(theory.minnorm_risk(eigs, beta, noise_var, n, p))

    assert _status(ex06.task2, closed_form) == CORRECT


def test_task2_reference_matches_the_library_effective_noise_level():
    effective = theory.effective_noise_level
    for _, eigs, beta, noise_var, n, p in ex06._task2_cases():
        assert np.isclose(ex06.tau_squared(eigs, beta, noise_var, n, p), effective(eigs, beta, noise_var, n, p), rtol=1e-8)


# ----------------------------------------------------------------------------------------------
# Task 3: oracle pruned risk
# ----------------------------------------------------------------------------------------------


def _oracle(**kwargs):
    return lambda e, b, s2, n, p, s: ex06._oracle_variant(e, b, s2, n, p, s, **kwargs)


TASK3_WRONG = {
    "no-dropped-signal": (_oracle(dropped=False), "pruned away"),
    "sigma2-not-sigma_p2": (_oracle(tail=False), "sigma_p^2"),
    "top-abs-beta": (_oracle(scores=lambda lam, b: np.abs(b)), "largest |beta_i|"),
    "top-variance": (_oracle(scores=lambda lam, b: lam), "largest variances"),
    "noise-not-shrunk": (_oracle(a_power=0), "shrunk too"),
    "a-not-squared": (_oracle(a_power=1), "a_i^2"),
    "no-1/n": (_oracle(per_n=False), "divide by n"),
    "dense-risk": (lambda e, b, s2, n, p, s: float(theory.minnorm_risk(e, b, s2, n, p)), "dense risk"),
    "off-a-little": (lambda *a: 1.001 * ex06.oracle_risk(*a), "three parts"),
}


@pytest.mark.parametrize("name", TASK3_WRONG)
def test_task3_wrong_answers(name):
    wrong, fragment = TASK3_WRONG[name]
    result = ex06.task3.evaluate(wrong)
    assert result.status == INCORRECT
    assert fragment in result.message, result.message


def test_task3_accepts_the_library_and_pruned_risk():
    assert _status(ex06.task3, lambda *a: float(theory.oracle_pruned_risk(*a))) == CORRECT
    def via_pruned_risk(e, b, s2, n, p, s):
        return float(theory.pruned_risk(e, b, s2, n, p, s, method="oracle"))

    assert _status(ex06.task3, via_pruned_risk) == CORRECT


def test_task3_variants_are_distinguishable():
    """Every mistake moves the risk by more than the tolerance on at least one case (else untestable)."""
    for kwargs, _ in ex06._TASK3_WRONG:
        gaps = [abs(ex06._oracle_variant(e, b, s2, n, p, s, **kwargs) / theory.oracle_pruned_risk(e, b, s2, n, p, s) - 1)
                for _, e, b, s2, n, p, s in ex06._task3_cases()]
        assert max(gaps) > 1e-3, kwargs


# ----------------------------------------------------------------------------------------------
# Task 4: auxiliary model moments
# ----------------------------------------------------------------------------------------------


def _moments(mean=lambda a, b: a * b, std=lambda a, lam, t2, n: a * np.sqrt(t2 / (n * lam))):
    def fn(eigs, beta, zeta, tau2, n):
        a = eigs / (eigs + zeta)
        return mean(a, beta), std(a, eigs, tau2, n)
    return fn


TASK4_WRONG = {
    "mean-not-shrunk": (_moments(mean=lambda a, b: b), "shrunk"),
    "tau2-as-tau": (_moments(std=lambda a, lam, t2, n: a * t2 / np.sqrt(n * lam)), "tau = sqrt(tau2)"),
    "variance": (_moments(std=lambda a, lam, t2, n: a**2 * t2 / (n * lam)), "variance"),
    "std-not-shrunk": (_moments(std=lambda a, lam, t2, n: np.sqrt(t2 / (n * lam))), "multiply the standard deviation by a_i"),
    "no-lambda": (_moments(std=lambda a, lam, t2, n: a * np.sqrt(t2 / n)), "sqrt(lambda_i)"),
    "no-n": (_moments(std=lambda a, lam, t2, n: a * np.sqrt(t2 / lam)), "sqrt(n)"),
    "times-sqrt-lambda": (_moments(std=lambda a, lam, t2, n: a * np.sqrt(t2 * lam / n)), "not sqrt(lambda_i)"),
    "array-not-pair": (lambda e, b, z, t2, n: np.stack(_moments()(e, b, z, t2, n)), "pair"),
    "only-mean": (lambda e, b, z, t2, n: _moments()(e, b, z, t2, n)[0], "pair"),
    "swapped": (lambda e, b, z, t2, n: _moments()(e, b, z, t2, n)[::-1], "order (mean, std)"),
    "no-tau": (lambda e, b, z, t2, n: (_moments()(e, b, z, t2, n)[0], e / (e + z) / np.sqrt(n * e)), "tau is missing"),
    "wrong-length": (lambda e, b, z, t2, n: (np.zeros(3), np.zeros(3)), "shape"),
}


@pytest.mark.parametrize("name", TASK4_WRONG)
def test_task4_wrong_answers(name):
    wrong, fragment = TASK4_WRONG[name]
    result = ex06.task4.evaluate(wrong)
    assert result.status == INCORRECT
    assert fragment in result.message, result.message


def test_task4_accepts_a_list_pair():
    assert _status(ex06.task4, lambda *a: list(ex06.auxiliary_moments(*a))) == CORRECT


def test_task4_reference_matches_the_library_auxiliary_model():
    for _, eigs, beta, zeta, tau2, n, full_eigs, noise_var, full_beta in ex06._task4_cases():
        model = theory.auxiliary_model(full_eigs, full_beta, noise_var, n, eigs.size)
        mean, std = ex06.auxiliary_moments(eigs, beta, zeta, tau2, n)
        assert np.allclose(model.mean, mean, rtol=1e-8) and np.allclose(model.std, std, rtol=1e-8)
