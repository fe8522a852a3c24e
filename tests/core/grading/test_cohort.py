"""The synthetic cohort (widgets.core.grading.cohort): made-up learners built from the real
notebooks.

The cohort stands in for real learners in the parallel-grading proof, the report, the
certificates and the benchmark, so it must be what it says: deterministic, built only from what
a learner can change in the released notebook, with accidents in the shares asked for, and —
when written straight into a gradebook — the scores nbgrader would give the same answers.
Notebooks are not executed here (that is tests/e2e/test_parallel_grade.py): one
`generate_assignment` per module gives the real release notebook.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import warnings
from pathlib import Path

import nbformat
import pytest

from widgets.core.course.progress import ProgressStore
from widgets.core.grading.cohort import (
    ANSWERS,
    BLANK,
    BROKEN,
    ENDLESS,
    ERROR_ANSWER,
    MISSING,
    NO_ACCIDENTS,
    SOLVED,
    SUBMITTED_BEFORE,
    TAMPERED,
    WEAK_ANSWER,
    Mix,
    SyntheticLearner,
    answer_outcomes,
    chance_right,
    difficulty,
    fill_gradebook,
    plan_cohort,
    release_and_source,
    submission_kind,
    submission_notebook,
    with_kinds,
    write_cohort,
    write_progress_files,
    write_students_csv,
)
from widgets.core.grading.exercise_submissions import (
    ENDLESS_LOOP,
    TAMPERED_TEST,
    answers_of,
    grade_id,
    is_answer,
    is_test,
)
from widgets.core.grading.nbgrader_course import (
    course_api,
    gradebook_url,
    make_course_root,
    nbgrader_environment,
)

ASSIGNMENT = "ex01-principles"


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course root with ex01's release generated (nothing graded)."""
    from sqlalchemy.exc import SAWarning

    root = make_course_root(tmp_path_factory.mktemp("cohort") / "root", [ASSIGNMENT])
    with warnings.catch_warnings(), nbgrader_environment():
        warnings.simplefilter("ignore", SAWarning)
        api = course_api(root)
        assert api.generate_assignment(ASSIGNMENT)["success"]
    return root


# --- learners and draws ---------------------------------------------------------------------


def test_a_larger_cohort_only_adds_learners():
    five, ten = plan_cohort(5), plan_cohort(10)
    assert ten[:5] == five
    assert [learner.id for learner in ten] == [f"learner{n:03d}" for n in range(1, 11)]
    assert all(learner.email == f"{learner.id}@example.org" for learner in ten)
    assert plan_cohort(3, start=4) == ten[3:6]
    assert plan_cohort(5, seed=1) != five
    with pytest.raises(ValueError, match="-1 learners"):
        plan_cohort(-1)


def test_abilities_spread_around_the_documented_centre():
    abilities = [learner.ability for learner in plan_cohort(2000)]
    mean = sum(abilities) / len(abilities)
    spread = math.sqrt(sum((a - mean) ** 2 for a in abilities) / (len(abilities) - 1))
    assert abs(mean - 1.2) < 0.06 and abs(spread - 0.9) < 0.05


def test_chance_of_a_right_answer_is_the_logistic_curve():
    assert chance_right(0.0, 0.0) == 0.5
    assert chance_right(1.0, 0.0) == pytest.approx(1 / (1 + math.exp(-1.7)))  # 0.8455
    assert chance_right(-1.0, 0.0) == pytest.approx(1 - 1 / (1 + math.exp(-1.7)))
    assert difficulty(ASSIGNMENT, "ex01-q1") == difficulty(ASSIGNMENT, "ex01-q1")
    assert -1.2 <= difficulty(ASSIGNMENT, "ex01-q1") <= 1.2


def test_stronger_learners_answer_more_questions_right():
    learners = sorted(plan_cohort(600), key=lambda learner: learner.ability)
    cells = [f"q{n}" for n in range(10)]

    def right_share(group: list[SyntheticLearner]) -> float:
        return sum(sum(answer_outcomes(learner, "exam", cells).values())
                   for learner in group) / (len(group) * len(cells))

    weakest, middle, strongest = learners[:200], learners[200:400], learners[400:]
    assert right_share(weakest) < right_share(middle) < right_share(strongest)


def test_accidents_come_in_the_shares_of_the_mix():
    learners = plan_cohort(4000)
    mix = Mix(missing=0.10, blank=0.05, endless=0.05, tampered=0.05, broken=0.05)
    kinds = [submission_kind(learner, ASSIGNMENT, mix=mix) for learner in learners]
    for kind, share in ((MISSING, 0.10), (BLANK, 0.05), (ENDLESS, 0.05), (TAMPERED, 0.05),
                        (BROKEN, 0.05), (ANSWERS, 0.70)):
        assert abs(kinds.count(kind) / len(kinds) - share) < 0.02, kind
    assert SOLVED not in kinds  # only ever asked for
    assert {submission_kind(learner, ASSIGNMENT, mix=NO_ACCIDENTS) for learner in learners} == {
        ANSWERS}


def test_a_mix_must_add_up():
    with pytest.raises(ValueError, match="at most 1"):
        Mix(missing=0.5, blank=0.6)
    with pytest.raises(ValueError, match="0 or more"):
        Mix(blank=-0.1)


def test_chosen_kinds_are_checked():
    learners = plan_cohort(3)
    assert with_kinds(learners, ASSIGNMENT, {"learner002": BLANK}) == {
        "learner001": ANSWERS, "learner002": BLANK, "learner003": ANSWERS}
    with pytest.raises(KeyError, match="learner009"):
        with_kinds(learners, ASSIGNMENT, {"learner009": BLANK})
    with pytest.raises(ValueError, match="'lazy' is not a kind"):
        with_kinds(learners, ASSIGNMENT, {"learner001": "lazy"})


# --- notebooks from the real release --------------------------------------------------------


def _answer_sources(notebook: nbformat.NotebookNode) -> dict[str, str]:
    return {grade_id(cell): cell.source for cell in notebook.cells if is_answer(cell)}


def test_learners_change_only_their_answer_cells(course: Path):
    release, source = release_and_source(course, ASSIGNMENT)
    right = answers_of(source)
    released = _answer_sources(release)
    for learner in plan_cohort(40):
        notebook = submission_notebook(release, source, learner, ASSIGNMENT)
        assert [c.source for c in notebook.cells if not is_answer(c)] == [
            c.source for c in release.cells if not is_answer(c)]
        outcomes = answer_outcomes(learner, ASSIGNMENT, released)
        for name, text in _answer_sources(notebook).items():
            if outcomes[name]:
                assert text == right[name]
            else:  # left as released, an error of their own, or (written) too little
                assert text in (released[name], ERROR_ANSWER, WEAK_ANSWER)


def test_kinds_of_submission_look_as_described(course: Path):
    release, source = release_and_source(course, ASSIGNMENT)
    learner = plan_cohort(1)[0]

    def make(kind: str) -> nbformat.NotebookNode:
        return submission_notebook(release, source, learner, ASSIGNMENT, kind)

    assert _answer_sources(make(SOLVED)) == answers_of(source)
    assert make(BLANK) == release
    assert make(MISSING) is None
    assert ENDLESS_LOOP in _answer_sources(make(ENDLESS)).values()
    tampered = make(TAMPERED)
    assert [c.source for c in tampered.cells if is_test(c)] == [TAMPERED_TEST] * (
        sum(is_test(c) for c in release.cells) - 1)


def test_mistakes_given_by_the_caller_are_used(course: Path):
    release, source = release_and_source(course, ASSIGNMENT)
    mistake = "principle_at_stake = {}"
    written = []
    for learner in plan_cohort(60):
        notebook = submission_notebook(release, source, learner, ASSIGNMENT,
                                       mistakes={"ex01-q1": mistake})
        written.append(_answer_sources(notebook)["ex01-q1"])
    assert mistake in written and answers_of(source)["ex01-q1"] in written


def test_the_cohort_is_handed_in_where_nbgrader_collects_it(course: Path):
    from nbgrader.utils import parse_utc

    learners = plan_cohort(6)
    kinds = write_cohort(course, ASSIGNMENT, learners, kinds={
        "learner002": BLANK, "learner003": BROKEN, "learner004": MISSING,
        "learner005": SOLVED})
    assert kinds["learner001"] == ANSWERS and kinds["learner004"] == MISSING
    submitted = course / "course" / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == [
        "learner001", "learner002", "learner003", "learner005", "learner006"]
    release = (course / "course" / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    blank = submitted / "learner002" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert nbformat.read(blank, as_version=4) == nbformat.read(release, as_version=4)
    broken = (submitted / "learner003" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    with pytest.raises(json.JSONDecodeError):
        json.loads(broken)
    assert broken.startswith('{\n "cells"')
    latest = SUBMITTED_BEFORE.replace(tzinfo=None)  # nbgrader keeps UTC without a zone
    for learner in ("learner001", "learner005"):
        stamp = parse_utc((submitted / learner / ASSIGNMENT / "timestamp.txt").read_text())
        assert latest - dt.timedelta(days=7) <= stamp <= latest


def test_students_csv_is_what_nbgrader_imports(tmp_path: Path):
    learners = plan_cohort(3)
    path = write_students_csv(learners, tmp_path / "students.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["id"] for row in rows] == ["learner001", "learner002", "learner003"]
    assert rows[0] == {"id": "learner001", "first_name": learners[0].first_name,
                       "last_name": learners[0].last_name, "email": "learner001@example.org"}


# --- straight into the gradebook ------------------------------------------------------------


def test_gradebook_scores_follow_the_draws(course: Path, tmp_path: Path):
    """fill_gradebook writes what nbgrader would give: test points for a right answer, 0 for
    accidents, nothing for a broken file, the trainer's score for written answers."""
    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy.exc import SAWarning

    root = make_course_root(tmp_path / "root", ["ex05-confidentiality"])
    assignment = "ex05-confidentiality"
    with warnings.catch_warnings(), nbgrader_environment():
        warnings.simplefilter("ignore", SAWarning)
        assert course_api(root).generate_assignment(assignment)["success"]
        learners = plan_cohort(60)
        kinds = fill_gradebook(gradebook_url(root), root, [assignment], learners,
                               mix=Mix(missing=0.1, blank=0.1, endless=0.1, tampered=0.1,
                                       broken=0.1), written_graded=0.5)
        seen = set()
        with Gradebook(gradebook_url(root)) as gradebook:
            for learner in learners:
                kind = kinds[learner.id, assignment]
                seen.add(kind)
                if kind == MISSING:
                    with pytest.raises(MissingEntry):
                        gradebook.find_submission(assignment, learner.id)
                    continue
                grades = {g.name: g for g in gradebook.find_submission_notebook(
                    assignment, assignment, learner.id).grades}
                assert set(grades) == {"ex05-q1-tests", "ex05-q2-tests", "ex05-q3"}
                right = answer_outcomes(learner, assignment, ["ex05-q1", "ex05-q3"])
                tests = [grades["ex05-q1-tests"], grades["ex05-q2-tests"]]
                if kind == BROKEN:
                    assert all(g.auto_score is None and g.needs_manual_grade
                               for g in grades.values())
                elif kind in (BLANK, TAMPERED):
                    assert all(g.score == 0 and not g.needs_manual_grade
                               for g in grades.values())
                else:  # ANSWERS, and ENDLESS: its first code answer (ex05-q1) never finishes
                    first_right = right["ex05-q1"] and kind == ANSWERS
                    assert [g.auto_score for g in tests] == ([3.0, 2.0] if first_right
                                                             else [0.0, 0.0])
                    answer = grades["ex05-q3"]
                    assert answer.needs_manual_grade == (answer.score == 0 and answer.auto_score
                                                         is None)
                    if right["ex05-q3"] and not answer.needs_manual_grade:
                        assert answer.manual_score == 3.0
        assert seen == {ANSWERS, BLANK, ENDLESS, TAMPERED, BROKEN, MISSING}


def test_progress_files_are_written_through_the_course_store(tmp_path: Path):
    from widgets.core.course.course_map import load_course_map
    from widgets.core.course.syllabus import load_banks, module_checks

    learners = plan_cohort(12)
    best = write_progress_files(tmp_path, learners, skipped=0.2)
    checks = module_checks(load_course_map(), load_banks())
    assert sorted(p.name for p in tmp_path.glob("*.json")) == [
        f"{learner.id}.json" for learner in learners]
    taken = 0
    for learner in learners:
        progress = ProgressStore(learner.id, tmp_path).load()
        for module, banks in checks.items():
            for bank in banks:
                recorded = progress.get(module)
                if bank.id not in best[learner.id]:
                    assert recorded is None or bank.id not in recorded.checks
                    continue
                taken += 1
                check = recorded.checks[bank.id]
                assert check.best_score == best[learner.id][bank.id]
                assert check.completed == (check.best_score >= bank.pass_mark)
                # scores come in whole questions of the bank
                assert check.best_score * len(bank.questions) == pytest.approx(
                    round(check.best_score * len(bank.questions)))
    assert 0.6 * 12 * len(checks) < taken < 12 * len(checks)
