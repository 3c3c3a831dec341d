"""overparam — the helper library of the course *Train large, then prune*.

Data flows one way: a *problem* (:mod:`overparam.models`) gives *samples*, a *fit*
(:mod:`overparam.fit`) turns them into weights, whose *risk* is measured exactly by the problem or
predicted by *theory* (:mod:`overparam.theory`); *experiments* (:mod:`overparam.experiments`) repeat
that over trials and sizes; *plots* and *widgets* show it; *checks* grade a learner's version.
"""

from ._threads import limit_blas_threads

limit_blas_threads()

from . import experiments, fit, models, plots, theory  # noqa: E402
from .fit import gradient_descent  # noqa: E402, min_norm_least_squares, ridge
from .models import LinearProblem  # noqa: E402, isotropic_problem, test_error

__version__ = "0.1.0"

__all__ = [
    "experiments",
    "fit",
    "models",
    "plots",
    "theory",
    "LinearProblem",
    "isotropic_problem",
    "test_error",
    "min_norm_least_squares",
    "ridge",
    "gradient_descent",
]
