"""The graded exercises' sources, checked without running nbgrader (fast).

What a trainer relies on before releasing: the seven assignments of the course map exist as
nbgrader sources; every autograded test has visible and hidden parts; every written answer has
a mark scheme beside it; the points a learner is promised are the points nbgrader counts; no
graded notebook uses a widget (a widget can hang the autograder) or reads data by any path but
the course's loader; and what the trainers' mark schemes and model answers state about the
sample data is true of the data. The grading itself is proven in test_exercises_proof.py.
"""

from __future__ import annotations

import ast
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
    plan_deadlines,
)
from widgets.core.complaints.kpis import time_to
from widgets.core.complaints.policy import load_policy
from widgets.core.course.course_map import load_course_map
from widgets.core.grading.exercise_submissions import (
    grade_id,
    is_answer,
    is_test,
    nbgrader_meta,
    solution_text,
)
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


# --- no programming on the practitioner and internal-auditor paths ----------------------------

NO_PROGRAMMING_PATHS = ("practitioner", "internal-auditor")
DATE_CALLS = {"date", "dt.date", "datetime.date"}


def is_literal(node: ast.AST) -> bool:
    """A value a learner types: a constant, a list/tuple/set/dict of them, a negative number,
    or a date literal such as dt.date(2025, 4, 23)."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return isinstance(node.operand, ast.Constant) and isinstance(node.operand.value,
                                                                     int | float)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return all(is_literal(element) for element in node.elts)
    if isinstance(node, ast.Dict):
        return all(key is not None and is_literal(key) for key in node.keys) and all(
            is_literal(value) for value in node.values)
    if isinstance(node, ast.Call):
        return (ast.unparse(node.func) in DATE_CALLS and not node.keywords
                and all(isinstance(arg, ast.Constant) and isinstance(arg.value, int)
                        for arg in node.args))
    return False


def not_literal_assignments(code: str) -> list[str]:
    """The statements of `code` that are not `name = <literal>` (imports, calls, loops,
    expressions), as source lines: empty when a learner only types values."""
    return [ast.unparse(statement) for statement in ast.parse(code).body
            if not (isinstance(statement, ast.Assign)
                    and all(isinstance(target, ast.Name) for target in statement.targets)
                    and is_literal(statement.value))]


def no_programming_exercises() -> list[str]:
    course = load_course_map()
    return sorted({exercise for path in NO_PROGRAMMING_PATHS
                   for exercise in course.path(path).exercises})


def test_the_literal_check_tells_typing_from_programming():
    assert not_literal_assignments(
        'answer_q1 = "B"\nacknowledge_by = "2025-04-23"  # a comment\n'
        'kinds = {1: "complaint", 2: ["A", "C"]}\nwhen = dt.date(2025, 4, 23)\nx = -1.5'
    ) == []
    assert not_literal_assignments(
        "import pandas as pd\nanswer = log['a'].mean()\nanswer\nanswer = sorted(['B'])\n"
        "when = dt.date(year, 4, 23)\nfor x in []:\n    pass"
    ) == ["import pandas as pd", "answer = log['a'].mean()", "answer",
          "answer = sorted(['B'])", "when = dt.date(year, 4, 23)", "for x in []:\n    pass"]


def test_both_no_programming_paths_have_graded_work_to_check():
    """Guard for the parametrized test below: it must see the practitioner's and the internal
    auditor's assignments, so a path emptied by mistake cannot pass it vacuously."""
    course = load_course_map()
    checked = set(no_programming_exercises())
    for path in NO_PROGRAMMING_PATHS:
        assert set(course.path(path).exercises) <= checked and course.path(path).exercises


@pytest.mark.parametrize("assignment", no_programming_exercises())
def test_no_programming_paths_ask_only_for_typed_values(assignment: str):
    """Issue 11: every autograded answer on these paths is typed, never programmed — the
    answer cell, as released and as solved, holds only `name = <literal>` lines."""
    code_answers = [cell for cell in source(assignment).cells
                    if is_answer(cell) and cell.cell_type == "code"]
    assert code_answers, f"{assignment} has no typed answers to grade automatically"
    for cell in code_answers:
        solution = solution_text(cell.source)
        assert not_literal_assignments(solution) == [], (
            f"{grade_id(cell)}: only `name = value` lines, with values typed as literals")
        released, _ = split_region(cell.source, SOLUTION)
        assert released.strip() == "", f"{grade_id(cell)}: nothing outside the solution"


# --- the practitioner exercises' keys are the policy's dates and the triage rule's priorities -


def hidden_literal(notebook: nbformat.NotebookNode, test_cell: str, name: str = "_key"):
    """The literal a hidden test assigns to `name` (the grader's key, typed as a literal so
    that nothing in the learner's kernel computes it)."""
    hidden = "\n".join(split_region(cell_by_id(notebook, test_cell).source, HIDDEN_TESTS)[1])
    for statement in ast.parse(hidden).body:
        if isinstance(statement, ast.Assign) and ast.unparse(statement.targets[0]) == name:
            return ast.literal_eval(statement.value)
    raise AssertionError(f"{test_cell}: no {name} = <literal> in the hidden tests")


def solution_literal(notebook: nbformat.NotebookNode, answer_cell: str):
    """The value the model answer types into an answer cell (one assignment)."""
    (statement,) = ast.parse(model_answer(notebook, answer_cell)).body
    return ast.literal_eval(statement.value)


def day_of(policy, received: dt.date, business_days: int) -> dt.date:
    return np.asarray(policy.deadline(received, business_days)).item()


def test_ex08_angry_caller_date_follows_the_policy():
    policy = load_policy()
    received = dt.date(2025, 6, 10)
    assert f"{received:%A}" == "Tuesday"
    assert not [day for day in policy.holidays if (day.year, day.month) == (2025, 6)]
    due = day_of(policy, received, policy.timeliness["first_response"].within_business_days)
    notebook = source("ex08-recognising-complaints")
    assert f"{due:%A %-d %B %Y}" in scheme(notebook, "ex08-q4-question").replace("\n", " ")
    assert f"{due:%A %-d %B}" in model_answer(notebook, "ex08-q4").replace("\n", " ")


# received, channel, vulnerable, category, severity, earlier complaints in the 90 days before
EX09_CASES = {
    "A": (dt.datetime(2025, 4, 30, 16, 50), "e-mail", False, "billing", "medium", 0),
    "B": (dt.datetime(2025, 5, 2, 18, 30), "web form", True, "metering", "low", 0),
    "C": (dt.datetime(2025, 5, 23, 19, 10), "web form", False, "safety", "high", 0),
    "D": (dt.datetime(2025, 5, 24, 10, 15), "e-mail", False, "complaints_handling", "medium", 1),
}


def test_ex09_cases_in_the_notebook_are_the_cases_checked_here():
    text = cell_by_id(source("ex09-receipt-and-deadlines"), "ex09-cases").source
    for case, (received, channel, vulnerable, category, severity, earlier) in EX09_CASES.items():
        row = next(line for line in text.split("\n") if line.startswith(f"| {case} |"))
        cells = [cell.strip() for cell in row.split("|")[2:8]]
        assert cells == [f"{received:%A %-d %B %Y, %H:%M}", channel,
                         category.replace("_", " "), severity, "yes" if vulnerable else "no",
                         str(earlier)], case


def test_ex09_keys_are_the_policy_deadlines_and_the_triage_rule():
    policy = load_policy()
    notebook = source("ex09-receipt-and-deadlines")
    expected: dict[str, dict[str, str]] = {"q1": {}, "q2": {}, "q3": {}, "q4": {}}
    for case, (received, _, vulnerable, category, severity, earlier) in EX09_CASES.items():
        plan = plan_deadlines(received, policy, vulnerable=vulnerable,
                              safety=category == "safety")
        expected["q1"][case] = plan.deadline("acknowledge").due.isoformat()
        expected["q2"][case] = plan.deadline("first_response").due.isoformat()
        expected["q3"][case] = assess_priority(severity, category, vulnerable, earlier).priority
        if case in ("A", "D"):
            expected["q4"][case] = plan.deadline("resolve").due.isoformat()
    for question, key in expected.items():
        assert hidden_literal(notebook, f"ex09-{question}-tests") == key, question
        assert solution_literal(notebook, f"ex09-{question}") == key, question
    # The mark scheme's dates for complaint B are the same deadlines.
    text = scheme(notebook, "ex09-q5-question").replace("\n", " ")
    for due in (expected["q1"]["B"], expected["q2"]["B"]):
        assert f"{dt.date.fromisoformat(due):%A %-d %B %Y}" in text


def test_ex10_keys_are_the_march_report_and_the_policy_dates(log: pd.DataFrame):
    policy = load_policy()
    notebook = source("ex10-responding-and-closing")
    march = log[log["received_at"].dt.to_period("M") == "2025-03"]
    tiles = dict(zip("ABCDEFGH", [kpi for kpi in compute_kpis(march, policy).values()
                                  if kpi.target], strict=True))
    assert len(tiles) == 8
    missed = {letter for letter, kpi in tiles.items() if kpi.met is False}
    assert hidden_literal(notebook, "ex10-q1-tests") == missed
    assert set(solution_literal(notebook, "ex10-q1")) == missed
    received, decided = dt.date(2025, 3, 3), dt.date(2025, 3, 27)
    assert f"{received:%A}" == "Monday" and f"{decided:%A}" == "Thursday"
    route = {"ombudsman": "Communications Ombudsman",
             "opens": (received + dt.timedelta(weeks=8)).isoformat()}
    assert hidden_literal(notebook, "ex10-q3-tests") == route
    assert f"{received + dt.timedelta(weeks=8):%-d %B %Y}" in scheme(notebook, "ex10-q5-question")
    # The decision came within policy 4.5, as the case and the mark scheme say.
    elapsed = int(policy.business_days_elapsed(np.array([received], dtype="datetime64[ns]"),
                                               np.array([decided], dtype="datetime64[ns]"))[0])
    assert elapsed <= policy.timeliness["resolve"].within_business_days
    case = cell_by_id(notebook, "ex10-case").source
    assert f"({decided:%A %-d %B %Y}, {elapsed} business days after receipt)" in case
    assert f"within the policy's 20 business days ({elapsed})" in scheme(
        notebook, "ex10-q5-question").replace("\n", " ")
