"""Learning paths: their definition in the course map, their validation, the learner's choice
in the progress file, and where a learner stands on a path (widgets.core.course.learning_paths).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from widgets.core.course.course_map import (
    COURSE_MAP_FILE,
    CourseMapError,
    load_course_map,
    parse_course_map,
)
from widgets.core.course.learning_paths import (
    choose_path,
    chosen_path,
    duration_text,
    pass_rule_lines,
    path_checks,
    path_progress,
)
from widgets.core.course.progress import SCHEMA, ProgressStore, progress_file_problem
from widgets.core.course.syllabus import load_banks, module_checks

RAW = yaml.safe_load(COURSE_MAP_FILE.read_text(encoding="utf-8"))
COURSE = load_course_map()
CHECKS = module_checks(COURSE, load_banks())
CLOCK = iter(dt.datetime(2025, 4, 1, 9, minute, tzinfo=dt.UTC) for minute in range(60))


def broken(change) -> dict:
    data = copy.deepcopy(RAW)
    change(data)
    return data


def store(folder: Path, learner: str = "alice") -> ProgressStore:
    return ProgressStore(learner, folder, clock=lambda: next(CLOCK))


def pass_module(progress: ProgressStore, module_id: str, score: float = 0.9) -> None:
    for bank in CHECKS[module_id]:
        progress.record(module_id, score, check=bank.id, pass_mark=bank.pass_mark)


# ------------------------------------------------------------------ the map's paths


def test_the_three_paths_of_the_course():
    assert [path.id for path in COURSE.paths] == [
        "practitioner", "internal-auditor", "analyst-manager"]
    practitioner = COURSE.path("practitioner")
    assert practitioner.modules == tuple(m.id for m in COURSE.modules[:6])
    assert COURSE.path("internal-auditor").modules == (
        "00-welcome", "01-standard-and-principles", "02-framework-and-planning",
        "03-handling-a-complaint", "06-auditing-complaints-handling")
    assert COURSE.path("analyst-manager").modules == tuple(m.id for m in COURSE.modules)
    assert "ex01-principles" in practitioner.exercises
    assert set(COURSE.path("internal-auditor").exercises) == {
        "ex01-principles", "ex11-audit-plan-and-checklist", "ex12-audit-evidence-and-report"}
    assert {"ex03-kpis", "ex04-root-cause", "ex05-confidentiality"} <= set(
        COURSE.path("analyst-manager").exercises)
    for path in COURSE.paths:
        assert path.title and path.audience.endswith(".") and path.certificate


@pytest.mark.parametrize("path", COURSE.paths, ids=lambda path: path.id)
def test_a_path_s_hours_are_its_modules_and_exercises_minutes(path):
    modules = sum(m.minutes for m in COURSE.modules if m.id in path.modules)
    exercises = sum(e.minutes for e in COURSE.exercises if e.id in path.exercises)
    assert COURSE.path_minutes(path) == modules + exercises
    assert all(COURSE.exercise(e).minutes > 0 for e in path.exercises)


def test_practitioner_and_auditor_paths_hold_no_programming_exercise():
    """The pandas exercises (ex03–ex05) belong to the analyst path only (issue 11)."""
    programming = {"ex03-kpis", "ex04-root-cause", "ex05-confidentiality"}
    for path_id in ("practitioner", "internal-auditor"):
        assert not programming & set(COURSE.path(path_id).exercises)


def test_unknown_path_lists_the_known_ones():
    with pytest.raises(KeyError, match="known paths: practitioner, internal-auditor, "
                                       "analyst-manager"):
        COURSE.path("manager")


def _path(data: dict, path_id: str) -> dict:
    return next(path for path in data["paths"] if path["id"] == path_id)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _path(d, "practitioner")["modules"].append("09-extra"),
         r"paths\[0\] \(practitioner\)\.modules\[6\]: '09-extra' is not a module id of this "
         r"file; use one of: 00-welcome"),
        (lambda d: _path(d, "practitioner")["exercises"].append("ex99-nothing"),
         r"paths\[0\] \(practitioner\)\.exercises\[\d+\]: 'ex99-nothing' is not an exercise "
         r"id of this file; use one of: ex01-principles"),
        (lambda d: _path(d, "practitioner")["exercises"].append("ex01-principles"),
         r"paths\[0\] \(practitioner\)\.exercises: 'ex01-principles' appears twice"),
        (lambda d: d["paths"][1].update(id="practitioner"),
         "paths ids: 'practitioner' appears twice"),
        (lambda d: d["paths"][1].update(id="Internal Auditor"),
         r"paths\[1\]\.id: 'Internal Auditor' is not a valid id; write it like "
         "'internal-auditor'"),
        (lambda d: _path(d, "internal-auditor").pop("certificate"),
         r"paths\[1\] \(internal-auditor\): missing key 'certificate'"),
        (lambda d: _path(d, "internal-auditor").update(audience=""),
         r"paths\[1\] \(internal-auditor\)\.audience: expected non-empty text"),
        (lambda d: _path(d, "internal-auditor").update(modules="06-auditing-complaints-handling"),
         r"paths\[1\] \(internal-auditor\)\.modules: expected a non-empty list of module ids"),
        (lambda d: _path(d, "internal-auditor").update(exercises=[]),
         r"paths\[1\] \(internal-auditor\)\.exercises: expected a non-empty list"),
        (lambda d: _path(d, "internal-auditor")["modules"].reverse(),
         r"paths\[1\] \(internal-auditor\)\.modules: list the modules in course order: "
         "00-welcome, 01-standard"),
        (lambda d: _path(d, "internal-auditor")["exercises"].append("ex03-kpis"),
         r"paths\[1\] \(internal-auditor\)\.exercises\[\d+\]: 'ex03-kpis' follows module "
         "'05-measuring-and-monitoring', which is not on this path; add the module"),
        (lambda d: d["exercises"][0].pop("minutes"),
         r"exercises\[0\] \(ex01-principles\): missing key 'minutes': path 'practitioner' "
         "lists this exercise"),
        (lambda d: d["exercises"][0].update(minutes=0),
         r"exercises\[0\]\.minutes: expected a positive whole number"),
        (lambda d: d.update(paths=[]), "paths: expected a non-empty list"),
        (lambda d: d["pass_rules"].pop("path"), "pass_rules: missing key 'path'"),
    ],
)
def test_malformed_paths_name_file_path_key_and_fix(change, message):
    with pytest.raises(CourseMapError, match=message) as error:
        parse_course_map(broken(change), source="modules.yaml")
    assert str(error.value).startswith("modules.yaml: ")


def test_a_map_without_paths_is_still_a_course_map():
    data = broken(lambda d: d.pop("paths"))
    for exercise in data["exercises"]:
        exercise.pop("minutes", None)
    course_map = parse_course_map(data)
    assert course_map.paths == () and course_map.exercises[0].minutes is None


def test_pass_rules_in_words():
    practitioner = COURSE.path("practitioner")
    checks = pass_rule_lines(COURSE, practitioner, CHECKS)[0]
    banks = path_checks(practitioner, CHECKS)
    assert [bank.module for bank in banks] == list(practitioner.modules)
    assert checks == (f"the knowledge checks of its 6 modules passed ({len(banks)} checks, pass "
                      "mark 80%)")
    two = dataclasses.replace(practitioner, exercises=("ex01-principles", "ex06-audit-case"))
    assert pass_rule_lines(COURSE, two, CHECKS)[1] == (
        "its 2 exercises each passed with at least 60% of the points")
    one = dataclasses.replace(practitioner, exercises=("ex01-principles",))
    assert pass_rule_lines(COURSE, one, CHECKS)[1] == (
        "its exercise passed with at least 60% of the points")
    assert duration_text(345) == "5 h 45 min" and duration_text(60) == "1 h 00 min"


# ------------------------------------------------------------------ the learner's choice


def test_the_choice_is_kept_in_the_progress_file_and_can_change(tmp_path: Path):
    alice = store(tmp_path)
    assert chosen_path(alice, COURSE) == (None, None)
    pass_module(alice, "00-welcome")
    assert choose_path(alice, COURSE, "internal-auditor").id == "internal-auditor"
    data = json.loads(alice.path.read_text(encoding="utf-8"))
    assert data["learning_path"]["id"] == "internal-auditor"
    assert data["learning_path"]["chosen_at"].startswith("2025-04-01T09:")
    assert data["modules"]["00-welcome"]["checks"], "choosing keeps the results"
    choose_path(alice, COURSE, "practitioner")
    again = store(tmp_path)
    assert chosen_path(again, COURSE)[0].id == "practitioner"
    assert again.load()["00-welcome"].completed
    pass_module(again, "01-standard-and-principles")
    assert again.chosen_path().id == "practitioner", "recording keeps the choice"
    choose_path(again, COURSE, None)
    assert again.chosen_path() is None and again.load()["01-standard-and-principles"].completed


def test_an_unknown_path_is_refused_with_the_known_ones(tmp_path: Path):
    alice = store(tmp_path)
    with pytest.raises(ValueError, match=r"no learning path 'auditor'.*internal-auditor"):
        choose_path(alice, COURSE, "auditor")
    with pytest.raises(ValueError, match="lower-case words joined by '-'"):
        alice.choose_path("Internal Auditor")
    assert not alice.path.exists()


def test_a_retired_path_is_explained_not_an_error(tmp_path: Path):
    alice = store(tmp_path)
    alice.choose_path("manager")  # as if the map renamed it later
    path, notice = chosen_path(alice, COURSE)
    assert path is None
    assert notice.startswith("The learning path you chose earlier ('manager') is no longer")
    assert "Complaints handling practitioner" in notice


def test_files_written_before_paths_existed_stay_valid(tmp_path: Path):
    old = {"schema": SCHEMA, "schema_version": 1, "learner": "bob", "modules": {}}
    assert progress_file_problem(old, "bob") is None
    (tmp_path / "bob.json").write_text(json.dumps(old), encoding="utf-8")
    bob = store(tmp_path, "bob")
    assert bob.chosen_path() is None and bob.message is None
    bob.choose_path("practitioner")
    assert json.loads(bob.path.read_text(encoding="utf-8"))["schema_version"] == 1


@pytest.mark.parametrize("value", ["practitioner", {"id": 3, "chosen_at": "x"},
                                   {"id": "practitioner"}, {"id": "Bad Id", "chosen_at": "x"}])
def test_a_malformed_choice_makes_the_file_foreign(value):
    data = {"schema": SCHEMA, "schema_version": 1, "learner": "bob", "modules": {},
            "learning_path": value}
    assert "'learning_path' is not an object" in progress_file_problem(data, "bob")


# ------------------------------------------------------------------ progress on a path


def test_progress_and_next_steps_on_the_auditor_path(tmp_path: Path):
    alice = store(tmp_path)
    auditor = COURSE.path("internal-auditor")
    start = path_progress(COURSE, auditor, alice.load(), CHECKS)
    assert start.modules_passed == 0 and start.next_module.id == "00-welcome"
    assert start.ready_exercises == ()
    assert start.minutes_left == COURSE.path_minutes(auditor)

    for module_id in ("00-welcome", "01-standard-and-principles"):
        pass_module(alice, module_id)
    pass_module(alice, "02-framework-and-planning", score=0.5)  # below the pass mark
    pass_module(alice, "04-analysing-complaints")  # not on this path: does not count
    now = path_progress(COURSE, auditor, alice.load(), CHECKS)
    assert now.modules_passed == 2
    assert now.next_module.id == "02-framework-and-planning" and now.next_module.started
    assert [e.id for e in now.ready_exercises] == ["ex01-principles"]
    done = sum(COURSE.module(m).minutes for m in ("00-welcome", "01-standard-and-principles"))
    assert now.minutes_left == (COURSE.path_minutes(auditor) - done
                                - COURSE.exercise("ex01-principles").minutes)

    for module_id in ("02-framework-and-planning", "03-handling-a-complaint",
                      "06-auditing-complaints-handling"):
        pass_module(alice, module_id)
    finished = path_progress(COURSE, auditor, alice.load(), CHECKS)
    assert finished.next_module is None and finished.modules_passed == 5
    assert {e.id for e in finished.ready_exercises} == set(auditor.exercises)
    assert finished.minutes_left == 0


def test_exercises_come_in_the_order_of_their_modules(tmp_path: Path):
    """The analyst path lists the pandas exercises first, but the policy exercise (after module
    02) is the first a learner can do."""
    analyst = COURSE.path("analyst-manager")
    shuffled = dataclasses.replace(analyst, exercises=tuple(reversed(analyst.exercises)))
    for path in (analyst, shuffled):
        order = [e.follows for e in path_progress(COURSE, path, {}, CHECKS).exercises]
        assert order == sorted(order) and len(order) == len(analyst.exercises)
    alice = store(tmp_path)
    for module_id in ("00-welcome", "01-standard-and-principles", "02-framework-and-planning"):
        pass_module(alice, module_id)
    ready = path_progress(COURSE, analyst, alice.load(), CHECKS).ready_exercises
    assert [e.follows for e in ready] == ["02-framework-and-planning"] * len(ready)
    assert {e.id for e in ready} == {e for e in analyst.exercises
                                    if COURSE.exercise(e).follows == "02-framework-and-planning"}


def test_a_module_counts_only_when_each_of_its_checks_is_passed(tmp_path: Path):
    alice = store(tmp_path)
    bank = CHECKS["00-welcome"][0]
    alice.record("00-welcome", 1.0, check="a-drill-not-the-bank")
    practitioner = COURSE.path("practitioner")
    assert path_progress(COURSE, practitioner, alice.load(), CHECKS).modules_passed == 0
    alice.record("00-welcome", 1.0, check=bank.id, pass_mark=bank.pass_mark)
    assert path_progress(COURSE, practitioner, alice.load(), CHECKS).modules_passed == 1


# ------------------------------------------------------------------ `iso10002 paths`


def test_the_paths_command(capsys):
    from widgets import cli

    assert cli.main(["paths"]) == 0
    printed = capsys.readouterr().out
    for path in COURSE.paths:
        assert (f"{path.id}: {path.title} ({duration_text(COURSE.path_minutes(path))})"
                in printed)
        assert f"    exercises: {', '.join(path.exercises)}" in printed
    assert cli.main(["paths", "internal-auditor"]) == 0
    assert capsys.readouterr().out.split() == list(COURSE.path("internal-auditor").exercises)
    assert cli.main(["paths", "auditor"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("iso10002 paths: ") and "known paths: practitioner" in error


def test_the_syllabus_tables_the_paths():
    from widgets.core.course.syllabus import syllabus_markdown

    text = syllabus_markdown()
    section = text[text.index("## Learning paths"):text.index("## Modules")]
    for path in COURSE.paths:
        assert (f"| `{path.id}` {path.title} | "
                f"{', '.join(m[:2] for m in path.modules)} | {', '.join(path.exercises)} | "
                f"{duration_text(COURSE.path_minutes(path))} | "
                f"{'; '.join(pass_rule_lines(COURSE, path, CHECKS))} |") in section
        assert f"Certificate: *{path.certificate}* — `iso10002 certificates --path " \
               f"{path.id}`." in section
    assert f"- **A learning path** is completed when {COURSE.pass_rules.path}" in text
    without = dataclasses.replace(COURSE, paths=())
    assert "## Learning paths" not in syllabus_markdown(without)
