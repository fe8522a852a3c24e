"""`iso10002 grade`: parallel autograding that gives exactly the scores `nbgrader autograde`
gives, with one writer to the gradebook.

The proof (slow): one synthetic cohort of ex01 — a learner with every answer right, two with
answers drawn by ability, one who hands back the blank release, one whose first answer loops for
ever, one who edits the tests, one whose file was cut off on upload (nbgrader cannot read it),
one who hands in nothing — is copied into two course roots. One is graded by the serial
`nbgrader autograde` command, the other by `iso10002 grade --workers 2`. Every learner's
gradebook entry (each cell's automatic and manual score, the needs-manual-grade flags, the
automatic comments, the timestamp) and graded notebook must be the same. Then the rules around
it: a second run grades nothing, a notebook handed in again is graded again, manual scores
survive --force exactly as with nbgrader, and a learner's code that kills its grading process
fails alone.

The fast tests check the pieces without running a notebook: nbgrader's skip rule, the merge,
the progress line, the error messages.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from support.repo import REPO

from widgets import cli
from widgets.core.grading.cohort import (
    ANSWERS,
    BLANK,
    BROKEN,
    ENDLESS,
    MISSING,
    SOLVED,
    TAMPERED,
    add_students,
    plan_cohort,
    write_cohort,
)
from widgets.core.grading.exercise_submissions import solved
from widgets.core.grading.nbgrader_course import (
    course_api,
    gradebook_url,
    make_course_root,
    nbgrader_environment,
)
from widgets.core.grading.parallel_grade import (
    FAILED,
    GRADED,
    SKIPPED,
    GradeError,
    GradeRun,
    Outcome,
    ProgressLine,
    autograde_app,
    clock,
    failure_message,
    grade_assignment,
    merge_submission,
    needs_grading,
    read_submission,
    snapshot_gradebook,
    sqlite_path,
    submission_folders,
)

BIN = Path(sys.executable).parent
ASSIGNMENT = "ex01-principles"
TIMEOUT = 5
KINDS = {"learner001": SOLVED, "learner002": ANSWERS, "learner003": ANSWERS,
         "learner004": BLANK, "learner005": ENDLESS, "learner006": TAMPERED,
         "learner007": BROKEN, "learner008": MISSING}
KILL_GRADER = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"


def _homes(base: Path) -> dict[str, str]:
    homes = {name: str(base / name.lower()) for name in (
        "HOME", "IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR")}
    for folder in homes.values():
        os.makedirs(folder, exist_ok=True)
    return homes


def _generated_root(base: Path, extra_config: str = "") -> Path:
    from sqlalchemy.exc import SAWarning

    root = make_course_root(base, [ASSIGNMENT], extra_config=extra_config)
    with warnings.catch_warnings(), nbgrader_environment():
        warnings.simplefilter("ignore", SAWarning)
        assert course_api(root).generate_assignment(ASSIGNMENT)["success"]
    return root


def _gradebook_rows(root: Path) -> dict:
    """Everything autograding can write, per learner: the gradebook's grade, comment,
    submission and student rows, by name (ids differ between gradebooks)."""
    with sqlite3.connect(root / "course" / "gradebook.db") as db:
        grades = db.execute(
            "SELECT sa.student_id, bc.name, g.auto_score, g.manual_score, g.extra_credit, "
            "g.needs_manual_grade FROM grade g JOIN submitted_notebook sn ON g.notebook_id = "
            "sn.id JOIN submitted_assignment sa ON sn.assignment_id = sa.id JOIN base_cell bc "
            "ON g.cell_id = bc.id ORDER BY 1, 2").fetchall()
        comments = db.execute(
            "SELECT sa.student_id, bc.name, c.auto_comment, c.manual_comment FROM comment c "
            "JOIN submitted_notebook sn ON c.notebook_id = sn.id JOIN submitted_assignment sa "
            "ON sn.assignment_id = sa.id JOIN base_cell bc ON c.cell_id = bc.id "
            "ORDER BY 1, 2").fetchall()
        submissions = db.execute(
            "SELECT sa.student_id, sa.timestamp, sn.late_submission_penalty, sn.flagged FROM "
            "submitted_assignment sa JOIN submitted_notebook sn ON sn.assignment_id = sa.id "
            "ORDER BY 1").fetchall()
        students = db.execute("SELECT id, first_name, last_name, email FROM student "
                              "ORDER BY 1").fetchall()
    return {"grades": grades, "comments": comments, "submissions": submissions,
            "students": students}


def _graded_notebooks(root: Path) -> dict[str, list[tuple[str, list[str]]]]:
    """Per learner with a graded notebook: each cell's source and the errors it showed."""
    found = {}
    for path in sorted((root / "course" / "autograded").glob(f"*/{ASSIGNMENT}/*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        found[path.parent.parent.name] = [
            (cell.source, [o.get("ename") for o in cell.get("outputs", [])
                           if o.output_type == "error"]) for cell in notebook.cells]
    return found


@dataclass
class Proof:
    serial: Path
    parallel: Path
    serial_run: subprocess.CompletedProcess
    parallel_run: subprocess.CompletedProcess
    homes: dict[str, str]


@pytest.fixture(scope="module")
def proof(tmp_path_factory: pytest.TempPathFactory) -> Proof:
    """The same cohort graded both ways (the expensive part, once per module)."""
    base = tmp_path_factory.mktemp("parallel-proof")
    homes = _homes(base / "homes")
    serial = _generated_root(base / "serial", f"c.Execute.timeout = {TIMEOUT}")
    learners = plan_cohort(len(KINDS))
    with nbgrader_environment():
        add_students(gradebook_url(serial), learners[:4])  # the others arrive unknown
    write_cohort(serial, ASSIGNMENT, learners, kinds=KINDS)
    parallel = base / "parallel"
    shutil.copytree(serial, parallel, symlinks=True)
    env = {**os.environ, **homes, "PATH": os.pathsep.join([str(BIN), os.environ["PATH"]])}
    serial_run = subprocess.run([str(BIN / "nbgrader"), "autograde", ASSIGNMENT], cwd=serial,
                                env=env, capture_output=True, text=True, timeout=600,
                                check=False)
    parallel_run = subprocess.run([str(BIN / "iso10002"), "grade", ASSIGNMENT, "--workers", "2"],
                                  cwd=parallel, env=env, capture_output=True, text=True,
                                  timeout=600, check=False)
    return Proof(serial, parallel, serial_run, parallel_run, homes)


@pytest.mark.slow
def test_scores_are_identical_to_serial_nbgrader_autograde(proof: Proof):
    serial, parallel = _gradebook_rows(proof.serial), _gradebook_rows(proof.parallel)
    assert serial == parallel
    # ... and the comparison compares something: the cohort's scores are varied
    by_learner: dict[str, float] = {}
    for student, _cell, auto, manual, _extra, _waiting in serial["grades"]:
        by_learner[student] = by_learner.get(student, 0.0) + (manual or auto or 0.0)
    assert by_learner["learner001"] == 9.0  # every test passed; the written answer waits
    assert by_learner["learner004"] == by_learner["learner006"] == 0.0  # blank, tampered
    assert 0 < by_learner["learner005"] < 9.0  # the endless loop cost its question only
    assert "learner008" not in by_learner  # handed in nothing
    assert {row[0] for row in serial["students"]} == {f"learner00{n}" for n in range(1, 8)}


@pytest.mark.slow
def test_graded_notebooks_are_identical(proof: Proof):
    serial, parallel = _graded_notebooks(proof.serial), _graded_notebooks(proof.parallel)
    assert serial == parallel
    assert sorted(serial) == ["learner001", "learner002", "learner003", "learner004",
                              "learner005", "learner006"]  # the cut-off file: none, both ways
    looping = [errors for _source, errors in serial["learner005"] if "CellTimeoutError" in errors]
    assert looping, "the endless loop was stopped by the time-out"

    def timestamps(root: Path) -> dict[str, str]:
        return {path.parent.parent.name: path.read_text() for path in
                (root / "course" / "autograded").glob(f"*/{ASSIGNMENT}/timestamp.txt")}

    assert timestamps(proof.parallel) == timestamps(proof.serial)
    assert len(timestamps(proof.serial)) == 6


@pytest.mark.slow
def test_a_failed_submission_is_reported_and_the_run_goes_on(proof: Proof):
    assert proof.serial_run.returncode == 1  # nbgrader: an error for learner007
    assert proof.parallel_run.returncode == 1, proof.parallel_run.stderr
    out = proof.parallel_run.stdout
    assert "ex01-principles: graded 6, failed 1, skipped 0 of 7 submissions" in out
    assert "FAILED learner007: nbformat.reader.NotJSONError: Notebook does not appear to be " \
           "JSON" in out
    assert "--- learner007: nbformat.reader.NotJSONError" in out
    assert "graded 7/7" in out  # the progress lines (not a terminal: a line per tenth)
    assert proof.parallel_run.stderr == ""


@pytest.mark.slow
def test_a_second_run_grades_nothing_and_a_new_version_is_graded_again(proof: Proof):
    with nbgrader_environment(proof.homes):
        again = grade_assignment(proof.parallel, ASSIGNMENT, workers=2)
        assert [o.status for o in again.outcomes].count(SKIPPED) == 6
        assert {o.student: o.status for o in again.failed} == {"learner007": FAILED}
        before = _gradebook_rows(proof.parallel)
        # learner002 hands in again (a later timestamp): only that submission is graded
        folder = proof.parallel / "course" / "submitted" / "learner002" / ASSIGNMENT
        (folder / "timestamp.txt").write_text("2025-06-07 09:00:00.000000 UTC")
        resubmitted = grade_assignment(proof.parallel, ASSIGNMENT, workers=2,
                                       student="learner00[2-6]")
    assert {o.student: o.status for o in resubmitted.outcomes} == {
        "learner002": GRADED, "learner003": SKIPPED, "learner004": SKIPPED,
        "learner005": SKIPPED, "learner006": SKIPPED}
    after = _gradebook_rows(proof.parallel)
    assert after["grades"] == before["grades"]  # the same notebook, the same scores
    changed = [row for row in after["submissions"] if row not in before["submissions"]]
    assert [row[:2] for row in changed] == [("learner002", "2025-06-07 09:00:00.000000")]


@pytest.mark.slow
def test_manual_scores_survive_a_forced_regrade_as_with_nbgrader(proof: Proof):
    """A trainer scored learner001's written answer; grading again with --force keeps the
    score and flags the answer for review, the way nbgrader does."""
    from nbgrader.api import Gradebook

    env = {**os.environ, **proof.homes, "PATH": os.pathsep.join([str(BIN), os.environ["PATH"]])}
    for root in (proof.serial, proof.parallel):
        with nbgrader_environment(), Gradebook(gradebook_url(root)) as gradebook:
            grade = gradebook.find_grade("ex01-q3", ASSIGNMENT, ASSIGNMENT, "learner001")
            grade.manual_score, grade.needs_manual_grade = 3.5, False
            gradebook.db.commit()
    done = subprocess.run([str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--force",
                           "--student=learner001"], cwd=proof.serial, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    with nbgrader_environment(proof.homes):
        run = grade_assignment(proof.parallel, ASSIGNMENT, workers=1, force=True,
                               student="learner001")
    assert [(o.student, o.status) for o in run.outcomes] == [("learner001", GRADED)]
    serial, parallel = _gradebook_rows(proof.serial), _gradebook_rows(proof.parallel)
    mine = [row for row in parallel["grades"] if row[0] == "learner001"]
    assert mine == [row for row in serial["grades"] if row[0] == "learner001"]
    assert ("learner001", "ex01-q3", None, 3.5, None, 1) in mine


@pytest.mark.slow
def test_code_that_kills_its_grader_fails_alone(tmp_path: Path):
    root = _generated_root(tmp_path / "root")
    learners = plan_cohort(3)
    write_cohort(root, ASSIGNMENT, learners, kinds=dict.fromkeys(
        [learner.id for learner in learners], SOLVED))
    release = nbformat.read(root / "course" / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                            as_version=4)
    source = nbformat.read(root / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    folder = root / "course" / "submitted" / "saboteur" / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(solved(release, source, {"ex01-q1": KILL_GRADER}),
                   folder / f"{ASSIGNMENT}.ipynb")
    with nbgrader_environment(_homes(tmp_path / "homes")):
        run = grade_assignment(root, ASSIGNMENT, workers=2)
    assert {o.student: o.status for o in run.outcomes} == {
        "learner001": GRADED, "learner002": GRADED, "learner003": GRADED, "saboteur": FAILED}
    assert "grading process died" in run.failed[0].message
    rows = [read_submission(gradebook_url(root), "iso10002", ASSIGNMENT, learner.id)
            for learner in learners]
    assert all(row["notebooks"][ASSIGNMENT]["grades"]["ex01-q1-tests"] == (6.0, False)
               for row in rows)
    assert read_submission(gradebook_url(root), "iso10002", ASSIGNMENT, "saboteur") is None


@pytest.mark.slow
def test_benchmark_runs_and_finds_the_gradebooks_identical():
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "grade_cohort.py"),
                           "--size", "3", "--workers", "2"], capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert "gradebooks: identical for all 3 learners" in done.stdout
    assert "as fast" in done.stdout


# --- the pieces, fast -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course root with ex01 generated and nothing handed in."""
    return _generated_root(tmp_path_factory.mktemp("generated") / "root")


def _coursedir(root: Path):
    return autograde_app(root).coursedir


def _hand_in(root: Path, learner: str, stamp: str | None = "2025-06-01 10:00:00.000000 UTC",
             step: str = "submitted") -> Path:
    folder = root / "course" / step / learner / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{ASSIGNMENT}.ipynb").write_text("{}")
    if stamp:
        (folder / "timestamp.txt").write_text(stamp)
    return folder


def test_the_app_reads_the_course_configuration(generated: Path):
    coursedir = _coursedir(generated)
    assert coursedir.root == str(generated)
    assert coursedir.course_id == "iso10002"
    assert sqlite_path(coursedir.db_url) == generated / "course" / "gradebook.db"
    with pytest.raises(GradeError, match="not a SQLite file"):
        sqlite_path("postgresql://grader@db/gradebook")


def test_nbgraders_skip_rule(tmp_path: Path, generated: Path):
    root = tmp_path / "root"
    shutil.copytree(generated, root)
    coursedir = _coursedir(root)
    _hand_in(root, "ann")
    assert needs_grading(coursedir, ASSIGNMENT, "ann", force=False)  # never graded
    _hand_in(root, "ann", step="autograded")
    assert not needs_grading(coursedir, ASSIGNMENT, "ann", force=False)  # same timestamp
    assert needs_grading(coursedir, ASSIGNMENT, "ann", force=True)
    _hand_in(root, "ann", stamp="2025-06-02 08:00:00.000000 UTC")  # handed in again
    assert needs_grading(coursedir, ASSIGNMENT, "ann", force=False)
    _hand_in(root, "ann", stamp="2025-05-30 08:00:00.000000 UTC")  # older than the graded one
    assert not needs_grading(coursedir, ASSIGNMENT, "ann", force=False)
    _hand_in(root, "bo", stamp=None)
    _hand_in(root, "bo", stamp=None, step="autograded")
    assert not needs_grading(coursedir, ASSIGNMENT, "bo", force=False)  # no timestamps
    assert sorted(submission_folders(coursedir, ASSIGNMENT)) == ["ann", "bo"]
    assert list(submission_folders(coursedir, ASSIGNMENT, "b*")) == ["bo"]


def test_merge_writes_one_submission_in_one_go(tmp_path: Path, generated: Path):
    from nbgrader.api import Gradebook

    root = tmp_path / "root"
    shutil.copytree(generated, root)
    url = gradebook_url(root)
    rows = {"timestamp": dt.datetime(2025, 6, 1, 10, 0),
            "notebooks": {ASSIGNMENT: {
                "late_submission_penalty": None,
                "grades": {"ex01-q1-tests": (6.0, False), "ex01-q2-tests": (1.5, False),
                           "ex01-q3": (None, True)},
                "comments": {"ex01-q1": None, "ex01-q2": None, "ex01-q3": None}}}}
    with nbgrader_environment():
        merge_submission(url, "iso10002", ASSIGNMENT, "newcomer", rows)
        assert read_submission(url, "iso10002", ASSIGNMENT, "newcomer") == rows
        with Gradebook(url) as gradebook:  # a trainer scores the written answer
            grade = gradebook.find_grade("ex01-q3", ASSIGNMENT, ASSIGNMENT, "newcomer")
            grade.manual_score, grade.needs_manual_grade = 4.0, False
            gradebook.db.commit()
        regraded = {**rows, "notebooks": {ASSIGNMENT: {
            **rows["notebooks"][ASSIGNMENT],
            "grades": {"ex01-q1-tests": (0.0, False), "ex01-q2-tests": (3.0, False),
                       "ex01-q3": (None, True)},
            "comments": {"ex01-q1": "No response.", "ex01-q2": None, "ex01-q3": None}}}}
        merge_submission(url, "iso10002", ASSIGNMENT, "newcomer", regraded)
        assert read_submission(url, "iso10002", ASSIGNMENT, "newcomer") == regraded
        with Gradebook(url) as gradebook:
            grade = gradebook.find_grade("ex01-q3", ASSIGNMENT, ASSIGNMENT, "newcomer")
            assert grade.manual_score == 4.0  # never written by the merge
            assert gradebook.find_submission(ASSIGNMENT, "newcomer").score == 7.0
            assert [s.id for s in gradebook.students] == ["newcomer"]


def test_merge_of_an_unknown_assignment_leaves_the_gradebook_alone(tmp_path: Path,
                                                                   generated: Path):
    from nbgrader.api import MissingEntry

    root = tmp_path / "root"
    shutil.copytree(generated, root)
    before = (root / "course" / "gradebook.db").read_bytes()
    with nbgrader_environment(), pytest.raises(MissingEntry):
        merge_submission(gradebook_url(root), "iso10002", "ex99-nothing", "someone",
                         {"timestamp": None, "notebooks": {}})
    assert _gradebook_rows(root)["students"] == []  # the new learner was rolled back
    assert len((root / "course" / "gradebook.db").read_bytes()) == len(before)


@pytest.mark.slow  # waits for SQLite's 5-second lock timeout
def test_a_locked_gradebook_fails_the_submission_not_the_run(tmp_path: Path, generated: Path):
    from widgets.core.grading.parallel_grade import _merge

    root = tmp_path / "root"
    shutil.copytree(generated, root)
    graded = tmp_path / "worker" / "ann" / ASSIGNMENT
    graded.mkdir(parents=True)
    rows = {"timestamp": None, "notebooks": {ASSIGNMENT: {
        "late_submission_penalty": None, "grades": {"ex01-q1-tests": (6.0, False)},
        "comments": {}}}}
    result = {"student": "ann", "success": True, "log": "", "seconds": 1.0, "rows": rows,
              "folder": str(graded)}
    holder = sqlite3.connect(root / "course" / "gradebook.db")
    try:
        holder.execute("BEGIN EXCLUSIVE")  # e.g. a long write by another program
        with nbgrader_environment():
            outcome = _merge(ASSIGNMENT, _coursedir(root), result)
    finally:
        holder.close()
    assert outcome.status == FAILED
    assert outcome.message == ("graded, but the gradebook could not be written: "
                               "(sqlite3.OperationalError) database is locked")
    assert graded.is_dir()  # not moved into course/autograded/ without its scores
    assert not (root / "course" / "autograded" / "ann").exists()
    assert _gradebook_rows(root)["students"] == []


def test_snapshot_is_a_consistent_copy(tmp_path: Path):
    source = tmp_path / "source.db"
    with sqlite3.connect(source) as db:
        db.execute("CREATE TABLE t (x INTEGER)")
        db.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(100)])
    copy = snapshot_gradebook(source, tmp_path / "copy.db")
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT count(*), sum(x) FROM t").fetchone() == (100, 4950)


def test_runs_that_cannot_start_say_why(tmp_path: Path, generated: Path):
    with pytest.raises(GradeError, match=r"no nbgrader_config\.py"):
        grade_assignment(tmp_path, ASSIGNMENT)
    empty = make_course_root(tmp_path / "empty", [ASSIGNMENT])
    with pytest.raises(GradeError, match=r"no gradebook at .*generate_assignment ex01"):
        grade_assignment(empty, ASSIGNMENT)
    with pytest.raises(GradeError, match="'ex09-unknown' is not in the gradebook"):
        grade_assignment(generated, "ex09-unknown")
    with pytest.raises(GradeError, match="no submissions of ex01-principles"):
        grade_assignment(generated, ASSIGNMENT)
    with pytest.raises(GradeError, match="--workers must be 1 or more"):
        grade_assignment(generated, ASSIGNMENT, workers=0)


def test_a_folder_without_a_notebook_is_skipped(tmp_path: Path, generated: Path):
    root = tmp_path / "root"
    shutil.copytree(generated, root)
    (root / "course" / "submitted" / "ann" / ASSIGNMENT).mkdir(parents=True)
    run = grade_assignment(root, ASSIGNMENT)
    assert run.outcomes == [Outcome("ann", SKIPPED, message=(
        f"no notebook in {root / 'course' / 'submitted' / 'ann' / ASSIGNMENT}"))]


def test_failure_message_is_the_exception_line():
    log = ("[WARNING] Removing failed assignment: /tmp/x\n"
           "[ERROR] There was an error processing assignment: /tmp/y\n"
           "[ERROR] Traceback (most recent call last):\n"
           '  File "reader.py", line 25, in parse_json\n'
           "    raise NotJSONError(message) from e\n"
           "nbformat.reader.NotJSONError: Notebook does not appear to be JSON: '{...'\n"
           "[ERROR] There was an error processing assignment 'a' for student 'b'\n")
    assert failure_message(log) == ("nbformat.reader.NotJSONError: Notebook does not appear "
                                    "to be JSON: '{...'")
    assert failure_message("[ERROR] No notebooks found\n[ERROR] later") == "No notebooks found"
    assert failure_message("") == "nbgrader gave no reason"


def test_progress_line_on_a_terminal_rewrites_one_line():
    stream = io.StringIO()
    line = ProgressLine(stream, tty=True)
    line(1, 4, Outcome("a", GRADED))
    line(2, 4, Outcome("b", FAILED, message="NotJSONError: cut off"))
    line.finish()
    text = stream.getvalue()
    assert text.startswith("\rgraded 1/4 · 0:00 elapsed · about 0:00 left")
    assert "\rFAILED b: NotJSONError: cut off" in text and text.endswith("\n")
    assert "\rgraded 2/4 · 1 failed · " in text
    assert text.count("\n") == 2  # the failure's line and the final one


def test_progress_line_in_a_log_writes_every_tenth():
    stream = io.StringIO()
    line = ProgressLine(stream, tty=False)
    for done in range(1, 101):
        line(done, 100, Outcome(str(done), GRADED))
    lines = stream.getvalue().splitlines()
    assert [entry.split(" · ")[0] for entry in lines] == [
        f"graded {n}/100" for n in range(10, 101, 10)]


def test_clock_and_summary():
    assert clock(12.3) == "0:12" and clock(3725) == "1:02:05"
    run = GradeRun("ex01-principles", 2, [Outcome("a", GRADED), Outcome("b", FAILED),
                                          Outcome("c", SKIPPED)], 151)
    assert run.summary() == ("ex01-principles: graded 1, failed 1, skipped 1 of 3 submissions "
                             "in 2:31 with 2 workers")


def test_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    args = cli.build_parser().parse_args(["grade", ASSIGNMENT])
    assert (args.workers, args.force, args.student, args.verbose) == (None, False, "*", False)
    assert cli.main(["grade", ASSIGNMENT, "--root", str(tmp_path)]) == 2
    assert "iso10002 grade: no nbgrader_config.py in" in capsys.readouterr().err
