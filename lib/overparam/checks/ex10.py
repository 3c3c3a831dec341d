"""Checks for exercise 10 — pruning a small neural network.

The network is :class:`overparam.nn.TwoLayerNet` (``W1`` of shape (k, n_in), ``b1`` (k,), ``W2``
(n_out, k), ``b2`` (n_out,)). Masks are handed to and from the learner's functions as a **pair**
``(M1, M2)`` of boolean arrays of the shapes of ``W1`` and ``W2`` (``True`` = kept). Four tasks, each
graded on the grader's own seeded networks and data:

1. ``global_magnitude_mask(net, budget)`` — keep exactly ``budget`` weights of largest ``|w|`` over
   ``W1`` and ``W2`` together (one threshold; biases neither ranked nor counted). Ties may be broken
   either way, but the count must be exactly ``budget``. Mistakes named: a threshold per layer,
   keeping every tied weight (budget + ties), ranking the biases too, keeping the smallest, ranking
   signed weights, returning the pruned weights or 0/1 numbers.
2. ``train_masked(net, X, y, steps, lr, masks)`` — full-batch Adam (``beta1 = 0.9``,
   ``beta2 = 0.999``, ``eps = 1e-8``, bias correction) on the softmax cross-entropy, with the
   weights multiplied by the masks once and the gradients at every step, so pruned weights stay
   exactly zero. Compared with :func:`overparam.nn.train`. Mistakes named: masking only the
   starting weights (the gradients revive the pruned ones), masking only the gradients (the pruned
   weights keep their starting values), masking only at the end, no bias correction, plain gradient
   descent, eps inside the square root, biases not trained, one step too many or too few, changing
   the input network.
3. ``live_hidden_units(masks)`` — the number of hidden units with at least one kept incoming weight
   (a ``True`` in row ``j`` of ``M1``) and at least one kept outgoing weight (column ``j`` of
   ``M2``). Mistakes named: counting incoming only, outgoing only, either, the dead units, weights.
4. A measurement, ``(no_retrain_error, retrained_error, live_units)``: the width-64 network of the
   notebook (:data:`TASK4`) pruned by global magnitude to the budget of the dense width-8 network;
   its test error without retraining, after rewinding to the initialisation and retraining with the
   mask, and its live hidden units. Graded by the grader's own seeded run with :mod:`overparam.nn`
   (about 3 s, once per session).

Use in the notebook: ``from overparam.checks import ex10`` then ``ex10.task1.check(global_magnitude_mask)``.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np

from .. import nn
from . import Check, Incorrect, NotAttempted, expect_number
from . import call_quietly as _quiet_call

__all__ = ["task1", "task2", "task3", "task4", "TASK4", "MaskPair"]

_PARAMS = ("W1", "b1", "W2", "b2")


class MaskPair(nn.Masks):
    """Masks that are also the pair ``(M1, M2)``: ``M1, M2 = masks`` and ``masks.W1`` both work.

    The checks hand the learner's functions their masks in this form, so that a function written for
    the pair and the library's functions (which take :class:`overparam.nn.Masks`) both accept them.
    """

    def __iter__(self):
        return iter((self.W1, self.W2))

    def __len__(self) -> int:
        return 2

    def __getitem__(self, index):
        return (self.W1, self.W2)[index]


# ----------------------------------------------------------------------------------------------
# Reference solutions (printed by .solution())
# ----------------------------------------------------------------------------------------------


def global_magnitude_mask(net, budget):
    """Keep the ``budget`` weights of largest |w| over W1 and W2 together (reference solution)."""
    scores = np.concatenate([np.abs(net.W1).ravel(), np.abs(net.W2).ravel()])  # biases are not ranked
    keep = np.argsort(-scores, kind="stable")[:budget]  # exactly budget positions (ties: lower index)
    flat = np.zeros(scores.size, dtype=bool)
    flat[keep] = True
    M1 = flat[: net.W1.size].reshape(net.W1.shape)
    M2 = flat[net.W1.size :].reshape(net.W2.shape)
    return M1, M2


def train_masked(net, X, y, steps, lr, masks):
    """Full-batch Adam with pruned weights held at exactly zero (reference solution)."""
    M1, M2 = masks
    net = nn.TwoLayerNet(net.W1 * M1, net.b1.copy(), net.W2 * M2, net.b2.copy())  # prune once: a new net
    keep = {"W1": M1, "b1": True, "W2": M2, "b2": True}  # biases are always trained
    m = {name: np.zeros_like(getattr(net, name)) for name in keep}
    v = {name: np.zeros_like(getattr(net, name)) for name in keep}
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        _, grads = nn.loss_and_gradients(net, X, y)
        for name in keep:
            g = getattr(grads, name) * keep[name]  # masked gradient: the pruned moments stay zero
            m[name] = beta1 * m[name] + (1 - beta1) * g
            v[name] = beta2 * v[name] + (1 - beta2) * g**2
            m_hat = m[name] / (1 - beta1**t)
            v_hat = v[name] / (1 - beta2**t)
            setattr(net, name, getattr(net, name) - lr * m_hat / (np.sqrt(v_hat) + eps))
    return net


def live_hidden_units(masks):
    """Hidden units with a kept incoming and a kept outgoing weight (reference solution)."""
    M1, M2 = masks
    incoming = M1.any(axis=1)  # row j of M1: the weights into unit j
    outgoing = M2.any(axis=0)  # column j of M2: the weights out of unit j
    return int(np.sum(incoming & outgoing))


# ----------------------------------------------------------------------------------------------
# Shared helpers
# ----------------------------------------------------------------------------------------------


def _net(W1, b1, W2, b2) -> nn.TwoLayerNet:
    return nn.TwoLayerNet(*(np.asarray(p, dtype=np.float32) for p in (W1, b1, W2, b2)))


def _same_net(a: nn.TwoLayerNet, b: nn.TwoLayerNet) -> bool:
    return all(np.array_equal(getattr(a, p), getattr(b, p)) for p in _PARAMS)


def _pair_of_arrays(raw, shapes, what: str) -> tuple[np.ndarray, np.ndarray]:
    """The learner's ``(M1, M2)`` as two arrays of the expected shapes (any dtype), or Incorrect."""
    if isinstance(raw, nn.TwoLayerNet):
        raise Incorrect(f"{what} returned a network; return the masks, the pair (M1, M2) of boolean arrays")
    if hasattr(raw, "W1") and hasattr(raw, "W2") and not isinstance(raw, (tuple, list, np.ndarray)):
        raw = (raw.W1, raw.W2)  # a Masks object (the library's return value) is accepted too
    if isinstance(raw, np.ndarray):
        raise Incorrect(
            f"{what} returned one array of shape {raw.shape}; return the pair (M1, M2), one boolean mask "
            "for W1 and one for W2"
        )
    if isinstance(raw, dict):
        raise Incorrect(f"{what} returned a dict; return the pair (M1, M2) as a tuple")
    if not isinstance(raw, (tuple, list)):
        raise Incorrect(f"{what} should return a pair (M1, M2) of boolean arrays, got {type(raw).__name__}")
    if len(raw) == 4:
        raise Incorrect(
            f"{what} returned 4 arrays; biases are neither pruned nor counted in the budget: return only "
            "the two weight masks (M1, M2)"
        )
    if len(raw) != 2:
        raise Incorrect(f"{what} returned {len(raw)} items; expected the pair (M1, M2)")
    arrays = []
    for name, item in zip(("M1", "M2"), raw):
        if item is Ellipsis or item is None or isinstance(item, (str, bytes, dict)):
            raise Incorrect(f"{what}: {name} is {type(item).__name__}, not an array")
        try:
            arr = np.asarray(item)
        except (TypeError, ValueError):
            raise Incorrect(f"{what}: {name} is not an array") from None
        if arr.dtype == object or arr.dtype.kind not in "biuf":
            raise Incorrect(f"{what}: {name} is an array of dtype {arr.dtype}; expected a boolean mask")
        arrays.append(arr)
    M1, M2 = arrays
    if M1.shape == shapes[1] and M2.shape == shapes[0] and shapes[0] != shapes[1]:
        raise Incorrect(f"{what} returned the masks in the wrong order; the first goes with W1 {shapes[0]}, the second with W2 {shapes[1]}")
    for name, arr, shape, layer in zip(("M1", "M2"), arrays, shapes, ("W1", "W2")):
        if arr.shape != shape:
            raise Incorrect(f"{what}: {name} has shape {arr.shape}; expected the shape of {layer}, {shape}")
    return M1, M2


def _as_bool_masks(M1: np.ndarray, M2: np.ndarray, net, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Check that the two arrays are boolean masks; name the usual slips otherwise."""
    if M1.dtype == bool and M2.dtype == bool:
        return M1, M2
    both = (M1, M2)
    if all(np.all(np.isin(a, (0, 1))) for a in both):
        raise Incorrect(
            f"{what} returned 0/1 numbers (dtype {M1.dtype}, {M2.dtype}); return boolean arrays (dtype bool), "
            "e.g. np.zeros(W1.shape, dtype=bool) with the kept entries set to True"
        )
    if all(a.dtype.kind == "f" for a in both):
        kept1, kept2 = M1 != 0, M2 != 0
        if np.array_equal(M1[kept1], net.W1[kept1]) and np.array_equal(M2[kept2], net.W2[kept2]):
            raise Incorrect(
                f"{what} returned the pruned weights (W with zeros); return the masks themselves, boolean "
                "arrays that are True where a weight is kept"
            )
    raise Incorrect(f"{what} returned arrays of dtype {M1.dtype} and {M2.dtype}; return boolean masks (dtype bool)")


# ----------------------------------------------------------------------------------------------
# Task 1: global magnitude mask
# ----------------------------------------------------------------------------------------------


def _is_top(kept: np.ndarray, scores: np.ndarray) -> bool:
    """True when no dropped score is larger than a kept one."""
    if kept.all() or not kept.any():
        return True
    return bool(scores[kept].min() >= scores[~kept].max())


def _flat(net) -> np.ndarray:
    return np.concatenate([net.W1.ravel(), net.W2.ravel()]).astype(float)


def _with_biases_mask(net, budget: int) -> np.ndarray:
    """The weights a ranking over weights AND biases keeps (flat over W1, W2)."""
    params = np.concatenate([np.abs(getattr(net, p)).ravel().astype(float) for p in _PARAMS])
    is_weight = np.concatenate([np.full(getattr(net, p).size, p.startswith("W")) for p in _PARAMS])
    keep = np.zeros(params.size, dtype=bool)
    keep[np.argsort(-params, kind="stable")[:budget]] = True
    return keep[is_weight]


def _tie_budget(net) -> int:
    """A budget whose cut falls inside a group of tied magnitudes (used to build the tie case)."""
    a = np.sort(np.abs(_flat(net)))[::-1]
    for b in range(a.size // 3, a.size - 1):
        if a[b - 1] == a[b] and a[b - 2] == a[b - 1]:
            return b
    raise AssertionError("no tie in the tie case")


def _task1_cases():
    """(net, budget, has_ties): layers of different scales, large biases, ties across layers, keep-all."""
    rng = np.random.default_rng(10001)
    cases = []
    # a width-12 net whose output layer is larger than its first layer, with large biases
    base = nn.init_network(12, rng)
    cases.append((_net(base.W1, rng.normal(0, 1.0, 12), 2.5 * base.W2, rng.normal(0, 1.5, 10)), nn.weight_budget(3), False))
    # He initialisation at width 24 (similar scales), negative entries among the largest
    base = nn.init_network(24, rng)
    W1 = base.W1.copy()
    big = np.argsort(-np.abs(W1).ravel())[:40]
    W1.ravel()[big] = -np.abs(W1.ravel()[big])
    cases.append((_net(W1, rng.normal(0, 0.5, 24), base.W2, rng.normal(0, 0.5, 10)), nn.weight_budget(4), False))
    # ties: magnitudes on a grid of 0.25, the cut inside a group shared by both layers
    tied = _net(rng.integers(-3, 4, (6, 8)) * 0.25, rng.normal(0, 1, 6), rng.integers(-3, 4, (3, 6)) * 0.25,
                rng.normal(0, 1, 3))
    cases.append((tied, _tie_budget(tied), True))
    # a tiny net whose first layer is ten times smaller: global pruning keeps almost only W2
    cases.append((_net(rng.normal(0, 0.1, (4, 5)), rng.normal(0, 2, 4), rng.normal(0, 1, (3, 4)),
                       rng.normal(0, 2, 3)), 10, False))
    # keep every weight
    base = nn.init_network(5, rng)
    cases.append((base, base.n_weights, False))
    return cases


def _grade_task1(fn) -> None:
    for net, budget, ties in _task1_cases():
        shapes = (net.W1.shape, net.W2.shape)
        what = f"global_magnitude_mask(net, budget={budget}) with W1 of shape {shapes[0]} and W2 of shape {shapes[1]}"
        given = net.copy()
        raw = _quiet_call(fn, given, budget, what=what)
        if not _same_net(given, net):
            raise Incorrect(f"{what}: your function changed the network it was given; build new masks and leave net as it is")
        M1, M2 = _as_bool_masks(*_pair_of_arrays(raw, shapes, what), net, what)
        kept = np.concatenate([M1.ravel(), M2.ravel()])
        count = int(kept.sum())
        scores = np.abs(_flat(net))
        if count == budget and _is_top(kept, scores):
            continue
        if count > budget and _is_top(kept, scores):
            if ties:
                raise Incorrect(
                    f"{what} kept {count} weights where budget = {budget}, on a network with tied magnitudes "
                    "at the cut. A threshold rule (keep every |w| >= the budget-th largest) keeps all the tied "
                    "weights; rank the weights instead (np.argsort) and keep exactly budget of them"
                )
            raise Incorrect(f"{what} kept {count} weights where budget = {budget}; keep exactly budget")
        if count < budget and np.array_equal(kept, _with_biases_mask(net, budget)):
            raise Incorrect(
                f"{what} kept {count} weights where budget = {budget}: your ranking included the biases. "
                "Biases are neither pruned nor counted in the budget; rank |W1| and |W2| only"
            )
        if count < budget and _is_top(kept, scores):
            raise Incorrect(
                f"{what} kept {count} weights where budget = {budget}: the largest ones, but too few. A strict "
                "threshold (|w| > the budget-th largest) drops the weight at the cut; keep exactly budget weights"
            )
        per_layer = _is_top(M1.ravel(), np.abs(net.W1.ravel())) and _is_top(M2.ravel(), np.abs(net.W2.ravel()))
        if per_layer:
            raise Incorrect(
                f"{what} kept the largest weights of each layer separately (W1 kept {int(M1.sum())}, W2 kept "
                f"{int(M2.sum())}), which is not what one threshold over both layers keeps. Global pruning "
                "ranks the weights of W1 and W2 together and keeps exactly budget of them in total"
            )
        signed = _flat(net)
        if count == budget and _is_top(kept, -scores):
            raise Incorrect(f"{what} kept the *smallest* magnitudes; magnitude pruning keeps the largest |w|")
        if count == budget and (_is_top(kept, signed) or _is_top(kept, -signed)):
            raise Incorrect(
                f"{what} ranked the signed weights; a large negative weight matters as much as a large "
                "positive one — rank the magnitudes |w|"
            )
        if count != budget:
            raise Incorrect(f"{what} kept {count} weights where budget = {budget}; keep exactly budget weights in total")
        raise Incorrect(
            f"{what} dropped a weight of larger |w| than one it kept; keep the budget largest |w| over both layers "
            "(and cut the flat mask back into M1 and M2 in the order you concatenated W1 and W2)"
        )


task1 = Check(
    label="Task 1 (global magnitude mask)",
    name="ex10.task1",
    grader=_grade_task1,
    hint=(
        "Put all weights of both layers into one vector of magnitudes, "
        "scores = np.concatenate([np.abs(net.W1).ravel(), np.abs(net.W2).ravel()]) (no biases), and take the "
        "positions of the budget largest with np.argsort(-scores, kind='stable')[:budget] — ranking, not a "
        "threshold, so ties cannot push the count above budget. Set those positions of a boolean vector to "
        "True and cut it back into the shapes of W1 (the first net.W1.size entries) and W2 (the rest)."
    ),
    reference=global_magnitude_mask,
)


# ----------------------------------------------------------------------------------------------
# Task 2: masked training with Adam
# ----------------------------------------------------------------------------------------------


def _adam_variant(net, X, y, steps, lr, masks, *, bias_correction=True, sgd=False, mask_start=True,
                  mask_grads=True, mask_end=False, eps_inside=False, train_biases=True, folded=False,
                  stale_grads=False):
    """Adam as the task asks, or with one of the slips a learner makes (to name the slip)."""
    M1, M2 = masks
    keep = {"W1": M1, "b1": True, "W2": M2, "b2": True}
    cur = net.copy()
    if mask_start:
        cur.W1, cur.W2 = cur.W1 * M1, cur.W2 * M2
    m = {p: np.zeros_like(getattr(cur, p)) for p in _PARAMS}
    v = {p: np.zeros_like(getattr(cur, p)) for p in _PARAMS}
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    start = cur.copy()
    for t in range(1, steps + 1):
        _, grads = nn.loss_and_gradients(start if stale_grads else cur, X, y)
        for p in _PARAMS:
            if p.startswith("b") and not train_biases:
                continue
            g = getattr(grads, p) * (keep[p] if mask_grads else True)
            if sgd:
                setattr(cur, p, getattr(cur, p) - lr * g)
                continue
            m[p] = beta1 * m[p] + (1 - beta1) * g
            v[p] = beta2 * v[p] + (1 - beta2) * g**2
            if folded:  # the Adam paper's "efficient" form: corrections folded into the step size
                rate = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
                setattr(cur, p, getattr(cur, p) - rate * m[p] / (np.sqrt(v[p]) + eps))
                continue
            m_hat = m[p] / (1 - beta1**t) if bias_correction else m[p]
            v_hat = v[p] / (1 - beta2**t) if bias_correction else v[p]
            denom = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
            setattr(cur, p, getattr(cur, p) - lr * m_hat / denom)
    if mask_end:
        cur.W1, cur.W2 = cur.W1 * M1, cur.W2 * M2
    return cur


def _task2_cases():
    """(net, masks, X, y, steps, lr): 64 inputs / 10 classes with a random mask; 20 inputs / 5 classes
    with a magnitude mask and a hidden unit cut off; non-zero starting biases."""
    rng = np.random.default_rng(10002)
    cases = []
    X = rng.standard_normal((150, 64)).astype(np.float32)
    y = np.argmax(nn.forward(nn.init_network(8, rng), X), axis=1)       # labels of a random teacher
    net = nn.init_network(16, rng)
    net.b1 = rng.normal(0, 0.1, 16).astype(np.float32)
    masks = nn.random_masks(net, 300, rng)
    cases.append((net, MaskPair(masks.W1, masks.W2), X, y, 30, 1e-2))
    X = rng.standard_normal((80, 20)).astype(np.float32)
    y = rng.integers(0, 5, 80)
    net = nn.init_network(8, rng, n_in=20, n_out=5)
    net.b2 = rng.normal(0, 0.2, 5).astype(np.float32)
    M1, M2 = global_magnitude_mask(net, 60)
    M1 = M1.copy()
    M1[3] = False                                                     # unit 3 keeps no incoming weight
    cases.append((net, MaskPair(M1, M2), X, y, 12, 3e-3))
    return cases


def _as_trained_net(raw, net, what: str) -> nn.TwoLayerNet:
    """The learner's returned network as a float64 TwoLayerNet of the right shapes, or Incorrect."""
    if isinstance(raw, (tuple, list)):
        raise Incorrect(
            f"{what} returned a {type(raw).__name__}; return the trained network as a TwoLayerNet, "
            "e.g. nn.TwoLayerNet(W1, b1, W2, b2)"
        )
    if not all(hasattr(raw, p) for p in _PARAMS):
        raise Incorrect(f"{what} should return a TwoLayerNet (with W1, b1, W2, b2), got {type(raw).__name__}")
    params = []
    for p in _PARAMS:
        value = getattr(raw, p)
        if isinstance(value, (str, bytes)) or value is None:
            raise Incorrect(f"{what}: the returned {p} is {type(value).__name__}, not an array")
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise Incorrect(f"{what}: the returned {p} is not an array of numbers") from None
        if arr.shape != getattr(net, p).shape:
            raise Incorrect(f"{what}: the returned {p} has shape {arr.shape}, expected {getattr(net, p).shape}")
        if not np.all(np.isfinite(arr)):
            raise Incorrect(
                f"{what}: the returned {p} contains nan or inf — a division by zero? The bias corrections "
                "divide by 1 - beta**t, which is 0 at t = 0: count the steps t = 1, 2, ..., steps"
            )
        params.append(arr)
    return nn.TwoLayerNet(*params)


def _close(a: nn.TwoLayerNet, b: nn.TwoLayerNet) -> bool:
    return all(np.allclose(getattr(a, p), getattr(b, p), rtol=1e-3, atol=1e-4) for p in _PARAMS)


def _grade_task2(fn) -> None:
    for net, masks, X, y, steps, lr in _task2_cases():
        M1, M2 = masks
        what = (f"train_masked(net, X, y, steps={steps}, lr={lr:g}, masks) with W1 of shape {net.W1.shape}, "
                f"{int(M1.sum() + M2.sum())} of {net.n_weights} weights kept")
        given = net.copy()
        raw = _quiet_call(fn, given, X.copy(), y.copy(), steps, lr, MaskPair(M1.copy(), M2.copy()), what=what)
        if not _same_net(given, net):
            raise Incorrect(
                f"{what}: your function changed the network it was given; start from a copy (net.copy()) so that the "
                "initialisation can be reused (rewinding)"
            )
        out = _as_trained_net(raw, net, what)
        pruned = np.concatenate([out.W1[~M1], out.W2[~M2]])
        if np.any(pruned != 0):
            start = np.concatenate([net.W1[~M1], net.W2[~M2]]).astype(float)
            if np.array_equal(pruned, start):
                raise Incorrect(
                    f"{what}: the pruned weights still have their starting values; multiply the starting "
                    "weights by the masks once, before the first step (masking the gradients alone only "
                    "freezes them)"
                )
            raise Incorrect(
                f"{what}: the pruned weights moved away from zero during training; mask the gradients at "
                "every step, before they enter Adam's moments, so that the moments and the updates of the "
                "pruned weights stay exactly zero"
            )
        expected = nn.train(net, X, y, steps, lr=lr, masks=nn.Masks(M1, M2))
        if _close(out, expected):
            continue
        if _same_net(out, _adam_variant(net, X, y, 0, lr, masks)):  # the masked start, untrained
            raise Incorrect(f"{what}: the returned network is the pruned starting network; no training step was made")
        if np.array_equal(out.b1, net.b1) and np.array_equal(out.b2, net.b2):
            raise Incorrect(f"{what}: the biases did not change; train them too (they are never pruned)")
        slips = (
            (dict(mask_start=False, mask_grads=False, mask_end=True),
             "you trained the whole network and masked it at the end; prune first (weights times masks), "
             "then train with masked gradients, so the kept weights learn without the pruned ones"),
            (dict(bias_correction=False),
             "the updates lack Adam's bias correction: divide m by (1 - beta1**t) and v by (1 - beta2**t), "
             "with t = 1 at the first step"),
            (dict(sgd=True), "that is plain gradient descent (w - lr * g); use the Adam update of the statement"),
            (dict(eps_inside=True), "eps belongs outside the square root: m_hat / (np.sqrt(v_hat) + eps)"),
            (dict(folded=True), "you folded the bias corrections into the step size (the Adam paper's efficient "
             "form); that changes what eps does where gradients are tiny — use the update of the statement, "
             "m_hat / (np.sqrt(v_hat) + eps)"),
            (dict(train_biases=False), "the biases were not trained; train them too (they are never pruned)"),
            (dict(stale_grads=True), "every step used the gradients of the starting network; compute them at the "
             "current weights, calling nn.loss_and_gradients on the network being trained at each step"),
        )
        for changes, reason in slips:
            if _close(out, _adam_variant(net, X, y, steps, lr, masks, **changes)):
                raise Incorrect(f"{what}: {reason}")
        for other in (steps - 1, steps + 1):
            if _close(out, _adam_variant(net, X, y, other, lr, masks)):
                raise Incorrect(f"{what}: your loop made {other} Adam steps; make exactly steps = {steps}")
        gap = max(float(np.max(np.abs(getattr(out, p) - getattr(expected, p)))) for p in _PARAMS)
        raise Incorrect(
            f"{what}: the trained parameters are off (largest difference {gap:.2g}); {_first_step_clue(fn, net, masks, X, y, lr)}"
        )


def _first_step_clue(fn, net, masks, X, y, lr) -> str:
    """Where the learner's loop goes wrong: already at the first step, or only later."""
    M1, M2 = masks
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            one = _as_trained_net(fn(net.copy(), X.copy(), y.copy(), 1, lr, MaskPair(M1.copy(), M2.copy())), net, "")
    except Exception:  # noqa: BLE001 - any failure only means there is no clue to give
        one = None
    if one is not None and _close(one, nn.train(net, X, y, 1, lr=lr, masks=nn.Masks(M1, M2))):
        return ("with steps = 1 your function agrees with Adam, so the later steps go wrong: carry m and v from "
                "step to step, use the step number t = 1, 2, ... in the bias corrections, and compute each step's "
                "gradients at the current weights")
    return ("already with steps = 1 your result differs from the Adam update of the statement (with the "
            "gradients of nn.loss_and_gradients); compare your update with the formula term by term")


task2 = Check(
    label="Task 2 (masked training)",
    name="ex10.task2",
    grader=_grade_task2,
    hint=(
        "Unpack M1, M2 = masks and start from a new network whose weights are net.W1 * M1 and net.W2 * M2 "
        "(biases copied). Keep one pair of moment arrays m, v per parameter, zeros of its shape. At step "
        "t = 1, ..., steps: _, g = nn.loss_and_gradients(net, X, y); multiply g.W1 by M1 and g.W2 by M2; "
        "then for each of W1, b1, W2, b2: m = 0.9 m + 0.1 g, v = 0.999 v + 0.001 g**2, "
        "w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)."
    ),
    reference=train_masked,
)


# ----------------------------------------------------------------------------------------------
# Task 3: live hidden units
# ----------------------------------------------------------------------------------------------


def _hand_masks(both: int, incoming_only: int, outgoing_only: int, neither: int, n_in: int, n_out: int, seed: int):
    """Masks with the given numbers of units of each kind, in a shuffled order."""
    rng = np.random.default_rng(seed)
    kinds = np.array([0] * both + [1] * incoming_only + [2] * outgoing_only + [3] * neither)
    rng.shuffle(kinds)
    k = kinds.size
    M1 = np.zeros((k, n_in), dtype=bool)
    M2 = np.zeros((n_out, k), dtype=bool)
    for j, kind in enumerate(kinds):
        if kind in (0, 1):
            M1[j, rng.choice(n_in, rng.integers(1, n_in + 1), replace=False)] = True
        if kind in (0, 2):
            M2[rng.choice(n_out, rng.integers(1, n_out + 1), replace=False), j] = True
    return MaskPair(M1, M2)


def _task3_cases():
    """Hand-made masks whose counts (live, incoming, outgoing, either, dead) all differ, and the
    magnitude masks of two pruned networks, one of them square (k = n_in)."""
    cases = [_hand_masks(3, 1, 4, 1, 5, 3, 10031), _hand_masks(2, 4, 1, 3, 6, 4, 10032)]
    rng = np.random.default_rng(10033)
    for width, n_in, budget in ((40, 64, 400), (12, 12, 60)):
        net = nn.init_network(width, rng, n_in=n_in, n_out=10)
        net.W2 = net.W2 * np.float32(3.0) ** rng.integers(-2, 2, width).astype(np.float32)  # some units' outputs tiny
        cases.append(MaskPair(*global_magnitude_mask(net, budget)))
    return cases


def _grade_task3(fn) -> None:
    for masks in _task3_cases():
        M1, M2 = masks
        k = M1.shape[0]
        what = f"live_hidden_units(masks) with M1 of shape {M1.shape} and M2 of shape {M2.shape}"
        try:
            raw = _quiet_call(fn, MaskPair(M1.copy(), M2.copy()), what=what)
        except Incorrect as exc:
            if "raised" in str(exc):
                raise Incorrect(f"{exc}. Row j of M1 (shape (k, n_in)) holds the weights into hidden unit j, "
                                "column j of M2 (shape (n_out, k)) the weights out of it") from None
            raise
        if isinstance(raw, (list, tuple, dict)):
            raise Incorrect(f"{what} returned a {type(raw).__name__}; return the number of live units, one integer")
        if isinstance(raw, np.ndarray) and raw.size > 1:
            raise Incorrect(f"{what} returned {raw.size} values; return the number of live units, one integer")
        if isinstance(raw, (str, bytes)):
            raise Incorrect(f"{what} returned text; return the number of live units, one integer")
        value = expect_number(raw, what=what)
        if value != round(value):
            raise Incorrect(f"{what} returned {value:g}; a number of units is a whole number")
        incoming, outgoing = M1.any(axis=1), M2.any(axis=0)
        expected = int(np.sum(incoming & outgoing))
        if value == expected:
            continue
        slips = (
            (np.sum(incoming), "you counted the units with a kept incoming weight; a live unit also needs a kept "
             "outgoing weight (a column of M2), or nothing it computes reaches the output"),
            (np.sum(outgoing), "you counted the units with a kept outgoing weight; a live unit also needs a kept "
             "incoming weight (a row of M1), or it only adds a constant"),
            (np.sum(incoming | outgoing), "you counted units with a kept incoming OR outgoing weight; live needs both"),
            (k - expected, "you counted the dead units; count those that are alive"),
            (M1.sum() + M2.sum(), "you counted kept weights; count hidden units"),
            (M1.sum(), "you counted the kept weights of W1; count hidden units"),
            (np.sum(M1.any(axis=0)), "you counted inputs (columns of M1); row j of M1 holds the incoming weights "
             "of hidden unit j"),
        )
        for wrong, reason in slips:
            if value == wrong:
                raise Incorrect(f"{what}: {reason}")
        raise Incorrect(
            f"{what} returned {int(value)}, which is not the number of live units; row j of M1 holds the "
            "weights into unit j, column j of M2 the weights out of it"
        )


task3 = Check(
    label="Task 3 (live hidden units)",
    name="ex10.task3",
    grader=_grade_task3,
    hint=(
        "Unpack M1, M2 = masks. Row j of M1 (shape (k, n_in)) holds the weights into hidden unit j: "
        "M1.any(axis=1) says which units keep at least one. Column j of M2 (shape (n_out, k)) holds the "
        "weights out of unit j: M2.any(axis=0). A unit is live when both hold; count them with np.sum and "
        "return an int."
    ),
    reference=live_hidden_units,
)


# ----------------------------------------------------------------------------------------------
# Task 4: measured — no retraining vs rewinding and retraining, at width 64
# ----------------------------------------------------------------------------------------------

#: The setting of Task 4 (the notebook's network): the digits of ``nn.load_digits_data()``, a
#: width-64 network initialised with ``nn.init_network(64, np.random.default_rng(seed))``, trained
#: ``steps`` Adam steps at ``lr`` (``nn.train``), pruned to ``nn.weight_budget(s)`` weights.
TASK4 = {"width": 64, "s": 8, "seed": (10, 64), "steps": 2000, "lr": 3e-3}

#: How far the learner's retrained test error may be from the grader's: a training loop of one's own
#: (Task 2) rounds differently from ``nn.train``, and over 2000 steps that changes a few test
#: images (measured: up to 5 of 597 images, 0.008, on two seeds).
TASK4_RETRAIN_TOL = 0.015
#: The error without retraining uses the notebook's dense network as it is: only a different
#: tie-break could change it (by at most one image).
TASK4_NO_RETRAIN_TOL = 0.0035


@functools.lru_cache(maxsize=1)
def _task4_run() -> dict:
    """The grader's own run of Task 4 (about 3 s; cached for the session) and the values of slips."""
    data = nn.load_digits_data()
    Xtr, ytr, Xte, yte = data.X_train, data.y_train, data.X_test, data.y_test
    init = nn.init_network(TASK4["width"], np.random.default_rng(list(TASK4["seed"])))
    dense = nn.train(init, Xtr, ytr, TASK4["steps"], lr=TASK4["lr"])
    budget = nn.weight_budget(TASK4["s"])
    masks = nn.global_magnitude_mask(dense, budget)
    pruned = nn.apply_masks(dense, masks)
    retrained = nn.train(init, Xtr, ytr, TASK4["steps"], lr=TASK4["lr"], masks=masks)
    share = budget / dense.n_weights  # per-layer pruning keeps this fraction of each layer
    layer_masks = []
    for W in (dense.W1, dense.W2):
        order = np.argsort(-np.abs(W).ravel(), kind="stable")[: int(round(share * W.size))]
        keep = np.zeros(W.size, dtype=bool)
        keep[order] = True
        layer_masks.append(keep.reshape(W.shape))
    incoming, outgoing = masks.W1.any(axis=1), masks.W2.any(axis=0)
    return {
        "data": data, "dense": dense, "masks": masks, "pruned": pruned,
        "no_retrain": nn.error_rate(pruned, Xte, yte),
        "retrained": nn.error_rate(retrained, Xte, yte),
        "live": int(np.sum(incoming & outgoing)),
        "dense_test": nn.error_rate(dense, Xte, yte),
        "no_retrain_train": nn.error_rate(pruned, Xtr, ytr),
        "retrained_train": nn.error_rate(retrained, Xtr, ytr),
        "per_layer": nn.error_rate(nn.apply_masks(dense, nn.Masks(*layer_masks)), Xte, yte),
        "live_slips": {
            "incoming": int(incoming.sum()), "outgoing": int(outgoing.sum()),
            "either": int(np.sum(incoming | outgoing)), "width": TASK4["width"],
        },
    }


@functools.lru_cache(maxsize=1)
def _task4_fine_tuned() -> float:
    """Test error of retraining from the pruned dense weights instead of rewinding (only if needed)."""
    run = _task4_run()
    data = run["data"]
    tuned = nn.train(run["pruned"], data.X_train, data.y_train, TASK4["steps"], lr=TASK4["lr"], masks=run["masks"])
    return nn.error_rate(tuned, data.X_test, data.y_test)


def _task4_unpack(answer):
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        raise Incorrect(
            "the answer should be the triple (no_retrain_error, retrained_error, live_units), got a "
            f"{type(answer).__name__}" + (f" of length {len(answer)}" if isinstance(answer, (tuple, list)) else "")
        )
    stubs = [item is Ellipsis for item in answer]
    if all(stubs):
        raise NotAttempted()
    if any(stubs):
        names = [n for n, s in zip(("no_retrain_error", "retrained_error", "live_units"), stubs) if s]
        raise Incorrect(f"{', '.join(names)} still `...`; give all three values")
    for name, item in zip(("no_retrain_error", "retrained_error", "live_units"), answer):
        if item is None:
            raise Incorrect(f"{name} is None; give a number")
        if isinstance(item, (str, bytes)):
            raise Incorrect(f"{name} is text; give a number")
        if isinstance(item, (tuple, list, dict)) or (isinstance(item, np.ndarray) and item.size != 1):
            raise Incorrect(f"{name} should be a single number")
    return (expect_number(answer[0], what="no_retrain_error"), expect_number(answer[1], what="retrained_error"),
            expect_number(answer[2], what="live_units"))


def _grade_task4(answer) -> None:
    if answer is Ellipsis:
        raise NotAttempted()
    no_retrain, retrained, live = _task4_unpack(answer)
    for name, value in (("no_retrain_error", no_retrain), ("retrained_error", retrained)):
        if not 0 <= value <= 1:
            raise Incorrect(f"{name} = {value:g} is not an error rate (a fraction between 0 and 1; not a percentage)")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        run = _task4_run()
    want_nr, want_rt = run["no_retrain"], run["retrained"]
    ok_nr = abs(no_retrain - want_nr) <= TASK4_NO_RETRAIN_TOL
    ok_rt = abs(retrained - want_rt) <= TASK4_RETRAIN_TOL
    if not ok_nr and abs(no_retrain - want_rt) <= TASK4_RETRAIN_TOL and abs(retrained - want_nr) <= TASK4_NO_RETRAIN_TOL:
        raise Incorrect("the two errors are swapped: first the pruned network without retraining, then the retrained one")
    if not ok_nr:
        slips = (
            (run["dense_test"], "no_retrain_error is the dense network's error; zero the pruned weights first "
             "(the kept weights as trained, the others 0)"),
            (run["no_retrain_train"], "no_retrain_error is measured on the training set; use the test images "
             "data.X_test, data.y_test"),
            (1 - want_nr, "no_retrain_error looks like an accuracy; give the error rate, 1 - accuracy"),
            (run["per_layer"], "no_retrain_error comes from a mask that keeps the same fraction of each layer; "
             "use one threshold over both layers (Task 1)"),
        )
        for wrong, reason in slips:
            if abs(no_retrain - wrong) <= TASK4_NO_RETRAIN_TOL:
                raise Incorrect(reason)
        raise Incorrect(
            f"no_retrain_error = {no_retrain:.3f} is not what the grader measures: prune the notebook's trained "
            "`dense` network to weight_budget(8) weights with your Task 1 mask and measure the test error"
        )
    if not ok_rt:
        slips = (
            (run["dense_test"], "retrained_error equals the dense network's error: was the mask used when "
             "retraining from the initialisation?"),
            (run["retrained_train"], "retrained_error is measured on the (noisy) training labels; use the test set"),
            (1 - want_rt, "retrained_error looks like an accuracy; give the error rate, 1 - accuracy"),
            (want_nr, "retrained_error equals the error without retraining; retrain the pruned network"),
        )
        for wrong, reason in slips:
            if abs(retrained - wrong) <= TASK4_RETRAIN_TOL / 3:
                raise Incorrect(reason)
        if abs(retrained - _task4_fine_tuned()) <= TASK4_RETRAIN_TOL / 3:
            raise Incorrect(
                "retrained_error is that of retraining from the trained weights (fine-tuning); the recipe "
                "rewinds: the kept weights start again from their initial values, `init`"
            )
        raise Incorrect(
            f"retrained_error = {retrained:.3f} is not what the grader measures (it allows a few test images "
            f"of difference, {TASK4_RETRAIN_TOL}): train `init` with the mask for {TASK4['steps']} steps at "
            f"lr = {TASK4['lr']:g}, then measure the test error"
        )
    if live != round(live):
        raise Incorrect(f"live_units = {live:g}; a number of units is a whole number")
    if int(live) != run["live"]:
        reasons = {
            "incoming": "live_units counts units with a kept incoming weight only; a live unit needs both",
            "outgoing": "live_units counts units with a kept outgoing weight only; a live unit needs both",
            "either": "live_units counts units with a kept incoming OR outgoing weight; a live unit needs both",
            "width": "live_units is the width of the network; count the units the mask leaves alive (Task 3)",
        }
        for key, wrong in run["live_slips"].items():
            if int(live) == wrong and wrong != run["live"]:
                raise Incorrect(reasons[key])
        raise Incorrect(f"live_units = {int(live)} is not the number of live units of the mask (use Task 3 on it)")


task4 = Check(
    label="Task 4 (prune, then retrain or not)",
    name="ex10.task4",
    grader=_grade_task4,
    hint=(
        "masks = global_magnitude_mask(dense, budget) (Task 1). Without retraining: the dense network with "
        "the pruned weights zeroed, nn.TwoLayerNet(dense.W1 * M1, dense.b1, dense.W2 * M2, dense.b2), and "
        "nn.error_rate(..., data.X_test, data.y_test). Rewind and retrain: train_masked(init, data.X_train, "
        "data.y_train, 2000, 3e-3, masks) (Task 2) starts from the initial weights. live_hidden_units(masks) "
        "(Task 3) gives the third value."
    ),
    reference=(
        "M1, M2 = masks = global_magnitude_mask(dense, budget)\n"
        "pruned = nn.TwoLayerNet(dense.W1 * M1, dense.b1, dense.W2 * M2, dense.b2)\n"
        "no_retrain_error = nn.error_rate(pruned, data.X_test, data.y_test)\n"
        "retrained = train_masked(init, data.X_train, data.y_train, 2000, 3e-3, masks)   # rewind: start from init\n"
        "retrained_error = nn.error_rate(retrained, data.X_test, data.y_test)\n"
        "live_units = live_hidden_units(masks)\n"
        "task4_answer = (no_retrain_error, retrained_error, live_units)\n"
    ),
)
