"""Autograde a cohort's submissions with several processes — scores exactly as
`nbgrader autograde` gives them, one gradebook writer.

Why: `nbgrader autograde` grades one submission after another, a few seconds each (a kernel is
started and every cell run), so 200 learners take a quarter of an hour on a machine whose other
cores sit idle. Running several `nbgrader autograde --student=…` at once is not the answer:
each writes to the gradebook after every cell, and SQLite lets only one process write at a
time — concurrent writers wait and then fail with "database is locked", leaving submissions
half-graded.

Design:

1. The parent reads the course's nbgrader configuration the way the command does (an
   AutogradeApp initialised in the course root: nbgrader_config.py there and in the Jupyter
   config folders), finds the submissions and decides which to grade with nbgrader's own rule
   (not graded yet; or --force; or handed in again since it was graded).
2. It copies the gradebook once (SQLite's backup API: a consistent snapshot). Each worker
   process copies that snapshot to its own scratch folder and runs nbgrader's Autograde
   converter — the class the command runs, with the same configuration — on one submission at
   a time, pointed at its *private* gradebook and a private autograded/ folder. nbgrader there
   writes what it always writes; nobody else sees those files.
3. After each submission the worker reads back what nbgrader wrote for it (the submission's
   timestamp, every cell's automatic score and needs-manual-grade flag, the automatic comments,
   the late penalty) and sends it to the parent, which alone writes to the real gradebook:
   one transaction per submission (so an interrupted run leaves whole submissions only), then
   moves the graded notebook into course/autograded/. Scores a trainer gave by hand are never
   touched: autograding does not write them either.

A failed submission (nbgrader could not read or run it) is reported and the run goes on, as
with the command; like the command, it keeps its gradebook entry but gets no graded notebook.
A learner's code cannot stop the run either: if a grading process dies (the code killed it, or
memory ran out), the submissions it was grading are tried again one at a time, so only the one
that kills its grader fails.

Only SQLite gradebooks (the course's set-up) are supported: a server database needs none of
this. Leave the gradebook alone while a run is going (no `nbgrader autograde` of the same
assignment at the same time); grading written answers in the Formgrader meanwhile is safe, as
the merge never writes manual scores.
"""

from __future__ import annotations

import contextlib
import fnmatch
import glob
import io
import logging
import multiprocessing
import os
import re
import shutil
import sqlite3
import tempfile
import time
import traceback
import warnings
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from nbgrader.apps import AutogradeApp
    from nbgrader.coursedir import CourseDirectory

GRADED, FAILED, SKIPPED = "graded", "failed", "skipped"
ALREADY_GRADED = "already graded (use --force to grade again)"  # the usual reason to skip
_SQLITE = "sqlite:///"


class GradeError(ValueError):
    """The run cannot start: no course, no gradebook, unknown assignment, nothing handed in."""


@dataclass(frozen=True)
class Outcome:
    """What happened to one learner's submission."""

    student: str
    status: str  # GRADED, FAILED or SKIPPED
    seconds: float = 0.0
    message: str = ""  # why it failed or was skipped, in one line
    log: str = ""  # nbgrader's warnings and errors for this submission (failures only)


@dataclass
class GradeRun:
    """The outcome of every submission found for the assignment, in the order they finished."""

    assignment: str
    workers: int
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def _with(self, status: str) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == status]

    @property
    def graded(self) -> list[Outcome]:
        return self._with(GRADED)

    @property
    def failed(self) -> list[Outcome]:
        return self._with(FAILED)

    @property
    def skipped(self) -> list[Outcome]:
        return self._with(SKIPPED)

    def summary(self) -> str:
        """'ex01-principles: graded 98, failed 2, skipped 0 of 100 submissions in 2:31 with 2
        workers' — the line a trainer reads first."""
        return (f"{self.assignment}: graded {len(self.graded)}, failed {len(self.failed)}, "
                f"skipped {len(self.skipped)} of {len(self.outcomes)} submissions in "
                f"{clock(self.seconds)} with {self.workers} worker"
                f"{'' if self.workers == 1 else 's'}")


def clock(seconds: float) -> str:
    """12.3 -> '0:12', 3725 -> '1:02:05'."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# --------------------------------------------------------------------------- configuration


def _quiet(app: AutogradeApp) -> None:
    """No log output on the terminal: a worker's messages go to its per-submission record."""
    for handler in list(app.log.handlers):
        app.log.removeHandler(handler)
    app.log.propagate = False


def autograde_app(root: str | Path) -> AutogradeApp:
    """nbgrader's AutogradeApp initialised in the course root, exactly as `nbgrader autograde`
    initialises itself there: the configuration of the command, ready to grade."""
    from nbgrader.apps import AutogradeApp

    root = Path(root).resolve()
    if not (root / "nbgrader_config.py").is_file():
        raise GradeError(f"no nbgrader_config.py in {root}: not a course folder (run the "
                         "command in the repository folder, or pass --root)")
    app = AutogradeApp()
    with contextlib.chdir(root):
        app.initialize([])
    _quiet(app)
    return app


def sqlite_path(db_url: str) -> Path:
    """The file of a sqlite:/// gradebook URL; GradeError for any other database."""
    if not db_url.startswith(_SQLITE):
        raise GradeError(f"the gradebook {db_url} is not a SQLite file: grade with "
                         "`nbgrader autograde` (a database server takes concurrent writers)")
    return Path(db_url[len(_SQLITE):])


def submission_folders(coursedir: CourseDirectory, assignment: str,
                       student: str = "*") -> dict[str, Path]:
    """learner id -> folder of every submission of the assignment (nbgrader's layout:
    submitted/<learner>/<assignment>/), for learners matching the `student` pattern."""
    pattern = coursedir.format_path(coursedir.submitted_directory, "*", assignment)
    found = {}
    for folder in sorted(glob.glob(pattern)):
        learner = Path(folder).parent.name
        if os.path.isdir(folder) and fnmatch.fnmatchcase(learner, student):
            found[learner] = Path(folder)
    return found


def needs_grading(coursedir: CourseDirectory, assignment: str, student: str,
                  force: bool) -> bool:
    """nbgrader's rule (BaseConverter.init_destination, all notebooks): grade a submission that
    has no autograded folder yet, every one with --force, and one handed in again since it was
    graded (its timestamp.txt is newer than the graded copy's)."""
    graded = coursedir.format_path(coursedir.autograded_directory, student, assignment)
    if force or not os.path.exists(graded):
        return True
    submitted = coursedir.format_path(coursedir.submitted_directory, student, assignment)
    new = coursedir.get_existing_timestamp(submitted)
    old = coursedir.get_existing_timestamp(graded)
    return new is not None and old is not None and new > old


def snapshot_gradebook(source: Path, target: Path) -> Path:
    """A consistent copy of a SQLite gradebook, even while another process reads or writes it
    (SQLite's online backup, not a file copy that could catch a write half-way)."""
    with contextlib.closing(sqlite3.connect(source.resolve().as_uri() + "?mode=ro",
                                            uri=True)) as origin, \
            contextlib.closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)
    return target


# --------------------------------------------------------------------------- worker side

_WORKER: dict[str, Any] = {}


def _start_worker(root: str, snapshot: str, scratch: str) -> None:
    """Worker initialiser: the course's configuration, a private gradebook and autograded/."""
    from nbformat.validator import MissingIDFieldWarning
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.exc import SAWarning

    # Harmless and noisy, as with the command: nbgrader's session use under SQLAlchemy 2, and
    # the cell id missing from a test cell nbgrader puts back into a notebook.
    warnings.simplefilter("ignore", SAWarning)
    warnings.simplefilter("ignore", MissingIDFieldWarning)
    os.chdir(root)
    # The private gradebook is a throw-away copy (what counts is merged into the real one, which
    # keeps SQLite's full durability): no need to wait for the disk at each of the commits
    # nbgrader makes per cell. Only this process's engines are affected.
    event.listen(Engine, "connect", _no_fsync)
    own = Path(tempfile.mkdtemp(prefix="worker-", dir=scratch))
    database = own / "gradebook.db"
    shutil.copyfile(snapshot, database)
    app = autograde_app(root)
    app.coursedir.db_url = _SQLITE + str(database)
    app.coursedir.autograded_directory = str(own / "autograded")
    _WORKER.update(app=app, db_url=app.coursedir.db_url, course_id=app.coursedir.course_id)
    # What kernels print on their own (start-up warnings; not cell output, which nbgrader
    # records in the notebook) goes to a file, so the terminal shows the progress line.
    output = os.open(own / "output.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(output)


def _no_fsync(connection: sqlite3.Connection, _record: object) -> None:
    connection.execute("PRAGMA synchronous = OFF")


def _worker_ready() -> bool:
    """A first task: returns once a worker has started (its initialiser ran)."""
    return bool(_WORKER)


def _grade_in_worker(assignment: str, student: str) -> dict[str, Any]:
    """Run nbgrader's Autograde converter on one submission in this worker; return what it
    wrote to the private gradebook and where the graded folder is."""
    from nbgrader.converters import Autograde, NbGraderException

    app = _WORKER["app"]
    app.coursedir.assignment_id = assignment
    app.coursedir.student_id = student
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    app.log.addHandler(handler)
    started = time.perf_counter()
    success = True
    try:
        Autograde(coursedir=app.coursedir, parent=app, force=True).start()
    except NbGraderException:
        success = False  # nbgrader logged why
    except Exception:  # a failure nbgrader did not catch: report it like the ones it does
        success = False
        app.log.error("grading stopped:\n%s", traceback.format_exc())
    finally:
        app.log.removeHandler(handler)
    folder = Path(app.coursedir.format_path(app.coursedir.autograded_directory, student,
                                            assignment))
    return {"student": student, "success": success, "log": buffer.getvalue(),
            "seconds": time.perf_counter() - started,
            "rows": read_submission(_WORKER["db_url"], _WORKER["course_id"], assignment, student),
            "folder": str(folder) if success and folder.is_dir() else None}


def read_submission(db_url: str, course_id: str, assignment: str,
                    student: str) -> dict[str, Any] | None:
    """What autograding writes for one submission, read from a gradebook: None when there is
    no submission; else its timestamp and, per notebook, the late penalty, each graded cell's
    (auto_score, needs_manual_grade) and each answer's automatic comment."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url, course_id) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return None
        return {
            "timestamp": submission.timestamp,
            "notebooks": {
                notebook.name: {
                    "late_submission_penalty": notebook.late_submission_penalty,
                    "grades": {grade.name: (grade.auto_score, grade.needs_manual_grade)
                               for grade in notebook.grades},
                    "comments": {comment.name: comment.auto_comment
                                 for comment in notebook.comments},
                } for notebook in submission.notebooks},
        }


# --------------------------------------------------------------------------- parent side


def merge_submission(db_url: str, course_id: str, assignment: str, student: str,
                     rows: dict[str, Any]) -> None:
    """Write one submission's autograding results (from :func:`read_submission`) into the
    gradebook, in one transaction.

    The learner and the submission are created when missing, the way nbgrader's
    Gradebook.add_submission creates them (a grade per graded cell, a comment per answer or
    task cell) but without committing half-way; then the fields autograding owns are set.
    Manual scores, manual comments and extra credit are left as they are.
    """
    from nbgrader.api import (
        Comment,
        Grade,
        Gradebook,
        MissingEntry,
        Student,
        SubmittedAssignment,
        SubmittedNotebook,
    )
    from sqlalchemy.exc import SAWarning

    with Gradebook(db_url, course_id) as gradebook, warnings.catch_warnings():
        # SQLAlchemy 2 warns about the cascade nbgrader's own add_submission relies on (built
        # the same way here); the rows are saved all the same (the tests read them back).
        warnings.simplefilter("ignore", SAWarning)
        session = gradebook.db
        try:
            try:
                learner = gradebook.find_student(student)
            except MissingEntry:
                learner = Student(id=student)
                session.add(learner)
            try:
                submission = gradebook.find_submission(assignment, student)
            except MissingEntry:
                submission = SubmittedAssignment(assignment=gradebook.find_assignment(assignment),
                                                 student=learner)
                for notebook in submission.assignment.notebooks:
                    submitted = SubmittedNotebook(notebook=notebook, assignment=submission)
                    for cell in notebook.grade_cells:
                        Grade(cell_id=cell.id, notebook=submitted)
                    for cell in notebook.solution_cells:
                        Comment(cell_id=cell.id, notebook=submitted)
                    for cell in notebook.task_cells:
                        Comment(cell_id=cell.id, notebook=submitted)
                        Grade(cell_id=cell.id, notebook=submitted)
                session.add(submission)
                session.flush()
            submission.timestamp = rows["timestamp"]
            for notebook in submission.notebooks:
                found = rows["notebooks"].get(notebook.name)
                if found is None:
                    continue
                notebook.late_submission_penalty = found["late_submission_penalty"]
                for grade in notebook.grades:
                    if grade.name in found["grades"]:
                        grade.auto_score, grade.needs_manual_grade = found["grades"][grade.name]
                for comment in notebook.comments:
                    if comment.name in found["comments"]:
                        comment.auto_comment = found["comments"][comment.name]
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _replace_folder(graded: Path | None, destination: Path) -> None:
    """Put a worker's graded folder in place of the old one (or just remove the old one when
    grading failed, as nbgrader does)."""
    if destination.exists():
        shutil.rmtree(destination)
    if graded is not None:
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(graded), str(destination))


_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Interrupt):( |$)")


def failure_message(log: str) -> str:
    """One line saying why a submission failed, from nbgrader's log: the last exception line
    of a traceback ("nbformat.reader.NotJSONError: Notebook does not appear to be JSON…"),
    else the first error nbgrader logged."""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    exceptions = [line for line in lines if _EXCEPTION_LINE.match(line)]
    if exceptions:
        return exceptions[-1][:300]
    errors = [line.removeprefix("[ERROR] ") for line in lines if line.startswith("[ERROR]")]
    return (errors[0] if errors else "nbgrader gave no reason")[:300]


Progress = Callable[[int, int, Outcome], None]


class ProgressLine:
    """The progress of a run on a terminal: one line, rewritten in place ("graded 37/100 · 1
    failed · 1:12 elapsed · about 2:03 left"), with a line of its own for each failure. When
    the output is not a terminal (a CI log, a file) it writes a line at every tenth of the
    run instead of rewriting one."""

    def __init__(self, stream: TextIO, *, tty: bool | None = None) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.started = time.perf_counter()
        self.failed = 0
        self._shown = 0
        self._width = 0

    def text(self, done: int, total: int, elapsed: float) -> str:
        parts = [f"graded {done}/{total}"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        parts.append(f"{clock(elapsed)} elapsed")
        if 0 < done < total:
            parts.append(f"about {clock(elapsed / done * (total - done))} left")
        return " · ".join(parts)

    def __call__(self, done: int, total: int, outcome: Outcome) -> None:
        if outcome.status == FAILED:
            self.failed += 1
            self._write(f"FAILED {outcome.student}: {outcome.message}", newline=True)
        line = self.text(done, total, time.perf_counter() - self.started)
        if self.tty:
            self._write(line, newline=False)
        elif done == total or done * 10 // total > self._shown * 10 // total:
            self._shown = done
            self._write(line, newline=True)

    def _write(self, text: str, *, newline: bool) -> None:
        if self.tty:
            self.stream.write("\r" + text.ljust(self._width))
            self._width = 0 if newline else len(text)
        else:
            self.stream.write(text)
        if newline:
            self.stream.write("\n")
        self.stream.flush()

    def finish(self) -> None:
        """End the rewritten line (a terminal's cursor moves to the next line)."""
        if self.tty and self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0


def grade_assignment(root: str | Path, assignment: str, *, workers: int | None = None,
                     force: bool = False, student: str = "*",
                     progress: Progress | None = None) -> GradeRun:
    """Autograde every submission of `assignment` in the course at `root` with `workers`
    processes (default: one per core), as `nbgrader autograde ASSIGNMENT` would grade them.

    `student` is a pattern of learner ids (nbgrader's --student); `force` grades again what was
    graded. `progress(done, total, outcome)` is called as each submission finishes. Raises
    GradeError when the run cannot start; a submission that fails is an Outcome, not an error.
    """
    from nbgrader.api import Gradebook, MissingEntry

    started = time.perf_counter()
    root = Path(root).resolve()
    workers = workers if workers is not None else os.cpu_count() or 1
    if workers < 1:
        raise GradeError(f"--workers must be 1 or more, not {workers}")
    coursedir = autograde_app(root).coursedir
    database = sqlite_path(coursedir.db_url)
    if not database.is_file():
        raise GradeError(f"no gradebook at {database}: run `nbgrader generate_assignment "
                         f"{assignment}` first")
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            raise GradeError(f"assignment {assignment!r} is not in the gradebook {database}: "
                             f"run `nbgrader generate_assignment {assignment}` first") from None
    folders = submission_folders(coursedir, assignment, student)
    if not folders:
        where = coursedir.format_path(coursedir.submitted_directory, student, assignment)
        raise GradeError(f"no submissions of {assignment} at {where}: collect them first "
                         "(see course/trainer-guide.md)")
    excluded = set(filter(None, coursedir.student_id_exclude.split(",")))
    run = GradeRun(assignment=assignment, workers=workers)
    to_grade = []
    for learner, folder in folders.items():
        if learner in excluded:
            continue
        if not any(folder.glob("*.ipynb")):
            run.outcomes.append(Outcome(learner, SKIPPED, message=f"no notebook in {folder}"))
        elif needs_grading(coursedir, assignment, learner, force):
            to_grade.append(learner)
        else:
            run.outcomes.append(Outcome(learner, SKIPPED, message=ALREADY_GRADED))
    total = len(run.outcomes) + len(to_grade)
    if to_grade:
        run.workers = min(workers, len(to_grade))
        with tempfile.TemporaryDirectory(prefix="iso10002-grade-") as scratch:
            snapshot = snapshot_gradebook(database, Path(scratch) / "snapshot.db")
            _run_pool(run, root, coursedir, snapshot, Path(scratch), to_grade, total, progress)
    run.seconds = time.perf_counter() - started
    return run


def _run_pool(run: GradeRun, root: Path, coursedir: CourseDirectory, snapshot: Path,
              scratch: Path, to_grade: list[str], total: int,
              progress: Progress | None) -> None:
    """Keep `workers` submissions in flight; merge each result as it comes. Submissions whose
    grading process died are tried again one at a time at the end (see the module doc)."""
    context = multiprocessing.get_context("spawn")  # no forked copies of the parent's state
    workers = run.workers

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                   initializer=_start_worker,
                                   initargs=(str(root), str(snapshot), str(scratch)))

    queue: deque[str] = deque(to_grade)
    retry: deque[str] = deque()
    tried_alone: set[str] = set()
    in_flight: dict[Future, str] = {}
    pool = new_pool()
    try:
        try:  # a process that cannot even start would otherwise look like a killed grader
            pool.submit(_worker_ready).result()
        except BrokenProcessPool:
            raise GradeError("the grading processes could not start (the reason is printed "
                             "above); `nbgrader autograde` may say more") from None
        while queue or retry or in_flight:
            while queue and len(in_flight) < workers:
                learner = queue.popleft()
                in_flight[pool.submit(_grade_in_worker, run.assignment, learner)] = learner
            if not queue and not in_flight and retry:
                learner = retry.popleft()
                tried_alone.add(learner)
                in_flight[pool.submit(_grade_in_worker, run.assignment, learner)] = learner
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                learner = in_flight.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken = True
                    if learner in tried_alone:
                        outcome = Outcome(learner, FAILED, message=(
                            "its grading process died (the learner's code ended it, or memory "
                            "ran out); look at the notebook before grading it again"))
                    else:
                        retry.append(learner)
                        continue
                else:
                    outcome = _merge(run.assignment, coursedir, result)
                run.outcomes.append(outcome)
                if progress is not None:
                    progress(len(run.outcomes), total, outcome)
            if broken:
                for future, learner in in_flight.items():  # already failed with the pool
                    future.cancel()
                    if learner not in tried_alone:
                        retry.append(learner)
                in_flight.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                pool = new_pool()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _merge(assignment: str, coursedir: CourseDirectory, result: dict[str, Any]) -> Outcome:
    """Save one worker's result: the gradebook first, then the graded notebook (so a graded
    folder always has its scores saved). A gradebook that cannot be written (another program
    held it locked too long) fails this submission only, and leaves it as it was."""
    from nbgrader.api import InvalidEntry
    from sqlalchemy.exc import SQLAlchemyError

    learner = result["student"]
    destination = Path(coursedir.format_path(coursedir.autograded_directory, learner,
                                             assignment))
    if result["rows"] is not None:
        try:
            merge_submission(coursedir.db_url, coursedir.course_id, assignment, learner,
                             result["rows"])
        except (SQLAlchemyError, InvalidEntry) as error:  # nbgrader wraps some as InvalidEntry
            return Outcome(learner, FAILED, result["seconds"], "graded, but the gradebook could "
                           f"not be written: {str(error).splitlines()[0]}")
    folder = Path(result["folder"]) if result["folder"] else None
    _replace_folder(folder, destination)
    if result["success"]:
        return Outcome(learner, GRADED, result["seconds"])
    return Outcome(learner, FAILED, result["seconds"], failure_message(result["log"]),
                   result["log"])
