"""Grading the course's exercises with nbgrader: course layout, safe feedback, cohort report.

Why a module: nbgrader does the grading, but three things it does not do the way a course
needs. Its feedback HTML shows every hidden test to the learner (the graded notebook is
rendered as is); its CSV export joins values with bare commas (a name with a comma breaks the
row, a name starting with "=" becomes a spreadsheet formula) and says nothing about the
course's pass mark or about answers still waiting for a trainer. And tests, the benchmark and
the trainer walkthrough all need nbgrader pointed at a throw-away course root the same way
nbgrader_config.py points it at the real one. All of that lives here, in one place, for the
configuration file, the `iso10002 grades` command, the tests and the benchmark.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

if TYPE_CHECKING:
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

COURSE_ID = "iso10002"
CONFIG_FILE = "nbgrader_config.py"
# nbgrader's folders, relative to the course root (the folder holding nbgrader_config.py).
COURSE_DIRECTORIES = {
    "source": "exercises",
    "release": os.path.join("course", "release"),
    "submitted": os.path.join("course", "submitted"),
    "autograded": os.path.join("course", "autograded"),
    "feedback": os.path.join("course", "feedback"),
    "solution": os.path.join("course", "solution"),
}
GRADEBOOK = os.path.join("course", "gradebook.db")
GRADES_CSV = os.path.join("course", "grades.csv")  # where `nbgrader export` writes
HIDDEN_TESTS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
MARK_SCHEME = ("BEGIN MARK SCHEME", "END MARK SCHEME")
SOLUTION = ("BEGIN SOLUTION", "END SOLUTION")
HIDDEN_NOTE = "(hidden tests ran here; their code is not shown)"


class RegionError(ValueError):
    """A BEGIN marker without its END (or nested markers) in a cell."""


def split_region(source: str, markers: tuple[str, str]) -> tuple[str, list[str]]:
    """(source without the marked regions, the lines that were inside them).

    The marker lines themselves are dropped too, exactly as nbgrader's ClearHiddenTests and
    ClearMarkScheme do, so what is left is what a learner sees in the released notebook.
    """
    begin, end = markers
    kept: list[str] = []
    removed: list[str] = []
    inside = False
    for line in source.split("\n"):
        if begin in line:
            if inside:
                raise RegionError(f"nested '{begin}' in a cell")
            inside = True
        elif end in line:
            if not inside:
                raise RegionError(f"'{end}' without '{begin}' in a cell")
            inside = False
        elif inside:
            removed.append(line)
        else:
            kept.append(line)
    if inside:
        raise RegionError(f"'{begin}' without '{end}' in a cell")
    return "\n".join(kept), removed


def _one_line_error(output: NotebookNode) -> NotebookNode:
    """An error output reduced to its name and message.

    A traceback quotes the lines of the cell that failed, and in a test cell those include
    the hidden tests; the name and message (which our hidden tests word so that they tell
    the learner what is wrong without giving the answer) are kept.
    """
    message = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".rstrip(": ")
    return NotebookNode(output_type="error", ename=output.get("ename", "Error"),
                        evalue=output.get("evalue", ""), traceback=[message, HIDDEN_NOTE])


class RemoveHiddenFromFeedback(NbGraderPreprocessor):
    """Feedback preprocessor: hidden tests and mark schemes never reach the learner.

    In every cell, the hidden-test and mark-scheme regions are removed. A cell that had
    hidden tests keeps what it printed (our hidden tests print hints such as the situations
    to look at again) and its errors, each cut down to one line (see _one_line_error); values
    it displayed are dropped, since a hidden test's last expression shows one (a partial
    score, or a value a test computed). Scores are unaffected: feedback reads the gradebook.
    """

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int):
        source, hidden = split_region(cell.source, HIDDEN_TESTS)
        source, _ = split_region(source, MARK_SCHEME)
        cell.source = source
        if hidden and cell.cell_type == "code":
            cell.outputs = [_one_line_error(output) if output.output_type == "error" else output
                            for output in cell.get("outputs", [])
                            if output.output_type in ("error", "stream")]
        return cell, resources


# --------------------------------------------------------------------------- course roots


def repository_root() -> Path:
    """The folder holding the course's nbgrader_config.py and exercises/."""
    from widgets.core.common.paths import course_root

    return course_root()


def make_course_root(destination: str | Path, assignments: Iterable[str] | None = None,
                     *, extra_config: str = "") -> Path:
    """A fresh course root at `destination`: a copy of nbgrader_config.py and of the chosen
    assignments' sources (default: all), nothing generated yet.

    Tests and the benchmark grade here so that no real gradebook or course/ folder is
    touched. `extra_config` is appended to the copied configuration (e.g. a shorter
    timeout for a test); the copy's paths follow its own location.
    """
    source_root = repository_root()
    root = Path(destination)
    exercises = source_root / COURSE_DIRECTORIES["source"]
    chosen = sorted(assignments) if assignments is not None else assignment_ids(source_root)
    root.mkdir(parents=True, exist_ok=True)
    config = (source_root / CONFIG_FILE).read_text(encoding="utf-8")
    if extra_config:
        config += "\n# added for this course root\n" + extra_config.strip() + "\n"
    (root / CONFIG_FILE).write_text(config, encoding="utf-8")
    for assignment in chosen:
        if not (exercises / assignment).is_dir():
            raise FileNotFoundError(f"no assignment {assignment!r} in {exercises}; "
                                    f"assignments: {', '.join(assignment_ids(source_root))}")
        shutil.copytree(exercises / assignment, root / COURSE_DIRECTORIES["source"] / assignment,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    (root / "course").mkdir(exist_ok=True)
    return root


def assignment_ids(root: str | Path | None = None) -> list[str]:
    """The assignments (folders with a notebook) under the course root's exercises/."""
    folder = Path(root if root is not None else repository_root()) / COURSE_DIRECTORIES["source"]
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


@contextlib.contextmanager
def _environment_restored() -> Iterator[None]:
    saved = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def nbgrader_environment(extra: dict[str, str] | None = None) -> Iterator[None]:
    """PATH with this Python's bin/ first (nbgrader runs `alembic` as a command to create and
    upgrade the gradebook), plus `extra` variables; the old environment is restored after."""
    with _environment_restored():
        bin_dir = str(Path(sys.executable).parent)
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
        os.environ.update(extra or {})
        yield


def private_jupyter_homes(base: str | Path) -> dict[str, str]:
    """HOME and the Jupyter/IPython folders under `base`, created, as environment variables:
    runs in a temporary course (tests, benchmarks) must not read or write the trainer's own
    settings, kernels or exchange."""
    homes = {name: str(Path(base) / name.lower()) for name in (
        "HOME", "IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR")}
    for path in homes.values():
        os.makedirs(path, exist_ok=True)
    return homes


def load_course_config(root: str | Path) -> Config:
    """The traitlets Config that root/nbgrader_config.py gives, as nbgrader loads it."""
    from traitlets.config.loader import PyFileConfigLoader

    path = Path(root) / CONFIG_FILE
    if not path.is_file():
        raise FileNotFoundError(f"no {CONFIG_FILE} in {root}: not a course root "
                                "(make one with make_course_root)")
    with _environment_restored():  # the file puts this Python's bin/ on PATH for nbgrader
        return PyFileConfigLoader(CONFIG_FILE, path=str(Path(root).resolve())).load_config()


def course_api(root: str | Path, overrides: Config | None = None) -> NbGraderAPI:
    """nbgrader's in-process API (NbGraderAPI) for the course root, configured by its
    nbgrader_config.py and then by `overrides` (a traitlets Config), if given. Call it inside
    nbgrader_environment()."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = load_course_config(root)
    if overrides is not None:
        config.merge(overrides)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def gradebook_url(root: str | Path) -> str:
    """The SQLAlchemy URL of the course root's gradebook (as nbgrader_config.py sets it)."""
    return "sqlite:///" + str(Path(root).resolve() / GRADEBOOK)


# --------------------------------------------------------------------------- cohort report

REPORT_COLUMNS = ("student_id", "last_name", "first_name", "assignment", "status", "score",
                  "max_score", "share", "to_grade")
NOT_SUBMITTED, TO_GRADE, PASSED, NOT_PASSED = "not submitted", "to grade", "passed", "not passed"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cohort_grades(db_url: str, pass_mark: float) -> pd.DataFrame:
    """One row per student and assignment in the gradebook, for the trainer.

    `score` is what nbgrader counts (manual score where a trainer gave one, else the
    autograder's), less any late penalty; `to_grade` counts answers still flagged for a
    trainer (nbgrader's needs_manual_grade). `status` is "to grade" while any are, else
    "passed" when score / max_score reaches the course's pass mark (widgets/content/
    modules.yaml, pass_rules), else "not passed"; "not submitted" when there is nothing.
    """
    from nbgrader.api import Gradebook, MissingEntry

    rows = []
    with nbgrader_environment(), Gradebook(db_url) as gradebook:
        students = sorted(gradebook.students, key=lambda s: s.id)
        for assignment in sorted(gradebook.assignments, key=lambda a: a.name):
            max_score = float(assignment.max_score)
            for student in students:
                row = {"student_id": student.id, "last_name": student.last_name or "",
                       "first_name": student.first_name or "", "assignment": assignment.name,
                       "max_score": max_score}
                try:
                    submission = gradebook.find_submission(assignment.name, student.id)
                except MissingEntry:
                    rows.append({**row, "status": NOT_SUBMITTED, "score": 0.0, "share": 0.0,
                                 "to_grade": 0})
                    continue
                score = float(submission.score) - float(submission.late_submission_penalty or 0)
                to_grade = sum(grade.needs_manual_grade for notebook in submission.notebooks
                               for grade in notebook.grades)
                share = round(score / max_score, 9) if max_score else 0.0
                status = TO_GRADE if to_grade else PASSED if share >= pass_mark else NOT_PASSED
                rows.append({**row, "status": status, "score": score, "share": share,
                             "to_grade": int(to_grade)})
    return pd.DataFrame(rows, columns=list(REPORT_COLUMNS))


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot run as spreadsheet formulas: text starting with =, +,
    -, @ (or a tab or carriage return) gets a leading apostrophe, as spreadsheets expect."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    return safe


def write_grades_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """The cohort report as a CSV that any spreadsheet opens safely (quoted, UTF-8)."""
    path = Path(path)
    spreadsheet_safe(frame).to_csv(path, index=False, encoding="utf-8")
    return path


def report_summary(frame: pd.DataFrame) -> str:
    """The count of each status, e.g. '2 passed, 1 not passed, 1 to grade (3 answers), 4 not
    submitted': what a trainer checks before exporting grades."""
    counts = frame["status"].value_counts()
    parts = [f"{counts.get(status, 0)} {status}" for status in (PASSED, NOT_PASSED)]
    waiting, answers = int(counts.get(TO_GRADE, 0)), int(frame["to_grade"].sum())
    parts.append(f"{waiting} {TO_GRADE} ({answers} answer{'' if answers == 1 else 's'})")
    parts.append(f"{counts.get(NOT_SUBMITTED, 0)} {NOT_SUBMITTED}")
    return ", ".join(parts)
