"""Unit tests of the maintainers' tools in ``overparam.authoring`` (learner notebooks, benchmark)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from overparam import theory
from overparam.authoring import MarkerError, make_learner
from overparam.authoring.benchmark import (
    KERNEL_LIMIT_MB,
    NOTEBOOK_AIM_S,
    NOTEBOOK_LIMIT_S,
    REQUIRED_CURVES,
    curve_arguments,
    notebook_verdict,
)
from overparam.authoring.execute import KERNELSPEC
from overparam.authoring.kernel import run_notebook
from overparam.authoring.learner import learner_path, stale_learners, write_learners

STUB = "# YOUR CODE HERE"


def _notebook(*cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"name": "other", "display_name": "Other", "language": "python"}
    nb.metadata["widgets"] = {"state": {}}
    return nb


def _code(source: str, tags=(), outputs=True) -> nbformat.NotebookNode:
    cell = new_code_cell(source, execution_count=3 if outputs else None)
    if outputs:
        cell.outputs = [new_output("stream", name="stdout", text="42\n")]
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


# ----------------------------------------------------------------------------------------------
# make_learner
# ----------------------------------------------------------------------------------------------


def test_block_replaced_by_stub_with_task_of_next_check():
    nb = _notebook(
        _code("def f(x):\n    \"\"\"Doc.\"\"\"\n    # BEGIN SOLUTION\n    y = 2 * x\n    return y\n    # END SOLUTION\n"),
        _code("ex01.task3.check(f)"),
    )
    learner = make_learner(nb)
    assert learner.cells[0].source == (
        'def f(x):\n    """Doc."""\n    # YOUR CODE HERE\n'
        '    raise NotImplementedError("Task 3: replace these two lines with your code")\n'
    )
    assert learner.cells[1].source == "ex01.task3.check(f)"


def test_markers_at_different_indentation_keep_their_own():
    source = (
        "# BEGIN SOLUTION\n"
        "a = 1\n"
        "# END SOLUTION\n"
        "class A:\n"
        "    def m(self):\n"
        "        if True:\n"
        "            # BEGIN SOLUTION\n"
        "            return 1\n"
        "            # END SOLUTION\n"
        "ex02.task1.check(A)"
    )
    lines = make_learner(_notebook(_code(source))).cells[0].source.splitlines()
    assert lines[0] == STUB
    assert lines[1] == 'raise NotImplementedError("Task 1: replace these two lines with your code")'
    assert lines[2:5] == ["class A:", "    def m(self):", "        if True:"]
    assert lines[5] == " " * 12 + STUB
    assert lines[6].startswith(" " * 12 + "raise NotImplementedError(")
    assert lines[7] == "ex02.task1.check(A)"
    assert len(lines) == 8


def test_arrow_form_gives_the_replacement_line():
    source = "x = 1\n  # BEGIN SOLUTION -> answer = ...\n  answer = 2 * x\n  # END SOLUTION"
    out = make_learner(_notebook(_code(source))).cells[0].source
    assert out == "x = 1\n  # YOUR CODE HERE\n  answer = ..."


def test_two_blocks_in_one_cell_and_text_around_them_kept():
    source = "# BEGIN SOLUTION -> a = ...\na = 1\n# END SOLUTION\nkeep = True\n# BEGIN SOLUTION -> b = ...\nb = 2\n# END SOLUTION"
    out = make_learner(_notebook(_code(source))).cells[0].source
    assert out == f"{STUB}\na = ...\nkeep = True\n{STUB}\nb = ..."


def test_task_number_found_in_later_cell_or_left_out():
    nb = _notebook(_code("# BEGIN SOLUTION\nx = 1\n# END SOLUTION"), new_markdown_cell("text"), _code("ex09.task12.check(x)"))
    assert "Task 12: " in make_learner(nb).cells[0].source
    lone = make_learner(_notebook(_code("# BEGIN SOLUTION\nx = 1\n# END SOLUTION")))
    assert lone.cells[0].source.splitlines()[1] == 'raise NotImplementedError("replace these two lines with your code")'


def test_task_number_ignores_checks_in_dropped_cells_and_prose_comments_kept():
    nb = _notebook(
        _code("# a comment that mentions the END SOLUTION marker in prose\n# BEGIN SOLUTION\nx = 1\n# END SOLUTION"),
        _code("ex01.task1.check(x)", tags=["solution"]),
        _code("ex01.task2.check(x)"),
    )
    learner = make_learner(nb)
    assert learner.cells[0].source.startswith("# a comment that mentions the END SOLUTION marker in prose\n")
    assert "Task 2: " in learner.cells[0].source
    assert len(learner.cells) == 2


@pytest.mark.parametrize(
    "source, message",
    [
        ("# BEGIN SOLUTION\nx = 1", "never closed"),
        ("x = 1\n# END SOLUTION", "without a matching"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside another"),
        ("# BEGIN SOLUTION ->   \nx = 1\n# END SOLUTION", "needs the replacement"),
        ("# begin solution\nx = 1\n# END SOLUTION", "malformed"),
        ("# BEGIN SOLUTIONS\nx = 1\n# END SOLUTION", "malformed"),
    ],
)
def test_bad_markers_raise_clear_error(source, message):
    nb = _notebook(new_markdown_cell("# T"), _code(source))
    with pytest.raises(MarkerError, match=message) as info:
        make_learner(nb)
    assert "code cell 1" in str(info.value) and "line" in str(info.value)


def test_markers_checked_in_dropped_cells_too():
    with pytest.raises(MarkerError, match="never closed"):
        make_learner(_notebook(_code("# BEGIN SOLUTION\nx = 1", tags=["solution"])))


def test_solution_tagged_cells_dropped_others_kept_in_order():
    nb = _notebook(
        new_markdown_cell("# Title"),
        _code("a = 1", tags=["keep-me"]),
        new_markdown_cell("Worked solution", metadata={"tags": ["solution"]}),
        _code("plot(a)", tags=["solution", "other"]),
        new_markdown_cell("end"),
    )
    learner = make_learner(nb)
    assert [c.source for c in learner.cells] == ["# Title", "a = 1", "end"]
    assert learner.cells[1].metadata["tags"] == ["keep-me"]
    assert [c.id for c in learner.cells] == [nb.cells[i].id for i in (0, 1, 4)]


def test_outputs_counts_and_metadata_cleared():
    nb = _notebook(_code("print(42)"), _code("x = 1"))
    nb.cells[0].metadata["execution"] = {"iopub.status.busy": "2024"}
    learner = make_learner(nb)
    for cell in learner.cells:
        assert cell.outputs == [] and cell.execution_count is None
        assert "execution" not in cell.metadata
    assert learner.metadata["kernelspec"] == KERNELSPEC
    assert "widgets" not in learner.metadata
    nbformat.validate(learner)


def test_make_learner_does_not_modify_its_input():
    nb = _notebook(_code("# BEGIN SOLUTION\nx = 1\n# END SOLUTION"), _code("y", tags=["solution"]))
    before = nbformat.writes(nb)
    make_learner(nb)
    assert nbformat.writes(nb) == before


def test_make_learner_rejects_non_notebook():
    with pytest.raises(TypeError, match="nb must be a notebook"):
        make_learner("exercises/solutions/01.ipynb")


# ----------------------------------------------------------------------------------------------
# writing and --check
# ----------------------------------------------------------------------------------------------


def _course(tmp_path: Path) -> Path:
    (tmp_path / "exercises" / "solutions").mkdir(parents=True)
    (tmp_path / "lessons").mkdir()
    nb = _notebook(new_markdown_cell("# Ex"), _code("# BEGIN SOLUTION -> a = ...\na = 1\n# END SOLUTION"), _code("ex01.task1.check(a)"))
    nbformat.write(nb, tmp_path / "exercises" / "solutions" / "01_demo.ipynb")
    return tmp_path


def test_learner_path():
    assert learner_path(Path("exercises/solutions/02_x.ipynb")) == Path("exercises/02_x.ipynb")


def test_write_then_check(tmp_path: Path):
    root = _course(tmp_path)
    assert [p.name for p, _ in stale_learners(root)] == ["01_demo.ipynb"]
    assert [p.name for p in write_learners(root)] == ["01_demo.ipynb"]
    assert stale_learners(root) == []
    assert write_learners(root) == []  # idempotent
    learner = nbformat.read(root / "exercises" / "01_demo.ipynb", as_version=4)
    assert learner.cells[1].source == f"{STUB}\na = ..."


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "overparam.authoring", "learner", *args], cwd=root, capture_output=True, text=True
    )


def test_cli_check_names_stale_and_orphan_files(tmp_path: Path):
    root = _course(tmp_path)
    assert _cli(root).returncode == 0
    assert _cli(root, "--check").returncode == 0
    learner = root / "exercises" / "01_demo.ipynb"
    learner.write_text(learner.read_text().replace("a = ...", "a = 5"))
    nbformat.write(_notebook(), root / "exercises" / "07_orphan.ipynb")
    result = _cli(root, "--check")
    assert result.returncode == 1
    assert "exercises/01_demo.ipynb: differs" in result.stderr
    assert "exercises/07_orphan.ipynb: has no solution" in result.stderr
    assert "python -m overparam.authoring learner" in result.stderr


def test_cli_reports_marker_error_with_file(tmp_path: Path):
    root = _course(tmp_path)
    nbformat.write(_notebook(_code("# END SOLUTION")), root / "exercises" / "solutions" / "02_bad.ipynb")
    result = _cli(root)
    assert result.returncode == 2
    assert "02_bad.ipynb" in result.stderr and "without a matching" in result.stderr


# ----------------------------------------------------------------------------------------------
# kernel and benchmark
# ----------------------------------------------------------------------------------------------


def test_run_notebook_uses_this_python_and_inline_backend(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = _notebook(new_code_cell("import sys, matplotlib\nprint(sys.executable)\nprint(matplotlib.get_backend())"))
    run_notebook(nb, tmp_path, timeout=120)
    printed = nb.cells[0].outputs[0]["text"].splitlines()
    assert Path(printed[0]).resolve() == Path(sys.executable).resolve()
    assert "inline" in printed[1]


def test_notebook_verdicts():
    assert notebook_verdict(10.0, 200.0, [], learner=False) == "ok"
    assert "aim" in notebook_verdict(NOTEBOOK_AIM_S + 1, 200.0, [], learner=False)
    assert "OVER BUDGET" in notebook_verdict(NOTEBOOK_LIMIT_S + 1, 200.0, [], learner=False)
    assert "OVER BUDGET" in notebook_verdict(10.0, KERNEL_LIMIT_MB + 1, [], learner=False)
    assert notebook_verdict(10.0, 200.0, ["NotImplementedError (code cell 3)"], learner=True) == "ok"
    assert "ERROR" in notebook_verdict(10.0, 200.0, ["NotImplementedError (code cell 3)"], learner=False)
    assert "ERROR" in notebook_verdict(10.0, 200.0, ["ValueError (code cell 2)"], learner=True)


@pytest.mark.parametrize("name", REQUIRED_CURVES)
def test_required_theory_curves_can_be_timed(name):
    prepared = curve_arguments(getattr(theory, name))
    assert not isinstance(prepared, str), prepared
    kwargs, size = prepared
    result = getattr(theory, name)(**kwargs)
    assert np.shape(result) == (np.size(kwargs[size]),) == (200,)


def test_curve_arguments_reasons():
    assert curve_arguments(lambda signal, noise_var: 0) == "no size parameter"
    assert curve_arguments(lambda gamma, mystery: 0) == "unknown parameter 'mystery'"
    kwargs, size = curve_arguments(lambda gamma, other=3: 0)
    assert size == "gamma" and list(kwargs) == ["gamma"]


def test_benchmark_worker_measures_the_kernel_not_itself(tmp_path: Path):
    """A kernel that holds 400 MiB more must read ~400 MiB more, and agree with its own VmHWM."""
    import overparam.authoring.benchmark as bench

    results = {}
    for label, mib in (("idle", 0), ("big", 400)):
        nb = _notebook(new_code_cell(f"import numpy as np\nblock = np.ones({mib} * 2**20 // 8)\nblock.sum();"))
        path = tmp_path / f"{label}.ipynb"
        nbformat.write(nb, path)
        out = tmp_path / f"{label}.json"
        subprocess.run(
            [sys.executable, str(bench._WORKER), str(path), "--json", str(out)],
            check=True, capture_output=True, env={**os.environ, **bench.ONE_CORE},
        )
        results[label] = json.loads(out.read_text())
    idle, big = results["idle"], results["big"]
    assert big["errors"] == [] and idle["errors"] == []
    # An idle kernel may read the runner's floor (a few MB above its own peak); the runner is small.
    assert idle["runner_mb"] < 100 and idle["kernel_mb"] < 100, results
    assert 370 < big["kernel_mb"] - idle["kernel_mb"] < 430, results
    if big["kernel_hwm_mb"] is not None:  # Linux: independent reading from /proc
        assert abs(big["kernel_mb"] - big["kernel_hwm_mb"]) < 20, results
    assert bench.memory_note(big) == ""
    assert "floor" in bench.memory_note({"kernel_mb": 60.0, "runner_mb": 60.0, "kernel_hwm_mb": 30.0})


def test_benchmark_command_reports_and_exits_zero_on_a_missed_budget(tmp_path: Path):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "exercises").mkdir()
    nbformat.write(_notebook(new_code_cell("x = 1")), tmp_path / "lessons" / "00_ok.ipynb")
    nbformat.write(_notebook(new_code_cell("raise ValueError('broken')")), tmp_path / "lessons" / "01_broken.ipynb")
    result = subprocess.run(
        [sys.executable, "-m", "overparam.authoring", "benchmark", "--output", "report.md"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    report = (tmp_path / "report.md").read_text()
    assert report.strip() == result.stdout.strip()
    assert "OMP_NUM_THREADS=1" in report and "OPENBLAS_NUM_THREADS=1" in report
    assert "| `lessons/00_ok.ipynb` |" in report
    broken = next(line for line in report.splitlines() if "01_broken" in line)
    assert "✘ ERROR: ValueError (code cell 1)" in broken
    for name in REQUIRED_CURVES:
        row = next(line for line in report.splitlines() if line.startswith(f"| `{name}` |"))
        assert "ms" not in row and ("ok" in row or "OVER BUDGET" in row), row
    assert "make_explorer()" in report
    assert "budget(s) missed or failed" in report


def test_normalize_joins_stream_chunks():
    import nbformat

    from overparam.authoring import normalize_notebook

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('a'); print('b')")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="a"),
        nbformat.v4.new_output("stream", name="stdout", text="\nb\n"),
        nbformat.v4.new_output("stream", name="stderr", text="w\n"),
    ]
    nb.cells = [cell]
    normalize_notebook(nb)
    assert [(o.name, o.text) for o in nb.cells[0].outputs] == [("stdout", "a\nb\n"), ("stderr", "w\n")]


def test_slider_moves_visit_new_values_and_return_to_the_default():
    import ipywidgets as W

    from overparam.authoring.benchmark import slider_moves

    controls = {
        "s": W.IntSlider(value=40, min=10, max=90),
        "noise": W.SelectionSlider(options=[0.01, 0.1, 1.0], value=0.1),
        "family": W.Dropdown(options=[("AR(1)", "ar1"), ("equicorrelated", "equi")], value="ar1"),
        "ridge": W.Checkbox(value=False),
        "group": W.Dropdown(options={"both groups": "both", "strong": "strong"}, value="both"),
        "penalty": W.FloatLogSlider(value=0.1, base=10, min=-3, max=1),
    }
    moves = slider_moves(controls)
    assert all(len(move) == 1 for move in moves)
    for name, control in controls.items():
        mine = [move[name] for move in moves if name in move]
        assert mine[-1] == control.value                      # back to the default
        new = mine[:-1]
        assert new and control.value not in new and len(set(new)) == len(new)
    assert [m["s"] for m in moves if "s" in m][:2] == [90, 10]  # the ends first
    assert {m["noise"] for m in moves if "noise" in m} == {0.01, 1.0, 0.1}
    assert [m["family"] for m in moves if "family" in m] == ["equi", "ar1"]
    assert [m["ridge"] for m in moves if "ridge" in m] == [True, False]
    assert [m["group"] for m in moves if "group" in m] == ["strong", "both"]
    penalties = [m["penalty"] for m in moves if "penalty" in m][:-1]
    assert penalties[:2] == pytest.approx([10.0, 0.001])      # exponents turned into values
