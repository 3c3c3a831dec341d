"""Checks for exercise 05 — train small, or train large and prune?

Four tasks, each graded on the grader's own seeded data (more than one input per task):

1. ``magnitude_mask(w, s)`` — a **boolean** mask of the shape of ``w`` (1-D, or 2-D with one weight
   vector per row) that keeps exactly ``s`` entries of largest ``|w|`` per row. Ties may be broken
   either way, but the count must be exactly ``s``: the grader accepts the library's
   :func:`overparam.prune.top_s_mask` (ties to the lower index) and any other mask whose kept
   ``|w|`` are all at least every dropped one;
2. ``hessian_mask(w, s, variances)`` — the same with the score ``sqrt(variances) * |w|``;
3. ``retrain(X, y, mask)`` — least squares on the kept columns (min-norm when more than ``n`` are
   kept), zeros elsewhere, compared with :func:`overparam.prune.retrain`;
4. ``compare_rules(problem, X, y, s)`` — a dict with the exact risks (incl. noise) of the dense
   min-norm fit, of its magnitude-, Hessian- and oracle-pruned versions, and of the magnitude
   mask retrained, on one training set, compared with the same computed by :mod:`overparam.prune`.

Use in the notebook: ``from overparam.checks import ex05`` then ``ex05.task1.check(magnitude_mask)``.
"""

from __future__ import annotations


import numpy as np

from .. import fit, models, prune
from . import Check, Incorrect, call, expect_number
from . import call_quietly as _quiet_call

__all__ = ["task1", "task2", "task3", "task4", "RULES"]

#: The keys Task 4's dict must have, in the order the notebook prints them.
RULES = ("dense", "magnitude", "hessian", "oracle", "magnitude+retrain")


# ----------------------------------------------------------------------------------------------
# Masks: grading a boolean top-s mask (Tasks 1 and 2)
# ----------------------------------------------------------------------------------------------


def _as_mask(raw, shape: tuple, s: int, what: str) -> np.ndarray:
    """Turn the learner's return value into a boolean array of ``shape`` or raise Incorrect."""
    if isinstance(raw, (tuple, list)) and not isinstance(raw, np.ndarray):
        try:
            raw = np.asarray(raw)
        except (TypeError, ValueError):
            raise Incorrect(f"{what} should return a boolean numpy array, got a {type(raw).__name__}") from None
    if not isinstance(raw, np.ndarray):
        raise Incorrect(f"{what} should return a boolean numpy array, got {type(raw).__name__}")
    if raw.dtype == object:
        raise Incorrect(f"{what} should return a boolean numpy array, got an array of Python objects")
    rows = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
    if raw.dtype.kind in "iu" and raw.shape != shape and raw.size == rows * s:
        raise Incorrect(
            f"{what} returned {raw.size} integer positions (indices of the kept weights); return a "
            f"boolean mask of the same shape as w, {shape}, that is True where a weight is kept"
        )
    if raw.shape != shape:
        raise Incorrect(f"{what} returned shape {raw.shape}; expected a boolean mask of the shape of w, {shape}")
    if raw.dtype != bool:
        if raw.dtype.kind in "iuf" and np.all(np.isin(raw, (0, 1))):
            raise Incorrect(
                f"{what} returned 0/1 numbers of dtype {raw.dtype}; return a boolean array (dtype bool), "
                "for example `mask = np.zeros(w.shape, dtype=bool)` and then set the kept entries to True"
            )
        if raw.dtype.kind in "iu":
            raise Incorrect(
                f"{what} returned integers of dtype {raw.dtype}; return a boolean mask (True where a "
                "weight is kept), not positions or ranks"
            )
        raise Incorrect(f"{what} returned an array of dtype {raw.dtype}; return a boolean mask (dtype bool)")
    return raw


def _is_top_s(mask: np.ndarray, scores: np.ndarray, s: int) -> bool:
    """True when each row of ``mask`` keeps exactly ``s`` entries and no dropped score beats a kept one."""
    mask2 = np.atleast_2d(mask)
    scores2 = np.atleast_2d(scores)
    if np.any(mask2.sum(axis=1) != s):
        return False
    for m, sc in zip(mask2, scores2):
        if 0 < s < sc.size and sc[m].min() < sc[~m].max():
            return False
    return True


def _count_message(mask: np.ndarray, s: int, what: str, ties: bool) -> str | None:
    counts = np.atleast_2d(mask).sum(axis=1)
    if np.all(counts == s):
        return None
    bad = int(counts[np.argmax(counts != s)])
    if ties:
        return (
            f"{what} kept {bad} weights where s = {s} were asked for, on an input with tied "
            "magnitudes. A threshold rule (keep every score >= the s-th largest) keeps all the tied "
            "entries; rank the entries instead (np.argsort) and keep exactly s"
        )
    if np.atleast_2d(mask).shape[0] > 1 and counts.sum() == s:
        return (
            f"{what} kept s = {s} weights in the whole 2-D array; keep s in each row (each row is "
            "one model: work along axis=-1)"
        )
    return f"{what} kept {bad} weights where s = {s} were asked for; keep exactly s per row"


def _mask_cases():
    """(w, s, has_ties) for the mask tasks: 1-D and 2-D, negative entries, ties at the cut."""
    rng = np.random.default_rng(5001)
    cases = [
        (rng.standard_normal(12), 4, False),
        (rng.standard_normal(40) * rng.uniform(0.1, 3.0, 40), 15, False),
        (rng.standard_normal((6, 20)), 7, False),
        (np.array([3.0, -3.0, 1.0, 3.0, 0.5, -1.0, -3.0, 0.2]), 2, True),
        (np.array([[1.0, -2.0, 2.0, 0.5, -2.0, 2.0], [-1.0, 1.0, 1.0, -1.0, 4.0, 0.0]]), 3, True),
        (rng.standard_normal(9), 9, False),
        (rng.standard_normal((3, 10)), 1, False),
    ]
    # make sure the sign matters: put the largest magnitudes on negative entries
    big = rng.standard_normal(30)
    big[:8] = -np.abs(big[:8]) - 2.0
    cases.append((big, 10, False))
    return cases


def _grade_mask(fn, make_scores, extra_args, wrongs, name) -> None:
    for w, s, ties in _mask_cases():
        args = extra_args(w)
        w_in = w.copy()
        what = f"{name}(w, s={s}) with w of shape {w.shape}"
        try:
            raw = _quiet_call(fn, w_in, s, *[a.copy() for a in args], what=what)
        except Incorrect as exc:
            if w.ndim == 2 and "raised" in str(exc):
                raise Incorrect(
                    f"{exc}. Here w is 2-D, one model per row: work along the last axis "
                    "(axis=-1) so that each row keeps its own s weights"
                ) from None
            raise
        if (isinstance(raw, np.ndarray) and raw.shape == w.shape and raw.dtype.kind == "f"
                and not np.all(np.isin(raw, (0, 1)))):
            kept = raw != 0
            if np.all(raw[kept] == w[kept]):
                raise Incorrect(
                    f"{what} returned the pruned weights (w with zeros); return the mask itself, a "
                    "boolean array that is True where a weight is kept"
                )
        if not np.array_equal(w_in, w):
            raise Incorrect(f"{name} changed the array w it was given; build a new mask and leave w as it is")
        mask = _as_mask(raw, w.shape, s, what=f"{name} with w of shape {w.shape}")
        scores = make_scores(w, *args)
        if np.array_equal(mask, prune.top_s_mask(scores, s)) or _is_top_s(mask, scores, s):
            continue  # the library's tie-break (lower index), or any other way of breaking ties
        message = _count_message(mask, s, name, ties)
        if message:
            raise Incorrect(message)
        for wrong_scores, reason in wrongs:
            alt = wrong_scores(w, *args)
            if _is_top_s(mask, alt, s) and not _is_top_s(mask, scores, s):
                raise Incorrect(reason)
        raise Incorrect(
            f"{name} with w of shape {w.shape} and s = {s} dropped a weight with a larger score than "
            "one it kept; keep the s largest scores in each row"
        )


# ----------------------------------------------------------------------------------------------
# Task 1: magnitude mask
# ----------------------------------------------------------------------------------------------


def magnitude_mask(w, s):
    """Boolean mask keeping the ``s`` largest ``|w|`` in each row (reference solution)."""
    w = np.asarray(w, dtype=float)
    order = np.argsort(-np.abs(w), axis=-1, kind="stable")  # largest |w| first; ties: lower index
    mask = np.zeros(w.shape, dtype=bool)
    np.put_along_axis(mask, order[..., :s], True, axis=-1)
    return mask


_TASK1_WRONG = (
    (lambda w: -np.abs(w), "you kept the s *smallest* magnitudes; magnitude pruning keeps the largest"),
    (lambda w: w, "you ranked the signed weights; a large negative weight matters as much as a large "
     "positive one — rank the magnitudes |w|"),
    (lambda w: -w, "you ranked the signed weights (smallest first); rank the magnitudes |w| and keep the largest"),
)


def _grade_task1(fn) -> None:
    _grade_mask(fn, lambda w: np.abs(w), lambda w: (), _TASK1_WRONG, "magnitude_mask")


task1 = Check(
    label="Task 1 (magnitude mask)",
    name="ex05.task1",
    grader=_grade_task1,
    hint=(
        "Work along the last axis so that the same code serves a 1-D w and a 2-D stack of rows: "
        "order = np.argsort(-np.abs(w), axis=-1, kind='stable') lists the positions from the largest "
        "|w| down; the first s of them are kept. Start from mask = np.zeros(w.shape, dtype=bool) and "
        "set those positions to True (np.put_along_axis(mask, order[..., :s], True, axis=-1))."
    ),
    reference=magnitude_mask,
)


# ----------------------------------------------------------------------------------------------
# Task 2: Hessian (covariance-scaled) mask
# ----------------------------------------------------------------------------------------------


def hessian_mask(w, s, variances):
    """Boolean mask keeping the ``s`` largest ``sqrt(variances) * |w|`` per row (reference solution)."""
    w = np.asarray(w, dtype=float)
    scores = np.sqrt(np.asarray(variances, dtype=float)) * np.abs(w)
    order = np.argsort(-scores, axis=-1, kind="stable")
    mask = np.zeros(w.shape, dtype=bool)
    np.put_along_axis(mask, order[..., :s], True, axis=-1)
    return mask


def _variances_for(w):
    """Feature variances over three decades, so that lambda, sqrt(lambda) and 1 rank differently."""
    p = w.shape[-1]
    rng = np.random.default_rng(5002 + p)
    return (10.0 ** rng.uniform(-2.0, 1.0, p),)


_TASK2_WRONG = (
    (lambda w, v: v * np.abs(w), "you scaled |w| by the variance lambda_i; the Hessian score is "
     "sqrt(lambda_i) * |w_i| (it ranks like lambda_i * w_i^2, the loss increase of removing weight i)"),
    (lambda w, v: np.abs(w), "your mask ignores the variances: that is magnitude pruning; scale each "
     "|w_i| by sqrt(variances[i])"),
    (lambda w, v: np.sqrt(v) * w, "you ranked sqrt(lambda_i) * w_i with its sign; use the magnitude |w_i|"),
    (lambda w, v: np.abs(w) / np.sqrt(v), "you divided by sqrt(lambda_i); the Hessian score multiplies: "
     "high-variance features matter more"),
    (lambda w, v: np.abs(w) / v, "you divided by the variance; the Hessian score is sqrt(lambda_i) * |w_i|"),
    (lambda w, v: np.broadcast_to(v, w.shape).copy(), "your mask depends only on the variances; the score "
     "is sqrt(lambda_i) * |w_i|, so the weights matter too"),
    (lambda w, v: -np.sqrt(v) * np.abs(w), "you kept the s *smallest* scores; keep the largest"),
)


def _grade_task2(fn) -> None:
    _grade_mask(fn, lambda w, v: np.sqrt(v) * np.abs(w), _variances_for, _TASK2_WRONG, "hessian_mask")


task2 = Check(
    label="Task 2 (Hessian mask)",
    name="ex05.task2",
    grader=_grade_task2,
    hint=(
        "Build the score first: scores = np.sqrt(variances) * np.abs(w) (broadcasting handles a 2-D "
        "w with a 1-D variances). Then keep the s largest scores per row exactly as in Task 1 — "
        "you may call your magnitude_mask(scores, s), since the scores are non-negative."
    ),
    reference=hessian_mask,
)


# ----------------------------------------------------------------------------------------------
# Task 3: retraining on a mask
# ----------------------------------------------------------------------------------------------


def retrain(X, y, mask):
    """Least squares on the kept columns, zeros elsewhere (reference solution)."""
    X = np.asarray(X, dtype=float)
    mask = np.asarray(mask, dtype=bool)
    w = np.zeros(X.shape[1])
    w[mask] = np.linalg.pinv(X[:, mask]) @ y  # OLS when s < n, min-norm interpolation when s > n
    return w


def _task3_cases():
    rng = np.random.default_rng(5003)
    cases = []
    for n, p, s in ((60, 30, 12), (50, 120, 20), (40, 100, 70)):
        eigs = 10.0 ** rng.uniform(-1, 0.5, p)
        beta = rng.standard_normal(p) / np.sqrt(p)
        problem = models.diagonal_problem(eigs, beta, noise_var=0.2)
        X, y = problem.sample(n, rng)
        mask = np.zeros(p, dtype=bool)
        mask[rng.choice(p, s, replace=False)] = True
        cases.append((X, y, mask))
    return cases


def _grade_task3(fn) -> None:
    for X, y, mask in _task3_cases():
        n, p = X.shape
        s = int(mask.sum())
        what = f"retrain(X, y, mask) with n = {n}, p = {p}, s = {s}"
        raw = _quiet_call(fn, X.copy(), y.copy(), mask.copy(), what=what)
        try:
            value = np.asarray(raw, dtype=float)
        except (TypeError, ValueError):
            raise Incorrect(f"{what} should return an array of p weights, got {type(raw).__name__}") from None
        if value.shape == (s,):
            raise Incorrect(
                f"{what} returned only the {s} kept weights; return all p = {p} weights, with zeros at "
                "the pruned positions, so that the result can be scored like any other model"
            )
        if value.shape != (p,):
            raise Incorrect(f"{what} returned shape {value.shape}; expected ({p},)")
        if not np.all(np.isfinite(value)):
            raise Incorrect(f"{what} contains nan or inf")
        expected = prune.retrain(X, y, mask)
        if np.allclose(value, expected, rtol=1e-6, atol=1e-8):
            continue
        if np.any(value[~mask] != 0) and np.allclose(value[mask], expected[mask], rtol=1e-6, atol=1e-8):
            raise Incorrect(f"{what}: the pruned positions must be exactly zero")
        dense = fit.min_norm_least_squares(X, y)
        if np.allclose(value, np.where(mask, dense, 0.0), rtol=1e-6, atol=1e-8):
            raise Incorrect(
                f"{what}: that is the dense fit pruned to the mask, without retraining; refit least "
                "squares using only the kept columns X[:, mask]"
            )
        if np.allclose(value, dense, rtol=1e-6, atol=1e-8):
            raise Incorrect(f"{what}: that is the dense fit on all columns; fit on the kept columns X[:, mask] only")
        if s > n:
            raise Incorrect(
                f"{what}: with more kept columns than samples the least-squares problem has many "
                "solutions; return the one of minimum norm (np.linalg.pinv or np.linalg.lstsq)"
            )
        raise Incorrect(
            f"{what}: the kept weights are off; they should minimize ||y - X[:, mask] b||^2 over b"
        )


task3 = Check(
    label="Task 3 (retrain on a mask)",
    name="ex05.task3",
    grader=_grade_task3,
    hint=(
        "Select the kept columns with X[:, mask] (an (n, s) matrix), solve least squares for b "
        "(np.linalg.lstsq(X[:, mask], y, rcond=None)[0] or np.linalg.pinv(X[:, mask]) @ y — both give "
        "the min-norm solution when s > n), then put b back into a vector of p zeros: w[mask] = b."
    ),
    reference=retrain,
)


# ----------------------------------------------------------------------------------------------
# Task 4: the rules side by side on one training set
# ----------------------------------------------------------------------------------------------


def compare_rules(problem, X, y, s):
    """Exact risks of the dense fit and of its pruned versions on one training set (reference solution)."""
    p = X.shape[1]
    eigs, beta = problem.eigs[:p], problem.beta[:p]
    w = np.linalg.pinv(X) @ y  # dense min-norm fit on the first p features
    masks = {
        "magnitude": magnitude_mask(w, s),
        "hessian": hessian_mask(w, s, eigs),  # population variances lambda_i
        "oracle": hessian_mask(beta, s, eigs),  # top s of sqrt(lambda_i)|beta_i|, i.e. of lambda_i beta_i^2
    }
    risks = {"dense": problem.risk(w)}
    for rule, mask in masks.items():
        risks[rule] = problem.risk(np.where(mask, w, 0.0))
    risks["magnitude+retrain"] = problem.risk(retrain(X, y, masks["magnitude"]))
    return {rule: float(risks[rule]) for rule in RULES}


def _library_rules(problem, X, y, s):
    """The expected dict, computed with :mod:`overparam.prune` and :mod:`overparam.fit`."""
    p = X.shape[1]
    w = fit.min_norm_least_squares(X, y)
    masks = {
        "magnitude": prune.magnitude_mask(w, s),
        "hessian": prune.hessian_mask(w, s, problem.eigs[:p]),
        "oracle": prune.oracle_mask(problem.eigs, problem.beta, p, s),
    }
    risks = {"dense": problem.risk(w)}
    for rule, mask in masks.items():
        risks[rule] = problem.risk(prune.apply_mask(w, mask))
    risks["magnitude+retrain"] = problem.risk(prune.retrain(X, y, masks["magnitude"]))
    return {rule: float(risks[rule]) for rule in RULES}


def _task4_cases():
    """(problem, X, y, s): reference C at p = 400, and a decaying spectrum where lambda beta^2 ranks
    differently from |beta| and from lambda."""
    rng = np.random.default_rng(5004)
    cases = []
    showcase = models.pruning_showcase_problem(d=1000)
    X, y = showcase.sample(100, rng, p=400)
    cases.append((showcase, X, y, 80))
    p, d = 150, 300
    eigs = 1.0 / np.arange(1, d + 1) ** 0.8
    beta = rng.standard_normal(d) * (1.0 + 2.0 * (np.arange(d) % 7 == 0))
    beta *= np.sqrt(1.0 / np.sum(eigs * beta**2))
    decaying = models.diagonal_problem(eigs, beta, noise_var=0.2)
    X, y = decaying.sample(60, rng, p=p)
    cases.append((decaying, X, y, 20))
    return cases


def _task4_alternatives(problem, X, y, s):
    """Values a plausible slip gives for each entry, with the reason."""
    p = X.shape[1]
    eigs, beta = problem.eigs[:p], problem.beta[:p]
    w = np.linalg.pinv(X) @ y
    n = X.shape[0]

    def pruned(mask):
        return float(problem.risk(np.where(mask, w, 0.0)))

    def train_mse(v):
        return float(np.mean((y - X @ v) ** 2))

    return {
        "hessian": [
            (pruned(hessian_mask(w, s, eigs**2)), "the 'hessian' entry ranks by lambda_i * |w_i|; the score is "
             "sqrt(lambda_i) * |w_i|"),
            (pruned(hessian_mask(w, s, np.diag(X.T @ X) / n)), None),  # column variances: accepted below
        ],
        "oracle": [
            (pruned(magnitude_mask(beta, s)), "the 'oracle' entry keeps the largest |beta_i|; the oracle keeps "
             "the s largest lambda_i * beta_i^2 (the signal each feature carries)"),
            (pruned(np.arange(p) < s), "the 'oracle' entry keeps the first s features (on this problem also "
             "the s largest variances); that is the oracle support of the showcase problem only, and the grader "
             "also uses another problem. Keep the s largest lambda_i * beta_i^2 among the first p features"),
            (pruned(magnitude_mask(eigs, s)), "the 'oracle' entry keeps the largest variances; the oracle keeps "
             "the s largest lambda_i * beta_i^2"),
            (float(problem.risk(retrain(X, y, hessian_mask(beta, s, eigs)))), "the 'oracle' entry retrains on "
             "the oracle support; this task prunes the dense fit without retraining"),
        ],
        "magnitude": [
            (float(problem.risk(retrain(X, y, magnitude_mask(w, s)))), "the 'magnitude' entry is retrained; "
             "without retraining, keep the dense fit's values on the mask and zero the rest"),
        ],
        "magnitude+retrain": [
            (pruned(magnitude_mask(w, s)), "the 'magnitude+retrain' entry is not retrained: refit least squares "
             "on the magnitude mask's columns (Task 3)"),
        ],
        "dense": [
            (train_mse(w), "the 'dense' entry is the training error (zero for an interpolator); use the "
             "exact population risk problem.risk(w)"),
        ],
    }


def _grade_task4(fn) -> None:
    for problem, X, y, s in _task4_cases():
        n, p = X.shape
        what = f"compare_rules(problem, X, y, s={s}) with n = {n}, p = {p}"
        raw = _quiet_call(fn, problem, X.copy(), y.copy(), s, what=what)
        if not isinstance(raw, dict):
            raise Incorrect(f"{what} should return a dict with the keys {list(RULES)}, got {type(raw).__name__}")
        missing = [k for k in RULES if k not in raw]
        if missing:
            raise Incorrect(f"{what} returned a dict without the key(s) {missing}; expected exactly {list(RULES)}")
        extra = [k for k in raw if k not in RULES]
        if extra:
            raise Incorrect(f"{what} returned unexpected key(s) {extra}; expected exactly {list(RULES)}")
        values = {k: expect_number(raw[k], what=f"the entry {k!r}") for k in RULES}
        expected = _library_rules(problem, X, y, s)
        alternatives = _task4_alternatives(problem, X, y, s)
        noise = problem.noise_var
        for key in RULES:
            value, target = values[key], expected[key]
            if np.isclose(value, target, rtol=1e-6, atol=1e-9):
                continue
            if np.isclose(value, target - noise, rtol=1e-6, atol=1e-9):
                raise Incorrect(
                    f"the entry {key!r} is the excess risk; report the risk including the label noise "
                    "(problem.risk(w))"
                )
            if key == "hessian" and np.isclose(value, alternatives["hessian"][1][0], rtol=1e-6, atol=1e-9):
                continue  # column variances diag(X^T X / n) stand in for lambda_i: accepted
            for alt, reason in alternatives.get(key, []):
                if reason and np.isclose(value, alt, rtol=1e-6, atol=1e-9):
                    raise Incorrect(reason)
            others = [k for k in RULES if k != key and np.isclose(value, expected[k], rtol=1e-6, atol=1e-9)]
            if others:
                raise Incorrect(f"the entry {key!r} holds the risk of {others[0]!r}; check the keys")
            raise Incorrect(
                f"{what}: the entry {key!r} is off by a relative {abs(value - target) / target:.2g}. Fit "
                "min-norm least squares on all p columns, apply the mask (zero the rest), and score "
                "with problem.risk"
            )


task4 = Check(
    label="Task 4 (the rules side by side)",
    name="ex05.task4",
    grader=_grade_task4,
    hint=(
        "One dense fit serves every rule: w = np.linalg.pinv(X) @ y. With eigs = problem.eigs[:p] and "
        "beta = problem.beta[:p], the masks are magnitude_mask(w, s), hessian_mask(w, s, eigs) and, "
        "for the oracle, the s largest eigs * beta**2 (hessian_mask(beta, s, eigs) does it). A pruned "
        "model is np.where(mask, w, 0.0); retrained, it is retrain(X, y, mask). Score every weight "
        "vector with problem.risk(...), which zero-pads w to all d features and includes the noise."
    ),
    reference=compare_rules,
)
