"""Learner notebooks (exercises/NN_name.ipynb): in step with their solutions, and runnable as shipped.

* each committed learner notebook equals ``make_learner(solution)`` (cell types and sources);
* solutions, learner notebooks and lessons pair up by file name;
* each learner notebook runs top to bottom on this environment's Python: the only errors allowed are
  ``NotImplementedError`` (a stub called outside a check), every check reports "not attempted", and
  at least one check runs.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import nbformat
import pytest

from overparam.authoring.kernel import run_notebook
from overparam.authoring.learner import learner_path, make_learner

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "exercises" / "solutions").glob("*.ipynb"))
LEARNERS = sorted((ROOT / "exercises").glob("*.ipynb"))
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
REGENERATE = "run `python -m overparam.authoring learner` from the course root and commit the result"

# What Check.check prints: "<mark> Task K (…): not attempted yet …" / ": correct." / ": incorrect — …"
CHECK_LINE = re.compile(r"Task\b.*?:\s*(not attempted|incorrect|correct)\b")


def _ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _number(path: Path) -> int | None:
    match = re.match(r"(\d+)_", path.name)
    return int(match.group(1)) if match else None


@pytest.mark.parametrize("solution", SOLUTIONS, ids=_ids(SOLUTIONS))
def test_learner_notebook_is_generated_from_solution(solution: Path):
    learner = learner_path(solution)
    assert learner.exists(), f"{learner.relative_to(ROOT)} is missing; {REGENERATE}"
    expected = [(c.cell_type, c.source) for c in make_learner(_read(solution)).cells]
    committed = [(c.cell_type, c.source) for c in _read(learner).cells]
    if committed == expected:
        return
    diff = difflib.unified_diff(
        [f"[{t}] {line}" for t, s in committed for line in s.splitlines()],
        [f"[{t}] {line}" for t, s in expected for line in s.splitlines()],
        fromfile=f"committed {learner.relative_to(ROOT)}",
        tofile=f"generated from {solution.relative_to(ROOT)}",
        lineterm="",
        n=1,
    )
    shown = "\n".join(list(diff)[:40])
    pytest.fail(f"{learner.relative_to(ROOT)} is out of date with its solution; {REGENERATE}.\n{shown}")


@pytest.mark.parametrize("learner", LEARNERS, ids=_ids(LEARNERS))
def test_learner_notebook_has_solution(learner: Path):
    solution = ROOT / "exercises" / "solutions" / learner.name
    assert solution.exists(), (
        f"{learner.relative_to(ROOT)} has no solution notebook {solution.relative_to(ROOT)}: the solution is "
        "the source of truth (write it, then generate the learner notebook) or remove the stray file"
    )


@pytest.mark.parametrize("solution", SOLUTIONS, ids=_ids(SOLUTIONS))
def test_exercise_has_lesson_of_same_name(solution: Path):
    lesson = ROOT / "lessons" / solution.name
    assert lesson.exists(), (
        f"{solution.relative_to(ROOT)} has no lesson {lesson.relative_to(ROOT)}; exercises use the file name "
        "of their lesson"
    )


@pytest.mark.parametrize("lesson", LESSONS, ids=_ids(LESSONS))
def test_lesson_exercise_has_solution_and_learner_notebook(lesson: Path):
    number = _number(lesson)
    if number is None or number < 1:
        pytest.skip("lesson 00 has no exercise")
    solution = ROOT / "exercises" / "solutions" / lesson.name
    learner = ROOT / "exercises" / lesson.name
    text = "\n".join(c.source for c in _read(lesson).cells)
    links_exercise = f"../exercises/{lesson.name}" in text
    if not (links_exercise or solution.exists() or learner.exists()):
        pytest.skip("no exercise for this lesson (yet)")
    missing = [str(p.relative_to(ROOT)) for p in (solution, learner) if not p.exists()]
    assert not missing, f"{lesson.relative_to(ROOT)} has an exercise, but {missing} missing"


def _check_statuses(nb: nbformat.NotebookNode) -> list[tuple[int, str, str]]:
    """(code cell number, status, line) for every check line printed by the notebook."""
    found = []
    code_cells = (c for c in nb.cells if c.cell_type == "code")
    for number, cell in enumerate(code_cells, start=1):
        for output in cell.get("outputs", []):
            texts = [output.get("text", "")] if output.get("output_type") == "stream" else []
            texts.append(output.get("data", {}).get("text/plain", ""))
            for text in texts:
                for line in "".join(text).splitlines():
                    match = CHECK_LINE.search(line)
                    if match:
                        found.append((number, match.group(1), line.strip()))
    return found


@pytest.mark.parametrize("learner", LEARNERS, ids=_ids(LEARNERS))
def test_learner_notebook_runs_with_stubs(learner: Path):
    nb = _read(learner)
    run_notebook(nb, learner.parent, allow_errors=True, timeout=300)

    errors = []
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") != "NotImplementedError":
                first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                errors.append(f"code cell {number} ({first!r}): {output.get('ename')}: {output.get('evalue')}")
    assert not errors, (
        "the learner notebook raises errors other than NotImplementedError (tag cells that need a "
        "solution with `solution` so they are left out):\n" + "\n".join(errors)
    )

    statuses = _check_statuses(nb)
    assert statuses, (
        f"no check ran in {learner.relative_to(ROOT)}: expected lines like "
        "'○ Task 1 (…): not attempted yet' from exNN.taskK.check(...) cells"
    )
    wrong = [f"code cell {n}: {line}" for n, status, line in statuses if status != "not attempted"]
    assert not wrong, "with the stubs in place every check must say 'not attempted':\n" + "\n".join(wrong)
