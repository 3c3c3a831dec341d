"""Checks for exercise 03 — weak features and ridge.

Five tasks, each graded on the grader's own seeded data (more than one input per task):

1. ``effective_noise(eigs, beta, noise_var, p)`` — the noise a model of size ``p`` sees;
2. ``bhx_risk(beta, noise_var, n, p)`` — the Belkin–Hsu–Xu finite-n risk, compared with
   :func:`overparam.theory.prefix_risk` on both sides of the threshold;
3. ``choose_ridge_by_validation(X_train, y_train, X_val, y_val, penalties)`` — ridge tuned on a
   validation set, in the course convention ``(X^T X + n lam I)^{-1} X^T y``;
4. ``optimal_penalty(beta, noise_var, n, p)`` — the ridge penalty with the smallest theoretical
   risk for isotropic features, found by a numerical search or derived in closed form (either is
   accepted: the value must be within :data:`TASK4_RTOL` of :func:`overparam.theory.optimal_ridge`,
   or reach its risk within :data:`TASK4_RISK_RTOL`);
5. ``population_ridge(eigs, beta, penalty)`` — ``(Sigma + penalty I)^{-1} Sigma beta`` for diagonal
   ``Sigma``, compared with :func:`overparam.theory.population_ridge_weights`.

Use in the notebook: ``from overparam.checks import ex03`` then ``ex03.task1.check(effective_noise)``.
"""

from __future__ import annotations


import numpy as np

from .. import theory
from . import Check, Incorrect, call, expect_array, expect_close, expect_number
from . import call_quietly as _quiet_call

__all__ = ["task1", "task2", "task3", "task4", "task5", "TASK4_RTOL"]

#: Relative accuracy Task 4 asks for: a bounded scalar search or a closed form reaches it easily,
#: a fine grid (a few thousand penalties over six decades) too; a coarse grid does not.
TASK4_RTOL = 5e-3
#: ... or a penalty whose risk is within this relative margin of the optimal risk.
TASK4_RISK_RTOL = 1e-6


def _matches(value, candidate, rtol: float = 1e-7) -> bool:
    value = np.asarray(value, dtype=float)
    candidate = np.asarray(candidate, dtype=float)
    if value.shape != candidate.shape:
        return False
    same_inf = np.isinf(value) == np.isinf(candidate)
    finite = np.isfinite(value) & np.isfinite(candidate)
    return bool(np.all(same_inf) and np.allclose(value[finite], candidate[finite], rtol=rtol, atol=1e-12))


# ----------------------------------------------------------------------------------------------
# Task 1: effective noise of a model of size p
# ----------------------------------------------------------------------------------------------


def effective_noise(eigs, beta, noise_var, p):
    """Noise seen by a model that uses the first ``p`` features (reference solution)."""
    eigs = np.asarray(eigs, dtype=float)
    beta = np.asarray(beta, dtype=float)
    # Features p+1, ..., d (Python indices p, ..., d-1) are left out of the model.
    return noise_var + np.sum(eigs[p:] * beta[p:] ** 2)


def _task1_cases():
    rng = np.random.default_rng(3001)
    cases = []
    for d, noise_var in ((12, 0.4), (50, 0.1)):
        eigs = rng.uniform(0.2, 3.0, d)
        beta = rng.standard_normal(d)
        cases.append((eigs, beta, noise_var))
    return cases


_TASK1_WRONG = (
    (
        lambda e, b, s, p: s + np.sum(b[p:] ** 2),
        "each left-out feature contributes its share of the label's variance, which depends on the "
        "feature's variance lambda_j as well as on beta_j",
    ),
    (
        lambda e, b, s, p: s + np.sum(e[max(p - 1, 0):] * b[max(p - 1, 0):] ** 2) if p > 0 else np.nan,
        "off by one: feature p is inside the model, so it must not count as noise "
        "(Python counts from 0: the first p features are indices 0, ..., p-1)",
    ),
    (
        lambda e, b, s, p: s + np.sum(e[p + 1:] * b[p + 1:] ** 2),
        "off by one: feature p+1 is the first feature left out of the model, and it counts as noise",
    ),
    (
        lambda e, b, s, p: np.sum(e[p:] * b[p:] ** 2),
        "the label noise sigma^2 is part of the noise every model sees",
    ),
    (
        lambda e, b, s, p: s + np.sum(e[p:] ** 2 * b[p:] ** 2),
        "a left-out feature with variance lambda_j adds lambda_j beta_j^2 to the label's variance (not lambda_j^2 beta_j^2)",
    ),
    (
        lambda e, b, s, p: np.sqrt(s + np.sum(e[p:] * b[p:] ** 2)),
        "return the noise *variance* sigma_p^2, not its square root",
    ),
)


def _grade_task1(fn) -> None:
    for eigs, beta, noise_var in _task1_cases():
        d = eigs.size
        ps = np.arange(d + 1)
        values = np.empty(ps.size)
        for p in ps:
            raw = _quiet_call(fn, eigs.copy(), beta.copy(), noise_var, int(p), what=f"effective_noise(..., p={p})")
            values[p] = expect_number(raw, what=f"effective_noise(..., p={p})")
        expected = np.array([noise_var + float(np.sum(eigs[p:] * beta[p:] ** 2)) for p in ps])
        if np.allclose(values, expected, rtol=1e-9, atol=1e-12):
            continue
        inner = slice(1, d)  # sizes 1..d-1, where every variant below is defined
        for wrong, reason in _TASK1_WRONG:
            variant = np.array([wrong(eigs, beta, noise_var, int(p)) for p in ps])
            if np.allclose(values[inner], variant[inner], rtol=1e-9, atol=1e-12):
                raise Incorrect(reason)
        p = int(np.argmax(~np.isclose(values, expected, rtol=1e-9, atol=1e-12)))
        raise Incorrect(
            f"effective_noise(..., p={p}) is off by a relative "
            f"{abs(values[p] - expected[p]) / expected[p]:.2g} on a problem with d = {d} features. "
            "Check which features are left out of the model and how each adds to the noise"
        )


task1 = Check(
    label="Task 1 (effective noise)",
    name="ex03.task1",
    grader=_grade_task1,
    hint=(
        "A model of size p uses features 1..p, which in Python are indices 0..p-1. Everything it "
        "leaves out, eigs[p:] and beta[p:], acts like label noise: each such feature adds "
        "lambda_j * beta_j**2. Do not forget the label noise itself."
    ),
    reference=effective_noise,
)


# ----------------------------------------------------------------------------------------------
# Task 2: the Belkin–Hsu–Xu finite-n risk
# ----------------------------------------------------------------------------------------------


def bhx_risk(beta, noise_var, n, p):
    """Expected risk of min-norm least squares on the first ``p`` isotropic features (reference)."""
    beta = np.asarray(beta, dtype=float)
    inside = np.sum(beta[:p] ** 2)  # ||beta_T||^2, the part the model can learn
    noise = noise_var + np.sum(beta[p:] ** 2)  # sigma^2 + ||beta_Tc||^2, what it sees as noise
    if p <= n - 2:
        return noise * (1 + p / (n - p - 1))
    if p >= n + 2:
        return inside * (1 - n / p) + noise * (1 + n / (p - n - 1))
    return np.inf


def _task2_cases():
    rng = np.random.default_rng(3002)
    small = rng.standard_normal(60) * np.linspace(1.0, 0.2, 60) / np.sqrt(20)
    weak = rng.standard_normal(400) / np.sqrt(400)
    return [
        (small, 0.3, 20, list(range(1, 61))),
        (weak, 0.25, 100, [1, 10, 50, 90, 97, 98, 99, 100, 101, 102, 103, 110, 150, 200, 300, 400]),
    ]


def _bhx_variant(beta, noise_var, n, p, *, tail=True, bias="n/p", over_corr=1, under_corr=1, noise_in_risk=True):
    """The BHX formula with one ingredient changed (to recognise typical mistakes)."""
    inside = float(np.sum(beta[:p] ** 2))
    noise = noise_var + (float(np.sum(beta[p:] ** 2)) if tail else 0.0)
    shift = 0.0 if noise_in_risk else noise_var
    if p <= n - 2:
        return noise * (1 + p / (n - p - under_corr)) - shift
    if p >= n + 2:
        factor = 1 - n / p if bias == "n/p" else 1 - p / n
        return inside * factor + noise * (1 + n / (p - n - over_corr)) - shift
    return np.inf


_TASK2_WRONG = (
    (
        {"tail": False},
        "the features outside the model act as noise: the noise level should include "
        "||beta_Tc||^2 as well as sigma^2",
    ),
    (
        {"bias": "p/n"},
        "beyond the threshold, check the bias factor: it is the fraction of ||beta_T||^2 that n "
        "samples in p > n dimensions cannot see, so it must lie between 0 and 1",
    ),
    (
        {"over_corr": 0},
        "finite-n correction: beyond the threshold, compare the denominator of the variance "
        "factor n/(...) with the exact formula (it is not p - n)",
    ),
    (
        {"under_corr": 0},
        "finite-n correction: below the threshold the exact expectation has n - p - 1 in the "
        "denominator, not n - p",
    ),
    (
        {"over_corr": 0, "under_corr": 0},
        "finite-n correction: the exact expectations have n - p - 1 and p - n - 1 in their "
        "denominators, not n - p and p - n",
    ),
    (
        {"noise_in_risk": False},
        "the course's risk is the test MSE including the label noise sigma^2 (not the excess risk)",
    ),
)


def _as_risk(value, p: int) -> float:
    """A learner's risk value: one real number, possibly inf (not nan)."""
    return expect_number(value, f"bhx_risk(..., p={p})", allow_inf=True)


def _grade_task2(fn) -> None:
    for beta, noise_var, n, ps in _task2_cases():
        values = []
        for p in ps:
            try:
                raw = _quiet_call(fn, beta.copy(), noise_var, n, p, what=f"bhx_risk(..., n={n}, p={p})")
            except Incorrect as exc:
                if p in (n - 1, n, n + 1):
                    raise Incorrect(
                        f"{exc}. For p in {{n-1, n, n+1}} the expected risk is infinite: "
                        "return float('inf') there"
                    ) from None
                raise
            values.append(_as_risk(raw, p))
        values = np.array(values)
        expected = np.asarray(theory.prefix_risk(beta, noise_var, n, np.array(ps)), dtype=float)
        peak = np.isin(ps, (n - 1, n, n + 1))
        bad_peak = [p for p, v in zip(ps, values) if p in (n - 1, n, n + 1) and not (np.isinf(v) and v > 0)]
        if bad_peak:
            raise Incorrect(
                f"with n = {n}, bhx_risk at p = {bad_peak[0]} should be infinite (+inf): the expected "
                "risk diverges for p in {n-1, n, n+1}"
            )
        off_peak = [p for p, v in zip(ps, values) if p not in (n - 1, n, n + 1) and not np.isfinite(v)]
        if off_peak:
            raise Incorrect(f"with n = {n}, bhx_risk at p = {off_peak[0]} is infinite; only p in {{n-1, n, n+1}} are")
        if _matches(values[~peak], expected[~peak], rtol=1e-9):
            continue
        for options, reason in _TASK2_WRONG:
            variant = np.array([_bhx_variant(beta, noise_var, n, p, **options) for p in ps])
            if _matches(values[~peak], variant[~peak], rtol=1e-9):
                raise Incorrect(reason)
        under = np.array(ps) <= n - 2
        over = np.array(ps) >= n + 2
        for side, mask in (("below the threshold (p <= n - 2)", under), ("beyond the threshold (p >= n + 2)", over)):
            if mask.any() and not _matches(values[mask], expected[mask], rtol=1e-9):
                gap = np.max(np.abs(values[mask] - expected[mask]) / expected[mask])
                raise Incorrect(
                    f"with n = {n}, your risk {side} is off by up to a relative {gap:.2g}; "
                    "compare each factor with the formula"
                )


task2 = Check(
    label="Task 2 (Belkin–Hsu–Xu risk)",
    name="ex03.task2",
    grader=_grade_task2,
    hint=(
        "Split beta into beta[:p] (the model's features T) and beta[p:] (the rest, which acts as "
        "noise together with sigma^2). Then use the formula of the side you are on: p <= n-2, "
        "p >= n+2, or the three sizes in between where the risk is infinite. The -1 in n-p-1 and "
        "p-n-1 is the exact finite-n correction (the mean of an inverse-Wishart matrix)."
    ),
    reference=bhx_risk,
)


# ----------------------------------------------------------------------------------------------
# Task 3: choosing the ridge penalty on a validation set
# ----------------------------------------------------------------------------------------------


def choose_ridge_by_validation(X_train, y_train, X_val, y_val, penalties):
    """The penalty whose ridge fit has the smallest validation MSE (reference solution)."""
    n, p = X_train.shape
    errors = []
    for lam in penalties:
        w = np.linalg.solve(X_train.T @ X_train + n * lam * np.eye(p), X_train.T @ y_train)
        errors.append(np.mean((y_val - X_val @ w) ** 2))
    return penalties[int(np.argmin(errors))]


_TASK3_SPECS = (
    # (seed, n_train, p, n_val, noise_var, descending grid)
    (11, 60, 60, 600, 0.25, False),
    (12, 100, 20, 500, 2.0, False),
    (21, 50, 100, 500, 0.5, True),
    (24, 80, 80, 500, 0.1, False),
)


def _task3_data(seed, n, p, n_val, noise_var):
    rng = np.random.default_rng(seed)
    beta = rng.standard_normal(p)
    beta /= np.linalg.norm(beta)
    X = rng.standard_normal((n, p))
    y = X @ beta + np.sqrt(noise_var) * rng.standard_normal(n)
    X_val = rng.standard_normal((n_val, p))
    y_val = X_val @ beta + np.sqrt(noise_var) * rng.standard_normal(n_val)
    return X, y, X_val, y_val


def _ridge_errors(X, y, X_eval, y_eval, penalties, scale):
    p = X.shape[1]
    gram, rhs = X.T @ X, X.T @ y
    return np.array(
        [np.mean((y_eval - X_eval @ np.linalg.solve(gram + scale * lam * np.eye(p), rhs)) ** 2) for lam in penalties]
    )


def _task3_cases():
    base = np.logspace(-3, 1, 9)
    for seed, n, p, n_val, noise_var, descending in _TASK3_SPECS:
        X, y, X_val, y_val = _task3_data(seed, n, p, n_val, noise_var)
        penalties = base[::-1].copy() if descending else base.copy()
        yield X, y, X_val, y_val, penalties


def _grade_task3(fn) -> None:
    for X, y, X_val, y_val, penalties in _task3_cases():
        n = X.shape[0]
        raw = _quiet_call(
            fn, X.copy(), y.copy(), X_val.copy(), y_val.copy(), penalties.copy(), what="choose_ridge_by_validation"
        )
        if isinstance(raw, np.ndarray) and raw.size > 1:
            raise Incorrect(
                f"choose_ridge_by_validation returned an array of shape {raw.shape}; return the one "
                "penalty (a number) with the smallest validation error"
            )
        if isinstance(raw, (tuple, list)):
            raise Incorrect(
                f"choose_ridge_by_validation returned a {type(raw).__name__}; return the one penalty (a number)"
            )
        value = expect_number(raw, what="choose_ridge_by_validation(...)")
        val_errors = _ridge_errors(X, y, X_val, y_val, penalties, n)
        best_index = int(np.argmin(val_errors))
        best = float(penalties[best_index])
        if np.isclose(value, best, rtol=1e-9, atol=0):
            continue
        if value == best_index:
            raise Incorrect(
                "your answer is the position of the best penalty in `penalties`; return the penalty "
                "itself (penalties[i]), not its index"
            )
        hit = np.flatnonzero(np.isclose(penalties, value, rtol=1e-9, atol=0))
        if hit.size == 0:
            if float(value).is_integer() and 0 <= value < penalties.size:
                raise Incorrect(
                    "your answer looks like a position in `penalties`; return the penalty itself "
                    "(penalties[i]), not its index"
                )
            if np.isclose(value, val_errors.min(), rtol=1e-6):
                raise Incorrect("that is the smallest validation error; return the penalty that achieves it")
            raise Incorrect("your answer is not one of the penalties you were given; return one of them")
        train_errors = _ridge_errors(X, y, X, y, penalties, n)
        if np.isclose(value, penalties[int(np.argmin(train_errors))], rtol=1e-9):
            raise Incorrect(
                "that is the penalty with the smallest *training* error (always the smallest penalty: "
                "less shrinkage fits the training set better). Judge each penalty on the validation set"
            )
        no_n = float(penalties[int(np.argmin(_ridge_errors(X, y, X_val, y_val, penalties, 1.0)))])
        if np.isclose(value, no_n, rtol=1e-9):
            raise Incorrect(
                "check the penalty convention: the course's ridge is (X^T X + n*lam*I)^{-1} X^T y "
                "with n the number of training samples"
            )
        n_val_scale = float(penalties[int(np.argmin(_ridge_errors(X, y, X_val, y_val, penalties, X_val.shape[0])))])
        if np.isclose(value, n_val_scale, rtol=1e-9):
            raise Incorrect(
                "check the penalty convention: n in (X^T X + n*lam*I) is the number of *training* samples"
            )
        largest = float(penalties[int(np.argmax(val_errors))])
        if np.isclose(value, largest, rtol=1e-9):
            raise Incorrect("that penalty has the *largest* validation error; pick the smallest")
        raise Incorrect(
            "another penalty has a smaller validation MSE on the grader's data; fit ridge on the "
            "training set for every penalty and compare mean squared errors on the validation set"
        )


task3 = Check(
    label="Task 3 (ridge by validation)",
    name="ex03.task3",
    grader=_grade_task3,
    hint=(
        "Loop over the penalties: fit w = (X_train^T X_train + n*lam*I)^{-1} X_train^T y_train with "
        "n = len(y_train) (np.linalg.solve, or overparam.fit.ridge), compute the mean squared error "
        "on (X_val, y_val), and return the penalty (not its index) with the smallest error."
    ),
    reference=choose_ridge_by_validation,
)


# ----------------------------------------------------------------------------------------------
# Task 4: the optimal ridge penalty for isotropic features
# ----------------------------------------------------------------------------------------------


def optimal_penalty(beta, noise_var, n, p):
    """Optimal ridge penalty for a model of the first ``p`` isotropic features (reference).

    Derivation: if the model's coefficients were random, beta_T ~ N(0, (||beta_T||^2 / p) I), and
    everything the model cannot express were Gaussian noise of variance sigma_p^2, the best
    estimator would be the posterior mean (X^T X + (sigma_p^2 p / ||beta_T||^2) I)^{-1} X^T y: ridge
    with n * lambda = sigma_p^2 p / ||beta_T||^2. For isotropic features the ridge risk depends on
    beta_T only through its norm, so this penalty is also optimal for the fixed beta. (A numerical
    search over log(lambda) of theory.ridge_risk(np.ones(d), beta, noise_var, n, p, lambda) finds
    the same number.)
    """
    beta = np.asarray(beta, dtype=float)
    signal = np.sum(beta[:p] ** 2)  # ||beta_T||^2
    noise = noise_var + np.sum(beta[p:] ** 2)  # sigma_p^2 (isotropic: every lambda_j = 1)
    return (p / n) * noise / signal


def _task4_cases():
    rng = np.random.default_rng(3004)
    weak = rng.standard_normal(400) / np.sqrt(400)
    strong = rng.standard_normal(120) * np.linspace(1.5, 0.1, 120) / np.sqrt(40)
    return [
        (weak, 0.25, 100, 30),
        (weak, 0.25, 100, 100),
        (weak, 0.25, 100, 250),
        (weak, 1.0, 150, 400),
        (strong, 0.05, 40, 20),
        (strong, 0.05, 40, 90),
    ]


def _task4_wrong(beta, noise_var, n, p):
    signal_t = float(np.sum(beta[:p] ** 2))
    sigma_p2 = noise_var + float(np.sum(beta[p:] ** 2))
    total = float(np.sum(beta**2))
    return (
        ((p / n) * noise_var / signal_t, "the features left out of the model add to the noise: use sigma_p^2, not sigma^2"),
        ((p / n) * sigma_p2 / total, "the signal the model can capture is ||beta_T||^2 over its own p features, not all of ||beta||^2"),
        (sigma_p2 / signal_t, "the optimal penalty grows with the overparameterization ratio gamma = p/n "
         "(check how the course convention (X^T X + n*lambda*I) scales the penalty)"),
        ((n / p) * sigma_p2 / signal_t, "check the ratio of sizes: gamma = p/n, not n/p"),
        ((p / n) * signal_t / sigma_p2, "noise-to-signal, not signal-to-noise: more noise calls for more shrinkage"),
    )


def _grade_task4(fn) -> None:
    for beta, noise_var, n, p in _task4_cases():
        raw = _quiet_call(fn, beta.copy(), noise_var, n, p, what="optimal_penalty")
        if isinstance(raw, tuple):
            raise Incorrect(
                "optimal_penalty returned a tuple; return only the penalty (theory.optimal_ridge "
                "returns the pair (penalty, risk))"
            )
        value = expect_number(raw, what=f"optimal_penalty(..., n={n}, p={p})")
        expected, best_risk = theory.optimal_ridge(np.ones(beta.size), beta, noise_var, n, p)
        if np.isclose(value, expected, rtol=TASK4_RTOL, atol=0):
            continue
        # The risk is flat at its minimum: a coarse search can miss the penalty by more than
        # TASK4_RTOL and still reach the best risk. Accept any penalty whose risk is that low.
        if value > 0 and theory.ridge_risk(np.ones(beta.size), beta, noise_var, n, p, value) <= best_risk * (
            1 + TASK4_RISK_RTOL
        ):
            continue
        if np.isclose(value, best_risk, rtol=TASK4_RTOL, atol=0):
            raise Incorrect("that is the optimal risk; return the penalty that achieves it")
        for wrong, reason in _task4_wrong(beta, noise_var, n, p):
            if np.isclose(value, wrong, rtol=TASK4_RTOL, atol=0):
                raise Incorrect(reason)
        gap = abs(value - expected) / expected
        if gap < 0.5:
            raise Incorrect(
                f"optimal_penalty(..., n={n}, p={p}) is close but off by a relative {gap:.2g} (allowed "
                f"{TASK4_RTOL:g}). If you searched numerically, search over log(lambda) and refine around "
                "the best point; if you derived a formula, compare it with a search at this p"
            )
        raise Incorrect(
            f"optimal_penalty(..., n={n}, p={p}) is off by a relative {gap:.2g}. Check that the risk you "
            "minimize is that of the model on the first p features, with the left-out features as noise"
        )


task4 = Check(
    label="Task 4 (optimal ridge penalty)",
    name="ex03.task4",
    grader=_grade_task4,
    hint=(
        "Two routes. Search: the risk at penalty lam is theory.ridge_risk(np.ones(len(beta)), beta, "
        "noise_var, n, p, lam), with the full beta so that the left-out features count as noise; "
        "minimize it over t = log10(lam), for example with scipy.optimize.minimize_scalar(..., "
        "bounds=(-6, 4), method='bounded'). Derive: in the Bayesian picture of the statement the best "
        "estimator is a posterior mean, which is ridge whose penalty is (noise variance) / (prior "
        "variance of one coefficient); identify both for a model of size p, then convert to the "
        "course convention (X^T X + n*lam*I)^{-1} X^T y."
    ),
    reference=optimal_penalty,
)


# ----------------------------------------------------------------------------------------------
# Task 5: the population ridge solution
# ----------------------------------------------------------------------------------------------


def population_ridge(eigs, beta, penalty):
    """Population ridge solution ``(Sigma + penalty I)^{-1} Sigma beta``, diagonal Sigma (reference)."""
    eigs = np.asarray(eigs, dtype=float)
    beta = np.asarray(beta, dtype=float)
    return eigs / (eigs + penalty) * beta


def _task5_cases():
    rng = np.random.default_rng(3005)
    cases = []
    for d in (8, 40):
        eigs = rng.uniform(0.05, 4.0, d)
        beta = rng.standard_normal(d)
        for penalty in (0.3, 2.5, 0.0):  # positive penalties first: they tell the mistakes apart
            cases.append((eigs, beta, penalty))
    return cases


_TASK5_WRONG = (
    (lambda e, b, z: b / (e + z), "the population ridge solution is (Sigma + penalty I)^{-1} applied to Sigma beta, not to beta"),
    (lambda e, b, z: e**2 / (e**2 + z) * b, "Sigma is diagonal with entries eigs (the variances); do not square them"),
    (lambda e, b, z: e**2 / (e + z) * b, "Sigma beta has entries eigs_i * beta_i; do not square eigs"),
    (lambda e, b, z: e / (e + z) ** 2 * b, "(Sigma + penalty I)^{-1} is applied once: check the power of the denominator"),
    (lambda e, b, z: z / (e + z) * b, "you computed what shrinkage removes; return what is left of beta"),
    (lambda e, b, z: (e + z) / e * b, "ridge shrinks each coefficient toward zero; your weights are larger than beta"),
    (lambda e, b, z: e / (e + z), "the result should depend on beta: first Sigma beta, then (Sigma + penalty I)^{-1}"),
)


def _grade_task5(fn) -> None:
    for eigs, beta, penalty in _task5_cases():
        raw = _quiet_call(fn, eigs.copy(), beta.copy(), penalty, what="population_ridge")
        value = expect_array(raw, beta.shape, what=f"population_ridge(...) with d = {beta.size}")
        expected = theory.population_ridge_weights(eigs, beta, penalty)
        if np.allclose(value, expected, rtol=1e-9, atol=1e-12):
            continue
        for wrong, reason in _TASK5_WRONG:
            if np.allclose(value, wrong(eigs, beta, penalty), rtol=1e-9, atol=1e-12):
                raise Incorrect(reason)
        expect_close(
            value,
            expected,
            rtol=1e-9,
            atol=1e-12,
            what=f"population_ridge(...) with penalty {penalty:g}",
            why="Sigma is diagonal, so (Sigma + penalty I)^{-1} Sigma acts on each coordinate separately.",
        )


task5 = Check(
    label="Task 5 (population ridge)",
    name="ex03.task5",
    grader=_grade_task5,
    hint=(
        "Work it out for two features first: Sigma = diag(l1, l2). What is Sigma beta? What is "
        "Sigma + penalty*I, and what is the inverse of a diagonal matrix? Multiply the two and read "
        "off coordinate i; then write the same thing with elementwise numpy operations on the "
        "arrays eigs and beta (no p x p matrix needed). Test it on the example of the statement."
    ),
    reference=population_ridge,
)
