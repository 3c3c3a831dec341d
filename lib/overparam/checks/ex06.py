"""Checks for exercise 06 — the anatomy of min-norm least squares.

Four tasks, each graded on the grader's own spectra (several per task, on both sides of p = n):

1. ``solve_zeta(eigs, n)`` — the implicit regularization by bisection, compared with
   :func:`overparam.theory.implicit_regularization` (relative accuracy :data:`ZETA_RTOL`);
2. ``tau_squared(eigs, beta, noise_var, n, p)`` — the effective noise level by the fixed-point
   iteration, compared with the closed form :func:`overparam.theory.effective_noise_level` (which
   equals the dense risk :func:`overparam.theory.minnorm_risk`);
3. ``oracle_risk(eigs, beta, noise_var, n, p, s)`` — the risk of oracle pruning from ``zeta`` and
   ``tau``, compared with :func:`overparam.theory.oracle_pruned_risk`;
4. ``auxiliary_moments(eigs, beta, zeta, tau2, n)`` — the mean and standard deviation of each
   coordinate of the auxiliary Gaussian model, compared with :func:`overparam.theory.auxiliary_model`.

Use in the notebook: ``from overparam.checks import ex06`` then ``ex06.task1.check(solve_zeta)``.
"""

from __future__ import annotations


import numpy as np

from .. import theory
from . import Check, Incorrect, call, expect_array, expect_number
from . import call_quietly as _quiet_call

__all__ = ["task1", "task2", "task3", "task4", "ZETA_RTOL", "RISK_RTOL"]

#: Relative accuracy asked of zeta: about 40 bisection halvings of a bracket [0, sum(eigs)/n].
ZETA_RTOL = 1e-8
#: Relative accuracy asked of tau^2 and of the oracle risk (a fixed point iterated to convergence).
RISK_RTOL = 1e-6


def _close(a, b, rtol) -> bool:
    return bool(np.isclose(a, b, rtol=rtol, atol=1e-12))


def _spectra():
    """(name, eigs, beta, noise_var) universes for Tasks 1-3 (model sizes are chosen per task)."""
    rng = np.random.default_rng(6001)
    d = 600
    showcase_eigs = np.concatenate([np.ones(80), np.full(d - 80, 0.05)])
    showcase_beta = np.concatenate([np.full(80, 1 / np.sqrt(80)), np.zeros(d - 80)])
    decaying_eigs = 1.0 / np.arange(1, d + 1)
    decaying_beta = rng.standard_normal(d) / np.sqrt(50)
    wide_eigs = 10.0 ** rng.uniform(-3, 1, d)
    wide_beta = rng.standard_normal(d) * np.sqrt(0.5 / d) / np.sqrt(wide_eigs)  # equal signal per feature
    return [
        ("isotropic", np.ones(d), np.full(d, 1 / np.sqrt(d)), 0.25),
        ("reference C", showcase_eigs, showcase_beta, 0.1),
        ("decaying 1/j", decaying_eigs, decaying_beta, 0.2),
        ("wide spectrum", wide_eigs, wide_beta, 0.5),
    ]


# ----------------------------------------------------------------------------------------------
# Task 1: zeta by bisection
# ----------------------------------------------------------------------------------------------


def solve_zeta(eigs, n):
    """Implicit regularization zeta by bisection (reference solution)."""
    eigs = np.asarray(eigs, dtype=float)
    if eigs.size <= n:
        return 0.0  # no positive root: sum_i eigs_i / (eigs_i + zeta) < p <= n for every zeta > 0

    def excess(zeta):  # decreasing in zeta, from p - n > 0 at zeta = 0 to -n as zeta grows
        return np.sum(eigs / (eigs + zeta)) - n

    lo, hi = 0.0, eigs.sum() / n  # at hi: sum eigs/(eigs + hi) < sum eigs / hi = n
    while hi - lo > 1e-13 * hi:
        mid = 0.5 * (lo + hi)
        if excess(mid) > 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _task1_cases():
    cases = []
    for name, eigs, _, _ in _spectra():
        for n, p in ((100, 300), (100, 60), (150, 600), (100, 101)):
            cases.append((name, eigs[:p], n))
    cases.append(("isotropic, p = n", np.ones(100), 100))
    return cases


def _grade_task1(fn) -> None:
    for name, eigs, n in _task1_cases():
        p = eigs.size
        what = f"solve_zeta(eigs, n={n}) for the {name} spectrum with p = {p}"
        raw = _quiet_call(fn, eigs.copy(), n, what=what)
        value = expect_number(raw, what=what)
        expected = theory.implicit_regularization(eigs, n)
        if _close(value, expected, ZETA_RTOL):
            continue
        if p <= n:
            if value < 0:
                raise Incorrect(
                    f"{what} is negative; for p <= n the equation has no positive root and zeta = 0 "
                    "(ordinary least squares is not regularized)"
                )
            raise Incorrect(f"{what} should be 0: for p <= n the equation has no positive root")
        if _close(value, p / n - 1, 1e-6) and not _close(expected, p / n - 1, 1e-3):
            raise Incorrect(
                f"{what}: p/n - 1 is zeta for isotropic features only; solve sum_i lambda_i / "
                "(lambda_i + zeta) = n for the spectrum you are given"
            )
        if value <= 1e-6 * expected or _close(value, eigs.sum() / n, 1e-6):
            raise Incorrect(
                f"{what} ended at an end of the bracket [0, sum(eigs)/n] instead of at the root zeta > 0; "
                "check which half you keep: where f(mid) > 0 the root lies to the right of mid"
            )
        residual = float(np.sum(eigs / (eigs + value)) - n)
        if _close(np.sum(value / (eigs + value)), n, 1e-6):
            raise Incorrect(f"{what} solves sum zeta/(lambda_i + zeta) = n; the equation is sum lambda_i/(lambda_i + zeta) = n")
        gap = abs(value - expected) / expected
        if gap < 1e-2:
            raise Incorrect(
                f"{what} is close but off by a relative {gap:.2g} (allowed {ZETA_RTOL:g}); keep halving "
                "the bracket until it is below 1e-12 times zeta"
            )
        raise Incorrect(
            f"{what} leaves sum lambda_i/(lambda_i + zeta) - n = {residual:.3g} instead of 0; check the "
            "equation and which half of the bracket you keep"
        )


task1 = Check(
    label="Task 1 (zeta by bisection)",
    name="ex06.task1",
    grader=_grade_task1,
    hint=(
        "f(zeta) = sum(eigs / (eigs + zeta)) - n decreases from p - n at zeta = 0. For p <= n it never "
        "reaches 0: return 0. For p > n bracket the root with lo = 0 and hi = sum(eigs) / n (there "
        "f(hi) < 0, because eigs/(eigs + hi) < eigs/hi), then repeat: mid = (lo + hi) / 2; if f(mid) > 0 "
        "the root is to the right (lo = mid), else hi = mid; stop when hi - lo < 1e-13 * hi."
    ),
    reference=solve_zeta,
)


# ----------------------------------------------------------------------------------------------
# Task 2: tau^2 by the fixed-point iteration
# ----------------------------------------------------------------------------------------------


def tau_squared(eigs, beta, noise_var, n, p):
    """Effective noise level tau^2 of min-norm least squares on the first p features (reference)."""
    eigs = np.asarray(eigs, dtype=float)
    beta = np.asarray(beta, dtype=float)
    lam, b = eigs[:p], beta[:p]
    sigma_p2 = noise_var + np.sum(eigs[p:] * beta[p:] ** 2)  # left-out features act as noise
    zeta = solve_zeta(lam, n)  # Task 1
    a = lam / (lam + zeta)  # shrinkage
    d2 = np.sum(a**2)
    bias_part = zeta**2 * np.sum(lam * b**2 / (lam + zeta) ** 2)
    tau2 = sigma_p2
    for _ in range(100_000):
        new = sigma_p2 + bias_part + tau2 * d2 / n
        if abs(new - tau2) <= 1e-14 * new:
            return float(new)
        tau2 = new
    return float(tau2)


def _task2_cases():
    cases = []
    for name, eigs, beta, noise_var in _spectra():
        for n, p in ((100, 300), (100, 60), (100, 130), (150, 600)):
            cases.append((name, eigs, beta, noise_var, n, p))
    return cases


def _task2_wrong(eigs, beta, noise_var, n, p):
    lam, b = eigs[:p], beta[:p]
    sigma_p2 = noise_var + float(np.sum(eigs[p:] * beta[p:] ** 2))
    zeta = theory.implicit_regularization(lam, n)
    a = lam / (lam + zeta)
    d2 = float(np.sum(a**2))
    bias_part = zeta**2 * float(np.sum(lam * b**2 / (lam + zeta) ** 2))
    out = [
        ((noise_var + bias_part) / (1 - d2 / n), "the model also sees the features it leaves out as noise: "
         "start from sigma_p^2 = sigma^2 + sum_{j>p} lambda_j beta_j^2, not sigma^2"),
        (sigma_p2 + bias_part, "that is the first step of the iteration only; tau^2 appears on the right-hand "
         "side too (the term tau^2 D2/n): iterate until it stops changing"),
        (sigma_p2 + bias_part + sigma_p2 * d2 / n, "you stopped after one update; iterate until tau^2 stops "
         "changing (the update contracts by D2/n < 1 per step)"),
    ]
    if p > n:
        out.append((sigma_p2 / (1 - d2 / n), "the signal lost to shrinkage is missing: add zeta^2 sum "
                    "lambda_i beta_i^2 / (lambda_i + zeta)^2 to every update"))
        zeta_all = theory.implicit_regularization(eigs, n)
        a_all = lam / (lam + zeta_all)
        if float(np.sum(a_all**2)) < n:
            out.append(((sigma_p2 + zeta_all**2 * float(np.sum(lam * b**2 / (lam + zeta_all) ** 2)))
                        / (1 - float(np.sum(a_all**2)) / n), "zeta must be solved on the model's own p "
                        "variances eigs[:p], not on the whole universe"))
        shrunk_nolam = zeta**2 * float(np.sum(b**2 / (lam + zeta) ** 2))
        out.append(((sigma_p2 + shrunk_nolam) / (1 - d2 / n), "the bias term weights each beta_i^2 by its "
                    "variance: zeta^2 sum lambda_i beta_i^2 / (lambda_i + zeta)^2"))
        d2_wrong = float(np.sum(a))
        if d2_wrong < n:
            out.append(((sigma_p2 + bias_part) / (1 - d2_wrong / n), "D2 is the sum of the *squared* shrinkage factors a_i^2"))
    return out


def _grade_task2(fn) -> None:
    for name, eigs, beta, noise_var, n, p in _task2_cases():
        what = f"tau_squared(..., n={n}, p={p}) for the {name} problem"
        raw = _quiet_call(fn, eigs.copy(), beta.copy(), noise_var, n, p, what=what)
        value = expect_number(raw, what=what)
        expected = float(theory.effective_noise_level(eigs, beta, noise_var, n, p))
        if _close(value, expected, RISK_RTOL):
            continue
        for wrong, reason in _task2_wrong(eigs, beta, noise_var, n, p):
            if _close(value, wrong, 1e-4):
                raise Incorrect(reason)
        if p < eigs.size and _close(value, theory.effective_noise_level(eigs, beta, noise_var, n, eigs.size), 1e-4):
            raise Incorrect(f"{what} uses all {eigs.size} features; the model uses the first p only "
                            "(eigs[:p], beta[:p]), and the rest go into sigma_p^2")
        if _close(value, expected - noise_var, 1e-4):
            raise Incorrect(f"{what} leaves out the label noise sigma^2; tau^2 includes it (it is the dense risk)")
        if value < 0:
            raise Incorrect(f"{what} is negative; tau^2 is a noise variance")
        gap = abs(value - expected) / expected
        if gap < 1e-3:
            raise Incorrect(
                f"{what} is close but off by a relative {gap:.2g} (allowed {RISK_RTOL:g}); iterate until "
                "the relative change is below 1e-12, and solve zeta accurately (Task 1)"
            )
        raise Incorrect(
            f"{what} is off by a relative {gap:.2g}; check sigma_p^2, the shrinkage a_i = lambda_i / "
            "(lambda_i + zeta) of the model's own features, and D2 = sum a_i^2"
        )


task2 = Check(
    label="Task 2 (tau^2 by a fixed point)",
    name="ex06.task2",
    grader=_grade_task2,
    hint=(
        "Only the model's features enter zeta, a_i and D2: lam, b = eigs[:p], beta[:p]. The left-out "
        "ones go into sigma_p2 = noise_var + sum(eigs[p:] * beta[p:]**2). With zeta = solve_zeta(lam, n), "
        "a = lam / (lam + zeta) and D2 = sum(a**2), start from tau2 = sigma_p2 and repeat "
        "tau2 = sigma_p2 + zeta**2 * sum(lam * b**2 / (lam + zeta)**2) + tau2 * D2 / n until the change "
        "is below 1e-12 * tau2 (D2/n < 1, so it converges; slowly near p = n)."
    ),
    reference=tau_squared,
)


# ----------------------------------------------------------------------------------------------
# Task 3: the oracle pruned risk from zeta and tau
# ----------------------------------------------------------------------------------------------


def oracle_risk(eigs, beta, noise_var, n, p, s):
    """Asymptotic risk of oracle pruning of the min-norm fit on p features to s weights (reference)."""
    eigs = np.asarray(eigs, dtype=float)
    beta = np.asarray(beta, dtype=float)
    lam, b = eigs[:p], beta[:p]
    sigma_p2 = noise_var + np.sum(eigs[p:] * beta[p:] ** 2)
    zeta = solve_zeta(lam, n)  # Task 1
    tau2 = tau_squared(eigs, beta, noise_var, n, p)  # Task 2
    a = lam / (lam + zeta)
    order = np.argsort(-(lam * b**2), kind="stable")  # the s most informative features of the model
    kept = np.zeros(p, dtype=bool)
    kept[order[:s]] = True
    dropped_signal = np.sum(lam[~kept] * b[~kept] ** 2)
    kept_error = np.sum(lam[kept] * ((1 - a[kept]) ** 2 * b[kept] ** 2 + a[kept] ** 2 * tau2 / (n * lam[kept])))
    return float(sigma_p2 + dropped_signal + kept_error)


def _task3_cases():
    cases = []
    for name, eigs, beta, noise_var in _spectra():
        for n, p, s in ((100, 400, 80), (100, 150, 40), (100, 60, 30), (150, 600, 50)):
            cases.append((name, eigs, beta, noise_var, n, p, s))
    return cases


def _oracle_variant(eigs, beta, noise_var, n, p, s, scores=None, dropped=True, tail=True, a_power=2, per_n=True):
    lam, b = eigs[:p], beta[:p]
    sigma_p2 = noise_var + (np.sum(eigs[p:] * beta[p:] ** 2) if tail else 0.0)
    zeta = theory.implicit_regularization(lam, n)
    tau2 = float(theory.minnorm_risk(eigs, beta, noise_var, n, p))
    a = lam / (lam + zeta)
    sc = lam * b**2 if scores is None else scores(lam, b)
    kept = np.zeros(p, dtype=bool)
    kept[np.argsort(-sc, kind="stable")[:s]] = True
    drop = np.sum(lam[~kept] * b[~kept] ** 2) if dropped else 0.0
    var = a[kept] ** a_power * tau2 / ((n if per_n else 1.0) * lam[kept])
    return float(sigma_p2 + drop + np.sum(lam[kept] * ((1 - a[kept]) ** 2 * b[kept] ** 2 + var)))


_TASK3_WRONG = (
    (dict(dropped=False), "the features pruned away still carry signal the model now misses: add "
     "sum over dropped i of lambda_i beta_i^2"),
    (dict(tail=False), "start from sigma_p^2: the features beyond p are noise to the model, pruned or not"),
    (dict(scores=lambda lam, b: np.abs(b)), "the oracle keeps the s largest lambda_i beta_i^2 (the signal "
     "a feature carries), not the largest |beta_i|"),
    (dict(scores=lambda lam, b: lam), "the oracle keeps the s largest lambda_i beta_i^2, not the largest variances "
     "(nor simply the first s features)"),
    (dict(a_power=0), "the noise on a kept coordinate is shrunk too: its variance is a_i^2 tau^2 / (n lambda_i)"),
    (dict(a_power=1), "the noise on a kept coordinate has standard deviation a_i tau / sqrt(n lambda_i), so "
     "its variance carries a_i^2"),
    (dict(per_n=False), "the noise variance of a kept coordinate is a_i^2 tau^2 / (n lambda_i): divide by n"),
)


def _grade_task3(fn) -> None:
    for name, eigs, beta, noise_var, n, p, s in _task3_cases():
        what = f"oracle_risk(..., n={n}, p={p}, s={s}) for the {name} problem"
        raw = _quiet_call(fn, eigs.copy(), beta.copy(), noise_var, n, p, s, what=what)
        value = expect_number(raw, what=what)
        expected = float(theory.oracle_pruned_risk(eigs, beta, noise_var, n, p, s))
        if _close(value, expected, RISK_RTOL):
            continue
        for kwargs, reason in _TASK3_WRONG:
            if _close(value, _oracle_variant(eigs, beta, noise_var, n, p, s, **kwargs), 1e-5):
                raise Incorrect(reason)
        if _close(value, expected - noise_var, 1e-5):
            raise Incorrect(f"{what} is the excess risk; the risk includes the label noise (start from sigma_p^2)")
        if _close(value, theory.minnorm_risk(eigs, beta, noise_var, n, p), 1e-5):
            raise Incorrect(f"{what} is the dense risk tau^2; prune to the oracle support first")
        gap = abs(value - expected) / expected
        raise Incorrect(
            f"{what} is off by a relative {gap:.2g}; check each of the three parts: sigma_p^2, the "
            "signal of the dropped features, and the error on the kept ones"
        )


task3 = Check(
    label="Task 3 (oracle pruned risk)",
    name="ex06.task3",
    grader=_grade_task3,
    hint=(
        "Work with the model's own features lam, b = eigs[:p], beta[:p]. Get zeta (Task 1), tau2 (Task 2) "
        "and a = lam / (lam + zeta). The oracle support is the s largest lam * b**2 "
        "(np.argsort(-(lam * b**2))[:s]). The risk has three parts: sigma_p^2; the signal of the dropped "
        "features, sum lam * b**2 over them; and, on the kept ones, the mean error of the auxiliary "
        "coordinate a_i (b_i + tau g_i / sqrt(n lam_i)) around b_i, weighted by lam_i: "
        "lam * ((1 - a)**2 * b**2 + a**2 * tau2 / (n * lam))."
    ),
    reference=oracle_risk,
)


# ----------------------------------------------------------------------------------------------
# Task 4: moments of the auxiliary model
# ----------------------------------------------------------------------------------------------


def auxiliary_moments(eigs, beta, zeta, tau2, n):
    """Mean and standard deviation of each coordinate of the auxiliary model (reference solution)."""
    eigs = np.asarray(eigs, dtype=float)
    beta = np.asarray(beta, dtype=float)
    a = eigs / (eigs + zeta)
    mean = a * beta
    std = a * np.sqrt(tau2) / np.sqrt(n * eigs)
    return mean, std


def _task4_cases():
    cases = []
    for name, eigs, beta, noise_var in _spectra():
        for n, p in ((100, 400), (100, 50)):
            zeta = theory.implicit_regularization(eigs[:p], n)
            tau2 = float(theory.minnorm_risk(eigs, beta, noise_var, n, p))
            cases.append((name, eigs[:p], beta[:p], zeta, tau2, n, eigs, noise_var, beta))
    return cases


def _library_moments(full_eigs, full_beta, noise_var, n, p):
    """``(mean, std)`` of :func:`overparam.theory.auxiliary_model` (it recomputes zeta and tau^2 itself)."""
    model = theory.auxiliary_model(full_eigs, full_beta, noise_var, n, p)
    return np.asarray(model.mean, dtype=float), np.asarray(model.std, dtype=float)


def _task4_wrong(eigs, beta, zeta, tau2, n):
    a = eigs / (eigs + zeta)
    return (
        (beta, None, "the mean is shrunk: a_i beta_i with a_i = lambda_i / (lambda_i + zeta)"),
        (None, a * tau2 / np.sqrt(n * eigs), "tau2 is a variance: the standard deviation uses tau = sqrt(tau2)"),
        (None, a**2 * tau2 / (n * eigs), "that is the variance; return the standard deviation a_i tau / sqrt(n lambda_i)"),
        (None, np.sqrt(tau2) / np.sqrt(n * eigs), "the noise is shrunk along with the signal: multiply the "
         "standard deviation by a_i"),
        (None, a / np.sqrt(n * eigs), "the noise level tau is missing from the standard deviation"),
        (None, a * np.sqrt(tau2 / n), "the noise on coordinate i grows as its variance shrinks: divide by "
         "sqrt(lambda_i) (it is tau g_i / sqrt(n lambda_i) before shrinkage)"),
        (None, a * np.sqrt(tau2 / eigs), "the noise on each coordinate shrinks with the number of samples: "
         "divide by sqrt(n)"),
        (None, a * np.sqrt(tau2) * np.sqrt(eigs / n), "multiply by 1/sqrt(lambda_i), not sqrt(lambda_i): "
         "low-variance features are estimated less precisely"),
    )


def _grade_task4(fn) -> None:
    for name, eigs, beta, zeta, tau2, n, full_eigs, noise_var, full_beta in _task4_cases():
        p = eigs.size
        what = f"auxiliary_moments(...) for the {name} problem with n = {n}, p = {p}"
        raw = _quiet_call(fn, eigs.copy(), beta.copy(), zeta, tau2, n, what=what)
        if isinstance(raw, np.ndarray) or not isinstance(raw, (tuple, list)):
            raise Incorrect(f"{what} should return a pair (mean, std) of arrays, got {type(raw).__name__}")
        if len(raw) != 2:
            raise Incorrect(f"{what} should return a pair (mean, std), got {len(raw)} items")
        mean = expect_array(raw[0], (p,), what="the mean")
        std = expect_array(raw[1], (p,), what="the standard deviation")
        expected_mean, expected_std = _library_moments(full_eigs, full_beta, noise_var, n, p)
        if (np.allclose(mean, expected_std, rtol=1e-6, atol=1e-12) and np.allclose(std, expected_mean, rtol=1e-6, atol=1e-12)
                and not np.allclose(mean, expected_mean, rtol=1e-6, atol=1e-12)):
            raise Incorrect(f"{what} returned (std, mean); return the pair in the order (mean, std)")
        mean_ok = np.allclose(mean, expected_mean, rtol=1e-6, atol=1e-12)
        std_ok = np.allclose(std, expected_std, rtol=1e-6, atol=1e-12)
        if mean_ok and std_ok:
            continue
        for wrong_mean, wrong_std, reason in _task4_wrong(eigs, beta, zeta, tau2, n):
            if wrong_mean is not None and not mean_ok and np.allclose(mean, wrong_mean, rtol=1e-6, atol=1e-12):
                raise Incorrect(reason)
            if wrong_std is not None and not std_ok and np.allclose(std, wrong_std, rtol=1e-6, atol=1e-12):
                raise Incorrect(reason)
        if np.any(std < 0):
            raise Incorrect("the standard deviation has negative entries")
        part = "mean" if not mean_ok else "standard deviation"
        raise Incorrect(f"{what}: the {part} is off; compare coordinate i with the auxiliary model "
                        "beta~_i = a_i (beta_i + tau g_i / sqrt(n lambda_i))")


task4 = Check(
    label="Task 4 (auxiliary model moments)",
    name="ex06.task4",
    grader=_grade_task4,
    hint=(
        "beta~_i = a_i (beta_i + tau g_i / sqrt(n lambda_i)) with g_i ~ N(0, 1) is a constant plus a "
        "multiple of g_i. The constant is the mean, the multiple (taken positive) is the standard "
        "deviation. tau = sqrt(tau2). Return the pair (mean, std), two arrays of shape (p,)."
    ),
    reference=auxiliary_moments,
)
