"""Run BLAS single-threaded by default (internal).

The course's matrices are small (hundreds of rows), where a multi-threaded BLAS gains nothing and,
when two processes share two cores (a kernel next to a test runner, or a busy Binder node), threads
oversubscribe the cores and the same SVD runs 20–300 times slower. So importing ``overparam`` limits
BLAS to one thread. Set the environment variable ``OVERPARAM_BLAS_THREADS`` to a number to choose
another limit, or to ``0`` to leave BLAS alone.
"""

from __future__ import annotations

import os


def limit_blas_threads() -> int | None:
    """Apply the BLAS thread limit; return it (``None`` when left alone)."""
    raw = os.environ.get("OVERPARAM_BLAS_THREADS", "1").strip()
    try:
        limit = int(raw)
    except ValueError:
        raise ValueError(f"OVERPARAM_BLAS_THREADS must be a whole number, got {raw!r}") from None
    if limit <= 0:
        return None
    # threadpoolctl only limits libraries already loaded: load numpy's and scipy's BLAS first
    import numpy  # noqa: F401
    import scipy.linalg  # noqa: F401
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=limit, user_api="blas")
    return limit
