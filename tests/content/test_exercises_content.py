"""The graded exercises' sources, checked without running nbgrader (fast).

What a trainer relies on before releasing: the seven assignments of the course map exist as
nbgrader sources; every autograded test has visible and hidden parts; every written answer has
a mark scheme beside it; the points a learner is promised are the points nbgrader counts; no
graded notebook uses a widget (a widget can hang the autograder) or reads data by any path but
the course's loader; and what the trainers' mark schemes and model answers state about the
sample data is true of the data. The grading itself is proven in test_exercises_proof.py.
"""

from __future__ import annotations

import datetime as dt
import re

import nbformat
import numpy as np
import pandas as pd
import pytest
from support.repo import REPO

from widgets.core.common.paths import datasets_dir
from widgets.core.complaints import (
    business_days_to,
    compute_kpis,
    find_policy_breaches,
    load_complaints,
    pareto,
)
from widgets.core.complaints.kpis import time_to
from widgets.core.complaints.policy import load_policy
from widgets.core.course.course_map import load_course_map
from widgets.core.grading.exercise_submissions import grade_id, is_answer, is_test, nbgrader_meta
from widgets.core.grading.nbgrader_course import (
    HIDDEN_TESTS,
    MARK_SCHEME,
    SOLUTION,
    assignment_ids,
    split_region,
)
from widgets.core.practice.triage import assess_priority, previous_complaints

ASSIGNMENTS = [exercise.id for exercise in load_course_map().exercises]


def source(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)


def cell_by_id(notebook: nbformat.NotebookNode, wanted: str) -> nbformat.NotebookNode:
    return next(cell for cell in notebook.cells if grade_id(cell) == wanted)


def scheme(notebook: nbformat.NotebookNode, question_cell: str) -> str:
    """The mark scheme text of a question cell."""
    return "\n".join(split_region(cell_by_id(notebook, question_cell).source, MARK_SCHEME)[1])


def model_answer(notebook: nbformat.NotebookNode, answer_cell: str) -> str:
    return "\n".join(split_region(cell_by_id(notebook, answer_cell).source, SOLUTION)[1])


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return load_complaints(datasets_dir() / "complaints.csv").frame


def test_every_exercise_of_the_course_map_is_an_assignment():
    assert assignment_ids(REPO) == sorted(ASSIGNMENTS)
    for assignment in ASSIGNMENTS:
        notebooks = sorted(p.name for p in (REPO / "exercises" / assignment).glob("*.ipynb"))
        assert notebooks == [f"{assignment}.ipynb"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_cells_carry_valid_nbgrader_metadata(assignment: str):
    notebook = source(assignment)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    ids = [grade_id(cell) for cell in notebook.cells]
    assert None not in ids and len(ids) == len(set(ids))
    for cell in notebook.cells:
        meta = nbgrader_meta(cell)
        assert meta["schema_version"] == 3
        assert cell.id == meta["grade_id"]
        assert meta["grade_id"].startswith(assignment[:4])
        if meta["grade"]:
            assert meta["points"] > 0
        if is_answer(cell):
            assert not meta["locked"]
        else:
            assert meta["locked"], f"{meta['grade_id']}: every other cell is read-only"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_test_cell_has_visible_and_hidden_tests(assignment: str):
    tests = [cell for cell in source(assignment).cells if is_test(cell)]
    assert tests
    for cell in tests:
        visible, hidden = split_region(cell.source, HIDDEN_TESTS)
        assert "assert " in visible, grade_id(cell)
        assert any(line.strip() for line in hidden), grade_id(cell)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_answer_has_a_solution_and_written_ones_a_mark_scheme(assignment: str):
    cells = source(assignment).cells
    written = 0
    for index, cell in enumerate(cells):
        if not is_answer(cell):
            continue
        assert split_region(cell.source, SOLUTION)[1], f"{grade_id(cell)} has no solution"
        if cell.cell_type == "markdown":
            written += 1
            assert nbgrader_meta(cell)["grade"], f"{grade_id(cell)} is not graded"
            question = cells[index - 1]
            assert "Mark scheme (trainers only" in "\n".join(
                split_region(question.source, MARK_SCHEME)[1]), grade_id(question)
    assert written >= 1


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_points_promised_are_the_points_counted(assignment: str):
    notebook = source(assignment)
    intro = notebook.cells[0].source
    rows = re.findall(r"^\| (\d) \| .+? \| (\d+),", intro, flags=re.M)
    assert rows, "the introduction lists each question's points"
    prefix = assignment[:4]
    for question, points in rows:
        counted = sum(nbgrader_meta(cell).get("points", 0) for cell in notebook.cells
                      if grade_id(cell) in (f"{prefix}-q{question}", f"{prefix}-q{question}-tests"))
        assert counted == int(points), f"question {question}"
    total = sum(nbgrader_meta(cell).get("points", 0) for cell in notebook.cells)
    assert total == sum(int(points) for _, points in rows)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_graded_notebooks_use_no_widgets_and_the_course_loader(assignment: str):
    code = "\n".join(cell.source for cell in source(assignment).cells if cell.cell_type == "code")
    imports = re.findall(r"^\s*(?:from|import) ([\w.]+)", code, flags=re.M)
    course_imports = [name for name in imports if name.split(".")[0] == "widgets"]
    assert course_imports, "the exercise reads its data through the course package"
    assert all(name.startswith("widgets.core") for name in course_imports), course_imports
    assert "ipywidgets" not in code and "input(" not in code and "interact" not in code
    # The log is read with the course's loader (imported as _load in hidden tests), from the
    # folder the package finds, so the notebook works from release/, submitted/, autograded/.
    readers = re.findall(r'(\w+)\(datasets_dir\(\) / "complaints.csv"\)', code)
    assert code.count("complaints.csv") == len(readers)
    assert set(readers) <= {"load_complaints", "_load"}
    assert "_load" not in readers or "load_complaints as _load" in code
    assert not re.search(r"""["'](/|\.\./|~)""", code), "no file paths outside the course's"


# --- what the trainers' notes say about the data is true ------------------------------------


def test_ex02_scheme_names_the_first_complaint_of_the_reference_order(log: pd.DataFrame):
    policy = load_policy()
    log = log.assign(previous_complaints=previous_complaints(log))
    batch = log[log["received_at"].between("2025-04-17", "2025-04-20", inclusive="left")]

    def order_key(row) -> tuple:
        days = (policy.vulnerable_first_response_business_days if row.vulnerable
                else policy.timeliness["first_response"].within_business_days)
        response = policy.deadline(row.received_at.date(), days)
        return (assess_priority(row.severity, row.category, bool(row.vulnerable),
                                int(row.previous_complaints)).priority, response,
                row.received_at)

    first = min(batch.itertuples(), key=order_key)
    text = scheme(source("ex02-receipt-and-triage"), "ex02-q5-question")
    assert re.findall(r"CMP-\d{4}-\d{6}", text)[0] == first.complaint_id
    assert first.category == "safety" and first.severity == "critical" and first.vulnerable
    due = policy.deadline(first.received_at.date(), policy.vulnerable_first_response_business_days)
    assert f"{pd.Timestamp(np.asarray(due).item()):%A %-d %B %Y}" in text.replace("\n", " ")


def test_ex02_hand_computed_due_date_crosses_easter():
    policy = load_policy()
    target = policy.timeliness["acknowledge"].within_business_days
    due = policy.deadline(dt.date(2025, 4, 17), target)
    assert np.asarray(due).item() == dt.date(2025, 4, 23)


def test_ex03_model_answer_figures_are_the_kpis(log: pd.DataFrame):
    policy = load_policy()
    kpis = compute_kpis(log, policy)
    letters = time_to(log[log["channel"] == "letter"], "acknowledge", policy)
    text = model_answer(source("ex03-kpis"), "ex03-q6").replace("\n", " ")
    for figure in (kpis["first_contact_resolution"].formatted(),
                   f"{kpis['satisfaction_mean'].value:.2f} of 5",
                   kpis["time_to_acknowledge"].formatted(), letters.formatted(),
                   f"{kpis['satisfaction_response_rate'].value:.0%}"):
        assert figure in text, figure
    assert {k for k, v in kpis.items() if v.met is False} == {
        "first_contact_resolution", "satisfaction_mean"}


def test_ex04_scheme_figures_hold(log: pd.DataFrame):
    shares = {}
    for year in (2024, 2025):
        days = log["received_at"].dt.normalize()
        window = log[days.between(pd.Timestamp(year, 3, 3), pd.Timestamp(year, 5, 31))]
        table = pareto(window[window["category"] == "billing"], "root_cause")
        shares[year] = table.loc["billing_system_defect", "share"]
    text = scheme(source("ex04-root-cause"), "ex04-q5-question").replace("\n", " ")
    assert f"about {shares[2024]:.0%} to about {shares[2025]:.0%}" in text


def test_ex06_scheme_lists_the_record_breaches_in_scope(log: pd.DataFrame):
    audit = log[log["received_at"].between("2024-01-01", "2024-05-01", inclusive="left")]
    breaches = find_policy_breaches(audit, load_policy())
    text = scheme(source("ex06-audit-case"), "ex06-q5-question")
    listed = dict(re.findall(r"^- `(\w+)` \(policy [\d.]+\): (.+)$", text, flags=re.M))
    assert len(listed) == 6
    for rule, ids in listed.items():
        expected = sorted(breaches.loc[breaches["rule"] == rule, "complaint_id"])
        assert ids.split(", ") == expected, rule
    answer = model_answer(source("ex06-audit-case"), "ex06-q5")
    assert f"Of the {len(audit)} complaints" in answer
    assert sorted(re.findall(r"CMP-\d{4}-\d{6}", answer)) == sorted(
        listed["ACK_MISSING"].split(", "))


def test_ex07_case_is_as_the_notes_and_scheme_describe(log: pd.DataFrame):
    policy = load_policy()
    case = log[log["complaint_id"] == "CMP-2025-000551"]
    record = case.iloc[0]
    assert (record["outcome"], record["product"], record["category"]) == (
        "partially_upheld", "electricity", "billing")
    assert bool(record["vulnerable"]) and record["root_cause"] == "billing_system_defect"
    assert f"{record['received_at']:%A %-d %B %Y}" == "Monday 17 March 2025"
    assert f"{record['resolved_at']:%-d %B %Y}" == "29 May 2025"
    days = int(business_days_to(case, "resolved_at", policy).iloc[0])
    assert days > policy.timeliness["resolve"].within_business_days
    assert (record["resolved_at"] - record["received_at"]).days > 8 * 7
    notebook = source("ex07-response-letter")
    assert f"after {days} business days" in scheme(notebook, "ex07-q3-question")
    letter = model_answer(notebook, "ex07-q3")
    assert f"£{record['redress_amount']:.2f}" in letter and f"{days} working days" in letter
