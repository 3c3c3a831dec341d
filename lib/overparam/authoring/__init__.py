"""Maintainers' commands, run as ``python -m overparam.authoring COMMAND`` from the course root.

* ``execute [PATHS]`` — re-execute notebooks top to bottom in place, with the standard ``python3``
  kernel, and strip machine-specific metadata and widget state (default: every lesson and solution);
* ``learner`` — regenerate the learner notebooks in ``exercises/`` from ``exercises/solutions/``;
* ``benchmark`` — run every notebook headless and report wall time and peak kernel memory, plus the
  time of one theory curve and one explorer redraw.

The code lives in the package (not in top-level scripts) so that the course's top level stays small.
"""

from .execute import execute_notebook, normalize_notebook

__all__ = ["execute_notebook", "normalize_notebook"]
