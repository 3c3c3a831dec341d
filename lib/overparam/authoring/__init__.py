"""Maintainers' commands, run as ``python -m overparam.authoring COMMAND`` from the course root.

* ``execute [PATHS]`` — re-execute notebooks top to bottom in place, with the standard ``python3``
  kernel, and strip machine-specific metadata and widget state (default: every lesson and solution);
* ``learner [--check]`` — regenerate the learner notebooks in ``exercises/`` from
  ``exercises/solutions/`` (``--check``: write nothing, fail if any is out of date);
* ``benchmark [PATHS] [--output FILE]`` — run every notebook headless and report wall time and peak
  kernel memory, plus the time of one theory curve and one explorer redraw;
* ``figures`` — write the README's course-map figures from the lessons' stored outputs.

The code lives in the package (not in top-level scripts) so that the course's top level stays small.
"""

from .execute import execute_notebook, normalize_notebook
from .learner import MarkerError, make_learner

__all__ = ["execute_notebook", "normalize_notebook", "make_learner", "MarkerError"]
