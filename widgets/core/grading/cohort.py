"""Synthetic cohorts: made-up learners whose submissions are built from the real notebooks.

Why: parallel autograding, the cohort report and the certificates must be shown to work on a
cohort, and no real learner's work may be used for that. A synthetic cohort stands in: every
learner has an *ability*, every answer cell a *difficulty*, and a learner gets an answer right
with a probability that rises with ability minus difficulty (the usual item-response model),
so the cohort shows what real ones show — some questions harder than others, strong learners
doing better on every question, answers that discriminate. On top of that a few submissions go
wrong the ways real ones do: handed back blank, a loop that never ends (the grader must time
out), tests edited, a file cut off on upload (nbgrader cannot read it), nothing handed in.

Everything is drawn from seeded random generators keyed by learner, assignment and cell, so a
learner's work does not change when the cohort grows, and a test can compute what to expect.
The notebooks are made with widgets.core.grading.exercise_submissions from the release that
`nbgrader generate_assignment` produced and the source's solutions, changing only what a
learner can change. The same draws can also be written straight into a gradebook
(:func:`fill_gradebook`) — seconds for 200 learners instead of an hour of notebook runs — for
analytics that only read the gradebook; it does not model one wrong answer breaking the tests
of a later question that builds on it, which the notebooks, graded for real, do.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
from nbformat import NotebookNode

from widgets.core.grading.exercise_submissions import (
    answered,
    answers_of,
    grade_id,
    is_answer,
    nbgrader_meta,
    tampered,
)
from widgets.core.grading.exercise_submissions import endless as endless_notebook
from widgets.core.grading.nbgrader_course import COURSE_DIRECTORIES

if TYPE_CHECKING:
    from widgets.core.course.course_map import CourseMap
    from widgets.core.course.questions import Bank

SEED = 10002
# What happens to one learner's submission of one assignment.
# ANSWERS: each answer right or wrong by ability and difficulty; SOLVED: all right (never drawn,
# for tests and trainers' walkthroughs that need a learner with full marks).
ANSWERS, SOLVED, BLANK, ENDLESS, TAMPERED, BROKEN, MISSING = (
    "answers", "solved", "blank", "endless", "tampered", "broken", "missing")
KINDS = (ANSWERS, SOLVED, BLANK, ENDLESS, TAMPERED, BROKEN, MISSING)
# A wrong code answer either stays as released (it raises NotImplementedError) or fails with
# an error of the learner's own; a wrong written answer stays empty or says too little.
UNANSWERED, ERROR, MISTAKE, WEAK = "unanswered", "error", "mistake", "weak"
ERROR_ANSWER = ("# my first try\nresult = complaints_log.head()  # a name that does not exist: "
                "NameError")
WEAK_ANSWER = "I would apologise to the customer and make sure it does not happen again."
DISCRIMINATION = 1.7  # slope of the item-response curve (1.7 makes the logistic ≈ normal ogive)
# Submissions are timestamped in the week before this moment (what `nbgrader collect` writes).
SUBMITTED_BEFORE = dt.datetime(2025, 6, 6, 17, 0, tzinfo=dt.UTC)
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's Exchange.timestamp_format

_FIRST_NAMES = ("Amara", "Ben", "Chloé", "Dev", "Eilidh", "Farid", "Grace", "Hiro", "Ioana",
                "Jamal", "Kasia", "Liam", "Maya", "Niamh", "Oluwaseun", "Priya", "Quinn",
                "Rhys", "Sofia", "Tomás", "Uma", "Viktor", "Wen", "Xavier", "Yara", "Zoë")
_LAST_NAMES = ("Adeyemi", "Brennan", "Chowdhury", "Davies", "Evans", "Fraser", "García",
               "Hughes", "Ibrahim", "Jones", "Kowalski", "Lewis", "McAllister", "Nguyen",
               "O'Connor", "Patel", "Quinn", "Roberts", "Singh", "Thompson", "Usman", "Virtanen",
               "Williams", "Xu", "Young", "Zieliński")


@dataclass(frozen=True)
class Mix:
    """Shares of submissions that go wrong each way; the rest are answered (well or badly)."""

    missing: float = 0.04
    blank: float = 0.03
    endless: float = 0.02
    tampered: float = 0.02
    broken: float = 0.01

    def __post_init__(self) -> None:
        shares = (self.missing, self.blank, self.endless, self.tampered, self.broken)
        if any(share < 0 for share in shares) or sum(shares) > 1:
            raise ValueError(f"a Mix needs shares of 0 or more adding up to at most 1: {self}")


NO_ACCIDENTS = Mix(missing=0, blank=0, endless=0, tampered=0, broken=0)


@dataclass(frozen=True)
class SyntheticLearner:
    """A made-up learner (names from a fixed list; e-mail addresses under example.org)."""

    id: str
    first_name: str
    last_name: str
    email: str
    ability: float  # on the difficulty scale: even chances on a question this hard


def plan_cohort(size: int, seed: int = SEED, *, start: int = 1) -> list[SyntheticLearner]:
    """`size` learners, learner001 … (numbered from `start`). Abilities are normal around
    1.2 with spread 0.9 (most learners pass most exercises, some do not); each learner's name
    and ability depend only on the seed and their number, so a larger cohort only adds
    learners."""
    if size < 0:
        raise ValueError(f"a cohort cannot have {size} learners")
    learners = []
    for number in range(start, start + size):
        draw = random.Random(f"{seed}:learner:{number}")
        learner_id = f"learner{number:03d}"
        learners.append(SyntheticLearner(
            id=learner_id, first_name=draw.choice(_FIRST_NAMES),
            last_name=draw.choice(_LAST_NAMES), email=f"{learner_id}@example.org",
            ability=round(draw.gauss(1.2, 0.9), 3)))
    return learners


def with_kinds(learners: Sequence[SyntheticLearner], assignment: str,
               kinds: Mapping[str, str]) -> dict[str, str]:
    """`kinds` checked against the learners and KINDS (for a cohort whose accidents a test
    chooses), as learner id -> kind, ANSWERS for learners not named."""
    known = {learner.id for learner in learners}
    for learner_id, kind in kinds.items():
        if learner_id not in known:
            raise KeyError(f"{learner_id!r} is not a learner of this cohort ({assignment})")
        if kind not in KINDS:
            raise ValueError(f"{kind!r} is not a kind of submission; use one of {KINDS}")
    return {learner.id: kinds.get(learner.id, ANSWERS) for learner in learners}


def submission_kind(learner: SyntheticLearner, assignment: str, seed: int = SEED,
                    mix: Mix = Mix()) -> str:
    """What this learner hands in for this assignment: ANSWERS, or one of the accidents."""
    draw = random.Random(f"{seed}:kind:{learner.id}:{assignment}").random()
    for kind, share in ((MISSING, mix.missing), (BLANK, mix.blank), (ENDLESS, mix.endless),
                        (TAMPERED, mix.tampered), (BROKEN, mix.broken)):
        if draw < share:
            return kind
        draw -= share
    return ANSWERS


def difficulty(assignment: str, cell: str, seed: int = SEED) -> float:
    """The difficulty of one answer cell, uniform in [-1.2, 1.2]: fixed per cell and seed."""
    return round(random.Random(f"{seed}:difficulty:{assignment}:{cell}").uniform(-1.2, 1.2), 3)


def chance_right(ability: float, item_difficulty: float) -> float:
    """P(right answer) = logistic(1.7 × (ability − difficulty))."""
    return 1 / (1 + math.exp(-DISCRIMINATION * (ability - item_difficulty)))


def answer_outcomes(learner: SyntheticLearner, assignment: str, answer_cells: Iterable[str],
                    seed: int = SEED) -> dict[str, bool]:
    """For each answer cell (grade id), whether this learner answers it right."""
    outcomes = {}
    for cell in answer_cells:
        draw = random.Random(f"{seed}:answer:{learner.id}:{assignment}:{cell}").random()
        outcomes[cell] = draw < chance_right(learner.ability, difficulty(assignment, cell, seed))
    return outcomes


def wrong_form(learner: SyntheticLearner, assignment: str, cell: NotebookNode, seed: int = SEED,
               *, mistakes: Mapping[str, str] | None = None) -> str:
    """How a wrong answer looks: a code answer stays UNANSWERED, fails with an ERROR or (when
    `mistakes` has a plausible wrong answer for the cell) makes that MISTAKE; a written answer
    stays UNANSWERED or is WEAK."""
    draw = random.Random(f"{seed}:form:{learner.id}:{assignment}:{grade_id(cell)}").random()
    if cell.cell_type == "markdown":
        return UNANSWERED if draw < 0.4 else WEAK
    if mistakes and grade_id(cell) in mistakes:
        return MISTAKE if draw < 0.6 else UNANSWERED if draw < 0.8 else ERROR
    return UNANSWERED if draw < 0.5 else ERROR


def submission_notebook(release: NotebookNode, source: NotebookNode,
                        learner: SyntheticLearner, assignment: str, kind: str = ANSWERS,
                        seed: int = SEED, *, mistakes: Mapping[str, str] | None = None
                        ) -> NotebookNode | None:
    """The notebook this learner hands in (None for MISSING; BROKEN is written by
    :func:`write_cohort` as a cut-off file, here the notebook before it was cut)."""
    if kind == MISSING:
        return None
    if kind == BLANK:
        return copy.deepcopy(release)
    if kind == TAMPERED:
        return tampered(release)
    if kind == ENDLESS:
        return endless_notebook(release, source)
    right = answers_of(source)
    cells = [cell for cell in release.cells if is_answer(cell)]
    outcomes = answer_outcomes(learner, assignment, [grade_id(c) for c in cells], seed)
    if kind == SOLVED:
        outcomes = dict.fromkeys(outcomes, True)
    changes = {}
    for cell in cells:
        name = grade_id(cell)
        if outcomes[name]:
            changes[name] = right[name]
            continue
        form = wrong_form(learner, assignment, cell, seed, mistakes=mistakes)
        if form == MISTAKE:
            changes[name] = mistakes[name]
        elif form == ERROR:
            changes[name] = ERROR_ANSWER
        elif form == WEAK:
            changes[name] = WEAK_ANSWER
    return answered(release, changes)


def submitted_at(learner: SyntheticLearner, assignment: str, seed: int = SEED) -> dt.datetime:
    """When the learner handed the assignment in: some time in the week before
    SUBMITTED_BEFORE, to the microsecond as nbgrader records it."""
    offset = random.Random(f"{seed}:time:{learner.id}:{assignment}").uniform(0, 7 * 24 * 3600)
    return SUBMITTED_BEFORE - dt.timedelta(seconds=round(offset, 6))


def _read(path: Path) -> NotebookNode:
    if not path.is_file():
        raise FileNotFoundError(f"no notebook at {path}: run `nbgrader generate_assignment` "
                                "for the assignment in this course root first")
    return nbformat.read(path, as_version=4)


def release_and_source(root: str | Path, assignment: str) -> tuple[NotebookNode, NotebookNode]:
    """The released and the source notebook of an assignment in a course root."""
    root = Path(root)
    name = f"{assignment}.ipynb"
    return (_read(root / COURSE_DIRECTORIES["release"] / assignment / name),
            _read(root / COURSE_DIRECTORIES["source"] / assignment / name))


def write_cohort(root: str | Path, assignment: str, learners: Sequence[SyntheticLearner],
                 seed: int = SEED, *, mix: Mix = Mix(), kinds: Mapping[str, str] | None = None,
                 mistakes: Mapping[str, str] | None = None) -> dict[str, str]:
    """Hand in every learner's notebook where `nbgrader collect` would put it:
    course/submitted/<learner>/<assignment>/<assignment>.ipynb with its timestamp.txt.

    The kind of each submission is drawn from `mix`, unless `kinds` names it (learner id ->
    kind). A BROKEN notebook is written cut off half-way, as an interrupted upload leaves it.
    Returns learner id -> kind, MISSING ones included (nothing is written for them).
    """
    root = Path(root)
    release, source = release_and_source(root, assignment)
    chosen = (with_kinds(learners, assignment, kinds) if kinds is not None else
              {learner.id: submission_kind(learner, assignment, seed, mix)
               for learner in learners})
    for learner in learners:
        kind = chosen[learner.id]
        notebook = submission_notebook(release, source, learner, assignment, kind, seed,
                                       mistakes=mistakes)
        if notebook is None:
            continue
        folder = root / COURSE_DIRECTORIES["submitted"] / learner.id / assignment
        folder.mkdir(parents=True, exist_ok=True)
        text = nbformat.writes(notebook)
        if kind == BROKEN:
            text = text[: len(text) // 2]
        (folder / f"{assignment}.ipynb").write_text(text, encoding="utf-8")
        stamp = submitted_at(learner, assignment, seed).strftime(TIMESTAMP_FORMAT)
        (folder / "timestamp.txt").write_text(stamp, encoding="utf-8")
    return chosen


def write_students_csv(learners: Iterable[SyntheticLearner], path: str | Path) -> Path:
    """The cohort as the CSV `nbgrader db student import` reads (id,first_name,last_name,email)."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "first_name", "last_name", "email"])
        for learner in learners:
            writer.writerow([learner.id, learner.first_name, learner.last_name, learner.email])
    return path


def add_students(db_url: str, learners: Iterable[SyntheticLearner]) -> None:
    """Put the learners, with their names, in the gradebook (as the trainer's import does)."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        for learner in learners:
            gradebook.update_or_create_student(learner.id, first_name=learner.first_name,
                                               last_name=learner.last_name, email=learner.email)


# --------------------------------------------------------------------------- written answers


def written_score(learner: SyntheticLearner, assignment: str, cell: NotebookNode,
                  points: float, seed: int = SEED, kind: str = ANSWERS) -> float:
    """The score a trainer gives this learner's written answer: every point for a right
    answer, a quarter of them (rounded down to a half point) for a WEAK one, 0 for none."""
    right = answer_outcomes(learner, assignment, [grade_id(cell)], seed)[grade_id(cell)]
    if right or kind == SOLVED:
        return float(points)
    if wrong_form(learner, assignment, cell, seed) == WEAK:
        return math.floor(points / 4 * 2) / 2
    return 0.0


def grade_written_answers(db_url: str, root: str | Path, assignment: str,
                          learners: Sequence[SyntheticLearner], seed: int = SEED, *,
                          kinds: Mapping[str, str] | None = None) -> int:
    """What a trainer does in the Formgrader after autograding: score every written answer
    still waiting (needs_manual_grade) with :func:`written_score` (`kinds`: what
    :func:`write_cohort` returned), and clear the flag — the Formgrader clears it, nbgrader's
    Python API does not. Returns how many were scored."""
    from nbgrader.api import Gradebook, MissingEntry

    _, source = release_and_source(root, assignment)
    written = {grade_id(cell): cell for cell in source.cells
               if is_answer(cell) and cell.cell_type == "markdown"}
    by_id = {learner.id: learner for learner in learners}
    scored = 0
    with Gradebook(db_url) as gradebook:
        for learner_id, learner in by_id.items():
            try:
                submission = gradebook.find_submission_notebook(assignment, assignment,
                                                                learner_id)
            except MissingEntry:
                continue
            for grade in submission.grades:
                if grade.name in written and grade.needs_manual_grade:
                    cell = written[grade.name]
                    grade.manual_score = written_score(
                        learner, assignment, cell, nbgrader_meta(cell)["points"], seed,
                        (kinds or {}).get(learner_id, ANSWERS))
                    grade.needs_manual_grade = False
                    scored += 1
        gradebook.db.commit()
    return scored


# --------------------------------------------------------------------------- gradebook only


def _answer_of_each_graded_cell(source: NotebookNode) -> dict[str, NotebookNode]:
    """Graded cell -> the answer cell it grades: a written answer grades itself, a test cell
    the nearest answer cell above it (ex05's two test cells both grade its one answer)."""
    answer_of: dict[str, NotebookNode] = {}
    last_answer = None
    for cell in source.cells:
        if is_answer(cell):
            last_answer = cell
        if nbgrader_meta(cell).get("grade"):
            if last_answer is None:
                raise ValueError(f"graded cell {grade_id(cell)} has no answer cell above it")
            answer_of[grade_id(cell)] = cell if is_answer(cell) else last_answer
    return answer_of


def fill_gradebook(db_url: str, root: str | Path, assignments: Sequence[str],
                   learners: Sequence[SyntheticLearner], seed: int = SEED, *, mix: Mix = Mix(),
                   written_graded: float = 1.0) -> dict[tuple[str, str], str]:
    """Write the cohort's scores straight into the gradebook, without running a notebook.

    For analytics that only read the gradebook (the cohort report, certificates) on cohorts
    too large to grade for real in a test. The assignments must be in the gradebook (run
    `nbgrader generate_assignment` in `root` first). Per learner and assignment, with the same
    draws as :func:`write_cohort`: MISSING hands in nothing; BROKEN leaves a submission nbgrader
    could not grade (no scores, waiting for the trainer) as a failed autograde does; BLANK and
    TAMPERED score 0 everywhere (nbgrader gives an untouched answer 0 and restores edited
    tests); ENDLESS loses its first code answer; ANSWERS score a test cell's points when the
    answer it grades is right, else 0. Written answers get :func:`written_score` from the
    trainer for a share `written_graded` of the submissions (drawn per learner), and stay
    waiting (needs_manual_grade) otherwise. Returns (learner id, assignment) -> kind.
    """
    from nbgrader.api import Gradebook
    from sqlalchemy import text

    sources = {assignment: release_and_source(root, assignment)[1] for assignment in assignments}
    kinds: dict[tuple[str, str], str] = {}
    with Gradebook(db_url) as gradebook:
        # A made-up gradebook needs no protection against power cuts: without waiting for the
        # disk at each of nbgrader's commits (one per submission), 200 learners take seconds.
        gradebook.db.execute(text("PRAGMA synchronous = OFF"))
        for learner in learners:
            gradebook.update_or_create_student(learner.id, first_name=learner.first_name,
                                               last_name=learner.last_name, email=learner.email)
        for assignment, source in sources.items():
            answer_of = _answer_of_each_graded_cell(source)
            answers = [grade_id(cell) for cell in source.cells if is_answer(cell)]
            first_code = next(grade_id(cell) for cell in source.cells
                              if is_answer(cell) and cell.cell_type == "code")
            for learner in learners:
                kind = submission_kind(learner, assignment, seed, mix)
                kinds[learner.id, assignment] = kind
                if kind == MISSING:
                    continue
                submission = gradebook.add_submission(
                    assignment, learner.id, timestamp=submitted_at(learner, assignment, seed))
                if kind == BROKEN:
                    continue
                outcomes = answer_outcomes(learner, assignment, answers, seed)
                if kind == ENDLESS:
                    outcomes[first_code] = False
                trainer_done = random.Random(
                    f"{seed}:trainer:{learner.id}:{assignment}").random() < written_graded
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        _score(grade, answer_of[grade.name], kind, outcomes, trainer_done,
                               learner, assignment, seed)
            gradebook.db.commit()
    return kinds


def _score(grade, answer: NotebookNode, kind: str, outcomes: dict[str, bool],
           trainer_done: bool, learner: SyntheticLearner, assignment: str, seed: int) -> None:
    points = float(grade.max_score)
    written = grade.cell_type == "markdown"
    if kind in (BLANK, TAMPERED):
        grade.auto_score, grade.needs_manual_grade = 0.0, False
    elif written:
        unanswered = (not outcomes[grade.name]
                      and wrong_form(learner, assignment, answer, seed) == UNANSWERED)
        if unanswered:  # nbgrader scores an untouched answer 0 by itself
            grade.auto_score, grade.needs_manual_grade = 0.0, False
        elif trainer_done:
            grade.manual_score = written_score(learner, assignment, answer, points, seed)
            grade.needs_manual_grade = False
        else:
            grade.auto_score, grade.needs_manual_grade = None, True
    else:
        grade.auto_score = points if outcomes[grade_id(answer)] else 0.0
        grade.needs_manual_grade = False


# --------------------------------------------------------------------------- progress files


def write_progress_files(folder: str | Path, learners: Sequence[SyntheticLearner],
                         seed: int = SEED, *, skipped: float = 0.03,
                         course_map: CourseMap | None = None,
                         banks: Sequence[Bank] | None = None) -> dict[str, dict[str, float]]:
    """Each learner's progress file, as their knowledge checks would have written it, in one
    folder (what a trainer collects for `iso10002 certificates`).

    Per module check: skipped with probability `skipped`; otherwise a score around
    0.75 + 0.12 × ability (spread 0.12, in whole questions of the bank), and a learner below the
    pass mark retries once in two. Written through widgets.core.course.progress.ProgressStore, the
    store the knowledge checks use. Each learner also chooses one of the course map's learning
    paths (drawn evenly, the same for the same seed), as on the course home, so that results
    by path (`iso10002 grades --progress`, `certificates --path`) can be tried on a cohort.
    Returns learner id -> check id -> best score.
    """
    from widgets.core.course.course_map import load_course_map
    from widgets.core.course.progress import ProgressStore
    from widgets.core.course.syllabus import load_banks, module_checks

    course_map = course_map if course_map is not None else load_course_map()
    checks = module_checks(course_map, banks if banks is not None else load_banks())
    best: dict[str, dict[str, float]] = {}
    for learner in learners:
        store = ProgressStore(learner.id, folder, clock=lambda: SUBMITTED_BEFORE)
        best[learner.id] = {}
        if course_map.paths:
            path = random.Random(f"{seed}:path:{learner.id}").choice(course_map.paths)
            store.choose_path(path.id)
        for module in course_map.modules:
            for bank in checks[module.id]:
                draw = random.Random(f"{seed}:check:{learner.id}:{bank.id}")
                if draw.random() < skipped:
                    continue
                questions = len(bank.questions)
                attempts = 1
                while True:
                    share = min(1.0, max(0.0, draw.gauss(0.75 + 0.12 * learner.ability, 0.12)))
                    score = round(share * questions) / questions
                    store.record(module.id, score, check=bank.id, pass_mark=bank.pass_mark)
                    best[learner.id][bank.id] = max(best[learner.id].get(bank.id, 0.0), score)
                    if score >= bank.pass_mark or attempts == 2 or draw.random() < 0.5:
                        break
                    attempts += 1
    return best
