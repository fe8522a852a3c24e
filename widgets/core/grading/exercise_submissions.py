"""Learners' notebooks made to order: blank, solved, partly right, tampered, never-ending.

Why: an assignment is only safe to release when the grader has been seen to give 0 to a
blank notebook, full marks to a right one, something in between to a partly right one, the
original tests to a notebook whose tests were edited, and a finished run to a notebook that
never stops. The proof tests, the benchmark and the trainer walkthrough all need such
notebooks; they are built here the way a learner would make them — from the released
notebook, changing only what a learner can change — with the source's solutions as the
right answers.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

from nbformat import NotebookNode

from widgets.core.grading.nbgrader_course import SOLUTION, split_region

ENDLESS_LOOP = "while True:  # never ends: the grader must time out and go on\n    pass"
TAMPERED_TEST = "# a learner replaced this test\nassert True"
MIN_DISTINCTIVE = 16


def nbgrader_meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_answer(cell: NotebookNode) -> bool:
    """A cell the learner writes in (nbgrader solution cell)."""
    return bool(nbgrader_meta(cell).get("solution"))


def is_test(cell: NotebookNode) -> bool:
    """An autograded test cell (graded, locked, not an answer)."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and cell.cell_type == "code"


def grade_id(cell: NotebookNode) -> str | None:
    return nbgrader_meta(cell).get("grade_id")


def solution_text(source: str) -> str:
    """A source cell's text as a learner who got it right would leave it: the solution kept,
    the BEGIN/END SOLUTION markers dropped."""
    lines = [line for line in source.split("\n")
             if SOLUTION[0] not in line and SOLUTION[1] not in line]
    return "\n".join(lines)


def answers_of(source_notebook: NotebookNode) -> dict[str, str]:
    """The right answer for every answer cell of a source notebook, by grade id."""
    return {grade_id(cell): solution_text(cell.source)
            for cell in source_notebook.cells if is_answer(cell)}


def answered(release_notebook: NotebookNode, answers: Mapping[str, str]) -> NotebookNode:
    """A copy of the released notebook with the given answer cells filled in (by grade id).

    Raises KeyError naming the grade ids that are not answer cells of the notebook, so a
    renamed cell cannot quietly leave a test's notebook blank.
    """
    notebook = copy.deepcopy(release_notebook)
    known = {grade_id(cell) for cell in notebook.cells if is_answer(cell)}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise KeyError(f"not answer cells of this notebook: {', '.join(unknown)}; answer "
                       f"cells: {', '.join(sorted(known))}")
    for cell in notebook.cells:
        if is_answer(cell) and grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    return notebook


def solved(release_notebook: NotebookNode, source_notebook: NotebookNode,
           changes: Mapping[str, str] | None = None) -> NotebookNode:
    """Every answer right (from the source), except the cells in `changes`."""
    return answered(release_notebook, {**answers_of(source_notebook), **(changes or {})})


def endless(release_notebook: NotebookNode, source_notebook: NotebookNode) -> NotebookNode:
    """Right answers, except that the first code answer loops for ever."""
    first = next(grade_id(cell) for cell in release_notebook.cells
                 if is_answer(cell) and cell.cell_type == "code")
    return solved(release_notebook, source_notebook, {first: ENDLESS_LOOP})


def tampered(release_notebook: NotebookNode) -> NotebookNode:
    """Answers left blank, every test cell rewritten to pass and unlocked, the last test cell
    deleted: what a learner who edits the tests instead of answering hands in."""
    notebook = copy.deepcopy(release_notebook)
    tests = [cell for cell in notebook.cells if is_test(cell)]
    if not tests:
        raise ValueError("the notebook has no test cells to tamper with")
    for cell in tests:
        cell.source = TAMPERED_TEST
        cell.metadata["nbgrader"]["locked"] = False
        cell.metadata["editable"] = True
        cell.metadata["deletable"] = True
    notebook.cells.remove(tests[-1])
    return notebook


def region_only_lines(source_notebook: NotebookNode, markers: tuple[str, str],
                      min_length: int = MIN_DISTINCTIVE) -> list[str]:
    """The lines inside the marked regions (hidden tests, solutions, mark schemes) of a source
    notebook that appear nowhere outside them, stripped: what a learner must never get.
    Short lines (a closing bracket, `else:`) are left out: they prove nothing when found."""
    inside: list[str] = []
    outside: set[str] = set()
    for cell in source_notebook.cells:
        kept, removed = split_region(cell.source, markers)
        inside += [line.strip() for line in removed if len(line.strip()) >= min_length]
        outside |= {line.strip() for line in kept.split("\n")}
    return [line for line in dict.fromkeys(inside) if line not in outside]
