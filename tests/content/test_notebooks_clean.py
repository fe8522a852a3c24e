"""Notebooks are committed without outputs or execution counts.

Outputs in git make every diff noisy, leak whatever the author's kernel printed (paths, data)
and show learners results of code they have not run. The check is `nbstripout --verify`, the
same command `make lint` runs, over the same list of files: what git tracks plus new files it
does not ignore (so a notebook is checked before its first commit, not after).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from support.repo import REPO, checkout_files

# The one exception, by name: the trainers' answer key is committed WITH its outputs, because
# nbval compares them on every `make test` (a moved answer fails loudly); its outputs are
# checked instead by tests/content/test_answer_key.py. The Makefile's lint line exempts the
# same file.
WITH_OUTPUTS = REPO / "course" / "answer-key.ipynb"


def verify(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    """Run the lint check (cell ids kept: JupyterLab writes them and they are not output)."""
    return subprocess.run(
        [sys.executable, "-m", "nbstripout", "--verify", "--keep-id", *map(str, paths)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )


def test_course_home_is_among_the_checked_notebooks():
    assert REPO / "course" / "index.ipynb" in checkout_files("*.ipynb")


def test_every_notebook_is_committed_without_outputs():
    notebooks = [path for path in checkout_files("*.ipynb") if path != WITH_OUTPUTS]
    result = verify(notebooks)
    assert result.returncode == 0, (
        "notebooks with outputs or execution counts (run `.venv/bin/nbstripout --keep-id FILE`):"
        f"\n{result.stdout}{result.stderr}"
    )


def _write(path: Path, cells: list) -> Path:
    notebook = new_notebook(cells=cells)
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def clean_notebook(tmp_path: Path) -> Path:
    return _write(tmp_path / "clean.ipynb", [new_markdown_cell("# Title"), new_code_cell("1 + 1")])


def test_check_passes_a_clean_notebook(clean_notebook: Path):
    assert verify([clean_notebook]).returncode == 0


def test_check_fails_on_an_output(clean_notebook: Path, tmp_path: Path):
    cell = new_code_cell("print('hi')", outputs=[new_output("stream", name="stdout", text="hi\n")])
    dirty = _write(tmp_path / "dirty.ipynb", [cell])
    result = verify([clean_notebook, dirty])
    assert result.returncode == 1
    assert "dirty.ipynb" in result.stdout
    assert "clean.ipynb" not in result.stdout


def test_check_fails_on_an_execution_count(tmp_path: Path):
    counted = _write(tmp_path / "counted.ipynb", [new_code_cell("x = 1", execution_count=3)])
    assert verify([counted]).returncode == 1
