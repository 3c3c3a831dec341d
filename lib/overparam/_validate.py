"""Input validation shared by the public functions (internal).

Every public function of ``overparam`` checks its arguments at the boundary and raises
``TypeError`` (wrong kind of object) or ``ValueError`` (right kind, wrong shape or range) with a
message that names the argument and says what was expected.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(value, name: str, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Convert ``value`` to a finite float array, checking its number of dimensions."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}")
    try:
        if np.asarray(value).dtype.kind == "c":
            raise TypeError(f"{name} must contain real numbers, got complex values")
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        if "complex" in str(exc):
            raise
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            want = " or ".join(f"{k}-D" for k in allowed)
            raise ValueError(f"{name} must be {want}, got an array of shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (no nan or inf)")
    return arr


def as_int(value, name: str, minimum: int | None = None) -> int:
    """Check that ``value`` is an integer (not a bool) and at least ``minimum``."""
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        value = int(value)  # 100.0 is accepted as 100, as in as_int_array
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


def as_float(value, name: str, minimum: float | None = None, strict: bool = False) -> float:
    """Check that ``value`` is a real number, optionally ``>= minimum`` (``> minimum`` if strict)."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if minimum is not None:
        if strict and value <= minimum:
            raise ValueError(f"{name} must be greater than {minimum}, got {value}")
        if not strict and value < minimum:
            raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


def as_int_array(value, name: str, minimum: int | None = None) -> np.ndarray:
    """Convert ``value`` (an integer or a sequence of integers) to a 1-D int array."""
    arr = np.atleast_1d(np.asarray(value))
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be an integer or a 1-D sequence of integers, got shape {arr.shape}")
    if arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(int)
        else:
            raise TypeError(f"{name} must contain integers, got dtype {arr.dtype}")
    if minimum is not None and np.any(arr < minimum):
        raise ValueError(f"{name} must be at least {minimum}, got {arr.min()}")
    return arr.astype(int)


def as_generator(rng) -> np.random.Generator:
    """Accept a ``numpy.random.Generator`` or an integer seed."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (numbers.Integral, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(
        "rng must be a numpy.random.Generator (for example np.random.default_rng(0)) or an integer "
        f"seed, got {type(rng).__name__}"
    )
