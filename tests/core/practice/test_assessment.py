"""The organization self-assessment core: the checklist file, scores, gaps and action plan,
saving and loading (damaged and foreign files included), and the exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from pathlib import Path

import pytest
import yaml

from widgets.core.common.storage import corrupt_copies
from widgets.core.course.clauses import load_clauses
from widgets.core.practice.assessment import (
    CHECKLIST_FILE,
    MIN_STATEMENTS,
    SCHEMA,
    Answer,
    Assessment,
    ChecklistError,
    answers_csv,
    answers_rows,
    assessment_from_bytes,
    assessment_path,
    export_name,
    load_assessment,
    load_checklist,
    neutralize_cell,
    report_html,
    save_assessment,
    saved_assessments,
    scores_chart,
    shape_problem,
    validate_checklist,
)

MOMENT = dt.datetime(2025, 3, 14, 9, 26, 53, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def checklist():
    return load_checklist()


@pytest.fixture
def assessment(checklist) -> Assessment:
    return Assessment(checklist, name="Customer services 2025", organization="Harbourside")


def items_of(checklist, clause):
    return checklist.group(clause).items


# ----------------------------------------------------------------------------- the checklist


def test_the_course_checklist_is_valid():
    assert validate_checklist() == []


def test_checklist_covers_clauses_4_to_8_with_enough_statements(checklist):
    assert [group.clause for group in checklist.groups] == ["4", "5", "6", "7", "8"]
    assert len(checklist.items) >= MIN_STATEMENTS == 40
    assert all(len(group.items) >= 5 for group in checklist.groups)
    catalogue = load_clauses()
    for group in checklist.groups:
        assert group.title == catalogue[group.clause].title
        for item in group.items:
            assert item.clauses and all(ref in catalogue for ref in item.clauses)
            # every statement cites at least one clause of its own group
            assert any(ref == group.clause or ref.startswith(group.clause + ".")
                       for ref in item.clauses), item.id


def test_every_guiding_principle_and_process_step_is_assessed(checklist):
    cited = {ref for item in checklist.items for ref in item.clauses}
    expected = {f"4.{n}" for n in range(2, 16)} | {f"5.{n}" for n in range(1, 5)} \
        | {f"6.{n}" for n in range(1, 5)} | {f"7.{n}" for n in range(1, 10)} \
        | {f"8.{n}" for n in range(1, 8)}
    assert expected - cited == set()


def test_statements_describe_practice_in_our_own_words(checklist):
    # ISO 10002 gives guidance with "should"; the checklist states what is true of an
    # organization, so it cannot be a copy of the guidance's sentences.
    for item in checklist.items:
        assert "should" not in item.statement.lower(), item.id
        assert "shall" not in item.statement.lower(), item.id
        assert item.statement.endswith(".") and item.action.endswith(".")


def test_maturity_scale_is_documented(checklist):
    assert [level.label for level in checklist.scale] == [
        "0 Not in place", "1 Informal", "2 Defined", "3 Implemented", "4 Optimized"]
    assert all(len(level.meaning) > 40 for level in checklist.scale)
    assert checklist.target_level == 3


def write_checklist(tmp_path: Path, change) -> Path:
    document = yaml.safe_load(CHECKLIST_FILE.read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "checklist.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def test_validation_names_every_problem(tmp_path):
    def damage(document):
        first, second = document["groups"][0]["items"][:2]
        second["id"] = first["id"]
        first["clauses"] = ["4.99", 7.5]
        first["weight"] = 5
        del document["groups"][1]["items"][0]["action"]
        document["groups"][2]["items"][0]["colour"] = "red"

    path = write_checklist(tmp_path, damage)
    problems = validate_checklist(path)
    assert problems == [
        f"{path}: 'groups[1].items[1].clauses' must be a non-empty list of quoted clause ids "
        "from clauses.yaml, e.g. ['7.5']; found ['4.99', 7.5] ('4.99', 7.5 are not)",
        f"{path}: 'groups[1].items[1].weight' must be a whole number from 1 to 3; found 5",
        f"{path}: 'groups[2].items[1].action' is missing",
        f"{path}: 'groups[3].items[1]' has unknown key(s) colour; allowed: id, clauses, weight, "
        "statement, action",
        f"{path}: 'groups' uses the id(s) leadership-visible-commitment more than once",
    ]
    with pytest.raises(ChecklistError, match=f"{path}: 5 problems"):
        load_checklist(path)


def test_validation_of_scale_groups_and_size(tmp_path):
    def damage(document):
        document["scale"] = document["scale"][:4]
        document["groups"] = document["groups"][:4]
        document["target_level"] = 0

    path = write_checklist(tmp_path, damage)
    assert validate_checklist(path) == [
        f"{path}: 'target_level' must be a whole number from 1 to 4; found 0",
        f"{path}: 'scale' must list the levels 0, 1, 2, 3, 4 in order, each with level, name "
        "and meaning",
        f"{path}: 'groups' must have one entry per clause 4, 5, 6, 7, 8, in that order; found "
        "['4', '5', '6', '7']",
    ]


def test_too_few_statements_and_broken_yaml(tmp_path):
    def shrink(document):
        for group in document["groups"]:
            group["items"] = group["items"][:3]

    path = write_checklist(tmp_path, shrink)
    assert validate_checklist(path) == [
        f"{path}: 'groups' hold 15 statements; the self-assessment needs at least 40"]
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: [unclosed\n", encoding="utf-8")
    (problem,) = validate_checklist(broken)
    assert problem.startswith(f"{broken}: not valid YAML")


# ----------------------------------------------------------------------------- scores


def test_nothing_rated(assessment):
    overall = assessment.overall()
    assert (overall.mean_level, overall.rated, overall.total, overall.groups_rated) == \
        (None, 0, 48, 0)
    assert not overall.complete and overall.share is None
    assert all(score.mean_level is None for score in assessment.group_scores())
    assert assessment.gaps() == [] and assessment.action_plan() == []


def test_scores_per_group_and_overall(checklist, assessment):
    four, seven = items_of(checklist, "4"), items_of(checklist, "7")
    for item, level in zip(four[:3], (1, 2, 4), strict=True):
        assessment.rate(item.id, level)
    assessment.rate(seven[0].id, 0)
    scores = {score.group.clause: score for score in assessment.group_scores()}
    assert scores["4"].rated == 3 and scores["4"].total == 14
    assert scores["4"].mean_level == pytest.approx(7 / 3)
    assert scores["4"].share == pytest.approx(7 / 12)
    assert scores["7"].mean_level == 0 and scores["5"].mean_level is None
    overall = assessment.overall()
    # the mean of the group means (7/3 and 0), not of the four ratings (7/4)
    assert overall.mean_level == pytest.approx(7 / 6)
    assert (overall.rated, overall.groups_rated) == (4, 2)
    assessment.rate(four[2].id, None)
    assert assessment.group_scores()[0].mean_level == pytest.approx(1.5)


def test_complete_assessment(checklist, assessment):
    for item in checklist.items:
        assessment.rate(item.id, 3)
    assert assessment.overall().complete
    assert assessment.overall().mean_level == 3
    assert assessment.gaps() == []


def test_ratings_are_checked(assessment, checklist):
    item = checklist.items[0].id
    for bad in (5, -1, 2.5, True, "3"):
        with pytest.raises(ValueError, match="a rating is 0, 1, 2, 3 or 4"):
            assessment.rate(item, bad)
    with pytest.raises(KeyError, match="no statement 'nope'"):
        assessment.rate("nope", 1)
    with pytest.raises(ValueError, match="target level must be 1, 2, 3 or 4"):
        assessment.set_target(0)


def test_gaps_rank_by_gap_times_weight(checklist, assessment):
    by_id = {item.id: item for item in checklist.items}
    assert [by_id[i].weight for i in ("leadership-visible-commitment", "enough-capacity",
                                      "complaints-welcomed", "written-policy")] == [3, 2, 1, 3]
    assessment.rate("leadership-visible-commitment", 2)  # gap 1 x 3 = 3
    assessment.rate("enough-capacity", 0)  # gap 3 x 2 = 6
    assessment.rate("complaints-welcomed", 0)  # gap 3 x 1 = 3, lower rating than the first
    assessment.rate("written-policy", 1)  # gap 2 x 3 = 6, later in the checklist
    assessment.rate("policy-known", 4)  # above target: no gap
    assert [(g.item.id, g.size, g.priority) for g in assessment.gaps()] == [
        ("enough-capacity", 3, 6),
        ("written-policy", 2, 6),
        ("complaints-welcomed", 3, 3),
        ("leadership-visible-commitment", 1, 3),
    ]
    plan = assessment.action_plan(limit=2)
    assert [(a.rank, a.gap.item.id) for a in plan] == [(1, "enough-capacity"),
                                                       (2, "written-policy")]
    assert plan[0].clause_labels == ("ISO 10002:2018 4.3 Capability",
                                     "ISO 10002:2018 6.4 Resources")
    assert plan[1].gap.item.action.startswith("Draft a complaints policy")
    assessment.set_target(4)  # policy-known, rated 4, is still no gap
    assert [(g.item.id, g.priority) for g in assessment.gaps()] == [
        ("written-policy", 9), ("enough-capacity", 8), ("leadership-visible-commitment", 6),
        ("complaints-welcomed", 4)]
    assessment.set_target(1)
    assert [g.item.id for g in assessment.gaps()] == ["enough-capacity", "complaints-welcomed"]


def test_chart_title_and_bars(checklist, assessment):
    assessment.rate(items_of(checklist, "5")[0].id, 2)
    assessment.rate(items_of(checklist, "5")[1].id, 3)
    figure = scores_chart(assessment)
    axes = figure.axes[0]
    assert axes.get_title() == ("Maturity by clause group: overall 2.5 of 4, 2 of 48 "
                                "statements rated")
    assert [round(bar.get_width(), 6) for bar in axes.patches] == [2.5]
    texts = [text.get_text() for text in axes.texts]
    assert texts.count("not rated yet") == 4 and "2.5" in texts


# ----------------------------------------------------------------------------- saving


def test_save_and_load_round_trip(checklist, assessment, tmp_path):
    assessment.rate("written-policy", 2)
    assessment.note("written-policy", "Policy v3.1, approved 2024-01-01")
    assessment.note("process-owner", "no one appointed yet")
    assessment.set_target(4)
    path = save_assessment(assessment, tmp_path, clock=lambda: MOMENT)
    assert path == tmp_path / "customer-services-2025.json"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document == {
        "schema": SCHEMA, "schema_version": 1, "name": "Customer services 2025",
        "organization": "Harbourside", "target_level": 4, "saved_at": "2025-03-14T09:26:53Z",
        "answers": {"written-policy": {"level": 2, "evidence": "Policy v3.1, approved "
                                                                "2024-01-01"},
                    "process-owner": {"level": None, "evidence": "no one appointed yet"}},
    }
    assert saved_assessments(tmp_path) == ["customer-services-2025"]
    loaded = load_assessment("customer-services-2025", checklist, tmp_path)
    assert loaded.message is None and loaded.notes == ()
    again = loaded.assessment
    assert again.answers["written-policy"] == Answer(2, "Policy v3.1, approved 2024-01-01")
    assert again.answers["process-owner"] == Answer(None, "no one appointed yet")
    assert (again.name, again.organization, again.target_level) == (
        "Customer services 2025", "Harbourside", 4)
    assert again.overall().rated == 1
    # the same name typed differently finds the same file
    assert load_assessment("Customer Services 2025", checklist, tmp_path).assessment


def test_names_cannot_leave_the_folder(checklist, tmp_path):
    sneaky = Assessment(checklist, name="../../etc/passwd")
    path = save_assessment(sneaky, tmp_path / "assessments")
    assert path == tmp_path / "assessments" / "etc-passwd.json"
    assert assessment_path("/tmp/x", tmp_path) == tmp_path / "tmp-x.json"
    with pytest.raises(ValueError, match="give the assessment a name"):
        save_assessment(Assessment(checklist, name="  "), tmp_path)
    with pytest.raises(ValueError, match="no letters or digits"):
        save_assessment(Assessment(checklist, name="../.."), tmp_path)


def test_default_folder_is_under_the_work_dir(monkeypatch, tmp_path, checklist):
    monkeypatch.setenv("ISO10002_WORK_DIR", str(tmp_path / "work"))
    path = save_assessment(Assessment(checklist, name="Q1"))
    assert path == tmp_path / "work" / "self-assessment" / "q1.json"


def test_a_damaged_file_is_moved_aside_and_reported(checklist, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"schema": "iso10002-course/self-assessment", "answ', encoding="utf-8")
    loaded = load_assessment("broken", checklist, tmp_path)
    assert loaded.assessment is None
    assert loaded.message.startswith(f"{path} could not be read: it is not valid JSON")
    assert "nothing was deleted" in loaded.message
    assert not path.exists() and len(corrupt_copies(path)) == 1


def test_a_foreign_file_is_refused_with_a_reason(checklist, tmp_path):
    progress = {"schema": "iso10002-course/progress", "schema_version": 1, "learner": "ann",
                "modules": {}}
    (tmp_path / "progress.json").write_text(json.dumps(progress), encoding="utf-8")
    loaded = load_assessment("progress", checklist, tmp_path)
    assert loaded.assessment is None
    assert "it is valid JSON but not a self-assessment saved by this course (its 'schema' is " \
        "'iso10002-course/progress'" in loaded.message
    missing = load_assessment("nothing here", checklist, tmp_path)
    assert missing.message == f"No saved assessment named 'nothing here' in {tmp_path}."


@pytest.mark.parametrize(("document", "reason"), [
    ([], "not a self-assessment saved by this course (the top level is a list"),
    ({"schema": SCHEMA, "schema_version": 2}, "format version 2; this course reads version 1"),
    ({"schema": SCHEMA, "schema_version": 1, "name": "x", "organization": "", "target_level": 9,
      "answers": {}}, "its target_level 9 is not 1, 2, 3 or 4"),
    ({"schema": SCHEMA, "schema_version": 1, "name": "x", "organization": "", "target_level": 3,
      "answers": {"a": {"level": 7, "evidence": ""}}}, "'a' has level 7; levels are 0 to 4"),
    ({"schema": SCHEMA, "schema_version": 1, "name": "x", "organization": "", "target_level": 3,
      "answers": {"a": {"level": 1}}}, "the answer to 'a' is not an object with level and "
                                        "evidence"),
])
def test_shape_problems(document, reason):
    assert reason in shape_problem(document)


def test_uploaded_files(checklist, assessment):
    assessment.rate("written-policy", 1)
    document = assessment.to_json(MOMENT)
    document["answers"]["retired-statement"] = {"level": 2, "evidence": ""}
    loaded = assessment_from_bytes(json.dumps(document).encode(), "mine.json", checklist)
    assert loaded.assessment.answers["written-policy"].level == 1
    assert loaded.notes == ("1 saved answer(s) refer to statements that are no longer in the "
                            "checklist and were left out: retired-statement.",)
    bad = assessment_from_bytes(b"{not json", "bad.json", checklist)
    assert bad.assessment is None and bad.message == (
        "bad.json could not be read: it is not valid JSON (Expecting property name enclosed in "
        "double quotes at line 1, column 2). Upload a .json file saved by this dashboard.")
    binary = assessment_from_bytes(b"\xff\xfe\x00PK", "report.xlsx", checklist)
    assert binary.message.startswith("report.xlsx could not be read: it is not UTF-8 text")
    foreign = assessment_from_bytes(b'{"kind": "fishbone"}', "sheet.json", checklist)
    assert foreign.message == ("sheet.json could not be read: it is valid JSON but not a "
                               "self-assessment saved by this course (its 'schema' is None, "
                               "expected 'iso10002-course/self-assessment').")


# ----------------------------------------------------------------------------- exports


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+44 20 7946 0000", "'+44 20 7946 0000"),
    ("-1+2", "'-1+2"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTAB", "'\tTAB"),
    ("\r=1", "'\r=1"),
    ("Policy v3.1", "Policy v3.1"),
    ("a=b", "a=b"),
    ("", ""),
    (3, 3),
    (None, None),
])
def test_neutralize_cell(value, expected):
    assert neutralize_cell(value) == expected


def test_answers_csv_neutralizes_formulas(checklist, assessment):
    assessment.rate("written-policy", 1)
    assessment.note("written-policy", "=cmd|' /C calc'!A0")
    assessment.note("policy-known", "@SUM(1+1)")
    assessment.note("process-owner", "ok, see minutes of 3 March")
    text = answers_csv(assessment)
    assert text.startswith("\ufeffclause_group,clause_group_title,statement_id,")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == 48
    by_id = {row["statement_id"]: row for row in rows}
    assert by_id["written-policy"]["evidence"] == "'=cmd|' /C calc'!A0"
    assert by_id["policy-known"]["evidence"] == "'@SUM(1+1)"
    assert by_id["process-owner"]["evidence"] == "ok, see minutes of 3 March"
    assert by_id["written-policy"] | {"statement": "", "evidence": ""} == {
        "clause_group": "5", "clause_group_title": "Complaints-handling framework",
        "statement_id": "written-policy", "clauses": "5.3", "weight": "3", "statement": "",
        "level": "1", "level_name": "Informal", "target_level": "3", "gap": "2",
        "priority": "6", "evidence": ""}
    assert by_id["policy-known"]["level"] == "" and by_id["policy-known"]["level_name"] == \
        "not rated"
    # no cell of the file starts a formula
    for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"))):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)
    assert len(answers_rows(assessment)) == 48


def test_report_is_self_contained_and_escaped(checklist, assessment):
    assessment.rate("written-policy", 1)
    assessment.rate("context-understood", 3)
    assessment.note("written-policy", "<script>alert(1)</script>")
    page = report_html(assessment, generated_at=MOMENT)
    assert "Report generated 2025-03-14 09:26 UTC · target level 3 (Implemented)" in page
    assert "Overall maturity: <strong>2.0</strong> of 4" in page
    assert "(2 of 48 statements rated)" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "<td>1</td><td>A written complaints policy exists" in page
    assert "ISO 10002:2018 5.3 Policy" in page
    assert 'src="data:image/png;base64,' in page
    assert "http://" not in page and "https://" not in page
    assert "0 Not in place" in page and "4 Optimized" in page


def test_export_names(checklist):
    assert export_name(Assessment(checklist, name="Q1 review"), "report.html") == \
        "q1-review-report.html"
    assert export_name(Assessment(checklist), "answers.csv") == "self-assessment-answers.csv"


def test_saving_leaves_no_temporary_files(checklist, assessment, tmp_path):
    save_assessment(assessment, tmp_path)
    save_assessment(assessment, tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["customer-services-2025.json"]
