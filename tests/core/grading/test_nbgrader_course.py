"""The course's nbgrader set-up and helpers, without running a notebook (fast).

nbgrader_config.py must point nbgrader at exercises/ and course/ wherever the file is, keep
feedback free of hidden tests, put deleted tests back and stop endless cells; the feedback
preprocessor must remove hidden tests and mark schemes without losing the learner's messages;
course roots for tests must be real copies; the learners' notebooks made for the proof tests
must be what a learner could hand in; and the cohort report must count what nbgrader counts,
including answers still waiting for a trainer.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import warnings
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from support.repo import REPO

from widgets import cli
from widgets.core.grading.exercise_submissions import (
    ENDLESS_LOOP,
    TAMPERED_TEST,
    answered,
    answers_of,
    endless,
    is_test,
    region_only_lines,
    solution_text,
    solved,
    tampered,
)
from widgets.core.grading.nbgrader_course import (
    GRADEBOOK,
    HIDDEN_NOTE,
    HIDDEN_TESTS,
    RegionError,
    RemoveHiddenFromFeedback,
    assignment_ids,
    cohort_grades,
    gradebook_url,
    load_course_config,
    make_course_root,
    nbgrader_environment,
    report_summary,
    split_region,
    write_grades_csv,
)

# --- the configuration -----------------------------------------------------------------------


def test_configuration_points_nbgrader_at_exercises_and_course():
    path = os.environ.get("PATH")
    config = load_course_config(REPO)
    assert os.environ.get("PATH") == path  # loading it here leaves the caller's PATH alone
    course = config.CourseDirectory
    assert course.root == str(REPO)
    assert course.course_id == "iso10002"
    assert course.source_directory == "exercises"
    for step in ("release", "submitted", "autograded", "feedback"):
        assert course[f"{step}_directory"] == os.path.join("course", step)
    assert course.db_url == f"sqlite:///{REPO / 'course' / 'gradebook.db'}"
    assert config.Execute.timeout == 30 and config.Execute.interrupt_on_timeout
    assert config.OverwriteCells.add_missing_cells is True
    assert config.ClearMarkScheme.enforce_metadata is False
    assert RemoveHiddenFromFeedback in config.GenerateFeedback.preprocessors


def test_generated_folders_are_not_committed():
    paths = ["course/release/ex01-principles/x.ipynb", "course/submitted/a/ex/x.ipynb",
             "course/autograded/a/ex/x.ipynb", "course/feedback/a/ex/x.html",
             "course/gradebook.db"]
    ignored = subprocess.run(["git", "check-ignore", *paths], cwd=REPO, capture_output=True,
                             text=True, check=False).stdout.split()
    assert ignored == paths


def test_a_course_root_is_a_copy_that_describes_itself(tmp_path: Path):
    root = make_course_root(tmp_path / "root", ["ex04-root-cause"],
                            extra_config="c.Execute.timeout = 5")
    assert assignment_ids(root) == ["ex04-root-cause"]
    assert (root / "course").is_dir()
    original = REPO / "exercises" / "ex04-root-cause" / "ex04-root-cause.ipynb"
    copy = root / "exercises" / "ex04-root-cause" / "ex04-root-cause.ipynb"
    assert copy.read_bytes() == original.read_bytes()
    config = load_course_config(root)
    assert config.CourseDirectory.root == str(root.resolve())
    assert config.CourseDirectory.db_url == gradebook_url(root)
    assert config.Execute.timeout == 5
    assert assignment_ids(make_course_root(tmp_path / "all")) == assignment_ids(REPO)


def test_course_roots_refuse_unknown_assignments_and_folders(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="no assignment 'ex99-nothing'"):
        make_course_root(tmp_path / "root", ["ex99-nothing"])
    with pytest.raises(FileNotFoundError, match="not a course root"):
        load_course_config(tmp_path)


def test_nbgrader_works_without_the_environment_activated(tmp_path: Path):
    """`.venv/bin/nbgrader` (or the Formgrader of `make start`) on a fresh clone: nbgrader
    creates the gradebook by running `alembic`, which the configuration makes findable."""
    root = make_course_root(tmp_path / "root", ["ex07-response-letter"])
    env = {**os.environ, "PATH": "/usr/bin:/bin"}
    done = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "db", "student",
                           "add", "zoe"], cwd=root, env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    with sqlite3.connect(root / GRADEBOOK) as db:
        assert db.execute("select count(*) from alembic_version").fetchone() == (1,)
        assert db.execute("select id from student").fetchall() == [("zoe",)]


def test_nbgrader_environment_finds_alembic_and_restores(monkeypatch):
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    before = dict(os.environ)
    with nbgrader_environment({"HOME": "/nowhere"}):
        assert shutil.which("alembic").startswith(str(Path(sys.executable).parent))
        assert os.environ["HOME"] == "/nowhere"
    assert dict(os.environ) == before


# --- regions and feedback --------------------------------------------------------------------


def test_split_region_keeps_what_learners_see():
    source = "a = 1\n### BEGIN HIDDEN TESTS\nassert a == 1\n### END HIDDEN TESTS\nb = 2"
    assert split_region(source, HIDDEN_TESTS) == ("a = 1\nb = 2", ["assert a == 1"])
    for broken in ("### BEGIN HIDDEN TESTS\nx", "### END HIDDEN TESTS",
                   "### BEGIN HIDDEN TESTS\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS"):
        with pytest.raises(RegionError):
            split_region(broken, HIDDEN_TESTS)


def _graded_cell(source: str, outputs: list) -> nbformat.NotebookNode:
    cell = new_code_cell(source, outputs=outputs, execution_count=3)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "t", "points": 1, "locked": True,
                                 "solution": False, "schema_version": 3}
    return cell


def test_feedback_loses_hidden_tests_and_mark_schemes_but_keeps_messages():
    hidden_line = "assert answer == 42, 'not the answer'"
    test = _graded_cell(
        f"assert answer > 0\n### BEGIN HIDDEN TESTS\n{hidden_line}\nprint('look again at B')\n"
        "2.5\n### END HIDDEN TESTS",
        [new_output("stream", name="stdout", text="look again at B\n"),
         new_output("execute_result", data={"text/plain": "2.5"}, execution_count=3),
         new_output("error", ename="AssertionError", evalue="not the answer",
                    traceback=["Traceback", f"----> 3 {hidden_line}", "AssertionError: x"])])
    question = new_markdown_cell("## Q2\nExplain.\n### BEGIN MARK SCHEME\n1 point: names it\n"
                                 "### END MARK SCHEME")
    plain = new_code_cell("1 + 1", outputs=[new_output("execute_result",
                                                       data={"text/plain": "2"})])
    notebook = new_notebook(cells=[test, question, plain])
    result, _ = RemoveHiddenFromFeedback().preprocess(notebook, {})
    assert result.cells[0].source == "assert answer > 0"
    assert [o.output_type for o in result.cells[0].outputs] == ["stream", "error"]
    error = result.cells[0].outputs[1]
    assert (error.ename, error.evalue) == ("AssertionError", "not the answer")
    assert error.traceback == ["AssertionError: not the answer", HIDDEN_NOTE]
    assert result.cells[1].source == "## Q2\nExplain."
    assert result.cells[2].outputs[0].data == {"text/plain": "2"}


# --- learners' notebooks for the proof tests -------------------------------------------------


def _assignment() -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    def meta(gid, **kw):
        base = {"grade": False, "grade_id": gid, "locked": False, "schema_version": 3,
                "solution": False, "task": False}
        return {"nbgrader": {**base, **kw}}

    source = new_notebook(cells=[
        new_code_cell("x = None\n### BEGIN SOLUTION\nx = 41 + 1\n### END SOLUTION",
                      metadata=meta("q1", solution=True)),
        new_code_cell("assert x is not None\n### BEGIN HIDDEN TESTS\nassert x == 42, 'no'\n"
                      "### END HIDDEN TESTS", metadata=meta("q1-tests", grade=True,
                                                             locked=True, points=1)),
        new_markdown_cell("### BEGIN SOLUTION\nBecause the policy says so.\n### END SOLUTION",
                          metadata=meta("q2", solution=True, grade=True, points=2)),
        new_code_cell("assert True", metadata=meta("q2-tests", grade=True, locked=True,
                                                   points=1)),
    ])
    release = nbformat.from_dict(nbformat.v4.upgrade(source))
    release.cells[0].source = "x = None\n# YOUR CODE HERE\nraise NotImplementedError()"
    release.cells[1].source = "assert x is not None"
    release.cells[2].source = "YOUR ANSWER HERE"
    return source, release


def test_solved_notebooks_carry_the_source_solutions():
    source, release = _assignment()
    assert solution_text(source.cells[0].source) == "x = None\nx = 41 + 1"
    assert answers_of(source) == {"q1": "x = None\nx = 41 + 1",
                                  "q2": "Because the policy says so."}
    notebook = solved(release, source, {"q2": "No idea."})
    assert [c.source for c in notebook.cells][:3] == [
        "x = None\nx = 41 + 1", "assert x is not None", "No idea."]
    assert release.cells[0].source.endswith("NotImplementedError()")  # the release is untouched
    with pytest.raises(KeyError, match="not answer cells of this notebook: q1-tests"):
        answered(release, {"q1-tests": "pass"})


def test_endless_and_tampered_notebooks():
    source, release = _assignment()
    assert endless(release, source).cells[0].source == ENDLESS_LOOP
    notebook = tampered(release)
    tests = [cell for cell in notebook.cells if is_test(cell)]
    assert len(tests) == 1 and tests[0].source == TAMPERED_TEST
    assert tests[0].metadata.nbgrader.locked is False
    assert notebook.cells[0].source == release.cells[0].source


def test_region_only_lines_are_the_distinctive_secret_lines():
    source, _ = _assignment()
    assert region_only_lines(source, HIDDEN_TESTS) == ["assert x == 42, 'no'"]
    assert region_only_lines(source, HIDDEN_TESTS, min_length=40) == []


# --- the cohort report -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def gradebook_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A gradebook with one assignment (an autograded test worth 2, a written answer worth 3)
    and four students: passed, not passed, waiting for a trainer, not submitted. Made once
    (nbgrader asks alembic for the schema version of a new gradebook, which takes seconds)."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    root = tmp_path_factory.mktemp("gradebook")
    (root / "course").mkdir()
    url = gradebook_url(root)
    with warnings.catch_warnings(), nbgrader_environment(), Gradebook(url) as book:
        warnings.simplefilter("ignore", SAWarning)
        book.add_assignment("ex-a")
        book.add_notebook("ex-a", "ex-a")
        book.add_grade_cell("t", "ex-a", "ex-a", max_score=2, cell_type="code")
        book.add_grade_cell("w", "ex-a", "ex-a", max_score=3, cell_type="markdown")
        scores = {"ann": (2, 1), "=cmd|' /C calc'!A0": (0, 2), "bob": (2, None)}
        for student, (auto, manual) in scores.items():
            book.add_student(student, last_name="Smith, Jr." if student == "ann" else None)
            book.add_submission("ex-a", student)
            test = book.find_grade("t", "ex-a", "ex-a", student)
            test.auto_score, test.needs_manual_grade = auto, False
            written = book.find_grade("w", "ex-a", "ex-a", student)
            written.manual_score = manual
            # The gradebook API leaves needs_manual_grade set when a score is given (the
            # Formgrader clears it); here it is cleared by hand, as a trainer's tool must.
            written.needs_manual_grade = manual is None
        book.add_student("cy")
        book.db.commit()
    return root / GRADEBOOK


@pytest.fixture
def gradebook(gradebook_file: Path, tmp_path: Path) -> str:
    """A fresh copy of the gradebook in the test's own course root."""
    (tmp_path / "course").mkdir()
    shutil.copy(gradebook_file, tmp_path / GRADEBOOK)
    return gradebook_url(tmp_path)


def test_cohort_grades_count_what_nbgrader_counts(gradebook: str):
    report = cohort_grades(gradebook, pass_mark=0.6)
    rows = report.set_index("student_id")
    assert list(report.columns) == ["student_id", "last_name", "first_name", "assignment",
                                    "status", "score", "max_score", "share", "to_grade"]
    assert rows.loc["ann", ["status", "score", "share", "to_grade"]].tolist() == [
        "passed", 3.0, 0.6, 0]
    assert rows.loc["=cmd|' /C calc'!A0", ["status", "score"]].tolist() == ["not passed", 2.0]
    assert rows.loc["bob", ["status", "score", "to_grade"]].tolist() == ["to grade", 2.0, 1]
    assert rows.loc["cy", ["status", "score"]].tolist() == ["not submitted", 0.0]
    assert report_summary(report) == (
        "1 passed, 1 not passed, 1 to grade (1 answer), 1 not submitted")


def test_a_manual_score_set_through_the_api_still_waits_for_a_trainer(gradebook: str):
    from nbgrader.api import Gradebook

    with Gradebook(gradebook) as book:
        grade = book.find_grade("w", "ex-a", "ex-a", "bob")
        grade.manual_score = 3.0
        book.db.commit()
    rows = cohort_grades(gradebook, pass_mark=0.6).set_index("student_id")
    assert rows.loc["bob", ["status", "score"]].tolist() == ["to grade", 5.0]


def test_grades_csv_is_safe_in_a_spreadsheet(gradebook: str, tmp_path: Path):
    path = write_grades_csv(cohort_grades(gradebook, 0.6), tmp_path / "grades.csv")
    text = path.read_text(encoding="utf-8")
    assert "\"'=cmd|' /C calc'!A0\"" in text or "'=cmd|' /C calc'!A0" in text
    assert '"Smith, Jr."' in text
    back = pd.read_csv(path)
    assert back["student_id"].tolist()[0] == "'=cmd|' /C calc'!A0"


def test_grades_command_prints_the_report(gradebook: str, tmp_path: Path, capsys):
    out = tmp_path / "report.csv"
    assert cli.main(["grades", "--root", str(tmp_path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "pass mark 60% of an exercise's points: 1 passed, 1 not passed, 1 to grade" in printed
    assert out.is_file()
    assert cli.main(["grades", "--root", str(tmp_path / "elsewhere")]) == 2
    assert f"no gradebook at {tmp_path / 'elsewhere' / GRADEBOOK}" in capsys.readouterr().err
