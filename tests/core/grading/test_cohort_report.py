"""`iso10002 report`: cohort analytics from the gradebook, checked against hand-computed values.

Three levels: the statistics on small hand-made tables (difficulty, item–rest discrimination,
mastery, the at-risk rule — every expected value worked out in the comments); the report on
gradebooks written by widgets.core.grading.cohort.fill_gradebook (12 learners fast; 200 learners,
the size the issue asks for, slow), whose expected counts follow from the cohort's own draws; and
one small cohort graded for real by `iso10002 grade`, then scored by a "trainer", so the report
is shown to read what nbgrader really writes.
"""

from __future__ import annotations

import copy
import csv
import math
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml
from support.repo import REPO

from widgets import cli
from widgets.core.course.clauses import load_clauses
from widgets.core.course.course_map import load_course_map
from widgets.core.grading.cohort import (
    ANSWERS,
    BLANK,
    BROKEN,
    MISSING,
    SOLVED,
    TAMPERED,
    Mix,
    add_students,
    answer_outcomes,
    fill_gradebook,
    grade_written_answers,
    plan_cohort,
    write_cohort,
)
from widgets.core.grading.cohort_report import (
    CSV_FILES,
    ITEMS_FILE,
    Item,
    ItemsError,
    Objective,
    assignment_summary,
    build_report,
    item_statistics,
    learner_table,
    load_items,
    mastery,
    parse_items,
    report_html,
)
from widgets.core.grading.exercise_submissions import grade_id, nbgrader_meta
from widgets.core.grading.nbgrader_course import (
    assignment_ids,
    course_api,
    gradebook_url,
    make_course_root,
    nbgrader_environment,
)

PASS = 0.6


# --- the item map ---------------------------------------------------------------------------


def test_every_graded_cell_of_every_exercise_is_mapped_and_nothing_else():
    import nbformat

    items = load_items()
    for exercise in load_course_map().exercises:
        notebook = nbformat.read(REPO / "exercises" / exercise.id / f"{exercise.id}.ipynb",
                                 as_version=4)
        graded = {grade_id(c) for c in notebook.cells if nbgrader_meta(c).get("grade")}
        assert {cell for (a, cell) in items if a == exercise.id} == graded, exercise.id


def test_items_name_the_course_objectives():
    items = load_items()
    assert items["ex02-receipt-and-triage", "ex02-q3-tests"] == Item(
        "ex02-receipt-and-triage", "ex02-q3-tests", ("7.5",),
        (Objective("03-handling-a-complaint", 3,
                   "Prioritize complaints with the initial-assessment criteria of 7.5"),))
    assert items["ex06-audit-case", "ex06-q5"].objectives[0].label == (
        "06-auditing-complaints-handling #4: Write nonconformity statements in three parts: "
        "criterion, evidence, statement")


def _broken(change) -> dict:
    data = yaml.safe_load(ITEMS_FILE.read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    change(data["assignments"])
    return data


@pytest.mark.parametrize(("change", "message"), [
    (lambda a: a.update({"ex99-extra": {}}), r"'assignments\.ex99-extra' is not an exercise"),
    (lambda a: a["ex04-root-cause"]["ex04-q1-tests"].update(clauses=["7.10"]),
     r"ex04-q1-tests\.clauses' must be a non-empty list of quoted clause ids from "
     r"clauses\.yaml; found \['7\.10'\] \('7\.10' is not\)"),
    (lambda a: a["ex04-root-cause"]["ex04-q1-tests"].update(clauses=["8.6"]),
     r"'8\.6' is neither a clause of ex04-root-cause nor taught by 04-analysing-complaints"),
    (lambda a: a["ex02-receipt-and-triage"]["ex02-q1-tests"].update(
        objectives=["03-handling-a-complaint: C"]),
     r"matches 3 objectives of 03-handling-a-complaint; quote the start of exactly one"),
    (lambda a: a["ex02-receipt-and-triage"]["ex02-q1-tests"].update(
        objectives=["Compute deadlines"]),
     r"should read '<module id>: <start of an objective>'"),
    (lambda a: a["ex01-principles"]["ex01-q3"].pop("objectives"),
     r"ex01-q3' needs the keys clauses, objectives; found clauses"),
])
def test_a_broken_item_map_says_where_and_what(change, message):
    with pytest.raises(ItemsError, match=message):
        parse_items(_broken(change), "exercise-items.yaml", load_course_map(), load_clauses())


# --- statistics on hand-made tables ---------------------------------------------------------

# Six learners, one exercise "exA" with items a (1 point), b (1 point) and c (written, 2
# points); L6's written answer waits for the trainer.
SCORES = {"L1": (0, 0, 0), "L2": (0, 1, 0), "L3": (1, 0, 2), "L4": (1, 1, 2), "L5": (1, 1, 1),
          "L6": (1, 0, None)}
ITEMS = {("exA", "a"): Item("exA", "a", ("7.4",), ()),
         ("exA", "b"): Item("exA", "b", ("7.4", "7.5"), ()),
         ("exA", "c"): Item("exA", "c", ("7.5",), ())}


def _scores() -> pd.DataFrame:
    rows = []
    for learner, values in SCORES.items():
        for cell, points, value in zip("abc", (1.0, 1.0, 2.0), values, strict=True):
            rows.append({"student_id": learner, "assignment": "exA", "notebook": "exA",
                         "cell": cell, "cell_type": "markdown" if cell == "c" else "code",
                         "points": points, "score": math.nan if value is None else float(value),
                         "waiting": value is None})
    return pd.DataFrame(rows)


def test_difficulty_and_discrimination_by_hand():
    table = item_statistics(_scores(), ITEMS).set_index("cell")
    # difficulty: a 4 of 6 points, b 3 of 6, c 5 of 10 (five scored answers)
    assert table["difficulty"].to_dict() == pytest.approx({"a": 4 / 6, "b": 0.5, "c": 0.5})
    assert table[["scored", "waiting"]].to_dict("list") == {"scored": [6, 6, 5],
                                                            "waiting": [0, 0, 1]}
    # discrimination of a over the fully graded L1–L5: a = 0 0 1 1 1, rest = b + c = 0 1 2 3 2.
    # Deviations from the means (0.6, 1.6): a −.6 −.6 .4 .4 .4, rest −1.6 −.6 .4 1.4 .4;
    # cross products sum to 2.2, squares to 1.2 and 5.2: r = 2.2 / √(1.2 × 5.2).
    assert table.loc["a", "discrimination"] == pytest.approx(2.2 / math.sqrt(1.2 * 5.2))
    # with the whole exercise instead: total 0 1 3 4 3, deviations −2.2 −1.2 .8 1.8 .8, cross
    # products 3.4, squares 10.8: r = 3.4 / √(1.2 × 10.8) = 3.4 / 3.6
    assert table.loc["a", "item_total_r"] == pytest.approx(3.4 / 3.6)
    assert table.loc["c", "type"] == "written" and table.loc["a", "type"] == "tests"
    assert table.loc["b", "clauses"] == "7.4, 7.5"
    # b = 0 1 0 1 1 against rest = a + c = 0 0 3 3 2: cross products .96 − .64 − .84 + .56 +
    # .16 = .2, squares 1.2 and 9.2: r = .2 / √11.04 ≈ .06, below 0.2: look at b again
    assert table.loc["b", "discrimination"] == pytest.approx(0.2 / math.sqrt(1.2 * 9.2))
    assert table["flag"].to_dict() == {"a": "", "b": "review", "c": ""}


def test_discrimination_needs_five_graded_submissions_and_some_spread():
    few = _scores()[lambda f: f["student_id"].isin(["L1", "L2", "L3", "L4", "L6"])]
    assert item_statistics(few, ITEMS)["discrimination"].isna().all()  # four fully graded
    same = _scores().assign(score=lambda f: f["score"].where(f["cell"] != "a", 1.0))
    table = item_statistics(same, ITEMS).set_index("cell")
    assert math.isnan(table.loc["a", "discrimination"])  # everyone got a: nothing to correlate
    assert table.loc["a", "flag"] == "easy"  # difficulty 1.0 > 0.9


def test_mastery_by_clause_by_hand():
    table = mastery(_scores(), ITEMS, "clause", PASS).set_index("clause")
    # 7.4: a (4 of 6) + b (3 of 6) = 7 of 12; 7.5: b (3 of 6) + c (5 of 10, scored) = 8 of 16
    assert table.loc["7.4", ["earned", "possible"]].tolist() == [7.0, 12.0]
    assert table.loc["7.5", ["earned", "possible"]].tolist() == [8.0, 16.0]
    assert table["mastery"].to_dict() == pytest.approx({"7.4": 7 / 12, "7.5": 0.5})
    assert table["questions"].to_dict() == {"7.4": 2, "7.5": 2}
    # per learner on 7.4 (of 2): L1 0, L2 1, L3 1, L4 2, L5 2, L6 1 -> four below 60%;
    # on 7.5 (of 3, L6 of 1): L1 0, L2 1/3, L3 2/3, L4 1, L5 2/3, L6 0 -> three below
    assert table["below_pass_mark"].to_dict() == {"7.4": 4, "7.5": 3}
    assert table["learners"].to_dict() == {"7.4": 6, "7.5": 6}
    assert list(table.index) == ["7.5", "7.4"]  # weakest first


GRADE_COLUMNS = ["student_id", "last_name", "first_name", "assignment", "status", "score",
                 "max_score", "share", "to_grade"]


def _grades() -> pd.DataFrame:
    """Four learners, three exercises. exB: three of four handed in (≥ half: missing it is a
    risk); exC: one of four (< half: not yet a risk)."""
    rows = [
        ("ann", "exA", "passed", 9, 10, 0), ("ann", "exB", "passed", 6, 10, 0),
        ("ann", "exC", "passed", 10, 10, 0),
        ("bo", "exA", "not passed", 5, 10, 0), ("bo", "exB", "passed", 8, 10, 0),
        ("bo", "exC", "not submitted", 0, 10, 0),
        ("cy", "exA", "passed", 7, 10, 0), ("cy", "exB", "not submitted", 0, 10, 0),
        ("cy", "exC", "not submitted", 0, 10, 0),
        ("di", "exA", "to grade", 4, 10, 2), ("di", "exB", "passed", 10, 10, 0),
        ("di", "exC", "not submitted", 0, 10, 0)]
    return pd.DataFrame([{"student_id": s, "last_name": s.upper(), "first_name": "",
                          "assignment": a, "status": st, "score": float(sc),
                          "max_score": float(mx), "share": sc / mx, "to_grade": tg}
                         for s, a, st, sc, mx, tg in rows], columns=GRADE_COLUMNS)


def test_exercise_summary_by_hand():
    table = assignment_summary(_grades(), PASS).set_index("assignment")
    # exA: graded ann .9, bo .5, cy .7 (di waits): mean .7, median .7, two of three passed
    assert table.loc["exA", ["learners", "submitted", "graded", "to_grade"]].tolist() == [
        4, 4, 3, 1]
    assert table.loc["exA", "mean_share"] == pytest.approx(0.7)
    assert table.loc["exA", "sd_share"] == pytest.approx(0.2)  # √((.04 + .04 + 0) / 2)
    assert table.loc["exA", "pass_rate"] == pytest.approx(2 / 3)
    assert table.loc["exB", ["submitted", "graded", "min_share", "max_share"]].tolist() == [
        3, 3, 0.6, 1.0]
    assert math.isnan(table.loc["exC", "sd_share"])  # one graded submission


def test_at_risk_rule_by_hand():
    table = learner_table(_grades(), _scores().iloc[0:0], {}, PASS,
                          load_clauses()).set_index("student_id")
    assert table["at_risk"].to_dict() == {"ann": False, "bo": True, "cy": True, "di": False}
    assert table.loc["bo", "reasons"] == "exA not passed (50%)"  # exC: only one handed it in
    assert table.loc["cy", "reasons"] == "exB not handed in"
    assert table.loc["di", ["to_grade", "passed", "not_submitted"]].tolist() == [1, 1, 1]
    assert table.loc["ann", "mean_share"] == pytest.approx((0.9 + 0.6 + 1.0) / 3)
    assert table.loc["bo", "name"] == "BO"


def test_weak_clauses_collapse_runs_in_clause_order():
    scores = _scores()
    items = {("exA", "a"): Item("exA", "a", ("4.3", "4.4", "4.5", "4.6"), ()),
             ("exA", "b"): Item("exA", "b", ("7.2",), ()),
             ("exA", "c"): Item("exA", "c", ("19011:6.4",), ())}
    grades = pd.DataFrame([{"student_id": s, "last_name": "", "first_name": "",
                            "assignment": "exA", "status": "passed", "score": 1.0,
                            "max_score": 1.0, "share": 1.0, "to_grade": 0}
                           for s in SCORES], columns=GRADE_COLUMNS)
    table = learner_table(grades, scores, items, PASS, load_clauses()).set_index("student_id")
    assert table.loc["L1", "weak_clauses"] == "4.3–4.6, 7.2; ISO 19011:2018 6.4"
    assert table.loc["L4", "weak_clauses"] == ""


# --- the report on made-up gradebooks -------------------------------------------------------


def _gradebook(base: Path, assignments: list[str], size: int, **options) -> tuple[Path, dict]:
    from sqlalchemy.exc import SAWarning

    root = make_course_root(base, assignments)
    with warnings.catch_warnings(), nbgrader_environment():
        warnings.simplefilter("ignore", SAWarning)
        api = course_api(root)
        for assignment in assignments:
            assert api.generate_assignment(assignment)["success"]
        kinds = fill_gradebook(gradebook_url(root), root, assignments, plan_cohort(size),
                               **options)
    return root, kinds


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    return _gradebook(tmp_path_factory.mktemp("small") / "root",
                      ["ex01-principles", "ex05-confidentiality"], 12)


def test_report_page_is_self_contained_and_escapes_names(small, tmp_path: Path):
    from widgets.core.grading.cohort import SyntheticLearner

    root, _ = small
    # every learner renamed by someone who types markup and spreadsheet formulas
    intruders = [SyntheticLearner(learner.id, '=HYPERLINK("x")', "<script>alert(1)</script>",
                                  learner.email, learner.ability) for learner in plan_cohort(12)]
    with nbgrader_environment():
        add_students(gradebook_url(root), intruders)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a small cohort must not print a single warning
        report = build_report(gradebook_url(root))
        page = report_html(report, source="gradebook.db", generated=pd.Timestamp(
            "2025-06-30").date())
    assert report.learners["at_risk"].any()  # so names are on the page
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count('src="data:image/png;base64,') == 4
    assert re.findall(r'(?:src|href)="(?!data:)', page) == []  # nothing fetched from anywhere
    assert "http://" not in page and "https://" not in page
    assert "30 June 2025" in page and "Pass mark: 60%" in page
    assert "corrected item–total correlation" in page  # the definitions are printed
    cli_out = tmp_path / "report"
    assert cli.main(["report", "--root", str(root), "--out", str(cli_out)]) == 0
    with (cli_out / "learners.csv").open(encoding="utf-8", newline="") as handle:
        names = {row["name"] for row in csv.DictReader(handle)}
    assert names == {"'=HYPERLINK(\"x\") <script>alert(1)</script>"}  # never a formula
    assert sorted(p.name for p in cli_out.iterdir()) == sorted(["report.html", *CSV_FILES])


def test_a_cohort_with_nothing_graded_yet_reports_without_warnings(tmp_path: Path):
    root, _ = _gradebook(tmp_path / "root", ["ex07-response-letter"], 6, mix=Mix(
        missing=0, blank=0, endless=0, tampered=0, broken=0), written_graded=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = build_report(gradebook_url(root))
        page = report_html(report, source="x", generated=pd.Timestamp("2025-06-30").date())
    assert report.summary().startswith("6 learners, 1 exercise: 6 of 6 handed in, ")
    questions = report.questions.set_index("cell")
    waiting = questions.loc["ex07-q3", "waiting"]  # the written answers nobody has graded
    assert waiting == (report.grades["status"] == "to grade").sum() >= 2
    assert questions.loc["ex07-q3", "scored"] == 6 - waiting
    assert questions["discrimination"].isna().all()  # fewer than five fully graded
    assert "Learners at risk (" in page


def test_report_command_without_a_gradebook_or_submissions(tmp_path: Path, capsys):
    root = make_course_root(tmp_path / "root", ["ex01-principles"])
    arguments = ["report", "--root", str(root), "--out", str(tmp_path / "out")]
    assert cli.main(arguments) == 2
    assert "no gradebook at" in capsys.readouterr().err
    with nbgrader_environment(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLAlchemy 2 and nbgrader: harmless
        assert course_api(root).generate_assignment("ex01-principles")["success"]
        add_students(gradebook_url(root), plan_cohort(2))
    assert cli.main(arguments) == 2
    assert "the gradebook holds no submission yet" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_report_on_two_hundred_learners(tmp_path: Path, capsys):
    assignments = assignment_ids()
    root, kinds = _gradebook(tmp_path / "root", assignments, 200)
    out = tmp_path / "report"
    assert cli.main(["report", "--root", str(root), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    handed_in = sum(kind != MISSING for kind in kinds.values())
    broken = sum(kind == BROKEN for kind in kinds.values())
    assert printed.startswith(f"200 learners, {len(assignments)} exercises: {handed_in:,} of "
                              f"{200 * len(assignments):,} handed in, "
                              f"{handed_in - broken:,} graded (")
    exercises = pd.read_csv(out / "assignments.csv").set_index("assignment")
    for assignment in assignments:
        mine = [k for (_, a), k in kinds.items() if a == assignment]
        assert exercises.loc[assignment, "submitted"] == sum(k != MISSING for k in mine)
        assert exercises.loc[assignment, "to_grade"] == mine.count(BROKEN)
    # ex03-q1 is ex03's first code answer: its tests score 1 point for a right answer by an
    # ANSWERS learner, 0 for everyone else handing in a readable notebook
    learners = {learner.id: learner for learner in plan_cohort(200)}
    earned = [kinds[lid, "ex03-kpis"] == ANSWERS and answer_outcomes(
        learners[lid], "ex03-kpis", ["ex03-q1"])["ex03-q1"]
              for lid in learners if kinds[lid, "ex03-kpis"] not in (MISSING, BROKEN)]
    questions = pd.read_csv(out / "questions.csv").set_index("cell")
    assert questions.loc["ex03-q1-tests", "scored"] == len(earned)
    assert questions.loc["ex03-q1-tests", "difficulty"] == pytest.approx(sum(earned) / len(earned))
    # one row per graded cell of exercise-items.yaml (every assignment is in this cohort)
    assert len(questions) == len(load_items()) and questions["discrimination"].notna().all()
    clauses = pd.read_csv(out / "clauses.csv", dtype={"clause": str})
    assert set(clauses["clause"]) == {c for item in load_items().values() for c in item.clauses}
    page = (out / "report.html").read_text(encoding="utf-8")
    at_risk = pd.read_csv(out / "learners.csv")["at_risk"].sum()
    assert f"Learners at risk ({at_risk})" in page and 0 < at_risk < 200


@pytest.mark.slow
def test_report_on_a_cohort_graded_for_real(tmp_path: Path):
    """A small cohort of ex01 through `iso10002 grade` and a trainer's scores: the report
    reads what nbgrader wrote."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    from widgets.core.grading.parallel_grade import grade_assignment

    assignment = "ex01-principles"
    root = make_course_root(tmp_path / "root", [assignment])
    homes = {name: str(tmp_path / name.lower()) for name in (
        "HOME", "IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR")}
    for folder in homes.values():
        Path(folder).mkdir()
    learners = plan_cohort(5)
    with warnings.catch_warnings(), nbgrader_environment(homes):
        warnings.simplefilter("ignore", SAWarning)
        assert course_api(root).generate_assignment(assignment)["success"]
        add_students(gradebook_url(root), learners)
        kinds = write_cohort(root, assignment, learners, kinds={
            "learner001": SOLVED, "learner002": BLANK, "learner003": TAMPERED})
        run = grade_assignment(root, assignment, workers=2)
        assert len(run.graded) == 5
        assert grade_written_answers(gradebook_url(root), root, assignment, learners,
                                     kinds=kinds) >= 1
        with Gradebook(gradebook_url(root)) as gradebook:
            q1 = [gradebook.find_grade("ex01-q1-tests", assignment, assignment, lid).score
                  for lid in kinds]
    report = build_report(gradebook_url(root))
    questions = report.questions.set_index("cell")
    assert questions.loc["ex01-q1-tests", "difficulty"] == pytest.approx(sum(q1) / (6 * 5))
    assert questions["scored"].tolist() == [5, 5, 5] and questions["waiting"].sum() == 0
    learners_table = report.learners.set_index("student_id")
    assert learners_table.loc["learner001", "mean_share"] == 1.0
    assert not learners_table.loc["learner001", "at_risk"]
    assert learners_table.loc["learner002", "reasons"] == "ex01-principles not passed (0%)"
    assert learners_table.loc["learner003", "reasons"] == "ex01-principles not passed (0%)"
