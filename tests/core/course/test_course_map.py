"""The course map (widgets/content/modules.yaml): its content, its validation, its views."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from widgets.core.course.clauses import load_clauses
from widgets.core.course.course_map import (
    COURSE_MAP_FILE,
    CourseMapError,
    format_clauses,
    load_course_map,
    parse_course_map,
)
from widgets.course_map import course_map_html, dashboard_html, exercises_html

RAW = yaml.safe_load(COURSE_MAP_FILE.read_text(encoding="utf-8"))


def test_modules_in_order_with_their_times():
    course = load_course_map()
    assert [(m.id, m.minutes) for m in course.modules] == [
        ("00-welcome", 15),
        ("01-standard-and-principles", 60),
        ("02-framework-and-planning", 45),
        ("03-handling-a-complaint", 75),
        ("04-analysing-complaints", 60),
        ("05-measuring-and-monitoring", 45),
        ("06-auditing-complaints-handling", 90),
        ("07-review-improvement-certification", 45),
    ]
    assert course.total_minutes == 435
    assert (
        course.module("03-handling-a-complaint").notebook == "modules/03-handling-a-complaint.ipynb"
    )


# Every exercise id the course uses, with the module it practises: the first seven, then the
# learning paths' assignments, whose ids issue 11 fixed (each is registered once it is done).
FOLLOWS = {
    "ex01-principles": "01-standard-and-principles",
    "ex02-receipt-and-triage": "03-handling-a-complaint",
    "ex03-kpis": "05-measuring-and-monitoring",
    "ex04-root-cause": "04-analysing-complaints",
    "ex05-confidentiality": "04-analysing-complaints",
    "ex06-audit-case": "06-auditing-complaints-handling",
    "ex07-response-letter": "03-handling-a-complaint",
    "ex08-recognising-complaints": "01-standard-and-principles",
    "ex09-receipt-and-deadlines": "03-handling-a-complaint",
    "ex10-responding-and-closing": "05-measuring-and-monitoring",
    "ex11-audit-plan-and-checklist": "06-auditing-complaints-handling",
    "ex12-audit-evidence-and-report": "06-auditing-complaints-handling",
    "ex13-complaints-policy": "02-framework-and-planning",
    "ex14-management-review": "07-review-improvement-certification",
}


def test_exercises_and_the_module_each_follows():
    course = load_course_map()
    follows = {e.id: e.follows for e in course.exercises}
    assert list(follows)[:7] == list(FOLLOWS)[:7]
    assert follows == {exercise: FOLLOWS.get(exercise) for exercise in follows}
    after_03 = [e.id for e in course.exercises_after("03-handling-a-complaint")]
    assert after_03 == [e for e in follows if follows[e] == "03-handling-a-complaint"]
    assert after_03[:2] == ["ex02-receipt-and-triage", "ex07-response-letter"]
    assert course.exercises[0].folder == "exercises/ex01-principles"


def test_every_subclause_of_clauses_4_to_8_and_each_audit_step_is_taught():
    catalogue = load_clauses()
    subclauses = {
        clause_id
        for clause_id, clause in catalogue.items()
        if clause.standard.key == "10002" and "." in clause.number
    }
    assert len(subclauses) == 15 + 4 + 4 + 9 + 7
    audit_steps = {"19011:4", "19011:5", *(f"19011:6.{step}" for step in range(2, 8))}
    taught = load_course_map().clauses_taught()
    assert subclauses <= taught
    assert audit_steps <= taught


def test_unknown_module_id_lists_the_known_ones():
    with pytest.raises(KeyError, match="known modules: 00-welcome, 01-standard"):
        load_course_map().module("08-extra")


@pytest.mark.parametrize(
    ("clauses", "expected"),
    [
        ([], "none"),
        (["4.1", "4.2", "4.3", "5.1", "5.2"], "4.1–4.3, 5.1, 5.2"),
        (["1", "2", "3", "4.1", "4.2", "4.3", "4.4"], "1, 2, 3, 4.1–4.4"),
        (["4.9", "4.10", "4.11"], "4.9–4.11"),
        (["8.6", "8.7", "B", "9001:9.3.2", "9001:10.2"], "8.6, 8.7, B; ISO 9001:2015 9.3.2, 10.2"),
        (
            ["10003", "8.5", "19011:6.2", "19011:6.3", "19011:6.4", "19011:A.6"],
            "8.5; ISO 19011:2018 6.2–6.4, A.6; ISO 10003:2018",
        ),
    ],
)
def test_format_clauses(clauses, expected):
    assert format_clauses(clauses) == expected


def broken(change) -> dict:
    data = copy.deepcopy(RAW)
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["modules"][1].update(id="00-welcome", notebook="modules/00-welcome.ipynb"),
            "modules ids: '00-welcome' appears twice",
        ),
        (
            lambda d: d["modules"][2].update(minutes=0),
            r"modules\[2\]\.minutes: expected a positive",
        ),
        (
            lambda d: d["modules"][2].update(minutes=-5),
            r"modules\[2\]\.minutes: expected a positive",
        ),
        (lambda d: d["modules"][2].update(minutes="45"), r"modules\[2\]\.minutes: .*'45'"),
        (lambda d: d["modules"][2].update(minutes=True), r"modules\[2\]\.minutes"),
        (lambda d: d["modules"][3].pop("minutes"), r"modules\[3\]: missing key 'minutes'"),
        (
            lambda d: d["modules"][1]["clauses"].insert(0, "4.16"),
            r"modules\[1\]\.clauses\[0\]: '4\.16' is not a clause id of clauses\.yaml",
        ),
        (
            lambda d: d["modules"][4].update(clauses=["8.1", 8.2]),
            r"modules\[4\]\.clauses: expected a list of quoted strings",
        ),
        (
            lambda d: d["modules"][4].update(clauses=["8.1", "8.1"]),
            r"modules\[4\]\.clauses: '8\.1' appears twice",
        ),
        (
            lambda d: d["modules"][6]["clauses"].insert(0, "19011 6.2"),
            r"modules\[6\]\.clauses\[0\]: '19011 6\.2' is not a clause id .* '19011:6\.4'",
        ),
        (lambda d: d["modules"][0].pop("clauses"), r"modules\[0\]: missing key 'clauses'"),
        (lambda d: d["modules"][0].update(id="Welcome"), r"modules\[0\]\.id: 'Welcome' is not"),
        (
            lambda d: d["modules"][0].update(notebook="modules/welcome.ipynb"),
            r"should be 'modules/00-welcome\.ipynb'",
        ),
        (lambda d: d["modules"][0].update(title=""), r"modules\[0\]\.title: expected non-empty"),
        (lambda d: d.update(modules=[]), r"modules: expected a non-empty list"),
        (
            lambda d: d["exercises"][0].update(follows="01-principles"),
            r"exercises\[0\]\.follows: '01-principles' is not a module id; use one of: 00-welcome",
        ),
        (
            lambda d: d["exercises"][1].update(id="ex01-principles"),
            "exercises ids: 'ex01-principles' appears twice",
        ),
        (lambda d: d["exercises"][2].update(id="kpis"), r"write it like 'ex02-receipt-and-triage'"),
        (
            lambda d: d["modules"][2].update(objectives=["Know 5.1", "Know 5.2"]),
            r"modules\[2\]\.objectives: expected a list of at least 3 non-empty texts",
        ),
        (
            lambda d: d["modules"][2]["objectives"].append(""),
            r"modules\[2\]\.objectives: expected a list of at least 3",
        ),
        (
            lambda d: d["pass_rules"].update(exercise_pass_mark=60),
            r"pass_rules\.exercise_pass_mark: expected a share between 0 and 1, found 60",
        ),
        (lambda d: d.pop("pass_rules"), "pass_rules: expected a mapping"),
        (lambda d: d.pop("dashboard"), "top level: missing key 'dashboard'"),
        (lambda d: d["dashboard"].pop("command"), "dashboard: missing key 'command'"),
    ],
)
def test_malformed_map_names_file_key_and_fix(change, message):
    with pytest.raises(CourseMapError, match=message) as error:
        parse_course_map(broken(change), source="modules.yaml")
    assert str(error.value).startswith("modules.yaml: ")


def test_file_errors_name_the_file(tmp_path: Path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(CourseMapError, match=r"course map .*nope\.yaml not found"):
        load_course_map(missing)
    bad = tmp_path / "bad.yaml"
    bad.write_text("modules: [\n", encoding="utf-8")
    with pytest.raises(CourseMapError, match=r"bad\.yaml: not valid YAML"):
        load_course_map(bad)
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n", encoding="utf-8")
    with pytest.raises(CourseMapError, match=r"list\.yaml: top level: expected a mapping"):
        load_course_map(listed)


@pytest.fixture
def course_root(tmp_path: Path) -> Path:
    """A checkout with module 01 and exercise ex03 written, nothing else."""
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "01-standard-and-principles.ipynb").write_text("{}")
    (tmp_path / "exercises" / "ex03-kpis").mkdir(parents=True)
    (tmp_path / "exercises" / "ex03-kpis" / "kpis.ipynb").write_text("{}")
    (tmp_path / "course").mkdir()
    return tmp_path


def test_module_table_links_only_what_exists(course_root: Path):
    html = course_map_html(root=course_root, base=course_root / "course")
    assert '<a href="../modules/01-standard-and-principles.ipynb">' in html
    assert html.count("<a href=") == 1
    assert html.count("<td>available</td>") == 1
    assert html.count("<td>coming in a later release</td>") == 7
    assert "<td>8.5; ISO 19011:2018 4, 5, 6.2–6.7, A.6</td>" in html
    assert "<td>7 h 15 min</td>" in html


def test_exercise_table_shows_availability_without_links(course_root: Path):
    html = exercises_html(root=course_root)
    assert "<a " not in html
    assert html.count("<td>available</td>") == 1
    assert "<td>ex03-kpis</td>" in html
    assert "<td>05 Measuring and monitoring</td>" in html
    assert "Confidentiality of complainants&#x27; data" in html


def test_dashboard_status_follows_the_notebook(course_root: Path):
    before = dashboard_html(root=course_root, base=course_root / "course")
    assert "not part of your copy of the course yet" in before
    assert "<code>make dashboard</code>" in before
    (course_root / "course" / "self-assessment.ipynb").write_text("{}")
    after = dashboard_html(root=course_root, base=course_root / "course")
    assert "not part of your copy" not in after
    assert '<a href="self-assessment.ipynb">course/self-assessment.ipynb</a>' in after
