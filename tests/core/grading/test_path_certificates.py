"""Certificates, grades and the cohort report by learning path.

A gradebook with two assignments (ex01-principles and ex06-audit-case) is filled by hand, and
progress files are written through the course's own ProgressStore. The path under test is the
course map's internal-auditor path narrowed to those two exercises (the other exercises of the
path are other assignments' business), so every outcome can be read off the set-up:

- alice (chose internal-auditor): the five modules of the path passed, both exercises full
  marks — qualifies for the path, not for the whole course (modules 04, 05, 07 not taken);
- bob (internal-auditor): module 06's check at 50%, ex06 at half the points — two rules;
- carol (practitioner): everything passed — on another path, yet meets this path's rules;
- dave (no path chosen): the modules passed, ex06 not handed in — one rule;
- erin: chose practitioner on one machine, then internal-auditor on another — the later
  choice counts; no exercise handed in.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from support.gradebooks import generated_course

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
from widgets.core.grading.cohort_report import PATHS_CSV, build_report, write_report
from widgets.core.grading.nbgrader_course import (
    NOT_PASSED,
    NOT_SUBMITTED,
    PASSED,
    gradebook_url,
)
from widgets.core.grading.path_results import NO_PATH, path_summary, with_paths

ISSUED = dt.date(2025, 6, 30)
ASSIGNMENTS = ("ex01-principles", "ex06-audit-case")
COURSE = load_course_map()
AUDITOR = dataclasses.replace(COURSE.path("internal-auditor"), exercises=ASSIGNMENTS)
CHECKS = module_checks(COURSE, load_banks())
SHARE = {("bob", "ex06-audit-case"): 0.5}
MISSING = {("dave", "ex06-audit-case"), ("erin", "ex01-principles"), ("erin", "ex06-audit-case")}


def _fill(root: Path) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(root)) as gradebook:
        for learner in ("alice", "bob", "carol", "dave", "erin"):
            gradebook.update_or_create_student(learner, first_name=learner.title(),
                                               last_name="Test")
            for assignment in ASSIGNMENTS:
                if (learner, assignment) in MISSING:
                    continue
                submission = gradebook.add_submission(assignment, learner)
                for grade in submission.notebooks[0].grades:
                    share = SHARE.get((learner, assignment), 1.0)
                    grade.auto_score = float(grade.max_score) * share
                    grade.needs_manual_grade = False
        gradebook.db.commit()


def _progress(folder: Path, laptop: Path) -> None:
    clock = iter(dt.datetime(2025, 6, 1, 9, minute, tzinfo=dt.UTC) for minute in range(60))
    for learner, path_id in (("alice", "internal-auditor"), ("bob", "internal-auditor"),
                             ("carol", "practitioner"), ("dave", None), ("erin", None)):
        store = ProgressStore(learner, folder, clock=lambda: next(clock))
        for module_id in AUDITOR.modules:
            score = 0.5 if (learner, module_id) == ("bob", "06-auditing-complaints-handling") \
                else 0.9
            for bank in CHECKS[module_id]:
                store.record(module_id, score, check=bank.id, pass_mark=bank.pass_mark)
        if path_id:
            store.choose_path(path_id)
    ProgressStore("erin", folder, clock=lambda: next(clock)).choose_path("practitioner")
    ProgressStore("erin", laptop, clock=lambda: next(clock)).choose_path("internal-auditor")
    (laptop / "erin.json").rename(folder / "erin-laptop.json")


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("path-certificates")
    root = generated_course(base / "root", ASSIGNMENTS, fill=_fill)
    folder = base / "progress"
    _progress(folder, base / "laptop")
    return root, folder


@pytest.fixture(scope="module")
def results(course) -> dict:
    root, folder = course
    found = eligibility(gradebook_url(root), read_progress_folder(folder),
                        folder_name="progress/", path=AUDITOR)
    return {result.student_id: result for result in found}


def test_the_latest_choice_of_path_counts(course):
    _, folder = course
    paths = read_progress_folder(folder).paths
    assert {learner: choice.id for learner, choice in paths.items()} == {
        "alice": "internal-auditor", "bob": "internal-auditor", "carol": "practitioner",
        "erin": "internal-auditor"}


def test_the_path_s_rules_and_only_those(results):
    assert {learner: r.qualified for learner, r in results.items()} == {
        "alice": True, "bob": False, "carol": True, "dave": False, "erin": False}
    assert results["bob"].reasons == (
        "module 06-auditing-complaints-handling: knowledge check not passed yet (best 50%, "
        "pass mark 80%)", "ex06-audit-case: 50% of the points, pass mark 60%")
    assert results["dave"].reasons == ("ex06-audit-case: not handed in (or not graded yet)",)
    assert results["erin"].reasons == tuple(f"{e}: not handed in (or not graded yet)"
                                            for e in ASSIGNMENTS)
    alice = results["alice"]
    assert [m.module for m in alice.modules] == list(AUDITOR.modules)
    assert [e.exercise for e in alice.exercises] == list(ASSIGNMENTS)


def test_who_is_on_another_path(results):
    assert results["carol"].chosen_path == "practitioner" and results["carol"].on_another_path
    assert results["dave"].chosen_path is None and not results["dave"].on_another_path
    assert not results["alice"].on_another_path


def test_without_a_path_the_whole_course_s_rules_apply(course):
    root, folder = course
    whole = {r.student_id: r for r in eligibility(gradebook_url(root),
                                                  read_progress_folder(folder))}
    assert not whole["alice"].qualified
    assert "module 04-analysing-complaints: knowledge check not taken" in whole["alice"].reasons
    assert whole["alice"].path is None


def test_the_path_certificate(results):
    page = certificate_html(results["alice"], ISSUED)
    text = " ".join(re.sub(r"<[^>]+>", " ", page.split("</style>")[1]).split())
    assert f"{AUDITOR.certificate} This is to certify that Alice Test" in text
    assert (f"has completed the learning path {AUDITOR.title} of the course Complaints "
            "handling with ISO 10002") in text
    assert "Date: 30 June 2025" in text
    assert f"Modules ({len(AUDITOR.modules)})" in text
    assert "Auditing complaints handling — knowledge check 90%" in text
    assert "Analysing complaints" not in text
    assert "Guiding principles in practice" in text and "Audit case study" in text
    number = certificate_number("alice", ISSUED, "internal-auditor")
    assert f"Certificate no. {number}" in text and number != certificate_number("alice", ISSUED)


def test_files_and_summary_name_the_path(results, tmp_path: Path):
    written = write_certificates(list(results.values()), tmp_path, ISSUED)
    assert sorted(p.name for p in written) == ["alice-internal-auditor.html",
                                               "carol-internal-auditor.html"]
    assert certificate_filename("alice") == "alice.html"
    with (tmp_path / "certificates.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert rows["alice"]["path"] == "internal-auditor"
    assert rows["carol"]["chosen_path"] == "practitioner" and rows["dave"]["chosen_path"] == ""
    assert rows["bob"]["modules"] == "5" and rows["bob"]["exercises"] == "2"


def test_the_command_with_a_path(course, tmp_path: Path, capsys):
    root, folder = course
    out = tmp_path / "certificates"
    assert cli.main(["certificates", "--root", str(root), "--progress", str(folder), "--out",
                     str(out), "--date", "2025-06-30", "--path", "internal-auditor"]) == 0
    printed = capsys.readouterr().out
    path = COURSE.path("internal-auditor")
    assert f"learning path internal-auditor ({path.title}): certificate '{path.certificate}'" \
        in printed
    assert "not yet: bob (Bob Test)\n    - module 06-auditing-complaints-handling" in printed
    for exercise in set(path.exercises) - set(ASSIGNMENTS):  # not in this gradebook
        assert f"    - {exercise}: not handed in (or not graded yet)" in printed
    assert "on another path, not checked in detail: carol (practitioner)" in printed
    assert "not yet: carol" not in printed


def test_the_command_refuses_an_unknown_path(course, tmp_path: Path, capsys):
    root, folder = course
    assert cli.main(["certificates", "--root", str(root), "--progress", str(folder), "--out",
                     str(tmp_path), "--path", "auditor"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("iso10002 certificates: --path: ")
    assert "no learning path 'auditor'" in error
    assert "known paths: practitioner, internal-auditor, analyst-manager" in error
    assert not list(tmp_path.iterdir())


def test_results_by_path():
    grades = pd.DataFrame({
        "student_id": ["ann", "ann", "ben", "ben", "cat", "cat"],
        "assignment": ["ex01-principles", "ex03-kpis"] * 3,
        "status": [PASSED, NOT_SUBMITTED, PASSED, PASSED, NOT_PASSED, PASSED]})
    graded = with_paths(grades, {"ann": "practitioner", "ben": "analyst-manager"}, COURSE)
    assert list(graded.columns[:2]) == ["student_id", "path"]
    assert graded["on_path"].tolist() == [True, False, False, True, True, True]
    summary = path_summary(graded, COURSE).set_index("path")
    assert summary.index.tolist() == ["practitioner", "analyst-manager", NO_PATH]
    assert summary.loc["practitioner", ["learners", "exercises", "passed", "completed"]
                       ].tolist() == [1, 1, 1, 1]
    assert summary.loc["analyst-manager", ["exercises", "passed", "not_submitted"]
                       ].tolist() == [1, 1, 0]
    assert summary.loc[NO_PATH, ["exercises", "passed", "not_passed", "completed"]
                       ].tolist() == [2, 1, 1, 0]


def test_grades_and_report_show_each_learner_s_path(course, tmp_path: Path, capsys,
                                                     monkeypatch: pytest.MonkeyPatch):
    root, folder = course
    # grades and report read the course map themselves: give them the auditor path narrowed to
    # this gradebook's two assignments, as the certificates above are given AUDITOR
    narrowed = dataclasses.replace(
        COURSE, paths=tuple(AUDITOR if p.id == AUDITOR.id else p for p in COURSE.paths))
    import widgets.core.course as course_facade
    from widgets.core.course import course_map as course_map_module
    from widgets.core.grading import cohort_report

    for module in (course_facade, course_map_module, cohort_report):
        monkeypatch.setattr(module, "load_course_map", lambda: narrowed)
    assert cli.main(["grades", "--root", str(root), "--progress", str(folder)]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"^\s*carol\s+practitioner\s", printed, flags=re.M)
    assert "by learning path (each learner on their own path's exercises):" in printed
    assert "  internal-auditor: 3 learners, 1 passed every exercise of the path; " in printed
    assert f"  {NO_PATH}: 1 learner, 0 passed every exercise of the path; " in printed

    paths = {learner: c.id for learner, c in read_progress_folder(folder).paths.items()}
    report = build_report(gradebook_url(root), paths=paths)
    learners = report.learners.set_index("student_id")
    assert learners.loc["carol", "path"] == "practitioner"
    assert learners.loc["dave", "path"] == ""
    assert "ex06-audit-case not passed (50%)" in learners.loc["bob", "reasons"]
    # ex06 is not on carol's (practitioner) path: only ex01 counts for her
    assert learners.loc["carol", ["passed", "not_submitted"]].tolist() == [1, 0]
    everything = build_report(gradebook_url(root)).learners.set_index("student_id")
    assert everything.loc["carol", "passed"] == 2 and "path" not in everything.columns
    assert report.paths.set_index("path").loc["practitioner", "learners"] == 1
    written = write_report(report, tmp_path, source="gradebook.db")
    assert (tmp_path / PATHS_CSV) in written
    assert "<h2>Learning paths</h2>" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_a_synthetic_cohort_chooses_paths(tmp_path: Path):
    from widgets.core.grading.cohort import plan_cohort, write_progress_files

    learners = plan_cohort(30)
    write_progress_files(tmp_path / "one", learners)
    write_progress_files(tmp_path / "two", learners)
    chosen = {learner: c.id for learner, c in read_progress_folder(tmp_path / "one").paths.items()}
    assert set(chosen) == {learner.id for learner in learners}
    assert set(chosen.values()) == {path.id for path in COURSE.paths}, "every path is taken"
    assert chosen == {learner: c.id for learner, c
                      in read_progress_folder(tmp_path / "two").paths.items()}, "seeded"
