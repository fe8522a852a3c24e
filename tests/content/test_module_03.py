"""Module 03 (handling a complaint): its structure, its coverage of clause 7, and every claim its
narrative makes about the policy, the regulators and the sample data.

The notebook itself runs in tests/e2e/test_notebooks_run.py. Here we check what running cannot:
that the text agrees with the files it describes, so editing datasets/policy.yaml,
widgets/content/regulators.yaml or regenerating the data cannot make the text lie unnoticed.
"""

from __future__ import annotations

import datetime as dt
import re

import nbformat
import pytest
from support.repo import REPO

from widgets.core.complaints.deadlines import plan_deadlines
from widgets.core.complaints.regulators import comparison_table, load_regulators
from widgets.core.complaints.schema import COLUMNS
from widgets.core.course.course_map import load_course_map
from widgets.core.course.questions import load_bank, validate_bank
from widgets.core.practice.lifecycle import load_scenario

MODULE = "03-handling-a-complaint"
NOTEBOOK = nbformat.read(REPO / "modules" / f"{MODULE}.ipynb", as_version=4)
CODE = [cell.source for cell in NOTEBOOK.cells if cell.cell_type == "code"]
TEXT = "\n".join(cell.source for cell in NOTEBOOK.cells if cell.cell_type == "markdown")
PROSE = " ".join(TEXT.split())  # line breaks inside sentences do not matter
STEPS = [f"7.{n}" for n in range(1, 10)]
WORKED_EXAMPLE = dt.datetime(2025, 4, 17, 9, 40)


def test_opens_with_the_header_and_closes_with_check_summary_and_next_steps():
    assert CODE[0].endswith('show_module_header("03-handling-a-complaint")')
    assert CODE[-1].endswith('show_next_steps("03-handling-a-complaint")')
    assert any(code.endswith('knowledge_check("03-handling-a-complaint")') for code in CODE)
    headings = re.findall(r"^## (.+)$", TEXT, flags=re.MULTILINE)
    assert headings[-2:] == ["Knowledge check", "Summary"]


def test_interactive_elements():
    calls = re.findall(r"^(DeadlineCalculator|TriageBoard|LifecycleSimulator)\((.*)\)$",
                       "\n".join(CODE), flags=re.MULTILINE)
    kinds = {kind for kind, _ in calls}
    assert kinds == {"DeadlineCalculator", "TriageBoard", "LifecycleSimulator"}
    scenarios = {args for kind, args in calls if kind == "LifecycleSimulator"}
    assert scenarios == {'"billing-error"', '"gas-safety"'}  # at least two scenarios


def test_every_step_of_clause_7_is_taught_with_its_own_section():
    module = load_course_map().module(MODULE)
    assert set(STEPS) | {"10003"} <= set(module.clauses)
    for step in STEPS:
        assert re.search(rf"^## {re.escape(step)} ", TEXT, flags=re.MULTILINE), step
    assert "ISO 10003" in PROSE
    assert "ISO 10002:2018" in PROSE


def test_every_step_of_clause_7_is_assessed_by_the_knowledge_check():
    bank = load_bank("process")
    assert validate_bank("process") == []
    assert bank.module == MODULE
    assert len(bank.questions) >= 8
    assessed = {clause for question in bank.questions for clause in question.clauses}
    assert set(STEPS) | {"10003"} <= assessed


def test_sample_data_is_read_only_through_widgets():
    code = "\n".join(CODE)
    assert "read_csv" not in code and "open(" not in code and "complaints.csv\")" in code
    for line in code.splitlines():
        if line.startswith(("import ", "from ")):
            module = line.split()[1]
            assert module.startswith("widgets") or module in ("datetime", "pandas"), line


def test_policy_numbers_in_the_narrative_are_the_policy_s(policy):
    ack, first, resolve = (policy.timeliness[step]
                           for step in ("acknowledge", "first_response", "resolve"))
    for phrase in (
        f"acknowledge **within {ack.within_business_days} business days** of receipt "
        f"(policy {ack.policy_section}",
        f"first substantive response **within {first.within_business_days} business days** "
        f"({first.policy_section})",
        f"or **within {policy.vulnerable_first_response_business_days}** for a customer on the "
        "vulnerable-customer register (4.6)",
        f"decision communicated **within {resolve.within_business_days} business days** "
        f"({resolve.policy_section})",
        f"the {resolve.within_business_days} business days of policy {resolve.policy_section}",
        f"escalation level {policy.safety_min_escalation_level} or higher, policy 4.3",
    ):
        assert phrase in PROSE, phrase
    assert policy.safety_acknowledge_business_days == 0
    assert "acknowledged **on the day of receipt** and passed to the Safety Team (4.3)" in PROSE


def test_worked_example_dates_are_the_calculator_s(policy):
    plan = plan_deadlines(WORKED_EXAMPLE, policy, channel="email")
    due = {d.step: d.due for d in plan.deadlines}
    assert "09:40 on **Thursday 17 April 2025**" in PROSE
    assert due == {"acknowledge": dt.date(2025, 4, 23), "first_response": dt.date(2025, 4, 28),
                   "resolve": dt.date(2025, 5, 20)}
    for day, words in ((due["acknowledge"], "**Wednesday 23 April** business day 2"),
                       (due["first_response"], "first response falls due on **Monday 28 April**"),
                       (due["resolve"], "the decision on **Tuesday 20 May**")):
        assert words in PROSE, words
        assert f"{day:%A} {day.day} {day:%B}" in words.replace("**", "")
    assert plan.elapsed(dt.date(2025, 4, 22)) == 1  # "**Tuesday 22 April** is business day 1"
    assert "**Tuesday 22 April** is business day 1" in PROSE
    assert dt.date(2025, 5, 5) in policy.holidays  # "the early May bank holiday (5 May)"
    for holiday in (dt.date(2025, 4, 18), dt.date(2025, 4, 21)):
        assert holiday in policy.holidays  # Good Friday and Easter Monday


def test_scenarios_are_as_the_narrative_describes(policy):
    billing = load_scenario("billing-error")
    assert billing.received == WORKED_EXAMPLE.date()  # "the same Thursday before Easter"
    assert "09:40" in billing.steps[0].situation
    gas = load_scenario("gas-safety")
    assert gas.safety and gas.channel == "phone"
    assert gas.received.weekday() == 4  # a Friday ...
    assert gas.received + dt.timedelta(days=3) in policy.holidays  # ... before a bank holiday


def test_regulator_statements_match_the_timelines_file(policy):
    regulators = load_regulators()
    stated = {
        ("fca", "final-response"): (8, "weeks", "a final response within **8 weeks**"),
        ("fca", "summary-resolution"): (3, "business_days", "the **third business day**"),
        ("fca", "ombudsman-window"): (6, "months", "**6 months** from the final response"),
        ("asic", "acknowledgement"): (24, "hours", "acknowledge within **24 hours**"),
        ("asic", "final-response"): (30, "calendar_days", "within **30 calendar days**"),
        ("spso", "stage-1-decision"): (5, "business_days", "stage 1 decision within **5 working"),
        ("spso", "stage-2-acknowledgement"): (3, "business_days", "acknowledge within **3**"),
        ("spso", "stage-2-decision"): (20, "business_days", "decide within **20 working"),
        ("housing-ombudsman", "stage-1-acknowledgement"):
            (5, "business_days", "stage 1 acknowledged within **5 working days**"),
        ("housing-ombudsman", "stage-1-response"):
            (10, "business_days", "**10 working days of the acknowledgement**"),
        ("housing-ombudsman", "stage-2-response"):
            (20, "business_days", "within **20 working days** of its acknowledgement"),
        ("cfpb", "response"): (15, "calendar_days", "respond within **15 days**"),
        ("cfpb", "closed"): (60, "calendar_days", "close most within **60 days**"),
    }
    for (regulator, milestone_id), (amount, unit, words) in stated.items():
        milestone = regulators[regulator].milestone(milestone_id)
        assert (milestone.amount, milestone.unit) == (amount, unit), milestone_id
        assert words in PROSE, words
    assert regulators["housing-ombudsman"].milestone("stage-1-response").start == \
        "stage-1-acknowledgement"  # "counts from the acknowledgement, not from receipt"


@pytest.mark.parametrize("received", [WORKED_EXAMPLE, dt.datetime(2025, 12, 22, 9, 0)])
def test_thirty_calendar_days_hold_fewer_business_days_over_holidays(policy, received):
    """ "Over Easter or Christmas, 30 calendar days can hold fewer business days than a
    20-business-day target." """
    table = comparison_table(plan_deadlines(received, policy), load_regulators())
    asic = table[table["rule"] == "within 30 calendar days of receipt"]
    assert len(asic) == 1 and asic["business days"].item() < 20
    assert "Over Easter or Christmas, 30 calendar days can hold fewer business days than a " \
           "20-business-day target" in PROSE


def test_the_log_has_no_field_for_the_remedy_sought():
    """The narrative's 'Look closer' point about the schema."""
    names = [column.name for column in COLUMNS]
    assert "remedy" in names
    assert not [n for n in names if "sought" in n or "request" in n or "wanted" in n]
    assert "has no field for the remedy *sought*" in PROSE
