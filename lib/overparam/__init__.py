"""overparam — the helper library of the course *Train large, then prune*.

Data flows one way: a *problem* (:mod:`overparam.models`) gives *samples*, a *fit*
(:mod:`overparam.fit`) turns them into weights, whose *risk* is measured exactly by the problem or
predicted by *theory* (:mod:`overparam.theory`); *experiments* (:mod:`overparam.experiments`) repeat
that over trials and sizes; *plots* and *widgets* show it; *checks* grade a learner's version.
"""

from ._threads import limit_blas_threads

limit_blas_threads()

# imported after the thread limit is set, so that BLAS starts single-threaded
from . import experiments, fit, models, nn, plots, prune, random_features, theory  # noqa: E402
from .fit import gradient_descent, min_norm_least_squares, ridge  # noqa: E402
from .models import LinearProblem, isotropic_problem, test_error  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "experiments",
    "fit",
    "models",
    "nn",
    "plots",
    "prune",
    "random_features",
    "theory",
    "LinearProblem",
    "isotropic_problem",
    "test_error",
    "min_norm_least_squares",
    "ridge",
    "gradient_descent",
]
