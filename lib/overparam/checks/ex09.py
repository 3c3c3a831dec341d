"""Checks for exercise 09 — pruning random features: ``from overparam.checks import ex09``.

Five tasks, each graded on the grader's own seeded random-features data (ReLU features of Gaussian
inputs, :mod:`overparam.random_features`; more than one input per task):

1. ``hessian_scores(a, Z)`` — the Hessian-style score of every hidden neuron, ``|a_j| ||Z_j||``
   (``Z_j`` the ``j``-th column of the training features); the root-mean-square form
   ``|a_j| ||Z_j|| / sqrt(n)`` is accepted too (the same ranking, the library's convention). One
   model (``a`` of shape ``(N,)``, ``Z`` of shape ``(n, N)``) or a stack of models (``(trials, N)``
   and ``(trials, n, N)``). Squared scores, variances instead of norms, centred norms, row norms,
   ``|a_j|`` alone, ... get their own messages;
2. ``prune_and_retrain(Z, y, a, s, rule)`` — keep the ``s`` neurons of largest ``|a_j|``
   (``rule="magnitude"``) or largest Hessian score (``rule="hessian"``) and refit least squares on
   them, zeros elsewhere; compared with :func:`overparam.prune.retrain` on the library's masks;
3. ``best_weights_on_support(K, r, support)`` — the best second-layer weights on the kept neurons
   ``S`` from the population second moments ``K = E[z z^T]``, ``r = E[z y]``:
   ``b_S = K_SS^{-1} r_S``;
4. ``pruning_cost(K, r, a, support)`` — what keeping the large model's weights ``a_S`` costs on
   top of the floor of ``S``: ``(a_S - b_S)^T K_SS (a_S - b_S)``;
5. ``answer`` — the ratio of the median excess risks of magnitude pruning + retraining (from
   ``N = 1000``) and of the small model trained directly on ``s = 40`` random features, measured
   by :func:`overparam.experiments.random_features_pruning_sweep` with the exercise's seed (the
   check repeats that simulation).

Use in the notebook: ``ex09.task1.check(hessian_scores)``, ..., ``ex09.task5.check(answer)``.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np

from .. import experiments, fit, prune
from .. import random_features as rf
from . import Check, Incorrect, NotAttempted, expect_number
from . import call_quietly as _quiet_call

__all__ = [
    "task1",
    "task2",
    "task3",
    "task4",
    "task5",
    "D",
    "NOISE_VAR",
    "N_TRAIN",
    "S_KEEP",
    "PROBLEM_SEED",
    "TASK5_WIDTH",
    "TASK5_TRIALS",
    "TASK5_SEED",
    "task5_problem",
    "task5_answer",
]

#: The exercise's problem (the lesson's reference D): d = 20 Gaussian inputs, noise variance 0.04,
#: n = 200 training samples, s = 40 neurons kept; the teacher direction is drawn from PROBLEM_SEED.
D, NOISE_VAR, N_TRAIN, S_KEEP, PROBLEM_SEED = 20, 0.04, 200, 40, 2021
#: Task 5: the dense width, the number of trials and the seed of the sweep (fixed: a reproducible grade).
TASK5_WIDTH, TASK5_TRIALS, TASK5_SEED = 1000, 30, 2026

#: The grader's own random-features problem (Tasks 1-4): the exercise's setting, another teacher.
_PROBLEM = rf.random_features_problem(d=D, noise_var=NOISE_VAR, inputs="gaussian", rng=9000)


def _close(a, b, rtol: float = 1e-6, atol: float = 1e-10) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


#: Relative precision (in norm) at which Tasks 2-4 accept an answer. A learner who computes in single
#: precision (float32 inputs) lands within about 2e-7 of the reference on the grader's cases (condition
#: numbers up to ~70); every mistake the graders know is off by 1e-3 or much more (ridge with a penalty
#: of 1e-4 already by ~1e-5).
PRECISION = 3e-6


def _near(a, b, rtol: float = PRECISION) -> bool:
    """Same shape and ||a - b|| <= rtol ||b||: agreement up to rounding, float32 included."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.linalg.norm(a - b) <= rtol * np.linalg.norm(b))


def _draw(N: int, n: int, rng):
    """One first layer of ``N`` neurons, ``n`` training samples, their features and the min-norm fit."""
    theta = _PROBLEM.draw_first_layer(N, rng)
    X, y = _PROBLEM.sample(n, rng)
    Z = _PROBLEM.features(X, theta)
    return theta, Z, y, rf.fit_second_layer(Z, y, _PROBLEM.d)


def _as_numbers(raw, what: str) -> np.ndarray:
    """The learner's return value as a float array, or Incorrect naming what it was."""
    if isinstance(raw, dict):
        raise Incorrect(f"{what} returned a dict; return a numpy array of numbers")
    if isinstance(raw, (str, bytes)):
        raise Incorrect(f"{what} returned text; return a numpy array of numbers")
    if isinstance(raw, (tuple, list)) and len(raw) in (2, 3) and any(
        isinstance(item, (np.ndarray, tuple, list, str)) for item in raw
    ):
        raise Incorrect(f"{what} returned a {type(raw).__name__} of {len(raw)} items; return one numpy array")
    try:
        if np.iscomplexobj(raw):
            raise Incorrect(f"{what} returned complex numbers; expected real numbers (np.sqrt of a negative number?)")
        value = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"{what} should return an array of numbers, got {type(raw).__name__}") from None
    return value


def _finite(value: np.ndarray, what: str) -> None:
    if not np.all(np.isfinite(value)):
        raise Incorrect(f"{what} contains nan or inf")


# ----------------------------------------------------------------------------------------------
# Task 1: the Hessian-style score of a random feature
# ----------------------------------------------------------------------------------------------


def hessian_scores(a, Z):
    """Hessian-style score of each hidden neuron, |a_j| * ||Z[:, j]|| (reference solution).

    Removing neuron j changes the training predictions Z a by a_j Z[:, j], a vector of norm
    |a_j| ||Z[:, j]||; the training loss's Hessian diagonal is ||Z[:, j]||^2 / n. Works on a stack of
    models too: a of shape (trials, N) with Z of shape (trials, n, N).
    """
    a = np.asarray(a, dtype=float)
    Z = np.asarray(Z, dtype=float)
    return np.abs(a) * np.linalg.norm(Z, axis=-2)      # norm over the samples: one per column


def _task1_cases():
    """(a, Z): one model (three of them) and a stack of four models; one case with n = N."""
    rng = np.random.default_rng(9001)
    cases = []
    _, Z, _, a = _draw(50, 80, rng)
    cases.append((a, Z))
    _, Z, _, _ = _draw(30, 30, rng)                    # n = N: row norms have the right shape
    cases.append((rng.standard_normal(30), Z))
    _, Z, _, _ = _draw(25, 60, rng)
    Z = Z * 10.0 ** rng.uniform(-1.0, 1.0, 25)          # column scales over two decades
    cases.append((rng.standard_normal(25) / 5, Z))
    draws = [_draw(60, 40, rng) for _ in range(4)]
    cases.append((np.stack([dr[3] for dr in draws]), np.stack([dr[1] for dr in draws])))
    return cases


def _task1_wrong(a, Z):
    """(value, reason) pairs for the usual slips, each at both normalisations where it has one."""
    n = Z.shape[-2]
    col = np.linalg.norm(Z, axis=-2)
    sq = np.sum(Z**2, axis=-2)
    pairs = []
    for scale in (1.0, 1.0 / np.sqrt(n)):
        pairs += [
            (scale**2 * a**2 * sq, "you returned the squared score a_j^2 ||Z_j||^2 (the loss-increase form). It ranks "
             "the neurons the same way, but this task asks for the score in the units of the output, "
             "|a_j| ||Z_j||: take the square root"),
            (scale**2 * np.abs(a) * sq, "you multiplied |a_j| by the squared norm ||Z_j||^2 (a variance); the score "
             "uses the norm itself, |a_j| ||Z_j|| (like sqrt(lambda_i) |w_i| in exercise 05)"),
            (scale * a * col, "your scores keep the sign of a_j; a large negative weight matters as much as a "
             "large positive one: use |a_j|"),
            (scale * col * np.ones_like(a), "your scores depend only on the features; the score is the weight's "
             "magnitude times its feature's norm, |a_j| ||Z_j||"),
            (np.abs(a) / (scale * col), "you divided |a_j| by the feature's norm; the score multiplies: a neuron "
             "whose feature is large moves the output more"),
        ]
    centred = np.linalg.norm(Z - Z.mean(axis=-2, keepdims=True), axis=-2)
    pairs += [
        (np.abs(a) * centred, "you centred the features (np.std, or subtracting the column means): ReLU features "
         "have a nonzero mean, and removing neuron j removes a_j z_j mean included. Use the uncentred "
         "norm ||Z_j||"),
        (np.abs(a) * centred / np.sqrt(n), "you used the standard deviation of each column (np.std centres it): "
         "ReLU features have a nonzero mean, and removing neuron j removes a_j z_j mean included. Use the "
         "uncentred norm ||Z_j|| (or the root mean square sqrt(mean(Z_j^2)))"),
        (np.abs(a), "your scores ignore the features: that is magnitude pruning's score |a_j|; multiply each "
         "|a_j| by the norm of its column of Z"),
        (np.abs(a) * np.mean(np.abs(Z), axis=-2), "you used the mean |z_j| of each column; the score uses its "
         "norm ||Z_j|| (or its root mean square sqrt(mean(Z_j^2)))"),
        (np.abs(a) * centred**2 / n, "you used the variance of each column (np.var): that centres the feature "
         "and squares its size. Use the uncentred norm ||Z_j|| itself (or sqrt(mean(Z_j^2)))"),
        (np.abs(a) * col / n, "you divided the norm by n; the two accepted forms are |a_j| ||Z_j|| and the "
         "root-mean-square form |a_j| ||Z_j|| / sqrt(n)"),
    ]
    if Z.ndim == 2:
        pairs.append((np.abs(a) * np.linalg.norm(Z), "you multiplied |a_j| by one norm of the whole matrix Z; "
                      "each neuron needs the norm of its own column, np.linalg.norm(Z, axis=0)"))
    if Z.shape[-1] == n:
        rows = np.linalg.norm(Z, axis=-1)
        pairs += [(np.abs(a) * rows, "you used the norms of the rows of Z (one per training sample); a neuron's "
                   "feature is a column of Z: take the norm over the samples (axis=-2)"),
                  (np.abs(a) * rows / np.sqrt(n), "you used the norms of the rows of Z (one per training sample); "
                   "a neuron's feature is a column of Z: take the norm over the samples (axis=-2)")]
    return pairs


def _grade_task1(fn) -> None:
    for a, Z in _task1_cases():
        n, N = Z.shape[-2:]
        batched = a.ndim == 2
        shape_text = f"a of shape {a.shape} and Z of shape {Z.shape}"
        what = f"hessian_scores(a, Z) with {shape_text}"
        a_in, Z_in = a.copy(), Z.copy()
        try:
            raw = _quiet_call(fn, a_in, Z_in, what=what)
        except Incorrect as exc:
            if batched and "raised" in str(exc):
                raise Incorrect(
                    f"{exc}. Here a holds one model per row and Z one design per model: take the norms "
                    "along the sample axis (axis=-2) so that the same code serves one model and a stack"
                ) from None
            if "raised" in str(exc) and "broadcast" in str(exc):
                raise Incorrect(
                    f"{exc}. Each neuron needs one number from its column of Z (a norm over the {n} samples), "
                    f"to pair with its weight in a: {N} of them"
                ) from None
            raise
        if not (np.array_equal(a_in, a) and np.array_equal(Z_in, Z)):
            raise Incorrect("hessian_scores changed the arrays it was given; compute new scores and leave a and Z as they are")
        value = _as_numbers(raw, what)
        if value.shape != a.shape:
            if value.shape == Z.shape[:-1] and n != N:
                raise Incorrect(
                    f"{what} returned {value.shape}: one number per training sample. A neuron's feature is "
                    "a column of Z: take the norm over the samples (axis=-2), one score per neuron"
                )
            if batched:
                raise Incorrect(
                    f"{what} returned shape {value.shape}; expected {a.shape}, one score per neuron of "
                    "each model: take the norms along the sample axis (axis=-2), not axis=0"
                )
            raise Incorrect(f"{what} returned shape {value.shape}; expected {a.shape}, one score per neuron")
        _finite(value, what)
        expected = hessian_scores(a, Z)
        if _close(value, expected) or _close(value, expected / np.sqrt(n)):
            continue
        for wrong, reason in _task1_wrong(a, Z):
            if _close(value, wrong):
                raise Incorrect(reason)
        gap = np.max(np.abs(value - expected) / (np.abs(expected) + 1e-12))
        raise Incorrect(
            f"{what}: the scores are off by a relative {gap:.2g}. The score of neuron j is |a_j| times the "
            "norm of column j of Z (the size of what removing the neuron changes in the training predictions)"
        )


task1 = Check(
    label="Task 1 (Hessian-style scores of random features)",
    name="ex09.task1",
    grader=_grade_task1,
    hint=(
        "Column j of Z is neuron j's feature over the training set; np.linalg.norm(Z, axis=-2) gives one "
        "norm per column, for one design (n, N) and for a stack (trials, n, N) alike. Multiply by np.abs(a): "
        "broadcasting pairs each weight with its column."
    ),
    reference=hessian_scores,
)


# ----------------------------------------------------------------------------------------------
# Task 2: prune to s neurons and retrain
# ----------------------------------------------------------------------------------------------


def prune_and_retrain(Z, y, a, s, rule):
    """Keep the s neurons ranked best by rule, refit least squares on them, zeros elsewhere (reference)."""
    Z, y, a = np.asarray(Z, dtype=float), np.asarray(y, dtype=float), np.asarray(a, dtype=float)
    if rule == "magnitude":
        scores = np.abs(a)
    elif rule == "hessian":
        scores = hessian_scores(a, Z)                         # Task 1
    else:
        raise ValueError(f"rule must be 'magnitude' or 'hessian', got {rule!r}")
    keep = np.argsort(-scores, kind="stable")[:s]             # the s best neurons
    w = np.zeros(a.shape)
    w[keep] = np.linalg.lstsq(Z[:, keep], y, rcond=None)[0]   # least squares on the kept features only
    return w


def _library_mask(Z, a, s, rule):
    if rule == "magnitude":
        return prune.magnitude_mask(a, s)
    return prune.hessian_mask(a, s, prune.column_variances(Z))


def _task2_cases():
    """(Z, y, a, s, rule): over- and underparameterized large models; both rules on the same fit."""
    rng = np.random.default_rng(9002)
    _, Z, y, a = _draw(300, 100, rng)
    cases = [(Z, y, a, 20, "magnitude"), (Z, y, a, 20, "hessian")]
    _, Z, y, a = _draw(60, 80, rng)
    cases.append((Z, y, a, 15, "hessian"))
    _, Z, y, a = _draw(150, 60, rng)
    cases.append((Z, y, a, 30, "magnitude"))
    return cases


def _support_reason(support, Z, y, a, s, rule):
    """Why the learner's kept neurons differ from the rule's, when a usual slip explains it."""
    def top(scores):
        return prune.top_s_mask(scores, s)

    col = np.linalg.norm(Z, axis=0)
    candidates = [
        (top(-np.abs(a)), "you kept the s neurons of *smallest* score; keep the largest"),
        (top(a), "you ranked the signed weights; a large negative weight matters as much as a large positive "
         "one: rank |a_j|" if rule == "magnitude" else "you ranked signed scores; use |a_j| ||Z_j||"),
        (np.arange(a.size) < s, "you kept the first s neurons: that is the small model trained directly on s "
         "random features, not pruning; rank the neurons by the rule's score"),
    ]
    if rule == "hessian":
        candidates.insert(0, (top(np.abs(a)), "for rule='hessian' you ranked by |a_j| alone (magnitude pruning); "
                              "rank by your Task 1 score |a_j| ||Z_j||"))
        candidates.append((top(np.abs(a) * col**2), "you ranked by |a_j| ||Z_j||^2; the Hessian score is "
                           "|a_j| ||Z_j|| (Task 1)"))
        centred = np.linalg.norm(Z - Z.mean(axis=0), axis=0)
        candidates.append((top(np.abs(a) * centred), "you ranked by |a_j| times the *centred* size of Z_j "
                           "(np.std?); the Hessian score uses the uncentred norm ||Z_j|| (Task 1)"))
    else:
        candidates.insert(0, (top(np.abs(a) * col), "for rule='magnitude' you ranked by the Hessian score; "
                              "magnitude pruning ranks |a_j| alone"))
    for mask, reason in candidates:
        if np.array_equal(support, mask):
            return reason
    return None


def _grade_task2(fn) -> None:
    for Z, y, a, s, rule in _task2_cases():
        n, N = Z.shape
        what = f"prune_and_retrain(Z, y, a, s={s}, rule={rule!r}) with n = {n}, N = {N}"
        a_in = a.copy()
        raw = _quiet_call(fn, Z.copy(), y.copy(), a_in, s, rule, what=what)
        if not np.array_equal(a_in, a):
            raise Incorrect("prune_and_retrain changed the array a it was given; build a new weight vector")
        if isinstance(raw, (tuple, list)) and len(raw) == 2 and np.shape(raw[0]) == (N,):
            raise Incorrect(f"{what} returned a pair; return only the retrained weights, one array of N = {N}")
        if isinstance(raw, np.ndarray) and raw.dtype == bool:
            raise Incorrect(f"{what} returned a boolean array (the mask?); return the retrained weights, "
                            f"N = {N} numbers with zeros at the pruned neurons")
        value = _as_numbers(raw, what)
        if value.shape == (s,):
            raise Incorrect(
                f"{what} returned only the {s} kept weights; return all N = {N} weights, with zeros at the "
                "pruned neurons, so that the result is a second layer like any other"
            )
        if value.shape != (N,):
            raise Incorrect(f"{what} returned shape {value.shape}; expected ({N},)")
        _finite(value, what)
        mask = _library_mask(Z, a, s, rule)
        expected = prune.retrain(Z, y, mask)
        if _near(value, expected):
            continue
        if _close(value, a, rtol=1e-9, atol=1e-12) or _close(value, fit.min_norm_least_squares(Z, y), rtol=1e-6, atol=1e-9):
            raise Incorrect(
                f"{what} returned the dense fit on all N features (the large model's weights unchanged, or least "
                "squares refitted on every feature); prune to s neurons, refit on the kept features only "
                "(Z[:, keep]) and put zeros at the pruned neurons"
            )
        support = value != 0
        kept = int(support.sum())
        if kept != s:
            if kept > s and np.allclose(value[mask], expected[mask], rtol=1e-6, atol=1e-9):
                raise Incorrect(f"{what}: the pruned neurons must have weight exactly zero")
            raise Incorrect(f"{what} has {kept} nonzero weights where s = {s} neurons were to be kept; keep "
                            "exactly s (np.argsort gives a ranking; take its first s)")
        if not np.array_equal(support, mask):
            reason = _support_reason(support, Z, y, a, s, rule)
            raise Incorrect(
                f"{what}: {reason}" if reason else
                f"{what} kept other neurons than the rule picks; keep the s largest scores of the dense fit a"
            )
        if _close(value, np.where(mask, a, 0.0), rtol=1e-9, atol=1e-12):
            raise Incorrect(f"{what} kept the large model's weights on the kept neurons (pruning without "
                            "retraining); refit least squares on the kept features")
        Zs = Z[:, mask]
        gradient = Zs.T @ (y - Zs @ value[mask])
        if np.linalg.norm(gradient) > 1e-6 * np.linalg.norm(Zs.T @ y):
            raise Incorrect(
                f"{what}: the kept weights do not minimise ||y - Z_S b||^2 — the residual must be orthogonal "
                "to every kept column. Use plain least squares (np.linalg.lstsq), not ridge or a fixed number "
                "of gradient steps"
            )
        raise Incorrect(f"{what}: the kept weights are off; they should be the least-squares fit of y on Z[:, keep]")


task2 = Check(
    label="Task 2 (prune and retrain)",
    name="ex09.task2",
    grader=_grade_task2,
    hint=(
        "Scores: np.abs(a) for 'magnitude', your hessian_scores(a, Z) for 'hessian'. keep = "
        "np.argsort(-scores)[:s] lists the s best neurons. Then w = np.zeros(len(a)) and "
        "w[keep] = np.linalg.lstsq(Z[:, keep], y, rcond=None)[0]."
    ),
    reference=prune_and_retrain,
)


# ----------------------------------------------------------------------------------------------
# Task 3: the best weights on a support, from the second moments
# ----------------------------------------------------------------------------------------------


def best_weights_on_support(K, r, support):
    """b_S = K_SS^{-1} r_S, the best second-layer weights on the neurons in support (reference solution).

    The risk of weights b on S is noise_var + ||beta||^2 - 2 b^T r_S + b^T K_SS b; its gradient
    vanishes where K_SS b = r_S.
    """
    K, r = np.asarray(K, dtype=float), np.asarray(r, dtype=float)
    S = np.asarray(support)
    return np.linalg.solve(K[np.ix_(S, S)], r[S])


def _random_moments(rng, N: int, k: int):
    A = rng.standard_normal((N, k))
    return A @ A.T / k + 0.1 * np.eye(N), rng.standard_normal(N)


def _task3_cases():
    """(K, r, support): two random-features draws (one with a magnitude support), one random SPD."""
    rng = np.random.default_rng(9003)
    theta = _PROBLEM.draw_first_layer(60, rng)
    K, r = _PROBLEM.second_moments(theta)
    cases = [(K, r, np.array([41, 3, 17, 58, 9, 30, 0, 22]))]           # unsorted
    theta, _, _, a = _draw(200, 100, rng)
    K, r = _PROBLEM.second_moments(theta)
    cases.append((K, r, np.flatnonzero(prune.magnitude_mask(a, 20))))
    K, r = _random_moments(rng, 15, 4)
    cases.append((K, r, np.array([11, 2, 7, 13, 5])))
    return cases


def _task3_wrong(K, r, S):
    K_SS = K[np.ix_(S, S)]
    return (
        (r[S], "you returned r_S; the kept neurons are correlated (K_SS is not the identity): solve K_SS b = r_S"),
        (np.linalg.solve(K, r)[S], "you solved with the whole K and then kept the entries in S — those are the "
         "best weights when every neuron is kept. Once the others are pruned, the kept ones must do the work "
         "alone: solve with the block K_SS = K[np.ix_(S, S)]"),
        (r[S] / np.diag(K_SS), "you fitted each kept neuron on its own (r_j / K_jj); the kept neurons are strongly "
         "correlated, so solve the s x s system K_SS b = r_S jointly"),
        (K_SS @ r[S], "you multiplied r_S by K_SS; solve the linear system K_SS b = r_S instead (np.linalg.solve)"),
        (np.linalg.solve(K_SS, r[S]) / 2, "your weights are half the best ones: with r = E[z y] the risk is "
         "const - 2 b^T r_S + b^T K_SS b, whose minimiser is K_SS^{-1} r_S"),
        (2 * np.linalg.solve(K_SS, r[S]), "your weights are twice the best ones: the minimiser of "
         "const - 2 b^T r_S + b^T K_SS b is K_SS^{-1} r_S"),
    )


def _grade_task3(fn) -> None:
    for K, r, S in _task3_cases():
        N, s = r.size, S.size
        what = f"best_weights_on_support(K, r, support) with N = {N} neurons, support of size {s}"
        raw = _quiet_call(fn, K.copy(), r.copy(), S.copy(), what=what)
        if isinstance(raw, (tuple, list)) and len(raw) == 2 and not np.isscalar(raw[0]):
            raise Incorrect(f"{what} returned a pair; return only b_S, one array of {s} weights")
        value = _as_numbers(raw, what)
        expected = best_weights_on_support(K, r, S)
        if value.shape == (N,) and s < N:
            if _close(value[S], expected) and np.all(np.delete(value, S) == 0):
                raise Incorrect(
                    f"{what} returned all N = {N} weights with zeros off the support; return only the {s} "
                    "kept weights, in the order of support (entry k belongs to neuron support[k])"
                )
            raise Incorrect(f"{what} returned {N} numbers, one per neuron of the layer; return one weight per "
                            f"kept neuron, shape ({s},), in the order of support")
        if value.shape != (s,):
            raise Incorrect(f"{what} returned shape {value.shape}; expected ({s},)")
        _finite(value, what)
        if _near(value, expected):
            continue
        if not np.array_equal(S, np.sort(S)) and _near(value, best_weights_on_support(K, r, np.sort(S))):
            raise Incorrect("your weights belong to the sorted support; return them in the order of `support` "
                            "(entry k belongs to neuron support[k])")
        for wrong, reason in _task3_wrong(K, r, S):
            if _near(value, wrong):
                raise Incorrect(reason)
        gap = np.max(np.abs(value - expected)) / np.max(np.abs(expected))
        raise Incorrect(
            f"{what}: b_S is off by a relative {gap:.2g}. Write the risk of weights b on the kept neurons with "
            "K_SS and r_S, set its gradient to zero and solve for b"
        )


task3 = Check(
    label="Task 3 (best weights on the kept neurons)",
    name="ex09.task3",
    grader=_grade_task3,
    hint=(
        "The risk of weights b on S is const - 2 b^T r_S + b^T K_SS b; its gradient is zero where "
        "K_SS b = r_S. Take the block with K[np.ix_(support, support)] and the entries r[support], then "
        "np.linalg.solve."
    ),
    reference=best_weights_on_support,
)


# ----------------------------------------------------------------------------------------------
# Task 4: the cost of keeping the large model's weights
# ----------------------------------------------------------------------------------------------


def pruning_cost(K, r, a, support):
    """(a_S - b_S)^T K_SS (a_S - b_S): what the pruned model pays on top of the floor of S (reference).

    With b_S from Task 3, the risk of a_S (zeros elsewhere) is exactly floor_S + this cost, where
    floor_S = noise_var + ||beta||^2 - r_S^T b_S is the risk of b_S.
    """
    K, a = np.asarray(K, dtype=float), np.asarray(a, dtype=float)
    S = np.asarray(support)
    g = a[S] - best_weights_on_support(K, r, S)      # Task 3
    return float(g @ K[np.ix_(S, S)] @ g)


def _task4_cases():
    """(K, r, a, support): a random-features fit with its magnitude support and a random support; random SPD."""
    rng = np.random.default_rng(9004)
    theta, _, _, a = _draw(150, 100, rng)
    K, r = _PROBLEM.second_moments(theta)
    cases = [(K, r, a, np.flatnonzero(prune.magnitude_mask(a, 20))),
             (K, r, a, np.array([77, 4, 120, 35, 9, 61, 142, 18, 99, 50]))]
    K, r = _random_moments(rng, 12, 3)
    cases.append((K, r, rng.standard_normal(12), np.array([8, 1, 10, 4])))
    return cases


def _task4_wrong(K, r, a, S):
    s = S.size
    K_SS = K[np.ix_(S, S)]
    b = best_weights_on_support(K, r, S)
    g = a[S] - b
    padded = np.zeros(a.size)
    padded[S] = b
    full = a - padded
    g_first = a[:s] - b
    g_r = a[S] - r[S]
    g_all = a[S] - np.linalg.solve(K, r)[S]
    cost = g @ K_SS @ g
    return (
        (g @ g, "you measured a_S - b_S with the plain sum of squares; the risk measures it with the second "
         "moments of the kept features: (a_S - b_S)^T K_SS (a_S - b_S)"),
        (g @ np.linalg.solve(K_SS, g), "you used K_SS^{-1}; the cost is (a_S - b_S)^T K_SS (a_S - b_S)"),
        (np.sqrt(cost), "that is the square root of the cost; the cost is the quadratic form itself, an excess risk"),
        (full @ K @ full, "you kept all N weights of a; the pruned model keeps only a[support], the other "
         "neurons are gone: use a_S = a[support] and K_SS"),
        (g_first @ K_SS @ g_first, "you took the first s weights a[:s]; the kept neurons are those listed in "
         "support: a_S = a[support]"),
        (g_r @ K_SS @ g_r, "you used r_S in place of b_S; the best weights on S are b_S = K_SS^{-1} r_S (Task 3)"),
        (g_all @ K_SS @ g_all, "your b_S comes from the whole K (the best weights when every neuron is kept); "
         "use b_S of Task 3, solved with K_SS"),
        (a[S] @ K_SS @ a[S] - 2 * a[S] @ r[S], "that is the pruned model's risk up to the constant "
         "noise_var + ||beta||^2; the cost is what it pays on top of the floor, the risk of b_S — measure "
         "the distance from b_S"),
        (a[S] @ K_SS @ a[S], "that is a_S^T K_SS a_S, the power of the pruned model's output; the cost is "
         "measured from the best weights b_S: (a_S - b_S)^T K_SS (a_S - b_S)"),
        (cost / 2, "that is half the cost: the risk R(b) = const - 2 b^T r_S + b^T K_SS b has no factor 1/2, "
         "so R(a_S) - floor_S = (a_S - b_S)^T K_SS (a_S - b_S)"),
    ) + _sorted_mismatch(K, r, a, S)


def _sorted_mismatch(K, r, a, S):
    """b_S of the sorted support paired with a[support] in the given order (or the other way round)."""
    if np.array_equal(S, np.sort(S)):
        return ()
    Ss = np.sort(S)
    b_sorted = best_weights_on_support(K, r, Ss)
    reason = ("a_S and b_S are in different orders (one follows sorted(support), the other support): pair "
              "entry k of both with neuron support[k], and use K_SS in that same order")
    pairs = []
    for g, M in ((a[S] - b_sorted, K[np.ix_(S, S)]), (a[S] - b_sorted, K[np.ix_(Ss, Ss)]),
                 (a[Ss] - best_weights_on_support(K, r, S), K[np.ix_(S, S)])):
        pairs.append((g @ M @ g, reason))
    return tuple(pairs)


def _grade_task4(fn) -> None:
    for K, r, a, S in _task4_cases():
        N, s = a.size, S.size
        what = f"pruning_cost(K, r, a, support) with N = {N}, support of size {s}"
        raw = _quiet_call(fn, K.copy(), r.copy(), a.copy(), S.copy(), what=what)
        if isinstance(raw, (tuple, list)):
            raise Incorrect(f"{what} returned a {type(raw).__name__}; return one number, the cost")
        if isinstance(raw, (str, bytes)):
            raise Incorrect(f"{what} returned text; return the cost as a number")
        if isinstance(raw, dict):
            raise Incorrect(f"{what} returned a dict; return the cost as a number")
        value = expect_number(raw, what=what)
        expected = pruning_cost(K, r, a, S)
        if np.isclose(value, expected, rtol=PRECISION, atol=1e-12):
            continue
        for wrong, reason in _task4_wrong(K, r, a, S):
            if np.isclose(value, wrong, rtol=PRECISION, atol=1e-12):
                raise Incorrect(reason)
        raise Incorrect(
            f"{what} is off by a relative {abs(value - expected) / expected:.2g}. Check it: floor + cost must "
            "equal the exact risk of the pruned model (a_S on S, zeros elsewhere)"
        )


task4 = Check(
    label="Task 4 (the cost of keeping the large model's weights)",
    name="ex09.task4",
    grader=_grade_task4,
    hint=(
        "b_S = best_weights_on_support(K, r, support) from Task 3; g = a[support] - b_S; return "
        "g @ K[np.ix_(support, support)] @ g. To test it, compare floor + cost with the exact risk of the "
        "pruned model, noise_var + ||beta||^2 - 2 a_S^T r_S + a_S^T K_SS a_S."
    ),
    reference=pruning_cost,
)


# ----------------------------------------------------------------------------------------------
# Task 5: how much pruning a wide model beats the small model, by simulation
# ----------------------------------------------------------------------------------------------


def task5_problem():
    """The exercise's problem: d = 20 Gaussian inputs, noise variance 0.04, teacher drawn from PROBLEM_SEED."""
    return rf.random_features_problem(d=D, noise_var=NOISE_VAR, inputs="gaussian", rng=PROBLEM_SEED)


@functools.lru_cache(maxsize=1)
def _task5_sweep():
    """The check's own run of the sweep (N = TASK5_WIDTH only: the draws are those of any grid ending there)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return experiments.random_features_pruning_sweep(
            task5_problem(), N_TRAIN, [TASK5_WIDTH], S_KEEP, trials=TASK5_TRIALS, seed=TASK5_SEED
        )


def task5_answer() -> float:
    """Ratio of the median excess risks, magnitude + retraining (N = 1000) over the small model (s = 40)."""
    sweep = _task5_sweep()
    pruned = np.median(sweep["magnitude+retrain"].values[:, -1] - NOISE_VAR)
    small = np.median(sweep["small"].values[:, -1] - NOISE_VAR)
    return float(pruned / small)


def _task5_wrong():
    """(value, reason) for the usual slips, computed from the check's own sweep."""
    sweep = _task5_sweep()

    def col(key, noise=NOISE_VAR):
        return sweep[key].values[:, -1] - noise

    small = np.median(col("small"))
    pairs = [
        (np.median(col("magnitude+retrain", 0.0)) / np.median(col("small", 0.0)),
         "that is the ratio of the risks including the label noise; the task asks for excess risks "
         "(subtract problem.noise_var from both)"),
        (small / np.median(col("magnitude+retrain")), "your ratio is upside down: the pruned model's excess "
         "risk over the small model's"),
        (np.median(col("magnitude")) / small, "that is magnitude pruning *without* retraining (the key "
         "'magnitude'); use 'magnitude+retrain'"),
        (np.median(col("hessian+retrain")) / small, "that is Hessian pruning with retraining; the task asks "
         "for magnitude pruning ('magnitude+retrain')"),
        (np.median(col("random+retrain")) / small, "that is a random support with retraining; the task asks "
         "for magnitude pruning ('magnitude+retrain')"),
        (np.median(col("dense")) / small, "that is the dense model of width 1000; the task asks for it pruned to "
         "s neurons and retrained ('magnitude+retrain')"),
        (np.mean(col("magnitude+retrain")) / np.mean(col("small")), "that is a ratio of means; the task asks for "
         "the ratio of the medians over the trials"),
        (np.median(col("magnitude+retrain") / col("small")), "that is the median of the per-trial ratios; the "
         "task asks for the ratio of the two medians"),
        (np.median(col("magnitude+retrain")) / np.median(col("small", 0.0)), "you subtracted the noise from the "
         "pruned model's risk only; both medians are excess risks (subtract problem.noise_var from both)"),
        (np.median(col("magnitude+retrain", 0.0)) / small, "you subtracted the noise from the small model's risk "
         "only; both medians are excess risks (subtract problem.noise_var from both)"),
    ]
    ratio = np.median(col("magnitude+retrain")) / small
    pairs += [
        (100 * ratio, "that looks like a percentage; give the ratio as a plain number (a fraction, not x 100)"),
        (1 - ratio, "that is the relative gain, 1 - ratio; the task asks for the ratio itself"),
    ]
    return pairs


#: Relative tolerance of Task 5 (the answer may be rounded to three significant digits).
TASK5_RTOL = 0.005


def _grade_task5(answer) -> None:
    if answer is Ellipsis:
        raise NotAttempted()
    if isinstance(answer, (tuple, list, dict, str, bytes)):
        raise Incorrect(f"answer should be one number, got a {type(answer).__name__}")
    value = expect_number(answer, what="answer")
    expected = task5_answer()
    if abs(value - expected) <= TASK5_RTOL * expected:
        return
    near = [(abs(value - wrong) / abs(wrong), reason) for wrong, reason in _task5_wrong()]
    near = [pair for pair in near if pair[0] <= 0.6 * TASK5_RTOL]
    if near:
        raise Incorrect(min(near)[1])      # the closest slip, when two of them give similar numbers
    if value <= 0:
        raise Incorrect(f"answer = {value:.3g}: a ratio of two excess risks is positive")
    raise Incorrect(
        f"answer = {value:.4g} is off by a relative {abs(value - expected) / expected:.2g}. Use the sweep of the "
        f"cell above as it is (seed, {TASK5_TRIALS} trials): the column of N = {TASK5_WIDTH}, the median over the "
        "trials of each excess risk, then their ratio"
    )


task5 = Check(
    label="Task 5 (prune a wide model, or train the small one?)",
    name="ex09.task5",
    grader=_grade_task5,
    hint=(
        "sweep['magnitude+retrain'].values has one row per trial and one column per width; pick the column "
        "of N = 1000 (list(NS).index(1000), or -1 if it is the last), subtract problem.noise_var, take "
        "np.median over the trials; the same for sweep['small']; divide."
    ),
    reference=(
        "j = list(NS).index(1000)\n"
        "pruned = np.median(sweep['magnitude+retrain'].values[:, j] - problem.noise_var)\n"
        "small = np.median(sweep['small'].values[:, j] - problem.noise_var)\n"
        "answer = pruned / small\n"
    ),
)
