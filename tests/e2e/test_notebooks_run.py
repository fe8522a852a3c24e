"""Every course and module notebook runs top to bottom, cleanly, within 60 seconds.

A learner's first impression is a notebook that runs: no error, no warning or log line in red,
no cell that hangs. Each notebook runs with the python3 kernel of this environment, from its own
folder (as JupyterLab runs it), with HOME and the Jupyter folders pointed at a temporary
directory so that the run neither reads nor writes the developer's progress and settings.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from support.repo import REPO

BUDGET_SECONDS = 60
NOTEBOOKS = sorted(
    path
    for path in [*(REPO / "course").glob("*.ipynb"), *(REPO / "modules").rglob("*.ipynb")]
    if ".ipynb_checkpoints" not in path.parts
)


def test_the_course_home_is_run():
    assert REPO / "course" / "index.ipynb" in NOTEBOOKS


def shown_problems(notebook: nbformat.NotebookNode) -> list[str]:
    """Error outputs and anything written to stderr (warnings, logging), by cell number."""
    problems = []
    for number, cell in enumerate(notebook.cells, start=1):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                problems.append(f"cell {number}: {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                problems.append(f"cell {number} wrote to stderr: {output.text.strip()[:500]}")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_notebook_runs_cleanly(path: Path, jupyter_dirs: dict[str, str], monkeypatch):
    for variable, folder in jupyter_dirs.items():
        monkeypatch.setenv(variable, folder)
    notebook = nbformat.read(path, as_version=4)
    deadline = time.monotonic() + BUDGET_SECONDS
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        # The budget is for the whole notebook: each cell may use what the previous ones left.
        timeout_func=lambda cell: max(1, int(deadline - time.monotonic())),
        startup_timeout=BUDGET_SECONDS,
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    elapsed = BUDGET_SECONDS - (deadline - time.monotonic())
    assert shown_problems(notebook) == []
    assert elapsed <= BUDGET_SECONDS, (
        f"{path.name} took {elapsed:.0f} s (budget {BUDGET_SECONDS} s)"
    )


def test_problem_finder_sees_errors_and_stderr():
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "1/0",
                outputs=[nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="x")],
            ),
            nbformat.v4.new_code_cell(
                "import warnings",
                outputs=[
                    nbformat.v4.new_output("stream", name="stdout", text="fine\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="UserWarning: careful\n"),
                ],
            ),
        ]
    )
    assert shown_problems(notebook) == [
        "cell 1: ZeroDivisionError: x",
        "cell 2 wrote to stderr: UserWarning: careful",
    ]
