"""Every assignment proven end to end with nbgrader, in a temporary course root.

An assignment that awards marks to a blank notebook, crashes the autograder or shows its
hidden tests to learners is worse than none, so before a trainer releases one, this module
runs the whole grading cycle on each assignment of the course map: validate the source,
generate the release, autograde five made-up learners (two at a time, with nbgrader's own
converter), generate feedback, and read the gradebook. The learners:

- ``blank``     hands the released notebook back untouched;
- ``solution``  answers everything as the source's solutions do;
- ``partial``   answers everything right but one plausible mistake
  (tests/support/exercise_cases.py);
- ``tampered``  leaves the answers blank, rewrites every test cell to pass, unlocks them and
  deletes one;
- ``endless``   answers right, but its first code answer loops for ever.

The course root is a copy of the repository's nbgrader_config.py and exercises/ in a temporary
folder (the real course/ folders and gradebook are never touched), with one change: cells time
out after TIMEOUT seconds instead of 30, so the endless learners cost seconds, not minutes.
Kernels run with HOME and the Jupyter/IPython folders in the temporary folder.
"""

from __future__ import annotations

import html
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from nbformat import NotebookNode
from support.exercise_cases import MISTAKES

from widgets.core.course.course_map import load_course_map
from widgets.core.grading.exercise_submissions import (
    endless,
    grade_id,
    is_answer,
    is_test,
    region_only_lines,
    solved,
    tampered,
)
from widgets.core.grading.nbgrader_course import (
    HIDDEN_TESTS,
    MARK_SCHEME,
    SOLUTION,
    course_api,
    gradebook_url,
    load_course_config,
    make_course_root,
    nbgrader_environment,
)
from widgets.core.grading.parallel_grade import GRADED, grade_assignment

ASSIGNMENTS = [exercise.id for exercise in load_course_map().exercises]
LEARNERS = ("blank", "solution", "partial", "tampered", "endless")
TIMEOUT = 8
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "BEGIN MARK SCHEME", "END MARK SCHEME")


@dataclass
class GradedCourse:
    """What the session's grading run left behind, read once."""

    root: Path
    validation: dict[str, dict] = field(default_factory=dict)
    logs: dict[str, dict[str, dict]] = field(default_factory=dict)  # step -> assignment -> result
    grades: dict[tuple[str, str], dict[str, dict]] = field(default_factory=dict)
    source_cells: dict[str, dict[str, str]] = field(default_factory=dict)

    def path(self, step: str, learner: str, assignment: str, suffix: str = ".ipynb") -> Path:
        base = self.root / "course" / step
        folder = base / assignment if learner == "." else base / learner / assignment
        return folder / f"{assignment}{suffix}"

    def notebook(self, step: str, learner: str, assignment: str) -> NotebookNode:
        return nbformat.read(self.path(step, learner, assignment), as_version=4)

    def source(self, assignment: str) -> NotebookNode:
        return nbformat.read(self.root / "exercises" / assignment / f"{assignment}.ipynb",
                             as_version=4)

    def feedback_text(self, learner: str, assignment: str, step: str = "feedback") -> str:
        """The feedback page as the learner reads it: tags dropped, entities decoded."""
        page = self.path(step, learner, assignment, ".html").read_text(encoding="utf-8")
        page = re.sub(r"<style.*?</style>|<script.*?</script>", "", page, flags=re.S)
        return html.unescape(re.sub(r"<[^>]+>", "", page))


def _read_gradebook(course: GradedCourse) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course.root)) as gradebook:
        for assignment in ASSIGNMENTS:
            notebook = gradebook.find_notebook(assignment, assignment)
            course.source_cells[assignment] = {c.name: c.source for c in notebook.source_cells}
            for learner in LEARNERS:
                submission = gradebook.find_submission_notebook(assignment, assignment, learner)
                course.grades[assignment, learner] = {
                    grade.name: {**grade.to_dict(), "score": grade.score}
                    for grade in submission.grades}


def _submissions(release: NotebookNode, source: NotebookNode, assignment: str) -> dict:
    mistake = MISTAKES[assignment]
    return {
        "blank": release,
        "solution": solved(release, source),
        "partial": solved(release, source, {mistake.answer_cell: mistake.code}),
        "tampered": tampered(release),
        "endless": endless(release, source),
    }


@pytest.fixture(scope="session")
def graded(tmp_path_factory: pytest.TempPathFactory) -> GradedCourse:
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbformat.validator import MissingIDFieldWarning
    from nbgrader.preprocessors import GetGrades
    from nbgrader.validator import Validator
    from sqlalchemy.exc import SAWarning
    from traitlets.config import Config

    base = tmp_path_factory.mktemp("graded-course")
    root = make_course_root(base / "root", ASSIGNMENTS,
                            extra_config=f"c.Execute.timeout = {TIMEOUT}")
    homes = {name: str(base / folder) for name, folder in (
        ("HOME", "home"), ("IPYTHONDIR", "ipython"), ("JUPYTER_CONFIG_DIR", "jupyter-config"),
        ("JUPYTER_DATA_DIR", "jupyter-data"), ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"))}
    for folder in homes.values():
        Path(folder).mkdir()
    course = GradedCourse(root=root)
    with warnings.catch_warnings(), nbgrader_environment(homes):
        # SQLAlchemy 2 warns about nbgrader's session use; nbformat warns that the test cell
        # nbgrader puts back for the tampered learner has no cell id. Both harmless.
        warnings.simplefilter("ignore", SAWarning)
        warnings.simplefilter("ignore", MissingIDFieldWarning)
        config = load_course_config(root)
        validator = Validator(config=config)
        for assignment in ASSIGNMENTS:
            course.validation[assignment] = validator.validate(
                str(root / "exercises" / assignment / f"{assignment}.ipynb"))
        api = course_api(root)
        for step in ("generate", "autograde", "feedback"):
            course.logs[step] = {}
        for assignment in ASSIGNMENTS:
            course.logs["generate"][assignment] = api.generate_assignment(assignment)
            release = course.notebook("release", ".", assignment)
            for learner, notebook in _submissions(release, course.source(assignment),
                                                  assignment).items():
                target = course.path("submitted", learner, assignment)
                target.parent.mkdir(parents=True)
                nbformat.write(notebook, target)
        for assignment in ASSIGNMENTS:
            # `iso10002 grade`: nbgrader's own Autograde converter for every submission, two at
            # a time with one gradebook writer; tests/e2e/test_parallel_grade.py proves it gives
            # exactly what `nbgrader autograde` gives. Seventy submissions, so it halves set-up.
            run = grade_assignment(root, assignment, workers=2)
            failed = [o for o in run.outcomes if o.status != GRADED]
            course.logs["autograde"][assignment] = {
                "success": bool(run.outcomes) and not failed,
                "error": "\n".join(f"{o.student}: {o.message}\n{o.log}" for o in failed)}
            course.logs["feedback"][assignment] = api.generate_feedback(assignment)
        # The same feedback with nbgrader's default preprocessors, for the solution learner:
        # what trainers would hand out without this course's configuration.
        defaults = Config()
        defaults.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor]
        defaults.CourseDirectory.feedback_directory = str(Path("course", "feedback-default"))
        default_api = course_api(root, overrides=defaults)
        course.logs["default-feedback"] = {
            assignment: default_api.generate_feedback(assignment, "solution")
            for assignment in ASSIGNMENTS}
        _read_gradebook(course)
    return course


def _tests(grades: dict[str, dict]) -> dict[str, dict]:
    """The autograded test cells' grades (not the trainer-graded answers)."""
    return {name: grade for name, grade in grades.items() if grade["cell_type"] == "code"}


def _answers(grades: dict[str, dict]) -> dict[str, dict]:
    return {name: grade for name, grade in grades.items() if grade["cell_type"] == "markdown"}


pytestmark = [pytest.mark.slow, pytest.mark.parametrize("assignment", ASSIGNMENTS)]


def test_every_step_ran(graded: GradedCourse, assignment: str):
    for step, results in graded.logs.items():
        result = results[assignment]
        assert result["success"], f"{step} failed for {assignment}:\n{result.get('error')}"


def test_source_passes_validation(graded: GradedCourse, assignment: str):
    # `nbgrader validate` exits 0 even when a notebook fails; the API returns what failed.
    assert graded.validation[assignment] == {}


def test_release_has_no_solutions_hidden_tests_or_mark_schemes(graded: GradedCourse,
                                                               assignment: str):
    release = graded.notebook("release", ".", assignment)
    text = "\n".join(cell.source for cell in release.cells)
    assert not [marker for marker in MARKERS if marker in text]
    source = graded.source(assignment)
    for markers in (SOLUTION, HIDDEN_TESTS, MARK_SCHEME):
        secret = region_only_lines(source, markers)
        assert secret, f"the source has no distinctive {markers[0]} lines to look for"
        assert [line for line in secret if line in text] == []
    assert all(cell.metadata.get("editable") is False for cell in release.cells if is_test(cell))


def test_blank_release_scores_zero(graded: GradedCourse, assignment: str):
    grades = graded.grades[assignment, "blank"]
    assert {name: grade["score"] for name, grade in grades.items()} == dict.fromkeys(grades, 0)
    # Untouched answers are scored 0 automatically, not left for the trainer to grade.
    assert not any(grade["needs_manual_grade"] for grade in grades.values())


def test_solution_scores_full_marks_on_every_autograded_cell(graded: GradedCourse,
                                                              assignment: str):
    grades = graded.grades[assignment, "solution"]
    tests = _tests(grades)
    assert tests, "no autograded test cells"
    assert {n: g["auto_score"] for n, g in tests.items()} == {
        n: g["max_score"] for n, g in tests.items()}
    # Written answers wait for the trainer.
    assert all(g["needs_manual_grade"] for g in _answers(grades).values())


def test_partly_right_lands_strictly_between(graded: GradedCourse, assignment: str):
    tests = _tests(graded.grades[assignment, "partial"])
    mistake = MISTAKES[assignment]
    earned = sum(g["auto_score"] for g in tests.values())
    possible = sum(g["max_score"] for g in tests.values())
    assert 0 < earned < possible, f"{earned} of {possible}"
    short = {name for name, grade in tests.items() if grade["auto_score"] < grade["max_score"]}
    assert short == mistake.failing_tests, mistake.why


def test_edited_test_cells_are_graded_with_the_original_tests(graded: GradedCourse,
                                                              assignment: str):
    grades = graded.grades[assignment, "tampered"]
    assert sum(g["score"] for g in grades.values()) == 0
    graded_notebook = graded.notebook("autograded", "tampered", assignment)
    tests = {grade_id(cell): cell.source for cell in graded_notebook.cells if is_test(cell)}
    assert set(tests) == set(_tests(grades))
    originals = graded.source_cells[assignment]
    # Every test cell is back with its hidden tests; nbgrader puts a one-line comment above
    # the one the learner deleted.
    restored = {name: source == originals[name] or (
        source.startswith("# This cell") and source.endswith("\n" + originals[name]))
        for name, source in tests.items()}
    assert restored == dict.fromkeys(tests, True)
    assert all("BEGIN HIDDEN TESTS" in source for source in tests.values())


def test_endless_loop_times_out_and_grading_goes_on(graded: GradedCourse, assignment: str):
    graded_notebook = graded.notebook("autograded", "endless", assignment)
    code_answers = [cell for cell in graded_notebook.cells
                    if is_answer(cell) and cell.cell_type == "code"]
    looping = code_answers[0]
    assert "while True" in looping.source
    # The kernel was interrupted (KeyboardInterrupt) and nbgrader recorded the timeout.
    assert "CellTimeoutError" in [o.ename for o in looping.outputs if o.output_type == "error"]
    after = graded_notebook.cells[graded_notebook.cells.index(looping) + 1:]
    assert all(cell.execution_count for cell in after if cell.cell_type == "code")
    # Every test cell was run and scored, as for everyone else.
    tests = _tests(graded.grades[assignment, "endless"])
    assert tests and all(grade["auto_score"] is not None for grade in tests.values())


def test_feedback_shows_no_hidden_tests_or_mark_schemes(graded: GradedCourse, assignment: str):
    source = graded.source(assignment)
    hidden = region_only_lines(source, HIDDEN_TESTS)
    visible_test_line = next(line.strip() for cell in source.cells if is_test(cell)
                             for line in cell.source.split("\n")
                             if line.startswith("assert ") and "_" not in line[:8])
    for learner in LEARNERS:
        text = graded.feedback_text(learner, assignment)
        assert visible_test_line in text  # the check looks at the rendered code
        assert [line for line in hidden if line in text] == [], learner
        assert "Mark scheme (trainers only" not in text
        assert not [marker for marker in MARKERS if marker in text]


def test_default_feedback_would_show_hidden_tests(graded: GradedCourse, assignment: str):
    """Why the configuration matters: nbgrader's own feedback shows every hidden test."""
    text = graded.feedback_text("solution", assignment, step="feedback-default")
    hidden = region_only_lines(graded.source(assignment), HIDDEN_TESTS)
    assert [line for line in hidden if line in text] == hidden


def test_grader_sees_the_mark_scheme_next_to_the_answer(graded: GradedCourse, assignment: str):
    graded_notebook = graded.notebook("autograded", "solution", assignment)
    cells = graded_notebook.cells
    for index, cell in enumerate(cells):
        if is_answer(cell) and cell.cell_type == "markdown":
            assert "BEGIN MARK SCHEME" in cells[index - 1].source, grade_id(cell)

