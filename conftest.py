"""How plain ``pytest`` (the README's test command) tests the course's notebooks.

``pytest.ini`` makes pytest look in ``tests/`` (unit tests, notebook hygiene, learner notebooks),
``lessons/`` and ``exercises/solutions/``. The notebooks are collected here, not by nbval's own
hook (so do not pass ``--nbval`` or ``--nbval-lax``), because the two folders need different modes:

* ``lessons/*.ipynb`` — nbval LAX mode: every cell must run without error, and only the outputs of
  cells whose first line is ``# NBVAL_CHECK_OUTPUT`` are compared with the stored ones;
* ``exercises/solutions/*.ipynb`` — nbval STRICT mode: every stored output is compared, after the
  substitutions of ``tests/nbval_sanitize.cfg`` (figure reprs only).

The learner notebooks ``exercises/*.ipynb`` are not collected here (they are stored without outputs);
``tests/test_learner_notebooks.py`` runs them.

Each notebook runs in its own folder in a fresh kernel on the Python that runs pytest
(``--nbval-current-env`` in ``pytest.ini``), with the inline matplotlib backend whatever
``MPLBACKEND`` says (the stored outputs were made with it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from nbval.plugin import IPyNbFile

from overparam.authoring.kernel import INLINE_BACKEND

ROOT = Path(__file__).resolve().parent
SANITIZE_FILE = ROOT / "tests" / "nbval_sanitize.cfg"
#: folder -> compare every output (strict) or only ``# NBVAL_CHECK_OUTPUT`` cells (lax)
STRICT_BY_FOLDER = {
    ROOT / "lessons": False,
    ROOT / "exercises" / "solutions": True,
}


class CourseNotebook(IPyNbFile):
    """nbval's notebook collector with the mode set per folder and the course's sanitize file."""

    def get_sanitize_files(self) -> list[str]:
        return [str(SANITIZE_FILE)] + [f for f in super().get_sanitize_files() if Path(f).resolve() != SANITIZE_FILE]

    def setup(self) -> None:
        # The kernel inherits this process's environment at launch: name the inline backend so a
        # caller's MPLBACKEND=Agg cannot silently drop every figure output.
        saved = os.environ.get("MPLBACKEND")
        os.environ["MPLBACKEND"] = INLINE_BACKEND
        try:
            super().setup()
        finally:
            if saved is None:
                os.environ.pop("MPLBACKEND", None)
            else:
                os.environ["MPLBACKEND"] = saved
        # nbval 0.11 executes cells with store_history=False, and then IPython cannot see a cell's
        # trailing ';' (it looks for it in the history), so `ax.plot(...);` prints a repr that
        # Jupyter does not (nbval issue #194). Execute as Jupyter does, with history.
        kc = self.kernel.kc
        self.kernel.execute_cell_input = lambda source, allow_stdin=None: kc.execute(
            source, store_history=True, allow_stdin=allow_stdin, stop_on_error=False
        )


def pytest_configure(config: pytest.Config) -> None:
    if config.option.nbval or config.option.nbval_lax:
        raise pytest.UsageError(
            "do not pass --nbval or --nbval-lax: plain `pytest` already runs lessons/ in lax mode "
            "and exercises/solutions/ in strict mode (see conftest.py)"
        )


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if file_path.suffix != ".ipynb":
        return None
    strict = STRICT_BY_FOLDER.get(file_path.parent.resolve())
    if strict is None:  # learner notebooks, checkpoints, anything else
        return None
    notebook = CourseNotebook.from_parent(parent, path=file_path)
    notebook.compare_outputs = strict
    return notebook
