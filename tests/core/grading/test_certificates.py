"""`iso10002 certificates`: certificates for exactly the learners who meet the syllabus's pass
rules, and a clear reason for each rule anyone else has not met yet.

A gradebook with every exercise generated is filled by hand, learner by learner, and
progress files are written through the course's own ProgressStore — so every expected
outcome below can be read off the set-up:

- alice: every exercise full marks, every knowledge check passed — qualifies;
- bob: ex03-kpis at half the points; and module 06's check passed only on his second machine;
- carol: ex04-root-cause's two written answers not graded yet;
- dave: ex07-response-letter not handed in;
- erin: a progress file but nothing in the gradebook;
- frank: every exercise full marks but no progress file;
- gina: module 03's check at 70% (pass mark 80%), module 05's never taken;
- hugo: qualifies, with a name typed to break HTML and spreadsheets.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re
import shutil
import warnings
from pathlib import Path

import nbformat
import pytest
from support.gradebooks import generated_course
from support.repo import REPO

from widgets import cli
from widgets.core.course.course_map import load_course_map
from widgets.core.course.progress import ProgressStore
from widgets.core.course.syllabus import load_banks, module_checks
from widgets.core.grading.certificates import (
    certificate_filename,
    certificate_html,
    certificate_number,
    eligibility,
    read_progress_folder,
    write_certificates,
)
from widgets.core.grading.exercise_submissions import nbgrader_meta
from widgets.core.grading.nbgrader_course import (
    assignment_ids,
    course_api,
    gradebook_url,
    make_course_root,
    nbgrader_environment,
)

ISSUED = dt.date(2025, 6, 30)


def _points(assignment: str) -> float:
    """An exercise's points as its source notebook's graded cells give them, so that the
    expected totals follow the course map when exercises are added."""
    source = nbformat.read(REPO / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
    return float(sum(nbgrader_meta(cell).get("points", 0) for cell in source.cells))


TOTAL_POINTS = sum(_points(exercise.id) for exercise in load_course_map().exercises)

NAMES = {"alice": ("Alice", "O'Neill"), "bob": ("Bob", "Baker"), "carol": ("Carol", "Cook"),
         "dave": ("Dave", "Dunn"), "frank": ("Frank", "Fox"), "gina": ("Gina", "Gray"),
         "hugo": ("=SUM(A1)", "<b>Hugo</b>")}


def _fill(root: Path) -> None:
    """Submissions and scores as the module doc describes."""
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(root)) as gradebook:
        for learner, (first, last) in NAMES.items():
            gradebook.update_or_create_student(learner, first_name=first, last_name=last)
            for assignment in assignment_ids(root):
                if learner == "dave" and assignment == "ex07-response-letter":
                    continue
                submission = gradebook.add_submission(assignment, learner)
                for grade in submission.notebooks[0].grades:
                    share = 0.5 if (learner, assignment) == ("bob", "ex03-kpis") else 1.0
                    waiting = (learner == "carol" and assignment == "ex04-root-cause"
                               and grade.cell_type == "markdown")
                    grade.auto_score = None if waiting else float(grade.max_score) * share
                    grade.needs_manual_grade = waiting
        gradebook.db.commit()


def _progress(folder: Path, second_machine: Path) -> None:
    course_map = load_course_map()
    checks = module_checks(course_map, load_banks())
    for learner in ("alice", "bob", "carol", "dave", "erin", "gina", "hugo"):
        store = ProgressStore(learner, folder)
        for module in course_map.modules:
            for bank in checks[module.id]:
                score = 0.9
                if learner == "gina" and module.id == "03-handling-a-complaint":
                    score = 0.7
                if learner == "gina" and module.id == "05-measuring-and-monitoring":
                    continue
                if learner == "bob" and module.id == "06-auditing-complaints-handling":
                    score = 0.5
                    ProgressStore("bob", second_machine).record(
                        module.id, 0.85, check=bank.id, pass_mark=bank.pass_mark)
                store.record(module.id, score, check=bank.id, pass_mark=bank.pass_mark)
    shutil.copy(second_machine / "bob.json", folder / "bob-laptop.json")
    (folder / "damaged.json").write_text("{not json", encoding="utf-8")


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("certificates")
    root = generated_course(base / "root", fill=_fill)
    folder = base / "progress"
    _progress(folder, base / "laptop")
    return root, folder


@pytest.fixture(scope="module")
def results(course) -> dict:
    root, folder = course
    found = eligibility(gradebook_url(root), read_progress_folder(folder),
                        folder_name="progress/")
    return {result.student_id: result for result in found}


def test_only_learners_meeting_every_rule_qualify(results):
    assert {learner: r.qualified for learner, r in results.items()} == {
        "alice": True, "bob": False, "carol": False, "dave": False, "erin": False,
        "frank": False, "gina": False, "hugo": True}


def test_each_unmet_rule_is_named(results):
    assert results["bob"].reasons == ("ex03-kpis: 50% of the points, pass mark 60%",)
    assert results["carol"].reasons == ("ex04-root-cause: 2 answers still to grade",)
    assert results["dave"].reasons == (
        "ex07-response-letter: not handed in (or not graded yet)",)
    assert results["erin"].reasons == tuple(
        f"{e.id}: not handed in (or not graded yet)" for e in load_course_map().exercises)
    assert results["frank"].reasons == (
        "no progress file in progress/ (ask for ~/.iso10002-course/progress/frank.json): "
        "the knowledge checks cannot be counted",)
    assert results["gina"].reasons == (
        "module 03-handling-a-complaint: knowledge check not passed yet (best 70%, pass mark "
        "80%)", "module 05-measuring-and-monitoring: knowledge check not taken")


def test_progress_from_two_machines_counts_the_better_result(course, results):
    _, folder = course
    progress = read_progress_folder(folder)
    bob = progress.learners["bob"]["06-auditing-complaints-handling"]
    assert [(c.best_score, c.completed) for c in bob.checks.values()] == [(0.85, True)]
    assert not any("06-" in reason for reason in results["bob"].reasons)


def test_a_damaged_progress_file_is_reported_and_left_alone(course):
    _, folder = course
    progress = read_progress_folder(folder)
    assert len(progress.problems) == 1
    assert progress.problems[0].startswith("damaged.json: not readable JSON (")
    assert (folder / "damaged.json").read_text(encoding="utf-8") == "{not json"
    assert not list(folder.glob("*.corrupt-*"))


def test_rules_are_the_syllabus_s(course):
    """The exercise pass mark is the course map's, as course/syllabus.md states it; with a
    lower mark, bob's 50% would pass."""
    root, folder = course
    course_map = load_course_map()
    mark = course_map.pass_rules.exercise_pass_mark
    syllabus = (REPO / "course" / "syllabus.md").read_text(encoding="utf-8")
    assert f"**An exercise** is passed with at least {mark:.0%} of its points" in syllabus
    assert "every module's knowledge check is passed and every exercise is passed" in syllabus
    lenient = dataclasses.replace(course_map, pass_rules=dataclasses.replace(
        course_map.pass_rules, exercise_pass_mark=0.5))
    found = eligibility(gradebook_url(root), read_progress_folder(folder),
                        course_map=lenient)
    assert [r.student_id for r in found if r.qualified] == ["alice", "bob", "hugo"]


def test_certificate_shows_name_date_modules_and_score(results):
    page = certificate_html(results["alice"], ISSUED, issuer="Jane Smith, Training Lead")
    text = re.sub(r"<[^>]+>", " ", page.split("</style>")[1])
    assert "Alice O&#x27;Neill" in text and "Certificate of completion" in text
    assert "Date: 30 June 2025" in text
    for module in load_course_map().modules:
        assert f"{module.title} — knowledge check 90%" in text
    assert f"Exercises: {TOTAL_POINTS:g} of {TOTAL_POINTS:g} points (100%)" in text
    assert "Complaint KPIs against the policy — 12 of 12 points" in text
    assert f"Certificate no. {certificate_number('alice', ISSUED)}" in text
    assert "Jane Smith, Training Lead" in text
    assert "not a certification of a person or an organization" in text
    assert "@page { size: A4 landscape" in page and "@media print" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page


def test_names_cannot_break_the_page(results):
    page = certificate_html(results["hugo"], ISSUED)
    assert "&lt;b&gt;Hugo&lt;/b&gt;" in page and "<b>Hugo</b>" not in page
    assert "Trainer: ____" in page  # no issuer given: a line to sign


def test_no_certificate_for_who_does_not_qualify(results):
    with pytest.raises(ValueError, match="bob does not meet the pass rules: ex03-kpis: 50%"):
        certificate_html(results["bob"], ISSUED)


def test_certificate_number_is_stable_and_distinct():
    assert certificate_number("alice", ISSUED) == certificate_number("alice", ISSUED)
    assert re.fullmatch(r"ISO10002-20250630-[0-9A-F]{8}", certificate_number("alice", ISSUED))
    assert certificate_number("alice", ISSUED) != certificate_number("bob", ISSUED)
    assert certificate_number("alice", ISSUED) != certificate_number("alice", dt.date(2025, 7, 1))
    assert certificate_filename("ann@example.org").endswith(".html")
    assert "@" not in certificate_filename("ann@example.org")


def test_files_and_summary(results, tmp_path: Path):
    written = write_certificates(list(results.values()), tmp_path, ISSUED)
    assert sorted(path.name for path in written) == ["alice.html", "hugo.html"]
    with (tmp_path / "certificates.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert len(rows) == 8
    assert rows["alice"]["qualified"] == "True" and rows["alice"]["certificate"] == "alice.html"
    assert rows["bob"]["not_met"] == "ex03-kpis: 50% of the points, pass mark 60%"
    assert rows["bob"]["exercise_points"] == str(TOTAL_POINTS - _points("ex03-kpis") / 2)
    assert rows["hugo"]["name"] == "'=SUM(A1) <b>Hugo</b>"  # never a formula
    assert rows["gina"]["modules_passed"] == "6" and rows["gina"]["modules"] == "8"


def test_the_command(course, tmp_path: Path, capsys):
    root, folder = course
    out = tmp_path / "certificates"
    assert cli.main(["certificates", "--root", str(root), "--progress", str(folder), "--out",
                     str(out), "--date", "2025-06-30", "--issuer", "Jane Smith"]) == 0
    printed = capsys.readouterr().out
    assert "progress file skipped: damaged.json: not readable JSON" in printed
    assert "certificate: alice (Alice O'Neill)" in printed
    assert ("not yet: gina (Gina Gray)\n    - module 03-handling-a-complaint: knowledge check "
            "not passed yet (best 70%, pass mark 80%)\n") in printed
    assert "not yet: erin\n" in printed
    assert printed.rstrip().endswith(f"2 of 8 learners qualify; certificates and "
                                     f"certificates.csv written to {out}")
    assert "30 June 2025" in (out / "alice.html").read_text(encoding="utf-8")


def test_the_command_refuses_bad_input(course, tmp_path: Path, capsys):
    root, folder = course
    assert cli.main(["certificates", "--root", str(root), "--progress", str(folder), "--out",
                     str(tmp_path), "--date", "30/06/2025"]) == 2
    assert "--date '30/06/2025' is not a date; write it as YYYY-MM-DD" in capsys.readouterr().err
    assert cli.main(["certificates", "--root", str(root), "--progress",
                     str(tmp_path / "nowhere"), "--out", str(tmp_path)]) == 2
    assert "collect the learners' progress files" in capsys.readouterr().err


@pytest.mark.slow
def test_certificates_for_two_hundred_learners(tmp_path: Path, capsys):
    """A synthetic cohort of 200: every certificate written is backed by the figures in
    certificates.csv, and every learner without one has a reason."""
    from sqlalchemy.exc import SAWarning

    from widgets.core.grading.cohort import fill_gradebook, plan_cohort, write_progress_files

    root = make_course_root(tmp_path / "root")
    learners = plan_cohort(200)
    with warnings.catch_warnings(), nbgrader_environment():
        warnings.simplefilter("ignore", SAWarning)
        api = course_api(root)
        for assignment in assignment_ids(root):
            assert api.generate_assignment(assignment)["success"]
        fill_gradebook(gradebook_url(root), root, assignment_ids(root), learners)
    write_progress_files(tmp_path / "progress", learners)
    out = tmp_path / "out"
    assert cli.main(["certificates", "--root", str(root), "--progress",
                     str(tmp_path / "progress"), "--out", str(out)]) == 0
    with (out / "certificates.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 200
    qualified = [row for row in rows if row["qualified"] == "True"]
    assert 0 < len(qualified) < 200
    course_map = load_course_map()
    modules, exercises = str(len(course_map.modules)), str(len(course_map.exercises))
    for row in rows:
        complete = (row["modules_passed"] == row["modules"] == modules
                    and row["exercises_passed"] == row["exercises"] == exercises)
        assert (row["qualified"] == "True") == complete == (row["not_met"] == "")
        assert (out / f"{row['student_id']}.html").is_file() == complete
    assert f"{len(qualified)} of 200 learners qualify" in capsys.readouterr().out
